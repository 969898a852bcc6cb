/* SPDX-License-Identifier: MIT */
/*
 * Bookmarks (XEP-0402, PEP node urn:xmpp:bookmarks:1), with a fallback to
 * XEP-0048 private storage when the server has no PEP bookmarks: fetched after login, autojoined,
 * added and removed with publish/retract. Parse -> model -> autojoin.
 *   <item id='room@conf'><conference xmlns='urn:xmpp:bookmarks:1'
 *     autojoin='true' name='Room'><nick>ann</nick></conference></item>
 */
#include <string.h>

#include "core/bookmark.h"
#include "core/events.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_BOOKMARKS "urn:xmpp:bookmarks:1"
#define NS_PRIVATE "jabber:iq:private"
#define NS_STORAGE "storage:bookmarks"

static bool
truthy(const char *v)
{
	return g_strcmp0(v, "true") == 0 || g_strcmp0(v, "1") == 0;
}

static void
autojoin(struct pconn *pc)
{
	g_autoptr(GPtrArray) l = bookmarks_list(pc->acc->name);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct bookmark *b = g_ptr_array_index(l, i);
		g_autofree char *nick = NULL;
		GError *err = NULL;

		if (!b->autojoin || proto_muc_own_nick(pc->acc, b->jid) != NULL)
			continue;
		nick = b->nick != NULL ? g_strdup(b->nick) : account_nick(pc->acc);
		if (!proto_muc_join(pc->acc, b->jid, nick, b->password, &err))
			g_clear_error(&err);
	}
}

/* One XEP-0402 <conference/> with its item id (the room JID). */
static void
add_0402(struct pconn *pc, const char *jid, xmpp_stanza_t *conf)
{
	g_autofree char *nick = proto_child_text(pc, conf, "nick", 1024);
	g_autofree char *pw = proto_child_text(pc, conf, "password", 1024);

	if (jid == NULL || !jid_is_valid(jid))
		return;
	bookmarks_set(pc->acc->name, jid, xmpp_stanza_get_attribute(conf,
	    "name"), nick, pw, truthy(xmpp_stanza_get_attribute(conf,
	    "autojoin")));
}

static void
private_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_PRIVATE);
	xmpp_stanza_t *s = q != NULL ? xmpp_stanza_get_child_by_ns(q,
	    NS_STORAGE) : NULL;
	xmpp_stanza_t *c;

	for (c = s != NULL ? xmpp_stanza_get_children(s) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		g_autofree char *nick = NULL, *pw = NULL;
		const char *jid = xmpp_stanza_get_attribute(c, "jid");

		if (g_strcmp0(xmpp_stanza_get_name(c), "conference") != 0 ||
		    jid == NULL || !jid_is_valid(jid))
			continue;
		nick = proto_child_text(pc, c, "nick", 1024);
		pw = proto_child_text(pc, c, "password", 1024);
		bookmarks_set(pc->acc->name, jid, xmpp_stanza_get_attribute(c,
		    "name"), nick, pw, truthy(xmpp_stanza_get_attribute(c,
		    "autojoin")));
	}
	autojoin(pc);
}

/* XEP-0048 §3.2 fallback: private XML storage. */
static void
fetch_private(struct pconn *pc)
{
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "get", NULL);
	xmpp_stanza_t *q = proto_new_child(pc->ctx, iq, "query", NS_PRIVATE);

	proto_new_child(pc->ctx, q, "storage", NS_STORAGE);
	proto_iq_send(pc, iq, NULL, private_result, NULL, NULL);
	xmpp_stanza_release(iq);
}

static void
items_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	xmpp_stanza_t *ps = xmpp_stanza_get_child_by_ns(reply, NS_PUBSUB);
	xmpp_stanza_t *items = ps != NULL ?
	    xmpp_stanza_get_child_by_name(ps, "items") : NULL;
	xmpp_stanza_t *it;

	/*
	 * Merge, never clear: a /bookmark add made while this answer was on
	 * its way must survive it.
	 */
	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		pc->bookmarks_0048 = true;	/* no PEP bookmarks here */
		fetch_private(pc);
		return;
	}
	for (it = items != NULL ? xmpp_stanza_get_children(items) : NULL;
	    it != NULL; it = xmpp_stanza_get_next(it)) {
		xmpp_stanza_t *conf = xmpp_stanza_get_child_by_ns(it,
		    NS_BOOKMARKS);

		if (conf != NULL)
			add_0402(pc, xmpp_stanza_get_id(it), conf);
	}
	autojoin(pc);
}

/* The session ended: the next server may have PEP bookmarks. */
void
proto_bookmark_session_ended(struct pconn *pc)
{
	pc->bookmarks_0048 = false;
}

/* After login: fetch the bookmarks and join the autojoin ones. */
void
proto_bookmark_fetch(struct pconn *pc)
{
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "get", NULL);
	xmpp_stanza_t *ps = proto_new_child(pc->ctx, iq, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *items = proto_new_child(pc->ctx, ps, "items", NULL);

	xmpp_stanza_set_attribute(items, "node", NS_BOOKMARKS);
	proto_iq_send(pc, iq, NULL, items_result, NULL, NULL);
	xmpp_stanza_release(iq);
}

