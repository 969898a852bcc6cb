/* SPDX-License-Identifier: MIT */
/*
 * What the connection commands ask of an account's connection (PRODUCT
 * §5): /connect (is the host known, before a password is asked for; the
 * checks, options and credentials of a login), /disconnect and
 * /reconnect. The login itself is proto-conn.c's. xmpp layer; never
 * prints.
 */
#include <netdb.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "core/prefs.h"
#include "proto-internal.h"
#include "util/errors.h"

/*
 * True when host has an address (getaddrinfo; blocks while it asks).
 * Also checked before each attempt to a host given explicitly; a host
 * found through SRV is checked only by the connection itself.
 */
bool
proto_host_resolvable(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(host, NULL, &hints, &res);

	if (res != NULL)
		freeaddrinfo(res);
	return r == 0;
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
	    account_get(acc, "jid") == NULL || proto_host_resolvable(host))
		return true;
	pc = proto_conn_get(acc);
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
	pc = proto_conn_get(acc);
	proto_secret_free(&pc->password);
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
	proto_conn_restart(pc);
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
