/* SPDX-License-Identifier: MIT */
#ifndef NATTER_EVENTS_H
#define NATTER_EVENTS_H

#include <glib.h>
#include <stdbool.h>

/*
 * Core events (STYLE §3). Every payload is a struct of borrowed strings whose
 * order matches the field list of its kind in ev_kinds[] (events.c); that
 * single table drives batch text, JSON, hook variables and the man page.
 */
enum ev_kind {
	EV_CONN_STATE,
	EV_ERROR,
	EV_INFO,
	EV_CERT_PROMPT,
	EV_RAW_IN,
	EV_RAW_OUT,
	EV_ROSTER_ITEM,
	EV_PRESENCE,
	EV_MSG_RECEIVED,
	EV_MSG_SENT,
	EV_RECEIPT,
	EV_MSG_PENDING,
	EV_MSG_CONFIRMED,
	EV_MSG_FAILED,
	EV_CHAT_STATE,
	EV_SUBSCRIPTION,
	EV_ROOM_JOINED,
	EV_ROOM_LEFT,
	EV_OCCUPANT_JOINED,
	EV_OCCUPANT_LEFT,
	EV_OCCUPANT_CHANGED,
	EV_ROOM_MESSAGE,
	EV_ROOM_SUBJECT,
	EV_INVITATION,
	EV_CMD_OUTPUT,
	EV_CMD_RESULT,
	EV_EXEC_OUTPUT,
	EV_EXEC_EXIT,
	EV_WINDOW_OPEN,
	EV_WINDOW_JUMP,
	EV_WINDOW_HISTORY,
	EV_OTR_STATE,
	EV_OTR_SMP,
	EV_WINDOW_SELECT,
	EV_WINDOW_CLOSE,
	EV_WINDOW_CLEAR,
	EV_THEME_LOAD,
	EV_PUBSUB_EVENT,
	EV__COUNT,
};

#define EV_ANY EV__COUNT

struct ev_conn_state {
	const char	*state;		/* connecting|tls|authenticating|online|
					   disconnected|failed|reconnecting */
	const char	*jid;
	const char	*reason;	/* plain sentence, or NULL */
	const char	*error;		/* short code: refused, auth, tls, ... */
};

struct ev_text {
	const char	*text;
};

/*
 * An error for the user. text is the whole sentence; the other fields,
 * when the error answers something we sent, tie it to that: the stanza's
 * condition (RFC 6120 §8.3, or "timeout"), error type, the server's own
 * words, the id and kind of the stanza it answers, the JID it was
 * addressed to, the conversation (chat peer or room JID) it belongs to,
 * and what the condition means (and its usual cause, when known).
 */
struct ev_error {
	const char	*text;
	const char	*condition;
	const char	*type;		/* cancel|continue|modify|auth|wait */
	const char	*server_text;
	const char	*stanza;	/* message|presence|iq */
	const char	*id;
	const char	*peer;
	const char	*conversation;
	const char	*explanation;	/* the condition in plain words */
	const char	*likely_cause;	/* its usual cause here, or NULL */
};

struct ev_cert_prompt {
	const char	*host;
	const char	*reason;
	const char	*subject;
	const char	*issuer;
	const char	*not_before;
	const char	*not_after;
	const char	*fingerprint;	/* SHA-256, hex with colons */
};

struct ev_raw {
	const char	*xml;		/* as libstrophe logs it (parsed) */
	const char	*raw;		/* received: the exact bytes, or NULL */
};

struct ev_roster_item {
	const char	*jid;
	const char	*name;
	const char	*subscription;
	const char	*groups;	/* comma-separated */
};

struct ev_presence {
	const char	*from;
	const char	*type;		/* available|unavailable|... */
	const char	*show;
	const char	*status;
	const char	*priority;
};

struct ev_message {
	const char	*from;		/* full JID (received) */
	const char	*to;		/* JID (sent) */
	const char	*body;
	const char	*type;
	const char	*id;
	const char	*delay;		/* ISO 8601 original time, or NULL */
	const char	*carbon;	/* "yes" for a copy from another device */
	const char	*corrects;	/* id of the corrected message */
	const char	*encryption;	/* "otr", or NULL: plain text */
};

struct ev_receipt {
	const char	*from;
	const char	*id;
};

/*
 * Where an outgoing message stands in the outbox (outbox.c): peer is the
 * contact or room, type chat|groupchat, id the stanza id (also its
 * origin-id), its body, reason a plain sentence: why it waits, what
 * confirmed it, or why it failed.
 */
struct ev_msg_state {
	const char	*peer;
	const char	*id;
	const char	*type;
	const char	*body;
	const char	*reason;
	const char	*explanation;	/* failed: the condition in plain */
	const char	*likely_cause;	/* words, its usual cause; or NULL */
};

struct ev_chat_state {
	const char	*from;
	const char	*state;		/* active|composing|paused|inactive|gone */
};

struct ev_subscription {
	const char	*from;
	const char	*type;		/* subscribe|subscribed|unsubscribe|... */
	const char	*status;
};

struct ev_room {
	const char	*room;
	const char	*nick;
	const char	*reason;	/* why we left, or notes on joining */
	const char	*code;		/* XEP-0045 status codes / error */
};

struct ev_occupant {
	const char	*room;
	const char	*nick;
	const char	*jid;
	const char	*role;
	const char	*affiliation;
	const char	*show;
	const char	*status;
	const char	*new_nick;	/* status 303 */
	const char	*reason;	/* kick/ban reason */
	const char	*code;
};

struct ev_room_message {
	const char	*room;
	const char	*nick;
	const char	*body;
	const char	*id;
	const char	*delay;		/* ISO 8601: room history */
	const char	*mention;	/* "yes" when we are mentioned */
};

