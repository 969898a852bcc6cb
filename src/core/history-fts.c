/* SPDX-License-Identifier: MIT */
/*
 * The full-text index of history (FTS5) and /search over it, split from
 * history.c, which owns the database (history-internal.h). core layer.
 */
#include <sqlite3.h>
#include <string.h>

#include "history.h"
#include "history-internal.h"
#include "loop.h"
#include "util/log.h"

/*
 * The full-text index is not updated per message (FTS5 costs about as
 * much per row as the rest of a message's handling): rows are indexed in
 * chunks by a one-shot timer once a burst is over, and before a search.
 * indexed is the last row in the index.
 */
#define INDEX_DELAY_MS 2000
#define INDEX_CHUNK 2000

static gint64 indexed;
static guint index_timer;

/* The last row in the full-text index (kept in fts_state). */
static gint64
max_indexed(void)
{
	bool null;

	return hist_int_query("SELECT indexed FROM fts_state WHERE id = 0",
	    0, 0, &null);
}

static bool
exec_int(const char *sql, gint64 a, gint64 b)
{
	sqlite3_stmt *st = NULL;
	bool ok;

	if (sqlite3_prepare_v2(hist_db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

/* Index up to INDEX_CHUNK more rows; false when none are left after. */
static bool
index_some(void)
{
	gint64 upper;
	bool null, ok;

	history_flush();
	if (hist_db == NULL)
		return false;
	upper = hist_int_query("SELECT max(row) FROM (SELECT row FROM messages "
	    "WHERE row > ?1 ORDER BY row LIMIT ?2)", indexed, INDEX_CHUNK,
	    &null);
	if (null)
		return false;
	ok = sqlite3_exec(hist_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
	    exec_int("INSERT INTO messages_fts(rowid, body) SELECT row, body "
	    "FROM messages WHERE row > ?1 AND row <= ?2", indexed, upper) &&
	    exec_int("UPDATE fts_state SET indexed = ?1 WHERE id = ?2", upper,
	    0) && sqlite3_exec(hist_db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (!ok) {
		log_warn("history: cannot index: %s", sqlite3_errmsg(hist_db));
		(void)sqlite3_exec(hist_db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	indexed = upper;
	(void)hist_int_query("SELECT 1 FROM messages WHERE row > ?1 LIMIT 1",
	    indexed, 0, &null);
	return !null;
}

static gint64 last_store_ms;

/* Index once stores have paused for INDEX_DELAY_MS (not during bursts). */
static void
index_cb(void *data)
{
	gint64 quiet = loop_now_ms() - last_store_ms;

	index_timer = 0;
	if (quiet < INDEX_DELAY_MS)
		index_timer = loop_add_timer(INDEX_DELAY_MS - quiet, index_cb,
		    NULL);
	else if (index_some())
		index_timer = loop_add_timer(20, index_cb, NULL);
}

/* Rows were stored: index them once stores pause. */
void
hist_index_later(void)
{
	last_store_ms = loop_now_ms();
	if (index_timer == 0)
		index_timer = loop_add_timer(INDEX_DELAY_MS, index_cb, NULL);
}

/*
 * A full-text query matching every word of text (each as a quoted
 * phrase, so FTS5 operators typed by the user are plain words).
 */
static char *
fts_query(const char *text)
{
	g_auto(GStrv) words = g_strsplit_set(text, " \t\n", -1);
	GString *q = g_string_new(NULL);
	guint i;

	for (i = 0; words[i] != NULL; i++) {
		g_autofree char *esc = NULL;
		char **parts;

		if (*words[i] == '\0')
			continue;
		parts = g_strsplit(words[i], "\"", -1);
		esc = g_strjoinv("\"\"", parts);
		g_strfreev(parts);
		g_string_append_printf(q, "%s\"%s\"", q->len ? " " : "", esc);
	}
	return g_string_free(q, FALSE);
}

/*
 * The newest limit messages whose body has every word of text, for
 * account and peer (NULL: any), oldest first, as a new array of struct
 * msg (row, account, peer, resource, dir, type, body, time, id set).
 */
GPtrArray *
history_find_text(const char *account, const char *peer, const char *text,
    guint limit, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)msg_free);
	g_autofree char *q = fts_query(text);
	sqlite3_stmt *st = NULL;
	int rc;

	if (!hist_ready() || *q == '\0')
		return out;
	while (index_some())
		;		/* everything stored is searchable */
	if (hist_db == NULL)
		return out;
	if (sqlite3_prepare_v2(hist_db, "SELECT m.account, m.peer, m.row, "
	    "m.resource, m.dir, m.type, m.body, m.time, m.id, m.origin_id, "
	    "m.stanza_id, m.corrects FROM messages_fts "
	    "JOIN messages m ON m.row = messages_fts.rowid WHERE messages_fts "
	    "MATCH ?1 AND (?2 IS NULL OR m.account = ?2) AND (?3 IS NULL OR "
	    "m.peer = ?3) ORDER BY m.row DESC LIMIT ?4", -1, &st, NULL) !=
	    SQLITE_OK) {
		hist_fail(error, "cannot search");
		return out;
	}
	hist_bind_text(st, 1, q);
	hist_bind_text(st, 2, account);
	hist_bind_text(st, 3, peer);
	sqlite3_bind_int(st, 4, (int)MIN(limit, HISTORY_LOAD_MAX));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g_autofree char *a = hist_col(st, 0), *p = hist_col(st, 1);

		g_ptr_array_insert(out, 0, hist_row_msg(st, 2, a, p));
	}
	if (rc != SQLITE_DONE)
		hist_fail(error, "cannot search");
	sqlite3_finalize(st);
	return out;
}

/* History opened: startup_row is its newest row; index what is not. */
void
hist_index_open(gint64 startup_row)
{
	indexed = max_indexed();
	if (startup_row > indexed)	/* rows from before the index existed */
		hist_index_later();
}

/* History closing: no more indexing. */
void
hist_index_close(void)
{
	if (index_timer != 0)
		loop_remove_timer(index_timer);
	index_timer = 0;
}
