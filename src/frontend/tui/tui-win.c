/* SPDX-License-Identifier: MIT */
/*
 * The TUI's windows: a numbered list (1 is the console), each with a
 * bounded queue of sanitized lines (ui.scrollback) and a scroll position.
 * Keeps the core's window list (core/windows.h) up to date, which the
 * command layer reads (/wins, /unread, /win and /close check against
 * it), and acts on the window events commands emit: open, jump, history,
 * select, close, clear. frontend/tui layer.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "core/windows.h"
#include "core/xmlcon.h"
#include "tui-internal.h"
#include "util/errors.h"
#include "util/sanitize.h"

#define SEARCH_BACK 500		/* lines searched for a message id */

static GPtrArray *wins;		/* struct tui_win, owned; [0] is the console */
static guint current;

static void
line_free(struct tui_line *l)
{
	g_free(l->text);
	if (l->prefix != NULL)
		g_ref_string_release(l->prefix);
	g_free(l->id);
	g_free(l);
}

static void
win_free(struct tui_win *w)
{
	g_free(w->name);
	g_free(w->account);
	g_free(w->peer);
	g_free(w->typing);
	if (w->paused_timer != 0)
		loop_remove_timer(w->paused_timer);
	g_queue_clear_full(&w->lines, (GDestroyNotify)line_free);
	g_free(w);
}

struct tui_win *
tui_win_new(const char *name)
{
	struct tui_win *w = g_new0(struct tui_win, 1);

	w->name = g_strdup(name);
	g_queue_init(&w->lines);
	return w;
}

/* Index of w in the list, or G_MAXUINT. */
static guint
index_of(const struct tui_win *w)
{
	guint i;

	for (i = 0; wins != NULL && i < wins->len; i++)
		if (g_ptr_array_index(wins, i) == w)
			return i;
	return G_MAXUINT;
}

/*
 * Copy w into the core's window list (core/windows.h), which commands
 * and the control socket read: call after creating w or changing its
 * kind, unread count or activity.
 */
void
tui_win_publish(const struct tui_win *w)
{
	static const char *const kinds[] = { "console", "chat", "room",
		"xmlconsole", "mentions", "pubsub" };
	struct window m = { .name = w->name, .account = w->account,
		.peer = w->peer, .unread = w->unread,
		.highlight = w->activity == TUI_ACT_MENTION };
	guint i = index_of(w);

	G_STATIC_ASSERT(G_N_ELEMENTS(kinds) == TUI_WIN_PUBSUB + 1);
	if (i == G_MAXUINT)
		return;
	m.kind = kinds[w->kind];
	windows_set(i, &m);
}

/* Create the console window. */
void
tui_win_init(void)
{
	wins = g_ptr_array_new_with_free_func((GDestroyNotify)win_free);
	g_ptr_array_add(wins, tui_win_new("console"));
	current = 0;
	windows_reset();
	tui_win_publish(tui_win_current());
}

/* Free every window. */
void
tui_win_free_all(void)
{
	g_clear_pointer(&wins, g_ptr_array_unref);
	windows_reset();
}

/* The window being shown. */
struct tui_win *
tui_win_current(void)
{
	return g_ptr_array_index(wins, current);
}

/* Window i (0-based), or NULL. */
struct tui_win *
tui_win_nth(guint i)
{
	return i < wins->len ? g_ptr_array_index(wins, i) : NULL;
}

/* Number of windows. */
guint
tui_win_count(void)
{
	return wins->len;
}

/* Index of the window being shown. */
guint
tui_win_current_index(void)
{
	return current;
}

/* Show window i; clears its activity. */
void
tui_win_focus(guint i)
{
	struct tui_win *w;

	if (i >= wins->len)
		return;
	w = tui_win_current();
	if (i != current) {	/* the read marker goes where we stopped */
		w->read_seq = w->next_seq;
		w->marked = true;
	}
	current = i;
	w = tui_win_current();
	w->unread = 0;
	w->activity = TUI_ACT_NONE;
	tui_win_publish(w);
	windows_focus(i);
	tui_mark_dirty();
}

/* Whether w's older lines come back from history (tui_chat_load_history). */
bool
tui_win_has_history(const struct tui_win *w)
{
	return (w->kind == TUI_WIN_CHAT || w->kind == TUI_WIN_ROOM) &&
	    history_available();
}

/*
 * Lines a window keeps in memory: ui.scrollback; a chat or room window
 * whose older lines history gives back (paging back near its first line
 * reads them: tui_win_scroll) keeps at most HISTORY_KEPT, a few dozen
 * screens, so that a burst or a long conversation does not hold thousands
 * of lines that are on disk anyway (PRODUCT §12: memory after a burst).
 */
