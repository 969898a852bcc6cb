/* SPDX-License-Identifier: MIT */
/*
 * One-to-one messages (RFC 6121 §5) and what rides on them: carbons
 * (XEP-0280, accepted only from our own bare JID), delayed delivery
 * (XEP-0203), receipts (XEP-0184), chat states (XEP-0085), corrections
 * (XEP-0308), origin-id/stanza-id (XEP-0359). Parse -> struct msg ->
 * pipeline; never prints.
 *   <message from='bob@x/phone' type='chat' id='a1'><body>hi</body>
 *     <request xmlns='urn:xmpp:receipts'/></message>
 */
#include <string.h>

#include "core/account.h"
#include "core/events.h"
#include "core/msg.h"
#include "core/prefs.h"
#include "core/room.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/trace.h"

#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_DELAY "urn:xmpp:delay"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_STATES "http://jabber.org/protocol/chatstates"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_SID "urn:xmpp:sid:0"

static const char *const chat_states[] = { "active", "composing", "paused",
	"inactive", "gone", NULL };

static const char *
own_jid(struct pconn *pc)
{
	return pc->acc->bound_jid != NULL ? pc->acc->bound_jid :
	    account_get(pc->acc, "jid");
}

/* XEP-0203 stamp, or 0. */
static gint64
delay_of(xmpp_stanza_t *st)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(st, NS_DELAY);
	const char *stamp = d != NULL ? xmpp_stanza_get_attribute(d, "stamp") :
	    NULL;
	g_autoptr(GDateTime) t = NULL;

	if (stamp == NULL)
		return 0;
	t = g_date_time_new_from_iso8601(stamp, NULL);
	return t != NULL ? g_date_time_to_unix(t) * G_USEC_PER_SEC +
	    g_date_time_get_microsecond(t) : 0;
}

static void
emit_receipt(struct pconn *pc, const char *from, const char *id)
{
	struct ev ev = { .kind = EV_RECEIPT, .account = pc->acc->name };

	ev.u.receipt.from = from;
	ev.u.receipt.id = id;
	ev_emit(&ev);
}

static void
emit_chat_state(struct pconn *pc, const char *from, const char *state)
{
	struct ev ev = { .kind = EV_CHAT_STATE, .account = pc->acc->name };

	ev.u.chat_state.from = from;
	ev.u.chat_state.state = state;
	ev_emit(&ev);
}

static void
send_receipt(struct pconn *pc, const char *to, const char *id)
{
	xmpp_stanza_t *m = xmpp_message_new(pc->ctx, NULL, to, NULL);
	xmpp_stanza_t *r = xmpp_stanza_new(pc->ctx);
	char *mid = xmpp_uuid_gen(pc->ctx);

	xmpp_stanza_set_id(m, mid);
	xmpp_free(pc->ctx, mid);
	xmpp_stanza_set_name(r, "received");
	xmpp_stanza_set_ns(r, NS_RECEIPTS);
	xmpp_stanza_set_attribute(r, "id", id);
	xmpp_stanza_add_child(m, r);
	xmpp_stanza_release(r);
	proto_send(pc, m);
	xmpp_stanza_release(m);
}

static void
chat_state_of(struct pconn *pc, xmpp_stanza_t *st, const char *from)
{
	size_t i;

	if (!prefs_get_bool("chat.states"))
		return;
	for (i = 0; chat_states[i] != NULL; i++) {
		xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st,
		    chat_states[i]);

		if (c != NULL && g_strcmp0(xmpp_stanza_get_ns(c), NS_STATES) == 0) {
			emit_chat_state(pc, from, chat_states[i]);
			return;
		}
	}
}

