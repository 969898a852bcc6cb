/* SPDX-License-Identifier: MIT */
/*
 * In-band registration (XEP-0077): a connection of its own, in
 * libstrophe's raw mode, because the account does not exist yet so there
 * is nothing to authenticate. The stream is opened, STARTTLS is required
 * (unless the tls mode says otherwise) with the certificate verified or
 * trusted earlier by the user, the server's registration fields are
 * fetched, and username and password are sent. Only the username and
 * password fields can be filled; a server asking for more is reported
 * with the fields it wants. Raw traffic goes to the XML console like any
 * other, with <password> redacted. Never prints. xmpp layer.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "core/certstore.h"
#include "core/events.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "proto-raw.h"
#include "util/errors.h"
#include "util/jid.h"
#include "util/log.h"

#define NS_STREAMS "http://etherx.jabber.org/streams"
#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_REGISTER "jabber:iq:register"
#define NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"

struct reg {
	xmpp_ctx_t	*ctx;
	xmpp_conn_t	*conn;
	xmpp_log_t	 log;
	char		*jid;		/* bare JID being registered */
	char		*local;
	char		*password;	/* wiped on free */
	char		*tls;
	guint		 fd_id, timer, free_timer;
	bool		 secured;
	bool		 ended;
	proto_done_fn	*done;
	void		*data;
};

static GPtrArray *regs;	/* registrations in progress */

static void
reg_free(struct reg *r)
{
	if (regs != NULL)
		g_ptr_array_remove(regs, r);
	if (r->free_timer != 0)
		loop_remove_timer(r->free_timer);
	if (r->fd_id != 0)
		loop_remove_fd(r->fd_id);
	if (r->timer != 0)
		loop_remove_timer(r->timer);
	if (r->conn != NULL)
		xmpp_conn_release(r->conn);
	if (r->ctx != NULL)
		xmpp_ctx_free(r->ctx);
	if (r->password != NULL)
		memset(r->password, 0, strlen(r->password));
	g_free(r->password);
	g_free(r->jid);
	g_free(r->local);
	g_free(r->tls);
	g_free(r);
}

static void
free_cb(void *data)
{
	reg_free(data);
}

/*
 * Report the outcome once, then close; the context is freed from the
 * loop, never inside one of its own callbacks.
 */
static void
end(struct reg *r, bool ok, const char *message)
{
	if (r->ended)
		return;
	r->ended = true;
	log_info("register %s: %s", r->jid, message);
	r->done(ok, message, r->data);
	if (r->timer != 0)
		loop_remove_timer(r->timer);
	r->timer = 0;
	if (r->conn != NULL && !xmpp_conn_is_disconnected(r->conn))
		xmpp_disconnect(r->conn);
	if (r->free_timer == 0)
		r->free_timer = loop_add_timer(0, free_cb, r);
}

static void
log_cb(void *userdata, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	struct reg *r = userdata;
	bool in = strncmp(msg, "RECV: ", 6) == 0;
	g_autofree char *safe = NULL;

	if (!in && strncmp(msg, "SENT: ", 6) != 0)
		return;
	safe = proto_raw_redact(msg + 6);
	proto_raw_emit("register", in, safe, NULL);
	(void)r;
	(void)level;
	(void)area;
}

static void
drain(struct reg *r)
{
	int i;

	for (i = 0; i < 64 && !r->ended; i++)
		xmpp_run_once(r->ctx, 0);
	if (r->fd_id != 0 && r->conn != NULL)
		loop_set_fd_events(r->fd_id, POLLIN |
		    (xmpp_conn_send_queue_len(r->conn) > 0 ||
		    xmpp_conn_is_connecting(r->conn) ? POLLOUT : 0));
}

static void
fd_cb(int fd, short revents, void *data)
{
	drain(data);
}

static int
sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	struct reg *r = NULL;
	int fd = *(int *)sock;
	int one = 1;
	guint i;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	for (i = 0; regs != NULL && i < regs->len; i++)
		if (((struct reg *)g_ptr_array_index(regs, i))->conn == conn)
			r = g_ptr_array_index(regs, i);
	if (r == NULL)
		return 0;
	if (r->fd_id != 0)
		loop_remove_fd(r->fd_id);
	r->fd_id = loop_add_fd(fd, POLLIN | POLLOUT, fd_cb, r);
	return 0;
}

