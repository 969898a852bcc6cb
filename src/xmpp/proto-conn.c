/* SPDX-License-Identifier: MIT */
/*
 * Connections (PRODUCT §5, §6): one libstrophe context and connection per
 * account, and the glue between the pieces that each own a part of it:
 * the socket in the loop (proto-socket.c), the traffic capture
 * (proto-capture.c), what a login showed and why it failed
 * (proto-login.c), certificate trust (proto-tls.c), the lifecycle state
 * machine (proto-lifecycle.c), stream management (proto-sm.c) and the
 * session (proto-session.c). Per-attempt state is reset in one place,
 * attempt_starts(), per-session state in one, session_ended(). The only
 * user of libstrophe together with the other proto-*.c files; never
 * prints.
 */
#include <string.h>

#include "config.h"
#include "core/history.h"
#include "core/loop.h"
#include "proto-internal.h"
#include "util/jid.h"
#include "util/log.h"

/* The longest natter waits at exit for servers to answer its close. */
#define CLOSE_WAIT_MS 1000

static GPtrArray *pconns;	/* struct pconn, owned */
static guint prepare_hook;

static void release_account(struct account *acc);

static void
finish(struct pconn *pc, bool ok, const char *message)
{
	proto_done_fn *done = pc->done;

	pc->done = NULL;
	if (done != NULL)
		done(ok, message, pc->done_data);
}

/* Unit tests capture what would be sent here (STYLE §11). */
void (*proto_send_hook)(struct pconn *pc, xmpp_stanza_t *st);

/* Send a stanza on pc's connection (raw-out comes from the log handler). */
void
proto_send(struct pconn *pc, xmpp_stanza_t *st)
{
	if (proto_send_hook != NULL) {
		proto_send_hook(pc, st);
		return;
	}
	if (pc->conn != NULL && pc->online)
		xmpp_send(pc->conn, st);
}

/* The connection of conn, or NULL. */
struct pconn *
proto_conn_of_conn(const xmpp_conn_t *conn)
{
	guint i;

	for (i = 0; pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		if (pc->conn == conn)
			return pc;
	}
	return NULL;
}

/* The connection whose libstrophe context is ctx, or NULL. */
struct pconn *
proto_conn_of_ctx(const xmpp_ctx_t *ctx)
{
	guint i;

	for (i = 0; ctx != NULL && pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		if (pc->ctx == ctx)
			return pc;
	}
	return NULL;
}

static void
free_session_cb(void *data)
{
	struct pconn *pc = data;

	pc->free_timer = 0;
	if (pc->conn != NULL && xmpp_conn_is_disconnected(pc->conn)) {
		/* A session to resume keeps the context it belongs to. */
		bool keep = proto_sm_session_over(pc, pc->user_quit);

		xmpp_conn_release(pc->conn);
		pc->conn = NULL;
		if (!keep) {
			xmpp_ctx_free(pc->ctx);
			pc->ctx = NULL;
		}
	}
}

/*
 * A connection attempt starts: what the last one showed is forgotten.
 * The one place per-attempt state is reset.
 */
static void
attempt_starts(struct pconn *pc)
{
	pc->fd = -1;
	pc->online = pc->user_quit = false;
	proto_login_forget(pc);
	proto_tls_forget(pc);
	pc->acc->state = ACCOUNT_CONNECTING;
	proto_lifecycle_attempt(pc);
	proto_sm_before_connect(pc);
}

/*
 * The session (or the attempt) ended: the socket is let go and what the
 * session set up is forgotten. The one place per-session state is reset.
 */
static void
session_ended(struct pconn *pc)
{
	proto_socket_closed(pc);
	pc->acc->state = ACCOUNT_OFFLINE;
	/* A session that may be resumed keeps its rooms until we know. */
	pc->rooms_kept = proto_sm_may_resume(pc);
	proto_session_ended(pc);
	if (!pc->rooms_kept)
		proto_muc_session_ended(pc);
	/* Never free a libstrophe context from inside its own callback. */
	if (pc->free_timer == 0)
		pc->free_timer = loop_add_timer(0, free_session_cb, pc);
}

