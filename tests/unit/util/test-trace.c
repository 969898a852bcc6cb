/* SPDX-License-Identifier: MIT */
/* Unit tests of util/trace.c (the benchmark trace, bench/README.md). */
#include "../helpers/test.h"
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "util/trace.h"

static char *
trace_path(void)
{
	char *dir = g_dir_make_tmp("natter-trace-XXXXXX", NULL);
	char *p = g_build_filename(dir, "trace", NULL);

	g_free(dir);
	return p;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
trace__off_without_the_variable(void **state)
{
	g_unsetenv("NATTER_BENCH_TRACE");
	trace_open();
	assert_null(trace_file);
	TRACE("recv %s", "x");		/* nothing to write to: no crash */
	TRACE_NOW("frame");
}

static void
trace__lines_carry_monotonic_time_and_one_event_each(void **state)
{
	g_autofree char *path = trace_path();
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	double before, after, t;
	char event[64];

	g_setenv("NATTER_BENCH_TRACE", path, TRUE);
	trace_open();
	assert_non_null(trace_file);
	before = mono();
	TRACE("recv %s", "id\nwith\x1b" "controls");
	TRACE_NOW("frame draw_us=%d", 12);
	after = mono();
	/* Written out by TRACE_NOW: readable before the trace is closed. */
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	assert_int_equal(g_strv_length(lines), 3);	/* and "" after \n */
	assert_int_equal(sscanf(lines[0], "%lf %63s", &t, event), 2);
	assert_true(t >= before - 1e-6 && t <= after + 1e-6);
	assert_string_equal(strchr(lines[0], ' ') + 1,
	    "recv id?with?controls");
	assert_string_equal(strchr(lines[1], ' ') + 1, "frame draw_us=12");
	trace_close();
	assert_null(trace_file);
	g_unsetenv("NATTER_BENCH_TRACE");
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace__off_without_the_variable),
		cmocka_unit_test(trace__lines_carry_monotonic_time_and_one_event_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
