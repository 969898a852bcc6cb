/* SPDX-License-Identifier: MIT */
/*
 * OTR's files and keys: $XDG_DATA_HOME/natter/otr/ (mode 0700) holds
 * keys, fingerprints and instags (libotr's formats, one file each for
 * every account, each entry naming its account; mode 0600, replaced
 * atomically). A DSA key takes seconds to generate, so it is calculated
 * in a thread of its own (otrl_privkey_generate_calculate touches nothing
 * shared); the thread writes a byte to a pipe that the main loop watches,
 * and the main thread finishes the key (otrl_privkey_generate_finish) and
 * starts the private conversations that waited for it. core layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "loop.h"
#include "otr-internal.h"
#include "util/log.h"
#include "util/xdg.h"

/*
 * A key being generated for one account. Owned by keygens (key: libotr's
 * account name); the thread reads only newkey and writes only result.
 */
struct keygen {
	char		*account;	/* natter's name */
	char		*id;		/* libotr's account name (bare JID) */
	void		*newkey;	/* libotr's, until finished */
	GThread		*thread;
	int		 pipe[2];
	guint		 watch;
	gint64		 started;	/* monotonic, microseconds */
	gcry_error_t	 result;
	GPtrArray	*then;		/* peers to start a conversation with */
};

typedef gcry_error_t write_fn(FILE *f, void *data);

static GHashTable *keygens;

static char *
path_of(const char *name)
{
	g_autofree char *file = g_build_filename("otr", name, NULL);

	return xdg_path(XDG_DATA, file);
}

/* The otr directory, created (and kept) 0700. */
static bool
ensure_dir(GError **error)
{
	g_autofree char *dir = xdg_path(XDG_DATA, "otr");

	if (g_mkdir_with_parents(dir, 0700) != 0 || chmod(dir, 0700) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "%s: %s", dir, g_strerror(errno));
		return false;
	}
	return true;
}

/*
 * Replace otr/name with what fn writes: a new file of mode 0600, renamed
 * over the old one only when complete.
 */
static bool
write_private(const char *name, write_fn *fn, void *data, GError **error)
{
	g_autofree char *path = path_of(name);
	g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
	gcry_error_t err;
	FILE *f = NULL;
	int fd;

	if (!ensure_dir(error))
		return false;
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		f = fdopen(fd, "w+b");
	if (f == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "%s: %s", tmp,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	err = fn(f, data);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = err != 0 ? err : gcry_error_from_errno(errno);
	if (fclose(f) != 0 || err != 0 || rename(tmp, path) != 0) {
		g_set_error(error, G_FILE_ERROR, 0, "%s: %s", path,
		    err != 0 ? gcry_strerror(err) : g_strerror(errno));
		(void)unlink(tmp);
		return false;
	}
	return true;
}

/* A libotr read that failed for another reason than a missing file. */
static bool
read_failed(gcry_error_t err, const char *path, GError **error)
{
	if (err == 0 || gcry_err_code(err) == GPG_ERR_ENOENT)
		return false;
	g_set_error(error, G_FILE_ERROR, 0, "%s: %s; OTR keys and "
	    "fingerprints in it are not used", path, gcry_strerror(err));
	return true;
}

/* Read the keys, fingerprints and instance tags that exist. */
bool
otr_keys_load(GError **error)
{
	g_autofree char *keys = path_of("keys");
	g_autofree char *fps = path_of("fingerprints");
	g_autofree char *tags = path_of("instags");

	keygens = g_hash_table_new(g_str_hash, g_str_equal);
	if (read_failed(otrl_privkey_read(otr_us, keys), keys, error))
		return false;
	if (read_failed(otrl_privkey_read_fingerprints(otr_us, fps, NULL,
	    NULL), fps, error))
		return false;
	return !read_failed(otrl_instag_read(otr_us, tags), tags, error);
}

static gcry_error_t
write_fps(FILE *f, void *data)
{
	return otrl_privkey_write_fingerprints_FILEp(otr_us, f);
}

/* Save the fingerprints (and their trust) libotr knows. */
bool
otr_keys_write_fingerprints(void)
{
	g_autoptr(GError) err = NULL;

	if (write_private("fingerprints", write_fps, NULL, &err))
		return true;
	ev_emit_text(EV_ERROR, NULL, "OTR fingerprints not saved: %s",
	    err->message);
	return false;
}

static gcry_error_t
write_instag(FILE *f, void *data)
{
	return otrl_instag_generate_FILEp(otr_us, f, data, OTR_PROTOCOL);
}

/* libotr needs an instance tag for otr_account: a new one, saved. */
void
otr_keys_create_instag(const char *otr_account)
{
	g_autoptr(GError) err = NULL;

	if (!write_private("instags", write_instag, (void *)otr_account,
	    &err))
		ev_emit_text(EV_ERROR, NULL, "OTR instance tag not saved: %s",
		    err->message);
}

/* True when otr_account has a private key. */
bool
otr_keys_have(const char *otr_account)
{
	return otrl_privkey_find(otr_us, otr_account, OTR_PROTOCOL) != NULL;
}

/* account's fingerprint (caller frees), or NULL with error. */
char *
otr_fingerprint_mine(const char *account, GError **error)
{
	g_autofree char *id = otr_account_id(account);
	char buf[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];

	otr_load();
	if (id == NULL || otr_us == NULL || otrl_privkey_fingerprint(otr_us, buf, id,
	    OTR_PROTOCOL) == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "account '%s' has no OTR "
		    "key yet (/otr gen)%s", account, otr_keygen_running(account)
		    ? "; it is being generated" : "");
		return NULL;
	}
	return g_strdup(buf);
}

