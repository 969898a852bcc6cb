/* SPDX-License-Identifier: MIT */
/*
 * Message history in SQLite (PRODUCT §10): one row per message, WAL mode
 * with synchronous=NORMAL, so a commit costs no fsync (only checkpoints
 * sync). Writes are batched: the first store opens a transaction and
 * history_flush() commits it; the xmpp layer flushes before each network
 * turn, so what was stored is committed before any acknowledgement of it
 * (stream-management <a/>, receipt) goes out (PRODUCT §5), and the loop
 * flushes at the end of every turn. A database locked by another program
 * does not lose anything: the messages are kept and written by a retry
 * (see "Busy database" below). The database and its -wal/-shm files are
 * created mode 0600. A database that cannot be opened or is corrupt is
 * reported and natter runs on without history. At start-up natter opens
 * history at the loop's first lull (history_open_later()), while the
 * server answers the first bytes of the login, or before that at the
 * first use of any history function (hist_ready()). core layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "history.h"
#include "history-internal.h"
#include "loop.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/str.h"

sqlite3 *hist_db;
static sqlite3_stmt *st_insert;
static sqlite3_stmt *st_load;
static gint64 last_row;
/*
 * Other natter processes may share this history (a one-shot send while
 * the TUI runs). Messages an earlier run left pending are taken back only
 * by a process that was alone when it opened history (see take_run_lock())
 * and only among the rows that existed then: another live process's
 * pending messages are its own.
 */
static int run_lock = -1;	/* fd holding a shared lock while we run */
static bool alone;		/* no other natter had history open */
static gint64 startup_row;	/* the newest row when we opened it */
static bool in_txn;		/* a write transaction is open */
static guint flush_hook;
static char *later_path;	/* history_open_later(): not open yet */
static guint later_hook;
static GPtrArray *open_hooks;	/* history_when_open(): GCallback */

static void flush_cb(void *data);
static void take_run_lock(const char *path);
static void history_off(const char *why);

/*
 * Busy database. Every message stored since the last successful commit
 * is also kept here (copies, owned), in order. When another program
 * holds the database's lock past the busy timeout, the open transaction
 * is rolled back and nothing is lost: from then on (busy) stores only
 * queue up here, and a loop timer retries writing them all in one
 * transaction, waiting RETRY_FIRST_MS, then twice as long each time up
 * to RETRY_MAX_MS. After REPORT_AFTER failed retries (about 2.5 s) the
 * user is told, and told again when the messages are written. At most
 * KEEP_MAX messages wait; later ones are not stored (reported).
 */
#define BUSY_TIMEOUT_MS 200
#define CLOSE_TIMEOUT_MS 2000
#define RETRY_FIRST_MS 50
#define RETRY_MAX_MS 30000
#define REPORT_AFTER 5
#define KEEP_MAX 10000
/* At most this many messages in one transaction: a burst read in one
 * loop turn is committed in steps, not held (and copied) whole. */
#define TXN_MAX 256

static GPtrArray *uncommitted;	/* struct msg, owned */
static bool busy;
static guint retry_timer;
static gint64 retry_delay = RETRY_FIRST_MS;
static unsigned retries;
static bool busy_reported;
static unsigned dropped;

/*
 * Creating the tables of a new database is not synced (synchronous=OFF
 * until the schema is in place): it holds no message yet, and a crash
 * before the first checkpoint only loses tables that the next start
 * creates again. Syncing it cost 6 fdatasync() calls on the first start,
 * before anything was on screen (PRODUCT §12). Messages are written with
 * synchronous=NORMAL (set after the schema), as before.
 */
