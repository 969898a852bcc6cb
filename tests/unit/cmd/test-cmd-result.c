/* SPDX-License-Identifier: MIT */
/* Unit tests of cmd/cmd-result.c: text and JSON rendered from typed
 * answers built by hand, hostile strings included. */
#include "../helpers/test.h"
#include "cmd/cmd-result.h"

/* The lines joined with '\n', then the array freed. */
static char *
joined(GPtrArray *lines)
{
	char *s;

	g_ptr_array_add(lines, NULL);
	s = g_strjoinv("\n", (char **)lines->pdata);
	g_ptr_array_unref(lines);
	return s;
}

static struct proto_result *
hostile_info(void)
{
	struct proto_result *r = proto_result_new(PQ_DISCO_INFO);
	struct proto_form *form = proto_info_add_form(&r->u.info);
	struct proto_field *f = proto_info_add_field(form, "admin-addresses");

	r->rtt_us = 1500;
	g_ptr_array_add(r->u.info.identities, proto_identity_new("server",
	    "im", "Evil\t\"name\"\\\x01\nline", NULL));
	g_ptr_array_add(r->u.info.features, g_strdup("urn:xmpp:ping"));
	g_ptr_array_add(r->u.info.features, g_strdup("urn:x:\"odd\""));
	g_ptr_array_add(f->values, g_strdup("xmpp:a@example.org"));
	return r;
}

static void
result_text__disco_info__table_one_line_values(void **state)
{
	struct proto_result *r = hostile_info();
	g_autofree char *t = joined(cmd_result_text("example.org", r));

	(void)state;
	assert_string_equal(t,
	    "disco#info of example.org (1.5 ms):\n"
	    "  identities:\n"
	    "    server/im                Evil \"name\"\\\x01 line\n"
	    "  features:\n"
	    "    urn:xmpp:ping                                XEP-0199 XMPP "
	    "Ping\n"
	    "    urn:x:\"odd\"                                  \n"
	    "  extended information (XEP-0128):\n"
	    "    admin-addresses = xmpp:a@example.org");
	proto_result_free(r);
}

static void
result_json__disco_info__escaped(void **state)
{
	struct proto_result *r = hostile_info();
	g_autofree char *j = cmd_result_json("a\"b", r, NULL);

	(void)state;
	assert_string_equal(j, "{\"query\":\"disco#info\",\"to\":\"a\\\"b\","
	    "\"rtt_ms\":1.500,\"identities\":[{\"category\":\"server\","
	    "\"type\":\"im\",\"name\":\"Evil\\t\\\"name\\\"\\\\\\u0001\\nline\","
	    "\"lang\":null}],\"features\":[\"urn:xmpp:ping\","
	    "\"urn:x:\\\"odd\\\"\"],\"forms\":[[{\"var\":\"admin-addresses\","
	    "\"values\":[\"xmpp:a@example.org\"]}]]}");
	assert_null(strchr(j, '\n'));
	proto_result_free(r);
}

static void
result_text_json__version_time_last_ping(void **state)
{
	struct proto_result *r = proto_result_new(PQ_VERSION);
	g_autofree char *t1 = NULL, *j1 = NULL, *t2 = NULL, *j2 = NULL;
	g_autofree char *t3 = NULL, *j3 = NULL, *t4 = NULL, *j4 = NULL;

	(void)state;
	r->u.version.name = g_strdup("Prosody");
	r->u.version.version = g_strdup("0.12");
	t1 = joined(cmd_result_text("localhost", r));
	j1 = cmd_result_json("localhost", r, NULL);
	assert_string_equal(t1, "localhost runs Prosody 0.12");
	assert_string_equal(j1, "{\"query\":\"version\",\"to\":\"localhost\","
	    "\"rtt_ms\":0.000,\"name\":\"Prosody\",\"version\":\"0.12\","
	    "\"os\":null}");
	proto_result_free(r);
	r = proto_result_new(PQ_TIME);
	t2 = joined(cmd_result_text("bob@x/y", r));
	j2 = cmd_result_json("bob@x/y", r, NULL);
	assert_string_equal(t2, "time at bob@x/y: ? (UTC), offset ?");
	assert_non_null(strstr(j2, "\"utc\":null,\"tzo\":null}"));
	proto_result_free(r);
	r = proto_result_new(PQ_LAST);
	r->u.last.seconds = 3725;
	r->u.last.status = g_strdup("gone\tfishing");
	t3 = joined(cmd_result_text("bob@x", r));
	j3 = cmd_result_json("bob@x", r, NULL);
	assert_string_equal(t3, "bob@x was last available 1 h 2 min 5 s ago: "
	    "gone fishing");
	assert_non_null(strstr(j3, "\"seconds\":3725,\"status\":"
	    "\"gone\\tfishing\"}"));
	proto_result_free(r);
	r = proto_result_new(PQ_PING);
	r->rtt_us = 2345;
	t4 = joined(cmd_result_text("your server", r));
	j4 = cmd_result_json("your server", r, NULL);
	assert_string_equal(t4, "pong from your server in 2.3 ms");
	assert_string_equal(j4, "{\"query\":\"ping\",\"to\":\"your server\","
	    "\"rtt_ms\":2.345}");
	proto_result_free(r);
}

