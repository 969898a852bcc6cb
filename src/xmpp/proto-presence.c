/* SPDX-License-Identifier: MIT */
/*
 * Presence and subscriptions (RFC 6121 §3, §4): our own presence, contact
 * presence into the roster model, subscription requests and answers, and
 * roster changes (§2.3-2.5). Parse -> model -> event; never prints.
 *   <presence from='bob@x/pc'><show>away</show><status>out</status></presence>
 *   <presence from='carol@x' type='subscribe'/>
 */
#include <stdlib.h>
#include <string.h>

#include "core/chat.h"
#include "core/events.h"
#include "core/roster.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_ROSTER "jabber:iq:roster"
#define STATUS_MAX 4096

static const char *const shows[] = { "online", "chat", "away", "xa", "dnd",
	NULL };

/* The connection of an online account, or NULL with error. */
struct pconn *
proto_online(const char *account, GError **error)
{
	struct account *acc = account_find(account);
	struct pconn *pc = acc != NULL ? acc->proto : NULL;

	if (pc == NULL || !pc->online) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' is "
		    "not connected (/connect %s)", account, account);
		return NULL;
	}
	return pc;
}

/*
 * Add an empty child element (with a namespace when ns is not NULL) to
 * parent and return it, borrowed: the parent holds it.
 */
xmpp_stanza_t *
proto_new_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
    const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, name);
	if (ns != NULL)
		xmpp_stanza_set_ns(c, ns);
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(c);
	return c;
}

/* Add <name>text</name> to parent. */
void
proto_add_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
    const char *name, const char *text)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);
	xmpp_stanza_t *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, name);
	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(c, t);
	xmpp_stanza_release(t);
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(c);
}

/*
 * New valid-UTF-8 text of the child element name of st (at most max
 * bytes; "" for an empty element), or NULL when there is no such child.
 */
char *
proto_child_text(struct pconn *pc, xmpp_stanza_t *st, const char *name,
    size_t max)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);
	char *t, *r;

	if (c == NULL)
		return NULL;
	t = xmpp_stanza_get_text(c);
	if (t == NULL)
		return g_strdup("");
	r = g_utf8_make_valid(t, MIN(strlen(t), max));
	xmpp_free(pc->ctx, t);
	return r;
}

/* Add our show and status to presence p (a room join's too). */
void
proto_presence_add_show(struct pconn *pc, xmpp_stanza_t *p)
{
	if (pc->show != NULL && strcmp(pc->show, "online") != 0)
		proto_add_text_child(pc->ctx, p, "show", pc->show);
	if (pc->status != NULL && *pc->status != '\0')
		proto_add_text_child(pc->ctx, p, "status", pc->status);
}

static void
send_presence(struct pconn *pc)
{
	xmpp_stanza_t *p = xmpp_presence_new(pc->ctx);
	char prio[8];

	proto_presence_add_show(pc, p);
	if (pc->priority != 0) {
		g_snprintf(prio, sizeof prio, "%d", pc->priority);
		proto_add_text_child(pc->ctx, p, "priority", prio);
	}
	proto_disco_add_caps(pc, p);
	proto_send(pc, p);
	xmpp_stanza_release(p);
}

/* Initial presence of a new session (RFC 6121 §4.2). */
void
proto_presence_restore(struct pconn *pc, const char *status, int priority)
{
	if (pc->show == NULL) {
		pc->show = g_strdup("online");
		pc->status = g_strdup(status);
		pc->priority = priority;
	}
	send_presence(pc);
}

/*
 * Set our presence on acc: show is online|chat|away|xa|dnd, status may be
 * NULL. The priority stays what it is (proto_presence_priority).
 */
bool
proto_presence_send(struct account *acc, const char *show, const char *status,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);

	if (pc == NULL)
		return false;
	if (!g_strv_contains(shows, show)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "bad presence");
		return false;
	}
	g_free(pc->show);
	pc->show = g_strdup(show);
	g_free(pc->status);
	pc->status = g_strdup(status);
	send_presence(pc);
	proto_muc_send_presence(pc);
	return true;
}

/*
 * Set the priority (-128..127) of acc's connection and announce it; our
 * show and status text stay what they are. Rooms do not get it: a
 * priority means nothing in a room (XEP-0045 ignores it).
 */
bool
proto_presence_priority(struct account *acc, int priority, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);

	if (pc == NULL)
		return false;
	if (priority < -128 || priority > 127) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "bad priority");
		return false;
	}
	pc->priority = priority;
	send_presence(pc);
	return true;
}

/* Forget our presence: the next session starts from the account's. */
void
proto_presence_forget(struct pconn *pc)
{
	g_clear_pointer(&pc->show, g_free);
	g_clear_pointer(&pc->status, g_free);
	pc->priority = 0;
}

/*
 * The session ended. After a loss our presence is kept, so that the next
 * session (a new one, when the old cannot be resumed) shows the same;
 * after /disconnect the next login starts afresh.
 */
