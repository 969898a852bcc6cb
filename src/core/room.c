/* SPDX-License-Identifier: MIT */
/*
 * The multi-user chat model (XEP-0045): rooms per account and their
 * occupants, each one allocation (nick, sort key and real JID inline,
 * role, affiliation and show as codes), found by nick in a hash set of
 * their nicks and listed in an array kept sorted by role then nick: a
 * join, leave or change is a binary search and a move of pointers, and
 * a pane draws its visible rows without sorting. The flood of presence
 * that comes before our own (the initial occupant list) is appended and
 * sorted once. core layer: never prints; the xmpp layer emits events.
 */
#include <stddef.h>
#include <string.h>

#include "room.h"

#define ROOM_OCCUPANTS_MAX 100000

static GHashTable *rooms;	/* "account\njid" -> struct room */

#define OCC(n)	((struct occupant *)(void *)((char *)(n) - \
	offsetof(struct occupant, nick)))

static const char *const role_names[] = { "moderator", "participant",
	"visitor", "none" };
static const char *const aff_names[] = { "owner", "admin", "member",
	"outcast", "none" };
static const char *const show_names[] = { "online", "chat", "away", "xa",
	"dnd" };

static void
occupant_free(struct occupant *o)
{
	g_free(o->status);
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
	g_ptr_array_foreach(r->sorted, (GFunc)(void (*)(void))occupant_free,
	    NULL);
	g_ptr_array_unref(r->sorted);
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
	r->occupants = g_hash_table_new(g_str_hash, g_str_equal);
	r->sorted = g_ptr_array_new();
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
	const char *n = nick != NULL ? g_hash_table_lookup(r->occupants,
	    nick) : NULL;

	return n != NULL ? OCC(n) : NULL;
}

/* 0 moderator, 1 participant, 2 visitor or none. */
int
room_role_rank(const char *role)
{
	return g_strcmp0(role, "moderator") == 0 ? 0 :
	    g_strcmp0(role, "participant") == 0 ? 1 : 2;
}

static unsigned
code_of(const char *const *names, unsigned n, const char *word,
    unsigned other)
{
	unsigned i;

	for (i = 0; word != NULL && i < n; i++)
		if (strcmp(names[i], word) == 0)
			return i;
	return other;
}

const char *
room_role_name(unsigned role)
{
	return role_names[MIN(role, (unsigned)ROLE_NONE)];
}

const char *
room_affiliation_name(unsigned affiliation)
{
	return aff_names[MIN(affiliation, (unsigned)AFF_NONE)];
}

const char *
room_show_name(unsigned show)
{
	return show_names[MIN(show, (unsigned)SHOW_DND)];
}

static int
occupant_cmp(const struct occupant *x, const struct occupant *y)
{
	int c = (int)MIN(x->role, ROLE_VISITOR) - (int)MIN(y->role,
	    ROLE_VISITOR);

	if (c == 0)
		c = strcmp(x->nick + x->key_off, y->nick + y->key_off);
	return c != 0 ? c : strcmp(x->nick, y->nick);
}

static gint
occupant_pcmp(gconstpointer a, gconstpointer b)
{
	return occupant_cmp(*(struct occupant *const *)a,
	    *(struct occupant *const *)b);
}

static void
ensure_sorted(struct room *r)
{
	if (r->unsorted)
		g_ptr_array_sort(r->sorted, occupant_pcmp);
	r->unsorted = false;
}

