/* SPDX-License-Identifier: MIT */
/*
 * /diagnose reports: the plain-text report and the one-line JSON object,
 * written from what the queries of cmd-diagnose.c gathered.
 */
#include <string.h>

#include "cmd-diagnose.h"
#include "cmd-result.h"
#include "config.h"

/* Where a compliance feature is advertised. */
enum where {
	AT_SERVER,	/* feature of the server's disco#info */
	AT_ACCOUNT,	/* feature of our bare JID's disco#info */
	AT_STREAM,	/* stream feature (namespace) */
	AT_ITEM_FEATURE,	/* feature of one of the server's services */
	AT_ITEM_IDENTITY,	/* identity category/type of a service */
	AT_ACCOUNT_IDENTITY,	/* identity category/type of our bare JID */
	AT_SECURED,	/* the connection is encrypted */
	AT_DIRECT_TLS,	/* DNS has an _xmpps-client record (XEP-0368) */
};

/*
 * The features the report checks, with the level of XEP-0479 (XMPP
 * Compliance Suites 2023, version 0.1.0) that requires them of a server.
 * natter's levels are a ladder: "Core" is the Server column of the Core
 * suite (section 2.1); "IM" adds the Server column of the IM suite
 * (section 2.3: "all features from the core compliance category must be
 * met"); "Advanced IM" is the Advanced Server column of both. "Mobile" and
 * "Adv. Mobile" are the Server and Advanced Server columns of the Mobile
 * suite (section 2.4), shown but not on the ladder; "not required" are
 * specifications the suites only mention or no longer list. Server
 * extensibility (XEP-0114, section 2.1) cannot be seen from a client.
 * Where a feature has two valid advertisements the second is "alt".
 */
static const struct feature {
	const char	*name;
	const char	*xep;
	const char	*suite;
	enum where	 where;
	const char	*what;
	const char	*alt;	/* another namespace that also counts */
} feats[] = {
	/* §2.1 Core suite, Server column */
	{ "TLS", "RFC 7590", "Core", AT_SECURED, NULL, NULL },
	{ "Service discovery", "XEP-0030", "Core", AT_SERVER,
	  "http://jabber.org/protocol/disco#info", NULL },
	/* §2.3 IM suite, Server column ("Group Chat": XEP-0045; "Outbound
	 * Message Synchronization": XEP-0280; "File Upload"; "vcard-temp") */
	{ "Multi-user chat service", "XEP-0045", "IM", AT_ITEM_IDENTITY,
	  "conference/text", NULL },
	{ "Message carbons", "XEP-0280", "IM", AT_SERVER, "urn:xmpp:carbons:2",
	  NULL },
	{ "HTTP file upload", "XEP-0363", "IM", AT_ITEM_FEATURE,
	  "urn:xmpp:http:upload:0", NULL },
	{ "vcard-temp", "XEP-0054", "IM", AT_SERVER, "vcard-temp", NULL },
	/* §2.1 Advanced Server only: "Direct TLS", "Feature broadcasts",
	 * "Event publishing" (both were "Core" here before) */
	{ "Direct TLS", "XEP-0368", "Advanced IM", AT_DIRECT_TLS, NULL, NULL },
	{ "Entity capabilities", "XEP-0115", "Advanced IM", AT_STREAM,
	  "http://jabber.org/protocol/caps", NULL },
	{ "Personal eventing (PEP)", "XEP-0163", "Advanced IM",
	  AT_ACCOUNT_IDENTITY, "pubsub/pep", NULL },
	/* §2.3 Advanced Server only: "User Blocking", "Stream Management",
	 * "History Storage / Retrieval", "Advanced Group Chat" (XEP-0402; all
	 * four were "IM" here before) */
	{ "Blocking", "XEP-0191", "Advanced IM", AT_SERVER, "urn:xmpp:blocking",
	  NULL },
	{ "Stream management", "XEP-0198", "Advanced IM", AT_STREAM,
	  "urn:xmpp:sm:3", NULL },
	{ "Message archive (MAM)", "XEP-0313", "Advanced IM", AT_ACCOUNT,
	  "urn:xmpp:mam:2", NULL },
	{ "Bookmarks", "XEP-0402", "Advanced IM", AT_ACCOUNT,
	  "urn:xmpp:bookmarks:1#compat", "urn:xmpp:bookmarks:1#compat-pep" },
	/* §2.4 Mobile suite: CSI at Server, push at Advanced Server */
	{ "Client state indication", "XEP-0352", "Mobile", AT_STREAM,
	  "urn:xmpp:csi:0", NULL },
	{ "Push notifications", "XEP-0357", "Adv. Mobile", AT_ACCOUNT,
	  "urn:xmpp:push:0", NULL },
	/* §2.3 "further specifications of note" (XEP-0077); XEP-0065 is not
	 * in the 2023 suites */
	{ "SOCKS5 proxy", "XEP-0065", "not required", AT_ITEM_IDENTITY,
	  "proxy/bytestreams", NULL },
	{ "In-band registration", "XEP-0077", "not required", AT_STREAM,
	  "http://jabber.org/features/iq-register", "jabber:iq:register" },
};

