/* SPDX-License-Identifier: MIT */
/*
 * The outbox (PRODUCT §5): every outgoing message, one-to-one or room,
 * waits here from the moment it is typed until the server confirms it.
 * Each keeps its stanza id and origin-id (XEP-0359) for life, so a message
 * sent again after a new session carries the same ids and the recipient
 * can de-duplicate it.
 *
 *   queued --send--> sent --round trip / room echo--> confirmed (dropped)
 *     ^                |
 *     +--new session---+        an error answering its id --> failed
 *
 * A message is queued while its account is offline (or its room not
 * joined) and sent, in the order typed, when it can go. After each batch
 * of sends the transport sends a round trip (a ping to our own server):
 * a server processes a stream in order, so its answer proves every chat
 * message sent before it was accepted. A room message is confirmed by the
 * room's echo of its id instead (the room may still refuse it). On each
 * new session everything still unconfirmed is sent again, with the same
 * ids so that the recipient can recognise a copy; but a server may have
 * taken a message just before the old session died, its confirmation
 * lost on the way. So a chat message sent but unconfirmed first becomes
 * "unsure", and when the transport can look in our own archive
 * (XEP-0313) the new session looks for it there: found (and proven
 * handled, see xmpp/proto-resend.c), it is confirmed and not sent again.
 * Meanwhile the account's messages wait (to keep their order), at most
 * iq.timeout seconds. Only this file decides what is sent again (the
 * protocol layer takes libstrophe's own resend back). Messages an
 * earlier run left pending come back as unsure (outbox-restore.c).
 * After a stream-management resumption, announced by
 * outbox_session_resumed() before
 * the 'online' event, nothing is resent (the library resends what the
 * server did not acknowledge) and a new round trip confirms what was
 * sent; without that call, a resumed session counts as new. core layer: never prints, emits message-pending,
 * message-confirmed and message-failed, and records each state in
 * history (message_state).
 */
#include <string.h>

#include "events.h"
#include "history.h"
#include "loop.h"
#include "outbox.h"
#include "outbox-restore.h"
#include "prefs.h"
#include "room.h"
#include "util/log.h"

#define OUTBOX_MAX 10000	/* messages waiting, all accounts */
#define RECENT_MAX 256		/* confirmed ones a late bounce may name */
/* The archive is searched from this long before the oldest unsure
 * message: its clock and ours may differ a little. */
#define LOOKUP_MARGIN_US (5 * 60 * G_USEC_PER_SEC)

enum entry_state {
	ENTRY_QUEUED,
	ENTRY_SENT,
	ENTRY_UNSURE,	/* sent in an earlier session (or run) and not
			   confirmed: looked for in the archive first */
};

/* A look in an account's archive for its unsure messages. */
struct check {
	char	*account;	/* owned */
	guint64	 token;
	guint	 timer;		/* the deadline (iq.timeout) */
};

struct entry {
	struct msg		*m;		/* owned copy */
	enum entry_state	 state;
	guint64			 token;		/* round trip that confirms */
};

static const struct outbox_transport *transport;
static GQueue entries = G_QUEUE_INIT;	/* struct entry, in order typed */
/*
 * Confirmed recently (struct entry, newest last): a server accepts a
 * message before a remote server or a room refuses it, so a bounce can
 * come after the confirmation and still fail its message.
 */
static GQueue recent = G_QUEUE_INIT;
static guint64 next_token;
static guint failures;
static guint subs[4];
static guint later_timer;	/* one more flush after the current turn */
static GHashTable *resumed;	/* accounts whose next 'online' resumed */
static GHashTable *checks;	/* account -> struct check, owned */
static guint64 next_check;

static GList	*find(GQueue *q, const char *account, const char *id);
static void	 drop(GQueue *q, GList *l, enum ev_kind kind,
		    const char *reason);

/*
 * A copy keeps what goes on the wire: an OTR message is sent again as the
 * same ciphertext (wire_body), never as its plain text (body).
 */
static struct msg *
msg_copy(const struct msg *m)
{
	struct msg *c = msg_new(m->dir, m->account, m->peer, m->body);

	g_free(c->type);
	c->type = g_strdup(m->type);
	c->resource = g_strdup(m->resource);
	c->id = g_strdup(m->id);
	c->origin_id = g_strdup(m->origin_id);
	c->corrects = g_strdup(m->corrects);
	c->encryption = g_strdup(m->encryption);
	c->wire_body = g_strdup(m->wire_body);
	c->time = m->time;
	return c;
}