/* Where o is, or would go, in r->sorted (sorted). */
static guint
sorted_pos(struct room *r, const struct occupant *o)
{
	guint lo = 0, hi = r->sorted->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (occupant_cmp(g_ptr_array_index(r->sorted, mid), o) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
sorted_add(struct room *r, struct occupant *o)
{
	/* The list sent on join: appended, sorted once when first read. */
	if (!r->joined && (r->unsorted || r->sorted->len >= 64)) {
		g_ptr_array_add(r->sorted, o);
		r->unsorted = true;
		return;
	}
	ensure_sorted(r);
	g_ptr_array_insert(r->sorted, (gint)sorted_pos(r, o), o);
}

static void
sorted_remove(struct room *r, const struct occupant *o)
{
	guint i;

	ensure_sorted(r);
	i = sorted_pos(r, o);
	if (i < r->sorted->len && g_ptr_array_index(r->sorted, i) == o)
		g_ptr_array_remove_index(r->sorted, i);
}

/* A new occupant: nick, its sort key when it differs, the real JID. */
static struct occupant *
occupant_new(const char *nick, const char *jid)
{
	g_autofree char *norm = g_utf8_normalize(nick, -1, G_NORMALIZE_ALL);
	g_autofree char *key = norm != NULL ? g_utf8_casefold(norm, -1) : NULL;
	size_t n = strlen(nick) + 1;
	size_t k = key != NULL && strcmp(key, nick) != 0 ? strlen(key) + 1 : 0;
	size_t j = jid != NULL ? strlen(jid) + 1 : 0;
	struct occupant *o = g_malloc0(sizeof(*o) + n + k + j);

	memcpy(o->nick, nick, n);
	if (k > 0 && n <= G_MAXUINT16) {
		memcpy(o->nick + n, key, k);
		o->key_off = (guint16)n;
	}
	if (j > 0) {
		memcpy(o->nick + n + k, jid, j);
		o->jid = o->nick + n + k;
	}
	return o;
}

static void
occupant_add(struct room *r, struct occupant *o)
{
	g_hash_table_add(r->occupants, o->nick);
	sorted_add(r, o);
}

static void
occupant_drop(struct room *r, struct occupant *o)
{
	sorted_remove(r, o);
	g_hash_table_remove(r->occupants, o->nick);
}

/* o again under nick with jid (a new allocation; o is freed). */
static struct occupant *
occupant_remake(struct room *r, struct occupant *o, const char *nick,
    const char *jid)
{
	struct occupant *n = occupant_new(nick, jid);

	occupant_drop(r, o);
	n->last_spoke = o->last_spoke;
	n->status = g_steal_pointer(&o->status);
	n->role = o->role;
	n->affiliation = o->affiliation;
	n->show = o->show;
	occupant_free(o);
	return n;
}

/*
 * Add or update an occupant (NULL arguments keep the old value). Returns
 * it (it may have moved), or NULL when the room is at its size bound.
 */
struct occupant *
room_occupant_set(struct room *r, const char *nick, const char *jid,
    const char *role, const char *affiliation, const char *show,
    const char *status)
{
	struct occupant *o = room_occupant(r, nick);
	bool placed = o != NULL;

	if (o == NULL) {
		if (g_hash_table_size(r->occupants) >= ROOM_OCCUPANTS_MAX)
			return NULL;
		o = occupant_new(nick, jid);
		o->role = ROLE_PARTICIPANT;
		o->affiliation = AFF_NONE;
	} else if (jid != NULL && g_strcmp0(o->jid, jid) != 0) {
		o = occupant_remake(r, o, nick, jid);
		placed = false;
	}
	if (role != NULL && code_of(role_names, G_N_ELEMENTS(role_names), role,
	    ROLE_NONE) != o->role) {
		if (placed)
			sorted_remove(r, o);
		o->role = (guint8)code_of(role_names, G_N_ELEMENTS(role_names),
		    role, ROLE_NONE);
		if (placed)
			sorted_add(r, o);
	}
	if (affiliation != NULL)
		o->affiliation = (guint8)code_of(aff_names,
		    G_N_ELEMENTS(aff_names), affiliation, AFF_NONE);
	o->show = (guint8)code_of(show_names, G_N_ELEMENTS(show_names), show,
	    SHOW_ONLINE);
	g_free(o->status);
	o->status = g_strdup(status);
	if (!placed)
		occupant_add(r, o);
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
	occupant_drop(r, o);
	occupant_free(o);
	r->generation++;
}

/* An occupant changed nick (status 303). */
void
room_occupant_rename(struct room *r, const char *nick, const char *new_nick)
{
	struct occupant *o = room_occupant(r, nick);

	if (o == NULL || strcmp(nick, new_nick) == 0)
		return;
	/* A stale entry under the new nick goes from both views. */
	room_occupant_remove(r, new_nick);
	o = occupant_remake(r, o, new_nick, o->jid);
	occupant_add(r, o);
	r->generation++;
}

/* We left: forget the occupants. */
void
room_clear(struct room *r)
{
	g_hash_table_remove_all(r->occupants);
	g_ptr_array_foreach(r->sorted, (GFunc)(void (*)(void))occupant_free,
	    NULL);
	g_ptr_array_set_size(r->sorted, 0);
	r->unsorted = false;
	r->joined = false;
	r->generation++;
}

/* The occupants (new array of borrowed pointers, in no order). */
GPtrArray *
room_occupants(struct room *r)
{
	GPtrArray *out = g_ptr_array_sized_new(r->sorted->len);
	guint i;

	for (i = 0; i < r->sorted->len; i++)
		g_ptr_array_add(out, g_ptr_array_index(r->sorted, i));
	return out;
}

guint
room_occupant_count(const struct room *r)
{
	return r->sorted->len;
}

/* The i-th occupant by role then nick (borrowed), or NULL. */
struct occupant *
room_sorted_nth(struct room *r, guint i)
{
	ensure_sorted(r);
	return i < r->sorted->len ? g_ptr_array_index(r->sorted, i) : NULL;
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
