/* SPDX-License-Identifier: MIT */
/*
 * The event bus and the one descriptor table of event kinds. core layer:
 * never prints. Dispatch is synchronous, in subscription order; sinks added
 * during a dispatch do not see the current event (generation check) and
 * sinks removed during it are freed after it (tmux events.c idea).
 */
#include <stdarg.h>
#include <string.h>

#include "events.h"
#include "util/json.h"

static const char *const f_conn_state[] = { "state", "jid", "reason",
	"error", NULL };
static const char *const f_text[] = { "text", NULL };
static const char *const f_error[] = { "text", "condition", "type",
	"server_text", "stanza", "id", "peer", "conversation", "explanation",
	"likely_cause", NULL };
static const char *const f_cert[] = { "host", "reason", "subject", "issuer",
	"not_before", "not_after", "fingerprint", NULL };
static const char *const f_raw[] = { "xml", "raw", NULL };
static const char *const f_roster[] = { "jid", "name", "subscription",
	"groups", NULL };
static const char *const f_presence[] = { "from", "type", "show", "status",
	"priority", NULL };
static const char *const f_result[] = { "command", "status", NULL };
static const char *const f_message[] = { "from", "to", "body", "type", "id",
	"delay", "carbon", "corrects", "encryption", NULL };
static const char *const f_receipt[] = { "from", "id", NULL };
static const char *const f_msg_state[] = { "peer", "id", "type", "body",
	"reason", "explanation", "likely_cause", NULL };
static const char *const f_state[] = { "from", "state", NULL };
static const char *const f_sub[] = { "from", "type", "status", NULL };
static const char *const f_room[] = { "room", "nick", "reason", "code",
	NULL };
static const char *const f_occupant[] = { "room", "nick", "jid", "role",
	"affiliation", "show", "status", "new_nick", "reason", "code", NULL };
static const char *const f_room_msg[] = { "room", "nick", "body", "id",
	"delay", "mention", NULL };
/* Same payload as room-joined: the subject travels in "reason". */
static const char *const f_room_subject[] = { "room", "nick", "subject",
	"code", NULL };
static const char *const f_invitation[] = { "room", "from", "reason",
	"password", NULL };

static const char *const f_exec_output[] = { "id", "command", "line",
	"conversation", "hook", NULL };
static const char *const f_exec_exit[] = { "id", "command", "status",
	"code", "summary", "conversation", "hook", NULL };
static const char *const f_otr_state[] = { "peer", "state", "fingerprint",
	"text", NULL };
static const char *const f_otr_smp[] = { "peer", "state", "question",
	"text", NULL };

static const char *const f_window_open[] = { "window", "peer", "focus",
	"input", NULL };
static const char *const f_window_jump[] = { "window", "peer", "id",
	"message_time", "result", NULL };
static const char *const f_window_history[] = { "peer", "count", NULL };
static const char *const f_window_ref[] = { "window", "name", NULL };
static const char *const f_pubsub[] = { "service", "node", "action",
	"item_id", "payload", NULL };
static const char *const f_theme_load[] = { "name", NULL };