static void
entry_free(struct entry *e)
{
	msg_free(e->m);
	g_free(e);
}

/*
 * Tell the front ends, and history, where m stands; a failure may carry
 * what its error condition means and its usual cause (else NULL).
 */
static void
emit_explained(enum ev_kind kind, const struct msg *m, const char *reason,
    const char *explanation, const char *likely_cause)
{
	struct ev ev = { .kind = kind, .account = m->account };

	ev.u.msg_state.explanation = explanation;
	ev.u.msg_state.likely_cause = likely_cause;

	history_set_state(m->account, m->id, kind == EV_MSG_PENDING ?
	    "pending" : kind == EV_MSG_CONFIRMED ? "confirmed" : "failed",
	    reason);

	ev.u.msg_state.peer = m->peer;
	ev.u.msg_state.id = m->id;
	ev.u.msg_state.type = m->type;
	ev.u.msg_state.body = m->body;
	ev.u.msg_state.reason = reason;
	ev_emit(&ev);
}

static void
emit(enum ev_kind kind, const struct msg *m, const char *reason)
{
	emit_explained(kind, m, reason, NULL, NULL);
}

/* Register the protocol layer's side. */
void
outbox_set_transport(const struct outbox_transport *t)
{
	transport = t;
}

/* True while account's unsure messages are looked for in its archive. */
static bool
checking(const char *account)
{
	return checks != NULL && g_hash_table_contains(checks, account);
}

/*
 * Keep a copy of m (which has its id and origin-id) until it is
 * confirmed, and send it now if it can go.
 */
void
outbox_add(const struct msg *m)
{
	struct entry *e;

	g_return_if_fail(m != NULL && m->id != NULL && m->account != NULL);
	if (entries.length >= OUTBOX_MAX) {
		log_warn("outbox full: %s to %s is not kept for resending",
		    m->id, m->peer);
		return;
	}
	e = g_new0(struct entry, 1);
	e->m = msg_copy(m);
	g_queue_push_tail(&entries, e);
	if (transport == NULL || !transport->ready(e->m))
		emit(EV_MSG_PENDING, e->m, msg_is_room(e->m) ?
		    "waiting to be in the room" : "waiting for the connection");
	else if (checking(m->account))
		emit(EV_MSG_PENDING, e->m, "waiting while natter checks which "
		    "earlier messages the server already has");
	outbox_flush(m->account);
}

/* Send what can go now; false when the account went offline meanwhile. */
static bool
send_entry(struct entry *e, guint64 token, bool *sent)
{
	g_autoptr(GError) err = NULL;

	if (!transport->ready(e->m))
		return true;
	if (!transport->send(e->m, &err)) {
		log_debug("outbox: %s not sent: %s", e->m->id,
		    err != NULL ? err->message : "?");
		return false;
	}
	e->state = ENTRY_SENT;
	e->token = msg_is_room(e->m) ? 0 : token;	/* rooms: the echo */
	*sent = *sent || e->token != 0;
	emit(EV_MSG_PENDING, e->m, msg_is_room(e->m) ?
	    "sent, waiting for the room's echo" :
	    "sent, waiting for the server to confirm it");
	return true;
}

/*
 * Send account's queued messages, in order, that can go now, then ask
 * for the round trip that will confirm them.
 */
void
outbox_flush(const char *account)
{
	GList *l;
	guint64 token = next_token + 1;
	bool sent = false;

	g_return_if_fail(account != NULL);
	if (transport == NULL || checking(account))
		return;		/* after the check, in the order typed */
	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state != ENTRY_QUEUED ||
		    strcmp(e->m->account, account) != 0)
			continue;
		if (!send_entry(e, token, &sent))
			break;
	}
	if (sent) {
		next_token = token;
		transport->round_trip(account, token);
	}
}

static void
check_free(struct check *c)
{
	if (c->timer != 0)
		loop_remove_timer(c->timer);
	g_free(c->account);
	g_free(c);
}

/* account's unsure messages go again (same ids), in the order typed. */
static void
requeue_unsure(const char *account)
{
	GList *l;

	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state == ENTRY_UNSURE &&
		    strcmp(e->m->account, account) == 0)
			e->state = ENTRY_QUEUED;
	}
}

