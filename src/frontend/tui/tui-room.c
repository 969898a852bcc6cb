/* SPDX-License-Identifier: MIT */
/*
 * Room windows (XEP-0045 in the TUI): room messages (history marked),
 * joins, leaves, nick changes, subject, kicks and bans as lines; the title
 * shows the subject; mentions of our nick (or muc.highlight words) raise
 * the window to the highest activity and notify. The occupants pane lists
 * occupants grouped by role, affiliation marked, with presence; its view
 * is rebuilt only when the room changed. frontend/tui layer.
 */
#include <curses.h>
#include <string.h>

#include "core/prefs.h"
#include "core/room.h"
#include "tui-internal.h"
#include "util/sanitize.h"

/* The window of a room, created (and focused when asked) if needed. */
struct tui_win *
tui_room_window(const char *account, const char *room, bool focus)
{
	struct tui_win *w = tui_win_find_chat(account, room);
	guint i;

	if (w == NULL) {
		w = tui_win_open_chat(account, room, false);
		w->kind = TUI_WIN_ROOM;
		tui_win_publish(w);
	}
	for (i = 0; focus && i < tui_win_count(); i++)
		if (tui_win_nth(i) == w)
			tui_win_focus(i);
	return w;
}

/* The window collecting mentions from every room (created on demand). */
struct tui_win *
tui_mentions_window(bool focus)
{
	struct tui_win *w = NULL;
	guint i;

	for (i = 0; i < tui_win_count() && w == NULL; i++)
		if (tui_win_nth(i)->kind == TUI_WIN_MENTIONS)
			w = tui_win_nth(i);
	if (w == NULL) {
		w = tui_win_add(tui_win_new("mentions"));
		w->kind = TUI_WIN_MENTIONS;
		tui_win_publish(w);
	}
	if (focus)
		tui_win_show(w);
	return w;
}

/* Copy a live mention to the mentions window, sender as room/nick. */
static void
collect_mention(const struct ev *ev)
{
	const struct ev_room_message *m = &ev->u.room_message;
	struct tui_win *w = tui_mentions_window(false);
	g_autofree char *who = g_strdup_printf("%s/%s", m->room, m->nick);

	(void)tui_win_add_msg(w, ev->time, who, false, m->body, NULL, false);
	tui_win_activity(w, TUI_ACT_MESSAGE);
}

static void
on_room_message(const struct ev *ev)
{
	const struct ev_room_message *m = &ev->u.room_message;
	struct tui_win *w = tui_room_window(ev->account, m->room, false);
	struct room *r = room_find(ev->account, m->room);
	bool own = r != NULL && g_strcmp0(r->nick, m->nick) == 0;
	struct tui_line *l;

	if (*m->nick == '\0') {		/* from the room itself */
		tui_win_print(w, TUI_INFO, "%s", m->body);
		return;
	}
	/* Our echo of a line shown when it was typed (outbox). */
	if (own && m->delay == NULL && m->id != NULL &&
	    tui_win_find_line(w, m->id) != NULL)
		return;
	l = tui_win_add_msg(w, ev->time, m->nick, own, m->body, m->id, false);
	if (m->delay != NULL) {
		l->elem = TUI_TIME;	/* room history: dimmed */
		return;
	}
	if (m->mention != NULL) {
		l->prefix_elem = TUI_STATUS_MENTION;
		tui_win_activity(w, TUI_ACT_MENTION);
		collect_mention(ev);
		if (w != tui_win_current())
			tui_notify(m->room, m->body);
	} else if (!own) {
		tui_win_activity(w, TUI_ACT_MESSAGE);
	}
}

/*
 * Our room message is shown when typed, marked "⋯" until the room echoes
 * it (or an error marks it failed).
 */
static void
on_msg_state(const struct ev *ev)
{
	const struct ev_msg_state *s = &ev->u.msg_state;
	struct room *r = room_find(ev->account, s->peer);
	struct tui_win *w;
	struct tui_line *l;

	if (r == NULL || g_strcmp0(s->type, "groupchat") != 0 || s->id == NULL)
		return;
	w = tui_room_window(ev->account, r->jid, false);
	l = tui_win_find_line(w, s->id);
	if (l == NULL && ev->kind != EV_MSG_PENDING)
		return;
	if (l == NULL)
		l = tui_win_add_msg(w, ev->time, r->nick != NULL ? r->nick :
		    "me", true, s->body != NULL ? s->body : "", s->id, false);
	l->pending = ev->kind == EV_MSG_PENDING;
	tui_mark_dirty();
}

static void
on_occupant(const struct ev *ev)
{
	const struct ev_occupant *o = &ev->u.occupant;
	struct tui_win *w = tui_win_find_chat(ev->account, o->room);
	struct room *r = room_find(ev->account, o->room);

	if (w == NULL)
		return;
	if (ev->kind == EV_OCCUPANT_JOINED && r != NULL && r->joined)
		tui_win_print(w, TUI_INFO, "%s joined (%s, %s)%s%s", o->nick,
		    o->role, o->affiliation, o->jid != NULL ? " " : "",
		    o->jid != NULL ? o->jid : "");
	else if (ev->kind == EV_OCCUPANT_LEFT)
		tui_win_print(w, o->reason != NULL ? TUI_ERROR : TUI_INFO,
		    "%s left%s%s", o->nick, o->reason != NULL ? ": " : "",
		    o->reason != NULL ? o->reason : "");
	else if (o->new_nick != NULL)
		tui_win_print(w, TUI_INFO, "%s is now known as %s", o->nick,
		    o->new_nick);
	else
		return;
	tui_win_activity(w, TUI_ACT_EVENT);
}

