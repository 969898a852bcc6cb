/* SPDX-License-Identifier: MIT */
#ifndef NATTER_WINDOWS_H
#define NATTER_WINDOWS_H

/*
 * The window list as a model (irssi's core window records): a numbered
 * list whose first entry is the console, each with its kind, name,
 * account, peer, unread count and highlight, and which one is current.
 * The front end that shows windows keeps it up to date (the TUI when it
 * opens, closes, focuses or fills a window; batch mode with its /win
 * target); the command layer reads it (/win, /wins, /close, /unread, the
 * target of queued lines) and asks for changes with window events. core
 * layer: no curses.
 */
#include <glib.h>
#include <stdbool.h>

struct window {
	const char	*kind;		/* console, chat, room, xmlconsole,
					   mentions, pubsub, target (batch
					   /win) */
	const char	*name;
	const char	*account;	/* or NULL */
	const char	*peer;		/* or NULL */
	guint		 unread;	/* lines added since last read */
	bool		 highlight;	/* a mention or private message */
};

void	 windows_set(guint i, const struct window *w);
void	 windows_remove(guint i);
void	 windows_focus(guint i);
guint	 windows_count(void);
guint	 windows_current(void);
const struct window *windows_nth(guint i);	/* borrowed until the
						   list changes */
void	 windows_reset(void);

#endif
