/* SPDX-License-Identifier: MIT */
/*
 * IQ request tracking (RFC 6120 §8.2.3). A result or error is accepted only
 * from the entity the request was sent to (PRODUCT §5): a request to our own
 * server or account (to == NULL) accepts no 'from', our bare JID, our full
 * JID or our domain. Anything else is logged and ignored, so a contact
 * cannot answer a roster request. Every request has a deadline
 * (iq.timeout): a loop timer, only while it waits; when it passes, the
 * waiter gets an error reply made here (remote-server-timeout, type wait,
 * with a natter marker) so every caller's error path handles it. xmpp
 * layer.
 */
#include <string.h>

#include "core/loop.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_TIMEOUT "urn:natter:iq-timeout"

struct iq_wait {
	struct pconn	*pc;
	char		*id;	/* owned */
	char		*to;	/* owned, NULL for our server/account */
	guint		 timer;	/* deadline */
	long		 secs;	/* iq.timeout when it was sent */
	proto_iq_fn	*fn;
	void		*data;
	GDestroyNotify	 free_data;	/* for data never answered */
};

static void
iq_wait_free(struct iq_wait *w)
{
	if (w->free_data != NULL && w->data != NULL)
		w->free_data(w->data);
	if (w->timer != 0)
		loop_remove_timer(w->timer);
	g_free(w->id);
	g_free(w->to);
	g_free(w);
}

static bool
same_full(const char *a, const char *b)
{
	JID_AUTO ja = jid_parse(a, NULL);
	JID_AUTO jb = jid_parse(b, NULL);

	if (ja == NULL || jb == NULL || !jid_bare_equal(a, b))
		return false;
	return g_strcmp0(ja->resource, jb->resource) == 0;
}

/* True when a reply from 'from' may answer a request sent to 'expected'. */
bool
proto_iq_from_ok(struct pconn *pc, const char *expected, const char *from)
{
	const char *own = pc->acc->bound_jid != NULL ? pc->acc->bound_jid :
	    account_get(pc->acc, "jid");
	JID_AUTO j = NULL;

	if (expected != NULL) {
		if (from == NULL)
			return false;
		return same_full(expected, from);
	}
	if (from == NULL)
		return true;
	if (own == NULL)
		return false;
	if (jid_bare_equal(from, own) && strchr(from, '/') == NULL)
		return true;
	if (same_full(from, own))
		return true;
	j = jid_parse(own, NULL);
	return j != NULL && g_ascii_strcasecmp(from, j->domain) == 0;
}

/* The error reply of a request that got no answer in time. */
static xmpp_stanza_t *
timeout_reply(struct pconn *pc, struct iq_wait *w)
{
	xmpp_stanza_t *r = xmpp_iq_new(pc->ctx, "error", w->id);
	xmpp_stanza_t *e = proto_new_child(pc->ctx, r, "error", NULL);
	g_autofree char *text = g_strdup_printf("no answer within %ld s "
	    "(request %s)", w->secs, w->id);

	if (w->to != NULL)
		xmpp_stanza_set_from(r, w->to);
	xmpp_stanza_set_type(e, "wait");
	proto_new_child(pc->ctx, e, "remote-server-timeout", NS_STANZAS);
	proto_new_child(pc->ctx, e, "timeout", NS_TIMEOUT);
	proto_add_text_child(pc->ctx, e, "text", text);
	xmpp_stanza_set_ns(xmpp_stanza_get_child_by_name(e, "text"),
	    NS_STANZAS);
	return r;
}

/* True when reply is the one timeout_reply() made. */
bool
proto_iq_timed_out(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(reply, "error");

	return e != NULL && xmpp_stanza_get_child_by_ns(e, NS_TIMEOUT) != NULL;
}

/*
 * A request's deadline passed: its waiter gets the timeout error reply
 * (or, with no waiter, the user gets it as an error event).
 */
static void
iq_timeout_cb(void *data)
{
	struct iq_wait *w = data;
	struct pconn *pc = w->pc;
	gpointer key = NULL;
	xmpp_stanza_t *r;

	w->timer = 0;
	g_hash_table_steal_extended(pc->iqs, w->id, &key, NULL);
	g_free(key);
	r = timeout_reply(pc, w);
	if (w->fn != NULL) {
		w->fn(pc, r, w->data);
		w->free_data = NULL;	/* fn took it */
	} else {
		g_autofree char *what = g_strdup_printf("%s did not answer",
		    w->to != NULL ? w->to : "the server");

		proto_error_emit(pc, r, what, NULL);
	}
	xmpp_stanza_release(r);
	iq_wait_free(w);
}

