/* SPDX-License-Identifier: MIT */
/*
 * The batch front end (PRODUCT §9): command lines from stdin run one after
 * another through the command queue; every event is one line (or one JSON
 * object) on stdout; errors go to stderr. At end of input it waits,
 * bounded by --wait or batch.flush_timeout, for pending commands, unsent
 * data and messages the server has not confirmed, then quits; the exit
 * status (batch_exit_status) says whether an account never got online, a
 * message bounced or a room refused the join, messages stayed
 * unconfirmed, or a command failed.
 * When stdin is a terminal, lines are read with readline (editing,
 * history): an accessible line mode for screen readers.
 * frontend layer: no curses, no libstrophe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "batch.h"
#include "cmd/cmd.h"
#include "core/events.h"
#include "core/loop.h"
#include "core/outbox.h"
#include "core/prefs.h"
#include "core/windows.h"
#include "core/xmlcon.h"
#include "frontend/text/text.h"
#include "util/json.h"
#include "util/sanitize.h"

#define BATCH_LINE_MAX 65536

static bool as_json;
static bool show_xml;
static guint ev_handle;
static guint stdin_id;
static guint idle_hook;
static guint flush_timer;
static gint64 flush_deadline = -1;	/* loop ms the wait ends, or -1 */
static GString *inbuf;
static bool at_eof;
static bool timed_out;
static int stdin_flags = -1;	/* as found, put back at the end */
static bool skipping;		/* inside a line over BATCH_LINE_MAX */
static unsigned refused_lines;	/* over-long lines, none of them run */
static const struct batch_line_editor *editor;	/* stdin is a terminal */
static int wait_secs = -1;	/* --wait, or < 0: batch.flush_timeout */
static GHashTable *online;	/* accounts that got online in this run */
static GHashTable *joined;	/* rooms joined in this run */
static bool conn_failed;	/* an account failed before getting online */
static unsigned joins_refused;	/* rooms that refused the join */

/*
 * Write all of s to fd. stdout or stderr may share the file description
 * of stdin, which batch mode makes non-blocking: on EAGAIN wait in poll()
 * until the reader makes room, so no line is lost or cut. A reader that
 * has gone away (EPIPE, SIGPIPE is ignored) ends the writing.
 */
static void
write_all(int fd, const char *s, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n > 0) {
			s += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)poll(&pfd, 1, -1);
		} else {
			return;
		}
	}
}

/*
 * Write one line (a newline is added) to fd in full. In line mode the
 * line being typed is taken away first and drawn again below it.
 */
static void
write_line(int fd, const char *line)
{
	g_autofree char *s = g_strconcat(line, "\n", NULL);

	if (editor != NULL)
		editor->hide();
	write_all(fd, s, strlen(s));
	if (editor != NULL)
		editor->show();
}

/*
 * Note what the exit status needs: an account that fails before it was
 * ever online in this run (wrong password, unknown host, refused), and a
 * room that says goodbye before it said welcome (the join was refused).
 */
static void
track(const struct ev *ev)
{
	const char *acc = ev->account != NULL ? ev->account : "";

	if (ev->kind == EV_CONN_STATE && ev->u.conn_state.state != NULL) {
		if (strcmp(ev->u.conn_state.state, "online") == 0)
			g_hash_table_add(online, g_strdup(acc));
		else if (strcmp(ev->u.conn_state.state, "failed") == 0 &&
		    !g_hash_table_contains(online, acc))
			conn_failed = true;
	} else if (ev->kind == EV_ROOM_JOINED && ev->u.room.room != NULL) {
		g_hash_table_add(joined, g_strdup(ev->u.room.room));
	} else if (ev->kind == EV_ROOM_LEFT && ev->u.room.room != NULL &&
	    !g_hash_table_contains(joined, ev->u.room.room)) {
		joins_refused++;
	}
}

/*
 * Batch mode has no windows, but /win JID sets the contact or room that
 * later lines (plain text, /me, /kick ...) act on, like a window would:
 * it becomes window 2 of the core's window list, whose current window
 * the command queue hands to each line; /win console (window 1) drops it.
 */
