/* SPDX-License-Identifier: MIT */
/*
 * Catching up from the server's archive (XEP-0313 Message Archive
 * Management) on each new session: our own archive for one-to-one
 * messages after initial presence, and each joined room's archive once
 * the join completes. The query starts after the newest archive id
 * (XEP-0359 stanza-id) stored in history; with none stored it takes the
 * last page only. Results are paged (XEP-0059 RSM) up to the
 * history.catchup bound and go through the normal receive pipeline, which
 * shows and stores each message once. A result is accepted only from the
 * archive queried and only with the query id we chose (XEP-0313 §5.1.2).
 * When the archive cannot fill the gap since the last stored id (it no
 * longer has that id, or the bound stopped the paging) the user is told,
 * in the room's window for a room. xmpp layer; never prints.
 *   <iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='q1'><set
 *     xmlns='http://jabber.org/protocol/rsm'><max>25</max><after>X</after>
 *   </set></query></iq>
 */
#include <string.h>

#include "core/events.h"
#include "core/history.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "proto-resend.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/str.h"

#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_DELAY "urn:xmpp:delay"
#define MAM_PAGE 25		/* results asked for per page */

/*
 * One catch-up in progress. It is owned by the IQ request of its current
 * page (freed with it, also when the session ends) and listed in queries
 * under its query id while it is. archive is the JID queried; results
 * must come from it (our own archive: our bare JID or no from).
 */
struct mam_query {
	char	*account;	/* owned */
	char	*room;		/* owned room JID, NULL for our own archive */
	char	*archive;	/* owned bare JID queried */
	char	*queryid;	/* owned */
	char	*after;		/* owned RSM after of this page, or NULL */
	char	*last;		/* owned archive id of the last result */
	guint	 count;		/* results taken in, over all pages */
	guint	 page_count;	/* results in this page */
	bool	 window;	/* no stored id: only the last page */
	bool	 reached_stored;	/* a room's last result was stored */
};

static GHashTable *queries;	/* queryid -> struct mam_query, borrowed */

static void
query_free(struct mam_query *q)
{
	if (queries != NULL && q->queryid != NULL)
		g_hash_table_remove(queries, q->queryid);
	g_free(q->account);
	g_free(q->room);
	g_free(q->archive);
	g_free(q->queryid);
	g_free(q->after);
	g_free(q->last);
	g_free(q);
}

/* Tell the user that messages may be missing (a marked line). */
static void
emit_gap(struct pconn *pc, struct mam_query *q, const char *why)
{
	struct ev ev = { .kind = EV_ERROR, .account = pc->acc->name };
	g_autofree char *text = g_strdup_printf("catch-up of %s: %s; "
	    "messages may be missing here", q->room != NULL ? q->room :
	    "your conversations", why);

	ev.u.error.text = text;
	ev.u.error.condition = "history-gap";
	ev.u.error.conversation = q->room;
	ev_emit(&ev);
}

static void send_page(struct pconn *pc, struct mam_query *q);

static xmpp_stanza_t *
text_child(struct pconn *pc, xmpp_stanza_t *parent, const char *name,
    const char *text)
{
	xmpp_stanza_t *c = proto_new_child(pc->ctx, parent, name, NULL);
	xmpp_stanza_t *t;

	if (text != NULL) {
		t = xmpp_stanza_new(pc->ctx);
		xmpp_stanza_set_text(t, text);
		xmpp_stanza_add_child(c, t);
		xmpp_stanza_release(t);
	}
	return c;
}

/* The newest page's max results still allowed under history.catchup. */
static guint
page_max(struct mam_query *q)
{
	guint bound = (guint)prefs_get_int("history.catchup");

	return MIN(MAM_PAGE, bound > q->count ? bound - q->count : 0);
}

/*
 * The catch-up is over: everything up to its last result is in history
 * now (what it could not fetch was reported as a gap).
 */
static void
finish(struct mam_query *q)
{
	if (q->last != NULL)
		history_set_cursor(q->account, q->archive, q->last);
	query_free(q);
}

