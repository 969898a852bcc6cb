/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of cmd/cmd-diagnose-diff.c: comparing two /diagnose --json
 * reports. Table-driven: two documents and the exact lines expected.
 */
#include "../helpers/test.h"
#include <glib/gstdio.h>

#include "cmd/cmd-diagnose-diff.h"

#define BASE(extra) "{\"domain\":\"example.org\",\"natter\":\"0.1.0\"," \
	"\"libstrophe\":\"0.14.0\",\"software\":{\"name\":\"Prosody\"," \
	"\"version\":\"0.12.3\",\"os\":\"Linux\",\"uptime_seconds\":\"100\"}," \
	"\"compliance\":[{\"feature\":\"Blocking\",\"status\":\"supported\"}," \
	"{\"feature\":\"Message carbons\",\"status\":\"MISSING\"}]," \
	"\"server_features\":[\"a\",\"b\"],\"services\":[{\"jid\":" \
	"\"muc.example.org\",\"features\":[\"x\"]}],\"host_meta\":{\"bosh\":" \
	"[\"https://e/bosh\"],\"xrd\":{\"status\":\"ok\",\"links\":[]}}," \
	"\"ping_ms\":{\"answered\":10,\"min\":1.0,\"median\":2.0,\"max\":3.0}" \
	extra "}"

static const struct diff_case {
	const char	*description;
	const char	*a, *b;
	const char	*expected[8];	/* NULL-terminated */
} cases[] = {
	{ "identical reports agree", BASE(""), BASE(""), { NULL } },
	{ "volatile fields are not compared",
	  BASE(""),
	  "{\"domain\":\"example.org\",\"natter\":\"0.2.0\","
	  "\"libstrophe\":\"0.14.1\",\"software\":{\"name\":\"Prosody\","
	  "\"version\":\"0.12.3\",\"os\":\"Linux\",\"uptime_seconds\":\"9\"},"
	  "\"compliance\":[{\"feature\":\"Message carbons\",\"status\":"
	  "\"MISSING\"},{\"feature\":\"Blocking\",\"status\":\"supported\"}],"
	  "\"server_features\":[\"b\",\"a\"],\"services\":[{\"jid\":"
	  "\"muc.example.org\",\"features\":[\"x\"]}],\"host_meta\":{\"bosh\":"
	  "[\"https://e/bosh\"],\"xrd\":{\"status\":\"ok\",\"links\":[{\"rel\":"
	  "\"r\"}]}},\"ping_ms\":{\"answered\":10,\"min\":0.1,\"median\":2.6,"
	  "\"max\":90.0},\"time\":\"now\",\"lookup_ms\":12}",
	  { NULL } },
	{ "features gained and lost, as sets",
	  "{\"domain\":\"d\",\"server_features\":[\"a\",\"b\"]}",
	  "{\"domain\":\"d\",\"server_features\":[\"b\",\"c\"]}",
	  { "- server feature: a", "+ server feature: c", NULL } },
	{ "compliance row, version and endpoint changes",
	  BASE(""),
	  "{\"domain\":\"example.org\",\"natter\":\"0.1.0\","
	  "\"libstrophe\":\"0.14.0\",\"software\":{\"name\":\"Prosody\","
	  "\"version\":\"13.0\",\"os\":\"Linux\",\"uptime_seconds\":\"100\"},"
	  "\"compliance\":[{\"feature\":\"Blocking\",\"status\":\"supported\"},"
	  "{\"feature\":\"Message carbons\",\"status\":\"supported\"}],"
	  "\"server_features\":[\"a\",\"b\",\"urn:xmpp:mam:2\"],\"services\":"
	  "[{\"jid\":\"muc.example.org\",\"features\":[]}],\"host_meta\":"
	  "{\"bosh\":[],\"xrd\":{\"status\":\"not-found\",\"links\":[]}},"
	  "\"ping_ms\":{\"answered\":10,\"min\":1.0,\"median\":30.0,"
	  "\"max\":3.0}}",
	  { "~ server software version: 0.12.3 -> 13.0",
	    "~ compliance[Message carbons].status: MISSING -> supported",
	    "+ server feature: urn:xmpp:mam:2",
	    "- services[muc.example.org].features: x",
	    "- BOSH endpoint: https://e/bosh",
	    "~ host_meta.xrd.status: ok -> not-found",
	    "~ ping median (ms): 2.0 -> 30.0", NULL } },
	{ "a key only in the newer report is added",
	  "{\"domain\":\"d\"}",
	  "{\"domain\":\"d\",\"srv\":[{\"target\":\"x\",\"port\":5222}]}",
	  { "+ SRV record: [{target: x, port: 5222}]", NULL } },
	{ "records without a name pair by content",
	  "{\"domain\":\"d\",\"srv\":[{\"target\":\"x\",\"port\":5222}]}",
	  "{\"domain\":\"d\",\"srv\":[{\"target\":\"x\",\"port\":5223}]}",
	  { "- SRV record: {target: x, port: 5222}",
	    "+ SRV record: {target: x, port: 5223}", NULL } },
	{ "a type change is a change",
	  "{\"domain\":\"d\",\"level\":\"IM\"}",
	  "{\"domain\":\"d\",\"level\":null}",
	  { "~ compliance level reached: IM -> null", NULL } },
};

