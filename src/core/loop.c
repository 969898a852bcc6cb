/* SPDX-License-Identifier: MIT */
/*
 * The one main loop (PRODUCT §6, STYLE §4): a single poll() over registered
 * descriptors, with the timeout of the nearest timer and no fixed-interval
 * wake-ups. Signals reach the loop through a self-pipe. Prepare hooks run
 * before each poll() (the xmpp layer sets POLLOUT there when it has data to
 * send); idle hooks run after each turn (the TUI redraws there, once per
 * turn); a lull hook runs once, after LULL_MS in which nothing happened
 * (start-up work that can wait for the network's first pause). core layer:
 * no curses, no libstrophe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"

struct loop_fd {
	guint		 id;
	int		 fd;
	short		 events;
	loop_fd_fn	*fn;
	void		*data;
	bool		 dead;
};

struct loop_timer {
	guint		 id;
	gint64		 deadline;	/* loop_now_ms() time */
	loop_timer_fn	*fn;
	void		*data;
};

#define LULL_MS 5

enum hook_kind {
	HOOK_PREPARE,		/* before every poll() */
	HOOK_IDLE,		/* after every turn */
	HOOK_LULL,		/* once, when nothing is ready */
};

struct loop_hook {
	guint		 id;
	enum hook_kind	 kind;
	loop_hook_fn	*fn;
	void		*data;
	bool		 dead;
};

struct loop_sig {
	int		 signo;
	loop_signal_fn	*fn;
	void		*data;
};

static GPtrArray *fds;		/* struct loop_fd */
static GList *timers;		/* struct loop_timer, sorted by deadline */
static GPtrArray *hooks;	/* struct loop_hook */
static GArray *sigs;		/* struct loop_sig */
static int sig_pipe[2] = { -1, -1 };
static guint next_id = 1;
static bool quitting;
static int quit_status;
static unsigned long wakeups;
static gint64 (*clock_fn)(void);

static void
sig_handler(int signo)
{
	unsigned char b = (unsigned char)signo;
	int saved = errno;

	(void)!write(sig_pipe[1], &b, 1);
	errno = saved;
}

static void
set_nonblock_cloexec(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
sig_pipe_cb(int fd, short revents, void *data)
{
	unsigned char buf[64];
	ssize_t n, i;
	guint j;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < sigs->len; j++) {
				struct loop_sig *s = &g_array_index(sigs,
				    struct loop_sig, j);

				if (s->signo == buf[i])
					s->fn(s->signo, s->data);
			}
		}
	}
}

/*
 * SIGCHLD: reap every child that exited. Child processes started by
 * natter (eval_password, notifications, /exec) are watched here.
 */
struct child_watch {
	pid_t		 pid;
	loop_child_fn	*fn;
	void		*data;
};

static GArray *child_watches;	/* struct child_watch */

static void
reap_children(int signo, void *data)
{
	int status;
	pid_t pid;
	guint i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; child_watches != NULL && i < child_watches->len;
		    i++) {
			struct child_watch w = g_array_index(child_watches,
			    struct child_watch, i);

			if (w.pid != pid)
				continue;
			g_array_remove_index(child_watches, i);
			w.fn(pid, status, w.data);
			break;
		}
	}
}

/* Call fn(pid, status, data) once child pid has exited (and was reaped). */
void
loop_watch_child(pid_t pid, loop_child_fn *fn, void *data)
{
	struct child_watch w = { pid, fn, data };

	if (child_watches == NULL)
		child_watches = g_array_new(FALSE, FALSE,
		    sizeof(struct child_watch));
	g_array_append_val(child_watches, w);
}

/* Forget the watch of child pid (its owner is gone); it is still reaped. */
void
loop_unwatch_child(pid_t pid)
{
	guint i;

	for (i = 0; child_watches != NULL && i < child_watches->len; i++) {
		if (g_array_index(child_watches, struct child_watch, i).pid ==
		    pid) {
			g_array_remove_index(child_watches, i);
			return;
		}
	}
}

/* Set up the loop and its signal self-pipe. */
bool
loop_init(char **error)
{
	if (pipe(sig_pipe) != 0) {
		*error = g_strdup_printf("pipe: %s", g_strerror(errno));
		return false;
	}
	set_nonblock_cloexec(sig_pipe[0]);
	set_nonblock_cloexec(sig_pipe[1]);
	fds = g_ptr_array_new_with_free_func(g_free);
	hooks = g_ptr_array_new_with_free_func(g_free);
	sigs = g_array_new(FALSE, TRUE, sizeof(struct loop_sig));
	quitting = false;
	quit_status = 0;
	loop_add_fd(sig_pipe[0], POLLIN, sig_pipe_cb, NULL);
	loop_on_signal(SIGCHLD, reap_children, NULL);
	return true;
}

