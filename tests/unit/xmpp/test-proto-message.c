/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-message.c: incoming messages and carbons
 * (XEP-0280), fed as stanzas built from text; what reaches the user is
 * recorded from the events. */
#include <strophe.h>

#include "../helpers/test.h"
#include <glib/gstdio.h>
#include "core/account.h"
#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "xmpp/proto-internal.h"

static xmpp_ctx_t *ctx;
static char *last_sent;		/* the last stanza sent, as text */
static GPtrArray *bodies;	/* "sent:BODY" or "received:BODY" */
static guint sub;

static void
record(const struct ev *ev, void *data)
{
	if (ev->kind == EV_MSG_RECEIVED || ev->kind == EV_MSG_SENT)
		g_ptr_array_add(bodies, g_strdup_printf("%s:%s",
		    ev->kind == EV_MSG_SENT ? "sent" : "received",
		    ev->u.message.body));
}

static void
capture(struct pconn *pc, xmpp_stanza_t *st)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(xmpp_stanza_to_text(st, &buf, &len), XMPP_EOK);
	g_free(last_sent);
	last_sent = g_strndup(buf, len);
	xmpp_free(pc->ctx, buf);
}

static int
setup(void **state)
{
	struct pconn *pc = g_new0(struct pconn, 1);

	bodies = g_ptr_array_new_with_free_func(g_free);
	ctx = xmpp_ctx_new(NULL, NULL);
	pc->ctx = ctx;
	pc->acc = account_add("t", "me@example.org", NULL);
	pc->acc->bound_jid = g_strdup("me@example.org/natter");
	pc->iqs = proto_iq_table_new();
	sub = ev_subscribe(EV_ANY, record, NULL);
	proto_send_hook = capture;
	*state = pc;
	return 0;
}

static int
teardown(void **state)
{
	struct pconn *pc = *state;

	ev_unsubscribe(sub);
	proto_send_hook = NULL;
	g_clear_pointer(&pc->iqs, g_hash_table_unref);
	g_clear_pointer(&last_sent, g_free);
	g_free(pc);
	accounts_free();
	prefs_free();
	xmpp_ctx_free(ctx);
	g_ptr_array_unref(bodies);
	return 0;
}

/* Feed one <message/> given as text to the message handler. */
static void
feed(struct pconn *pc, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	assert_non_null(st);
	assert_int_equal(proto_message_in(NULL, st, pc), 1);
	xmpp_stanza_release(st);
}

#define CARBON(dir, inner) "<message from='me@example.org' " \
	"to='me@example.org/natter'><" dir " xmlns='urn:xmpp:carbons:2'>" \
	"<forwarded xmlns='urn:xmpp:forward:0'>" inner "</forwarded></" dir \
	"></message>"

static void
carbon__sent__shown_only_when_inner_from_is_us(void **state)
{
	static const struct { const char *description, *xml; bool shown; }
	cases[] = {
		{ "from another of our resources", CARBON("sent", "<message "
		  "from='me@example.org/phone' to='bob@example.org' type='chat'>"
		  "<body>b1</body></message>"), true },
		{ "from someone else", CARBON("sent", "<message from='eve@evil."
		  "org/x' to='bob@example.org' type='chat'><body>b2</body>"
		  "</message>"), false },
		{ "without a from", CARBON("sent", "<message to='bob@example."
		  "org' type='chat'><body>b3</body></message>"), false },
		{ "from our domain", CARBON("sent", "<message from='example.org'"
		  " to='bob@example.org' type='chat'><body>b4</body>"
		  "</message>"), false },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *want = NULL;

		g_ptr_array_set_size(bodies, 0);
		feed(*state, cases[i].xml);
		want = g_strdup_printf("sent:b%zu", i + 1);
		if (cases[i].shown && (bodies->len != 1 || strcmp(
		    g_ptr_array_index(bodies, 0), want) != 0))
			fail_msg("%s: not shown as ours", cases[i].description);
		if (!cases[i].shown && bodies->len != 0)
			fail_msg("%s: shown (%s)", cases[i].description,
			    (char *)g_ptr_array_index(bodies, 0));
	}
}

static void
carbon__received__shown_only_when_inner_to_is_us(void **state)
{
	static const struct { const char *description, *xml; bool shown; }
	cases[] = {
		{ "to another of our resources", CARBON("received", "<message "
		  "from='bob@example.org/x' to='me@example.org/phone' type="
		  "'chat'><body>r1</body></message>"), true },
		{ "to our bare JID", CARBON("received", "<message from='bob@"
		  "example.org/x' to='me@example.org' type='chat'><body>r2"
		  "</body></message>"), true },
		{ "to someone else", CARBON("received", "<message from='bob@"
		  "example.org/x' to='eve@evil.org' type='chat'><body>r3</body>"
		  "</message>"), false },
		{ "without a to", CARBON("received", "<message from='bob@"
		  "example.org/x' type='chat'><body>r4</body></message>"),
		  false },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *want = NULL;

		g_ptr_array_set_size(bodies, 0);
		feed(*state, cases[i].xml);
		want = g_strdup_printf("received:r%zu", i + 1);
		if (cases[i].shown && (bodies->len != 1 || strcmp(
		    g_ptr_array_index(bodies, 0), want) != 0))
			fail_msg("%s: not shown", cases[i].description);
		if (!cases[i].shown && bodies->len != 0)
			fail_msg("%s: shown (%s)", cases[i].description,
			    (char *)g_ptr_array_index(bodies, 0));
	}
}

