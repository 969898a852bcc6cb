/* SPDX-License-Identifier: MIT */
/*
 * /exec: run a shell command without blocking the interface (PRODUCT §4).
 * The text after the options goes to sh -c exactly as typed (never built
 * from data); its output lines are events shown in the window it started
 * in (core/exec), or with -o sent to that window's contact or room as one
 * message when it ends. The command finishes when the job does, so a
 * script line "/exec make" completes before the next one. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/exec.h"
#include "core/loop.h"
#include "util/str.h"

#define EXEC_TIMEOUT_MAX (7 * 24 * 3600)	/* seconds */

/* What the options of a /exec line asked for. */
struct exec_opts {
	bool		 send;		/* -o */
	long		 timeout;	/* -t SECONDS, 0: none */
	const char	*command;	/* the rest of the line (borrowed) */
};

/* Skip spaces and tabs. */
static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The word at p (new string) and, in *next, where the text goes on. */
static char *
word_at(const char *p, const char **next)
{
	const char *e = strpbrk(p, " \t");

	if (e == NULL)
		e = p + strlen(p);
	*next = skip_blanks(e);
	return g_strndup(p, e - p);
}

/* Options, then the command (raw text); false with *why on a bad line. */
static bool
parse_opts(const char *text, struct exec_opts *o, char **why)
{
	const char *p = skip_blanks(text), *next;

	memset(o, 0, sizeof(*o));
	while (*p == '-') {
		g_autofree char *w = word_at(p, &next);

		if (strcmp(w, "--") == 0) {
			p = next;
			break;
		} else if (strcmp(w, "-o") == 0) {
			o->send = true;
		} else if (strcmp(w, "-t") == 0) {
			g_autofree char *n = word_at(next, &next);
			char *end;

			o->timeout = strtol(n, &end, 10);
			if (*n == '\0' || *end != '\0' || o->timeout < 1 ||
			    o->timeout > EXEC_TIMEOUT_MAX) {
				*why = g_strdup_printf("-t needs a number of "
				    "seconds from 1 to %d", EXEC_TIMEOUT_MAX);
				return false;
			}
		} else {
			break;	/* a command that starts with '-' */
		}
		p = next;
	}
	o->command = p;
	if (*p == '\0') {
		*why = g_strdup("no command to run");
		return false;
	}
	return true;
}

/* A job of /exec -o ended: send what it printed, if it succeeded. */
static void
send_output(struct cmd_ctx *ctx, const struct exec_result *r)
{
	g_autofree char *body = g_strdup(r->output != NULL ? r->output : "");
	enum cmd_status st;

	g_strchomp(body);
	if (r->end != EXEC_EXITED || r->code != 0) {
		cmd_done_msg(ctx, CMD_ERROR, r->summary);
		return;
	}
	if (*body == '\0') {
		cmd_done_msg(ctx, CMD_ERROR, "it printed nothing: nothing sent");
		return;
	}
	st = cmd_say(ctx, body);
	if (st != CMD_PENDING)
		cmd_done(ctx, st);
}

static void
job_done(const struct exec_result *r, void *data)
{
	struct cmd_ctx *ctx = data;

	if (r->output != NULL)
		send_output(ctx, r);
	else if (r->end == EXEC_EXITED && r->code == 0)
		cmd_done(ctx, CMD_OK);
	else
		cmd_done_msg(ctx, CMD_ERROR, r->summary);
	cmd_ctx_unref(ctx);
}

static enum cmd_status
kill_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char *end;
	unsigned long id = a->argc == 1 ? strtoul(a->argv[0], &end, 10) : 0;

	if (a->argc != 1 || *a->argv[0] == '\0' || *end != '\0')
		return cmd_usage(ctx);
	if (id == 0 || id > G_MAXUINT || !exec_kill((guint)id))
		return cmd_error(ctx, "no running job %s (/exec list shows "
		    "them)", a->argv[0]);
	cmd_print(ctx, "job %lu: stopping", id);
	return CMD_OK;
}

