/* SPDX-License-Identifier: MIT */
/*
 * Queries to other entities for the debugging commands: disco#info and
 * disco#items (XEP-0030, with XEP-0128 forms), ping (XEP-0199), version
 * (XEP-0092), entity time (XEP-0202), last activity (XEP-0012), and the
 * entity-capabilities check (XEP-0115). Each answer is a list of records,
 * "kind\tfield\tfield...", starting with "rtt\tMICROSECONDS"; values from
 * the network have tabs and line breaks turned into spaces. An error
 * reply gives its condition, type and text. Also the parsing of stanza
 * errors for every protocol file, and their one error event. Never
 * prints. xmpp layer.
 */
#include <string.h>

#include "core/events.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/str.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define RECORDS_MAX 5000
#define VALUE_MAX 1024

struct query {
	enum proto_query kind;
	proto_list_fn	*fn;
	void		*data;
	gint64		 sent;		/* monotonic, microseconds */
	char		*caps_ver;	/* PQ_CAPS: the advertised ver */
};

static void
query_free(struct query *q)
{
	g_free(q->caps_ver);
	g_free(q);
}

static void
query_lost(void *data)
{
	struct query *q = data;

	q->fn(NULL, "the connection closed before the answer came", q->data);
	query_free(q);
}

/* A value from the network, fit for one field of a record. */
static char *
field(const char *s)
{
	char *v;

	if (s == NULL)
		return g_strdup("");
	v = g_utf8_make_valid(s, MIN(strlen(s), VALUE_MAX));
	g_strdelimit(v, "\t\r\n", ' ');
	return v;
}

static void
add(GPtrArray *out, const char *kind, const char *a, const char *b,
    const char *c)
{
	g_autofree char *fa = field(a), *fb = field(b), *fc = field(c);

	if (out->len >= RECORDS_MAX)
		return;
	if (c != NULL)
		g_ptr_array_add(out, g_strdup_printf("%s\t%s\t%s\t%s", kind,
		    fa, fb, fc));
	else if (b != NULL)
		g_ptr_array_add(out, g_strdup_printf("%s\t%s\t%s", kind, fa,
		    fb));
	else
		g_ptr_array_add(out, g_strdup_printf("%s\t%s", kind, fa));
}

static char *
text_of(struct pconn *pc, xmpp_stanza_t *st)
{
	char *t = xmpp_stanza_get_text(st);
	char *r = field(t);

	if (t != NULL)
		xmpp_free(pc->ctx, t);
	return r;
}

/*
 * The error of a stanza of type 'error': the defined condition is the
 * child in the stanzas namespace (RFC 6120 §8.3), "undefined-condition"
 * when there is none, "timeout" for the reply proto-iq makes when a
 * request's deadline passes. Values are copied (the text bounded, one line);
 * free with proto_error_clear().
 */
void
proto_error_parse(struct pconn *pc, xmpp_stanza_t *st, struct proto_error *out)
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
			out->text = text_of(pc, c);
		else if (strcmp(n, "text") != 0 && cond == NULL)
			cond = n;
	}
	if (out->text != NULL && *out->text == '\0')
		g_clear_pointer(&out->text, g_free);
	if (proto_iq_timed_out(st))
		cond = "timeout";	/* made here: no answer in time */
	out->condition = g_strdup(cond != NULL ? cond : "undefined-condition");
	out->type = e != NULL ? g_strdup(xmpp_stanza_get_type(e)) : NULL;
	out->present = e != NULL;
}

/* Free what proto_error_parse() filled in. */
void
proto_error_clear(struct proto_error *e)
{
	g_clear_pointer(&e->condition, g_free);
	g_clear_pointer(&e->type, g_free);
	g_clear_pointer(&e->text, g_free);
}

/* "condition (type): text" of a parsed error, for messages. */
char *
proto_error_string(const struct proto_error *e)
{
	GString *d;

	if (!e->present)
		return g_strdup("an error without details");
	if (strcmp(e->condition, "timeout") == 0 && e->text != NULL)
		return g_strdup(e->text);
	d = g_string_new(e->condition);
	if (e->type != NULL)
		g_string_append_printf(d, " (%s)", e->type);
	if (e->text != NULL)
		g_string_append_printf(d, ": %s", e->text);
	return g_string_free(d, FALSE);
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

static void
info_records(struct pconn *pc, xmpp_stanza_t *q, GPtrArray *out)
{
	xmpp_stanza_t *c, *f, *v;

	for (c = xmpp_stanza_get_children(q); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);

		if (g_strcmp0(n, "identity") == 0) {
			add(out, "identity", xmpp_stanza_get_attribute(c,
			    "category"), xmpp_stanza_get_type(c),
			    xmpp_stanza_get_attribute(c, "name") ?
			    xmpp_stanza_get_attribute(c, "name") : "");
		} else if (g_strcmp0(n, "feature") == 0 &&
		    xmpp_stanza_get_attribute(c, "var") != NULL) {
			add(out, "feature", xmpp_stanza_get_attribute(c, "var"),
			    NULL, NULL);
		} else if (g_strcmp0(n, "x") == 0 && g_strcmp0(
		    xmpp_stanza_get_ns(c), "jabber:x:data") == 0) {
			add(out, "form", "", NULL, NULL);
			for (f = xmpp_stanza_get_children(c); f != NULL;
			    f = xmpp_stanza_get_next(f)) {
				const char *var = xmpp_stanza_get_attribute(f,
				    "var");

				if (g_strcmp0(xmpp_stanza_get_name(f), "field") !=
				    0 || var == NULL)
					continue;
				for (v = xmpp_stanza_get_children(f); v != NULL;
				    v = xmpp_stanza_get_next(v)) {
					g_autofree char *t = NULL;

					if (g_strcmp0(xmpp_stanza_get_name(v),
					    "value") != 0)
						continue;
					t = text_of(pc, v);
					add(out, "field", var, t, NULL);
				}
			}
		}
	}
}

