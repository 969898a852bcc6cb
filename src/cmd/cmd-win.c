/* SPDX-License-Identifier: MIT */
/*
 * Window commands: /win, /wins, /close, /clear. Windows belong to the
 * front end, so these call the ops it registered (cmd_set_ui_ops()).
 * Commands that want a window opened say so with EV_WINDOW_OPEN
 * (cmd_window_open()). cmd layer.
 */
#include "cmd-entries.h"
#include "core/events.h"
#include "util/str.h"

/*
 * Ask for window (chat, room, xmlconsole, mentions) of account/peer to be
 * opened and shown, with input (or NULL) in its input line: emits
 * EV_WINDOW_OPEN.
 */
void
cmd_window_open(const char *account, const char *window, const char *peer,
    const char *input)
{
	struct ev ev = { .kind = EV_WINDOW_OPEN, .account = account };

	ev.u.window_open.window = window;
	ev.u.window_open.peer = peer;
	ev.u.window_open.focus = "yes";
	ev.u.window_open.input = input;
	ev_emit(&ev);
}

static enum cmd_status
win_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!cmd_ui_ops()->win_select(a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static const enum cmd_completer win_c[] = { CMD_COMPLETE_WINDOW,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_win_entry = {
	.name = "win",
	.synopsis = (const char *const[]){ "/win N|NAME", NULL },
	.description = "Go to a window by number or by (part of its) name. "
	    "In batch mode, /win JID makes JID (a contact or room) the "
	    "target of the following lines.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "window number, 1 is the console" },
	    { "NAME", "a window name or a unique part of it" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/win 1", "/win bob", NULL },
	.min_args = 1, .max_args = 1, .complete = win_c,
	.flags = CMD_TUI, .exec = win_exec,
};

/* "N: name (current, account A, 3 unread lines, highlighted)" */
static void
print_win(struct cmd_ctx *ctx, guint i, const struct cmd_win_info *w)
{
	GString *notes = g_string_new(w->current ? "current" : NULL);

	if (w->account != NULL)
		g_string_append_printf(notes, "%saccount %s",
		    notes->len > 0 ? ", " : "", w->account);
	if (w->unread > 0)
		g_string_append_printf(notes, "%s%u unread %s",
		    notes->len > 0 ? ", " : "", w->unread,
		    str_plural(w->unread, "line", "lines"));
	if (w->highlight)
		g_string_append_printf(notes, "%shighlighted",
		    notes->len > 0 ? ", " : "");
	cmd_print(ctx, "%u: %s%s%s%s", i + 1, w->name,
	    notes->len > 0 ? " (" : "", notes->str,
	    notes->len > 0 ? ")" : "");
	g_string_free(notes, TRUE);
}

static enum cmd_status
wins_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct cmd_win_info w;
	guint i;

	for (i = 0; cmd_ui_ops()->win_info(i, &w); i++)
		print_win(ctx, i, &w);
	return CMD_OK;
}

const struct cmd_entry cmd_wins_entry = {
	.name = "wins",
	.synopsis = (const char *const[]){ "/wins", NULL },
	.description = "List the windows with their number, name, account, "
	    "unread lines and whether they hold a mention or private message "
	    "(highlighted), and which one is current.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/wins", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_TUI, .exec = wins_exec,
};

/*
 * /unread: "total N", then "NUMBER NAME COUNT [highlight]" for each window
 * with unread lines; a form for status bars and the control socket.
 */
static enum cmd_status
unread_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const struct cmd_ui_ops *ops = cmd_ui_ops();
	GString *lines = g_string_new(NULL);
	struct cmd_win_info w;
	guint i, total = 0;

	if (ops == NULL || ops->win_info == NULL) {
		g_string_free(lines, TRUE);
		return cmd_error(ctx, "/unread: no windows here");
	}
	for (i = 0; ops->win_info(i, &w); i++) {
		if (w.unread == 0)
			continue;
		total += w.unread;
		g_string_append_printf(lines, "\n%u %s %u%s", i + 1, w.name,
		    w.unread, w.highlight ? " highlight" : "");
	}
	cmd_print(ctx, "total %u%s", total, lines->str);
	g_string_free(lines, TRUE);
	return CMD_OK;
}

const struct cmd_entry cmd_unread_entry = {
	.name = "unread",
	.synopsis = (const char *const[]){ "/unread", NULL },
	.description = "Count unread lines, for status bars and programs on "
	    "the control socket: a first line \"total N\", then one line per "
	    "window with unread lines: its number, its name, the count and "
	    "\"highlight\" when it holds a mention or private message. Batch "
	    "mode has no windows to count, so its total is 0.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/unread", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = unread_exec,
};

static enum cmd_status
close_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!cmd_ui_ops()->win_close(a->argc > 0 ? a->argv[0] : NULL, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_close_entry = {
	.name = "close",
	.synopsis = (const char *const[]){ "/close [N|all|read]", NULL },
	.description = "Close the current window, window N, all windows or "
	    "every window without unread lines. The console stays.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "window number" }, { "all", "every window but the console" },
	    { "read", "every window without unread lines" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/close", "/close 3",
	    "/close read", NULL },
	.min_args = 0, .max_args = 1, .complete = win_c,
	.flags = CMD_TUI, .exec = close_exec,
};

static enum cmd_status
clear_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (!cmd_ui_windows() || cmd_ui_ops()->win_clear == NULL)
		return cmd_error(ctx, "/clear works only in the full-screen "
		    "interface");
	cmd_ui_ops()->win_clear();
	return CMD_OK;
}

const struct cmd_entry cmd_clear_entry = {
	.name = "clear",
	.synopsis = (const char *const[]){ "/clear", NULL },
	.description = "Clear the current window's scrollback on screen "
	    "(history is kept).",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/clear", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_TUI, .exec = clear_exec,
};
