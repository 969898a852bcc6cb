/* SPDX-License-Identifier: MIT */
/*
 * The connection lifecycle (PRODUCT §5, §6): one state machine per
 * account, offline -> connecting -> tls -> authenticating -> online ->
 * reconnecting, each transition an EV_CONN_STATE. It owns the deadlines
 * (login; silence -> XEP-0199 ping -> answer), automatic reconnection with
 * exponential backoff and jitter, and what libstrophe tells only in its
 * log: that the peer closed the socket, why TLS failed, and that the
 * stream died of XML that is not well-formed (libstrophe then stops
 * parsing and tells nobody). Loop timers only; an idle connection wakes
 * once per silence period. xmpp layer; never prints.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/events.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "util/jid.h"
#include "util/errors.h"
#include "util/log.h"

#define NS_PING "urn:xmpp:ping"
/* libstrophe gives a closing stream 2 s before it drops the socket. */
#define ABORT_FALLBACK_MS 2500

static const char *const state_names[] = {
	[LC_OFFLINE] = "disconnected",
	[LC_CONNECTING] = "connecting",
	[LC_TLS] = "tls",
	[LC_AUTHENTICATING] = "authenticating",
	[LC_ONLINE] = "online",
	[LC_RECONNECTING] = "reconnecting",
};

/* Emit EV_CONN_STATE for pc (and log it). */
void
proto_lifecycle_emit(struct pconn *pc, const char *state, const char *reason,
    const char *error)
{
	struct ev ev = { .kind = EV_CONN_STATE, .account = pc->acc->name };

	ev.u.conn_state.state = state;
	ev.u.conn_state.jid = pc->acc->bound_jid != NULL ?
	    pc->acc->bound_jid : account_get(pc->acc, "jid");
	ev.u.conn_state.reason = reason;
	ev.u.conn_state.error = error;
	if (reason != NULL)
		log_info("%s: %s: %s", pc->acc->name, state, reason);
	else
		log_info("%s: %s", pc->acc->name, state);
	ev_emit(&ev);
}

static void
enter(struct pconn *pc, enum lc_state state, const char *reason)
{
	if (pc->lc.state == state)
		return;
	pc->lc.state = state;
	proto_lifecycle_emit(pc, state_names[state], reason, NULL);
}

static void
clear_timer(guint *id)
{
	if (*id != 0)
		loop_remove_timer(*id);
	*id = 0;
}

/* What one attempt learnt is forgotten when the next one starts. */
static void
forget_attempt(struct lifecycle *lc)
{
	clear_timer(&lc->login_timer);
	clear_timer(&lc->live_timer);
	clear_timer(&lc->abort_timer);
	clear_timer(&lc->close_timer);
	lc->abort_code = NULL;
	g_clear_pointer(&lc->abort_reason, g_free);
	lc->abort_started = lc->abort_polite = false;
	lc->peer_closed = lc->tls_failed = lc->pinging = false;
	lc->tls_errno = lc->read_errno = lc->sock_errno = 0;
	g_clear_pointer(&lc->tls_detail, g_free);
	g_clear_pointer(&lc->parser_refusal, g_free);
}

/* A connection attempt starts (user's or automatic): "connecting". */
void
proto_lifecycle_attempt(struct pconn *pc)
{
	forget_attempt(&pc->lc);
	clear_timer(&pc->lc.reconnect_timer);
	pc->lc.state = LC_OFFLINE;
	enter(pc, LC_CONNECTING, NULL);
}

/*
 * The attempt goes on with another address (proto-conn.c): what the dial
 * that did not get through left (its deadline, its errors) is forgotten;
 * the state stays "connecting".
 */
void
proto_lifecycle_redial(struct pconn *pc)
{
	forget_attempt(&pc->lc);
}

