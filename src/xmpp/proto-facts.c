/* SPDX-License-Identifier: MIT */
/*
 * What natter knows about a connection, for /tls show and /diagnose: the
 * server's certificate and the facts the login showed (host, port, TLS,
 * SASL mechanism, stream management, features). Reads struct pconn,
 * never changes it; never prints.
 */
#include <string.h>

#include "proto-internal.h"
#include "util/errors.h"

static void
describe(GString *s, const xmpp_tlscert_t *cert)
{
	static const xmpp_cert_element_t els[] = { XMPP_CERT_SUBJECT,
		XMPP_CERT_ISSUER, XMPP_CERT_NOTBEFORE, XMPP_CERT_NOTAFTER,
		XMPP_CERT_KEYALG, XMPP_CERT_FINGERPRINT_SHA256 };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(els); i++) {
		const char *v = xmpp_tlscert_get_string(cert, els[i]);

		g_string_append_printf(s, "%s%s: %s", i > 0 ? "\n" : "",
		    xmpp_tlscert_get_description(els[i]), v != NULL ? v : "");
	}
}

/* New text describing the certificate of acc's current connection. */
char *
proto_conn_describe_cert(struct account *acc, GError **error)
{
	struct pconn *pc = acc->proto;
	xmpp_tlscert_t *cert;
	GString *s;

	if (pc == NULL || pc->conn == NULL || !pc->online) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "account '%s' is not connected", acc->name);
		return NULL;
	}
	cert = xmpp_conn_get_peer_cert(pc->conn);
	if (cert == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "the connection of '%s' is not encrypted", acc->name);
		return NULL;
	}
	s = g_string_new(NULL);
	describe(s, cert);
	xmpp_tlscert_free(cert);
	return g_string_free(s, FALSE);
}

static void
fact(GPtrArray *out, const char *kind, const char *a, const char *b)
{
	g_ptr_array_add(out, b != NULL ? g_strdup_printf("%s\t%s\t%s", kind,
	    a, b) : g_strdup_printf("%s\t%s", kind, a != NULL ? a : ""));
}

/* Child elements of a saved <features/> as "feature\tNAME\tNS" records. */
static void
feature_facts(struct pconn *pc, const char *xml, GPtrArray *out)
{
	xmpp_stanza_t *st = xml != NULL ? xmpp_stanza_new_from_string(pc->ctx,
	    xml) : NULL;
	xmpp_stanza_t *c;

	if (st == NULL)
		return;
	for (c = xmpp_stanza_get_children(st); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		const char *ns = xmpp_stanza_get_ns(c);
		xmpp_stanza_t *m;

		if (n == NULL)
			continue;
		fact(out, "feature", n, ns != NULL ? ns : "");
		if (strcmp(n, "mechanisms") != 0)
			continue;
		for (m = xmpp_stanza_get_children(c); m != NULL;
		    m = xmpp_stanza_get_next(m)) {
			char *t = xmpp_stanza_get_text(m);

			if (t != NULL && strlen(t) < 64 && strchr(t, '\t') ==
			    NULL)
				fact(out, "mechanism", t, NULL);
			if (t != NULL)
				xmpp_free(pc->ctx, t);
		}
	}
	xmpp_stanza_release(st);
}

/*
 * What we know about account's connection, as records: host, port,
 * configured (yes: the account names the server, no SRV lookup), tls
 * (mode), secured (yes|no), trust (verified|user), sasl, sm (enabled|no),
 * mechanism (offered), feature (NAME NS, after authentication), jid.
 */
GPtrArray *
proto_conn_facts(struct account *acc, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	GPtrArray *out;
	char port[16];

	if (pc == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
	g_snprintf(port, sizeof(port), "%d", pc->port > 0 ? pc->port : 5222);
	fact(out, "jid", acc->bound_jid, NULL);
	fact(out, "host", pc->host != NULL ? pc->host : "", NULL);
	fact(out, "port", port, NULL);
	fact(out, "configured", pc->server != NULL ? "yes" : "no", NULL);
	fact(out, "tls", pc->tls != NULL ? pc->tls : "force", NULL);
	fact(out, "secured", xmpp_conn_is_secured(pc->conn) ? "yes" : "no",
	    NULL);
	fact(out, "trust", pc->cert_by_user ? "user" : "verified", NULL);
	fact(out, "sasl", pc->login.sasl_mech != NULL ? pc->login.sasl_mech :
	    "", NULL);
	fact(out, "sm", pc->login.sm_enabled ? "enabled" : "no", NULL);
	feature_facts(pc, pc->login.features_auth, out);
	feature_facts(pc, pc->login.features_bound, out);
	return out;
}
