/* SPDX-License-Identifier: MIT */
/*
 * Multi-user chat (XEP-0045): joining and leaving, occupant presence with
 * the status codes of §15.6, room messages, subjects, invitations
 * (mediated §7.8.2 and direct XEP-0249), moderation through muc#admin
 * (§8-9), instant rooms (§10.1.2). Parse -> room model -> event; never
 * prints. Only stanzas from rooms we joined are acted on.
 *   <presence from='room@conf/bob'><x xmlns='http://jabber.org/protocol/muc#user'>
 *     <item affiliation='member' role='participant'/><status code='110'/></x></presence>
 */
#include <stdlib.h>
#include <string.h>

#include "core/events.h"
#include "core/history.h"
#include "core/msg.h"
#include "core/outbox.h"
#include "core/prefs.h"
#include "core/room.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmpp-errors.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_CONFERENCE "jabber:x:conference"
#define NS_DELAY "urn:xmpp:delay"
#define NS_DATA "jabber:x:data"
#define NS_SID "urn:xmpp:sid:0"
#define TEXT_MAX 4096

/* Status codes of an <x xmlns='muc#user'/>, as " 110 201" (new string). */
static char *
codes_of(xmpp_stanza_t *x)
{
	GString *s = g_string_new(NULL);
	xmpp_stanza_t *c;

	for (c = x != NULL ? xmpp_stanza_get_children(x) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *code = xmpp_stanza_get_attribute(c, "code");

		if (g_strcmp0(xmpp_stanza_get_name(c), "status") == 0 &&
		    code != NULL && strlen(code) == 3 && s->len < 64)
			g_string_append_printf(s, "%s%s", s->len ? " " : "",
			    code);
	}
	return g_string_free(s, FALSE);
}

static bool
has_code(const char *codes, const char *code)
{
	g_auto(GStrv) v = g_strsplit(codes, " ", -1);

	return g_strv_contains((const char *const *)v, code);
}

static void
emit_room(struct pconn *pc, enum ev_kind kind, const char *room,
    const char *nick, const char *reason, const char *code)
{
	struct ev ev = { .kind = kind, .account = pc->acc->name };

	ev.u.room.room = room;
	ev.u.room.nick = nick;
	ev.u.room.reason = reason;
	ev.u.room.code = code;
	ev_emit(&ev);
}

static void
emit_occupant(struct pconn *pc, enum ev_kind kind, struct room *r,
    struct occupant *o, const char *nick, const char *new_nick,
    const char *reason, const char *code)
{
	struct ev ev = { .kind = kind, .account = pc->acc->name };

	ev.u.occupant.room = r->jid;
	ev.u.occupant.nick = nick;
	if (o != NULL) {
		ev.u.occupant.jid = o->jid;
		ev.u.occupant.role = room_role_name(o->role);
		ev.u.occupant.affiliation = room_affiliation_name(
		    o->affiliation);
		ev.u.occupant.show = room_show_name(o->show);
		ev.u.occupant.status = o->status;
	}
	ev.u.occupant.new_nick = new_nick;
	ev.u.occupant.reason = reason;
	ev.u.occupant.code = code != NULL && *code != '\0' ? code : NULL;
	ev_emit(&ev);
}

static const char *
left_reason(const char *codes)
{
	if (has_code(codes, "307"))
		return "kicked";
	if (has_code(codes, "301"))
		return "banned";
	if (has_code(codes, "321"))
		return "removed because of an affiliation change";
	if (has_code(codes, "322"))
		return "removed because the room is now members-only";
	if (has_code(codes, "332"))
		return "removed because the service is shutting down";
	return NULL;
}

/* What the user can do about a join refused with condition cond. */
static char *
join_hint(struct room *r, const char *cond)
{
	if (g_strcmp0(cond, "conflict") == 0)
		return g_strdup_printf("the nickname %s is in use; try /join %s "
		    "nick %s_", r->nick, r->jid, r->nick);
	if (g_strcmp0(cond, "not-authorized") == 0)
		return g_strdup_printf("this room needs a password: /join %s "
		    "password PASSWORD", r->jid);
	if (g_strcmp0(cond, "registration-required") == 0)
		return g_strdup("this room is members-only and you are not a "
		    "member");
	if (g_strcmp0(cond, "forbidden") == 0)
		return g_strdup("you are banned from this room");
	if (g_strcmp0(cond, "item-not-found") == 0)
		return g_strdup("the room does not exist or is locked");
	if (g_strcmp0(cond, "service-unavailable") == 0)
		return g_strdup("the room is full or the service is "
		    "unavailable");
	return NULL;
}