/* Accept only a certificate the user trusted before (/tls trust). */
static int
certfail_cb(const xmpp_tlscert_t *cert, const char *const errormsg)
{
	const char *fp = xmpp_tlscert_get_string(cert,
	    XMPP_CERT_FINGERPRINT_SHA256);

	if (fp != NULL && certstore_is_trusted(fp))
		return 1;
	log_warn("register: certificate refused: %s", errormsg ? errormsg :
	    "unverifiable");
	return 0;
}

static void send_form_request(struct reg *r);

static int
proceed_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct reg *r = userdata;

	if (xmpp_conn_tls_start(conn) != XMPP_EOK) {
		end(r, false, "TLS failed (certificate not verified and not "
		    "trusted: /connect to the server once to review it)");
		return 0;
	}
	r->secured = true;
	xmpp_conn_open_stream_default(conn);
	return 0;
}

static int
features_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct reg *r = userdata;
	bool tls_offered = xmpp_stanza_get_child_by_ns(st, NS_TLS) != NULL;
	bool tls_required = strcmp(r->tls, "allow") != 0 &&
	    strcmp(r->tls, "disable") != 0;

	if (!r->secured && tls_offered && strcmp(r->tls, "disable") != 0) {
		xmpp_stanza_t *s = xmpp_stanza_new(r->ctx);

		xmpp_stanza_set_name(s, "starttls");
		xmpp_stanza_set_ns(s, NS_TLS);
		xmpp_handler_add(conn, proceed_cb, NS_TLS, "proceed", NULL, r);
		xmpp_send(conn, s);
		xmpp_stanza_release(s);
		return 1;
	}
	if (!r->secured && tls_required) {
		end(r, false, "the server does not offer TLS; not registering "
		    "in the clear");
		return 0;
	}
	if (xmpp_stanza_get_child_by_ns(st, NS_REGISTER_FEATURE) == NULL) {
		end(r, false, "the server does not offer in-band registration "
		    "(XEP-0077)");
		return 0;
	}
	send_form_request(r);
	return 1;
}

static int
submitted_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct reg *r = userdata;
	g_autofree char *msg = NULL;

	if (g_strcmp0(xmpp_stanza_get_type(st), "result") == 0) {
		msg = g_strdup_printf("registered %s", r->jid);
		end(r, true, msg);
		return 0;
	}
	{
		xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(st, "error");
		g_autofree char *why = NULL;
		struct pconn fake = { .ctx = r->ctx };

		why = proto_error_describe(&fake, st);
		if (e != NULL && xmpp_stanza_get_child_by_name(e, "conflict"))
			msg = g_strdup_printf("registration refused: %s is "
			    "taken", r->jid);
		else
			msg = g_strdup_printf("registration refused: %s", why);
	}
	end(r, false, msg);
	return 0;
}

/* Fields of the legacy form other than username and password. */
static char *
other_fields(xmpp_stanza_t *q)
{
	static const char *const known[] = { "username", "password",
		"instructions", "registered", "x", NULL };
	GString *s = g_string_new(NULL);
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(q); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);

		if (n != NULL && !g_strv_contains(known, n) &&
		    strlen(n) < 64)
			g_string_append_printf(s, "%s%s", s->len ? ", " : "",
			    n);
	}
	return g_string_free(s, FALSE);
}

static int
form_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *userdata)
{
	struct reg *r = userdata;
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(st, NS_REGISTER);
	g_autofree char *extra = NULL, *msg = NULL;
	xmpp_stanza_t *iq, *nq;

	if (g_strcmp0(xmpp_stanza_get_type(st), "result") != 0 || q == NULL) {
		struct pconn fake = { .ctx = r->ctx };
		g_autofree char *why = proto_error_describe(&fake, st);

		msg = g_strdup_printf("the server refused to give its "
		    "registration form: %s", why);
		end(r, false, msg);
		return 0;
	}
	if (xmpp_stanza_get_child_by_name(q, "username") == NULL ||
	    xmpp_stanza_get_child_by_name(q, "password") == NULL) {
		end(r, false, "the server's registration form has no username "
		    "and password fields (it may want a web page or a CAPTCHA)");
		return 0;
	}
	extra = other_fields(q);
	if (*extra != '\0') {
		msg = g_strdup_printf("the server also asks for: %s; natter "
		    "can fill only username and password", extra);
		end(r, false, msg);
		return 0;
	}
	iq = xmpp_iq_new(r->ctx, "set", "reg2");
	nq = proto_new_child(r->ctx, iq, "query", NS_REGISTER);
	proto_add_text_child(r->ctx, nq, "username", r->local);
	proto_add_text_child(r->ctx, nq, "password", r->password);
	xmpp_id_handler_add(conn, submitted_cb, "reg2", r);
	xmpp_send(conn, iq);
	xmpp_stanza_release(iq);
	return 0;
}

