/* SPDX-License-Identifier: MIT */
/*
 * Where theme files are found (PRODUCT §11): the user's themes directory,
 * $NATTER_THEME_DIR, the installed data directory, and last the themes of
 * the source tree natter was built from, so that a natter run from its
 * build tree before `make install` finds the bundled themes (only that
 * one: an installed natter never looks there). Only names
 * and paths: reading a theme is the TUI's business. util layer.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