/* Release everything the loop holds. */
void
loop_free(void)
{
	g_clear_pointer(&fds, g_ptr_array_unref);
	g_clear_pointer(&hooks, g_ptr_array_unref);
	g_clear_pointer(&sigs, g_array_unref);
	g_clear_pointer(&child_watches, g_array_unref);
	g_list_free_full(g_steal_pointer(&timers), g_free);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* Watch fd for events (POLLIN/POLLOUT); returns an id. */
guint
loop_add_fd(int fd, short events, loop_fd_fn *fn, void *data)
{
	struct loop_fd *f = g_new0(struct loop_fd, 1);

	f->id = next_id++;
	f->fd = fd;
	f->events = events;
	f->fn = fn;
	f->data = data;
	g_ptr_array_add(fds, f);
	return f->id;
}

static struct loop_fd *
find_fd(guint id)
{
	guint i;

	for (i = 0; fds != NULL && i < fds->len; i++) {
		struct loop_fd *f = g_ptr_array_index(fds, i);

		if (f->id == id && !f->dead)
			return f;
	}
	return NULL;
}

/* Change the events watched on a descriptor. */
void
loop_set_fd_events(guint id, short events)
{
	struct loop_fd *f = find_fd(id);

	if (f != NULL)
		f->events = events;
}

/* Stop watching a descriptor (it is not closed); safe in a callback. */
void
loop_remove_fd(guint id)
{
	struct loop_fd *f = find_fd(id);

	if (f != NULL)
		f->dead = true;
}

/* Stop watching *fd and close it; both are reset (0 and -1), either may
 * be unset already. */
void
loop_close_fd(guint *id, int *fd)
{
	if (*id != 0)
		loop_remove_fd(*id);
	*id = 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static gint
timer_cmp(gconstpointer a, gconstpointer b)
{
	const struct loop_timer *ta = a, *tb = b;

	return ta->deadline < tb->deadline ? -1 : ta->deadline > tb->deadline;
}

/* Call fn once, delay_ms from now; returns an id for loop_remove_timer(). */
guint
loop_add_timer(gint64 delay_ms, loop_timer_fn *fn, void *data)
{
	struct loop_timer *t = g_new0(struct loop_timer, 1);

	t->id = next_id++;
	t->deadline = loop_now_ms() + MAX(delay_ms, 0);
	t->fn = fn;
	t->data = data;
	timers = g_list_insert_sorted(timers, t, timer_cmp);
	return t->id;
}

/* Cancel a timer; unknown or fired ids are ignored. */
void
loop_remove_timer(guint id)
{
	GList *l;

	for (l = timers; l != NULL; l = l->next) {
		struct loop_timer *t = l->data;

		if (t->id == id) {
			timers = g_list_delete_link(timers, l);
			g_free(t);
			return;
		}
	}
}

static guint
add_hook(enum hook_kind kind, loop_hook_fn *fn, void *data)
{
	struct loop_hook *h = g_new0(struct loop_hook, 1);

	h->id = next_id++;
	h->kind = kind;
	h->fn = fn;
	h->data = data;
	g_ptr_array_add(hooks, h);
	return h->id;
}

/* Call fn before every poll(). */
guint
loop_add_prepare(loop_hook_fn *fn, void *data)
{
	return add_hook(HOOK_PREPARE, fn, data);
}

/* Call fn after every loop turn (used for drawing once per turn). */
guint
loop_add_idle(loop_hook_fn *fn, void *data)
{
	return add_hook(HOOK_IDLE, fn, data);
}

/*
 * Call fn once, at the first lull: LULL_MS in which no descriptor became
 * ready and no timer was due. Work that can wait until natter would
 * otherwise sleep, such as opening history while the server works on a
 * login (a lull never delays an event: the wait ends at the first one).
 */
guint
loop_add_lull(loop_hook_fn *fn, void *data)
{
	return add_hook(HOOK_LULL, fn, data);
}

/* Remove a prepare, idle or lull hook. */
void
loop_remove_hook(guint id)
{
	guint i;

	for (i = 0; hooks != NULL && i < hooks->len; i++) {
		struct loop_hook *h = g_ptr_array_index(hooks, i);

		if (h->id == id)
			h->dead = true;
	}
}

/* Deliver signo to fn through the self-pipe, in the loop. */
void
loop_on_signal(int signo, loop_signal_fn *fn, void *data)
{
	struct loop_sig s = { signo, fn, data };
	struct sigaction sa;

	g_array_append_val(sigs, s);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(signo, &sa, NULL);
}

static void
run_hooks(enum hook_kind kind)
{
	guint i = 0;

	for (i = 0; i < hooks->len; i++) {
		struct loop_hook *h = g_ptr_array_index(hooks, i);

		if (h->dead || h->kind != kind)
			continue;
		if (kind == HOOK_LULL)
			h->dead = true;		/* once */
		h->fn(h->data);
	}
	i = 0;
	while (i < hooks->len) {
		struct loop_hook *h = g_ptr_array_index(hooks, i);

		if (h->dead)
			g_ptr_array_remove_index(hooks, i);
		else
			i++;
	}
}

static void
run_timers(void)
{
	gint64 now = loop_now_ms();

	while (timers != NULL) {
		struct loop_timer *t = timers->data;

		if (t->deadline > now)
			break;
		timers = g_list_delete_link(timers, timers);
		t->fn(t->data);
		g_free(t);
	}
}

static int
next_timeout(void)
{
	gint64 d;

	if (timers == NULL)
		return -1;
	d = ((struct loop_timer *)timers->data)->deadline - loop_now_ms();
	return (int)CLAMP(d, 0, G_MAXINT);
}

static void
dispatch_fds(struct pollfd *pfd, guint n, guint *ids)
{
	guint i;

	for (i = 0; i < n; i++) {
		struct loop_fd *f;

		if (pfd[i].revents == 0)
			continue;
		f = find_fd(ids[i]);
		if (f != NULL)
			f->fn(f->fd, pfd[i].revents, f->data);
	}
}

static void
reap_fds(void)
{
	guint i = 0;

	while (i < fds->len) {
		struct loop_fd *f = g_ptr_array_index(fds, i);

		if (f->dead)
			g_ptr_array_remove_index(fds, i);
		else
			i++;
	}
}

static bool
lull_waiting(void)
{
	guint i;

	for (i = 0; i < hooks->len; i++) {
		struct loop_hook *h = g_ptr_array_index(hooks, i);

		if (!h->dead && h->kind == HOOK_LULL)
			return true;
	}
	return false;
}

static void
turn(void)
{
	g_autofree struct pollfd *pfd = NULL;
	g_autofree guint *ids = NULL;
	guint i, n = 0;
	int r, timeout;
	bool lull;

	run_hooks(HOOK_PREPARE);
	reap_fds();
	pfd = g_new0(struct pollfd, fds->len);
	ids = g_new0(guint, fds->len);
	for (i = 0; i < fds->len; i++) {
		struct loop_fd *f = g_ptr_array_index(fds, i);

		pfd[n].fd = f->fd;
		pfd[n].events = f->events;
		ids[n++] = f->id;
	}
	timeout = quitting ? 0 : next_timeout();
	lull = !quitting && lull_waiting() &&
	    (timeout < 0 || timeout > LULL_MS);
	r = poll(pfd, n, lull ? LULL_MS : timeout);
	wakeups++;
	if (r == 0 && lull) {
		run_hooks(HOOK_LULL);	/* they may add descriptors */
		return;
	}
	if (r > 0)
		dispatch_fds(pfd, n, ids);
	run_timers();
	run_hooks(HOOK_IDLE);
}

/* Run until loop_quit(); returns the status given to it. */
int
loop_run(void)
{
	while (!quitting)
		turn();
	return quit_status;
}

/* Make loop_run() return status after the current turn. */
void
loop_quit(int status)
{
	quitting = true;
	quit_status = status;
}

/* True once loop_quit() was called. */
bool
loop_quitting(void)
{
	return quitting;
}

/* Monotonic milliseconds (replaceable in unit tests). */
gint64
loop_now_ms(void)
{
	if (clock_fn != NULL)
		return clock_fn();
	return g_get_monotonic_time() / 1000;
}

/* Inject a clock (unit tests only); NULL restores the real one. */
void
loop_set_clock(gint64 (*now_ms)(void))
{
	clock_fn = now_ms;
}

/* Number of poll() returns so far (for idle-wakeup checks). */
unsigned long
loop_wakeups(void)
{
	return wakeups;
}

/* Number of timers waiting (checks that nothing deferred is left). */
guint
loop_timers_pending(void)
{
	return g_list_length(timers);
}