/*
 * A join failed: <presence type='error'/> from the room (§7.2.6-7.2.9).
 * The reason gives what to do when we know, then the server's condition,
 * type and words.
 */
static void
join_error(struct pconn *pc, struct room *r, xmpp_stanza_t *st)
{
	struct proto_error e;
	g_autofree char *why = NULL, *hint = NULL, *msg = NULL, *d = NULL;

	proto_error_parse(pc, st, &e);
	why = proto_error_string(&e);
	hint = join_hint(r, e.condition);
	/* no advice of our own: what the condition means, and its cause */
	d = hint == NULL ? xerr_describe(e.condition, "presence", 1) : NULL;
	msg = hint != NULL ? g_strdup_printf("%s [%s]", hint, why) :
	    g_strdup_printf("cannot join: %s%s%s%s", why, d != NULL ? " (" :
	    "", d != NULL ? d : "", d != NULL ? ")" : "");
	room_clear(r);
	emit_room(pc, EV_ROOM_LEFT, r->jid, r->nick, msg, e.condition);
	proto_error_clear(&e);
}

/*
 * A presence error from a room we are in, such as a refused nick change
 * (§7.6.3): we are still in the room, under our old nick.
 */
static void
occupant_error(struct pconn *pc, struct room *r, xmpp_stanza_t *st,
    const char *nick)
{
	g_autofree char *what = nick != NULL && g_strcmp0(nick, r->nick) != 0 ?
	    g_strdup_printf("%s: cannot change your nickname to %s", r->jid,
	    nick) : g_strdup_printf("%s refused your presence", r->jid);

	proto_error_emit(pc, st, what, r->jid);
}

static void
occupant_unavailable(struct pconn *pc, struct room *r, const char *nick,
    xmpp_stanza_t *item, const char *codes, bool self)
{
	g_autofree char *reason = NULL;
	xmpp_stanza_t *rs = item != NULL ?
	    xmpp_stanza_get_child_by_name(item, "reason") : NULL;
	const char *new_nick = item != NULL ?
	    xmpp_stanza_get_attribute(item, "nick") : NULL;
	const char *why = left_reason(codes);

	if (rs != NULL) {
		char *t = xmpp_stanza_get_text(rs);

		reason = t != NULL ? g_utf8_make_valid(t, MIN(strlen(t),
		    TEXT_MAX)) : NULL;
		if (t != NULL)
			xmpp_free(pc->ctx, t);
	}
	if (has_code(codes, "303") && new_nick != NULL) {
		room_occupant_rename(r, nick, new_nick);
		if (self) {
			g_free(r->nick);
			r->nick = g_strdup(new_nick);
		}
		emit_occupant(pc, EV_OCCUPANT_CHANGED, r,
		    room_occupant(r, new_nick), nick, new_nick, NULL, codes);
		return;
	}
	if (self) {
		g_autofree char *msg = why == NULL ? g_strdup("you left") :
		    g_strdup_printf("you were %s%s%s", why,
		    reason != NULL ? ": " : "", reason ? reason : "");

		room_clear(r);
		emit_room(pc, EV_ROOM_LEFT, r->jid, nick, msg, codes);
		return;
	}
	{
		g_autofree char *full = why != NULL && reason != NULL ?
		    g_strdup_printf("%s: %s", why, reason) : g_strdup(why);

		emit_occupant(pc, EV_OCCUPANT_LEFT, r, room_occupant(r, nick),
		    nick, NULL, full, codes);
	}
	room_occupant_remove(r, nick);
}

