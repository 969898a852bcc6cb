/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of util/hostmeta.c (XEP-0156 XRD and JRD, XEP-0487 fields)
 * and of the JSON tree parser it reads JRD with (util/json-parse.c).
 */
#include "../helpers/test.h"
#include "util/hostmeta.h"
#include "util/json.h"

static void
hostmeta_parse_xrd__links_with_rel(void **state)
{
	const char *doc = "<?xml version='1.0'?>\n<XRD xmlns='http://docs."
	    "oasis-open.org/ns/xri/xrd-1.0'>\n<Link rel='urn:xmpp:alt-"
	    "connections:xbosh' href='https://e/bosh'/><Link rel='urn:xmpp:"
	    "alt-connections:websocket' href='wss://e/ws'></Link><Link href="
	    "'no-rel'/><Link rel='lrdd' template='t'/><Other><Link rel='deep' "
	    "href='x'/></Other></XRD>";
	g_autoptr(GError) err = NULL;
	struct hostmeta *hm = hostmeta_parse_xrd(doc, -1, &err);
	const struct hm_link *l;

	assert_non_null(hm);
	assert_int_equal(hm->links->len, 3);
	l = g_ptr_array_index(hm->links, 0);
	assert_string_equal(l->rel, HM_REL_BOSH);
	assert_string_equal(l->href, "https://e/bosh");
	assert_int_equal(l->port, -1);
	l = g_ptr_array_index(hm->links, 1);
	assert_string_equal(l->href, "wss://e/ws");
	l = g_ptr_array_index(hm->links, 2);
	assert_string_equal(l->rel, "lrdd");
	assert_null(l->href);
	assert_false(hm->v2);
	hostmeta_free(hm);
}

static void
hostmeta_parse_xrd__malformed_or_foreign__error(void **state)
{
	static const char *const bad[] = { "", "<XRD>", "<html><body/></html>",
	    "<XRD><Link rel='a' href='&ent;'/></XRD>", "not xml at all",
	    "<!DOCTYPE x [<!ENTITY a 'b'>]><XRD>&a;</XRD>" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		struct hostmeta *hm = hostmeta_parse_xrd(bad[i], -1, &err);

		if (hm != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(err);
	}
}

static void
hostmeta_parse_jrd__xep0487_fields(void **state)
{
	const char *doc = "{\"xmpp\":{\"ttl\":3000,\"public-key-pins-sha-256\":"
	    "[\"pin=\",7]},\"links\":[{\"rel\":\"urn:xmpp:alt-connections:tls\","
	    "\"port\":443,\"priority\":10,\"weight\":50,\"sni\":\"e.org\","
	    "\"ech\":\"eA==\",\"ips\":[\"1.2.3.4\",\"::1\"]},{\"rel\":\"urn:xmpp:"
	    "alt-connections:websocket\",\"href\":\"wss://e/ws\",\"port\":"
	    "\"bad\"},{\"href\":\"no rel\"},\"not an object\",{\"rel\":5}]}";
	g_autoptr(GError) err = NULL;
	struct hostmeta *hm = hostmeta_parse_jrd(doc, &err);
	const struct hm_link *l;
	g_autofree char *what = NULL;

	assert_non_null(hm);
	assert_true(hm->v2);
	assert_int_equal(hm->ttl, 3000);
	assert_int_equal(hm->pins->len, 1);
	assert_int_equal(hm->links->len, 2);
	l = g_ptr_array_index(hm->links, 0);
	assert_null(l->href);
	assert_int_equal(l->port, 443);
	assert_int_equal(l->ips->len, 2);
	what = hostmeta_link_describe(l);
	assert_string_equal(what, "port 443, priority 10, weight 50, sni "
	    "e.org, ips 1.2.3.4 ::1, ech");
	assert_string_equal(hostmeta_rel_name(l->rel), "direct TLS (XEP-0368)");
	l = g_ptr_array_index(hm->links, 1);
	assert_string_equal(l->href, "wss://e/ws");
	assert_int_equal(l->port, -1);		/* a string is not a port */
	assert_null(hostmeta_rel_name("lrdd"));
	hostmeta_free(hm);
}

static void
hostmeta_parse_jrd__bounded_and_strict(void **state)
{
	GString *many = g_string_new("{\"links\":[");
	g_autoptr(GError) e1 = NULL, e2 = NULL;
	struct hostmeta *hm;
	int i;

	for (i = 0; i < HM_LINKS_MAX * 2; i++)
		g_string_append_printf(many, "%s{\"rel\":\"r%d\"}", i ? "," : "",
		    i);
	g_string_append(many, "]}");
	hm = hostmeta_parse_jrd(many->str, NULL);
	assert_non_null(hm);
	assert_int_equal(hm->links->len, HM_LINKS_MAX);
	hostmeta_free(hm);
	g_string_free(many, TRUE);
	assert_null(hostmeta_parse_jrd("[1,2]", &e1));
	assert_non_null(e1);
	assert_null(hostmeta_parse_jrd("{\"links\":[}", &e2));
	assert_non_null(e2);
}

static void
json_parse__nested_tree(void **state)
{
	g_autoptr(GError) err = NULL;
	struct json_node *n = json_parse(" {\"a\":[1,\"x\",{\"b\":null}],"
	    "\"t\":true,\"s\":\"\\u00e9\"} ", &err);
	const struct json_node *a;

	assert_non_null(n);
	assert_int_equal(n->type, JSON_OBJECT);
	a = json_get(n, "a");
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->items->len, 3);
	assert_string_equal(((struct json_node *)g_ptr_array_index(a->items,
	    0))->text, "1");
	assert_int_equal(((struct json_node *)g_ptr_array_index(a->items,
	    2))->type, JSON_OBJECT);
	assert_string_equal(json_get(n, "t")->text, "true");
	assert_string_equal(json_get_str(n, "s"), "\xc3\xa9");
	assert_null(json_get_str(n, "t"));
	assert_int_equal(json_get_int(n, "t", -7), -7);
	assert_null(json_get(n, "missing"));
	json_node_free(n);
}

static void
json_parse__malformed_or_too_deep__error(void **state)
{
	static const char *const bad[] = { "", "{", "[1,]", "{\"a\":1,\"a\":2}",
	    "[1] x", "{\"a\" 1}", "[\"\\u0000\"]", "[tru]" };
	GString *deep = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;

		if (json_parse(bad[i], &err) != NULL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(err);
	}
	for (i = 0; i <= JSON_DEPTH_MAX + 1; i++)
		g_string_append_c(deep, '[');
	for (i = 0; i <= JSON_DEPTH_MAX + 1; i++)
		g_string_append_c(deep, ']');
	assert_null(json_parse(deep->str, NULL));
	g_string_free(deep, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostmeta_parse_xrd__links_with_rel),
		cmocka_unit_test(hostmeta_parse_xrd__malformed_or_foreign__error),
		cmocka_unit_test(hostmeta_parse_jrd__xep0487_fields),
		cmocka_unit_test(hostmeta_parse_jrd__bounded_and_strict),
		cmocka_unit_test(json_parse__nested_tree),
		cmocka_unit_test(json_parse__malformed_or_too_deep__error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
