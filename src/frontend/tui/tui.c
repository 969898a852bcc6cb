/* SPDX-License-Identifier: MIT */
/*
 * The full-screen front end (PRODUCT §3): title bar, main window, status
 * bar and input line, drawn with ncurses once per loop turn when something
 * changed (STYLE §3). It learns about the world only from core events and
 * acts only by running commands. Only this directory includes curses and
 * readline. frontend/tui layer.
 */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "config.h"
#include "core/account.h"
#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/otr.h"
#include "core/prefs.h"
#include "tui-internal.h"
#include "tui.h"
#include "util/sanitize.h"
#include "util/trace.h"
#include "util/wrap.h"

static bool dirty;
static bool want_more_history;	/* scrolled past the top of a chat */
static bool started;
static guint ev_handle;
static guint idle_hook;
static guint clock_timer;

/* Something changed: redraw at the end of this loop turn. */
void
tui_mark_dirty(void)
{
	dirty = true;
}

/* Rows of the main window. */
int
tui_main_height(void)
{
	return MAX(LINES - 3, 1);
}

/* Columns of the side pane of the current window (0: none). */
static int
pane_width(void)
{
	struct tui_win *w = tui_win_current();

	if (w->kind == TUI_WIN_ROOM)
		return tui_occupants_width();
	if (w->kind == TUI_WIN_XMLCON)
		return 0;	/* XML needs the width */
	if (w->kind == TUI_WIN_CONSOLE && accounts_online() == 0)
		return 0;
	return tui_roster_width();
}

/* Columns of the main window (the screen less the side pane). */
int
tui_cols(void)
{
	int pane = pane_width();

	return pane > 0 ? COLS - pane : COLS;
}

static void
sink_print(struct cmd_ctx *ctx, const char *text)
{
	if (!started)
		return;		/* a late answer during shutdown */
	tui_win_print(tui_win_current(), TUI_TEXT, "%s", text);
}

static void
sink_error(struct cmd_ctx *ctx, const char *text)
{
	if (!started)
		return;
	tui_win_print(tui_win_current(), TUI_ERROR, "%s", text);
}

static void
sink_done(struct cmd_ctx *ctx, enum cmd_status status)
{
}

static const struct cmd_sink tui_sink = { sink_print, sink_error, sink_done };

/* Run a line typed in the current window. */
void
tui_run_line(const char *line)
{
	struct tui_win *w = tui_win_current();
	g_autofree char *raw = NULL;

	/* In the XML console, what is not a command is raw XML. */
	if (w->kind == TUI_WIN_XMLCON && line[0] != '/')
		line = raw = g_strconcat("/xml ", line, NULL);
	(void)cmd_run_line(line, CMD_FROM_TUI, w->account, w->peer, &tui_sink,
	    NULL);
	dirty = true;	/* a command may change what is shown (/roster hide) */
}

/* Format the time prefix of a line into buf. */
static void
format_time(gint64 usec, char *buf, size_t len)
{
	time_t t = (time_t)(usec / G_USEC_PER_SEC);
	struct tm tm;

	localtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(buf, len, prefs_get("ui.time_format"), &tm) == 0)
		buf[0] = '\0';
#pragma GCC diagnostic pop
}

/*
 * The rows of a line: "TIME PREFIX TEXT MARK" wrapped with a hanging
 * indent. *head_cols receives the cells of "TIME " and *prefix_cols those
 * of "PREFIX " on the first row, for colouring.
 */
static GPtrArray *
line_rows(struct tui_line *l, int width, int *head_cols, int *prefix_cols)
{
	GPtrArray *rows;
	char ts[64];
	GString *full = g_string_new(NULL);
	int indent;

	format_time(l->time, ts, sizeof ts);
	if (ts[0] != '\0')
		g_string_append_printf(full, "%s ", ts);
	*head_cols = (int)sanitize_width(full->str);
	*prefix_cols = 0;
	if (l->prefix != NULL) {
		g_string_append_printf(full, "%s ", l->prefix);
		*prefix_cols = (int)sanitize_width(l->prefix) + 1;
	}
	g_string_append(full, l->text);
	if (l->pending)
		g_string_append(full, " \u22ef");	/* not confirmed yet */
	if (l->receipt)
		g_string_append(full, " \u2713");
	indent = *head_cols;
	rows = wrap_text(full->str, width, MIN(indent, width / 2));
	g_string_free(full, TRUE);
	return rows;
}

