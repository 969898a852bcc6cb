/* SPDX-License-Identifier: MIT */
/*
 * Off-the-Record messaging (PRODUCT §8) with libotr 4.1: OTR version 3
 * with instance tags, as the message pipeline's encrypt and decrypt stage
 * (msg.c). libotr is protocol-neutral text transformation: it turns what
 * the user typed into what goes on the wire and back, and asks us, through
 * the ops table below, for policies, keys, and to send its own protocol
 * messages (through the protocol layer's otr_transport, never through the
 * pipeline). One OtrlUserState for the process; libotr's account name is
 * the account's bare JID, the protocol "xmpp", a contact's name its bare
 * JID. libotr's periodic work runs on a loop timer it turns on and off
 * itself (timer_control); there is no polling thread.
 *
 * What the user sees is an otr-state event per conversation whenever its
 * state (plain, untrusted, trusted, finished) changes, otr-smp events,
 * and errors tied to the conversation. core layer: never prints.
 */
#include <stdarg.h>
#include <string.h>

#include "account.h"
#include "chat.h"
#include "events.h"
#include "loop.h"
#include "otr-internal.h"
#include "room.h"
#include "roster.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/sanitize.h"

#define ERROR_TEXT_MAX 500	/* bytes of a peer's ?OTR Error: shown */

OtrlUserState otr_us;
static const struct otr_transport *transport;
/* "account\npeer" -> enum otr_state last announced (otr-state) */
static GHashTable *states;
static bool enabled;		/* between otr_init() and otr_free() */
static char *unavailable;	/* why libotr could not be opened */
static guint poll_timer;
static unsigned poll_interval;	/* seconds; 0: libotr needs no timer */
/*
 * The conversation libotr is working on while we are inside one of its
 * calls (its create_privkey callback names no contact), and the text of a
 * plain message it would hide because a private conversation was expected
 * (shown instead, with a warning).
 */
static const char *cur_peer;
static char *cur_unencrypted;

/* Register the protocol layer's side. */
void
otr_set_transport(const struct otr_transport *t)
{
	transport = t;
}

/* libotr's account name for account: its bare JID (caller frees), or NULL. */
char *
otr_account_id(const char *account)
{
	struct account *acc = account != NULL ? account_find(account) : NULL;
	const char *jid = acc != NULL ? account_get(acc, "jid") : NULL;

	return jid != NULL ? jid_bare_of(jid) : NULL;
}

/* The natter account whose bare JID is otr_account, or NULL. */
const char *
otr_account_name(const char *otr_account)
{
	GPtrArray *l = accounts_list();
	guint i;

	for (i = 0; otr_account != NULL && i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);
		const char *jid = account_get(acc, "jid");

		if (jid != NULL && jid_bare_equal(jid, otr_account))
			return acc->name;
	}
	return NULL;
}

/* account's context with peer for instance tag (no new one), or NULL. */
ConnContext *
otr_context(const char *account, const char *peer, otrl_instag_t tag)
{
	g_autofree char *id = otr_account_id(account);

	if (id == NULL || peer == NULL || otr_us == NULL)
		return NULL;
	return otrl_context_find(otr_us, peer, id, OTR_PROTOCOL, tag, 0, NULL,
	    NULL, NULL);
}

/* A fingerprint as people read it (caller frees). */
char *
otr_human_fp(const unsigned char *raw)
{
	char buf[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];

	otrl_privkey_hash_to_human(buf, raw);
	return g_strdup(buf);
}

/* Where the conversation of account with peer stands. */
enum otr_state
otr_state_of(const char *account, const char *peer)
{
	ConnContext *c = otr_context(account, peer, OTRL_INSTAG_BEST);

	if (c == NULL)
		return OTR_PLAIN;
	switch (c->msgstate) {
	case OTRL_MSGSTATE_ENCRYPTED:
		return c->active_fingerprint != NULL &&
		    otrl_context_is_fingerprint_trusted(c->active_fingerprint) ?
		    OTR_TRUSTED : OTR_UNTRUSTED;
	case OTRL_MSGSTATE_FINISHED:
		return OTR_FINISHED;
	default:
		return OTR_PLAIN;
	}
}