/* Fill m's ids, delay and correction from the stanza. */
static void
parse_meta(struct pconn *pc, xmpp_stanza_t *st, struct msg *m)
{
	xmpp_stanza_t *c;
	g_autofree char *own_bare = jid_bare_of(own_jid(pc));
	gint64 delay = delay_of(st);

	m->id = g_strdup(xmpp_stanza_get_id(st));
	if (delay != 0) {
		m->time = delay;
		m->delayed = true;
	}
	c = xmpp_stanza_get_child_by_ns(st, NS_SID);
	for (; c != NULL; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);

		if (g_strcmp0(xmpp_stanza_get_ns(c), NS_SID) != 0)
			continue;
		if (g_strcmp0(n, "origin-id") == 0 && m->origin_id == NULL)
			m->origin_id = g_strdup(xmpp_stanza_get_attribute(c,
			    "id"));
		/* Only our server may assign stanza ids for us. */
		if (g_strcmp0(n, "stanza-id") == 0 &&
		    g_strcmp0(xmpp_stanza_get_attribute(c, "by"), own_bare) == 0)
			m->stanza_id = g_strdup(xmpp_stanza_get_attribute(c,
			    "id"));
	}
	c = xmpp_stanza_get_child_by_ns(st, NS_CORRECT);
	if (c != NULL && prefs_get_bool("chat.corrections"))
		m->corrects = g_strdup(xmpp_stanza_get_attribute(c, "id"));
}

/*
 * A private message through a room (XEP-0045 §7.5) is its own
 * conversation: the peer is the occupant's room JID. It must come from a
 * known occupant (STYLE §10.2). False when it must be dropped.
 */
static bool
private_from_room(struct pconn *pc, struct msg *m)
{
	struct room *r = room_find(pc->acc->name, m->peer);

	if (r == NULL || m->resource == NULL)
		return true;
	if (m->dir == MSG_IN && room_occupant(r, m->resource) == NULL) {
		log_warn("%s: private message from %s/%s, not an occupant; "
		    "dropped", pc->acc->name, m->peer, m->resource);
		return false;
	}
	g_free(m->peer);
	m->peer = g_strdup_printf("%s/%s", r->jid, m->resource);
	g_clear_pointer(&m->resource, g_free);
	return true;
}

/* What an archive result adds to the message it carries (XEP-0313). */
static void
set_archived(struct msg *m, const struct proto_archived *a)
{
	g_free(m->stanza_id);
	m->stanza_id = g_strdup(a->id);
	if (a->time != 0) {
		m->time = a->time;
		m->delayed = true;
	}
	m->archived = true;
}

/*
 * Handle one message stanza: a plain one (MSG_IN), a carbon copy (its
 * direction) or one from an archive (a, else NULL).
 */
static void
handle(struct pconn *pc, xmpp_stanza_t *st, bool carbon, enum msg_dir dir,
    const struct proto_archived *a)
{
	const char *from = xmpp_stanza_get_from(st);
	const char *to = xmpp_stanza_get_to(st);
	const char *other = dir == MSG_IN ? from : to;
	g_autofree char *body = proto_child_text(pc, st, "body",
	    G_MAXSIZE);
	g_autoptr(GError) err = NULL;
	JID_AUTO j = other != NULL ? jid_parse(other, NULL) : NULL;
	g_autofree char *own = jid_bare_of(own_jid(pc));
	xmpp_stanza_t *rcpt;
	struct msg *m;

	if (j == NULL)
		return;
	if (dir == MSG_IN && a == NULL)
		chat_state_of(pc, st, from);
	rcpt = xmpp_stanza_get_child_by_ns(st, NS_RECEIPTS);
	if (rcpt != NULL && dir == MSG_IN && a == NULL &&
	    g_strcmp0(xmpp_stanza_get_name(rcpt), "received") == 0 &&
	    xmpp_stanza_get_attribute(rcpt, "id") != NULL)
		emit_receipt(pc, from, xmpp_stanza_get_attribute(rcpt, "id"));
	if (body == NULL)
		return;
	m = msg_new(dir, pc->acc->name, NULL, body);
	m->peer = jid_bare(j);
	m->resource = g_strdup(j->resource);
	if (!private_from_room(pc, m)) {
		msg_free(m);
		return;
	}
	m->carbon = carbon;
	g_free(m->type);
	m->type = g_strdup(xmpp_stanza_get_type(st) != NULL ?
	    xmpp_stanza_get_type(st) : "normal");
	parse_meta(pc, st, m);
	if (a != NULL)
		set_archived(m, a);
	m->receipt = rcpt != NULL &&
	    g_strcmp0(xmpp_stanza_get_name(rcpt), "request") == 0;
	if (!msg_pipeline_in(m, &err)) {
		if (err != NULL)
			log_warn("%s: message from %s dropped: %s",
			    pc->acc->name, other, err->message);
	} else if (m->receipt && !carbon && a == NULL && dir == MSG_IN &&
	    m->id != NULL &&
	    prefs_get_bool("chat.receipts"))
		send_receipt(pc, from, m->id);
	if (a == NULL && m->stanza_id != NULL && own != NULL)
		proto_mam_heard(pc, own, m->stanza_id);
	msg_free(m);
}

