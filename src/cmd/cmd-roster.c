/* SPDX-License-Identifier: MIT */
/*
 * Roster and subscription commands: /roster and /sub. The pane settings
 * are preferences (ui.roster, ui.roster_width, ui.roster_by) that the TUI
 * reads; roster changes go to the server, whose pushes update the model.
 * cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/prefs.h"
#include "core/roster.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

static gint
by_jid(gconstpointer a, gconstpointer b)
{
	const struct roster_item *x = *(const struct roster_item *const *)a;
	const struct roster_item *y = *(const struct roster_item *const *)b;

	return strcmp(x->jid, y->jid);
}

static enum cmd_status
list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GPtrArray) items = NULL;
	guint i;

	items = roster_items(acc->roster);
	g_ptr_array_sort(items, by_jid);
	if (items->len == 0)
		cmd_print(ctx, "%s: the roster is empty (/roster add JID)",
		    acc->name);
	for (i = 0; i < items->len; i++) {
		struct roster_item *it = g_ptr_array_index(items, i);
		g_autofree char *groups = g_strjoinv(",", it->groups);

		cmd_print(ctx, "%s  %s  %s  subscription=%s%s%s%s", it->jid,
		    it->name != NULL ? it->name : "-", roster_item_show(it),
		    it->subscription, it->ask != NULL ? " (asked)" : "",
		    *groups != '\0' ? "  groups=" : "", groups);
	}
	return CMD_OK;
}

static enum cmd_status
set_pref(struct cmd_ctx *ctx, const char *name, const char *value)
{
	g_autoptr(GError) err = NULL;

	if (!prefs_set(name, value, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set_pref(ctx, "ui.roster", "on");
}

static enum cmd_status
hide_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set_pref(ctx, "ui.roster", "off");
}

static enum cmd_status
size_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set_pref(ctx, "ui.roster_width", a->argv[0]);
}

static enum cmd_status
by_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return set_pref(ctx, "ui.roster_by", a->argv[0]);
}

static enum cmd_status
add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;

	if (!proto_roster_set(acc, a->argv[0], a->argc > 1 ? a->argv[1] : NULL,
	    NULL, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "adding %s; /sub request %s asks to see their "
	    "presence", a->argv[0], a->argv[0]);
	return CMD_OK;
}

static enum cmd_status
remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;

	if (roster_find(acc->roster, a->argv[0]) == NULL)
		return cmd_error(ctx, "%s is not in your roster", a->argv[0]);
	if (!proto_roster_remove(acc, a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
update_item(struct cmd_ctx *ctx, const char *jid, const char *name,
    const char *add_group, const char *del_group)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) groups = g_ptr_array_new();
	struct roster_item *it;
	size_t i;

	it = roster_find(acc->roster, jid);
	if (it == NULL)
		return cmd_error(ctx, "%s is not in your roster", jid);
	for (i = 0; it->groups[i] != NULL; i++)
		if (g_strcmp0(it->groups[i], del_group) != 0 &&
		    g_strcmp0(it->groups[i], add_group) != 0)
			g_ptr_array_add(groups, it->groups[i]);
	if (add_group != NULL)
		g_ptr_array_add(groups, (char *)add_group);
	g_ptr_array_add(groups, NULL);
	if (!proto_roster_set(acc, jid, name != NULL ? name : it->name,
	    (const char *const *)groups->pdata, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
nick_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return update_item(ctx, a->argv[0], a->argv[1], NULL, NULL);
}

static enum cmd_status
group_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	bool add = strcmp(a->argv[0], "add") == 0;

	if (!add && strcmp(a->argv[0], "remove") != 0)
		return cmd_usage(ctx);
	return update_item(ctx, a->argv[2], NULL, add ? a->argv[1] : NULL,
	    add ? NULL : a->argv[1]);
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };
static const struct cmd_arg_doc jid_arg[] = {
	{ "JID", "the contact's bare JID" }, { NULL, NULL } };

#define SUB(id, nm, syn, desc, ex, mn, mx, fl, tg, fn)			\
static const struct cmd_entry id = {					\
	.name = nm, .synopsis = (const char *const[]){ syn, NULL },	\
	.description = desc, .args = jid_arg,				\
	.examples = (const char *const[]){ ex, NULL },			\
	.min_args = mn, .max_args = mx, .complete = contact_c,		\
	.flags = CMD_SCRIPT_SAFE | (fl), .target = tg, .exec = fn,	\
}

#define ACC CMD_TARGET_ACCOUNT

SUB(r_list, "list", "/roster list", "List the roster with presence and "
    "subscription.", "/roster list", 0, 0, 0, ACC, list_exec);
SUB(r_show, "show", "/roster show", "Show the roster pane.",
    "/roster show", 0, 0, 0, CMD_TARGET_NONE, show_exec);
SUB(r_hide, "hide", "/roster hide", "Hide the roster pane.",
    "/roster hide", 0, 0, 0, CMD_TARGET_NONE, hide_exec);
SUB(r_remove, "remove", "/roster remove JID", "Remove a contact from the "
    "roster (this also cancels subscriptions).",
    "/roster remove bob@example.org", 1, 1, CMD_ONLINE, ACC,
    remove_exec);

static const struct cmd_entry r_size = {
	.name = "size", .synopsis = (const char *const[]){ "/roster size N",
	    NULL },
	.description = "Set the width of the roster pane.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "columns, 10-80" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/roster size 30", NULL },
	.min_args = 1, .max_args = 1, .flags = CMD_SCRIPT_SAFE,
	.exec = size_exec,
};

static const struct cmd_entry r_by = {
	.name = "by", .synopsis = (const char *const[]){
	    "/roster by group|presence|none", NULL },
	.description = "Group the roster pane by roster group, by presence, "
	    "or not at all.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/roster by presence", NULL },
	.min_args = 1, .max_args = 1, .flags = CMD_SCRIPT_SAFE,
	.exec = by_exec,
};

static const struct cmd_entry r_add = {
	.name = "add", .synopsis = (const char *const[]){
	    "/roster add JID [NICK]", NULL },
	.description = "Add a contact to the roster.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "the contact's bare JID" },
	    { "NICK", "the name to show" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/roster add bob@example.org Bob",
	    NULL },
	.min_args = 1, .max_args = 2, .flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT,
	.exec = add_exec,
};

static const struct cmd_entry r_nick = {
	.name = "nick", .synopsis = (const char *const[]){
	    "/roster nick JID NICK", NULL },
	.description = "Rename a contact.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "the contact's bare JID" },
	    { "NICK", "the new name" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/roster nick bob@example.org Bobby",
	    NULL },
	.min_args = 2, .max_args = 2, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ACCOUNT,
	.exec = nick_exec,
};

static const struct cmd_entry r_group = {
	.name = "group", .synopsis = (const char *const[]){
	    "/roster group add|remove GROUP JID", NULL },
	.description = "Put a contact in a roster group or take it out.",
	.args = (const struct cmd_arg_doc[]){
	    { "GROUP", "the group's name" },
	    { "JID", "the contact's bare JID" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/roster group add Work bob@example.org", NULL },
	.min_args = 3, .max_args = 3,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ACCOUNT,
	.exec = group_exec,
};

const struct cmd_entry cmd_roster_entry = {
	.name = "roster",
	.synopsis = (const char *const[]){
	    "/roster [list|show|hide]", "/roster size N",
	    "/roster by group|presence|none", "/roster add JID [NICK]",
	    "/roster remove JID", "/roster nick JID NICK",
	    "/roster group add|remove GROUP JID", NULL },
	.description = "Show or change the roster and its pane.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "pane width in columns" }, { "JID", "a contact's JID" },
	    { "NICK", "a contact's name" }, { "GROUP", "a roster group" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/roster",
	    "/roster add bob@example.org Bob", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &r_list, &r_show,
	    &r_hide, &r_size, &r_by, &r_add, &r_remove, &r_nick, &r_group,
	    NULL },
	.min_args = 0, .max_args = 0, .flags = CMD_SCRIPT_SAFE,
	.target = CMD_TARGET_ACCOUNT, .exec = list_exec,
};

/* /sub -------------------------------------------------------------- */

