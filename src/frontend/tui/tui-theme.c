/* SPDX-License-Identifier: MIT */
/*
 * Themes (PRODUCT §11): a GLib key file with a [colours] group, one key per
 * element, values "FG [on BG] [bold] [underline] [reverse]" where colours
 * are names, 0-255 or #rrggbb (mapped to what the terminal has). Colour is
 * an attribute given to curses, never bytes inside the text. Reading and
 * checking the file is util/themes.c's (a bad value is reported with
 * file:line and the default used); this file maps values to curses
 * attributes. frontend/tui layer.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui-internal.h"
#include "util/themes.h"

G_STATIC_ASSERT(TUI_ELEM__COUNT == THEMES_ELEMS);

static int attrs[TUI_ELEM__COUNT];
static bool loaded;		/* a theme (or the default) is in attrs */

static const char *const colour_names[] = { "black", "red", "green",
	"yellow", "blue", "magenta", "cyan", "white" };

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

/* Turn the values of t into curses attributes. */
static void
apply(const struct theme *t)
{
	int e;

	for (e = 0; e < TUI_ELEM__COUNT; e++) {
		g_autofree char *bad = NULL;

		/* themes_read() checked the words: only the colour
		 * numbers depend on the terminal */
		if (!parse_spec(t->specs[e], (short)(e + 1), &attrs[e], &bad))
			attrs[e] = A_NORMAL;
	}
	loaded = true;
}

/*
 * Load theme name. Problems are appended to warnings; returns false when
 * the theme could not be used at all: then the theme in use stays, or
 * at the start the built-in default is used.
 */
bool
tui_theme_load(const char *name, GPtrArray *warnings)
{
	struct theme t;
	bool ok;

	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	ok = themes_read(name, &t, warnings);
	if (ok || !loaded)
		apply(&t);
	themes_clear(&t);
	return ok;
}

/* curses attributes of an element. */
int
tui_theme_attr(enum tui_elem e)
{
	return attrs[e];
}
