/* SPDX-License-Identifier: MIT */
/*
 * Accounts: the accounts key file (mode 0600, one [NAME] group per account)
 * and each account's live state. Several accounts can be online at once;
 * every event carries the account name. A file that cannot be parsed is
 * reported and never rewritten. core layer: never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "prefs.h"
#include "roster.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/jid.h"
#include "util/log.h"

const char *const account_keys[] = { "jid", "server", "port", "tls",
	"resource", "password", "eval_password", "status", "priority",
	"autojoin", "otr_policy", "nick", "sasl_mechanism", "sasl_plain",
	NULL };

static GPtrArray *accounts;	/* struct account, owned */
static char *accounts_path;
static bool accounts_broken;
static account_release_fn *release_hook;

/*
 * Set the function that drops an account's protocol state before the
 * account is freed; the protocol layer keeps a pointer to its account.
 */
void
account_set_release_hook(account_release_fn *fn)
{
	release_hook = fn;
}

static void
account_free(struct account *acc)
{
	if (acc == NULL)
		return;
	if (acc->proto != NULL && release_hook != NULL)
		release_hook(acc);
	g_free(acc->name);
	g_hash_table_unref(acc->keys);
	g_free(acc->bound_jid);
	roster_free(acc->roster);
	g_free(acc);
}

static struct account *
account_new(const char *name)
{
	struct account *acc = g_new0(struct account, 1);

	acc->name = g_strdup(name);
	acc->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	acc->roster = roster_new();
	return acc;
}

static bool
key_known(const char *key)
{
	return g_strv_contains(account_keys, key);
}

/* True for keys whose values are never shown or logged. */
bool
account_key_is_secret(const char *key)
{
	return strcmp(key, "password") == 0;
}

static bool
valid_name(const char *name)
{
	const char *p;

	if (*name == '\0' || strlen(name) > 64)
		return false;
	for (p = name; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr("._-@", *p) == NULL)
			return false;
	return true;
}

static bool
validate(const char *key, const char *value, GError **error)
{
	char *end;
	long n;

	if (strcmp(key, "jid") == 0 && !jid_is_valid(value)) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "'%s' is not a valid JID (user@domain)", value);
		return false;
	}
	if (strcmp(key, "port") == 0 || strcmp(key, "priority") == 0) {
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' ||
		    (key[0] == 'p' && key[1] == 'o' && (n < 1 || n > 65535)) ||
		    (key[1] == 'r' && (n < -128 || n > 127))) {
			g_set_error(error, NATTER_CONFIG_ERROR, 0,
			    "%s: '%s' is out of range (%s)", key, value,
			    key[1] == 'o' ? "1-65535" : "-128..127");
			return false;
		}
	}
	if (strcmp(key, "sasl_plain") == 0 && strcmp(value, "yes") != 0 &&
	    strcmp(value, "no") != 0) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "sasl_plain: '%s' is not yes or no", value);
		return false;
	}
	if (strcmp(key, "tls") == 0) {
		g_autofree char *canon = NULL;

		return prefs_validate(prefs_find("conn.tls"), value, &canon,
		    error);
	}
	return true;
}

static void
load_account(GKeyFile *kf, const char *text, const char *group,
    GPtrArray *warnings)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
	struct account *acc = account_new(group);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *v = g_key_file_get_string(kf, group, keys[i],
		    NULL);
		g_autoptr(GError) err = NULL;

		if (!key_known(keys[i])) {
			g_ptr_array_add(warnings, g_strdup_printf("accounts: "
			    "[%s]: unknown key '%s'; ignored", group, keys[i]));
			continue;
		}
		if (v == NULL || !validate(keys[i], v, &err)) {
			g_ptr_array_add(warnings, g_strdup_printf("accounts: "
			    "[%s]: %s; ignored", group,
			    err != NULL ? err->message : "unreadable value"));
			continue;
		}
		g_hash_table_replace(acc->keys, g_strdup(keys[i]),
		    g_steal_pointer(&v));
	}
	(void)text;
	g_ptr_array_add(accounts, acc);
}