static void
on_window_select(const struct ev *ev)
{
	const struct ev_window_ref *r = &ev->u.window_ref;
	struct window w = { .kind = "target", .name = r->name,
		.peer = r->name };

	if (g_strcmp0(r->window, "2") != 0 || r->name == NULL) {
		windows_remove(1);
		windows_focus(0);
		return;
	}
	windows_set(windows_count() > 1 ? 1 : windows_count(), &w);
	windows_focus(1);
}

/*
 * A raw event as one line, for entry e of the console ring (which numbered
 * it: the ring subscribed first). JSON has the recording's fields
 * (doc/xmlconsole-record.md): dir, n and pair; both forms add the
 * explanation of an error stanza or stream error.
 */
static char *
raw_line(const struct ev *ev, const struct xmlcon_entry *e)
{
	g_autofree char *line = as_json ? text_event_json(ev) :
	    text_event_line(ev);
	g_autofree char *why = NULL, *pair = NULL;
	const char *means;
	GString *s;

	if (e == NULL || e->out != (ev->kind == EV_RAW_OUT) ||
	    (as_json && !g_str_has_suffix(line, "}")))
		return g_steal_pointer(&line);
	why = xmlcon_entry_explanation(e);
	/* the text after the console's arrow: "condition: what it means" */
	means = why != NULL ? strchr(why, ' ') + 1 : NULL;
	s = g_string_new(line);
	if (!as_json) {
		if (means != NULL)
			text_append_field(s, "explanation", means);
		return g_string_free(s, FALSE);
	}
	g_string_truncate(s, s->len - 1);
	pair = e->pair != 0 && e->rtt >= 0 ? g_strdup_printf("%"
	    G_GUINT64_FORMAT, e->pair) : g_strdup("null");
	g_string_append_printf(s, ",\"dir\":\"%s\",\"n\":%" G_GUINT64_FORMAT
	    ",\"pair\":%s", e->out ? "out" : "in", e->seq, pair);
	if (means != NULL) {
		g_autofree char *j = json_string(means);

		g_string_append_printf(s, ",\"explanation\":%s", j);
	}
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}

/*
 * natter --replay FILE --batch: every record of the recording, in order,
 * as the raw events --xml printed live (JSON with --json).
 */
void
batch_print_recording(void)
{
	guint i, n = xmlcon_count();

	for (i = 0; i < n; i++) {
		const struct xmlcon_entry *e = xmlcon_nth(i);
		struct ev ev = { .kind = e->out ? EV_RAW_OUT : EV_RAW_IN,
			.account = e->account, .time = e->time };
		/* copies: the ring's text is lent until another block is read */
		g_autofree char *xml = g_strdup(xmlcon_entry_xml(e));
		g_autofree char *raw = g_strdup(xmlcon_entry_raw(e));
		g_autofree char *line = NULL;

		ev.u.raw.xml = xml;
		ev.u.raw.raw = raw;
		line = raw_line(&ev, e);
		write_line(STDOUT_FILENO, line);
	}
}

static void
on_event(const struct ev *ev, void *data)
{
	g_autofree char *line = NULL;

	track(ev);
	if (ev->kind == EV_WINDOW_SELECT)
		on_window_select(ev);
	if ((ev->kind == EV_RAW_IN || ev->kind == EV_RAW_OUT) && !show_xml)
		return;
	if (ev->kind == EV_RAW_IN || ev->kind == EV_RAW_OUT)
		line = raw_line(ev, xmlcon_count() > 0 ?
		    xmlcon_nth(xmlcon_count() - 1) : NULL);
	else
		line = as_json ? text_event_json(ev) : text_event_line(ev);
	write_line(STDOUT_FILENO, line);
}

static void
sink_print(struct cmd_ctx *ctx, const char *text)
{
	struct ev ev = { .kind = EV_CMD_OUTPUT, .account = ctx->account };

	ev.u.text.text = text;
	ev_emit(&ev);
}