static void
abort_cb(void *data)
{
	struct pconn *pc = data;
	struct lifecycle *lc = &pc->lc;

	lc->abort_timer = 0;
	if (pc->conn == NULL)
		return;
	if (!lc->abort_started) {
		lc->abort_started = true;
		xmpp_disconnect(pc->conn);
		/* A dead or silent peer never closes: read EOF at once. */
		if (!lc->abort_polite && pc->fd >= 0)
			(void)shutdown(pc->fd, SHUT_RDWR);
		/* Runs libstrophe's own cleanup if the socket gives nothing. */
		lc->abort_timer = loop_add_timer(ABORT_FALLBACK_MS, abort_cb,
		    pc);
	}
	proto_conn_drain(pc);
}

/*
 * End pc's stream for reason (owned) with the short code; the end is
 * reported by the connection handler like any other. Deferred to the
 * loop: this may be called from inside a libstrophe callback.
 */
static void
lc_abort(struct pconn *pc, const char *code, char *reason, bool polite)
{
	struct lifecycle *lc = &pc->lc;

	if (lc->abort_code != NULL || pc->conn == NULL) {
		g_free(reason);
		return;
	}
	log_info("%s: ending the stream: %s", pc->acc->name, reason);
	lc->abort_code = code;
	lc->abort_reason = reason;
	lc->abort_polite = polite;
	clear_timer(&lc->abort_timer);
	lc->abort_timer = loop_add_timer(0, abort_cb, pc);
}

static void
login_deadline_cb(void *data)
{
	struct pconn *pc = data;

	pc->lc.login_timer = 0;
	if (pc->conn == NULL || pc->online)
		return;
	lc_abort(pc, "timeout", g_strdup_printf("login to %s did not "
	    "complete within %ld seconds", pc->host,
	    prefs_get_int("conn.timeout")), false);
}

/* The stream is being opened: the login deadline starts. */
void
proto_lifecycle_login_started(struct pconn *pc)
{
	clear_timer(&pc->lc.login_timer);
	pc->lc.login_timer = loop_add_timer(prefs_get_int("conn.timeout") *
	    1000, login_deadline_cb, pc);
}

/*
 * libstrophe's read failed: it reports a stale errno (or a TLS library
 * code) for a read of 0 bytes. Ask the socket itself, still open while
 * libstrophe logs, whether the peer closed it or what its error is.
 */
static void
peek_socket(struct pconn *pc)
{
	char c;
	ssize_t n;

	if (pc->fd < 0)
		return;
	n = recv(pc->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	log_debug("%s: socket after a failed transfer: %zd (%s)",
	    pc->acc->name, n, n < 0 ? g_strerror(errno) : "ok");
	if (n == 0)
		pc->lc.peer_closed = true;
	else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR)
		pc->lc.sock_errno = errno;
}

/* Take "errno=N" and the OpenSSL reason from libstrophe's tls lines. */
static void
note_tls(struct pconn *pc, const char *msg)
{
	struct lifecycle *lc = &pc->lc;
	const char *e;

	if (g_str_has_prefix(msg, "error=SSL_ERROR_")) {
		peek_socket(pc);
		lc->tls_failed = true;
		e = strstr(msg, "errno=");
		lc->tls_errno = e != NULL ? atoi(e + 6) : 0;
	} else if (g_str_has_prefix(msg, "error:") && lc->tls_failed &&
	    (e = strrchr(msg, ':')) != NULL && e[1] != '\0') {
		g_free(lc->tls_detail);
		lc->tls_detail = g_strndup(e + 1, 128);
	}
}

/*
 * natter's hardened libstrophe ends the stream itself (stream error, then
 * close) when it refuses the server's XML or its authentication: natter
 * only records why, so the end is reported with that reason and code.
 */
static void
lc_explain(struct pconn *pc, const char *code, char *reason)
{
	struct lifecycle *lc = &pc->lc;

	if (lc->abort_code != NULL || pc->conn == NULL) {
		g_free(reason);
		return;
	}
	log_info("%s: the stream ends: %s", pc->acc->name, reason);
	lc->abort_code = code;
	lc->abort_reason = reason;
	lc->abort_started = true;
}

