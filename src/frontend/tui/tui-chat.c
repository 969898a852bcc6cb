/* SPDX-License-Identifier: MIT */
/*
 * Chat windows: incoming and sent messages, receipts, corrections, chat
 * states and presence lines, history when a window opens or the user asks
 * for more, and our own typing notifications. A message never takes the
 * focus; it marks its window's activity. frontend/tui layer.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/account.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/notify.h"
#include "core/otr.h"
#include "core/prefs.h"
#include "core/room.h"
#include "core/roster.h"
#include "tui-internal.h"
#include "util/jid.h"
#include "util/sanitize.h"
#include "util/str.h"

#define PAUSED_MS 5000		/* XEP-0085 §5.2: paused after ~5 s */

/* Bare JID of a JID from an event (events carry valid JIDs). */
static char *
bare_of(const char *jid)
{
	char *bare = jid_bare_of(jid);

	return bare != NULL ? bare : g_strdup(jid);
}

/*
 * The name to show for a contact: roster name, else the bare JID; the
 * nick for an occupant's room JID (a private message).
 */
static const char *
contact_name(const char *account, const char *bare)
{
	const char *slash = strchr(bare, '/');
	struct account *acc;
	struct roster_item *it;

	if (slash != NULL)
		return slash + 1;
	acc = account_find(account);
	it = acc != NULL ? roster_find(acc->roster, bare) : NULL;
	return it != NULL && it->name != NULL ? it->name : bare;
}

/*
 * The window key of a message's other party: the bare JID, or the full
 * occupant JID of a private message through a room.
 */
static char *
peer_of(const char *account, const char *jid)
{
	g_autofree char *bare = bare_of(jid);

	if (room_find(account, bare) != NULL)
		return g_strdup(jid);
	return g_steal_pointer(&bare);
}

static const char *
own_name(struct account *acc)
{
	const char *nick = acc != NULL ? account_get(acc, "nick") : NULL;

	return nick != NULL ? nick : "me";
}

static void load_into(struct tui_win *w, guint n);

static void
correct(struct tui_win *w, const struct ev_message *m)
{
	struct tui_line *line = tui_win_find_line(w, m->corrects);
	g_autofree char *safe = NULL;

	if (line == NULL)
		return;
	safe = sanitize_text(m->body, (size_t)-1, SANITIZE_KEEP_NEWLINE);
	g_free(line->text);
	line->text = g_strdup_printf("%s [corrected]", safe);
	tui_mark_dirty();
}

/* "<text>  ✗ failed: condition (type): server text" (once). */
static void
mark_failed(struct tui_line *line, const struct ev_error *e,
    const char *why)
{
	g_autofree char *cond = sanitize_str(e->condition != NULL ?
	    e->condition : "error");
	g_autofree char *type = e->type != NULL ? sanitize_str(e->type) :
	    NULL;
	char *text;

	if (strstr(line->text, "  \u2717 failed: ") != NULL)
		return;
	text = g_strdup_printf("%s  \u2717 failed: %s%s%s%s%s", line->text,
	    cond, type != NULL ? " (" : "", type != NULL ? type : "",
	    type != NULL ? ")" : "", *why != '\0' ? ": " : "");
	g_free(line->text);
	line->text = g_strconcat(text, why, NULL);
	g_free(text);
	line->elem = TUI_ERROR;
}

static void
on_message(const struct ev *ev)
{
	const struct ev_message *m = &ev->u.message;
	bool in = ev->kind == EV_MSG_RECEIVED;
	g_autofree char *peer = peer_of(ev->account, in ? m->from : m->to);
	struct tui_win *w = tui_win_find_chat(ev->account, peer);
	struct account *acc = account_find(ev->account);
	bool fresh = w == NULL;

	if (w == NULL)
		w = tui_win_open_chat(ev->account, peer, false);
	if (in)
		g_clear_pointer(&w->typing, g_free);
	if (fresh && history_available())
		load_into(w, 50);	/* already holds this message */
	if (fresh && w->lines.length > 0) {
		w->unread = in ? 1 : 0;
		tui_win_publish(w);
	} else if (m->corrects != NULL &&
	    tui_win_find_line(w, m->corrects) != NULL) {
		correct(w, m);
	} else {
		tui_win_add_msg(w, ev->time, in ? contact_name(ev->account,
		    peer) : own_name(acc), !in, m->body, m->id, false);
	}
	if (!in)
		return;
	tui_win_activity(w, TUI_ACT_MENTION);	/* a private message */
	if (w != tui_win_current())
		tui_notify(contact_name(ev->account, peer), m->body);
}

