/* SPDX-License-Identifier: MIT */
/*
 * readline as a plain line reader, for batch mode when stdin is a
 * terminal (PRODUCT §9: an accessible line mode with editing keys and
 * history). It lives here because only the TUI's library may use
 * readline (STYLE §2); main.c hands these functions to batch mode as its
 * struct batch_line_editor, so the batch front end never includes it.
 * frontend layer (tui library); no curses.
 */
#include <stdio.h>
#include <stdlib.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tui.h"

static void (*line_fn)(char *line);

static void
line_cb(char *line)
{
	if (line != NULL && *line != '\0')
		add_history(line);
	line_fn(line);
}

/* Read lines from the terminal; fn gets each (NULL at Ctrl-D) to free(). */
void
tui_lineread_start(void (*fn)(char *line))
{
	line_fn = fn;
	rl_catch_signals = 0;	/* natter's loop handles signals */
	rl_catch_sigwinch = 0;
	rl_callback_handler_install("", line_cb);
}

void
tui_lineread_feed(void)
{
	rl_callback_read_char();
}

void
tui_lineread_hide(void)
{
	rl_clear_visible_line();
}

void
tui_lineread_show(void)
{
	rl_forced_update_display();
}

void
tui_lineread_stop(void)
{
	rl_callback_handler_remove();
}
