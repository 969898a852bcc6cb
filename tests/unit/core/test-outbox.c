/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of core/outbox.c: order, confirmation by round trip and by a
 * room's echo, failure by id, and resending with the same ids after a new
 * session. A fake transport stands for the protocol layer.
 */
#include "../helpers/test.h"
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/outbox.h"
#include "core/room.h"

static bool online;
static GString *sent;		/* "id/origin-id " per stanza sent */
static GArray *trips;		/* guint64 tokens asked for */
static GString *events;		/* "kind:id " per outbox event */
static GString *bodies;		/* what went on the wire, per stanza */

static bool
fake_ready(const struct msg *m)
{
	struct room *r;

	if (!online)
		return false;
	if (g_strcmp0(m->type, "groupchat") != 0)
		return true;
	r = room_find(m->account, m->peer);
	return r != NULL && r->joined;
}

static bool
fake_send(const struct msg *m, GError **error)
{
	g_string_append_printf(sent, "%s/%s ", m->id, m->origin_id);
	g_string_append_printf(bodies, "%s ", m->wire_body != NULL ?
	    m->wire_body : m->body);
	return true;
}

static void
fake_round_trip(const char *account, guint64 token)
{
	g_array_append_val(trips, token);
}

static const struct outbox_transport fake = {
	.ready = fake_ready,
	.send = fake_send,
	.round_trip = fake_round_trip,
};

static guint64 looked;		/* token of the last lookup, 0: none */
static gint64 looked_since;

static bool
fake_lookup(const char *account, guint64 token, gint64 since)
{
	looked = token;
	looked_since = since;
	return true;
}

/* The same with an archive to look in. */
static const struct outbox_transport fake_archive = {
	.ready = fake_ready,
	.send = fake_send,
	.round_trip = fake_round_trip,
	.lookup = fake_lookup,
};

static void
record(const struct ev *ev, void *data)
{
	const char *k = ev->kind == EV_MSG_PENDING ? "pending" :
	    ev->kind == EV_MSG_CONFIRMED ? "confirmed" : "failed";

	g_string_append_printf(events, "%s:%s ", k, ev->u.msg_state.id);
}

static int
setup(void **state)
{
	online = false;
	looked = 0;
	sent = g_string_new(NULL);
	bodies = g_string_new(NULL);
	events = g_string_new(NULL);
	trips = g_array_new(FALSE, FALSE, sizeof(guint64));
	outbox_init();
	outbox_set_transport(&fake);
	ev_subscribe(EV_MSG_PENDING, record, NULL);
	ev_subscribe(EV_MSG_CONFIRMED, record, NULL);
	ev_subscribe(EV_MSG_FAILED, record, NULL);
	return 0;
}

static int
teardown(void **state)
{
	outbox_free();
	ev_reset();
	rooms_free();
	g_string_free(sent, TRUE);
	g_string_free(bodies, TRUE);
	g_string_free(events, TRUE);
	g_array_free(trips, TRUE);
	return 0;
}

static void
add(const char *type, const char *peer, const char *id)
{
	struct msg *m = msg_new(MSG_OUT, "a", peer, "hi");

	g_free(m->type);
	m->type = g_strdup(type);
	m->id = g_strdup(id);
	m->origin_id = g_strdup(id);
	outbox_add(m);
	msg_free(m);
}

static void
go_online(void)
{
	struct ev ev = { .kind = EV_CONN_STATE, .account = "a" };

	online = true;
	ev.u.conn_state.state = "online";
	ev_emit(&ev);
}

static guint64
last_trip(void)
{
	assert_true(trips->len > 0);
	return g_array_index(trips, guint64, trips->len - 1);
}

static void
outbox_add__queues_offline_and_sends_in_order_when_online(void **state)
{
	add("chat", "bob@x", "m1");
	add("chat", "carl@x", "m2");
	add("chat", "bob@x", "m3");
	assert_string_equal(sent->str, "");
	assert_string_equal(events->str, "pending:m1 pending:m2 pending:m3 ");
	assert_int_equal(outbox_unconfirmed("a"), 3);
	g_string_truncate(events, 0);
	go_online();
	assert_string_equal(sent->str, "m1/m1 m2/m2 m3/m3 ");
	assert_int_equal(trips->len, 1);
	outbox_round_trip_done("a", last_trip());
	assert_string_equal(events->str, "pending:m1 pending:m2 pending:m3 "
	    "confirmed:m1 confirmed:m2 confirmed:m3 ");
	assert_int_equal(outbox_unconfirmed(NULL), 0);
}

