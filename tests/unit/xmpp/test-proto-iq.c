/* SPDX-License-Identifier: MIT */
/* Unit tests of the IQ sender check (PRODUCT §5): a result is accepted only
 * from the entity the request went to; and of how a stanza's <error/> is
 * read (condition, type, the server's text, the timeout natter makes). */
#include "../helpers/test.h"
#include "core/account.h"
#include "xmpp/proto-internal.h"

struct from_case {
	const char	*description;
	const char	*expected;	/* NULL: our own server/account */
	const char	*from;		/* NULL: no from attribute */
	bool		 ok;
};

static const struct from_case cases[] = {
	{ "own request, no from", NULL, NULL, true },
	{ "own request, our bare JID", NULL, "me@example.org", true },
	{ "own request, our full JID", NULL, "me@example.org/res", true },
	{ "own request, our domain", NULL, "example.org", true },
	{ "own request, domain case", NULL, "EXAMPLE.org", true },
	{ "own request, contact answers", NULL, "eve@example.org", false },
	{ "own request, other resource of ours", NULL, "me@example.org/evil",
	  false },
	{ "own request, other domain", NULL, "example.com", false },
	{ "peer request, peer answers", "bob@x.org/phone", "bob@x.org/phone",
	  true },
	{ "peer request, other resource", "bob@x.org/phone", "bob@x.org/pc",
	  false },
	{ "peer request, no from", "bob@x.org/phone", NULL, false },
	{ "peer request, spoofed", "bob@x.org", "eve@x.org", false },
	{ "server request, server answers", "x.org", "x.org", true },
};

static void
proto_iq_from_ok__table(void **state)
{
	struct account *acc = account_add("t", "me@example.org", NULL);
	struct pconn pc = { .acc = acc };
	size_t i;

	assert_non_null(acc);
	acc->bound_jid = g_strdup("me@example.org/res");
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct from_case *c = &cases[i];

		if (proto_iq_from_ok(&pc, c->expected, c->from) != c->ok)
			fail_msg("%s: expected %s", c->description,
			    c->ok ? "accept" : "reject");
	}
	accounts_free();
}

#define STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

struct error_case {
	const char	*description;
	const char	*xml;
	const char	*condition;
	const char	*type;		/* NULL: none */
	const char	*text;		/* NULL: none */
	const char	*string;
};

static const struct error_case error_cases[] = {
	{ "condition, type and text",
	  "<message type='error'><error type='cancel'><not-allowed xmlns='"
	  STANZAS "'/><text xmlns='" STANZAS "'>Communication with remote "
	  "domains is not enabled</text></error></message>",
	  "not-allowed", "cancel",
	  "Communication with remote domains is not enabled",
	  "not-allowed (cancel): Communication with remote domains is not "
	  "enabled" },
	{ "text before the condition",
	  "<iq type='error'><error type='auth'><text xmlns='" STANZAS "'>no"
	  "</text><forbidden xmlns='" STANZAS "'/></error></iq>",
	  "forbidden", "auth", "no", "forbidden (auth): no" },
	{ "application condition ignored",
	  "<iq type='error'><error type='modify'><bad xmlns='urn:x'/>"
	  "<bad-request xmlns='" STANZAS "'/></error></iq>",
	  "bad-request", "modify", NULL, "bad-request (modify)" },
	{ "no defined condition",
	  "<iq type='error'><error type='wait'/></iq>",
	  "undefined-condition", "wait", NULL, "undefined-condition (wait)" },
	{ "empty text dropped",
	  "<iq type='error'><error><gone xmlns='" STANZAS "'/><text xmlns='"
	  STANZAS "'></text></error></iq>",
	  "gone", NULL, NULL, "gone" },
	{ "text on one line",
	  "<iq type='error'><error type='cancel'><gone xmlns='" STANZAS "'/>"
	  "<text xmlns='" STANZAS "'>a&#10;b</text></error></iq>",
	  "gone", "cancel", "a b", "gone (cancel): a b" },
	{ "no error element",
	  "<message type='error'/>",
	  "undefined-condition", NULL, NULL, "an error without details" },
	{ "natter's timeout",
	  "<iq type='error'><error type='wait'><remote-server-timeout xmlns='"
	  STANZAS "'/><timeout xmlns='urn:natter:iq-timeout'/><text xmlns='"
	  STANZAS "'>no answer within 2 s (request x)</text></error></iq>",
	  "timeout", "wait", "no answer within 2 s (request x)",
	  "no answer within 2 s (request x)" },
};

static void
proto_error_parse__table(void **state)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
	struct pconn pc = { .ctx = ctx };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, c->xml);
		struct proto_error e;
		g_autofree char *str = NULL;

		assert_non_null(st);
		proto_error_parse(&pc, st, &e);
		str = proto_error_string(&e);
		if (g_strcmp0(e.condition, c->condition) != 0 ||
		    g_strcmp0(e.type, c->type) != 0 ||
		    g_strcmp0(e.text, c->text) != 0 ||
		    g_strcmp0(str, c->string) != 0)
			fail_msg("%s: got %s / %s / %s / '%s'", c->description,
			    e.condition, e.type ? e.type : "(none)",
			    e.text ? e.text : "(none)", str);
		proto_error_clear(&e);
		xmpp_stanza_release(st);
	}
	xmpp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_iq_from_ok__table),
		cmocka_unit_test(proto_error_parse__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
