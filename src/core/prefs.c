/* SPDX-License-Identifier: MIT */
/*
 * Preferences: values of pref_table[] kept in natterrc (GLib key file,
 * "[group] key=value" for "group.key"). A file that cannot be parsed is
 * reported and never rewritten (PRODUCT §2). core layer.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "prefs.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/log.h"

static GHashTable *values;	/* name -> owned canonical value */
static char *prefs_path;
static bool prefs_broken;	/* the file could not be parsed */

/*
 * The entry for name, or NULL. Preferences are read on hot paths (every
 * message, every line drawn), so the table is indexed once.
 */
const struct pref_def *
prefs_find(const char *name)
{
	static GHashTable *index;
	size_t i;

	if (index == NULL) {
		index = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < pref_table_len; i++)
			g_hash_table_insert(index, (char *)pref_table[i].name,
			    (void *)&pref_table[i]);
	}
	return g_hash_table_lookup(index, name);
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (g_ascii_strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool
validate_int(const struct pref_def *d, const char *value, char **canonical,
    GError **error)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || n < d->min ||
	    n > d->max) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "%s must be a whole number from %ld to %ld", d->name,
		    d->min, d->max);
		return false;
	}
	*canonical = g_strdup_printf("%ld", n);
	return true;
}

static bool
validate_enum(const struct pref_def *d, const char *value, char **canonical,
    GError **error)
{
	g_autofree char *list = NULL;
	size_t i;

	for (i = 0; d->allowed[i] != NULL; i++) {
		if (g_ascii_strcasecmp(value, d->allowed[i]) == 0) {
			*canonical = g_strdup(d->allowed[i]);
			return true;
		}
	}
	list = g_strjoinv("|", (char **)d->allowed);
	g_set_error(error, NATTER_CONFIG_ERROR, 0, "%s must be one of %s",
	    d->name, list);
	return false;
}

/*
 * Check value against d. On success stores a new canonical spelling in
 * *canonical (caller frees).
 */
bool
prefs_validate(const struct pref_def *d, const char *value, char **canonical,
    GError **error)
{
	bool b;

	g_return_val_if_fail(d != NULL && value != NULL, false);
	switch (d->type) {
	case PREF_BOOL:
		if (!parse_bool(value, &b)) {
			g_set_error(error, NATTER_CONFIG_ERROR, 0,
			    "%s must be on or off", d->name);
			return false;
		}
		*canonical = g_strdup(b ? "on" : "off");
		return true;
	case PREF_INT:
		return validate_int(d, value, canonical, error);
	case PREF_ENUM:
		return validate_enum(d, value, canonical, error);
	case PREF_STRING:
		if (strlen(value) > 4096 || !g_utf8_validate(value, -1, NULL)) {
			g_set_error(error, NATTER_CONFIG_ERROR, 0,
			    "%s must be UTF-8 text of at most 4096 bytes",
			    d->name);
			return false;
		}
		*canonical = g_strdup(value);
		return true;
	}
	g_assert_not_reached();
}

static void
split_name(const char *name, char **group, char **key)
{
	const char *dot = strchr(name, '.');

	g_assert(dot != NULL);
	*group = g_strndup(name, dot - name);
	*key = g_strdup(dot + 1);
}

static void
load_group(GKeyFile *kf, const char *text, const char *group,
    GPtrArray *warnings)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *name = g_strdup_printf("%s.%s", group, keys[i]);
		g_autofree char *v = g_key_file_get_string(kf, group, keys[i],
		    NULL);
		const struct pref_def *d = prefs_find(name);
		g_autoptr(GError) err = NULL;
		char *canon = NULL;
		int line = files_keyfile_line(text, group, keys[i]);

		if (d == NULL) {
			g_ptr_array_add(warnings, g_strdup_printf(
			    "natterrc:%d: unknown preference '%s'; ignored",
			    line, name));
		} else if (v == NULL || !prefs_validate(d, v, &canon, &err)) {
			g_ptr_array_add(warnings, g_strdup_printf(
			    "natterrc:%d: %s; default used", line,
			    err != NULL ? err->message : "unreadable value"));
		} else {
			g_hash_table_replace(values, g_strdup(name), canon);
		}
	}
}