/* The event name of a state. */
const char *
otr_state_name(enum otr_state state)
{
	static const char *const names[] = { "plain", "untrusted", "trusted",
		"finished" };

	g_return_val_if_fail(state <= OTR_FINISHED, "plain");
	return names[state];
}

/* An error about the conversation with peer (shown in its window). */
void
otr_error(const char *account, const char *peer, const char *fmt, ...)
{
	struct ev ev = { .kind = EV_ERROR, .account = account };
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ev.u.error.text = text;
	ev.u.error.peer = peer;
	ev.u.error.conversation = peer;
	ev_emit(&ev);
}

static char *
state_text(enum otr_state st, const char *peer)
{
	switch (st) {
	case OTR_UNTRUSTED:
		return g_strdup_printf("private (OTR) conversation with %s; "
		    "their fingerprint is not verified: compare it (/otr "
		    "theirfp, /otr myfp) or authenticate (/otr secret, /otr "
		    "question)", peer);
	case OTR_TRUSTED:
		return g_strdup_printf("private (OTR) conversation with %s; "
		    "their fingerprint is verified", peer);
	case OTR_FINISHED:
		return g_strdup_printf("%s has ended the private conversation: "
		    "nothing more is sent until /otr end (plain text) or /otr "
		    "start (private again)", peer);
	default:
		return g_strdup_printf("the conversation with %s is plain text "
		    "(not private)", peer);
	}
}

static void
emit_state(const char *account, const char *peer, enum otr_state st,
    const char *text)
{
	struct ev ev = { .kind = EV_OTR_STATE, .account = account };
	ConnContext *c = otr_context(account, peer, OTRL_INSTAG_BEST);
	g_autofree char *fp = NULL;
	g_autofree char *dflt = text == NULL ? state_text(st, peer) : NULL;

	if ((st == OTR_UNTRUSTED || st == OTR_TRUSTED) && c != NULL &&
	    c->active_fingerprint != NULL &&
	    c->active_fingerprint->fingerprint != NULL)
		fp = otr_human_fp(c->active_fingerprint->fingerprint);
	ev.u.otr_state.peer = peer;
	ev.u.otr_state.state = otr_state_name(st);
	ev.u.otr_state.fingerprint = fp;
	ev.u.otr_state.text = text != NULL ? text : dflt;
	ev_emit(&ev);
}

/*
 * Announce the state of account's conversation with peer when it changed
 * since it was last announced, or always when text (a sentence saying
 * what happened) is given.
 */
void
otr_refresh(const char *account, const char *peer, const char *text)
{
	enum otr_state st = otr_state_of(account, peer);
	g_autofree char *key = g_strdup_printf("%s\n%s", account, peer);
	gpointer old;
	bool known = g_hash_table_lookup_extended(states, key, NULL, &old);

	if (text == NULL && ((known && GPOINTER_TO_INT(old) == (int)st) ||
	    (!known && st == OTR_PLAIN)))
		return;
	g_hash_table_replace(states, g_steal_pointer(&key),
	    GINT_TO_POINTER(st));
	emit_state(account, peer, st, text);
}

/* Announce every conversation whose state changed. */
void
otr_refresh_all(void)
{
	ConnContext *c;

	for (c = otr_us != NULL ? otr_us->context_root : NULL; c != NULL;
	    c = c->next) {
		const char *name = otr_account_name(c->accountname);

		if (c->m_context == c && name != NULL)
			otr_refresh(name, c->username, NULL);
	}
}

/* A room, or someone in one: OTR is for one-to-one conversations. */
static bool
is_room_peer(const char *account, const char *peer)
{
	g_autofree char *bare = jid_bare_of(peer);

	return strchr(peer, '/') != NULL ||
	    room_find(account, bare != NULL ? bare : peer) != NULL;
}

