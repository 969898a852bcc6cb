/* SPDX-License-Identifier: MIT */
/*
 * The control front end (PRODUCT §9, tmux's control mode as the model):
 * clients of a UNIX socket send command lines, "[ID] /command args", and
 * each request is answered, in order, by one result carrying the id, the
 * command's own output and ok/error. A result is written whole when the
 * command finishes (a pending one later), so events never fall inside
 * it. After /subscribe [KIND...] the client also gets events. Results
 * and events are JSON objects, one a line, or after /format text,
 * tmux-like frames (%begin ID, output, %end|%error ID) and "%event" lines.
 * A line longer than CONTROL_LINE_MAX is refused whole; a client that
 * leaves more than CONTROL_OUT_MAX unread is dropped with a note.
 * Commands run as CMD_FROM_CONTROL: only script-safe ones.
 * frontend layer: no curses, no readline, no libstrophe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control-internal.h"
#include "cmd/cmd.h"
#include "core/events.h"
#include "core/loop.h"
#include "core/prefs.h"
#include "frontend/text/text.h"
#include "util/json.h"
#include "util/sanitize.h"

#define CONTROL_CLIENTS_MAX	32
#define CONTROL_ID_MAX		64
#define CONTROL_QUEUE_MAX	256	/* queued requests before we stop
					   reading the client */

struct ctl_client;

/* One request; it outlives its client while its command is pending. */
struct ctl_req {
	struct ctl_client	*client;	/* NULL once the client left */
	char			*id;		/* owned, or NULL */
	char			*line;		/* owned; NULL: refused line */
	GPtrArray		*output;	/* owned lines */
	char			*error;		/* owned: first error text */
};

struct ctl_client {
	int			 fd;
	guint			 fd_id;
	unsigned		 serial;
	GString			*in;
	GString			*out;
	bool			 skipping;	/* inside an over-long line */
	bool			 text;		/* /format text */
	bool			 dead;		/* closed at the next idle */
	bool			 overflow;	/* dropped: output unread */
	bool			 running_queue;	/* inside run_queue() */
	bool			 kinds[EV__COUNT];	/* subscribed kinds */
	GQueue			 queue;		/* struct ctl_req */
	struct ctl_req		*running;	/* pending command, or NULL */
};

static int listen_fd = -1;
static guint listen_id;
static char *sock_path;
static struct stat sock_made;
static GList *clients;
static guint ev_handle;
static guint idle_hook;
static unsigned next_serial = 1;
static char *pref_seen;		/* control.socket as last applied */

static void run_queue(struct ctl_client *c);

static void
req_free(struct ctl_req *r)
{
	g_free(r->id);
	g_free(r->line);
	g_ptr_array_unref(r->output);
	g_free(r->error);
	g_free(r);
}

/* Read while few requests wait; write while output waits. */
static void
set_events(struct ctl_client *c)
{
	short ev = 0;

	if (c->dead)
		return;
	if (g_queue_get_length(&c->queue) < CONTROL_QUEUE_MAX)
		ev |= POLLIN;
	if (c->out->len > 0)
		ev |= POLLOUT;
	loop_set_fd_events(c->fd_id, ev);
}

/* Write what the socket takes now; keep the rest for POLLOUT. */
static void
flush_out(struct ctl_client *c)
{
	ssize_t n;

	while (c->out->len > 0 && !c->dead) {
		n = send(c->fd, c->out->str, c->out->len, MSG_NOSIGNAL);
		if (n > 0) {
			g_string_erase(c->out, 0, n);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			c->dead = true;
		}
	}
	set_events(c);
}

/* Queue one line for c; past CONTROL_OUT_MAX unread the client goes. */
static void
put_line(struct ctl_client *c, const char *line)
{
	if (c->dead)
		return;
	g_string_append(c->out, line);
	g_string_append_c(c->out, '\n');
	flush_out(c);
	if (c->out->len > CONTROL_OUT_MAX) {
		c->overflow = true;
		c->dead = true;
	}
}