/*
 * Load the accounts file (a missing file means no accounts). Warnings are
 * appended as strings. Returns false when the file could not be parsed; it
 * is then never rewritten.
 */
bool
accounts_load(const char *path, GPtrArray *warnings)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) groups = NULL;
	size_t i;

	accounts_free();
	accounts = g_ptr_array_new_with_free_func((GDestroyNotify)account_free);
	accounts_path = g_strdup(path);
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return true;
		g_ptr_array_add(warnings, g_strdup_printf("accounts: %s",
		    err->message));
		accounts_broken = true;
		return false;
	}
	if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_KEEP_COMMENTS,
	    &err)) {
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s; no accounts "
		    "loaded, the file will not be rewritten", path,
		    err->message));
		accounts_broken = true;
		return false;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i] != NULL; i++)
		load_account(kf, text, groups[i], warnings);
	return true;
}

/* Forget all accounts. */
void
accounts_free(void)
{
	g_clear_pointer(&accounts, g_ptr_array_unref);
	g_clear_pointer(&accounts_path, g_free);
	accounts_broken = false;
}

/* The accounts, borrowed. */
GPtrArray *
accounts_list(void)
{
	if (accounts == NULL)
		accounts = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)account_free);
	return accounts;
}

/* Account by name, or NULL. */
struct account *
account_find(const char *name)
{
	GPtrArray *l = accounts_list();
	guint i;

	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);

		if (strcmp(acc->name, name) == 0)
			return acc;
	}
	return NULL;
}

/* Account whose jid key has the same bare JID as jid, or NULL. */
struct account *
account_find_by_jid(const char *jid)
{
	GPtrArray *l = accounts_list();
	guint i;

	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);
		const char *j = account_get(acc, "jid");

		if (j != NULL && jid_bare_equal(j, jid))
			return acc;
	}
	return NULL;
}

/*
 * The account.default preference, else the only account, else the only
 * account online, else NULL.
 */
struct account *
account_default(void)
{
	const char *d = prefs_get("account.default");
	GPtrArray *l = accounts_list();
	struct account *online = NULL;
	guint i;

	if (*d != '\0' && account_find(d) != NULL)
		return account_find(d);
	if (l->len == 1)
		return g_ptr_array_index(l, 0);
	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);

		if (acc->state != ACCOUNT_ONLINE)
			continue;
		if (online != NULL)
			return NULL;
		online = acc;
	}
	return online;
}

static bool
save(GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *data = NULL;
	GPtrArray *l = accounts_list();
	gsize len;
	guint i;

	if (accounts_path == NULL)
		return true;
	if (accounts_broken) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "%s could not be "
		    "parsed, so it is not rewritten; the change applies to this "
		    "session only", accounts_path);
		return false;
	}
	(void)g_key_file_load_from_file(kf, accounts_path,
	    G_KEY_FILE_KEEP_COMMENTS, NULL);
	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);
		const char *const *k;

		if (acc->unsaved)
			continue;
		for (k = account_keys; *k != NULL; k++) {
			const char *v = account_get(acc, *k);

			if (v != NULL)
				g_key_file_set_string(kf, acc->name, *k, v);
			else if (g_key_file_has_group(kf, acc->name))
				(void)g_key_file_remove_key(kf, acc->name, *k,
				    NULL);
		}
		if (g_hash_table_size(acc->keys) == 0)
			g_key_file_set_comment(kf, acc->name, NULL, " account",
			    NULL);
	}
	data = g_key_file_to_data(kf, &len, NULL);
	return files_write_private(accounts_path, data, len, error);
}

static struct account *
add(const char *name, const char *jid, GError **error)
{
	struct account *acc;

	if (!valid_name(name)) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "'%s' is not a "
		    "valid account name (letters, digits, . _ - @)", name);
		return NULL;
	}
	if (account_find(name) != NULL) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "account '%s' already exists", name);
		return NULL;
	}
	if (jid != NULL && !validate("jid", jid, error))
		return NULL;
	acc = account_new(name);
	if (jid != NULL)
		g_hash_table_replace(acc->keys, g_strdup("jid"), g_strdup(jid));
	g_ptr_array_add(accounts_list(), acc);
	return acc;
}

