/* SPDX-License-Identifier: MIT */
/*
 * One-to-one conversations: the state the protocol needs between messages
 * (XEP-0296 resource locking, the ids that XEP-0308 corrections refer to).
 * core layer: never prints.
 */
#include <string.h>

#include "chat.h"
#include "util/jid.h"

static GHashTable *chats;	/* "account\npeer" -> struct chat */

static void
chat_free(struct chat *c)
{
	g_free(c->account);
	g_free(c->peer);
	g_free(c->locked);
	g_free(c->last_out_id);
	g_free(c->last_in_id);
	g_free(c->last_in_from);
	g_free(c);
}

static char *
key(const char *account, const char *peer)
{
	return g_strdup_printf("%s\n%s", account, peer);
}

/* The conversation, or NULL. */
struct chat *
chat_find(const char *account, const char *peer)
{
	g_autofree char *k = key(account, peer);

	return chats != NULL ? g_hash_table_lookup(chats, k) : NULL;
}

/* The conversation, created when new. */
struct chat *
chat_get(const char *account, const char *peer)
{
	struct chat *c = chat_find(account, peer);

	if (c != NULL)
		return c;
	if (chats == NULL)
		chats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)chat_free);
	c = g_new0(struct chat, 1);
	c->account = g_strdup(account);
	c->peer = g_strdup(peer);
	g_hash_table_replace(chats, key(account, peer), c);
	return c;
}

/*
 * An incoming correction (XEP-0308 §5) is legitimate only when it replaces
 * the last message of the same full JID.
 */
bool
chat_correction_ok(const struct msg *m)
{
	struct chat *c = chat_find(m->account, m->peer);
	g_autofree char *from = NULL;

	if (m->corrects == NULL)
		return true;
	if (c == NULL)
		return false;
	if (m->dir == MSG_OUT)
		return g_strcmp0(c->last_out_id, m->corrects) == 0;
	from = m->resource != NULL ? g_strdup_printf("%s/%s", m->peer,
	    m->resource) : g_strdup(m->peer);
	return g_strcmp0(c->last_in_id, m->corrects) == 0 &&
	    g_strcmp0(c->last_in_from, from) == 0;
}

/* Remember what m means for the conversation (lock, last ids). */
void
chat_note(const struct msg *m)
{
	struct chat *c = chat_get(m->account, m->peer);

	if (m->dir == MSG_OUT) {
		if (m->corrects == NULL) {
			g_free(c->last_out_id);
			c->last_out_id = g_strdup(m->id);
		}
		return;
	}
	if (m->resource != NULL && !m->carbon && !m->delayed) {
		g_free(c->locked);
		c->locked = g_strdup(m->resource);	/* XEP-0296 §3 */
	}
	if (m->corrects == NULL && m->id != NULL) {
		g_free(c->last_in_id);
		c->last_in_id = g_strdup(m->id);
		g_free(c->last_in_from);
		c->last_in_from = m->resource != NULL ? g_strdup_printf("%s/%s",
		    m->peer, m->resource) : g_strdup(m->peer);
	}
}

/* The resource full_jid went away or changed: unlock (XEP-0296 §3). */
void
chat_unlock(const char *account, const char *full_jid)
{
	g_autofree char *bare = jid_bare_of(full_jid);
	const char *slash = strchr(full_jid, '/');
	struct chat *c;

	if (bare == NULL || slash == NULL)
		return;
	c = chat_find(account, bare);
	if (c != NULL && g_strcmp0(c->locked, slash + 1) == 0)
		g_clear_pointer(&c->locked, g_free);
}

/* Forget every conversation. */
void
chats_free(void)
{
	g_clear_pointer(&chats, g_hash_table_unref);
}
