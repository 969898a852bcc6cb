/* SPDX-License-Identifier: MIT */
/*
 * /hook: shell commands run on events (core/hook). The command is stored
 * and run exactly as typed; the event reaches it only through environment
 * variables and its stdin, never through the command line. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/hook.h"

static enum cmd_status
hook_list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	GPtrArray *l = hook_list();
	guint i;

	if (l->len == 0)
		cmd_print(ctx, "no hooks (/hook add EVENT COMMAND makes one)");
	for (i = 0; i < l->len; i++) {
		const struct hook *h = g_ptr_array_index(l, i);

		cmd_print(ctx, "%u: on %s: %s", h->id, h->event, h->command);
	}
	return CMD_OK;
}

static enum cmd_status
hook_add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *command = cmd_args_rest(a, 1);
	g_autoptr(GError) err = NULL;
	guint id = hook_add(a->argv[0], command, &err);

	if (id == 0)
		return cmd_error(ctx, "/hook add: %s", err->message);
	if (err != NULL)
		return cmd_error(ctx, "hook %u added, but %s", id,
		    err->message);
	cmd_print(ctx, "hook %u: on %s, runs: %s", id, a->argv[0], command);
	return CMD_OK;
}

static enum cmd_status
hook_remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char *end;
	unsigned long id = strtoul(a->argv[0], &end, 10);
	g_autoptr(GError) err = NULL;

	if (*a->argv[0] == '\0' || *end != '\0' || id == 0 || id > G_MAXUINT)
		return cmd_error(ctx, "/hook remove: '%s' is not a hook number "
		    "(/hook list shows them)", a->argv[0]);
	if (!hook_remove((guint)id, &err))
		return cmd_error(ctx, "/hook remove: %s", err->message);
	cmd_print(ctx, "hook %lu removed", id);
	return CMD_OK;
}

static const struct cmd_entry hook_add_entry = {
	.name = "add",
	.synopsis = (const char *const[]){ "/hook add EVENT COMMAND", NULL },
	.description = "Run COMMAND with /bin/sh on every EVENT, without "
	    "blocking natter. The event's fields are in environment variables "
	    "(NATTER_EVENT, NATTER_ACCOUNT, NATTER_TIME, NATTER_HOOK and one "
	    "per field: NATTER_FROM, NATTER_BODY, NATTER_ROOM, NATTER_NICK, "
	    "...) and the event is one JSON line on its stdin; nothing from "
	    "the network is ever put into COMMAND itself, so quote the "
	    "variables (\"$NATTER_BODY\"). Its output appears in the console. "
	    "At most 8 hook commands run at once; events that find them busy "
	    "are skipped and counted. A command running longer than "
	    "hook.timeout is stopped.",
	.args = (const struct cmd_arg_doc[]){
	    { "EVENT", "message (one-to-one, received), mention (of your nick "
	      "in a room), presence, subscription, connect, disconnect, "
	      "error, or any event's name (see EVENTS in natter(1)) but "
	      "exec-*, raw-* and command-*" },
	    { "COMMAND", "a shell command line, the rest of the line" },
	    { NULL, NULL } },
	.examples = (const char *const[]){
	    "/hook add message notify-send \"$NATTER_FROM\" \"$NATTER_BODY\"",
	    "/hook add mention printf '\\a'",
	    "/hook add connect logger natter: $NATTER_ACCOUNT online", NULL },
	.min_args = 2, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE, .exec = hook_add_exec,
};

static const struct cmd_entry hook_list_entry = {
	.name = "list",
	.synopsis = (const char *const[]){ "/hook list", NULL },
	.description = "List the hooks: number, event and command.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/hook list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = hook_list_exec,
};

static const struct cmd_entry hook_remove_entry = {
	.name = "remove",
	.synopsis = (const char *const[]){ "/hook remove ID", NULL },
	.description = "Remove hook ID.",
	.args = (const struct cmd_arg_doc[]){
	    { "ID", "the hook's number, from /hook list" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/hook remove 2", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = hook_remove_exec,
};

const struct cmd_entry cmd_hook_entry = {
	.name = "hook",
	.synopsis = (const char *const[]){ "/hook add EVENT COMMAND",
	    "/hook list", "/hook remove ID", NULL },
	.description = "Run shell commands on events: notifications, logs, "
	    "bots. Hooks are saved in $XDG_CONFIG_HOME/natter/hooks (mode "
	    "0600). Without a subcommand, lists them.",
	.args = (const struct cmd_arg_doc[]){
	    { "EVENT", "see /help hook add" },
	    { "COMMAND", "a shell command line" },
	    { "ID", "a hook's number" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/hook add message notify-send \"$NATTER_FROM\" \"$NATTER_BODY\"",
	    "/hook list", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &hook_add_entry,
	    &hook_list_entry, &hook_remove_entry, NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = hook_list_exec,
};
