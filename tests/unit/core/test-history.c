/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of core/history.c: a commit that finds the database locked by
 * another connection keeps the messages and retries from a loop timer;
 * a lock that stays is reported to the user.
 */
#include "../helpers/test.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/msg.h"

#define DEADLINE_MS 15000

struct fixture {
	char		*dir;
	char		*path;
	sqlite3		*locker;	/* the other program */
	GPtrArray	*errors;	/* texts of EV_ERROR */
	GPtrArray	*infos;		/* texts of EV_INFO */
	gint64		 start;
	int		 want_rows;
};

static void
on_text(const struct ev *ev, void *data)
{
	struct fixture *f = data;

	g_ptr_array_add(ev->kind == EV_ERROR ? f->errors : f->infos,
	    g_strdup(ev->u.text.text));
}

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);
	g_autofree char *err = NULL;
	g_autoptr(GError) gerr = NULL;

	assert_true(loop_init(&err));
	f->dir = g_dir_make_tmp("natter-history-XXXXXX", NULL);
	f->path = g_build_filename(f->dir, "history.db", NULL);
	f->errors = g_ptr_array_new_with_free_func(g_free);
	f->infos = g_ptr_array_new_with_free_func(g_free);
	(void)ev_subscribe(EV_ERROR, on_text, f);
	(void)ev_subscribe(EV_INFO, on_text, f);
	assert_true(history_open(f->path, &gerr));
	assert_int_equal(sqlite3_open(f->path, &f->locker), SQLITE_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	g_autofree char *wal = g_strconcat(f->path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(f->path, "-shm", NULL);

	history_close();
	sqlite3_close(f->locker);
	ev_reset();
	loop_free();
	(void)g_unlink(wal);
	(void)g_unlink(shm);
	(void)g_unlink(f->path);
	(void)g_rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_ptr_array_unref(f->errors);
	g_ptr_array_unref(f->infos);
	g_free(f);
	return 0;
}

static void
store(const char *body)
{
	struct msg *m = msg_new(MSG_IN, "a", "bob@example.org", body);
	g_autoptr(GError) err = NULL;

	m->time = 1;
	assert_true(history_store(m, &err));
	assert_null(err);
	msg_free(m);
}

/* Rows committed, as another connection sees them. */
static int
rows(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "messages", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
lock(struct fixture *f)
{
	assert_int_equal(sqlite3_exec(f->locker, "BEGIN EXCLUSIVE", NULL,
	    NULL, NULL), SQLITE_OK);
}

static void
unlock_cb(void *data)
{
	struct fixture *f = data;

	assert_int_equal(sqlite3_exec(f->locker, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
}

/* Quit once want_rows are committed (0) or at the deadline (1). */
static void
check_rows_cb(void *data)
{
	struct fixture *f = data;

	if (rows(f->path) == f->want_rows)
		loop_quit(0);
	else if (loop_now_ms() - f->start > DEADLINE_MS)
		loop_quit(1);
	else
		(void)loop_add_timer(20, check_rows_cb, f);
}

static bool
reported(GPtrArray *texts, const char *word)
{
	guint i;

	for (i = 0; i < texts->len; i++)
		if (strstr(g_ptr_array_index(texts, i), word) != NULL)
			return true;
	return false;
}

/*
 * Once the user was told history is locked, the other program lets go;
 * then wait for the rows as check_rows_cb does.
 */
static void
check_report_cb(void *data)
{
	struct fixture *f = data;

	if (reported(f->errors, "locked")) {
		assert_int_equal(rows(f->path), 0);
		unlock_cb(f);
		check_rows_cb(f);
	} else if (loop_now_ms() - f->start > DEADLINE_MS) {
		loop_quit(1);
	} else {
		(void)loop_add_timer(20, check_report_cb, f);
	}
}

static void
history_flush__keeps_messages_and_retries__while_locked(void **state)
{
	struct fixture *f = *state;

	store("one");
	history_flush();
	assert_int_equal(rows(f->path), 1);
	lock(f);
	store("two");
	store("three");
	history_flush();
	assert_true(history_available());
	(void)loop_add_timer(300, unlock_cb, f);
	f->start = loop_now_ms();
	f->want_rows = 3;
	(void)loop_add_timer(20, check_rows_cb, f);
	assert_int_equal(loop_run(), 0);
	assert_true(history_available());
	assert_int_equal(f->errors->len, 0);
	store("four");
	history_flush();
	assert_int_equal(rows(f->path), 4);
}

static void
history_flush__reports_a_lasting_lock__then_writes(void **state)
{
	struct fixture *f = *state;

	lock(f);
	store("one");
	store("two");
	history_flush();
	f->start = loop_now_ms();
	f->want_rows = 2;
	(void)loop_add_timer(20, check_report_cb, f);
	assert_int_equal(loop_run(), 0);
	assert_true(reported(f->errors, "2 messages"));
	assert_true(reported(f->infos, "history"));
	assert_true(history_available());
}

static void
history_close__commits_what_was_stored__once(void **state)
{
	struct fixture *f = *state;

	store("one");
	store("two");
	history_close();
	assert_int_equal(rows(f->path), 2);
}

static void
history_close__writes_messages_kept_for_a_lock__once(void **state)
{
	struct fixture *f = *state;

	store("one");
	history_flush();
	lock(f);
	store("two");
	history_flush();
	unlock_cb(f);
	history_close();
	assert_int_equal(rows(f->path), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    history_flush__keeps_messages_and_retries__while_locked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_flush__reports_a_lasting_lock__then_writes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_close__commits_what_was_stored__once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_close__writes_messages_kept_for_a_lock__once,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
