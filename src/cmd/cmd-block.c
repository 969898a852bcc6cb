/* SPDX-License-Identifier: MIT */
/* Blocking commands (XEP-0191): /block, /unblock, /blocked. cmd layer. */
#include "cmd-entries.h"
#include "core/account.h"
#include "xmpp/proto-conn.h"

static enum cmd_status
set(struct cmd_ctx *ctx, const char *jid, bool block)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (!proto_block_set(acc, jid, block, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
block_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set(ctx, a->argv[0], true);
}

static enum cmd_status
unblock_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set(ctx, a->argv[0], false);
}

static void
listed(GPtrArray *items, const char *error, void *data)
{
	struct cmd_ctx *ctx = data;
	guint i;

	if (error != NULL) {
		cmd_error(ctx, "%s", error);
		cmd_done(ctx, CMD_ERROR);
	} else {
		if (items->len == 0)
			cmd_print(ctx, "nobody is blocked");
		for (i = 0; i < items->len; i++)
			cmd_print(ctx, "blocked: %s",
			    (char *)g_ptr_array_index(items, i));
		cmd_done(ctx, CMD_OK);
	}
	cmd_ctx_unref(ctx);
}

static enum cmd_status
blocked_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;

	if (!proto_block_list(acc, listed, cmd_ctx_ref(ctx), &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };
static const struct cmd_arg_doc jid_arg[] = {
	{ "JID", "an address: user@domain, a full JID or a domain" },
	{ NULL, NULL } };

const struct cmd_entry cmd_block_entry = {
	.name = "block",
	.synopsis = (const char *const[]){ "/block JID", NULL },
	.description = "Block all communication with JID (XEP-0191); the "
	    "server drops its messages and presence.",
	.args = jid_arg,
	.examples = (const char *const[]){ "/block spam@example.org", NULL },
	.min_args = 1, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = block_exec,
};

const struct cmd_entry cmd_unblock_entry = {
	.name = "unblock",
	.synopsis = (const char *const[]){ "/unblock JID", NULL },
	.description = "Stop blocking JID.",
	.args = jid_arg,
	.examples = (const char *const[]){ "/unblock bob@example.org", NULL },
	.min_args = 1, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = unblock_exec,
};

const struct cmd_entry cmd_blocked_entry = {
	.name = "blocked",
	.synopsis = (const char *const[]){ "/blocked", NULL },
	.description = "List the blocked JIDs (asks the server).",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/blocked", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = blocked_exec,
};
