/* SPDX-License-Identifier: MIT */
/*
 * TLS certificate trust (PRODUCT §5): a certificate that fails
 * verification is described (subject, issuer, validity, SHA-256
 * fingerprint) and either accepted because the user trusted it before
 * (core/certstore) or kept as the account's pending prompt, answered by
 * /tls trust (remembered, then connect again) or /tls deny. xmpp layer;
 * never prints.
 */
#include "core/certstore.h"
#include "core/events.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/log.h"

/* Free a certificate description; NULL is a no-op. */
void
cert_info_free(struct cert_info *ci)
{
	if (ci == NULL)
		return;
	g_free(ci->host);
	g_free(ci->reason);
	g_free(ci->subject);
	g_free(ci->issuer);
	g_free(ci->not_before);
	g_free(ci->not_after);
	g_free(ci->fingerprint);
	g_free(ci);
}

/*
 * The connection of a certificate. libstrophe fills only the context in
 * the certificate given to the certfail handler; each account has its own
 * context, so that identifies it.
 */
static struct pconn *
pconn_of_cert(const xmpp_tlscert_t *cert)
{
	xmpp_conn_t *conn = xmpp_tlscert_get_conn(cert);

	if (conn != NULL)
		return proto_conn_of_conn(conn);
	return proto_conn_of_ctx(xmpp_tlscert_get_ctx(cert));
}

static char *
dup_cert(const xmpp_tlscert_t *cert, xmpp_cert_element_t e)
{
	const char *s = xmpp_tlscert_get_string(cert, e);

	return g_strdup(s != NULL ? s : "");
}

/*
 * libstrophe's certificate-failure handler: a certificate the user
 * trusted before is accepted; any other is kept for /tls trust|deny and
 * shown (EV_CERT_PROMPT), and the login fails.
 */
int
proto_tls_certfail_cb(const xmpp_tlscert_t *cert, const char *const errormsg)
{
	struct pconn *pc = pconn_of_cert(cert);
	struct cert_info *ci;
	struct ev ev = { .kind = EV_CERT_PROMPT };

	if (pc == NULL)
		return 0;
	ci = g_new0(struct cert_info, 1);
	ci->host = g_strdup(pc->host);
	ci->reason = g_strdup(errormsg != NULL ? errormsg : "unverifiable");
	ci->subject = dup_cert(cert, XMPP_CERT_SUBJECT);
	ci->issuer = dup_cert(cert, XMPP_CERT_ISSUER);
	ci->not_before = dup_cert(cert, XMPP_CERT_NOTBEFORE);
	ci->not_after = dup_cert(cert, XMPP_CERT_NOTAFTER);
	ci->fingerprint = dup_cert(cert, XMPP_CERT_FINGERPRINT_SHA256);
	if (certstore_is_trusted(ci->fingerprint)) {
		log_info("%s: certificate %s trusted by the user",
		    pc->acc->name, ci->fingerprint);
		pc->cert_by_user = true;
		cert_info_free(ci);
		return 1;
	}
	cert_info_free(pc->prompt);
	pc->prompt = ci;
	ev.account = pc->acc->name;
	ev.u.cert_prompt.host = ci->host;
	ev.u.cert_prompt.reason = ci->reason;
	ev.u.cert_prompt.subject = ci->subject;
	ev.u.cert_prompt.issuer = ci->issuer;
	ev.u.cert_prompt.not_before = ci->not_before;
	ev.u.cert_prompt.not_after = ci->not_after;
	ev.u.cert_prompt.fingerprint = ci->fingerprint;
	ev_emit(&ev);
	return 0;
}

/*
 * A new attempt starts (or pc goes): whether the user's trust accepted
 * the last certificate, and a prompt left unanswered, are forgotten. The
 * attempt that /tls trust starts is already past its answer.
 */
void
proto_tls_forget(struct pconn *pc)
{
	pc->cert_by_user = false;
	g_clear_pointer(&pc->prompt, cert_info_free);
}

/* True when acc has an unanswered certificate prompt. */
bool
proto_conn_has_prompt(struct account *acc)
{
	struct pconn *pc = acc->proto;

	return pc != NULL && pc->prompt != NULL;
}

/*
 * Answer the certificate prompt of acc: trust stores the fingerprint and
 * connects again (done as for proto_conn_connect); deny forgets it.
 */
bool
proto_conn_trust_pending(struct account *acc, bool trust, proto_done_fn *done,
    void *data, GError **error)
{
	struct pconn *pc = acc->proto;

	if (pc == NULL || pc->prompt == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "no certificate is waiting for an answer on '%s'",
		    acc->name);
		return false;
	}
	if (!trust) {
		g_clear_pointer(&pc->prompt, cert_info_free);
		return true;
	}
	if (!certstore_add(pc->prompt->fingerprint, pc->prompt->host,
	    pc->prompt->subject, error))
		return false;
	if (acc->state != ACCOUNT_OFFLINE) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' is "
		    "busy; /connect again", acc->name);
		return false;
	}
	pc->done = done;
	pc->done_data = data;
	proto_conn_restart(pc);
	return true;
}
