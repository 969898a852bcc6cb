/* SPDX-License-Identifier: MIT */
/*
 * /bookmark add|remove|list|join (XEP-0402 bookmarks on the server).
 * cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/bookmark.h"
#include "core/room.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

static void
stored(GPtrArray *items, const char *error, void *data)
{
	struct cmd_ctx *ctx = data;

	if (error != NULL)
		cmd_error(ctx, "%s", error);
	cmd_done(ctx, error != NULL ? CMD_ERROR : CMD_OK);
	cmd_ctx_unref(ctx);
}

/* The room argument, or the window's room. */
static const char *
room_arg(struct cmd_ctx *ctx, const struct cmd_args *a, int i)
{
	if (i < a->argc && strchr(a->argv[i], '@') != NULL)
		return a->argv[i];
	if (ctx->peer != NULL && strchr(ctx->peer, '/') == NULL)
		return ctx->peer;
	cmd_error(ctx, "which room? give room@service");
	return NULL;
}

static enum cmd_status
add_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	const char *room = acc != NULL ? room_arg(ctx, a, 0) : NULL;
	const char *nick = NULL, *name = NULL;
	struct room *r;
	bool join = true;
	g_autoptr(GError) err = NULL;
	int i = a->argc > 0 && strchr(a->argv[0], '@') != NULL ? 1 : 0;

	if (room == NULL)
		return CMD_ERROR;
	for (; i + 1 < a->argc; i += 2) {
		if (strcmp(a->argv[i], "nick") == 0)
			nick = a->argv[i + 1];
		else if (strcmp(a->argv[i], "name") == 0)
			name = a->argv[i + 1];
		else if (strcmp(a->argv[i], "autojoin") == 0)
			join = strcmp(a->argv[i + 1], "off") != 0;
		else
			return cmd_usage(ctx);
	}
	if (i < a->argc)
		return cmd_usage(ctx);
	r = room_find(acc->name, room);
	if (nick == NULL && r != NULL)
		nick = r->nick;
	if (!proto_bookmark_set(acc, room, false, name, nick,
	    r != NULL ? r->password : NULL, join, stored, cmd_ctx_ref(ctx),
	    &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	cmd_print(ctx, "bookmarked %s%s", room, join ? " (autojoin)" : "");
	return CMD_PENDING;
}

static enum cmd_status
remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	const char *room = acc != NULL ? room_arg(ctx, a, 0) : NULL;
	g_autoptr(GError) err = NULL;

	if (room == NULL)
		return CMD_ERROR;
	if (bookmarks_find(acc->name, room) == NULL)
		return cmd_error(ctx, "%s is not bookmarked", room);
	if (!proto_bookmark_set(acc, room, true, NULL, NULL, NULL, false,
	    stored, cmd_ctx_ref(ctx), &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GPtrArray) l = NULL;
	guint i;

	l = bookmarks_list(acc->name);
	if (l->len == 0)
		cmd_print(ctx, "no bookmarks (/bookmark add ROOM)");
	for (i = 0; i < l->len; i++) {
		struct bookmark *b = g_ptr_array_index(l, i);

		cmd_print(ctx, "%s%s%s%s%s%s", b->jid, b->name ? "  " : "",
		    b->name ? b->name : "", b->nick ? "  nick " : "",
		    b->nick ? b->nick : "", b->autojoin ? "  autojoin" : "");
	}
	return CMD_OK;
}

static enum cmd_status
join_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct bookmark *b;
	g_autofree char *line = NULL;

	b = bookmarks_find(acc->name, a->argv[0]);
	if (b == NULL)
		return cmd_error(ctx, "%s is not bookmarked", a->argv[0]);
	line = b->nick != NULL ? g_strdup_printf("/join %s nick \"%s\"",
	    b->jid, b->nick) : g_strdup_printf("/join %s", b->jid);
	cmdq_append(line, ctx->origin, acc->name, NULL);
	return CMD_OK;
}

static const struct cmd_entry bm_add = {
	.name = "add",
	.synopsis = (const char *const[]){
	    "/bookmark add [ROOM] [nick NICK] [name NAME] [autojoin on|off]",
	    NULL },
	.description = "Bookmark a room (default: this window's), joined "
	    "automatically at login unless autojoin is off.",
	.args = (const struct cmd_arg_doc[]){
	    { "ROOM", "room@service" }, { "NICK", "nickname to join with" },
	    { "NAME", "a name for the bookmark" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/bookmark add",
	    "/bookmark add dev@conference.example.org nick ann", NULL },
	.min_args = 0, .max_args = 7,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = add_exec,
};

static const struct cmd_entry bm_remove = {
	.name = "remove",
	.synopsis = (const char *const[]){ "/bookmark remove [ROOM]", NULL },
	.description = "Delete a bookmark.",
	.args = (const struct cmd_arg_doc[]){ { "ROOM", "room@service" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/bookmark remove", NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = remove_exec,
};

static const struct cmd_entry bm_list = {
	.name = "list",
	.synopsis = (const char *const[]){ "/bookmark list", NULL },
	.description = "List your bookmarks.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/bookmark list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE,
	.target = CMD_TARGET_ACCOUNT, .exec = list_exec,
};

static const struct cmd_entry bm_join = {
	.name = "join",
	.synopsis = (const char *const[]){ "/bookmark join ROOM", NULL },
	.description = "Join a bookmarked room with its nick and password.",
	.args = (const struct cmd_arg_doc[]){ { "ROOM", "room@service" },
	    { NULL, NULL } },
	.examples = (const char *const[]){
	    "/bookmark join dev@conference.example.org", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = join_exec,
};

const struct cmd_entry cmd_bookmark_entry = {
	.name = "bookmark",
	.synopsis = (const char *const[]){
	    "/bookmark add [ROOM] [nick NICK] [name NAME] [autojoin on|off]",
	    "/bookmark remove [ROOM]", "/bookmark list",
	    "/bookmark join ROOM", NULL },
	.description = "Room bookmarks stored on your server (XEP-0402); "
	    "autojoin ones are joined at every login.",
	.args = (const struct cmd_arg_doc[]){
	    { "ROOM", "room@service" }, { "NICK", "nickname" },
	    { "NAME", "a name for the bookmark" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/bookmark list", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &bm_add, &bm_remove,
	    &bm_list, &bm_join, NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE,
};