/*
 * Load preferences from path (a missing file is not an error). Problems are
 * appended to warnings as "natterrc:LINE: ..." strings; the defaults stay
 * in force for what could not be read. Returns false when the file could
 * not be parsed at all (it will then never be rewritten).
 */
bool
prefs_load(const char *path, GPtrArray *warnings)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) groups = NULL;
	size_t i;

	prefs_free();
	values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	prefs_path = g_strdup(path);
	if (!g_file_get_contents(path, &text, NULL, &err)) {
		if (!g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_ptr_array_add(warnings, g_strdup_printf(
			    "natterrc: %s; defaults used", err->message));
			prefs_broken = true;
		}
		return !prefs_broken;
	}
	if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_KEEP_COMMENTS,
	    &err)) {
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s; defaults "
		    "used, the file will not be rewritten", path, err->message));
		prefs_broken = true;
		return false;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i] != NULL; i++)
		load_group(kf, text, groups[i], warnings);
	return true;
}

/* Forget loaded values. */
void
prefs_free(void)
{
	g_clear_pointer(&values, g_hash_table_unref);
	g_clear_pointer(&prefs_path, g_free);
	prefs_broken = false;
}

static bool
save(const char *name, const char *value, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *group = NULL, *key = NULL, *dir = NULL;
	g_autoptr(GError) err = NULL;

	if (prefs_path == NULL)
		return true;
	if (prefs_broken) {
		g_set_error(error, NATTER_CONFIG_ERROR, PREFS_ERROR_NOT_SAVED,
		    "%s could not be parsed, so it is not rewritten; the "
		    "change applies to this session only", prefs_path);
		return false;
	}
	(void)g_key_file_load_from_file(kf, prefs_path,
	    G_KEY_FILE_KEEP_COMMENTS, NULL);
	split_name(name, &group, &key);
	if (value == NULL)
		(void)g_key_file_remove_key(kf, group, key, NULL);
	else
		g_key_file_set_string(kf, group, key, value);
	dir = g_path_get_dirname(prefs_path);
	g_mkdir_with_parents(dir, 0700);
	if (!g_key_file_save_to_file(kf, prefs_path, &err)) {
		g_set_error(error, NATTER_CONFIG_ERROR, PREFS_ERROR_NOT_SAVED,
		    "%s; the change applies to this session only",
		    err->message);
		return false;
	}
	return true;
}

/* Validate and set a preference, and save it to natterrc. */
bool
prefs_set(const char *name, const char *value, GError **error)
{
	const struct pref_def *d = prefs_find(name);
	char *canon = NULL;

	if (d == NULL) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "unknown preference '%s' (/set lists them)", name);
		return false;
	}
	if (!prefs_validate(d, value, &canon, error))
		return false;
	if (values == NULL)
		values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_free);
	g_hash_table_replace(values, g_strdup(name), canon);
	return save(name, canon, error);
}

/* Restore the default of a preference (and remove it from natterrc). */
bool
prefs_reset(const char *name, GError **error)
{
	if (prefs_find(name) == NULL) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "unknown preference '%s' (/set lists them)", name);
		return false;
	}
	if (values != NULL)
		g_hash_table_remove(values, name);
	return save(name, NULL, error);
}

/* Current value as text (borrowed; valid until the preference changes). */
const char *
prefs_get(const char *name)
{
	const struct pref_def *d = prefs_find(name);
	const char *v;

	g_return_val_if_fail(d != NULL, "");
	v = values != NULL ? g_hash_table_lookup(values, name) : NULL;
	return v != NULL ? v : d->def;
}

/* Value of a PREF_BOOL. */
bool
prefs_get_bool(const char *name)
{
	bool b = false;

	(void)parse_bool(prefs_get(name), &b);
	return b;
}

/* Value of a PREF_INT. */
long
prefs_get_int(const char *name)
{
	return strtol(prefs_get(name), NULL, 10);
}

/* True when the preference has its default value. */
bool
prefs_is_default(const char *name)
{
	return values == NULL || g_hash_table_lookup(values, name) == NULL;
}
