/* SPDX-License-Identifier: MIT */
#ifndef NATTER_HISTORY_H
#define NATTER_HISTORY_H

#include <glib.h>
#include <stdbool.h>

#include "msg.h"

#define HISTORY_LOAD_MAX 10000

bool		 history_open(const char *path, GError **error);
void		 history_open_later(const char *path);
bool		 history_opening(void);
void		 history_when_open(void (*fn)(void));
void		 history_close(void);
bool		 history_available(void);
bool		 history_store(struct msg *m, GError **error);
void		 history_flush(void);
GPtrArray	*history_load(const char *account, const char *peer,
		    gint64 before_row, guint limit, GError **error);
gint64		 history_row_of(const struct msg *m);
gint64		 history_row_of_id(const char *account, const char *peer,
		    const char *id);
void		 history_set_state(const char *account, const char *id,
		    const char *state, const char *reason);
char		*history_state(const char *account, const char *id);
GPtrArray	*history_pending(const char *account, GPtrArray **encrypted);
bool		 history_seen(const struct msg *m, bool by_ids);
char		*history_last_archive_id(const char *account,
		    const char *room);
void		 history_set_cursor(const char *account, const char *archive,
		    const char *id);
char		*history_cursor(const char *account, const char *archive,
		    const char *room);
GPtrArray	*history_find_text(const char *account, const char *peer,
		    const char *text, guint limit, GError **error);

#endif
