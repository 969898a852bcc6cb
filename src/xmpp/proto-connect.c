/* SPDX-License-Identifier: MIT */
/*
 * What the connection commands ask of an account's connection (PRODUCT
 * §5): /connect (is the host known, looked up off the loop before a
 * password is asked for: by c-ares in the loop, as the connection itself
 * will, or by getaddrinfo() in a thread when c-ares cannot be asked; the
 * checks, options and credentials of a login), /disconnect and
 * /reconnect. The login itself is proto-conn.c's. xmpp layer; never
 * prints.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dns.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/log.h"

/* A /connect's host lookup (the caller's fn and data, borrowed). */
struct check {
	char		*account;	/* owned */
	char		*host;		/* owned */
	proto_check_fn	*fn;
	void		*data;
};

static void
checked(enum proto_host_answer answer, void *data)
{
	struct check *c = data;
	struct account *acc = account_find(c->account);
	g_autofree char *reason = NULL;

	if (answer == PROTO_HOST_UNKNOWN) {
		reason = g_strdup_printf("unknown host %s (no address found)",
		    c->host);
		if (acc != NULL)
			proto_lifecycle_emit(proto_conn_get(acc), "failed",
			    reason, "unknown-host");
	} else if (answer == PROTO_HOST_CANCELLED) {
		reason = g_strdup("natter is quitting");
	}
	c->fn(reason, c->data);
	g_free(c->account);
	g_free(c->host);
	g_free(c);
}

/* The answer of c-ares to a check. */
static void
addrs_checked(GPtrArray *addrs, const char *error, void *data)
{
	enum proto_host_answer answer = addrs != NULL && addrs->len > 0 ?
	    PROTO_HOST_KNOWN : PROTO_HOST_UNKNOWN;

	if (error != NULL && strcmp(error, DNS_CANCELLED) == 0)
		answer = PROTO_HOST_CANCELLED;
	if (addrs != NULL)
		g_ptr_array_unref(addrs);
	checked(answer, data);
}

/*
 * Before a password is asked for acc: does the host given (opts->server,
 * else the server key) have an address? It is looked up without blocking
 * the loop. True when the lookup started: fn(error, data) is called once,
 * later, with error NULL when the host is known, else saying why not (an
 * unknown host is reported as a failed attempt too: EV_CONN_STATE, code
 * unknown-host). False when there is nothing to check (no host given:
 * one found through SRV is checked by the connection itself; a host
 * given by address; acc is not offline or has no jid) or the lookup
 * could not start: go ahead at once.
 */
bool
proto_conn_check_host(struct account *acc,
    const struct proto_connect_opts *opts, proto_check_fn *fn, void *data)
{
	const char *host = opts->server != NULL ? opts->server :
	    account_get(acc, "server");
	g_autoptr(GError) err = NULL;
	struct check *c;

	g_return_val_if_fail(acc != NULL && fn != NULL, false);
	if (host == NULL || g_hostname_is_ip_address(host) ||
	    acc->state != ACCOUNT_OFFLINE || account_get(acc, "jid") == NULL)
		return false;
	c = g_new0(struct check, 1);
	c->account = g_strdup(acc->name);
	c->host = g_strdup(host);
	c->fn = fn;
	c->data = data;
	if (dns_addrs(host, addrs_checked, c, NULL) != NULL ||
	    proto_host_lookup(host, checked, c, &err))
		return true;
	log_warn("%s: cannot look %s up: %s", acc->name, host, err->message);
	g_free(c->account);
	g_free(c->host);
	g_free(c);
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
	if (pc != NULL && proto_resolve_pending(pc)) {	/* waits on DNS */
		proto_resolve_forget(pc);
		pc->user_quit = true;
		proto_conn_not_dialled(pc, "disconnected", NULL);
		return true;
	}
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
	if (proto_resolve_pending(pc)) {	/* waits on DNS: ask again */
		proto_resolve_forget(pc);
		xmpp_conn_release(pc->conn);
		pc->conn = NULL;
		pc->lc.attempt = 0;
		proto_conn_restart(pc);
		return true;
	}
	return proto_lifecycle_reconnect(pc, error);
}
