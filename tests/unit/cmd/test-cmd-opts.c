/* SPDX-License-Identifier: MIT */
/* The option parser that dispatch runs from an entry's declared options
 * (cmd-opts.c): flags, values, numbers with a range, long names, "--",
 * the first non-option word, and raw-text commands such as /exec. */
#include "../helpers/test.h"
#include "cmd/cmd.h"

static const struct cmd_option opts[] = {
	{ 'o', NULL, NULL, 0, 0, "a flag" },
	{ 'j', "json", NULL, 0, 0, "a flag with a long name" },
	{ 't', "timeout", "SECONDS", 1, 60, "a number" },
	{ 'f', NULL, "FILE", 0, 0, "a word" },
	{ 0, "dry-run", NULL, 0, 0, "a flag with no short name" },
	{ 0 } };

struct opt_case {
	const char	*description;
	const char	*line;
	unsigned	 flags;		/* CMD_RAW_ARGS, CMD_OPTS_ANYWHERE */
	bool		 ok;
	const char	*set;		/* the options expected given */
	long		 timeout;	/* -t, 0: not given */
	const char	*file;		/* -f, or NULL */
	const char	*rest;		/* the arguments left, from raw */
	int		 argc;
};

#define R CMD_RAW_ARGS
#define A CMD_OPTS_ANYWHERE

static const struct opt_case cases[] = {
	{ "no options", "a b", 0, true, "", 0, NULL, "a b", 2 },
	{ "a flag", "-o a", 0, true, "o", 0, NULL, "a", 1 },
	{ "grouped flags", "-oj a", 0, true, "oj", 0, NULL, "a", 1 },
	{ "long flag", "--json a", 0, true, "j", 0, NULL, "a", 1 },
	{ "long-only flag", "--dry-run a", 0, true, "d", 0, NULL, "a", 1 },
	{ "number, next word", "-t 5 x", 0, true, "t", 5, NULL, "x", 1 },
	{ "number, same word", "-t5 x", 0, true, "t", 5, NULL, "x", 1 },
	{ "long number with =", "--timeout=7", 0, true, "t", 7, NULL, "",
	  0 },
	{ "long number, next", "--timeout 7 y", 0, true, "t", 7, NULL,
	  "y", 1 },
	{ "flag then value", "-ot 3 z", 0, true, "ot", 3, NULL, "z", 1 },
	{ "value word", "-f \"my file\" z", 0, true, "f", 0, "my file",
	  "z", 1 },
	{ "-- ends options", "-o -- -j", 0, true, "o", 0, NULL, "-j", 1 },
	{ "unknown ends options", "-x -o", 0, true, "", 0, NULL, "-x -o",
	  2 },
	{ "a negative number is an argument", "-5", 0, true, "", 0, NULL,
	  "-5", 1 },
	{ "a lone dash is an argument", "- a", 0, true, "", 0, NULL, "- a",
	  2 },
	{ "options stop at the first argument", "a -o", 0, true, "", 0,
	  NULL, "a -o", 2 },
	{ "number out of range", "-t 99 x", 0, false, "", 0, NULL, NULL,
	  0 },
	{ "not a number", "-t soon x", 0, false, "", 0, NULL, NULL, 0 },
	{ "missing value", "-t", 0, false, "", 0, NULL, NULL, 0 },
	{ "a flag takes no value", "--json=1", 0, false, "", 0, NULL,
	  NULL, 0 },
	{ "raw: text kept as typed", "-o  -t 2  echo \"a  b\" 'c", R, true,
	  "ot", 2, NULL, "echo \"a  b\" 'c", 1 },
	{ "raw: -- then a dash command", "-- -o x", R, true, "", 0, NULL,
	  "-o x", 1 },
	{ "raw: options only", "-o", R, true, "o", 0, NULL, "", 0 },
	{ "raw: nothing", "", R, true, "", 0, NULL, "", 0 },
	{ "anywhere: options after an argument", "example.org -o -f x", A,
	  true, "of", 0, "x", "example.org", 1 },
	{ "anywhere: -- keeps a dash word", "-- -o", A, true, "", 0, NULL,
	  "-o", 1 },
	{ "anywhere: missing value", "a -f", A, false, "", 0, NULL, NULL, 0 },
	{ "raw: bad number", "-t 0 ls", R, false, "", 0, NULL, NULL, 0 },
};

/* The args dispatch would hand over for line: cmd_parse, or raw text. */
static void
make_args(const struct opt_case *c, struct cmd_args *a)
{
	if (!(c->flags & CMD_RAW_ARGS)) {
		assert_true(cmd_parse(c->line, a, NULL));
		return;
	}
	memset(a, 0, sizeof(*a));
	a->raw = g_strdup(c->line);
	a->argc = *c->line != '\0' ? 1 : 0;
	a->argv = g_new0(char *, 2);
	a->argv[0] = a->argc > 0 ? g_strdup(c->line) : NULL;
	a->offsets = g_new0(size_t, 1);
}

static void
check_case(const struct opt_case *c)
{
	struct cmd_args orig, a;
	g_autoptr(GError) err = NULL;
	const char *f;
	bool ok;

	make_args(c, &orig);
	a = orig;
	ok = cmd_opts_parse(opts, c->flags, &a, &err);
	if (ok != c->ok)
		fail_msg("%s: parse %s", c->description, ok ? "succeeded" :
		    err->message);
	if (ok) {
		for (f = "ojtf"; *f != '\0'; f++)
			if (cmd_opt(&a, *f) != (strchr(c->set, *f) != NULL))
				fail_msg("%s: -%c", c->description, *f);
		if (cmd_opt_long(&a, "dry-run") != (strchr(c->set, 'd') !=
		    NULL))
			fail_msg("%s: --dry-run", c->description);
		assert_true(cmd_opt_long(&a, "json") == cmd_opt(&a, 'j'));
		assert_int_equal(cmd_opt_number(&a, 't', 0), c->timeout);
		assert_string_equal(cmd_opt_value(&a, 'f') != NULL ?
		    cmd_opt_value(&a, 'f') : "(null)", c->file != NULL ?
		    c->file : "(null)");
		assert_int_equal(a.argc, c->argc);
		if (c->flags & CMD_OPTS_ANYWHERE)	/* one word each */
			assert_string_equal(a.argc > 0 ? a.argv[0] : "",
			    c->rest);
		else
			assert_string_equal(cmd_args_rest(&a, 0), c->rest);
	}
	cmd_opts_clear(&a);
	cmd_args_clear(&orig);
}

static void
cmd_opts_parse__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		check_case(&cases[i]);
}

static void
cmd_opts_parse__none_declared__leaves_args(void **state)
{
	struct cmd_args a;

	assert_true(cmd_parse("-5 -o", &a, NULL));
	assert_true(cmd_opts_parse(NULL, 0, &a, NULL));
	assert_int_equal(a.argc, 2);
	assert_false(cmd_opt(&a, 'o'));
	cmd_opts_clear(&a);
	cmd_args_clear(&a);
}

static void
cmd_option_form__shows__names_and_value(void **state)
{
	g_autofree char *a = cmd_option_form(&opts[0]);
	g_autofree char *b = cmd_option_form(&opts[1]);
	g_autofree char *c = cmd_option_form(&opts[2]);

	assert_string_equal(a, "-o");
	assert_string_equal(b, "-j, --json");
	assert_string_equal(c, "-t, --timeout SECONDS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_opts_parse__table),
		cmocka_unit_test(cmd_opts_parse__none_declared__leaves_args),
		cmocka_unit_test(cmd_option_form__shows__names_and_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