/* What the self-presence status codes tell the user (§15.6). */
static char *
join_notes(struct room *r, const char *codes, const char *created)
{
	GString *s = g_string_new(created);

	if (r->non_anonymous)
		g_string_append_printf(s, "%severyone can see your real JID",
		    s->len ? "; " : "");
	if (has_code(codes, "170"))
		g_string_append_printf(s, "%sthe room is logged publicly",
		    s->len ? "; " : "");
	if (has_code(codes, "210"))
		g_string_append_printf(s, "%sthe room changed your nick to %s",
		    s->len ? "; " : "", r->nick);
	return g_string_free(s, FALSE);
}

static void
emit_joined(struct pconn *pc, struct room *r, const char *codes,
    const char *created)
{
	g_autofree char *notes = join_notes(r, codes, created);

	emit_room(pc, EV_ROOM_JOINED, r->jid, r->nick,
	    *notes != '\0' ? notes : NULL, codes);
}

/* A room we created, waiting for the answer to its instant-room form. */
struct instant_req {
	char	*account;
	char	*room;
	char	*codes;
};

static void
instant_done(GPtrArray *items, const char *error, void *data)
{
	struct instant_req *q = data;
	struct pconn *pc = proto_online(q->account, NULL);
	struct room *r = pc != NULL ? room_find(q->account, q->room) : NULL;
	g_autofree char *why = NULL;

	if (r != NULL && r->joined) {	/* else the session ended */
		why = error == NULL ? NULL : g_strdup_printf("the room was "
		    "created but not opened to others (%s): /room accept "
		    "opens it, /room config configures it", error);
		emit_joined(pc, r, q->codes, error == NULL ? "the room was "
		    "created with the service's default configuration "
		    "(/room config changes it)" : why);
	}
	g_free(q->account);
	g_free(q->room);
	g_free(q->codes);
	g_free(q);
}

/*
 * We created r (status 201). With muc.create instant, submit the instant
 * room form (§10.1.2) and tell of the join once the room answers: a
 * service that locks new rooms keeps others out until then. True when
 * the join is told later.
 */
static bool
created(struct pconn *pc, struct room *r, const char *codes)
{
	struct instant_req *q;
	g_autoptr(GError) err = NULL;

	if (strcmp(prefs_get("muc.create"), "instant") != 0)
		return false;
	q = g_new0(struct instant_req, 1);
	q->account = g_strdup(pc->acc->name);
	q->room = g_strdup(r->jid);
	q->codes = g_strdup(codes);
	if (!proto_muc_owner(pc->acc, r->jid, false, NULL, instant_done, q,
	    &err))
		instant_done(NULL, err->message, q);
	return true;
}

static void
self_joined(struct pconn *pc, struct room *r, const char *codes)
{
	r->joined = true;
	proto_muc_ping_watch(pc, r->jid);	/* XEP-0410 */
	if (!has_code(codes, "201")) {
		emit_joined(pc, r, codes, NULL);
		proto_mam_catch_up(pc, r->jid);	/* XEP-0313 §6 */
		return;
	}
	if (!created(pc, r, codes))
		emit_joined(pc, r, codes, "the room was created and waits for "
		    "its configuration: /room config configures it, /room "
		    "accept takes the defaults (the service may keep others "
		    "out until then)");
}

static void
occupant_available(struct pconn *pc, struct room *r, xmpp_stanza_t *st,
    const char *nick, xmpp_stanza_t *item, const char *codes, bool self)
{
	g_autofree char *show = proto_child_text(pc, st, "show", 16);
	g_autofree char *status = proto_child_text(pc, st, "status",
	    TEXT_MAX);
	bool known = room_occupant(r, nick) != NULL;
	const char *real = item != NULL ? xmpp_stanza_get_attribute(item,
	    "jid") : NULL;
	struct occupant *o = room_occupant_set(r, nick,
	    real != NULL && jid_is_valid(real) ? real : NULL,
	    item != NULL ? xmpp_stanza_get_attribute(item, "role") : NULL,
	    item != NULL ? xmpp_stanza_get_attribute(item, "affiliation") :
	    NULL, show, status);

	if (o == NULL)
		return;
	if (has_code(codes, "100") || has_code(codes, "172"))
		r->non_anonymous = true;
	emit_occupant(pc, known ? EV_OCCUPANT_CHANGED : EV_OCCUPANT_JOINED, r,
	    o, nick, NULL, NULL, codes);
	if (self && !r->joined)
		self_joined(pc, r, codes);
}