/* 1 online, 0 known to be offline, -1 unknown (libotr's convention). */
static int
presence_of(const char *account, const char *peer)
{
	struct account *acc = account_find(account);
	struct roster_item *it = acc != NULL && acc->roster != NULL ?
	    roster_find(acc->roster, peer) : NULL;

	if (it == NULL)
		return -1;
	if (it->resources != NULL && it->resources->len > 0)
		return 1;
	if (g_strcmp0(it->subscription, "to") == 0 ||
	    g_strcmp0(it->subscription, "both") == 0)
		return 0;
	return -1;
}

/*
 * True when account can have a private conversation with peer: a contact
 * (not a room or its occupant) who is not known to be offline.
 */
bool
otr_peer_ok(const char *account, const char *peer, GError **error)
{
	g_return_val_if_fail(account != NULL && peer != NULL, false);
	if (is_room_peer(account, peer)) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR works only in "
		    "one-to-one chats: %s is a room or one of its occupants",
		    peer);
		return false;
	}
	if (presence_of(account, peer) == 0) {
		g_set_error(error, G_FILE_ERROR, 0, "%s is offline: a private "
		    "conversation needs both sides online", peer);
		return false;
	}
	return true;
}

/*
 * libotr's policy bits for a policy name: version 3 (instance tags), and
 * version 2 for clients that have no more (python-potr); never version 1.
 */
static OtrlPolicy
policy_bits(const char *policy)
{
	OtrlPolicy p = OTRL_POLICY_MANUAL;

	if (g_strcmp0(policy, "opportunistic") == 0)
		p = OTRL_POLICY_OPPORTUNISTIC;
	else if (g_strcmp0(policy, "always") == 0)
		p = OTRL_POLICY_ALWAYS;
	return p & ~OTRL_POLICY_ALLOW_V1;
}

static OtrlPolicy
op_policy(void *opdata, ConnContext *c)
{
	const char *name = otr_account_name(c->accountname);

	if (name == NULL || is_room_peer(name, c->username))
		return OTRL_POLICY_NEVER;
	return policy_bits(otr_policy_of(name, c->username));
}

static void
op_create_privkey(void *opdata, const char *accountname, const char *proto)
{
	otr_keys_create_privkey(accountname, cur_peer);
}

static int
op_is_logged_in(void *opdata, const char *accountname, const char *proto,
    const char *recipient)
{
	const char *name = otr_account_name(accountname);

	/* Unknown counts as online: the contact may not share presence. */
	return name != NULL && presence_of(name, recipient) == 0 ? 0 : 1;
}

/* Send libotr's text to recipient, to the device the chat is locked on. */
static void
op_inject(void *opdata, const char *accountname, const char *proto,
    const char *recipient, const char *message)
{
	const char *name = otr_account_name(accountname);
	struct chat *c = name != NULL ? chat_find(name, recipient) : NULL;

	if (name == NULL || transport == NULL ||
	    !transport->inject(name, recipient, c != NULL ? c->locked : NULL,
	    message))
		log_warn("otr: could not send an OTR message to %s",
		    recipient);
}

static void
op_update_context_list(void *opdata)
{
	otr_refresh_all();
}

static void
op_new_fingerprint(void *opdata, OtrlUserState us, const char *accountname,
    const char *proto, const char *username, unsigned char fp[20])
{
	g_autofree char *human = otr_human_fp(fp);

	log_info("otr: new fingerprint for %s: %s", username, human);
}

static void
op_write_fingerprints(void *opdata)
{
	(void)otr_keys_write_fingerprints();
}

static void
op_gone_secure(void *opdata, ConnContext *c)
{
	const char *name = otr_account_name(c->accountname);

	if (name != NULL)
		otr_refresh(name, c->username, NULL);
}

static void
op_still_secure(void *opdata, ConnContext *c, int is_reply)
{
	const char *name = otr_account_name(c->accountname);
	g_autofree char *text = g_strdup_printf("private conversation with %s "
	    "refreshed", c->username);

	if (name != NULL)
		otr_refresh(name, c->username, text);
}

static int
op_max_message_size(void *opdata, ConnContext *c)
{
	return 0;	/* XMPP has no small limit: never fragment */
}

