/* SPDX-License-Identifier: MIT */
/*
 * What happens on a new session (RFC 6121 §2.2, §4.2): the roster is
 * fetched into the core model and initial presence is sent. Also the
 * handlers every client needs from the first login: roster pushes (only
 * from our own account, RFC 6121 §2.1.6), XEP-0199 ping answers and service-unavailable for IQs nobody handles (RFC 6120
 * §8.4). Parse -> update model -> emit; never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "core/events.h"
#include "core/roster.h"
#include "proto-internal.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/str.h"

#define NS_ROSTER "jabber:iq:roster"
#define NS_PING "urn:xmpp:ping"

/* Apply one <item jid='' name='' subscription=''><group/></item>. */
static void
apply_item(struct pconn *pc, xmpp_stanza_t *item)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	GPtrArray *groups = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *g;

	if (jid == NULL || !jid_is_valid(jid)) {
		g_ptr_array_unref(groups);
		return;
	}
	for (g = xmpp_stanza_get_child_by_name(item, "group"); g != NULL;
	    g = xmpp_stanza_get_next(g)) {
		char *text;

		if (g_strcmp0(xmpp_stanza_get_name(g), "group") != 0)
			continue;
		text = xmpp_stanza_get_text(g);
		if (text != NULL && groups->len < 64)
			g_ptr_array_add(groups, g_strdup(text));
		if (text != NULL)
			xmpp_free(pc->ctx, text);
	}
	g_ptr_array_add(groups, NULL);
	roster_update(pc->acc->roster, pc->acc->name, jid,
	    xmpp_stanza_get_attribute(item, "name"),
	    xmpp_stanza_get_attribute(item, "subscription"),
	    (const char *const *)groups->pdata);
	roster_set_ask(pc->acc->roster, jid,
	    xmpp_stanza_get_attribute(item, "ask"));
	g_ptr_array_unref(groups);
}

static void
apply_query(struct pconn *pc, xmpp_stanza_t *query)
{
	xmpp_stanza_t *item;

	for (item = xmpp_stanza_get_children(query); item != NULL;
	    item = xmpp_stanza_get_next(item))
		if (g_strcmp0(xmpp_stanza_get_name(item), "item") == 0)
			apply_item(pc, item);
}

/*
 * <iq type='result'><query xmlns='jabber:iq:roster'><item .../></query>
 */
static void
roster_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_ROSTER);

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0 || q == NULL)
		return;
	roster_clear(pc->acc->roster);
	apply_query(pc, q);
	ev_emit_text(EV_INFO, pc->acc->name, "roster received: %u %s",
	    roster_count(pc->acc->roster), str_plural(roster_count(
	    pc->acc->roster), "contact", "contacts"));
}

static void
send_initial_presence(struct pconn *pc)
{
	const char *status = account_get(pc->acc, "status");
	const char *prio = account_get(pc->acc, "priority");

	proto_presence_restore(pc, status, prio != NULL ? atoi(prio) : 0);
}

/*
 * Once carbons are on (or refused): initial presence, then the catch-up
 * from our archive (XEP-0313) of what we missed.
 */
static void
session_present(struct pconn *pc)
{
	send_initial_presence(pc);
	proto_mam_catch_up(pc, NULL);
}

/*
 * Start a session: fetch the roster, enable carbons, discover services,
 * join again the rooms of the last session. Initial presence (RFC 6121
 * §2.2, §4.2) waits for the carbons answer (XEP-0280 §4), so that nothing
 * sent to us in between misses our other devices; the rest goes now, as
 * commands typed meanwhile rely on it (a room joined before the answer
 * must not be joined twice, /rooms waits for the discovery).
 */
void
proto_session_start(struct pconn *pc)
{
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "get", NULL);
	xmpp_stanza_t *q = xmpp_stanza_new(pc->ctx);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_ROSTER);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	proto_iq_send(pc, iq, NULL, roster_result, NULL, NULL);
	xmpp_stanza_release(iq);
	proto_carbons_enable(pc, session_present);
	proto_block_fetch(pc);
	proto_muc_discover(pc);
	proto_muc_rejoin(pc);
	proto_bookmark_fetch(pc);
}

