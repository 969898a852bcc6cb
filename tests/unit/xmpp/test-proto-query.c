/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-query.c: replies built from text, parsed into
 * the typed answers and errors the query commands render. */
#include <strophe.h>

#include "../helpers/test.h"
#include "core/prefs.h"
#include "xmpp/proto-internal.h"

static xmpp_ctx_t *ctx;

static int
setup(void **state)
{
	(void)state;
	ctx = xmpp_ctx_new(NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	prefs_free();
	xmpp_ctx_free(ctx);
	return 0;
}

/* Parse reply xml as an answer to kind; err is filled when NULL. */
static struct proto_result *
parse(enum proto_query kind, const char *xml, const struct proto_caps *caps,
    struct proto_error *err)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
	struct proto_result *r;

	assert_non_null(st);
	memset(err, 0, sizeof(*err));
	r = proto_query_parse(ctx, kind, st, caps, err);
	xmpp_stanza_release(st);
	return r;
}

static void
query_parse__disco_info__identities_features_forms(void **state)
{
	struct proto_error err;
	struct proto_result *r;
	const struct proto_identity *id;
	const struct proto_form *form;
	const struct proto_field *f;

	(void)state;
	r = parse(PQ_DISCO_INFO, "<iq type='result' id='q'><query xmlns='"
	    "http://jabber.org/protocol/disco#info'><identity category="
	    "'server' type='im' name='Pro&#9;&quot;sody' xml:lang='en'/>"
	    "<identity category='pubsub' type='pep'/><feature var='urn:"
	    "xmpp:ping'/><feature/><x xmlns='jabber:x:data' type='result'>"
	    "<field var='FORM_TYPE'><value>http://jabber.org/network/"
	    "serverinfo</value></field><field var='admin-addresses'><value>"
	    "mailto:a@example.org</value><value>xmpp:a@example.org</value>"
	    "</field><field><value>no var</value></field></x></query></iq>",
	    NULL, &err);
	assert_non_null(r);
	assert_int_equal(r->kind, PQ_DISCO_INFO);
	assert_int_equal(r->u.info.identities->len, 2);
	id = g_ptr_array_index(r->u.info.identities, 0);
	assert_string_equal(id->category, "server");
	assert_string_equal(id->type, "im");
	assert_string_equal(id->name, "Pro\t\"sody");	/* kept exactly */
	assert_string_equal(id->lang, "en");
	id = g_ptr_array_index(r->u.info.identities, 1);
	assert_null(id->name);
	assert_null(id->lang);
	assert_int_equal(r->u.info.features->len, 1);	/* no var: skipped */
	assert_string_equal(g_ptr_array_index(r->u.info.features, 0),
	    "urn:xmpp:ping");
	assert_int_equal(r->u.info.forms->len, 1);
	form = g_ptr_array_index(r->u.info.forms, 0);
	assert_int_equal(form->fields->len, 2);
	f = g_ptr_array_index(form->fields, 1);
	assert_string_equal(f->var, "admin-addresses");
	assert_int_equal(f->values->len, 2);
	assert_string_equal(g_ptr_array_index(f->values, 1),
	    "xmpp:a@example.org");
	assert_null(r->u.info.caps);
	proto_result_free(r);
}

static void
query_parse__disco_items__jid_node_name(void **state)
{
	struct proto_error err;
	struct proto_result *r;
	const struct proto_item *it;

	(void)state;
	r = parse(PQ_DISCO_ITEMS, "<iq type='result' id='q'><query xmlns='"
	    "http://jabber.org/protocol/disco#items'><item jid='conference."
	    "example.org' name='Rooms'/><item jid='example.org' node='n'/>"
	    "<item name='no jid'/></query></iq>", NULL, &err);
	assert_non_null(r);
	assert_int_equal(r->u.items->len, 2);
	it = g_ptr_array_index(r->u.items, 0);
	assert_string_equal(it->jid, "conference.example.org");
	assert_null(it->node);
	assert_string_equal(it->name, "Rooms");
	it = g_ptr_array_index(r->u.items, 1);
	assert_string_equal(it->node, "n");
	assert_null(it->name);
	proto_result_free(r);
}

static void
query_parse__version_time__absent_is_null(void **state)
{
	struct proto_error err;
	struct proto_result *r;

	(void)state;
	r = parse(PQ_VERSION, "<iq type='result' id='q'><query xmlns='jabber:"
	    "iq:version'><name>Prosody</name><version>0.12.3</version>"
	    "</query></iq>", NULL, &err);
	assert_non_null(r);
	assert_string_equal(r->u.version.name, "Prosody");
	assert_string_equal(r->u.version.version, "0.12.3");
	assert_null(r->u.version.os);
	proto_result_free(r);
	r = parse(PQ_TIME, "<iq type='result' id='q'><time xmlns='urn:xmpp:"
	    "time'><tzo>+01:00</tzo><utc>2026-01-02T03:04:05Z</utc></time>"
	    "</iq>", NULL, &err);
	assert_non_null(r);
	assert_string_equal(r->u.time.tzo, "+01:00");
	assert_string_equal(r->u.time.utc, "2026-01-02T03:04:05Z");
	proto_result_free(r);
	r = parse(PQ_VERSION, "<iq type='result' id='q'/>", NULL, &err);
	assert_non_null(r);		/* an empty answer: nothing told */
	assert_null(r->u.version.name);
	proto_result_free(r);
}