static void
send_form_request(struct reg *r)
{
	xmpp_stanza_t *iq = xmpp_iq_new(r->ctx, "get", "reg1");

	proto_new_child(r->ctx, iq, "query", NS_REGISTER);
	xmpp_id_handler_add(r->conn, form_cb, "reg1", r);
	xmpp_send(r->conn, iq);
	xmpp_stanza_release(iq);
}

static void
conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
    xmpp_stream_error_t *se, void *userdata)
{
	struct reg *r = userdata;

	if (event == XMPP_CONN_RAW_CONNECT) {
		xmpp_handler_add(conn, features_cb, NS_STREAMS, "features",
		    NULL, r);
		xmpp_conn_open_stream_default(conn);
		return;
	}
	if (event == XMPP_CONN_DISCONNECT || event == XMPP_CONN_FAIL)
		end(r, false, error != 0 ? g_strerror(error) :
		    "the server closed the connection");
}

static void
timeout_cb(void *data)
{
	struct reg *r = data;

	r->timer = 0;
	end(r, false, "the server did not answer in time");
}

/*
 * Register jid (a bare JID) with password on its server (or server/port),
 * TLS per tls (force|allow|trust|disable). done gets the outcome.
 */
bool
proto_register(const char *jid, const char *password, const char *server,
    int port, const char *tls, proto_done_fn *done, void *data,
    GError **error)
{
	JID_AUTO j = jid_parse(jid, error);
	struct reg *r;
	long flags = XMPP_CONN_FLAG_MANDATORY_TLS;

	if (j == NULL)
		return false;
	if (j->local == NULL || j->resource != NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "'%s' is not a bare "
		    "JID user@domain", jid);
		return false;
	}
	if (strcmp(tls, "direct") == 0) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "registration uses "
		    "STARTTLS; tls direct is not supported for it");
		return false;
	}
	r = g_new0(struct reg, 1);
	r->jid = jid_bare(j);
	r->local = g_strdup(j->local);
	r->password = g_strdup(password);
	r->tls = g_strdup(tls);
	r->done = done;
	r->data = data;
	r->log.handler = log_cb;
	r->log.userdata = r;
	r->ctx = xmpp_ctx_new(NULL, &r->log);
	r->conn = xmpp_conn_new(r->ctx);
	if (strcmp(tls, "trust") == 0)
		flags |= XMPP_CONN_FLAG_TRUST_TLS;
	else if (strcmp(tls, "allow") == 0 || strcmp(tls, "disable") == 0)
		flags = 0;
	xmpp_conn_set_flags(r->conn, flags);
	xmpp_conn_set_jid(r->conn, r->jid);
	xmpp_conn_set_certfail_handler(r->conn, certfail_cb);
	xmpp_conn_set_sockopt_callback(r->conn, sockopt_cb);
	if (regs == NULL)
		regs = g_ptr_array_new();
	g_ptr_array_add(regs, r);
	if (xmpp_connect_raw(r->conn, server, (unsigned short)port, conn_cb,
	    r) != XMPP_EOK) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "cannot connect to "
		    "%s", server != NULL ? server : j->domain);
		reg_free(r);
		return false;
	}
	r->timer = loop_add_timer(prefs_get_int("conn.timeout") * 1000,
	    timeout_cb, r);
	drain(r);
	return true;
}

/* At exit: end the registrations still running (their callers are told). */
void
proto_register_cancel_all(void)
{
	while (regs != NULL && regs->len > 0) {
		struct reg *r = g_ptr_array_index(regs, 0);

		end(r, false, "natter is quitting");
		reg_free(r);
	}
	g_clear_pointer(&regs, g_ptr_array_unref);
}
