/* SPDX-License-Identifier: MIT */
/*
 * Connections (PRODUCT §5, §6): one libstrophe context and connection per
 * account, driven by natter's poll() loop. The socket comes from the sockopt
 * callback; after it is readable xmpp_run_once(ctx, 0) is called until it
 * makes no progress, because TLS may hold decrypted bytes poll() cannot see.
 * All traffic reaches natter through the libstrophe log handler, where SASL
 * payloads are redacted before anything is logged or emitted (EV_RAW_*).
 * Failures are classified into plain messages (EV_CONN_STATE). The only
 * user of libstrophe together with the other proto-*.c files; never prints.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "core/events.h"
#include "core/history.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "proto-raw.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"

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

/*
 * Send text exactly as given (the caller checked it is well-formed); it
 * shows in the raw traffic like anything else we send.
 */
bool
proto_raw_send(struct account *acc, const char *xml, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);

	if (pc == NULL)
		return false;
	xmpp_send_raw_string(pc->conn, "%s", xml);
	return true;
}

#define FEATURES_MAX 16384

/* Remember what the login shows (mechanism, features, SM) for /diagnose. */
static void
note_login(struct pconn *pc, bool in, const char *xml)
{
	char **slot;

	if (!in) {
		const char *m = g_str_has_prefix(xml, "<auth ") ?
		    strstr(xml, "mechanism=") : NULL;

		if (m != NULL) {
			g_free(pc->sasl_mech);
			pc->sasl_mech = g_strndup(m + 11,
			    MIN(strcspn(m + 11, "'\""), 64));
		}
		return;
	}
	if (g_str_has_prefix(xml, "<enabled") &&
	    strstr(xml, "urn:xmpp:sm:") != NULL)
		pc->sm_enabled = true;
	if (!g_str_has_prefix(xml, "<features") &&
	    !g_str_has_prefix(xml, "<stream:features"))
		return;
	slot = strstr(xml, "<mechanisms") != NULL ? &pc->features_auth :
	    &pc->features_bound;
	g_free(*slot);
	*slot = g_strndup(xml, FEATURES_MAX);
}

static void
note_recv(struct pconn *pc, const char *xml)
{
	pc->recv_count++;
	if (strstr(xml, "urn:ietf:params:xml:ns:xmpp-sasl") != NULL &&
	    strncmp(xml, "<failure", 8) == 0) {
		const char *c = xml + 8;
		const char *lt;

		/* First child element name is the condition. */
		while ((lt = strchr(c, '<')) != NULL && lt[1] == '/')
			c = lt + 1;
		g_free(pc->sasl_failure);
		pc->sasl_failure = g_strdup("not-authorized");
		if (lt != NULL) {
			size_t n = strcspn(lt + 1, " />");

			g_free(pc->sasl_failure);
			pc->sasl_failure = g_strndup(lt + 1, MIN(n, 64));
		}
	}
}

/* Log and emit raw traffic of account (already redacted). */
void
proto_raw_emit(const char *account, bool in, const char *safe)
{
	struct ev ev = { .kind = in ? EV_RAW_IN : EV_RAW_OUT,
		.account = account };

	ev.u.raw.xml = safe;
	log_debug("%s %s %s", account, in ? "RECV" : "SENT", safe);
	ev_emit(&ev);
}

static void
emit_raw(struct pconn *pc, enum ev_kind kind, const char *xml)
{
	g_autofree char *safe = proto_raw_redact(xml);

	if (kind == EV_RAW_IN)
		note_recv(pc, safe);
	proto_lifecycle_traffic(pc, kind == EV_RAW_IN, safe);
	note_login(pc, kind == EV_RAW_IN, safe);
	proto_sm_note_raw(pc, kind == EV_RAW_IN, safe);
	proto_raw_emit(pc->acc->name, kind == EV_RAW_IN, safe);
}

