/* SPDX-License-Identifier: MIT */
/*
 * Publish-subscribe notifications (XEP-0060 §4.3, and PEP, XEP-0163,
 * which uses the same <event/>): a message carrying
 * <event xmlns='http://jabber.org/protocol/pubsub#event'> is parsed into
 * one pubsub-event per published item, retraction, node deletion or
 * purge. The payload of a published item is shown the way the XML
 * console shows stanzas: pretty-printed and terminal-safe. Also the
 * requests of /pubsub: items, create, publish, delete (owner namespace),
 * subscribe and unsubscribe (with our bare JID), on a pubsub service or
 * on our own PEP service (service NULL: our bare JID). Never prints.
 * xmpp layer.
 */
#include <string.h>

#include "core/events.h"
#include "proto-conn.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/xmlpretty.h"

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define VALUE_MAX 1024
#define EVENTS_MAX 100		/* per message: a flood is cut, not shown */
#define PAYLOAD_MAX 65536	/* serialised payload bytes kept */

void
proto_pubsub_event_free(struct proto_pubsub_event *e)
{
	if (e == NULL)
		return;
	g_free(e->service);
	g_free(e->node);
	g_free(e->item_id);
	g_free(e->payload);
	g_free(e);
}

/* A value from the network: valid UTF-8, bounded, one line. */
static char *
value(const char *s)
{
	char *v;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, MIN(strlen(s), VALUE_MAX));
	g_strdelimit(v, "\t\r\n", ' ');
	return v;
}

/* The first element child of st (the payload of an <item/>), or NULL. */
static xmpp_stanza_t *
first_element(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c))
			return c;
	return NULL;
}

/* The payload of item as pretty, sanitized XML, or NULL when none. */
static char *
payload_of(xmpp_ctx_t *ctx, xmpp_stanza_t *item)
{
	xmpp_stanza_t *p = first_element(item);
	struct xp_opts opts = { .max_text = 4096, .max_indent = 16 };
	char *buf = NULL, *r;
	size_t len = 0;
	g_autofree char *xml = NULL;

	if (p == NULL || xmpp_stanza_to_text(p, &buf, &len) != 0)
		return NULL;
	xml = g_utf8_make_valid(buf, MIN(len, PAYLOAD_MAX));
	xmpp_free(ctx, buf);
	r = xp_format_text(xml, &opts);
	return r;
}

static struct proto_pubsub_event *
event_new(const char *service, const char *node, const char *action)
{
	struct proto_pubsub_event *e = g_new0(struct proto_pubsub_event, 1);

	e->service = value(service != NULL ? service : "");
	e->node = value(node != NULL ? node : "");
	e->action = action;
	return e;
}

/* <items node='...'>: an event per <item/> (published) and <retract/>. */
static void
items_of(xmpp_ctx_t *ctx, xmpp_stanza_t *items, const char *service,
    GPtrArray *out)
{
	const char *node = xmpp_stanza_get_attribute(items, "node");
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(items); c != NULL &&
	    out->len < EVENTS_MAX; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		struct proto_pubsub_event *e;

		if (!xmpp_stanza_is_tag(c) || n == NULL)
			continue;
		if (strcmp(n, "item") == 0)
			e = event_new(service, node, "published");
		else if (strcmp(n, "retract") == 0)
			e = event_new(service, node, "retracted");
		else
			continue;
		e->item_id = value(xmpp_stanza_get_id(c));
		if (strcmp(n, "item") == 0)
			e->payload = payload_of(ctx, c);
		g_ptr_array_add(out, e);
	}
}

/*
 * The notifications message st carries, as struct proto_pubsub_event,
 * in document order; NULL when st has no pubsub <event/>. service is
 * the sender (the pubsub service, or the PEP owner's bare JID).
 */