/* Draw one row; the first row of a line colours time and sender. */
static void
draw_row(int row, const char *text, struct tui_line *l, bool first,
    int head_cols, int prefix_cols)
{
	const char *p = text;
	int col = 0;

	move(row, 0);
	if (first && head_cols > 0) {
		const char *q = p;
		int n;

		for (n = 0; n < head_cols && *q != '\0'; n++)
			q = g_utf8_next_char(q);

		attrset(tui_theme_attr(TUI_TIME));
		addnstr(p, (int)(q - p));
		p = q;
		col = head_cols;
	}
	if (first && prefix_cols > 0) {
		const char *q = p;
		int w = 0;

		while (*q != '\0' && w < prefix_cols) {
			gunichar c = g_utf8_get_char(q);

			w += g_unichar_iswide(c) ? 2 : 1;
			q = g_utf8_next_char(q);
		}
		attrset(tui_theme_attr(l->prefix_elem));
		addnstr(p, (int)(q - p));
		p = q;
		col += w;
	}
	attrset(tui_theme_attr(l->elem));
	addstr(p);
	(void)col;
}

static void
clear_main_row(int row, int width)
{
	attrset(A_NORMAL);
	mvhline(row, 0, ' ', width);
}

/* Local calendar day of a time (for day-change lines). */
static long
day_of(gint64 usec)
{
	time_t t = (time_t)(usec / G_USEC_PER_SEC);
	struct tm tm;

	localtime_r(&t, &tm);
	return (long)(tm.tm_year + 1900) * 400 + tm.tm_yday;
}

/* A full-width line "---- text ----" in a theme colour. */
static void
separator(int row, int width, const char *text, enum tui_elem e)
{
	g_autofree char *label = g_strdup_printf(" %s ", text);
	int w = (int)sanitize_width(label);

	clear_main_row(row, width);
	attrset(tui_theme_attr(e));
	mvhline(row, 0, '-', width);
	if (w + 4 < width)
		mvaddstr(row, 4, label);
	attrset(A_NORMAL);
}

static void
day_separator(int row, int width, gint64 usec)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(
	    usec / G_USEC_PER_SEC);
	g_autofree char *day = g_date_time_format(t, "%A %-d %B %Y");

	separator(row, width, day, TUI_TIME);
}

/* A bottom-up layout of a window: row 0 is the newest row. */
struct view {
	struct tui_win	*w;
	int		 height;	/* rows of the main window */
	int		 width;
	guint		 skip;		/* rows scrolled back */
	guint		 n;		/* rows laid out so far */
	bool		 draw;		/* draw the visible rows */
};

/* Screen row of the next row laid out, or 0 when it is not shown. */
static int
view_next(struct view *v)
{
	guint n = v->n++;

	if (!v->draw || n < v->skip || n >= v->skip + (guint)v->height)
		return 0;
	return v->height - (int)(n - v->skip);
}

static bool
view_full(const struct view *v)
{
	return v->draw && v->n >= v->skip + (guint)v->height;
}

/* Lay out (and draw what is visible of) one line and the rows above it. */
static void
view_line(struct view *v, GList *l)
{
	struct tui_line *line = l->data;
	struct tui_line *older = l->prev != NULL ? l->prev->data : NULL;
	struct tui_win *w = v->w;
	int hc, pc, row;
	g_autoptr(GPtrArray) rows = line_rows(line, v->width, &hc, &pc);
	guint j;

	for (j = rows->len; j-- > 0 && !view_full(v);)
		if ((row = view_next(v)) > 0)
			draw_row(row, g_ptr_array_index(rows, j), line, j == 0,
			    hc, pc);
	if (older == NULL || view_full(v))
		return;
	if (w->marked && older->seq == w->read_seq &&
	    line->seq > w->read_seq && (row = view_next(v)) > 0)
		separator(row, v->width, "new", TUI_STATUS_MENTION);
	if (!view_full(v) && day_of(older->time) != day_of(line->time) &&
	    (row = view_next(v)) > 0)
		day_separator(row, v->width, line->time);
}

/* Rows of the line of link l with the marker and day lines above it. */
static long
unit_rows(struct tui_win *w, GList *l)
{
	struct view v = { w, tui_main_height(), tui_cols(), 0, 0, false };

	view_line(&v, l);
	return (long)v.n;
}

