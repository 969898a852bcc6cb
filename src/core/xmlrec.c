/* SPDX-License-Identifier: MIT */
/*
 * /xmlconsole record: the console's traffic appended to a file as JSON
 * Lines while recording, starting with what the ring already holds (so a
 * recording begun after a problem still has it). Subscribed to the raw
 * events after the console ring, so the newest ring entry is the element
 * just captured, numbered and paired. A write error stops the recording
 * and says so. core layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "util/json.h"
#include "xmlrec.h"

static int rec_fd = -1;
static char *rec_path;
static guint64 rec_written;
static guint sub_in, sub_out;

/* "2026-01-02T03:04:05.123456Z" for us microseconds since the epoch. */
static char *
iso_time(gint64 us)
{
	time_t secs = (time_t)(us / G_USEC_PER_SEC);
	struct tm tm;
	char buf[32];

	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		g_strlcpy(buf, "1970-01-01T00:00:00", sizeof(buf));
	return g_strdup_printf("%s.%06dZ", buf, (int)(us % G_USEC_PER_SEC));
}

/* One record, without the newline. */
char *
xmlrec_line(const struct xmlcon_entry *e)
{
	g_autofree char *t = iso_time(e->time);
	g_autofree char *acct = json_string(e->account ? e->account : "");
	g_autofree char *xml = json_string(xmlcon_entry_xml(e));
	g_autofree char *pair = NULL;
	g_autofree char *raw = e->has_raw ? json_string(xmlcon_entry_raw(e)) :
	    NULL;

	/* Only a reply names its pair: it is known when the line is written. */
	pair = e->pair != 0 && e->rtt >= 0 ?
	    g_strdup_printf("%" G_GUINT64_FORMAT, e->pair) : g_strdup("null");
	return g_strdup_printf("{\"time\":\"%s\",\"account\":%s,\"dir\":\"%s\","
	    "\"n\":%" G_GUINT64_FORMAT ",\"pair\":%s,\"xml\":%s%s%s}", t,
	    acct, e->out ? "out" : "in", e->seq, pair, xml, raw != NULL ?
	    ",\"raw\":" : "", raw != NULL ? raw : "");
}

static bool
write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		s += n;
		len -= (size_t)n;
	}
	return true;
}

static bool
write_entry(const struct xmlcon_entry *e)
{
	g_autofree char *line = xmlrec_line(e);
	g_autofree char *nl = g_strconcat(line, "\n", NULL);

	if (!write_all(rec_fd, nl, strlen(nl)))
		return false;
	rec_written++;
	return true;
}

static void
fail(int err)
{
	g_autofree char *path = g_strdup(rec_path);
	guint64 n = rec_written;

	xmlrec_stop();
	ev_emit_text(EV_ERROR, NULL, "XML console recording to %s stopped "
	    "after %" G_GUINT64_FORMAT " records: %s", path, n,
	    g_strerror(err != 0 ? err : EIO));
}

static void
on_raw(const struct ev *ev, void *data)
{
	guint n = xmlcon_count();

	(void)ev;
	(void)data;
	if (rec_fd >= 0 && n > 0 && !write_entry(xmlcon_nth(n - 1)))
		fail(errno);
}

/*
 * Create or empty path (0600, ours, not a link): emptied only after the
 * checks, so another user's file we may write to is left alone.
 */
static int
open_private(const char *path, GError **error)
{
	struct stat st;
	/* Non-blocking so that a FIFO without a reader fails, not hangs. */
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK, 0600);

	if (fd < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "%s: %s", path, g_strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != getuid() ||
	    !S_ISREG(st.st_mode) || fchmod(fd, 0600) != 0 ||
	    ftruncate(fd, 0) != 0) {
		close(fd);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
		    "%s: not a regular file of yours", path);
		return -1;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

bool
xmlrec_start(const char *path, GError **error)
{
	int fd = open_private(path, error);
	guint i;

	if (fd < 0)
		return false;
	xmlrec_stop();
	rec_fd = fd;
	rec_path = g_strdup(path);
	rec_written = 0;
	for (i = 0; i < xmlcon_count(); i++)
		if (!write_entry(xmlcon_nth(i))) {
			int err = errno;

			xmlrec_stop();
			g_set_error(error, G_FILE_ERROR,
			    g_file_error_from_errno(err), "%s: %s", path,
			    g_strerror(err));
			return false;
		}
	sub_in = ev_subscribe(EV_RAW_IN, on_raw, NULL);
	sub_out = ev_subscribe(EV_RAW_OUT, on_raw, NULL);
	return true;
}

void
xmlrec_stop(void)
{
	if (sub_in != 0)
		ev_unsubscribe(sub_in);
	if (sub_out != 0)
		ev_unsubscribe(sub_out);
	sub_in = sub_out = 0;
	if (rec_fd >= 0)
		close(rec_fd);
	rec_fd = -1;
	g_clear_pointer(&rec_path, g_free);
}

const char *
xmlrec_path(void)
{
	return rec_path;
}

guint64
xmlrec_written(void)
{
	return rec_written;
}

/* A field of a parsed record of the given type ('s', 'n', 'z'), or NULL. */
static const char *
field(GHashTable *obj, const char *key, char type)
{
	const char *v = g_hash_table_lookup(obj, key);

	return v != NULL && v[0] == type ? v + 1 : NULL;
}

/* One record into the console ring; false with why when it is not one. */
static bool
load_record(GHashTable *obj, const char **why)
{
	const char *t = field(obj, "time", 's'), *acct = field(obj, "account",
	    's'), *dir = field(obj, "dir", 's'), *n = field(obj, "n", 'n'),
	    *xml = field(obj, "xml", 's'), *raw = field(obj, "raw", 's');
	g_autoptr(GDateTime) dt = t != NULL ?
	    g_date_time_new_from_iso8601(t, NULL) : NULL;
	guint64 seq = 0;

	*why = "a field is missing or of the wrong type";
	if (dt == NULL || acct == NULL || n == NULL || xml == NULL ||
	    dir == NULL || (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0))
		return false;
	if (!g_ascii_string_to_unsigned(n, 10, 1, G_MAXUINT64, &seq, NULL)) {
		*why = "n is not a stanza number";
		return false;
	}
	if (!xmlcon_renumber(seq)) {
		*why = "n is not after the previous record's";
		return false;
	}
	xmlcon_add(acct, dir[0] == 'o', xml, raw, g_date_time_to_unix(dt) *
	    G_USEC_PER_SEC + g_date_time_get_microsecond(dt));
	return true;
}

/*
 * Fill the console from a recording (natter --replay): each malformed line
 * is reported with its number and skipped. Returns the records loaded, or
 * -1 with error when the file cannot be read.
 */
gint64
xmlrec_load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	gint64 loaded = 0;
	guint i;

	if (!g_file_get_contents(path, &text, NULL, error))
		return -1;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GHashTable) obj = NULL;
		const char *why = "malformed";

		if (lines[i][0] == '\0' && lines[i + 1] == NULL)
			break;
		obj = json_flat_parse(lines[i], &err);
		if (obj != NULL && load_record(obj, &why)) {
			loaded++;
			continue;
		}
		ev_emit_text(EV_ERROR, NULL, "%s line %u: %s; skipped", path,
		    i + 1, err != NULL ? err->message : why);
	}
	return loaded;
}
