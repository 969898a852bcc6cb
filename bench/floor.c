/* SPDX-License-Identifier: MIT */
/*
 * The floor of PRODUCT §12: the least a libstrophe client can do with the
 * same server and the same traffic (bench/README.md). Times are printed
 * as CLOCK_MONOTONIC seconds, the clock of natter's benchmark trace and of
 * Python's time.monotonic(); CPU seconds are this process's own.
 *
 *   floor recv JID PASSWORD PORT N
 *	logs in on 127.0.0.1:PORT (TLS, any certificate), prints "ready",
 *	counts <message> stanzas with a body and, at the Nth, prints
 *	"done FIRST LAST CPU" (times of the first and Nth message, CPU
 *	seconds spent since "ready"), then waits for the end of stdin.
 *	Every mode but idle ends its session (</stream:stream>) and exits at
 *	the end of stdin (send once it has sent everything).
 *   floor send JID PASSWORD PORT TO N
 *	logs in, prints "ready", waits for a line on stdin, sends N chat
 *	messages "message I" (id "mI") to TO as fast as the socket takes
 *	them, or one every PACE_MS milliseconds if that is set, prints
 *	"sent" and exits once the server has read them all.
 *   floor login JID PASSWORD PORT
 *	logs in, asks for the roster and sends its presence; prints
 *	"roster N TIME" when the roster has come, then stays connected.
 *   floor join JID PASSWORD PORT ROOM/NICK
 *	logs in, prints "ready", waits for a line on stdin, joins the room
 *	(no history) and prints "joined START END PRESENCES" once its own
 *	presence came back, then stays.
 *   floor idle JID PASSWORD PORT
 *	logs in and stays (libstrophe's own loop: one wake-up a second).
 *
 * With ROOM=room@service/nick in the environment, recv, send and idle
 * first join that room, recv counts its messages and send sends to it.
 * Deliberately simple: no roster kept, no presence beyond the initial one.
 *
 * Like natter, the floor waits in poll() on its socket and, once that is
 * readable, runs libstrophe with no timeout until it stops making progress:
 * xmpp_run_once() reads 4 KiB a call and then waits its whole timeout
 * even while OpenSSL holds decrypted bytes poll() cannot see, which would
 * make the floor slower than the stack it stands for. TCP_NODELAY as in
 * natter. Only idle mode uses libstrophe's own loop (xmpp_run()).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { RECV, SEND, LOGIN, JOIN, IDLE };

static enum mode mode;
static long want, got;
static double first, cpu_ready;
static const char *to;
static int ready, joined, done, flushed;
static int watch_stdin, stdin_eof;	/* pump() ends at its end */
static long presences;
static int sock_fd = -1, tcp_up;
static unsigned long stanzas;	/* received: the progress pump() sees */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
message_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	if (xmpp_stanza_get_child_by_name(st, "body") == NULL)
		return 1;
	if (got++ == 0)
		first = now();
	if (got == want) {
		printf("done %.6f %.6f %.6f\n", first, now(), cpu() - cpu_ready);
		fflush(stdout);
		done = 1;
	}
	(void)data;
	return 1;
}

static int
any_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	stanzas++;
	(void)conn;
	(void)st;
	(void)data;
	return 1;
}

static int
sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	int one = 1;

	sock_fd = *(int *)sock;
	tcp_up = 0;
	(void)setsockopt(sock_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)conn;
	return 0;
}

/*
 * Run the connection until *until: wait in poll() (at most a second, for
 * libstrophe's timed handlers), then call xmpp_run_once(ctx, 0) while it
 * makes progress. Before a session exists (no stanza handler fires during
 * the login) it runs xmpp_run_once(ctx, 1).
 */
