/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-raw.c: SASL credentials never survive. */
#include "../helpers/test.h"
#include "xmpp/proto-raw.h"

struct redact_case {
	const char	*description;
	const char	*in;
	const char	*out;
};

static const struct redact_case cases[] = {
	{ "PLAIN auth",
	  "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
	  "mechanism=\"PLAIN\">AGFsaWNlAHNlY3JldA==</auth>",
	  "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
	  "mechanism=\"PLAIN\">[redacted]</auth>" },
	{ "SCRAM challenge and response in one buffer",
	  "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1h</challenge>"
	  "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1i</response>",
	  "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]"
	  "</challenge><response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
	  "[redacted]</response>" },
	{ "success with server signature",
	  "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1x</success>",
	  "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]"
	  "</success>" },
	{ "prefixed element", "<sasl:auth m='x'>c2VjcmV0</sasl:auth>",
	  "<sasl:auth m='x'>[redacted]</sasl:auth>" },
	{ "registration password",
	  "<query xmlns='jabber:iq:register'><username>a</username>"
	  "<password>hunter2</password></query>",
	  "<query xmlns='jabber:iq:register'><username>a</username>"
	  "<password>[redacted]</password></query>" },
	{ "quoted > in attribute", "<auth a='>'>c2VjcmV0</auth>",
	  "<auth a='>'>[redacted]</auth>" },
	{ "unterminated payload", "<auth mechanism='PLAIN'>AGFsaWNl",
	  "<auth mechanism='PLAIN'>[redacted]" },
	{ "empty auth untouched", "<auth mechanism='EXTERNAL'/>",
	  "<auth mechanism='EXTERNAL'/>" },
	{ "other stanzas untouched",
	  "<message to='a@b'><body>authentic response</body></message>",
	  "<message to='a@b'><body>authentic response</body></message>" },
	{ "authx is not auth", "<authx>keep</authx>", "<authx>keep</authx>" },
	/* The exact bytes a server sent may hide "</" in CDATA or comments. */
	{ "end tag inside CDATA is text",
	  "<challenge><![CDATA[c2Vj</x>cmV0]]>dA==</challenge>",
	  "<challenge>[redacted]</challenge>" },
	{ "end tag inside a comment is text",
	  "<success>c2Vj<!-- </x> -->cmV0</success><r/>",
	  "<success>[redacted]</success><r/>" },
	{ "unterminated CDATA hides the rest",
	  "<auth><![CDATA[c2Vj</auth>", "<auth>[redacted]" },
};

static void
proto_raw_redact__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = proto_raw_redact(cases[i].in);

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("%s: got %s", cases[i].description, got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_raw_redact__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
