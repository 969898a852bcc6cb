/* SPDX-License-Identifier: MIT */
/*
 * The XML console window (PRODUCT §7). It keeps no copy of the traffic:
 * it draws from the core ring (core/xmlcon), bottom-up, pretty-printing
 * only the stanzas that are visible, merged by time with the window's own
 * lines (command output and errors typed there). Filter, pause and acks
 * apply to everything already shown. Plain lines typed in it are raw XML
 * (sent through /xml). frontend/tui layer.
 */
#include <curses.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/prefs.h"
#include "core/xmlcon.h"
#include "tui-internal.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xmlpretty.h"

/* One screen row: text and the colour runs over it. */
struct run {
	guint		 len;	/* bytes */
	enum tui_elem	 elem;
};

struct xrow {
	GString		*text;
	GArray		*runs;
};

struct rowb {
	GPtrArray	*rows;	/* struct xrow */
	struct xrow	*cur;
	int		 w, width, cont;
};

static void
xrow_free(struct xrow *r)
{
	g_string_free(r->text, TRUE);
	g_array_unref(r->runs);
	g_free(r);
}

static void
rb_newrow(struct rowb *b, int indent)
{
	b->cur = g_new0(struct xrow, 1);
	b->cur->text = g_string_new(NULL);
	b->cur->runs = g_array_new(FALSE, FALSE, sizeof(struct run));
	g_ptr_array_add(b->rows, b->cur);
	indent = MIN(indent, b->width / 2);
	g_string_append_printf(b->cur->text, "%*s", indent, "");
	if (indent > 0) {
		struct run r = { (guint)indent, TUI_XML_PUNCT };

		g_array_append_val(b->cur->runs, r);
	}
	b->w = indent;
}

static void
rb_put(struct rowb *b, enum tui_elem e, const char *p, size_t len)
{
	struct run *last = b->cur->runs->len > 0 ? &g_array_index(
	    b->cur->runs, struct run, b->cur->runs->len - 1) : NULL;

	g_string_append_len(b->cur->text, p, len);
	if (last != NULL && last->elem == e) {
		last->len += len;
	} else {
		struct run r = { (guint)len, e };

		g_array_append_val(b->cur->runs, r);
	}
}

/* Add sanitized text in colour e, wrapping at the width. */
static void
rb_add(struct rowb *b, enum tui_elem e, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		gunichar c = g_utf8_get_char(p);
		const char *n = g_utf8_next_char(p);
		int cw = g_unichar_iszerowidth(c) ? 0 : g_unichar_iswide(c) ?
		    2 : 1;

		if (c == '\n' || b->w + cw > b->width) {
			rb_newrow(b, b->cont);
			if (c == '\n') {
				p = n;
				continue;
			}
		}
		rb_put(b, e, p, n - p);
		b->w += cw;
		p = n;
	}
}

/* Under the header of an error: what its condition means. */
static void
explain_row(const struct xmlcon_entry *e, struct rowb *b)
{
	g_autofree char *why = xmlcon_entry_explanation(e);
	g_autofree char *safe = NULL;

	if (why == NULL)
		return;
	safe = sanitize_str(why);	/* its name came off the wire */
	b->cont = 6;
	rb_newrow(b, 2);
	rb_add(b, TUI_ERROR, safe);
}

/* Colour of the byte at p in raw XML, given the state before it. */
static enum tui_elem
raw_colour(const char *p, int *st, char *quote)
{
	enum { OUT, NAME, IN, COMMENT };

	if (*st == COMMENT) {
		/* p is at least four bytes past the "<!--" */
		if (*p == '>' && p[-1] == '-' && p[-2] == '-')
			*st = OUT;
		return TUI_XML_COMMENT;
	}
	if (*quote != 0) {
		if (*p == *quote)
			*quote = 0;
		return TUI_XML_VALUE;
	}
	if (*st == OUT) {
		if (*p != '<')
			return TUI_XML_TEXT;
		*st = g_str_has_prefix(p, "<!--") ? COMMENT : NAME;
		return *st == COMMENT ? TUI_XML_COMMENT : TUI_XML_PUNCT;
	}
	if (*p == '>') {
		*st = OUT;
		return TUI_XML_PUNCT;
	}
	if (*p == '"' || *p == '\'') {
		*quote = *p;
		return TUI_XML_VALUE;
	}
	if (*p == '/' || *p == '=' || *p == '?' || g_ascii_isspace(*p)) {
		if (*st == NAME && *p != '/' && *p != '?')
			*st = IN;
		return TUI_XML_PUNCT;
	}
	return *st == NAME ? TUI_XML_NAME : TUI_XML_ATTR;
}

