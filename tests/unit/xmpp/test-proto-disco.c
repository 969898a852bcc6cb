/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-disco.c: what natter answers about itself,
 * fed with stanzas built from text; answers captured by the send hook. */
#include <strophe.h>

#include "../helpers/test.h"
#include "core/account.h"
#include "core/prefs.h"
#include "core/roster.h"
#include "xmpp/proto-internal.h"

static GPtrArray *sent;
static xmpp_ctx_t *ctx;

static void
capture(struct pconn *pc, xmpp_stanza_t *st)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(xmpp_stanza_to_text(st, &buf, &len), XMPP_EOK);
	g_ptr_array_add(sent, g_strndup(buf, len));
	xmpp_free(pc->ctx, buf);
}

static int
setup(void **state)
{
	struct pconn *pc = g_new0(struct pconn, 1);

	sent = g_ptr_array_new_with_free_func(g_free);
	ctx = xmpp_ctx_new(NULL, NULL);
	pc->ctx = ctx;
	pc->acc = account_add("t", "me@example.org", NULL);
	pc->acc->bound_jid = g_strdup("me@example.org/natter");
	proto_send_hook = capture;
	*state = pc;
	return 0;
}

static int
teardown(void **state)
{
	struct pconn *pc = *state;

	proto_send_hook = NULL;
	g_clear_pointer(&pc->caps, g_hash_table_unref);
	g_free(pc);
	accounts_free();
	prefs_free();
	xmpp_ctx_free(ctx);
	g_ptr_array_unref(sent);
	return 0;
}

/* Answer the stanza given as text; return what was sent (borrowed). */
static const char *
answer(struct pconn *pc, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	assert_non_null(st);
	g_ptr_array_set_size(sent, 0);
	assert_true(proto_disco_answer(pc, st));
	xmpp_stanza_release(st);
	assert_int_equal(sent->len, 1);
	return g_ptr_array_index(sent, 0);
}

static void
disco_info__identity_and_features__to_sender(void **state)
{
	const char *r = answer(*state, "<iq type='get' id='d1' "
	    "from='bob@example.org/x'><query xmlns='http://jabber.org/"
	    "protocol/disco#info'/></iq>");

	assert_non_null(strstr(r, "type=\"result\""));
	assert_non_null(strstr(r, "id=\"d1\""));
	assert_non_null(strstr(r, "to=\"bob@example.org/x\""));
	assert_non_null(strstr(r, "category=\"client\""));
	assert_non_null(strstr(r, "type=\"console\""));
	assert_non_null(strstr(r, "var=\"urn:xmpp:ping\""));
	assert_non_null(strstr(r, "var=\"jabber:iq:version\""));
}

static void
disco_info__feature_follows_pref__receipts(void **state)
{
	g_autofree char *before = proto_disco_caps_ver();
	g_autofree char *after = NULL;
	const char *r;

	assert_true(prefs_set("chat.receipts", "off", NULL));
	r = answer(*state, "<iq type='get' id='d2'><query xmlns='http://"
	    "jabber.org/protocol/disco#info'/></iq>");
	assert_null(strstr(r, "urn:xmpp:receipts"));
	after = proto_disco_caps_ver();
	assert_string_not_equal(before, after);	/* caps change with it */
}

static void
disco_info__caps_node__matches_or_not_found(void **state)
{
	g_autofree char *ver = proto_disco_caps_ver();
	g_autofree char *q = g_strdup_printf("<iq type='get' id='d3'><query "
	    "xmlns='http://jabber.org/protocol/disco#info' node='%s#%s'/></iq>",
	    proto_disco_caps_node(), ver);
	const char *r = answer(*state, q);

	assert_non_null(strstr(r, "type=\"result\""));
	assert_non_null(strstr(r, ver));
	r = answer(*state, "<iq type='get' id='d4'><query xmlns='http://"
	    "jabber.org/protocol/disco#info' node='other#x'/></iq>");
	assert_non_null(strstr(r, "type=\"error\""));
	assert_non_null(strstr(r, "item-not-found"));
}

static void
version__os_only_with_pref(void **state)
{
	const char *r = answer(*state, "<iq type='get' id='v1' from='a@b/c'>"
	    "<query xmlns='jabber:iq:version'/></iq>");

	assert_non_null(strstr(r, "<name>natter</name>"));
	assert_null(strstr(r, "<os>"));
	assert_true(prefs_set("version.os", "on", NULL));
	r = answer(*state, "<iq type='get' id='v2' from='a@b/c'>"
	    "<query xmlns='jabber:iq:version'/></iq>");
	assert_non_null(strstr(r, "<os>"));
}

