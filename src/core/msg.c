/* SPDX-License-Identifier: MIT */
/*
 * The message pipeline (STYLE §3): explicit stages, run in order, for
 * every incoming and outgoing one-to-one message, and every outgoing room
 * message. An outgoing message gets its ids, is stored, shown, and handed
 * to the outbox (outbox.c), which sends it when it can and follows it
 * until the server confirms it. OTR (otr.c) is the encrypt and decrypt
 * stage: body stays the plain text the user sees, the ciphertext travels
 * in wire_body. core layer: never prints.
 */
#include <string.h>

#include "chat.h"
#include "events.h"
#include "history.h"
#include "msg.h"
#include "otr.h"
#include "outbox.h"
#include "prefs.h"
#include "util/errors.h"
#include "util/log.h"

#define MSG_BODY_MAX (256 * 1024)

/* A new message; strings are copied. Free with msg_free(). */
struct msg *
msg_new(enum msg_dir dir, const char *account, const char *peer,
    const char *body)
{
	struct msg *m = g_new0(struct msg, 1);

	m->dir = dir;
	m->account = g_strdup(account);
	m->peer = g_strdup(peer);
	m->body = g_strdup(body != NULL ? body : "");
	m->type = g_strdup("chat");
	m->time = g_get_real_time();
	return m;
}

/* Free a message; NULL is a no-op. */
void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	g_free(m->account);
	g_free(m->peer);
	g_free(m->resource);
	g_free(m->type);
	g_free(m->body);
	g_free(m->id);
	g_free(m->origin_id);
	g_free(m->stanza_id);
	g_free(m->corrects);
	g_free(m->encryption);
	g_free(m->wire_body);
	g_free(m);
}

static bool
stage_check(struct msg *m, GError **error)
{
	if (strlen(m->body) > MSG_BODY_MAX) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "message of %zu "
		    "bytes is over the %d byte limit", strlen(m->body),
		    MSG_BODY_MAX);
		return false;
	}
	if (m->dir == MSG_IN && !chat_correction_ok(m)) {
		log_warn("%s: ignoring a correction from %s/%s of a message "
		    "it did not send", m->account, m->peer,
		    m->resource ? m->resource : "");
		g_clear_pointer(&m->corrects, g_free);	/* shown as new */
	}
	return true;
}

/* True for a message to a room (type groupchat). */
bool
msg_is_room(const struct msg *m)
{
	g_return_val_if_fail(m != NULL, false);
	return g_strcmp0(m->type, "groupchat") == 0;
}

/* The ids it keeps for life (XEP-0359 origin-id = stanza id). */
static bool
stage_ids(struct msg *m, GError **error)
{
	struct chat *c = msg_is_room(m) ? NULL : chat_get(m->account, m->peer);

	if (c != NULL && m->resource == NULL && c->locked != NULL)
		m->resource = g_strdup(c->locked);
	if (m->id == NULL)
		m->id = g_uuid_string_random();
	if (m->origin_id == NULL)
		m->origin_id = g_strdup(m->id);
	return true;
}

/* Into the outbox: sent now if it can go, else when it can. */
static bool
stage_queue(struct msg *m, GError **error)
{
	outbox_add(m);
	return true;
}

/*
 * A message already stored is not shown or stored again: one the server
 * archived (stanza-id) that came live and again from the archive or as
 * offline storage, or one of ours the archive gives back (origin-id).
 * Stops the message without an error.
 */
static bool
stage_dedup(struct msg *m, GError **error)
{
	/* Delayed: delivered again from offline storage (a server that
	 * ended a session with stanzas it held no ack for): by its ids. */
	bool by_ids = m->archived || m->delayed;

	if (m->stanza_id == NULL && !by_ids)
		return true;
	if (!history_seen(m, by_ids))
		return true;
	log_debug("%s: message %s with %s is stored already; not shown again",
	    m->account, m->stanza_id != NULL ? m->stanza_id : m->id, m->peer);
	return false;
}

/* OTR stage: see otr_encrypt() and otr_decrypt(). */
static bool
stage_encrypt(struct msg *m, GError **error)
{
	return otr_encrypt(m, error);
}

static bool
stage_decrypt(struct msg *m, GError **error)
{
	return otr_decrypt(m, error);
}

