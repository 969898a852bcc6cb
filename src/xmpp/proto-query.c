/* SPDX-License-Identifier: MIT */
/*
 * Queries to other entities for the debugging commands: disco#info and
 * disco#items (XEP-0030, with XEP-0128 forms), ping (XEP-0199), version
 * (XEP-0092), entity time (XEP-0202), last activity (XEP-0012), and the
 * entity-capabilities check (XEP-0115). Each answer is parsed into one
 * typed struct proto_result (proto-result.h) with its round-trip time;
 * values from the network are made valid UTF-8 and bounded, nothing else.
 * A failure is a typed struct proto_error (error reply, timeout,
 * connection lost, bad reply). Also the parsing of stanza errors for
 * every protocol file, and their one error event. Never prints. xmpp
 * layer.
 */
#include <stdlib.h>
#include <string.h>

#include "core/events.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/str.h"
#include "util/xmpp-errors.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define RECORDS_MAX 5000	/* identities, features, fields... per answer */
#define VALUE_MAX 1024

struct query {
	enum proto_query kind;
	proto_query_fn	*fn;
	void		*data;
	gint64		 sent;		/* monotonic, microseconds */
	struct proto_caps *caps;	/* PQ_CAPS: what was advertised */
};

static void
query_free(struct query *q)
{
	proto_caps_free(q->caps);
	g_free(q);
}

static void
query_lost(void *data)
{
	struct query *q = data;
	struct proto_error e;

	proto_error_set(&e, PROTO_ERR_LOST,
	    "the connection closed before the answer came");
	q->fn(NULL, &e, q->data);
	proto_error_clear(&e);
	query_free(q);
}

/* A value from the network: valid UTF-8, bounded; NULL stays NULL. */
static char *
value(const char *s)
{
	if (s == NULL)
		return NULL;
	return g_utf8_make_valid(s, MIN(strlen(s), VALUE_MAX));
}

/* The text of element st as a value ("" when it has none). */
static char *
text_of(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
	char *t = xmpp_stanza_get_text(st);
	char *r = value(t != NULL ? t : "");

	if (t != NULL)
		xmpp_free(ctx, t);
	return r;
}

/* The same, on one line: for error texts that end up in messages. */
static char *
line_of(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
	char *r = text_of(ctx, st);

	g_strdelimit(r, "\t\r\n", ' ');
	return r;
}

/*
 * The error of a stanza of type 'error': the defined condition is the
 * child in the stanzas namespace (RFC 6120 §8.3), "undefined-condition"
 * when there is none; kind PROTO_ERR_TIMEOUT (condition "timeout") for
 * the reply proto-iq makes when a request's deadline passes. Values are
 * copied (the text bounded, one line); free with proto_error_clear().
 */
void
proto_error_parse_ctx(xmpp_ctx_t *ctx, xmpp_stanza_t *st,
    struct proto_error *out)
{
	xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(st, "error");
	xmpp_stanza_t *c;
	const char *cond = NULL;

	memset(out, 0, sizeof(*out));
	for (c = e != NULL ? xmpp_stanza_get_children(e) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);

		if (n == NULL || g_strcmp0(xmpp_stanza_get_ns(c),
		    NS_STANZAS) != 0)
			continue;
		if (strcmp(n, "text") == 0 && out->text == NULL)
			out->text = line_of(ctx, c);
		else if (strcmp(n, "text") != 0 && cond == NULL)
			cond = n;
	}
	if (out->text != NULL && *out->text == '\0')
		g_clear_pointer(&out->text, g_free);
	out->kind = PROTO_ERR_STANZA;
	if (proto_iq_timed_out(st)) {
		cond = "timeout";	/* made here: no answer in time */
		out->kind = PROTO_ERR_TIMEOUT;
	}
	out->condition = g_strdup(cond != NULL ? cond : "undefined-condition");
	out->type = e != NULL ? value(xmpp_stanza_get_type(e)) : NULL;
	if (out->type != NULL)		/* it ends up in one-line messages */
		g_strdelimit(out->type, "\t\r\n", ' ');
	out->present = e != NULL;
}

