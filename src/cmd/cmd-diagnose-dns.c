/* SPDX-License-Identifier: MIT */
/*
 * /diagnose: the ways in that DNS tells (the SRV records _xmpp-client and
 * _xmpps-client of XEP-0368, each target's addresses, which record this
 * connection used) and what TLS tells (version, cipher, the certificates
 * libstrophe can give). The lookups are core/dns.c's, in the loop; each
 * counts as one query of the report's first round. cmd layer.
 */
#include <string.h>

#include "cmd-diagnose.h"
#include "cmd-result.h"
#include "config.h"
#include "core/dns.h"
#include "core/prefs.h"

#define SRV_MAX 10	/* records per kind listed (and looked up) */

/* One SRV name asked for. */
struct srvset {
	struct diag	*d;
	const char	*service;	/* "_xmpp-client._tcp" */
	bool		 direct;	/* XEP-0368: TLS from the first byte */
	char		*name;		/* service.domain */
	GPtrArray	*recs;		/* struct dns_srv, or NULL */
	char		*error;		/* why not, or NULL */
	struct dns_req	*req;
};

/* One target's addresses. */
struct target {
	struct diag	*d;
	char		*host;
	GPtrArray	*addrs;		/* char *, or NULL */
	char		*error;
	struct dns_req	*req;
};

struct diag_dns {
	struct srvset	 sets[2];
	GPtrArray	*targets;	/* struct target */
	char		*servers;	/* dns.servers when asked */
};

static const char *const services[] = { "_xmpp-client._tcp",
	"_xmpps-client._tcp" };

static void
target_free(struct target *t)
{
	dns_cancel(t->req);
	g_free(t->host);
	if (t->addrs != NULL)
		g_ptr_array_unref(t->addrs);
	g_free(t->error);
	g_free(t);
}

void
diag_dns_free(struct diag_dns *dns)
{
	guint i;

	if (dns == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(dns->sets); i++) {
		struct srvset *s = &dns->sets[i];

		dns_cancel(s->req);
		g_free(s->name);
		if (s->recs != NULL)
			g_ptr_array_unref(s->recs);
		g_free(s->error);
	}
	g_ptr_array_unref(dns->targets);
	g_free(dns->servers);
	g_free(dns);
}

static struct target *
find_target(struct diag_dns *dns, const char *host)
{
	guint i;

	for (i = 0; i < dns->targets->len; i++) {
		struct target *t = g_ptr_array_index(dns->targets, i);

		if (g_ascii_strcasecmp(t->host, host) == 0)
			return t;
	}
	return NULL;
}

static void
addrs_answered(GPtrArray *addrs, const char *error, void *data)
{
	struct target *t = data;

	t->req = NULL;
	t->addrs = addrs;
	t->error = g_strdup(error);
	diag_step_done(t->d);
}

/* Look each new target of s up (one step of the round each). */
static void
ask_targets(struct diag *d, struct srvset *s)
{
	guint i;

	for (i = 0; s->recs != NULL && i < MIN(s->recs->len, SRV_MAX); i++) {
		const struct dns_srv *r = g_ptr_array_index(s->recs, i);
		g_autoptr(GError) err = NULL;
		struct target *t;

		if (*r->target == '\0' || find_target(d->dns, r->target))
			continue;
		t = g_new0(struct target, 1);
		t->d = d;
		t->host = g_strdup(r->target);
		g_ptr_array_add(d->dns->targets, t);
		d->pending++;
		t->req = dns_addrs(t->host, addrs_answered, t, &err);
		if (t->req == NULL) {
			t->error = g_strdup(err->message);
			d->pending--;
		}
	}
}

static void
srv_answered(GPtrArray *recs, const char *error, void *data)
{
	struct srvset *s = data;

	s->req = NULL;
	s->recs = recs;
	s->error = g_strdup(error);
	ask_targets(s->d, s);
	diag_step_done(s->d);
}

/*
 * Ask DNS for the SRV records of d->domain, both kinds; each answer (and
 * each target's addresses) is a step of d's first round.
 */
void
diag_dns_start(struct diag *d)
{
	struct diag_dns *dns = g_new0(struct diag_dns, 1);
	const char *servers = prefs_get("dns.servers");
	guint i;

	dns->targets = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)target_free);
	dns->servers = g_strdup(servers != NULL ? servers : "");
	d->dns = dns;
	for (i = 0; i < G_N_ELEMENTS(dns->sets); i++) {
		struct srvset *s = &dns->sets[i];
		g_autoptr(GError) err = NULL;

		s->d = d;
		s->service = services[i];
		s->direct = i == 1;
		s->name = g_strdup_printf("%s.%s", s->service, d->domain);
		d->pending++;
		s->req = dns_srv(s->name, srv_answered, s, &err);
		if (s->req == NULL) {
			s->error = g_strdup(err->message);
			d->pending--;
		}
	}
}