static enum cmd_status
list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GArray) jobs = exec_jobs();
	gint64 now = loop_now_ms();
	guint i;

	if (jobs->len == 0) {
		cmd_print(ctx, "no job is running");
		return CMD_OK;
	}
	for (i = 0; i < jobs->len; i++) {
		const struct exec_job_info *j = &g_array_index(jobs,
		    struct exec_job_info, i);
		gint64 secs = (now - j->started_ms) / 1000;

		cmd_print(ctx, "%u: %s (pid %ld, running for %" G_GINT64_FORMAT
		    " %s)", j->id, j->command, (long)j->pid, secs,
		    str_plural((guint64)secs, "second", "seconds"));
	}
	return CMD_OK;
}

static enum cmd_status
exec_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct exec_opts o;
	struct exec_spec spec = { 0 };
	g_autofree char *why = NULL;
	g_autoptr(GError) err = NULL;
	guint id;

	if (!parse_opts(a->argc > 0 ? a->argv[0] : "", &o, &why))
		return cmd_error(ctx, "/exec: %s", why);
	if (g_str_has_prefix(o.command, "kill ") && o.command == skip_blanks(
	    a->argv[0])) {		/* no option before it */
		struct cmd_args k = { 1, (char *[]){ (char *)skip_blanks(
		    o.command + 5), NULL }, NULL, NULL };

		return kill_exec(ctx, &k);
	}
	if (o.send && ctx->peer == NULL)
		return cmd_error(ctx, "/exec -o sends to the window's contact or "
		    "room: use it in a chat or room window");
	spec.command = o.command;
	spec.account = ctx->account;
	spec.conversation = ctx->peer;
	spec.timeout_ms = o.timeout * 1000;
	spec.collect = o.send;
	id = exec_start(&spec, job_done, cmd_ctx_ref(ctx), &err);
	if (id == 0) {
		cmd_ctx_unref(ctx);
		return cmd_error(ctx, "/exec: could not start: %s",
		    err->message);
	}
	return CMD_PENDING;
}

static const struct cmd_entry exec_list_entry = {
	.name = "list",
	.synopsis = (const char *const[]){ "/exec list", NULL },
	.description = "List the running jobs: number, command, process id "
	    "and how long it has run.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/exec list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = list_exec,
};

static const struct cmd_entry exec_kill_entry = {
	.name = "kill",
	.synopsis = (const char *const[]){ "/exec kill ID", NULL },
	.description = "Stop job ID and everything it started (SIGTERM to its "
	    "process group, SIGKILL 2 s later if it is still running).",
	.args = (const struct cmd_arg_doc[]){
	    { "ID", "the job's number, from /exec list" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/exec kill 2", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = kill_exec,
};

const struct cmd_entry cmd_exec_entry = {
	.name = "exec",
	.synopsis = (const char *const[]){
	    "/exec [-o] [-t SECONDS] COMMAND", NULL },
	.description = "Run COMMAND with /bin/sh without blocking natter. Its "
	    "output (stdout and stderr) appears line by line in the window it "
	    "was started from, escaped like text from the network, then how "
	    "it ended. The command finishes when COMMAND does, so a script "
	    "waits for it; it fails when COMMAND exits non-zero. Output past "
	    "exec.max_output stops the job. Use -- before a COMMAND that "
	    "starts with '-' or is named list or kill.",
	.args = (const struct cmd_arg_doc[]){
	    { "-o", "send the output to this window's contact or room as one "
	      "message when COMMAND succeeds, instead of showing it" },
	    { "SECONDS", "-t SECONDS: stop COMMAND after that long" },
	    { "COMMAND", "a shell command line, exactly as typed" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/exec uptime",
	    "/exec -o git log -1 --format=%s",
	    "/exec -t 60 make check", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &exec_list_entry,
	    &exec_kill_entry, NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_RAW_ARGS,
	.exec = exec_exec,
};