static const char *const suites[] = { "Core", "IM", "Advanced IM", NULL };

/*
 * s on one line (tabs and line breaks as spaces), for the text report:
 * a network value must not start a line of its own. Lent until d is freed.
 */
static const char *
flat(struct diag *d, const char *s)
{
	char *f = g_strdelimit(g_strdup(s != NULL ? s : ""), "\t\r\n", ' ');

	g_ptr_array_add(d->scratch, f);
	return f;
}

/* flat() for the other report files. */
const char *
diag_flat(struct diag *d, const char *s)
{
	return flat(d, s);
}

/* True when the disco#info answer r (may be NULL) lists feature var. */
static bool
has_feature(const struct proto_result *r, const char *var)
{
	guint i;

	for (i = 0; r != NULL && var != NULL && i < r->u.info.features->len;
	    i++)
		if (strcmp(g_ptr_array_index(r->u.info.features, i), var) == 0)
			return true;
	return false;
}

/* True when the disco#info answer r has an identity "category/type". */
static bool
has_identity(const struct proto_result *r, const char *cattype)
{
	guint i;

	for (i = 0; r != NULL && i < r->u.info.identities->len; i++) {
		const struct proto_identity *id = g_ptr_array_index(
		    r->u.info.identities, i);
		g_autofree char *ct = g_strdup_printf("%s/%s", id->category,
		    id->type);

		if (strcmp(ct, cattype) == 0)
			return true;
	}
	return false;
}

/* True when the stream offered a feature in namespace ns. */
static bool
stream_has(struct diag *d, const char *ns)
{
	guint i;

	for (i = 0; i < d->facts->features->len; i++) {
		const struct proto_stream_feature *f = g_ptr_array_index(
		    d->facts->features, i);

		if (strcmp(f->ns, ns) == 0)
			return true;
	}
	return false;
}

/* Where the feature was found ("" and false when it was not). */
static bool
supported_one(struct diag *d, const struct feature *f, const char *what,
    const char **where)
{
	guint i;

	*where = "";
	switch (f->where) {
	case AT_SECURED:
		*where = "connection";
		return d->facts->secured;
	case AT_DIRECT_TLS:
		*where = "DNS _xmpps-client";
		return diag_dns_has_direct(d);
	case AT_SERVER:
		*where = d->domain;
		return has_feature(d->info, what);
	case AT_ACCOUNT:
		*where = "your account";
		return has_feature(d->account_info, what);
	case AT_ACCOUNT_IDENTITY:
		*where = "your account";
		return has_identity(d->account_info, what);
	case AT_STREAM:
		*where = "stream features";
		return stream_has(d, what) || (f->alt != NULL &&
		    has_feature(d->info, f->alt));
	case AT_ITEM_FEATURE:
	case AT_ITEM_IDENTITY:
		for (i = 0; i < d->items->len; i++) {
			struct item *it = g_ptr_array_index(d->items, i);

			if (f->where == AT_ITEM_FEATURE ? has_feature(it->info,
			    what) : has_identity(it->info, what)) {
				*where = it->jid;
				return true;
			}
		}
		return false;
	}
	return false;
}

static bool
supported(struct diag *d, const struct feature *f, const char **where)
{
	if (supported_one(d, f, f->what, where))
		return true;
	return f->alt != NULL && f->where != AT_STREAM &&
	    supported_one(d, f, f->alt, where);
}

static gint
cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* How TLS protects the connection, for the report. */
static const char *
tls_how(const struct proto_facts *f)
{
	if (!f->secured)
		return "NOT ENCRYPTED";
	return strcmp(f->tls, "direct") == 0 ? "direct TLS" : "STARTTLS";
}

/* Who checked the certificate of an encrypted connection. */
static const char *
tls_cert(const struct proto_facts *f)
{
	if (!f->secured)
		return "";
	if (f->trust_by_user)
		return ", certificate not verifiable, accepted by your trust "
		    "decision";
	if (strcmp(f->tls, "trust") == 0)
		return ", certificate NOT checked (tls trust)";
	return ", certificate verified";
}

