/* SPDX-License-Identifier: MIT */
/* Unit tests of util/sanitize.c: nothing from outside reaches the terminal
 * unescaped (PRODUCT §3). */
#include "../helpers/test.h"
#include "util/sanitize.h"

struct san_case {
	const char	*description;
	const char	*in;
	size_t		 len;		/* 0: strlen */
	unsigned	 flags;
	const char	*out;
};

static const struct san_case cases[] = {
	{ "plain ASCII unchanged", "hello, world", 0, 0, "hello, world" },
	{ "ESC shown as ^[", "a\x1b" "b", 0, 0, "a^[b" },
	{ "CSI sequence defused", "\x1b[2J\x1b[31mred", 0, 0, "^[[2J^[[31mred" },
	{ "OSC title sequence defused", "\x1b]0;pwned\x07", 0, 0,
	  "^[]0;pwned^G" },
	{ "OSC 52 clipboard defused", "\x1b]52;c;aGk=\x1b\\", 0, 0,
	  "^[]52;c;aGk=^[\\" },
	{ "C1 CSI (U+009B) shown", "x\xc2\x9b" "31m", 0, 0, "x<U+009B>31m" },
	{ "C1 NEL shown", "\xc2\x85", 0, 0, "<U+0085>" },
	{ "CR cannot rewind the line", "hi\r<alice> fake", 0, 0,
	  "hi^M<alice> fake" },
	{ "backspace cannot erase the sender", "\b\b\b\bbob", 0, 0,
	  "^H^H^H^Hbob" },
	{ "DEL shown", "a\x7f", 0, 0, "a^?" },
	{ "NUL inside the length shown", "a\0b", 3, 0, "a^@b" },
	{ "newline shown on one line", "a\nb", 0, SANITIZE_ONE_LINE, "a^Jb" },
	{ "newline kept when asked", "a\nb", 0, SANITIZE_KEEP_NEWLINE, "a\nb" },
	{ "tab becomes a space", "a\tb", 0, 0, "a b" },
	{ "tab kept when asked", "a\tb", 0, SANITIZE_KEEP_TAB, "a\tb" },
	{ "RLO bidi override shown", "abc\xe2\x80\xae" "def", 0, 0,
	  "abc<U+202E>def" },
	{ "LRI isolate shown", "\xe2\x81\xa6x", 0, 0, "<U+2066>x" },
	{ "zero-width space shown", "a\xe2\x80\x8b" "b", 0, 0, "a<U+200B>b" },
	{ "BOM shown", "\xef\xbb\xbfx", 0, 0, "<U+FEFF>x" },
	{ "line separator shown", "a\xe2\x80\xa8" "b", 0, 0, "a<U+2028>b" },
	{ "ZWJ kept for emoji", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb",
	  0, 0, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb" },
	{ "invalid byte replaced", "a\xff" "b", 0, 0, "a\xef\xbf\xbd" "b" },
	{ "truncated sequence replaced", "a\xe2\x80", 0, 0,
	  "a\xef\xbf\xbd\xef\xbf\xbd" },
	{ "overlong encoding replaced", "\xc0\xaf", 0, 0,
	  "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "CJK kept", "\xe6\x97\xa5\xe6\x9c\xac", 0, 0,
	  "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "emoji kept", "\xf0\x9f\x98\x80", 0, 0, "\xf0\x9f\x98\x80" },
};

static void
sanitize_text__escapes__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct san_case *c = &cases[i];
		g_autofree char *got = sanitize_text(c->in,
		    c->len ? c->len : strlen(c->in), c->flags);

		if (strcmp(got, c->out) != 0)
			fail_msg("%s: got '%s', want '%s'", c->description,
			    got, c->out);
		assert_true(g_utf8_validate(got, -1, NULL));
	}
}

static void
sanitize_text__never_outputs_controls__all_bytes(void **state)
{
	char in[256];
	g_autofree char *got = NULL;
	const unsigned char *p;
	int i;

	for (i = 0; i < 256; i++)
		in[i] = (char)i;
	got = sanitize_text(in, sizeof in, SANITIZE_ONE_LINE);
	for (p = (const unsigned char *)got; *p != '\0'; p++)
		assert_false(*p < 0x20 || *p == 0x7f);
	assert_true(g_utf8_validate(got, -1, NULL));
}

static void
sanitize_width__counts_cells__wide_and_combining(void **state)
{
	assert_int_equal(sanitize_width("abc"), 3);
	assert_int_equal(sanitize_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	assert_int_equal(sanitize_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(sanitize_width("e\xcc\x81"), 1);	/* e + acute */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sanitize_text__escapes__table),
		cmocka_unit_test(sanitize_text__never_outputs_controls__all_bytes),
		cmocka_unit_test(sanitize_width__counts_cells__wide_and_combining),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