/* proto_error_parse_ctx() for a stanza of pc's connection. */
void
proto_error_parse(struct pconn *pc, xmpp_stanza_t *st, struct proto_error *out)
{
	proto_error_parse_ctx(pc->ctx, st, out);
}

/*
 * Tell the user that stanza st (type 'error') came back: one error event
 * "WHAT: condition (type): text", tied to the id, sender and kind of the
 * stanza it answers and to conversation (a chat peer or room, or NULL).
 */
void
proto_error_emit(struct pconn *pc, xmpp_stanza_t *st, const char *what,
    const char *conversation)
{
	struct ev ev = { .kind = EV_ERROR, .account = pc->acc->name };
	struct proto_error e;
	g_autofree char *why = NULL, *text = NULL;

	proto_error_parse(pc, st, &e);
	why = proto_error_string(&e);
	text = g_strdup_printf("%s: %s", what, why);
	ev.u.error.text = text;
	ev.u.error.condition = e.condition;
	ev.u.error.type = e.type;
	ev.u.error.server_text = e.text;
	ev.u.error.stanza = xmpp_stanza_get_name(st);
	ev.u.error.id = xmpp_stanza_get_id(st);
	ev.u.error.peer = xmpp_stanza_get_from(st);
	ev.u.error.conversation = conversation;
	ev.u.error.explanation = xerr_stanza_explain(e.condition);
	/* a presence error tied to a conversation comes from a room */
	ev.u.error.likely_cause = xerr_likely_cause(e.condition,
	    ev.u.error.stanza, conversation != NULL &&
	    g_strcmp0(ev.u.error.stanza, "presence") == 0);
	ev_emit(&ev);
	proto_error_clear(&e);
}

/* "condition (type): text" of an error reply, for messages. */
char *
proto_error_describe(struct pconn *pc, xmpp_stanza_t *reply)
{
	struct proto_error e;
	char *d;

	proto_error_parse(pc, reply, &e);
	d = proto_error_string(&e);
	proto_error_clear(&e);
	return d;
}

/*
 * The xml:lang of element c. libstrophe's parser keeps only the local
 * name of a namespaced attribute, so xml:lang arrives as "lang".
 */
static const char *
lang_of(xmpp_stanza_t *c)
{
	const char *l = xmpp_stanza_get_attribute(c, "xml:lang");

	return l != NULL ? l : xmpp_stanza_get_attribute(c, "lang");
}

/* Values of a jabber:x:data <field/>, into a new field of form. */
static void
form_field(xmpp_ctx_t *ctx, xmpp_stanza_t *f, struct proto_form *form,
    guint *budget)
{
	const char *var = xmpp_stanza_get_attribute(f, "var");
	g_autofree char *v = value(var);
	struct proto_field *pf;
	xmpp_stanza_t *c;

	if (g_strcmp0(xmpp_stanza_get_name(f), "field") != 0 || var == NULL ||
	    *budget == 0)
		return;
	(*budget)--;
	pf = proto_info_add_field(form, v);
	for (c = xmpp_stanza_get_children(f); c != NULL && *budget > 0;
	    c = xmpp_stanza_get_next(c))
		if (g_strcmp0(xmpp_stanza_get_name(c), "value") == 0) {
			(*budget)--;
			g_ptr_array_add(pf->values, text_of(ctx, c));
		}
}

