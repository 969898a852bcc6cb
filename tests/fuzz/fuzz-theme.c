/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the theme parser (frontend/tui/tui-theme.c),
 * entered as a theme file enters it: the bytes are written as
 * fuzz.theme in a directory on NATTER_THEME_DIR and loaded by name, with
 * no terminal (curses colours are then off, the parsing is the same).
 * Every element must end with a value, and a theme that failed to load
 * leaves the built-in one in use.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/tui/tui-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;
static char *file;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
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
	ok = tui_theme_load("fuzz", warnings);
	if (ok != (strcmp(tui_theme_current(), "fuzz") == 0))
		abort();
	for (e = 0; e < TUI_ELEM__COUNT; e++)
		if (tui_theme_spec((enum tui_elem)e) == NULL)
			abort();
	tui_theme_free();
	(void)g_unlink(file);
	return 0;
}
