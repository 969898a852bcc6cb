/* SPDX-License-Identifier: MIT */
/*
 * /account: list, show, add, remove, set, clear, default. Passwords are
 * never shown. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/prefs.h"

static struct account *
named(struct cmd_ctx *ctx, const char *name)
{
	struct account *acc = account_find(name);

	if (acc == NULL)
		cmd_error(ctx, "no account '%s' (/account list)", name);
	return acc;
}

static enum cmd_status
list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	GPtrArray *l = accounts_list();
	struct account *def = account_default();
	guint i;

	if (l->len == 0) {
		cmd_print(ctx, "no accounts: /account add NAME JID, or "
		    "/connect USER@DOMAIN");
		return CMD_OK;
	}
	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);
		const char *jid = account_get(acc, "jid");

		cmd_print(ctx, "%s%s  %s  %s", acc->name,
		    acc == def ? " (default)" : "", jid != NULL ? jid :
		    "(no jid)", account_state_name(acc->state));
	}
	return CMD_OK;
}

static enum cmd_status
show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = named(ctx, a->argv[0]);
	const char *const *k;

	if (acc == NULL)
		return CMD_ERROR;
	cmd_print(ctx, "[%s] %s", acc->name, account_state_name(acc->state));
	for (k = account_keys; *k != NULL; k++) {
		const char *v = account_get(acc, *k);

		if (v == NULL)
			continue;
		cmd_print(ctx, "  %s = %s", *k, account_key_is_secret(*k) ?
		    "********" : v);
	}
	return CMD_OK;
}

static enum cmd_status
add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;
	struct account *acc = account_add(a->argv[0],
	    a->argc > 1 ? a->argv[1] : NULL, &err);

	if (acc == NULL || err != NULL)
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "account '%s' added%s", acc->name,
	    a->argc > 1 ? "" : "; now /account set NAME jid USER@DOMAIN");
	return CMD_OK;
}

static enum cmd_status
remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!account_remove(a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "account '%s' removed", a->argv[0]);
	return CMD_OK;
}

static enum cmd_status
set_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = named(ctx, a->argv[0]);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	/* Setting a key by hand keeps an account /connect made. */
	if (!account_set(acc, a->argv[1], a->argv[2], &err) ||
	    !account_keep(acc, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s: %s = %s", acc->name, a->argv[1],
	    account_key_is_secret(a->argv[1]) ? "********" : a->argv[2]);
	return CMD_OK;
}

static enum cmd_status
clear_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = named(ctx, a->argv[0]);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (!account_clear(acc, a->argv[1], &err) ||
	    !account_keep(acc, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s: %s cleared", acc->name, a->argv[1]);
	return CMD_OK;
}

static enum cmd_status
default_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (named(ctx, a->argv[0]) == NULL)
		return CMD_ERROR;
	if (!prefs_set("account.default", a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "default account: %s", a->argv[0]);
	return CMD_OK;
}

static const enum cmd_completer acc_c[] = { CMD_COMPLETE_ACCOUNT,
	CMD_COMPLETE_NONE };
static const enum cmd_completer acc_key_c[] = { CMD_COMPLETE_ACCOUNT,
	CMD_COMPLETE_ACCOUNT_KEY, CMD_COMPLETE_NONE };
static const struct cmd_arg_doc name_arg[] = {
	{ "NAME", "the account's name" }, { NULL, NULL } };

static const struct cmd_entry sub_list = {
	.name = "list",
	.synopsis = (const char *const[]){ "/account list", NULL },
	.description = "List accounts with their JID and state.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/account list", NULL },
	.min_args = 0, .max_args = 0, .flags = CMD_SCRIPT_SAFE,
	.exec = list_exec,
};