/* The SRV name the connection took its host from, or NULL. */
static const char *
used_service(const struct diag *d)
{
	const struct proto_facts *f = d->facts;

	if (!d->own || f->configured || f->srv_priority < 0)
		return NULL;
	return f->srv_service != NULL ? f->srv_service : services[0];
}

/* Is r (of s) the record this connection was made through? */
static bool
is_used(const struct diag *d, const struct srvset *s, const struct dns_srv *r)
{
	const struct proto_facts *f = d->facts;
	const char *svc = used_service(d);
	const char *host = f->srv_target != NULL ? f->srv_target : f->host;

	return svc != NULL && strcmp(svc, s->service) == 0 &&
	    g_ascii_strcasecmp(host, r->target) == 0 && r->port == f->port &&
	    r->priority == f->srv_priority && r->weight == f->srv_weight;
}

/* "a, b" of the target's addresses, or why not (new string). */
static char *
addresses(const struct diag *d, const char *host)
{
	const struct target *t = find_target(d->dns, host);

	if (t == NULL)
		return g_strdup("not looked up");
	if (t->addrs == NULL)
		return g_strdup_printf("no answer (%s)", t->error != NULL ?
		    t->error : "not asked");
	if (t->addrs->len == 0)
		return g_strdup("no address");
	return diag_join(t->addrs, ", ");
}

static void
text_set(struct diag *d, GString *s, const struct srvset *set)
{
	guint i;

	g_string_append_printf(s, "  %s (%s)\n", diag_flat(d, set->name),
	    set->direct ? "direct TLS, XEP-0368" : "STARTTLS");
	if (set->recs == NULL) {
		g_string_append_printf(s, "    no answer: %s\n", diag_flat(d,
		    set->error != NULL ? set->error : "not asked"));
		return;
	}
	if (set->recs->len == 0)
		g_string_append(s, "    no record\n");
	for (i = 0; i < MIN(set->recs->len, SRV_MAX); i++) {
		const struct dns_srv *r = g_ptr_array_index(set->recs, i);
		g_autofree char *a = addresses(d, r->target);

		g_string_append_printf(s, "    priority %d weight %d: %s port "
		    "%d%s, addresses %s%s\n", r->priority, r->weight,
		    diag_flat(d, r->target), r->port, set->direct ?
		    " (direct TLS)" : "", diag_flat(d, a), is_used(d, set, r) ?
		    "  <- used by this connection" : "");
	}
	if (set->recs->len > SRV_MAX)
		g_string_append_printf(s, "    (%u more not shown)\n",
		    set->recs->len - SRV_MAX);
}

/* The DNS section of the text report. */
void
diag_dns_text(struct diag *d, GString *s)
{
	struct diag_dns *dns = d->dns;
	guint i;

	if (dns == NULL)
		return;
	g_string_append_printf(s, "DNS (SRV records, asked of %s)\n",
	    *dns->servers != '\0' ? diag_flat(d, dns->servers) :
	    "the system's resolver");
	for (i = 0; i < G_N_ELEMENTS(dns->sets); i++)
		text_set(d, s, &dns->sets[i]);
	g_string_append(s, "\n");
}

/* Does DNS list a direct-TLS endpoint (an _xmpps-client record)? */
bool
diag_dns_has_direct(struct diag *d)
{
	const struct srvset *s = d->dns != NULL ? &d->dns->sets[1] : NULL;

	return s != NULL && s->recs != NULL && s->recs->len > 0;
}

static void
json_number(GString *j, const char *key, int n)
{
	char buf[16];

	g_snprintf(buf, sizeof(buf), "%d", n);
	cmd_json_raw(j, key, buf);
}

static void
json_record(struct diag *d, GString *j, const struct srvset *set,
    const struct dns_srv *r)
{
	const struct target *t = find_target(d->dns, r->target);

	cmd_json_open(j, NULL, '{');
	cmd_json_str(j, "service", set->name);
	cmd_json_str(j, "tls", set->direct ? "direct" : "starttls");
	json_number(j, "priority", r->priority);
	json_number(j, "weight", r->weight);
	cmd_json_str(j, "target", r->target);
	json_number(j, "port", r->port);
	cmd_json_strings(j, "addresses", t != NULL ? t->addrs : NULL);
	if (t != NULL && t->addrs == NULL)
		cmd_json_str(j, "addresses_error", t->error != NULL ? t->error :
		    "not asked");
	cmd_json_raw(j, "used", is_used(d, set, r) ? "true" : "false");
	cmd_json_close(j, '}');
}

/*
 * "srv":{"servers":..., "records":[...], "errors":[...]}: every record
 * of both kinds in the order a client tries them within its kind.
 */
