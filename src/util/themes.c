/* SPDX-License-Identifier: MIT */
/*
 * Where theme files are found (PRODUCT §11): the user's themes directory,
 * $NATTER_THEME_DIR, the installed data directory, and last the themes of
 * the source tree natter was built from, so that a natter run from its
 * build tree before `make install` finds the bundled themes (only that
 * one: an installed natter never looks there). Reading a theme checks
 * its values' words (a bad one is reported with file:line and the
 * element keeps its default), so /theme load can refuse a theme before
 * the TUI turns it into curses attributes. util layer.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "str.h"
#include "themes.h"
#include "xdg.h"

#ifdef NATTER_SRC_THEMEDIR
/*
 * True when the running program is the one in the build tree: only then
 * are the source tree's themes a fallback (an installed natter never looks
 * into the directory it was built in).
 */
static bool
running_from_build_tree(void)
{
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *dir = exe != NULL ? g_path_get_dirname(exe) : NULL;
	char *build = realpath(NATTER_BUILDDIR, NULL);	/* libc's malloc */
	bool same = dir != NULL && build != NULL && strcmp(dir, build) == 0;

	free(build);
	return same;
}
#endif

/* Where themes are looked for, most specific first (new strings). */
GPtrArray *
themes_dirs(void)
{
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *p = xdg_path(XDG_CONFIG, NULL);
	const char *env = g_getenv("NATTER_THEME_DIR");

	g_ptr_array_add(dirs, g_build_filename(p, "themes", NULL));
	if (env != NULL && *env != '\0')
		g_ptr_array_add(dirs, g_strdup(env));
	g_ptr_array_add(dirs, g_build_filename(NATTER_DATADIR, "themes",
	    NULL));
#ifdef NATTER_SRC_THEMEDIR
	if (running_from_build_tree())
		g_ptr_array_add(dirs, g_strdup(NATTER_SRC_THEMEDIR));
#endif
	return dirs;
}

/* Path of theme name (a name, not a path), or NULL when there is none. */
char *
themes_find(const char *name)
{
	g_autofree char *file = NULL;
	g_autoptr(GPtrArray) dirs = NULL;
	guint i;

	g_return_val_if_fail(name != NULL, NULL);
	if (strchr(name, '/') != NULL || *name == '.' || *name == '\0')
		return NULL;
	file = g_strdup_printf("%s.theme", name);
	dirs = themes_dirs();
	for (i = 0; i < dirs->len; i++) {
		char *path = g_build_filename(g_ptr_array_index(dirs, i), file,
		    NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			return path;
		g_free(path);
	}
	return NULL;
}

/* Add the theme names of directory dir to out, skipping those in seen. */
static void
list_dir(const char *dir, GPtrArray *out, GHashTable *seen)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *f;

	while (d != NULL && (f = g_dir_read_name(d)) != NULL) {
		char *name;

		if (!g_str_has_suffix(f, ".theme") || *f == '.')
			continue;
		name = g_strndup(f, strlen(f) - strlen(".theme"));
		if (g_hash_table_contains(seen, name)) {
			g_free(name);
			continue;
		}
		g_hash_table_add(seen, name);
		g_ptr_array_add(out, g_strdup(name));
	}
	if (d != NULL)
		g_dir_close(d);
}

/* Names of the themes that can be loaded, sorted, without duplicates. */
GPtrArray *
themes_list(void)
{
	g_autoptr(GPtrArray) dirs = themes_dirs();
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint i;

	for (i = 0; i < dirs->len; i++)
		list_dir(g_ptr_array_index(dirs, i), out, seen);
	g_ptr_array_sort(out, str_ptr_cmp);
	return out;
}

static const char *const elem_names[THEMES_ELEMS] = {
	"text", "time", "info", "error", "own", "other", "title", "status",
	"status_active", "status_mention", "input", "online", "away", "dnd",
	"offline", "pane", "pane_group", "xml_punct", "xml_name", "xml_attr",
	"xml_value", "xml_text", "xml_comment", "xml_elided", "xml_in",
	"xml_out",
};