static void
on_receipt(const struct ev *ev)
{
	g_autofree char *peer = peer_of(ev->account, ev->u.receipt.from);
	struct tui_win *w = tui_win_find_chat(ev->account, peer);
	struct tui_line *line = w != NULL ?
	    tui_win_find_line(w, ev->u.receipt.id) : NULL;

	if (line != NULL && !line->receipt) {
		line->receipt = true;
		tui_mark_dirty();
	}
}

/*
 * Our line waits in the outbox (marked "⋯") until the server confirms it
 * or it fails (the error marks it ✗ with the reason).
 */
static void
on_msg_state(const struct ev *ev)
{
	const struct ev_msg_state *s = &ev->u.msg_state;
	struct tui_win *w = tui_win_find_chat(ev->account, s->peer);
	struct tui_line *line = w != NULL && s->id != NULL ?
	    tui_win_find_line(w, s->id) : NULL;

	if (line == NULL || w->kind != TUI_WIN_CHAT)
		return;
	line->pending = ev->kind == EV_MSG_PENDING;
	tui_mark_dirty();
}

static void
on_chat_state(const struct ev *ev)
{
	g_autofree char *peer = peer_of(ev->account, ev->u.chat_state.from);
	struct tui_win *w = tui_win_find_chat(ev->account, peer);
	const char *s = ev->u.chat_state.state;

	if (w == NULL)
		return;
	g_free(w->typing);
	w->typing = strcmp(s, "composing") == 0 ? g_strdup("typing") :
	    strcmp(s, "paused") == 0 ? g_strdup("stopped typing") :
	    strcmp(s, "gone") == 0 ? g_strdup("left the chat") : NULL;
	tui_mark_dirty();
}

static void
on_presence(const struct ev *ev)
{
	const struct ev_presence *p = &ev->u.presence;
	g_autofree char *peer = bare_of(p->from);
	struct tui_win *w = tui_win_find_chat(ev->account, peer);
	const char *show = strcmp(p->type, "unavailable") == 0 ? "offline" :
	    p->show != NULL ? p->show : "online";

	if (w != NULL) {
		tui_win_print(w, TUI_INFO, "%s is %s%s%s", p->from, show,
		    p->status != NULL ? ": " : "", p->status ? p->status : "");
		tui_win_activity(w, TUI_ACT_EVENT);
	}
	tui_mark_dirty();	/* roster pane */
}

static void
on_subscription(const struct ev *ev)
{
	const struct ev_subscription *s = &ev->u.subscription;
	struct tui_win *con = tui_win_nth(0);

	if (strcmp(s->type, "subscribe") == 0)
		tui_win_print(con, TUI_INFO, "%s: %s wants to see your "
		    "presence%s%s\n  /sub allow %s   to accept\n  /sub deny %s"
		    "    to refuse", ev->account, s->from,
		    s->status != NULL ? ": " : "", s->status ? s->status : "",
		    s->from, s->from);
	else
		tui_win_print(con, TUI_INFO, "%s: %s: %s", ev->account,
		    s->from, strcmp(s->type, "subscribed") == 0 ?
		    "you may now see their presence" :
		    strcmp(s->type, "unsubscribed") == 0 ?
		    "refused or revoked your subscription" :
		    "stopped following your presence");
	tui_win_activity(con, TUI_ACT_MESSAGE);
}

/*
 * Tell the user about a private message or mention in a window they are
 * not reading: bell, terminal notification, notification command (never
 * blocking: a child process).
 */
