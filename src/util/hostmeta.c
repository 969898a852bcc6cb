/* SPDX-License-Identifier: MIT */
/*
 * host-meta parsers (XEP-0156, XEP-0487): XRD with GMarkup, which expands
 * no entities and fetches nothing, and JRD with natter's strict JSON tree
 * parser. Documents come from any web server: sizes are bounded by the
 * fetcher, links by HM_LINKS_MAX here, and nothing is trusted to be of
 * the type it claims. util layer.
 */
#include <string.h>

#include "hostmeta.h"
#include "json.h"

static void
link_free(struct hm_link *l)
{
	g_free(l->rel);
	g_free(l->href);
	g_free(l->sni);
	g_free(l->ech);
	g_ptr_array_unref(l->ips);
	g_free(l);
}

static struct hm_link *
link_new(const char *rel, const char *href)
{
	struct hm_link *l = g_new0(struct hm_link, 1);

	l->rel = g_strdup(rel);
	l->href = g_strdup(href);
	l->port = l->priority = l->weight = -1;
	l->ips = g_ptr_array_new_with_free_func(g_free);
	return l;
}

static struct hostmeta *
hostmeta_new(void)
{
	struct hostmeta *hm = g_new0(struct hostmeta, 1);

	hm->links = g_ptr_array_new_with_free_func((GDestroyNotify)link_free);
	hm->pins = g_ptr_array_new_with_free_func(g_free);
	hm->ttl = -1;
	return hm;
}

/* Free hm; NULL is a no-op. */
void
hostmeta_free(struct hostmeta *hm)
{
	if (hm == NULL)
		return;
	g_ptr_array_unref(hm->links);
	g_ptr_array_unref(hm->pins);
	g_free(hm);
}

/* The element's name without a namespace prefix ("xrd:Link" -> "Link"). */
static const char *
local_name(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon != NULL ? colon + 1 : name;
}

struct xrd_state {
	struct hostmeta	*hm;
	int		 depth;
	bool		 root_ok;
};

static void
xrd_start(GMarkupParseContext *ctx, const char *name, const char **attr,
    const char **val, gpointer data, GError **error)
{
	struct xrd_state *st = data;
	const char *rel = NULL, *href = NULL;
	int i;

	st->depth++;
	if (st->depth == 1) {
		st->root_ok = strcmp(local_name(name), "XRD") == 0;
		if (!st->root_ok)
			g_set_error(error, G_MARKUP_ERROR,
			    G_MARKUP_ERROR_INVALID_CONTENT,
			    "the document is not an XRD (root element <%s>)",
			    name);
		return;
	}
	if (st->depth != 2 || strcmp(local_name(name), "Link") != 0 ||
	    st->hm->links->len >= HM_LINKS_MAX)
		return;
	for (i = 0; attr[i] != NULL; i++) {
		if (strcmp(attr[i], "rel") == 0)
			rel = val[i];
		else if (strcmp(attr[i], "href") == 0)
			href = val[i];
	}
	if (rel != NULL)
		g_ptr_array_add(st->hm->links, link_new(rel, href));
}

static void
xrd_end(GMarkupParseContext *ctx, const char *name, gpointer data,
    GError **error)
{
	((struct xrd_state *)data)->depth--;
}

/* Parse an XRD document (/.well-known/host-meta); NULL and error if bad. */
struct hostmeta *
hostmeta_parse_xrd(const char *text, gssize len, GError **error)
{
	static const GMarkupParser parser = { xrd_start, xrd_end, NULL, NULL,
	    NULL };
	struct xrd_state st = { hostmeta_new(), 0, false };
	GMarkupParseContext *ctx;
	bool ok;

	g_return_val_if_fail(text != NULL, NULL);
	ctx = g_markup_parse_context_new(&parser, 0, &st, NULL);
	ok = g_markup_parse_context_parse(ctx, text, len, error) &&
	    g_markup_parse_context_end_parse(ctx, error);
	g_markup_parse_context_free(ctx);
	if (ok && !st.root_ok) {
		g_set_error(error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY,
		    "the document is empty");
		ok = false;
	}
	if (!ok) {
		hostmeta_free(st.hm);
		return NULL;
	}
	return st.hm;
}

