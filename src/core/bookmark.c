/* SPDX-License-Identifier: MIT */
/*
 * Room bookmarks of each account, as last fetched or changed on the
 * server (XEP-0402, XEP-0048 when that is all the server has). core
 * layer: the model only; the xmpp layer fetches, publishes and autojoins.
 */
#include <string.h>

#include "bookmark.h"

#define BOOKMARKS_MAX 10000

static GHashTable *marks;	/* account -> GHashTable jid -> bookmark */

static void
bookmark_free(struct bookmark *b)
{
	g_free(b->jid);
	g_free(b->name);
	g_free(b->nick);
	g_free(b->password);
	g_free(b);
}

static GHashTable *
of(const char *account, bool create)
{
	GHashTable *t;

	if (marks == NULL && !create)
		return NULL;
	if (marks == NULL)
		marks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)g_hash_table_unref);
	t = g_hash_table_lookup(marks, account);
	if (t == NULL && create) {
		t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		    (GDestroyNotify)bookmark_free);
		g_hash_table_replace(marks, g_strdup(account), t);
	}
	return t;
}

/* Add or replace the bookmark of jid. */
void
bookmarks_set(const char *account, const char *jid, const char *name,
    const char *nick, const char *password, bool autojoin)
{
	GHashTable *t = of(account, true);
	struct bookmark *b;

	if (g_hash_table_size(t) >= BOOKMARKS_MAX &&
	    g_hash_table_lookup(t, jid) == NULL)
		return;
	b = g_new0(struct bookmark, 1);
	b->jid = g_strdup(jid);
	b->name = g_strdup(name);
	b->nick = g_strdup(nick);
	b->password = g_strdup(password);
	b->autojoin = autojoin;
	g_hash_table_replace(t, b->jid, b);
}

/* Forget the bookmark of jid. */
void
bookmarks_remove(const char *account, const char *jid)
{
	GHashTable *t = of(account, false);

	if (t != NULL)
		g_hash_table_remove(t, jid);
}

/* The bookmark of jid (borrowed), or NULL. */
struct bookmark *
bookmarks_find(const char *account, const char *jid)
{
	GHashTable *t = of(account, false);

	return t != NULL ? g_hash_table_lookup(t, jid) : NULL;
}

static gint
by_jid(gconstpointer a, gconstpointer b)
{
	return strcmp((*(struct bookmark *const *)a)->jid,
	    (*(struct bookmark *const *)b)->jid);
}

/* The bookmarks of an account, sorted (new array, borrowed items). */
GPtrArray *
bookmarks_list(const char *account)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTable *t = of(account, false);
	GHashTableIter it;
	gpointer v;

	if (t == NULL)
		return out;
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(out, v);
	g_ptr_array_sort(out, by_jid);
	return out;
}

/* Forget everything. */
void
bookmarks_free(void)
{
	g_clear_pointer(&marks, g_hash_table_unref);
}
