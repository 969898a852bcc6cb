/* SPDX-License-Identifier: MIT */
/*
 * Stream management (XEP-0198) on top of libstrophe's: natter counts the
 * stanzas it sends after <enable/> (from the raw traffic, the same points
 * where libstrophe counts them) and checks every <a h=''/> itself before
 * libstrophe sees it. The stock libstrophe would take an h above what was
 * sent, or one that is not a number, as "everything acknowledged" and
 * empty its queue; natter instead hands it the last good h, so the queue
 * stays as it was, and closes the stream with <handled-count-too-high/>
 * (natter's hardened libstrophe refuses such acks itself too, patch 0005).
 *
 * A lost session's libstrophe state (stream id, counters, unacknowledged
 * stanzas) is kept with the account's context and handed to the next
 * connection, so libstrophe asks to <resume/> it; whether the server did
 * is reported. xmpp layer: never prints, reports through events.
 */
#include <string.h>
#include <sys/socket.h>

#include "core/events.h"
#include "core/history.h"
#include "core/outbox.h"
#include "core/loop.h"
#include "proto-internal.h"
#include "proto-sm.h"
#include "util/log.h"
#include "util/sanitize.h"

#define H_MAX_SHOWN 24
#define CLOSE_GRACE_MS 1000	/* for the stream error to go out */

struct proto_sm {
	xmpp_sm_state_t	*saved;		/* lost session's state, owned */
	bool		 counting;	/* <enable/> sent or <resumed/> */
	uint32_t	 sent;		/* stanzas sent while counting */
	uint32_t	 acked;		/* the last h accepted */
	bool		 after_loss;	/* login follows a lost session */
	bool		 lost_had_sm;	/* that session had stream management */
	bool		 resumed;	/* the server said <resumed/> */
	bool		 handed;	/* libstrophe got the lost session's
					   state: it resends its unacknowledged
					   stanzas, resumed or not */
	bool		 bad_ack;	/* we closed over a bad ack */
	bool		 online;	/* this connection got online */
	guint		 close_timer;	/* cuts a stream we ended */
};

/*
 * Parse an h attribute: decimal digits only (xs:unsignedInt), at most
 * 2^32 - 1. False for NULL, empty, signs, spaces or anything else.
 */
bool
proto_sm_parse_h(const char *h, uint32_t *value)
{
	uint64_t v = 0;
	const char *p;

	if (h == NULL || *h == '\0')
		return false;
	for (p = h; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*value = (uint32_t)v;
	return true;
}

/*
 * Judge an ack: sent stanzas were counted, acked of them acknowledged
 * already, and the server now says h. Counters wrap at 2^32 (XEP-0198
 * §4), so "above what was sent" is measured from the last ack. On
 * PROTO_SM_ACK_OK *value is the new count acknowledged.
 */
enum proto_sm_ack
proto_sm_check_ack(uint32_t sent, uint32_t acked, const char *h,
    uint32_t *value)
{
	uint32_t v;

	if (!proto_sm_parse_h(h, &v))
		return PROTO_SM_ACK_GARBAGE;
	if ((uint32_t)(v - acked) <= (uint32_t)(sent - acked)) {
		*value = v;
		return PROTO_SM_ACK_OK;
	}
	if (acked <= sent)	/* no wrap between them: plain order */
		return v > sent ? PROTO_SM_ACK_TOO_HIGH :
		    PROTO_SM_ACK_BACKWARDS;
	/* Wrapped, and v lies between sent and acked: the nearer one. */
	return v - sent <= acked - v ? PROTO_SM_ACK_TOO_HIGH :
	    PROTO_SM_ACK_BACKWARDS;
}

/* The element name of xml's first start tag, in buf (empty if none). */
static void
element_name(const char *xml, char *buf, size_t size)
{
	size_t n;

	buf[0] = '\0';
	if (xml[0] != '<')
		return;
	n = strcspn(xml + 1, " \t\r\n/>");
	if (n >= size)
		return;
	memcpy(buf, xml + 1, n);
	buf[n] = '\0';
}

/* True when xml's start tag declares the stream management namespace. */
static bool
in_sm_ns(const char *xml)
{
	size_t tag = strcspn(xml, ">");
	const char *p = xml;

	while ((p = strstr(p, "xmlns=")) != NULL && (size_t)(p - xml) < tag) {
		p += 6;
		if ((*p == '"' || *p == '\'') &&
		    strncmp(p + 1, "urn:xmpp:sm:", 12) == 0)
			return true;
	}
	return false;
}

/*
 * True for the stream management elements a client sends (<r/>, <a/>,
 * <enable/>, <resume/>): libstrophe does not count them as stanzas.
 */
bool
proto_sm_is_sm_element(const char *xml)
{
	char name[16];

	element_name(xml, name, sizeof name);
	return (strcmp(name, "r") == 0 || strcmp(name, "a") == 0 ||
	    strcmp(name, "enable") == 0 || strcmp(name, "resume") == 0) &&
	    in_sm_ns(xml);
}

static struct proto_sm *
sm_of(struct pconn *pc)
{
	if (pc->sm == NULL)
		pc->sm = g_new0(struct proto_sm, 1);
	return pc->sm;
}

/* The value of attribute name of the element xml (new), or NULL. */
static char *
attribute(struct pconn *pc, const char *xml, const char *name)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(pc->ctx, xml);
	char *v;

	if (st == NULL)
		return NULL;
	v = g_strdup(xmpp_stanza_get_attribute(st, name));
	xmpp_stanza_release(st);
	return v;
}

