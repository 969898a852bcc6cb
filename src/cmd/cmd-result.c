/* SPDX-License-Identifier: MIT */
/*
 * Renderers of the typed query answers (xmpp/proto-result.h): for each
 * kind one text renderer (lines for a window, features with their XEP
 * names) and one JSON renderer (one object on one line, for scripts), so
 * every query command prints either from the same value. Text values are
 * kept on one line (tabs and line breaks become spaces; the front ends
 * sanitize the rest); JSON values are escaped exactly. Never talks to the
 * network. cmd layer.
 */
#include <stdarg.h>
#include <string.h>

#include "cmd-result.h"
#include "util/json.h"
#include "util/str.h"

static const struct {
	const char	*ns;
	const char	*name;
} xeps[] = {
	{ "http://jabber.org/protocol/bytestreams", "XEP-0065 SOCKS5 Bytestreams" },
	{ "http://jabber.org/protocol/caps", "XEP-0115 Entity Capabilities" },
	{ "http://jabber.org/protocol/chatstates", "XEP-0085 Chat State Notifications" },
	{ "http://jabber.org/protocol/commands", "XEP-0050 Ad-Hoc Commands" },
	{ "http://jabber.org/protocol/disco#info", "XEP-0030 Service Discovery" },
	{ "http://jabber.org/protocol/disco#items", "XEP-0030 Service Discovery" },
	{ "http://jabber.org/protocol/muc", "XEP-0045 Multi-User Chat" },
	{ "http://jabber.org/protocol/muc#unique", "XEP-0045 unique room names" },
	{ "http://jabber.org/protocol/pubsub", "XEP-0060 Publish-Subscribe" },
	{ "http://jabber.org/protocol/pubsub#", "XEP-0060 Publish-Subscribe feature" },
	{ "http://jabber.org/protocol/rsm", "XEP-0059 Result Set Management" },
	{ "http://jabber.org/network/serverinfo", "XEP-0157 Contact Addresses" },
	{ "jabber:iq:last", "XEP-0012 Last Activity" },
	{ "jabber:iq:private", "XEP-0049 Private XML Storage" },
	{ "jabber:iq:register", "XEP-0077 In-Band Registration" },
	{ "jabber:iq:roster", "RFC 6121 Roster" },
	{ "jabber:iq:time", "XEP-0090 Entity Time (legacy)" },
	{ "jabber:iq:version", "XEP-0092 Software Version" },
	{ "jabber:x:conference", "XEP-0249 Direct MUC Invitations" },
	{ "jabber:x:data", "XEP-0004 Data Forms" },
	{ "msgoffline", "XEP-0160 Offline Messages" },
	{ "storage:bookmarks", "XEP-0048 Bookmarks (legacy)" },
	{ "urn:xmpp:blocking", "XEP-0191 Blocking Command" },
	{ "urn:xmpp:bookmarks:1", "XEP-0402 PEP Native Bookmarks" },
	{ "urn:xmpp:bookmarks:1#compat", "XEP-0402 Bookmarks (compat)" },
	{ "urn:xmpp:carbons:2", "XEP-0280 Message Carbons" },
	{ "urn:xmpp:csi:0", "XEP-0352 Client State Indication" },
	{ "urn:xmpp:extdisco:2", "XEP-0215 External Service Discovery" },
	{ "urn:xmpp:http:upload:0", "XEP-0363 HTTP File Upload" },
	{ "urn:xmpp:mam:2", "XEP-0313 Message Archive Management" },
	{ "urn:xmpp:mam:2#extended", "XEP-0313 MAM extended queries" },
	{ "urn:xmpp:message-correct:0", "XEP-0308 Last Message Correction" },
	{ "urn:xmpp:occupant-id:0", "XEP-0421 Occupant Id" },
	{ "urn:xmpp:ping", "XEP-0199 XMPP Ping" },
	{ "urn:xmpp:push:0", "XEP-0357 Push Notifications" },
	{ "urn:xmpp:receipts", "XEP-0184 Delivery Receipts" },
	{ "urn:xmpp:sid:0", "XEP-0359 Stanza Ids" },
	{ "urn:xmpp:sm:3", "XEP-0198 Stream Management" },
	{ "urn:xmpp:time", "XEP-0202 Entity Time" },
	{ "vcard-temp", "XEP-0054 vcard-temp" },
};