/*
 * Scroll w by rows (positive: back in time). The position is the line at
 * the bottom of the window and how many of its rows are below it, so a
 * page costs the lines of a page however far back it is, and new lines do
 * not move what is being read. Reaching the newest row unscrolls.
 */
void
tui_view_scroll(struct tui_win *w, long rows)
{
	GList *l = w->anchor != NULL ? w->anchor :
	    g_queue_peek_tail_link(&w->lines);
	long k = w->anchor != NULL ? (long)w->anchor_rows : 0;

	if (l == NULL)
		return;
	k += rows;
	while (k < 0 && l->next != NULL) {	/* forward, to newer lines */
		l = l->next;
		k += unit_rows(w, l);
	}
	while (k > 0) {				/* back, to older lines */
		long u = unit_rows(w, l);

		if (k < u || l->prev == NULL) {
			k = MIN(k, MAX(u - 1, 0));
			break;
		}
		k -= u;
		l = l->prev;
	}
	k = MAX(k, 0);
	if (l->next == NULL && k == 0) {
		tui_win_unscroll(w);
		return;
	}
	w->anchor = l;
	w->anchor_rows = (guint)k;
}

/*
 * Draw the main window bottom-up from the newest line, or from the line
 * it is scrolled back to. Only the lines shown are wrapped. A view that
 * runs out of lines before the top of the window is moved down so that
 * the oldest line sits at the top: there is never a blank page.
 */
static void
draw_main(void)
{
	struct tui_win *w = tui_win_current();
	struct view v = { w, tui_main_height(), tui_cols(), w->anchor_rows,
	    0, true };
	GList *l = w->anchor != NULL ? w->anchor :
	    g_queue_peek_tail_link(&w->lines);
	int row;

	if (w->kind == TUI_WIN_XMLCON) {
		tui_xmlcon_draw(w, 1, v.height, v.width);
		return;
	}
	for (row = 1; row <= v.height; row++)
		clear_main_row(row, v.width);
	for (; l != NULL && !view_full(&v); l = l->prev)
		view_line(&v, l);
	attrset(A_NORMAL);
	if (l != NULL || w->anchor == NULL)
		return;
	if (w->kind == TUI_WIN_CHAT && history_available())
		want_more_history = true;
	if (v.n < v.skip + (guint)v.height) {	/* overshot: move down */
		tui_view_scroll(w, (long)v.n - (long)(v.skip + v.height));
		draw_main();
	}
}

static void
fill_row(int row, enum tui_elem e)
{
	attrset(tui_theme_attr(e));
	move(row, 0);
	clrtoeol();
	mvhline(row, 0, ' ', COLS);
}

static void
draw_title(void)
{
	struct tui_win *w = tui_win_current();
	g_autofree char *t = NULL;

	GString *s = g_string_new(NULL);
	g_autofree char *fit = NULL;

	fill_row(0, TUI_TITLE);
	if (w->kind == TUI_WIN_CHAT)
		tui_chat_title(w, s);
	else if (w->kind == TUI_WIN_ROOM)
		tui_room_title(w, s);
	else if (w->kind == TUI_WIN_XMLCON)
		tui_xmlcon_title(w, s);
	else
		g_string_append(s, w->name);
	t = g_strdup_printf(" natter %s - %s%s", PACKAGE_VERSION, s->str,
	    tui_win_scrolled(w) ? "  [scrolled back: PgDn]" : "");
	g_string_free(s, TRUE);
	s = NULL;
	fit = sanitize_fit(t, (size_t)COLS);
	{
		g_autofree char *safe = sanitize_str(fit);

		mvaddstr(0, 0, safe);
	}
	attrset(A_NORMAL);
}

static void
status_accounts(GString *s)
{
	GPtrArray *l = accounts_list();
	guint i, shown = 0;

	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);
		const char *jid = acc->bound_jid != NULL ? acc->bound_jid :
		    account_get(acc, "jid");
		g_autofree char *bare = NULL;
		char *slash;

		if (acc->state == ACCOUNT_OFFLINE && l->len > 1)
			continue;
		bare = g_strdup(jid != NULL ? jid : acc->name);
		slash = strchr(bare, '/');
		if (slash != NULL)
			*slash = '\0';
		g_string_append_printf(s, " [%s %s", bare,
		    account_state_name(acc->state));
		if (acc->state == ACCOUNT_RECONNECTING)
			g_string_append_printf(s, " (attempt %u)", acc->attempt);
		g_string_append_c(s, ']');
		shown++;
	}
	if (shown == 0)
		g_string_append(s, " [offline]");
}

