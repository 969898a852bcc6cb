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
 * Also sends raw text (/xml). The capture keeps no state of its own but
 * the count of elements received (pc->recv_count, never reset: the drain
 * compares it before and after a turn). xmpp layer; never prints.
 */
#include <string.h>

#include "core/events.h"
#include "proto-internal.h"
#include "proto-raw.h"
#include "util/log.h"

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
traffic(struct pconn *pc, bool in, const char *xml)
{
	g_autofree char *safe = proto_raw_redact(xml);

	if (in)
		pc->recv_count++;
	proto_lifecycle_traffic(pc, in, safe);
	proto_login_note_traffic(pc, in, safe);
	proto_sm_note_raw(pc, in, safe);
	proto_raw_emit(pc->acc->name, in, safe);
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
