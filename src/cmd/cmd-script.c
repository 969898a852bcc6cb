/* SPDX-License-Identifier: MIT */
/*
 * /source: run a script of commands (PRODUCT §9), the same language as -x:
 * one command per line, '#' comments, and a failing line stops the rest
 * of its file unless it starts with '-'. The lines run before whatever
 * was still waiting, so a /source inside a script runs its file in place.
 * /source itself finishes when its lines are done, and fails when one of
 * them failed. cmd layer.
 */
#include "cmd-disco.h"
#include "cmd-entries.h"

static enum cmd_status
source_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autofree char *path = cmd_expand_path(a->argv[0]);
	g_autoptr(GError) err = NULL;
	enum cmd_status st = cmdq_source(path, ctx, &err);

	if (st == CMD_ERROR)
		return cmd_error(ctx, "/source: %s", err->message);
	return st;
}

const struct cmd_entry cmd_source_entry = {
	.name = "source",
	.synopsis = (const char *const[]){ "/source FILE", NULL },
	.description = "Run the commands in FILE, one per line ('#' starts a "
	    "comment), as natter -x does. A line that fails stops the rest of "
	    "the file, with its file:line, unless the line starts with '-'; "
	    "/source then fails too, so an outer script stops and batch mode "
	    "exits non-zero.",
	.args = (const struct cmd_arg_doc[]){
	    { "FILE", "the script; ~/ is your home directory" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/source ~/.config/natter/work.natter",
	    NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = source_exec,
};
