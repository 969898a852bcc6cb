/* SPDX-License-Identifier: MIT */
/* Unit tests of core/dns.c: the order of SRV records (RFC 2782) and a
 * dns.servers list c-ares does not understand. */
#include "../helpers/test.h"
#include "core/dns.h"
#include "core/loop.h"
#include "core/prefs.h"

static guint32 next_pick;

/* The weighted choice's random number, chosen by the test. */
static guint32
pick(guint32 bound)
{
	return MIN(next_pick, bound);
}

static void
add(GPtrArray *a, const char *target, int prio, int weight)
{
	struct dns_srv *s = g_new0(struct dns_srv, 1);

	s->target = g_strdup(target);
	s->port = 5222;
	s->priority = prio;
	s->weight = weight;
	g_ptr_array_add(a, s);
}

static const char *
target(GPtrArray *a, guint i)
{
	return ((struct dns_srv *)g_ptr_array_index(a, i))->target;
}

static void
srv_order__lowest_priority_first(void **state)
{
	g_autoptr(GPtrArray) a = dns_srv_array();

	add(a, "c", 30, 5);
	add(a, "a", 10, 5);
	add(a, "b", 20, 5);
	next_pick = 0;
	dns_srv_order(a, pick);
	assert_string_equal(target(a, 0), "a");
	assert_string_equal(target(a, 1), "b");
	assert_string_equal(target(a, 2), "c");
}

static void
srv_order__weight_chooses_within_a_priority(void **state)
{
	g_autoptr(GPtrArray) a = dns_srv_array();
	g_autoptr(GPtrArray) b = dns_srv_array();

	/* running sums 10, 40, 100: a draw of 41..100 picks "heavy" */
	add(a, "light", 10, 10);
	add(a, "middle", 10, 30);
	add(a, "heavy", 10, 60);
	add(a, "backup", 20, 100);
	next_pick = 41;
	dns_srv_order(a, pick);
	assert_string_equal(target(a, 0), "heavy");
	/* then sums 10, 40 of the rest: 40 picks "middle" */
	assert_string_equal(target(a, 1), "middle");
	assert_string_equal(target(a, 2), "light");
	assert_string_equal(target(a, 3), "backup");
	/* a draw of 0 takes a weight-0 record, placed first (RFC 2782) */
	add(b, "some", 5, 50);
	add(b, "zero", 5, 0);
	next_pick = 0;
	dns_srv_order(b, pick);
	assert_string_equal(target(b, 0), "zero");
	assert_string_equal(target(b, 1), "some");
}

static void
srv_order__lone_root_target_means_no_service(void **state)
{
	g_autoptr(GPtrArray) a = dns_srv_array();

	add(a, "", 0, 0);
	dns_srv_order(a, pick);
	assert_int_equal(a->len, 0);
}

static void
never(GPtrArray *recs, const char *error, void *data)
{
	fail();
}

static void
srv__bad_server_list_refused(void **state)
{
	g_autoptr(GError) err = NULL;

	assert_true(loop_init(NULL));
	assert_true(prefs_set("dns.servers", "not an address", NULL));
	assert_null(dns_srv("_xmpp-client._tcp.example.org", never, NULL,
	    &err));
	assert_non_null(err);
	assert_non_null(strstr(err->message, "dns.servers"));
	dns_shutdown();
	prefs_free();
	loop_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(srv_order__lowest_priority_first),
		cmocka_unit_test(srv_order__weight_chooses_within_a_priority),
		cmocka_unit_test(srv_order__lone_root_target_means_no_service),
		cmocka_unit_test(srv__bad_server_list_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
