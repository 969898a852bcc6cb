/* SPDX-License-Identifier: MIT */
/* Unit tests of core/form.c (XEP-0004 forms being edited). */
#include "../helpers/test.h"
#include "core/form.h"

static struct form *
sample(void)
{
	struct form *f = form_new("Room");
	struct form_field *x;

	x = form_add_field(f, "FORM_TYPE", "hidden", NULL);
	g_ptr_array_add(x->values, g_strdup("urn:x"));
	form_add_field(f, "name", "text-single", "Title");
	form_add_field(f, "open", "boolean", "Open?");
	x = form_add_field(f, "who", "list-single", "Who");
	g_ptr_array_add(x->options, g_strdup("anyone"));
	g_ptr_array_add(x->options, g_strdup("moderators"));
	form_add_field(f, "admins", "jid-multi", "Admins");
	form_add_field(f, "note", "fixed", NULL);
	return f;
}

static void
form_set__validates_by_type(void **state)
{
	struct form *f = sample();
	GError *err = NULL;

	assert_true(form_set(f, "name", "My, room", NULL));
	assert_int_equal(form_find(f, "name")->values->len, 1);
	assert_string_equal(g_ptr_array_index(form_find(f, "name")->values, 0),
	    "My, room");
	assert_true(form_set(f, "open", "on", NULL));
	assert_string_equal(g_ptr_array_index(form_find(f, "open")->values, 0),
	    "1");
	assert_false(form_set(f, "open", "perhaps", &err));
	g_clear_error(&err);
	assert_true(form_set(f, "who", "moderators", NULL));
	assert_false(form_set(f, "who", "everyone", &err));
	g_clear_error(&err);
	assert_true(form_set(f, "admins", "a@x, b@y", NULL));
	assert_int_equal(form_find(f, "admins")->values->len, 2);
	assert_false(form_set(f, "note", "x", NULL));
	assert_false(form_set(f, "FORM_TYPE", "x", NULL));
	assert_false(form_set(f, "nope", "x", NULL));
	form_free(f);
}

static void
form_describe__lists_fields_not_hidden(void **state)
{
	struct form *f = sample();
	g_autofree char *d = NULL;

	assert_true(form_set(f, "who", "anyone", NULL));
	d = form_describe(f);
	assert_non_null(strstr(d, "who (Who) = anyone  [anyone|moderators]"));
	assert_non_null(strstr(d, "open (Open?) =  [on|off]"));
	assert_null(strstr(d, "FORM_TYPE"));
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_set__validates_by_type),
		cmocka_unit_test(form_describe__lists_fields_not_hidden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