/*
 * Create an account (jid may be NULL) and save the file. When saving
 * fails the account is kept in memory and error explains.
 */
struct account *
account_add(const char *name, const char *jid, GError **error)
{
	struct account *acc = add(name, jid, error);

	if (acc != NULL)
		(void)save(error);
	return acc;
}

/*
 * Create an account that lives in memory only (a /connect JID that has
 * not logged in yet): its keys, and changes to them, are not written to
 * the file until account_keep().
 */
struct account *
account_add_unsaved(const char *name, const char *jid, GError **error)
{
	struct account *acc = add(name, jid, error);

	if (acc != NULL)
		acc->unsaved = true;
	return acc;
}

/* Write an unsaved account to the file with all its keys (a no-op once). */
bool
account_keep(struct account *acc, GError **error)
{
	g_return_val_if_fail(acc != NULL, false);
	if (!acc->unsaved)
		return true;
	acc->unsaved = false;
	return save(error);
}

/* Remove an offline account and save the file. */
bool
account_remove(const char *name, GError **error)
{
	struct account *acc = account_find(name);
	g_autoptr(GKeyFile) kf = NULL;

	if (acc == NULL) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "no account '%s' (/account list)", name);
		return false;
	}
	if (acc->state != ACCOUNT_OFFLINE) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "account '%s' is connected; /disconnect first", name);
		return false;
	}
	g_ptr_array_remove(accounts_list(), acc);
	if (accounts_path == NULL || accounts_broken)
		return save(error);
	kf = g_key_file_new();
	if (g_key_file_load_from_file(kf, accounts_path,
	    G_KEY_FILE_KEEP_COMMENTS, NULL)) {
		(void)g_key_file_remove_group(kf, name, NULL);
		(void)g_key_file_save_to_file(kf, accounts_path, NULL);
	}
	return save(error);
}

/* Validate and set a key of acc, then save (unless acc is unsaved). */
bool
account_set(struct account *acc, const char *key, const char *value,
    GError **error)
{
	if (!key_known(key)) {
		g_autofree char *list = g_strjoinv(", ", (char **)account_keys);

		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "unknown account key '%s' (keys: %s)", key, list);
		return false;
	}
	if (!validate(key, value, error))
		return false;
	g_hash_table_replace(acc->keys, g_strdup(key), g_strdup(value));
	return acc->unsaved || save(error);
}

/* Remove a key of acc, then save (unless acc is unsaved). */
bool
account_clear(struct account *acc, const char *key, GError **error)
{
	if (!key_known(key)) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "unknown account key '%s'", key);
		return false;
	}
	g_hash_table_remove(acc->keys, key);
	return acc->unsaved || save(error);
}

/* Value of a key (borrowed), or NULL when unset. */
const char *
account_get(const struct account *acc, const char *key)
{
	return g_hash_table_lookup(acc->keys, key);
}

/*
 * New string: the nick the account uses in rooms (the nick key, else the
 * JID's local part, else "natter").
 */
char *
account_nick(const struct account *acc)
{
	const char *nick = account_get(acc, "nick");
	const char *jid = account_get(acc, "jid");
	JID_AUTO j = jid != NULL ? jid_parse(jid, NULL) : NULL;

	if (nick != NULL)
		return g_strdup(nick);
	return g_strdup(j != NULL && j->local != NULL ? j->local : "natter");
}

/* Wire name of a state. */
const char *
account_state_name(enum account_state state)
{
	switch (state) {
	case ACCOUNT_CONNECTING:
		return "connecting";
	case ACCOUNT_ONLINE:
		return "online";
	case ACCOUNT_RECONNECTING:
		return "reconnecting";
	default:
		return "disconnected";
	}
}

/* Number of accounts online. */
unsigned
accounts_online(void)
{
	GPtrArray *l = accounts_list();
	unsigned n = 0;
	guint i;

	for (i = 0; i < l->len; i++)
		if (((struct account *)g_ptr_array_index(l, i))->state ==
		    ACCOUNT_ONLINE)
			n++;
	return n;
}