/* The strings of a JSON array member into out (others are skipped). */
static void
jrd_strings(const struct json_node *o, const char *key, GPtrArray *out)
{
	const struct json_node *a = json_get(o, key);
	guint i;

	for (i = 0; a != NULL && a->type == JSON_ARRAY && i < a->items->len &&
	    i < HM_LINKS_MAX; i++) {
		const struct json_node *s = g_ptr_array_index(a->items, i);

		if (s->type == JSON_STRING)
			g_ptr_array_add(out, g_strdup(s->text));
	}
}

static void
jrd_link(struct hostmeta *hm, const struct json_node *o)
{
	const char *rel = json_get_str(o, "rel");
	struct hm_link *l;

	if (o->type != JSON_OBJECT || rel == NULL)
		return;
	l = link_new(rel, json_get_str(o, "href"));
	l->port = json_get_int(o, "port", -1);
	l->priority = json_get_int(o, "priority", -1);
	l->weight = json_get_int(o, "weight", -1);
	l->sni = g_strdup(json_get_str(o, "sni"));
	l->ech = g_strdup(json_get_str(o, "ech"));
	jrd_strings(o, "ips", l->ips);
	g_ptr_array_add(hm->links, l);
}

/* Parse a JRD document (/.well-known/host-meta.json); NULL if bad. */
struct hostmeta *
hostmeta_parse_jrd(const char *text, GError **error)
{
	struct json_node *doc = json_parse(text, error);
	const struct json_node *links, *xmpp;
	struct hostmeta *hm;
	guint i;

	if (doc == NULL)
		return NULL;
	if (doc->type != JSON_OBJECT) {
		g_set_error(error, G_MARKUP_ERROR,
		    G_MARKUP_ERROR_INVALID_CONTENT,
		    "the document is not a JSON object");
		json_node_free(doc);
		return NULL;
	}
	hm = hostmeta_new();
	links = json_get(doc, "links");
	for (i = 0; links != NULL && links->type == JSON_ARRAY &&
	    i < links->items->len && hm->links->len < HM_LINKS_MAX; i++)
		jrd_link(hm, g_ptr_array_index(links->items, i));
	xmpp = json_get(doc, "xmpp");
	if (xmpp != NULL && xmpp->type == JSON_OBJECT) {
		hm->v2 = true;
		hm->ttl = json_get_int(xmpp, "ttl", -1);
		jrd_strings(xmpp, "public-key-pins-sha-256", hm->pins);
	}
	json_node_free(doc);
	return hm;
}

/* A readable name of an alternative connection method's link relation. */
const char *
hostmeta_rel_name(const char *rel)
{
	static const struct { const char *rel, *name; } names[] = {
		{ "xbosh", "BOSH" },
		{ "websocket", "WebSocket" },
		{ "tls", "direct TLS (XEP-0368)" },
		{ "quic", "QUIC (XEP-0467)" },
		{ "s2s-websocket", "server WebSocket (XEP-0468)" },
		{ "s2s-tls", "server direct TLS (XEP-0368)" },
		{ "s2s-quic", "server QUIC (XEP-0467)" },
	};
	size_t i;

	if (!g_str_has_prefix(rel, HM_REL_PREFIX))
		return NULL;
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(rel + strlen(HM_REL_PREFIX), names[i].rel) == 0)
			return names[i].name;
	return NULL;
}

/*
 * One line about a link's target: its URL, or "port N", followed by the
 * XEP-0487 parameters it has (new string; the values are as received).
 */
char *
hostmeta_link_describe(const struct hm_link *l)
{
	GString *s = g_string_new(NULL);
	guint i;

	if (l->href != NULL)
		g_string_append(s, l->href);
	if (l->port >= 0)
		g_string_append_printf(s, "%sport %" G_GINT64_FORMAT,
		    s->len > 0 ? ", " : "", l->port);
	if (l->priority >= 0)
		g_string_append_printf(s, ", priority %" G_GINT64_FORMAT,
		    l->priority);
	if (l->weight >= 0)
		g_string_append_printf(s, ", weight %" G_GINT64_FORMAT,
		    l->weight);
	if (l->sni != NULL)
		g_string_append_printf(s, ", sni %s", l->sni);
	for (i = 0; i < l->ips->len; i++)
		g_string_append_printf(s, "%s%s", i == 0 ? ", ips " : " ",
		    (const char *)g_ptr_array_index(l->ips, i));
	if (l->ech != NULL)
		g_string_append(s, ", ech");
	return g_string_free(s, FALSE);
}
