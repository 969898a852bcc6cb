/* SPDX-License-Identifier: MIT */
/* Unit tests of cmd/cmd-parse.c and of completion. */
#include "../helpers/test.h"
#include "cmd/cmd.h"

struct parse_case {
	const char	*description;
	const char	*in;
	int		 argc;		/* -1: must fail */
	const char	*args[4];
};

static const struct parse_case cases[] = {
	{ "empty", "", 0, { NULL } },
	{ "spaces only", "   ", 0, { NULL } },
	{ "two words", "add work", 2, { "add", "work" } },
	{ "extra spaces", "  a   b  ", 2, { "a", "b" } },
	{ "quoted argument", "set x \"a b c\"", 3, { "set", "x", "a b c" } },
	{ "escaped quote", "\"say \\\"hi\\\"\"", 1, { "say \"hi\"" } },
	{ "quotes inside a word", "a\"b c\"d", 1, { "ab cd" } },
	{ "empty quotes", "\"\"", 1, { "" } },
	{ "UTF-8 kept", "\xe6\x97\xa5 \xf0\x9f\x98\x80", 2,
	  { "\xe6\x97\xa5", "\xf0\x9f\x98\x80" } },
	{ "unterminated quote", "a \"b", -1, { NULL } },
};

static void
cmd_parse__table(void **state)
{
	size_t i;
	int j;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct parse_case *c = &cases[i];
		struct cmd_args a;
		GError *err = NULL;
		bool ok = cmd_parse(c->in, &a, &err);

		if (c->argc < 0) {
			if (ok)
				fail_msg("%s: accepted", c->description);
			assert_non_null(err);
			g_error_free(err);
			cmd_args_clear(&a);
			continue;
		}
		if (!ok || a.argc != c->argc)
			fail_msg("%s: ok=%d argc=%d", c->description, ok,
			    a.argc);
		for (j = 0; j < c->argc; j++)
			assert_string_equal(a.argv[j], c->args[j]);
		assert_null(a.argv[a.argc]);
		cmd_args_clear(&a);
	}
}

static void
cmd_args_rest__returns_raw_tail(void **state)
{
	struct cmd_args a;

	assert_true(cmd_parse("to  hello   world", &a, NULL));
	assert_string_equal(cmd_args_rest(&a, 1), "hello   world");
	assert_string_equal(cmd_args_rest(&a, 5), "");
	cmd_args_clear(&a);
}

static void
cmd_parse__refuses__too_many_args(void **state)
{
	GString *s = g_string_new(NULL);
	struct cmd_args a;
	int i;

	for (i = 0; i < 300; i++)
		g_string_append(s, "x ");
	assert_false(cmd_parse(s->str, &a, NULL));
	cmd_args_clear(&a);
	g_string_free(s, TRUE);
}

static bool
has(GPtrArray *c, const char *s)
{
	guint i;

	for (i = 0; i < c->len; i++)
		if (strcmp(g_ptr_array_index(c, i), s) == 0)
			return true;
	return false;
}

static void
cmd_complete__commands_subcommands_prefs(void **state)
{
	size_t start;
	GPtrArray *c;

	c = cmd_complete("/con", 4, &start, NULL, NULL);
	assert_int_equal(start, 0);
	assert_true(has(c, "/connect"));
	assert_false(has(c, "/disconnect"));
	g_ptr_array_unref(c);
	c = cmd_complete("/account se", 11, &start, NULL, NULL);
	assert_int_equal(start, 9);
	assert_true(has(c, "set"));
	assert_false(has(c, "list"));
	g_ptr_array_unref(c);
	c = cmd_complete("/set ui.b", 9, &start, NULL, NULL);
	assert_true(has(c, "ui.bell"));
	assert_int_equal(c->len, 1);
	g_ptr_array_unref(c);
	c = cmd_complete("/tls r", 6, &start, NULL, NULL);
	assert_true(has(c, "revoke"));
	g_ptr_array_unref(c);
}

static void
cmd_complete__control_commands__and_event_kinds(void **state)
{
	size_t start;
	GPtrArray *c;

	c = cmd_complete("/subs", 5, &start, NULL, NULL);
	assert_true(has(c, "/subscribe"));
	g_ptr_array_unref(c);
	c = cmd_complete("/subscribe message-r", 20, &start, NULL, NULL);
	assert_int_equal(start, 11);
	assert_true(has(c, "message-received"));
	assert_int_equal(c->len, 1);
	g_ptr_array_unref(c);
	c = cmd_complete("/format t", 9, &start, NULL, NULL);
	assert_true(has(c, "text"));
	g_ptr_array_unref(c);
}

static void
cmd_complete__entry_words__any_position(void **state)
{
	size_t start;
	GPtrArray *c;

	c = cmd_complete("/disco i", 8, &start, NULL, NULL);
	assert_true(has(c, "info") && has(c, "items"));
	assert_int_equal(c->len, 2);
	g_ptr_array_unref(c);
	c = cmd_complete("/xmlconsole filter iq o", 23, &start, NULL, NULL);
	assert_int_equal(start, 22);
	assert_true(has(c, "out") && has(c, "off"));
	g_ptr_array_unref(c);
	c = cmd_complete("/xmlconsole hide-acks of", 24, &start, NULL, NULL);
	assert_true(has(c, "off"));
	assert_int_equal(c->len, 1);
	g_ptr_array_unref(c);
}

static void
cmd_line_is_secret__commands_and_subcommands(void **state)
{
	assert_true(cmd_line_is_secret("/account set a password x"));
	assert_true(cmd_line_is_secret("  /register me@x password y"));
	assert_false(cmd_line_is_secret("/account list"));
	assert_false(cmd_line_is_secret("/msg bob hi"));
	assert_false(cmd_line_is_secret("a plain message"));
	assert_false(cmd_line_is_secret("/nosuchcommand set"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_parse__table),
		cmocka_unit_test(cmd_args_rest__returns_raw_tail),
		cmocka_unit_test(cmd_parse__refuses__too_many_args),
		cmocka_unit_test(cmd_complete__commands_subcommands_prefs),
		cmocka_unit_test(cmd_complete__entry_words__any_position),
		cmocka_unit_test(
		    cmd_complete__control_commands__and_event_kinds),
		cmocka_unit_test(cmd_line_is_secret__commands_and_subcommands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