/*
 * XEP-0280 §11: a forwarded copy (carbon, archive result) must fit its
 * direction: one we sent (dir MSG_OUT) comes from our own bare JID, one
 * we received (MSG_IN) is addressed to it. Otherwise whoever built it is
 * putting words in our mouth (or showing us what was not ours); it is
 * logged and dropped. what names the wrapper for the log.
 *   <sent><forwarded><message from='me@x/phone' to='bob@y'/>
 */
bool
proto_message_direction_ok(struct pconn *pc, xmpp_stanza_t *inner,
    enum msg_dir dir, const char *what)
{
	const char *jid = dir == MSG_OUT ? xmpp_stanza_get_from(inner) :
	    xmpp_stanza_get_to(inner);
	g_autofree char *own = jid_bare_of(own_jid(pc));

	if (jid != NULL && own != NULL && jid_bare_equal(jid, own))
		return true;
	log_warn("%s: ignoring a %s of a message %s %s (not our account)",
	    pc->acc->name, what, dir == MSG_OUT ? "sent by" : "sent to",
	    jid != NULL ? jid : "(nobody)");
	return false;
}

/*
 * A one-to-one message from our own archive (XEP-0313), a.id its archive
 * id: through the receive pipeline like any other (shown and stored once),
 * ours when it is from our own account, else it must be addressed to us.
 */
void
proto_message_archived(struct pconn *pc, xmpp_stanza_t *inner,
    const struct proto_archived *a)
{
	const char *from = xmpp_stanza_get_from(inner);
	g_autofree char *own = jid_bare_of(own_jid(pc));
	enum msg_dir dir = from != NULL && own != NULL &&
	    jid_bare_equal(from, own) ? MSG_OUT : MSG_IN;
	const char *type = xmpp_stanza_get_type(inner);

	g_return_if_fail(pc != NULL && inner != NULL && a != NULL);
	if (g_strcmp0(type, "error") == 0 || g_strcmp0(type, "groupchat") == 0
	    || g_strcmp0(type, "headline") == 0)
		return;
	if (!proto_message_direction_ok(pc, inner, dir, "archive result"))
		return;
	handle(pc, inner, false, dir, a);
}

/* XEP-0280 §7: a carbon is accepted only from our own bare JID. */
static bool
handle_carbon(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_ns(st, NS_CARBONS);
	const char *from = xmpp_stanza_get_from(st);
	const char *name;
	xmpp_stanza_t *fwd, *inner;
	g_autofree char *own = jid_bare_of(own_jid(pc));

	if (c == NULL)
		return false;
	name = xmpp_stanza_get_name(c);
	if (g_strcmp0(name, "received") != 0 && g_strcmp0(name, "sent") != 0)
		return false;
	if (from == NULL || strchr(from, '/') != NULL ||
	    !jid_bare_equal(from, own)) {
		log_warn("%s: ignoring a carbon from %s (not our account)",
		    pc->acc->name, from != NULL ? from : "(none)");
		return true;
	}
	fwd = xmpp_stanza_get_child_by_ns(c, NS_FORWARD);
	inner = fwd != NULL ? xmpp_stanza_get_child_by_name(fwd, "message") :
	    NULL;
	if (inner == NULL || !prefs_get_bool("chat.carbons"))
		return true;
	if (!proto_message_direction_ok(pc, inner, name[0] == 's' ? MSG_OUT :
	    MSG_IN, "carbon"))
		return true;
	if (g_strcmp0(xmpp_stanza_get_type(inner), "error") == 0) {
		/* A bounce answering another of our resources. */
		log_debug("%s: a carbon of an error for %s; ignored",
		    pc->acc->name, xmpp_stanza_get_to(inner));
		return true;
	}
	handle(pc, inner, true, name[0] == 's' ? MSG_OUT : MSG_IN, NULL);
	return true;
}

