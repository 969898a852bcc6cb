/* SPDX-License-Identifier: MIT */
/* Unit tests of core/xmlcon.c: the XML console's ring, IQ pairing and
 * filters, fed through the real raw events. */
#include "../helpers/test.h"
#include "core/events.h"
#include "core/prefs.h"
#include "core/xmlcon.h"

static void
raw(bool out, const char *xml, gint64 t)
{
	struct ev ev = { .kind = out ? EV_RAW_OUT : EV_RAW_IN,
		.account = "acc", .time = t };

	ev.u.raw.xml = xml;
	ev_emit(&ev);
}

static int
setup(void **state)
{
	xmlcon_init();
	return 0;
}

static int
teardown(void **state)
{
	xmlcon_free();
	prefs_free();
	return 0;
}

static void
xmlcon_pair__iq_reply__rtt_and_error(void **state)
{
	const struct xmlcon_entry *req, *rep, *req2, *err;
	g_autofree char *h = NULL;

	raw(true, "<iq type='get' id='q1' to='example.org'><ping "
	    "xmlns='urn:xmpp:ping'/></iq>", 1000000);
	raw(false, "<message from='x@y'><body>noise</body></message>", 1001000);
	raw(false, "<iq type='result' id='q1' from='example.org'/>", 1004500);
	raw(true, "<iq type='set' id='q2'><query xmlns='jabber:iq:roster'/>"
	    "</iq>", 2000000);
	raw(false, "<iq type='error' id='q2'><error type='cancel'>"
	    "<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "</error></iq>", 2010000);
	req = xmlcon_nth(0);
	rep = xmlcon_nth(2);
	assert_int_equal(req->pair, rep->seq);
	assert_int_equal(rep->pair, req->seq);
	assert_int_equal(rep->rtt, 4500);
	assert_false(rep->error);
	assert_int_equal(xmlcon_nth(1)->pair, 0);
	req2 = xmlcon_nth(3);
	err = xmlcon_nth(4);
	assert_int_equal(err->pair, req2->seq);
	assert_true(err->error);
	h = xmlcon_entry_header(err);
	assert_non_null(strstr(h, "ERROR reply"));
	assert_non_null(strstr(h, "10.0 ms"));
}

static void
xmlcon_pair__same_id_other_direction__not_paired(void **state)
{
	/* Our reply to their request does not pair with our own request. */
	raw(false, "<iq type='get' id='z' from='a@b/c'/>", 10);
	raw(false, "<iq type='result' id='z' from='a@b/c'/>", 20);
	assert_int_equal(xmlcon_nth(1)->pair, 0);
	raw(true, "<iq type='result' id='z' to='a@b/c'/>", 30);
	assert_int_equal(xmlcon_nth(2)->pair, xmlcon_nth(0)->seq);
}

static void
xmlcon_add__classifies__acks_by_name_and_ns(void **state)
{
	raw(false, "<r xmlns='urn:xmpp:sm:3'/>", 1);
	raw(true, "<a xmlns='urn:xmpp:sm:3' h='4'/>", 2);
	raw(true, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
	    "mechanism='PLAIN'>[redacted]</auth>", 3);
	raw(false, "<a href='x'/>", 4);
	assert_true(xmlcon_nth(0)->ack);
	assert_true(xmlcon_nth(1)->ack);
	assert_false(xmlcon_nth(2)->ack);	/* not hidden with acks */
	assert_false(xmlcon_nth(3)->ack);
	assert_int_equal(xmlcon_nth(2)->kind, XMLCON_STREAM);
	assert_false(xmlcon_visible(xmlcon_nth(0)));
	assert_true(xmlcon_visible(xmlcon_nth(2)));
	assert_true(prefs_set("xmlconsole.hide_acks", "off", NULL));
	assert_true(xmlcon_visible(xmlcon_nth(0)));
}

static bool
match(const char *terms, bool out, const char *xml)
{
	struct xmlcon_filter f = { 0 };
	g_auto(GStrv) argv = g_strsplit(terms, " ", -1);
	const struct xmlcon_entry *e;
	bool r;

	assert_true(xmlcon_filter_parse(argv, &f, NULL));
	raw(out, xml, 5);
	e = xmlcon_get(xmlcon_last_seq());
	r = xmlcon_match(&f, true, e);
	xmlcon_filter_clear(&f);
	return r;
}

static void
xmlcon_match__combined_terms__table(void **state)
{
	const char *msg = "<message from='bob@ex.org/phone' id='m1'><body>"
	    "Hello World</body><active xmlns='http://jabber.org/protocol/"
	    "chatstates'/></message>";

	assert_true(match("message", false, msg));
	assert_false(match("iq", false, msg));
	assert_true(match("iq presence message", false, msg));
	assert_true(match("in", false, msg));
	assert_false(match("out", false, msg));
	assert_true(match("jid:bob@ex.org", false, msg));
	assert_true(match("jid:bob@ex.org/phone", false, msg));
	assert_false(match("jid:bob@ex.org/laptop", false, msg));
	assert_false(match("jid:alice@ex.org", false, msg));
	assert_true(match("id:m1", false, msg));
	assert_false(match("id:m", false, msg));
	assert_true(match("text:hello", false, msg));
	assert_false(match("text:goodbye", false, msg));
	assert_true(match("ns:http://jabber.org/protocol/chatstates", false,
	    msg));
	assert_false(match("ns:jabber:x:data", false, msg));
	assert_true(match("message in jid:bob@ex.org text:world", false, msg));
	assert_false(match("message in jid:bob@ex.org text:world id:m2", false,
	    msg));
	assert_true(match("stream", true, "<stream:features/>"));
	assert_true(match("all", true, "<stream:features/>"));
}

static void
xmlcon_filter_parse__bad_term__error_keeps_old(void **state)
{
	struct xmlcon_filter f = { 0 };
	g_auto(GStrv) good = g_strsplit("iq out id:7", " ", -1);
	g_auto(GStrv) bad = g_strsplit("iq sideways", " ", -1);
	g_autofree char *d = NULL;
	GError *err = NULL;

	assert_true(xmlcon_filter_parse(good, &f, NULL));
	assert_false(xmlcon_filter_parse(bad, &f, &err));
	assert_non_null(strstr(err->message, "sideways"));
	g_clear_error(&err);
	d = xmlcon_filter_describe(&f);
	assert_string_equal(d, "iq out id:7");
	xmlcon_filter_clear(&f);
}

static void
xmlcon_ring__bounded__oldest_dropped_seq_lookup(void **state)
{
	GString *big = g_string_new("<message><body>");
	guint64 first;
	guint32 r = 1;
	int i;


	assert_true(prefs_set("xmlconsole.buffer", "64", NULL));
	for (i = 0; i < 500; i++) {	/* text that hardly deflates */
		int k;

		g_string_truncate(big, strlen("<message><body>"));
		for (k = 0; k < 1000; k++) {
			r = r * 1103515245u + 12345u;
			g_string_append_c(big, "abcdefghijklmnopqrstuvwxyz"
			    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(r >> 16) %
			    62]);
		}
		g_string_append(big, "</body></message>");
		raw(false, big->str, i);
	}
	assert_true(xmlcon_bytes() <= 64 * 1024);
	assert_true(xmlcon_count() < 500);
	first = xmlcon_nth(0)->seq;
	assert_int_equal(xmlcon_last_seq() - first + 1, xmlcon_count());
	assert_null(xmlcon_get(first - 1));
	assert_int_equal(xmlcon_get(first + 3)->seq, first + 3);
	/* One stanza bigger than a quarter of the ring is cut. */
	g_string_set_size(big, 0);
	for (i = 0; i < 100000; i++)
		g_string_append_c(big, 'y');
	raw(false, big->str, 1);
	assert_true(strlen(xmlcon_entry_xml(xmlcon_get(xmlcon_last_seq()))) <
	    20000);
	assert_non_null(strstr(xmlcon_entry_xml(xmlcon_get(xmlcon_last_seq())),
	    "more bytes not kept"));
	g_string_free(big, TRUE);
}