/* The XEP (or RFC) a feature belongs to, or NULL. */
const char *
cmd_feature_name(const char *ns)
{
	size_t i, best = G_N_ELEMENTS(xeps), blen = 0;

	for (i = 0; i < G_N_ELEMENTS(xeps); i++) {
		size_t n = strlen(xeps[i].ns);

		if (strcmp(ns, xeps[i].ns) == 0)
			return xeps[i].name;
		/* Prefixes ending in '#' cover a family of features. */
		if (xeps[i].ns[n - 1] == '#' && strncmp(ns, xeps[i].ns, n) ==
		    0 && n > blen) {
			best = i;
			blen = n;
		}
	}
	return best < G_N_ELEMENTS(xeps) ? xeps[best].name : NULL;
}

/* "3 d 4 h 5 min 6 s" */
char *
cmd_duration(long long s)
{
	GString *out = g_string_new(NULL);

	if (s >= 86400)
		g_string_append_printf(out, "%lld d ", s / 86400);
	if (s >= 3600)
		g_string_append_printf(out, "%lld h ", s / 3600 % 24);
	if (s >= 60)
		g_string_append_printf(out, "%lld min ", s / 60 % 60);
	g_string_append_printf(out, "%lld s", s % 60);
	return g_string_free(out, FALSE);
}

/* Add one formatted line, its values kept on that one line. */
static void G_GNUC_PRINTF(2, 3)
line(GPtrArray *lines, const char *fmt, ...)
{
	va_list ap;
	char *l;

	va_start(ap, fmt);
	l = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_strdelimit(l, "\t\r\n", ' ');
	g_ptr_array_add(lines, l);
}

