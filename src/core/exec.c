/* SPDX-License-Identifier: MIT */
/*
 * /exec jobs (PRODUCT §4, §9): a shell command run as `sh -c COMMAND` in a
 * process group of its own, stdin from /dev/null, stdout and stderr on one
 * pipe that the main poll() loop watches, so the interface never waits.
 * Each complete line is an EV_EXEC_OUTPUT event as it arrives (or, for
 * /exec -o, collected for the caller); the end is one EV_EXEC_EXIT event
 * and the caller's callback. A job may get extra environment variables
 * and a text on its stdin (hooks: the event's fields and its JSON),
 * written as the pipe takes it.
 *
 * Invariants: a job lives in `jobs` from exec_start() until finish(),
 * which runs exactly once, after the child was reaped (or at shutdown).
 * Output is bounded by the exec.max_output preference (KiB, all lines
 * together): past it the job is killed, never buffered. A line longer
 * than LINE_MAX bytes is passed on in pieces. Stopping a job sends SIGTERM
 * to its group, then SIGKILL after KILL_GRACE_MS. core layer: never
 * includes libstrophe, curses or readline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "exec.h"
#include "loop.h"
#include "prefs.h"
#include "util/log.h"

#define LINE_MAX_BYTES 4096
#define KILL_GRACE_MS 2000

struct job {
	guint		 id;
	pid_t		 pid;
	char		*command;
	char		*account;
	char		*conversation;
	char		*hook;
	gint64		 started_ms;
	int		 fd;		/* read end of the output pipe, or -1 */
	guint		 fd_id, timer, kill_timer;
	int		 in_fd;		/* write end of its stdin, or -1 */
	guint		 in_id;
	GString		*input;		/* what is still to be written */
	gsize		 in_off;
	GString		*line;		/* the unfinished last line */
	GString		*collected;	/* collect: all output, or NULL */
	gsize		 total;		/* output bytes so far */
	gsize		 limit;
	enum exec_end	 end;
	bool		 stopping;	/* we asked it to stop: end says why */
	exec_done_fn	*fn;
	void		*data;
};

static GPtrArray *jobs;		/* struct job, running */
static guint next_id = 1;

static void
close_input(struct job *j)
{
	loop_close_fd(&j->in_id, &j->in_fd);
	if (j->input != NULL)
		g_string_free(j->input, TRUE);
	j->input = NULL;
}