static void
log_cb(void *userdata, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	struct pconn *pc = userdata;
	g_autofree char *safe = NULL;

	if (strncmp(msg, "SENT: ", 6) == 0) {
		pc->tcp_up = true;
		emit_raw(pc, EV_RAW_OUT, msg + 6);
		return;
	}
	if (strncmp(msg, "RECV: ", 6) == 0) {
		emit_raw(pc, EV_RAW_IN, msg + 6);
		return;
	}
	proto_lifecycle_log(pc, area, msg);
	if (strstr(msg, "TLS is not supported") != NULL)
		pc->saw_no_tls = true;
	/* libstrophe reports the socket errno only in its log. */
	if (g_str_has_prefix(msg, "connection failed, error "))
		pc->sock_error = atoi(msg + 25);
	if (strcmp(area, "tls") == 0 && level >= XMPP_LEVEL_WARN &&
	    pc->tls_error == NULL)
		pc->tls_error = g_strdup(msg);
	safe = proto_raw_redact(msg);
	log_write(level == XMPP_LEVEL_DEBUG ? LOG_DEBUG :
	    level == XMPP_LEVEL_INFO ? LOG_DEBUG :
	    level == XMPP_LEVEL_WARN ? LOG_WARN : LOG_ERROR, "libstrophe",
	    "%s: %s: %s", pc->acc->name, area, safe);
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
fd_cb(int fd, short revents, void *data)
{
	proto_conn_drain(data);
}

static int
sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	struct pconn *pc = proto_conn_of_conn(conn);
	int fd = *(int *)sock;
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)xmpp_sockopt_cb_keepalive(conn, sock);
	if (pc == NULL)
		return 0;
	if (pc->fd_id != 0)
		loop_remove_fd(pc->fd_id);
	pc->fd = fd;
	pc->tcp_up = false;
	pc->fd_id = loop_add_fd(fd, POLLIN | POLLOUT, fd_cb, pc);
	return 0;
}

static const char *const stream_conditions[] = {
	"bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
	"host-gone", "host-unknown", "improper-addressing",
	"internal-server-error", "invalid-from", "invalid-id",
	"invalid-namespace", "invalid-xml", "not-authorized",
	"policy-violation", "remote-connection-failed",
	"resource-constraint", "restricted-xml", "see-other-host",
	"system-shutdown", "undefined-condition", "unsupported-encoding",
	"unsupported-stanza-type", "unsupported-version", "not-well-formed",
};

/*
 * " port N" when the port is known: given, or the default for a host
 * given (an SRV lookup picks its own).
 */
static char *
port_text(const struct pconn *pc)
{
	if (pc->port <= 0 && pc->server == NULL)
		return g_strdup("");
	return g_strdup_printf(" port %d", pc->port > 0 ? pc->port : 5222);
}

/*
 * Turn what we know about a failed or lost connection into a plain
 * sentence and a short code (PRODUCT §5).
 */