static void
note_in(struct pconn *pc, struct proto_sm *sm, const char *xml)
{
	char name[16];
	g_autofree char *h = NULL;
	uint32_t v;

	if (!in_sm_ns(xml))
		return;
	element_name(xml, name, sizeof name);
	if (strcmp(name, "resumed") != 0)
		return;
	/* The server has what it acknowledges; the rest is sent again. */
	h = attribute(pc, xml, "h");
	sm->resumed = true;
	pc->login.sm_enabled = true;	/* for /diagnose, as <enabled/> */
	if (proto_sm_parse_h(h, &v)) {
		sm->counting = true;
		sm->sent = sm->acked = v;
	}
}

/*
 * Every element that went out or came in (the raw traffic, redacted):
 * count stanzas the way libstrophe does once stream management is on.
 */
void
proto_sm_note_raw(struct pconn *pc, bool in, const char *xml)
{
	struct proto_sm *sm = sm_of(pc);
	char name[16];

	if (in) {
		note_in(pc, sm, xml);
		return;
	}
	element_name(xml, name, sizeof name);
	if (strcmp(name, "enable") == 0 && in_sm_ns(xml)) {
		sm->counting = true;
		sm->sent = sm->acked = 0;
		return;
	}
	if (!sm->counting || proto_sm_is_sm_element(xml) || xml[0] != '<' ||
	    xml[1] == '/' || xml[1] == '?' || strncmp(xml, "<stream:", 8) == 0)
		return;
	sm->sent++;
}

/*
 * We sent a stream error and closed our side; the stream is over whether
 * or not the server answers, so after a grace period the socket is shut
 * down and libstrophe sees the end at once.
 */
static void
close_cb(void *data)
{
	struct pconn *pc = data;

	pc->sm->close_timer = 0;
	if (pc->conn != NULL && !xmpp_conn_is_disconnected(pc->conn) &&
	    pc->fd >= 0)
		(void)shutdown(pc->fd, SHUT_RDWR);
}

static char *
shown_h(const char *h)
{
	g_autofree char *cut = h != NULL ? g_strndup(h, H_MAX_SHOWN) : NULL;

	return cut != NULL ? sanitize_str(cut) : g_strdup("(none)");
}

/*
 * Close the stream over a bad ack (XEP-0198 §4): the stream error names
 * what was acknowledged and what was sent. What libstrophe still holds is
 * kept, but the session is not resumed: we ended it ourselves.
 */
static void
reject(struct pconn *pc, struct proto_sm *sm, enum proto_sm_ack verdict,
    const char *h)
{
	g_autofree char *shown = shown_h(h);
	g_autofree char *msg = NULL;
	uint32_t v = 0;

	(void)proto_sm_parse_h(h, &v);
	if (verdict == PROTO_SM_ACK_GARBAGE)
		msg = g_strdup_printf("the server's stream management "
		    "acknowledgement is not a number (h=%s); closing the "
		    "stream", shown);
	else if (verdict == PROTO_SM_ACK_BACKWARDS)
		msg = g_strdup_printf("the server's stream management "
		    "acknowledgement went backwards (h=%s after %u); closing "
		    "the stream", shown, sm->acked);
	else
		msg = g_strdup_printf("the server acknowledged %s stanzas but "
		    "natter sent only %u (stream management); closing the "
		    "stream", shown, sm->sent);
	log_warn("%s: %s", pc->acc->name, msg);
	ev_emit_text(EV_ERROR, pc->acc->name, "%s", msg);
	sm->bad_ack = true;
	sm->counting = false;
	xmpp_send_raw_string(pc->conn, "<stream:error><undefined-condition "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
	    "<handled-count-too-high xmlns='urn:xmpp:sm:3' h='%u' "
	    "send-count='%u'/></stream:error>", v, sm->sent);
	xmpp_disconnect(pc->conn);
	if (sm->close_timer == 0)
		sm->close_timer = loop_add_timer(CLOSE_GRACE_MS, close_cb, pc);
}

