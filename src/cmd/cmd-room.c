/* SPDX-License-Identifier: MIT */
/*
 * Group chat commands (XEP-0045): /join, /leave, /nick, /topic, /invite,
 * /kick, /ban, /role, /affiliation, /occupants, /room. /join is pending
 * until the room answers (joined or refused). The commands that act on the
 * window's room declare CMD_TARGET_ROOM: dispatch finds the room (or says
 * "works in a room window") and hands it over in ctx->room. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/events.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "core/room.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

#define JOIN_TIMEOUT_MS 30000

struct join_wait {
	struct cmd_ctx	*ctx;
	char		*room;
	char		*account;
	guint		 handle;
	guint		 timer;
};

static void
join_finish(struct join_wait *w, enum cmd_status st, const char *why)
{
	ev_unsubscribe(w->handle);
	if (w->timer != 0)
		loop_remove_timer(w->timer);
	cmd_done_msg(w->ctx, st, why);
	cmd_ctx_unref(w->ctx);
	g_free(w->room);
	g_free(w->account);
	g_free(w);
}

static void
join_event(const struct ev *ev, void *data)
{
	struct join_wait *w = data;

	if ((ev->kind != EV_ROOM_JOINED && ev->kind != EV_ROOM_LEFT) ||
	    g_strcmp0(ev->account, w->account) != 0 ||
	    g_strcmp0(ev->u.room.room, w->room) != 0)
		return;
	if (ev->kind == EV_ROOM_LEFT) {
		/* The room-left event already shows why: said once. */
		g_autofree char *why = g_strdup_printf("%s: %s", w->room,
		    ev->u.room.reason);

		join_finish(w, CMD_ERROR, why);
		return;
	}
	join_finish(w, CMD_OK, NULL);
}

static void
join_timeout(void *data)
{
	struct join_wait *w = data;

	w->timer = 0;
	cmd_error(w->ctx, "%s did not answer within %d s", w->room,
	    JOIN_TIMEOUT_MS / 1000);
	join_finish(w, CMD_ERROR, NULL);
}

static char *
room_jid(struct cmd_ctx *ctx, struct account *acc, const char *arg)
{
	const char *service;

	if (strchr(arg, '@') != NULL) {
		if (!jid_is_valid(arg) || strchr(arg, '/') != NULL) {
			cmd_error(ctx, "'%s' is not a room address "
			    "(room@service)", arg);
			return NULL;
		}
		return jid_bare_of(arg);
	}
	service = proto_muc_service(acc);
	if (service == NULL) {
		cmd_error(ctx, "no conference service found on your server; "
		    "give the full address: /join %s@SERVICE", arg);
		return NULL;
	}
	return g_strdup_printf("%s@%s", arg, service);
}

/* A /join whose arguments were checked; may wait for discovery. */
struct join_req {
	struct cmd_ctx	*ctx;		/* referenced */
	char		*account;
	char		*room;		/* as given */
	char		*nick;
	char		*password;
};

static void
join_req_free(struct join_req *j)
{
	cmd_ctx_unref(j->ctx);
	g_free(j->account);
	g_free(j->room);
	g_free(j->nick);
	g_free(j->password);
	g_free(j);
}

static enum cmd_status
join_now(struct join_req *j)
{
	struct cmd_ctx *ctx = j->ctx;
	struct account *acc = account_find(j->account);
	g_autofree char *room = NULL;
	g_autoptr(GError) err = NULL;
	struct join_wait *w;

	if (acc == NULL || (room = room_jid(ctx, acc, j->room)) == NULL)
		return CMD_ERROR;
	cmd_window_open(acc->name, "room", room, NULL);
	if (!proto_muc_join(acc, room, j->nick, j->password, &err))
		return cmd_error(ctx, "%s", err->message);
	w = g_new0(struct join_wait, 1);
	w->ctx = cmd_ctx_ref(ctx);
	w->room = g_steal_pointer(&room);
	w->account = g_strdup(acc->name);
	w->handle = ev_subscribe(EV_ANY, join_event, w);
	w->timer = loop_add_timer(JOIN_TIMEOUT_MS, join_timeout, w);
	return CMD_PENDING;
}

static void
join_discovered(void *data)
{
	struct join_req *j = data;
	enum cmd_status st = join_now(j);

	if (st != CMD_PENDING)
		cmd_done(j->ctx, st);
	join_req_free(j);
}

