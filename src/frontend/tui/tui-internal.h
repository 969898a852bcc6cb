/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TUI_INTERNAL_H
#define NATTER_TUI_INTERNAL_H

/* Shared by the files of src/frontend/tui only. */
#include <glib.h>
#include <stdbool.h>

/* Theme elements (the [colours] keys of a theme file). */
enum tui_elem {
	TUI_TEXT,
	TUI_TIME,
	TUI_INFO,
	TUI_ERROR,
	TUI_OWN,
	TUI_OTHER,
	TUI_TITLE,
	TUI_STATUS,
	TUI_STATUS_ACTIVE,
	TUI_STATUS_MENTION,
	TUI_INPUT,
	TUI_ONLINE,
	TUI_OFFLINE,
	TUI_ELEM__COUNT,
};

/* Activity of a window (shown by a symbol and a colour). */
enum tui_activity {
	TUI_ACT_NONE,
	TUI_ACT_EVENT,		/* presence, joins */
	TUI_ACT_MESSAGE,
	TUI_ACT_MENTION,	/* mention or private message */
};

/* One line of a window; text is sanitized, '\n' starts a continuation. */
struct tui_line {
	gint64		 time;		/* microseconds since the epoch */
	enum tui_elem	 elem;
	char		*text;		/* owned */
};

struct tui_win {
	char			*name;		/* owned */
	char			*account;	/* owned, or NULL */
	char			*peer;		/* owned, or NULL */
	GQueue			 lines;		/* struct tui_line, bounded */
	guint			 scroll;	/* lines scrolled back */
	guint			 unread;
	enum tui_activity	 activity;
};

/* tui-win.c */
void		 tui_win_init(void);
void		 tui_win_free_all(void);
struct tui_win	*tui_win_current(void);
struct tui_win	*tui_win_nth(guint i);
guint		 tui_win_count(void);
guint		 tui_win_current_index(void);
void		 tui_win_focus(guint i);
void		 tui_win_add_line(struct tui_win *w, enum tui_elem elem,
		    const char *text, gint64 time);
void		 tui_win_print(struct tui_win *w, enum tui_elem elem,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void		 tui_win_scroll(int pages);
void		 tui_win_register_ops(void);

/* tui.c */
void		 tui_mark_dirty(void);
void		 tui_draw_input_now(void);
void		 tui_run_line(const char *line);
int		 tui_main_height(void);
int		 tui_cols(void);

/* tui-input.c */
bool		 tui_input_init(char **error);
void		 tui_input_free(void);
void		 tui_input_draw(int row, int cols);
bool		 tui_input_ask_secret(const char *prompt,
		    void (*fn)(const char *, void *), void *data);

/* tui-theme.c */
bool		 tui_theme_load(const char *name, GPtrArray *warnings);
int		 tui_theme_attr(enum tui_elem e);
const char	*tui_theme_elem_name(enum tui_elem e);

#endif