/* One child of a disco#info <query/>: identity, feature or form. */
static void
info_child(xmpp_ctx_t *ctx, xmpp_stanza_t *c, struct proto_info *info,
    guint *budget)
{
	const char *n = xmpp_stanza_get_name(c);
	xmpp_stanza_t *f;

	if (*budget == 0)
		return;
	(*budget)--;
	if (g_strcmp0(n, "identity") == 0) {
		g_autofree char *cat = value(xmpp_stanza_get_attribute(c,
		    "category"));
		g_autofree char *type = value(xmpp_stanza_get_type(c));
		g_autofree char *name = value(xmpp_stanza_get_attribute(c,
		    "name"));
		g_autofree char *lang = value(lang_of(c));

		g_ptr_array_add(info->identities, proto_identity_new(cat, type,
		    name, lang));
	} else if (g_strcmp0(n, "feature") == 0 &&
	    xmpp_stanza_get_attribute(c, "var") != NULL) {
		g_ptr_array_add(info->features, value(
		    xmpp_stanza_get_attribute(c, "var")));
	} else if (g_strcmp0(n, "x") == 0 && g_strcmp0(xmpp_stanza_get_ns(c),
	    "jabber:x:data") == 0) {
		struct proto_form *form = proto_info_add_form(info);

		for (f = xmpp_stanza_get_children(c); f != NULL;
		    f = xmpp_stanza_get_next(f))
			form_field(ctx, f, form, budget);
	}
}

/* The items of a disco#items <query/>. */
static void
items_of(xmpp_stanza_t *q, GPtrArray *out)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(q); c != NULL && out->len <
	    RECORDS_MAX; c = xmpp_stanza_get_next(c)) {
		g_autofree char *jid = NULL, *node = NULL, *name = NULL;

		if (g_strcmp0(xmpp_stanza_get_name(c), "item") != 0 ||
		    xmpp_stanza_get_attribute(c, "jid") == NULL)
			continue;
		jid = value(xmpp_stanza_get_attribute(c, "jid"));
		node = value(xmpp_stanza_get_attribute(c, "node"));
		name = value(xmpp_stanza_get_attribute(c, "name"));
		g_ptr_array_add(out, proto_item_new(jid, node, name));
	}
}

/* The text of q's child named name, or NULL when there is none. */
static char *
child_value(xmpp_ctx_t *ctx, xmpp_stanza_t *q, const char *name)
{
	xmpp_stanza_t *c = q != NULL ? xmpp_stanza_get_child_by_name(q, name) :
	    NULL;

	return c != NULL ? text_of(ctx, c) : NULL;
}

/*
 * The XEP-0115 verification string of a disco#info answer (forms are not
 * part of the check here; a mismatch is reported as such). Computed from
 * the stanza, not the bounded copies, so long values hash as sent.
 */
static char *
caps_ver_of(xmpp_stanza_t *q)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) fs = g_ptr_array_new();
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(q); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		const char *a = xmpp_stanza_get_attribute(c, "category");
		const char *lang = lang_of(c);
		const char *nm = xmpp_stanza_get_attribute(c, "name");
		const char *type = xmpp_stanza_get_type(c);

		if (g_strcmp0(n, "identity") == 0)
			g_ptr_array_add(ids, g_strdup_printf("%s/%s/%s/%s",
			    a ? a : "", type ? type : "", lang ? lang : "",
			    nm ? nm : ""));
		else if (g_strcmp0(n, "feature") == 0 &&
		    xmpp_stanza_get_attribute(c, "var") != NULL)
			g_ptr_array_add(fs, (gpointer)xmpp_stanza_get_attribute(
			    c, "var"));
	}
	return proto_caps_ver(ids, fs);
}

/* disco#info (q may be NULL: an empty answer); checks caps if given. */
static void
parse_info(xmpp_ctx_t *ctx, xmpp_stanza_t *q, const struct proto_caps *caps,
    struct proto_info *info)
{
	guint budget = RECORDS_MAX;
	xmpp_stanza_t *c;

	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c))
		info_child(ctx, c, info, &budget);
	if (caps != NULL && q != NULL) {
		info->caps_computed = caps_ver_of(q);
		info->caps_verified = strcmp(info->caps_computed,
		    caps->ver) == 0;
	}
	if (caps != NULL)
		info->caps = proto_caps_new(caps->jid, caps->hash, caps->node,
		    caps->ver);
}

