/* SPDX-License-Identifier: MIT */
/*
 * Running a command line: find the entry in cmd_table (or a subcommand),
 * check argument counts and flags, parse the options the entry declares,
 * resolve its declared target (account, room, conversation) into the
 * context, call the handler, and route its output
 * and its final status through the context's sink. Every run ends with
 * exactly one sink->done call, at once or (CMD_PENDING) later through
 * cmd_done(). cmd layer.
 */
#include <stdarg.h>
#include <string.h>

#include "cmd.h"
#include "core/account.h"
#include "core/idle.h"
#include "core/room.h"
#include "util/log.h"
#include "xmpp/proto-conn.h"

static const struct cmd_ui_ops *ui_ops;

/* Register the front end's operations (NULL in batch mode). */
void
cmd_set_ui_ops(const struct cmd_ui_ops *ops)
{
	ui_ops = ops;
}

/* The registered ops, or NULL. */
const struct cmd_ui_ops *
cmd_ui_ops(void)
{
	return ui_ops;
}

/* True when a front end shows windows (the TUI): window events matter. */
bool
cmd_ui_windows(void)
{
	return ui_ops != NULL && ui_ops->shows_windows;
}

/* Top-level entry by name (without '/'), or NULL. */
const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* Take a reference to ctx (pending commands keep one). */
struct cmd_ctx *
cmd_ctx_ref(struct cmd_ctx *ctx)
{
	ctx->refs++;
	return ctx;
}

/* Drop a reference; the last one frees ctx. */
void
cmd_ctx_unref(struct cmd_ctx *ctx)
{
	if (ctx == NULL || --ctx->refs > 0)
		return;
	g_free(ctx->account);
	g_free(ctx->peer);
	g_free(ctx->name);
	g_free(ctx->result);
	g_free(ctx);
}

/* Print output of the command to wherever it came from. */
void
cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctx->sink->print(ctx, text);
}

/* Report an error of the command; returns CMD_ERROR for convenience. */
enum cmd_status
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *text = NULL;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctx->errored = true;
	ctx->sink->error(ctx, text);
	return CMD_ERROR;
}

/* Report a wrong usage with the entry's synopsis; returns CMD_ERROR. */
enum cmd_status
cmd_usage(struct cmd_ctx *ctx)
{
	GString *s = g_string_new("usage: ");
	size_t i;

	for (i = 0; ctx->entry->synopsis[i] != NULL; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "\n       " : "",
		    ctx->entry->synopsis[i]);
	ctx->errored = true;
	ctx->sink->error(ctx, s->str);
	g_string_free(s, TRUE);
	return CMD_ERROR;
}

/* Finish a command (once); pending handlers call this when done. */
void
cmd_done(struct cmd_ctx *ctx, enum cmd_status status)
{
	if (ctx->finished)
		return;
	ctx->finished = true;
	ctx->sink->done(ctx, status);
}

/*
 * Finish a pending command with the reason of its outcome (a front end may
 * show it when the outcome is not already visible through events).
 */
void
cmd_done_msg(struct cmd_ctx *ctx, enum cmd_status status, const char *message)
{
	if (message != NULL && ctx->result == NULL)
		ctx->result = g_strdup(message);
	cmd_done(ctx, status);
}

/*
 * The account a command acts on: name if given, else the context's, else
 * the default account. NULL (with an error printed) when there is none.
 */
struct account *
cmd_target_account(struct cmd_ctx *ctx, const char *name)
{
	struct account *acc;

	if (name == NULL)
		name = ctx->account;
	if (name != NULL) {
		acc = account_find(name);
		if (acc == NULL)
			cmd_error(ctx, "no account '%s' (/account list)", name);
		return acc;
	}
	acc = account_default();
	if (acc == NULL)
		cmd_error(ctx, "which account? give its name, or set one with "
		    "/account default NAME");
	return acc;
}

/* CMD_ONLINE: the target account must be connected. */
static bool
online(struct cmd_ctx *ctx)
{
	struct account *acc = cmd_target_account(ctx, NULL);

	if (acc == NULL)
		return false;
	if (acc->state != ACCOUNT_ONLINE) {
		cmd_error(ctx, "/%s needs a connection: account '%s' is %s "
		    "(/connect %s)", ctx->name, acc->name,
		    account_state_name(acc->state), acc->name);
		return false;
	}
	return true;
}

/* Subcommand of e by name, or NULL. */
const struct cmd_entry *
cmd_find_sub(const struct cmd_entry *e, const char *name)
{
	size_t i;

	for (i = 0; e->subcmds != NULL && e->subcmds[i] != NULL; i++)
		if (strcmp(e->subcmds[i]->name, name) == 0)
			return e->subcmds[i];
	return NULL;
}

/*
 * Resolve e's declared target into ctx->acc and ctx->room; false (with
 * the standard error) when the command's window has none.
 */