#define HISTORY_KEPT	1000

static guint
kept(const struct tui_win *w)
{
	guint max = (guint)prefs_get_int("ui.scrollback");

	return tui_win_has_history(w) ? MIN(max, HISTORY_KEPT) : max;
}

/*
 * Drop the oldest lines beyond kept(). They stay in history: the next
 * load of older lines finds where to resume from the oldest line kept
 * (oldest_row 0).
 */
static void
trim(struct tui_win *w)
{
	guint max = kept(w);

	while (w->lines.length > max) {
		if (w->anchor == w->lines.head) {	/* it goes */
			w->anchor = w->anchor->next;
			w->anchor_rows = 0;
		}
		line_free(g_queue_pop_head(&w->lines));
		w->oldest_row = 0;
	}
}

/*
 * Add l at the end, or before the first line (older history). While the
 * window is scrolled back, lines read back from history may go beyond
 * kept() (the user is reading them) and new lines do not push any out;
 * the window is trimmed again when it returns to its newest line.
 */
static bool
push(struct tui_win *w, struct tui_line *l, bool prepend)
{
	guint max = kept(w);

	if (prepend) {
		if (w->lines.length >= max && w->anchor == NULL) {
			line_free(l);
			return false;
		}
		l->seq = 0;	/* older than anything: before the marker */
		g_queue_push_head(&w->lines, l);
		tui_mark_dirty();
		return true;
	}
	l->seq = ++w->next_seq;
	g_queue_push_tail(&w->lines, l);
	if (w->anchor == NULL)
		trim(w);
	if (w != tui_win_current()) {
		w->unread++;
		tui_win_publish(w);
	}
	tui_mark_dirty();
	return true;
}

/* Raise the activity level of a window that is not being read. */
void
tui_win_activity(struct tui_win *w, enum tui_activity a)
{
	if (w != tui_win_current() && w->activity < a) {
		w->activity = a;
		tui_win_publish(w);
		tui_mark_dirty();
	}
}

/*
 * Append a line to w. text must already be sanitized (newlines allowed);
 * the oldest line goes when ui.scrollback is reached.
 */
void
tui_win_add_line(struct tui_win *w, enum tui_elem elem, const char *text,
    gint64 time)
{
	struct tui_line *l = g_new0(struct tui_line, 1);

	l->time = time != 0 ? time : g_get_real_time();
	l->elem = elem;
	l->text = g_strdup(text);
	push(w, l, false);
	tui_win_activity(w, TUI_ACT_EVENT);
}

/* s (owned) in an allocation of its own size (sanitize over-allocates). */
static char *
exact(char *s)
{
	return g_realloc(s, strlen(s) + 1);
}

/* The interned, shared copy of s (owned, freed here). */
static char *
shared(char *s)
{
	char *r = g_ref_string_new_intern(s);

	g_free(s);
	return r;
}

/*
 * Add a message line: sender and body come from outside and are sanitized
 * here (the body keeps its line breaks as continuation lines). prepend puts
 * it before the first line (older history). Returns the line (borrowed),
 * or NULL when a window full (ui.scrollback) and not scrolled back
 * refused an older line.
 */
struct tui_line *
tui_win_add_msg(struct tui_win *w, gint64 time, const char *sender, bool own,
    const char *body, const char *id, bool prepend)
{
	struct tui_line *l = g_new0(struct tui_line, 1);
	bool action = g_str_has_prefix(body, "/me ");

	l->time = time;
	l->elem = TUI_TEXT;
	l->prefix_elem = own ? TUI_OWN : TUI_OTHER;
	if (action) {
		g_autofree char *s = g_strdup_printf("* %s", sender);

		l->prefix = shared(sanitize_str(s));
		l->text = exact(sanitize_text(body + 4, (size_t)-1,
		    SANITIZE_KEEP_NEWLINE));
	} else {
		g_autofree char *s = g_strdup_printf("<%s>", sender);

		l->prefix = shared(sanitize_str(s));
		l->text = exact(sanitize_text(body, (size_t)-1,
		    SANITIZE_KEEP_NEWLINE));
	}
	l->id = g_strdup(id);
	return push(w, l, prepend) ? l : NULL;
}