/* PRODUCT §8: what was said privately is kept only when asked for. */
static bool
stage_store(struct msg *m, GError **error)
{
	g_autoptr(GError) err = NULL;

	if (m->encryption != NULL && !prefs_get_bool("history.otr"))
		return true;
	if (!history_store(m, &err))
		ev_emit_text(EV_ERROR, m->account, "%s", err->message);
	return true;	/* a history failure never loses the message */
}

static bool
stage_model(struct msg *m, GError **error)
{
	if (msg_is_room(m))
		return true;	/* the room model follows the room's echo */
	chat_note(m);
	return true;
}

static bool
stage_emit(struct msg *m, GError **error)
{
	struct ev ev = { .account = m->account, .time = m->time };
	g_autofree char *full = m->resource != NULL ?
	    g_strdup_printf("%s/%s", m->peer, m->resource) : g_strdup(m->peer);
	g_autofree char *delay = NULL;

	if (msg_is_room(m))
		return true;	/* shown as a room-message when echoed */
	ev.kind = m->dir == MSG_IN ? EV_MSG_RECEIVED : EV_MSG_SENT;
	if (m->delayed) {
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(
		    m->time / G_USEC_PER_SEC);

		delay = g_date_time_format_iso8601(t);
	}
	ev.u.message.from = m->dir == MSG_IN ? full : NULL;
	ev.u.message.to = m->dir == MSG_OUT ? full : NULL;
	ev.u.message.body = m->body;
	ev.u.message.type = m->type;
	ev.u.message.id = m->id;
	ev.u.message.delay = delay;
	ev.u.message.carbon = m->carbon ? "yes" : NULL;
	ev.u.message.corrects = m->corrects;
	ev.u.message.encryption = m->encryption;
	ev_emit(&ev);
	return true;
}

static const struct msg_stage stages_in[] = {
	{ "check", stage_check },
	{ "decrypt", stage_decrypt },
	{ "dedup", stage_dedup },
	{ "store", stage_store },
	{ "model", stage_model },
	{ "emit", stage_emit },
	{ NULL, NULL },
};

static const struct msg_stage stages_out[] = {
	{ "check", stage_check },
	{ "encrypt", stage_encrypt },
	{ "ids", stage_ids },
	{ "store", stage_store },
	{ "model", stage_model },
	{ "emit", stage_emit },
	{ "queue", stage_queue },
	{ NULL, NULL },
};

/* The stages of a direction, NULL-terminated (for tests and docs). */
const struct msg_stage *
msg_stages(enum msg_dir dir)
{
	return dir == MSG_IN ? stages_in : stages_out;
}

static bool
run_stages(const struct msg_stage *s, struct msg *m, GError **error)
{
	for (; s->fn != NULL; s++) {
		if (!s->fn(m, error)) {
			log_debug("message stopped at stage %s", s->name);
			return false;
		}
	}
	return true;
}

/*
 * Run a message that came from the network through the receiving stages:
 * an incoming one, or a carbon or archived copy of one we sent from
 * another device. m stays the caller's. False with error NULL when the
 * message was stored already (not shown again).
 */
bool
msg_pipeline_in(struct msg *m, GError **error)
{
	g_return_val_if_fail(m != NULL && (m->dir == MSG_IN || m->carbon ||
	    m->archived), false);
	return run_stages(stages_in, m, error);
}

/*
 * Send body to peer (bare JID) from account through the pipeline. corrects
 * is the id of our message it replaces, or NULL. Returns the sent message
 * (caller frees) or NULL with error.
 */
struct msg *
msg_send(const char *account, const char *peer, const char *body,
    const char *corrects, GError **error)
{
	struct msg *m = msg_new(MSG_OUT, account, peer, body);

	m->corrects = g_strdup(corrects);
	if (!run_stages(stages_out, m, error)) {
		msg_free(m);
		return NULL;
	}
	return m;
}

/*
 * Say body in room (a bare JID) as nick from account, through the same
 * stages: stored now, shown when the room echoes it. Returns the message
 * (caller frees) or NULL with error.
 */
struct msg *
msg_send_room(const char *account, const char *room, const char *nick,
    const char *body, GError **error)
{
	struct msg *m = msg_new(MSG_OUT, account, room, body);

	g_free(m->type);
	m->type = g_strdup("groupchat");
	m->resource = g_strdup(nick);
	if (!run_stages(stages_out, m, error)) {
		msg_free(m);
		return NULL;
	}
	return m;
}