static void
pump(xmpp_ctx_t *ctx, xmpp_conn_t *conn, const int *until)
{
	while (!*until) {
		struct pollfd p[2] = { { sock_fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		unsigned long before;
		int idle = 0;
		char buf[64];

		if (!ready || sock_fd < 0) {
			xmpp_run_once(ctx, 1);
			continue;
		}
		if (!tcp_up || xmpp_conn_send_queue_len(conn) > 0)
			p[0].events |= POLLOUT;
		if (poll(p, watch_stdin ? 2 : 1, 1000) > 0 &&
		    (p[0].revents & POLLOUT))
			tcp_up = 1;
		if (watch_stdin && (p[1].revents & (POLLIN | POLLHUP)) &&
		    read(0, buf, sizeof buf) <= 0)
			stdin_eof = 1;
		while (idle < 4 && !*until) {
			before = stanzas;
			xmpp_run_once(ctx, 0);
			idle = stanzas == before ? idle + 1 : 0;
		}
	}
}

/*
 * End the session as a client that quits does, with </stream:stream>: a
 * connection dropped without it hibernates on the server (XEP-0198) and,
 * still available, gets a copy of every message to its bare JID, so the
 * next client measured shared the server with it (its burst took 1.4 s
 * instead of 0.9).
 */
static void
leave(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	double end = now() + 5;

	if (xmpp_conn_is_disconnected(conn))
		return;
	xmpp_disconnect(conn);
	while (!xmpp_conn_is_disconnected(conn) && now() < end)
		xmpp_run_once(ctx, 10);
}

static int
roster_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name(st, "query");
	xmpp_stanza_t *c;
	long n = 0;

	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL; c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_get_name(c) != NULL &&
		    strcmp(xmpp_stanza_get_name(c), "item") == 0)
			n++;
	printf("roster %ld %.6f\n", n, now());
	fflush(stdout);
	(void)conn;
	(void)data;
	return 0;
}

static void
ask_roster(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", "floor-roster");

	xmpp_stanza_add_child_ex(iq, xmpp_stanza_new_from_string(ctx,
	    "<query xmlns='jabber:iq:roster'/>"), 0);
	xmpp_id_handler_add(conn, roster_cb, "floor-roster", NULL);
	xmpp_send(conn, iq);
	xmpp_stanza_release(iq);
}

/* Presences from the room; ours (room/nick) ends the join. */
static int
room_presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	const char *room = data, *from = xmpp_stanza_get_from(st);
	size_t bare = strcspn(room, "/");

	if (from == NULL || strncmp(from, room, bare) != 0 ||
	    from[bare] != '/')
		return 1;
	presences++;
	if (strcmp(from, room) == 0)
		joined = 1;
	(void)conn;
	return 1;
}

/* Join room/nick without history; wait for our own presence there. */
static void
join(xmpp_ctx_t *ctx, xmpp_conn_t *conn, const char *room)
{
	char xml[128];
	xmpp_stanza_t *p = xmpp_presence_new(ctx);

	snprintf(xml, sizeof xml, "<x xmlns='http://jabber.org/protocol/muc'>"
	    "<history maxstanzas='0'/></x>");
	xmpp_stanza_set_to(p, room);
	xmpp_stanza_add_child_ex(p, xmpp_stanza_new_from_string(ctx, xml), 0);
	xmpp_handler_add(conn, room_presence_cb, NULL, "presence", NULL,
	    (void *)room);
	xmpp_send(conn, p);
	xmpp_stanza_release(p);
	pump(ctx, conn, &joined);
}

static int
certfail_cb(const xmpp_tlscert_t *cert, const char *const msg)
{
	(void)cert;
	(void)msg;
	return 1;	/* a private test server on loopback */
}

static void
conn_cb(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
    xmpp_stream_error_t *se, void *data)
{
	xmpp_ctx_t *ctx = xmpp_conn_get_context(conn);
	xmpp_stanza_t *pres;

	if (ev != XMPP_CONN_CONNECT) {
		if (ready)
			return;		/* the end of a finished run */
		fprintf(stderr, "floor: connection failed (%d)\n", error);
		exit(1);
	}
	xmpp_handler_add(conn, any_cb, NULL, NULL, NULL, NULL);
	if (mode == RECV)
		xmpp_handler_add(conn, message_cb, NULL, "message", NULL, NULL);
	if (mode == LOGIN)
		ask_roster(ctx, conn);
	pres = xmpp_presence_new(ctx);
	xmpp_send(conn, pres);
	xmpp_stanza_release(pres);
	ready = 1;		/* main joins the room, then says "ready" */
	(void)se;
	(void)data;
}

static int
flushed_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	flushed = 1;
	(void)conn;
	(void)st;
	(void)data;
	return 0;
}

static void
wait_line(void)
{
	char line[16];

	if (fgets(line, sizeof(line), stdin) == NULL)
		exit(1);
}

/* Run libstrophe for ms milliseconds. */
static void
run_for(xmpp_ctx_t *ctx, long ms)
{
	double end = now() + ms / 1e3;

	while (now() < end)
		xmpp_run_once(ctx, 1);
}