/* The text after "?OTR Error:" we send for each error code. */
static const char *
op_error_message(void *opdata, ConnContext *c, OtrlErrorCode code)
{
	switch (code) {
	case OTRL_ERRCODE_ENCRYPTION_ERROR:
		return "Error occurred encrypting message.";
	case OTRL_ERRCODE_MSG_NOT_IN_PRIVATE:
		return "You sent encrypted data to a peer who wasn't expecting "
		    "it.";
	case OTRL_ERRCODE_MSG_UNREADABLE:
		return "You transmitted an unreadable encrypted message.";
	case OTRL_ERRCODE_MSG_MALFORMED:
		return "You transmitted a malformed data message.";
	default:
		return "Error.";
	}
}

static void
op_error_message_free(void *opdata, const char *msg)
{
	(void)msg;	/* static strings */
}

static void
op_smp_event(void *opdata, OtrlSMPEvent event, ConnContext *c,
    unsigned short progress, char *question)
{
	const char *name = otr_account_name(c->accountname);

	if (name != NULL)
		otr_smp_event(name, c->username, event, question);
}

/* A peer's ?OTR Error: text: bounded and made safe to show. */
static void
peer_error(const char *name, const char *peer, const char *message)
{
	g_autofree char *safe = sanitize_text(message != NULL ? message : "",
	    strnlen(message != NULL ? message : "", ERROR_TEXT_MAX),
	    SANITIZE_ONE_LINE);

	otr_error(name, peer, "OTR error from %s: %s", peer, safe);
}

static void
op_msg_event(void *opdata, OtrlMessageEvent event, ConnContext *c,
    const char *message, gcry_error_t err)
{
	const char *name = otr_account_name(c->accountname);
	const char *peer = c->username;

	if (name == NULL)
		return;
	switch (event) {
	case OTRL_MSGEVENT_ENCRYPTION_ERROR:
		otr_error(name, peer, "OTR could not encrypt the message to "
		    "%s; it was not sent", peer);
		break;
	case OTRL_MSGEVENT_SETUP_ERROR:
		otr_error(name, peer, "a private conversation with %s could "
		    "not be set up: %s", peer, gcry_strerror(err));
		break;
	case OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE:
		otr_error(name, peer, "%s sent an encrypted message that "
		    "cannot be read: there is no private conversation (/otr "
		    "start)", peer);
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNREADABLE:
		otr_error(name, peer, "an encrypted message from %s could not "
		    "be read", peer);
		break;
	case OTRL_MSGEVENT_RCVDMSG_MALFORMED:
		otr_error(name, peer, "a malformed OTR message from %s was "
		    "ignored", peer);
		break;
	case OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR:
		peer_error(name, peer, message);
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED:
		g_free(cur_unencrypted);
		cur_unencrypted = g_strdup(message);
		otr_error(name, peer, "%s sent the next message unencrypted, "
		    "although a private conversation was expected", peer);
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED:
		otr_error(name, peer, "an OTR message from %s was not "
		    "recognised and was ignored", peer);
		break;
	case OTRL_MSGEVENT_CONNECTION_ENDED:
		otr_error(name, peer, "not sent: %s has ended the private "
		    "conversation (/otr end, or /otr start)", peer);
		break;
	default:
		log_debug("otr: event %d with %s", (int)event, peer);
		break;
	}
}

static void
op_create_instag(void *opdata, const char *accountname, const char *proto)
{
	otr_keys_create_instag(accountname);
}

static void
poll_cb(void *data)
{
	poll_timer = 0;
	otrl_message_poll(otr_us, &otr_ops, NULL);
	if (poll_interval > 0 && poll_timer == 0)
		poll_timer = loop_add_timer((gint64)poll_interval * 1000,
		    poll_cb, NULL);
}

/* libotr wants otrl_message_poll() every interval seconds (0: stop). */
static void
op_timer_control(void *opdata, unsigned int interval)
{
	if (poll_timer != 0)
		loop_remove_timer(poll_timer);
	poll_timer = 0;
	poll_interval = interval;
	if (interval > 0)
		poll_timer = loop_add_timer((gint64)interval * 1000, poll_cb,
		    NULL);
}