/* The check of account is over (answered, failed or too late). */
static void
check_end(const char *account)
{
	g_autofree char *name = g_strdup(account);

	g_hash_table_remove(checks, name);
	requeue_unsure(name);
	outbox_flush(name);
}

static void
check_timeout_cb(void *data)
{
	struct check *c = data;

	c->timer = 0;
	log_info("%s: the archive did not answer within iq.timeout; "
	    "unconfirmed messages are sent again", c->account);
	check_end(c->account);
}

/* The oldest time of account's unsure messages, or 0 when none. */
static gint64
oldest_unsure(const char *account)
{
	gint64 oldest = 0;
	GList *l;

	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state == ENTRY_UNSURE &&
		    strcmp(e->m->account, account) == 0 &&
		    (oldest == 0 || e->m->time < oldest))
			oldest = e->m->time;
	}
	return oldest;
}

/*
 * Look for account's unsure messages in its archive, if the transport
 * can; false when it cannot (they are sent again at once).
 */
static bool
check_start(const char *account)
{
	gint64 since = oldest_unsure(account);
	struct check *c;
	guint64 token;

	if (since == 0 || transport == NULL || transport->lookup == NULL)
		return false;
	if (checks == NULL)
		checks = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		    (GDestroyNotify)check_free);
	token = ++next_check;
	c = g_new0(struct check, 1);
	c->account = g_strdup(account);
	c->token = token;
	g_hash_table_replace(checks, c->account, c);
	if (!transport->lookup(account, token, MAX(since -
	    LOOKUP_MARGIN_US, 1))) {
		g_hash_table_remove(checks, account);
		return false;
	}
	c = g_hash_table_lookup(checks, account);
	if (c == NULL || c->token != token)
		return true;	/* answered already */
	c->timer = loop_add_timer((gint64)prefs_get_int("iq.timeout") * 1000,
	    check_timeout_cb, c);
	return true;
}

/*
 * account has a new session: whatever was sent but not confirmed may be
 * lost, so it goes again (same ids), with anything still queued, in the
 * order typed; chat messages only after a look in the archive, when
 * there is one, shows that the server did not take them already.
 */
void
outbox_session_started(const char *account)
{
	GList *l;

	g_return_if_fail(account != NULL);
	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (strcmp(e->m->account, account) != 0 ||
		    e->state != ENTRY_SENT)
			continue;
		/* A room's echo confirms; our archive does not hold it. */
		e->state = msg_is_room(e->m) ? ENTRY_QUEUED : ENTRY_UNSURE;
		e->token = 0;
	}
	if (checks != NULL)
		g_hash_table_remove(checks, account);
	if (!check_start(account))
		requeue_unsure(account);
	outbox_flush(account);
}

/*
 * The archive answered the look that token started (found or not, or
 * it failed): what was not found is sent again now.
 */
void
outbox_lookup_done(const char *account, guint64 token)
{
	struct check *c;

	g_return_if_fail(account != NULL);
	c = checks != NULL ? g_hash_table_lookup(checks, account) : NULL;
	if (c != NULL && c->token == token)
		check_end(account);
}

/*
 * Our message with that origin-id (or id) is in account's archive: the
 * server took it. True when it was an unsure one (now confirmed).
 */
bool
outbox_archived(const char *account, const char *id)
{
	GList *l;

	g_return_val_if_fail(account != NULL, false);
	l = id != NULL ? find(&entries, account, id) : NULL;
	if (l == NULL || ((struct entry *)l->data)->state != ENTRY_UNSURE)
		return false;
	drop(&entries, l, EV_MSG_CONFIRMED, "found in the server's archive");
	return true;
}

/* account's messages still looked for in the archive. */
guint
outbox_unsure(const char *account)
{
	GList *l;
	guint n = 0;

	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state == ENTRY_UNSURE &&
		    strcmp(e->m->account, account) == 0)
			n++;
	}
	return n;
}

/*
 * Take back m, a message an earlier run of natter stored as pending: it
 * is unsure (perhaps sent, never confirmed) and goes with the next new
 * session, after the look in the archive. False when the outbox holds
 * it already or is full.
 */