static const struct ev_kind_info ev_kinds[] = {
	{ EV_CONN_STATE, "connection-state",
	  "an account's connection changes state: connecting, tls, "
	  "authenticating, online, disconnected (reason and error say why "
	  "when it was lost), failed (an attempt), reconnecting (reason: "
	  "when, and which attempt)",
	  f_conn_state },
	{ EV_ERROR, "error", "an error for the user; when it answers a "
	  "stanza we sent, also its condition, type, the server's text, that "
	  "stanza's kind and id, the peer, the conversation, what the condition "
	  "means and, when known, its likely cause", f_error },
	{ EV_INFO, "info", "a notice for the user", f_text },
	{ EV_CERT_PROMPT, "certificate-prompt",
	  "the server's certificate could not be verified: /tls trust or deny",
	  f_cert },
	{ EV_RAW_IN, "raw-in", "an XML element received: xml as parsed, "
	  "raw the exact bytes when available (SASL redacted in both); batch "
	  "output adds its console number and pair and, for an error stanza "
	  "or stream error, the explanation", f_raw },
	{ EV_RAW_OUT, "raw-out", "XML sent (SASL redacted)", f_raw },
	{ EV_ROSTER_ITEM, "roster-item", "a roster item was added or changed",
	  f_roster },
	{ EV_PRESENCE, "presence", "a contact's presence changed", f_presence },
	{ EV_MSG_RECEIVED, "message-received",
	  "a one-to-one message arrived (or a carbon of one)", f_message },
	{ EV_MSG_SENT, "message-sent",
	  "a one-to-one message was sent (here or, carbon, elsewhere)",
	  f_message },
	{ EV_RECEIPT, "receipt", "the recipient's client got a message",
	  f_receipt },
	{ EV_MSG_PENDING, "message-pending", "an outgoing message waits in "
	  "the outbox: for the connection (or the room), or for the server to "
	  "confirm it", f_msg_state },
	{ EV_MSG_CONFIRMED, "message-confirmed", "the server (or the room's "
	  "echo) confirmed an outgoing message", f_msg_state },
	{ EV_MSG_FAILED, "message-failed", "an outgoing message bounced; "
	  "reason says why", f_msg_state },
	{ EV_CHAT_STATE, "chat-state", "a contact is typing, paused, ...",
	  f_state },
	{ EV_SUBSCRIPTION, "subscription-request",
	  "a presence subscription request or answer arrived", f_sub },
	{ EV_ROOM_JOINED, "room-joined", "we joined a room (code 201: we "
	  "created it)", f_room },
	{ EV_ROOM_LEFT, "room-left", "we left a room, were kicked or banned, "
	  "or could not join (reason says why)", f_room },
	{ EV_OCCUPANT_JOINED, "occupant-joined", "someone entered a room",
	  f_occupant },
	{ EV_OCCUPANT_LEFT, "occupant-left", "someone left a room (or was "
	  "kicked or banned)", f_occupant },
	{ EV_OCCUPANT_CHANGED, "occupant-changed", "an occupant changed "
	  "nick, role, affiliation or presence", f_occupant },
	{ EV_ROOM_MESSAGE, "room-message", "a message in a room (delay: "
	  "room history)", f_room_msg },
	{ EV_ROOM_SUBJECT, "room-subject", "the subject of a room (in "
	  "reason)", f_room_subject },
	{ EV_INVITATION, "invitation", "an invitation to a room (mediated "
	  "or direct)", f_invitation },
	{ EV_CMD_OUTPUT, "command-output", "output of a command", f_text },
	{ EV_CMD_RESULT, "command-result", "a command finished", f_result },
	{ EV_EXEC_OUTPUT, "exec-output", "a line printed by a /exec job",
	  f_exec_output },
	{ EV_EXEC_EXIT, "exec-exit", "a /exec job ended (status: exited, "
	  "signalled, killed, timeout, flooded or quit)", f_exec_exit },
	{ EV_WINDOW_OPEN, "window-open", "a command asks for a window: a "
	  "chat or room (/msg, /join), the XML console or the mentions "
	  "window; the full-screen interface opens or shows it",
	  f_window_open },
	{ EV_WINDOW_JUMP, "window-jump", "a command asks for a stored message "
	  "to be shown in its conversation's window (/search -j N)",
	  f_window_jump },
	{ EV_WINDOW_HISTORY, "window-history", "/history N typed in a window: "
	  "the full-screen interface loads N older messages into it",
	  f_window_history },
	{ EV_OTR_STATE, "otr-state", "the OTR state of a conversation "
	  "changed: plain, untrusted (private, fingerprint not verified), "
	  "trusted, or finished (the other side ended it; /otr end)",
	  f_otr_state },
	{ EV_OTR_SMP, "otr-smp", "OTR authentication (SMP) with a contact: "
	  "asked (/otr secret), question (/otr answer), succeeded, failed or "
	  "aborted", f_otr_smp },
	{ EV_WINDOW_SELECT, "window-select", "/win: the full-screen interface "
	  "shows window number window; in batch mode window 2 is the /win "
	  "target, the contact or room later lines act on", f_window_ref },
	{ EV_WINDOW_CLOSE, "window-close", "/close: the full-screen interface "
	  "closes window number window, or all of them, or those without "
	  "unread lines (window all or read)", f_window_ref },
	{ EV_WINDOW_CLEAR, "window-clear", "/clear: the full-screen interface "
	  "clears window number window's scrollback", f_window_ref },
	{ EV_THEME_LOAD, "theme-load", "/theme load: theme name was read and "
	  "saved as ui.theme; the full-screen interface uses it now",
	  f_theme_load },
	{ EV_PUBSUB_EVENT, "pubsub-event", "a publish-subscribe notification "
	  "(XEP-0060, PEP): item item_id published (payload: its XML, "
	  "pretty-printed) or retracted, or node deleted or purged",
	  f_pubsub },
};

