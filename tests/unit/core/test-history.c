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
	g_autofree char *lock = g_strconcat(f->path, ".lock", NULL);

	history_close();
	sqlite3_close(f->locker);
	ev_reset();
	loop_free();
	(void)g_unlink(wal);
	(void)g_unlink(shm);
	(void)g_unlink(f->path);
	(void)g_unlink(lock);
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

/*
 * Opening a new (or fully indexed) database leaves no work on a timer:
 * nothing wakes natter up after login for an index with nothing to add.
 */
static void
history_open__nothing_to_index__no_timer(void **state)
{
	assert_true(history_available());
	assert_int_equal(loop_timers_pending(), 0);
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

static struct msg *
make(enum msg_dir dir, const char *peer, const char *type, const char *id,
    const char *origin_id, const char *stanza_id)
{
	struct msg *m = msg_new(dir, "a", peer, "hi");

	g_free(m->type);
	m->type = g_strdup(type);
	m->id = g_strdup(id);
	m->origin_id = g_strdup(origin_id);
	m->stanza_id = g_strdup(stanza_id);
	return m;
}

static void
history_seen__archive_id_origin_id_message_id(void **state)
{
	static const struct {
		const char *description;
		enum msg_dir dir;
		const char *peer, *id, *origin_id, *stanza_id;
		bool by_ids, seen;
	} cases[] = {
		{ "same archive id", MSG_IN, "bob@x", NULL, NULL, "S1", false,
		  true },
		{ "archive id of another chat", MSG_IN, "eve@x", NULL, NULL,
		  "S1", false, false },
		{ "new archive id", MSG_IN, "bob@x", "m1", NULL, "S2", false,
		  false },
		{ "same message id, by ids", MSG_IN, "bob@x", "m1", NULL, "S2",
		  true, true },
		{ "same message id, other direction", MSG_OUT, "bob@x", "m1",
		  NULL, NULL, true, false },
		{ "our origin-id given back", MSG_OUT, "bob@x", "x", "o2", "S3",
		  true, true },
	};
	struct msg *m;
	size_t i;

	m = make(MSG_IN, "bob@x", "chat", "m1", NULL, "S1");
	assert_true(history_store(m, NULL));
	msg_free(m);
	m = make(MSG_OUT, "bob@x", "chat", "o2", "o2", NULL);
	assert_true(history_store(m, NULL));
	msg_free(m);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		m = make(cases[i].dir, cases[i].peer, "chat", cases[i].id,
		    cases[i].origin_id, cases[i].stanza_id);
		if (history_seen(m, cases[i].by_ids) != cases[i].seen)
			fail_msg("%s: seen is %d", cases[i].description,
			    !cases[i].seen);
		msg_free(m);
	}
}

static void
history_last_archive_id__own_and_room_apart(void **state)
{
	struct msg *m;
	char *id;

	assert_null(history_last_archive_id("a", NULL));
	m = make(MSG_IN, "bob@x", "chat", NULL, NULL, "S1");
	assert_true(history_store(m, NULL));
	msg_free(m);
	m = make(MSG_IN, "room@c.x", "groupchat", NULL, NULL, "R1");
	assert_true(history_store(m, NULL));
	msg_free(m);
	m = make(MSG_OUT, "bob@x", "chat", "o1", "o1", NULL);
	assert_true(history_store(m, NULL));
	msg_free(m);
	id = history_last_archive_id("a", NULL);
	assert_string_equal(id, "S1");
	g_free(id);
	id = history_last_archive_id("a", "room@c.x");
	assert_string_equal(id, "R1");
	g_free(id);
	assert_null(history_last_archive_id("a", "other@c.x"));
	assert_null(history_last_archive_id("b", NULL));
}

static void
history_cursor__recorded_else_newest_archive_id(void **state)
{
	struct msg *m;
	char *id;

	assert_null(history_cursor("a", "me@x", NULL));
	m = make(MSG_IN, "bob@x", "chat", NULL, NULL, "S1");
	assert_true(history_store(m, NULL));
	msg_free(m);
	id = history_cursor("a", "me@x", NULL);
	assert_string_equal(id, "S1");		/* history from before */
	g_free(id);
	history_set_cursor("a", "me@x", "S0");
	id = history_cursor("a", "me@x", NULL);
	assert_string_equal(id, "S0");		/* the record wins */
	g_free(id);
	history_flush();
	history_close();
	assert_true(history_open(((struct fixture *)*state)->path, NULL));
	id = history_cursor("a", "me@x", NULL);
	assert_string_equal(id, "S0");		/* committed */
	g_free(id);
	assert_null(history_cursor("a", "room@c.x", "room@c.x"));
}

/* A window resumes older history before the oldest line it holds. */
static void
history_row_of_id__newest_row_of_that_peer(void **state)
{
	gint64 rows[3];
	int i;

	for (i = 0; i < 3; i++) {
		struct msg *m = msg_new(MSG_IN, "a", i == 2 ? "carl@x" : "bob@x",
		    "hi");

		m->id = g_strdup("same");
		assert_true(history_store(m, NULL));
		rows[i] = history_row_of(m);
		msg_free(m);
	}
	assert_int_equal(history_row_of_id("a", "bob@x", "same"), rows[1]);
	assert_int_equal(history_row_of_id("a", "carl@x", "same"), rows[2]);
	assert_int_equal(history_row_of_id("a", "bob@x", "other"), 0);
	assert_int_equal(history_row_of_id("b", "bob@x", "same"), 0);
	(void)state;
}

static int opened;

static void
quit_cb(void *data)
{
	loop_quit(0);
}

static void
on_open(void)
{
	opened++;
}

/*
 * history_open_later(): open at the loop's first lull, or at the first
 * use before it; what waits for the open runs once, then.
 */
static void
history_open_later__at_first_use_or_lull(void **state)
{
	struct fixture *f = *state;
	struct msg *m = msg_new(MSG_IN, "a", "bob@x", "hi");

	history_close();
	history_open_later(f->path);
	assert_true(history_opening());
	history_when_open(on_open);
	assert_int_equal(opened, 0);
	assert_true(history_store(m, NULL));	/* opens it */
	msg_free(m);
	assert_false(history_opening());
	assert_int_equal(opened, 1);
	history_when_open(on_open);		/* open: at once */
	assert_int_equal(opened, 2);
	history_close();
	opened = 0;
	history_open_later(f->path);
	history_when_open(on_open);
	(void)loop_add_timer(40, quit_cb, NULL);
	(void)loop_run();			/* the lull opens it */
	assert_int_equal(opened, 1);
	assert_true(history_available());
	assert_int_equal(f->errors->len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    history_open__nothing_to_index__no_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_row_of_id__newest_row_of_that_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_open_later__at_first_use_or_lull, setup, teardown),
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
		cmocka_unit_test_setup_teardown(
		    history_seen__archive_id_origin_id_message_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_last_archive_id__own_and_room_apart,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    history_cursor__recorded_else_newest_archive_id,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