bool
outbox_take_back(const struct msg *m)
{
	struct entry *e;

	g_return_val_if_fail(m != NULL && m->id != NULL &&
	    m->account != NULL, false);
	if (outbox_holds(m->account, m->id) || entries.length >= OUTBOX_MAX)
		return false;
	e = g_new0(struct entry, 1);
	e->m = msg_copy(m);
	e->state = msg_is_room(m) ? ENTRY_QUEUED : ENTRY_UNSURE;
	g_queue_push_tail(&entries, e);
	emit(EV_MSG_PENDING, e->m, "not confirmed before natter stopped; "
	    "sent again unless the server has it");
	return true;
}

/*
 * The protocol layer resumed account's stream (XEP-0198) and is about to
 * announce it online: the server kept what it acknowledged and the
 * library resends the rest, so that 'online' sends only what is queued
 * and asks a new round trip for what was sent, resending nothing.
 */
void
outbox_session_resumed(const char *account)
{
	g_return_if_fail(account != NULL);
	if (resumed == NULL)
		resumed = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
	g_hash_table_add(resumed, g_strdup(account));
}

/* After a resumption: one round trip for everything sent, then flush. */
static void
session_resumed(const char *account)
{
	guint64 token = next_token + 1;
	bool any = false;
	GList *l;

	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state == ENTRY_SENT && e->token != 0 &&
		    strcmp(e->m->account, account) == 0) {
			e->token = token;
			any = true;
		}
	}
	if (any && transport != NULL) {
		next_token = token;
		transport->round_trip(account, token);
	}
	/* Unsure ones (a check the loss cut short) are looked for again. */
	if (!check_start(account))
		requeue_unsure(account);
	outbox_flush(account);
}

static void
drop(GQueue *q, GList *l, enum ev_kind kind, const char *reason)
{
	struct entry *e = l->data;

	g_queue_delete_link(q, l);
	emit(kind, e->m, reason);
	if (kind != EV_MSG_CONFIRMED) {
		entry_free(e);
		return;
	}
	g_queue_push_tail(&recent, e);
	if (recent.length > RECENT_MAX)
		entry_free(g_queue_pop_head(&recent));
}

/* The round trip token came back: what was sent before it is confirmed. */
void
outbox_round_trip_done(const char *account, guint64 token)
{
	GList *l, *next;

	g_return_if_fail(account != NULL);
	for (l = entries.head; l != NULL; l = next) {
		struct entry *e = l->data;

		next = l->next;
		if (e->state == ENTRY_SENT && e->token != 0 &&
		    e->token <= token && strcmp(e->m->account, account) == 0)
			drop(&entries, l, EV_MSG_CONFIRMED,
			    "confirmed by the server");
	}
}

static GList *
find(GQueue *q, const char *account, const char *id)
{
	GList *l;

	for (l = q->head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (strcmp(e->m->account, account) == 0 &&
		    (g_strcmp0(e->m->id, id) == 0 ||
		    g_strcmp0(e->m->origin_id, id) == 0))
			return l;
	}
	return NULL;
}

/*
 * The message with that id (or origin-id) to peer was confirmed (how:
 * e.g. "echoed by the room"). False when no such message waits.
 */
bool
outbox_confirm(const char *account, const char *peer, const char *id,
    const char *how)
{
	GList *l;

	g_return_val_if_fail(account != NULL, false);
	l = id != NULL ? find(&entries, account, id) : NULL;
	if (l == NULL || g_strcmp0(((struct entry *)l->data)->m->peer, peer))
		return false;
	drop(&entries, l, EV_MSG_CONFIRMED, how);
	return true;
}

/*
 * The message with that id bounced (waiting or recently confirmed): it is
 * dropped, why is the reason; explanation and likely_cause (or NULL) say
 * what its error condition means.
 */
static bool
fail_explained(const char *account, const char *id, const char *why,
    const char *explanation, const char *likely_cause)
{
	GQueue *q = &entries;
	struct entry *e;
	GList *l;

	g_return_val_if_fail(account != NULL, false);
	if (id == NULL)
		return false;
	l = find(q, account, id);
	if (l == NULL)
		l = find(q = &recent, account, id);
	if (l == NULL)
		return false;
	e = l->data;
	g_queue_delete_link(q, l);
	emit_explained(EV_MSG_FAILED, e->m, why, explanation, likely_cause);
	entry_free(e);
	failures++;
	return true;
}