static void
field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var, const char *value,
    const char *type)
{
	xmpp_stanza_t *f = proto_new_child(ctx, x, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	if (type != NULL)
		xmpp_stanza_set_type(f, type);
	proto_add_text_child(ctx, f, "value", value);
}

struct set_req {
	proto_list_fn	*fn;
	void		*data;
	bool		 pep;	/* a XEP-0402 publish/retract */
};

static void store_private(struct pconn *pc, struct set_req *r);

static void
set_lost(void *data)
{
	struct set_req *r = data;

	r->fn(NULL, "connection lost before the server answered", r->data);
	g_free(r);
}

static void
set_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct set_req *r = data;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0) {
		r->fn(NULL, NULL, r->data);
	} else if (r->pep) {
		/* No PEP bookmarks after all: keep them in XEP-0048 storage. */
		pc->bookmarks_0048 = true;
		r->pep = false;
		store_private(pc, r);
		return;
	} else {
		r->fn(NULL, "the server refused to store the bookmark",
		    r->data);
	}
	g_free(r);
}

/* XEP-0048 §3.3: store the whole list in private XML storage. */
static void
store_private(struct pconn *pc, struct set_req *r)
{
	g_autoptr(GPtrArray) l = bookmarks_list(pc->acc->name);
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "set", NULL);
	xmpp_stanza_t *q = proto_new_child(pc->ctx, iq, "query", NS_PRIVATE);
	xmpp_stanza_t *st = proto_new_child(pc->ctx, q, "storage", NS_STORAGE);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct bookmark *b = g_ptr_array_index(l, i);
		xmpp_stanza_t *c = proto_new_child(pc->ctx, st, "conference", NULL);

		xmpp_stanza_set_attribute(c, "jid", b->jid);
		xmpp_stanza_set_attribute(c, "autojoin", b->autojoin ? "true" :
		    "false");
		if (b->name != NULL)
			xmpp_stanza_set_attribute(c, "name", b->name);
		if (b->nick != NULL)
			proto_add_text_child(pc->ctx, c, "nick", b->nick);
		if (b->password != NULL)
			proto_add_text_child(pc->ctx, c, "password",
			    b->password);
	}
	proto_iq_send(pc, iq, NULL, set_result, r, set_lost);
	xmpp_stanza_release(iq);
}

/*
 * Publish (or with remove, retract) the bookmark of room jid (XEP-0402;
 * the whole list in XEP-0048 storage when that is all the server has);
 * the model changes at once, fn gets the server's answer.
 */
bool
proto_bookmark_set(struct account *acc, const char *jid, bool remove,
    const char *name, const char *nick, const char *password, bool join,
    proto_list_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *ps, *op, *item, *conf, *opts, *x;
	struct set_req *r;

	if (pc == NULL)
		return false;
	if (!jid_is_valid(jid) || strchr(jid, '@') == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a room address (room@service)", jid);
		return false;
	}
	if (pc->bookmarks_0048) {
		if (remove)
			bookmarks_remove(acc->name, jid);
		else
			bookmarks_set(acc->name, jid, name, nick, password,
			    join);
		r = g_new0(struct set_req, 1);
		r->fn = fn;
		r->data = data;
		store_private(pc, r);
		return true;
	}
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	ps = proto_new_child(pc->ctx, iq, "pubsub", NS_PUBSUB);
	op = proto_new_child(pc->ctx, ps, remove ? "retract" : "publish", NULL);
	xmpp_stanza_set_attribute(op, "node", NS_BOOKMARKS);
	if (remove)
		xmpp_stanza_set_attribute(op, "notify", "true");
	item = proto_new_child(pc->ctx, op, "item", NULL);
	xmpp_stanza_set_id(item, jid);
	if (!remove) {
		conf = proto_new_child(pc->ctx, item, "conference", NS_BOOKMARKS);
		xmpp_stanza_set_attribute(conf, "autojoin", join ? "true" :
		    "false");
		if (name != NULL)
			xmpp_stanza_set_attribute(conf, "name", name);
		if (nick != NULL)
			proto_add_text_child(pc->ctx, conf, "nick", nick);
		if (password != NULL)
			proto_add_text_child(pc->ctx, conf, "password",
			    password);
		opts = proto_new_child(pc->ctx, ps, "publish-options", NULL);
		x = proto_new_child(pc->ctx, opts, "x", "jabber:x:data");
		xmpp_stanza_set_type(x, "submit");
		field(pc->ctx, x, "FORM_TYPE",
		    "http://jabber.org/protocol/pubsub#publish-options",
		    "hidden");
		field(pc->ctx, x, "pubsub#persist_items", "true", NULL);
		field(pc->ctx, x, "pubsub#max_items", "max", NULL);
		field(pc->ctx, x, "pubsub#send_last_published_item", "never",
		    NULL);
		field(pc->ctx, x, "pubsub#access_model", "whitelist", NULL);
		bookmarks_set(acc->name, jid, name, nick, password, join);
	} else {
		bookmarks_remove(acc->name, jid);
	}
	r = g_new0(struct set_req, 1);
	r->fn = fn;
	r->data = data;
	r->pep = true;
	proto_iq_send(pc, iq, NULL, set_result, r, set_lost);
	xmpp_stanza_release(iq);
	return true;
}
