/* SPDX-License-Identifier: MIT */
/*
 * What natter knows about a connection, for /tls show and /diagnose: the
 * server's certificate and the facts the login showed (host, port, TLS,
 * SASL mechanism, stream management, features). Reads struct pconn,
 * never changes it; never prints.
 */
#include "config.h"

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

static char *
cert_string(const xmpp_tlscert_t *cert, xmpp_cert_element_t el)
{
	const char *v = xmpp_tlscert_get_string(cert, el);

	return v != NULL && *v != '\0' ? g_strdup(v) : NULL;
}

/* The certificates libstrophe gives of pc's connection: the server's. */
static void
cert_facts(struct pconn *pc, struct proto_facts *out)
{
	xmpp_tlscert_t *cert = xmpp_conn_get_peer_cert(pc->conn);
	struct proto_cert *c;

	if (cert == NULL)
		return;
	c = g_new0(struct proto_cert, 1);
	c->subject = cert_string(cert, XMPP_CERT_SUBJECT);
	c->issuer = cert_string(cert, XMPP_CERT_ISSUER);
	c->not_before = cert_string(cert, XMPP_CERT_NOTBEFORE);
	c->not_after = cert_string(cert, XMPP_CERT_NOTAFTER);
	c->key_alg = cert_string(cert, XMPP_CERT_KEYALG);
	c->sha1 = cert_string(cert, XMPP_CERT_FINGERPRINT_SHA1);
	c->sha256 = cert_string(cert, XMPP_CERT_FINGERPRINT_SHA256);
	g_ptr_array_add(out->certs, c);
	xmpp_tlscert_free(cert);
}

/* Child elements of a saved <features/>, with the SASL mechanisms offered. */
static void
feature_facts(struct pconn *pc, const char *xml, struct proto_facts *out)
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
		struct proto_stream_feature *f;
		xmpp_stanza_t *m;

		if (n == NULL)
			continue;
		f = g_new0(struct proto_stream_feature, 1);
		f->name = g_strdup(n);
		f->ns = g_strdup(ns != NULL ? ns : "");
		g_ptr_array_add(out->features, f);
		if (strcmp(n, "mechanisms") != 0)
			continue;
		for (m = xmpp_stanza_get_children(c); m != NULL;
		    m = xmpp_stanza_get_next(m)) {
			char *t = xmpp_stanza_get_text(m);

			if (t != NULL && strlen(t) < 64)
				g_ptr_array_add(out->mechanisms, g_strdup(t));
			if (t != NULL)
				xmpp_free(pc->ctx, t);
		}
	}
	xmpp_stanza_release(st);
}

/*
 * What we know about account's connection (new; proto_facts_free()):
 * bound JID, host, port, whether the account names the server (no SRV
 * lookup), TLS mode and state, who trusted the certificate, the SASL
 * mechanism, stream management, and the stream features and mechanisms
 * offered (after authentication too).
 */
struct proto_facts *
proto_conn_facts(struct account *acc, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	struct proto_facts *out;
#ifdef NATTER_STROPHE_HARDENED
	const char *ep_host;
	unsigned short ep_port;
#endif

	if (pc == NULL)
		return NULL;
	out = proto_facts_new();
	out->jid = g_strdup(acc->bound_jid != NULL ? acc->bound_jid : "");
	out->host = g_strdup(pc->host != NULL ? pc->host : "");
	out->port = pc->port > 0 ? pc->port : 5222;
	out->configured = pc->server != NULL;
	out->tls = g_strdup(pc->tls != NULL ? pc->tls : "force");
	out->secured = xmpp_conn_is_secured(pc->conn);
	out->trust_by_user = pc->cert_by_user;
	out->sasl = g_strdup(pc->login.sasl_mech);
#ifdef NATTER_STROPHE_HARDENED
	/* natter's libstrophe reports these itself (patches 0007, 0008) */
	if (xmpp_conn_get_sasl_mechanism(pc->conn) != NULL) {
		g_free(out->sasl);
		out->sasl = g_strdup(xmpp_conn_get_sasl_mechanism(pc->conn));
	}
	if (xmpp_conn_get_endpoint(pc->conn, &ep_host, &ep_port,
	    &out->srv_priority, &out->srv_weight) == XMPP_EOK) {
		g_free(out->host);
		out->host = g_strdup(ep_host);
		out->port = ep_port;
		out->endpoint_known = true;
	}
	out->tls_version = g_strdup(xmpp_conn_get_tls_version(pc->conn));
	out->tls_cipher = g_strdup(xmpp_conn_get_tls_cipher(pc->conn));
#endif
	proto_resolve_facts(pc, out);	/* natter chose the host itself */
	out->sm_enabled = pc->login.sm_enabled;
	if (out->secured)
		cert_facts(pc, out);
	feature_facts(pc, pc->login.features_auth, out);
	feature_facts(pc, pc->login.features_bound, out);
	return out;
}
