/* SPDX-License-Identifier: MIT */
/*
 * The floor of PRODUCT §12: the least a libstrophe client can do with the
 * same server and the same traffic. Two modes:
 *
 *   floor recv JID PASSWORD PORT N
 *	logs in on 127.0.0.1:PORT (TLS, any certificate), prints "ready",
 *	counts <message> stanzas with a body and, at the Nth, prints
 *	"done SECONDS_SINCE_FIRST CPU_SECONDS" and exits.
 *   floor send JID PASSWORD PORT TO N
 *	logs in, prints "ready", waits for a line on stdin, sends N chat
 *	messages "message I" to TO as fast as the socket takes them, prints
 *	"sent" and exits once the queue is empty.
 *
 * With ROOM=room@service/nick in the environment, every mode first joins
 * that room (XEP-0045, no history) and recv counts groupchat messages,
 * send sends them to the room. "floor idle JID PASSWORD PORT" only joins
 * and stays, as an occupant.
 *
 * Deliberately simple: no roster, no presence beyond the initial one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long want, got;
static double first;
static int sending;
static const char *to;
static int ready;
static char g_to_room_buf[512];

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
		printf("done %.6f %.6f\n", now() - first, cpu());
		fflush(stdout);
		xmpp_stop(xmpp_conn_get_context(conn));
	}
	(void)data;
	return 1;
}

/* Join room/nick without history; wait for our own presence there. */
static int joined;

static int
room_presence_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	const char *from = xmpp_stanza_get_from(st);

	if (from != NULL && strcmp(from, (const char *)data) == 0)
		joined = 1;
	(void)conn;
	return 1;
}

static void
join(xmpp_ctx_t *ctx, xmpp_conn_t *conn, const char *room)
{
	xmpp_stanza_t *p = xmpp_presence_new(ctx);
	xmpp_stanza_t *x = xmpp_stanza_new(ctx);
	xmpp_stanza_t *h = xmpp_stanza_new(ctx);

	xmpp_stanza_set_to(p, room);
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, "http://jabber.org/protocol/muc");
	xmpp_stanza_set_name(h, "history");
	xmpp_stanza_set_attribute(h, "maxstanzas", "0");
	xmpp_stanza_add_child(x, h);
	xmpp_stanza_add_child(p, x);
	xmpp_handler_add(conn, room_presence_cb, NULL, "presence", NULL,
	    (void *)room);
	xmpp_send(conn, p);
	xmpp_stanza_release(h);
	xmpp_stanza_release(x);
	xmpp_stanza_release(p);
	while (!joined)
		xmpp_run_once(ctx, 50);
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
	if (!sending)
		xmpp_handler_add(conn, message_cb, NULL, "message", NULL, NULL);
	pres = xmpp_presence_new(ctx);
	xmpp_send(conn, pres);
	xmpp_stanza_release(pres);
	ready = 1;		/* main joins the room, then says "ready" */
	(void)error;
	(void)se;
	(void)data;
}

static int flushed;

static int
flushed_cb(xmpp_conn_t *conn, xmpp_stanza_t *st, void *data)
{
	flushed = 1;
	(void)conn;
	(void)st;
	(void)data;
	return 0;
}

/* Send mode, driven from main (not from inside a libstrophe callback). */
static void
flood(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	char line[16];
	xmpp_stanza_t *ping;
	long i;

	if (fgets(line, sizeof(line), stdin) == NULL)
		exit(1);
	for (i = 0; i < want; i++) {
		const char *room = getenv("ROOM");
		xmpp_stanza_t *m;

		if (room != NULL) {
			snprintf(g_to_room_buf, sizeof(g_to_room_buf), "%.*s",
			    (int)strcspn(room, "/"), room);
			m = xmpp_message_new(ctx, "groupchat", g_to_room_buf,
			    NULL);
		} else {
			m = xmpp_message_new(ctx, "chat", to, NULL);
		}
		char body[32];

		snprintf(body, sizeof(body), "message %ld", i);
		xmpp_message_set_body(m, body);
		xmpp_send(conn, m);
		xmpp_stanza_release(m);
		if (i % 64 == 63)
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
	while (!flushed)
		xmpp_run_once(ctx, 10);
	printf("sent\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;

	if (argc == 5 && strcmp(argv[1], "idle") == 0) {
		want = -1;	/* never done: stays in the room */
		argc = 6;
	} else if (argc < 6 || (strcmp(argv[1], "send") == 0 && argc < 7)) {
		fprintf(stderr, "usage: floor recv JID PASSWORD PORT N\n"
		    "       floor send JID PASSWORD PORT TO N\n");
		return 2;
	}
	sending = strcmp(argv[1], "send") == 0;
	to = sending ? argv[5] : NULL;
	if (want == 0)
		want = atol(argv[sending ? 6 : 5]);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	conn = xmpp_conn_new(ctx);
	xmpp_conn_set_jid(conn, argv[2]);
	xmpp_conn_set_pass(conn, argv[3]);
	xmpp_conn_set_certfail_handler(conn, certfail_cb);
	if (xmpp_connect_client(conn, "127.0.0.1",
	    (unsigned short)atoi(argv[4]), conn_cb, NULL) != XMPP_EOK)
		return 1;
	while (!ready)
		xmpp_run_once(ctx, 50);
	if (getenv("ROOM") != NULL)
		join(ctx, conn, getenv("ROOM"));
	printf("ready\n");
	fflush(stdout);
	if (sending)
		flood(ctx, conn);
	else
		xmpp_run(ctx);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
