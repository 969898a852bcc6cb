/* SPDX-License-Identifier: MIT */
/*
 * An account's password from its eval_password command (PRODUCT §4), run
 * through the shell as a child process without blocking the loop: its
 * output is read from a pipe (at most PASSWORD_OUT_MAX bytes, first line
 * used), and a command that has not finished after PASSWORD_TIMEOUT_MS is
 * killed. The output is wiped from memory once used. core layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "password.h"
#include "util/log.h"

#define PASSWORD_OUT_MAX 4096
#define PASSWORD_TIMEOUT_MS 30000

struct job {
	char		*account;
	password_fn	*fn;
	void		*data;
	pid_t		 pid;
	int		 fd;
	guint		 fd_id, timer;
	GString		*out;
	bool		 failed, timed_out, too_long;
};

static GPtrArray *jobs;

static void
wipe_free(GString *s)
{
	if (s == NULL)
		return;
	memset(s->str, 0, s->allocated_len);
	g_string_free(s, TRUE);
}

static void
job_free(struct job *j)
{
	loop_close_fd(&j->fd_id, &j->fd);
	if (j->timer != 0)
		loop_remove_timer(j->timer);
	wipe_free(j->out);
	g_free(j->account);
	g_free(j);
}

static void
finish(struct job *j)
{
	g_autofree char *err = NULL;
	char *nl;

	g_ptr_array_remove_fast(jobs, j);
	nl = memchr(j->out->str, '\n', j->out->len);
	if (nl != NULL)
		*nl = '\0';
	if (j->timed_out)
		err = g_strdup_printf("eval_password of '%s' did not finish "
		    "within %d s; it was stopped", j->account,
		    PASSWORD_TIMEOUT_MS / 1000);
	else if (j->too_long)
		err = g_strdup_printf("eval_password of '%s' printed more than "
		    "%d bytes", j->account, PASSWORD_OUT_MAX);
	else if (j->failed || j->out->str[0] == '\0')
		err = g_strdup_printf("eval_password of '%s' failed or printed "
		    "nothing", j->account);
	j->fn(err == NULL ? j->out->str : NULL, err, j->data);
	job_free(j);
}

/* Read what the pipe holds now (non-blocking); false at EOF or error. */
static bool
drain(struct job *j)
{
	char buf[512];
	ssize_t n;

	while ((n = read(j->fd, buf, sizeof(buf))) > 0) {
		if (j->out->len + (size_t)n > PASSWORD_OUT_MAX)
			j->too_long = true;
		else
			g_string_append_len(j->out, buf, n);
	}
	memset(buf, 0, sizeof(buf));
	return n < 0 && (errno == EAGAIN || errno == EINTR);
}

static void
readable(int fd, short revents, void *data)
{
	struct job *j = data;

	if (!drain(j))
		loop_close_fd(&j->fd_id, &j->fd);	/* EOF: the exit finishes the job */
	if (j->too_long)
		kill(j->pid, SIGTERM);
}

/*
 * The command ended: what it wrote is in the pipe already (a background
 * grandchild keeping the pipe open does not hold the login up).
 */
static void
exited(pid_t pid, int status, void *data)
{
	struct job *j = data;

	j->failed = !g_spawn_check_wait_status(status, NULL);
	if (j->fd >= 0)
		(void)drain(j);
	loop_close_fd(&j->fd_id, &j->fd);
	finish(j);
}

static void
too_slow(void *data)
{
	struct job *j = data;

	j->timer = 0;
	j->timed_out = true;
	kill(j->pid, SIGKILL);
	log_warn("eval_password of %s timed out", j->account);
}

/*
 * Get acc's password: the password key at once (fn is called before this
 * returns), else eval_password in the background. False when the account
 * has neither (fn is not called).
 */
bool
password_fetch(struct account *acc, password_fn *fn, void *data)
{
	const char *pw = account_get(acc, "password");
	const char *cmd = account_get(acc, "eval_password");
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	g_autoptr(GError) err = NULL;
	struct job *j;

	if (pw != NULL) {
		fn(pw, NULL, data);
		return true;
	}
	if (cmd == NULL)
		return false;
	j = g_new0(struct job, 1);
	j->account = g_strdup(acc->name);
	j->fn = fn;
	j->data = data;
	j->fd = -1;
	j->out = g_string_sized_new(128);
	if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL |
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &j->pid, NULL, &j->fd,
	    NULL, &err)) {
		g_autofree char *msg = g_strdup_printf("eval_password of '%s' "
		    "could not start: %s", acc->name, err->message);

		job_free(j);
		fn(NULL, msg, data);
		return true;
	}
	if (jobs == NULL)
		jobs = g_ptr_array_new();
	g_ptr_array_add(jobs, j);
	(void)fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	j->fd_id = loop_add_fd(j->fd, POLLIN, readable, j);
	j->timer = loop_add_timer(PASSWORD_TIMEOUT_MS, too_slow, j);
	loop_watch_child(j->pid, exited, j);
	return true;
}

/* At exit: stop the commands still running; their callers are told. */
void
password_cancel_all(void)
{
	while (jobs != NULL && jobs->len > 0) {
		struct job *j = g_ptr_array_steal_index_fast(jobs, 0);

		kill(j->pid, SIGKILL);
		j->fn(NULL, "natter is quitting", j->data);
		job_free(j);
	}
	g_clear_pointer(&jobs, g_ptr_array_unref);
}
