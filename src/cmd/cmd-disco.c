/* SPDX-License-Identifier: MIT */
/*
 * Discovery and debugging queries: /disco, /ping, /version, /time,
 * /lastactivity, /caps. The xmpp layer answers with typed results;
 * cmd-result.c renders them as tables, or with --json as one JSON object
 * (and a failure as one object with "error"). The default target is the
 * contact of a chat window (its best resource), the occupant named in a
 * room window, else our server. cmd layer.
 */
#include <string.h>

#include "cmd-disco.h"
#include "cmd-entries.h"
#include "cmd-result.h"
#include "core/account.h"
#include "core/room.h"
#include "core/roster.h"
#include "util/str.h"
#include "xmpp/proto-conn.h"

/*
 * Who a query goes to: arg (a nick in a room window means the occupant),
 * else the chat window's contact (its best resource), else NULL (server).
 */
static char *
target(struct cmd_ctx *ctx, struct account *acc, const char *arg)
{
	struct room *r = ctx->peer != NULL ? room_find(acc->name, ctx->peer) :
	    NULL;
	struct roster_item *it;
	const struct roster_res *res;

	if (arg != NULL) {
		if (r != NULL && strchr(arg, '@') == NULL && strchr(arg, '.') ==
		    NULL && room_occupant(r, arg) != NULL)
			return g_strdup_printf("%s/%s", r->jid, arg);
		return g_strdup(arg);
	}
	if (ctx->peer == NULL)
		return NULL;
	if (r != NULL)
		return g_strdup(r->jid);
	it = roster_find(acc->roster, ctx->peer);
	res = it != NULL ? roster_item_best(it) : NULL;
	if (res != NULL && res->resource != NULL)
		return g_strdup_printf("%s/%s", ctx->peer, res->resource);
	return g_strdup(ctx->peer);
}

struct pending {
	struct cmd_ctx	*ctx;
	char		*who;
	enum proto_query kind;
	bool		 json;		/* --json: one JSON object */
	GPtrArray	*advertised;	/* /caps: struct proto_caps, or NULL */
};

static void
pending_free(struct pending *p)
{
	cmd_ctx_unref(p->ctx);
	g_free(p->who);
	if (p->advertised != NULL)
		g_ptr_array_unref(p->advertised);
	g_free(p);
}

/* The answer (or failure) of a query, as text or JSON; then done. */
static void
answered(struct proto_result *res, const struct proto_error *err,
    void *data)
{
	struct pending *p = data;
	g_autofree char *json = NULL, *why = NULL;
	g_autoptr(GPtrArray) lines = NULL;

	if (err != NULL) {
		why = proto_error_string(err);
		if (p->json) {
			json = cmd_result_error_json(p->who, p->kind, err);
			cmd_print(p->ctx, "%s", json);
		}
		cmd_error(p->ctx, "%s: %s", p->who, why);
		cmd_done(p->ctx, CMD_ERROR);
	} else if (p->json) {
		json = cmd_result_json(p->who, res, p->advertised);
		cmd_print(p->ctx, "%s", json);
		cmd_done(p->ctx, CMD_OK);
	} else {
		lines = cmd_result_text(p->who, res);
		cmd_print_lines(p->ctx, lines);
		cmd_done(p->ctx, CMD_OK);
	}
	proto_result_free(res);
	pending_free(p);
}

/* A file name as typed: "~/" means the home directory (new string). */
char *
cmd_expand_path(const char *path)
{
	if (g_str_has_prefix(path, "~/"))
		return g_build_filename(g_get_home_dir(), path + 2, NULL);
	return g_strdup(path);
}

/* Send query kind to the target of arg; p is taken (freed on failure). */
static enum cmd_status
send_query(struct cmd_ctx *ctx, struct account *acc, const char *to,
    const char *node, struct pending *p)
{
	g_autoptr(GError) err = NULL;

	if (!proto_query(acc, p->kind, to, node, answered, p, &err)) {
		pending_free(p);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
ask(struct cmd_ctx *ctx, enum proto_query kind, const char *arg,
    const char *node, bool json)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autofree char *to = NULL;
	struct pending *p;

	if (acc == NULL)
		return CMD_ERROR;
	to = target(ctx, acc, arg);
	p = g_new0(struct pending, 1);
	p->ctx = cmd_ctx_ref(ctx);
	p->kind = kind;
	p->json = json;
	p->who = g_strdup(to != NULL ? to : "your server");
	return send_query(ctx, acc, to, node, p);
}

static enum cmd_status
disco_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *const *argv = (const char *const *)a->argv;
	int argc = a->argc;
	bool json = cmd_opt_long(a, "json");
	bool info;

	info = strcmp(argv[0], "info") == 0;
	if (!info && strcmp(argv[0], "items") != 0)
		return cmd_usage(ctx);
	return ask(ctx, info ? PQ_DISCO_INFO : PQ_DISCO_ITEMS,
	    argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL, json);
}

/* /ping, /version, /time, /lastactivity: [JID] [--json]. */
static enum cmd_status
ask_one(struct cmd_ctx *ctx, const struct cmd_args *a, enum proto_query kind)
{
	return ask(ctx, kind, a->argc > 0 ? a->argv[0] : NULL, NULL,
	    cmd_opt_long(a, "json"));
}

static enum cmd_status
ping_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask_one(ctx, a, PQ_PING);
}

static enum cmd_status
version_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask_one(ctx, a, PQ_VERSION);
}

static enum cmd_status
time_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask_one(ctx, a, PQ_TIME);
}

static enum cmd_status
last_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask_one(ctx, a, PQ_LAST);
}