struct ev_invitation {
	const char	*room;
	const char	*from;
	const char	*reason;
	const char	*password;
};

/* A line a /exec job printed (stdout and stderr together). */
struct ev_exec_output {
	const char	*id;		/* the job's number */
	const char	*command;
	const char	*line;
	const char	*conversation;	/* chat peer or room it started in */
	const char	*hook;		/* the /hook that ran it, or NULL */
};

/* A /exec job ended. */
struct ev_exec_exit {
	const char	*id;
	const char	*command;
	const char	*status;	/* exited|signalled|killed|timeout|
					   flooded|quit */
	const char	*code;		/* exit status, or the signal number */
	const char	*summary;	/* a sentence for people */
	const char	*conversation;
	const char	*hook;
};

/*
 * A command asks for a conversation's window, or another window, to be
 * opened (irssi's "query created"): the TUI opens or focuses it; batch
 * mode and control clients see the request. window is chat, room,
 * xmlconsole or mentions; peer the contact or room (chat, room); focus
 * "yes" to show it; input text for its input line (xmlconsole), or NULL.
 */
struct ev_window_open {
	const char	*window;
	const char	*peer;
	const char	*focus;
	const char	*input;
};

/*
 * A command asks for a stored message to be shown in its conversation's
 * window (/search -j N): window chat or room, the peer, the message's id
 * and its time (ISO 8601, UTC, microseconds: it identifies a message
 * without id), and result, the search result's number.
 */
struct ev_window_jump {
	const char	*window;
	const char	*peer;
	const char	*id;
	const char	*message_time;
	const char	*result;
};

/* /history N typed in a window: count older messages for peer's window. */
struct ev_window_history {
	const char	*peer;
	const char	*count;
};

/*
 * The OTR state of a one-to-one conversation (otr.c): plain, untrusted
 * (private, fingerprint not verified), trusted, or finished (the other
 * side ended it: nothing is sent until /otr end). fingerprint is theirs
 * while private; text a sentence for people.
 */
struct ev_otr_state {
	const char	*peer;
	const char	*state;
	const char	*fingerprint;
	const char	*text;
};

/*
 * Socialist millionaires' protocol (SMP) with peer: asked (answer with
 * /otr secret), question (answer with /otr answer), succeeded, failed,
 * aborted.
 */
struct ev_otr_smp {
	const char	*peer;
	const char	*state;
	const char	*question;
	const char	*text;
};

/*
 * A command asks for a window to be shown (/win), closed (/close) or
 * cleared (/clear): window is its number (1 is the console), or for
 * /close "all" or "read"; name is its name. The command layer resolved
 * it against the window list (core/windows.h), so the front end only
 * acts.
 */
struct ev_window_ref {
	const char	*window;
	const char	*name;
};

/* /theme load NAME: the theme was checked; the TUI uses it now. */
struct ev_theme_load {
	const char	*name;
};

/*
 * A publish-subscribe notification (XEP-0060, PEP): an item published
 * (payload: pretty-printed, terminal-safe XML) or retracted, or the node
 * deleted or purged (item_id NULL).
 */
struct ev_pubsub {
	const char	*service;
	const char	*node;
	const char	*action;	/* published|retracted|deleted|purged */
	const char	*item_id;
	const char	*payload;
};

struct ev_cmd_result {
	const char	*command;
	const char	*status;	/* ok|error */
};

struct ev {
	enum ev_kind	 kind;
	const char	*account;	/* account name, or NULL */
	gint64		 time;		/* microseconds since the epoch */
	union {
		struct ev_conn_state	conn_state;
		struct ev_text		text;
		struct ev_error		error;
		struct ev_cert_prompt	cert_prompt;
		struct ev_raw		raw;
		struct ev_roster_item	roster_item;
		struct ev_presence	presence;
		struct ev_cmd_result	cmd_result;
		struct ev_message	message;
		struct ev_receipt	receipt;
		struct ev_msg_state	msg_state;
		struct ev_chat_state	chat_state;
		struct ev_subscription	subscription;
		struct ev_room		room;
		struct ev_occupant	occupant;
		struct ev_room_message	room_message;
		struct ev_invitation	invitation;
		struct ev_exec_output	exec_output;
		struct ev_exec_exit	exec_exit;
		struct ev_window_open	window_open;
		struct ev_window_jump	window_jump;
		struct ev_window_history window_history;
		struct ev_otr_state	otr_state;
		struct ev_otr_smp	otr_smp;
		struct ev_window_ref	window_ref;	/* _SELECT, _CLOSE,
							   _CLEAR */
		struct ev_theme_load	theme_load;
		struct ev_pubsub	pubsub;
	} u;
};

/* One row of the descriptor table. */
struct ev_kind_info {
	enum ev_kind		 kind;
	const char		*name;		/* kebab case wire name */
	const char		*description;
	const char *const	*fields;	/* NULL-terminated */
};

typedef void ev_fn(const struct ev *, void *);

const struct ev_kind_info *ev_kind_info(enum ev_kind kind);
const struct ev_kind_info *ev_kind_by_name(const char *name);
size_t		 ev_field_count(enum ev_kind kind);
const char	*ev_field_value(const struct ev *ev, size_t i);
GDateTime	*ev_local_time(const struct ev *ev);
char		*ev_to_json(const struct ev *ev);

guint	 ev_subscribe(enum ev_kind kind, ev_fn *fn, void *data);
void	 ev_unsubscribe(guint handle);
void	 ev_emit(struct ev *ev);
void	 ev_emit_text(enum ev_kind kind, const char *account, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
void	 ev_reset(void);

#endif