/* The stream is negotiated: the session starts, or the lost one resumes. */
static void
went_online(struct pconn *pc, xmpp_conn_t *conn)
{
	pc->online = true;
	g_free(pc->acc->bound_jid);
	pc->acc->bound_jid = g_strdup(xmpp_conn_get_bound_jid(conn));
	pc->acc->state = ACCOUNT_ONLINE;
	proto_lifecycle_online(pc);
	proto_session_handlers(pc);
	proto_sm_before_online(pc);
	/* Rooms kept for a resumption that did not happen are left
	 * before 'online', so that nothing is sent to them unjoined. */
	if (pc->rooms_kept && !proto_sm_resumed(pc))
		proto_muc_session_ended(pc);
	pc->rooms_kept = false;
	proto_lifecycle_emit(pc, "online", NULL, NULL);
	proto_sm_on_online(pc);
	if (proto_sm_resumed(pc))
		proto_session_resumed(pc);
	else
		proto_session_start(pc);
	finish(pc, true, NULL);
}

static void redial_cb(void *data);

/*
 * The dial did not get through (refused, unreachable, the login deadline
 * passed before any byte went out): the same attempt goes on with the
 * next address or SRV record, if there is one (proto_resolve_advance());
 * nothing is reported but a log line, and the socket is let go now, the
 * connection object from the loop.
 */
static bool
try_next_address(struct pconn *pc, int error)
{
	if (pc->online || pc->tcp_up || pc->user_quit ||
	    !proto_resolve_advance(pc))
		return false;
	log_info("%s: %s not reached (%s): trying the next address",
	    pc->acc->name, pc->host, error != 0 ? g_strerror(error) :
	    "no answer");
	proto_socket_closed(pc);
	proto_lifecycle_redial(pc);
	if (pc->redial_timer == 0)
		pc->redial_timer = loop_add_timer(0, redial_cb, pc);
	return true;
}

/* The attempt failed or the session ended: say why, maybe reconnect. */
static void
went_down(struct pconn *pc, int error, xmpp_stream_error_t *se)
{
	g_autofree char *msg = NULL;
	const char *code = NULL;
	/* The server says not to come back: another login took our place. */
	bool stop = pc->user_quit || (se != NULL &&
	    (se->type == XMPP_SE_CONFLICT ||
	    se->type == XMPP_SE_NOT_AUTHORIZED));

	if (se == NULL && try_next_address(pc, error))
		return;
	if (pc->user_quit && se == NULL) {
		proto_lifecycle_emit(pc, "disconnected", NULL, NULL);
		finish(pc, false, "disconnected");
	} else {
		msg = proto_login_failure(pc, error, se, &code);
		proto_lifecycle_emit(pc, pc->online ? "disconnected" :
		    "failed", msg, code);
		finish(pc, false, msg);
	}
	pc->online = false;
	session_ended(pc);
	proto_lifecycle_ended(pc, code, stop);
}

/* libstrophe's connection handler. */
static void
conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
    xmpp_stream_error_t *se, void *userdata)
{
	struct pconn *pc = userdata;

	if (pc->login.sock_error != 0 && (error == 0 || error == -1))
		error = pc->login.sock_error;
	if (event == XMPP_CONN_CONNECT)
		went_online(pc, conn);
	else if (event != XMPP_CONN_RAW_CONNECT)
		went_down(pc, MAX(error, 0), se);
}

/* Before poll(): each socket asks for what it waits for. */
static void
prepare_cb(void *data)
{
	guint i;

	for (i = 0; pconns != NULL && i < pconns->len; i++)
		proto_socket_prepare(g_ptr_array_index(pconns, i));
}

/* Initialise libstrophe; call once before any connection. */
void
proto_init(void)
{
	xmpp_initialize();
	proto_message_init();
	pconns = g_ptr_array_new();
	prepare_hook = loop_add_prepare(prepare_cb, NULL);
	account_set_release_hook(release_account);
}

/* acc's connection, made when it has none. */
struct pconn *
proto_conn_get(struct account *acc)
{
	struct pconn *pc = acc->proto;

	if (pc != NULL)
		return pc;
	pc = g_new0(struct pconn, 1);
	pc->acc = acc;
	pc->fd = -1;
	pc->iqs = proto_iq_table_new();
	acc->proto = pc;
	g_ptr_array_add(pconns, pc);
	return pc;
}

