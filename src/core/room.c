/* SPDX-License-Identifier: MIT */
/*
 * The multi-user chat model (XEP-0045): rooms per account and their
 * occupants in hash tables keyed by nick, plus a sequence kept sorted by
 * role then nick, so a join, leave or change costs O(log n) however big
 * the room is and a pane draws its visible rows without sorting. core
 * layer: never prints; the xmpp layer emits events.
 */
#include <string.h>

#include "room.h"

#define ROOM_OCCUPANTS_MAX 100000

static GHashTable *rooms;	/* "account\njid" -> struct room */

static void
occupant_free(struct occupant *o)
{
	g_free(o->nick);
	g_free(o->jid);
	g_free(o->role);
	g_free(o->affiliation);
	g_free(o->show);
	g_free(o->status);
	g_free(o->sort_key);
	g_free(o);
}

static void
room_free(struct room *r)
{
	g_free(r->account);
	g_free(r->jid);
	g_free(r->nick);
	g_free(r->password);
	g_free(r->subject);
	g_sequence_free(r->sorted);
	g_hash_table_unref(r->occupants);
	form_free(r->config);
	g_free(r);
}

static char *
key(const char *account, const char *jid)
{
	return g_strdup_printf("%s\n%s", account, jid);
}

/* The room, or NULL. */
struct room *
room_find(const char *account, const char *jid)
{
	g_autofree char *k = NULL;

	if (rooms == NULL || account == NULL || jid == NULL)
		return NULL;
	k = key(account, jid);
	return g_hash_table_lookup(rooms, k);
}

/* The room, created when new. */
struct room *
room_get(const char *account, const char *jid)
{
	struct room *r = room_find(account, jid);

	if (r != NULL)
		return r;
	if (rooms == NULL)
		rooms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)room_free);
	r = g_new0(struct room, 1);
	r->account = g_strdup(account);
	r->jid = g_strdup(jid);
	r->occupants = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    (GDestroyNotify)occupant_free);
	r->sorted = g_sequence_new(NULL);
	g_hash_table_replace(rooms, key(account, jid), r);
	return r;
}

/* Forget a room. */
void
room_remove(const char *account, const char *jid)
{
	g_autofree char *k = key(account, jid);

	if (rooms != NULL)
		g_hash_table_remove(rooms, k);
}

/* The rooms of an account (new array of borrowed pointers). */
GPtrArray *
rooms_of(const char *account)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;

	if (rooms == NULL)
		return out;
	g_hash_table_iter_init(&it, rooms);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (strcmp(((struct room *)v)->account, account) == 0)
			g_ptr_array_add(out, v);
	return out;
}

/* Forget every room. */
void
rooms_free(void)
{
	g_clear_pointer(&rooms, g_hash_table_unref);
}

/* An occupant by nick (borrowed), or NULL. */
struct occupant *
room_occupant(struct room *r, const char *nick)
{
	return g_hash_table_lookup(r->occupants, nick);
}

/* 0 moderator, 1 participant, 2 visitor or none. */
int
room_role_rank(const char *role)
{
	return g_strcmp0(role, "moderator") == 0 ? 0 :
	    g_strcmp0(role, "participant") == 0 ? 1 : 2;
}

static gint
occupant_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct occupant *x = a, *y = b;
	int c = room_role_rank(x->role) - room_role_rank(y->role);

	return c != 0 ? c : strcmp(x->sort_key, y->sort_key);
}

static void
set_key(struct occupant *o)
{
	g_free(o->sort_key);
	o->sort_key = g_utf8_collate_key(o->nick, -1);
}

static void
replace(char **field, const char *value)
{
	if (value == NULL || g_strcmp0(*field, value) == 0)
		return;
	g_free(*field);
	*field = g_strdup(value);
}

/*
 * Add or update an occupant (NULL arguments keep the old value). Returns
 * it, or NULL when the room is at its size bound.
 */
