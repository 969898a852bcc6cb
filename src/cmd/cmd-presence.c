/* SPDX-License-Identifier: MIT */
/*
 * Presence commands: /online, /chat, /away, /xa, /dnd, /priority and
 * /status. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/roster.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

static enum cmd_status
show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;
	const char *status = a->argc > 0 ? cmd_args_rest(a, 0) : NULL;

	if (!proto_presence_send(acc, ctx->entry->name, status, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s: you are %s%s%s", acc->name, ctx->entry->name,
	    status != NULL ? ": " : "", status != NULL ? status : "");
	return CMD_OK;
}

#define SHOW_ENTRY(n, what)						\
const struct cmd_entry cmd_##n##_entry = {				\
	.name = #n,							\
	.synopsis = (const char *const[]){ "/" #n " [MESSAGE]", NULL },	\
	.description = "Set your presence to " what ", with an optional "	\
	    "status message.",						\
	.args = (const struct cmd_arg_doc[]){				\
	    { "MESSAGE", "status text, the rest of the line" },		\
	    { NULL, NULL } },						\
	.examples = (const char *const[]){ "/" #n, "/" #n " back at 3",	\
	    NULL },							\
	.min_args = 0, .max_args = -1,					\
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,				\
	.target = CMD_TARGET_ACCOUNT, .exec = show_exec,		\
}

SHOW_ENTRY(online, "available");
SHOW_ENTRY(chat, "free for chat");
SHOW_ENTRY(away, "away");
SHOW_ENTRY(xa, "extended away");
SHOW_ENTRY(dnd, "do not disturb");

static enum cmd_status
priority_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;
	char *end;
	long n = strtol(a->argv[0], &end, 10);

	if (*end != '\0' || n < -128 || n > 127)
		return cmd_error(ctx, "priority must be a number from -128 to "
		    "127");
	if (!proto_presence_priority(acc, (int)n, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s: priority %ld", acc->name, n);
	return CMD_OK;
}

const struct cmd_entry cmd_priority_entry = {
	.name = "priority",
	.synopsis = (const char *const[]){ "/priority N", NULL },
	.description = "Set the priority of this connection (-128 to 127); "
	    "a negative one receives no messages sent to your bare JID. Your "
	    "presence and status message stay as they are, and /away and the "
	    "like keep the priority.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "a number from -128 to 127" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/priority 10", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = priority_exec,
};

static void
print_item(struct cmd_ctx *ctx, const struct roster_item *it)
{
	guint i;

	if (it->resources->len == 0) {
		cmd_print(ctx, "%s%s%s%s: offline", it->name ? it->name : "",
		    it->name ? " (" : "", it->jid, it->name ? ")" : "");
		return;
	}
	for (i = 0; i < it->resources->len; i++) {
		const struct roster_res *r = g_ptr_array_index(it->resources,
		    i);

		cmd_print(ctx, "%s/%s: %s, priority %d%s%s", it->jid,
		    r->resource, r->show, r->priority, r->status ? ": " : "",
		    r->status ? r->status : "");
	}
}

static enum cmd_status
status_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	const char *who = a->argc > 0 ? a->argv[0] : ctx->peer;
	g_autofree char *bare = NULL;
	struct roster_item *it;

	if (who == NULL) {
		cmd_print(ctx, "%s: you are %s", acc->name,
		    proto_own_show(acc));
		return CMD_OK;
	}
	bare = jid_bare_of(who);
	it = bare != NULL ? roster_find(acc->roster, bare) : NULL;
	if (it == NULL)
		return cmd_error(ctx, "%s is not in your roster", who);
	print_item(ctx, it);
	return CMD_OK;
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.synopsis = (const char *const[]){ "/status [CONTACT]", NULL },
	.description = "Show a contact's presence on each of its resources "
	    "(show, status text, priority), or your own.",
	.args = (const struct cmd_arg_doc[]){
	    { "CONTACT", "a JID (default: this chat's contact)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/status bob@example.org", NULL },
	.min_args = 0, .max_args = 1,
	.complete = contact_c,
	.flags = CMD_SCRIPT_SAFE,
	.target = CMD_TARGET_ACCOUNT, .exec = status_exec,
};