static enum cmd_status
join_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct join_req *j;
	enum cmd_status st;
	int i;

	j = g_new0(struct join_req, 1);
	j->ctx = cmd_ctx_ref(ctx);
	j->account = g_strdup(acc->name);
	j->room = g_strdup(a->argv[0]);
	for (i = 1; i + 1 < a->argc; i += 2) {
		char **field = strcmp(a->argv[i], "nick") == 0 ? &j->nick :
		    strcmp(a->argv[i], "password") == 0 ? &j->password : NULL;

		if (field == NULL)
			break;
		g_free(*field);
		*field = g_strdup(a->argv[i + 1]);
	}
	if (i < a->argc) {
		join_req_free(j);
		return cmd_usage(ctx);
	}
	if (j->nick == NULL)
		j->nick = account_nick(acc);
	if (strchr(j->room, '@') == NULL) {	/* needs the service */
		proto_muc_when_discovered(acc, join_discovered, j);
		return CMD_PENDING;
	}
	st = join_now(j);
	join_req_free(j);
	return st;
}

const struct cmd_entry cmd_join_entry = {
	.name = "join",
	.synopsis = (const char *const[]){
	    "/join ROOM[@SERVICE] [nick NICK] [password PASSWORD]", NULL },
	.description = "Join a group chat, opening its window. A bare ROOM "
	    "uses your server's conference service; NICK defaults to the "
	    "account's nick or the JID's user part. A room that does not "
	    "exist yet is created, with you as its owner, and opened at once "
	    "with the service's default configuration (the muc.create "
	    "preference: configure leaves it for /room config).",
	.args = (const struct cmd_arg_doc[]){
	    { "ROOM", "the room's name, or room@service" },
	    { "SERVICE", "the conference service, e.g. conference.example.org" },
	    { "NICK", "the nickname to use in the room" },
	    { "PASSWORD", "the room's password, if it has one (a line with "
	      "it is kept out of the input history)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/join natter",
	    "/join dev@conference.example.org nick ann", NULL },
	.min_args = 1, .max_args = 5,
	.secret_word = "password",	/* such lines stay out of history */
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = join_exec,
};

static enum cmd_status
leave_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (!proto_muc_leave(acc, r->jid, cmd_args_rest(a, 0), &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_leave_entry = {
	.name = "leave",
	.synopsis = (const char *const[]){ "/leave [REASON]", NULL },
	.description = "Leave the room of this window (the window stays "
	    "until /close).",
	.args = (const struct cmd_arg_doc[]){
	    { "REASON", "a goodbye shown to the others" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/leave", "/leave see you", NULL },
	.min_args = 0, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = leave_exec,
};

static enum cmd_status
nick_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (!proto_muc_nick(acc, r->jid, a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_nick_entry = {
	.name = "nick",
	.synopsis = (const char *const[]){ "/nick NEW", NULL },
	.description = "Change your nickname in this room.",
	.args = (const struct cmd_arg_doc[]){
	    { "NEW", "the new nickname" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/nick ann_away", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = nick_exec,
};

static enum cmd_status
topic_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (a->argc == 0) {
		cmd_print(ctx, "%s: %s", r->jid, r->subject != NULL &&
		    *r->subject != '\0' ? r->subject : "(no subject)");
		return CMD_OK;
	}
	if (!proto_muc_topic(acc, r->jid, cmd_args_rest(a, 0), &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_topic_entry = {
	.name = "topic",
	.synopsis = (const char *const[]){ "/topic [TEXT]", NULL },
	.description = "Show or set the subject of this room.",
	.args = (const struct cmd_arg_doc[]){
	    { "TEXT", "the new subject" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/topic",
	    "/topic Release on Friday", NULL },
	.min_args = 0, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = topic_exec,
};

static enum cmd_status
invite_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (!proto_muc_invite(acc, r->jid, a->argv[0], cmd_args_rest(a, 1),
	    &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "invited %s to %s", a->argv[0], r->jid);
	return CMD_OK;
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_invite_entry = {
	.name = "invite",
	.synopsis = (const char *const[]){ "/invite JID [REASON]", NULL },
	.description = "Invite someone to this room (through the room).",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "who to invite" }, { "REASON", "a note with it" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/invite bob@example.org",
	    "/invite bob@example.org standup now", NULL },
	.min_args = 1, .max_args = -1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = invite_exec,
};

/* An admin request waits for the room's answer. */
static void
admin_done(GPtrArray *items, const char *error, void *data)
{
	struct cmd_ctx *ctx = data;
	guint i;

	if (error != NULL) {
		cmd_error(ctx, "%s", error);
		cmd_done(ctx, CMD_ERROR);
	} else {
		for (i = 0; items != NULL && i < items->len; i++)
			cmd_print(ctx, "%s", (char *)g_ptr_array_index(items,
			    i));
		cmd_done(ctx, CMD_OK);
	}
	cmd_ctx_unref(ctx);
}

static enum cmd_status
admin(struct cmd_ctx *ctx, bool get, const char *attr, const char *value,
    const char *nick, const char *jid, const char *reason)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (nick != NULL && room_occupant(r, nick) == NULL)
		return cmd_error(ctx, "nobody called %s is in %s", nick,
		    r->jid);
	if (!proto_muc_admin(acc, r->jid, get, attr, value, nick, jid, reason,
	    admin_done, cmd_ctx_ref(ctx), &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
kick_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return admin(ctx, false, "role", "none", a->argv[0], NULL,
	    cmd_args_rest(a, 1));
}

static enum cmd_status
ban_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (!jid_is_valid(a->argv[0]))
		return cmd_error(ctx, "'%s' is not a JID", a->argv[0]);
	return admin(ctx, false, "affiliation", "outcast", NULL, a->argv[0],
	    cmd_args_rest(a, 1));
}

static const char *const roles[] = { "moderator", "participant", "visitor",
	"none", NULL };
static const char *const affiliations[] = { "owner", "admin", "member",
	"outcast", "none", NULL };

static enum cmd_status
role_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (!g_strv_contains(roles, a->argv[0]))
		return cmd_error(ctx, "ROLE is moderator, participant, visitor "
		    "or none");
	return admin(ctx, false, "role", a->argv[0], a->argv[1], NULL, NULL);
}

static enum cmd_status
affiliation_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (strcmp(a->argv[0], "list") == 0) {
		if (a->argc != 2 || !g_strv_contains(affiliations, a->argv[1]))
			return cmd_usage(ctx);
		return admin(ctx, true, "affiliation", a->argv[1], NULL, NULL,
		    NULL);
	}
	if (a->argc != 2 || !g_strv_contains(affiliations, a->argv[0]))
		return cmd_usage(ctx);
	if (!jid_is_valid(a->argv[1]))
		return cmd_error(ctx, "'%s' is not a JID", a->argv[1]);
	return admin(ctx, false, "affiliation", a->argv[0], NULL, a->argv[1],
	    NULL);
}

const struct cmd_entry cmd_kick_entry = {
	.name = "kick",
	.synopsis = (const char *const[]){ "/kick NICK [REASON]", NULL },
	.description = "Remove an occupant from this room (needs "
	    "moderator).",
	.args = (const struct cmd_arg_doc[]){
	    { "NICK", "the occupant" }, { "REASON", "shown to them" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/kick troll spamming", NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = kick_exec,
};

const struct cmd_entry cmd_ban_entry = {
	.name = "ban",
	.synopsis = (const char *const[]){ "/ban JID [REASON]", NULL },
	.description = "Ban a JID from this room (needs admin).",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "the bare JID to ban" }, { "REASON", "shown to them" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/ban troll@example.org", NULL },
	.min_args = 1, .max_args = -1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = ban_exec,
};

const struct cmd_entry cmd_role_entry = {
	.name = "role",
	.synopsis = (const char *const[]){ "/role ROLE NICK", NULL },
	.description = "Give an occupant a role: moderator, participant, "
	    "visitor or none (kick).",
	.args = (const struct cmd_arg_doc[]){
	    { "ROLE", "moderator|participant|visitor|none" },
	    { "NICK", "the occupant" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/role visitor noisy", NULL },
	.min_args = 2, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = role_exec,
};

const struct cmd_entry cmd_affiliation_entry = {
	.name = "affiliation",
	.synopsis = (const char *const[]){ "/affiliation AFFIL JID",
	    "/affiliation list AFFIL", NULL },
	.description = "Set a JID's affiliation with this room, or list the "
	    "JIDs with one.",
	.args = (const struct cmd_arg_doc[]){
	    { "AFFIL", "owner|admin|member|outcast|none" },
	    { "JID", "a bare JID" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/affiliation member bob@example.org",
	    "/affiliation list member", NULL },
	.min_args = 2, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = affiliation_exec,
};

static enum cmd_status
occupants_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;
	const char *name = strcmp(a->argv[0], "jid") == 0 ? "ui.occupants_jid" :
	    "ui.occupants";
	const char *value = strcmp(a->argv[0], "hide") == 0 ? "off" :
	    strcmp(a->argv[0], "show") == 0 ? "on" :
	    prefs_get_bool("ui.occupants_jid") ? "off" : "on";

	if (strcmp(a->argv[0], "show") != 0 && strcmp(a->argv[0], "hide") != 0 &&
	    strcmp(a->argv[0], "jid") != 0)
		return cmd_usage(ctx);
	if (!prefs_set(name, value, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_occupants_entry = {
	.name = "occupants",
	.synopsis = (const char *const[]){ "/occupants show|hide|jid", NULL },
	.description = "Show or hide the occupants pane; jid toggles showing "
	    "real JIDs where the room reveals them.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/occupants hide", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = occupants_exec,
};

static enum cmd_status
owner(struct cmd_ctx *ctx, bool destroy, const char *reason)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;

	if (!proto_muc_owner(acc, r->jid, destroy, reason, admin_done,
	    cmd_ctx_ref(ctx), &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
accept_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return owner(ctx, false, NULL);
}

static enum cmd_status
destroy_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return owner(ctx, true, cmd_args_rest(a, 0));
}

static void
form_fetched(GPtrArray *items, const char *error, void *data)
{
	struct cmd_ctx *ctx = data;
	struct account *acc = cmd_target_account(ctx, NULL);
	struct room *r = acc != NULL ? room_find(acc->name, ctx->peer) : NULL;

	if (error != NULL || r == NULL || r->config == NULL) {
		cmd_error(ctx, "%s", error != NULL ? error : "no form");
		cmd_done(ctx, CMD_ERROR);
	} else {
		g_autofree char *text = form_describe(r->config);

		cmd_print(ctx, "%s\nChange with /room config set FIELD VALUE, "
		    "then /room config submit (or cancel).", text);
		cmd_done(ctx, CMD_OK);
	}
	cmd_ctx_unref(ctx);
}

static enum cmd_status
config_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	struct room *r = ctx->room;
	g_autoptr(GError) err = NULL;
	const char *op = a->argc > 0 ? a->argv[0] : "show";
	bool ok;

	if (strcmp(op, "set") == 0) {
		if (a->argc != 3)
			return cmd_usage(ctx);
		if (r->config == NULL)
			return cmd_error(ctx, "no configuration form is open: "
			    "/room config first");
		if (!form_set(r->config, a->argv[1], a->argv[2], &err))
			return cmd_error(ctx, "%s", err->message);
		cmd_print(ctx, "%s = %s (not sent yet: /room config submit)",
		    a->argv[1], a->argv[2]);
		return CMD_OK;
	}
	if (strcmp(op, "show") != 0 && strcmp(op, "submit") != 0 &&
	    strcmp(op, "cancel") != 0)
		return cmd_usage(ctx);
	ok = strcmp(op, "show") == 0 ?
	    proto_muc_config_fetch(acc, r->jid, form_fetched, cmd_ctx_ref(ctx),
	    &err) :
	    proto_muc_config_submit(acc, r->jid, op[0] == 'c', admin_done,
	    cmd_ctx_ref(ctx), &err);
	if (!ok) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
info_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	const char *room = a->argc > 0 ? a->argv[0] : ctx->peer;
	g_autoptr(GError) err = NULL;

	if (room == NULL)
		return cmd_error(ctx, "which room? /room info ROOM@SERVICE");
	if (!proto_muc_info(acc, room, admin_done, cmd_ctx_ref(ctx), &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static const struct cmd_entry room_config = {
	.name = "config",
	.synopsis = (const char *const[]){ "/room config [show]",
	    "/room config set FIELD VALUE", "/room config submit|cancel",
	    NULL },
	.description = "Edit the room's configuration form (XEP-0004): show "
	    "fetches it, set changes a field, submit sends it.",
	.args = (const struct cmd_arg_doc[]){
	    { "FIELD", "a field name as shown, e.g. muc#roomconfig_roomname" },
	    { "VALUE", "the value; on/off for booleans, commas for lists" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/room config",
	    "/room config set muc#roomconfig_membersonly on",
	    "/room config submit", NULL },
	.min_args = 0, .max_args = 3,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = config_exec,
};

static const struct cmd_entry room_info = {
	.name = "info",
	.synopsis = (const char *const[]){ "/room info [ROOM]", NULL },
	.description = "Show a room's name and features (disco#info).",
	.args = (const struct cmd_arg_doc[]){
	    { "ROOM", "room@service (default: this window's)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/room info", NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = info_exec,
};

static const struct cmd_entry room_accept = {
	.name = "accept",
	.synopsis = (const char *const[]){ "/room accept", NULL },
	.description = "Open a room you just created with the service's "
	    "default configuration (an instant room). /join does this itself "
	    "unless muc.create is configure.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/room accept", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = accept_exec,
};

static const struct cmd_entry room_destroy = {
	.name = "destroy",
	.synopsis = (const char *const[]){ "/room destroy [REASON]", NULL },
	.description = "Destroy this room (needs owner).",
	.args = (const struct cmd_arg_doc[]){
	    { "REASON", "shown to the occupants" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/room destroy moved", NULL },
	.min_args = 0, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .target = CMD_TARGET_ROOM,
	.exec = destroy_exec,
};

const struct cmd_entry cmd_room_entry = {
	.name = "room",
	.synopsis = (const char *const[]){ "/room info [ROOM]",
	    "/room config [show|submit|cancel]", "/room config set FIELD VALUE",
	    "/room accept", "/room destroy [REASON]", NULL },
	.description = "Room information and owner actions: configuration "
	    "form, instant room, destruction.",
	.args = (const struct cmd_arg_doc[]){
	    { "ROOM", "room@service" }, { "FIELD", "a configuration field" },
	    { "VALUE", "its new value" },
	    { "REASON", "shown to the occupants" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/room info", "/room accept",
	    NULL },
	.subcmds = (const struct cmd_entry *const[]){ &room_info,
	    &room_config, &room_accept, &room_destroy, NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE,
};

static enum cmd_status
mentions_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (!cmd_ui_windows())
		return cmd_error(ctx, "the mentions window belongs to the "
		    "full-screen interface; in batch mode room-message events "
		    "carry mention=yes");
	cmd_window_open(NULL, "mentions", NULL, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_mentions_entry = {
	.name = "mentions",
	.synopsis = (const char *const[]){ "/mentions", NULL },
	.description = "Open the window that collects every message that "
	    "mentions you (your nick or a muc.highlight word) in any room, "
	    "each with its room and sender. It opens by itself at the first "
	    "mention.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/mentions", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_TUI, .exec = mentions_exec,
};

static void
rooms_listed(GPtrArray *items, const char *error, void *data)
{
	struct cmd_ctx *ctx = data;
	guint i;

	if (error != NULL) {
		cmd_error(ctx, "%s", error);
		cmd_done(ctx, CMD_ERROR);
	} else {
		if (items->len == 0)
			cmd_print(ctx, "no public rooms");
		for (i = 0; i < items->len; i++)
			cmd_print(ctx, "%s", (char *)g_ptr_array_index(items,
			    i));
		cmd_done(ctx, CMD_OK);
	}
	cmd_ctx_unref(ctx);
}

static void
rooms_discovered(void *data)
{
	struct cmd_ctx *ctx = data;
	struct account *acc = cmd_target_account(ctx, NULL);
	const char *service = acc != NULL ? proto_muc_service(acc) : NULL;
	g_autoptr(GError) err = NULL;

	if (service == NULL) {
		cmd_error(ctx, "no conference service found; give one: /rooms "
		    "SERVICE");
		cmd_done(ctx, CMD_ERROR);
		cmd_ctx_unref(ctx);
		return;
	}
	if (!proto_muc_rooms(acc, service, rooms_listed, ctx, &err)) {
		cmd_error(ctx, "%s", err->message);
		cmd_done(ctx, CMD_ERROR);
		cmd_ctx_unref(ctx);
	}
}

static enum cmd_status
rooms_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;

	if (a->argc == 0) {
		proto_muc_when_discovered(acc, rooms_discovered,
		    cmd_ctx_ref(ctx));
		return CMD_PENDING;
	}
	if (!proto_muc_rooms(acc, a->argv[0], rooms_listed, cmd_ctx_ref(ctx),
	    &err)) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

const struct cmd_entry cmd_rooms_entry = {
	.name = "rooms",
	.synopsis = (const char *const[]){ "/rooms [SERVICE]", NULL },
	.description = "List the public rooms of a conference service "
	    "(default: your server's).",
	.args = (const struct cmd_arg_doc[]){
	    { "SERVICE", "a conference service, e.g. conference.example.org" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/rooms",
	    "/rooms conference.jabber.org", NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE,
	.target = CMD_TARGET_ACCOUNT, .exec = rooms_exec,
};
