/* SPDX-License-Identifier: MIT */
/* Unit tests of what one login showed (proto-login.c): each fact is noted
 * from the (redacted) traffic or libstrophe's log, explains the failure,
 * and is gone after proto_login_forget(), the one reset, so that the next
 * attempt's failure is not explained by the last one's. */
#include "../helpers/test.h"
#include "xmpp/proto-internal.h"

struct login_case {
	const char	*description;
	const char	*in;		/* received element, or NULL */
	const char	*out;		/* sent element, or NULL */
	const char	*log_area;	/* libstrophe log line, or NULL */
	const char	*log;
	const char	*code;		/* failure code it leads to */
	const char	*message;	/* part of the failure message */
};

static const struct login_case cases[] = {
	{ "SASL failure names its condition",
	  "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
	  "<not-authorized/></failure>", NULL, NULL, NULL,
	  "auth", "authentication failed (not-authorized)" },
	{ "SASL failure without a condition",
	  "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'></failure>",
	  NULL, NULL, NULL, "auth", "(not-authorized)" },
	{ "STARTTLS required but not offered", NULL, NULL, "xmpp",
	  "TLS is not supported, but set as mandatory for this connection",
	  "starttls", "does not offer TLS" },
	{ "socket errno from the log", NULL, NULL, "xmpp",
	  "connection failed, error 111", "refused",
	  "connection refused by example.org port 5222" },
	{ "TLS warning", NULL, NULL, "tls", "certificate verify failed",
	  "tls", "TLS failure with example.org: certificate verify failed" },
};

static struct pconn *
pconn_new(void)
{
	struct pconn *pc = g_new0(struct pconn, 1);

	pc->host = g_strdup("example.org");
	pc->server = g_strdup("example.org");
	pc->fd = 7;	/* got a socket: not an unknown host */
	return pc;
}

static void
pconn_free(struct pconn *pc)
{
	proto_login_forget(pc);
	g_free(pc->host);
	g_free(pc->server);
	g_free(pc);
}

static char *
failure(struct pconn *pc, const char **code)
{
	int error = pc->login.sock_error;

	*code = NULL;
	return proto_login_failure(pc, error, NULL, code);
}

static void
proto_login__explains_and_forgets__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct login_case *c = &cases[i];
		struct pconn *pc = pconn_new();
		g_autofree char *msg = NULL, *after = NULL;
		const char *code;

		if (c->in != NULL)
			proto_login_note_traffic(pc, true, c->in);
		if (c->out != NULL)
			proto_login_note_traffic(pc, false, c->out);
		if (c->log != NULL)
			proto_login_note_log(pc, XMPP_LEVEL_WARN, c->log_area,
			    c->log);
		msg = failure(pc, &code);
		if (g_strcmp0(code, c->code) != 0 ||
		    strstr(msg, c->message) == NULL)
			fail_msg("%s: got %s: %s", c->description, code, msg);
		proto_login_forget(pc);
		after = failure(pc, &code);
		if (g_strcmp0(code, "failed") != 0)
			fail_msg("%s: after forget: %s: %s", c->description,
			    code, after);
		pconn_free(pc);
	}
	(void)state;
}

/* What /diagnose shows: mechanism, features before and after SASL, SM. */
static void
proto_login__notes_diagnose_facts__login(void **state)
{
	struct pconn *pc = pconn_new();

	proto_login_note_traffic(pc, true, "<stream:features><mechanisms "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
	    "</mechanism></mechanisms></stream:features>");
	proto_login_note_traffic(pc, false, "<auth xmlns='urn:ietf:params:"
	    "xml:ns:xmpp-sasl' mechanism=\"SCRAM-SHA-1\">[redacted]</auth>");
	proto_login_note_traffic(pc, true, "<stream:features><bind xmlns="
	    "'urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
	proto_login_note_traffic(pc, true, "<enabled xmlns='urn:xmpp:sm:3' "
	    "resume='true'/>");
	assert_string_equal(pc->login.sasl_mech, "SCRAM-SHA-1");
	assert_non_null(strstr(pc->login.features_auth, "<mechanisms"));
	assert_non_null(strstr(pc->login.features_bound, "<bind"));
	assert_true(pc->login.sm_enabled);
	proto_login_forget(pc);
	assert_null(pc->login.sasl_mech);
	assert_null(pc->login.features_auth);
	assert_null(pc->login.features_bound);
	assert_false(pc->login.sm_enabled);
	pconn_free(pc);
	(void)state;
}

/* An attempt that never got a socket is an unknown host. */
static void
proto_login__unknown_host__no_socket(void **state)
{
	struct pconn *pc = pconn_new();
	g_autofree char *msg = NULL;
	const char *code;

	pc->fd = -1;
	msg = failure(pc, &code);
	assert_string_equal(code, "unknown-host");
	assert_string_equal(msg, "unknown host example.org (no address "
	    "found)");
	pconn_free(pc);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_login__explains_and_forgets__table),
		cmocka_unit_test(proto_login__notes_diagnose_facts__login),
		cmocka_unit_test(proto_login__unknown_host__no_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