static char *
classify(struct pconn *pc, int error, xmpp_stream_error_t *se,
    const char **code)
{
	g_autofree char *port = NULL;
	g_autofree char *cause = NULL;
	char *aborted = proto_lifecycle_aborted(pc, code);

	if (aborted != NULL)
		return aborted;
	if (se != NULL) {
		*code = "stream";
		return g_strdup_printf("stream error from server: %s%s%s",
		    (size_t)se->type < G_N_ELEMENTS(stream_conditions) ?
		    stream_conditions[se->type] : "unknown",
		    se->text != NULL ? ": " : "", se->text ? se->text : "");
	}
	if (pc->prompt != NULL) {
		*code = "certificate";
		return g_strdup_printf("certificate of %s not trusted (%s); "
		    "/tls trust to accept it and connect, /tls deny to refuse",
		    pc->host, pc->prompt->reason);
	}
	if (pc->sasl_failure != NULL) {
		*code = "auth";
		return g_strdup_printf("authentication failed (%s): wrong "
		    "password or unknown account", pc->sasl_failure);
	}
	if (pc->saw_no_tls) {
		*code = "starttls";
		return g_strdup_printf("%s does not offer TLS (STARTTLS); not "
		    "connecting without it (account key tls)", pc->host);
	}
	if (error == ECONNREFUSED) {
		port = port_text(pc);
		*code = "refused";
		return g_strdup_printf("connection refused by %s%s", pc->host,
		    port);
	}
	if (pc->tls_error != NULL) {
		*code = "tls";
		return g_strdup_printf("TLS failure with %s: %s", pc->host,
		    pc->tls_error);
	}
	cause = proto_lifecycle_cause(pc, error);
	if (pc->online) {
		*code = "lost";
		return g_strdup_printf("connection lost%s%s",
		    cause != NULL ? ": " : "", cause != NULL ? cause : "");
	}
	if (pc->fd < 0) {
		*code = "unknown-host";
		return g_strdup_printf("unknown host %s (no address found)",
		    pc->host);
	}
	*code = "failed";
	port = port_text(pc);
	return g_strdup_printf("connection to %s%s failed%s%s", pc->host, port,
	    cause != NULL ? ": " : "", cause != NULL ? cause : "");
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

/* What one session set up and learnt; forgotten when it ends. */
static void
forget_session(struct pconn *pc)
{
	g_clear_pointer(&pc->acc->bound_jid, g_free);
	/* our presence stays for the next session unless the user quit */
	proto_presence_session_ended(pc, pc->user_quit);
	g_clear_pointer(&pc->muc_service, g_free);
	g_clear_pointer(&pc->caps, g_hash_table_unref);
	g_hash_table_remove_all(pc->iqs);
	pc->disco_pending = 0;
	pc->bookmarks_0048 = false;
	proto_muc_discovery_ended(pc);
}

/* What one login showed (/diagnose, failure messages); per attempt. */
static void
forget_login(struct pconn *pc)
{
	pc->online = pc->user_quit = pc->saw_no_tls = false;
	pc->sock_error = 0;
	pc->sm_enabled = pc->cert_by_user = false;
	g_clear_pointer(&pc->sasl_mech, g_free);
	g_clear_pointer(&pc->features_auth, g_free);
	g_clear_pointer(&pc->features_bound, g_free);
	g_clear_pointer(&pc->sasl_failure, g_free);
	g_clear_pointer(&pc->tls_error, g_free);
	g_clear_pointer(&pc->prompt, cert_info_free);
}

static void
session_ended(struct pconn *pc)
{
	if (pc->fd_id != 0)
		loop_remove_fd(pc->fd_id);
	pc->fd_id = 0;
	if (pc->drain_timer != 0)
		loop_remove_timer(pc->drain_timer);
	pc->drain_timer = 0;
	pc->acc->state = ACCOUNT_OFFLINE;
	/* A session that may be resumed keeps its rooms until we know. */
	pc->rooms_kept = proto_sm_may_resume(pc);
	forget_session(pc);
	if (!pc->rooms_kept)
		proto_muc_session_ended(pc);
	/* Never free a libstrophe context from inside its own callback. */
	if (pc->free_timer == 0)
		pc->free_timer = loop_add_timer(0, free_session_cb, pc);
}

static void
conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
    xmpp_stream_error_t *se, void *userdata)
{
	struct pconn *pc = userdata;
	g_autofree char *msg = NULL;
	const char *code = NULL;
	bool stop;

	if (pc->sock_error != 0 && (error == 0 || error == -1))
		error = pc->sock_error;
	if (error < 0)
		error = 0;
	if (event == XMPP_CONN_CONNECT) {
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
		return;
	}
	if (event == XMPP_CONN_RAW_CONNECT)
		return;
	/* The server says not to come back: another login took our place. */
	stop = pc->user_quit || (se != NULL && (se->type == XMPP_SE_CONFLICT ||
	    se->type == XMPP_SE_NOT_AUTHORIZED));
	if (pc->user_quit && se == NULL) {
		proto_lifecycle_emit(pc, "disconnected", NULL, NULL);
		finish(pc, false, "disconnected");
	} else {
		msg = classify(pc, error, se, &code);
		proto_lifecycle_emit(pc, pc->online ? "disconnected" : "failed", msg,
		    code);
		finish(pc, false, msg);
	}
	pc->online = false;
	session_ended(pc);
	proto_lifecycle_ended(pc, code, stop);
}

static void
drain_again_cb(void *data)
{
	struct pconn *pc = data;

	pc->drain_timer = 0;
	proto_conn_drain(pc);
}

/*
 * Run libstrophe until it stops making progress: it reads at most 4 KiB a
 * call and TLS may hold decrypted data that poll() cannot see. One
 * follow-up pass 20 ms after a busy turn picks up a record left in the TLS
 * buffer; an idle connection never schedules anything.
 */
void
proto_conn_drain(struct pconn *pc)
{
	xmpp_ctx_t *ctx = pc->ctx;
	unsigned long before;
	int i, idle = 0;
	bool busy = false;

	if (ctx == NULL)
		return;
	for (i = 0; i < 512 && idle < 4; i++) {
		before = pc->recv_count;
		/* What the last turn stored is committed before its acks go. */
		history_flush();
		xmpp_run_once(ctx, 0);
		if (pc->ctx != ctx)
			return;
		if (pc->recv_count != before) {
			busy = true;
			idle = 0;
		} else {
			idle++;
		}
	}
	if (busy && pc->drain_timer == 0 && pc->conn != NULL &&
	    !xmpp_conn_is_disconnected(pc->conn))
		pc->drain_timer = loop_add_timer(i >= 512 ? 0 : 20,
		    drain_again_cb, pc);
}

/*
 * Ask poll() for POLLOUT only until libstrophe has seen the TCP connect
 * complete (it then sends its stream header: pc->tcp_up) and while it has
 * output queued. xmpp_conn_is_connecting() stays true until the stream is
 * negotiated, and a writable socket wakes poll() at once: a server that
 * sent its stream slowly made the loop spin.
 */