void
tui_notify(const char *from, const char *body)
{
	g_autofree char *title = g_strdup_printf("natter: %s", from);
	g_autofree char *t = sanitize_str(title);
	g_autofree char *b = sanitize_str(body);
	g_autofree char *short_b = sanitize_fit(b, 200);
	const char *osc = prefs_get("notify.osc");

	if (prefs_get_bool("ui.bell"))
		beep();
	if (strcmp(osc, "osc9") == 0)
		printf("\033]9;%s: %s\007", t, short_b);
	else if (strcmp(osc, "osc777") == 0)
		printf("\033]777;notify;%s;%s\007", t, short_b);
	fflush(stdout);
	(void)notify_spawn(title, body);
}

/*
 * Under an error in w, what its condition means and its likely cause
 * (our own words from util/xmpp-errors, so nothing to sanitize).
 */
void
tui_error_explain(struct tui_win *w, const struct ev_error *e)
{
	if (e->explanation == NULL)
		return;
	tui_win_print(w, TUI_ERROR, "  \u2192 %s%s%s", e->explanation,
	    e->likely_cause != NULL ? "; likely cause: " : "",
	    e->likely_cause != NULL ? e->likely_cause : "");
}

/*
 * An error about something sent in a chat or room: the line of the message
 * it answers (by id) is marked failed in that window, or the error is said
 * there. False when it belongs to no open window (the console shows it).
 */
bool
tui_chat_on_error(const struct ev *ev)
{
	const struct ev_error *e = &ev->u.error;
	struct tui_win *w = e->conversation != NULL ?
	    tui_win_find_chat(ev->account, e->conversation) : NULL;
	struct tui_line *line = w != NULL && e->id != NULL ?
	    tui_win_find_line(w, e->id) : NULL;
	g_autofree char *why = NULL;

	if (w == NULL)
		return false;
	if (line == NULL) {
		tui_win_print(w, TUI_ERROR, "%s", e->text);
	} else {
		const char *st = e->server_text != NULL ? e->server_text : "";

		/* at most 512 bytes of the server's words, never past them */
		why = sanitize_text(st, strnlen(st, 512), SANITIZE_ONE_LINE);
		mark_failed(line, e, why);
	}
	tui_error_explain(w, e);
	tui_win_activity(w, TUI_ACT_MENTION);
	tui_mark_dirty();
	return true;
}

/*
 * OTR state changes and authentication steps: a line in the contact's
 * window (the console when there is none); the title bar follows.
 */
static void
on_otr(const struct ev *ev)
{
	bool smp = ev->kind == EV_OTR_SMP;
	const char *peer = smp ? ev->u.otr_smp.peer : ev->u.otr_state.peer;
	const char *text = smp ? ev->u.otr_smp.text : ev->u.otr_state.text;
	const char *fp = smp ? NULL : ev->u.otr_state.fingerprint;
	struct tui_win *w = tui_win_find_chat(ev->account, peer);

	if (w == NULL)
		w = tui_win_nth(0);
	tui_win_print(w, TUI_INFO, "OTR: %s%s%s", text != NULL ? text : "",
	    fp != NULL ? "; fingerprint " : "", fp != NULL ? fp : "");
	tui_win_activity(w, TUI_ACT_EVENT);
	tui_mark_dirty();
}

/* Chat-related events (called by tui.c's event sink). */
void
tui_chat_on_event(const struct ev *ev)
{
	switch (ev->kind) {
	case EV_OTR_STATE:
	case EV_OTR_SMP:
		on_otr(ev);
		break;
	case EV_MSG_RECEIVED:
	case EV_MSG_SENT:
		on_message(ev);
		break;
	case EV_RECEIPT:
		on_receipt(ev);
		break;
	case EV_MSG_PENDING:
	case EV_MSG_CONFIRMED:
	case EV_MSG_FAILED:
		on_msg_state(ev);
		break;
	case EV_CHAT_STATE:
		on_chat_state(ev);
		break;
	case EV_PRESENCE:
		on_presence(ev);
		break;
	case EV_SUBSCRIPTION:
		on_subscription(ev);
		break;
	case EV_ROSTER_ITEM:
		tui_mark_dirty();
		break;
	default:
		break;
	}
}