/*
 * Presence from a room we are in or joining. True when it was one (and
 * handled), false for any other presence.
 */
bool
proto_muc_presence_in(struct pconn *pc, xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	JID_AUTO j = from != NULL ? jid_parse(from, NULL) : NULL;
	g_autofree char *bare = j != NULL ? jid_bare(j) : NULL;
	struct room *r = bare != NULL ? room_find(pc->acc->name, bare) : NULL;
	xmpp_stanza_t *x, *item;
	g_autofree char *codes = NULL;
	bool self;

	if (r == NULL)
		return false;
	proto_muc_ping_heard(pc, r->jid);
	if (g_strcmp0(type, "error") == 0) {
		if (r->joined)
			occupant_error(pc, r, st, j->resource);
		else
			join_error(pc, r, st);
		return true;
	}
	if (j->resource == NULL)
		return true;
	x = xmpp_stanza_get_child_by_ns(st, NS_MUC_USER);
	item = x != NULL ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
	codes = codes_of(x);
	self = has_code(codes, "110") || g_strcmp0(j->resource, r->nick) == 0;
	if (self && g_strcmp0(j->resource, r->nick) != 0 &&
	    g_strcmp0(type, "unavailable") != 0) {
		g_free(r->nick);	/* §7.2.9: the room assigned our nick */
		r->nick = g_strdup(j->resource);
	}
	if (g_strcmp0(type, "unavailable") == 0)
		occupant_unavailable(pc, r, j->resource, item, codes, self);
	else if (type == NULL)
		occupant_available(pc, r, st, j->resource, item, codes, self);
	return true;
}

static void
store(struct pconn *pc, struct room *r, const char *nick, const char *body,
    const char *id, const char *stanza_id, gint64 time)
{
	bool own = g_strcmp0(nick, r->nick) == 0;
	struct msg *m;
	g_autoptr(GError) err = NULL;

	/* Our own message, echoed: stored when it was typed (outbox). */
	if (own && outbox_holds(pc->acc->name, id))
		return;
	m = msg_new(own ? MSG_OUT : MSG_IN, pc->acc->name, r->jid, body);
	m->resource = g_strdup(nick);
	g_free(m->type);
	m->type = g_strdup("groupchat");
	m->id = g_strdup(id);
	m->stanza_id = g_strdup(stanza_id);
	m->time = time;
	if (!history_store(m, &err))
		ev_emit_text(EV_ERROR, pc->acc->name, "%s", err->message);
	msg_free(m);
}

/* XEP-0359: the room's archive id of a message (only the room's own). */
static char *
room_stanza_id(struct room *r, xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (g_strcmp0(xmpp_stanza_get_name(c), "stanza-id") == 0 &&
		    g_strcmp0(xmpp_stanza_get_ns(c), NS_SID) == 0 &&
		    jid_bare_equal(r->jid, xmpp_stanza_get_attribute(c, "by")))
			return g_strdup(xmpp_stanza_get_attribute(c, "id"));
	return NULL;
}

/* True when the message with archive id sid is in r's history already. */
static bool
room_seen(struct pconn *pc, struct room *r, const char *sid)
{
	struct msg *m = msg_new(MSG_IN, pc->acc->name, r->jid, NULL);
	bool seen;

	m->stanza_id = g_strdup(sid);
	seen = history_seen(m, false);
	msg_free(m);
	return seen;
}

/* Microseconds of the original time: the archive's or the delay's. */
static gint64
room_time(xmpp_stanza_t *st, const struct proto_archived *a)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_ns(st, NS_DELAY);
	const char *stamp = d != NULL ? xmpp_stanza_get_attribute(d, "stamp") :
	    NULL;
	g_autoptr(GDateTime) t = NULL;

	if (a != NULL && a->time != 0)
		return a->time;
	t = stamp != NULL ? g_date_time_new_from_iso8601(stamp, NULL) : NULL;
	return t != NULL ? g_date_time_to_unix(t) * G_USEC_PER_SEC : 0;
}