static void
prepare_cb(void *data)
{
	guint i;

	for (i = 0; pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);
		short ev = POLLIN;

		if (pc->fd_id == 0 || pc->conn == NULL)
			continue;
		if (!pc->tcp_up ||
		    xmpp_conn_send_queue_len(pc->conn) > 0)
			ev |= POLLOUT;
		loop_set_fd_events(pc->fd_id, ev);
	}
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

static struct pconn *
pconn_get(struct account *acc)
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

static void
wipe(char **s)
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

static bool
resolvable(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(host, NULL, &hints, &res);

	if (res != NULL)
		freeaddrinfo(res);
	return r == 0;
}

/*
 * Start a login. False with error when it could not start; an attempt
 * that ends at once (unknown host) is reported as any other, through
 * EV_CONN_STATE and pc->done, and counts as started.
 */
static bool
start(struct pconn *pc, GError **error)
{
	const char *jid = account_get(pc->acc, "jid");
	const char *res = account_get(pc->acc, "resource");
	g_autofree char *full = NULL;
	JID_AUTO j = jid_parse(jid, NULL);

	if (pc->ctx != NULL && pc->free_timer != 0) {
		loop_remove_timer(pc->free_timer);
		free_session_cb(pc);
	}
	pc->log.handler = log_cb;
	pc->log.userdata = pc;
	if (pc->ctx == NULL)
		pc->ctx = xmpp_ctx_new(NULL, &pc->log);
	pc->conn = xmpp_conn_new(pc->ctx);
	full = res != NULL ? g_strdup_printf("%s/%s", jid, res) :
	    g_strdup(jid);
	xmpp_conn_set_jid(pc->conn, full);
	xmpp_conn_set_pass(pc->conn, pc->password);
	xmpp_conn_set_flags(pc->conn, tls_flags(pc->tls));
	xmpp_conn_set_certfail_handler(pc->conn, proto_tls_certfail_cb);
	xmpp_conn_set_sockopt_callback(pc->conn, sockopt_cb);
	proto_lifecycle_auth_policy(pc);
	g_free(pc->host);
	pc->host = g_strdup(pc->server != NULL ? pc->server : j->domain);
	pc->fd = -1;
	forget_login(pc);
	pc->acc->state = ACCOUNT_CONNECTING;
	proto_lifecycle_attempt(pc);
	proto_sm_before_connect(pc);
	if ((pc->server != NULL && !resolvable(pc->server)) ||
	    xmpp_connect_client(pc->conn, pc->server,
	    (unsigned short)pc->port, conn_cb, pc) != XMPP_EOK) {
		/* Reported like any failed attempt, once: event and done. */
		g_autofree char *msg = g_strdup_printf(
		    "unknown host %s (no address found)", pc->host);

		proto_lifecycle_emit(pc, "failed", msg, "unknown-host");
		session_ended(pc);
		finish(pc, false, msg);
		proto_lifecycle_ended(pc, "unknown-host", false);
		return true;
	}
	proto_lifecycle_login_started(pc);
	return true;
}

/* Log in again with what the last attempt used (reconnect). */
void
proto_conn_restart(struct pconn *pc)
{
	(void)start(pc, NULL);
}

/*
 * Before a password is asked for acc: does the host given (opts->server,
 * else the server key) have an address? When it does not, the attempt is
 * reported as failed (EV_CONN_STATE, code unknown-host), false is
 * returned and *reason (new) says why, for the command's result. A host
 * found through SRV is checked only by the connection itself.
 */
bool
proto_conn_check_host(struct account *acc,
    const struct proto_connect_opts *opts, char **reason)
{
	const char *host = opts->server != NULL ? opts->server :
	    account_get(acc, "server");
	struct pconn *pc;

	g_return_val_if_fail(acc != NULL && reason != NULL, false);
	*reason = NULL;
	if (host == NULL || acc->state != ACCOUNT_OFFLINE ||
	    account_get(acc, "jid") == NULL || resolvable(host))
		return true;
	pc = pconn_get(acc);
	*reason = g_strdup_printf("unknown host %s (no address found)", host);
	proto_lifecycle_emit(pc, "failed", *reason, "unknown-host");
	return false;
}

/*
 * Connect acc with password (copied; kept in memory for /tls trust and
 * reconnects, wiped when replaced). done is called once the attempt ends,
 * also when it ends at once (unknown host). Returns false with error
 * when the attempt could not even start (done is then not called).
 */