/*
 * True unless the stanza is addressed to another resource of our account
 * (an error answering something that resource sent is not ours to show).
 */
static bool
for_this_resource(struct pconn *pc, const char *to)
{
	const char *own = pc->acc->bound_jid;
	JID_AUTO jt = to != NULL ? jid_parse(to, NULL) : NULL;
	JID_AUTO jo = own != NULL ? jid_parse(own, NULL) : NULL;

	if (jt == NULL || jo == NULL || jt->resource == NULL)
		return true;
	return jid_bare_equal(to, own) &&
	    g_strcmp0(jt->resource, jo->resource) == 0;
}

/* The conversation a JID belongs to: an occupant's room JID, else bare. */
static char *
conversation_of(struct pconn *pc, const char *jid)
{
	JID_AUTO j = jid != NULL ? jid_parse(jid, NULL) : NULL;
	g_autofree char *bare = j != NULL ? jid_bare(j) : NULL;

	if (bare != NULL && j->resource != NULL &&
	    room_find(pc->acc->name, bare) != NULL)
		return g_strdup_printf("%s/%s", bare, j->resource);
	return g_steal_pointer(&bare);
}

/*
 * A message we sent bounced (RFC 6120 §8.3): one error event tied to the
 * message it answers (id), its addressee and its conversation.
 */
static void
report_error(struct pconn *pc, xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);
	g_autofree char *what = NULL, *conv = NULL;

	if (!for_this_resource(pc, xmpp_stanza_get_to(st))) {
		log_debug("%s: an error for %s, another resource; ignored",
		    pc->acc->name, xmpp_stanza_get_to(st));
		return;
	}
	conv = conversation_of(pc, from);
	what = g_strdup_printf("message to %s failed", from != NULL ? from :
	    "?");
	proto_error_emit(pc, st, what, conv);
}

/* Stanza handler for <message/>. Groupchat belongs to the MUC code. */
int
proto_message_in(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct pconn *pc = userdata;
	const char *type = xmpp_stanza_get_type(st);

	TRACE("recv %.64s", xmpp_stanza_get_id(st) != NULL ?
	    xmpp_stanza_get_id(st) : "-");
	if (proto_mam_result(pc, st))
		return 1;
	if (proto_muc_message_in(pc, st))
		return 1;
	if (proto_pubsub_message_in(pc, st))	/* usually headlines */
		return 1;
	if (g_strcmp0(type, "headline") == 0)
		return 1;
	/* Before errors: a carbon's wrapper has the type of what it carries. */
	if (handle_carbon(pc, st))
		return 1;
	if (g_strcmp0(type, "error") == 0) {
		report_error(pc, st);
		return 1;
	}
	handle(pc, st, false, MSG_IN, NULL);
	(void)conn;
	return 1;
}

static void
add_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
    const char *ns, const char *attr, const char *value)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, name);
	xmpp_stanza_set_ns(c, ns);
	if (attr != NULL)
		xmpp_stanza_set_attribute(c, attr, value);
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(c);
}

/* XEP-0085: send a standalone chat state to peer. */
bool
proto_message_chat_state(const char *account, const char *peer,
    const char *state)
{
	struct account *acc = account_find(account);
	struct pconn *pc = acc != NULL ? acc->proto : NULL;
	xmpp_stanza_t *st;

	if (pc == NULL || !pc->online || !prefs_get_bool("chat.states"))
		return false;
	st = xmpp_message_new(pc->ctx, "chat", peer, NULL);
	add_child(pc->ctx, st, state, NS_STATES, NULL, NULL);
	proto_send(pc, st);
	xmpp_stanza_release(st);
	return true;
}

/* Register the sending sides (proto-send.c, proto-otr.c) with the core. */
void
proto_message_init(void)
{
	proto_send_init();
	proto_otr_init();
}