const OtrlMessageAppOps otr_ops = {
	.policy = op_policy,
	.create_privkey = op_create_privkey,
	.is_logged_in = op_is_logged_in,
	.inject_message = op_inject,
	.update_context_list = op_update_context_list,
	.new_fingerprint = op_new_fingerprint,
	.write_fingerprints = op_write_fingerprints,
	.gone_secure = op_gone_secure,
	.gone_insecure = op_gone_secure,
	.still_secure = op_still_secure,
	.max_message_size = op_max_message_size,
	.otr_error_message = op_error_message,
	.otr_error_message_free = op_error_message_free,
	.handle_smp_event = op_smp_event,
	.handle_msg_event = op_msg_event,
	.create_instag = op_create_instag,
	.timer_control = op_timer_control,
};

/*
 * False (error set) when m must not go out as it is: the other side has
 * ended the private conversation, policy 'always' finds it plain (a
 * private conversation is started instead), or it would be encrypted
 * while offline (a ciphertext belongs to the live session).
 */
static bool
may_send(const struct msg *m, enum otr_state st, GError **error)
{
	struct account *acc = account_find(m->account);
	g_autoptr(GError) e = NULL;

	if (st == OTR_FINISHED) {
		g_set_error(error, G_FILE_ERROR, 0, "%s has ended the private "
		    "conversation: /otr end to write in plain text, or /otr "
		    "start for a new private one", m->peer);
		return false;
	}
	if (st == OTR_PLAIN &&
	    strcmp(otr_policy_of(m->account, m->peer), "always") == 0) {
		bool started = otr_start(m->account, m->peer, &e);

		g_set_error(error, G_FILE_ERROR, 0, "OTR policy 'always' "
		    "forbids plain text to %s; %s", m->peer, started ?
		    "starting a private conversation: send it again once it "
		    "is private" : e->message);
		return false;
	}
	if (st != OTR_PLAIN && (acc == NULL || acc->state != ACCOUNT_ONLINE)) {
		g_set_error(error, G_FILE_ERROR, 0, "not connected, and an OTR "
		    "message cannot wait: it is encrypted for the live "
		    "private conversation");
		return false;
	}
	return true;
}

/*
 * Whether m needs libotr while it is not open yet: under the default
 * policy (manual) no session can exist before it opens, so plain text
 * passes through unchanged and a burst of plain messages never maps
 * libotr and libgcrypt (PRODUCT §12: memory); OTR protocol text (a
 * query, an error, data, a fragment) or a whitespace tag opens it, and
 * so does any other policy.
 */
static bool
otr_wanted(const struct msg *m)
{
	if (otr_us != NULL || msg_is_room(m))
		return otr_us != NULL;
	if (strcmp(otr_policy_of(m->account, m->peer), "manual") != 0)
		return true;
	return m->body != NULL && (strstr(m->body, "?OTR") != NULL ||
	    strstr(m->body, OTRL_MESSAGE_TAG_BASE) != NULL);
}

/*
 * The encrypt stage of an outgoing one-to-one message (see may_send()
 * for what is refused): libotr's text (ciphertext, or the plain text
 * with a whitespace tag) goes in m->wire_body, and m->encryption is
 * "otr" when it is encrypted. Rooms and their occupants are left alone.
 */