static const char schema[] =
	"PRAGMA synchronous=OFF;"
	"PRAGMA journal_mode=WAL;"
	/* 256 KB of page cache (SQLite's default is 2 MB): appends and the
	 * latest rows of a window touch few pages; a chat client need not
	 * keep the database in memory. */
	"PRAGMA cache_size=-256;"
	"CREATE TABLE IF NOT EXISTS messages ("
	" row INTEGER PRIMARY KEY,"
	" account TEXT NOT NULL, peer TEXT NOT NULL, resource TEXT,"
	" dir INTEGER NOT NULL, type TEXT, body TEXT NOT NULL,"
	" time INTEGER NOT NULL, id TEXT, origin_id TEXT, stanza_id TEXT,"
	" encryption TEXT, corrects TEXT);"
	"CREATE INDEX IF NOT EXISTS messages_peer"
	" ON messages(account, peer, row);"
	"CREATE INDEX IF NOT EXISTS messages_stanza_id"
	" ON messages(account, stanza_id) WHERE stanza_id IS NOT NULL;"
	/* Per archive (our own: our bare JID; a room's: its JID), the id up
	 * to which every message is in history: see history_set_cursor(). */
	"CREATE TABLE IF NOT EXISTS archive_cursor (account TEXT NOT NULL,"
	" archive TEXT NOT NULL, id TEXT NOT NULL,"
	" PRIMARY KEY (account, archive));"
	/* Full-text index of the bodies (FTS5, external content), filled
	 * in the background: see history-fts.c. */
	"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body,"
	" content='messages', content_rowid='row');"
	"CREATE TABLE IF NOT EXISTS fts_state (id INTEGER PRIMARY KEY"
	" CHECK (id = 0), indexed INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO fts_state VALUES (0, 0);"
	/* Where each of our messages stands in the outbox (outbox.c). */
	"CREATE TABLE IF NOT EXISTS message_state (account TEXT NOT NULL,"
	" id TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,"
	" PRIMARY KEY (account, id));";

/* One integer of a query with two integer arguments; *null when none. */
gint64
hist_int_query(const char *sql, gint64 arg1, gint64 arg2, bool *null)
{
	sqlite3_stmt *st = NULL;
	gint64 r = 0;

	*null = true;
	if (sqlite3_prepare_v2(hist_db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, arg1);
	sqlite3_bind_int64(st, 2, arg2);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		r = sqlite3_column_int64(st, 0);
		*null = false;
	}
	sqlite3_finalize(st);
	return r;
}

bool
hist_fail(GError **error, const char *what)
{
	g_set_error(error, NATTER_CONFIG_ERROR, 0, "history: %s: %s", what,
	    hist_db != NULL ? sqlite3_errmsg(hist_db) : "cannot open");
	return false;
}

/* Make the database and its WAL files private. */
static void
protect(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		g_autofree char *p = g_strconcat(path, sfx[i], NULL);

		(void)chmod(p, 0600);
	}
}

static bool
is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static void
rollback(void)
{
	if (in_txn)
		(void)sqlite3_exec(hist_db, "ROLLBACK", NULL, NULL, NULL);
	in_txn = false;
}

static void
forget_uncommitted(void)
{
	if (uncommitted != NULL)
		g_ptr_array_set_size(uncommitted, 0);
}

/* Bind s, copied (SQLITE_TRANSIENT) or as it is (SQLITE_STATIC), or NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s, sqlite3_destructor_type how)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, how);
	else
		sqlite3_bind_null(st, i);
}

void
hist_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	bind_text(st, i, s, SQLITE_TRANSIENT);
}

/*
 * Archive positions set since the last flush: "account\narchive" -> id,
 * both owned. See history_set_cursor().
 */
static GHashTable *cursors;

/* Write the archive positions waiting in cursors (in the transaction). */
static void
write_cursors(void)
{
	GHashTableIter it;
	gpointer k, v;
	sqlite3_stmt *st = NULL;

	if (cursors == NULL || g_hash_table_size(cursors) == 0)
		return;
	if (sqlite3_prepare_v2(hist_db, "INSERT OR REPLACE INTO archive_cursor "
	    "(account, archive, id) VALUES (?1, ?2, ?3)", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	g_hash_table_iter_init(&it, cursors);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *nl = strchr(k, '\n');

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, k, (int)(nl - (const char *)k),
		    SQLITE_TRANSIENT);
		hist_bind_text(st, 2, nl + 1);
		hist_bind_text(st, 3, v);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warn("history: cannot record an archive position: "
			    "%s", sqlite3_errmsg(hist_db));
		g_hash_table_iter_remove(&it);
	}
	sqlite3_finalize(st);
}