static const struct cmd_entry sub_show = {
	.name = "show",
	.synopsis = (const char *const[]){ "/account show NAME", NULL },
	.description = "Show an account's settings (the password masked).",
	.args = name_arg,
	.examples = (const char *const[]){ "/account show work", NULL },
	.min_args = 1, .max_args = 1, .complete = acc_c,
	.flags = CMD_SCRIPT_SAFE, .exec = show_exec,
};

static const struct cmd_entry sub_add = {
	.name = "add",
	.synopsis = (const char *const[]){ "/account add NAME [JID]", NULL },
	.description = "Create an account.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "a short name: letters, digits, . _ - @" },
	    { "JID", "the account's address, user@domain" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/account add work me@example.org", NULL },
	.min_args = 1, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE, .exec = add_exec,
};

static const struct cmd_entry sub_remove = {
	.name = "remove",
	.synopsis = (const char *const[]){ "/account remove NAME", NULL },
	.description = "Delete an account that is not connected.",
	.args = name_arg,
	.examples = (const char *const[]){ "/account remove work", NULL },
	.min_args = 1, .max_args = 1, .complete = acc_c,
	.flags = CMD_SCRIPT_SAFE, .exec = remove_exec,
};

static const struct cmd_entry sub_set = {
	.name = "set",
	.synopsis = (const char *const[]){ "/account set NAME KEY VALUE",
	    NULL },
	.description = "Set a key of an account: jid, server, port, tls, "
	    "resource, password, eval_password, status, priority, autojoin, "
	    "otr_policy, nick, sasl_plain (no: never send the password with "
	    "PLAIN, even over TLS), sasl_mechanism (written by natter: the "
	    "strongest SASL mechanism a login of the account used; with "
	    "natter's hardened libstrophe a later offer of only weaker ones "
	    "is refused, with the stock library it is warned about).",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "the account's name" },
	    { "KEY", "one of the keys above" },
	    { "VALUE", "the value; eval_password is a shell command that "
	      "prints the password" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/account set work server 127.0.0.1",
	    "/account set work eval_password \"pass show xmpp\"", NULL },
	.min_args = 3, .max_args = 3, .complete = acc_key_c,
	.flags = CMD_SCRIPT_SAFE | CMD_SECRET_ARGS, .exec = set_exec,
};

static const struct cmd_entry sub_clear = {
	.name = "clear",
	.synopsis = (const char *const[]){ "/account clear NAME KEY", NULL },
	.description = "Remove a key of an account.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "the account's name" }, { "KEY", "the key" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/account clear work password",
	    NULL },
	.min_args = 2, .max_args = 2, .complete = acc_key_c,
	.flags = CMD_SCRIPT_SAFE, .exec = clear_exec,
};

static const struct cmd_entry sub_default = {
	.name = "default",
	.synopsis = (const char *const[]){ "/account default NAME", NULL },
	.description = "Make an account the default one.",
	.args = name_arg,
	.examples = (const char *const[]){ "/account default work", NULL },
	.min_args = 1, .max_args = 1, .complete = acc_c,
	.flags = CMD_SCRIPT_SAFE, .exec = default_exec,
};

const struct cmd_entry cmd_account_entry = {
	.name = "account",
	.synopsis = (const char *const[]){
	    "/account [list]", "/account show|remove|default NAME",
	    "/account add NAME [JID]", "/account set NAME KEY VALUE",
	    "/account clear NAME KEY", NULL },
	.description = "Manage accounts, kept in $XDG_CONFIG_HOME/natter/"
	    "accounts (mode 0600).",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "the account's name" }, { "JID", "user@domain" },
	    { "KEY", "jid, server, port, tls, resource, password, "
	      "eval_password, status, priority, autojoin, otr_policy, nick, "
	      "sasl_plain, sasl_mechanism" },
	    { "VALUE", "the key's value" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/account",
	    "/account add work me@example.org", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &sub_list,
	    &sub_show, &sub_add, &sub_remove, &sub_set,
	    &sub_clear, &sub_default, NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE,
	.exec = list_exec,
};
