/* SPDX-License-Identifier: MIT */
/*
 * Message carbons (XEP-0280) switched on at the start of each session,
 * before initial presence: a message sent to our bare JID in between would
 * otherwise reach only our other devices. The copies themselves are parsed
 * in proto-message.c. xmpp layer; never prints.
 *   <iq type='set' id='c1'><enable xmlns='urn:xmpp:carbons:2'/></iq>
 */
#include "core/prefs.h"
#include "proto-internal.h"
#include "util/log.h"

#define NS_CARBONS "urn:xmpp:carbons:2"

/* What runs once carbons are answered. */
struct carbons_wait {
	proto_session_fn	*then;
};

/* The server answered (or the request timed out): the session goes on. */
static void
enabled(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct carbons_wait *w = data;
	proto_session_fn *then = w->then;

	g_free(w);
	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *why = proto_error_describe(pc, reply);

		log_info("%s: carbons not enabled: %s", pc->acc->name, why);
	}
	then(pc);
}

/*
 * XEP-0280 §4: ask the server for carbons, then call then(pc) when it has
 * answered, whatever the answer (at once with chat.carbons off). When the
 * session ends first, then is never called.
 */
void
proto_carbons_enable(struct pconn *pc, proto_session_fn *then)
{
	struct carbons_wait *w;
	xmpp_stanza_t *iq;

	g_return_if_fail(pc != NULL && then != NULL);
	if (!prefs_get_bool("chat.carbons")) {
		then(pc);
		return;
	}
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	proto_new_child(pc->ctx, iq, "enable", NS_CARBONS);
	w = g_new0(struct carbons_wait, 1);
	w->then = then;
	proto_iq_send(pc, iq, NULL, enabled, w, g_free);
	xmpp_stanza_release(iq);
}