static void
dead_stream(struct pconn *pc)
{
	struct lifecycle *lc = &pc->lc;
	char *why;

	if (lc->parser_refusal != NULL)
		why = g_strdup_printf("the server sent XML that natter refuses "
		    "(%s); the stream cannot go on", lc->parser_refusal);
	else
		why = g_strdup("the server sent XML that is not well-formed; "
		    "the stream cannot go on");
#ifdef NATTER_STROPHE_HARDENED
	lc_explain(pc, "invalid-xml", why);
#else
	lc_abort(pc, "invalid-xml", why, false);
#endif
}

/*
 * Refusals logged by natter's hardened libstrophe (patches/libstrophe):
 * the parser's limits, and SCRAM or SASL mechanisms it would not use.
 * True when msg was one.
 */
static bool
note_refusal(struct pconn *pc, const char *area, const char *msg)
{
	const char *why;

	if (strcmp(area, "parser") == 0 && (strstr(msg, "refused") != NULL ||
	    strstr(msg, "too deep") != NULL || strstr(msg, "too long") !=
	    NULL)) {
		g_free(pc->lc.parser_refusal);
		pc->lc.parser_refusal = g_strndup(msg, 80);
		return true;
	}
	if ((why = strstr(msg, "SCRAM refused: ")) != NULL)
		lc_explain(pc, "auth", g_strdup_printf("authentication "
		    "refused: %.160s (natter stopped, the password was not "
		    "sent another way)", why + 15));
	else if ((why = strstr(msg, "SASL refused: ")) != NULL)
		lc_explain(pc, "auth", g_strdup_printf("authentication "
		    "refused: %.160s (this account used %s before; /account "
		    "clear %s sasl_mechanism accepts a weaker one)", why + 14,
		    account_get(pc->acc, "sasl_mechanism") != NULL ?
		    account_get(pc->acc, "sasl_mechanism") : "a stronger one",
		    pc->acc->name));
	else
		return false;
	return true;
}

/* A line of libstrophe's log (not traffic), already known to be pc's. */
void
proto_lifecycle_log(struct pconn *pc, const char *area, const char *msg)
{
	if (strcmp(area, "tls") == 0) {
		note_tls(pc, msg);
		return;
	}
	if (note_refusal(pc, area, msg))
		return;
	if (strcmp(area, "xmpp") != 0)
		return;
	if (g_str_has_prefix(msg, "Socket closed by remote host"))
		pc->lc.peer_closed = true;
	else if (g_str_has_prefix(msg, "Unrecoverable error: ")) {
		pc->lc.read_errno = atoi(msg + 21);
		peek_socket(pc);
	} else if (g_str_has_prefix(msg, "Send error")) {
		/*
		 * Reported as ECONNABORTED whatever the cause; a write on a
		 * connected socket fails when the peer closed or reset it.
		 */
		pc->lc.read_errno = ECONNABORTED;
		peek_socket(pc);
		if (pc->lc.sock_errno == 0)
			pc->lc.peer_closed = true;
	}
	else if (g_str_has_prefix(msg, "parse error"))
		dead_stream(pc);
}

static void
close_cb(void *data)
{
	struct pconn *pc = data;

	pc->lc.close_timer = 0;
	proto_conn_drain(pc);
}

static void live_cb(void *data);

/* Traffic (redacted): any data in is a sign of life; login milestones. */
void
proto_lifecycle_traffic(struct pconn *pc, bool in, const char *xml)
{
	struct lifecycle *lc = &pc->lc;

	if (in) {
		lc->rx++;
		lc->last_rx = loop_now_ms();
		if (lc->pinging && lc->state == LC_ONLINE) {
			/* The answer to our ping (or anything): the next
			 * ping is due a full ping_idle from now; waiting
			 * for the ping timeout would wake once for
			 * nothing (PRODUCT §12: idle wake-ups). */
			lc->pinging = false;
			clear_timer(&lc->live_timer);
			lc->live_timer = loop_add_timer(
			    prefs_get_int("conn.ping_idle") * 1000, live_cb,
			    pc);
		}
		return;
	}
	/*
	 * libstrophe closes our stream (after a failed login, too) and drops
	 * the socket 2 s later from a timer that only runs inside
	 * xmpp_run_once(): make sure it runs even if the server stays quiet.
	 */
	if (g_str_has_prefix(xml, "</stream:stream>") && lc->close_timer == 0)
		lc->close_timer = loop_add_timer(ABORT_FALLBACK_MS, close_cb,
		    pc);
	if (g_str_has_prefix(xml, "<stream:error") &&
	    strstr(xml, "<invalid-xml") != NULL)
		dead_stream(pc);
	else if (lc->state == LC_CONNECTING &&
	    g_str_has_prefix(xml, "<starttls"))
		enter(pc, LC_TLS, NULL);
	else if ((lc->state == LC_CONNECTING || lc->state == LC_TLS) &&
	    g_str_has_prefix(xml, "<auth "))
		enter(pc, LC_AUTHENTICATING, NULL);
}

