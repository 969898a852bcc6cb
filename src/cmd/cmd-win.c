/* SPDX-License-Identifier: MIT */
/*
 * Window commands: /win, /wins, /close, /clear, /unread. They read the
 * window list the front end keeps in the core (core/windows.h), check
 * their arguments against it, and ask for changes with window events
 * (EV_WINDOW_SELECT, _CLOSE, _CLEAR; EV_WINDOW_OPEN from
 * cmd_window_open()) that the TUI acts on and batch mode and control
 * clients see. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/events.h"
#include "core/windows.h"
#include "util/errors.h"
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

/* Emit kind (EV_WINDOW_SELECT, _CLOSE, _CLEAR) for window "window". */
static void
window_event(enum ev_kind kind, const char *window, const char *name)
{
	struct ev ev = { .kind = kind };

	ev.u.window_ref.window = window;
	ev.u.window_ref.name = name;
	ev_emit(&ev);
}

/* Emit kind for window i (0-based) of the window list. */
static void
window_event_nth(enum ev_kind kind, guint i)
{
	g_autofree char *n = g_strdup_printf("%u", i + 1);
	/* a copy: the front end changes the list while it handles the event */
	g_autofree char *name = g_strdup(windows_nth(i)->name);

	window_event(kind, n, name);
}

/* The window arg names: its number, or a unique part of its name. */
static bool
window_by_arg(const char *arg, guint *out, GError **error)
{
	char *end;
	long n = strtol(arg, &end, 10);
	guint i, found = G_MAXUINT;

	if (*arg != '\0' && *end == '\0') {
		if (n < 1 || (guint)n > windows_count()) {
			g_set_error(error, NATTER_CMD_ERROR, 0,
			    "no window %ld (/wins lists them)", n);
			return false;
		}
		*out = (guint)n - 1;
		return true;
	}
	for (i = 0; i < windows_count(); i++) {
		if (strstr(windows_nth(i)->name, arg) == NULL)
			continue;
		if (found != G_MAXUINT) {
			g_set_error(error, NATTER_CMD_ERROR, 0,
			    "'%s' matches several windows (/wins)", arg);
			return false;
		}
		found = i;
	}
	if (found == G_MAXUINT) {
		g_set_error(error, NATTER_CMD_ERROR, 0,
		    "no window named '%s' (/wins lists them)", arg);
		return false;
	}
	*out = found;
	return true;
}

/*
 * /win ARG. Batch mode shows no windows: there ARG (a contact or room)
 * becomes window 2, the target of later lines, and "console" or 1 goes
 * back to none; batch mode updates the window list when it sees the
 * event.
 */
static enum cmd_status
win_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *arg = a->argv[0];
	g_autoptr(GError) err = NULL;
	guint i;

	if (!cmd_ui_windows()) {
		bool console = strcmp(arg, "console") == 0 ||
		    strcmp(arg, "1") == 0;

		window_event(EV_WINDOW_SELECT, console ? "1" : "2",
		    console ? "console" : arg);
		return CMD_OK;
	}
	if (!window_by_arg(arg, &i, &err))
		return cmd_error(ctx, "%s", err->message);
	window_event_nth(EV_WINDOW_SELECT, i);
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
	.exec = win_exec,
};

/* "N: name (current, account A, 3 unread lines, highlighted)" */
static void
print_win(struct cmd_ctx *ctx, guint i, const struct window *w)
{
	GString *notes = g_string_new(i == windows_current() ? "current" :
	    NULL);

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
	guint i;

	for (i = 0; i < windows_count(); i++)
		print_win(ctx, i, windows_nth(i));
	return CMD_OK;
}

const struct cmd_entry cmd_wins_entry = {
	.name = "wins",
	.synopsis = (const char *const[]){ "/wins", NULL },
	.description = "List the windows with their number, name, account, "
	    "unread lines and whether they hold a mention or private message "
	    "(highlighted), and which one is current. Batch mode has no "
	    "windows: it lists the console and, after /win JID, that "
	    "contact or room as window 2.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/wins", NULL },
	.min_args = 0, .max_args = 0,
	.exec = wins_exec,
};

/*
 * /unread: "total N", then "NUMBER NAME COUNT [highlight]" for each window
 * with unread lines; a form for status bars and the control socket.
 */
static enum cmd_status
unread_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	GString *lines = g_string_new(NULL);
	guint i, total = 0;

	for (i = 0; i < windows_count(); i++) {
		const struct window *w = windows_nth(i);

		if (w->unread == 0)
			continue;
		total += w->unread;
		g_string_append_printf(lines, "\n%u %s %u%s", i + 1, w->name,
		    w->unread, w->highlight ? " highlight" : "");
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

/* /close [N|all|read]: checked here, done by the front end. */
static enum cmd_status
close_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *arg = a->argc > 0 ? a->argv[0] : NULL;
	char *end;
	long n;

	if (arg != NULL && (strcmp(arg, "all") == 0 ||
	    strcmp(arg, "read") == 0)) {
		window_event(EV_WINDOW_CLOSE, arg, NULL);
		return CMD_OK;
	}
	n = arg == NULL ? (long)windows_current() + 1 : strtol(arg, &end, 10);
	if (arg != NULL && (*arg == '\0' || *end != '\0' || n < 1 ||
	    (guint)n > windows_count()))
		return cmd_error(ctx, "no window '%s' (/wins lists them)", arg);
	if (n == 1)
		return cmd_error(ctx, "the console cannot be closed (/quit "
		    "leaves)");
	window_event_nth(EV_WINDOW_CLOSE, (guint)n - 1);
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
	.min_args = 0, .max_args = 1,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_WORDS,
	    CMD_COMPLETE_NONE },
	.words = (const char *const[]){ "all", "read", NULL },
	.flags = CMD_TUI, .exec = close_exec,
};

static enum cmd_status
clear_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	window_event_nth(EV_WINDOW_CLEAR, windows_current());
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