void
diag_dns_json(struct diag *d, GString *j)
{
	struct diag_dns *dns = d->dns;
	guint i, k;

	if (dns == NULL)
		return;
	cmd_json_open(j, "srv", '{');
	cmd_json_str(j, "servers", *dns->servers != '\0' ? dns->servers :
	    "system");
	cmd_json_open(j, "records", '[');
	for (i = 0; i < G_N_ELEMENTS(dns->sets); i++)
		for (k = 0; dns->sets[i].recs != NULL && k < MIN(
		    dns->sets[i].recs->len, SRV_MAX); k++)
			json_record(d, j, &dns->sets[i], g_ptr_array_index(
			    dns->sets[i].recs, k));
	cmd_json_close(j, ']');
	cmd_json_open(j, "errors", '[');
	for (i = 0; i < G_N_ELEMENTS(dns->sets); i++) {
		if (dns->sets[i].recs != NULL)
			continue;
		cmd_json_open(j, NULL, '{');
		cmd_json_str(j, "service", dns->sets[i].name);
		cmd_json_str(j, "error", dns->sets[i].error);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
	cmd_json_close(j, '}');
}

/* A certificate's fields, in the report's words. */
static const struct {
	const char	*key;		/* JSON */
	const char	*label;		/* text */
	size_t		 offset;
} cert_fields[] = {
	{ "subject", "subject", G_STRUCT_OFFSET(struct proto_cert, subject) },
	{ "issuer", "issuer", G_STRUCT_OFFSET(struct proto_cert, issuer) },
	{ "not_before", "valid from", G_STRUCT_OFFSET(struct proto_cert,
	  not_before) },
	{ "not_after", "valid until", G_STRUCT_OFFSET(struct proto_cert,
	  not_after) },
	{ "key_algorithm", "key", G_STRUCT_OFFSET(struct proto_cert, key_alg) },
	{ "sha1", "SHA-1", G_STRUCT_OFFSET(struct proto_cert, sha1) },
	{ "sha256", "SHA-256", G_STRUCT_OFFSET(struct proto_cert, sha256) },
};

static const char *
cert_field(const struct proto_cert *c, size_t i)
{
	const char *v = G_STRUCT_MEMBER(const char *, c,
	    cert_fields[i].offset);

	return v != NULL && *v != '\0' ? v : "unknown";
}

/*
 * The TLS lines of the text report's connection section: version and
 * cipher ("unknown" when libstrophe cannot tell), then each certificate
 * libstrophe gives (the server's own only: the rest of the chain is not
 * told).
 */
void
diag_tls_text(struct diag *d, GString *s)
{
	const struct proto_facts *f = d->facts;
	guint i;
	size_t k;

	if (!f->secured)
		return;
	g_string_append_printf(s, "  TLS version %s, cipher %s\n",
	    f->tls_version != NULL ? diag_flat(d, f->tls_version) : "unknown",
	    f->tls_cipher != NULL ? diag_flat(d, f->tls_cipher) : "unknown");
	for (i = 0; i < f->certs->len; i++) {
		const struct proto_cert *c = g_ptr_array_index(f->certs, i);

		g_string_append_printf(s, "  certificate %u (%s)\n", i + 1,
		    i == 0 ? "the server's" : "issuer");
		for (k = 0; k < G_N_ELEMENTS(cert_fields); k++)
			g_string_append_printf(s, "    %s: %s\n",
			    cert_fields[k].label, diag_flat(d, cert_field(c, k)));
	}
	g_string_append_printf(s, "  certificate chain: %s\n",
	    f->certs->len == 0 ? "unknown (libstrophe gives no certificate)" :
	    "the certificates past the server's are unknown (libstrophe "
	    "gives only the server's own)");
}

/* "tls_version", "tls_cipher" and "certificates" of the JSON report. */
void
diag_tls_json(struct diag *d, GString *j)
{
	const struct proto_facts *f = d->facts;
	guint i;
	size_t k;

	cmd_json_str(j, "tls_version", !f->secured ? "none" :
	    f->tls_version != NULL ? f->tls_version : "unknown");
	cmd_json_str(j, "tls_cipher", !f->secured ? "none" :
	    f->tls_cipher != NULL ? f->tls_cipher : "unknown");
	cmd_json_open(j, "certificates", '[');
	for (i = 0; i < f->certs->len; i++) {
		const struct proto_cert *c = g_ptr_array_index(f->certs, i);

		cmd_json_open(j, NULL, '{');
		for (k = 0; k < G_N_ELEMENTS(cert_fields); k++)
			cmd_json_str(j, cert_fields[k].key, cert_field(c, k));
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
	cmd_json_str(j, "chain", f->certs->len > 0 ? "server certificate only "
	    "(the rest unknown)" : "unknown");
}
