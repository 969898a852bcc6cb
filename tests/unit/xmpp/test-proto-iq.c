/* SPDX-License-Identifier: MIT */
/* Unit tests of the IQ sender check (PRODUCT §5): a result is accepted only
 * from the entity the request went to. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_iq_from_ok__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