bool
otr_encrypt(struct msg *m, GError **error)
{
	g_autofree char *id = NULL;
	ConnContext *c = NULL;
	char *out = NULL;
	gcry_error_t err;

	if (m->dir == MSG_OUT && otr_wanted(m))
		otr_load();
	if (otr_us == NULL && unavailable != NULL && m->dir == MSG_OUT &&
	    !msg_is_room(m) && !is_room_peer(m->account, m->peer) &&
	    strcmp(otr_policy_of(m->account, m->peer), "always") == 0) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR policy 'always' "
		    "forbids plain text to %s, and %s", m->peer, unavailable);
		return false;
	}
	if (otr_us == NULL || m->dir != MSG_OUT || msg_is_room(m) ||
	    is_room_peer(m->account, m->peer) ||
	    (id = otr_account_id(m->account)) == NULL)
		return true;
	if (!may_send(m, otr_state_of(m->account, m->peer), error))
		return false;
	cur_peer = m->peer;
	err = otrl_message_sending(otr_us, &otr_ops, NULL, id, OTR_PROTOCOL,
	    m->peer, OTRL_INSTAG_BEST, m->body, NULL, &out,
	    OTRL_FRAGMENT_SEND_SKIP, &c, NULL, NULL);
	cur_peer = NULL;
	if (err != 0 || (out != NULL && out[0] == '\0')) {
		otrl_message_free(out);
		g_set_error(error, G_FILE_ERROR, 0, "OTR refused to send it%s%s",
		    err != 0 ? ": " : "", err != 0 ? gcry_strerror(err) : "");
		return false;
	}
	if (out == NULL)
		return true;
	if (c != NULL && c->msgstate == OTRL_MSGSTATE_ENCRYPTED)
		m->encryption = g_strdup("otr");
	m->wire_body = g_strdup(out);
	otrl_message_free(out);
	return true;
}

/*
 * A copy of an OTR message (a carbon, our own message from another
 * device, an archived one) belongs to a session of another device or of
 * the past: it cannot be read here and is not shown as ciphertext.
 */
static bool
undecryptable_copy(const struct msg *m)
{
	if (!(m->dir == MSG_OUT || m->carbon || m->archived) ||
	    !g_str_has_prefix(m->body, "?OTR"))
		return false;
	log_info("%s: an OTR message %s %s (a copy from another device or the "
	    "archive) cannot be read here; not shown", m->account,
	    m->dir == MSG_OUT ? "to" : "from", m->peer);
	return true;
}

/*
 * The decrypt stage: libotr swallows its own protocol messages and
 * fragments (false, no error: not shown), decrypts data messages (body
 * replaced, encryption "otr") and strips whitespace tags.
 */
bool
otr_decrypt(struct msg *m, GError **error)
{
	g_autofree char *id = NULL;
	bool was_otr = g_str_has_prefix(m->body, "?OTR");
	OtrlTLV *tlvs = NULL;
	ConnContext *c = NULL;
	char *out = NULL;
	int ignore;

	if (otr_wanted(m))
		otr_load();
	if (otr_us == NULL || msg_is_room(m) ||
	    is_room_peer(m->account, m->peer))
		return true;
	if (undecryptable_copy(m))
		return false;
	if (m->dir != MSG_IN || m->carbon || m->archived ||
	    (id = otr_account_id(m->account)) == NULL)
		return true;
	cur_peer = m->peer;
	g_clear_pointer(&cur_unencrypted, g_free);
	ignore = otrl_message_receiving(otr_us, &otr_ops, NULL, id,
	    OTR_PROTOCOL, m->peer, m->body, &out, &tlvs, &c, NULL, NULL);
	cur_peer = NULL;
	otrl_tlv_free(tlvs);
	otr_refresh(m->account, m->peer, NULL);
	if (ignore && cur_unencrypted != NULL) {
		g_free(m->body);
		m->body = g_steal_pointer(&cur_unencrypted);
	} else if (ignore) {
		otrl_message_free(out);
		return false;
	} else if (out != NULL) {
		g_free(m->body);
		m->body = g_strdup(out);
		if (was_otr)
			m->encryption = g_strdup("otr");
	}
	otrl_message_free(out);
	return true;
}

/*
 * Forget half-done key exchanges with peer: one that stalled while our
 * key was missing would otherwise make us ignore the contact's fresh
 * D-H commit (its own old commit "wins" and is never answered).
 */
static void
clear_stale_ake(const char *id, const char *peer)
{
	ConnContext *c;

	for (c = otr_us->context_root; c != NULL; c = c->next)
		if (strcmp(c->username, peer) == 0 &&
		    strcmp(c->accountname, id) == 0 &&
		    c->auth.authstate != OTRL_AUTHSTATE_NONE)
			otrl_auth_clear(&c->auth);
}

/*
 * Ask peer for a private conversation (an OTR query message). Without a
 * key yet, account's key is generated first (in the background) and the
 * query follows when it is ready.
 */