/* The line of message id among the last SEARCH_BACK of w, or NULL. */
struct tui_line *
tui_win_find_line(struct tui_win *w, const char *id)
{
	GList *l = g_queue_peek_tail_link(&w->lines);
	int n;

	for (n = 0; l != NULL && n < SEARCH_BACK; l = l->prev, n++) {
		struct tui_line *line = l->data;

		if (line->id != NULL && strcmp(line->id, id) == 0)
			return line;
	}
	return NULL;
}

/* The chat or room window of account/peer, or NULL. */
struct tui_win *
tui_win_find_chat(const char *account, const char *peer)
{
	guint i;

	for (i = 1; i < wins->len; i++) {
		struct tui_win *w = tui_win_nth(i);

		if (w->kind != TUI_WIN_CONSOLE && g_strcmp0(w->account,
		    account) == 0 && g_strcmp0(w->peer, peer) == 0)
			return w;
	}
	return NULL;
}

/*
 * The chat window of account/peer, created (at the end of the list) when
 * missing; focus shows it.
 */
struct tui_win *
tui_win_open_chat(const char *account, const char *peer, bool focus)
{
	struct tui_win *w = tui_win_find_chat(account, peer);
	guint i;

	if (w == NULL) {
		g_autofree char *name = sanitize_str(peer);

		w = tui_win_new(name);
		w->kind = TUI_WIN_CHAT;
		w->account = g_strdup(account);
		w->peer = g_strdup(peer);
		g_ptr_array_add(wins, w);
		tui_win_publish(w);
		tui_mark_dirty();
	}
	for (i = 0; focus && i < wins->len; i++)
		if (tui_win_nth(i) == w)
			tui_win_focus(i);
	return w;
}

/* Append a window made with tui_win_new() to the list (taking it). */
struct tui_win *
tui_win_add(struct tui_win *w)
{
	g_ptr_array_add(wins, w);
	tui_win_publish(w);
	tui_mark_dirty();
	return w;
}

/* Focus window w. */
void
tui_win_show(struct tui_win *w)
{
	guint i;

	for (i = 0; i < wins->len; i++)
		if (tui_win_nth(i) == w)
			tui_win_focus(i);
}

/* Format, sanitize (newlines kept) and append a line to w. */
void
tui_win_print(struct tui_win *w, enum tui_elem elem, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL, *safe = NULL;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	safe = sanitize_text(text, (size_t)-1, SANITIZE_KEEP_NEWLINE);
	tui_win_add_line(w, elem, safe, 0);
}

/* Whether fewer than n lines of w are above its bottom line shown. */
static bool
near_top(struct tui_win *w, long n)
{
	GList *l = w->lines.head;
	GList *bottom = w->anchor != NULL ? w->anchor : w->lines.tail;
	long k;

	for (k = 0; l != NULL && l != bottom && k < n; k++)
		l = l->next;
	return k < n;
}

/*
 * Scroll the current window by pages (positive: back in time), by rows
 * of the screen so that wrapped lines can be read through. A window of
 * lines scrolled back stays where it is while new lines arrive. Paging
 * back near the first line held first reads older lines from history, so
 * every page moves a whole page however far back it goes.
 */
void
tui_win_scroll(int pages)
{
	struct tui_win *w = tui_win_current();
	long step = (long)MAX(tui_main_height() - 2, 1) * pages;

	if (w->kind == TUI_WIN_XMLCON) {	/* its drawing stops at the top */
		w->scroll = (guint)CLAMP((long)w->scroll + step, 0, G_MAXINT);
	} else {
		if (step > 0 && tui_win_has_history(w) && near_top(w, 2 * step))
			tui_chat_load_history(w, (guint)MIN(2 * step, 1000));
		tui_view_scroll(w, step);
	}
	tui_mark_dirty();
}

/* Whether w is scrolled back from its newest line. */
bool
tui_win_scrolled(const struct tui_win *w)
{
	return w->anchor != NULL || w->scroll > 0;
}

/* Back to the newest line of w. */
void
tui_win_unscroll(struct tui_win *w)
{
	w->anchor = NULL;
	w->anchor_rows = 0;
	w->scroll = 0;
	trim(w);
	tui_mark_dirty();
}

static void
close_index(guint i)
{
	struct tui_win *w = tui_win_nth(i);

	if (i == 0)
		return;
	if (w->kind == TUI_WIN_CHAT && w->sent_composing)
		cmd_chat_state(w->account, w->peer, "gone");
	g_ptr_array_remove_index(wins, i);
	windows_remove(i);
	if (current >= i && current > 0)
		current--;
	tui_win_focus(current);
}

