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
	printf("ready\n");
	fflush(stdout);
	ready = 1;
	(void)error;
	(void)se;
	(void)data;
}

/* Send mode, driven from main (not from inside a libstrophe callback). */
static void
flood(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	char line[16];
	long i;

	while (!ready)
		xmpp_run_once(ctx, 50);
	if (fgets(line, sizeof(line), stdin) == NULL)
		exit(1);
	for (i = 0; i < want; i++) {
		xmpp_stanza_t *m = xmpp_message_new(ctx, "chat", to, NULL);
		char body[32];

		snprintf(body, sizeof(body), "message %ld", i);
		xmpp_message_set_body(m, body);
		xmpp_send(conn, m);
		xmpp_stanza_release(m);
		if (i % 64 == 63)
			xmpp_run_once(ctx, 0);
	}
	while (xmpp_conn_send_queue_len(conn) > 0)
		xmpp_run_once(ctx, 10);
	printf("sent\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;

	if (argc < 6 || (strcmp(argv[1], "send") == 0 && argc < 7)) {
		fprintf(stderr, "usage: floor recv JID PASSWORD PORT N\n"
		    "       floor send JID PASSWORD PORT TO N\n");
		return 2;
	}
	sending = strcmp(argv[1], "send") == 0;
	to = sending ? argv[5] : NULL;
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
	if (sending)
		flood(ctx, conn);
	else
		xmpp_run(ctx);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