static void
carbon__wrapper_not_from_us__ignored(void **state)
{
	g_ptr_array_set_size(bodies, 0);
	feed(*state, "<message from='bob@example.org/x' to='me@example.org/"
	    "natter'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:"
	    "xmpp:forward:0'><message from='me@example.org/phone' to='eve@"
	    "example.org' type='chat'><body>forged</body></message>"
	    "</forwarded></sent></message>");
	assert_int_equal(bodies->len, 0);
}

#define RESULT(from, qid, inner) "<message " from " to='me@example.org/" \
	"natter'><result xmlns='urn:xmpp:mam:2' queryid='" qid "' id='A1'>" \
	"<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' " \
	"stamp='2020-01-02T03:04:05Z'/>" inner "</forwarded></result></message>"
#define IN(body) "<message from='bob@example.org/x' to='me@example.org' " \
	"type='chat'><body>" body "</body></message>"

/* fmt with each QID replaced by qid (a new string). */
static char *
with_qid(const char *fmt, const char *qid)
{
	g_auto(GStrv) parts = g_strsplit(fmt, "QID", -1);

	return g_strjoinv(qid, parts);
}

/* The query id of the archive query natter sent. */
static char *
sent_queryid(void)
{
	const char *q;

	assert_non_null(last_sent);
	assert_non_null(strstr(last_sent, "urn:xmpp:mam:2"));
	q = strstr(last_sent, "queryid=\"");
	assert_non_null(q);
	q += strlen("queryid=\"");
	return g_strndup(q, strcspn(q, "\""));
}

static void
mam_result__only_our_archive_with_our_query_id(void **state)
{
	struct pconn *pc = *state;
	g_autofree char *qid = NULL;
	char *xml;
	size_t i;
	struct { const char *description, *fmt; bool shown; } cases[] = {
		{ "from our bare JID", RESULT("from='me@example.org'", "QID",
		  IN("a1")), true },
		{ "without a from", RESULT("", "QID", IN("a2")), true },
		{ "from a contact", RESULT("from='bob@example.org'", "QID",
		  IN("a3")), false },
		{ "from one of our resources", RESULT("from='me@example.org/x'",
		  "QID", IN("a4")), false },
		{ "with another query id", RESULT("", "not-QID", IN("a5")),
		  false },
		{ "of a message not to us", RESULT("", "QID", "<message from='"
		  "bob@example.org/x' to='eve@evil.org' type='chat'><body>a6"
		  "</body></message>"), false },
		{ "of a message not from us", RESULT("", "QID", "<message from='"
		  "eve@evil.org/x' to='bob@example.org' type='chat'><body>a7"
		  "</body></message>"), false },
	};

	proto_mam_catch_up(pc, NULL);
	qid = sent_queryid();
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_ptr_array_set_size(bodies, 0);
		xml = with_qid(cases[i].fmt, qid);
		feed(pc, xml);
		g_free(xml);
		if (cases[i].shown != (bodies->len == 1))
			fail_msg("%s: %s", cases[i].description,
			    cases[i].shown ? "not shown" : "shown");
	}
	g_hash_table_remove_all(pc->iqs);	/* the query ends */
	g_ptr_array_set_size(bodies, 0);
	xml = with_qid(RESULT("", "QID", IN("late")), qid);
	feed(pc, xml);
	g_free(xml);
	assert_int_equal(bodies->len, 0);
}

#define LIVE(sid, body) "<message from='bob@example.org/x' to='me@" \
	"example.org/natter' type='chat'><body>" body "</body><stanza-id " \
	"xmlns='urn:xmpp:sid:0' by='me@example.org' id='" sid "'/></message>"

static void
mam_heard__live_id_recorded_only_outside_a_catch_up(void **state)
{
	struct pconn *pc = *state;
	g_autofree char *dir = g_dir_make_tmp("natter-msg-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "h.db", NULL);
	g_autofree char *lerr = NULL;
	char *id;

	assert_true(loop_init(&lerr));
	assert_true(history_open(path, NULL));
	feed(pc, LIVE("L1", "first"));
	id = history_cursor("t", "me@example.org", NULL);
	assert_string_equal(id, "L1");
	g_free(id);
	proto_mam_catch_up(pc, NULL);	/* from L1, under way */
	feed(pc, LIVE("L2", "during"));
	id = history_cursor("t", "me@example.org", NULL);
	assert_string_equal(id, "L1");	/* what came before may be missing */
	g_free(id);
	g_hash_table_remove_all(pc->iqs);	/* the session ends */
	feed(pc, LIVE("L3", "after"));
	id = history_cursor("t", "me@example.org", NULL);
	assert_string_equal(id, "L3");
	g_free(id);
	feed(pc, LIVE("L2", "during"));		/* stored already */
	assert_int_equal(bodies->len, 3);
	history_close();
	(void)g_unlink(path);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);
	g_autofree char *lock = g_strconcat(path, ".lock", NULL);
	(void)g_unlink(wal);
	(void)g_unlink(shm);
	(void)g_unlink(lock);
	(void)g_rmdir(dir);
	loop_free();
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(carbon__sent__shown_only_when_inner_from_is_us),
		T(carbon__received__shown_only_when_inner_to_is_us),
		T(carbon__wrapper_not_from_us__ignored),
		T(mam_result__only_our_archive_with_our_query_id),
		T(mam_heard__live_id_recorded_only_outside_a_catch_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
