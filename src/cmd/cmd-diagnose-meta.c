/* SPDX-License-Identifier: MIT */
/*
 * /diagnose: the ways in a server advertises over HTTPS (XEP-0156
 * host-meta and host-meta.json, with the XEP-0487 additions). Both files
 * are fetched at once, in the main loop (core/http.c), while the XMPP
 * queries run; the report waits for them. Their sections of the text
 * and JSON reports are written here. cmd layer.
 */
#include <string.h>

#include "cmd-diagnose.h"
#include "cmd-disco.h"
#include "cmd-result.h"
#include "core/http.h"
#include "core/prefs.h"
#include "util/hostmeta.h"
#include "util/sanitize.h"

#define META_BODY_MAX	(64 * 1024)	/* bytes of one host-meta file */

enum { DOC_XRD, DOC_JRD, DOC_N };

struct meta_doc {
	struct diag_meta	*m;
	const char		*name;		/* "host-meta", "host-meta.json" */
	char			*url;
	struct http_request	*req;		/* in flight, or NULL */
	const char		*status;	/* "ok", "not-found", ... */
	long			 http_status;
	char			*error;		/* why not "ok", or NULL */
	struct hostmeta		*hm;		/* when "ok" */
};

struct diag_meta {
	struct diag		*d;
	char			*via;		/* "HOST:PORT" from the prefs */
	struct meta_doc		 doc[DOC_N];
};

static void
parse_body(struct meta_doc *doc, const struct http_result *r)
{
	g_autoptr(GError) err = NULL;

	doc->hm = doc == &doc->m->doc[DOC_XRD] ?
	    hostmeta_parse_xrd(r->body, (gssize)r->len, &err) :
	    hostmeta_parse_jrd(r->body, &err);
	if (doc->hm != NULL) {
		doc->status = "ok";
		return;
	}
	doc->status = "invalid";
	doc->error = g_strdup_printf("not a valid %s document: %s",
	    doc == &doc->m->doc[DOC_XRD] ? "XRD" : "JRD", err->message);
}

static void
fetched(const struct http_result *r, void *data)
{
	struct meta_doc *doc = data;

	doc->req = NULL;
	doc->http_status = r->status;
	if (r->fail != HTTP_OK) {
		doc->status = http_fail_name(r->fail);
		doc->error = g_strdup(r->error);
	} else if (r->status == 404 || r->status == 410) {
		doc->status = "not-found";
		doc->error = g_strdup_printf("not published (HTTP %ld)",
		    r->status);
	} else if (r->status != 200) {
		doc->status = "http-error";
		doc->error = g_strdup_printf("HTTP status %ld", r->status);
	} else if (memchr(r->body, '\0', r->len) != NULL) {
		doc->status = "invalid";
		doc->error = g_strdup("the answer contains a NUL byte");
	} else
		parse_body(doc, r);
	if (!diag_meta_busy(doc->m))
		diag_resume(doc->m->d);
}

static void
fetch(struct diag_meta *m, int i, const char *path,
    const struct http_opts *o)
{
	struct meta_doc *doc = &m->doc[i];

	doc->m = m;
	doc->name = i == DOC_XRD ? "host-meta" : "host-meta.json";
	doc->url = g_strdup_printf("https://%s/.well-known/%s", m->d->domain,
	    path);
	doc->status = "pending";
	doc->req = http_get(doc->url, o, fetched, doc);
	if (doc->req == NULL) {
		doc->status = "error";
		doc->error = g_strdup(http_unavailable() != NULL ?
		    http_unavailable() : "the HTTP library could not start");
	}
}

/*
 * Start fetching d->domain's host-meta files; diag_resume(d) is called
 * when the last one is in (never from inside this call).
 */
