/* SPDX-License-Identifier: MIT */
/* Unit tests of util/jid.c. */
#include "../helpers/test.h"
#include "util/jid.h"

struct jid_case {
	const char	*description;
	const char	*in;
	const char	*local, *domain, *resource;	/* NULL domain: invalid */
};

static const struct jid_case cases[] = {
	{ "full JID", "alice@example.org/phone", "alice", "example.org",
	  "phone" },
	{ "bare JID", "alice@example.org", "alice", "example.org", NULL },
	{ "domain only", "example.org", NULL, "example.org", NULL },
	{ "domain lower-cased", "bob@EXAMPLE.org", "bob", "example.org", NULL },
	{ "trailing dot dropped", "bob@example.org.", "bob", "example.org",
	  NULL },
	{ "resource keeps @ and /", "a@b/c@d/e", "a", "b", "c@d/e" },
	{ "empty localpart", "@example.org", NULL, NULL, NULL },
	{ "empty domain", "alice@", NULL, NULL, NULL },
	{ "empty resource", "alice@example.org/", NULL, NULL, NULL },
	{ "space in domain", "a@exa mple.org", NULL, NULL, NULL },
	{ "control character", "a\x01@b", NULL, NULL, NULL },
	{ "invalid UTF-8", "a\xff@b", NULL, NULL, NULL },
	{ "empty string", "", NULL, NULL, NULL },
};

static void
jid_parse__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct jid_case *c = &cases[i];
		GError *err = NULL;
		struct jid *j = jid_parse(c->in, &err);

		if (c->domain == NULL) {
			if (j != NULL)
				fail_msg("%s: accepted", c->description);
			assert_non_null(err);
			g_error_free(err);
			continue;
		}
		if (j == NULL)
			fail_msg("%s: %s", c->description, err->message);
		assert_string_equal(j->domain, c->domain);
		if (c->local != NULL)
			assert_string_equal(j->local, c->local);
		else
			assert_null(j->local);
		if (c->resource != NULL)
			assert_string_equal(j->resource, c->resource);
		else
			assert_null(j->resource);
		jid_free(j);
	}
}

static void
jid_parse__fails__part_too_long(void **state)
{
	g_autofree char *local = g_strnfill(JID_PART_MAX + 1, 'a');
	g_autofree char *s = g_strdup_printf("%s@example.org", local);

	assert_null(jid_parse(s, NULL));
}

static void
jid_bare_equal__compares_bare_case_insensitively(void **state)
{
	assert_true(jid_bare_equal("Alice@Example.org/x", "alice@example.org"));
	assert_false(jid_bare_equal("alice@example.org", "bob@example.org"));
	assert_false(jid_bare_equal("alice@example.org", NULL));
	assert_false(jid_bare_equal("", "x"));
}

static void
jid_bare_of__strips_resource(void **state)
{
	g_autofree char *b = jid_bare_of("a@b/c");

	assert_string_equal(b, "a@b");
	assert_null(jid_bare_of("@"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jid_parse__table),
		cmocka_unit_test(jid_parse__fails__part_too_long),
		cmocka_unit_test(jid_bare_equal__compares_bare_case_insensitively),
		cmocka_unit_test(jid_bare_of__strips_resource),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
