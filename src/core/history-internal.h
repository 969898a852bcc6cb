/* SPDX-License-Identifier: MIT */
#ifndef NATTER_HISTORY_INTERNAL_H
#define NATTER_HISTORY_INTERNAL_H

/*
 * Shared by history.c (the database, its writes and reads) and
 * history-fts.c (the full-text index and /search). core layer.
 */
#include <glib.h>
#include <sqlite3.h>
#include <stdbool.h>

struct msg;

extern sqlite3	*hist_db;	/* NULL while history is off */

bool	 hist_ready(void);
gint64	 hist_int_query(const char *sql, gint64 arg1, gint64 arg2,
	    bool *null);
bool	 hist_fail(GError **error, const char *what);
void	 hist_bind_text(sqlite3_stmt *st, int i, const char *s);
char	*hist_col(sqlite3_stmt *st, int i);
struct msg *hist_row_msg(sqlite3_stmt *st, int first, const char *account,
	    const char *peer);

void	 hist_index_later(void);
void	 hist_index_open(gint64 startup_row);
void	 hist_index_close(void);

#endif