/* The id as JSON: a number when it is one, else a string; null if none. */
static char *
id_json(const char *id)
{
	size_t n = id != NULL ? strlen(id) : 0;

	if (id == NULL)
		return g_strdup("null");
	if (n <= 15 && strspn(id, "0123456789") == n &&
	    (id[0] != '0' || n == 1))
		return g_strdup(id);
	return json_string(id);
}

static void
answer_json(struct ctl_client *c, struct ctl_req *r, bool ok)
{
	GString *s = g_string_new("{\"id\":");
	g_autofree char *id = id_json(r->id);
	guint i;

	g_string_append_printf(s, "%s,\"result\":\"%s\"", id, ok ? "ok" :
	    "error");
	if (!ok) {
		g_autofree char *e = json_string(r->error != NULL ?
		    r->error : "failed");

		g_string_append_printf(s, ",\"error\":%s", e);
	}
	g_string_append(s, ",\"output\":[");
	for (i = 0; i < r->output->len; i++) {
		g_autofree char *l = json_string(r->output->pdata[i]);

		g_string_append_printf(s, "%s%s", i > 0 ? "," : "", l);
	}
	g_string_append(s, "]}");
	put_line(c, s->str);
	g_string_free(s, TRUE);
}

static void
answer_text(struct ctl_client *c, struct ctl_req *r, bool ok)
{
	const char *id = r->id != NULL ? r->id : "-";
	GString *s = g_string_new(NULL);
	guint i;

	g_string_append_printf(s, "%%begin %s\n", id);
	/* an output line never passes for a frame's end: % is doubled */
	for (i = 0; i < r->output->len; i++)
		g_string_append_printf(s, "%s%s\n",
		    *(char *)r->output->pdata[i] == '%' ? "%" : "",
		    (char *)r->output->pdata[i]);
	if (!ok && r->output->len == 0 && r->error != NULL)
		g_string_append_printf(s, "%s\n", r->error);
	g_string_append_printf(s, "%%%s %s", ok ? "end" : "error", id);
	put_line(c, s->str);
	g_string_free(s, TRUE);
}

/* Send r's result to its client (if still there) and free r. */
static void
answer(struct ctl_req *r, bool ok)
{
	struct ctl_client *c = r->client;

	if (c != NULL && c->text)
		answer_text(c, r, ok);
	else if (c != NULL)
		answer_json(c, r, ok);
	req_free(r);
}

/* Keep text as sanitized lines of r's output. */
static void
add_output(struct ctl_req *r, const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	size_t i;

	for (i = 0; lines[i] != NULL; i++)
		if (r->output->len < 10000)
			g_ptr_array_add(r->output, sanitize_str(lines[i]));
}

static void
sink_print(struct cmd_ctx *ctx, const char *text)
{
	add_output(ctx->sink_data, text);
}

static void
sink_error(struct cmd_ctx *ctx, const char *text)
{
	struct ctl_req *r = ctx->sink_data;

	add_output(r, text);
	if (r->error == NULL)
		r->error = sanitize_str(text);
}

static void
sink_done(struct cmd_ctx *ctx, enum cmd_status status)
{
	struct ctl_req *r = ctx->sink_data;
	struct ctl_client *c = r->client;

	if (status == CMD_ERROR && !ctx->errored && ctx->result != NULL)
		sink_error(ctx, ctx->result);
	if (c != NULL)
		c->running = NULL;
	answer(r, status == CMD_OK);
	if (c != NULL && !c->running_queue)
		run_queue(c);
}

static const struct cmd_sink control_sink = { sink_print, sink_error,
	sink_done };

/*
 * /subscribe [KIND...], /unsubscribe [KIND...] on the client of ctx's
 * request (kinds checked by the command; NULL: every kind).
 */
static void
ctl_subscribe(struct cmd_ctx *ctx, const bool *kinds, bool on)
{
	struct ctl_client *c = ((struct ctl_req *)ctx->sink_data)->client;
	size_t i;

	for (i = 0; c != NULL && i < EV__COUNT; i++) {
		/* all kinds: raw traffic only when named */
		if (kinds == NULL && (i == EV_RAW_IN || i == EV_RAW_OUT) && on)
			continue;
		if (kinds == NULL || kinds[i])
			c->kinds[i] = on;
	}
}

