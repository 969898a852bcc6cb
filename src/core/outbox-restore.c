/* SPDX-License-Identifier: MIT */
/*
 * The outbox across natter's own restarts: history records where each of
 * our messages stands (message_state). When an account first shows a
 * connection state in this run, its messages still recorded as pending
 * (natter stopped or was killed before the server confirmed them) go
 * back into the outbox: as unsure, so that the next new session looks
 * for them in the archive before sending them again (outbox.c). Those
 * older than outbox.max_age are failed instead, and so is any message
 * stored as encrypted: its OTR session is gone, and it is never sent in
 * the clear. core layer.
 */
#include "events.h"
#include "history.h"
#include "outbox.h"
#include "outbox-restore.h"
#include "prefs.h"
#include "util/log.h"

static GHashTable *done;	/* accounts restored in this run */
static GHashTable *waiting;	/* accounts waiting for history to open */

/* Settle m, a pending message of an earlier run, as failed. */
static void
fail_old(const struct msg *m, const char *why)
{
	struct ev ev = { .kind = EV_MSG_FAILED, .account = m->account };

	history_set_state(m->account, m->id, "failed", why);
	ev.u.msg_state.peer = m->peer;
	ev.u.msg_state.id = m->id;
	ev.u.msg_state.type = m->type;
	ev.u.msg_state.body = m->body;
	ev.u.msg_state.reason = why;
	ev_emit(&ev);
}

static void restore(const char *account, gint64 now);

/* History is open: restore the accounts that waited for it. */
static void
restore_waiting(void)
{
	g_autoptr(GHashTable) accounts = g_steal_pointer(&waiting);
	GHashTableIter it;
	gpointer account;

	if (accounts == NULL)
		return;
	g_hash_table_iter_init(&it, accounts);
	while (g_hash_table_iter_next(&it, &account, NULL))
		restore(account, g_get_real_time());
}

/*
 * Put account's pending messages of an earlier run back in the outbox,
 * once per run; now is the current time in microseconds. While history
 * is still to be opened (history_open_later()) and can_wait, that waits
 * for the open instead of forcing it; a session that starts forces it,
 * as its start resends what is restored.
 */
void
outbox_restore_account(const char *account, gint64 now, bool can_wait)
{
	g_return_if_fail(account != NULL);
	if (done != NULL && g_hash_table_contains(done, account))
		return;
	if (can_wait && history_opening()) {
		if (waiting == NULL) {
			waiting = g_hash_table_new_full(g_str_hash,
			    g_str_equal, g_free, NULL);
			history_when_open(restore_waiting);
		}
		g_hash_table_add(waiting, g_strdup(account));
		return;
	}
	if (waiting != NULL)
		g_hash_table_remove(waiting, account);
	restore(account, now);
}

static void
restore(const char *account, gint64 now)
{
	g_autoptr(GPtrArray) encrypted = NULL;
	g_autoptr(GPtrArray) pending = NULL;
	gint64 max_age = (gint64)prefs_get_int("outbox.max_age") *
	    G_USEC_PER_SEC;
	guint i, n = 0;

	if (done == NULL)
		done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    NULL);
	if (!g_hash_table_add(done, g_strdup(account)))
		return;
	pending = history_pending(account, &encrypted);
	for (i = 0; i < encrypted->len; i++)
		fail_old(g_ptr_array_index(encrypted, i), "sent encrypted "
		    "(OTR) before natter stopped, not confirmed; not sent "
		    "again (its encryption session is gone)");
	for (i = 0; i < pending->len; i++) {
		struct msg *m = g_ptr_array_index(pending, i);

		if (now - m->time > max_age)
			fail_old(m, "not confirmed before natter stopped, and "
			    "older than outbox.max_age; not sent again");
		else if (outbox_take_back(m))
			n++;
	}
	if (n > 0)
		log_info("%s: %u message(s) not confirmed before natter "
		    "stopped are back in the outbox", account, n);
}

/* Forget which accounts were restored (shutdown and tests). */
void
outbox_restore_forget(void)
{
	g_clear_pointer(&done, g_hash_table_unref);
	g_clear_pointer(&waiting, g_hash_table_unref);
}