struct occupant *
room_occupant_set(struct room *r, const char *nick, const char *jid,
    const char *role, const char *affiliation, const char *show,
    const char *status)
{
	struct occupant *o = room_occupant(r, nick);
	int rank;

	if (o == NULL) {
		if (g_hash_table_size(r->occupants) >= ROOM_OCCUPANTS_MAX)
			return NULL;
		o = g_new0(struct occupant, 1);
		o->nick = g_strdup(nick);
		o->role = g_strdup(role != NULL ? role : "participant");
		o->affiliation = g_strdup("none");
		o->show = g_strdup("online");
		set_key(o);
		g_hash_table_replace(r->occupants, o->nick, o);
		o->pos = g_sequence_insert_sorted(r->sorted, o, occupant_cmp,
		    NULL);
	}
	replace(&o->jid, jid);
	rank = room_role_rank(o->role);
	replace(&o->role, role);
	if (room_role_rank(o->role) != rank)
		g_sequence_sort_changed(o->pos, occupant_cmp, NULL);
	replace(&o->affiliation, affiliation);
	replace(&o->show, show != NULL ? show : "online");
	g_free(o->status);
	o->status = g_strdup(status);
	r->generation++;
	return o;
}

/* An occupant left. */
void
room_occupant_remove(struct room *r, const char *nick)
{
	struct occupant *o = room_occupant(r, nick);

	if (o == NULL)
		return;
	g_sequence_remove(o->pos);
	g_hash_table_remove(r->occupants, nick);
	r->generation++;
}

/* An occupant changed nick (status 303). */
void
room_occupant_rename(struct room *r, const char *nick, const char *new_nick)
{
	struct occupant *o;
	gpointer k, v;

	if (!g_hash_table_steal_extended(r->occupants, nick, &k, &v))
		return;
	/* A stale entry under the new nick goes from both views. */
	room_occupant_remove(r, new_nick);
	o = v;
	g_free(o->nick);
	o->nick = g_strdup(new_nick);
	set_key(o);
	g_hash_table_replace(r->occupants, o->nick, o);
	g_sequence_sort_changed(o->pos, occupant_cmp, NULL);
	r->generation++;
}

/* We left: forget the occupants. */
void
room_clear(struct room *r)
{
	g_sequence_remove_range(g_sequence_get_begin_iter(r->sorted),
	    g_sequence_get_end_iter(r->sorted));
	g_hash_table_remove_all(r->occupants);
	r->joined = false;
	r->generation++;
}

/* The occupants (new array of borrowed pointers, in no order). */
GPtrArray *
room_occupants(struct room *r)
{
	GPtrArray *out = g_ptr_array_sized_new(
	    g_hash_table_size(r->occupants));
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, r->occupants);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_add(out, v);
	return out;
}

static bool
word_in(const char *body, const char *word)
{
	g_autofree char *b = g_utf8_casefold(body, -1);
	g_autofree char *w = g_utf8_casefold(word, -1);
	const char *p = b;
	size_t n = strlen(w);

	if (n == 0)
		return false;
	while ((p = strstr(p, w)) != NULL) {
		bool start = p == b || !g_unichar_isalnum(g_utf8_get_char(
		    g_utf8_prev_char(p)));
		bool end = !g_unichar_isalnum(g_utf8_get_char(p + n));

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

/*
 * True when body mentions our nick or one of words (comma-separated), as
 * whole words, case-insensitively.
 */
bool
room_mentions(const struct room *r, const char *body, const char *words)
{
	g_auto(GStrv) list = NULL;
	size_t i;

	if (r->nick != NULL && word_in(body, r->nick))
		return true;
	if (words == NULL || *words == '\0')
		return false;
	list = g_strsplit(words, ",", -1);
	for (i = 0; list[i] != NULL; i++)
		if (word_in(body, g_strstrip(list[i])))
			return true;
	return false;
}