static void
outbox_round_trip_done__confirms_only_what_was_sent_before(void **state)
{
	guint64 first;

	online = true;
	add("chat", "bob@x", "m1");
	first = last_trip();
	add("chat", "bob@x", "m2");
	assert_int_equal(trips->len, 2);
	g_string_truncate(events, 0);
	outbox_round_trip_done("a", first);
	assert_string_equal(events->str, "confirmed:m1 ");
	assert_true(outbox_holds("a", "m2"));
	outbox_round_trip_done("b", last_trip());	/* another account */
	assert_true(outbox_holds("a", "m2"));
}

static void
outbox_session_started__resends_unconfirmed_with_the_same_ids(void **state)
{
	guint64 old;

	online = true;
	add("chat", "bob@x", "m1");
	old = last_trip();
	online = false;			/* lost before the answer came */
	add("chat", "bob@x", "m2");	/* typed offline */
	g_string_truncate(sent, 0);
	go_online();
	assert_string_equal(sent->str, "m1/m1 m2/m2 ");
	g_string_truncate(events, 0);
	outbox_round_trip_done("a", old);	/* the old session's: no */
	assert_string_equal(events->str, "");
	outbox_round_trip_done("a", last_trip());
	assert_string_equal(events->str, "confirmed:m1 confirmed:m2 ");
}

static void
outbox_session_resumed__resends_nothing_and_asks_a_new_round_trip(void **s)
{
	online = true;
	add("chat", "bob@x", "m1");
	online = false;
	add("chat", "bob@x", "m2");		/* typed during the outage */
	g_string_truncate(sent, 0);
	outbox_session_resumed("a");
	go_online();
	assert_string_equal(sent->str, "m2/m2 ");	/* m1 not again */
	assert_int_equal(trips->len, 3);	/* m1's, the resumed one, m2's */
	g_string_truncate(events, 0);
	outbox_round_trip_done("a", g_array_index(trips, guint64, 1));
	assert_string_equal(events->str, "confirmed:m1 ");
	g_string_truncate(sent, 0);
	go_online();				/* a later, fresh session */
	assert_string_equal(sent->str, "m2/m2 ");
}

static void
go_offline(void)
{
	struct ev ev = { .kind = EV_CONN_STATE, .account = "a" };

	online = false;
	ev.u.conn_state.state = "disconnected";
	ev_emit(&ev);
}

static void
outbox_session_started__looks_in_the_archive_before_resending(void **s)
{
	gint64 t1;

	outbox_set_transport(&fake_archive);
	online = true;
	add("chat", "bob@x", "m1");
	add("chat", "bob@x", "m2");
	t1 = g_get_real_time();
	go_offline();			/* lost before the answer came */
	add("chat", "bob@x", "m3");	/* typed offline */
	g_string_truncate(sent, 0);
	g_string_truncate(events, 0);
	go_online();
	assert_true(looked != 0);
	assert_true(looked_since < t1);		/* from before m1 */
	assert_string_equal(sent->str, "");	/* held until the answer */
	add("chat", "bob@x", "m4");		/* typed after: waits too */
	assert_string_equal(sent->str, "");
	assert_non_null(strstr(events->str, "pending:m4"));
	assert_int_equal(outbox_unsure("a"), 2);
	assert_true(outbox_archived("a", "m2"));	/* the server has it */
	assert_false(outbox_archived("a", "m3"));	/* never sent: no */
	assert_false(outbox_archived("a", "m2"));	/* once */
	assert_non_null(strstr(events->str, "confirmed:m2"));
	outbox_lookup_done("a", looked + 1);		/* not this look */
	assert_string_equal(sent->str, "");
	outbox_lookup_done("a", looked);
	assert_string_equal(sent->str, "m1/m1 m3/m3 m4/m4 ");
	assert_int_equal(outbox_unsure("a"), 0);
	outbox_round_trip_done("a", last_trip());
	assert_int_equal(outbox_unconfirmed("a"), 0);
}