/* The strings of a joined by sep (new string). */
char *
diag_join(const GPtrArray *a, const char *sep)
{
	GString *w = g_string_new(NULL);
	guint i;

	for (i = 0; i < a->len; i++)
		g_string_append_printf(w, "%s%s", i > 0 ? sep : "",
		    (const char *)g_ptr_array_index(a, i));
	return g_string_free(w, FALSE);
}

static void
report_connection(struct diag *d, GString *s)
{
	const struct proto_facts *f = d->facts;
	g_autofree char *mechs = NULL;

	if (!d->own) {
		g_string_append_printf(s, "Connection\n  natter is connected to "
		    "%s, not to %s: the connection facts are not about it.\n\n",
		    f->jid, d->domain);
		return;
	}
	mechs = diag_join(f->mechanisms, " ");
	g_string_append_printf(s, "Connection\n  host %s port %d (",
	    flat(d, f->host), f->port);
	if (f->configured)
		g_string_append(s, "set in the account: no SRV lookup)\n");
	else if (f->srv_priority >= 0)
		g_string_append_printf(s, "from the SRV record %s: priority "
		    "%d, weight %d)\n", f->srv_service != NULL ? f->srv_service :
		    "_xmpp-client._tcp", f->srv_priority, f->srv_weight);
	else if (f->endpoint_known)
		g_string_append_printf(s, "no SRV record %s: the domain "
		    "itself)\n", f->srv_service != NULL ? f->srv_service :
		    "_xmpp-client._tcp");
	else
		g_string_append(s, "from the SRV record _xmpp-client._tcp if "
		    "there is one, resolved by libstrophe)\n");
	g_string_append_printf(s, "  TLS: %s%s\n", tls_how(f), tls_cert(f));
	diag_tls_text(d, s);
	g_string_append_printf(s, "  SASL mechanism: %s (offered: %s)\n",
	    f->sasl != NULL && *f->sasl != '\0' ? flat(d, f->sasl) : "unknown",
	    *mechs != '\0' ? flat(d, mechs) : "unknown");
	g_string_append_printf(s, "  stream management: %s\n\n",
	    f->sm_enabled ? "enabled" : stream_has(d, "urn:xmpp:sm:3") ?
	    "offered, not enabled" : "not offered");
}

static void
report_software(struct diag *d, GString *s)
{
	const struct proto_version *v = d->version != NULL ?
	    &d->version->u.version : NULL;
	g_autofree char *dur = d->last != NULL ?
	    cmd_duration(d->last->u.last.seconds) : NULL;

	g_string_append(s, "Server software\n");
	if (v != NULL && v->name != NULL)
		g_string_append_printf(s, "  %s %s%s%s\n", flat(d, v->name),
		    flat(d, v->version), v->os ? " on " : "", flat(d, v->os));
	else
		g_string_append(s, "  not told (no answer to XEP-0092)\n");
	g_string_append_printf(s, "  uptime: %s\n\n", dur != NULL ? dur :
	    "not told (no answer to XEP-0012)");
}

/* "supported", "MISSING" or "unknown" for feature i, and where. */
static const char *
row_status(struct diag *d, size_t i, const char **where)
{
	/* Only our own server shows us its stream and accounts. */
	bool known = d->own || feats[i].where == AT_SERVER ||
	    feats[i].where == AT_DIRECT_TLS ||
	    feats[i].where == AT_ITEM_FEATURE ||
	    feats[i].where == AT_ITEM_IDENTITY;

	if (known && supported(d, &feats[i], where))
		return "supported";
	*where = known ? "" : "(seen only when logged in there)";
	return known ? "MISSING" : "unknown";
}

/* The highest suite whose features (and those below) are all there. */
static const char *
level_reached(struct diag *d)
{
	const char *reached = NULL, *where;
	size_t i, k;

	for (k = 0; suites[k] != NULL; k++) {
		for (i = 0; i < G_N_ELEMENTS(feats); i++)
			if (strcmp(feats[i].suite, suites[k]) == 0 &&
			    strcmp(row_status(d, i, &where), "supported") != 0)
				return reached;
		reached = suites[k];
	}
	return reached;
}

static void
report_compliance(struct diag *d, GString *s)
{
	const char *reached;
	size_t i;

	g_string_append(s, "Compliance (XEP-0479 suites; supported = "
	    "advertised by the server)\n");
	g_string_append_printf(s, "  %-26s %-9s %-12s %-10s %s\n", "feature",
	    "spec", "suite", "status", "advertised by");
	for (i = 0; i < G_N_ELEMENTS(feats); i++) {
		const char *where, *status = row_status(d, i, &where);

		g_string_append_printf(s, "  %-26s %-9s %-12s %-10s %s\n",
		    feats[i].name, feats[i].xep, feats[i].suite, status,
		    flat(d, where));
	}
	reached = level_reached(d);
	g_string_append_printf(s, "  level reached: %s\n\n", reached != NULL ?
	    reached : "none (a Core feature is missing)");
}

