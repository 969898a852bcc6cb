/* SPDX-License-Identifier: MIT */
/*
 * The roster pane (PRODUCT §3): contacts of the connected accounts,
 * grouped by roster group, by presence or not at all (ui.roster_by),
 * sorted by presence then name, each with a presence symbol and colour
 * (never colour alone) and its unread count. The sorted view is rebuilt
 * only when a roster changed (generation counters), and only visible rows
 * are drawn, so thousands of contacts stay cheap. frontend/tui layer.
 */
#include <curses.h>
#include <string.h>

#include "core/account.h"
#include "core/prefs.h"
#include "core/roster.h"
#include "tui-internal.h"
#include "util/sanitize.h"

struct row {
	char		*text;		/* owned, sanitized */
	enum tui_elem	 elem;
};

static GPtrArray *rows;		/* struct row */
static guint built_gen;		/* sum of roster generations when built */
static char *built_by;
static guint top;		/* first visible row */
static guint ncontacts;		/* contacts in rows */

static void
row_free(struct row *r)
{
	g_free(r->text);
	g_free(r);
}

static int
show_rank(const char *show)
{
	static const char *const order[] = { "chat", "online", "away", "xa",
		"dnd", "offline", NULL };
	int i;

	for (i = 0; order[i] != NULL; i++)
		if (strcmp(show, order[i]) == 0)
			return i;
	return i;
}

/*
 * Presence as a symbol and a theme element (never colour alone): shared
 * by the roster and occupants panes.
 */
const char *
tui_presence_symbol(const char *show, enum tui_elem *elem)
{
	*elem = TUI_ONLINE;
	if (strcmp(show, "away") == 0 || strcmp(show, "xa") == 0) {
		*elem = TUI_AWAY;
		return show[0] == 'a' ? "~" : "=";
	}
	if (strcmp(show, "dnd") == 0) {
		*elem = TUI_DND;
		return "!";
	}
	if (strcmp(show, "offline") == 0) {
		*elem = TUI_OFFLINE;
		return " ";
	}
	return show[0] == 'c' ? "*" : "+";
}

struct entry {
	struct roster_item	*it;
	const char		*group;
	const char		*show;
	const char		*account;
};

static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct entry *x = a, *y = b;
	int c = g_strcmp0(x->group, y->group);
	const char *nx, *ny;

	if (c != 0)
		return c;
	c = show_rank(x->show) - show_rank(y->show);
	if (c != 0)
		return c;
	nx = x->it->name != NULL ? x->it->name : x->it->jid;
	ny = y->it->name != NULL ? y->it->name : y->it->jid;
	return g_utf8_collate(nx, ny);
}

static const char *
group_of(const struct roster_item *it, const char *show, const char *by)
{
	if (strcmp(by, "presence") == 0)
		return strcmp(show, "offline") == 0 ? "Offline" : "Online";
	if (strcmp(by, "none") == 0)
		return "";
	return it->groups[0] != NULL ? it->groups[0] : "Contacts";
}

static void
collect(GArray *entries, const char *by)
{
	GPtrArray *accs = accounts_list();
	guint i, j;

	for (i = 0; i < accs->len; i++) {
		struct account *acc = g_ptr_array_index(accs, i);
		g_autoptr(GPtrArray) items = NULL;

		if (acc->state != ACCOUNT_ONLINE)
			continue;
		items = roster_items(acc->roster);
		for (j = 0; j < items->len; j++) {
			struct entry e;

			e.it = g_ptr_array_index(items, j);
			e.show = roster_item_show(e.it);
			e.group = group_of(e.it, e.show, by);
			e.account = acc->name;
			g_array_append_val(entries, e);
		}
	}
	g_array_sort(entries, entry_cmp);
}

static guint
unread_of(const char *account, const char *jid)
{
	struct tui_win *w = tui_win_find_chat(account, jid);

	return w != NULL ? w->unread : 0;
}