G_STATIC_ASSERT(G_N_ELEMENTS(ev_kinds) == EV__COUNT);
G_STATIC_ASSERT(sizeof(struct ev_conn_state) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_error) == 10 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_cert_prompt) == 7 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_roster_item) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_presence) == 5 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_cmd_result) == 2 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_message) == 9 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_receipt) == 2 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_msg_state) == 7 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_chat_state) == 2 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_subscription) == 3 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_room) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_occupant) == 10 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_room_message) == 6 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_invitation) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_exec_output) == 5 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_exec_exit) == 7 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_window_open) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_window_jump) == 5 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_window_history) == 2 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_otr_state) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_otr_smp) == 4 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_window_ref) == 2 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_theme_load) == 1 * sizeof(char *));
G_STATIC_ASSERT(sizeof(struct ev_pubsub) == 5 * sizeof(char *));

struct sink {
	guint		 handle;
	enum ev_kind	 kind;
	ev_fn		*fn;
	void		*data;
	guint		 generation;
	bool		 dead;
};

static GPtrArray *sinks;
static guint next_handle = 1;
static guint generation;
static int dispatching;

/* Descriptor of a kind. */
const struct ev_kind_info *
ev_kind_info(enum ev_kind kind)
{
	g_return_val_if_fail(kind < EV__COUNT, NULL);
	g_assert(ev_kinds[kind].kind == kind);
	return &ev_kinds[kind];
}

/* Descriptor of the kind with that wire name, or NULL. */
const struct ev_kind_info *
ev_kind_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(ev_kinds); i++)
		if (strcmp(ev_kinds[i].name, name) == 0)
			return &ev_kinds[i];
	return NULL;
}

/* Number of payload fields of a kind. */
size_t
ev_field_count(enum ev_kind kind)
{
	const char *const *f = ev_kind_info(kind)->fields;
	size_t n = 0;

	while (f[n] != NULL)
		n++;
	return n;
}

/*
 * Value of payload field i (as named in the table) of ev, borrowed from the
 * event; NULL when unset.
 */
const char *
ev_field_value(const struct ev *ev, size_t i)
{
	const char *const *vals = (const char *const *)(const void *)&ev->u;

	g_return_val_if_fail(i < ev_field_count(ev->kind), NULL);
	return vals[i];
}

/* The local time of ev (new reference). */
GDateTime *
ev_local_time(const struct ev *ev)
{
	g_autoptr(GDateTime) whole = g_date_time_new_from_unix_local(
	    ev->time / G_USEC_PER_SEC);

	return g_date_time_add(whole, ev->time % G_USEC_PER_SEC);
}