static bool
resolve_target(struct cmd_ctx *ctx, enum cmd_target target)
{
	if (target == CMD_TARGET_NONE)
		return true;
	if (target == CMD_TARGET_CONVERSATION && ctx->peer == NULL) {
		cmd_error(ctx, "/%s works in a chat window", ctx->name);
		return false;
	}
	ctx->acc = cmd_target_account(ctx, NULL);
	if (ctx->acc == NULL)
		return false;
	if (target != CMD_TARGET_ROOM)
		return true;
	ctx->room = ctx->peer != NULL ? room_find(ctx->acc->name, ctx->peer) :
	    NULL;
	if (ctx->room == NULL) {
		cmd_error(ctx, "/%s works in a room window", ctx->name);
		return false;
	}
	return true;
}

/* Parse e's options, resolve its target, run its handler. */
static enum cmd_status
run_entry(struct cmd_ctx *ctx, const struct cmd_entry *e,
    const struct cmd_args *a)
{
	struct cmd_args parsed = *a;
	g_autoptr(GError) err = NULL;
	enum cmd_status st;

	if (!cmd_opts_parse(e->options, e->flags, &parsed, &err)) {
		cmd_opts_clear(&parsed);
		return cmd_error(ctx, "/%s: %s", ctx->name, err->message);
	}
	if (parsed.argc < e->min_args ||
	    (e->max_args >= 0 && parsed.argc > e->max_args))
		st = cmd_usage(ctx);
	else if (!resolve_target(ctx, e->target))
		st = CMD_ERROR;
	else
		st = e->exec(ctx, &parsed);
	ctx->acc = NULL;	/* valid only while the handler runs */
	ctx->room = NULL;
	cmd_opts_clear(&parsed);
	return st;
}

static enum cmd_status
dispatch(struct cmd_ctx *ctx, const struct cmd_entry *e, struct cmd_args *a)
{
	const struct cmd_entry *sub = a->argc > 0 ?
	    cmd_find_sub(e, a->argv[0]) : NULL;

	if (sub != NULL) {
		struct cmd_args shifted = *a;

		shifted.argc--;
		shifted.argv++;
		shifted.offsets++;
		return dispatch(ctx, sub, &shifted);
	}
	ctx->entry = e;
	if (e->exec == NULL)
		return cmd_usage(ctx);
	if (e->options == NULL && (a->argc < e->min_args ||
	    (e->max_args >= 0 && a->argc > e->max_args)))
		return cmd_usage(ctx);
	if ((e->flags & CMD_ONLINE) && !online(ctx))
		return CMD_ERROR;
	if ((e->flags & CMD_TUI) && !cmd_ui_windows())
		return cmd_error(ctx, "/%s works only in the full-screen "
		    "interface", ctx->name);
	if (ctx->origin != CMD_FROM_TUI && ctx->origin != CMD_FROM_BATCH &&
	    !(e->flags & CMD_SCRIPT_SAFE))
		return cmd_error(ctx, "/%s is not allowed here", ctx->name);
	return run_entry(ctx, e, a);
}

/* The text after the name as one argument (none when empty). */
static void
raw_args(const char *text, struct cmd_args *a)
{
	memset(a, 0, sizeof(*a));
	a->raw = g_strdup(text);
	a->argc = text[0] != '\0' ? 1 : 0;
	a->argv = g_new0(char *, 2);
	a->argv[0] = a->argc > 0 ? g_strdup(text) : NULL;
	a->offsets = g_new0(size_t, 1);
}

/* True when text's first word names one of e's subcommands. */
static bool
names_subcmd(const struct cmd_entry *e, const char *text)
{
	g_autofree char *w = NULL;

	text += strspn(text, " \t");
	w = g_strndup(text, strcspn(text, " \t"));
	return cmd_find_sub(e, w) != NULL;
}

static enum cmd_status
unknown(struct cmd_ctx *ctx, const char *name)
{
	g_autofree char *close = cmd_suggest(name);

	if (close != NULL)
		return cmd_error(ctx, "unknown command /%s: did you mean %s? "
		    "(/help shows the list)", name, close);
	return cmd_error(ctx, "unknown command /%s (/help shows the list)",
	    name);
}

static enum cmd_status run(struct cmd_ctx *ctx, const char *line);

/* Run the line alias name stands for, given the text typed after it. */
static enum cmd_status
run_alias(struct cmd_ctx *ctx, const char *name, const char *template,
    const char *rest)
{
	static int depth;
	g_autoptr(GError) err = NULL;
	g_autofree char *line = cmd_alias_expand(name, template, rest, &err);
	enum cmd_status st;

	if (line == NULL)
		return cmd_error(ctx, "%s", err->message);
	if (depth >= CMD_ALIAS_DEPTH)
		return cmd_error(ctx, "/%s: aliases nested more than %d deep "
		    "(does one stand for itself?)", name, CMD_ALIAS_DEPTH);
	g_clear_pointer(&ctx->name, g_free);
	depth++;
	st = run(ctx, line);
	depth--;
	return st;
}