static double
ms(const struct proto_result *r)
{
	return (double)r->rtt_us / 1000.0;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void
info_identities(GPtrArray *out, const GPtrArray *ids, const char *indent)
{
	guint i;

	for (i = 0; i < ids->len; i++) {
		const struct proto_identity *id = g_ptr_array_index(ids, i);
		g_autofree char *ct = g_strdup_printf("%s/%s", id->category,
		    id->type);

		line(out, "%s%-24s %s", indent, ct, or_empty(id->name));
	}
}

static void
info_features(GPtrArray *out, const GPtrArray *features, const char *indent)
{
	guint i;

	for (i = 0; i < features->len; i++) {
		const char *var = g_ptr_array_index(features, i);

		line(out, "%s%-44s %s", indent, var,
		    or_empty(cmd_feature_name(var)));
	}
}

static void
info_forms(GPtrArray *out, const GPtrArray *forms)
{
	guint i, k, v;

	for (i = 0; i < forms->len; i++) {
		const struct proto_form *form = g_ptr_array_index(forms, i);

		line(out, "  extended information (XEP-0128):");
		for (k = 0; k < form->fields->len; k++) {
			const struct proto_field *f = g_ptr_array_index(
			    form->fields, k);

			for (v = 0; v < f->values->len; v++)
				line(out, "    %s = %s", f->var, (const char *)
				    g_ptr_array_index(f->values, v));
		}
	}
}

static void
text_info(GPtrArray *out, const char *who, const struct proto_result *r)
{
	const struct proto_info *in = &r->u.info;

	line(out, "disco#info of %s (%.1f ms):", who, ms(r));
	if (in->identities->len > 0)
		line(out, "  identities:");
	info_identities(out, in->identities, "    ");
	if (in->features->len > 0)
		line(out, "  features:");
	info_features(out, in->features, "    ");
	info_forms(out, in->forms);
	if (in->caps != NULL)
		line(out, "  capabilities hash %s: %s", or_empty(
		    in->caps_computed), in->caps_verified ? "verified (it "
		    "matches the advertised ver)" : "MISMATCH (the advertised "
		    "ver does not match these features)");
	if (in->identities->len == 0 && in->features->len == 0)
		line(out, "  (no identities, no features)");
}

static void
text_items(GPtrArray *out, const char *who, const struct proto_result *r)
{
	guint i, n = r->u.items->len;

	line(out, "disco#items of %s (%.1f ms): %u %s", who, ms(r), n,
	    str_plural(n, "item", "items"));
	if (n == 0)
		line(out, "  (no items)");
	for (i = 0; i < n; i++) {
		const struct proto_item *it = g_ptr_array_index(r->u.items, i);

		line(out, "  %-36s %-20s %s", it->jid, or_empty(it->node),
		    or_empty(it->name));
	}
}

static void
text_last(GPtrArray *out, const char *who, const struct proto_last *l)
{
	g_autofree char *d = cmd_duration(l->seconds);

	if (strchr(who, '@') == NULL)
		line(out, "%s has been up for %s", who, d);
	else if (strchr(who, '/') != NULL)
		line(out, "%s has been idle for %s", who, d);
	else
		line(out, "%s was last available %s ago%s%s", who, d,
		    l->status != NULL ? ": " : "", or_empty(l->status));
}

/*
 * The answer r from who as lines of text (a new array of strings): a
 * headline, then the table of what was answered.
 */
GPtrArray *
cmd_result_text(const char *who, const struct proto_result *r)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const struct proto_version *v = &r->u.version;

	switch (r->kind) {
	case PQ_PING:
		line(out, "pong from %s in %.1f ms", who, ms(r));
		break;
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		text_info(out, who, r);
		break;
	case PQ_DISCO_ITEMS:
		text_items(out, who, r);
		break;
	case PQ_VERSION:
		line(out, "%s runs %s %s%s%s", who, v->name != NULL ? v->name :
		    "(no name)", v->version != NULL ? v->version :
		    "(no version)", v->os != NULL ? " on " : "",
		    or_empty(v->os));
		break;
	case PQ_TIME:
		line(out, "time at %s: %s (UTC), offset %s", who,
		    r->u.time.utc != NULL ? r->u.time.utc : "?",
		    r->u.time.tzo != NULL ? r->u.time.tzo : "?");
		break;
	case PQ_LAST:
		text_last(out, who, &r->u.last);
		break;
	}
	return out;
}

/* "FULLJID advertises HASH NODE VER" per struct proto_caps (new lines). */
GPtrArray *
cmd_caps_text(const GPtrArray *advertised)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint i;

	for (i = 0; i < advertised->len; i++) {
		const struct proto_caps *c = g_ptr_array_index(advertised, i);

		line(out, "%s advertises %s %s %s", c->jid, c->hash != NULL ?
		    c->hash : "(legacy)", c->node, c->ver);
	}
	return out;
}

/* What natter advertises (proto_caps_own()) as lines of text. */
GPtrArray *
cmd_caps_own_text(const struct proto_result *r)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const struct proto_info *in = &r->u.info;
	guint i;

	line(out, "natter advertises node %s ver %s (%s), with:",
	    in->caps->node, in->caps->ver, or_empty(in->caps->hash));
	for (i = 0; i < in->identities->len; i++) {
		const struct proto_identity *id = g_ptr_array_index(
		    in->identities, i);

		line(out, "  identity %s/%s %s", id->category, id->type,
		    or_empty(id->name));
	}
	info_features(out, in->features, "  ");
	return out;
}