static enum tui_elem
activity_elem(enum tui_activity a)
{
	return a >= TUI_ACT_MENTION ? TUI_STATUS_MENTION :
	    a >= TUI_ACT_MESSAGE ? TUI_STATUS_ACTIVE : TUI_STATUS;
}

/* Add text at the cursor in attr if it fits before limit; false if not. */
static bool
put(const char *text, enum tui_elem e, int limit)
{
	g_autofree char *safe = sanitize_str(text);
	int y, x;

	getyx(stdscr, y, x);
	(void)y;
	if (x + (int)sanitize_width(safe) > limit)
		return false;
	attrset(tui_theme_attr(e));
	addstr(safe);
	return true;
}

static const char *const act_marks[] = { "", "+", "*", "!" };

/* A window's item on the status bar. */
struct status_item {
	char		*text;		/* owned, sanitized " [N:NAME*<]" */
	char		*name;		/* owned, sanitized window name */
	int		 cells;
	guint		 index;
	enum tui_activity act;
	bool		 shown;
};

/* Widest overflow marker, " [+NNN!]". */
#define STATUS_MORE_CELLS 8

/* Which windows to show first: current, then by activity, then near it. */
static gint
status_rank(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct status_item *x = *(const struct status_item *const *)a;
	const struct status_item *y = *(const struct status_item *const *)b;
	guint cur = GPOINTER_TO_UINT(data);
	guint dx = x->index > cur ? x->index - cur : cur - x->index;
	guint dy = y->index > cur ? y->index - cur : cur - y->index;

	if (dx != dy && (dx == 0 || dy == 0))
		return dx == 0 ? -1 : 1;
	if (x->act != y->act)
		return x->act > y->act ? -1 : 1;
	return dx != dy ? (dx < dy ? -1 : 1) : (x->index < y->index ? -1 : 1);
}

static void
status_item_set(struct status_item *it, const char *name)
{
	g_autofree char *t = g_strdup_printf(" [%u:%s%s%s]", it->index + 1,
	    name, act_marks[it->act], it->index == tui_win_current_index() ?
	    "<" : "");

	g_free(it->text);
	it->text = sanitize_str(t);
	it->cells = (int)sanitize_width(it->text);
}

/* Shorten the name of an item by at least over cells, marking the cut. */
static void
status_item_cut(struct status_item *it, int over)
{
	int keep = (int)sanitize_width(it->name) - over - 1;
	g_autofree char *cut = sanitize_fit(it->name, (size_t)MAX(keep, 0));
	g_autofree char *name = g_strconcat(cut, "\u2026", NULL);

	status_item_set(it, name);
}

/*
 * Mark the items that fit in room cells. When not all do, the current
 * window is always shown (cut if it alone is too wide) and the others
 * collapse, least active and farthest first, into the overflow marker.
 */
static void
status_pick(GPtrArray *items, int room)
{
	g_autoptr(GPtrArray) order = g_ptr_array_sized_new(items->len);
	int used = 0;
	guint i;

	for (i = 0; i < items->len; i++) {	/* borrowed pointers */
		g_ptr_array_add(order, g_ptr_array_index(items, i));
		used += ((struct status_item *)g_ptr_array_index(items,
		    i))->cells;
	}
	for (i = 0; i < items->len; i++)
		((struct status_item *)g_ptr_array_index(items, i))->shown =
		    used <= room;
	if (used <= room || items->len == 0)
		return;
	room -= STATUS_MORE_CELLS;
	g_ptr_array_sort_with_data(order, status_rank,
	    GUINT_TO_POINTER(tui_win_current_index()));
	used = 0;
	for (i = 0; i < order->len; i++) {
		struct status_item *it = g_ptr_array_index(order, i);

		if (i == 0 && it->cells > room)		/* the current one */
			status_item_cut(it, it->cells - room);
		if (i > 0 && used + it->cells > room)
			continue;
		it->shown = true;
		used += it->cells;
	}
}

static void
status_item_free(struct status_item *it)
{
	g_free(it->text);
	g_free(it->name);
	g_free(it);
}