/* /format json|text for the client of ctx's request. */
static void
ctl_format(struct cmd_ctx *ctx, bool text)
{
	struct ctl_client *c = ((struct ctl_req *)ctx->sink_data)->client;

	if (c != NULL)
		c->text = text;
}

static const struct cmd_control_ops ctl_ops = { ctl_subscribe, ctl_format };

/* Run c's requests in order, each after the one before has finished. */
static void
run_queue(struct ctl_client *c)
{
	struct ctl_req *r;

	c->running_queue = true;
	while (c->running == NULL && !c->dead &&
	    (r = g_queue_pop_head(&c->queue)) != NULL) {
		if (r->line == NULL) {
			r->error = g_strdup_printf("request line longer than "
			    "%d bytes; refused, none of it was run",
			    CONTROL_LINE_MAX);
			answer(r, false);
		} else {
			c->running = r;
			(void)cmd_run_line(r->line, CMD_FROM_CONTROL, NULL,
			    NULL, &control_sink, r);
		}
	}
	c->running_queue = false;
	set_events(c);
}

/* Split "[ID] COMMAND": an id is a short word before a "/command". */
static struct ctl_req *
parse_request(struct ctl_client *c, const char *line)
{
	struct ctl_req *r = g_new0(struct ctl_req, 1);
	size_t n;

	r->client = c;
	r->output = g_ptr_array_new_with_free_func(g_free);
	if (line == NULL)
		return r;
	n = strcspn(line, " \t");
	if (n > 0 && n <= CONTROL_ID_MAX && line[0] != '/' &&
	    (line[n] == ' ' || line[n] == '\t') &&
	    line[n + strspn(line + n, " \t")] == '/' &&
	    strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == n) {
		r->id = g_strndup(line, n);
		line += n + strspn(line + n, " \t");
	}
	r->line = g_strdup(line);
	return r;
}

/* Queue the complete lines in c->in; an over-long line is refused whole. */
static void
take_lines(struct ctl_client *c)
{
	char *nl;

	while ((nl = memchr(c->in->str, '\n', c->in->len)) != NULL) {
		size_t len = nl - c->in->str;
		g_autofree char *line = NULL;

		if (c->skipping || len > CONTROL_LINE_MAX) {
			c->skipping = false;
			g_string_erase(c->in, 0, len + 1);
			g_queue_push_tail(&c->queue, parse_request(c, NULL));
			continue;
		}
		line = g_strndup(c->in->str, len);
		g_string_erase(c->in, 0, len + 1);
		g_strstrip(line);
		if (*line != '\0' && *line != '#')
			g_queue_push_tail(&c->queue, parse_request(c, line));
	}
	if (c->in->len > CONTROL_LINE_MAX) {
		c->skipping = true;
		g_string_truncate(c->in, 0);
	}
}

static void
client_cb(int fd, short revents, void *data)
{
	struct ctl_client *c = data;
	char buf[4096];
	ssize_t n;

	if (c->dead)
		return;
	if (revents & POLLOUT)
		flush_out(c);
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->dead = true;
		return;
	}
	g_string_append_len(c->in, buf, n);
	take_lines(c);
	run_queue(c);
}

static void
client_free(struct ctl_client *c)
{
	struct ctl_req *r;

	if (c->running != NULL)
		c->running->client = NULL;	/* its output is discarded */
	while ((r = g_queue_pop_head(&c->queue)) != NULL)
		req_free(r);
	loop_remove_fd(c->fd_id);
	close(c->fd);
	g_string_free(c->in, TRUE);
	g_string_free(c->out, TRUE);
	g_free(c);
}

static void
accept_cb(int fd, short revents, void *data)
{
	struct ctl_client *c;
	int cfd = accept(fd, NULL, NULL);

	if (cfd < 0)
		return;
	(void)fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK);
	(void)fcntl(cfd, F_SETFD, FD_CLOEXEC);
	if (g_list_length(clients) >= CONTROL_CLIENTS_MAX) {
		static const char busy[] = "{\"id\":null,\"result\":\"error\","
		    "\"error\":\"too many control clients; try again later\","
		    "\"output\":[]}\n";

		(void)send(cfd, busy, sizeof busy - 1, MSG_NOSIGNAL);
		close(cfd);
		return;
	}
	c = g_new0(struct ctl_client, 1);
	c->fd = cfd;
	c->serial = next_serial++;
	c->in = g_string_new(NULL);
	c->out = g_string_new(NULL);
	g_queue_init(&c->queue);
	c->fd_id = loop_add_fd(cfd, POLLIN, client_cb, c);
	clients = g_list_append(clients, c);
}