/* Print each line on ctx. */
void
cmd_print_lines(struct cmd_ctx *ctx, const GPtrArray *lines)
{
	guint i;

	for (i = 0; i < lines->len; i++)
		cmd_print(ctx, "%s", (const char *)g_ptr_array_index(lines, i));
}

/* A comma unless j has just opened an object or array, or a key. */
static void
sep(GString *j)
{
	char last = j->len > 0 ? j->str[j->len - 1] : '{';

	if (last != '{' && last != '[' && last != ':')
		g_string_append_c(j, ',');
}

static void
key(GString *j, const char *k)
{
	sep(j);
	if (k != NULL) {
		g_autofree char *q = json_string(k);

		g_string_append_printf(j, "%s:", q);
	}
}

/* "key":"value" (key NULL inside an array; value NULL gives null). */
void
cmd_json_str(GString *j, const char *k, const char *value)
{
	g_autofree char *v = value != NULL ? json_string(value) : NULL;

	key(j, k);
	g_string_append(j, v != NULL ? v : "null");
}

/* "key":raw, for numbers, booleans and null. */
void
cmd_json_raw(GString *j, const char *k, const char *raw)
{
	key(j, k);
	g_string_append(j, raw);
}

/* "key":{ or "key":[ (bracket '{' or '['; key NULL inside an array). */
void
cmd_json_open(GString *j, const char *k, char bracket)
{
	key(j, k);
	g_string_append_c(j, bracket);
}

/* Close what cmd_json_open() opened ('}' or ']'). */
void
cmd_json_close(GString *j, char bracket)
{
	g_string_append_c(j, bracket);
}

/* "key":["s",...] from an array of strings. */
void
cmd_json_strings(GString *j, const char *k, const GPtrArray *s)
{
	guint i;

	cmd_json_open(j, k, '[');
	for (i = 0; s != NULL && i < s->len; i++)
		cmd_json_str(j, NULL, g_ptr_array_index(s, i));
	cmd_json_close(j, ']');
}

