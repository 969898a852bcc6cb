/* SPDX-License-Identifier: MIT */
/*
 * The window list model (see windows.h): copies of what the front end
 * shows, so that commands, the command queue and the control socket
 * answer from the core instead of calling into the front end. The
 * console (window 1, index 0) is always there. core layer.
 */
#include "windows.h"

static GPtrArray *recs;		/* struct window, owned with its strings */
static guint current;

static void
rec_free(struct window *r)
{
	g_free((char *)r->kind);
	g_free((char *)r->name);
	g_free((char *)r->account);
	g_free((char *)r->peer);
	g_free(r);
}

static struct window *
rec_new(const struct window *w)
{
	struct window *r = g_new0(struct window, 1);

	r->kind = g_strdup(w->kind);
	r->name = g_strdup(w->name);
	r->account = g_strdup(w->account);
	r->peer = g_strdup(w->peer);
	r->unread = w->unread;
	r->highlight = w->highlight;
	return r;
}

/* The list, made with its console on first use. */
static GPtrArray *
list(void)
{
	static const struct window console = { .kind = "console",
		.name = "console" };

	if (recs == NULL) {
		recs = g_ptr_array_new_with_free_func((GDestroyNotify)rec_free);
		g_ptr_array_add(recs, rec_new(&console));
		current = 0;
	}
	return recs;
}

/* Set window i (0-based) to w, copied; i == windows_count() appends. */
void
windows_set(guint i, const struct window *w)
{
	GPtrArray *l = list();

	g_return_if_fail(i <= l->len);
	if (i == l->len) {
		g_ptr_array_add(l, rec_new(w));
		return;
	}
	rec_free(g_ptr_array_index(l, i));
	g_ptr_array_index(l, i) = rec_new(w);
}

/* Remove window i (never the console); the current one moves with it. */
void
windows_remove(guint i)
{
	GPtrArray *l = list();

	if (i == 0 || i >= l->len)
		return;
	g_ptr_array_remove_index(l, i);
	if (current >= i && current > 0)
		current--;
}

/* Make window i the current one. */
void
windows_focus(guint i)
{
	if (i < list()->len)
		current = i;
}

/* Number of windows (at least 1: the console). */
guint
windows_count(void)
{
	return list()->len;
}

/* Index of the current window. */
guint
windows_current(void)
{
	list();
	return current;
}

/* Window i (0-based; borrowed until it changes), or NULL past the end. */
const struct window *
windows_nth(guint i)
{
	return i < list()->len ? g_ptr_array_index(recs, i) : NULL;
}

/* Forget every window but a fresh console (front end stop, tests). */
void
windows_reset(void)
{
	g_clear_pointer(&recs, g_ptr_array_unref);
	current = 0;
}