static void
outbox_lookup__cut_short_by_a_loss_looks_again_next_session(void **s)
{
	guint64 first;

	outbox_set_transport(&fake_archive);
	online = true;
	add("chat", "bob@x", "m1");
	go_offline();
	go_online();
	first = looked;
	go_offline();				/* lost during the look */
	g_string_truncate(sent, 0);
	outbox_lookup_done("a", first);		/* too late: nothing */
	assert_string_equal(sent->str, "");
	go_online();
	assert_true(looked > first);		/* looked for again */
	assert_string_equal(sent->str, "");
	outbox_lookup_done("a", looked);
	assert_string_equal(sent->str, "m1/m1 ");
}

static void
outbox_lookup__rooms_are_not_looked_for(void **state)
{
	struct room *r = room_get("a", "room@conf");

	outbox_set_transport(&fake_archive);
	r->nick = g_strdup("me");
	r->joined = true;
	online = true;
	add("groupchat", "room@conf", "g1");
	go_offline();
	go_online();
	assert_int_equal(looked, 0);		/* no chat message unsure */
	assert_string_equal(sent->str, "g1/g1 g1/g1 ");
}

static void
outbox_room__waits_for_the_join_and_is_confirmed_by_the_echo(void **state)
{
	struct room *r = room_get("a", "room@conf");
	struct ev join = { .kind = EV_ROOM_JOINED, .account = "a" };
	struct ev echo = { .kind = EV_ROOM_MESSAGE, .account = "a" };

	r->nick = g_strdup("me");
	go_online();
	add("groupchat", "room@conf", "g1");
	assert_string_equal(sent->str, "");
	r->joined = true;
	join.u.room.room = "room@conf";
	ev_emit(&join);
	assert_string_equal(sent->str, "g1/g1 ");
	assert_int_equal(trips->len, 0);	/* no round trip for rooms */
	echo.u.room_message.room = "room@conf";
	echo.u.room_message.nick = "other";	/* not ours */
	echo.u.room_message.id = "g1";
	ev_emit(&echo);
	assert_true(outbox_holds("a", "g1"));
	echo.u.room_message.nick = "me";
	ev_emit(&echo);
	assert_false(outbox_holds("a", "g1"));
	assert_non_null(strstr(events->str, "confirmed:g1"));
}

static void
outbox_error__fails_the_message_it_answers(void **state)
{
	struct ev err = { .kind = EV_ERROR, .account = "a" };

	online = true;
	add("chat", "nobody@x", "m1");
	add("chat", "bob@x", "m2");
	err.u.error.text = "message to nobody@x failed";
	err.u.error.stanza = "message";
	err.u.error.id = "m1";
	ev_emit(&err);
	assert_non_null(strstr(events->str, "failed:m1"));
	assert_false(outbox_holds("a", "m1"));
	assert_true(outbox_holds("a", "m2"));
	err.u.error.stanza = "iq";		/* an IQ's error: not ours */
	err.u.error.id = "m2";
	ev_emit(&err);
	assert_true(outbox_holds("a", "m2"));
	outbox_round_trip_done("a", last_trip());
	assert_false(outbox_holds("a", "m2"));
	err.u.error.stanza = "message";		/* a remote bounce, later */
	ev_emit(&err);
	assert_non_null(strstr(events->str, "failed:m2"));
	assert_int_equal(outbox_failures(), 2);
}

static void
remove_lock(const char *path)
{
	g_autofree char *lock = g_strconcat(path, ".lock", NULL);

	(void)g_unlink(lock);
}