static void
append_pair(GString *s, const char *key, const char *value)
{
	g_autofree char *v = json_string(value);

	g_string_append_printf(s, ",\"%s\":%s", key, v);
}

/*
 * New JSON object for ev (one line, no trailing newline): "event",
 * "account", "time" (ISO 8601) and the kind's fields that are set. The
 * one JSON form of an event, for batch mode, the control socket and hooks.
 */
char *
ev_to_json(const struct ev *ev)
{
	const struct ev_kind_info *k = ev_kind_info(ev->kind);
	g_autoptr(GDateTime) t = ev_local_time(ev);
	g_autofree char *iso = g_date_time_format_iso8601(t);
	GString *s = g_string_new(NULL);
	size_t i;

	g_string_append_printf(s, "{\"event\":\"%s\"", k->name);
	if (ev->account != NULL)
		append_pair(s, "account", ev->account);
	else
		g_string_append(s, ",\"account\":null");
	append_pair(s, "time", iso);
	for (i = 0; k->fields[i] != NULL; i++) {
		const char *v = ev_field_value(ev, i);

		if (v != NULL)
			append_pair(s, k->fields[i], v);
	}
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

/* Subscribe fn to kind (or EV_ANY); returns a handle for ev_unsubscribe(). */
guint
ev_subscribe(enum ev_kind kind, ev_fn *fn, void *data)
{
	struct sink *s;

	g_return_val_if_fail(fn != NULL, 0);
	if (sinks == NULL)
		sinks = g_ptr_array_new_with_free_func(g_free);
	s = g_new0(struct sink, 1);
	s->handle = next_handle++;
	s->kind = kind;
	s->fn = fn;
	s->data = data;
	s->generation = generation + (dispatching > 0 ? 1 : 0);
	g_ptr_array_add(sinks, s);
	return s->handle;
}

static void
reap(void)
{
	guint i = 0;

	while (sinks != NULL && i < sinks->len) {
		struct sink *s = g_ptr_array_index(sinks, i);

		if (s->dead)
			g_ptr_array_remove_index(sinks, i);
		else
			i++;
	}
}

/* Remove a subscription; safe during dispatch. */
void
ev_unsubscribe(guint handle)
{
	guint i;

	for (i = 0; sinks != NULL && i < sinks->len; i++) {
		struct sink *s = g_ptr_array_index(sinks, i);

		if (s->handle == handle)
			s->dead = true;
	}
	if (dispatching == 0)
		reap();
}

/*
 * Dispatch ev to its subscribers. The payload is borrowed by each callback;
 * time is filled in when zero.
 */
void
ev_emit(struct ev *ev)
{
	guint i, gen;

	g_return_if_fail(ev != NULL && ev->kind < EV__COUNT);
	if (ev->time == 0)
		ev->time = g_get_real_time();
	if (sinks == NULL)
		return;
	gen = generation;
	dispatching++;
	for (i = 0; i < sinks->len; i++) {
		struct sink *s = g_ptr_array_index(sinks, i);

		if (s->dead || s->generation > gen)
			continue;
		if (s->kind == EV_ANY || s->kind == ev->kind)
			s->fn(ev, s->data);
	}
	dispatching--;
	if (dispatching == 0) {
		generation++;	/* sinks added during dispatch now qualify */
		reap();
	}
}

/* Emit a one-field text event (EV_ERROR, EV_INFO or EV_CMD_OUTPUT). */
void
ev_emit_text(enum ev_kind kind, const char *account, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;
	struct ev ev = { .kind = kind, .account = account };

	g_return_if_fail(kind == EV_ERROR || kind == EV_INFO ||
	    kind == EV_CMD_OUTPUT);
	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (kind == EV_ERROR)
		ev.u.error.text = text;
	else
		ev.u.text.text = text;
	ev_emit(&ev);
}

/* Drop every subscription (tests and shutdown). */
void
ev_reset(void)
{
	g_clear_pointer(&sinks, g_ptr_array_unref);
}