struct diag_meta *
diag_meta_start(struct diag *d)
{
	struct diag_meta *m = g_new0(struct diag_meta, 1);
	const char *host = prefs_get("diagnose.http_host");
	long port = prefs_get_int("diagnose.http_port");
	g_autofree char *ca = cmd_expand_path(prefs_get(
	    "diagnose.http_ca_file"));
	struct http_opts o = { 0 };

	m->d = d;
	if (*host != '\0' || port != 443) {
		o.connect_host = *host != '\0' ? host : d->domain;
		o.connect_port = (int)port;
		m->via = g_strdup_printf("%s:%ld", o.connect_host, port);
	}
	o.ca_file = *ca != '\0' ? ca : g_getenv("CURL_CA_BUNDLE");
	o.timeout_ms = prefs_get_int("diagnose.http_timeout") * 1000;
	o.max_body = META_BODY_MAX;
	fetch(m, DOC_XRD, "host-meta", &o);
	fetch(m, DOC_JRD, "host-meta.json", &o);
	return m;
}

/* True while a host-meta file is still being fetched. */
bool
diag_meta_busy(const struct diag_meta *m)
{
	return m != NULL && (m->doc[DOC_XRD].req != NULL ||
	    m->doc[DOC_JRD].req != NULL);
}

/* Free m, abandoning fetches still running; NULL is a no-op. */
void
diag_meta_free(struct diag_meta *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < DOC_N; i++) {
		http_cancel(m->doc[i].req);
		g_free(m->doc[i].url);
		g_free(m->doc[i].error);
		hostmeta_free(m->doc[i].hm);
	}
	g_free(m->via);
	g_free(m);
}

/* "rel href" of every XEP-0156 link of doc (a set to compare). */
static GPtrArray *
link_keys(const struct meta_doc *doc)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	guint i;

	for (i = 0; doc->hm != NULL && i < doc->hm->links->len; i++) {
		const struct hm_link *l = g_ptr_array_index(doc->hm->links, i);

		if (l->href != NULL && g_str_has_prefix(l->rel, HM_REL_PREFIX))
			g_ptr_array_add(keys, g_strdup_printf("%s %s", l->rel,
			    l->href));
	}
	return keys;
}

static bool
has_key(const GPtrArray *keys, const char *k)
{
	guint i;

	for (i = 0; i < keys->len; i++)
		if (strcmp(g_ptr_array_index(keys, i), k) == 0)
			return true;
	return false;
}

/*
 * Whether the two files advertise the same BOSH and WebSocket links:
 * "yes", "no" (differences listed in diffs) or "unknown" (one of them
 * could not be read). XEP-0487 links exist only in host-meta.json.
 */
static const char *
agreement(const struct diag_meta *m, GPtrArray *diffs)
{
	const struct meta_doc *x = &m->doc[DOC_XRD], *j = &m->doc[DOC_JRD];
	g_autoptr(GPtrArray) kx = NULL, kj = NULL;
	guint i;

	if (strcmp(x->status, "not-found") == 0 &&
	    strcmp(j->status, "not-found") == 0)
		return "yes";
	if (strcmp(x->status, "ok") != 0 || strcmp(j->status, "ok") != 0)
		return "unknown";
	kx = link_keys(x);
	kj = link_keys(j);
	for (i = 0; i < kx->len; i++)
		if (!has_key(kj, g_ptr_array_index(kx, i)))
			g_ptr_array_add(diffs, g_strdup_printf("only in "
			    "host-meta: %s", (char *)g_ptr_array_index(kx, i)));
	for (i = 0; i < kj->len; i++)
		if (!has_key(kx, g_ptr_array_index(kj, i)))
			g_ptr_array_add(diffs, g_strdup_printf("only in "
			    "host-meta.json: %s",
			    (char *)g_ptr_array_index(kj, i)));
	return diffs->len == 0 ? "yes" : "no";
}

/* The href of file k's i-th link if its rel is rel, else NULL. */
static const char *
href_of(const struct diag_meta *m, guint k, guint i, const char *rel)
{
	const struct hm_link *l = g_ptr_array_index(m->doc[k].hm->links, i);

	return strcmp(l->rel, rel) == 0 ? l->href : NULL;
}

/* The number of links of file k (0 when it was not read). */
static guint
links_in(const struct diag_meta *m, guint k)
{
	return m->doc[k].hm != NULL ? m->doc[k].hm->links->len : 0;
}

