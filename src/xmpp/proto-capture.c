/* SPDX-License-Identifier: MIT */
/*
 * Traffic capture (PRODUCT §5, §9): all of a connection's traffic reaches
 * natter through libstrophe's log handler, SENT: lines as whole send
 * buffers and RECV: lines one element each, SASL payloads included. Each
 * is redacted (proto_raw_redact) before anything else sees it, then
 * handed to what reads the traffic: the lifecycle (signs of life, login
 * milestones), the login facts, stream management's counters, and the
 * log and EV_RAW_* (XML console, batch --xml). Other log lines go to the
 * lifecycle and the login facts, then to natter's log, redacted too.
 * Also sends raw text (/xml).
 *
 * RECV: lines are libstrophe's re-serialisation of what it parsed, not
 * what the server sent. With a libstrophe that hands over the bytes read
 * (xmpp_conn_set_raw_recv_handler, natter's patch 0012) they are split at
 * element boundaries as they come (util/xmlsplit) and queued, unredacted
 * and private to the connection; each RECV: line, logged after its bytes
 * were read, takes the first queued piece of the same kind and name, and
 * both go out together, each redacted. The capture's other state is the
 * count of elements received (pc->recv_count, never reset: the drain
 * compares it before and after a turn). xmpp layer; never prints.
 */
#include "config.h"

#include <string.h>

#include "core/events.h"
#include "core/prefs.h"
#include "proto-internal.h"
#include "proto-raw.h"
#include "util/log.h"
#include "util/xmlsplit.h"

/* Pieces waiting for their RECV: line (a parse failure leaves some). */
#define RAW_QUEUE_MAX 256

/*
 * Log and emit raw traffic of account (already redacted): xml as logged,
 * raw the exact bytes received or NULL.
 */
void
proto_raw_emit(const char *account, bool in, const char *safe,
    const char *raw)
{
	struct ev ev = { .kind = in ? EV_RAW_IN : EV_RAW_OUT,
		.account = account };

	ev.u.raw.xml = safe;
	ev.u.raw.raw = raw;
	log_debug("%s %s %s", account, in ? "RECV" : "SENT", safe);
	ev_emit(&ev);
}

/* The kind and local name of a RECV: line's element. */
static enum xsplit_kind
logged_kind(const char *xml, char **name)
{
	const char *p = xml + (xml[0] == '<'), *end, *colon;
	enum xsplit_kind kind = XSPLIT_ELEMENT;

	if (*p == '/') {
		kind = XSPLIT_CLOSE;
		p++;
	}
	end = p + strcspn(p, " \t\r\n/>");
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon != NULL)
		p = colon + 1;
	*name = g_strndup(p, (size_t)(end - p));
	if (kind == XSPLIT_ELEMENT && strcmp(*name, "stream") == 0 &&
	    g_str_has_prefix(xml, "<stream:stream"))
		kind = XSPLIT_OPEN;
	return kind;
}

/*
 * The exact bytes of the element logged as xml, redacted (new), or NULL
 * when none was captured. Pieces before the match were never parsed
 * (left by a parse failure): dropped.
 */
static char *
take_raw(struct pconn *pc, const char *xml)
{
	g_autofree char *name = NULL;
	enum xsplit_kind kind;
	struct xsplit_piece *p, *target;
	char *safe;
	GList *l;

	if (pc->raw_in.length == 0)
		return NULL;
	kind = logged_kind(xml, &name);
	for (l = pc->raw_in.head; l != NULL; l = l->next) {
		p = l->data;
		if (p->kind == kind && strcmp(p->name, name) == 0)
			break;
	}
	if (l == NULL)
		return NULL;
	target = l->data;
	while ((p = g_queue_pop_head(&pc->raw_in)) != target)
		xsplit_piece_free(p);
	safe = proto_raw_redact(p->bytes);
	if (p->dropped > 0) {
		char *cut = g_strdup_printf("%s<!-- natter: %zu more bytes not "
		    "kept -->", safe, p->dropped);

		g_free(safe);
		safe = cut;
	}
	xsplit_piece_free(p);
	return safe;
}

static void
traffic(struct pconn *pc, bool in, const char *xml)
{
	g_autofree char *safe = proto_raw_redact(xml);
	g_autofree char *raw = in ? take_raw(pc, xml) : NULL;

	if (in)
		pc->recv_count++;
	proto_lifecycle_traffic(pc, in, safe);
	proto_login_note_traffic(pc, in, safe);
	proto_sm_note_raw(pc, in, safe);
	proto_raw_emit(pc->acc->name, in, safe, raw);
}

#ifdef HAVE_STROPHE_RAW_RECV
/* Bytes read, before libstrophe parses them: queue the pieces completed. */
static void
raw_recv_cb(xmpp_conn_t *conn, const char *data, size_t len, void *userdata)
{
	struct pconn *pc = userdata;
	struct xsplit_piece *p;

	(void)conn;
	xsplit_feed(pc->split, data, len);
	while ((p = xsplit_next(pc->split)) != NULL) {
		g_queue_push_tail(&pc->raw_in, p);
		if (pc->raw_in.length > RAW_QUEUE_MAX)
			xsplit_piece_free(g_queue_pop_head(&pc->raw_in));
	}
}
#endif

/* A new connection object: a new byte stream to split. */
void
proto_capture_attach(struct pconn *pc)
{
#ifdef HAVE_STROPHE_RAW_RECV
	long kb = prefs_get_int("xmlconsole.buffer");

	/* The console keeps no entry above a quarter of its ring. */
	if (pc->split == NULL)
		pc->split = xsplit_new((size_t)(kb > 0 ? kb : 4096) * 256);
	else
		xsplit_reset(pc->split);
	g_queue_clear_full(&pc->raw_in, (GDestroyNotify)xsplit_piece_free);
	xmpp_conn_set_raw_recv_handler(pc->conn, raw_recv_cb, pc);
#else
	(void)pc;
#endif
}

void
proto_capture_free(struct pconn *pc)
{
	g_queue_clear_full(&pc->raw_in, (GDestroyNotify)xsplit_piece_free);
	g_clear_pointer(&pc->split, xsplit_free);
}

static void
log_cb(void *userdata, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	struct pconn *pc = userdata;
	g_autofree char *safe = NULL;

	if (strncmp(msg, "SENT: ", 6) == 0) {
		/* libstrophe's first write is its stream header. */
		pc->tcp_up = true;
		traffic(pc, false, msg + 6);
		return;
	}
	if (strncmp(msg, "RECV: ", 6) == 0) {
		traffic(pc, true, msg + 6);
		return;
	}
	proto_lifecycle_log(pc, area, msg);
	proto_login_note_log(pc, level, area, msg);
	safe = proto_raw_redact(msg);
	log_write(level == XMPP_LEVEL_DEBUG ? LOG_DEBUG :
	    level == XMPP_LEVEL_INFO ? LOG_DEBUG :
	    level == XMPP_LEVEL_WARN ? LOG_WARN : LOG_ERROR, "libstrophe",
	    "%s: %s: %s", pc->acc->name, area, safe);
}

/* The logger to give pc's libstrophe context: the capture's handler. */
const xmpp_log_t *
proto_capture_logger(struct pconn *pc)
{
	pc->log.handler = log_cb;
	pc->log.userdata = pc;
	return &pc->log;
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