/* The status bar items of every window, in window order. */
static GPtrArray *
status_items(void)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)status_item_free);
	guint i;

	for (i = 0; i < tui_win_count(); i++) {
		struct tui_win *w = tui_win_nth(i);
		struct status_item *it = g_new0(struct status_item, 1);

		it->name = sanitize_str(w->name);
		it->index = i;
		it->act = w->activity;
		status_item_set(it, it->name);
		g_ptr_array_add(items, it);
	}
	return items;
}

/*
 * Status bar: clock, accounts, then the windows with their activity as a
 * symbol (+ event, * message, ! mention/private) and a colour. The
 * current window is always shown; windows that do not fit are counted by
 * a marker carrying the highest level it hides.
 */
static void
draw_status(void)
{
	char ts[16];
	GString *s = g_string_new(NULL);
	g_autoptr(GPtrArray) items = status_items();
	enum tui_activity hidden = TUI_ACT_NONE;
	guint i, nhidden = 0;
	int x, y;

	format_time(g_get_real_time(), ts, sizeof ts);
	g_string_append_printf(s, " [%s]", ts);
	status_accounts(s);
	if (tui_win_current()->kind == TUI_WIN_CHAT &&
	    otr_state_of(tui_win_current()->account,
	    tui_win_current()->peer) != OTR_PLAIN)
		g_string_append_printf(s, " [%s]",
		    tui_chat_otr_label(tui_win_current()));
	fill_row(LINES - 2, TUI_STATUS);
	move(LINES - 2, 0);
	(void)put(s->str, TUI_STATUS, COLS);
	g_string_free(s, TRUE);
	getyx(stdscr, y, x);
	(void)y;
	status_pick(items, COLS - x);
	for (i = 0; i < items->len; i++) {
		struct status_item *it = g_ptr_array_index(items, i);

		if (it->shown) {
			(void)put(it->text, activity_elem(it->act), COLS);
			continue;
		}
		nhidden++;
		hidden = MAX(hidden, it->act);
	}
	if (nhidden > 0) {
		g_autofree char *more = g_strdup_printf(" [+%u%s]", nhidden,
		    act_marks[hidden]);

		(void)put(more, activity_elem(hidden), COLS);
	}
	attrset(A_NORMAL);
}

/* Draw the input line and put the cursor there (readline redisplay). */
void
tui_draw_input_now(void)
{
	if (!started)
		return;
	tui_input_draw(LINES - 1, COLS);
	refresh();
}

static bool
term_has_title(void)
{
	static const char *const prefixes[] = { "xterm", "tmux", "screen",
		"rxvt", "alacritty", "foot", "kitty", "vte", "gnome", "konsole",
		"st-", NULL };
	const char *term = g_getenv("TERM");
	size_t i;

	for (i = 0; term != NULL && prefixes[i] != NULL; i++)
		if (g_str_has_prefix(term, prefixes[i]))
			return true;
	return false;
}

/*
 * Terminal title (ui.title): "natter: WINDOW" and the number of unread
 * lines elsewhere. Window names are sanitized text, so the title cannot
 * carry a control sequence of its own.
 */
static void
update_title(void)
{
	static char *last;
	struct tui_win *cur = tui_win_current();
	g_autofree char *t = NULL, *safe = NULL;
	guint i, unread = 0;

	if (!prefs_get_bool("ui.title") || !term_has_title())
		return;
	for (i = 0; i < tui_win_count(); i++)
		unread += tui_win_nth(i)->unread;
	t = unread > 0 ? g_strdup_printf("natter: %s (%u)", cur->name,
	    unread) : g_strdup_printf("natter: %s", cur->name);
	safe = sanitize_str(t);
	if (g_strcmp0(safe, last) == 0)
		return;
	g_free(last);
	last = g_strdup(safe);
	printf("\033]2;%s\007", safe);
	fflush(stdout);
}

/* A full redraw waits for tui_pace_wait() in this timer, if at all. */
static guint draw_timer;

static void redraw(void *data);

static void
draw_timer_cb(void *data)
{
	draw_timer = 0;
	redraw(data);
}

/* Keys were read: the next frame answers them (tui-pace.c). */
void
tui_frame_for_keys(void)
{
	tui_pace_keys();
	if (draw_timer != 0) {
		loop_remove_timer(draw_timer);
		draw_timer = 0;
	}
}