/* History row of the oldest message line of w, found by its id, or 0. */
static gint64
oldest_held_row(struct tui_win *w)
{
	GList *l;

	for (l = w->lines.head; l != NULL; l = l->next) {
		struct tui_line *line = l->data;

		if (line->id != NULL)
			return history_row_of_id(w->account, w->peer,
			    line->id);
	}
	return 0;
}

/*
 * Who wrote m, a message of w's conversation read back from history: in a
 * room the occupant's nick (ours: the room's nick for us), in a chat the
 * contact's name or ours.
 */
static const char *
sender_of(struct tui_win *w, struct account *acc, const struct msg *m)
{
	struct room *r;

	if (w->kind == TUI_WIN_ROOM) {
		r = room_find(w->account, w->peer);
		if (m->dir == MSG_OUT)
			return r != NULL && r->nick != NULL ? r->nick :
			    own_name(acc);
		return m->resource != NULL ? m->resource : w->peer;
	}
	return m->dir == MSG_OUT ? own_name(acc) :
	    contact_name(w->account, w->peer);
}

/* Put up to n older messages from history before the first line of w. */
static void
load_into(struct tui_win *w, guint n)
{
	struct account *acc;
	g_autoptr(GPtrArray) l = NULL;
	g_autoptr(GError) err = NULL;
	bool dedupe = false;
	guint i;

	if (!tui_win_has_history(w))
		return;
	/*
	 * Live lines, or lines kept after older ones were dropped: resume
	 * before the oldest line held; failing that, the newest rows are
	 * those lines (skipped by id).
	 */
	if (w->oldest_row == 0 && w->lines.length > 0) {
		w->oldest_row = oldest_held_row(w);
		dedupe = w->oldest_row == 0;
	}
	acc = account_find(w->account);
	l = history_load(w->account, w->peer, w->oldest_row, n, &err);
	if (err != NULL) {
		tui_win_print(w, TUI_ERROR, "%s", err->message);
		return;
	}
	for (i = l->len; i-- > 0;) {
		struct msg *m = g_ptr_array_index(l, i);

		if (!(dedupe && m->id != NULL && tui_win_find_line(w, m->id) !=
		    NULL) && tui_win_add_msg(w, m->time, sender_of(w, acc, m),
		    m->dir == MSG_OUT, m->body, m->id, true) == NULL)
			break;	/* the window is full: resume here later */
		w->oldest_row = m->row;
	}
}

/* Lines from the bottom of w to the line of message id (or time). */
static long
lines_back_to(struct tui_win *w, const char *id, gint64 time)
{
	GList *l = g_queue_peek_tail_link(&w->lines);
	long k;

	for (k = 0; l != NULL; l = l->prev, k++) {
		struct tui_line *line = l->data;

		if (id != NULL ? g_strcmp0(line->id, id) == 0 :
		    line->time == time)
			return k;
	}
	return -1;
}

/* How far back a jump reads history: JUMP_READS reads of JUMP_STEP. */
#define JUMP_READS	50
#define JUMP_STEP	200

/*
 * Show the message id (or at time) of account/peer in its window, loading
 * older history of the chat or room until it is there (bounded). False
 * when it cannot be shown (a room without a window, or further back than
 * the reads go).
 */
static bool
jump(const char *account, const char *peer, bool room, const char *id,
    gint64 time)
{
	struct tui_win *w = room ? tui_win_find_chat(account, peer) :
	    tui_win_open_chat(account, peer, false);
	bool anchored;
	long k;
	int tries;

	if (w == NULL)
		return false;
	if (w->lines.length == 0)
		load_into(w, 50);
	/* Scrolled back while it reads: older lines may go beyond those kept. */
	anchored = w->anchor == NULL;
	if (anchored)
		w->anchor = g_queue_peek_tail_link(&w->lines);
	for (tries = 0; (k = lines_back_to(w, id, time)) < 0 &&
	    tries < JUMP_READS; tries++) {
		gint64 before = w->oldest_row;

		load_into(w, JUMP_STEP);
		if (w->oldest_row == before)
			break;
	}
	if (k < 0) {
		if (anchored)
			tui_win_unscroll(w);
		return false;
	}
	tui_win_show(w);
	/* The line lands in the middle of the window. */
	w->anchor = g_queue_peek_nth_link(&w->lines,
	    w->lines.length - 1 - (guint)k);
	w->anchor_rows = 0;
	tui_view_scroll(w, -(long)(tui_main_height() / 2));
	tui_mark_dirty();
	return true;
}