static void
send_ping(struct pconn *pc)
{
	g_autofree char *id = g_strdup_printf("natter-live-%lu", pc->lc.rx);
	xmpp_stanza_t *iq = xmpp_iq_new(pc->ctx, "get", id);
	JID_AUTO j = jid_parse(pc->acc->bound_jid, NULL);

	if (j != NULL)
		xmpp_stanza_set_to(iq, j->domain);
	proto_new_child(pc->ctx, iq, "ping", NS_PING);
	proto_send(pc, iq);
	xmpp_stanza_release(iq);
}

/*
 * One timer per connection: after conn.ping_idle seconds without data it
 * pings the server, and conn.ping_timeout seconds later, still without
 * data, the connection is lost. Data in between only moves the next
 * check, so an idle connection wakes once per silence period.
 */
static void
live_cb(void *data)
{
	struct pconn *pc = data;
	struct lifecycle *lc = &pc->lc;
	gint64 now = loop_now_ms();
	gint64 idle = prefs_get_int("conn.ping_idle") * 1000;

	lc->live_timer = 0;
	if (lc->state != LC_ONLINE || !pc->online)
		return;
	if (lc->pinging && lc->rx == lc->ping_rx) {
		lc_abort(pc, "timeout", g_strdup_printf("connection lost: no "
		    "answer from the server for %ld s (ping timed out)",
		    (long)((now - lc->last_rx) / 1000)), false);
		return;
	}
	lc->pinging = false;
	if (now - lc->last_rx < idle) {
		lc->live_timer = loop_add_timer(idle - (now - lc->last_rx),
		    live_cb, pc);
		return;
	}
	lc->pinging = true;
	lc->ping_rx = lc->rx;
	send_ping(pc);
	lc->live_timer = loop_add_timer(prefs_get_int("conn.ping_timeout") *
	    1000, live_cb, pc);
}

/* Rough strength of a SASL mechanism, for noticing a downgrade. */
static int
mech_rank(const char *m)
{
	int plus = g_str_has_suffix(m, "-PLUS") ? 10 : 0;

	if (strcmp(m, "PLAIN") == 0)
		return 0;
	if (g_str_has_prefix(m, "SCRAM-SHA-512"))
		return 4 + plus;
	if (g_str_has_prefix(m, "SCRAM-SHA-256"))
		return 3 + plus;
	if (g_str_has_prefix(m, "SCRAM-SHA-1"))
		return 2 + plus;
	return 1;
}

/*
 * Remember per account the strongest SASL mechanism a login used, and
 * warn when a later login used a weaker one (a server, or something in
 * between, may be downgrading us; refusing needs control over
 * libstrophe's choice, which it does not offer).
 */
static void
check_mechanism(struct pconn *pc)
{
	const char *used = pc->login.sasl_mech;
	const char *known = account_get(pc->acc, "sasl_mechanism");
	g_autoptr(GError) err = NULL;

	if (used == NULL || *used == '\0')
		return;
	if (known != NULL && mech_rank(used) < mech_rank(known)) {
		ev_emit_text(EV_ERROR, pc->acc->name, "%s: this login used "
		    "%s, weaker than %s that this account used before: the "
		    "server, or something between, may be downgrading the "
		    "authentication (/account clear %s sasl_mechanism accepts "
		    "it)", pc->acc->name, used, known, pc->acc->name);
		return;
	}
	if (g_strcmp0(known, used) != 0 &&
	    !account_set(pc->acc, "sasl_mechanism", used, &err))
		log_warn("%s: cannot remember the SASL mechanism: %s",
		    pc->acc->name, err->message);
}

