/* SPDX-License-Identifier: MIT */
/*
 * /search: full-text search of the history (SQLite FTS5, PRODUCT §4),
 * over this window's conversation or, with -a, everything. Results are
 * numbered; /search -j N asks (EV_WINDOW_JUMP) for the conversation of
 * result N to be shown scrolled to it. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/events.h"
#include "core/history.h"
#include "core/msg.h"
#include "core/prefs.h"
#include "util/str.h"

#define SEARCH_LIMIT 50

static GPtrArray *results;	/* struct msg of the last search */

/*
 * /search -j N: ask for result N to be shown in its conversation's window
 * (EV_WINDOW_JUMP; the full-screen interface scrolls there, or says why
 * it cannot).
 */
static enum cmd_status
jump(struct cmd_ctx *ctx, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);
	struct msg *m;
	struct ev ev = { .kind = EV_WINDOW_JUMP };
	g_autoptr(GDateTime) t = NULL;
	g_autofree char *secs = NULL, *when = NULL;

	if (results == NULL || results->len == 0)
		return cmd_error(ctx, "no search results yet: /search TEXT");
	if (*arg == '\0' || *end != '\0' || n < 1 || n > (long)results->len)
		return cmd_error(ctx, "no result %s: the last search has 1-%u",
		    arg, results->len);
	m = g_ptr_array_index(results, n - 1);
	t = g_date_time_new_from_unix_utc(m->time / G_USEC_PER_SEC);
	secs = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
	when = g_strdup_printf("%s.%06dZ", secs, (int)(m->time %
	    G_USEC_PER_SEC));
	ev.account = m->account;
	ev.u.window_jump.window = g_strcmp0(m->type, "groupchat") == 0 ?
	    "room" : "chat";
	ev.u.window_jump.peer = m->peer;
	ev.u.window_jump.id = m->id;
	ev.u.window_jump.message_time = when;
	ev.u.window_jump.result = arg;
	ev_emit(&ev);
	return CMD_OK;
}

static void
print_result(struct cmd_ctx *ctx, guint i, const struct msg *m, bool all)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(m->time /
	    G_USEC_PER_SEC);
	g_autofree char *ts = g_date_time_format(t, "%Y-%m-%d %H:%M");
	const char *who = m->dir == MSG_OUT ? "me" :
	    g_strcmp0(m->type, "groupchat") == 0 && m->resource != NULL ?
	    m->resource : m->peer;

	cmd_print(ctx, "[%u] %s %s%s<%s> %s", i + 1, ts, all ? m->peer : "",
	    all ? " " : "", who, m->body);
}

static enum cmd_status
search_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	bool all = cmd_opt(a, 'a');
	const char *text = cmd_args_rest(a, 0);
	g_autoptr(GError) err = NULL;
	struct account *acc = NULL;
	guint i;

	if (cmd_opt(a, 'j'))
		return a->argc == 0 && !all ? jump(ctx, cmd_opt_value(a, 'j')) :
		    cmd_usage(ctx);
	if (*text == '\0')
		return cmd_usage(ctx);
	if (!history_available())
		return cmd_error(ctx, "history is off (see the console)");
	if (!all && ctx->peer == NULL)
		all = true;	/* the console searches everything */
	if (!all && (acc = cmd_target_account(ctx, NULL)) == NULL)
		return CMD_ERROR;
	if (results != NULL)
		g_ptr_array_unref(results);
	results = history_find_text(all ? NULL : acc->name, all ? NULL :
	    ctx->peer, text, SEARCH_LIMIT, &err);
	if (err != NULL)
		return cmd_error(ctx, "%s", err->message);
	if (results->len == 0) {
		cmd_print(ctx, "no message contains '%s'%s%s", text,
		    all ? "" : " with ", all ? "" : ctx->peer);
		return CMD_OK;
	}
	cmd_print(ctx, "%u message%s with '%s'%s (/search -j N shows one in "
	    "its window):", results->len, results->len == 1 ? "" : "s", text,
	    results->len == SEARCH_LIMIT ? ", the newest" : "");
	for (i = 0; i < results->len; i++)
		print_result(ctx, i, g_ptr_array_index(results, i), all);
	return CMD_OK;
}

const struct cmd_entry cmd_search_entry = {
	.name = "search",
	.synopsis = (const char *const[]){ "/search [-a] TEXT", "/search -j N",
	    NULL },
	.description = "Full-text search of the history: the messages of this "
	    "window's conversation (or, with -a or in the console, of all) "
	    "that contain every word of TEXT, numbered with time and peer. "
	    "-j N opens the conversation of result N scrolled to it.",
	.options = (const struct cmd_option[]){
	    { 'a', NULL, NULL, 0, 0, "search every conversation" },
	    { 'j', NULL, "N", 0, 0, "open the conversation of result N of the "
	      "last search, scrolled to it" },
	    { 0 } },
	.args = (const struct cmd_arg_doc[]){
	    { "TEXT", "words to find (all of them, in any order)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/search train tickets",
	    "/search -a invoice", "/search -j 3", NULL },
	.min_args = 0, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE, .exec = search_exec,
};

/* Free the last results (at exit). */
void
cmd_search_free(void)
{
	g_clear_pointer(&results, g_ptr_array_unref);
}