GPtrArray *
proto_pubsub_event_parse(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
	xmpp_stanza_t *ev = xmpp_stanza_get_child_by_name_and_ns(st, "event",
	    NS_PUBSUB_EVENT);
	const char *service = xmpp_stanza_get_from(st);
	GPtrArray *out;
	xmpp_stanza_t *c;

	if (ev == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)proto_pubsub_event_free);
	for (c = xmpp_stanza_get_children(ev); c != NULL &&
	    out->len < EVENTS_MAX; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		const char *node = xmpp_stanza_get_attribute(c, "node");

		if (!xmpp_stanza_is_tag(c) || n == NULL)
			continue;
		if (strcmp(n, "items") == 0)
			items_of(ctx, c, service, out);
		else if (strcmp(n, "delete") == 0)
			g_ptr_array_add(out, event_new(service, node,
			    "deleted"));
		else if (strcmp(n, "purge") == 0)
			g_ptr_array_add(out, event_new(service, node,
			    "purged"));
	}
	return out;
}

/*
 * Messages carrying pubsub notifications (usually type headline): one
 * pubsub-event each. True when handled. Error messages are not ours.
 */
bool
proto_pubsub_message_in(struct pconn *pc, xmpp_stanza_t *st)
{
	g_autoptr(GPtrArray) events = NULL;
	guint i;

	if (g_strcmp0(xmpp_stanza_get_type(st), "error") == 0)
		return false;
	events = proto_pubsub_event_parse(pc->ctx, st);
	if (events == NULL)
		return false;
	for (i = 0; i < events->len; i++) {
		const struct proto_pubsub_event *e =
		    g_ptr_array_index(events, i);
		struct ev ev = { .kind = EV_PUBSUB_EVENT,
		    .account = pc->acc->name };

		ev.u.pubsub.service = e->service;
		ev.u.pubsub.node = e->node;
		ev.u.pubsub.action = e->action;
		ev.u.pubsub.item_id = e->item_id;
		ev.u.pubsub.payload = e->payload;
		ev_emit(&ev);
	}
	return true;
}

/*
 * The items of a PS_ITEMS reply, in document order (action "item"); NULL
 * with err filled when the reply is an error or has no <items/>.
 */
GPtrArray *
proto_pubsub_items_parse(xmpp_ctx_t *ctx, xmpp_stanza_t *reply,
    struct proto_error *err)
{
	xmpp_stanza_t *ps, *items;
	GPtrArray *out;
	xmpp_stanza_t *c;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "error") == 0) {
		proto_error_parse_ctx(ctx, reply, err);
		return NULL;
	}
	ps = xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", NS_PUBSUB);
	items = ps != NULL ? xmpp_stanza_get_child_by_name(ps, "items") : NULL;
	if (items == NULL) {
		proto_error_set(err, PROTO_ERR_BAD_REPLY,
		    "the answer had no <items/>");
		return NULL;
	}
	out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)proto_pubsub_event_free);
	for (c = xmpp_stanza_get_children(items); c != NULL &&
	    out->len < EVENTS_MAX; c = xmpp_stanza_get_next(c)) {
		struct proto_pubsub_event *e;

		if (g_strcmp0(xmpp_stanza_get_name(c), "item") != 0)
			continue;
		e = event_new(xmpp_stanza_get_from(reply),
		    xmpp_stanza_get_attribute(items, "node"), "item");
		e->item_id = value(xmpp_stanza_get_id(c));
		e->payload = payload_of(ctx, c);
		g_ptr_array_add(out, e);
	}
	return out;
}

struct request {
	enum proto_pubsub_op op;
	proto_pubsub_fn	*fn;
	void		*data;
};

static void
request_lost(void *data)
{
	struct request *r = data;
	struct proto_error e;

	proto_error_set(&e, PROTO_ERR_LOST,
	    "the connection closed before the answer came");
	r->fn(NULL, &e, r->data);
	proto_error_clear(&e);
	g_free(r);
}