static void
redraw(void *data)
{
	gint64 now, t0, wait;
	guint side = 0;

	if (want_more_history) {
		want_more_history = false;
		tui_chat_load_history(tui_win_current(), 100);
	}
	if (!dirty || !started || loop_quitting() || draw_timer != 0)
		return;
	now = loop_now_ms();
	wait = tui_pace_wait(now);
	if (wait > 0) {
		draw_timer = loop_add_timer(wait, draw_timer_cb, NULL);
		return;
	}
	dirty = false;
	if (LINES < 4 || COLS < 10) {
		erase();
		mvaddnstr(0, 0, "terminal too small", COLS);
		refresh();
		return;
	}
	t0 = trace_file != NULL ? g_get_monotonic_time() : 0;
	update_title();
	draw_title();
	draw_main();
	if (tui_cols() < COLS && tui_win_current()->kind == TUI_WIN_ROOM)
		side = tui_occupants_draw(tui_win_current(), 1,
		    tui_main_height(), tui_cols(), COLS - tui_cols());
	else if (tui_cols() < COLS)
		side = tui_roster_draw(1, tui_main_height(), tui_cols(),
		    COLS - tui_cols());
	draw_status();
	tui_input_draw(LINES - 1, COLS);
	refresh();
	/* bench/README.md: the frame is on the terminal now. */
	TRACE_NOW("frame draw_us=%" G_GINT64_FORMAT " side=%u win=%s",
	    g_get_monotonic_time() - t0, side, tui_win_current()->name);
	/* Drawing can correct what it drew (a view scrolled past its first
	 * line is pulled back): draw that next frame without waiting for an
	 * event, which may never come while the loop sleeps. */
	if (dirty)
		draw_timer = loop_add_timer(TUI_PACE_AGAIN_MS, draw_timer_cb,
		    NULL);
}

static void
clock_cb(void *data)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	dirty = true;
	clock_timer = loop_add_timer((60 - now % 60) * 1000 + 50, clock_cb,
	    NULL);
}

static void
on_resize(int signo, void *data)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	dirty = true;
}

static void
on_cert_prompt(const struct ev *ev)
{
	const struct ev_cert_prompt *c = &ev->u.cert_prompt;

	tui_win_print(tui_win_nth(0), TUI_ERROR, "%s: the certificate of %s "
	    "could not be verified: %s\n  Subject:  %s\n  Issuer:   %s\n"
	    "  Valid:    %s to %s\n  SHA-256:  %s\nType /tls trust to accept "
	    "it (remembered) and connect, or /tls deny.", ev->account, c->host,
	    c->reason, c->subject, c->issuer, c->not_before, c->not_after,
	    c->fingerprint);
}

static void
on_conn_state(const struct ev *ev)
{
	const struct ev_conn_state *c = &ev->u.conn_state;
	struct tui_win *con = tui_win_nth(0);

	if (strcmp(c->state, "online") == 0)
		tui_win_print(con, TUI_INFO, "%s: online as %s", ev->account,
		    c->jid);
	else if (strcmp(c->state, "reconnecting") == 0 && c->reason != NULL)
		tui_win_print(con, TUI_INFO, "%s: %s", ev->account,
		    c->reason);
	else if (c->reason != NULL)
		tui_win_print(con, TUI_ERROR, "%s: %s: %s", ev->account,
		    c->state, c->reason);
	else
		tui_win_print(con, TUI_INFO, "%s: %s", ev->account, c->state);
}

/*
 * A /exec job's line or end, in the window it was started from (the
 * console when that was the console or is closed now).
 */
static void
on_exec(const struct ev *ev)
{
	bool out = ev->kind == EV_EXEC_OUTPUT;
	const char *conv = out ? ev->u.exec_output.conversation :
	    ev->u.exec_exit.conversation;
	struct tui_win *w = conv != NULL ?
	    tui_win_find_chat(ev->account, conv) : NULL;
	const struct ev_exec_exit *x = &ev->u.exec_exit;
	bool ok = !out && strcmp(x->status, "exited") == 0 &&
	    strcmp(x->code, "0") == 0;

	if (w == NULL)
		w = tui_win_nth(0);
	if (out)
		tui_win_print(w, TUI_TEXT, "[%s] %s", ev->u.exec_output.id,
		    ev->u.exec_output.line);
	else if (x->hook == NULL || !ok)	/* a hook that worked: quiet */
		tui_win_print(w, ok ? TUI_INFO : TUI_ERROR, "[%s] %s%s: %s",
		    x->id, x->hook != NULL ? "hook " : "", x->hook != NULL ?
		    x->hook : x->command, x->summary);
}