/* Insert m in the open transaction; an SQLite result code. */
static int
insert(const struct msg *m)
{
	int rc;

	sqlite3_reset(st_insert);
	bind_text(st_insert, 1, m->account, SQLITE_STATIC);
	bind_text(st_insert, 2, m->peer, SQLITE_STATIC);
	bind_text(st_insert, 3, m->resource, SQLITE_STATIC);
	sqlite3_bind_int(st_insert, 4, m->dir);
	bind_text(st_insert, 5, m->type, SQLITE_STATIC);
	bind_text(st_insert, 6, m->body, SQLITE_STATIC);
	sqlite3_bind_int64(st_insert, 7, m->time);
	bind_text(st_insert, 8, m->id, SQLITE_STATIC);
	bind_text(st_insert, 9, m->origin_id, SQLITE_STATIC);
	bind_text(st_insert, 10, m->stanza_id, SQLITE_STATIC);
	bind_text(st_insert, 11, m->encryption, SQLITE_STATIC);
	bind_text(st_insert, 12, m->corrects, SQLITE_STATIC);
	rc = sqlite3_step(st_insert) == SQLITE_DONE ? SQLITE_OK :
	    sqlite3_errcode(hist_db);
	/* m's strings, bound as they are, outlive the step, not the call */
	sqlite3_clear_bindings(st_insert);
	return rc;
}