static void
last__forbidden_to_strangers__told_to_contacts(void **state)
{
	struct pconn *pc = *state;
	const char *r = answer(pc, "<iq type='get' id='l1' from='eve@evil.org/"
	    "x'><query xmlns='jabber:iq:last'/></iq>");
	const char *const none[] = { NULL };

	assert_non_null(strstr(r, "forbidden"));
	roster_update(pc->acc->roster, "t", "bob@example.org", NULL, "from",
	    none);
	r = answer(pc, "<iq type='get' id='l2' from='bob@example.org/x'>"
	    "<query xmlns='jabber:iq:last'/></iq>");
	assert_non_null(strstr(r, "seconds=\""));
	r = answer(pc, "<iq type='get' id='l3'><query xmlns='jabber:iq:last'/>"
	    "</iq>");		/* our server */
	assert_non_null(strstr(r, "seconds=\""));
}

static void
time__tzo_and_utc(void **state)
{
	const char *r = answer(*state, "<iq type='get' id='t1' from='a@b/c'>"
	    "<time xmlns='urn:xmpp:time'/></iq>");

	assert_non_null(strstr(r, "<tzo>"));
	assert_non_null(strstr(r, "Z</utc>"));
}

static void
answer__not_ours__false(void **state)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, "<iq type='get' "
	    "id='x'><query xmlns='urn:example'/></iq>");

	g_ptr_array_set_size(sent, 0);
	assert_false(proto_disco_answer(*state, st));
	assert_int_equal(sent->len, 0);
	xmpp_stanza_release(st);
}

static void
note_caps__kept_forgotten_not_for_occupants(void **state)
{
	struct pconn *pc = *state;
	const char *p1 = "<presence from='bob@example.org/x'><c xmlns='http://"
	    "jabber.org/protocol/caps' hash='sha-1' node='n' ver='v='/>"
	    "</presence>";
	const char *p2 = "<presence from='room@conf.example.org/nick'><x "
	    "xmlns='http://jabber.org/protocol/muc#user'/><c xmlns='http://"
	    "jabber.org/protocol/caps' hash='sha-1' node='n' ver='v='/>"
	    "</presence>";
	const char *p3 = "<presence from='bob@example.org/x' "
	    "type='unavailable'/>";
	xmpp_stanza_t *st;
	g_autoptr(GPtrArray) recs = NULL;
	const struct proto_caps *c;

	st = xmpp_stanza_new_from_string(ctx, p1);
	proto_disco_note_caps(pc, st);
	xmpp_stanza_release(st);
	st = xmpp_stanza_new_from_string(ctx, p2);
	proto_disco_note_caps(pc, st);
	xmpp_stanza_release(st);
	assert_int_equal(g_hash_table_size(pc->caps), 1);
	pc->acc->proto = pc;
	recs = proto_caps_of(pc->acc, "bob@example.org");
	assert_int_equal(recs->len, 1);
	c = g_ptr_array_index(recs, 0);
	assert_string_equal(c->jid, "bob@example.org/x");
	assert_string_equal(c->hash, "sha-1");
	assert_string_equal(c->node, "n");
	assert_string_equal(c->ver, "v=");
	st = xmpp_stanza_new_from_string(ctx, p3);
	proto_disco_note_caps(pc, st);
	xmpp_stanza_release(st);
	assert_int_equal(g_hash_table_size(pc->caps), 0);
	pc->acc->proto = NULL;
}

static void
error_describe__condition_type_text(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "<iq type='error' id='e'><error type='cancel'><item-not-found "
		  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns="
		  "'urn:ietf:params:xml:ns:xmpp-stanzas'>no such node</text>"
		  "</error></iq>", "item-not-found (cancel): no such node" },
		{ "<iq type='error' id='e'><error type='auth'><text xmlns="
		  "'urn:ietf:params:xml:ns:xmpp-stanzas'>go away</text><forbidden "
		  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><x xmlns='urn:"
		  "app'/></error></iq>", "forbidden (auth): go away" },
		{ "<iq type='error' id='e'><error><bogus xmlns='urn:app'/>"
		  "</error></iq>", "undefined-condition" },
		{ "<iq type='error' id='e'/>", "an error without details" },
		{ "<iq type='error' id='e'><error type='wait'><text xmlns="
		  "'urn:ietf:params:xml:ns:xmpp-stanzas'>a\tb\nc</text>"
		  "<resource-constraint xmlns='urn:ietf:params:xml:ns:"
		  "xmpp-stanzas'/></error></iq>",
		  "resource-constraint (wait): a b c" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx,
		    cases[i].in);
		g_autofree char *got = proto_error_describe(*state, st);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got,
			    cases[i].want);
		xmpp_stanza_release(st);
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(disco_info__identity_and_features__to_sender),
		T(disco_info__feature_follows_pref__receipts),
		T(disco_info__caps_node__matches_or_not_found),
		T(version__os_only_with_pref),
		T(last__forbidden_to_strangers__told_to_contacts),
		T(time__tzo_and_utc),
		T(answer__not_ours__false),
		T(note_caps__kept_forgotten_not_for_occupants),
		T(error_describe__condition_type_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