/*
 * EV_THEME_LOAD: /theme load checked the theme (and reported its bad
 * values) before asking; use it and draw everything again.
 */
static void
on_theme_load(const struct ev *ev)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);

	if (ev->u.theme_load.name == NULL ||
	    !tui_theme_load(ev->u.theme_load.name, warnings))
		return;
	clearok(curscr, TRUE);
	tui_mark_dirty();
}

static void
on_event(const struct ev *ev, void *data)
{
	if (!started)
		return;
	switch (ev->kind) {
	case EV_CONN_STATE:
		on_conn_state(ev);
		break;
	case EV_ERROR:
		if (!tui_chat_on_error(ev)) {
			tui_win_print(tui_win_nth(0), TUI_ERROR, "%s",
			    ev->u.error.text);
			tui_error_explain(tui_win_nth(0), &ev->u.error);
		}
		break;
	case EV_INFO:
		tui_win_print(tui_win_nth(0), TUI_INFO, "%s%s%s",
		    ev->account ? ev->account : "", ev->account ? ": " : "",
		    ev->u.text.text);
		break;
	case EV_CERT_PROMPT:
		on_cert_prompt(ev);
		break;
	case EV_RAW_IN:
	case EV_RAW_OUT:
		tui_xmlcon_on_event(ev);
		break;
	case EV_EXEC_OUTPUT:
	case EV_EXEC_EXIT:
		on_exec(ev);
		break;
	case EV_THEME_LOAD:
		on_theme_load(ev);
		break;
	case EV_PUBSUB_EVENT:
		(void)tui_pubsub_on_event(ev);
		break;
	default:
		if (tui_win_on_event(ev))
			break;
		tui_chat_on_event(ev);
		tui_room_on_event(ev);
		break;
	}
}

static void
welcome(void)
{
	struct tui_win *con = tui_win_nth(0);

	tui_win_print(con, TUI_INFO, "natter %s. /help lists the commands.",
	    PACKAGE_VERSION);
	if (accounts_list()->len > 0)
		return;
	tui_win_print(con, TUI_TEXT, "No account yet. To get going:\n"
	    "  /connect you@example.org          log in (asks for the "
	    "password)\n"
	    "  /account add NAME you@example.org save an account, then "
	    "/connect NAME\n"
	    "  /help connect                     all the options");
}

/* Start the full-screen interface on the terminal. */
bool
tui_start(char **error)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	guint i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*error = g_strdup("standard input and output must be a "
		    "terminal (use --batch otherwise)");
		return false;
	}
	if (initscr() == NULL) {
		*error = g_strdup("cannot initialise the terminal");
		return false;
	}
	/*
	 * ncurses 6.4 flushes its output after every cursor movement until
	 * the screen has been suspended and resumed once (mvcur() flushes
	 * while the screen is in its "initial" state, and only a resume
	 * ends that state): a frame went out in one write() per changed
	 * line, 37 on average in a room burst, each a system call and a
	 * wake-up of the terminal. One suspend and resume before anything is
	 * drawn makes a frame one write().
	 */
	endwin();
	refresh();
	cbreak();
	noecho();
	nonl();
	tui_win_init();
	(void)tui_theme_load(prefs_get("ui.theme"), warnings);
	started = true;
	tui_win_register_ops();
	cmdq_set_sink(&tui_sink, NULL);
	ev_handle = ev_subscribe(EV_ANY, on_event, NULL);
	(void)tui_input_init(error);
	idle_hook = loop_add_idle(redraw, NULL);
	loop_on_signal(SIGWINCH, on_resize, NULL);
	clock_cb(NULL);
	welcome();
	for (i = 0; i < warnings->len; i++)
		tui_win_print(tui_win_nth(0), TUI_ERROR, "%s",
		    (char *)g_ptr_array_index(warnings, i));
	dirty = true;
	redraw(NULL);
	return true;
}

/* Leave the full-screen interface and restore the terminal. */
void
tui_stop(void)
{
	if (!started)
		return;
	started = false;
	ev_unsubscribe(ev_handle);
	loop_remove_hook(idle_hook);
	if (clock_timer != 0)
		loop_remove_timer(clock_timer);
	if (draw_timer != 0)
		loop_remove_timer(draw_timer);
	draw_timer = 0;
	tui_input_free();
	cmd_set_ui_ops(NULL);
	endwin();
	tui_win_free_all();
}