/* EV_WINDOW_CLOSE: window N (checked by /close), all, or read ones. */
static void
on_window_close(const struct ev *ev)
{
	const char *arg = ev->u.window_ref.window;
	long n;
	guint i;

	if (arg == NULL)
		return;
	if (strcmp(arg, "all") == 0 || strcmp(arg, "read") == 0) {
		for (i = wins->len; i-- > 1;)
			if (arg[0] == 'a' || tui_win_nth(i)->unread == 0)
				close_index(i);
		return;
	}
	n = strtol(arg, NULL, 10);
	if (n > 1 && (guint)n <= wins->len)
		close_index((guint)n - 1);
}

/* EV_WINDOW_SELECT: show window N (checked by /win). */
static void
on_window_select(const struct ev *ev)
{
	const char *arg = ev->u.window_ref.window;
	long n = arg != NULL ? strtol(arg, NULL, 10) : 0;

	if (n >= 1)
		tui_win_focus((guint)n - 1);
}

/* EV_WINDOW_CLEAR: clear window N's scrollback (history stays). */
static void
on_window_clear(const struct ev *ev)
{
	const char *arg = ev->u.window_ref.window;
	long n = arg != NULL ? strtol(arg, NULL, 10) : 0;
	struct tui_win *w = n >= 1 ? tui_win_nth((guint)n - 1) : NULL;

	if (w == NULL)
		return;
	if (w->kind == TUI_WIN_XMLCON)
		xmlcon_clear();		/* what this window shows */
	tui_win_unscroll(w);
	g_queue_clear_full(&w->lines, (GDestroyNotify)line_free);
	g_queue_init(&w->lines);
	tui_mark_dirty();
}

static bool
ask_secret(const char *prompt, cmd_secret_fn *fn, void *data)
{
	return tui_input_ask_secret(prompt, fn, data);
}

/* A chat window; a new one starts with the last messages of the history. */
static void
open_chat(const char *account, const char *peer, bool focus)
{
	bool fresh = tui_win_find_chat(account, peer) == NULL;
	struct tui_win *w = tui_win_open_chat(account, peer, focus);

	if (fresh && w->lines.length == 0)
		tui_chat_load_history(w, 50);
}

/*
 * EV_WINDOW_OPEN: a command asked for a window (irssi's front end opens a
 * query window when the core announces the query); open or show it.
 */
static void
on_window_open(const struct ev *ev)
{
	const struct ev_window_open *o = &ev->u.window_open;
	bool focus = g_strcmp0(o->focus, "yes") == 0;

	if (o->window == NULL)
		return;
	if (strcmp(o->window, "chat") == 0 && o->peer != NULL &&
	    ev->account != NULL)
		open_chat(ev->account, o->peer, focus);
	else if (strcmp(o->window, "room") == 0 && o->peer != NULL &&
	    ev->account != NULL)
		(void)tui_room_window(ev->account, o->peer, focus);
	else if (strcmp(o->window, "xmlconsole") == 0)
		tui_xmlcon_open(o->input);
	else if (strcmp(o->window, "mentions") == 0)
		(void)tui_mentions_window(focus);
}

/* EV_WINDOW_HISTORY: /history N in a window loads N older messages. */
static void
on_window_history(const struct ev *ev)
{
	const struct ev_window_history *h = &ev->u.window_history;
	struct tui_win *w = ev->account != NULL && h->peer != NULL ?
	    tui_win_find_chat(ev->account, h->peer) : NULL;
	long n = h->count != NULL ? strtol(h->count, NULL, 10) : 0;

	if (w != NULL && n > 0)
		tui_chat_load_history(w, (guint)n);
}

/* The window events commands emit; false for any other event. */
bool
tui_win_on_event(const struct ev *ev)
{
	switch (ev->kind) {
	case EV_WINDOW_OPEN:
		on_window_open(ev);
		return true;
	case EV_WINDOW_HISTORY:
		on_window_history(ev);
		return true;
	case EV_WINDOW_JUMP:
		tui_chat_on_jump(ev);
		return true;
	case EV_WINDOW_SELECT:
		on_window_select(ev);
		return true;
	case EV_WINDOW_CLOSE:
		on_window_close(ev);
		return true;
	case EV_WINDOW_CLEAR:
		on_window_clear(ev);
		return true;
	default:
		return false;
	}
}

static const struct cmd_ui_ops ops = {
	.shows_windows = true,
	.ask_secret = ask_secret,
};

/*
 * Tell the command layer that this front end shows windows, and give it
 * the masked prompt (the only operation left that is not an event).
 */
void
tui_win_register_ops(void)
{
	cmd_set_ui_ops(&ops);
}
