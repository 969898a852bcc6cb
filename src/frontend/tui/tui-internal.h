/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TUI_INTERNAL_H
#define NATTER_TUI_INTERNAL_H

/* Shared by the files of src/frontend/tui only. */
#include <glib.h>
#include <stdbool.h>

#include "core/events.h"

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
	TUI_AWAY,
	TUI_DND,
	TUI_OFFLINE,
	TUI_PANE,
	TUI_PANE_GROUP,
	TUI_XML_PUNCT,		/* XML console tokens, in enum xp_tok order */
	TUI_XML_NAME,
	TUI_XML_ATTR,
	TUI_XML_VALUE,
	TUI_XML_TEXT,
	TUI_XML_COMMENT,
	TUI_XML_ELIDED,
	TUI_XML_IN,		/* header of a received stanza */
	TUI_XML_OUT,		/* header of a sent stanza */
	TUI_ELEM__COUNT,
};

/* Activity of a window (shown by a symbol and a colour). */
enum tui_activity {
	TUI_ACT_NONE,
	TUI_ACT_EVENT,		/* presence, joins */
	TUI_ACT_MESSAGE,
	TUI_ACT_MENTION,	/* mention or private message */
};

/*
 * One line of a window; text is sanitized, '\n' starts a continuation.
 * 40 bytes plus its text, kept compact: a window holds thousands, and the
 * sender prefix is shared by all the lines of a sender.
 */
struct tui_line {
	gint64		 time;		/* microseconds since the epoch */
	char		*text;		/* owned, sanitized */
	char		*prefix;	/* sanitized sender: a GRefString
					   (interned, shared), or NULL */
	char		*id;		/* owned message id, or NULL */
	guint32		 seq;		/* order of arrival in its window */
	enum tui_elem	 elem : 8;
	enum tui_elem	 prefix_elem : 8;
	bool		 receipt : 1;	/* delivery receipt arrived */
	bool		 pending : 1;	/* in the outbox, not confirmed yet */
};

enum tui_win_kind {
	TUI_WIN_CONSOLE,
	TUI_WIN_CHAT,
	TUI_WIN_ROOM,
	TUI_WIN_XMLCON,
	TUI_WIN_MENTIONS,	/* every mention across rooms */
	TUI_WIN_PUBSUB,		/* pubsub notifications (tui-pubsub.c) */
};

struct tui_win {
	enum tui_win_kind	 kind;
	char			*name;		/* owned, sanitized */
	char			*account;	/* owned, or NULL */
	char			*peer;		/* owned, or NULL */
	GQueue			 lines;		/* struct tui_line, bounded */
	guint			 scroll;	/* XML console: rows back */
	GList			*anchor;	/* scrolled back: link of the
						   line at the bottom, or NULL */
	guint			 anchor_rows;	/* rows of it hidden below */
	guint			 unread;
	enum tui_activity	 activity;
	char			*typing;	/* owned chat state of the peer */
	gint64			 oldest_row;	/* history row of the first line */
	guint32			 next_seq;
	guint32			 read_seq;	/* last line seen before leaving */
	bool			 marked;	/* read_seq is set */
	bool			 sent_composing;
	guint			 paused_timer;
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
struct tui_line	*tui_win_find_line(struct tui_win *w, const char *id);
struct tui_line	*tui_win_add_msg(struct tui_win *w, gint64 time,
		    const char *sender, bool own, const char *body,
		    const char *id, bool prepend);
struct tui_win	*tui_win_find_chat(const char *account, const char *peer);
bool		 tui_win_on_event(const struct ev *ev);
struct tui_win	*tui_win_open_chat(const char *account, const char *peer,
		    bool focus);
struct tui_win	*tui_win_add(struct tui_win *w);
struct tui_win	*tui_win_new(const char *name);
void		 tui_win_show(struct tui_win *w);
void		 tui_win_publish(const struct tui_win *w);
void		 tui_win_activity(struct tui_win *w, enum tui_activity a);
void		 tui_win_scroll(int pages);
bool		 tui_win_scrolled(const struct tui_win *w);
bool		 tui_win_has_history(const struct tui_win *w);
void		 tui_win_unscroll(struct tui_win *w);
void		 tui_win_register_ops(void);

/* tui.c */
void		 tui_mark_dirty(void);
void		 tui_frame_for_keys(void);

/* tui-pace.c: when the next full redraw may happen */
#define TUI_PACE_AGAIN_MS 5	/* a frame that left more to draw */
gint64		 tui_pace_wait(gint64 now);
void		 tui_pace_keys(void);
void		 tui_pace_reset(void);
void		 tui_draw_input_now(void);
void		 tui_run_line(const char *line);
int		 tui_main_height(void);
int		 tui_cols(void);
void		 tui_view_scroll(struct tui_win *w, long rows);

/* tui-input.c */
bool		 tui_input_init(char **error);
void		 tui_input_free(void);
void		 tui_input_draw(int row, int cols);
bool		 tui_input_ask_secret(const char *prompt,
		    void (*fn)(const char *, void *), void *data);
void		 tui_input_set_line(const char *text);

/* tui-chat.c */
void		 tui_chat_on_event(const struct ev *ev);
bool		 tui_chat_on_error(const struct ev *ev);
void		 tui_error_explain(struct tui_win *w,
		    const struct ev_error *e);
void		 tui_chat_typed(void);
void		 tui_notify(const char *from, const char *body);
void		 tui_chat_load_history(struct tui_win *w, guint n);
void		 tui_chat_title(struct tui_win *w, GString *out);
void		 tui_chat_on_jump(const struct ev *ev);
const char	*tui_chat_otr_label(struct tui_win *w);

/* tui-room.c */
void		 tui_room_on_event(const struct ev *ev);
void		 tui_room_title(struct tui_win *w, GString *out);
struct tui_win	*tui_room_window(const char *account, const char *room,
		    bool focus);
struct tui_win	*tui_mentions_window(bool focus);
int		 tui_occupants_width(void);
void		 tui_occupants_scroll(int pages);
guint		 tui_occupants_draw(struct tui_win *w, int top, int height,
		    int left, int width);

/* tui-pubsub.c */
bool		 tui_pubsub_on_event(const struct ev *ev);

/* tui-xmlcon.c */
void		 tui_xmlcon_open(const char *input);
void		 tui_xmlcon_on_event(const struct ev *ev);
void		 tui_xmlcon_draw(struct tui_win *w, int top, int height,
		    int width);
void		 tui_xmlcon_title(struct tui_win *w, GString *out);

/* tui-roster.c */
int		 tui_roster_width(void);
guint		 tui_roster_draw(int top, int height, int left, int width);
void		 tui_roster_scroll(int pages);
const char	*tui_presence_symbol(const char *show, enum tui_elem *elem);
void		 tui_pane_row(int y, int left, int width, const char *text,
		    enum tui_elem e);

/* tui-theme.c */
bool		 tui_theme_load(const char *name, GPtrArray *warnings);
int		 tui_theme_attr(enum tui_elem e);

#endif
