/* SPDX-License-Identifier: MIT */
/*
 * What one login showed (PRODUCT §5), kept in pc->login: the SASL
 * mechanism natter used, the stream features offered before and after
 * authentication, whether stream management was enabled (for /diagnose,
 * proto-facts.c), and what explains a failure: the SASL failure
 * condition, a TLS error, "TLS not offered", the socket's errno. Noted
 * from the raw traffic (redacted) and libstrophe's log lines, forgotten
 * when the next attempt starts (proto_login_forget, the only reset), and
 * turned into the plain sentence and short code of a failed or lost
 * connection. xmpp layer; never prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto-internal.h"
#include "util/xmpp-errors.h"

#define FEATURES_MAX 16384

/* Our <auth mechanism='...'/> names the mechanism libstrophe chose. */
static void
note_out(struct login_facts *f, const char *xml)
{
	const char *m = g_str_has_prefix(xml, "<auth ") ?
	    strstr(xml, "mechanism=") : NULL;

	if (m != NULL) {
		g_free(f->sasl_mech);
		f->sasl_mech = g_strndup(m + 11, MIN(strcspn(m + 11, "'\""),
		    64));
	}
}

/* A SASL <failure/>: its first child element's name is the condition. */
static void
note_sasl_failure(struct login_facts *f, const char *xml)
{
	const char *c = xml + 8;
	const char *lt;

	while ((lt = strchr(c, '<')) != NULL && lt[1] == '/')
		c = lt + 1;
	g_free(f->sasl_failure);
	f->sasl_failure = g_strdup("not-authorized");
	if (lt != NULL) {
		size_t n = strcspn(lt + 1, " />");

		g_free(f->sasl_failure);
		f->sasl_failure = g_strndup(lt + 1, MIN(n, 64));
	}
}

static void
note_in(struct login_facts *f, const char *xml)
{
	char **slot;

	if (strstr(xml, "urn:ietf:params:xml:ns:xmpp-sasl") != NULL &&
	    strncmp(xml, "<failure", 8) == 0)
		note_sasl_failure(f, xml);
	if (g_str_has_prefix(xml, "<enabled") &&
	    strstr(xml, "urn:xmpp:sm:") != NULL)
		f->sm_enabled = true;
	if (!g_str_has_prefix(xml, "<features") &&
	    !g_str_has_prefix(xml, "<stream:features"))
		return;
	slot = strstr(xml, "<mechanisms") != NULL ? &f->features_auth :
	    &f->features_bound;
	g_free(*slot);
	*slot = g_strndup(xml, FEATURES_MAX);
}

/* An element of pc's raw traffic (already redacted). */
void
proto_login_note_traffic(struct pconn *pc, bool in, const char *xml)
{
	if (in)
		note_in(&pc->login, xml);
	else
		note_out(&pc->login, xml);
}

/* A line of libstrophe's log (not traffic): what it tells only there. */
void
proto_login_note_log(struct pconn *pc, xmpp_log_level_t level,
    const char *area, const char *msg)
{
	struct login_facts *f = &pc->login;

	if (strstr(msg, "TLS is not supported") != NULL)
		f->saw_no_tls = true;
	/* libstrophe reports the socket errno only in its log. */
	if (g_str_has_prefix(msg, "connection failed, error "))
		f->sock_error = atoi(msg + 25);
	if (strcmp(area, "tls") == 0 && level >= XMPP_LEVEL_WARN &&
	    f->tls_error == NULL)
		f->tls_error = g_strdup(msg);
}

/* Forget what the last login showed: a new attempt starts (or pc goes). */
void
proto_login_forget(struct pconn *pc)
{
	struct login_facts *f = &pc->login;

	g_clear_pointer(&f->sasl_mech, g_free);
	g_clear_pointer(&f->features_auth, g_free);
	g_clear_pointer(&f->features_bound, g_free);
	g_clear_pointer(&f->sasl_failure, g_free);
	g_clear_pointer(&f->tls_error, g_free);
	f->sm_enabled = f->saw_no_tls = false;
	f->sock_error = 0;
}