/* /caps without JID: what natter advertises. */
static enum cmd_status
caps_own(struct cmd_ctx *ctx, bool json)
{
	struct proto_result *own = proto_caps_own();
	g_autofree char *j = NULL;
	g_autoptr(GPtrArray) lines = NULL;

	if (json) {
		j = cmd_result_json(NULL, own, NULL);
		cmd_print(ctx, "%s", j);
	} else {
		lines = cmd_caps_own_text(own);
		cmd_print_lines(ctx, lines);
	}
	proto_result_free(own);
	return CMD_OK;
}

static enum cmd_status
caps_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *const *argv = (const char *const *)a->argv;
	int argc = a->argc;
	bool json = cmd_opt_long(a, "json");
	struct account *acc;
	g_autoptr(GPtrArray) caps = NULL;
	g_autoptr(GPtrArray) lines = NULL;
	const struct proto_caps *first;
	struct pending *p;
	char *who;

	if (argc == 0 && ctx->peer == NULL)
		return caps_own(ctx, json);
	if ((acc = cmd_target_account(ctx, NULL)) == NULL)
		return CMD_ERROR;
	who = target(ctx, acc, argc > 0 ? argv[0] : NULL);
	caps = proto_caps_of(acc, who);
	if (caps->len == 0) {
		cmd_error(ctx, "%s advertised no capabilities (no presence "
		    "with <c/> seen)", who);
		g_free(who);
		return CMD_ERROR;
	}
	if (!json) {
		lines = cmd_caps_text(caps);
		cmd_print_lines(ctx, lines);
	}
	first = g_ptr_array_index(caps, 0);
	p = g_new0(struct pending, 1);
	p->ctx = cmd_ctx_ref(ctx);
	p->kind = PQ_CAPS;
	p->json = json;
	p->who = g_strdup(first->jid);
	p->advertised = json ? g_ptr_array_ref(caps) : NULL;
	g_free(who);
	return send_query(ctx, acc, p->who, NULL, p);
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };

/* --json, declared once for every query command (dispatch parses it). */
static const struct cmd_option json_opt[] = {
	{ 0, "json", NULL, 0, 0, "the answer (or the error) as one JSON "
	  "object on one line, for scripts" },
	{ 0 } };

static const struct cmd_arg_doc jid_doc[] = {
	{ "JID", "who to ask: a JID, a full JID, a server, or a nick in a room "
	  "window (default: this window's contact, else your server)" },
	{ NULL, NULL } };

const struct cmd_entry cmd_disco_entry = {
	.name = "disco",
	.synopsis = (const char *const[]){
	    "/disco info|items [JID] [NODE] [--json]", NULL },
	.description = "Service discovery (XEP-0030): an entity's identities "
	    "and features (with their XEP names) or its items, as tables."
	    " --json gives the answer (or the error) as one JSON object on "
	    "one line, for scripts.",
	.args = (const struct cmd_arg_doc[]){
	    { "info|items", "what to ask for" },
	    { "JID", "who to ask (default: this window's contact, else your "
	      "server)" },
	    { "NODE", "a node of that entity" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/disco info",
	    "/disco items conference.example.org",
	    "/disco info example.org http://jabber.org/protocol/commands",
	    "/disco items --json", NULL },
	.min_args = 1, .max_args = 3, .options = json_opt,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_WORDS,
	    CMD_COMPLETE_CONTACT, CMD_COMPLETE_NONE },
	.words = (const char *const[]){ "info", "items", NULL },
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE,
	.exec = disco_exec,
};

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.synopsis = (const char *const[]){ "/ping [JID] [--json]", NULL },
	.description = "Ping an entity (XEP-0199) and show the round-trip "
	    "time. --json gives the answer (or the error) as one JSON object "
	    "on one line, for scripts.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/ping", "/ping bob@example.org/phone",
	    "/ping --json", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.options = json_opt,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE, .exec = ping_exec,
};

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.synopsis = (const char *const[]){ "/version [JID] [--json]", NULL },
	.description = "Ask an entity which software it runs (XEP-0092). "
	    "--json gives the answer (or the error) as one JSON object on one "
	    "line, for scripts.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/version", "/version example.org",
	    "/version example.org --json", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.options = json_opt,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE, .exec = version_exec,
};

const struct cmd_entry cmd_time_entry = {
	.name = "time",
	.synopsis = (const char *const[]){ "/time [JID] [--json]", NULL },
	.description = "Ask an entity for its time and UTC offset "
	    "(XEP-0202). --json gives the answer (or the error) as one JSON "
	    "object on one line, for scripts.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/time bob@example.org/laptop",
	    "/time --json", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.options = json_opt,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE, .exec = time_exec,
};

const struct cmd_entry cmd_lastactivity_entry = {
	.name = "lastactivity",
	.synopsis = (const char *const[]){ "/lastactivity [JID] [--json]",
	    NULL },
	.description = "Last activity (XEP-0012): a server's uptime, a "
	    "contact's time since it was last available, or a client's idle "
	    "time. --json gives the answer (or the error) as one JSON object "
	    "on one line, for scripts.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/lastactivity",
	    "/lastactivity bob@example.org", "/lastactivity --json", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.options = json_opt,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE, .exec = last_exec,
};

const struct cmd_entry cmd_caps_entry = {
	.name = "caps",
	.synopsis = (const char *const[]){ "/caps [JID] [--json]", NULL },
	.description = "Entity capabilities (XEP-0115): without JID, what "
	    "natter advertises; with one, what its presence advertised, then "
	    "its features, checked against the advertised hash. --json gives "
	    "the same as one JSON object on one line, for scripts.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/caps", "/caps bob@example.org",
	    "/caps bob@example.org --json", NULL },
	.min_args = 0, .max_args = 1, .options = json_opt,
	.flags = CMD_SCRIPT_SAFE | CMD_OPTS_ANYWHERE, .exec = caps_exec,
};