/* Open the write transaction (taking the lock now); a result code. */
static int
begin(void)
{
	int rc;

	if (in_txn)
		return SQLITE_OK;
	rc = sqlite3_exec(hist_db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	in_txn = rc == SQLITE_OK;
	return rc;
}

/* Write every kept message in one transaction; a result code. */
static int
write_uncommitted(void)
{
	int rc = begin();
	guint i;

	for (i = 0; rc == SQLITE_OK && i < uncommitted->len; i++)
		rc = insert(g_ptr_array_index(uncommitted, i));
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(hist_db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		rollback();
	in_txn = false;
	return rc;
}

static void retry_cb(void *data);

/* The database is locked: roll back, keep the messages, retry later. */
static void
wait_for_lock(void)
{
	rollback();
	busy = true;
	if (retry_timer == 0)
		retry_timer = loop_add_timer(retry_delay, retry_cb, NULL);
}

static void
retry_cb(void *data)
{
	guint n = uncommitted->len;
	int rc;

	retry_timer = 0;
	rc = write_uncommitted();
	if (rc == SQLITE_OK) {
		forget_uncommitted();
		busy = false;
		retries = 0;
		retry_delay = RETRY_FIRST_MS;
		if (busy_reported)
			ev_emit_text(EV_INFO, NULL, "history: the database is "
			    "free again; %u waiting messages were written", n);
		busy_reported = false;
		hist_index_later();
		return;
	}
	if (!is_busy(rc)) {
		history_off(sqlite3_errmsg(hist_db));
		return;
	}
	if (++retries == REPORT_AFTER) {
		busy_reported = true;
		ev_emit_text(EV_ERROR, NULL, "history: the database is locked "
		    "by another program (another natter?); %u %s kept in "
		    "memory and written when it is free", n,
		    str_plural(n, "message is", "messages are"));
	}
	retry_delay = MIN(retry_delay * 2, RETRY_MAX_MS);
	wait_for_lock();
}

/*
 * Commit what was stored since the last flush. A locked database keeps
 * the messages for a retry (see above); any other failure turns history
 * off and is reported.
 */
void
history_flush(void)
{
	int rc;

	if (hist_db == NULL || !in_txn || busy)
		return;
	write_cursors();
	rc = sqlite3_exec(hist_db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		in_txn = false;
		forget_uncommitted();
	} else if (is_busy(rc)) {
		wait_for_lock();
	} else {
		history_off(sqlite3_errmsg(hist_db));
	}
}

static void
flush_cb(void *data)
{
	history_flush();
}

/*
 * Open (create) the history database at path. On failure history stays
 * off and error says why.
 */
bool
history_open(const char *path, GError **error)
{
	mode_t old = umask(077);
	bool null;
	int rc;

	history_close();
	rc = sqlite3_open_v2(path, &hist_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	umask(old);
	if (rc != SQLITE_OK)
		goto bad;
	sqlite3_busy_timeout(hist_db, BUSY_TIMEOUT_MS);
	if (sqlite3_exec(hist_db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(hist_db, "PRAGMA synchronous=NORMAL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(hist_db, "INSERT INTO messages (account, peer, "
	    "resource, dir, type, body, time, id, origin_id, stanza_id, "
	    "encryption, corrects) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1,
	    &st_insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(hist_db, "SELECT row, resource, dir, type, body, "
	    "time, id, origin_id, stanza_id, corrects FROM messages WHERE "
	    "account = ? AND peer = ? AND row < ? ORDER BY row DESC LIMIT ?",
	    -1, &st_load, NULL) != SQLITE_OK)
		goto bad;
	protect(path);
	take_run_lock(path);
	startup_row = hist_int_query("SELECT MAX(row) FROM messages", 0, 0, &null);
	uncommitted = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)msg_free);
	if (flush_hook == 0)
		flush_hook = loop_add_prepare(flush_cb, NULL);
	hist_index_open(startup_row);
	return true;
bad:
	hist_fail(error, path);
	history_close();
	return false;
}

static void
open_later_cb(void *data)
{
	later_hook = 0;
	(void)hist_ready();
}

/*
 * Open the history database at path at the loop's next lull, or at the
 * first use of history before it; a failure is reported then, as an
 * error event.
 */
void
history_open_later(const char *path)
{
	history_close();
	later_path = g_strdup(path);
	later_hook = loop_add_lull(open_later_cb, NULL);
}

/* True while an open is pending (history_open_later()). */
bool
history_opening(void)
{
	return later_path != NULL;
}

/*
 * Call fn once history is open (at once when it is), or never when it
 * fails to open: what an earlier run left in history waits for it.
 */
void
history_when_open(void (*fn)(void))
{
	if (hist_db != NULL) {
		fn();
		return;
	}
	if (open_hooks == NULL)
		open_hooks = g_ptr_array_new();
	g_ptr_array_add(open_hooks, (gpointer)fn);
}

/* Whether history is on, opening it first when an open is pending. */
bool
hist_ready(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) hooks = NULL;
	g_autofree char *path = NULL;
	guint i;

	if (hist_db != NULL || later_path == NULL)
		return hist_db != NULL;
	path = g_steal_pointer(&later_path);
	hooks = g_steal_pointer(&open_hooks);
	if (!history_open(path, &err)) {	/* also ends the lull hook */
		ev_emit_text(EV_ERROR, NULL, "%s; natter runs without history",
		    err->message);
		return false;
	}
	for (i = 0; hooks != NULL && i < hooks->len; i++)
		((void (*)(void))g_ptr_array_index(hooks, i))();
	return true;
}

/*
 * Every process with history open holds a shared lock on path.lock; one
 * that can take it exclusively first (then holds it shared like the
 * others) is the only one running. Another's exclusive lock lasts only
 * that instant, so the blocking shared lock waits for nothing longer.
 */
static void
take_run_lock(const char *path)
{
	g_autofree char *lock = g_strconcat(path, ".lock", NULL);

	alone = false;
	if (run_lock < 0)
		run_lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (run_lock < 0) {
		log_warn("history: cannot open %s: %s", lock, g_strerror(errno));
		return;
	}
	alone = flock(run_lock, LOCK_EX | LOCK_NB) == 0;
	if (flock(run_lock, LOCK_SH) != 0)
		log_warn("history: cannot lock %s: %s", lock, g_strerror(errno));
}

/*
 * Close the database (history off). Messages still waiting for a locked
 * database get one last try, waiting up to CLOSE_TIMEOUT_MS for the lock.
 */
void
history_close(void)
{
	if (hist_db != NULL && in_txn && !busy)
		history_flush();
	if (hist_db != NULL && busy && uncommitted->len > 0) {
		sqlite3_busy_timeout(hist_db, CLOSE_TIMEOUT_MS);
		if (write_uncommitted() != SQLITE_OK)
			log_error("history: %u %s could not be stored: %s",
			    uncommitted->len, str_plural(uncommitted->len,
			    "message", "messages"), sqlite3_errmsg(hist_db));
	}
	in_txn = false;
	if (flush_hook != 0)
		loop_remove_hook(flush_hook);
	flush_hook = 0;
	if (later_hook != 0)
		loop_remove_hook(later_hook);
	later_hook = 0;
	g_clear_pointer(&later_path, g_free);
	g_clear_pointer(&open_hooks, g_ptr_array_unref);
	hist_index_close();
	if (retry_timer != 0)
		loop_remove_timer(retry_timer);
	retry_timer = 0;
	busy = busy_reported = false;
	retries = dropped = 0;
	retry_delay = RETRY_FIRST_MS;
	g_clear_pointer(&uncommitted, g_ptr_array_unref);
	g_clear_pointer(&cursors, g_hash_table_unref);
	g_clear_pointer(&st_insert, sqlite3_finalize);
	g_clear_pointer(&st_load, sqlite3_finalize);
	if (hist_db != NULL)
		sqlite3_close(hist_db);
	hist_db = NULL;
	if (run_lock >= 0)
		(void)close(run_lock);	/* releases the lock */
	run_lock = -1;
	alone = false;
}

/* History failed for good (why): tell the user what was lost, close. */
static void
history_off(const char *why)
{
	guint lost = uncommitted != NULL ? uncommitted->len : 0;

	log_error("history: cannot write: %s; history is now off", why);
	ev_emit_text(EV_ERROR, NULL, "history: cannot write (%s); history is "
	    "off for this session%s", why, lost > 0 ?
	    ", the last messages were not stored" : "");
	rollback();
	forget_uncommitted();
	history_close();
}

/* True while history is on. */
bool
history_available(void)
{
	return hist_ready();
}

static struct msg *
copy(const struct msg *m)
{
	struct msg *c = msg_new(m->dir, m->account, m->peer, m->body);

	c->resource = g_strdup(m->resource);
	g_free(c->type);
	c->type = g_strdup(m->type);
	c->time = m->time;
	c->id = g_strdup(m->id);
	c->origin_id = g_strdup(m->origin_id);
	c->stanza_id = g_strdup(m->stanza_id);
	c->corrects = g_strdup(m->corrects);
	c->encryption = g_strdup(m->encryption);
	return c;
}

/* Keep a copy of m until it is committed; false when too many wait. */
static bool
keep(const struct msg *m)
{
	if (uncommitted->len >= KEEP_MAX) {
		if (dropped++ == 0)
			ev_emit_text(EV_ERROR, NULL, "history: %u %s waiting "
			    "for the database; newer ones are not stored",
			    KEEP_MAX, str_plural(KEEP_MAX, "message is",
			    "messages are"));
		return false;
	}
	g_ptr_array_add(uncommitted, copy(m));
	return true;
}

/*
 * Store m in the open transaction (see history_flush()); m->row is set
 * unless the database is locked by another program, when m waits for a
 * retry. Another write error turns history off and is returned.
 */
bool
history_store(struct msg *m, GError **error)
{
	int rc;

	if (!hist_ready())
		return true;
	if (!keep(m) || busy)
		return true;
	rc = begin();
	if (rc == SQLITE_OK)
		rc = insert(m);
	if (rc == SQLITE_OK) {
		last_row = sqlite3_last_insert_rowid(hist_db);
		m->row = last_row;
		hist_index_later();
		if (uncommitted->len >= TXN_MAX)
			history_flush();	/* a burst's copies stay few */
		return true;
	}
	if (is_busy(rc)) {
		wait_for_lock();
		return true;
	}
	hist_fail(error, "cannot store a message; history is now off");
	log_error("history: %s", sqlite3_errmsg(hist_db));
	rollback();
	forget_uncommitted();
	history_close();
	return false;
}

char *
hist_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

/*
 * The message of a result row whose columns, from first on, are row,
 * resource, dir, type, body, time, id, origin_id, stanza_id, corrects
 * (new).
 */
struct msg *
hist_row_msg(sqlite3_stmt *st, int first, const char *account,
    const char *peer)
{
	g_autofree char *body = hist_col(st, first + 4);
	struct msg *m = msg_new(sqlite3_column_int(st, first + 2) ? MSG_OUT :
	    MSG_IN, account, peer, body);

	m->row = sqlite3_column_int64(st, first);
	m->resource = hist_col(st, first + 1);
	g_free(m->type);
	m->type = hist_col(st, first + 3);
	m->time = sqlite3_column_int64(st, first + 5);
	m->id = hist_col(st, first + 6);
	m->origin_id = hist_col(st, first + 7);
	m->stanza_id = hist_col(st, first + 8);
	m->corrects = hist_col(st, first + 9);
	return m;
}

/*
 * The newest limit messages with account/peer stored before row
 * before_row (0: the newest), oldest first, as a new array of struct msg
 * whose row is set.
 */
GPtrArray *
history_load(const char *account, const char *peer, gint64 before_row,
    guint limit, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)msg_free);
	int rc;

	if (!hist_ready())
		return out;
	limit = MIN(limit, HISTORY_LOAD_MAX);
	sqlite3_reset(st_load);
	hist_bind_text(st_load, 1, account);
	hist_bind_text(st_load, 2, peer);
	sqlite3_bind_int64(st_load, 3, before_row > 0 ? before_row : G_MAXINT64);
	sqlite3_bind_int(st_load, 4, (int)limit);
	while ((rc = sqlite3_step(st_load)) == SQLITE_ROW)
		g_ptr_array_insert(out, 0, hist_row_msg(st_load, 0, account,
		    peer));
	if (rc != SQLITE_DONE)
		hist_fail(error, "cannot read");
	return out;
}

/* Row of the message stored last (for tests and read markers). */
gint64
history_row_of(const struct msg *m)
{
	return m->row != 0 ? m->row : last_row;
}

/* Row of the newest message of account/peer with this id, or 0. */
gint64
history_row_of_id(const char *account, const char *peer, const char *id)
{
	sqlite3_stmt *st = NULL;
	gint64 row = 0;

	if (!hist_ready() || account == NULL || peer == NULL || id == NULL)
		return 0;
	if (sqlite3_prepare_v2(hist_db, "SELECT max(row) FROM messages WHERE "
	    "account = ? AND peer = ? AND id = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		hist_bind_text(st, 1, account);
		hist_bind_text(st, 2, peer);
		hist_bind_text(st, 3, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			row = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return row;
}

/*
 * Record where our message id stands (pending, confirmed or failed, and
 * why) in the open transaction, committed with the next flush. Best
 * effort: while another program holds the database's lock it is not
 * recorded (the message itself still is).
 */
void
history_set_state(const char *account, const char *id, const char *state,
    const char *reason)
{
	sqlite3_stmt *st = NULL;

	g_return_if_fail(account != NULL && id != NULL && state != NULL);
	if (!hist_ready() || busy || begin() != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(hist_db, "INSERT OR REPLACE INTO message_state "
	    "VALUES (?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
		hist_bind_text(st, 1, account);
		hist_bind_text(st, 2, id);
		hist_bind_text(st, 3, state);
		hist_bind_text(st, 4, reason);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warn("history: cannot record the state of %s: %s",
			    id, sqlite3_errmsg(hist_db));
	}
	sqlite3_finalize(st);
}

/* The recorded state of our message id (caller frees), or NULL. */
char *
history_state(const char *account, const char *id)
{
	sqlite3_stmt *st = NULL;
	char *state = NULL;

	g_return_val_if_fail(account != NULL && id != NULL, NULL);
	if (!hist_ready() || sqlite3_prepare_v2(hist_db, "SELECT state FROM "
	    "message_state WHERE account = ? AND id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return NULL;
	hist_bind_text(st, 1, account);
	hist_bind_text(st, 2, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		state = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return state;
}

/* One row of history_pending()'s query as a message. */
static struct msg *
pending_row(sqlite3_stmt *st, const char *account)
{
	g_autofree char *peer = hist_col(st, 0);
	g_autofree char *body = hist_col(st, 3);
	struct msg *m = msg_new(MSG_OUT, account, peer, body);

	m->resource = hist_col(st, 1);
	g_free(m->type);
	m->type = hist_col(st, 2);
	m->time = sqlite3_column_int64(st, 4);
	m->id = hist_col(st, 5);
	m->origin_id = hist_col(st, 6);
	m->corrects = hist_col(st, 7);
	m->row = sqlite3_column_int64(st, 8);
	return m;
}

/*
 * Our messages of account that an earlier run left recorded as pending
 * (never confirmed nor failed), oldest first, as a new array of struct
 * msg; none while another natter shares this history (its pending
 * messages may be its own, still in its outbox). Those stored as
 * encrypted go to *encrypted instead (new array; their body is what the
 * user typed, which must never go out in the clear).
 */
GPtrArray *
history_pending(const char *account, GPtrArray **encrypted)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)msg_free);
	sqlite3_stmt *st = NULL;

	g_return_val_if_fail(account != NULL && encrypted != NULL, out);
	*encrypted = g_ptr_array_new_with_free_func((GDestroyNotify)msg_free);
	if (!hist_ready() || !alone || sqlite3_prepare_v2(hist_db, "SELECT m.peer, "
	    "m.resource, m.type, m.body, m.time, m.id, m.origin_id, "
	    "m.corrects, m.row, m.encryption FROM message_state s JOIN "
	    "messages m ON m.account = s.account AND m.id = s.id AND "
	    "m.dir = 1 WHERE s.account = ? AND s.state = 'pending' AND "
	    "m.row <= ? ORDER BY m.row", -1, &st, NULL) != SQLITE_OK)
		return out;
	hist_bind_text(st, 1, account);
	sqlite3_bind_int64(st, 2, startup_row);
	while (sqlite3_step(st) == SQLITE_ROW)
		g_ptr_array_add(sqlite3_column_type(st, 9) == SQLITE_NULL ?
		    out : *encrypted, pending_row(st, account));
	sqlite3_finalize(st);
	return out;
}

/* How many of a conversation's newest rows history_seen() compares ids
 * with (archive ids are looked up through their index). */
#define SEEN_WINDOW 2000

/*
 * True when m is stored already: a row of the same account and
 * conversation with m's archive id (stanza-id), or, with by_ids, among
 * the conversation's SEEN_WINDOW newest rows one with m's origin-id or
 * (same direction) m's message id.
 */
bool
history_seen(const struct msg *m, bool by_ids)
{
	sqlite3_stmt *st = NULL;
	bool seen;

	g_return_val_if_fail(m != NULL, false);
	if (!hist_ready())
		return false;
	if (sqlite3_prepare_v2(hist_db, "SELECT 1 FROM messages WHERE account = ?1 "
	    "AND stanza_id = ?3 AND peer = ?2 UNION ALL SELECT 1 FROM (SELECT "
	    "origin_id, id, dir FROM messages WHERE account = ?1 AND peer = ?2 "
	    "AND ?4 ORDER BY row DESC LIMIT ?7) WHERE origin_id = ?5 OR "
	    "(id = ?6 AND dir = ?8) LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		log_warn("history: cannot look up a message: %s",
		    sqlite3_errmsg(hist_db));
		return false;
	}
	hist_bind_text(st, 1, m->account);
	hist_bind_text(st, 2, m->peer);
	hist_bind_text(st, 3, m->stanza_id);
	sqlite3_bind_int(st, 4, by_ids);
	hist_bind_text(st, 5, m->origin_id);
	hist_bind_text(st, 6, m->id);
	sqlite3_bind_int(st, 7, SEEN_WINDOW);
	sqlite3_bind_int(st, 8, m->dir);
	seen = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return seen;
}

/*
 * The archive id (XEP-0359 stanza-id) of the newest message stored from
 * an archive: account's own (room NULL: its one-to-one messages) or
 * room's. A new string, or NULL when none is stored.
 */
char *
history_last_archive_id(const char *account, const char *room)
{
	sqlite3_stmt *st = NULL;
	char *id = NULL;

	g_return_val_if_fail(account != NULL, NULL);
	if (!hist_ready() || sqlite3_prepare_v2(hist_db, room != NULL ?
	    "SELECT stanza_id FROM messages INDEXED BY messages_peer WHERE "
	    "account = ?1 AND peer = ?2 AND type = 'groupchat' AND stanza_id "
	    "IS NOT NULL ORDER BY row DESC LIMIT 1" :
	    /* newest first, stopping at the first one (not by the index) */
	    "SELECT stanza_id FROM messages NOT INDEXED WHERE account = ?1 AND "
	    "type IS NOT 'groupchat' AND stanza_id IS NOT NULL ORDER BY row "
	    "DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return NULL;
	hist_bind_text(st, 1, account);
	if (room != NULL)
		hist_bind_text(st, 2, room);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = hist_col(st, 0);
	sqlite3_finalize(st);
	return id;
}

/*
 * Record that every message of account's archive (a bare JID) up to the
 * one with archive id id is in history. Kept in memory and written in the
 * transaction of the next flush, after the messages (one write per flush,
 * not per message); not written while the database is locked, which
 * costs the next catch-up only duplicates, which are not shown.
 */
void
history_set_cursor(const char *account, const char *archive, const char *id)
{
	g_return_if_fail(account != NULL && archive != NULL && id != NULL);
	if (!hist_ready())
		return;
	if (cursors == NULL)
		cursors = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, g_free);
	g_hash_table_replace(cursors, g_strdup_printf("%s\n%s", account,
	    archive), g_strdup(id));
	(void)begin();		/* so the next flush commits it */
}

/*
 * Where a catch-up of account's archive should start: the id recorded by
 * history_set_cursor(), else (history from before the record) the newest
 * archive id stored from it (room: the room's JID, NULL for our own
 * archive). A new string, or NULL.
 */
char *
history_cursor(const char *account, const char *archive, const char *room)
{
	sqlite3_stmt *st = NULL;
	char *id = NULL;
	g_autofree char *key = NULL;

	g_return_val_if_fail(account != NULL && archive != NULL, NULL);
	if (!hist_ready())
		return NULL;
	key = g_strdup_printf("%s\n%s", account, archive);
	if (cursors != NULL && g_hash_table_contains(cursors, key))
		return g_strdup(g_hash_table_lookup(cursors, key));
	if (sqlite3_prepare_v2(hist_db, "SELECT id FROM archive_cursor WHERE "
	    "account = ?1 AND archive = ?2", -1, &st, NULL) == SQLITE_OK) {
		hist_bind_text(st, 1, account);
		hist_bind_text(st, 2, archive);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = hist_col(st, 0);
		sqlite3_finalize(st);
	}
	return id != NULL ? id : history_last_archive_id(account, room);
}
