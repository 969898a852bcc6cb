/* SPDX-License-Identifier: MIT */
/*
 * The outbox's transport (core/outbox.h): whether a message can go now,
 * the <message/> stanza it becomes (chat or groupchat, always with its
 * origin-id, XEP-0359), and the round trip that confirms what was sent
 * before it: a ping to our own server (XEP-0199), whose answer, result or
 * error, proves the server processed the stream up to it.
 *   <message type='chat' to='bob@x' id='U'><body>hi</body>
 *     <origin-id xmlns='urn:xmpp:sid:0' id='U'/></message>
 * xmpp layer.
 */
#include <string.h>

#include "core/account.h"
#include "core/outbox.h"
#include "core/prefs.h"
#include "core/room.h"
#include "proto-internal.h"
#include "proto-resend.h"
#include "util/errors.h"

#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_STATES "http://jabber.org/protocol/chatstates"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_SID "urn:xmpp:sid:0"
#define NS_PING "urn:xmpp:ping"

static struct pconn *
pconn_of(const char *account)
{
	struct account *acc = account_find(account);
	struct pconn *pc = acc != NULL ? acc->proto : NULL;

	return pc != NULL && pc->online ? pc : NULL;
}

/* Online, and for a room message in the room. */
static bool
send_ready(const struct msg *m)
{
	struct room *r;

	if (pconn_of(m->account) == NULL)
		return false;
	if (!msg_is_room(m))
		return true;
	r = room_find(m->account, m->peer);
	return r != NULL && r->joined;
}

static void
add_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
    const char *ns, const char *attr, const char *value)
{
	xmpp_stanza_t *c = proto_new_child(ctx, parent, name, ns);

	if (attr != NULL)
		xmpp_stanza_set_attribute(c, attr, value);
}

/* The stanza of a one-to-one message. */
static xmpp_stanza_t *
chat_stanza(struct pconn *pc, const struct msg *m)
{
	g_autofree char *to = m->resource != NULL &&
	    prefs_get_bool("chat.resource_lock") ?
	    g_strdup_printf("%s/%s", m->peer, m->resource) : g_strdup(m->peer);
	xmpp_stanza_t *st = xmpp_message_new(pc->ctx, "chat", to, m->id);

	xmpp_message_set_body(st, m->wire_body != NULL ? m->wire_body :
	    m->body);
	add_child(pc->ctx, st, "origin-id", NS_SID, "id", m->origin_id);
	if (m->encryption != NULL)
		proto_otr_hints(pc->ctx, st);
	if (prefs_get_bool("chat.receipts"))
		add_child(pc->ctx, st, "request", NS_RECEIPTS, NULL, NULL);
	if (m->corrects != NULL)
		add_child(pc->ctx, st, "replace", NS_CORRECT, "id",
		    m->corrects);
	if (prefs_get_bool("chat.states"))
		add_child(pc->ctx, st, "active", NS_STATES, NULL, NULL);
	return st;
}

/* Put m on the wire. */
static bool
send_msg(const struct msg *m, GError **error)
{
	struct pconn *pc = pconn_of(m->account);
	xmpp_stanza_t *st;

	if (pc == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' is "
		    "not connected", m->account);
		return false;
	}
	if (msg_is_room(m)) {
		st = xmpp_message_new(pc->ctx, "groupchat", m->peer, m->id);
		xmpp_message_set_body(st, m->body);
		add_child(pc->ctx, st, "origin-id", NS_SID, "id",
		    m->origin_id);
	} else {
		st = chat_stanza(pc, m);
	}
	proto_send(pc, st);
	xmpp_stanza_release(st);
	return true;
}

static void round_trip(const char *account, guint64 token);

/*
 * The ping's answer: any answer but our own timeout confirms. After a
 * timeout on a session still up, ask again (once per iq.timeout): a slow
 * server is not a lost message. A new session resends instead.
 */
static void
round_trip_reply(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	guint64 *token = data;

	if (!proto_iq_timed_out(reply))
		outbox_round_trip_done(pc->acc->name, *token);
	else if (pc->online && outbox_unconfirmed(pc->acc->name) > 0)
		round_trip(pc->acc->name, *token);
	g_free(token);
}

static void
round_trip(const char *account, guint64 token)
{
	struct pconn *pc = pconn_of(account);
	xmpp_stanza_t *iq;

	if (pc == NULL)
		return;
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	(void)proto_new_child(pc->ctx, iq, "ping", NS_PING);
	proto_iq_send(pc, iq, NULL, round_trip_reply,
	    g_memdup2(&token, sizeof token), g_free);
	xmpp_stanza_release(iq);
}

static const struct outbox_transport transport = {
	.ready = send_ready,
	.send = send_msg,
	.round_trip = round_trip,
	.lookup = proto_resend_lookup,
};

/* Register the outbox transport with the core. */
void
proto_send_init(void)
{
	outbox_set_transport(&transport);
}
