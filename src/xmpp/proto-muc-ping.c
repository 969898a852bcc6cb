/* SPDX-License-Identifier: MIT */
/*
 * Room self-ping (XEP-0410): a room we are in can forget us without
 * telling (its service restarted, a presence got lost), and we would sit
 * in a silent room forever. While a joined room has been quiet for
 * muc.self_ping seconds, natter pings its own occupant JID; an error that
 * says we are not an occupant any more makes it join the room again (and
 * so catch up from the room's archive). One loop timer per joined room,
 * firing at most once per interval; anything heard from the room counts
 * as proof that we are in it. xmpp layer; never prints.
 *   <iq type='get' to='room@conf/ournick' id='p1'>
 *     <ping xmlns='urn:xmpp:ping'/></iq>
 */
#include <string.h>

#include "core/events.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "core/room.h"
#include "proto-internal.h"
#include "util/log.h"

#define NS_PING "urn:xmpp:ping"

/*
 * One joined room watched. Owned by watches (key "account\nroom"); the
 * timer is cancelled when the watch goes. A ping's answer finds its watch
 * again by key, so a watch may go while its ping is out.
 */
struct watch {
	char	*key;		/* owned */
	char	*account;	/* owned */
	char	*room;		/* owned */
	guint	 timer;
	gint64	 heard_ms;	/* last stanza from the room */
	bool	 pending;	/* a ping is out */
};

static GHashTable *watches;

static void
watch_free(struct watch *w)
{
	if (w->timer != 0)
		loop_remove_timer(w->timer);
	g_free(w->key);
	g_free(w->account);
	g_free(w->room);
	g_free(w);
}

static char *
key_of(const char *account, const char *room)
{
	return g_strdup_printf("%s\n%s", account, room);
}

static struct watch *
find(const char *account, const char *room)
{
	g_autofree char *key = key_of(account, room);

	return watches != NULL ? g_hash_table_lookup(watches, key) : NULL;
}

static gint64
interval_ms(void)
{
	return prefs_get_int("muc.self_ping") * 1000;
}

static void watch_cb(void *data);

static void
schedule(struct watch *w, gint64 ms)
{
	w->timer = loop_add_timer(ms, watch_cb, w);
}

/* XEP-0410 §3.2: what an error answer says about our being in the room. */
static bool
still_joined(const char *condition)
{
	static const char *const joined[] = { "service-unavailable",
		"feature-not-implemented", "item-not-found", NULL };

	return condition != NULL && g_strv_contains(joined, condition);
}

/* No decision: the room's server is unreachable, or no answer in time. */
static bool
undecided(xmpp_stanza_t *reply, const char *condition)
{
	return proto_iq_timed_out(reply) ||
	    g_strcmp0(condition, "remote-server-not-found") == 0 ||
	    g_strcmp0(condition, "remote-server-timeout") == 0;
}

/* The room has forgotten us: say so and join it again. */
static void
rejoin(struct pconn *pc, struct room *r, const char *condition)
{
	struct ev ev = { .kind = EV_ROOM_LEFT, .account = pc->acc->name };
	g_autofree char *jid = g_strdup(r->jid), *nick = g_strdup(r->nick);
	g_autofree char *why = g_strdup_printf("the room no longer counts you "
	    "in (%s); joining it again", condition);
	g_autoptr(GError) err = NULL;

	proto_muc_ping_forget(pc->acc->name, jid);
	room_clear(r);
	ev.u.room.room = jid;
	ev.u.room.nick = nick;
	ev.u.room.reason = why;
	ev.u.room.code = "self-ping";
	ev_emit(&ev);
	if (!proto_muc_join(pc->acc, jid, nick, NULL, &err))
		log_warn("%s: cannot join %s again: %s", pc->acc->name, jid,
		    err->message);
}

static void
answered(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	const char *key = data;
	struct watch *w = watches != NULL ? g_hash_table_lookup(watches, key) :
	    NULL;
	struct room *r = w != NULL ? room_find(w->account, w->room) : NULL;
	struct proto_error e;

	if (w == NULL || r == NULL || !r->joined) {
		g_free(data);
		return;
	}
	w->pending = false;
	proto_error_parse(pc, reply, &e);
	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0 ||
	    still_joined(e.condition)) {
		w->heard_ms = loop_now_ms();
	} else if (undecided(reply, e.condition)) {
		log_info("%s: self-ping of %s: no answer (%s); trying again "
		    "later", pc->acc->name, r->jid, e.condition);
	} else {
		rejoin(pc, r, e.condition != NULL ? e.condition : "error");
	}
	proto_error_clear(&e);
	g_free(data);
}

static void
send_ping(struct pconn *pc, struct watch *w, struct room *r)
{
	g_autofree char *to = g_strdup_printf("%s/%s", r->jid, r->nick);
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "get", NULL);

	proto_new_child(pc->ctx, iq, "ping", NS_PING);
	w->pending = true;
	proto_iq_send(pc, iq, to, answered, g_strdup(w->key), g_free);
	xmpp_stanza_release(iq);
}

/* A watched room's timer: ping it if it has been quiet long enough. */
static void
watch_cb(void *data)
{
	struct watch *w = data;
	struct pconn *pc = proto_online(w->account, NULL);
	struct room *r = pc != NULL ? room_find(w->account, w->room) : NULL;
	gint64 quiet = loop_now_ms() - w->heard_ms;
	gint64 interval = interval_ms();

	w->timer = 0;
	if (r == NULL || !r->joined || interval <= 0) {
		g_hash_table_remove(watches, w->key);
		return;
	}
	if (quiet < interval) {
		schedule(w, interval - quiet);
		return;
	}
	if (!w->pending)
		send_ping(pc, w, r);
	schedule(w, interval);
}

/* Start watching room (just joined) with XEP-0410 self-pings. */
void
proto_muc_ping_watch(struct pconn *pc, const char *room)
{
	struct watch *w;

	g_return_if_fail(pc != NULL && room != NULL);
	if (interval_ms() <= 0)
		return;
	if (watches == NULL)
		watches = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		    (GDestroyNotify)watch_free);
	w = g_new0(struct watch, 1);
	w->key = key_of(pc->acc->name, room);
	w->account = g_strdup(pc->acc->name);
	w->room = g_strdup(room);
	w->heard_ms = loop_now_ms();
	g_hash_table_replace(watches, w->key, w);
	schedule(w, interval_ms());
}

/* Something came from room: it still knows us, no ping needed yet. */
void
proto_muc_ping_heard(struct pconn *pc, const char *room)
{
	struct watch *w = find(pc->acc->name, room);

	if (w != NULL)
		w->heard_ms = loop_now_ms();
}

/* Stop watching room of account (NULL: every room of account). */
void
proto_muc_ping_forget(const char *account, const char *room)
{
	GHashTableIter it;
	struct watch *w;

	if (watches == NULL)
		return;
	g_hash_table_iter_init(&it, watches);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&w))
		if (strcmp(w->account, account) == 0 && (room == NULL ||
		    strcmp(w->room, room) == 0))
			g_hash_table_iter_remove(&it);
}