bool
proto_conn_connect(struct account *acc, const char *password,
    const struct proto_connect_opts *opts, proto_done_fn *done, void *data,
    GError **error)
{
	struct pconn *pc;
	const char *tls = opts->tls != NULL ? opts->tls :
	    account_get(acc, "tls") != NULL ? account_get(acc, "tls") :
	    prefs_get("conn.tls");
	const char *port = account_get(acc, "port");

	if (account_get(acc, "jid") == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' has no "
		    "jid (/account set %s jid USER@DOMAIN)", acc->name,
		    acc->name);
		return false;
	}
	if (acc->state == ACCOUNT_RECONNECTING) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' is "
		    "waiting to reconnect: /reconnect tries now, /disconnect "
		    "stops", acc->name);
		return false;
	}
	if (acc->state != ACCOUNT_OFFLINE) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' is "
		    "already %s", acc->name, account_state_name(acc->state));
		return false;
	}
	pc = pconn_get(acc);
	wipe(&pc->password);
	pc->password = g_strdup(password);
	g_free(pc->server);
	pc->server = g_strdup(opts->server != NULL ? opts->server :
	    account_get(acc, "server"));
	pc->port = opts->port != 0 ? opts->port :
	    port != NULL ? atoi(port) : 0;
	g_free(pc->tls);
	pc->tls = g_strdup(tls);
	pc->done = done;
	pc->done_data = data;
	pc->lc.retry = false;
	pc->lc.attempt = 0;
	if (!start(pc, error)) {
		pc->done = NULL;
		return false;
	}
	return true;
}

/* Forget the completion callback of a pending attempt (its owner is gone). */
void
proto_conn_cancel_done(struct account *acc)
{
	struct pconn *pc = acc->proto;

	if (pc != NULL)
		pc->done = NULL;
}

/* Close acc's stream politely (or abandon a login in progress). */
bool
proto_conn_disconnect(struct account *acc, GError **error)
{
	struct pconn *pc = acc->proto;

	if (pc != NULL && proto_lifecycle_stop(pc))
		return true;
	if (pc == NULL || pc->conn == NULL || acc->state == ACCOUNT_OFFLINE) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "account '%s' is not connected", acc->name);
		return false;
	}
	pc->user_quit = true;
	xmpp_disconnect(pc->conn);
	proto_conn_drain(pc);
	return true;
}

/*
 * /reconnect: now, when waiting to reconnect; close and connect again
 * when connected; log in again after an earlier login.
 */
bool
proto_conn_reconnect(struct account *acc, GError **error)
{
	struct pconn *pc = acc->proto;

	g_return_val_if_fail(acc != NULL, false);
	if (pc == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "account '%s' has "
		    "not logged in yet: /connect %s", acc->name, acc->name);
		return false;
	}
	return proto_lifecycle_reconnect(pc, error);
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
	if (pc->fd_id != 0)
		loop_remove_fd(pc->fd_id);
	if (pc->drain_timer != 0)
		loop_remove_timer(pc->drain_timer);
	if (pc->free_timer != 0)
		loop_remove_timer(pc->free_timer);
	if (pc->conn != NULL)
		xmpp_conn_release(pc->conn);
	proto_sm_free(pc);
	if (pc->ctx != NULL)
		xmpp_ctx_free(pc->ctx);
	wipe(&pc->password);
	g_free(pc->server);
	g_free(pc->tls);
	g_free(pc->host);
	forget_login(pc);
	forget_session(pc);
	g_clear_pointer(&pc->show, g_free);
	g_clear_pointer(&pc->status, g_free);
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

/* Disconnect everything (bounded wait for the streams to close), free. */
void
proto_shutdown(void)
{
	gint64 deadline = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
	guint i;
	bool open = true;

	proto_register_cancel_all();
	for (i = 0; pconns != NULL && i < pconns->len; i++) {
		struct pconn *pc = g_ptr_array_index(pconns, i);

		pc->done = NULL;
		pc->lc.retry = false;
		if (pc->conn != NULL && !xmpp_conn_is_disconnected(pc->conn)) {
			pc->user_quit = true;
			xmpp_disconnect(pc->conn);
		}
	}
	while (open && g_get_monotonic_time() < deadline) {
		open = false;
		for (i = 0; i < pconns->len; i++) {
			struct pconn *pc = g_ptr_array_index(pconns, i);

			if (pc->conn == NULL ||
			    xmpp_conn_is_disconnected(pc->conn))
				continue;
			open = true;
			history_flush();
			xmpp_run_once(pc->ctx, 10);
		}
	}
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