/* The exact bytes of a received stanza, as they came (line breaks kept). */
static void
raw_rows(const char *raw, struct rowb *b)
{
	g_autofree char *safe = sanitize_text(raw, (size_t)-1,
	    SANITIZE_KEEP_NEWLINE);
	const char *p = safe, *run = safe;
	enum tui_elem cur = TUI_XML_TEXT, c;
	int st = 0;
	char quote = 0;

	b->cont = 2;	/* the server's own line breaks, kept as they are */
	rb_newrow(b, 2);
	for (; *p != '\0'; p++) {
		c = *p == '\n' ? cur : raw_colour(p, &st, &quote);
		if (c != cur && p > run) {
			g_autofree char *part = g_strndup(run, (gsize)(p - run));

			rb_add(b, cur, part);
			run = p;
		}
		cur = c;
	}
	if (p > run)
		rb_add(b, cur, run);
}

/*
 * The rows of one recorded stanza: a header, the explanation of an error,
 * then the pretty XML, or for a received stanza in the raw view its bytes.
 */
static void
entry_rows(const struct xmlcon_entry *e, struct rowb *b)
{
	struct xp_opts o = { (size_t)prefs_get_int("xmlconsole.max_text"),
		16 };
	g_autofree char *h = xmlcon_entry_header(e);
	g_autofree char *hs = sanitize_str(h);
	bool raw = xmlcon_view_raw() && e->has_raw;
	const char *xml = raw ? "" : xmlcon_entry_xml(e);
	g_autoptr(GPtrArray) lines = raw ? g_ptr_array_new() :
	    xp_format(xml, strlen(xml), &o);
	guint i, j;

	b->cont = 4;
	rb_newrow(b, 0);
	rb_add(b, e->error ? TUI_ERROR : e->out ? TUI_XML_OUT : TUI_XML_IN,
	    hs);
	if (!e->out && xmlcon_view_raw() && !e->has_raw)
		rb_add(b, TUI_INFO, "  (parsed: no exact bytes)");
	explain_row(e, b);
	if (raw)	/* read last: another entry's text may move it */
		raw_rows(xmlcon_entry_raw(e), b);
	for (i = 0; i < lines->len; i++) {
		struct xp_line *l = g_ptr_array_index(lines, i);

		b->cont = 2 + (int)l->indent * 2 + 4;
		rb_newrow(b, 2 + (int)l->indent * 2);
		for (j = 0; j < l->spans->len; j++) {
			struct xp_span *s = &g_array_index(l->spans,
			    struct xp_span, j);

			rb_add(b, TUI_XML_PUNCT + (int)s->tok, s->text);
		}
	}
}

/* The rows of a line of the window (command output, errors). */
static void
line_rows(const struct tui_line *l, struct rowb *b)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(l->time /
	    G_USEC_PER_SEC);
	g_autofree char *t = g_date_time_format(dt, "%H:%M:%S ");

	b->cont = 9;
	rb_newrow(b, 0);
	rb_add(b, TUI_TIME, t);
	rb_add(b, l->elem, l->text);
}

static void
draw_xrow(int y, const struct xrow *r, int width)
{
	const char *p = r->text->str;
	guint i;

	attrset(A_NORMAL);
	mvhline(y, 0, ' ', width);
	move(y, 0);
	for (i = 0; i < r->runs->len; i++) {
		struct run *run = &g_array_index(r->runs, struct run, i);

		attrset(tui_theme_attr(run->elem));
		addnstr(p, (int)run->len);
		p += run->len;
	}
}

/* Next visible entry at or before index i (walking back), or -1. */
static long
visible_before(long i)
{
	while (i >= 0 && !xmlcon_visible(xmlcon_nth((guint)i)))
		i--;
	return i;
}

/*
 * Draw w in rows top..top+height-1: newest at the bottom, w->scroll rows
 * scrolled back. Stops formatting when the screen is full.
 */