static void
add_row(const char *text, enum tui_elem elem)
{
	struct row *r = g_new0(struct row, 1);

	r->text = sanitize_str(text);
	r->elem = elem;
	g_ptr_array_add(rows, r);
}

static void
rebuild(const char *by)
{
	g_autoptr(GArray) entries = g_array_new(FALSE, FALSE,
	    sizeof(struct entry));
	const char *group = NULL;
	guint i;

	g_clear_pointer(&rows, g_ptr_array_unref);
	rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	collect(entries, by);
	for (i = 0; i < entries->len; i++) {
		struct entry *e = &g_array_index(entries, struct entry, i);
		enum tui_elem elem;
		const char *sym = tui_presence_symbol(e->show, &elem);
		guint unread = unread_of(e->account, e->it->jid);
		g_autofree char *line = NULL;

		if (*e->group != '\0' && g_strcmp0(group, e->group) != 0)
			add_row(e->group, TUI_PANE_GROUP);
		group = e->group;
		line = unread > 0 ? g_strdup_printf("%s %s (%u)", sym,
		    e->it->name ? e->it->name : e->it->jid, unread) :
		    g_strdup_printf("%s %s", sym,
		    e->it->name ? e->it->name : e->it->jid);
		add_row(line, elem);
	}
	ncontacts = entries->len;
	if (entries->len == 0)
		add_row("(no contacts)", TUI_PANE);
}

static guint
generation(void)
{
	GPtrArray *accs = accounts_list();
	guint i, g = 0;

	for (i = 0; i < accs->len; i++) {
		struct account *acc = g_ptr_array_index(accs, i);

		g += roster_generation(acc->roster) * 31 + acc->state + 7 * i;
	}
	for (i = 0; i < tui_win_count(); i++)
		g += tui_win_nth(i)->unread * (i + 1);
	return g;
}

/* Columns the pane takes (0 when hidden or not shown in this window). */
int
tui_roster_width(void)
{
	int w = (int)prefs_get_int("ui.roster_width");

	if (!prefs_get_bool("ui.roster") || COLS < w + 20)
		return 0;
	return w;
}

/* Scroll the pane by pages (positive: down). */
void
tui_roster_scroll(int pages)
{
	long t = (long)top + (long)pages * MAX(LINES - 5, 1);

	top = (guint)CLAMP(t, 0, rows != NULL && rows->len > 0 ?
	    (long)rows->len - 1 : 0);
	tui_mark_dirty();
}

/*
 * Draw the pane in the given rectangle (left column is a separator).
 * Returns how many contacts it lists (for the benchmark trace).
 */
guint
tui_roster_draw(int y0, int height, int left, int width)
{
	const char *by = prefs_get("ui.roster_by");
	guint gen = generation(), i;
	int y;

	if (rows == NULL || gen != built_gen || g_strcmp0(by, built_by) != 0) {
		rebuild(by);
		built_gen = gen;
		g_free(built_by);
		built_by = g_strdup(by);
	}
	if (top >= rows->len)
		top = 0;
	for (y = 0; y < height; y++) {
		attrset(tui_theme_attr(TUI_STATUS));
		mvaddch(y0 + y, left, ' ');
		attrset(A_NORMAL);
		move(y0 + y, left + 1);
		clrtoeol();
		i = top + (guint)y;
		if (i < rows->len)
			tui_pane_row(y0 + y, left, width, ((struct row *)
			    g_ptr_array_index(rows, i))->text,
			    ((struct row *)g_ptr_array_index(rows, i))->elem);
	}
	return ncontacts;
}

/* Draw text (sanitized here) in a pane row, cut to its width. */
void
tui_pane_row(int y, int left, int width, const char *text, enum tui_elem e)
{
	g_autofree char *safe = sanitize_str(text);
	g_autofree char *fit = sanitize_fit(safe, (size_t)width - 1);

	attrset(tui_theme_attr(e));
	mvaddstr(y, left + 1, fit);
	attrset(A_NORMAL);
}
