/* SPDX-License-Identifier: MIT */
/*
 * Before a new session sends again the messages the old one never got
 * confirmed, the outbox asks whether the server took them anyway (its
 * confirmation lost when the connection died): this file looks for them
 * in our own archive (XEP-0313; a server archives the messages we send,
 * with their origin-id, XEP-0359) from a little before the oldest of
 * them. Each found is confirmed (outbox_archived()); the rest goes again
 * when the look is over (outbox_lookup_done()).
 *
 * Our archive's copy proves the server received a message, not that it
 * delivered it: Prosody appends it to the sender's archive, then routes
 * it (and archives the recipient's copy); killed in between, it loses
 * the message although our archive has it (seen in test_loss.py in
 * about half the runs). A server handles a stream's stanzas one after
 * the other, so a found message counts only once the archive holds a
 * newer message of ours (the server went on to our next one). Newer
 * messages of others prove nothing: they may have come after a restart.
 * Our newest message in the archive is sent again: at most one copy per
 * crash, with the same origin-id, which a recipient can recognise;
 * never a loss. The look is bounded: a
 * few pages, each within iq.timeout, and the outbox's own deadline. An
 * archive that refuses (none there) or fails ends it at once, and the
 * outbox resends everything as before. Results are accepted only from
 * our own archive and with our query id. xmpp layer; never prints.
 *   <iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='q'>
 *     <x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'
 *     type='hidden'><value>urn:xmpp:mam:2</value></field><field
 *     var='start'><value>2026-12-06T03:00:00Z</value></field></x>
 *     <set xmlns='http://jabber.org/protocol/rsm'><max>50</max></set>
 *   </query></iq>
 */
#include <string.h>

#include "core/events.h"
#include "core/outbox.h"
#include "proto-internal.h"
#include "proto-resend.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_SID "urn:xmpp:sid:0"
#define NS_DATA "jabber:x:data"
#define LOOKUP_PAGE "50"	/* results per page (Prosody's default cap) */
#define LOOKUP_PAGES 20		/* at most this many pages */

/* One look in our archive; owned by the request of its current page. */
struct lookup {
	char	*account;	/* owned */
	char	*archive;	/* owned: our bare JID */
	char	*queryid;	/* owned */
	char	*start;		/* owned ISO 8601 time */
	char	*last;		/* owned archive id of the last result */
	char	*held;		/* owned id of the waiting message found
				   as our newest so far, or NULL */
	guint64	 token;		/* the outbox's */
	guint	 pages;		/* pages asked for */
	guint	 page_count;	/* results in this page */
};

static GHashTable *lookups;	/* queryid -> struct lookup, borrowed */

static void
lookup_free(struct lookup *q)
{
	if (lookups != NULL && q->queryid != NULL)
		g_hash_table_remove(lookups, q->queryid);
	g_free(q->account);
	g_free(q->archive);
	g_free(q->queryid);
	g_free(q->start);
	g_free(q->last);
	g_free(q->held);
	g_free(q);
}

static struct pconn *
online_pconn(const char *account)
{
	struct account *acc = account_find(account);
	struct pconn *pc = acc != NULL ? acc->proto : NULL;

	return pc != NULL && pc->online ? pc : NULL;
}

static void
add_field(struct pconn *pc, xmpp_stanza_t *x, const char *var,
    const char *type, const char *value)
{
	xmpp_stanza_t *f = proto_new_child(pc->ctx, x, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	if (type != NULL)
		xmpp_stanza_set_attribute(f, "type", type);
	proto_add_text_child(pc->ctx, f, "value", value);
}

static void send_page(struct pconn *pc, struct lookup *q);

/* The look is over: the outbox sends again what was not found. */
static void
finish(struct lookup *q)
{
	g_autofree char *account = g_strdup(q->account);
	guint64 token = q->token;

	if (q->held != NULL) {
		log_info("%s: message %s is our newest in the archive; sent "
		    "again with the same id, in case the server died before "
		    "delivering it", account, q->held);
		ev_emit_text(EV_INFO, account, "message %s is our newest in "
		    "the server's archive: sent again (same id) in case the "
		    "server stopped before delivering it", q->held);
	}
	lookup_free(q);
	outbox_lookup_done(account, token);
}

/*
 * A page's answer. Another page follows while the archive has more,
 * messages are still unsure and the page bound is not reached.
 */
static void
page_done(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct lookup *q = data;
	xmpp_stanza_t *fin = xmpp_stanza_get_child_by_ns(reply, NS_MAM);

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *why = proto_error_describe(pc, reply);

		log_info("%s: cannot look in the archive for unconfirmed "
		    "messages (%s); they are sent again", pc->acc->name,
		    why != NULL ? why : "error");
		finish(q);
		return;
	}
	if (fin == NULL || g_strcmp0(xmpp_stanza_get_attribute(fin,
	    "complete"), "true") == 0 || q->page_count == 0 ||
	    q->last == NULL || q->pages >= LOOKUP_PAGES ||
	    outbox_unsure(q->account) == 0) {
		finish(q);
		return;
	}
	send_page(pc, q);
}