/* Send mode, driven from main (not from inside a libstrophe callback). */
static void
flood(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	const char *room = getenv("ROOM"), *pace = getenv("PACE_MS");
	long i, pace_ms = pace != NULL ? atol(pace) : 0;
	char dest[512], body[32], id[32];
	xmpp_stanza_t *ping;

	snprintf(dest, sizeof dest, "%.*s", room != NULL ?
	    (int)strcspn(room, "/") : (int)strlen(to), room != NULL ? room :
	    to);
	wait_line();
	for (i = 0; i < want; i++) {
		xmpp_stanza_t *m;

		snprintf(id, sizeof id, "m%ld", i);
		m = xmpp_message_new(ctx, room != NULL ? "groupchat" : "chat",
		    dest, id);
		snprintf(body, sizeof(body), "message %ld", i);
		xmpp_message_set_body(m, body);
		xmpp_send(conn, m);
		xmpp_stanza_release(m);
		if (pace_ms > 0)
			run_for(ctx, pace_ms);
		else if (i % 64 == 63)
			xmpp_run_once(ctx, 0);
	}
	/* A ping answered means the server has read everything before it
	 * (closing earlier could reset the connection and lose the tail). */
	ping = xmpp_iq_new(ctx, "get", "floor-flush");
	xmpp_stanza_add_child_ex(ping, xmpp_stanza_new_from_string(ctx,
	    "<ping xmlns='urn:xmpp:ping'/>"), 0);
	xmpp_id_handler_add(conn, flushed_cb, "floor-flush", NULL);
	xmpp_send(conn, ping);
	xmpp_stanza_release(ping);
	pump(ctx, conn, &flushed);
	printf("sent\n");
	fflush(stdout);
}

static int
usage(void)
{
	fprintf(stderr, "usage: floor recv JID PASSWORD PORT N\n"
	    "       floor send JID PASSWORD PORT TO N\n"
	    "       floor login|idle JID PASSWORD PORT\n"
	    "       floor join JID PASSWORD PORT ROOM/NICK\n");
	return 2;
}

static int
parse(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum mode mode;
		int argc;
	} modes[] = { { "recv", RECV, 6 }, { "send", SEND, 7 },
		{ "login", LOGIN, 5 }, { "join", JOIN, 6 }, { "idle", IDLE, 5 } };
	size_t i;

	for (i = 0; argc > 1 && i < sizeof modes / sizeof modes[0]; i++) {
		if (strcmp(argv[1], modes[i].name) != 0)
			continue;
		if (argc != modes[i].argc)
			return 0;
		mode = modes[i].mode;
		if (mode == SEND)
			to = argv[5];
		if (mode == RECV || mode == SEND)
			want = atol(argv[mode == SEND ? 6 : 5]);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	double t0;

	if (!parse(argc, argv))
		return usage();
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	conn = xmpp_conn_new(ctx);
	xmpp_conn_set_jid(conn, argv[2]);
	xmpp_conn_set_pass(conn, argv[3]);
	xmpp_conn_set_certfail_handler(conn, certfail_cb);
	xmpp_conn_set_sockopt_callback(conn, sockopt_cb);
	if (xmpp_connect_client(conn, "127.0.0.1",
	    (unsigned short)atoi(argv[4]), conn_cb, NULL) != XMPP_EOK)
		return 1;
	pump(ctx, conn, &ready);
	if (getenv("ROOM") != NULL && mode != JOIN)
		join(ctx, conn, getenv("ROOM"));
	cpu_ready = cpu();
	if (mode != LOGIN) {
		printf("ready\n");
		fflush(stdout);
	}
	if (mode == SEND) {
		flood(ctx, conn);
	} else if (mode == JOIN) {
		wait_line();
		t0 = now();
		join(ctx, conn, argv[5]);
		printf("joined %.6f %.6f %ld\n", t0, now(), presences);
		fflush(stdout);
	} else if (mode == IDLE) {
		xmpp_run(ctx);			/* until killed */
	} else if (mode == RECV) {
		pump(ctx, conn, &done);		/* the Nth message */
	}
	watch_stdin = 1;			/* stay until the end of stdin */
	if (mode != SEND)
		pump(ctx, conn, &stdin_eof);
	leave(ctx, conn);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