/* XEP-0012: seconds (required) and status; false when seconds is bad. */
static bool
parse_last(xmpp_ctx_t *ctx, xmpp_stanza_t *q, struct proto_last *last)
{
	const char *s = q != NULL ? xmpp_stanza_get_attribute(q, "seconds") :
	    NULL;
	char *end = NULL;
	g_autofree char *status = NULL;

	if (s == NULL || !g_ascii_isdigit(*s))
		return false;
	last->seconds = g_ascii_strtoll(s, &end, 10);
	if (*end != '\0' || last->seconds < 0)
		return false;
	status = text_of(ctx, q);
	if (*status != '\0')
		last->status = g_steal_pointer(&status);
	return true;
}

/* The payload of a result: its first element child, or NULL. */
static xmpp_stanza_t *
payload(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *ch = xmpp_stanza_get_children(reply);

	while (ch != NULL && xmpp_stanza_get_name(ch) == NULL)
		ch = xmpp_stanza_get_next(ch);	/* skip text */
	return ch;
}

/*
 * Parse reply (an <iq/> answering query kind) into a new answer, or fill
 * err and return NULL: an error reply, or a result without what was
 * asked. caps: for PQ_CAPS, what the entity advertised (else NULL). Pure:
 * reads the stanza only (unit-tested).
 */
struct proto_result *
proto_query_parse(xmpp_ctx_t *ctx, enum proto_query kind,
    xmpp_stanza_t *reply, const struct proto_caps *caps,
    struct proto_error *err)
{
	struct proto_result *r;
	xmpp_stanza_t *ch = payload(reply);

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		proto_error_parse_ctx(ctx, reply, err);
		return NULL;
	}
	r = proto_result_new(kind);
	switch (kind) {
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		parse_info(ctx, ch, kind == PQ_CAPS ? caps : NULL, &r->u.info);
		break;
	case PQ_DISCO_ITEMS:
		if (ch != NULL)
			items_of(ch, r->u.items);
		break;
	case PQ_VERSION:
		r->u.version.name = child_value(ctx, ch, "name");
		r->u.version.version = child_value(ctx, ch, "version");
		r->u.version.os = child_value(ctx, ch, "os");
		break;
	case PQ_TIME:
		r->u.time.utc = child_value(ctx, ch, "utc");
		r->u.time.tzo = child_value(ctx, ch, "tzo");
		break;
	case PQ_LAST:
		if (!parse_last(ctx, ch, &r->u.last)) {
			proto_result_free(r);
			proto_error_set(err, PROTO_ERR_BAD_REPLY, "the answer "
			    "has no valid 'seconds' (XEP-0012)");
			return NULL;
		}
		break;
	case PQ_PING:
		break;
	}
	return r;
}

static void
answered(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct query *q = data;
	struct proto_error err;
	struct proto_result *r;

	r = proto_query_parse(pc->ctx, q->kind, reply, q->caps, &err);
	if (r == NULL) {
		q->fn(NULL, &err, q->data);
		proto_error_clear(&err);
	} else {
		r->rtt_us = g_get_monotonic_time() - q->sent;
		q->fn(r, NULL, q->data);	/* fn owns r now */
	}
	query_free(q);
}

static const char *const query_ns[] = {
	[PQ_DISCO_INFO] = NS_DISCO_INFO,
	[PQ_DISCO_ITEMS] = NS_DISCO_ITEMS,
	[PQ_PING] = "urn:xmpp:ping",
	[PQ_VERSION] = "jabber:iq:version",
	[PQ_TIME] = "urn:xmpp:time",
	[PQ_LAST] = "jabber:iq:last",
	[PQ_CAPS] = NS_DISCO_INFO,
};

/* Our server's domain (the default target of the queries). */
static char *
server_of(struct pconn *pc)
{
	const char *own = pc->acc->bound_jid != NULL ? pc->acc->bound_jid :
	    account_get(pc->acc, "jid");
	JID_AUTO j = own != NULL ? jid_parse(own, NULL) : NULL;

	return j != NULL ? g_strdup(j->domain) : NULL;
}