/* Overwrite and free a secret (a password); NULL is a no-op. */
void
proto_secret_free(char **s)
{
	if (*s != NULL) {
		memset(*s, 0, strlen(*s));
		g_clear_pointer(s, g_free);
	}
}

static long
tls_flags(const char *tls)
{
	if (strcmp(tls, "direct") == 0)
		return XMPP_CONN_FLAG_LEGACY_SSL;
	if (strcmp(tls, "allow") == 0)
		return 0;
	if (strcmp(tls, "trust") == 0)
		return XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_TRUST_TLS;
	if (strcmp(tls, "disable") == 0)
		return XMPP_CONN_FLAG_DISABLE_TLS;
	return XMPP_CONN_FLAG_MANDATORY_TLS;
}

/* A new libstrophe connection object for pc, with the account's settings. */
static void
new_conn(struct pconn *pc)
{
	const char *jid = account_get(pc->acc, "jid");
	const char *res = account_get(pc->acc, "resource");
	g_autofree char *full = NULL;

	if (pc->ctx != NULL && pc->free_timer != 0) {
		loop_remove_timer(pc->free_timer);
		free_session_cb(pc);
	}
	if (pc->ctx == NULL)
		pc->ctx = xmpp_ctx_new(NULL, proto_capture_logger(pc));
	pc->conn = xmpp_conn_new(pc->ctx);
	full = res != NULL ? g_strdup_printf("%s/%s", jid, res) :
	    g_strdup(jid);
	xmpp_conn_set_jid(pc->conn, full);
	xmpp_conn_set_pass(pc->conn, pc->password);
	xmpp_conn_set_flags(pc->conn, tls_flags(pc->tls));
	xmpp_conn_set_certfail_handler(pc->conn, proto_tls_certfail_cb);
	xmpp_conn_set_sockopt_callback(pc->conn, proto_socket_opened);
	proto_capture_attach(pc);
	proto_lifecycle_auth_policy(pc);
}

/* The next address of the attempt (see went_down()), from the loop. */
static void
redial_cb(void *data)
{
	struct pconn *pc = data;

	pc->redial_timer = 0;
	if (pc->conn != NULL)	/* the one that did not get through */
		xmpp_conn_release(pc->conn);
	pc->conn = NULL;
	if (pc->user_quit || pc->resolve == NULL) {	/* /disconnect */
		proto_conn_not_dialled(pc, "disconnected", NULL);
		return;
	}
	new_conn(pc);
	proto_login_forget(pc);
	proto_resolve_redial(pc);
}

/*
 * Log in with pc's credentials and options (the first login, /tls trust,
 * a reconnect). An attempt that ends at once (unknown host) is reported
 * as any other, through EV_CONN_STATE and pc->done.
 */
void
proto_conn_restart(struct pconn *pc)
{
	JID_AUTO j = jid_parse(account_get(pc->acc, "jid"), NULL);

	new_conn(pc);
	g_free(pc->host);
	pc->host = g_strdup(pc->server != NULL ? pc->server : j->domain);
	attempt_starts(pc);
	if (proto_resolve_start(pc, j->domain))
		return;		/* proto_conn_dial() once DNS has answered */
	proto_conn_dial(pc, pc->server, pc->port);
}

/*
 * pc's attempt ends before a stream was opened: no address was found
 * (code "unknown-host": failed like any attempt, reconnects as usual),
 * or it was stopped (code NULL, why: "disconnected", ...; no reconnect).
 * Reported once: event and done.
 */
void
proto_conn_not_dialled(struct pconn *pc, const char *why, const char *code)
{
	g_autofree char *msg = code != NULL ? g_strdup_printf(
	    "unknown host %s (no address found)", pc->host) : g_strdup(why);

	proto_lifecycle_emit(pc, code != NULL ? "failed" : "disconnected",
	    code != NULL ? msg : NULL, code);
	session_ended(pc);
	finish(pc, false, msg);
	proto_lifecycle_ended(pc, code, code == NULL);
}

/*
 * Open pc's stream to host and port (host NULL: libstrophe finds them
 * through DNS itself, port unused).
 */
void
proto_conn_dial(struct pconn *pc, const char *host, int port)
{
	if ((host != NULL && !proto_host_resolvable(host)) ||
	    xmpp_connect_client(pc->conn, host, (unsigned short)port, conn_cb,
	    pc) != XMPP_EOK) {
		proto_conn_not_dialled(pc, NULL, "unknown-host");
		return;
	}
	proto_lifecycle_login_started(pc);
}

