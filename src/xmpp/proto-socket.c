/* SPDX-License-Identifier: MIT */
/*
 * A connection's socket in natter's poll() loop (PRODUCT §12): the
 * descriptor comes from libstrophe's sockopt callback (which also sets
 * TCP_NODELAY and keepalive); when it is readable, xmpp_run_once(ctx, 0)
 * is called until it makes no progress, because TLS may hold decrypted
 * bytes poll() cannot see; POLLOUT is asked for only while something is
 * to be written, so a slow server never makes the loop spin. Owns pc's
 * fd_id, tcp_up and drain_timer (proto_socket_closed() stops them) and
 * pc->fd, which each attempt resets. xmpp layer; never prints.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "core/history.h"
#include "core/loop.h"
#include "util/trace.h"
#include "proto-internal.h"

static void
fd_cb(int fd, short revents, void *data)
{
	if (revents & POLLIN)
		TRACE("readable");
	proto_conn_drain(data);
}

/* libstrophe's sockopt callback: the socket of a new connection. */
int
proto_socket_opened(xmpp_conn_t *conn, void *sock)
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

/*
 * The session ended (or pc goes): stop watching its socket. pc->fd stays
 * until the next attempt: it tells an unknown host (never got a socket)
 * from a failed connection, and the lifecycle may still shut it down.
 */
void
proto_socket_closed(struct pconn *pc)
{
	if (pc->fd_id != 0)
		loop_remove_fd(pc->fd_id);
	pc->fd_id = 0;
	if (pc->drain_timer != 0)
		loop_remove_timer(pc->drain_timer);
	pc->drain_timer = 0;
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
 * call and TLS may hold decrypted data that poll() cannot see (each
 * xmpp_run_once() reads what TLS holds). One follow-up pass 20 ms after a
 * busy turn (more than one read that completed stanzas: a burst that may
 * go on) picks up a record left in the TLS buffer; a lone stanza, such as
 * the answer to a keepalive ping, and an idle connection schedule
 * nothing.
 */
void
proto_conn_drain(struct pconn *pc)
{
	xmpp_ctx_t *ctx = pc->ctx;
	unsigned long before;
	int i, idle = 0, busy = 0;

	if (ctx == NULL)
		return;
	for (i = 0; i < 512 && idle < 4; i++) {
		before = pc->recv_count;
		/* What was stored is committed before anything queued, such
		 * as the acks of it, goes out (xmpp_run_once() writes the
		 * queue first); with nothing queued the reads go on, and the
		 * loop commits at the end of its turn. */
		if (pc->conn != NULL && xmpp_conn_send_queue_len(pc->conn) > 0)
			history_flush();
		xmpp_run_once(ctx, 0);
		if (pc->ctx != ctx)
			return;
		if (pc->recv_count != before) {
			busy++;
			idle = 0;
		} else {
			idle++;
		}
	}
	if (busy > 1 && pc->drain_timer == 0 && pc->conn != NULL &&
	    !xmpp_conn_is_disconnected(pc->conn))
		pc->drain_timer = loop_add_timer(i >= 512 ? 0 : 20,
		    drain_again_cb, pc);
}

/*
 * Before poll(): ask for POLLOUT only until libstrophe has seen the TCP
 * connect complete (it then sends its stream header: pc->tcp_up) and
 * while it has output queued. xmpp_conn_is_connecting() stays true until
 * the stream is negotiated, and a writable socket wakes poll() at once:
 * a server that sent its stream slowly made the loop spin.
 */
void
proto_socket_prepare(struct pconn *pc)
{
	short ev = POLLIN;

	if (pc->fd_id == 0 || pc->conn == NULL)
		return;
	if (!pc->tcp_up || xmpp_conn_send_queue_len(pc->conn) > 0)
		ev |= POLLOUT;
	loop_set_fd_events(pc->fd_id, ev);
}
