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
	struct exec_spec spec = { 0 };
	bool send = cmd_opt(a, 'o');
	g_autoptr(GError) err = NULL;
	guint id;

	if (send && ctx->peer == NULL)
		return cmd_error(ctx, "/exec -o sends to the window's contact or "
		    "room: use it in a chat or room window");
	spec.command = a->argv[0];
	spec.account = ctx->account;
	spec.conversation = ctx->peer;
	spec.timeout_ms = cmd_opt_number(a, 't', 0) * 1000;
	spec.collect = send;
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
	.options = (const struct cmd_option[]){
	    { 'o', NULL, NULL, 0, 0, "send the output to this window's "
	      "contact or room as one message when COMMAND succeeds, instead "
	      "of showing it" },
	    { 't', NULL, "SECONDS", 1, EXEC_TIMEOUT_MAX, "stop COMMAND after "
	      "that long" },
	    { 0 } },
	.args = (const struct cmd_arg_doc[]){
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