static void
diag_diff__cases(void **state)
{
	size_t i, k;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct diff_case *c = &cases[i];
		struct json_node *a = json_parse(c->a, NULL);
		struct json_node *b = json_parse(c->b, NULL);
		GPtrArray *got;
		size_t n = 0;

		assert_non_null(a);
		assert_non_null(b);
		got = diag_diff(a, b);
		while (c->expected[n] != NULL)
			n++;
		if (got->len != n) {
			for (k = 0; k < got->len; k++)
				print_message("got: %s\n",
				    (char *)g_ptr_array_index(got, k));
			fail_msg("%s: %u lines, expected %zu", c->description,
			    got->len, n);
		}
		for (k = 0; k < n; k++)
			assert_string_equal(g_ptr_array_index(got, k),
			    c->expected[k]);
		g_ptr_array_unref(got);
		json_node_free(a);
		json_node_free(b);
	}
}

static void
diag_diff__endpoints_and_services_are_named(void **state)
{
	struct json_node *a = json_parse("{\"domain\":\"d\",\"host_meta\":"
	    "{\"bosh\":[\"https://old\"],\"websocket\":[]},\"services\":["
	    "{\"jid\":\"up.d\",\"features\":[\"u\"]}]}", NULL);
	struct json_node *b = json_parse("{\"domain\":\"d\",\"host_meta\":"
	    "{\"bosh\":[],\"websocket\":[\"wss://new\"]},\"services\":["
	    "{\"jid\":\"up.d\",\"features\":[\"u\",\"v\"]},{\"jid\":\"px.d\","
	    "\"features\":[]}]}", NULL);
	GPtrArray *got = diag_diff(a, b);

	assert_int_equal(got->len, 4);
	assert_string_equal(g_ptr_array_index(got, 0),
	    "- BOSH endpoint: https://old");
	assert_string_equal(g_ptr_array_index(got, 1),
	    "+ WebSocket endpoint: wss://new");
	assert_string_equal(g_ptr_array_index(got, 2),
	    "+ services[up.d].features: v");
	assert_string_equal(g_ptr_array_index(got, 3), "+ service: px.d");
	g_ptr_array_unref(got);
	json_node_free(a);
	json_node_free(b);
}

static void
diag_diff__ping_median_beyond_noise_only(void **state)
{
	static const struct { const char *a, *b; guint lines; } pings[] = {
		{ "0.4", "1.2", 0 },	/* under 1 ms */
		{ "20.0", "29.0", 0 },	/* under half of 20 */
		{ "0.4", "12.0", 1 },
		{ "20.0", "31.0", 1 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(pings); i++) {
		g_autofree char *ta = g_strdup_printf("{\"domain\":\"d\","
		    "\"ping_ms\":{\"median\":%s}}", pings[i].a);
		g_autofree char *tb = g_strdup_printf("{\"domain\":\"d\","
		    "\"ping_ms\":{\"median\":%s}}", pings[i].b);
		struct json_node *a = json_parse(ta, NULL);
		struct json_node *b = json_parse(tb, NULL);
		GPtrArray *got = diag_diff(a, b);

		assert_int_equal(got->len, pings[i].lines);
		if (got->len == 1)
			assert_true(g_str_has_prefix(g_ptr_array_index(got, 0),
			    "~ ping median (ms): "));
		g_ptr_array_unref(got);
		json_node_free(a);
		json_node_free(b);
	}
}

static void
diag_diff_files__bad_input_is_an_error(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("natter-diff-XXXXXX", NULL);
	g_autofree char *good = g_build_filename(dir, "good.json", NULL);
	g_autofree char *bad = g_build_filename(dir, "bad.json", NULL);
	g_autofree char *other = g_build_filename(dir, "other.json", NULL);
	g_autofree char *none = g_build_filename(dir, "none.json", NULL);
	g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
	GPtrArray *same;

	g_file_set_contents(good, "{\"domain\":\"d\"}", -1, NULL);
	g_file_set_contents(bad, "{\"domain\":", -1, NULL);
	g_file_set_contents(other, "{\"links\":[]}", -1, NULL);
	same = diag_diff_files(good, good, NULL);
	assert_non_null(same);
	assert_int_equal(same->len, 0);
	g_ptr_array_unref(same);
	assert_null(diag_diff_files(good, bad, &e1));
	assert_non_null(strstr(e1->message, "not a /diagnose --json report"));
	assert_null(diag_diff_files(other, good, &e2));
	assert_non_null(strstr(e2->message, "no \"domain\""));
	assert_null(diag_diff_files(none, good, &e3));
	g_unlink(good);
	g_unlink(bad);
	g_unlink(other);
	g_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diag_diff__cases),
		cmocka_unit_test(diag_diff__endpoints_and_services_are_named),
		cmocka_unit_test(diag_diff__ping_median_beyond_noise_only),
		cmocka_unit_test(diag_diff_files__bad_input_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