static void
outbox_state__recorded_in_history(void **state)
{
	g_autofree char *err = NULL;
	g_autofree char *dir = g_dir_make_tmp("natter-outbox-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "history.db", NULL);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);
	g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;
	struct ev e = { .kind = EV_ERROR, .account = "a" };

	assert_true(loop_init(&err));
	assert_true(history_open(path, NULL));
	add("chat", "bob@x", "m1");
	s1 = history_state("a", "m1");
	assert_string_equal(s1, "pending");
	online = true;
	add("chat", "bob@x", "m2");
	outbox_round_trip_done("a", last_trip());
	s2 = history_state("a", "m2");
	assert_string_equal(s2, "confirmed");
	e.u.error.text = "bounced";
	e.u.error.stanza = "message";
	e.u.error.id = "m2";
	ev_emit(&e);
	s3 = history_state("a", "m2");
	assert_string_equal(s3, "failed");
	assert_null(history_state("a", "nope"));
	history_close();
	loop_free();
	(void)g_unlink(wal);
	(void)g_unlink(shm);
	(void)g_unlink(path);
	remove_lock(path);
	(void)g_rmdir(dir);
}

/* A message of ours stored in history and put in the outbox. */
static void
store_and_add(const char *id, gint64 time)
{
	struct msg *m = msg_new(MSG_OUT, "a", "bob@x", "hi");

	m->id = g_strdup(id);
	m->origin_id = g_strdup(id);
	m->time = time;
	assert_true(history_store(m, NULL));
	outbox_add(m);
	msg_free(m);
}

static void
connecting(void)
{
	struct ev ev = { .kind = EV_CONN_STATE, .account = "a" };

	ev.u.conn_state.state = "connecting";
	ev_emit(&ev);
}

/* natter stops with m1 (old) and m2 pending; the next run (alone) takes
 * m2 back as unsure and fails m1; a run sharing history takes nothing. */
static void
outbox_restore__takes_back_pending_of_an_earlier_run(void **state)
{
	g_autofree char *err = NULL;
	g_autofree char *dir = g_dir_make_tmp("natter-outbox-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "history.db", NULL);
	g_autofree char *lock = g_strconcat(path, ".lock", NULL);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);
	g_autofree char *s1 = NULL;
	int other;

	assert_true(loop_init(&err));
	assert_true(history_open(path, NULL));
	store_and_add("m1", g_get_real_time() - (gint64)2 * 86400 * G_USEC_PER_SEC);
	store_and_add("m2", g_get_real_time());
	history_close();			/* killed: nothing confirmed */
	outbox_free();
	outbox_init();
	outbox_set_transport(&fake_archive);

	other = open(lock, O_RDWR);		/* another natter runs */
	assert_true(other >= 0 && flock(other, LOCK_SH) == 0);
	assert_true(history_open(path, NULL));
	g_string_truncate(events, 0);
	connecting();
	assert_string_equal(events->str, "");	/* its messages, maybe */
	assert_int_equal(outbox_unconfirmed("a"), 0);
	history_close();
	(void)close(other);
	outbox_free();
	outbox_init();
	outbox_set_transport(&fake_archive);

	assert_true(history_open(path, NULL));	/* alone now */
	connecting();
	assert_string_equal(events->str, "failed:m1 pending:m2 ");
	s1 = history_state("a", "m1");
	assert_string_equal(s1, "failed");
	assert_int_equal(outbox_unsure("a"), 1);
	g_string_truncate(sent, 0);
	go_online();				/* looked for first */
	assert_true(looked != 0);
	assert_string_equal(sent->str, "");
	outbox_lookup_done("a", looked);
	assert_string_equal(sent->str, "m2/m2 ");
	history_close();
	loop_free();
	(void)g_unlink(wal);
	(void)g_unlink(shm);
	(void)g_unlink(path);
	(void)g_unlink(lock);
	(void)g_rmdir(dir);
}

/* OTR: what goes again on the wire is the ciphertext, never body. */
static void
outbox_session_started__resends_ciphertext_not_plain_text(void **state)
{
	struct msg *m = msg_new(MSG_OUT, "a", "bob@x", "the plain words");

	m->id = g_strdup("o1");
	m->origin_id = g_strdup("o1");
	m->encryption = g_strdup("otr");
	m->wire_body = g_strdup("?OTR:AAMD");
	online = true;
	outbox_add(m);
	msg_free(m);
	go_online();	/* a new session: sent again */
	assert_string_equal(bodies->str, "?OTR:AAMD ?OTR:AAMD ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    outbox_add__queues_offline_and_sends_in_order_when_online,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_round_trip_done__confirms_only_what_was_sent_before,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_session_started__resends_unconfirmed_with_the_same_ids,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_session_resumed__resends_nothing_and_asks_a_new_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_session_started__looks_in_the_archive_before_resending,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_lookup__cut_short_by_a_loss_looks_again_next_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_lookup__rooms_are_not_looked_for, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_room__waits_for_the_join_and_is_confirmed_by_the_echo,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_error__fails_the_message_it_answers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_state__recorded_in_history, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_restore__takes_back_pending_of_an_earlier_run,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    outbox_session_started__resends_ciphertext_not_plain_text,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
