/* SPDX-License-Identifier: MIT */
/*
 * Messaging commands: /msg, /me, /correct, /history, and plain lines
 * (cmd_say). Handlers validate, then call the core message pipeline.
 * cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/events.h"
#include "core/account.h"
#include "core/chat.h"
#include "core/history.h"
#include "core/msg.h"
#include "core/room.h"
#include "core/roster.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

/* A contact given as a JID or as a roster nickname: new bare JID. */
static char *
resolve_contact(struct account *acc, const char *who)
{
	GPtrArray *items;
	char *found = NULL;
	guint i;

	if (strchr(who, '@') != NULL || strchr(who, '.') != NULL)
		return jid_bare_of(who);
	items = roster_items(acc->roster);
	for (i = 0; i < items->len && found == NULL; i++) {
		struct roster_item *it = g_ptr_array_index(items, i);

		if (it->name != NULL && g_utf8_collate(it->name, who) == 0)
			found = g_strdup(it->jid);
	}
	g_ptr_array_unref(items);
	return found;
}

static enum cmd_status
send_to(struct cmd_ctx *ctx, struct account *acc, const char *peer,
    const char *body, const char *corrects)
{
	g_autoptr(GError) err = NULL;
	struct msg *m = msg_send(acc->name, peer, body, corrects, &err);

	if (m == NULL)
		return cmd_error(ctx, "not sent to %s: %s", peer, err->message);
	msg_free(m);
	return CMD_OK;
}

/*
 * Say body in the conversation with peer: a groupchat message in a room we
 * are in (shown when the room reflects it), else a one-to-one message.
 * Either waits in the outbox while the account is offline.
 */
static enum cmd_status
say_to(struct cmd_ctx *ctx, struct account *acc, const char *peer,
    const char *body)
{
	g_autoptr(GError) err = NULL;
	struct room *r = room_find(acc->name, peer);
	struct msg *m;

	if (r == NULL)
		return send_to(ctx, acc, peer, body, NULL);
	/* Offline, it waits for the new session to rejoin the room. */
	if (!r->joined && acc->state == ACCOUNT_ONLINE)
		return cmd_error(ctx, "not sent: you are not in %s (/join %s)",
		    r->jid, r->jid);
	m = msg_send_room(acc->name, r->jid, r->nick, body, &err);
	if (m == NULL)
		return cmd_error(ctx, "not sent to %s: %s", r->jid,
		    err->message);
	msg_free(m);
	return CMD_OK;
}

/* A line without a leading '/' (or starting with "//"): say it. */
enum cmd_status
cmd_say(struct cmd_ctx *ctx, const char *line)
{
	struct account *acc;

	if (ctx->peer == NULL)
		return cmd_error(ctx, "not a command, and this window has no "
		    "contact to send it to: open a chat with /msg JID, or type "
		    "/help");
	acc = cmd_target_account(ctx, NULL);
	if (acc == NULL)
		return CMD_ERROR;
	return say_to(ctx, acc, ctx->peer, line[0] == '/' ? line + 1 : line);
}

/*
 * TEXT from argument 1 on, as typed; but TEXT that is one quoted word,
 * as a shell script writes it (-c '/msg bob "build done"'), is sent
 * without its quotes.
 */
static const char *
msg_text(const struct cmd_args *a)
{
	const char *rest = cmd_args_rest(a, 1);

	if (a->argc == 2 && (rest[0] == '"' || rest[0] == '\''))
		return a->argv[1];
	return rest;
}

