/* SPDX-License-Identifier: MIT */
/* Unit tests of core/windows.c: the window list the front end keeps and
 * the command layer reads. */
#include "../helpers/test.h"
#include "core/windows.h"

static void
win(guint i, const char *name)
{
	struct window w = { .kind = "chat", .name = name, .account = "a",
		.peer = name };

	windows_set(i, &w);
}

/* The console is always window 0; removing a window before the current
 * one keeps the same window current. */
static void
windows__console_first__current_follows_removal(void **state)
{
	struct window upd = { .kind = "room", .name = "c", .unread = 4,
		.highlight = true };

	assert_int_equal(windows_count(), 1);
	assert_string_equal(windows_nth(0)->kind, "console");
	win(1, "a");
	win(2, "b");
	win(3, "c");
	windows_focus(3);
	windows_remove(1);
	assert_int_equal(windows_count(), 3);
	assert_int_equal(windows_current(), 2);
	assert_string_equal(windows_nth(windows_current())->name, "c");
	windows_set(2, &upd);
	assert_int_equal(windows_nth(2)->unread, 4);
	assert_true(windows_nth(2)->highlight);
	assert_null(windows_nth(2)->peer);
	windows_remove(0);		/* the console stays */
	windows_remove(7);		/* nothing there */
	assert_int_equal(windows_count(), 3);
	windows_remove(2);		/* the current one: the one before */
	assert_int_equal(windows_current(), 1);
	assert_null(windows_nth(2));
	windows_reset();
	assert_int_equal(windows_count(), 1);
	assert_int_equal(windows_current(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    windows__console_first__current_follows_removal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