/*
 * The previous session was resumed (XEP-0198): the server kept our
 * presence, rooms, roster and carbons, and replays what we missed, so
 * nothing of a session start is sent again. Only what natter forgot at
 * the loss is learnt again (services, the block list), and the rooms'
 * self-pings restart.
 */
void
proto_session_resumed(struct pconn *pc)
{
	proto_block_fetch(pc);
	proto_muc_discover(pc);
	proto_muc_session_resumed(pc);
}

/*
 * The session ended: what it set up and learnt is forgotten, each part by
 * the file that owns it (the only place a session's state is reset; rooms
 * and stream management decide for themselves what a resumption keeps).
 */
void
proto_session_ended(struct pconn *pc)
{
	g_clear_pointer(&pc->acc->bound_jid, g_free);
	/* our presence stays for the next session unless the user quit */
	proto_presence_session_ended(pc, pc->user_quit);
	proto_disco_session_ended(pc);
	proto_iq_session_ended(pc);
	proto_bookmark_session_ended(pc);
	proto_muc_discovery_ended(pc);
}

/* Roster push: <iq type='set'><query xmlns='jabber:iq:roster'>. */
static void
roster_push(struct pconn *pc, xmpp_stanza_t *st, xmpp_stanza_t *q)
{
	const char *from = xmpp_stanza_get_from(st);
	xmpp_stanza_t *reply;

	if (!proto_iq_from_ok(pc, NULL, from)) {
		log_warn("%s: ignoring roster push from %s (not our account)",
		    pc->acc->name, from);
		return;
	}
	apply_query(pc, q);
	reply = proto_iq_reply(pc, st, "result");
	proto_send(pc, reply);
	xmpp_stanza_release(reply);
}

/* <iq type='get|set'/>: roster pushes, pings, else service-unavailable. */
static int
iq_request(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct pconn *pc = userdata;
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *q;

	if (type == NULL || (strcmp(type, "get") != 0 &&
	    strcmp(type, "set") != 0))
		return 1;
	if (xmpp_stanza_get_id(st) == NULL)
		return 1;	/* cannot be answered */
	q = xmpp_stanza_get_child_by_ns(st, NS_ROSTER);
	if (q != NULL && strcmp(type, "set") == 0) {
		roster_push(pc, st, q);
		return 1;
	}
	if (strcmp(type, "set") == 0 && proto_block_push(pc, st))
		return 1;
	if (strcmp(type, "get") == 0 && proto_disco_answer(pc, st))
		return 1;
	if (xmpp_stanza_get_child_by_ns(st, NS_PING) != NULL &&
	    strcmp(type, "get") == 0) {
		xmpp_stanza_t *reply = proto_iq_reply(pc, st, "result");

		proto_send(pc, reply);
		xmpp_stanza_release(reply);
		return 1;
	}
	proto_iq_error(pc, st, "cancel", "service-unavailable");
	(void)conn;
	return 1;
}

/*
 * Hand st to every handler a session installs that matches it, as
 * libstrophe does for a received stanza (the stanza fuzzer enters here).
 */
void
proto_session_dispatch(struct pconn *pc, xmpp_stanza_t *st)
{
	const char *name = xmpp_stanza_get_name(st);

	g_return_if_fail(pc != NULL && st != NULL);
	if (g_strcmp0(name, "iq") == 0) {
		(void)proto_iq_handle_reply(pc->conn, st, pc);
		(void)iq_request(pc->conn, st, pc);
	} else if (g_strcmp0(name, "presence") == 0) {
		(void)proto_presence_in(pc->conn, st, pc);
	} else if (g_strcmp0(name, "message") == 0) {
		(void)proto_message_in(pc->conn, st, pc);
	}
}

/* Install the stanza handlers of a new session. */
void
proto_session_handlers(struct pconn *pc)
{
	xmpp_handler_add(pc->conn, proto_iq_handle_reply, NULL, "iq", NULL,
	    pc);
	xmpp_handler_add(pc->conn, iq_request, NULL, "iq", NULL, pc);
	xmpp_handler_add(pc->conn, proto_presence_in, NULL, "presence", NULL,
	    pc);
	xmpp_handler_add(pc->conn, proto_message_in, NULL, "message", NULL,
	    pc);
}