/* True while any connection is logging in or has data left to send. */
bool
proto_busy(void)
{
	guint i;

	for (i = 0; pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		if (pc->conn == NULL || xmpp_conn_is_disconnected(pc->conn))
			continue;
		if (pc->acc->state == ACCOUNT_CONNECTING ||
		    xmpp_conn_send_queue_len(pc->conn) > 0)
			return true;
	}
	return false;
}

/*
 * Free pc and everything it holds (its connection is closed if still
 * open) and detach it from its account. The caller removes it from
 * pconns. Never called from inside a libstrophe callback: commands and
 * shutdown run from the loop.
 */
static void
pconn_free(struct pconn *pc)
{
	finish(pc, false, "account removed");
	proto_lifecycle_free(pc);
	proto_resolve_forget(pc);
	proto_socket_closed(pc);
	if (pc->free_timer != 0)
		loop_remove_timer(pc->free_timer);
	if (pc->redial_timer != 0)
		loop_remove_timer(pc->redial_timer);
	if (pc->conn != NULL)
		xmpp_conn_release(pc->conn);
	proto_sm_free(pc);
	proto_capture_free(pc);
	if (pc->ctx != NULL)
		xmpp_ctx_free(pc->ctx);
	proto_secret_free(&pc->password);
	g_free(pc->server);
	g_free(pc->tls);
	g_free(pc->host);
	proto_login_forget(pc);
	proto_tls_forget(pc);
	proto_session_ended(pc);
	proto_presence_forget(pc);
	g_hash_table_unref(pc->iqs);
	pc->acc->proto = NULL;
	g_free(pc);
}

/* The account is being freed (/account remove): drop its connection. */
static void
release_account(struct account *acc)
{
	struct pconn *pc = acc->proto;

	if (pconns != NULL)
		g_ptr_array_remove(pconns, pc);
	pconn_free(pc);
}

static bool
is_open(const struct pconn *pc)
{
	return pc->conn != NULL && !xmpp_conn_is_disconnected(pc->conn);
}

/*
 * One turn for every stream still open, each waiting at most timeout_ms
 * for its socket (0: write what is queued, read what is there). True
 * while some stream is still open.
 */
static bool
run_open(int timeout_ms)
{
	bool open = false;
	guint i;

	for (i = 0; i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		if (!is_open(pc))
			continue;
		history_flush();
		xmpp_run_once(pc->ctx, timeout_ms);
		open = open || is_open(pc);
	}
	return open;
}

/*
 * Disconnect everything and free it. Each open stream is closed
 * (</stream:stream>, written even when no time is left) and natter waits
 * until the server answers it or the socket ends, but not past deadline
 * (loop_now_ms() time: the caller's own, as batch mode's --wait; -1 for
 * none), and never more than CLOSE_WAIT_MS: a frozen server must not
 * hold up the exit.
 */
void
proto_shutdown(gint64 deadline)
{
	gint64 now = loop_now_ms();
	guint i;
	bool open = false;

	if (deadline < 0 || deadline > now + CLOSE_WAIT_MS)
		deadline = now + CLOSE_WAIT_MS;
	proto_register_cancel_all();
	proto_host_cancel_all();
	for (i = 0; pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		pc->done = NULL;
		pc->lc.retry = false;
		if (is_open(pc)) {
			pc->user_quit = true;
			xmpp_disconnect(pc->conn);
			open = true;
		}
	}
	if (open)
		open = run_open(0);
	while (open && (now = loop_now_ms()) < deadline)
		open = run_open((int)MIN(deadline - now, 10));
	for (i = 0; pconns != NULL && i < pconns->len; i++)
		pconn_free(g_ptr_array_index(pconns, i));
	g_clear_pointer(&pconns, g_ptr_array_unref);
	account_set_release_hook(NULL);
	xmpp_shutdown();
}

/*
 * The libstrophe natter was built against, and which build: natter's
 * hardened one, or the stock package without the hardening patches.
 */
const char *
proto_version(void)
{
	return STROPHE_VERSION_STR " (" STROPHE_BUILD_STR ")";
}
