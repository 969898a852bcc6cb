/* SPDX-License-Identifier: MIT */
/* Unit tests of the host lookup off the loop (proto-host.c): while a
 * lookup is stuck in the resolver the loop keeps running (a timer
 * fires), and the answer arrives later through the loop; a lookup
 * cancelled at exit is answered at once. The resolver is a hook that
 * waits until the test lets it go. */
#include "../helpers/test.h"
#include "core/loop.h"
#include "xmpp/proto-internal.h"

static GMutex lock;
static GCond cond;
static bool released;
static bool resolver_answer;

/*
 * Runs in the lookup's thread: blocks like a slow DNS server, until
 * released (or 2 s, so that a lookup made inside the loop's own call
 * fails the test instead of hanging it).
 */
static bool
slow_resolver(const char *host)
{
	gint64 until = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;

	g_mutex_lock(&lock);
	while (!released && g_cond_wait_until(&cond, &lock, until))
		;
	g_mutex_unlock(&lock);
	return resolver_answer && strcmp(host, "slow.example") == 0;
}

static void
release(void)
{
	g_mutex_lock(&lock);
	released = true;
	g_cond_signal(&cond);
	g_mutex_unlock(&lock);
}

struct run {
	int	 answers;
	enum proto_host_answer answer;
	bool	 timer_fired_before;	/* the loop ran during the lookup */
};

static void
answered(enum proto_host_answer answer, void *data)
{
	struct run *r = data;

	r->answers++;
	r->answer = answer;
	loop_quit(0);
}

static void
timer_cb(void *data)
{
	struct run *r = data;

	r->timer_fired_before = r->answers == 0;
	release();
}

static void
give_up_cb(void *data)
{
	release();
	loop_quit(1);
}

static int
setup(void **state)
{
	g_autofree char *err = NULL;

	released = false;
	proto_host_resolve_hook = slow_resolver;
	assert_true(loop_init(&err));
	(void)state;
	return 0;
}

static int
teardown(void **state)
{
	loop_free();
	proto_host_resolve_hook = NULL;
	(void)state;
	return 0;
}

static void
lookup(bool known, enum proto_host_answer expected)
{
	struct run r = { 0 };

	resolver_answer = known;
	assert_true(proto_host_lookup("slow.example", answered, &r, NULL));
	assert_int_equal(r.answers, 0);		/* not answered in the call */
	(void)loop_add_timer(20, timer_cb, &r);
	(void)loop_add_timer(5000, give_up_cb, NULL);
	assert_int_equal(loop_run(), 0);
	assert_true(r.timer_fired_before);
	assert_int_equal(r.answers, 1);
	assert_int_equal(r.answer, expected);
}

static void
proto_host_lookup__loop_runs_meanwhile__known(void **state)
{
	lookup(true, PROTO_HOST_KNOWN);
	(void)state;
}

static void
proto_host_lookup__loop_runs_meanwhile__unknown(void **state)
{
	lookup(false, PROTO_HOST_UNKNOWN);
	(void)state;
}

static void
proto_host_cancel_all__answers_at_once__pending(void **state)
{
	struct run r = { 0 };

	assert_true(proto_host_lookup("slow.example", answered, &r, NULL));
	proto_host_cancel_all();
	assert_int_equal(r.answers, 1);
	assert_int_equal(r.answer, PROTO_HOST_CANCELLED);
	release();	/* the thread finishes on its own, into a closed end */
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    proto_host_lookup__loop_runs_meanwhile__known, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    proto_host_lookup__loop_runs_meanwhile__unknown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    proto_host_cancel_all__answers_at_once__pending, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
