/* SPDX-License-Identifier: MIT */
/*
 * Desktop notifications through a child process (PRODUCT §5 last point):
 * the program named by notify.command (for example notify-send) runs with
 * the title and text as two arguments, never through a shell, with no
 * terminal and its output discarded. It never blocks the loop; at most
 * NOTIFY_MAX_RUNNING run at once, so a command that hangs cannot pile up
 * processes. core layer.
 */
#include <glib.h>
#include <string.h>

#include "loop.h"
#include "notify.h"
#include "prefs.h"
#include "util/log.h"

static unsigned running;

static void
child_done(pid_t pid, int status, void *data)
{
	if (running > 0)
		running--;
}

/*
 * Run notify.command TITLE TEXT in the background. False when no command
 * is set, too many are still running, or it could not start (logged).
 */
bool
notify_spawn(const char *title, const char *text)
{
	const char *cmd = prefs_get("notify.command");
	const char *argv[] = { cmd, title, text, NULL };
	g_autoptr(GError) err = NULL;
	GPid pid;

	if (*cmd == '\0')
		return false;
	if (running >= NOTIFY_MAX_RUNNING) {
		log_warn("notify: %u notifications still running; skipped",
		    running);
		return false;
	}
	if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
	    G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL, NULL,
	    NULL, &pid, &err)) {
		log_warn("notify: %s", err->message);
		return false;
	}
	running++;
	loop_watch_child(pid, child_done, NULL);
	return true;
}

/* Notification processes still running. */
unsigned
notify_running(void)
{
	return running;
}