bool
otr_start(const char *account, const char *peer, GError **error)
{
	g_autofree char *id = otr_account_id(account);
	struct account *acc = account != NULL ? account_find(account) : NULL;
	char *query;

	g_return_val_if_fail(account != NULL && peer != NULL, false);
	if (id == NULL || acc == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "no account '%s'", account);
		return false;
	}
	if (!otr_peer_ok(account, peer, error))
		return false;
	if (acc->state != ACCOUNT_ONLINE || transport == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "account '%s' is not "
		    "connected", account);
		return false;
	}
	otr_load();
	if (otr_us == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR is not available");
		return false;
	}
	if (!otr_keys_have(id)) {
		otr_keys_start_after(account, peer);
		return true;
	}
	clear_stale_ake(id, peer);
	query = otrl_proto_default_query_msg(id,
	    policy_bits(otr_policy_of(account, peer)));
	op_inject(NULL, id, OTR_PROTOCOL, peer, query);
	free(query);
	return true;
}

/*
 * End the private conversation with peer (telling them when it was
 * private), back to plain text.
 */
bool
otr_end(const char *account, const char *peer, GError **error)
{
	g_autofree char *id = otr_account_id(account);
	g_autofree char *text = NULL;

	g_return_val_if_fail(account != NULL && peer != NULL, false);
	if (id == NULL || otr_state_of(account, peer) == OTR_PLAIN) {
		g_set_error(error, G_FILE_ERROR, 0, "no private conversation "
		    "with %s", peer);
		return false;
	}
	otrl_message_disconnect_all_instances(otr_us, &otr_ops, NULL, id,
	    OTR_PROTOCOL, peer);
	text = g_strdup_printf("private conversation with %s ended; plain "
	    "text from now on", peer);
	otr_refresh(account, peer, text);
	return true;
}

/*
 * Set up OTR: the policies now; libotr (and libgcrypt under it), the user
 * state, the keys, fingerprints and instance tags under
 * $XDG_DATA_HOME/natter/otr/ on first use (otr_load()), so that a session
 * without a one-to-one message or an /otr command never pays for them
 * (PRODUCT §12: start time, memory after login). A file that cannot be
 * read is reported and left alone.
 */
bool
otr_init(GError **error)
{
	enabled = true;
	states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return otr_policy_load(NULL, error);
}

/* libotr ready (after otr_init()); the first call loads the files. */
void
otr_load(void)
{
	static bool library_ready;	/* otrl_init allocates globals */
	g_autoptr(GError) err = NULL;

	if (otr_us != NULL || !enabled || unavailable != NULL)
		return;
	if (!otr_dl_open(&err)) {
		unavailable = g_strdup(err->message);
		log_error("%s", unavailable);
		ev_emit_text(EV_ERROR, NULL, "%s", unavailable);
		return;
	}
	if (!library_ready)
		OTRL_INIT;
	library_ready = true;
	otr_us = otrl_userstate_create();
	if (!otr_keys_load(&err))
		ev_emit_text(EV_ERROR, NULL, "%s", err->message);
}

/* True once libotr has been set up (otr_load()). */
bool
otr_loaded(void)
{
	return otr_us != NULL;
}

/* Forget everything (at exit): wait for a key being generated. */
void
otr_free(void)
{
	ConnContext *c;

	enabled = false;
	otr_keys_free();
	otr_policy_free();
	otr_smp_free();
	if (poll_timer != 0)
		loop_remove_timer(poll_timer);
	poll_timer = 0;
	g_clear_pointer(&states, g_hash_table_unref);
	g_clear_pointer(&cur_unencrypted, g_free);
	g_clear_pointer(&unavailable, g_free);
	transport = NULL;
	if (otr_us == NULL)
		return;
	/* libotr 4.1 frees a context's SMP state but not the numbers in it. */
	for (c = otr_us->context_root; c != NULL; c = c->next)
		if (c->smstate != NULL)
			otrl_sm_state_free(c->smstate);
	otrl_userstate_free(otr_us);
	otr_us = NULL;
}
