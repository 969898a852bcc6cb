/* SPDX-License-Identifier: MIT */
/*
 * Themes (PRODUCT §11): a GLib key file with a [colours] group, one key per
 * element, values "FG [on BG] [bold] [underline] [reverse]" where colours
 * are names, 0-255 or #rrggbb (mapped to what the terminal has). Colour is
 * an attribute given to curses, never bytes inside the text. A bad theme is
 * reported with file:line and the built-in default is used.
 * frontend/tui layer.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui-internal.h"
#include "util/files.h"
#include "util/themes.h"

static const char *const elem_names[TUI_ELEM__COUNT] = {
	"text", "time", "info", "error", "own", "other", "title", "status",
	"status_active", "status_mention", "input", "online", "away", "dnd",
	"offline", "pane", "pane_group", "xml_punct", "xml_name", "xml_attr",
	"xml_value", "xml_text", "xml_comment", "xml_elided", "xml_in",
	"xml_out",
};

/* Built-in default, also the fallback for keys a theme does not set. */
static const char *const builtin[TUI_ELEM__COUNT] = {
	"default", "cyan", "green", "red bold", "yellow bold", "magenta bold",
	"white on blue bold", "white on blue", "yellow on blue bold",
	"red on blue bold", "default", "green bold", "yellow", "red bold",
	"default", "default", "cyan bold", "default", "blue bold", "cyan",
	"green", "default", "magenta", "yellow reverse", "magenta bold",
	"yellow bold",
};

static int attrs[TUI_ELEM__COUNT];
static const char *specs[TUI_ELEM__COUNT];	/* borrowed from spec_store */
static GStringChunk *spec_store;
static char *current;				/* name of the loaded theme */

static const char *const colour_names[] = { "black", "red", "green",
	"yellow", "blue", "magenta", "cyan", "white" };

/* Name of an element's key. */
const char *
tui_theme_elem_name(enum tui_elem e)
{
	return elem_names[e];
}

static int
rgb_to_colour(unsigned r, unsigned g, unsigned b)
{
	if (COLORS >= 256)
		return 16 + 36 * (r * 5 / 255) + 6 * (g * 5 / 255) +
		    b * 5 / 255;
	return (r > 127 ? 1 : 0) | (g > 127 ? 2 : 0) | (b > 127 ? 4 : 0);
}

/* Colour number of a word, -1 for default, -2 when not a colour. */
static int
parse_colour(const char *w)
{
	unsigned r, g, b;
	char *end;
	long n;
	size_t i;

	if (strcmp(w, "default") == 0)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(colour_names); i++)
		if (strcmp(w, colour_names[i]) == 0)
			return (int)i;
	if (w[0] == '#' && strlen(w) == 7 &&
	    sscanf(w + 1, "%2x%2x%2x", &r, &g, &b) == 3)
		return rgb_to_colour(r, g, b);
	n = strtol(w, &end, 10);
	if (*w != '\0' && *end == '\0' && n >= 0 && n <= 255)
		return COLORS > n ? (int)n : (int)(n % 8);
	return -2;
}

/* Parse a value into *attr; false when a word is not understood. */
static bool
parse_spec(const char *spec, short pair, int *attr, char **bad)
{
	g_auto(GStrv) w = g_strsplit_set(spec, " \t", -1);
	int fg = -1, bg = -1, a = A_NORMAL;
	bool on = false;
	size_t i;

	for (i = 0; w[i] != NULL; i++) {
		int c;

		if (*w[i] == '\0')
			continue;
		if (strcmp(w[i], "on") == 0) {
			on = true;
			continue;
		}
		if (strcmp(w[i], "bold") == 0) {
			a |= A_BOLD;
			continue;
		}
		if (strcmp(w[i], "underline") == 0) {
			a |= A_UNDERLINE;
			continue;
		}
		if (strcmp(w[i], "reverse") == 0) {
			a |= A_REVERSE;
			continue;
		}
		c = parse_colour(w[i]);
		if (c == -2) {
			*bad = g_strdup(w[i]);
			return false;
		}
		if (on)
			bg = c;
		else
			fg = c;
	}
	if (has_colors() && (fg != -1 || bg != -1)) {
		init_pair(pair, (short)fg, (short)bg);
		a |= COLOR_PAIR(pair);
	}
	*attr = a;
	return true;
}

static void
load_builtin(void)
{
	int e;

	if (spec_store != NULL)
		g_string_chunk_free(spec_store);
	spec_store = g_string_chunk_new(512);
	for (e = 0; e < TUI_ELEM__COUNT; e++) {
		g_autofree char *bad = NULL;

		(void)parse_spec(builtin[e], (short)(e + 1), &attrs[e], &bad);
		specs[e] = builtin[e];
	}
}

/* Name of the theme in use ("built-in" when none could be loaded). */
const char *
tui_theme_current(void)
{
	return current != NULL ? current : "built-in";
}

/* The value an element has now, as written in the theme. */
const char *
tui_theme_spec(enum tui_elem e)
{
	return specs[e];
}

void
tui_theme_free(void)
{
	g_clear_pointer(&spec_store, g_string_chunk_free);
	g_clear_pointer(&current, g_free);
}

/*
 * Load theme name (after the built-in defaults). Problems are appended to
 * warnings; returns false when the theme could not be used at all.
 */
bool
tui_theme_load(const char *name, GPtrArray *warnings)
{
	g_autofree char *path = themes_find(name);
	g_autofree char *text = NULL;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	int e;

	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	if (path == NULL) {
		g_ptr_array_add(warnings, g_strdup_printf("theme '%s' not "
		    "found (/theme list shows the themes)", name));
		if (current == NULL)
			load_builtin();
		return false;
	}
	load_builtin();
	g_free(current);
	current = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err) ||
	    !g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, &err)) {
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s; using the "
		    "built-in default", path, err->message));
		return false;
	}
	for (e = 0; e < TUI_ELEM__COUNT; e++) {
		g_autofree char *v = g_key_file_get_string(kf, "colours",
		    elem_names[e], NULL);
		g_autofree char *bad = NULL;
		int a;

		if (v == NULL)
			continue;
		if (!parse_spec(v, (short)(e + 1), &a, &bad)) {
			g_ptr_array_add(warnings, g_strdup_printf("%s:%d: '%s' "
			    "is not a colour or attribute; default used",
			    path, files_keyfile_line(text, "colours", elem_names[e]),
			    bad));
			(void)parse_spec(builtin[e], (short)(e + 1), &a, &bad);
		} else {
			specs[e] = g_string_chunk_insert(spec_store, v);
		}
		attrs[e] = a;
	}
	current = g_strdup(name);
	return true;
}

/* curses attributes of an element. */
int
tui_theme_attr(enum tui_elem e)
{
	return attrs[e];
}