/*
 * A room message: live, from the history sent on join (delayed), or from
 * the room's archive (a). One with an archive id is shown and stored once
 * (XEP-0313 catch-up after the join history); a delayed one without is
 * shown and not stored, as it may be stored already.
 */
static void
room_message(struct pconn *pc, struct room *r, xmpp_stanza_t *st,
    const char *nick, const struct proto_archived *a)
{
	g_autofree char *body = proto_child_text(pc, st, "body", G_MAXSIZE);
	g_autofree char *subject = proto_child_text(pc, st, "subject",
	    TEXT_MAX);
	g_autofree char *sid = a != NULL ? g_strdup(a->id) :
	    room_stanza_id(r, st);
	g_autofree char *stamp = NULL;
	gint64 when = room_time(st, a);
	struct ev ev = { .kind = EV_ROOM_MESSAGE, .account = pc->acc->name };
	struct occupant *o;

	if (subject != NULL && body == NULL && a == NULL) {	/* §8.1 */
		g_free(r->subject);
		r->subject = g_strdup(subject);
		emit_room(pc, EV_ROOM_SUBJECT, r->jid, nick, subject, NULL);
		return;
	}
	if (body == NULL)
		return;
	if (a == NULL && sid != NULL)
		proto_mam_heard(pc, r->jid, sid);
	if (sid != NULL && room_seen(pc, r, sid)) {
		log_debug("%s: %s message %s is stored already; not shown "
		    "again", pc->acc->name, r->jid, sid);
		return;
	}
	o = nick != NULL ? room_occupant(r, nick) : NULL;
	if (o != NULL && when == 0)
		o->last_spoke = g_get_real_time();
	if (when == 0 || sid != NULL)
		store(pc, r, nick, body, xmpp_stanza_get_id(st), sid,
		    when != 0 ? when : g_get_real_time());
	if (when != 0) {
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(
		    when / G_USEC_PER_SEC);

		ev.time = when;
		stamp = g_date_time_format_iso8601(t);
	}
	ev.u.room_message.room = r->jid;
	ev.u.room_message.nick = nick != NULL ? nick : "";
	ev.u.room_message.body = body;
	ev.u.room_message.id = xmpp_stanza_get_id(st);
	ev.u.room_message.delay = stamp;
	ev.u.room_message.mention = g_strcmp0(nick, r->nick) != 0 &&
	    room_mentions(r, body, prefs_get("muc.highlight")) ? "yes" : NULL;
	ev_emit(&ev);
}

/*
 * A message from the archive of room (XEP-0313 §6, caught up after the
 * join): it must be a groupchat message of that room. True when it was
 * stored already (from the history sent on join, or an earlier session).
 */
bool
proto_muc_archived(struct pconn *pc, const char *room, xmpp_stanza_t *inner,
    const struct proto_archived *a)
{
	struct room *r = room_find(pc->acc->name, room);
	const char *from = xmpp_stanza_get_from(inner);
	JID_AUTO j = from != NULL ? jid_parse(from, NULL) : NULL;

	g_return_val_if_fail(a != NULL, false);
	if (r == NULL || !r->joined || j == NULL || !jid_bare_equal(from,
	    room) || g_strcmp0(xmpp_stanza_get_type(inner), "groupchat") != 0)
		return false;
	if (room_seen(pc, r, a->id))
		return true;
	room_message(pc, r, inner, j->resource, a);
	return false;
}

static bool
invitation(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(st, NS_MUC_USER);
	xmpp_stanza_t *inv = x != NULL ? xmpp_stanza_get_child_by_name(x,
	    "invite") : NULL;
	xmpp_stanza_t *direct = xmpp_stanza_get_child_by_ns(st, NS_CONFERENCE);
	struct ev ev = { .kind = EV_INVITATION, .account = pc->acc->name };
	g_autofree char *reason = NULL, *password = NULL;
	const char *room, *from;

	if (inv != NULL) {		/* mediated, from the room */
		room = xmpp_stanza_get_from(st);
		from = xmpp_stanza_get_attribute(inv, "from");
		reason = proto_child_text(pc, inv, "reason", TEXT_MAX);
		password = proto_child_text(pc, x, "password", TEXT_MAX);
	} else if (direct != NULL) {	/* XEP-0249 */
		room = xmpp_stanza_get_attribute(direct, "jid");
		from = xmpp_stanza_get_from(st);
		reason = g_strdup(xmpp_stanza_get_attribute(direct, "reason"));
		password = g_strdup(xmpp_stanza_get_attribute(direct,
		    "password"));
	} else {
		return false;
	}
	if (room == NULL || !jid_is_valid(room))
		return true;
	ev.u.invitation.room = room;
	ev.u.invitation.from = from;
	ev.u.invitation.reason = reason;
	ev.u.invitation.password = password;
	ev_emit(&ev);
	return true;
}