/* The calculation, off the main thread. */
static gpointer
calculate(gpointer data)
{
	struct keygen *k = data;
	char byte = 1;

	k->result = otrl_privkey_generate_calculate(k->newkey);
	while (write(k->pipe[1], &byte, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void
keygen_free(struct keygen *k)
{
	if (k->watch != 0)
		loop_remove_fd(k->watch);
	close(k->pipe[0]);
	close(k->pipe[1]);
	g_ptr_array_unref(k->then);
	g_free(k->account);
	g_free(k->id);
	g_free(k);
}

static gcry_error_t
write_key(FILE *f, void *data)
{
	return otrl_privkey_generate_finish_FILEp(otr_us, data, f);
}

/* The key is ready: save it and start the conversations that wait. */
static void
finish(struct keygen *k)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *fp = NULL;
	double secs = (g_get_monotonic_time() - k->started) / 1e6;
	guint i;

	if (k->result != 0 || !write_private("keys", write_key, k->newkey,
	    &err)) {
		if (k->result != 0)
			otrl_privkey_generate_cancelled(otr_us, k->newkey);
		ev_emit_text(EV_ERROR, k->account, "OTR key for %s not "
		    "generated: %s", k->id, err != NULL ? err->message :
		    gcry_strerror(k->result));
		return;
	}
	fp = otr_fingerprint_mine(k->account, NULL);
	ev_emit_text(EV_INFO, k->account, "OTR key for %s generated in %.1f "
	    "s; fingerprint %s", k->id, secs, fp != NULL ? fp : "?");
	for (i = 0; i < k->then->len; i++) {
		const char *peer = g_ptr_array_index(k->then, i);

		g_clear_error(&err);
		if (!otr_start(k->account, peer, &err))
			otr_error(k->account, peer, "no private conversation "
			    "with %s: %s", peer, err->message);
	}
}

static void
keygen_done_cb(int fd, short revents, void *data)
{
	struct keygen *k = data;
	char byte;

	if (read(fd, &byte, 1) < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	g_thread_join(k->thread);
	k->thread = NULL;
	g_hash_table_remove(keygens, k->id);
	finish(k);
	keygen_free(k);
}

/* True while account's key is being generated. */
bool
otr_keygen_running(const char *account)
{
	g_autofree char *id = otr_account_id(account);

	return id != NULL && keygens != NULL &&
	    g_hash_table_lookup(keygens, id) != NULL;
}

static struct keygen *
keygen_start(const char *account, const char *id, GError **error)
{
	struct keygen *k = g_new0(struct keygen, 1);
	gcry_error_t err;

	if (pipe(k->pipe) != 0) {
		g_set_error(error, G_FILE_ERROR, 0, "pipe: %s",
		    g_strerror(errno));
		g_free(k);
		return NULL;
	}
	(void)fcntl(k->pipe[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(k->pipe[1], F_SETFD, FD_CLOEXEC);
	(void)fcntl(k->pipe[0], F_SETFL, O_NONBLOCK);
	err = otrl_privkey_generate_start(otr_us, id, OTR_PROTOCOL,
	    &k->newkey);
	if (err != 0) {
		g_set_error(error, G_FILE_ERROR, 0, "cannot generate an OTR "
		    "key: %s", gcry_strerror(err));
		k->then = g_ptr_array_new();
		keygen_free(k);
		return NULL;
	}
	k->account = g_strdup(account);
	k->id = g_strdup(id);
	k->then = g_ptr_array_new_with_free_func(g_free);
	k->started = g_get_monotonic_time();
	k->watch = loop_add_fd(k->pipe[0], POLLIN, keygen_done_cb, k);
	k->thread = g_thread_new("otr-keygen", calculate, k);
	g_hash_table_insert(keygens, k->id, k);
	ev_emit_text(EV_INFO, account, "generating an OTR key for %s in the "
	    "background (a few seconds)...", id);
	return k;
}

/*
 * Generate account's key in the background (progress and result as info
 * events). Fails when it has one already or one is being generated.
 */
bool
otr_keygen(const char *account, GError **error)
{
	g_autofree char *id = otr_account_id(account);
	g_autofree char *fp = NULL;

	if (id == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "no account '%s'",
		    account);
		return false;
	}
	otr_load();
	if (otr_us == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR is not available");
		return false;
	}
	if (otr_keygen_running(account)) {
		g_set_error(error, G_FILE_ERROR, 0, "the OTR key for %s is "
		    "being generated already", id);
		return false;
	}
	fp = otr_fingerprint_mine(account, NULL);
	if (fp != NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "%s has an OTR key "
		    "already (fingerprint %s)", id, fp);
		return false;
	}
	return keygen_start(account, id, error) != NULL;
}

/*
 * A private conversation with peer waits for account's key: generated
 * now unless it is being generated, the conversation started when ready.
 */
void
otr_keys_start_after(const char *account, const char *peer)
{
	g_autofree char *id = otr_account_id(account);
	g_autoptr(GError) err = NULL;
	struct keygen *k = id != NULL ? g_hash_table_lookup(keygens, id) :
	    NULL;
	guint i;

	if (id == NULL)
		return;
	if (k == NULL && (k = keygen_start(account, id, &err)) == NULL) {
		otr_error(account, peer, "%s", err->message);
		return;
	}
	for (i = 0; i < k->then->len; i++)
		if (g_strcmp0(g_ptr_array_index(k->then, i), peer) == 0)
			return;
	g_ptr_array_add(k->then, g_strdup(peer));
	otr_error(account, peer, "no OTR key for %s yet: the private "
	    "conversation with %s starts when it is generated", id, peer);
}

/*
 * libotr needs otr_account's key during a contact's key exchange: it is
 * generated in the background and the conversation with peer restarted
 * when it is ready.
 */
void
otr_keys_create_privkey(const char *otr_account, const char *peer)
{
	const char *name = otr_account_name(otr_account);

	if (name != NULL && peer != NULL)
		otr_keys_start_after(name, peer);
}

/* At exit: wait for calculations still running, then drop them. */
void
otr_keys_free(void)
{
	GHashTableIter it;
	gpointer v;

	if (keygens == NULL)
		return;
	g_hash_table_iter_init(&it, keygens);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct keygen *k = v;

		g_thread_join(k->thread);
		otrl_privkey_generate_cancelled(otr_us, k->newkey);
		keygen_free(k);
	}
	g_clear_pointer(&keygens, g_hash_table_unref);
}