/* PQ_CAPS asks target for the node#ver its presence advertised. */
static bool
caps_node(struct pconn *pc, const char *target, xmpp_stanza_t *c,
    struct query *q, GError **error)
{
	const struct proto_caps *caps = pc->caps != NULL ?
	    g_hash_table_lookup(pc->caps, target) : NULL;
	g_autofree char *n = NULL;

	if (caps == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "%s advertised no capabilities in its presence", target);
		return false;
	}
	n = g_strdup_printf("%s#%s", caps->node, caps->ver);
	xmpp_stanza_set_attribute(c, "node", n);
	q->caps = proto_caps_new(caps->jid, caps->hash, caps->node, caps->ver);
	return true;
}

/*
 * Send query kind to 'to' (NULL: our server), with node for disco; fn
 * gets the typed answer or the typed error, once.
 */
bool
proto_query(struct account *acc, enum proto_query kind, const char *to,
    const char *node, proto_query_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	g_autofree char *target = NULL;
	xmpp_stanza_t *iq, *c;
	struct query *q;

	if (pc == NULL)
		return false;
	target = to != NULL ? g_strdup(to) : server_of(pc);
	if (target == NULL || !jid_is_valid(target)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid address", to != NULL ? to : "?");
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	c = proto_new_child(pc->ctx, iq, kind == PQ_PING ? "ping" :
	    kind == PQ_TIME ? "time" : "query", query_ns[kind]);
	if (node != NULL && (kind == PQ_DISCO_INFO || kind == PQ_DISCO_ITEMS))
		xmpp_stanza_set_attribute(c, "node", node);
	q = g_new0(struct query, 1);
	q->kind = kind;
	q->fn = fn;
	q->data = data;
	if (kind == PQ_CAPS && !caps_node(pc, target, c, q, error)) {
		xmpp_stanza_release(iq);
		query_free(q);
		return false;
	}
	q->sent = g_get_monotonic_time();
	proto_iq_send(pc, iq, target, answered, q, query_lost);
	xmpp_stanza_release(iq);
	return true;
}

static gint
caps_cmp(gconstpointer a, gconstpointer b)
{
	const struct proto_caps *x = *(const struct proto_caps *const *)a;
	const struct proto_caps *y = *(const struct proto_caps *const *)b;

	return strcmp(x->jid, y->jid);
}

/*
 * The capabilities advertised in presence by jid (a full JID, or every
 * resource of a bare JID): a new array of struct proto_caps, by JID.
 */
GPtrArray *
proto_caps_of(struct account *acc, const char *jid)
{
	struct pconn *pc = acc->proto;
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)proto_caps_free);
	GHashTableIter it;
	gpointer k, v;

	if (pc == NULL || pc->caps == NULL)
		return out;
	g_hash_table_iter_init(&it, pc->caps);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct proto_caps *c = v;

		if (strcmp(k, jid) == 0 || (strchr(jid, '/') == NULL &&
		    jid_bare_equal(k, jid) && strchr(k, '/') != NULL))
			g_ptr_array_add(out, proto_caps_new(c->jid, c->hash,
			    c->node, c->ver));
	}
	g_ptr_array_sort(out, caps_cmp);
	return out;
}

/*
 * Our own capabilities, as a disco#info answer of kind PQ_CAPS whose caps
 * are what we advertise (jid empty) and verified by construction.
 */
struct proto_result *
proto_caps_own(void)
{
	struct proto_result *r = proto_result_new(PQ_CAPS);
	g_autoptr(GPtrArray) f = proto_disco_features();
	g_autofree char *ver = proto_disco_caps_ver();
	guint i;

	r->u.info.caps = proto_caps_new("", "sha-1", proto_disco_caps_node(),
	    ver);
	r->u.info.caps_computed = g_strdup(ver);
	r->u.info.caps_verified = true;
	g_ptr_array_add(r->u.info.identities, proto_identity_new("client",
	    "console", "natter", NULL));
	for (i = 0; i < f->len; i++)
		g_ptr_array_add(r->u.info.features, g_strdup(
		    g_ptr_array_index(f, i)));
	return r;
}