static void
report_addresses(struct diag *d, GString *s)
{
	const GPtrArray *forms = d->info != NULL ? d->info->u.info.forms : NULL;
	guint i, k, v;
	bool any = false;

	g_string_append(s, "Contact addresses (XEP-0157)\n");
	for (i = 0; forms != NULL && i < forms->len; i++) {
		const struct proto_form *form = g_ptr_array_index(forms, i);

		for (k = 0; k < form->fields->len; k++) {
			const struct proto_field *f = g_ptr_array_index(
			    form->fields, k);

			if (!g_str_has_suffix(f->var, "-addresses"))
				continue;
			for (v = 0; v < f->values->len; v++) {
				g_string_append_printf(s, "  %s: %s\n",
				    flat(d, f->var), flat(d,
				    g_ptr_array_index(f->values, v)));
				any = true;
			}
		}
	}
	if (!any)
		g_string_append(s, "  none published\n");
}

/* "cat/type, cat/type" of a service's identities (new string). */
static char *
identities_of(const struct item *it)
{
	GString *ids = g_string_new(NULL);
	guint j;

	for (j = 0; it->info != NULL && j < it->info->u.info.identities->len;
	    j++) {
		const struct proto_identity *id = g_ptr_array_index(
		    it->info->u.info.identities, j);

		g_string_append_printf(ids, "%s%s/%s", ids->len ? ", " : "",
		    id->category, id->type);
	}
	return g_string_free(ids, FALSE);
}

static void
report_services(struct diag *d, GString *s)
{
	guint i;

	report_addresses(d, s);
	g_string_append(s, "\nServices\n");
	for (i = 0; i < d->items->len; i++) {
		struct item *it = g_ptr_array_index(d->items, i);
		g_autofree char *ids = identities_of(it);

		g_string_append_printf(s, "  %-32s %-24s %s\n",
		    flat(d, it->jid), *ids != '\0' ? flat(d, ids) :
		    "(no answer)", flat(d, it->name));
	}
	if (d->items->len == 0)
		g_string_append(s, "  none listed\n");
}

/* Minimum, median and maximum round trip; false when none answered. */
static bool
ping_stats(struct diag *d, double *min, double *med, double *max)
{
	double *v = (double *)(void *)d->rtts->data;
	guint n = d->rtts->len;

	if (n == 0)
		return false;
	g_array_sort(d->rtts, cmp_double);
	*min = v[0];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*max = v[n - 1];
	return true;
}

static void
report_ping(struct diag *d, GString *s)
{
	double min, med, max;

	if (!ping_stats(d, &min, &med, &max)) {
		g_string_append_printf(s, "\nPing\n  no answer to XEP-0199 "
		    "pings\n");
		return;
	}
	g_string_append_printf(s, "\nPing (%u of %d answered)\n  min %.1f ms, "
	    "median %.1f ms, max %.1f ms\n", d->rtts->len, DIAG_PINGS, min, med,
	    max);
}

/* "key":"value" with "" for NULL, as the report always had. */
static void
jkey(GString *j, const char *key, const char *value)
{
	cmd_json_str(j, key, value != NULL ? value : "");
}

/* "key":[features of the disco#info answer r, or none]. */
static void
json_features(GString *j, const char *key, const struct proto_result *r)
{
	cmd_json_strings(j, key, r != NULL ? r->u.info.features : NULL);
}

/* The connection facts, each a string as the report always gave them. */
static void
json_connection(struct diag *d, GString *j)
{
	const struct proto_facts *f = d->facts;
	char port[16];

	cmd_json_open(j, "connection", '{');
	if (d->own) {
		g_snprintf(port, sizeof(port), "%d", f->port);
		jkey(j, "jid", f->jid);
		jkey(j, "host", f->host);
		jkey(j, "port", port);
		jkey(j, "configured", f->configured ? "yes" : "no");
		if (f->srv_service != NULL)
			jkey(j, "srv_service", f->srv_service);
		if (f->srv_priority >= 0) {
			g_snprintf(port, sizeof(port), "%d", f->srv_priority);
			jkey(j, "srv_priority", port);
			g_snprintf(port, sizeof(port), "%d", f->srv_weight);
			jkey(j, "srv_weight", port);
		}
		jkey(j, "tls", f->tls);
		jkey(j, "secured", f->secured ? "yes" : "no");
		jkey(j, "trust", f->trust_by_user ? "user" : "verified");
		jkey(j, "sasl", f->sasl);
		diag_tls_json(d, j);
		jkey(j, "sm", f->sm_enabled ? "enabled" : "no");
		cmd_json_strings(j, "mechanisms", f->mechanisms);
	}
	cmd_json_close(j, '}');
}