/* True while a catch-up of account's archive is under way. */
static bool
catching_up(const char *account, const char *archive)
{
	GHashTableIter it;
	struct mam_query *q;

	if (queries == NULL)
		return false;
	g_hash_table_iter_init(&it, queries);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&q))
		if (strcmp(q->account, account) == 0 &&
		    jid_bare_equal(q->archive, archive))
			return true;
	return false;
}

/*
 * A live message with archive id id came from archive (our bare JID or
 * a room's): unless a catch-up of that archive is still filling in what
 * came before it, everything up to it is in history.
 */
void
proto_mam_heard(struct pconn *pc, const char *archive, const char *id)
{
	g_return_if_fail(pc != NULL && archive != NULL);
	if (id != NULL && !catching_up(pc->acc->name, archive))
		history_set_cursor(pc->acc->name, archive, id);
}

/*
 * The answer to a page (XEP-0313 §4.3): <fin complete='true'/> ends the
 * catch-up; otherwise the next page starts after the last result, unless
 * the bound is reached (a gap). An archive that does not answer in time
 * leaves a gap too; one that refuses (no MAM there) is only logged.
 */
static void
page_done(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct mam_query *q = data;
	xmpp_stanza_t *fin = xmpp_stanza_get_child_by_ns(reply, NS_MAM);
	struct proto_error e;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		proto_error_parse(pc, reply, &e);
		if (q->after != NULL && g_strcmp0(e.condition,
		    "item-not-found") == 0) {
			/* The archive no longer has our last id. */
			emit_gap(pc, q, "the archive no longer has the last "
			    "message stored here; only its newest messages "
			    "are fetched");
			g_clear_pointer(&q->after, g_free);
			q->window = true;
			proto_error_clear(&e);
			send_page(pc, q);
			return;
		}
		if (proto_iq_timed_out(reply))
			emit_gap(pc, q, "the archive did not answer in time");
		log_info("%s: no catch-up from the archive of %s: %s",
		    pc->acc->name, q->archive, e.condition != NULL ?
		    e.condition : "error");
		proto_error_clear(&e);
		query_free(q);
		return;
	}
	log_debug("%s: catch-up of %s: %u %s", pc->acc->name, q->archive,
	    q->count, str_plural(q->count, "result", "results"));
	if (q->window || fin == NULL || g_strcmp0(xmpp_stanza_get_attribute(
	    fin, "complete"), "true") == 0 || q->page_count == 0 ||
	    q->last == NULL) {
		finish(q);
		return;
	}
	/* A room's join history is its newest messages without a hole:
	 * once the archive reaches one of them, nothing is missing. */
	if (page_max(q) == 0 && q->reached_stored) {
		finish(q);
		return;
	}
	if (page_max(q) == 0) {
		g_autofree char *why = g_strdup_printf("stopped after %u %s "
		    "(history.catchup)", q->count, str_plural(q->count,
		    "message", "messages"));

		emit_gap(pc, q, why);
		finish(q);
		return;
	}
	g_free(q->after);
	q->after = g_strdup(q->last);
	send_page(pc, q);
}

/* Ask for the next page of q (q goes with the request). */
static void
send_page(struct pconn *pc, struct mam_query *q)
{
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "set", NULL);
	xmpp_stanza_t *query = proto_new_child(pc->ctx, iq, "query", NS_MAM);
	xmpp_stanza_t *set = proto_new_child(pc->ctx, query, "set", NS_RSM);
	g_autofree char *max = g_strdup_printf("%u", page_max(q));

	xmpp_stanza_set_attribute(query, "queryid", q->queryid);
	text_child(pc, set, "max", max);
	if (q->after != NULL)
		text_child(pc, set, "after", q->after);
	else
		text_child(pc, set, "before", NULL);	/* the last page */
	q->page_count = 0;
	proto_iq_send(pc, iq, q->room, page_done, q,
	    (GDestroyNotify)query_free);
	xmpp_stanza_release(iq);
}

/*
 * Catch up from an archive: room's (a joined room's JID) or, room NULL,
 * our own. Starts after the position recorded in history (see
 * history_cursor()); with none, takes the archive's last page.
 */
