/* SPDX-License-Identifier: MIT */
/* Unit tests of core/prefs.c: validation, loading broken files, saving. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "../helpers/test.h"
#include "core/prefs.h"

struct val_case {
	const char	*description;
	const char	*name, *value;
	const char	*canonical;	/* NULL: must be refused */
};

static const struct val_case cases[] = {
	{ "bool on", "ui.bell", "on", "on" },
	{ "bool yes normalised", "ui.bell", "YES", "on" },
	{ "bool false", "ui.bell", "false", "off" },
	{ "bool garbage", "ui.bell", "maybe", NULL },
	{ "int in range", "ui.scrollback", "5000", "5000" },
	{ "int below min", "ui.scrollback", "1", NULL },
	{ "int above max", "ui.scrollback", "99999999999", NULL },
	{ "int not a number", "ui.scrollback", "12abc", NULL },
	{ "int empty", "conn.timeout", "", NULL },
	{ "enum allowed", "conn.tls", "direct", "direct" },
	{ "enum case-insensitive", "log.level", "DEBUG", "debug" },
	{ "enum not allowed", "conn.tls", "sometimes", NULL },
	{ "string", "ui.time_format", "%H:%M:%S", "%H:%M:%S" },
	{ "string invalid UTF-8", "ui.time_format", "\xff", NULL },
};

static void
prefs_validate__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct val_case *c = &cases[i];
		const struct pref_def *d = prefs_find(c->name);
		char *canon = NULL;
		GError *err = NULL;
		bool ok;

		assert_non_null(d);
		ok = prefs_validate(d, c->value, &canon, &err);
		if (ok != (c->canonical != NULL))
			fail_msg("%s: validate returned %d", c->description, ok);
		if (ok)
			assert_string_equal(canon, c->canonical);
		else
			assert_non_null(err);
		g_free(canon);
		g_clear_error(&err);
	}
}

static void
prefs_table__is_sorted_and_defaults_valid(void **state)
{
	size_t i;

	for (i = 0; i < pref_table_len; i++) {
		char *canon = NULL;

		assert_non_null(strchr(pref_table[i].name, '.'));
		assert_true(prefs_validate(&pref_table[i], pref_table[i].def,
		    &canon, NULL));
		assert_true(strlen(pref_table[i].description) > 10);
		g_free(canon);
		if (i > 0)
			assert_true(strcmp(pref_table[i - 1].name,
			    pref_table[i].name) < 0);
	}
}

static char *
write_tmp(const char *text)
{
	char *path = NULL;
	int fd = g_file_open_tmp("natterrc-XXXXXX", &path, NULL);

	assert_true(fd >= 0);
	close(fd);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void
prefs_load__reports_line__bad_value_and_unknown_key(void **state)
{
	g_autofree char *path = write_tmp("[ui]\nbell=off\nscrollback=3\n"
	    "[nope]\nthing=1\n");
	g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);

	assert_true(prefs_load(path, w));
	assert_int_equal(w->len, 2);
	assert_non_null(strstr(g_ptr_array_index(w, 0), "natterrc:3:"));
	assert_non_null(strstr(g_ptr_array_index(w, 1), "natterrc:5:"));
	assert_false(prefs_get_bool("ui.bell"));
	assert_int_equal(prefs_get_int("ui.scrollback"), 10000);
	g_unlink(path);
	prefs_free();
}

static void
prefs_set__refuses_to_rewrite__unparsable_file(void **state)
{
	const char *broken = "this is [not a key file\n";
	g_autofree char *path = write_tmp(broken);
	g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *after = NULL;
	GError *err = NULL;

	assert_false(prefs_load(path, w));
	assert_int_equal(w->len, 1);
	assert_false(prefs_set("ui.bell", "off", &err));
	assert_non_null(err);
	g_clear_error(&err);
	assert_false(prefs_get_bool("ui.bell"));	/* session value */
	assert_true(g_file_get_contents(path, &after, NULL, NULL));
	assert_string_equal(after, broken);
	g_unlink(path);
	prefs_free();
}

static void
prefs_set__saves_and_reset_removes(void **state)
{
	g_autofree char *path = write_tmp("");
	g_autoptr(GPtrArray) w = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL, *text2 = NULL;

	assert_true(prefs_load(path, w));
	assert_true(prefs_set("ui.time_format", "%H", NULL));
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	assert_non_null(strstr(text, "[ui]"));
	assert_non_null(strstr(text, "time_format=%H"));
	assert_true(prefs_reset("ui.time_format", NULL));
	assert_string_equal(prefs_get("ui.time_format"), "%H:%M");
	assert_true(g_file_get_contents(path, &text2, NULL, NULL));
	assert_null(strstr(text2, "time_format"));
	assert_false(prefs_set("no.such", "1", NULL));
	g_unlink(path);
	prefs_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefs_validate__table),
		cmocka_unit_test(prefs_table__is_sorted_and_defaults_valid),
		cmocka_unit_test(prefs_load__reports_line__bad_value_and_unknown_key),
		cmocka_unit_test(prefs_set__refuses_to_rewrite__unparsable_file),
		cmocka_unit_test(prefs_set__saves_and_reset_removes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