/*
 * <a h=''/>, before libstrophe's own handling (stanza handlers run
 * first). A bad h is replaced by the last good one so that libstrophe
 * keeps its queue.
 */
static int
ack_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct pconn *pc = userdata;
	struct proto_sm *sm = sm_of(pc);
	const char *h = xmpp_stanza_get_attribute(st, "h");
	g_autofree char *copy = g_strdup(h);
	enum proto_sm_ack verdict;
	char last[11];
	uint32_t v;

	(void)conn;
	if (!sm->counting || g_strcmp0(xmpp_stanza_get_name(st), "a") != 0)
		return 1;
	verdict = proto_sm_check_ack(sm->sent, sm->acked, copy, &v);
	if (verdict == PROTO_SM_ACK_OK) {
		sm->acked = v;
		return 1;
	}
	/*
	 * libstrophe sees the last good h instead, which drops nothing more
	 * from its queue (a hardened libstrophe would also refuse the bad
	 * one itself, with a second stream error).
	 */
	g_snprintf(last, sizeof(last), "%u", sm->acked);
	xmpp_stanza_set_attribute(st, "h", last);
	reject(pc, sm, verdict, copy);
	return 1;
}

/*
 * Just before the connection starts: hand it the lost session's state,
 * so that libstrophe asks to resume it.
 */
void
proto_sm_before_connect(struct pconn *pc)
{
	struct proto_sm *sm = sm_of(pc);

	sm->counting = sm->resumed = sm->bad_ack = sm->handed = false;
	sm->sent = sm->acked = 0;
	if (sm->saved == NULL)
		return;
	if (xmpp_conn_set_sm_state(pc->conn, sm->saved) != XMPP_EOK) {
		log_warn("%s: could not hand the previous session to the new "
		    "connection", pc->acc->name);
		xmpp_free_sm_state(sm->saved);
	} else {
		sm->handed = true;
	}
	sm->saved = NULL;
}

/* The connection is online: check acks, say what became of the session. */
void
proto_sm_on_online(struct pconn *pc)
{
	struct proto_sm *sm = sm_of(pc);

	xmpp_handler_add(pc->conn, ack_cb, XMPP_NS_SM, "a", NULL, pc);
	sm->online = true;
	if (!sm->after_loss)
		return;
	sm->after_loss = false;
	if (sm->resumed)
		ev_emit_text(EV_INFO, pc->acc->name, "session resumed (stream "
		    "management): nothing sent or received was lost");
	else if (!sm->lost_had_sm)
		ev_emit_text(EV_INFO, pc->acc->name, "new session after the "
		    "loss (the server offers no stream management): presence "
		    "and rooms are restored");
	else
		ev_emit_text(EV_INFO, pc->acc->name, "new session: the "
		    "previous one could not be resumed; presence and rooms "
		    "are restored");
}

/*
 * True when a stanza libstrophe would send again on a new session must
 * not go out (pure: name and type of the stanza, whether the outbox holds
 * a message with its id, and the state history recorded for that id).
 * - A message the outbox holds: the outbox sends it again itself, after
 *   looking in our archive whether the server took it already (the
 *   outbox is the only owner of resends; two owners would send it twice).
 * - A message the outbox settled (confirmed by a round trip or an echo,
 *   or failed): the server has it, or it cannot go.
 * - An IQ get: its asker went with the old session (its answer would
 *   find no one waiting).
 * - A presence: the new session sends its own (the presence restored,
 *   each room joined again); an old one would come before it, stale.
 * An IQ set is kept for its effect (the user's roster or block change;
 * its answer is dropped as unknown), and so is a message the outbox does
 * not own (a receipt or chat state the peer may wait for).
 */
bool
proto_sm_drop_resent(const char *name, const char *type, bool held,
    const char *state)
{
	if (g_strcmp0(name, "presence") == 0)
		return true;
	if (g_strcmp0(name, "iq") == 0)
		return g_strcmp0(type, "get") == 0;
	if (g_strcmp0(name, "message") != 0)
		return false;
	return held || g_strcmp0(state, "confirmed") == 0 ||
	    g_strcmp0(state, "failed") == 0;
}

/* proto_sm_drop_resent() of the serialised stanza xml. */
static bool
stale_on_new_session(struct pconn *pc, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(pc->ctx, xml);
	const char *id;
	g_autofree char *state = NULL;
	bool held, stale;

	if (st == NULL)
		return false;
	id = xmpp_stanza_get_id(st);
	held = id != NULL && outbox_holds(pc->acc->name, id);
	if (id != NULL && !held)
		state = history_state(pc->acc->name, id);
	stale = proto_sm_drop_resent(xmpp_stanza_get_name(st),
	    xmpp_stanza_get_type(st), held, state);
	xmpp_stanza_release(st);
	return stale;
}