/* Its stdin takes more: write what fits; close it once all is written. */
static void
writable_cb(int fd, short revents, void *data)
{
	struct job *j = data;
	ssize_t n;

	while (j->in_off < j->input->len) {
		n = write(j->in_fd, j->input->str + j->in_off,
		    j->input->len - j->in_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;		/* it stopped reading: no more */
		j->in_off += (gsize)n;
	}
	close_input(j);
}

static void
job_free(struct job *j)
{
	loop_close_fd(&j->fd_id, &j->fd);
	if (j->timer != 0)
		loop_remove_timer(j->timer);
	if (j->kill_timer != 0)
		loop_remove_timer(j->kill_timer);
	close_input(j);
	g_string_free(j->line, TRUE);
	if (j->collected != NULL)
		g_string_free(j->collected, TRUE);
	g_free(j->command);
	g_free(j->account);
	g_free(j->conversation);
	g_free(j->hook);
	g_free(j);
}

static struct job *
find(guint id)
{
	guint i;

	for (i = 0; jobs != NULL && i < jobs->len; i++)
		if (((struct job *)g_ptr_array_index(jobs, i))->id == id)
			return g_ptr_array_index(jobs, i);
	return NULL;
}

/* One line of output: an event, or kept for the caller. */
static void
emit_line(struct job *j, const char *text, gsize len)
{
	g_autofree char *id = g_strdup_printf("%u", j->id);
	g_autofree char *line = g_strndup(text, len);
	struct ev ev = { .kind = EV_EXEC_OUTPUT, .account = j->account };

	if (j->collected != NULL) {
		g_string_append_len(j->collected, text, len);
		g_string_append_c(j->collected, '\n');
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		line[len - 1] = '\0';
	ev.u.exec_output.id = id;
	ev.u.exec_output.command = j->command;
	ev.u.exec_output.line = line;
	ev.u.exec_output.conversation = j->conversation;
	ev.u.exec_output.hook = j->hook;
	ev_emit(&ev);
}

/* Pass on the complete lines of j->line (all of it when at_end). */
static void
take_lines(struct job *j, bool at_end)
{
	gsize start = 0;
	char *nl;

	while ((nl = memchr(j->line->str + start, '\n',
	    j->line->len - start)) != NULL) {
		emit_line(j, j->line->str + start, nl - (j->line->str + start));
		start = nl - j->line->str + 1;
	}
	g_string_erase(j->line, 0, start);
	while (j->line->len >= LINE_MAX_BYTES) {
		emit_line(j, j->line->str, LINE_MAX_BYTES);
		g_string_erase(j->line, 0, LINE_MAX_BYTES);
	}
	if (at_end && j->line->len > 0) {
		emit_line(j, j->line->str, j->line->len);
		g_string_truncate(j->line, 0);
	}
}

/* Ask j's process group to stop for reason end (SIGTERM, then SIGKILL). */
static void
stop(struct job *j, enum exec_end end);

/* Read what the pipe holds now; false at end of file or error. */
static bool
drain(struct job *j)
{
	char buf[4096];
	ssize_t n;

	while (j->fd >= 0 && (n = read(j->fd, buf, sizeof buf)) != 0) {
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		if (j->total + (gsize)n > j->limit) {
			n = (ssize_t)(j->limit - j->total);
			g_string_append_len(j->line, buf, n);
			j->total = j->limit;
			stop(j, EXEC_FLOODED);
			return false;
		}
		j->total += (gsize)n;
		g_string_append_len(j->line, buf, n);
		take_lines(j, false);
	}
	return false;
}

static void
readable_cb(int fd, short revents, void *data)
{
	struct job *j = data;

	if (!drain(j)) {
		take_lines(j, true);
		loop_close_fd(&j->fd_id, &j->fd);	/* the exit ends the job */
	}
}

static void
kill_cb(void *data)
{
	struct job *j = data;

	j->kill_timer = 0;
	(void)kill(-j->pid, SIGKILL);
}

static void
stop(struct job *j, enum exec_end end)
{
	if (!j->stopping) {
		j->stopping = true;
		j->end = end;
	}
	(void)kill(-j->pid, SIGTERM);
	if (j->kill_timer == 0)
		j->kill_timer = loop_add_timer(KILL_GRACE_MS, kill_cb, j);
}

static void
timeout_cb(void *data)
{
	struct job *j = data;

	j->timer = 0;
	stop(j, EXEC_TIMED_OUT);
}

/* "exited with status 3", "stopped after 5 s (-t)", ... (new string) */
static char *
summary_of(const struct job *j, int code)
{
	gint64 secs = (loop_now_ms() - j->started_ms) / 1000;

	switch (j->end) {
	case EXEC_EXITED:
		return g_strdup_printf("exited with status %d", code);
	case EXEC_SIGNALLED:
		return g_strdup_printf("killed by signal %d (%s)", code,
		    g_strsignal(code));
	case EXEC_KILLED:
		return g_strdup("stopped by /exec kill");
	case EXEC_TIMED_OUT:
		return g_strdup_printf("stopped after %" G_GINT64_FORMAT
		    " s (its time limit)", secs);
	case EXEC_FLOODED:
		return g_strdup_printf("stopped: its output passed %zu KiB "
		    "(exec.max_output)", j->limit / 1024);
	case EXEC_QUIT:
		return g_strdup("stopped: natter is quitting");
	}
	return g_strdup("ended");
}

/* The job is over: one exit event, the caller told, the job freed. */
static void
finish(struct job *j, int status)
{
	static const char *const ends[] = { "exited", "signalled", "killed",
		"timeout", "flooded", "quit" };
	struct exec_result r = { .id = j->id };
	struct ev ev = { .kind = EV_EXEC_EXIT, .account = j->account };
	g_autofree char *id = g_strdup_printf("%u", j->id);
	g_autofree char *code = NULL, *summary = NULL;

	g_ptr_array_remove(jobs, j);	/* keeps the others in order */
	if (!j->stopping && WIFSIGNALED(status))
		j->end = EXEC_SIGNALLED;
	r.end = j->end;
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) :
	    WIFSIGNALED(status) ? WTERMSIG(status) : -1;
	summary = summary_of(j, r.code);
	code = g_strdup_printf("%d", r.code);
	r.summary = summary;
	r.output = j->collected != NULL ? j->collected->str : NULL;
	ev.u.exec_exit.id = id;
	ev.u.exec_exit.command = j->command;
	ev.u.exec_exit.status = ends[j->end];
	ev.u.exec_exit.code = code;
	ev.u.exec_exit.summary = summary;
	ev.u.exec_exit.conversation = j->conversation;
	ev.u.exec_exit.hook = j->hook;
	ev_emit(&ev);
	if (j->fn != NULL)
		j->fn(&r, j->data);
	job_free(j);
}

/*
 * The shell exited: what it wrote is in the pipe already (a background
 * grandchild that keeps the pipe open does not keep the job alive).
 */
static void
exited_cb(pid_t pid, int status, void *data)
{
	struct job *j = data;

	if (j->fd >= 0)
		(void)drain(j);
	take_lines(j, true);
	loop_close_fd(&j->fd_id, &j->fd);
	finish(j, status);
}

/* In the child, before exec: a process group of its own. */
static void
child_setup(gpointer data)
{
	(void)setpgid(0, 0);
}

/* The environment of a job: natter's, with env's "NAME=VALUE" on top. */
static char **
job_env(const char *const *env)
{
	char **out = g_get_environ();
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++) {
		g_autofree char *name = g_strndup(env[i], strcspn(env[i], "="));

		if (env[i][strlen(name)] == '=')
			out = g_environ_setenv(out, name, env[i] +
			    strlen(name) + 1, TRUE);
	}
	return out;
}