static const char *const stream_conditions[] = {
	"bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
	"host-gone", "host-unknown", "improper-addressing",
	"internal-server-error", "invalid-from", "invalid-id",
	"invalid-namespace", "invalid-xml", "not-authorized",
	"policy-violation", "remote-connection-failed",
	"resource-constraint", "restricted-xml", "see-other-host",
	"system-shutdown", "undefined-condition", "unsupported-encoding",
	"unsupported-stanza-type", "unsupported-version", "not-well-formed",
};

/*
 * " port N" when the port is known: given, or the default for a host
 * given (an SRV lookup picks its own).
 */
static char *
port_text(const struct pconn *pc)
{
	if (pc->port <= 0 && pc->server == NULL)
		return g_strdup("");
	return g_strdup_printf(" port %d", pc->port > 0 ? pc->port : 5222);
}

/* Causes the login itself showed (stream error, trust, SASL, TLS). */
static char *
login_cause(struct pconn *pc, int error, xmpp_stream_error_t *se,
    const char **code)
{
	const struct login_facts *f = &pc->login;

	if (se != NULL) {
		const char *cond = (size_t)se->type <
		    G_N_ELEMENTS(stream_conditions) ?
		    stream_conditions[se->type] : "unknown";
		const char *means = xerr_stream_explain(cond);

		*code = "stream";
		return g_strdup_printf("stream error from server: %s%s%s%s%s%s",
		    cond, means != NULL ? " (" : "", means != NULL ? means : "",
		    means != NULL ? ")" : "", se->text != NULL ? ": " : "",
		    se->text ? se->text : "");
	}
	if (pc->prompt != NULL) {
		*code = "certificate";
		return g_strdup_printf("certificate of %s not trusted (%s); "
		    "/tls trust to accept it and connect, /tls deny to refuse",
		    pc->host, pc->prompt->reason);
	}
	if (f->sasl_failure != NULL) {
		*code = "auth";
		return g_strdup_printf("authentication failed (%s): wrong "
		    "password or unknown account", f->sasl_failure);
	}
	if (f->saw_no_tls) {
		*code = "starttls";
		return g_strdup_printf("%s does not offer TLS (STARTTLS); not "
		    "connecting without it (account key tls)", pc->host);
	}
	if (error == ECONNREFUSED) {
		g_autofree char *port = port_text(pc);

		*code = "refused";
		return g_strdup_printf("connection refused by %s%s", pc->host,
		    port);
	}
	if (f->tls_error != NULL) {
		*code = "tls";
		return g_strdup_printf("TLS failure with %s: %s", pc->host,
		    f->tls_error);
	}
	return NULL;
}

/*
 * Turn what we know about a failed or lost connection into a plain
 * sentence (new) and a short code (PRODUCT §5).
 */
char *
proto_login_failure(struct pconn *pc, int error, xmpp_stream_error_t *se,
    const char **code)
{
	g_autofree char *port = NULL;
	g_autofree char *cause = NULL;
	char *said = proto_lifecycle_aborted(pc, code);

	if (said == NULL)
		said = login_cause(pc, error, se, code);
	if (said != NULL)
		return said;
	cause = proto_lifecycle_cause(pc, error);
	if (pc->online) {
		*code = "lost";
		return g_strdup_printf("connection lost%s%s",
		    cause != NULL ? ": " : "", cause != NULL ? cause : "");
	}
	if (pc->fd < 0) {
		*code = "unknown-host";
		return g_strdup_printf("unknown host %s (no address found)",
		    pc->host);
	}
	*code = "failed";
	port = port_text(pc);
	return g_strdup_printf("connection to %s%s failed%s%s", pc->host, port,
	    cause != NULL ? ": " : "", cause != NULL ? cause : "");
}