static void
xmlcon_pause__hides_newer_until_resume(void **state)
{
	raw(false, "<presence/>", 1);
	xmlcon_pause(true);
	raw(false, "<presence type='unavailable'/>", 2);
	assert_true(xmlcon_visible(xmlcon_nth(0)));
	assert_false(xmlcon_visible(xmlcon_nth(1)));
	xmlcon_pause(false);
	assert_true(xmlcon_visible(xmlcon_nth(1)));
}
static void
xmlcon_entry_explanation__errors_only_with_context(void **state)
{
	g_autofree char *st = NULL, *room = NULL, *none = NULL, *fake = NULL;

	raw(false, "<stream:error><system-shutdown "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>", 1);
	raw(false, "<presence type='error' from='r@muc.example/me'><error "
	    "type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:"
	    "xmpp-stanzas'/></error></presence>", 2);
	raw(false, "<iq type='result' id='z'/>", 3);
	/* an error's name in a message body is not an error */
	raw(false, "<message><body>&lt;stream:error&gt;</body></message>", 4);
	st = xmlcon_entry_explanation(xmlcon_nth(0));
	assert_string_equal(st, "\u2192 system-shutdown: the server is "
	    "shutting down");
	room = xmlcon_entry_explanation(xmlcon_nth(1));
	assert_non_null(strstr(room, "\u2192 conflict: the name or resource "
	    "is already in use; likely cause: someone in the room"));
	none = xmlcon_entry_explanation(xmlcon_nth(2));
	assert_null(none);
	fake = xmlcon_entry_explanation(xmlcon_nth(3));
	assert_null(fake);
}

/* Both forms kept; the view picks one; the text filter sees both. */
static void
xmlcon_view__raw_default_parsed_on_request(void **state)
{
	struct ev ev = { .kind = EV_RAW_IN, .account = "acc", .time = 5 };
	struct xmlcon_filter f = { 0 };
	const struct xmlcon_entry *e;

	ev.u.raw.xml = "<features xmlns=\"http://etherx.jabber.org/streams\"/>";
	ev.u.raw.raw = "<stream:features/>";
	ev_emit(&ev);
	raw(false, "<presence/>", 6);
	e = xmlcon_nth(0);
	assert_string_equal(xmlcon_entry_raw(e), "<stream:features/>");
	assert_true(xmlcon_view_raw());
	assert_string_equal(xmlcon_entry_shown(e), "<stream:features/>");
	assert_string_equal(xmlcon_entry_shown(xmlcon_nth(1)), "<presence/>");
	assert_null(xmlcon_entry_raw(xmlcon_nth(1)));
	f.text = (char *)"stream:features";
	assert_true(xmlcon_match(&f, false, e));
	f.text = (char *)"etherx";
	assert_true(xmlcon_match(&f, false, e));
	xmlcon_set_view_raw(false);
	assert_false(xmlcon_view_raw());
	assert_string_equal(xmlcon_entry_shown(e), ev.u.raw.xml);
	xmlcon_set_view_raw(true);
	assert_string_equal(xmlcon_entry_shown(e), "<stream:features/>");
}

/*
 * A burst of similar stanzas: every entry reads back exactly, in order,
 * across deflated blocks and the open one, in either direction, and the
 * text takes a fraction of its raw bytes.
 */
static void
xmlcon_ring__deflated_blocks__text_exact_and_compact(void **state)
{
	size_t raw_bytes = 0;
	guint i, n = 5000;

	for (i = 0; i < n; i++) {
		g_autofree char *x = g_strdup_printf("<message from='bob@"
		    "localhost/floor' to='alice@localhost/natter' type='chat' "
		    "id='m%u'><body>message %u</body></message>", i, i);

		raw_bytes += strlen(x);
		raw(false, x, 1000 + i);
	}
	assert_int_equal(xmlcon_count(), n);
	/* 64-byte records; the text deflated well below an eighth. */
	assert_true(xmlcon_bytes() < raw_bytes * 2 / 3);
	assert_true(xmlcon_bytes() - n * sizeof(struct xmlcon_entry) <
	    raw_bytes / 8);
	for (i = 0; i < n; i += (i % 2 == 0 ? 1 : 997)) {
		g_autofree char *want = g_strdup_printf("id='m%u'><body>"
		    "message %u</body>", i, i);

		assert_non_null(strstr(xmlcon_entry_xml(xmlcon_nth(i)), want));
	}
	for (i = n; i-- > 0;) {
		g_autofree char *want = g_strdup_printf("message %u<", i);

		assert_non_null(strstr(xmlcon_entry_xml(xmlcon_nth(i)), want));
		assert_int_equal(xmlcon_nth(i)->kind, XMLCON_MESSAGE);
		assert_string_equal(xmlcon_nth(i)->account, "acc");
	}
	/* Filters on id and jid parse the element when asked. */
	{
		struct xmlcon_filter f = { .id = (char *)"m4321" };

		assert_true(xmlcon_match(&f, false, xmlcon_nth(4321)));
		assert_false(xmlcon_match(&f, false, xmlcon_nth(4320)));
		f.id = NULL;
		f.jid = (char *)"bob@localhost";
		assert_true(xmlcon_match(&f, false, xmlcon_nth(17)));
	}
	xmlcon_clear();
	assert_int_equal(xmlcon_count(), 0);
	assert_int_equal(xmlcon_bytes(), 0);
}

/*
 * The bound counts the records in use and the text, not the array's
 * spare capacity: a long burst keeps tens of thousands of stanzas (an
 * array doubled to 4 MB once emptied the whole ring).
 */
static void
xmlcon_ring__long_burst__bounded_not_emptied(void **state)
{
	guint i, n = 50000;

	for (i = 0; i < n; i++) {
		g_autofree char *x = g_strdup_printf("<message from='bob@"
		    "localhost/floor' type='chat' id='m%u'><body>message %u"
		    "</body></message>", i, i);

		raw(false, x, 1000 + i);
	}
	assert_true(xmlcon_bytes() <= 4096 * 1024);
	assert_true(xmlcon_count() > 40000);
	assert_int_equal(xmlcon_last_seq() - xmlcon_nth(0)->seq + 1,
	    xmlcon_count());
	assert_non_null(strstr(xmlcon_entry_xml(xmlcon_nth(xmlcon_count() -
	    1)), "message 49999<"));
}

/*
 * Entries are stored in chunks that come and go as the ring turns: every
 * entry kept, across many chunk boundaries, is found in order with its
 * own text after the oldest were dropped.
 */
static void
xmlcon_ring__turns_through_chunks__every_entry_in_order(void **state)
{
	guint i, n = 20000, kept;
	guint64 first;

	assert_true(prefs_set("xmlconsole.buffer", "256", NULL));
	for (i = 0; i < n; i++) {
		g_autofree char *x = g_strdup_printf("<message id='m%u'><body>"
		    "%u</body></message>", i, i * 7919u);

		raw(i % 3 == 0, x, i);
	}
	kept = xmlcon_count();
	assert_true(kept > 1024 && kept < n);
	first = xmlcon_nth(0)->seq;
	for (i = 0; i < kept; i++) {
		const struct xmlcon_entry *e = xmlcon_nth(i);
		guint k = n - kept + i;
		g_autofree char *want = g_strdup_printf("<body>%u</body>",
		    k * 7919u);

		assert_int_equal(e->seq, first + i);
		assert_int_equal(e->time, k);
		assert_int_equal(e->out, k % 3 == 0);
		assert_non_null(strstr(xmlcon_entry_xml(e), want));
	}
	assert_null(xmlcon_nth(kept));
	xmlcon_clear();
	assert_int_equal(xmlcon_count(), 0);
	raw(false, "<presence/>", 1);
	assert_int_equal(xmlcon_count(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    xmlcon_ring__turns_through_chunks__every_entry_in_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_ring__long_burst__bounded_not_emptied,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_ring__deflated_blocks__text_exact_and_compact,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_pair__iq_reply__rtt_and_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_pair__same_id_other_direction__not_paired, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_add__classifies__acks_by_name_and_ns, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_match__combined_terms__table, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_filter_parse__bad_term__error_keeps_old, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_ring__bounded__oldest_dropped_seq_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_pause__hides_newer_until_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_entry_explanation__errors_only_with_context, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlcon_view__raw_default_parsed_on_request, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
