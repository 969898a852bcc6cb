/* SPDX-License-Identifier: MIT */
/*
 * The roster model of one account: bare JID -> item, in a hash table so
 * that thousands of contacts cost O(1) per push. core layer: updates the
 * model and emits EV_ROSTER_ITEM; never prints.
 */
#include <string.h>

#include "events.h"
#include "roster.h"

struct roster {
	GHashTable	*items;		/* jid -> struct roster_item */
};

static void
item_free(struct roster_item *it)
{
	g_free(it->jid);
	g_free(it->name);
	g_free(it->subscription);
	g_strfreev(it->groups);
	g_free(it);
}

/* A new empty roster. */
struct roster *
roster_new(void)
{
	struct roster *r = g_new0(struct roster, 1);

	r->items = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    (GDestroyNotify)item_free);
	return r;
}

/* Free a roster; NULL is a no-op. */
void
roster_free(struct roster *r)
{
	if (r == NULL)
		return;
	g_hash_table_unref(r->items);
	g_free(r);
}

/* Forget every item (a new session fetches the roster again). */
void
roster_clear(struct roster *r)
{
	g_hash_table_remove_all(r->items);
}

/* Item for a bare JID (borrowed), or NULL. */
struct roster_item *
roster_find(struct roster *r, const char *jid)
{
	return g_hash_table_lookup(r->items, jid);
}

/*
 * Add, change or (subscription "remove") delete an item, then emit
 * EV_ROSTER_ITEM for account. Arguments are copied.
 */
void
roster_update(struct roster *r, const char *account, const char *jid,
    const char *name, const char *subscription, const char *const *groups)
{
	struct ev ev = { .kind = EV_ROSTER_ITEM, .account = account };
	g_autofree char *joined = NULL;
	struct roster_item *it;

	if (subscription == NULL)
		subscription = "none";
	joined = groups != NULL ? g_strjoinv(",", (char **)groups) :
	    g_strdup("");
	ev.u.roster_item.jid = jid;
	ev.u.roster_item.name = name;
	ev.u.roster_item.subscription = subscription;
	ev.u.roster_item.groups = joined;
	if (strcmp(subscription, "remove") == 0) {
		g_hash_table_remove(r->items, jid);
		ev_emit(&ev);
		return;
	}
	it = g_new0(struct roster_item, 1);
	it->jid = g_strdup(jid);
	it->name = g_strdup(name);
	it->subscription = g_strdup(subscription);
	it->groups = g_strdupv((char **)groups);
	if (it->groups == NULL)
		it->groups = g_new0(char *, 1);
	g_hash_table_replace(r->items, it->jid, it);
	ev_emit(&ev);
}

/* Number of items. */
guint
roster_count(struct roster *r)
{
	return g_hash_table_size(r->items);
}
