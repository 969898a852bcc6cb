/* SPDX-License-Identifier: MIT */
/*
 * Does the host a connection is to use have an address (PRODUCT §5)?
 * Checked before a password is asked for, so that a typo in the server
 * is reported at once, and before each attempt to a host given
 * explicitly. A host found through SRV is checked only by the connection
 * itself. xmpp layer; never prints.
 */
#include <netdb.h>
#include <sys/socket.h>

#include "proto-internal.h"

/* True when host has an address (getaddrinfo; blocks while it asks). */
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