static enum cmd_status
run(struct cmd_ctx *ctx, const char *line)
{
	const char *sp;
	g_autofree char *name = NULL;
	const struct cmd_entry *e;
	struct cmd_args a;
	g_autoptr(GError) err = NULL;
	enum cmd_status st;

	if (line[0] != '/' || line[1] == '/') {
		ctx->name = g_strdup("say");
		return cmd_say(ctx, line);
	}
	sp = strpbrk(line + 1, " \t");
	name = sp != NULL ? g_strndup(line + 1, sp - line - 1) :
	    g_strdup(line + 1);
	ctx->name = g_strdup(name);
	e = cmd_find(name);
	if (e == NULL && cmd_alias_find(name) != NULL)
		return run_alias(ctx, name, cmd_alias_find(name),
		    sp != NULL ? sp + 1 : "");
	if (e == NULL)
		return unknown(ctx, name);
	ctx->entry = e;
	/* a raw command's subcommands (/exec kill ID) take words */
	if ((e->flags & CMD_RAW_ARGS) && !names_subcmd(e, sp != NULL ?
	    sp + 1 : "")) {
		raw_args(sp != NULL ? sp + 1 : "", &a);
	} else if (!cmd_parse(sp != NULL ? sp + 1 : "", &a, &err)) {
		cmd_args_clear(&a);
		return cmd_error(ctx, "/%s: %s", name, err->message);
	}
	st = dispatch(ctx, e, &a);
	cmd_args_clear(&a);
	return st;
}

/*
 * Run one command line from origin, acting on account/peer (either may be
 * NULL). Output goes to sink; sink->done is called exactly once. Returns
 * the immediate status (CMD_PENDING when the result comes later).
 */
enum cmd_status
cmd_run_line(const char *line, enum cmd_origin origin, const char *account,
    const char *peer, const struct cmd_sink *sink, void *sink_data)
{
	struct cmd_ctx *ctx = g_new0(struct cmd_ctx, 1);
	enum cmd_status st;

	ctx->refs = 1;
	ctx->origin = origin;
	ctx->account = g_strdup(account);
	ctx->peer = g_strdup(peer);
	ctx->sink = sink;
	ctx->sink_data = sink_data;
	while (*line == ' ' || *line == '\t')
		line++;
	if (origin == CMD_FROM_TUI || origin == CMD_FROM_BATCH)
		idle_touch();
	st = run(ctx, line);
	/* Arguments are never logged: they may hold passwords. */
	log_debug("command /%s: %s", ctx->name != NULL ? ctx->name : "?",
	    st == CMD_ERROR ? "error" : st == CMD_OK ? "ok" : "pending");
	if (st != CMD_PENDING)
		cmd_done(ctx, st);
	cmd_ctx_unref(ctx);
	return st;
}

/* True while a connection is logging in or has unsent data (batch mode
 * waits for this at end of input). */
bool
cmd_net_busy(void)
{
	return proto_busy();
}

/* True when the arguments in rest hold e's secret_word before another. */
static bool
has_secret_word(const struct cmd_entry *e, const char *rest)
{
	struct cmd_args a;
	g_autoptr(GError) err = NULL;
	bool found = false;
	int i;

	if (!cmd_parse(rest, &a, &err)) {
		cmd_args_clear(&a);
		return strstr(rest, e->secret_word) != NULL;
	}
	for (i = 0; i + 1 < a.argc && !found; i++)
		found = strcmp(a.argv[i], e->secret_word) == 0;
	cmd_args_clear(&a);
	return found;
}

/*
 * True when line runs a command whose arguments hold a secret: one flagged
 * CMD_SECRET_ARGS, or one with a secret_word ("password") followed by a
 * value. Front ends keep such lines out of their history.
 */
bool
cmd_line_is_secret(const char *line)
{
	g_autofree char *name = NULL;
	const struct cmd_entry *e, *sub;
	size_t n;

	g_return_val_if_fail(line != NULL, false);
	while (*line == ' ' || *line == '\t')
		line++;
	if (line[0] != '/')
		return false;
	n = strcspn(line + 1, " \t");
	name = g_strndup(line + 1, n);
	e = cmd_find(name);
	line += 1 + n;
	while (e != NULL && !(e->flags & CMD_SECRET_ARGS) && e->subcmds != NULL) {
		line += strspn(line, " \t");
		n = strcspn(line, " \t");
		g_free(name);
		name = g_strndup(line, n);
		sub = cmd_find_sub(e, name);	/* its flags count */
		if (sub == NULL)
			break;
		e = sub;
		line += n;
	}
	if (e == NULL)
		return false;
	if (e->flags & CMD_SECRET_ARGS)
		return true;
	return e->secret_word != NULL && has_secret_word(e, line);
}