/*
 * Messages for the MUC code: groupchat from rooms we are in, and
 * invitations. True when handled.
 */
bool
proto_muc_message_in(struct pconn *pc, xmpp_stanza_t *st)
{
	const char *from = xmpp_stanza_get_from(st);
	JID_AUTO j = from != NULL ? jid_parse(from, NULL) : NULL;
	g_autofree char *bare = j != NULL ? jid_bare(j) : NULL;
	struct room *r = bare != NULL ? room_find(pc->acc->name, bare) : NULL;

	if (g_strcmp0(xmpp_stanza_get_type(st), "groupchat") == 0) {
		if (r != NULL)
			proto_muc_ping_heard(pc, r->jid);
		if (r != NULL)
			room_message(pc, r, st, j->resource, NULL);
		else
			log_info("%s: groupchat from %s, a room we are not "
			    "in; ignored", pc->acc->name, from);
		return true;
	}
	if (g_strcmp0(xmpp_stanza_get_type(st), "error") != 0 &&
	    invitation(pc, st))
		return true;
	return false;
}

/* Join (or rejoin) room as nick; the result comes as events. */
bool
proto_muc_join(struct account *acc, const char *room, const char *nick,
    const char *password, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	g_autofree char *to = NULL;
	xmpp_stanza_t *p, *x, *h;
	struct room *r;

	if (pc == NULL)
		return false;
	r = room_get(acc->name, room);
	g_free(r->nick);
	r->nick = g_strdup(nick);
	if (password != NULL) {
		g_free(r->password);
		r->password = g_strdup(password);
	}
	to = g_strdup_printf("%s/%s", room, nick);
	p = xmpp_presence_new(pc->ctx);
	xmpp_stanza_set_to(p, to);
	x = proto_new_child(pc->ctx, p, "x", NS_MUC);
	h = proto_new_child(pc->ctx, x, "history", NULL);
	xmpp_stanza_set_attribute(h, "maxstanzas", "50");
	if (r->password != NULL)
		proto_add_text_child(pc->ctx, x, "password", r->password);
	proto_presence_add_show(pc, p);
	proto_disco_add_caps(pc, p);
	proto_send(pc, p);
	xmpp_stanza_release(p);
	return true;
}

/* The room if we are in it, else NULL with error. */
struct room *
proto_muc_joined(struct account *acc, const char *room, GError **error)
{
	struct room *r = room_find(acc->name, room);

	if (r == NULL || !r->joined) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "you are not in %s", room);
		return NULL;
	}
	return r;
}

/* Leave room with an optional reason (§7.14). */
bool
proto_muc_leave(struct account *acc, const char *room, const char *reason,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	struct room *r = pc != NULL ? room_find(acc->name, room) : NULL;
	g_autofree char *to = NULL;
	xmpp_stanza_t *p;

	if (pc == NULL)
		return false;
	if (r == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "you are not in %s", room);
		return false;
	}
	to = g_strdup_printf("%s/%s", room, r->nick);
	p = xmpp_presence_new(pc->ctx);
	xmpp_stanza_set_type(p, "unavailable");
	xmpp_stanza_set_to(p, to);
	if (reason != NULL && *reason != '\0')
		proto_add_text_child(pc->ctx, p, "status", reason);
	proto_send(pc, p);
	xmpp_stanza_release(p);
	if (!r->joined)
		room_remove(acc->name, room);	/* never got in */
	return true;
}