static void
sink_error(struct cmd_ctx *ctx, const char *text)
{
	g_autofree char *safe = sanitize_text(text, (size_t)-1,
	    SANITIZE_KEEP_NEWLINE);
	g_autofree char *line = g_strconcat("natter: ", safe, NULL);

	write_line(STDERR_FILENO, line);
}

static void
sink_done(struct cmd_ctx *ctx, enum cmd_status status)
{
	struct ev ev = { .kind = EV_CMD_RESULT, .account = ctx->account };

	if (status == CMD_ERROR && !ctx->errored) {
		g_autofree char *why = sanitize_str(ctx->result != NULL ?
		    ctx->result : "failed");
		g_autofree char *line = g_strdup_printf("natter: /%s: %s",
		    ctx->name, why);

		write_line(STDERR_FILENO, line);
	}
	ev.u.cmd_result.command = ctx->name;
	ev.u.cmd_result.status = status == CMD_OK ? "ok" : "error";
	ev_emit(&ev);
}

static const struct cmd_sink batch_sink = { sink_print, sink_error,
	sink_done };

/* A line over BATCH_LINE_MAX is refused whole: none of it runs. */
static void
refuse_line(void)
{
	g_autofree char *line = g_strdup_printf("natter: input line longer "
	    "than %d bytes; refused, none of it was run", BATCH_LINE_MAX);

	refused_lines++;
	write_line(STDERR_FILENO, line);
}

/*
 * Run the complete lines in inbuf. Once the unfinished line is over the
 * limit its bytes are dropped as they come, up to its newline, so no
 * part of it is ever taken for a line of its own.
 */
static void
take_lines(void)
{
	char *nl;

	while ((nl = memchr(inbuf->str, '\n', inbuf->len)) != NULL) {
		size_t len = nl - inbuf->str;
		g_autofree char *line = NULL;

		if (skipping || len > BATCH_LINE_MAX) {
			skipping = false;
			g_string_erase(inbuf, 0, len + 1);
			refuse_line();
			continue;
		}
		line = g_strndup(inbuf->str, len);
		g_string_erase(inbuf, 0, len + 1);
		g_strchomp(line);
		if (*line != '\0' && *line != '#')
			cmdq_append(line, CMD_FROM_BATCH, NULL, NULL);
	}
	if (inbuf->len > BATCH_LINE_MAX) {
		skipping = true;
		g_string_truncate(inbuf, 0);
	}
}

static long
wait_seconds(void)
{
	return wait_secs >= 0 ? wait_secs :
	    prefs_get_int("batch.flush_timeout");
}

static void
flush_timeout_cb(void *data)
{
	flush_timer = 0;
	timed_out = true;
}

static void
input_ended(void)
{
	loop_remove_fd(stdin_id);
	stdin_id = 0;
	at_eof = true;
	flush_deadline = loop_now_ms() + wait_seconds() * 1000;
	flush_timer = loop_add_timer(wait_seconds() * 1000,
	    flush_timeout_cb, NULL);
}

/* Line mode: the editor hands over a finished line, or NULL at Ctrl-D. */
static void
editor_line_cb(char *line)
{
	if (line == NULL) {
		editor->stop();
		editor = NULL;
		write_all(STDOUT_FILENO, "\n", 1);
		input_ended();
		return;
	}
	g_strchomp(line);
	if (*line != '\0' && *line != '#')
		cmdq_append(line, CMD_FROM_BATCH, NULL, NULL);
	free(line);
}

static void
tty_cb(int fd, short revents, void *data)
{
	editor->feed();
}

static void
stdin_cb(int fd, short revents, void *data)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		g_string_append_len(inbuf, buf, n);
		take_lines();
		return;
	}
	if (inbuf->len > 0) {
		g_string_append_c(inbuf, '\n');
		take_lines();
	}
	input_ended();
}