void
tui_xmlcon_draw(struct tui_win *w, int top, int height, int width)
{
	long el = visible_before((long)xmlcon_count() - 1);
	GList *ll = g_queue_peek_tail_link(&w->lines);
	guint skip = w->scroll;
	int y = top + height - 1;
	bool shown = el >= 0;

	while (y >= top && (el >= 0 || ll != NULL)) {
		struct rowb b = { g_ptr_array_new_with_free_func(
		    (GDestroyNotify)xrow_free), NULL, 0, MAX(width, 8), 0 };
		const struct xmlcon_entry *e = el >= 0 ? xmlcon_nth((guint)el) :
		    NULL;
		const struct tui_line *l = ll != NULL ? ll->data : NULL;
		guint i;

		if (e != NULL && (l == NULL || e->time >= l->time)) {
			entry_rows(e, &b);
			el = visible_before(el - 1);
		} else {
			line_rows(l, &b);
			ll = ll->prev;
		}
		for (i = b.rows->len; i-- > 0 && y >= top;) {
			if (skip > 0) {
				skip--;
				continue;
			}
			draw_xrow(y--, g_ptr_array_index(b.rows, i), width);
		}
		g_ptr_array_unref(b.rows);
	}
	/* Scrolled past the oldest: bring the oldest row to the top. */
	if (el < 0 && ll == NULL && w->scroll > 0 && (skip > 0 ||
	    y >= top)) {
		guint over = skip + (guint)(y >= top ? y - top + 1 : 0);

		w->scroll -= MIN(w->scroll, over);
		tui_mark_dirty();
	}
	attrset(A_NORMAL);
	for (; y >= top; y--)
		mvhline(y, 0, ' ', width);
	if (!shown && xmlcon_count() > 0 && w->scroll == 0) {
		attrset(tui_theme_attr(TUI_INFO));
		mvaddnstr(top, 0, "(no recorded stanza matches the filter: "
		    "/xmlconsole filter off shows them all)", width);
		attrset(A_NORMAL);
	}
}

static struct tui_win *
find(void)
{
	guint i;

	for (i = 0; i < tui_win_count(); i++)
		if (tui_win_nth(i)->kind == TUI_WIN_XMLCON)
			return tui_win_nth(i);
	return NULL;
}

/* Open or focus the console window; input (if any) goes in the line. */
void
tui_xmlcon_open(const char *input)
{
	struct tui_win *w = find();

	if (w == NULL) {
		w = tui_win_new("xmlconsole");
		w->kind = TUI_WIN_XMLCON;
		tui_win_add(w);		/* published with its kind */
		tui_win_print(w, TUI_INFO, "XML console: the traffic since "
		    "connect time is above (PgUp). XML typed here is sent raw "
		    "once well-formed; /xmlconsole filter|hide-acks|pause|resume|"
		    "search|save|recall|clear|view control this window; "
		    "Alt-v switches between the bytes received (raw) and the "
		    "parsed form.");
	}
	tui_win_show(w);
	if (input != NULL) {
		g_autofree char *safe = sanitize_str(input);

		tui_input_set_line(safe);
	}
}

/* Rows a new stanza adds, so that a view scrolled back stays still. */
static guint
rows_of(const struct xmlcon_entry *e)
{
	struct rowb b = { g_ptr_array_new_with_free_func(
	    (GDestroyNotify)xrow_free), NULL, 0, MAX(tui_cols(), 8), 0 };
	guint n;

	entry_rows(e, &b);
	n = b.rows->len;
	g_ptr_array_unref(b.rows);
	return n;
}

void
tui_xmlcon_on_event(const struct ev *ev)
{
	struct tui_win *w;
	const struct xmlcon_entry *e;

	if (ev->kind != EV_RAW_IN && ev->kind != EV_RAW_OUT)
		return;
	w = tui_win_current();
	if (w->kind != TUI_WIN_XMLCON || xmlcon_paused_at() != 0)
		return;
	e = xmlcon_count() > 0 ? xmlcon_nth(xmlcon_count() - 1) : NULL;
	if (e == NULL || !xmlcon_visible(e))
		return;
	if (w->scroll > 0)
		w->scroll += rows_of(e);
	tui_mark_dirty();
}

/* Title: filter, pause and size of the ring. */
void
tui_xmlcon_title(struct tui_win *w, GString *out)
{
	g_autofree char *f = xmlcon_filter_describe(xmlcon_view_filter());

	g_string_append_printf(out, "XML console  view: %s  filter: %s%s",
	    !xmlcon_view_raw() ? "parsed" : xmlcon_raw_available() ? "raw" :
	    "raw (" XMLCON_RAW_UNAVAILABLE ")", f,
	    prefs_get_bool("xmlconsole.hide_acks") ? " (acks hidden)" : "");
	if (xmlcon_paused_at() != 0)
		g_string_append_printf(out, "  PAUSED at #%" G_GUINT64_FORMAT,
		    xmlcon_paused_at());
	g_string_append_printf(out, "  %u %s, %zu KB", xmlcon_count(),
	    str_plural(xmlcon_count(), "stanza", "stanzas"),
	    xmlcon_bytes() / 1024);
	if (cmd_xml_pending(w->account, w->peer))
		g_string_append(out, "  [collecting raw XML]");
}