static void
result_text_json__items__plural_and_null_fields(void **state)
{
	struct proto_result *r = proto_result_new(PQ_DISCO_ITEMS);
	g_autofree char *t = NULL, *j = NULL, *t0 = NULL;

	(void)state;
	t0 = joined(cmd_result_text("x", r));
	assert_string_equal(t0, "disco#items of x (0.0 ms): 0 items\n"
	    "  (no items)");
	g_ptr_array_add(r->u.items, proto_item_new("conf.x", NULL, "Rooms"));
	t = joined(cmd_result_text("x", r));
	j = cmd_result_json("x", r, NULL);
	assert_non_null(strstr(t, ": 1 item\n  conf.x "));
	assert_non_null(strstr(j, "\"items\":[{\"jid\":\"conf.x\","
	    "\"node\":null,\"name\":\"Rooms\"}]"));
	proto_result_free(r);
}

static void
result_json__caps__verified_and_advertised(void **state)
{
	struct proto_result *r = proto_result_new(PQ_CAPS);
	g_autoptr(GPtrArray) adv = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)proto_caps_free);
	g_autofree char *j = NULL, *t = NULL, *a = NULL;

	(void)state;
	r->u.info.caps = proto_caps_new("b@x/y", "sha-1", "n", "V=");
	r->u.info.caps_computed = g_strdup("W=");
	r->u.info.caps_verified = false;
	g_ptr_array_add(adv, proto_caps_new("b@x/y", NULL, "n", "V="));
	j = cmd_result_json("b@x/y", r, adv);
	t = joined(cmd_result_text("b@x/y", r));
	a = joined(cmd_caps_text(adv));
	assert_non_null(strstr(j, "\"caps\":{\"jid\":\"b@x/y\",\"hash\":"
	    "\"sha-1\",\"node\":\"n\",\"ver\":\"V=\"},\"caps_computed\":\"W=\","
	    "\"caps_verified\":false,\"advertised\":[{\"jid\":\"b@x/y\","
	    "\"hash\":null,"));
	assert_non_null(strstr(t, "  capabilities hash W=: MISMATCH"));
	assert_string_equal(a, "b@x/y advertises (legacy) n V=");
	proto_result_free(r);
}

static void
result_error_json__kinds(void **state)
{
	struct proto_error e = { .kind = PROTO_ERR_STANZA, .present = true,
		.condition = (char *)"item-not-found", .type = (char *)"cancel",
		.text = (char *)"no \"such\" node" };
	struct proto_error lost = { .kind = PROTO_ERR_LOST,
		.text = (char *)"closed" };
	g_autofree char *j = cmd_result_error_json("x", PQ_DISCO_INFO, &e);
	g_autofree char *l = cmd_result_error_json("x", PQ_PING, &lost);

	(void)state;
	assert_string_equal(j, "{\"query\":\"disco#info\",\"to\":\"x\","
	    "\"error\":{\"kind\":\"stanza\",\"condition\":\"item-not-found\","
	    "\"type\":\"cancel\",\"text\":\"no \\\"such\\\" node\"}}");
	assert_string_equal(l, "{\"query\":\"ping\",\"to\":\"x\",\"error\":{"
	    "\"kind\":\"connection-lost\",\"condition\":null,\"type\":null,"
	    "\"text\":\"closed\"}}");
}

static void
json_writer__nesting_and_commas(void **state)
{
	GString *j = g_string_new("{");
	g_autofree char *s = NULL;

	(void)state;
	cmd_json_str(j, "a", NULL);
	cmd_json_open(j, "b", '[');
	cmd_json_open(j, NULL, '{');
	cmd_json_raw(j, "n", "1");
	cmd_json_close(j, '}');
	cmd_json_str(j, NULL, "x");
	cmd_json_close(j, ']');
	cmd_json_open(j, "c", '[');
	cmd_json_close(j, ']');
	cmd_json_close(j, '}');
	s = g_string_free(j, FALSE);
	assert_string_equal(s, "{\"a\":null,\"b\":[{\"n\":1},\"x\"],\"c\":[]}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(result_text__disco_info__table_one_line_values),
		cmocka_unit_test(result_json__disco_info__escaped),
		cmocka_unit_test(result_text_json__version_time_last_ping),
		cmocka_unit_test(result_text_json__items__plural_and_null_fields),
		cmocka_unit_test(result_json__caps__verified_and_advertised),
		cmocka_unit_test(result_error_json__kinds),
		cmocka_unit_test(json_writer__nesting_and_commas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