/*
 * After each loop turn: quit once input ended and everything is done.
 * Messages waiting for an account that could not get online hold nothing
 * up: the exit status says the connection failed.
 */
static void
idle_cb(void *data)
{
	bool settled;

	if (!at_eof || loop_quitting())
		return;
	settled = cmdq_idle() && !cmd_net_busy();
	if (timed_out || (settled && (conn_failed ||
	    outbox_unconfirmed(NULL) == 0))) {
		if (timed_out && !cmdq_idle()) {
			g_autofree char *line = g_strdup_printf("natter: gave "
			    "up waiting for pending commands after %ld s "
			    "(%s)", wait_seconds(), wait_secs >= 0 ? "--wait" :
			    "batch.flush_timeout");

			write_line(STDERR_FILENO, line);
		}
		loop_quit(batch_exit_status());
	}
}

/*
 * When the wait after the end of input ends (--wait or
 * batch.flush_timeout), in loop_now_ms() time; -1 before input ended.
 * Closing the connections at exit counts against it.
 */
gint64
batch_deadline_ms(void)
{
	return flush_deadline;
}

/* Start batch mode: read stdin, print events. */
void
batch_start(bool json, bool xml, int wait,
    const struct batch_line_editor *line_editor)
{
	as_json = json;
	show_xml = xml;
	wait_secs = wait;
	online = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	joined = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	inbuf = g_string_new(NULL);
	ev_handle = ev_subscribe(EV_ANY, on_event, NULL);
	cmdq_set_sink(&batch_sink, NULL);
	windows_reset();
	if (line_editor != NULL && isatty(STDIN_FILENO)) {
		editor = line_editor;
		editor->start(editor_line_cb);
		stdin_id = loop_add_fd(STDIN_FILENO, POLLIN, tty_cb, NULL);
		idle_hook = loop_add_idle(idle_cb, NULL);
		return;
	}
	/* stdin's flags belong to its file description, which natter
	 * shares with its parent (a shell, a pipe, a pty): restored at stop. */
	stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	if (stdin_flags >= 0)
		(void)fcntl(STDIN_FILENO, F_SETFL, stdin_flags | O_NONBLOCK);
	stdin_id = loop_add_fd(STDIN_FILENO, POLLIN, stdin_cb, NULL);
	idle_hook = loop_add_idle(idle_cb, NULL);
}

/* Stop batch mode. */
void
batch_stop(void)
{
	ev_unsubscribe(ev_handle);
	windows_reset();
	if (editor != NULL)
		editor->stop();
	editor = NULL;
	if (stdin_id != 0)
		loop_remove_fd(stdin_id);
	stdin_id = 0;
	if (stdin_flags >= 0)
		(void)fcntl(STDIN_FILENO, F_SETFL, stdin_flags);
	stdin_flags = -1;
	if (flush_timer != 0)
		loop_remove_timer(flush_timer);
	loop_remove_hook(idle_hook);
	if (inbuf != NULL)
		g_string_free(inbuf, TRUE);
	inbuf = NULL;
	g_clear_pointer(&online, g_hash_table_destroy);
	g_clear_pointer(&joined, g_hash_table_destroy);
}

/*
 * The exit status (man page, EXIT STATUS), the first that applies:
 * 3 an account failed before it got online (what it had to send is moot),
 * 5 messages still unconfirmed at the end, 4 a message bounced or a room
 * refused the join, 1 a command failed (or a line was refused or commands
 * were still pending at the deadline), else 0.
 */
int
batch_exit_status(void)
{
	if (conn_failed)
		return BATCH_EXIT_CONNECT;
	if (outbox_unconfirmed(NULL) > 0)
		return BATCH_EXIT_UNCONFIRMED;
	if (outbox_failures() > 0 || joins_refused > 0)
		return BATCH_EXIT_BOUNCED;
	return cmdq_failures() > 0 || refused_lines > 0 ||
	    (timed_out && !cmdq_idle()) ? BATCH_EXIT_FAILED : BATCH_EXIT_OK;
}