/* Change our nick in room (§7.6). */
bool
proto_muc_nick(struct account *acc, const char *room, const char *nick,
    GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	g_autofree char *to = NULL;
	xmpp_stanza_t *p;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	to = g_strdup_printf("%s/%s", room, nick);
	p = xmpp_presence_new(pc->ctx);
	xmpp_stanza_set_to(p, to);
	proto_send(pc, p);
	xmpp_stanza_release(p);
	return true;
}

static bool
send_groupchat(struct account *acc, const char *room, const char *body,
    const char *subject, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *m;
	char *id;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	id = xmpp_uuid_gen(pc->ctx);
	m = xmpp_message_new(pc->ctx, "groupchat", room, id);
	xmpp_free(pc->ctx, id);
	if (body != NULL)
		xmpp_message_set_body(m, body);
	if (subject != NULL)
		proto_add_text_child(pc->ctx, m, "subject", subject);
	proto_send(pc, m);
	xmpp_stanza_release(m);
	return true;
}

/* Set the subject of room (§8.1). */
bool
proto_muc_topic(struct account *acc, const char *room, const char *subject,
    GError **error)
{
	return send_groupchat(acc, room, NULL, subject, error);
}

/* Invite jid through the room (mediated, §7.8.2). */
bool
proto_muc_invite(struct account *acc, const char *room, const char *jid,
    const char *reason, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *m, *x, *inv;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	if (!jid_is_valid(jid)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid JID", jid);
		return false;
	}
	m = xmpp_message_new(pc->ctx, NULL, room, NULL);
	x = proto_new_child(pc->ctx, m, "x", NS_MUC_USER);
	inv = proto_new_child(pc->ctx, x, "invite", NULL);
	xmpp_stanza_set_attribute(inv, "to", jid);
	if (reason != NULL && *reason != '\0')
		proto_add_text_child(pc->ctx, inv, "reason", reason);
	proto_send(pc, m);
	xmpp_stanza_release(m);
	return true;
}

/* Our nick in room, or NULL when we are not in it. */
const char *
proto_muc_own_nick(struct account *acc, const char *room)
{
	struct room *r = room_find(acc->name, room);

	return r != NULL && r->joined ? r->nick : NULL;
}

/*
 * The session ended: we are in no room any more (the rooms stay in the
 * model, so a new session joins them again).
 */
void
proto_muc_session_ended(struct pconn *pc)
{
	g_autoptr(GPtrArray) l = rooms_of(pc->acc->name);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct room *r = g_ptr_array_index(l, i);

		proto_muc_ping_forget(pc->acc->name, r->jid);
		if (r->joined) {
			room_clear(r);
			emit_room(pc, EV_ROOM_LEFT, r->jid, r->nick,
			    "disconnected; the room is joined again on the "
			    "next login", "disconnected");
		}
	}
}

/* The session was resumed: its rooms are still joined; watch them again. */
void
proto_muc_session_resumed(struct pconn *pc)
{
	g_autoptr(GPtrArray) l = rooms_of(pc->acc->name);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct room *r = g_ptr_array_index(l, i);

		if (r->joined)
			proto_muc_ping_watch(pc, r->jid);
	}
}

/* Our presence changed: tell every room we are in (XEP-0045 §7.7). */
void
proto_muc_send_presence(struct pconn *pc)
{
	g_autoptr(GPtrArray) l = rooms_of(pc->acc->name);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct room *r = g_ptr_array_index(l, i);
		g_autofree char *to = NULL;
		xmpp_stanza_t *p;

		if (!r->joined)
			continue;
		to = g_strdup_printf("%s/%s", r->jid, r->nick);
		p = xmpp_presence_new(pc->ctx);
		xmpp_stanza_set_to(p, to);
		proto_presence_add_show(pc, p);
		proto_disco_add_caps(pc, p);
		proto_send(pc, p);
		xmpp_stanza_release(p);
	}
}

/* After a new session: join again every room we were in (§7.2). */
void
proto_muc_rejoin(struct pconn *pc)
{
	g_autoptr(GPtrArray) l = rooms_of(pc->acc->name);
	guint i;

	for (i = 0; i < l->len; i++) {
		struct room *r = g_ptr_array_index(l, i);
		g_autofree char *jid = g_strdup(r->jid);
		g_autofree char *nick = g_strdup(r->nick);
		GError *err = NULL;

		room_clear(r);
		if (!proto_muc_join(pc->acc, jid, nick, NULL, &err))
			g_clear_error(&err);
	}
}