/*
 * Before a login, with natter's hardened libstrophe: the SCRAM iteration
 * cap, and no SASL mechanism weaker than the one this account used
 * before (a downgrade is refused, not just warned about), nor PLAIN when
 * the account forbids it.
 */
void
proto_lifecycle_auth_policy(struct pconn *pc)
{
#ifdef NATTER_STROPHE_HARDENED
	static const char *const mechs[] = { "PLAIN", "DIGEST-MD5",
	    "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256",
	    "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS" };
	const char *known = account_get(pc->acc, "sasl_mechanism");
	const char *plain = account_get(pc->acc, "sasl_plain");
	size_t i;

	xmpp_conn_set_scram_max_iterations(pc->conn,
	    (unsigned long)prefs_get_int("sasl.max_iterations"));
	for (i = 0; i < G_N_ELEMENTS(mechs); i++)
		if ((known != NULL && mech_rank(mechs[i]) < mech_rank(known)) ||
		    (i == 0 && g_strcmp0(plain, "no") == 0))
			(void)xmpp_conn_disable_sasl_mechanism(pc->conn,
			    mechs[i]);
#else
	(void)pc;
#endif
}

/* The session is established. */
void
proto_lifecycle_online(struct pconn *pc)
{
	struct lifecycle *lc = &pc->lc;

	clear_timer(&lc->login_timer);
	clear_timer(&lc->live_timer);
	lc->attempt = 0;
	lc->retry = prefs_get_bool("reconnect.auto");
	lc->state = LC_ONLINE;
	lc->last_rx = loop_now_ms();
	lc->pinging = false;
	lc->live_timer = loop_add_timer(prefs_get_int("conn.ping_idle") * 1000,
	    live_cb, pc);
	check_mechanism(pc);
}

/* Why natter ended the stream itself (new string, *code set), or NULL. */
char *
proto_lifecycle_aborted(struct pconn *pc, const char **code)
{
	if (pc->lc.abort_code == NULL)
		return NULL;
	*code = pc->lc.abort_code;
	return g_strdup(pc->lc.abort_reason);
}

/*
 * The plain cause of a stream that ended under us (new string), or NULL.
 * libstrophe passes TLS library codes where errnos are expected (a TLS
 * stream closed by the server read as "Operation not permitted").
 */
char *
proto_lifecycle_cause(struct pconn *pc, int error)
{
	struct lifecycle *lc = &pc->lc;

	if (lc->peer_closed)
		return g_strdup("the server closed the connection");
	if (lc->sock_errno == EPIPE)
		return g_strdup("the server closed the connection");
	if (lc->sock_errno == ECONNRESET)
		return g_strdup("the server reset the connection");
	if (lc->sock_errno != 0)
		return g_strdup(g_strerror(lc->sock_errno));
	if (lc->tls_failed) {
		if (lc->tls_errno > 0)
			return g_strdup(g_strerror(lc->tls_errno));
		if (lc->tls_detail == NULL ||
		    strstr(lc->tls_detail, "unexpected eof") != NULL)
			return g_strdup("the server closed the connection");
		return g_strdup_printf("TLS error: %s", lc->tls_detail);
	}
	/* The errno of a failed read is stale: nothing better is known. */
	if (lc->read_errno != 0)
		return NULL;
	return error > 0 ? g_strdup(g_strerror(error)) : NULL;
}

/*
 * Backoff before reconnect attempt n (1, 2, ...): min_ms doubled per
 * attempt up to max_ms, then a random part in [3/4, 5/4] of it (rnd is a
 * random 32-bit number), never above max_ms.
 */