static enum cmd_status
sub_send(struct cmd_ctx *ctx, const char *jid, const char *type,
    const char *done)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;

	if (!proto_presence_sub(acc, jid, type, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s %s", jid, done);
	return CMD_OK;
}

static enum cmd_status
request_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return sub_send(ctx, a->argv[0], "subscribe",
	    "was asked to share their presence");
}

static enum cmd_status
allow_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return sub_send(ctx, a->argv[0], "subscribed",
	    "may now see your presence");
}

static enum cmd_status
deny_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return sub_send(ctx, a->argv[0], "unsubscribed",
	    "may not see your presence");
}

static enum cmd_status
cancel_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return sub_send(ctx, a->argv[0], "unsubscribe",
	    "no longer shares their presence with you");
}

static enum cmd_status
pending_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GPtrArray) l = NULL;
	guint i;

	l = roster_requests(acc->roster);
	if (l->len == 0)
		cmd_print(ctx, "no pending subscription requests");
	for (i = 0; i < l->len; i++)
		cmd_print(ctx, "%s wants to see your presence: /sub allow %s "
		    "or /sub deny %s", (char *)g_ptr_array_index(l, i),
		    (char *)g_ptr_array_index(l, i),
		    (char *)g_ptr_array_index(l, i));
	return CMD_OK;
}

SUB(s_request, "request", "/sub request JID", "Ask to see a contact's "
    "presence.", "/sub request bob@example.org", 1, 1, CMD_ONLINE, ACC,
    request_exec);
SUB(s_allow, "allow", "/sub allow JID", "Let a contact see your presence "
    "(answers a request).", "/sub allow bob@example.org", 1, 1,
    CMD_ONLINE, ACC, allow_exec);
SUB(s_deny, "deny", "/sub deny JID", "Refuse or revoke a contact's view "
    "of your presence.", "/sub deny bob@example.org", 1, 1, CMD_ONLINE, ACC,
    deny_exec);
SUB(s_cancel, "cancel", "/sub cancel JID", "Stop seeing a contact's "
    "presence.", "/sub cancel bob@example.org", 1, 1, CMD_ONLINE, ACC,
    cancel_exec);
SUB(s_pending, "pending", "/sub pending", "List incoming requests with "
    "the commands to answer them.", "/sub pending", 0, 0, 0, ACC,
    pending_exec);

const struct cmd_entry cmd_sub_entry = {
	.name = "sub",
	.synopsis = (const char *const[]){
	    "/sub request|allow|deny|cancel JID", "/sub pending", NULL },
	.description = "Presence subscriptions: ask, allow, deny, cancel, or "
	    "list incoming requests.",
	.args = jid_arg,
	.examples = (const char *const[]){ "/sub allow bob@example.org",
	    "/sub pending", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &s_request, &s_allow,
	    &s_deny, &s_cancel, &s_pending, NULL },
	.min_args = 1, .max_args = 2, .flags = CMD_SCRIPT_SAFE,
};