static void
query_parse__last__seconds_or_bad_reply(void **state)
{
	static const char *const bad[] = {
		"<iq type='result' id='q'/>",
		"<iq type='result' id='q'><query xmlns='jabber:iq:last'/></iq>",
		"<iq type='result' id='q'><query xmlns='jabber:iq:last' "
		"seconds='12x'/></iq>",
		"<iq type='result' id='q'><query xmlns='jabber:iq:last' "
		"seconds='-5'/></iq>",
	};
	struct proto_error err;
	struct proto_result *r;
	size_t i;

	(void)state;
	r = parse(PQ_LAST, "<iq type='result' id='q'><query xmlns='jabber:iq:"
	    "last' seconds='903'>Heading home</query></iq>", NULL, &err);
	assert_non_null(r);
	assert_int_equal(r->u.last.seconds, 903);
	assert_string_equal(r->u.last.status, "Heading home");
	proto_result_free(r);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		r = parse(PQ_LAST, bad[i], NULL, &err);
		if (r != NULL)
			fail_msg("case %zu parsed", i);
		assert_int_equal(err.kind, PROTO_ERR_BAD_REPLY);
		assert_non_null(err.text);
		proto_error_clear(&err);
	}
}

static void
query_parse__error_reply__typed(void **state)
{
	struct proto_error err;
	g_autofree char *s = NULL;

	(void)state;
	assert_null(parse(PQ_VERSION, "<iq type='error' id='q'><error type="
	    "'cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:"
	    "xmpp-stanzas'/></error></iq>", NULL, &err));
	assert_int_equal(err.kind, PROTO_ERR_STANZA);
	assert_string_equal(err.condition, "service-unavailable");
	assert_string_equal(err.type, "cancel");
	assert_null(err.text);
	s = proto_error_string(&err);
	assert_string_equal(s, "service-unavailable (cancel)");
	proto_error_clear(&err);
}

static void
query_parse__timeout_reply__kind_timeout(void **state)
{
	struct proto_error err;
	g_autofree char *s = NULL;

	(void)state;
	/* The shape of the reply proto-iq.c makes at a deadline. */
	assert_null(parse(PQ_PING, "<iq type='error' id='q'><error type='wait'>"
	    "<remote-server-timeout xmlns='urn:ietf:params:xml:ns:xmpp-"
	    "stanzas'/><timeout xmlns='urn:natter:iq-timeout'/><text xmlns="
	    "'urn:ietf:params:xml:ns:xmpp-stanzas'>no answer within 30 s "
	    "(request q)</text></error></iq>", NULL, &err));
	assert_int_equal(err.kind, PROTO_ERR_TIMEOUT);
	assert_string_equal(err.condition, "timeout");
	s = proto_error_string(&err);
	assert_string_equal(s, "no answer within 30 s (request q)");
	proto_error_clear(&err);
}

static void
query_parse__caps__verified_or_mismatch(void **state)
{
	static const char *reply = "<iq type='result' id='q'><query xmlns='"
	    "http://jabber.org/protocol/disco#info'><identity category="
	    "'client' type='pc' name='Bot' xml:lang='en'/><feature var='urn:"
	    "xmpp:ping'/>"
	    "<feature var='http://jabber.org/protocol/disco#info'/></query>"
	    "</iq>";
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	g_autoptr(GPtrArray) fs = g_ptr_array_new();
	g_autofree char *ver = NULL;
	struct proto_caps *good, *bad;
	struct proto_error err;
	struct proto_result *r;

	(void)state;
	g_ptr_array_add(ids, (gpointer)"client/pc/en/Bot");
	g_ptr_array_add(fs, (gpointer)"urn:xmpp:ping");
	g_ptr_array_add(fs, (gpointer)"http://jabber.org/protocol/disco#info");
	ver = proto_caps_ver(ids, fs);
	good = proto_caps_new("bob@example.org/x", "sha-1", "n", ver);
	bad = proto_caps_new("bob@example.org/x", "sha-1", "n", "AAAA");
	r = parse(PQ_CAPS, reply, good, &err);
	assert_non_null(r);
	assert_true(r->u.info.caps_verified);
	assert_string_equal(r->u.info.caps->jid, "bob@example.org/x");
	assert_string_equal(r->u.info.caps_computed, ver);
	proto_result_free(r);
	r = parse(PQ_CAPS, reply, bad, &err);
	assert_non_null(r);
	assert_false(r->u.info.caps_verified);
	assert_string_equal(r->u.info.caps->ver, "AAAA");
	proto_result_free(r);
	proto_caps_free(good);
	proto_caps_free(bad);
}

static void
caps_own__identity_features_verified(void **state)
{
	struct proto_result *r = proto_caps_own();
	g_autofree char *ver = proto_disco_caps_ver();
	const struct proto_identity *id;

	(void)state;
	assert_int_equal(r->kind, PQ_CAPS);
	assert_string_equal(r->u.info.caps->ver, ver);
	assert_string_equal(r->u.info.caps->hash, "sha-1");
	assert_true(r->u.info.caps_verified);
	id = g_ptr_array_index(r->u.info.identities, 0);
	assert_string_equal(id->category, "client");
	assert_string_equal(id->type, "console");
	assert_true(g_ptr_array_find_with_equal_func(r->u.info.features,
	    "urn:xmpp:ping", g_str_equal, NULL));
	proto_result_free(r);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(query_parse__disco_info__identities_features_forms),
		T(query_parse__disco_items__jid_node_name),
		T(query_parse__version_time__absent_is_null),
		T(query_parse__last__seconds_or_bad_reply),
		T(query_parse__error_reply__typed),
		T(query_parse__timeout_reply__kind_timeout),
		T(query_parse__caps__verified_or_mismatch),
		T(caps_own__identity_features_verified),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
