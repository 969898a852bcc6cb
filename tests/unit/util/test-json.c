/* SPDX-License-Identifier: MIT */
/* Unit tests of util/json-parse.c: the strict flat JSON object parser. */
#include "../helpers/test.h"
#include "util/json.h"

static void
json_flat_parse__types_and_escapes(void **state)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GHashTable) o = json_flat_parse(" {\"s\":\"a\\\"b\\\\c\\n"
	    "\\u00e9\\ud83d\\ude00/\\/\", \"n\":-12.5e3,\"t\":true,"
	    "\"f\":false,\"z\":null} ", &err);

	assert_non_null(o);
	assert_string_equal(g_hash_table_lookup(o, "s"),
	    "sa\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80//");
	assert_string_equal(g_hash_table_lookup(o, "n"), "n-12.5e3");
	assert_string_equal(g_hash_table_lookup(o, "t"), "btrue");
	assert_string_equal(g_hash_table_lookup(o, "f"), "bfalse");
	assert_string_equal(g_hash_table_lookup(o, "z"), "z");
	assert_int_equal(g_hash_table_size(o), 5);
}

static void
json_flat_parse__round_trips_json_string(void **state)
{
	const char *in = "<m a='1'>\"\\\t\x01\x7f \xe2\x86\x92</m>";
	g_autofree char *lit = json_string(in);
	g_autofree char *doc = g_strdup_printf("{\"x\":%s}", lit);
	g_autoptr(GHashTable) o = json_flat_parse(doc, NULL);

	assert_non_null(o);
	assert_string_equal((char *)g_hash_table_lookup(o, "x") + 1, in);
}

static void
json_flat_parse__malformed__error_with_column(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1}x",
		"{\"a\":1,\"a\":2}", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":01}",
		"{\"a\":-}", "{\"a\":1.}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}",
		"{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
		"{\"a\":\"\\u0000\"}", "{\"a\":\"\xff\"}", "{\"a\":tru}",
		"{\"a\":\"unterminated", "[1]", NULL,
	};
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		g_autoptr(GError) err = NULL;
		GHashTable *o = json_flat_parse(bad[i], &err);

		if (o != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(err);
		assert_non_null(strstr(err->message, "at column "));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_flat_parse__types_and_escapes),
		cmocka_unit_test(json_flat_parse__round_trips_json_string),
		cmocka_unit_test(json_flat_parse__malformed__error_with_column),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
