/* SPDX-License-Identifier: MIT */
/*
 * Host lookups that do not block the loop (PRODUCT §12: the interface
 * never waits on the network). getaddrinfo() takes as long as DNS does,
 * so each lookup runs in a thread of its own and hands its answer back
 * through a socket pair that the poll() loop watches. A lookup is shared by the
 * loop and its thread (reference counted): when natter quits, pending
 * lookups are answered "cancelled" and forgotten by the loop at once
 * (proto_host_cancel_all, their one reset), and a thread still inside
 * getaddrinfo(), which cannot be interrupted, frees its half when that
 * returns. xmpp layer; never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/loop.h"
#include "proto-internal.h"
#include "util/errors.h"

struct lookup {
	gatomicrefcount	 ref;		/* the loop's and the thread's */
	char		*host;		/* owned; read by the thread */
	int		 rd;		/* the loop's end of the pair */
	int		 wr;		/* the thread's end */
	guint		 fd_id;
	proto_host_fn	*fn;
	void		*data;
};

static GPtrArray *lookups;	/* pending struct lookup (the loop's refs) */

/* Unit tests answer lookups here (called in the lookup's thread). */
bool (*proto_host_resolve_hook)(const char *host);

/* True when host has an address; blocks while it asks (not in the loop). */
bool
proto_host_resolvable(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int r;

	if (proto_host_resolve_hook != NULL)
		return proto_host_resolve_hook(host);
	r = getaddrinfo(host, NULL, &hints, &res);
	if (res != NULL)
		freeaddrinfo(res);
	return r == 0;
}

static void
lookup_unref(struct lookup *l)
{
	if (!g_atomic_ref_count_dec(&l->ref))
		return;
	if (l->wr >= 0)
		close(l->wr);
	g_free(l->host);
	g_free(l);
}

/*
 * The thread: one answer byte, 1 known, 0 not. Once cancelled the loop's
 * end is closed and the send fails with EPIPE (MSG_NOSIGNAL: no signal).
 */
static gpointer
lookup_thread(gpointer data)
{
	struct lookup *l = data;
	char b = proto_host_resolvable(l->host) ? 1 : 0;

	while (send(l->wr, &b, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	lookup_unref(l);
	return NULL;
}

/* The loop lets go of l and tells its caller. */
static void
finish(struct lookup *l, enum proto_host_answer answer)
{
	proto_host_fn *fn = l->fn;
	void *data = l->data;

	g_ptr_array_remove(lookups, l);
	loop_remove_fd(l->fd_id);
	close(l->rd);
	lookup_unref(l);
	fn(answer, data);
}

static void
answer_cb(int fd, short revents, void *data)
{
	char b = 0;
	ssize_t n = read(fd, &b, 1);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	finish(data, n == 1 && b == 1 ? PROTO_HOST_KNOWN :
	    PROTO_HOST_UNKNOWN);
}

/*
 * Look host up without blocking the loop: fn(answer, data) is called
 * once, later, from the loop (or by proto_host_cancel_all()). False with
 * error when the lookup could not start (fn is then not called).
 */
bool
proto_host_lookup(const char *host, proto_host_fn *fn, void *data,
    GError **error)
{
	struct lookup *l;
	GThread *t;
	int fds[2];

	g_return_val_if_fail(host != NULL && fn != NULL, false);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		g_set_error(error, NATTER_PROTO_ERROR, 0, "socketpair: %s",
		    g_strerror(errno));
		return false;
	}
	(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
	l = g_new0(struct lookup, 1);
	g_atomic_ref_count_init(&l->ref);
	l->host = g_strdup(host);
	l->rd = fds[0];
	l->wr = fds[1];
	l->fn = fn;
	l->data = data;
	g_atomic_ref_count_inc(&l->ref);	/* the thread's */
	t = g_thread_try_new("natter-lookup", lookup_thread, l, error);
	if (t == NULL) {
		close(l->rd);
		lookup_unref(l);	/* the thread's */
		lookup_unref(l);
		return false;
	}
	g_thread_unref(t);	/* detached: never joined */
	l->fd_id = loop_add_fd(l->rd, POLLIN, answer_cb, l);
	if (lookups == NULL)
		lookups = g_ptr_array_new();
	g_ptr_array_add(lookups, l);
	return true;
}

/* At exit: every pending lookup is answered PROTO_HOST_CANCELLED. */
void
proto_host_cancel_all(void)
{
	while (lookups != NULL && lookups->len > 0)
		finish(g_ptr_array_index(lookups, 0), PROTO_HOST_CANCELLED);
	g_clear_pointer(&lookups, g_ptr_array_unref);
}