/* "identities":[{"category","type","name","lang"},...] */
void
cmd_json_identities(GString *j, const GPtrArray *ids)
{
	guint i;

	cmd_json_open(j, "identities", '[');
	for (i = 0; i < ids->len; i++) {
		const struct proto_identity *id = g_ptr_array_index(ids, i);

		cmd_json_open(j, NULL, '{');
		cmd_json_str(j, "category", id->category);
		cmd_json_str(j, "type", id->type);
		cmd_json_str(j, "name", id->name);
		cmd_json_str(j, "lang", id->lang);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
}

static void
json_caps(GString *j, const char *k, const struct proto_caps *c)
{
	cmd_json_open(j, k, '{');
	if (*c->jid != '\0')
		cmd_json_str(j, "jid", c->jid);
	cmd_json_str(j, "hash", c->hash);
	cmd_json_str(j, "node", c->node);
	cmd_json_str(j, "ver", c->ver);
	cmd_json_close(j, '}');
}

static void
json_forms(GString *j, const GPtrArray *forms)
{
	guint i, k;

	cmd_json_open(j, "forms", '[');
	for (i = 0; i < forms->len; i++) {
		const struct proto_form *form = g_ptr_array_index(forms, i);

		cmd_json_open(j, NULL, '[');
		for (k = 0; k < form->fields->len; k++) {
			const struct proto_field *f = g_ptr_array_index(
			    form->fields, k);

			cmd_json_open(j, NULL, '{');
			cmd_json_str(j, "var", f->var);
			cmd_json_strings(j, "values", f->values);
			cmd_json_close(j, '}');
		}
		cmd_json_close(j, ']');
	}
	cmd_json_close(j, ']');
}

static void
json_info(GString *j, const struct proto_info *in)
{
	cmd_json_identities(j, in->identities);
	cmd_json_strings(j, "features", in->features);
	json_forms(j, in->forms);
	if (in->caps == NULL)
		return;
	json_caps(j, "caps", in->caps);
	cmd_json_str(j, "caps_computed", in->caps_computed);
	cmd_json_raw(j, "caps_verified", in->caps_verified ? "true" : "false");
}

static void
json_items(GString *j, const GPtrArray *items)
{
	guint i;

	cmd_json_open(j, "items", '[');
	for (i = 0; i < items->len; i++) {
		const struct proto_item *it = g_ptr_array_index(items, i);

		cmd_json_open(j, NULL, '{');
		cmd_json_str(j, "jid", it->jid);
		cmd_json_str(j, "node", it->node);
		cmd_json_str(j, "name", it->name);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
}

static const char *const query_names[] = {
	[PQ_DISCO_INFO] = "disco#info",
	[PQ_DISCO_ITEMS] = "disco#items",
	[PQ_PING] = "ping",
	[PQ_VERSION] = "version",
	[PQ_TIME] = "time",
	[PQ_LAST] = "last",
	[PQ_CAPS] = "caps",
};

/* {"query":NAME,"to":WHO (null for natter itself) */
static GString *
json_head(const char *who, enum proto_query kind)
{
	GString *j = g_string_new("{");

	cmd_json_str(j, "query", query_names[kind]);
	cmd_json_str(j, "to", who);
	return j;
}

static void
json_body(GString *j, const struct proto_result *r)
{
	char num[32];

	switch (r->kind) {
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		json_info(j, &r->u.info);
		break;
	case PQ_DISCO_ITEMS:
		json_items(j, r->u.items);
		break;
	case PQ_VERSION:
		cmd_json_str(j, "name", r->u.version.name);
		cmd_json_str(j, "version", r->u.version.version);
		cmd_json_str(j, "os", r->u.version.os);
		break;
	case PQ_TIME:
		cmd_json_str(j, "utc", r->u.time.utc);
		cmd_json_str(j, "tzo", r->u.time.tzo);
		break;
	case PQ_LAST:
		g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT,
		    r->u.last.seconds);
		cmd_json_raw(j, "seconds", num);
		cmd_json_str(j, "status", r->u.last.status);
		break;
	case PQ_PING:
		break;
	}
}

/*
 * The answer r from who as one JSON object on one line (new string):
 * "query", "to" (null: natter itself), "rtt_ms", then the kind's fields.
 * advertised: for /caps, every struct proto_caps seen, or NULL.
 */
char *
cmd_result_json(const char *who, const struct proto_result *r,
    const GPtrArray *advertised)
{
	GString *j = json_head(who, r->kind);
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	guint i;

	if (who != NULL) {
		g_ascii_formatd(num, sizeof(num), "%.3f", ms(r));
		cmd_json_raw(j, "rtt_ms", num);
	}
	json_body(j, r);
	if (advertised != NULL) {
		cmd_json_open(j, "advertised", '[');
		for (i = 0; i < advertised->len; i++)
			json_caps(j, NULL, g_ptr_array_index(advertised, i));
		cmd_json_close(j, ']');
	}
	cmd_json_close(j, '}');
	return g_string_free(j, FALSE);
}

/*
 * The failure e of query kind to who as one JSON object on one line:
 * "query", "to", "error": {"kind", "condition", "type", "text"}.
 */
/* "error":{"kind","condition","type","text"} for a typed error. */
void
cmd_json_error(GString *j, const struct proto_error *e)
{
	cmd_json_open(j, "error", '{');
	cmd_json_str(j, "kind", proto_error_kind_name(e->kind));
	cmd_json_str(j, "condition", e->condition);
	cmd_json_str(j, "type", e->type);
	cmd_json_str(j, "text", e->text);
	cmd_json_close(j, '}');
}

char *
cmd_result_error_json(const char *who, enum proto_query kind,
    const struct proto_error *e)
{
	GString *j = json_head(who, kind);

	cmd_json_error(j, e);
	cmd_json_close(j, '}');
	return g_string_free(j, FALSE);
}