static void
json_software(struct diag *d, GString *j)
{
	const struct proto_version *v = d->version != NULL ?
	    &d->version->u.version : NULL;
	g_autofree char *up = d->last != NULL ? g_strdup_printf("%"
	    G_GINT64_FORMAT, d->last->u.last.seconds) : NULL;

	cmd_json_open(j, "software", '{');
	jkey(j, "name", v != NULL ? v->name : NULL);
	jkey(j, "version", v != NULL ? v->version : NULL);
	jkey(j, "os", v != NULL ? v->os : NULL);
	jkey(j, "uptime_seconds", up);
	cmd_json_close(j, '}');
}

static void
json_compliance(struct diag *d, GString *j)
{
	const char *reached = level_reached(d);
	size_t k;

	cmd_json_open(j, "compliance", '[');
	for (k = 0; k < G_N_ELEMENTS(feats); k++) {
		const char *where, *status = row_status(d, k, &where);

		cmd_json_open(j, NULL, '{');
		jkey(j, "feature", feats[k].name);
		jkey(j, "spec", feats[k].xep);
		jkey(j, "suite", feats[k].suite);
		jkey(j, "status", status);
		jkey(j, "where", where);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
	jkey(j, "level", reached != NULL ? reached : "none");
}

static void
json_services(struct diag *d, GString *j)
{
	guint i;

	cmd_json_open(j, "services", '[');
	for (i = 0; i < d->items->len; i++) {
		struct item *it = g_ptr_array_index(d->items, i);

		cmd_json_open(j, NULL, '{');
		jkey(j, "jid", it->jid);
		jkey(j, "name", it->name);
		json_features(j, "features", it->info);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
}

/* The report as one JSON object (one line). */
char *
diag_report_json(struct diag *d)
{
	GString *j = g_string_new("{");
	double min, med, max;
	guint i;

	jkey(j, "domain", d->domain);
	jkey(j, "natter", PACKAGE_VERSION);
	jkey(j, "libstrophe", proto_version());
	json_connection(d, j);
	diag_dns_json(d, j);
	json_software(d, j);
	json_compliance(d, j);
	json_features(j, "server_features", d->info);
	json_features(j, "account_features", d->account_info);
	json_services(d, j);
	diag_meta_json(d, j);
	g_string_append_printf(j, ",\"ping_ms\":{\"answered\":%u",
	    d->rtts->len);
	if (ping_stats(d, &min, &med, &max))
		g_string_append_printf(j, ",\"min\":%.3f,\"median\":%.3f,"
		    "\"max\":%.3f", min, med, max);
	cmd_json_close(j, '}');
	cmd_json_open(j, "unanswered", '[');
	for (i = 0; i < d->errors->len; i++)
		cmd_json_str(j, NULL, g_strstrip(g_ptr_array_index(d->errors,
		    i)));
	cmd_json_close(j, ']');
	cmd_json_close(j, '}');
	return g_string_free(j, FALSE);
}

/* The plain-text report (new string, no trailing blanks). */
char *
diag_report_text(struct diag *d)
{
	GString *s = g_string_new(NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M UTC");
	g_auto(GStrv) lines = NULL;
	guint i;

	g_string_append_printf(s, "Diagnosis of %s (natter %s, libstrophe %s, "
	    "%s)\n\n", d->domain, PACKAGE_VERSION, proto_version(), ts);
	report_connection(d, s);
	diag_dns_text(d, s);
	report_software(d, s);
	report_compliance(d, s);
	report_services(d, s);
	diag_meta_text(d, s);
	report_ping(d, s);
	for (i = 0; i < d->errors->len; i++)
		g_string_append_printf(s, "%s%s\n", i == 0 ? "\nNot answered\n" :
		    "", (char *)g_ptr_array_index(d->errors, i));
	lines = g_strsplit(s->str, "\n", -1);
	g_string_truncate(s, 0);
	for (i = 0; lines[i] != NULL; i++)	/* no trailing blanks */
		g_string_append_printf(s, "%s%s", g_strchomp(lines[i]),
		    lines[i + 1] != NULL ? "\n" : "");
	return g_string_free(s, FALSE);
}
