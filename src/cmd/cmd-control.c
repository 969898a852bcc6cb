/* SPDX-License-Identifier: MIT */
/*
 * The commands of a control connection (natter --control PATH): /subscribe,
 * /unsubscribe and /format act on the client that sends them. They run
 * through the table like every command; the control front end registers
 * what it does for them (cmd_set_control_ops()), and each learns its
 * client from the context of the request. Run anywhere else they say
 * where they apply. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/events.h"
#include "util/sanitize.h"

static const struct cmd_control_ops *control_ops;

/* Register the control front end's operations (NULL: none). */
void
cmd_set_control_ops(const struct cmd_control_ops *ops)
{
	control_ops = ops;
}

/* The ops, when ctx is a request on a control connection; else NULL. */
static const struct cmd_control_ops *
ops_for(struct cmd_ctx *ctx)
{
	if (ctx->origin != CMD_FROM_CONTROL || control_ops == NULL) {
		cmd_error(ctx, "/%s applies only to a control connection "
		    "(natter --control PATH, or /set control.socket PATH, "
		    "then send it on the socket)", ctx->name);
		return NULL;
	}
	return control_ops;
}

/* /subscribe and /unsubscribe: the kinds named, checked here. */
static enum cmd_status
subscribe_run(struct cmd_ctx *ctx, const struct cmd_args *a, bool on)
{
	const struct cmd_control_ops *ops = ops_for(ctx);
	bool want[EV__COUNT] = { false };
	int i;

	if (ops == NULL)
		return CMD_ERROR;
	for (i = 0; i < a->argc; i++) {
		const struct ev_kind_info *k = ev_kind_by_name(a->argv[i]);

		if (k == NULL) {
			g_autofree char *safe = sanitize_str(a->argv[i]);

			return cmd_error(ctx, "unknown event kind '%s'", safe);
		}
		want[k->kind] = true;
	}
	ops->subscribe(ctx, a->argc > 0 ? want : NULL, on);
	return CMD_OK;
}

static enum cmd_status
subscribe_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return subscribe_run(ctx, a, true);
}

static enum cmd_status
unsubscribe_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return subscribe_run(ctx, a, false);
}

static enum cmd_status
format_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const struct cmd_control_ops *ops = ops_for(ctx);

	if (ops == NULL)
		return CMD_ERROR;
	if (strcmp(a->argv[0], "json") != 0 && strcmp(a->argv[0], "text") != 0)
		return cmd_usage(ctx);
	ops->format(ctx, strcmp(a->argv[0], "text") == 0);
	return CMD_OK;
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
	.flags = CMD_SCRIPT_SAFE, .exec = subscribe_exec,
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
	.flags = CMD_SCRIPT_SAFE, .exec = unsubscribe_exec,
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
	.flags = CMD_SCRIPT_SAFE, .exec = format_exec,
};