/* Ask for the next page of q (q goes with the request). */
static void
send_page(struct pconn *pc, struct lookup *q)
{
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "set", NULL);
	xmpp_stanza_t *query = proto_new_child(pc->ctx, iq, "query", NS_MAM);
	xmpp_stanza_t *x = proto_new_child(pc->ctx, query, "x", NS_DATA);
	xmpp_stanza_t *set;

	xmpp_stanza_set_attribute(query, "queryid", q->queryid);
	xmpp_stanza_set_type(x, "submit");
	add_field(pc, x, "FORM_TYPE", "hidden", NS_MAM);
	add_field(pc, x, "start", NULL, q->start);
	set = proto_new_child(pc->ctx, query, "set", NS_RSM);
	proto_add_text_child(pc->ctx, set, "max", LOOKUP_PAGE);
	if (q->last != NULL)
		proto_add_text_child(pc->ctx, set, "after", q->last);
	q->pages++;
	q->page_count = 0;
	proto_iq_send(pc, iq, NULL, page_done, q,
	    (GDestroyNotify)lookup_free);
	xmpp_stanza_release(iq);
}

/*
 * The outbox transport's lookup (core/outbox.h): our archive from since
 * (microseconds). False when account is not online.
 */
bool
proto_resend_lookup(const char *account, guint64 token, gint64 since)
{
	struct pconn *pc = online_pconn(account);
	g_autoptr(GDateTime) t = NULL;
	struct lookup *q;
	char *uuid;

	if (pc == NULL)
		return false;
	t = g_date_time_new_from_unix_utc(since / G_USEC_PER_SEC);
	if (t == NULL)
		return false;
	if (lookups == NULL)
		lookups = g_hash_table_new(g_str_hash, g_str_equal);
	q = g_new0(struct lookup, 1);
	q->account = g_strdup(account);
	q->archive = jid_bare_of(account_get(pc->acc, "jid"));
	q->start = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
	q->token = token;
	uuid = xmpp_uuid_gen(pc->ctx);
	q->queryid = g_strdup(uuid);
	xmpp_free(pc->ctx, uuid);
	g_hash_table_insert(lookups, q->queryid, q);
	log_debug("%s: looking in the archive since %s for %u unconfirmed "
	    "message(s)", account, q->start, outbox_unsure(account));
	send_page(pc, q);
	return true;
}

/* The <origin-id/> of message m (XEP-0359), or NULL. */
static xmpp_stanza_t *
origin_id(xmpp_stanza_t *m)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(m); c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (g_strcmp0(xmpp_stanza_get_name(c), "origin-id") == 0 &&
		    g_strcmp0(xmpp_stanza_get_ns(c), NS_SID) == 0)
			return c;
	return NULL;
}

/*
 * An archive result (<result/> of st) of one of our looks: true when it
 * was one (used or refused). A message of ours in it (from our bare JID)
 * (from our bare JID; the server may leave our own from out) with the
 * origin-id or id of a waiting message is held until a newer message
 * of ours shows that the server handled it, and then confirmed.
 */
bool
proto_resend_result(struct pconn *pc, xmpp_stanza_t *st,
    xmpp_stanza_t *result)
{
	const char *qid = xmpp_stanza_get_attribute(result, "queryid");
	const char *from = xmpp_stanza_get_from(st);
	struct lookup *q = qid != NULL && lookups != NULL ?
	    g_hash_table_lookup(lookups, qid) : NULL;
	xmpp_stanza_t *fwd, *inner, *oid;
	const char *sender, *id;

	if (q == NULL || strcmp(q->account, pc->acc->name) != 0)
		return false;
	if (from != NULL && !(strchr(from, '/') == NULL &&
	    jid_bare_equal(from, q->archive))) {
		log_warn("%s: ignoring an archive result from %s (we asked "
		    "our own archive)", pc->acc->name, from);
		return true;
	}
	fwd = xmpp_stanza_get_child_by_ns(result, NS_FORWARD);
	inner = fwd != NULL ? xmpp_stanza_get_child_by_name(fwd, "message") :
	    NULL;
	q->page_count++;
	g_free(q->last);
	q->last = g_strdup(xmpp_stanza_get_attribute(result, "id"));
	sender = inner != NULL ? xmpp_stanza_get_from(inner) : NULL;
	if (inner == NULL || (sender != NULL &&
	    !jid_bare_equal(sender, q->archive)))
		return true;		/* not one of ours */
	if (q->held != NULL)	/* a newer one of ours: the server went on */
		(void)outbox_archived(q->account, q->held);
	g_clear_pointer(&q->held, g_free);
	oid = origin_id(inner);
	id = oid != NULL ? xmpp_stanza_get_attribute(oid, "id") : NULL;
	if (id == NULL || !outbox_holds(q->account, id))
		id = xmpp_stanza_get_id(inner);
	if (id != NULL && outbox_holds(q->account, id))
		q->held = g_strdup(id);
	return true;
}
