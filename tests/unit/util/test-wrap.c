/* SPDX-License-Identifier: MIT */
/* Unit tests of util/wrap.c. */
#include "../helpers/test.h"
#include "util/wrap.h"

/* The rows joined with '|' (new string). */
static char *
wrapped(const char *text, int width, int indent)
{
	GPtrArray *rows = wrap_text(text, width, indent);
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < rows->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "|" : "",
		    (char *)g_ptr_array_index(rows, i));
	g_ptr_array_unref(rows);
	return g_string_free(s, FALSE);
}

struct wrap_case {
	const char	*description;
	const char	*text;
	int		 width, indent;
	const char	*rows;
};

static const struct wrap_case cases[] = {
	{ "short text is one row", "hello", 10, 0, "hello" },
	{ "empty text is one empty row", "", 10, 0, "" },
	{ "breaks at the space before the word that does not fit",
	  "Alt-2 to the first chat.", 10, 0, "Alt-2 to|the first|chat." },
	{ "a space at the edge is dropped", "abcd efgh", 4, 0, "abcd|efgh" },
	{ "every space where it breaks is dropped", "aaa    bbb", 5, 0,
	  "aaa|bbb" },
	{ "continuation rows are indented", "12:00 one two three", 12, 6,
	  "12:00 one|      two|      three" },
	{ "no break inside the indentation", "12:00 abcdefgh", 10, 6,
	  "12:00 abcd|      efgh" },
	{ "a word longer than a row is cut", "abcdefghij", 4, 0,
	  "abcd|efgh|ij" },
	{ "a long word after a short one starts a row, then is cut",
	  "ab cdefghij", 4, 0, "ab|cdef|ghij" },
	{ "newline starts an indented row and keeps its spaces",
	  "a\n  b c", 10, 2, "a|    b c" },
	{ "wide characters take two cells", "日本語日本語", 5, 0,
	  "日本|語日|本語" },
	{ "wide words break at spaces", "日本 語日", 5, 0, "日本|語日" },
	{ "combining marks take no cell", "e\u0301e\u0301e\u0301 x", 3, 0,
	  "e\u0301e\u0301e\u0301|x" },
	{ "indent wider than the row is clamped", "abcdef", 3, 9,
	  "abc|  d|  e|  f" },
};

static void
wrap_text__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct wrap_case *c = &cases[i];
		g_autofree char *got = wrapped(c->text, c->width, c->indent);

		if (strcmp(got, c->rows) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", c->description,
			    got, c->rows);
	}
}

/* Cells of UTF-8 text, wide characters two. */
static int
cells(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s = g_utf8_next_char(s))
		w += g_unichar_iswide(g_utf8_get_char(s)) ? 2 : 1;
	return w;
}

static void
wrap_text__keeps_words_whole_and_rows_within_width(void **state)
{
	static const char text[] = "Alt-1 goes back to the console, Alt-2 "
	    "to the first chat. 日本語の 文章 and more words here.";
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	int width, j;

	for (width = 12; width <= 60; width++) {	/* 4 + "console," */
		GPtrArray *rows = wrap_text(text, width, 4);
		GString *all = g_string_new(NULL);
		g_auto(GStrv) got = NULL;
		guint i;

		for (i = 0; i < rows->len; i++) {
			const char *r = g_ptr_array_index(rows, i);

			assert_true(cells(r) <= width);
			g_string_append_printf(all, "%s%s", i > 0 ? " " : "",
			    r);
		}
		got = g_strsplit(all->str, " ", -1);
		g_string_free(all, TRUE);
		g_ptr_array_unref(rows);
		j = 0;
		for (i = 0; got[i] != NULL; i++)
			if (*got[i] != '\0')
				assert_string_equal(got[i], words[j++]);
		assert_null(words[j]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrap_text__table),
		cmocka_unit_test(wrap_text__keeps_words_whole_and_rows_within_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