void
proto_presence_session_ended(struct pconn *pc, bool user_quit)
{
	if (user_quit)
		proto_presence_forget(pc);
}

/* Our current show value on acc ("offline" when not connected). */
const char *
proto_own_show(struct account *acc)
{
	struct pconn *pc = acc->proto;

	return pc != NULL && pc->online && pc->show != NULL ? pc->show :
	    "offline";
}

/*
 * Send a subscription stanza (subscribe|subscribed|unsubscribe|
 * unsubscribed) to jid's bare JID.
 */
bool
proto_presence_sub(struct account *acc, const char *jid, const char *type,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	g_autofree char *bare = jid_bare_of(jid);
	xmpp_stanza_t *p;

	if (pc == NULL)
		return false;
	if (bare == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid JID", jid);
		return false;
	}
	p = xmpp_presence_new(pc->ctx);
	xmpp_stanza_set_type(p, type);
	xmpp_stanza_set_to(p, bare);
	proto_send(pc, p);
	xmpp_stanza_release(p);
	if (strcmp(type, "subscribed") == 0 ||
	    strcmp(type, "unsubscribed") == 0)
		(void)roster_request_take(acc->roster, bare);
	return true;
}

static void
subscription_in(struct pconn *pc, xmpp_stanza_t *st, const char *type)
{
	struct ev ev = { .kind = EV_SUBSCRIPTION, .account = pc->acc->name };
	g_autofree char *bare = jid_bare_of(xmpp_stanza_get_from(st));
	g_autofree char *status = proto_child_text(pc, st, "status", STATUS_MAX);

	if (bare == NULL)
		return;
	if (strcmp(type, "subscribe") == 0)
		roster_request_add(pc->acc->roster, bare, status);
	ev.u.subscription.from = bare;
	ev.u.subscription.type = type;
	ev.u.subscription.status = status;
	ev_emit(&ev);
}

/* Stanza handler for <presence/>. */
int
proto_presence_in(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct pconn *pc = userdata;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	g_autofree char *show = NULL, *status = NULL, *prio = NULL;

	if (from == NULL || !jid_is_valid(from))
		return 1;
	if (type == NULL || strcmp(type, "unavailable") == 0)
		proto_disco_note_caps(pc, st);
	if (proto_muc_presence_in(pc, st))
		return 1;
	if (type != NULL && strcmp(type, "unavailable") != 0) {
		if (strcmp(type, "error") == 0) {
			g_autofree char *why = proto_error_describe(pc, st);

			log_info("%s: presence error from %s: %s",
			    pc->acc->name, from, why);
		} else {
			subscription_in(pc, st, type);
		}
		return 1;
	}
	if (xmpp_stanza_get_child_by_ns(st, "http://jabber.org/protocol/muc#user"))
		return 1;	/* room occupants belong to the MUC code */
	show = proto_child_text(pc, st, "show", STATUS_MAX);
	status = proto_child_text(pc, st, "status", STATUS_MAX);
	prio = proto_child_text(pc, st, "priority", STATUS_MAX);
	if (show != NULL && !g_strv_contains(shows, show))
		g_clear_pointer(&show, g_free);
	if (type != NULL)
		chat_unlock(pc->acc->name, from);
	roster_presence(pc->acc->roster, pc->acc->name, from,
	    type != NULL ? type : "available", show, status, prio);
	(void)conn;
	return 1;
}

static bool
roster_iq(struct account *acc, const char *jid, const char *name,
    const char *subscription, const char *const *groups, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *q, *item;
	size_t i;

	if (pc == NULL)
		return false;
	if (!jid_is_valid(jid) || strchr(jid, '/') != NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a bare JID", jid);
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	q = xmpp_stanza_new(pc->ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_ROSTER);
	item = xmpp_stanza_new(pc->ctx);
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", jid);
	if (name != NULL)
		xmpp_stanza_set_attribute(item, "name", name);
	if (subscription != NULL)
		xmpp_stanza_set_attribute(item, "subscription", subscription);
	for (i = 0; groups != NULL && groups[i] != NULL; i++)
		proto_add_text_child(pc->ctx, item, "group", groups[i]);
	xmpp_stanza_add_child(q, item);
	xmpp_stanza_release(item);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	proto_iq_send(pc, iq, NULL, NULL, NULL, NULL);
	xmpp_stanza_release(iq);
	return true;
}

/* Add or change a roster item (the server's push updates the model). */
bool
proto_roster_set(struct account *acc, const char *jid, const char *name,
    const char *const *groups, GError **error)
{
	return roster_iq(acc, jid, name, NULL, groups, error);
}

/* Remove a roster item (RFC 6121 §2.5). */
bool
proto_roster_remove(struct account *acc, const char *jid, GError **error)
{
	return roster_iq(acc, jid, NULL, "remove", NULL, error);
}