struct proto_waiter {
	proto_ready_fn	*fn;
	void		*data;
};

/* Discovery finished: run what waited for it. */
static void
discovered(struct pconn *pc)
{
	g_autoptr(GPtrArray) w = g_steal_pointer(&pc->disco_waiters);
	guint i;

	for (i = 0; w != NULL && i < w->len; i++) {
		struct proto_waiter *x = g_ptr_array_index(w, i);

		x->fn(x->data);
	}
}

static void
disco_answered(struct pconn *pc)
{
	if (pc->disco_pending > 0 && --pc->disco_pending == 0)
		discovered(pc);
}

/* The session ended with discovery requests open. */
static void
info_lost(void *data)
{
	g_free(data);
}

static void
info_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	char *jid = data;
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply,
	    "http://jabber.org/protocol/disco#info");
	xmpp_stanza_t *c;

	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		if (g_strcmp0(xmpp_stanza_get_name(c), "identity") == 0 &&
		    g_strcmp0(xmpp_stanza_get_attribute(c, "category"),
		    "conference") == 0 && pc->muc_service == NULL) {
			pc->muc_service = g_strdup(jid);
			log_info("%s: conference service %s", pc->acc->name,
			    jid);
		}
	}
	g_free(jid);
	disco_answered(pc);
}

static void
items_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply,
	    "http://jabber.org/protocol/disco#items");
	xmpp_stanza_t *c;
	int n = 0;

	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL;
	    c != NULL && n < 32; c = xmpp_stanza_get_next(c), n++) {
		const char *jid = xmpp_stanza_get_attribute(c, "jid");
		xmpp_stanza_t *iq;

		if (jid == NULL || !jid_is_valid(jid))
			continue;
		iq = xmpp_iq_new(pc->ctx, "get", NULL);
		proto_new_child(pc->ctx, iq, "query",
		    "http://jabber.org/protocol/disco#info");
		pc->disco_pending++;
		proto_iq_send(pc, iq, jid, info_result, g_strdup(jid),
		    info_lost);
		xmpp_stanza_release(iq);
	}
	disco_answered(pc);	/* the items request itself */
}

/*
 * Find the account's conference service: disco#items of our domain, then
 * disco#info of each item for a "conference" identity (XEP-0045 §6.1).
 */
void
proto_muc_discover(struct pconn *pc)
{
	JID_AUTO j = jid_parse(account_get(pc->acc, "jid"), NULL);
	xmpp_stanza_t *iq;

	if (j == NULL)
		return;
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	proto_new_child(pc->ctx, iq, "query", "http://jabber.org/protocol/disco#items");
	pc->disco_pending = 1;
	proto_iq_send(pc, iq, j->domain, items_result, NULL, NULL);
	xmpp_stanza_release(iq);
}

/*
 * The session ended: the service found is forgotten and the waiters run
 * now (they find no service).
 */
void
proto_muc_discovery_ended(struct pconn *pc)
{
	g_clear_pointer(&pc->muc_service, g_free);
	pc->disco_pending = 0;
	discovered(pc);
}

static void
waiter_free(struct proto_waiter *w)
{
	g_free(w);
}

/*
 * Call fn(data) once the conference service discovery of acc has ended
 * (at once when it has, or when acc is not connected).
 */
void
proto_muc_when_discovered(struct account *acc, proto_ready_fn *fn,
    void *data)
{
	struct pconn *pc = acc->proto;
	struct proto_waiter *w;

	if (pc == NULL || !pc->online || pc->disco_pending == 0) {
		fn(data);
		return;
	}
	if (pc->disco_waiters == NULL)
		pc->disco_waiters = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)waiter_free);
	w = g_new0(struct proto_waiter, 1);
	w->fn = fn;
	w->data = data;
	g_ptr_array_add(pc->disco_waiters, w);
}

/* The discovered conference service of acc (borrowed), or NULL. */
const char *
proto_muc_service(struct account *acc)
{
	struct pconn *pc = acc->proto;

	return pc != NULL ? pc->muc_service : NULL;
}