bool
outbox_fail(const char *account, const char *id, const char *why)
{
	return fail_explained(account, id, why, NULL, NULL);
}

/* Messages that bounced since natter started. */
guint
outbox_failures(void)
{
	return failures;
}

/* True while a message with that id (or origin-id) waits. */
bool
outbox_holds(const char *account, const char *id)
{
	g_return_val_if_fail(account != NULL, false);
	return id != NULL && find(&entries, account, id) != NULL;
}

/* Messages not confirmed yet, of account (NULL: all accounts). */
guint
outbox_unconfirmed(const char *account)
{
	GList *l;
	guint n = 0;

	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (account == NULL || strcmp(e->m->account, account) == 0)
			n++;
	}
	return n;
}

/* Flush every account that still has queued messages. */
static void
later_cb(void *data)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer account;
	GList *l;

	later_timer = 0;
	for (l = entries.head; l != NULL; l = l->next) {
		struct entry *e = l->data;

		if (e->state == ENTRY_QUEUED)
			g_hash_table_add(seen, g_strdup(e->m->account));
	}
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &account, NULL))
		outbox_flush(account);
}

/*
 * A new session: resend now, and flush once more after this loop turn,
 * for whatever the protocol layer could not take while it was still
 * announcing the session.
 */
static void
on_conn_state(const struct ev *ev, void *data)
{
	if (ev->account == NULL)
		return;
	/* First sign of the account in this run: take back what an
	 * earlier run left pending (before a session starts). */
	outbox_restore_account(ev->account, g_get_real_time(),
	    g_strcmp0(ev->u.conn_state.state, "online") != 0);
	if (g_strcmp0(ev->u.conn_state.state, "online") != 0) {
		/* The session of a check is gone: its messages stay unsure
		 * and are looked for again on the next one. */
		if (checks != NULL)
			g_hash_table_remove(checks, ev->account);
		return;
	}
	if (resumed != NULL && g_hash_table_remove(resumed, ev->account))
		session_resumed(ev->account);
	else
		outbox_session_started(ev->account);
	if (later_timer == 0 && outbox_unconfirmed(ev->account) > 0)
		later_timer = loop_add_timer(0, later_cb, NULL);
}

static void
on_error(const struct ev *ev, void *data)
{
	const struct ev_error *e = &ev->u.error;

	if (ev->account != NULL && e->id != NULL &&
	    g_strcmp0(e->stanza, "message") == 0)
		(void)fail_explained(ev->account, e->id, e->text,
		    e->explanation, e->likely_cause);
}

/* Our own message reflected by the room (XEP-0045 §7.4). */
static void
on_room_message(const struct ev *ev, void *data)
{
	const struct ev_room_message *rm = &ev->u.room_message;
	struct room *r = ev->account != NULL ?
	    room_find(ev->account, rm->room) : NULL;

	if (r == NULL || rm->delay != NULL || g_strcmp0(rm->nick, r->nick))
		return;
	(void)outbox_confirm(ev->account, r->jid, rm->id,
	    "echoed by the room");
}

static void
on_room_joined(const struct ev *ev, void *data)
{
	if (ev->account != NULL)
		outbox_flush(ev->account);
}

/* Follow sessions, bounces, room echoes and joins. */
void
outbox_init(void)
{
	subs[0] = ev_subscribe(EV_CONN_STATE, on_conn_state, NULL);
	subs[1] = ev_subscribe(EV_ERROR, on_error, NULL);
	subs[2] = ev_subscribe(EV_ROOM_MESSAGE, on_room_message, NULL);
	subs[3] = ev_subscribe(EV_ROOM_JOINED, on_room_joined, NULL);
}

/* Forget everything (shutdown and tests). */
void
outbox_free(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		if (subs[i] != 0)
			ev_unsubscribe(subs[i]);
		subs[i] = 0;
	}
	if (later_timer != 0)
		loop_remove_timer(later_timer);
	later_timer = 0;
	g_clear_pointer(&resumed, g_hash_table_unref);
	g_clear_pointer(&checks, g_hash_table_unref);
	next_check = 0;
	outbox_restore_forget();
	g_queue_clear_full(&entries, (GDestroyNotify)entry_free);
	g_queue_clear_full(&recent, (GDestroyNotify)entry_free);
	next_token = 0;
	failures = 0;
}
