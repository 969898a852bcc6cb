/* SPDX-License-Identifier: MIT */
/* Unit tests of core/room.c: the sorted occupant view and mentions. */
#include "../helpers/test.h"
#include "core/room.h"

static char *
order(struct room *r)
{
	GString *s = g_string_new(NULL);
	struct occupant *o;
	guint i;

	for (i = 0; (o = room_sorted_nth(r, i)) != NULL; i++)
		g_string_append_printf(s, "%s%s", s->len ? " " : "", o->nick);
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
	assert_int_equal(room_occupant_count(r),
	    g_hash_table_size(r->occupants));
	room_clear(r);
	assert_int_equal(room_occupant_count(r), 0);
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
	room_occupant_rename(r, "me2", "me2");	/* a server's no-op */
	room_occupant_set(r, "zoe", NULL, "participant", NULL, NULL, NULL);
	o = order(r);
	assert_string_equal(o, "me2 zoe");
	l = room_occupants(r);
	assert_int_equal(l->len, 2);
}

/*
 * The occupant list sent on join (before our own presence) is appended
 * and sorted once; nicks sort case-insensitively within a role; fields
 * read back as the XEP's words; a new real JID or nick keeps the rest.
 */
static void
room_occupants__join_flood_fields_and_remakes(void **state)
{
	struct room *r = room_get("a", "big@conf");
	struct occupant *o, *prev = NULL;
	guint i;

	for (i = 0; i < 500; i++) {
		g_autofree char *nick = g_strdup_printf("%sn%03u", i % 2 ? "N" :
		    "", (i * 7919) % 500);

		room_occupant_set(r, nick, NULL, i % 50 == 0 ? "moderator" :
		    "participant", NULL, NULL, NULL);
	}
	assert_int_equal(room_occupant_count(r), 500);
	for (i = 0; (o = room_sorted_nth(r, i)) != NULL; prev = o, i++) {
		g_autofree char *a = NULL, *b = NULL;

		if (prev == NULL || prev->role != o->role) {
			assert_true(prev == NULL || prev->role < o->role);
			continue;
		}
		a = g_utf8_casefold(prev->nick, -1);
		b = g_utf8_casefold(o->nick, -1);
		assert_true(strcmp(a, b) <= 0);
	}
	r->joined = true;
	o = room_occupant_set(r, "Zoe", "zoe@example.org/x", "bogus", "admin",
	    "dnd", "busy");
	assert_string_equal(room_role_name(o->role), "none");
	assert_string_equal(room_affiliation_name(o->affiliation), "admin");
	assert_string_equal(room_show_name(o->show), "dnd");
	assert_string_equal(o->jid, "zoe@example.org/x");
	o->last_spoke = 42;
	o = room_occupant_set(r, "Zoe", "zoe@example.org/y", NULL, NULL, NULL,
	    "busy");
	assert_string_equal(o->jid, "zoe@example.org/y");
	assert_int_equal(o->last_spoke, 42);
	assert_string_equal(room_affiliation_name(o->affiliation), "admin");
	room_occupant_rename(r, "Zoe", "zed");
	assert_null(room_occupant(r, "Zoe"));
	o = room_occupant(r, "zed");
	assert_string_equal(o->jid, "zoe@example.org/y");
	assert_string_equal(o->status, "busy");
	assert_ptr_equal(room_sorted_nth(r, room_occupant_count(r) - 1), o);
	room_occupant_remove(r, "n000");
	assert_null(room_occupant(r, "n000"));
	assert_int_equal(room_occupant_count(r), 500);
	rooms_free();
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
		cmocka_unit_test(room_occupants__join_flood_fields_and_remakes),
		cmocka_unit_test(
		    room_occupant_rename__onto_existing_nick__one_entry),
		cmocka_unit_test(room_mentions__whole_words_and_highlight_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
