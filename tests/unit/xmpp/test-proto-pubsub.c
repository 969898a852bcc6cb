/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-pubsub.c: pubsub notifications built from
 * text, parsed into the events natter shows. */
#include <strophe.h>

#include "../helpers/test.h"
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
	xmpp_ctx_free(ctx);
	return 0;
}

static GPtrArray *
parse(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
	GPtrArray *r;

	assert_non_null(st);
	r = proto_pubsub_event_parse(ctx, st);
	xmpp_stanza_release(st);
	return r;
}

static const struct proto_pubsub_event *
at(GPtrArray *a, guint i)
{
	return g_ptr_array_index(a, i);
}

static void
pubsub_parse__items_and_retract(void **state)
{
	g_autoptr(GPtrArray) r = NULL;

	(void)state;
	r = parse("<message from='pubsub.localhost' to='a@localhost' "
	    "type='headline'><event xmlns='http://jabber.org/protocol/"
	    "pubsub#event'><items node='news'><item id='i1'><entry xmlns="
	    "'urn:x'><title>Hi</title></entry></item><retract "
	    "id='i0'/></items></event></message>");
	assert_non_null(r);
	assert_int_equal(r->len, 2);
	assert_string_equal(at(r, 0)->service, "pubsub.localhost");
	assert_string_equal(at(r, 0)->node, "news");
	assert_string_equal(at(r, 0)->action, "published");
	assert_string_equal(at(r, 0)->item_id, "i1");
	assert_non_null(at(r, 0)->payload);
	/* pretty-printed on lines, as the XML console shows it */
	assert_non_null(strstr(at(r, 0)->payload, "<entry xmlns=\"urn:x\">"
	    "\n  <title>"));
	assert_string_equal(at(r, 1)->action, "retracted");
	assert_string_equal(at(r, 1)->item_id, "i0");
	assert_null(at(r, 1)->payload);
}

static void
pubsub_parse__delete_purge_and_empty_item(void **state)
{
	g_autoptr(GPtrArray) r = NULL;

	(void)state;
	r = parse("<message from='me@localhost'><event xmlns='http://jabber."
	    "org/protocol/pubsub#event'><delete node='a'/><purge node='b'/>"
	    "<items node='c'><item id='x'/></items></event></message>");
	assert_non_null(r);
	assert_int_equal(r->len, 3);
	assert_string_equal(at(r, 0)->action, "deleted");
	assert_string_equal(at(r, 0)->node, "a");
	assert_null(at(r, 0)->item_id);
	assert_string_equal(at(r, 1)->action, "purged");
	assert_string_equal(at(r, 2)->action, "published");
	assert_null(at(r, 2)->payload);	/* notification without payload */
}

static void
pubsub_parse__not_an_event(void **state)
{
	g_autoptr(GPtrArray) r = NULL;

	(void)state;
	r = parse("<message from='b@localhost'><body>hi</body><event "
	    "xmlns='urn:other'/></message>");
	assert_null(r);
}

/* Parse a reply to /pubsub items; err filled when NULL. */
static GPtrArray *
parse_items(const char *xml, struct proto_error *err)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
	GPtrArray *r;

	assert_non_null(st);
	memset(err, 0, sizeof(*err));
	r = proto_pubsub_items_parse(ctx, st, err);
	xmpp_stanza_release(st);
	return r;
}

static void
pubsub_items__ids_and_payloads(void **state)
{
	struct proto_error err;
	g_autoptr(GPtrArray) r = NULL;

	(void)state;
	r = parse_items("<iq type='result' from='pubsub.localhost' id='q'>"
	    "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node="
	    "'news'><item id='a'><x xmlns='urn:x'>1</x></item><item id='b'/>"
	    "</items></pubsub></iq>", &err);
	assert_non_null(r);
	assert_int_equal(r->len, 2);
	assert_string_equal(at(r, 0)->action, "item");
	assert_string_equal(at(r, 0)->node, "news");
	assert_string_equal(at(r, 0)->service, "pubsub.localhost");
	assert_string_equal(at(r, 0)->item_id, "a");
	assert_string_equal(at(r, 0)->payload, "<x xmlns=\"urn:x\">1</x>");
	assert_string_equal(at(r, 1)->item_id, "b");
	assert_null(at(r, 1)->payload);
}

static void
pubsub_items__error_and_bad_reply_typed(void **state)
{
	struct proto_error err;
	GPtrArray *r;

	(void)state;
	r = parse_items("<iq type='error' id='q'><error type='cancel'>"
	    "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "</error></iq>", &err);
	assert_null(r);
	assert_int_equal(err.kind, PROTO_ERR_STANZA);
	assert_string_equal(err.condition, "item-not-found");
	assert_string_equal(err.type, "cancel");
	proto_error_clear(&err);
	r = parse_items("<iq type='result' id='q'/>", &err);
	assert_null(r);
	assert_int_equal(err.kind, PROTO_ERR_BAD_REPLY);
	proto_error_clear(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pubsub_parse__items_and_retract),
		cmocka_unit_test(pubsub_parse__delete_purge_and_empty_item),
		cmocka_unit_test(pubsub_parse__not_an_event),
		cmocka_unit_test(pubsub_items__ids_and_payloads),
		cmocka_unit_test(pubsub_items__error_and_bad_reply_typed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