/* The distinct hrefs of links rel in either file (new array). */
static GPtrArray *
endpoints(const struct diag_meta *m, const char *rel)
{
	GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);
	const char *href;
	guint i, k;

	for (k = 0; k < DOC_N; k++)
		for (i = 0; i < links_in(m, k); i++)
			if ((href = href_of(m, k, i, rel)) != NULL &&
			    !has_key(urls, href))
				g_ptr_array_add(urls, g_strdup(href));
	return urls;
}

/* Which files list link rel -> url: "host-meta, host-meta.json". */
static char *
found_in(const struct diag_meta *m, const char *rel, const char *url)
{
	GString *s = g_string_new(NULL);
	const char *href;
	guint i, k;

	for (k = 0; k < DOC_N; k++)
		for (i = 0; i < links_in(m, k); i++)
			if ((href = href_of(m, k, i, rel)) != NULL &&
			    strcmp(href, url) == 0) {
				g_string_append_printf(s, "%s%s", s->len ?
				    ", " : "", m->doc[k].name);
				break;
			}
	return g_string_free(s, FALSE);
}

/* True for a link that is neither BOSH nor WebSocket (XEP-0487 kinds). */
static bool
is_other(const struct hm_link *l)
{
	return g_str_has_prefix(l->rel, HM_REL_PREFIX) &&
	    strcmp(l->rel, HM_REL_BOSH) != 0 &&
	    strcmp(l->rel, HM_REL_WEBSOCKET) != 0;
}

static void
text_doc(const struct meta_doc *doc, GString *s)
{
	g_autofree char *url = sanitize_str(doc->url);
	g_autofree char *why = doc->error != NULL ? sanitize_str(doc->error) :
	    NULL;
	guint n = doc->hm != NULL ? doc->hm->links->len : 0;

	if (strcmp(doc->status, "ok") == 0)
		g_string_append_printf(s, "  %-15s %s: %u link%s%s\n",
		    doc->name, url, n, n == 1 ? "" : "s", doc->hm->v2 ?
		    " (XEP-0487 \"xmpp\" object present)" : "");
	else
		g_string_append_printf(s, "  %-15s %s: %s%s\n", doc->name, url,
		    strcmp(doc->status, "not-found") == 0 ? "" : "FAILED: ",
		    why != NULL ? why : doc->status);
}

static void
text_endpoints(const struct diag_meta *m, const char *rel,
    const char *label, GString *s)
{
	g_autoptr(GPtrArray) urls = endpoints(m, rel);
	guint i;

	for (i = 0; i < urls->len; i++) {
		g_autofree char *u = sanitize_str(g_ptr_array_index(urls, i));
		g_autofree char *in = found_in(m, rel, g_ptr_array_index(urls,
		    i));

		g_string_append_printf(s, "  %-15s %s (in %s)\n", label, u, in);
	}
	if (urls->len == 0)
		g_string_append_printf(s, "  %-15s none advertised\n", label);
}

static void
text_others(const struct diag_meta *m, GString *s)
{
	const struct hostmeta *hm = m->doc[DOC_JRD].hm;
	guint i;

	for (i = 0; hm != NULL && i < hm->links->len; i++) {
		const struct hm_link *l = g_ptr_array_index(hm->links, i);
		const char *name = hostmeta_rel_name(l->rel);
		g_autofree char *raw = NULL, *what = NULL, *rel = NULL;

		if (!is_other(l))
			continue;
		raw = hostmeta_link_describe(l);
		what = sanitize_str(raw);
		rel = sanitize_str(l->rel);
		g_string_append_printf(s, "  %-15s %s\n", name != NULL ? name :
		    rel, what);
	}
}