/*
 * Send iq (an <iq type='get|set'/>; an id is added when missing) to 'to'
 * (NULL: our own server/account) and call fn with the reply, or with a
 * timeout error reply after iq.timeout seconds; fn owns data then.
 * free_data frees data when no reply comes (session ended). Takes no
 * ownership of iq.
 */
void
proto_iq_send(struct pconn *pc, xmpp_stanza_t *iq, const char *to,
    proto_iq_fn *fn, void *data, GDestroyNotify free_data)
{
	struct iq_wait *w = g_new0(struct iq_wait, 1);
	const char *id = xmpp_stanza_get_id(iq);
	char *gen = NULL;

	if (id == NULL) {
		gen = xmpp_uuid_gen(pc->ctx);
		xmpp_stanza_set_id(iq, gen);
		id = xmpp_stanza_get_id(iq);
	}
	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	w->pc = pc;
	w->id = g_strdup(id);
	w->to = g_strdup(to);
	w->fn = fn;
	w->data = data;
	w->free_data = free_data;
	w->secs = prefs_get_int("iq.timeout");
	w->timer = loop_add_timer(w->secs * 1000, iq_timeout_cb, w);
	g_hash_table_replace(pc->iqs, g_strdup(id), w);
	if (gen != NULL)
		xmpp_free(pc->ctx, gen);
	proto_send(pc, iq);
}

/* Stanza handler for <iq type='result|error'/>: dispatch to the waiter. */
int
proto_iq_handle_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct pconn *pc = userdata;
	const char *type = xmpp_stanza_get_type(st);
	const char *id = xmpp_stanza_get_id(st);
	const char *from = xmpp_stanza_get_from(st);
	struct iq_wait *w;

	if (type == NULL || id == NULL ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
		return 1;
	w = g_hash_table_lookup(pc->iqs, id);
	if (w == NULL)
		return 1;
	if (!proto_iq_from_ok(pc, w->to, from)) {
		log_warn("%s: ignoring IQ %s id=%s from %s (request went to "
		    "%s)", pc->acc->name, type, id, from ? from : "(none)",
		    w->to ? w->to : "our server");
		return 1;
	}
	{
		gpointer key = NULL;

		g_hash_table_steal_extended(pc->iqs, id, &key, NULL);
		g_free(key);
	}
	if (w->fn != NULL)
		w->fn(pc, st, w->data);
	w->free_data = NULL;	/* fn took it */
	iq_wait_free(w);
	(void)conn;
	return 1;
}

/* Table of waiters for a new connection. */
GHashTable *
proto_iq_table_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)iq_wait_free);
}

/*
 * The session ended: requests still open will get no answer; their
 * waiters are freed without being called (their data's free function
 * runs).
 */
void
proto_iq_session_ended(struct pconn *pc)
{
	g_hash_table_remove_all(pc->iqs);
}

/*
 * A new empty <iq type='result|error'/> answering request st: same id,
 * addressed to its sender (none when it came from our server without a
 * 'from', which libstrophe's xmpp_stanza_reply() does not handle).
 */
xmpp_stanza_t *
proto_iq_reply(struct pconn *pc, xmpp_stanza_t *st, const char *type)
{
	xmpp_stanza_t *r = xmpp_iq_new(pc->ctx, type, xmpp_stanza_get_id(st));
	const char *from = xmpp_stanza_get_from(st);

	if (from != NULL)
		xmpp_stanza_set_to(r, from);
	return r;
}

/* Answer request st with <error type='type'><condition/></error>. */
void
proto_iq_error(struct pconn *pc, xmpp_stanza_t *st, const char *type,
    const char *condition)
{
	xmpp_stanza_t *r = proto_iq_reply(pc, st, "error");
	xmpp_stanza_t *e = proto_new_child(pc->ctx, r, "error", NULL);

	xmpp_stanza_set_type(e, type);
	proto_new_child(pc->ctx, e, condition,
	    "urn:ietf:params:xml:ns:xmpp-stanzas");
	proto_send(pc, r);
	xmpp_stanza_release(r);
}
