/* SPDX-License-Identifier: MIT */
/*
 * Publish-subscribe notifications (XEP-0060 §4.3, and PEP, XEP-0163,
 * which uses the same <event/>): a message carrying
 * <event xmlns='http://jabber.org/protocol/pubsub#event'> is parsed into
 * one pubsub-event per published item, retraction, node deletion or
 * purge. The payload of a published item is shown the way the XML
 * console shows stanzas: pretty-printed and terminal-safe. Never prints.
 * xmpp layer.
 */
#include <string.h>

#include "core/events.h"
#include "proto-internal.h"
#include "util/xmlpretty.h"

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