static enum cmd_status
msg_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autofree char *peer = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (ctx->peer != NULL && room_find(acc->name, ctx->peer) != NULL &&
	    strchr(a->argv[0], '@') == NULL) {
		struct room *r = room_find(acc->name, ctx->peer);

		if (room_occupant(r, a->argv[0]) == NULL)
			return cmd_error(ctx, "nobody called %s is in %s",
			    a->argv[0], r->jid);
		peer = g_strdup_printf("%s/%s", r->jid, a->argv[0]);
	} else {
		peer = resolve_contact(acc, a->argv[0]);
	}
	if (peer == NULL || !jid_is_valid(peer))
		return cmd_error(ctx, "'%s' is neither a JID nor a contact's "
		    "name", a->argv[0]);
	if (room_find(acc->name, peer) != NULL) {	/* a room we are in */
		cmd_window_open(acc->name, "room", peer, NULL);
		if (a->argc >= 2)
			return say_to(ctx, acc, peer, msg_text(a));
		return CMD_OK;
	}
	cmd_window_open(acc->name, "chat", peer, NULL);
	if (a->argc < 2)
		return CMD_OK;
	return send_to(ctx, acc, peer, msg_text(a), NULL);
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_msg_entry = {
	.name = "msg",
	.synopsis = (const char *const[]){ "/msg JID|NAME [TEXT]", NULL },
	.description = "Open (or go to) the chat window of a contact, and "
	    "send TEXT if given. In a room, NAME is an occupant (a private "
	    "message); a room's JID sends to the room. Every message waits "
	    "in the outbox until the server confirms it: typed while the "
	    "account is offline, it is shown pending and sent when the "
	    "account is online again.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "the contact's address" },
	    { "NAME", "the contact's name in your roster" },
	    { "TEXT", "the message, the rest of the line; one quoted word "
	      "is sent without its quotes" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/msg bob@example.org",
	    "/msg bob@example.org build done",
	    "/msg bob@example.org \"build done\"", NULL },
	.min_args = 1, .max_args = -1,
	.complete = contact_c,
	.flags = CMD_SCRIPT_SAFE,
	.exec = msg_exec,
};

static enum cmd_status
me_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autofree char *body = g_strdup_printf("/me %s", cmd_args_rest(a, 0));

	return say_to(ctx, ctx->acc, ctx->peer, body);
}

const struct cmd_entry cmd_me_entry = {
	.name = "me",
	.synopsis = (const char *const[]){ "/me TEXT", NULL },
	.description = "Send an action (\"* you TEXT\") to the current "
	    "chat or room.",
	.args = (const struct cmd_arg_doc[]){
	    { "TEXT", "what you do" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/me waves", NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE, .target = CMD_TARGET_CONVERSATION,
	.exec = me_exec,
};

static enum cmd_status
correct_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct chat *c = chat_find(acc->name, ctx->peer);

	if (c == NULL || c->last_out_id == NULL)
		return cmd_error(ctx, "nothing to correct: you have not sent "
		    "a message here yet");
	return send_to(ctx, acc, ctx->peer, cmd_args_rest(a, 0),
	    c->last_out_id);
}

const struct cmd_entry cmd_correct_entry = {
	.name = "correct",
	.synopsis = (const char *const[]){ "/correct TEXT", NULL },
	.description = "Replace your last message in this chat with TEXT "
	    "(XEP-0308).",
	.args = (const struct cmd_arg_doc[]){
	    { "TEXT", "the corrected message" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/correct see you at 8", NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE, .target = CMD_TARGET_CONVERSATION,
	.exec = correct_exec,
};

static enum cmd_status
history_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	long n = a->argc > 0 ? strtol(a->argv[0], NULL, 10) : 20;
	g_autoptr(GPtrArray) l = NULL;
	g_autoptr(GError) err = NULL;
	guint i;

	if (n < 1 || n > HISTORY_LOAD_MAX)
		return cmd_error(ctx, "N must be 1-%d", HISTORY_LOAD_MAX);
	if (!history_available())
		return cmd_error(ctx, "history is off (see the console)");
	if (cmd_ui_windows()) {		/* into the window, not printed */
		g_autofree char *count = g_strdup_printf("%ld", n);
		struct ev ev = { .kind = EV_WINDOW_HISTORY,
		    .account = acc->name };

		ev.u.window_history.peer = ctx->peer;
		ev.u.window_history.count = count;
		ev_emit(&ev);
		return CMD_OK;
	}
	l = history_load(acc->name, ctx->peer, 0, (guint)n, &err);
	if (err != NULL)
		return cmd_error(ctx, "%s", err->message);
	for (i = 0; i < l->len; i++) {
		struct msg *m = g_ptr_array_index(l, i);
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(
		    m->time / G_USEC_PER_SEC);
		g_autofree char *ts = g_date_time_format(t, "%F %T");

		cmd_print(ctx, "%s %s %s", ts, m->dir == MSG_IN ? m->peer :
		    "me", m->body);
	}
	return CMD_OK;
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.synopsis = (const char *const[]){ "/history [N]", NULL },
	.description = "Show N (default 20) older messages of this chat "
	    "from the local history.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "how many messages, 1-10000" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/history", "/history 200",
	    NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .target = CMD_TARGET_CONVERSATION,
	.exec = history_exec,
};

/*
 * Tell peer that we are typing, paused, active or gone (XEP-0085); front
 * ends call this as the input line changes. False when not sent.
 */
bool
cmd_chat_state(const char *account, const char *peer, const char *state)
{
	return proto_message_chat_state(account, peer, state);
}
