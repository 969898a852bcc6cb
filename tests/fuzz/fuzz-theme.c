/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the theme parser (util/themes.c, and the TUI's
 * mapping of its values in frontend/tui/tui-theme.c), entered as a theme
 * file enters it: the bytes are written as fuzz.theme in a directory on
 * NATTER_THEME_DIR and loaded by name, with no terminal (curses colours
 * are then off, the parsing is the same). Every element must end with a
 * value, a theme that failed to read is the built-in one, and the TUI
 * agrees on whether it could be used.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/tui/tui-internal.h"
#include "util/themes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;
static char *file;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	struct theme t;
	bool ok;
	int e;

	if (dir == NULL) {
		dir = g_strdup_printf("%s/natter-fuzz-theme-%d",
		    g_get_tmp_dir(), (int)getpid());
		(void)g_mkdir(dir, 0700);
		file = g_build_filename(dir, "fuzz.theme", NULL);
		g_setenv("NATTER_THEME_DIR", dir, TRUE);
	}
	if (!g_file_set_contents(file, (const char *)data, (gssize)size,
	    NULL))
		abort();
	ok = themes_read("fuzz", &t, warnings);
	if (ok != (strcmp(t.name, "fuzz") == 0))
		abort();
	for (e = 0; e < THEMES_ELEMS; e++)
		if (t.specs[e] == NULL)
			abort();
	themes_clear(&t);
	if (tui_theme_load("fuzz", warnings) != ok)
		abort();
	(void)g_unlink(file);
	return 0;
}