/* Built-in default, also the fallback for keys a theme does not set. */
static const char *const builtin[THEMES_ELEMS] = {
	"default", "cyan", "green", "red bold", "yellow bold", "magenta bold",
	"white on blue bold", "white on blue", "yellow on blue bold",
	"red on blue bold", "default", "green bold", "yellow", "red bold",
	"default", "default", "cyan bold", "default", "blue bold", "cyan",
	"green", "default", "magenta", "yellow reverse", "magenta bold",
	"yellow bold",
};

/* The key of element e in a theme's [colours] group. */
const char *
themes_elem_name(guint e)
{
	g_return_val_if_fail(e < THEMES_ELEMS, NULL);
	return elem_names[e];
}

/* Whether w is a word of a value: a colour or an attribute. */
static bool
word_ok(const char *w)
{
	static const char *const words[] = { "default", "black", "red",
		"green", "yellow", "blue", "magenta", "cyan", "white", "on",
		"bold", "underline", "reverse" };
	char *end;
	long n;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	if (w[0] == '#')
		return strlen(w) == 7 &&
		    strspn(w + 1, "0123456789abcdefABCDEF") == 6;
	n = strtol(w, &end, 10);
	return *w != '\0' && *end == '\0' && n >= 0 && n <= 255;
}

/* The first word of spec that is not understood (new), or NULL. */
static char *
bad_word(const char *spec)
{
	g_auto(GStrv) w = g_strsplit_set(spec, " \t", -1);
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (*w[i] != '\0' && !word_ok(w[i]))
			return g_strdup(w[i]);
	return NULL;
}

/* Make t the built-in default (t uninitialised or cleared). */
void
themes_builtin(struct theme *t)
{
	guint e;

	t->name = g_strdup("built-in");
	t->store = NULL;
	for (e = 0; e < THEMES_ELEMS; e++)
		t->specs[e] = builtin[e];
}

/* Set t's elements from key file kf (text is its source, for lines). */
static void
read_keys(struct theme *t, GKeyFile *kf, const char *text, const char *path,
    GPtrArray *warnings)
{
	guint e;

	t->store = g_string_chunk_new(512);
	for (e = 0; e < THEMES_ELEMS; e++) {
		g_autofree char *v = g_key_file_get_string(kf, "colours",
		    elem_names[e], NULL);
		g_autofree char *bad = v != NULL ? bad_word(v) : NULL;

		if (v == NULL)
			continue;
		if (bad != NULL && warnings != NULL)
			g_ptr_array_add(warnings, g_strdup_printf("%s:%d: '%s' "
			    "is not a colour or attribute; default used",
			    path, files_keyfile_line(text, "colours",
			    elem_names[e]), bad));
		if (bad == NULL)
			t->specs[e] = g_string_chunk_insert(t->store, v);
	}
}

/*
 * Read theme name into t (uninitialised or cleared; clear it after).
 * A bad value is a warning and the element keeps its default. False,
 * with t the built-in default and the reason in warnings (if not NULL),
 * when there is no such theme or it is not a key file.
 */
bool
themes_read(const char *name, struct theme *t, GPtrArray *warnings)
{
	g_autofree char *path = name != NULL ? themes_find(name) : NULL;
	g_autofree char *text = NULL;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;

	themes_builtin(t);
	if (path == NULL) {
		if (warnings != NULL)
			g_ptr_array_add(warnings, g_strdup_printf("theme '%s' "
			    "not found (/theme list shows the themes)", name));
		return false;
	}
	if (!g_file_get_contents(path, &text, NULL, &err) ||
	    !g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &err)) {
		if (warnings != NULL)
			g_ptr_array_add(warnings, g_strdup_printf("%s: %s",
			    path, err->message));
		return false;
	}
	read_keys(t, kf, text, path, warnings);
	g_free(t->name);
	t->name = g_strdup(name);
	return true;
}

/* Free what t holds. */
void
themes_clear(struct theme *t)
{
	g_clear_pointer(&t->name, g_free);
	g_clear_pointer(&t->store, g_string_chunk_free);
}
