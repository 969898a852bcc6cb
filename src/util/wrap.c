/* SPDX-License-Identifier: MIT */
/*
 * Word wrapping of terminal text into rows of a given number of cells:
 * breaks at spaces, cuts only words longer than a row, counts wide
 * characters (CJK, emoji) as two cells and combining ones as none. Pure
 * string work: util layer, GLib only, no terminal calls.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "wrap.h"

/* The row being filled and where it may be broken. */
struct wrap {
	GPtrArray	*rows;
	GString		*row;
	int		 width;
	int		 indent;
	int		 w;		/* cells in row */
	int		 start;		/* cells of the row's indentation */
	size_t		 brk;		/* bytes before the last space run */
	size_t		 resume;	/* bytes up to the word after it */
	int		 resume_w;	/* cells up to that word */
	bool		 space;		/* the last character was a space */
	bool		 skip;		/* drop spaces: a row was just broken */
};

static int
cell_width(gunichar c)
{
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide(c) ? 2 : 1;
}

/* Finish the row and start an indented one holding tail. */
static void
next_row(struct wrap *z, const char *tail, int tail_w)
{
	g_ptr_array_add(z->rows, g_string_free(z->row, FALSE));
	z->row = g_string_new(NULL);
	g_string_append_printf(z->row, "%*s%s", z->indent, "", tail);
	z->w = z->start = z->indent;
	z->w += tail_w;
	z->brk = 0;
	z->space = false;
}

/* Make room for a character that does not fit on the row. */
static void
break_row(struct wrap *z, gunichar c)
{
	g_autofree char *tail = NULL;

	if (c == ' ') {		/* break at this space: drop the run */
		if (z->space && z->brk > 0)
			g_string_truncate(z->row, z->brk);
		next_row(z, "", 0);
		z->skip = true;
		return;
	}
	if (z->brk == 0) {	/* one word fills the row: cut it */
		next_row(z, "", 0);
		return;
	}
	tail = g_strdup(z->row->str + z->resume);
	g_string_truncate(z->row, z->brk);
	next_row(z, tail, z->w - z->resume_w);
}

static void
add_char(struct wrap *z, const char *p, gunichar c)
{
	int cw = cell_width(c);

	if (c == ' ' && z->skip)
		return;
	z->skip = false;
	if (z->w + cw > z->width && z->w > z->start)
		break_row(z, c);
	if (c == ' ' && z->skip)
		return;
	if (c == ' ' && !z->space && z->w > z->indent)
		z->brk = z->row->len;	/* never inside the indentation */
	g_string_append_len(z->row, p, g_utf8_next_char(p) - p);
	z->w += cw;
	z->space = c == ' ';
	if (z->space) {
		z->resume = z->row->len;
		z->resume_w = z->w;
	}
}

/*
 * Split valid UTF-8 text into rows of at most width cells ('\n' also
 * starts a row). Rows after the first begin with indent spaces; no break
 * is made inside those first indent cells of a row, so a prefix of that
 * width (a time stamp) stays whole. Words move to the next row whole,
 * and the spaces where a row breaks are dropped; a word longer than a row
 * is cut. Only a character wider than the whole width overflows it.
 * Returns the rows (new strings).
 */
GPtrArray *
wrap_text(const char *text, int width, int indent)
{
	struct wrap z = { 0 };
	const char *p;

	g_return_val_if_fail(text != NULL, NULL);
	z.rows = g_ptr_array_new_with_free_func(g_free);
	z.row = g_string_new(NULL);
	z.width = MAX(width, 1);
	z.indent = CLAMP(indent, 0, z.width - 1);
	for (p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n') {
			next_row(&z, "", 0);
			z.skip = false;
			continue;
		}
		add_char(&z, p, c);
	}
	g_ptr_array_add(z.rows, g_string_free(z.row, FALSE));
	return z.rows;
}
