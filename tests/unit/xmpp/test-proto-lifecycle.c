/* SPDX-License-Identifier: MIT */
/* Unit tests of the reconnect backoff (PRODUCT §5): doubled per attempt
 * from reconnect.min, capped at reconnect.max, with a random part of
 * [3/4, 5/4] that never exceeds the cap. */
#include "../helpers/test.h"
#include "xmpp/proto-internal.h"

struct backoff_case {
	const char	*description;
	gint64		 min, max;
	unsigned	 attempt;
	guint32		 rnd;
	gint64		 expected;
};

static const struct backoff_case cases[] = {
	{ "first attempt, no jitter low end", 1000, 300000, 1, 0, 750 },
	{ "first attempt, middle", 1000, 300000, 1, G_MAXUINT32 / 2, 999 },
	{ "first attempt, high end", 1000, 300000, 1, G_MAXUINT32, 1250 },
	{ "third attempt doubles twice", 1000, 300000, 3, 0, 3000 },
	{ "third attempt high", 1000, 300000, 3, G_MAXUINT32, 5000 },
	{ "capped at max", 1000, 300000, 20, G_MAXUINT32, 300000 },
	{ "capped, low end", 1000, 300000, 20, 0, 225000 },
	{ "huge attempt does not overflow", 1000, 300000, 4000000000u, 0,
	  225000 },
	{ "min above max", 5000, 2000, 1, G_MAXUINT32, 2000 },
};

static void
proto_lifecycle_backoff__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct backoff_case *c = &cases[i];
		gint64 got = proto_lifecycle_backoff(c->min, c->max,
		    c->attempt, c->rnd);

		if (got != c->expected)
			fail_msg("%s: expected %" G_GINT64_FORMAT ", got %"
			    G_GINT64_FORMAT, c->description, c->expected, got);
	}
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_lifecycle_backoff__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
