/* SPDX-License-Identifier: MIT */
/* Unit tests of core/loop.c: lull hooks (loop_add_lull) run once, only
 * when nothing was ready for a while, after every event and due timer. */
#include <poll.h>
#include <unistd.h>

#include "../helpers/test.h"
#include "core/loop.h"

static GString *order;
static char timer_name[] = "timer", t1[] = "t1", t2[] = "t2";
static int pipe_fd[2];
static guint fd_id;

static void
note(const char *what)
{
	g_string_append_printf(order, "%s%s", order->len ? " " : "", what);
}

static void
on_readable(int fd, short revents, void *data)
{
	char c;

	assert_int_equal(read(fd, &c, 1), 1);
	note("fd");
	loop_remove_fd(fd_id);
}

static void
on_timer(void *data)
{
	note(data);
}

static void
on_lull(void *data)
{
	note("lull");
}

static void
on_quit(void *data)
{
	loop_quit(0);
}

static void
setup(void)
{
	assert_true(loop_init(NULL));
	order = g_string_new(NULL);
	assert_int_equal(pipe(pipe_fd), 0);
}

static void
teardown(void)
{
	close(pipe_fd[0]);
	close(pipe_fd[1]);
	g_string_free(order, TRUE);
	loop_free();
}

static void
lull__after_ready_events_and_due_timers_once(void **state)
{
	setup();
	assert_int_equal(write(pipe_fd[1], "x", 1), 1);
	fd_id = loop_add_fd(pipe_fd[0], POLLIN, on_readable, NULL);
	(void)loop_add_lull(on_lull, NULL);
	(void)loop_add_timer(0, on_timer, timer_name);
	(void)loop_add_timer(60, on_quit, NULL);
	assert_int_equal(loop_run(), 0);
	assert_string_equal(order->str, "fd timer lull");
	teardown();
}

static void
lull__waits_while_timers_keep_coming(void **state)
{
	setup();
	(void)loop_add_lull(on_lull, NULL);
	(void)loop_add_timer(2, on_timer, t1);	/* closer than a lull */
	(void)loop_add_timer(4, on_timer, t2);
	(void)loop_add_timer(60, on_quit, NULL);
	assert_int_equal(loop_run(), 0);
	assert_string_equal(order->str, "t1 t2 lull");
	teardown();
}

static void
lull__removed_never_runs(void **state)
{
	setup();
	loop_remove_hook(loop_add_lull(on_lull, NULL));
	(void)loop_add_timer(30, on_quit, NULL);
	assert_int_equal(loop_run(), 0);
	assert_string_equal(order->str, "");
	teardown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lull__after_ready_events_and_due_timers_once),
		cmocka_unit_test(lull__waits_while_timers_keep_coming),
		cmocka_unit_test(lull__removed_never_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