/*
 * After <failed/>, libstrophe 0.14 sends again every stanza of the lost
 * session it holds no ack for (a <failed/> without h keeps them all),
 * queued but not yet written when the session comes online; it has no
 * flag to turn that off (strophe.h: only XMPP_CONN_FLAG_DISABLE_SM,
 * which turns stream management off altogether). Left alone, that
 * resend and the outbox's would both send a message, and libstrophe's
 * acks lag behind the outbox's confirmations, so it would also send
 * messages the server had confirmed. So the queue is taken back before
 * the session goes online, and only what no one else owns goes out
 * again, in order (see proto_sm_drop_resent()).
 */
static void
prune_resent(struct pconn *pc)
{
	GPtrArray *keep = g_ptr_array_new();
	guint i, dropped = 0;
	char *xml;

	while ((xml = xmpp_conn_send_queue_drop_element(pc->conn,
	    XMPP_QUEUE_OLDEST)) != NULL) {
		if (stale_on_new_session(pc, xml)) {
			xmpp_free(pc->ctx, xml);
			dropped++;
		} else {
			g_ptr_array_add(keep, xml);
		}
	}
	for (i = 0; i < keep->len; i++) {
		xml = g_ptr_array_index(keep, i);
		xmpp_send_raw(pc->conn, xml, strlen(xml));
		xmpp_free(pc->ctx, xml);
	}
	if (dropped > 0 || keep->len > 0)
		log_info("%s: new session: %u stanza(s) of the lost one sent "
		    "again by the library, %u left to the outbox or stale",
		    pc->acc->name, keep->len, dropped);
	g_ptr_array_free(keep, TRUE);
}

/*
 * The connection is being lost (not closed by the user, not ended by us
 * over a bad ack) with stream management on: the next login may resume
 * the same session.
 */
bool
proto_sm_may_resume(struct pconn *pc)
{
	struct proto_sm *sm = sm_of(pc);

	return sm->online && !pc->user_quit && !sm->bad_ack &&
	    pc->login.sm_enabled;
}

/* The login that just finished resumed the previous session. */
bool
proto_sm_resumed(struct pconn *pc)
{
	return sm_of(pc)->resumed;
}

/*
 * Called just before a session is announced online. A resumed stream
 * (XEP-0198 <resumed/>) is the old one: libstrophe resends what the
 * server's h says it lacks, as the XEP wants, and the outbox resends
 * nothing. A new one after <failed/> gets only what prune_resent()
 * leaves; the outbox treats it as a new session and resends its
 * unconfirmed messages itself.
 */
void
proto_sm_before_online(struct pconn *pc)
{
	struct proto_sm *sm = sm_of(pc);

	if (sm->handed && !sm->resumed)
		prune_resent(pc);
	if (sm->resumed)
		outbox_session_resumed(pc->acc->name);
}

/*
 * The connection is disconnected and about to be released: keep the
 * stream management state of a session that was lost (not closed by the
 * user, not ended by us over a bad ack) for the next login. True when a
 * state is kept; it belongs to the context, which must be kept too.
 * libstrophe forgets the stream id when an attempt fails before login,
 * so a resumption survives one attempt that reaches the server.
 */
bool
proto_sm_session_over(struct pconn *pc, bool user_quit)
{
	struct proto_sm *sm = sm_of(pc);
	xmpp_sm_state_t *st = xmpp_conn_get_sm_state(pc->conn);
	bool lost = sm->online && !user_quit;

	if (sm->online || user_quit) {
		sm->after_loss = lost;
		sm->lost_had_sm = pc->login.sm_enabled;
	}
	sm->online = false;
	if (sm->close_timer != 0)
		loop_remove_timer(sm->close_timer);
	sm->close_timer = 0;
	if (sm->saved != NULL)
		xmpp_free_sm_state(sm->saved);
	sm->saved = NULL;
	if (st == NULL)
		return false;
	/* libstrophe keeps a state even for a session without stream
	 * management: handing it on would make the next one prune its
	 * queue and say it "could not be resumed" for nothing. */
	if (!lost || sm->bad_ack || !sm->lost_had_sm) {
		xmpp_free_sm_state(st);
		return false;
	}
	sm->saved = st;
	return true;
}

/* Free what pc's stream management holds (before its context). */
void
proto_sm_free(struct pconn *pc)
{
	if (pc->sm == NULL)
		return;
	if (pc->sm->close_timer != 0)
		loop_remove_timer(pc->sm->close_timer);
	if (pc->sm->saved != NULL)
		xmpp_free_sm_state(pc->sm->saved);
	g_clear_pointer(&pc->sm, g_free);
}