static void
on_event(const struct ev *ev, void *data)
{
	GList *l;

	for (l = clients; l != NULL; l = l->next) {
		struct ctl_client *c = l->data;
		g_autofree char *line = NULL;

		if (c->dead || ev->kind >= EV__COUNT || !c->kinds[ev->kind])
			continue;
		if (c->text) {
			g_autofree char *t = text_event_line(ev);

			line = g_strconcat("%event ", t, NULL);
		} else {
			line = text_event_json(ev);
		}
		put_line(c, line);
	}
}

static void close_socket(void);
static bool open_socket(const char *path, char **error);

/* Follow /set control.socket: open, move or close the socket. */
static void
follow_pref(void)
{
	const char *p = prefs_get("control.socket");
	g_autofree char *err = NULL;

	if (p == NULL || g_strcmp0(p, pref_seen) == 0)
		return;
	g_free(pref_seen);
	pref_seen = g_strdup(p);
	close_socket();
	if (*p != '\0' && !open_socket(p, &err))
		ev_emit_text(EV_ERROR, NULL, "%s", err);
	else if (*p != '\0')
		ev_emit_text(EV_INFO, NULL, "control socket at %s", p);
}

/* After each loop turn: close the clients that are done for. */
static void
idle_cb(void *data)
{
	GList *l = clients, *next;

	for (; l != NULL; l = next) {
		struct ctl_client *c = l->data;
		unsigned serial = c->serial;
		bool overflow = c->overflow;

		next = l->next;
		if (!c->dead)
			continue;
		clients = g_list_delete_link(clients, l);
		client_free(c);
		if (overflow)
			ev_emit_text(EV_ERROR, NULL, "control client %u dropped:"
			    " it left more than %d KiB of output unread",
			    serial, CONTROL_OUT_MAX / 1024);
	}
	follow_pref();
}

static bool
open_socket(const char *path, char **error)
{
	listen_fd = control_sock_open(path, &sock_made, error);
	if (listen_fd < 0)
		return false;
	sock_path = g_strdup(path);
	listen_id = loop_add_fd(listen_fd, POLLIN, accept_cb, NULL);
	return true;
}

/* Close the socket and every client. */
static void
close_socket(void)
{
	while (clients != NULL) {
		client_free(clients->data);
		clients = g_list_delete_link(clients, clients);
	}
	if (listen_fd < 0)
		return;
	loop_remove_fd(listen_id);
	control_sock_close(listen_fd, sock_path, &sock_made);
	listen_fd = -1;
	g_clear_pointer(&sock_path, g_free);
}

/*
 * Start the control front end: listen at path (--control), else at the
 * preference control.socket (if set); it follows later /set
 * control.socket. False with *error when the socket cannot be made.
 */
bool
control_start(const char *path, char **error)
{
	const char *pref = prefs_get("control.socket");

	pref_seen = g_strdup(pref != NULL ? pref : "");
	if (path == NULL && pref != NULL && *pref != '\0')
		path = pref;
	if (path != NULL && !open_socket(path, error))
		return false;
	ev_handle = ev_subscribe(EV_ANY, on_event, NULL);
	idle_hook = loop_add_idle(idle_cb, NULL);
	cmd_set_control_ops(&ctl_ops);
	return true;
}

/* Stop: close the clients, remove the socket. */
void
control_stop(void)
{
	close_socket();
	cmd_set_control_ops(NULL);
	if (ev_handle != 0)
		ev_unsubscribe(ev_handle);
	ev_handle = 0;
	if (idle_hook != 0)
		loop_remove_hook(idle_hook);
	idle_hook = 0;
	g_clear_pointer(&pref_seen, g_free);
}