static void
items_records(xmpp_stanza_t *q, GPtrArray *out)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(q); c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (g_strcmp0(xmpp_stanza_get_name(c), "item") == 0)
			add(out, "item", xmpp_stanza_get_attribute(c, "jid"),
			    xmpp_stanza_get_attribute(c, "node") ?
			    xmpp_stanza_get_attribute(c, "node") : "",
			    xmpp_stanza_get_attribute(c, "name") ?
			    xmpp_stanza_get_attribute(c, "name") : "");
}

/* Children named in names, as records "name\ttext". */
static void
text_records(struct pconn *pc, xmpp_stanza_t *q, const char *const *names,
    GPtrArray *out)
{
	size_t i;

	for (i = 0; q != NULL && names[i] != NULL; i++) {
		xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(q, names[i]);
		g_autofree char *t = NULL;

		if (c == NULL)
			continue;
		t = text_of(pc, c);
		add(out, names[i], t, NULL, NULL);
	}
}

/*
 * The XEP-0115 verification string of a disco#info answer (forms are not
 * part of the check here; a mismatch is reported as such).
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
		const char *lang = xmpp_stanza_get_attribute(c, "xml:lang");
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

static void
answered(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	static const char *const version[] = { "name", "version", "os",
		NULL };
	static const char *const etime[] = { "tzo", "utc", NULL };
	struct query *q = data;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *ch = xmpp_stanza_get_children(reply);
	char rtt[32];

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *e = proto_error_describe(pc, reply);

		q->fn(NULL, e, q->data);
		query_free(q);
		return;
	}
	g_snprintf(rtt, sizeof(rtt), "%" G_GINT64_FORMAT,
	    g_get_monotonic_time() - q->sent);
	add(out, "rtt", rtt, NULL, NULL);
	while (ch != NULL && xmpp_stanza_get_name(ch) == NULL)
		ch = xmpp_stanza_get_next(ch);	/* skip text */
	switch (q->kind) {
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		if (ch != NULL)
			info_records(pc, ch, out);
		if (q->kind == PQ_CAPS && ch != NULL) {
			g_autofree char *ver = caps_ver_of(ch);

			add(out, "caps", ver, strcmp(ver, q->caps_ver) == 0 ?
			    "verified" : "mismatch", NULL);
		}
		break;
	case PQ_DISCO_ITEMS:
		if (ch != NULL)
			items_records(ch, out);
		break;
	case PQ_VERSION:
		text_records(pc, ch, version, out);
		break;
	case PQ_TIME:
		text_records(pc, ch, etime, out);
		break;
	case PQ_LAST:
		if (ch != NULL) {
			g_autofree char *t = text_of(pc, ch);

			add(out, "seconds", xmpp_stanza_get_attribute(ch,
			    "seconds"), NULL, NULL);
			if (*t != '\0')
				add(out, "status", t, NULL, NULL);
		}
		break;
	case PQ_PING:
		break;
	}
	q->fn(out, NULL, q->data);
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

/*
 * Send query kind to 'to' (NULL: our server), with node for disco; fn
 * gets the records or an error text.
 */
bool
proto_query(struct account *acc, enum proto_query kind, const char *to,
    const char *node, proto_list_fn *fn, void *data, GError **error)
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
	q->sent = g_get_monotonic_time();
	if (kind == PQ_CAPS) {
		const char *caps = pc->caps != NULL ? g_hash_table_lookup(
		    pc->caps, target) : NULL;
		g_auto(GStrv) parts = caps != NULL ? g_strsplit(caps, " ", 3) :
		    NULL;
		g_autofree char *n = NULL;

		if (parts == NULL || g_strv_length(parts) != 3) {
			g_set_error(error, NATTER_PROTO_ERROR, 0,
			    "%s advertised no capabilities in its presence",
			    target);
			xmpp_stanza_release(iq);
			query_free(q);
			return false;
		}
		n = g_strdup_printf("%s#%s", parts[1], parts[2]);
		xmpp_stanza_set_attribute(c, "node", n);
		q->caps_ver = g_strdup(parts[2]);
	}
	proto_iq_send(pc, iq, target, answered, q, query_lost);
	xmpp_stanza_release(iq);
	return true;
}

/*
 * The capabilities advertised in presence by jid (a full JID, or every
 * resource of a bare JID) as records "caps\tFULLJID\tHASH NODE VER".
 */
GPtrArray *
proto_caps_of(struct account *acc, const char *jid)
{
	struct pconn *pc = acc->proto;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer k, v;

	if (pc == NULL || pc->caps == NULL)
		return out;
	g_hash_table_iter_init(&it, pc->caps);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (strcmp(k, jid) == 0 || (strchr(jid, '/') == NULL &&
		    jid_bare_equal(k, jid) && strchr(k, '/') != NULL))
			add(out, "caps", k, v, NULL);
	g_ptr_array_sort(out, str_ptr_cmp);
	return out;
}

/* Our own capabilities: "caps\tnode\tver" then "feature\tvar" records. */
GPtrArray *
proto_caps_own(void)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) f = proto_disco_features();
	g_autofree char *ver = proto_disco_caps_ver();
	guint i;

	add(out, "caps", proto_disco_caps_node(), ver, NULL);
	add(out, "identity", "client", "console", "natter");
	for (i = 0; i < f->len; i++)
		add(out, "feature", g_ptr_array_index(f, i), NULL, NULL);
	return out;
}