/* The "Other ways in" section of the text report. */
void
diag_meta_text(struct diag *d, GString *s)
{
	const struct diag_meta *m = d->meta;
	g_autoptr(GPtrArray) diffs = NULL;
	const char *agree;
	guint i;

	if (m == NULL)
		return;
	diffs = g_ptr_array_new_with_free_func(g_free);
	agree = agreement(m, diffs);
	g_string_append(s, "\nOther ways in (XEP-0156 host-meta, XEP-0487)\n");
	if (m->via != NULL)
		g_string_append_printf(s, "  fetched from %s (diagnose.http_host,"
		    " diagnose.http_port)\n", m->via);
	for (i = 0; i < DOC_N; i++)
		text_doc(&m->doc[i], s);
	text_endpoints(m, HM_REL_BOSH, "BOSH", s);
	text_endpoints(m, HM_REL_WEBSOCKET, "WebSocket", s);
	text_others(m, s);
	if (strcmp(agree, "unknown") == 0)
		g_string_append(s, "  the two files cannot be compared: one "
		    "could not be read\n");
	else if (strcmp(agree, "yes") == 0)
		g_string_append(s, "  the two files agree\n");
	else
		g_string_append(s, "  the two files DIFFER:\n");
	for (i = 0; i < diffs->len; i++) {
		g_autofree char *line = sanitize_str(g_ptr_array_index(diffs,
		    i));

		g_string_append_printf(s, "    %s\n", line);
	}
}

static void
json_int(GString *j, const char *key, gint64 v)
{
	char num[32];

	if (v < 0)
		return;
	g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, v);
	cmd_json_raw(j, key, num);
}

static void
json_link(GString *j, const struct hm_link *l)
{
	cmd_json_open(j, NULL, '{');
	cmd_json_str(j, "rel", l->rel);
	if (l->href != NULL)
		cmd_json_str(j, "href", l->href);
	json_int(j, "port", l->port);
	json_int(j, "priority", l->priority);
	json_int(j, "weight", l->weight);
	if (l->sni != NULL)
		cmd_json_str(j, "sni", l->sni);
	if (l->ech != NULL)
		cmd_json_str(j, "ech", l->ech);
	if (l->ips->len > 0)
		cmd_json_strings(j, "ips", l->ips);
	cmd_json_close(j, '}');
}

static void
json_doc(GString *j, const char *key, const struct meta_doc *doc)
{
	guint i;

	cmd_json_open(j, key, '{');
	cmd_json_str(j, "url", doc->url);
	cmd_json_str(j, "status", doc->status);
	json_int(j, "http_status", doc->http_status > 0 ? doc->http_status :
	    -1);
	if (doc->error != NULL)
		cmd_json_str(j, "error", doc->error);
	cmd_json_open(j, "links", '[');
	for (i = 0; doc->hm != NULL && i < doc->hm->links->len; i++)
		json_link(j, g_ptr_array_index(doc->hm->links, i));
	cmd_json_close(j, ']');
	if (doc->hm != NULL && doc->hm->v2) {
		cmd_json_open(j, "xmpp", '{');
		json_int(j, "ttl", doc->hm->ttl);
		cmd_json_strings(j, "public_key_pins_sha256", doc->hm->pins);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, '}');
}

/* "other": the XEP-0487 links of host-meta.json (direct TLS, QUIC...). */
static void
json_others(GString *j, const struct diag_meta *m)
{
	const struct hostmeta *hm = m->doc[DOC_JRD].hm;
	guint i;

	cmd_json_open(j, "other", '[');
	for (i = 0; hm != NULL && i < hm->links->len; i++)
		if (is_other(g_ptr_array_index(hm->links, i)))
			json_link(j, g_ptr_array_index(hm->links, i));
	cmd_json_close(j, ']');
}

/* The "host_meta" member of the JSON report. */
void
diag_meta_json(struct diag *d, GString *j)
{
	const struct diag_meta *m = d->meta;
	g_autoptr(GPtrArray) diffs = NULL, bosh = NULL, ws = NULL;
	const char *agree;

	if (m == NULL)
		return;
	diffs = g_ptr_array_new_with_free_func(g_free);
	agree = agreement(m, diffs);
	bosh = endpoints(m, HM_REL_BOSH);
	ws = endpoints(m, HM_REL_WEBSOCKET);
	cmd_json_open(j, "host_meta", '{');
	if (m->via != NULL)
		cmd_json_str(j, "fetched_from", m->via);
	json_doc(j, "xrd", &m->doc[DOC_XRD]);
	json_doc(j, "jrd", &m->doc[DOC_JRD]);
	cmd_json_strings(j, "bosh", bosh);
	cmd_json_strings(j, "websocket", ws);
	json_others(j, m);
	cmd_json_str(j, "agree", agree);
	cmd_json_strings(j, "differences", diffs);
	cmd_json_close(j, '}');
}
