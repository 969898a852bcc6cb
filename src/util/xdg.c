/* SPDX-License-Identifier: MIT */
/*
 * XDG base directories (PRODUCT §2). The environment variables are read on
 * every call, so tests that set them per process get their own files.
 * util layer.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "xdg.h"

static char *
base_dir(enum xdg_kind kind)
{
	const char *var, *fallback, *v;

	switch (kind) {
	case XDG_CONFIG:
		var = "XDG_CONFIG_HOME";
		fallback = ".config";
		break;
	case XDG_DATA:
		var = "XDG_DATA_HOME";
		fallback = ".local/share";
		break;
	default:
		var = "XDG_STATE_HOME";
		fallback = ".local/state";
		break;
	}
	v = g_getenv(var);
	if (v != NULL && g_path_is_absolute(v))
		return g_build_filename(v, "natter", NULL);
	return g_build_filename(g_get_home_dir(), fallback, "natter", NULL);
}

/*
 * New string: natter's directory of the given kind, joined with name when
 * name is not NULL.
 */
char *
xdg_path(enum xdg_kind kind, const char *name)
{
	g_autofree char *dir = base_dir(kind);

	if (name == NULL)
		return g_steal_pointer(&dir);
	return g_build_filename(dir, name, NULL);
}

/* Create natter's directory of that kind (mode 0700). */
bool
xdg_ensure_dir(enum xdg_kind kind, char **error)
{
	g_autofree char *dir = base_dir(kind);

	if (g_mkdir_with_parents(dir, 0700) != 0) {
		*error = g_strdup_printf("%s: %s", dir, g_strerror(errno));
		return false;
	}
	return true;
}
