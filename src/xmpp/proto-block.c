/* SPDX-License-Identifier: MIT */
/*
 * Blocking (XEP-0191): block and unblock JIDs, fetch the block list, and
 * apply the server's pushes (accepted only from our own account, like
 * roster pushes). Parse -> model (the account's roster) -> event.
 *   <iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='x@y'/></block></iq>
 */
#include <string.h>

#include "core/events.h"
#include "core/roster.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_BLOCKING "urn:xmpp:blocking"

struct block_req {
	proto_list_fn	*fn;
	void		*data;
};

/* Update the model; tell the user only about real changes. */
static void
mark(struct pconn *pc, const char *jid, bool block)
{
	if (roster_is_blocked(pc->acc->roster, jid) == block)
		return;
	roster_block(pc->acc->roster, jid, block);
	ev_emit_text(EV_INFO, pc->acc->name, "%s %s", jid, block ? "blocked" :
	    "unblocked");
}

static void
apply(struct pconn *pc, xmpp_stanza_t *el, bool block)
{
	xmpp_stanza_t *item = xmpp_stanza_get_children(el);
	bool any = false;

	for (; item != NULL; item = xmpp_stanza_get_next(item)) {
		const char *jid = xmpp_stanza_get_attribute(item, "jid");

		if (g_strcmp0(xmpp_stanza_get_name(item), "item") != 0 ||
		    jid == NULL || !jid_is_valid(jid))
			continue;
		mark(pc, jid, block);
		any = true;
	}
	if (!any && !block) {
		roster_block_clear(pc->acc->roster);
		ev_emit_text(EV_INFO, pc->acc->name, "block list cleared");
	}
}

/*
 * A push (<iq type='set'> with <block/> or <unblock/>): true when st was
 * one (answered), false when it is not about blocking.
 */
bool
proto_block_push(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *el = xmpp_stanza_get_child_by_ns(st, NS_BLOCKING);
	xmpp_stanza_t *reply;
	const char *name;

	if (el == NULL)
		return false;
	name = xmpp_stanza_get_name(el);
	if (g_strcmp0(name, "block") != 0 && g_strcmp0(name, "unblock") != 0)
		return false;
	if (!proto_iq_from_ok(pc, NULL, xmpp_stanza_get_from(st))) {
		log_warn("%s: ignoring a block list push from %s",
		    pc->acc->name, xmpp_stanza_get_from(st));
		return true;
	}
	apply(pc, el, name[0] == 'b');
	reply = proto_iq_reply(pc, st, "result");
	proto_send(pc, reply);
	xmpp_stanza_release(reply);
	return true;
}

/* The session ended before the answer: tell the waiting command. */
static void
list_lost(void *data)
{
	struct block_req *r = data;

	if (r->fn != NULL)
		r->fn(NULL, "connection lost before the server answered",
		    r->data);
	g_free(r);
}

static void
list_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct block_req *r = data;
	xmpp_stanza_t *l = xmpp_stanza_get_child_by_ns(reply, NS_BLOCKING);
	GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *item;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0 ||
	    l == NULL) {
		if (r->fn != NULL)
			r->fn(NULL, "the server refused the block list "
			    "request (no XEP-0191 support?)", r->data);
		g_ptr_array_unref(jids);
		g_free(r);
		return;
	}
	roster_block_clear(pc->acc->roster);
	for (item = xmpp_stanza_get_children(l); item != NULL;
	    item = xmpp_stanza_get_next(item)) {
		const char *jid = xmpp_stanza_get_attribute(item, "jid");

		if (jid != NULL && jid_is_valid(jid) && jids->len < 10000) {
			g_ptr_array_add(jids, g_strdup(jid));
			roster_block(pc->acc->roster, jid, true);
		}
	}
	if (r->fn != NULL)
		r->fn(jids, NULL, r->data);
	g_ptr_array_unref(jids);
	g_free(r);
}

/* Fetch the block list; fn gets the JIDs (borrowed) or an error text. */
bool
proto_block_list(struct account *acc, proto_list_fn *fn, void *data,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *q;
	struct block_req *r;

	if (pc == NULL)
		return false;
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	q = xmpp_stanza_new(pc->ctx);
	xmpp_stanza_set_name(q, "blocklist");
	xmpp_stanza_set_ns(q, NS_BLOCKING);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	r = g_new0(struct block_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, NULL, list_result, r, list_lost);
	xmpp_stanza_release(iq);
	return true;
}

struct set_req {
	char	*jid;
	bool	 block;
};

static void
set_req_free(void *data)
{
	struct set_req *r = data;

	g_free(r->jid);
	g_free(r);
}

static void
set_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct set_req *r = data;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0)
		mark(pc, r->jid, r->block);
	else {
		g_autofree char *what = g_strdup_printf("the server refused "
		    "to %sblock %s", r->block ? "" : "un", r->jid);

		proto_error_emit(pc, reply, what, NULL);
	}
	set_req_free(r);
}

/*
 * At login: fetch the block list, which also makes this resource one the
 * server pushes changes to (XEP-0191 §3.3).
 */
void
proto_block_fetch(struct pconn *pc)
{
	GError *err = NULL;

	if (!proto_block_list(pc->acc, NULL, NULL, &err))
		g_clear_error(&err);
}

/* Block (or unblock) jid; the result (or the server's push) updates the
 * model. */
bool
proto_block_set(struct account *acc, const char *jid, bool block,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *el, *item;
	struct set_req *req;

	if (pc == NULL)
		return false;
	if (!jid_is_valid(jid)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid JID", jid);
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	el = xmpp_stanza_new(pc->ctx);
	xmpp_stanza_set_name(el, block ? "block" : "unblock");
	xmpp_stanza_set_ns(el, NS_BLOCKING);
	item = xmpp_stanza_new(pc->ctx);
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", jid);
	xmpp_stanza_add_child(el, item);
	xmpp_stanza_release(item);
	xmpp_stanza_add_child(iq, el);
	xmpp_stanza_release(el);
	req = g_new0(struct set_req, 1);
	req->jid = g_strdup(jid);
	req->block = block;
	proto_iq_send(pc, iq, NULL, set_result, req, set_req_free);
	xmpp_stanza_release(iq);
	return true;
}