static void
answered(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct request *r = data;
	struct proto_error err = { 0 };
	GPtrArray *items = NULL;

	if (r->op == PS_ITEMS)
		items = proto_pubsub_items_parse(pc->ctx, reply, &err);
	else if (g_strcmp0(xmpp_stanza_get_type(reply), "error") == 0)
		proto_error_parse(pc, reply, &err);
	if (err.condition != NULL || err.text != NULL)
		r->fn(NULL, &err, r->data);
	else
		r->fn(items, NULL, r->data);
	proto_error_clear(&err);
	g_free(r);
}

/* The payload to publish, parsed; NULL (error set) when malformed. */
static xmpp_stanza_t *
payload_new(struct pconn *pc, const char *xml, GError **error)
{
	xmpp_stanza_t *p = xml != NULL ? xmpp_stanza_new_from_string(pc->ctx,
	    xml) : NULL;

	if (p == NULL)
		g_set_error(error, NATTER_PROTO_ERROR, 0, "the payload is not "
		    "one well-formed XML element");
	return p;
}

/* The request element of op under iq; false (error set) on bad input. */
static bool
build(struct pconn *pc, xmpp_stanza_t *iq, enum proto_pubsub_op op,
    const char *node, const char *xml, int max, GError **error)
{
	static const char *const names[] = { [PS_ITEMS] = "items",
		[PS_CREATE] = "create", [PS_PUBLISH] = "publish",
		[PS_DELETE] = "delete", [PS_SUBSCRIBE] = "subscribe",
		[PS_UNSUBSCRIBE] = "unsubscribe" };
	xmpp_stanza_t *ps = proto_new_child(pc->ctx, iq, "pubsub",
	    op == PS_DELETE ? NS_PUBSUB_OWNER : NS_PUBSUB);
	xmpp_stanza_t *c = proto_new_child(pc->ctx, ps, names[op], NULL);
	g_autofree char *bare = NULL;

	xmpp_stanza_set_attribute(c, "node", node);
	if (op == PS_ITEMS && max > 0) {
		g_autofree char *m = g_strdup_printf("%d", max);

		xmpp_stanza_set_attribute(c, "max_items", m);
	} else if (op == PS_SUBSCRIBE || op == PS_UNSUBSCRIBE) {
		bare = jid_bare_of(pc->acc->bound_jid);
		xmpp_stanza_set_attribute(c, "jid", bare);
	} else if (op == PS_PUBLISH) {
		xmpp_stanza_t *p = payload_new(pc, xml, error);
		xmpp_stanza_t *item;

		if (p == NULL)
			return false;
		item = proto_new_child(pc->ctx, c, "item", NULL);
		xmpp_stanza_add_child(item, p);
		xmpp_stanza_release(p);
	}
	return true;
}

/*
 * Send pubsub request op about node to service (NULL: our own PEP
 * service, our bare JID); xml is the payload of PS_PUBLISH, max the
 * max_items of PS_ITEMS (0: all). fn is called once with the answer.
 */
bool
proto_pubsub(struct account *acc, enum proto_pubsub_op op,
    const char *service, const char *node, const char *xml, int max,
    proto_pubsub_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	g_autofree char *to = NULL;
	xmpp_stanza_t *iq;
	struct request *r;

	if (pc == NULL)
		return false;
	to = service != NULL ? g_strdup(service) :
	    jid_bare_of(pc->acc->bound_jid);
	if (to == NULL || !jid_is_valid(to)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid address", service != NULL ? service :
		    "?");
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, op == PS_ITEMS ? "get" : "set", NULL);
	if (!build(pc, iq, op, node, xml, max, error)) {
		xmpp_stanza_release(iq);
		return false;
	}
	r = g_new0(struct request, 1);
	r->op = op;
	r->fn = fn;
	r->data = data;
	/* Our own PEP service is our account: no 'to' (RFC 6120 §10.3) */
	proto_iq_send(pc, iq, jid_bare_equal(to, pc->acc->bound_jid) &&
	    strchr(to, '/') == NULL ? NULL : to, answered, r, request_lost);
	xmpp_stanza_release(iq);
	return true;
}
