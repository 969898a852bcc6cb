/* SPDX-License-Identifier: MIT */
/* Unit tests of core/room.c: the sorted occupant view and mentions. */
#include "../helpers/test.h"
#include "core/room.h"

static char *
order(struct room *r)
{
	GString *s = g_string_new(NULL);
	GSequenceIter *it;

	for (it = g_sequence_get_begin_iter(r->sorted);
	    !g_sequence_iter_is_end(it); it = g_sequence_iter_next(it)) {
		struct occupant *o = g_sequence_get(it);

		g_string_append_printf(s, "%s%s", s->len ? " " : "", o->nick);
	}
	return g_string_free(s, FALSE);
}

static void
room_sorted__follows_joins_roles_renames_leaves(void **state)
{
	struct room *r = room_get("a", "room@conf");
	g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL, *o4 = NULL;

	room_occupant_set(r, "zed", NULL, "participant", NULL, NULL, NULL);
	room_occupant_set(r, "amy", NULL, "visitor", NULL, NULL, NULL);
	room_occupant_set(r, "bob", NULL, "moderator", NULL, NULL, NULL);
	room_occupant_set(r, "carl", NULL, "participant", NULL, NULL, NULL);
	o1 = order(r);
	assert_string_equal(o1, "bob carl zed amy");
	room_occupant_set(r, "amy", NULL, "moderator", NULL, NULL, NULL);
	o2 = order(r);
	assert_string_equal(o2, "amy bob carl zed");
	room_occupant_rename(r, "zed", "al");
	o3 = order(r);
	assert_string_equal(o3, "amy bob al carl");
	room_occupant_remove(r, "bob");
	o4 = order(r);
	assert_string_equal(o4, "amy al carl");
	assert_int_equal(g_sequence_get_length(r->sorted),
	    g_hash_table_size(r->occupants));
	room_clear(r);
	assert_int_equal(g_sequence_get_length(r->sorted), 0);
	rooms_free();
}

/* A rename onto a nick still listed replaces that occupant everywhere. */
static void
room_occupant_rename__onto_existing_nick__one_entry(void **state)
{
	struct room *r = room_get("a", "clash@conf");
	g_autofree char *o = NULL;
	g_autoptr(GPtrArray) l = NULL;

	room_occupant_set(r, "me", NULL, "participant", NULL, NULL, NULL);
	room_occupant_set(r, "me2", NULL, "visitor", NULL, NULL, NULL);
	room_occupant_rename(r, "me", "me2");
	room_occupant_set(r, "zoe", NULL, "participant", NULL, NULL, NULL);
	o = order(r);
	assert_string_equal(o, "me2 zoe");
	l = room_occupants(r);
	assert_int_equal(l->len, 2);
}

static void
room_mentions__whole_words_and_highlight_list(void **state)
{
	struct room *r = room_get("a", "room@conf");

	r->nick = g_strdup("Ally");
	assert_true(room_mentions(r, "hey ally, look", NULL));
	assert_true(room_mentions(r, "ALLY!", NULL));
	assert_false(room_mentions(r, "rallying cry", NULL));
	assert_true(room_mentions(r, "the release is out", "build, release"));
	assert_false(room_mentions(r, "releases", "release"));
	rooms_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(room_sorted__follows_joins_roles_renames_leaves),
		cmocka_unit_test(
		    room_occupant_rename__onto_existing_nick__one_entry),
		cmocka_unit_test(room_mentions__whole_words_and_highlight_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