static void
on_room(const struct ev *ev)
{
	const struct ev_room *r = &ev->u.room;
	struct tui_win *w = tui_room_window(ev->account, r->room, false);

	if (ev->kind == EV_ROOM_JOINED) {
		tui_win_print(w, TUI_INFO, "you joined %s as %s%s%s", r->room,
		    r->nick, r->reason != NULL ? "; " : "",
		    r->reason != NULL ? r->reason : "");
	} else if (ev->kind == EV_ROOM_SUBJECT) {
		tui_win_print(w, TUI_INFO, "subject%s%s: %s",
		    r->nick != NULL ? " set by " : "", r->nick ? r->nick : "",
		    r->reason != NULL && *r->reason != '\0' ? r->reason :
		    "(none)");
	} else {
		tui_win_print(w, TUI_ERROR, "%s: %s", r->room, r->reason != NULL ?
		    r->reason : "left");
		tui_win_activity(w, TUI_ACT_MENTION);
	}
	tui_mark_dirty();
}

static void
on_invitation(const struct ev *ev)
{
	const struct ev_invitation *i = &ev->u.invitation;

	tui_win_print(tui_win_nth(0), TUI_INFO, "%s: %s invites you to %s%s%s"
	    "\n  /join %s%s%s   to accept", ev->account, i->from ? i->from :
	    "someone", i->room, i->reason ? ": " : "", i->reason ? i->reason :
	    "", i->room, i->password ? " password " : "",
	    i->password ? i->password : "");
	tui_win_activity(tui_win_nth(0), TUI_ACT_MENTION);
}

/* Room events (called by tui.c's event sink). */
void
tui_room_on_event(const struct ev *ev)
{
	switch (ev->kind) {
	case EV_ROOM_MESSAGE:
		on_room_message(ev);
		break;
	case EV_MSG_PENDING:
	case EV_MSG_CONFIRMED:
	case EV_MSG_FAILED:
		on_msg_state(ev);
		break;
	case EV_OCCUPANT_JOINED:
	case EV_OCCUPANT_LEFT:
	case EV_OCCUPANT_CHANGED:
		on_occupant(ev);
		tui_mark_dirty();
		break;
	case EV_ROOM_JOINED:
	case EV_ROOM_LEFT:
	case EV_ROOM_SUBJECT:
		on_room(ev);
		break;
	case EV_INVITATION:
		on_invitation(ev);
		break;
	default:
		break;
	}
}

/* Title bar text of a room window: room, our nick, subject. */
void
tui_room_title(struct tui_win *w, GString *out)
{
	struct room *r = room_find(w->account, w->peer);

	g_string_append(out, w->peer);
	if (r == NULL || !r->joined) {
		g_string_append(out, " (not joined)");
		return;
	}
	g_string_append_printf(out, " as %s (%u)", r->nick,
	    room_occupant_count(r));
	if (r->subject != NULL && *r->subject != '\0')
		g_string_append_printf(out, " - %s", r->subject);
}

/* ---- occupants pane ------------------------------------------------ */

static guint otop;		/* first visible row of the occupants pane */

static const char *
affiliation_mark(unsigned aff)
{
	return aff == AFF_OWNER ? "~" : aff == AFF_ADMIN ? "&" :
	    aff == AFF_MEMBER ? "+" : " ";
}

/* Columns of the occupants pane (0 when hidden). */
int
tui_occupants_width(void)
{
	int w = (int)prefs_get_int("ui.roster_width");

	if (!prefs_get_bool("ui.occupants") || COLS < w + 20)
		return 0;
	return w;
}

/*
 * Draw the occupants of w's room: the room keeps them sorted, so this
 * walks the sequence from the top of the pane to its bottom only, with
 * a heading before each role. Returns how many occupants the room has
 * (for the benchmark trace).
 */
guint
tui_occupants_draw(struct tui_win *w, int y0, int height, int left,
    int width)
{
	static const char *const titles[] = { "Moderators", "Participants",
		"Visitors" };
	struct room *r = room_find(w->account, w->peer);
	bool jid = prefs_get_bool("ui.occupants_jid");
	struct occupant *o;
	int y, group = -1;
	guint row = 0, i = 0;

	for (y = 0; y < height; y++) {
		attrset(tui_theme_attr(TUI_STATUS));
		mvaddch(y0 + y, left, ' ');
		attrset(A_NORMAL);
		move(y0 + y, left + 1);
		clrtoeol();
	}
	y = 0;
	while (r != NULL && (o = room_sorted_nth(r, i)) != NULL && y < height) {
		int rank = MIN(o->role, ROLE_VISITOR);

		if (rank != group) {
			group = rank;
			if (row++ >= otop)
				tui_pane_row(y0 + y++, left, width,
				    titles[rank], TUI_PANE_GROUP);
			continue;
		}
		if (row++ >= otop) {
			enum tui_elem e;
			const char *sym = tui_presence_symbol(
			    room_show_name(o->show), &e);
			g_autofree char *line = g_strdup_printf("%s%s%s%s%s",
			    sym, affiliation_mark(o->affiliation), o->nick,
			    jid && o->jid ? " " : "", jid && o->jid ? o->jid :
			    "");

			tui_pane_row(y0 + y++, left, width, line, e);
		}
		i++;
	}
	return r != NULL ? room_occupant_count(r) : 0;
}

/* Scroll the occupants pane by pages (positive: down). */
void
tui_occupants_scroll(int pages)
{
	struct tui_win *w = tui_win_current();
	struct room *r = room_find(w->account, w->peer);
	long rows = r != NULL ? (long)room_occupant_count(r) + 3 : 0;
	long t = (long)otop + (long)pages * MAX(LINES - 5, 1);

	otop = (guint)CLAMP(t, 0, MAX(rows - 1, 0));
	tui_mark_dirty();
}