/* Microseconds since the epoch of an ISO 8601 time, or 0. */
static gint64
usec_of(const char *iso)
{
	g_autoptr(GDateTime) t = iso != NULL ?
	    g_date_time_new_from_iso8601(iso, NULL) : NULL;

	if (t == NULL)
		return 0;
	return g_date_time_to_unix(t) * G_USEC_PER_SEC +
	    g_date_time_get_microsecond(t);
}

/*
 * EV_WINDOW_JUMP (/search -j N): show the message in its window, or say
 * in the current window why it cannot be shown.
 */
void
tui_chat_on_jump(const struct ev *ev)
{
	const struct ev_window_jump *j = &ev->u.window_jump;
	bool room = g_strcmp0(j->window, "room") == 0;
	const char *what = j->result != NULL ? j->result : "?";
	long keep;

	if (ev->account == NULL || j->peer == NULL)
		return;
	if (jump(ev->account, j->peer, room, j->id, usec_of(j->message_time)))
		return;
	if (room && tui_win_find_chat(ev->account, j->peer) == NULL) {
		tui_win_print(tui_win_current(), TUI_ERROR, "result %s is in "
		    "room %s, which has no window: /join it to read it there",
		    what, j->peer);
		return;
	}
	keep = JUMP_READS * JUMP_STEP;
	tui_win_print(tui_win_current(), TUI_ERROR, "result %s is older than "
	    "the %ld %s the window of %s reads back to find it", what, keep,
	    str_plural(keep, "line", "lines"), j->peer);
}

/* Load n older messages of w's conversation into w (/history N). */
void
tui_chat_load_history(struct tui_win *w, guint n)
{
	load_into(w, n);
}

static void
paused_cb(void *data)
{
	struct tui_win *w = data;

	w->paused_timer = 0;
	if (w->sent_composing && cmd_chat_state(w->account, w->peer, "paused"))
		w->sent_composing = false;
}

/*
 * The input line changed: in a chat, say we are composing (once), and
 * paused after PAUSED_MS without typing (XEP-0085 §5).
 */
void
tui_chat_typed(void)
{
	struct tui_win *w = tui_win_current();

	if (w->kind != TUI_WIN_CHAT)
		return;
	if (w->paused_timer != 0)
		loop_remove_timer(w->paused_timer);
	w->paused_timer = 0;
	if (!w->sent_composing)
		w->sent_composing = cmd_chat_state(w->account, w->peer,
		    "composing");
	if (w->sent_composing)
		w->paused_timer = loop_add_timer(PAUSED_MS, paused_cb, w);
}

/* Title bar text of a chat window: contact, presence, typing. */
void
tui_chat_title(struct tui_win *w, GString *out)
{
	struct account *acc = account_find(w->account);
	struct roster_item *it = acc != NULL ? roster_find(acc->roster,
	    w->peer) : NULL;
	const struct roster_res *best = it != NULL ? roster_item_best(it) :
	    NULL;

	g_string_append(out, w->peer);
	if (it != NULL && it->name != NULL)
		g_string_append_printf(out, " (%s)", it->name);
	if (it != NULL)
		g_string_append_printf(out, " - %s%s%s", roster_item_show(it),
		    best != NULL && best->status != NULL ? ": " : "",
		    best != NULL && best->status != NULL ? best->status : "");
	if (w->typing != NULL)
		g_string_append_printf(out, " - %s", w->typing);
	g_string_append_printf(out, " [%s]", tui_chat_otr_label(w));
}

/* The OTR state of a chat window as the bars show it (PRODUCT §8). */
const char *
tui_chat_otr_label(struct tui_win *w)
{
	static const char *const labels[] = { "plain", "OTR untrusted",
		"OTR trusted", "OTR finished" };

	return labels[otr_state_of(w->account, w->peer)];
}