gint64
proto_lifecycle_backoff(gint64 min_ms, gint64 max_ms, unsigned attempt,
    guint32 rnd)
{
	gint64 base = min_ms;
	unsigned i;

	for (i = 1; i < attempt && base < max_ms; i++)
		base *= 2;
	base = MIN(base, max_ms);
	base = base * 3 / 4 + (gint64)((guint64)(base / 2) * rnd /
	    G_MAXUINT32);
	return MIN(base, max_ms);
}

static void
reconnect_cb(void *data)
{
	struct pconn *pc = data;

	pc->lc.reconnect_timer = 0;
	pc->acc->state = ACCOUNT_OFFLINE;
	proto_conn_restart(pc);
}

static void
schedule(struct pconn *pc)
{
	struct lifecycle *lc = &pc->lc;
	g_autofree char *reason = NULL;
	gint64 delay = 0;

	lc->attempt++;
	if (!lc->now)
		delay = proto_lifecycle_backoff(
		    prefs_get_int("reconnect.min") * 1000,
		    prefs_get_int("reconnect.max") * 1000, lc->attempt,
		    g_random_int());
	lc->now = false;
	pc->acc->state = ACCOUNT_RECONNECTING;
	pc->acc->attempt = lc->attempt;
	reason = delay == 0 ? g_strdup_printf("reconnecting now (attempt "
	    "%u)", lc->attempt) : g_strdup_printf("reconnecting in %ld s "
	    "(attempt %u)", (long)MAX(1, (delay + 500) / 1000), lc->attempt);
	lc->state = LC_OFFLINE;
	enter(pc, LC_RECONNECTING, reason);
	lc->reconnect_timer = loop_add_timer(delay, reconnect_cb, pc);
}

/*
 * An attempt or a session ended (reported already, with code). stop: the
 * user closed it, or the server said not to come back. Reconnects after a
 * loss, unless the cause is one a retry cannot fix.
 */
void
proto_lifecycle_ended(struct pconn *pc, const char *code, bool stop)
{
	struct lifecycle *lc = &pc->lc;

	forget_attempt(lc);
	if (stop || (code != NULL && (strcmp(code, "auth") == 0 ||
	    strcmp(code, "certificate") == 0 ||
	    strcmp(code, "starttls") == 0)))
		lc->retry = false;
	if (!lc->retry) {
		lc->state = LC_OFFLINE;
		lc->attempt = 0;
		return;
	}
	schedule(pc);
}

/* /disconnect while waiting to reconnect: stop. False if not waiting. */
bool
proto_lifecycle_stop(struct pconn *pc)
{
	struct lifecycle *lc = &pc->lc;

	lc->retry = false;
	if (lc->state != LC_RECONNECTING)
		return false;
	clear_timer(&lc->reconnect_timer);
	lc->attempt = 0;
	pc->acc->state = ACCOUNT_OFFLINE;
	lc->state = LC_OFFLINE;
	proto_lifecycle_emit(pc, "disconnected", "stopped reconnecting",
	    NULL);
	return true;
}

/*
 * /reconnect: waiting -> try now; connected or logging in -> close and
 * connect again at once; offline after an earlier login -> log in again.
 */
bool
proto_lifecycle_reconnect(struct pconn *pc, GError **error)
{
	struct lifecycle *lc = &pc->lc;

	if (lc->state == LC_RECONNECTING) {
		clear_timer(&lc->reconnect_timer);
		reconnect_cb(pc);
		return true;
	}
	if (pc->conn != NULL && !xmpp_conn_is_disconnected(pc->conn)) {
		lc->retry = lc->now = true;
		lc_abort(pc, "reconnect", g_strdup("closed to reconnect "
		    "(/reconnect)"), true);
		return true;
	}
	if (pc->password == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' has "
		    "not logged in yet: /connect %s", pc->acc->name,
		    pc->acc->name);
		return false;
	}
	lc->attempt = 0;
	proto_conn_restart(pc);
	return true;
}

/* pc is being freed. */
void
proto_lifecycle_free(struct pconn *pc)
{
	forget_attempt(&pc->lc);
	clear_timer(&pc->lc.reconnect_timer);
}