void
proto_mam_catch_up(struct pconn *pc, const char *room)
{
	struct mam_query *q;
	char *uuid;

	g_return_if_fail(pc != NULL);
	if (prefs_get_int("history.catchup") == 0)
		return;
	if (queries == NULL)
		queries = g_hash_table_new(g_str_hash, g_str_equal);
	q = g_new0(struct mam_query, 1);
	q->account = g_strdup(pc->acc->name);
	q->room = g_strdup(room);
	q->archive = room != NULL ? g_strdup(room) :
	    jid_bare_of(account_get(pc->acc, "jid"));
	uuid = xmpp_uuid_gen(pc->ctx);
	q->queryid = g_strdup(uuid);
	xmpp_free(pc->ctx, uuid);
	q->after = history_cursor(pc->acc->name, q->archive, room);
	q->window = q->after == NULL;
	g_hash_table_insert(queries, q->queryid, q);
	send_page(pc, q);
}

/* Microseconds of a <delay stamp=''/> in parent, or 0. */
static gint64
stamp_of(xmpp_stanza_t *parent)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(parent, NS_DELAY);
	const char *s = d != NULL ? xmpp_stanza_get_attribute(d, "stamp") :
	    NULL;
	g_autoptr(GDateTime) t = s != NULL ? g_date_time_new_from_iso8601(s,
	    NULL) : NULL;

	return t != NULL ? g_date_time_to_unix(t) * G_USEC_PER_SEC +
	    g_date_time_get_microsecond(t) : 0;
}

/* XEP-0313 §5.1.2: only the archive we asked, with our query id. */
static struct mam_query *
query_of(struct pconn *pc, xmpp_stanza_t *st, xmpp_stanza_t *result)
{
	const char *qid = xmpp_stanza_get_attribute(result, "queryid");
	const char *from = xmpp_stanza_get_from(st);
	struct mam_query *q = qid != NULL && queries != NULL ?
	    g_hash_table_lookup(queries, qid) : NULL;

	if (q == NULL || strcmp(q->account, pc->acc->name) != 0) {
		log_warn("%s: ignoring an archive result for a query we did "
		    "not make (%s)", pc->acc->name, qid != NULL ? qid : "none");
		return NULL;
	}
	if ((from == NULL && q->room == NULL) || (from != NULL &&
	    strchr(from, '/') == NULL && jid_bare_equal(from, q->archive)))
		return q;
	log_warn("%s: ignoring an archive result from %s (we asked %s)",
	    pc->acc->name, from != NULL ? from : "(none)", q->archive);
	return NULL;
}

/*
 * A <message/> carrying an archive result (XEP-0313 §4.2): true when it
 * was one (handled or refused), false for any other message.
 *   <message><result xmlns='urn:xmpp:mam:2' queryid='q1' id='A1'>
 *     <forwarded xmlns='urn:xmpp:forward:0'><delay stamp='...'/>
 *     <message .../></forwarded></result></message>
 */
bool
proto_mam_result(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *result = xmpp_stanza_get_child_by_ns(st, NS_MAM);
	xmpp_stanza_t *fwd, *inner;
	struct proto_archived a = { 0 };
	struct mam_query *q;

	if (result == NULL || g_strcmp0(xmpp_stanza_get_name(result),
	    "result") != 0)
		return false;
	if (proto_resend_result(pc, st, result))
		return true;	/* a look for our unconfirmed messages */
	q = query_of(pc, st, result);
	fwd = xmpp_stanza_get_child_by_ns(result, NS_FORWARD);
	inner = fwd != NULL ? xmpp_stanza_get_child_by_name(fwd, "message") :
	    NULL;
	a.id = xmpp_stanza_get_attribute(result, "id");
	if (q == NULL || inner == NULL || a.id == NULL)
		return true;
	a.time = stamp_of(fwd);
	q->count++;
	q->page_count++;
	g_free(q->last);
	q->last = g_strdup(a.id);
	if (q->room != NULL)
		q->reached_stored = proto_muc_archived(pc, q->room, inner, &a);
	else
		proto_message_archived(pc, inner, &a);
	return true;
}
