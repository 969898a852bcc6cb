/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-message.c: incoming messages and carbons
 * (XEP-0280), fed as stanzas built from text; what reaches the user is
 * recorded from the events. */
#include <strophe.h>

#include "../helpers/test.h"
#include "core/account.h"
#include "core/events.h"
#include "core/prefs.h"
#include "xmpp/proto-internal.h"

static xmpp_ctx_t *ctx;
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

static int
setup(void **state)
{
	struct pconn *pc = g_new0(struct pconn, 1);

	bodies = g_ptr_array_new_with_free_func(g_free);
	ctx = xmpp_ctx_new(NULL, NULL);
	pc->ctx = ctx;
	pc->acc = account_add("t", "me@example.org", NULL);
	pc->acc->bound_jid = g_strdup("me@example.org/natter");
	sub = ev_subscribe(EV_ANY, record, NULL);
	*state = pc;
	return 0;
}

static int
teardown(void **state)
{
	struct pconn *pc = *state;

	ev_unsubscribe(sub);
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

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(carbon__sent__shown_only_when_inner_from_is_us),
		T(carbon__received__shown_only_when_inner_to_is_us),
		T(carbon__wrapper_not_from_us__ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
