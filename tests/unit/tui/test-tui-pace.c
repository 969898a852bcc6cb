/* SPDX-License-Identifier: MIT */
/* Unit tests of frontend/tui/tui-pace.c: two frames may follow each
 * other at once, a burst of network frames settles at 25 a second after
 * 8, frames for keys wait for the 5 ms rate only and leave no debt. */
#include "../helpers/test.h"
#include "frontend/tui/tui-internal.h"

/* Frames drawn from start to end (ms), each as soon as allowed. */
static int
frames_between(gint64 start, gint64 end, bool keys)
{
	gint64 t = start;
	int n = 0;

	while (t < end) {
		gint64 wait;

		if (keys)
			tui_pace_keys();
		wait = tui_pace_wait(t);
		if (wait == 0)
			n++;
		t += wait > 0 ? wait : 1;
	}
	return n;
}

static void
pace__two_at_once_then_5_ms(void **state)
{
	tui_pace_reset();
	assert_int_equal(tui_pace_wait(1000), 0);
	assert_int_equal(tui_pace_wait(1000), 0);
	assert_int_equal(tui_pace_wait(1000), 5);
	assert_int_equal(tui_pace_wait(1005), 0);
}

static void
pace__network_burst_settles_at_25_a_second(void **state)
{
	int n;

	tui_pace_reset();
	n = frames_between(1000, 2000, false);
	assert_in_range(n, 8 + 24, 8 + 26);	/* 8, then one per 40 ms */
	(void)state;
}

static void
pace__keys_wait_for_5_ms_only_and_leave_no_debt(void **state)
{
	int n;

	tui_pace_reset();
	(void)frames_between(1000, 2000, false);	/* steady rate spent */
	n = frames_between(2000, 2500, true);
	assert_in_range(n, 95, 101);		/* one per 5 ms */
	/* 300 ms later a network frame is drawn at once again */
	assert_int_equal(tui_pace_wait(2800), 0);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pace__two_at_once_then_5_ms),
		cmocka_unit_test(pace__network_burst_settles_at_25_a_second),
		cmocka_unit_test(pace__keys_wait_for_5_ms_only_and_leave_no_debt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