static bool
spawn(struct job *j, const struct exec_spec *spec, GError **error)
{
	const char *argv[] = { "/bin/sh", "-c", j->command, NULL };
	g_auto(GStrv) envp = spec->env != NULL ? job_env(spec->env) : NULL;
	int out[2], in[2] = { -1, -1 };
	bool ok;

	if (pipe(out) != 0 || (spec->input != NULL && pipe(in) != 0)) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "pipe: %s", g_strerror(errno));
		return false;
	}
	ok = g_spawn_async_with_pipes_and_fds(NULL, argv,
	    (const char *const *)envp, G_SPAWN_DO_NOT_REAP_CHILD |
	    (in[0] < 0 ? G_SPAWN_STDIN_FROM_DEV_NULL : 0), child_setup, NULL,
	    in[0], out[1], out[1], NULL, NULL, 0, &j->pid, NULL, NULL, NULL,
	    error);
	close(out[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (!ok) {
		close(out[0]);
		if (in[1] >= 0)
			close(in[1]);
		return false;
	}
	j->fd = out[0];
	(void)fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	(void)fcntl(j->fd, F_SETFD, FD_CLOEXEC);
	if (in[1] >= 0) {
		j->in_fd = in[1];
		j->input = g_string_new(spec->input);
		(void)fcntl(j->in_fd, F_SETFL, fcntl(j->in_fd, F_GETFL) |
		    O_NONBLOCK);
		(void)fcntl(j->in_fd, F_SETFD, FD_CLOEXEC);
	}
	/* Also from here: the child may not have run setpgid yet. */
	(void)setpgid(j->pid, j->pid);
	return true;
}

/*
 * Start spec's command; fn(result, data) is called when it has ended.
 * Returns the job's id, or 0 with error set when it could not start.
 */
guint
exec_start(const struct exec_spec *spec, exec_done_fn *fn, void *data,
    GError **error)
{
	struct job *j;

	g_return_val_if_fail(spec != NULL && spec->command != NULL, 0);
	j = g_new0(struct job, 1);
	j->command = g_strdup(spec->command);
	j->account = g_strdup(spec->account);
	j->conversation = g_strdup(spec->conversation);
	j->hook = g_strdup(spec->hook);
	j->fd = -1;
	j->in_fd = -1;
	j->line = g_string_new(NULL);
	j->collected = spec->collect ? g_string_new(NULL) : NULL;
	j->limit = (gsize)prefs_get_int("exec.max_output") * 1024;
	j->fn = fn;
	j->data = data;
	j->started_ms = loop_now_ms();
	if (!spawn(j, spec, error)) {
		job_free(j);
		return 0;
	}
	j->id = next_id++;
	if (jobs == NULL)
		jobs = g_ptr_array_new();
	g_ptr_array_add(jobs, j);
	j->fd_id = loop_add_fd(j->fd, POLLIN, readable_cb, j);
	if (j->in_fd >= 0)
		j->in_id = loop_add_fd(j->in_fd, POLLOUT, writable_cb, j);
	if (spec->timeout_ms > 0)
		j->timer = loop_add_timer(spec->timeout_ms, timeout_cb, j);
	loop_watch_child(j->pid, exited_cb, j);
	log_debug("%s: job %u (pid %ld) started", __func__, j->id,
	    (long)j->pid);
	return j->id;
}

/* Stop job id (/exec kill); false when there is no such job. */
bool
exec_kill(guint id)
{
	struct job *j = find(id);

	if (j == NULL)
		return false;
	stop(j, EXEC_KILLED);
	return true;
}

/* The running jobs, oldest first (a new array of borrowed entries). */
GArray *
exec_jobs(void)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct exec_job_info));
	guint i;

	for (i = 0; jobs != NULL && i < jobs->len; i++) {
		struct job *j = g_ptr_array_index(jobs, i);
		struct exec_job_info info = { j->id, j->pid, j->command,
			j->started_ms };

		g_array_append_val(out, info);
	}
	return out;
}

/* At quit: every job's process group is killed and its caller told. */
void
exec_shutdown(void)
{
	while (jobs != NULL && jobs->len > 0) {
		struct job *j = g_ptr_array_index(jobs, 0);

		(void)kill(-j->pid, SIGKILL);
		loop_unwatch_child(j->pid);
		j->stopping = true;
		j->end = EXEC_QUIT;
		finish(j, 0);
	}
	g_clear_pointer(&jobs, g_ptr_array_unref);
}
