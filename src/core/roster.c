/* SPDX-License-Identifier: MIT */
/*
 * The roster model of one account: bare JID -> item, in a hash table so
 * that thousands of contacts cost O(1) per push. core layer: updates the
 * model and emits EV_ROSTER_ITEM; never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "roster.h"

struct roster {
	GHashTable	*items;		/* jid -> struct roster_item */
	GHashTable	*requests;	/* jid -> status text of a request */
	GHashTable	*blocked;	/* jid -> jid (XEP-0191) */
	guint		 generation;	/* bumped on every change */
};

static void
res_free(struct roster_res *res)
{
	g_free(res->resource);
	g_free(res->show);
	g_free(res->status);
	g_free(res);
}

static void
item_free(struct roster_item *it)
{
	g_free(it->jid);
	g_free(it->name);
	g_free(it->subscription);
	g_free(it->ask);
	g_strfreev(it->groups);
	g_ptr_array_unref(it->resources);
	g_free(it);
}

/* A new empty roster. */
struct roster *
roster_new(void)
{
	struct roster *r = g_new0(struct roster, 1);

	r->items = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    (GDestroyNotify)item_free);
	r->requests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	r->blocked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	return r;
}

/* Free a roster; NULL is a no-op. */
void
roster_free(struct roster *r)
{
	if (r == NULL)
		return;
	g_hash_table_unref(r->items);
	g_hash_table_unref(r->requests);
	g_hash_table_unref(r->blocked);
	g_free(r);
}

/* Forget every item (a new session fetches the roster again). */
void
roster_clear(struct roster *r)
{
	g_hash_table_remove_all(r->items);
	r->generation++;
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
	r->generation++;
	if (strcmp(subscription, "remove") == 0) {
		g_hash_table_remove(r->items, jid);
		ev_emit(&ev);
		return;
	}
	it = g_hash_table_lookup(r->items, jid);
	if (it == NULL) {
		it = g_new0(struct roster_item, 1);
		it->jid = g_strdup(jid);
		it->resources = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)res_free);
		g_hash_table_replace(r->items, it->jid, it);
	}
	g_free(it->name);
	it->name = g_strdup(name);
	g_free(it->subscription);
	it->subscription = g_strdup(subscription);
	g_strfreev(it->groups);
	it->groups = g_strdupv((char **)groups);
	if (it->groups == NULL)
		it->groups = g_new0(char *, 1);
	ev_emit(&ev);
}

/* Number of items. */
guint
roster_count(struct roster *r)
{
	return g_hash_table_size(r->items);
}

/* The items (new array of borrowed pointers, in no order). */
GPtrArray *
roster_items(struct roster *r)
{
	GPtrArray *out = g_ptr_array_sized_new(g_hash_table_size(r->items));
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, r->items);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(out, v);
	return out;
}

/* Counter bumped on every change (views re-sort only when it moved). */
guint
roster_generation(struct roster *r)
{
	return r->generation;
}

static struct roster_res *
find_res(struct roster_item *it, const char *resource)
{
	guint i;

	for (i = 0; i < it->resources->len; i++) {
		struct roster_res *res = g_ptr_array_index(it->resources, i);

		if (g_strcmp0(res->resource, resource) == 0)
			return res;
	}
	return NULL;
}

static void
update_res(struct roster_item *it, const char *resource, const char *type,
    const char *show, const char *status, const char *priority)
{
	struct roster_res *res = find_res(it, resource);

	if (g_strcmp0(type, "unavailable") == 0) {
		if (res != NULL)
			g_ptr_array_remove(it->resources, res);
		return;
	}
	if (res == NULL) {
		if (it->resources->len >= 64)
			return;		/* bound per contact */
		res = g_new0(struct roster_res, 1);
		res->resource = g_strdup(resource);
		g_ptr_array_add(it->resources, res);
	}
	g_free(res->show);
	res->show = g_strdup(show != NULL ? show : "online");
	g_free(res->status);
	res->status = g_strdup(status);
	res->priority = priority != NULL ? atoi(priority) : 0;
}

/*
 * Apply a presence from a full JID (RFC 6121 §4) and emit EV_PRESENCE.
 * type is "available" or "unavailable"; contacts outside the roster are
 * reported but not stored.
 */
void
roster_presence(struct roster *r, const char *account, const char *from,
    const char *type, const char *show, const char *status,
    const char *priority)
{
	struct ev ev = { .kind = EV_PRESENCE, .account = account };
	const char *slash = strchr(from, '/');
	g_autofree char *bare = slash != NULL ? g_strndup(from, slash - from) :
	    g_strdup(from);
	struct roster_item *it = g_hash_table_lookup(r->items, bare);

	if (it != NULL) {
		update_res(it, slash != NULL ? slash + 1 : "", type, show,
		    status, priority);
		r->generation++;
	}
	ev.u.presence.from = from;
	ev.u.presence.type = type;
	ev.u.presence.show = show;
	ev.u.presence.status = status;
	ev.u.presence.priority = priority;
	ev_emit(&ev);
}

/* The resource with the highest priority, or NULL when offline. */
const struct roster_res *
roster_item_best(const struct roster_item *it)
{
	const struct roster_res *best = NULL;
	guint i;

	for (i = 0; i < it->resources->len; i++) {
		const struct roster_res *res = g_ptr_array_index(it->resources,
		    i);

		if (best == NULL || res->priority > best->priority)
			best = res;
	}
	return best;
}

/* online|chat|away|xa|dnd of the best resource, or "offline". */
const char *
roster_item_show(const struct roster_item *it)
{
	const struct roster_res *best = roster_item_best(it);

	return best != NULL ? best->show : "offline";
}

/* Set the pending-subscription mark of an item (NULL clears it). */
void
roster_set_ask(struct roster *r, const char *jid, const char *ask)
{
	struct roster_item *it = g_hash_table_lookup(r->items, jid);

	if (it == NULL)
		return;
	g_free(it->ask);
	it->ask = g_strdup(ask);
	r->generation++;
}

/* Remember an incoming subscription request (bounded). */
void
roster_request_add(struct roster *r, const char *jid, const char *status)
{
	if (g_hash_table_size(r->requests) >= 1000)
		return;
	g_hash_table_replace(r->requests, g_strdup(jid),
	    g_strdup(status != NULL ? status : ""));
}

/* Forget a request; true when there was one. */
bool
roster_request_take(struct roster *r, const char *jid)
{
	return g_hash_table_remove(r->requests, jid);
}

/* JIDs with a pending request (new array of borrowed strings). */
GPtrArray *
roster_requests(struct roster *r)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, r->requests);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(out, k);
	return out;
}

/* Mark jid blocked or not (XEP-0191 model; bounded). */
void
roster_block(struct roster *r, const char *jid, bool block)
{
	if (!block)
		g_hash_table_remove(r->blocked, jid);
	else if (g_hash_table_size(r->blocked) < 100000)
		g_hash_table_add(r->blocked, g_strdup(jid));
	r->generation++;
}

/* Forget every blocked JID. */
void
roster_block_clear(struct roster *r)
{
	g_hash_table_remove_all(r->blocked);
	r->generation++;
}

/* True when jid is blocked. */
bool
roster_is_blocked(struct roster *r, const char *jid)
{
	return g_hash_table_contains(r->blocked, jid);
}
