/* SPDX-License-Identifier: MIT */
/*
 * The commands of a control connection (natter --control PATH): /subscribe,
 * /unsubscribe and /format act on the client that sends them, so the
 * control front end answers them itself before the command table is
 * consulted. Their entries live here so that /help, Tab and the man page
 * know them; run anywhere else they say where they apply. cmd layer.
 */
#include "cmd-entries.h"

static enum cmd_status
control_only_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return cmd_error(ctx, "/%s applies only to a control connection "
	    "(natter --control PATH, or /set control.socket PATH, then send "
	    "it on the socket)", ctx->name);
}

static const enum cmd_completer complete_events[] = { CMD_COMPLETE_EVENT,
	CMD_COMPLETE_EVENT, CMD_COMPLETE_EVENT, CMD_COMPLETE_EVENT,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_subscribe_entry = {
	.name = "subscribe",
	.synopsis = (const char *const[]){ "/subscribe [KIND...]", NULL },
	.description = "On a control connection: send this client the "
	    "events of the kinds named (see EVENTS in the man page), or of "
	    "every kind but raw-in and raw-out when none is named, as JSON "
	    "objects or, after /format text, \"%event\" lines. Events never "
	    "fall inside a command's result. Elsewhere it only says so.",
	.args = (const struct cmd_arg_doc[]){
	    { "KIND", "an event kind, such as message-received or room-joined; "
	      "raw-in and raw-out (XML traffic) only when named" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/subscribe",
	    "/subscribe message-received presence", "/subscribe raw-in raw-out",
	    NULL },
	.min_args = 0, .max_args = -1, .complete = complete_events,
	.flags = CMD_SCRIPT_SAFE, .exec = control_only_exec,
};

const struct cmd_entry cmd_unsubscribe_entry = {
	.name = "unsubscribe",
	.synopsis = (const char *const[]){ "/unsubscribe [KIND...]", NULL },
	.description = "On a control connection: stop sending this client "
	    "events of the kinds named, or of every kind when none is named. "
	    "Elsewhere it only says so.",
	.args = (const struct cmd_arg_doc[]){
	    { "KIND", "an event kind (see EVENTS in the man page)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/unsubscribe",
	    "/unsubscribe presence", NULL },
	.min_args = 0, .max_args = -1, .complete = complete_events,
	.flags = CMD_SCRIPT_SAFE, .exec = control_only_exec,
};

const struct cmd_entry cmd_format_entry = {
	.name = "format",
	.synopsis = (const char *const[]){ "/format json|text", NULL },
	.description = "On a control connection: how this client gets results "
	    "and events. json (the default): one JSON object a line, a result "
	    "as {\"id\", \"result\", \"error\", \"output\"}. text: tmux-like "
	    "frames, \"%begin ID\", the output, then \"%end ID\" or \"%error "
	    "ID\", and events as \"%event\" lines. Elsewhere it only says so.",
	.args = (const struct cmd_arg_doc[]){
	    { "json", "JSON objects, one a line" },
	    { "text", "framed text, as tmux control mode" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/format text", NULL },
	.min_args = 1, .max_args = 1,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_WORDS,
	    CMD_COMPLETE_NONE },
	.words = (const char *const[]){ "json", "text", NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = control_only_exec,
};
