/* SPDX-License-Identifier: MIT */
/*
 * DNS lookups that never block the loop (PRODUCT §12): c-ares, its sockets
 * watched and its timeouts kept by natter's poll() loop (c-ares's
 * socket-state callback adds and drops the descriptors; one loop timer
 * holds ares_timeout()). SRV records (RFC 2782) in the order a client
 * tries them, and the addresses of a host. The servers asked are those of
 * the pref dns.servers ("IP[:PORT],..."), else the system's (resolv.conf).
 * Answers are handed over from the loop, never from inside the call that
 * asked. core layer: no libstrophe; never prints.
 */
#include "config.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "loop.h"
#include "prefs.h"
#include "util/errors.h"

#define DNS_CLASS_IN	1
#define DNS_TYPE_SRV	33
#define DNS_TIMEOUT_MS	3000	/* per try; c-ares doubles it each round */
#define DNS_TRIES	2

struct dns_req {
	dns_srv_fn	*srv_fn;	/* one of the two */
	dns_addr_fn	*addr_fn;
	void		*data;
	GPtrArray	*result;	/* the answer, once there */
	char		*error;
	guint		 timer;		/* the hand-over, once answered */
	bool		 cancelled;	/* forgotten by its caller */
	bool		 answered;
};

static ares_channel channel;
static char *channel_servers;	/* the dns.servers it was made with */
static GHashTable *socks;	/* fd -> loop id */
static GPtrArray *reqs;		/* struct dns_req not yet handed over */
static guint timer_id;
static bool ares_ready;

static void rearm(void);

/* Record r's fields (copied). */
void
dns_srv_free(struct dns_srv *r)
{
	if (r == NULL)
		return;
	g_free(r->target);
	g_free(r);
}

/* A new empty array of struct dns_srv that frees them. */
GPtrArray *
dns_srv_array(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)dns_srv_free);
}

static gint
by_priority(gconstpointer a, gconstpointer b)
{
	const struct dns_srv *x = *(struct dns_srv *const *)a;
	const struct dns_srv *y = *(struct dns_srv *const *)b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	/* weight 0 first (RFC 2782), else keep their order (stable) */
	return (x->weight != 0) - (y->weight != 0);
}

static guint32
pick_random(guint32 bound)
{
	return (guint32)g_random_int_range(0, (gint32)MIN(bound,
	    (guint32)G_MAXINT32 - 1) + 1);
}

/*
 * Order one priority's records recs[from..to) by RFC 2782's weighted
 * choice: repeatedly, a running sum of weights, a number in 0..sum drawn
 * by pick, the first record whose running sum reaches it goes next.
 */
static void
order_weights(GPtrArray *recs, guint from, guint to,
    guint32 (*pick)(guint32 bound))
{
	guint i, k;

	for (i = from; i + 1 < to; i++) {
		guint32 sum = 0, n, run = 0;

		for (k = i; k < to; k++)
			sum += (guint32)((struct dns_srv *)recs->pdata[k])->weight;
		n = pick(sum);
		for (k = i; k < to; k++) {
			run += (guint32)((struct dns_srv *)recs->pdata[k])->weight;
			if (run >= n)
				break;
		}
		if (k >= to)
			k = to - 1;
		if (k != i) {
			gpointer t = recs->pdata[k];

			memmove(&recs->pdata[i + 1], &recs->pdata[i],
			    (k - i) * sizeof(gpointer));
			recs->pdata[i] = t;
		}
	}
}

/*
 * Put the SRV records recs in the order a client tries them (RFC 2782):
 * lowest priority first; within a priority, chosen at random in
 * proportion to weight (pick(bound) returns 0..bound; NULL: GLib's
 * random numbers). A lone record with target "." says the service is not
 * offered: it is dropped, leaving none.
 */
void
dns_srv_order(GPtrArray *recs, guint32 (*pick)(guint32 bound))
{
	guint i, from;

	if (recs->len == 1 && strcmp(((struct dns_srv *)
	    recs->pdata[0])->target, "") == 0) {
		g_ptr_array_set_size(recs, 0);
		return;
	}
	g_ptr_array_sort(recs, by_priority);	/* stable (merge sort) */
	for (from = 0, i = 1; i <= recs->len; i++) {
		if (i < recs->len && ((struct dns_srv *)recs->pdata[i])->priority ==
		    ((struct dns_srv *)recs->pdata[from])->priority)
			continue;
		order_weights(recs, from, i, pick != NULL ? pick : pick_random);
		from = i;
	}
}

static void
req_free(struct dns_req *r)
{
	if (r->timer != 0)
		loop_remove_timer(r->timer);
	if (r->result != NULL)
		g_ptr_array_unref(r->result);
	g_free(r->error);
	g_free(r);
}

/* Hand r's answer to its caller and forget r. */
static void
deliver(void *data)
{
	struct dns_req *r = data;

	r->timer = 0;
	g_ptr_array_remove(reqs, r);
	if (!r->cancelled) {
		GPtrArray *res = g_steal_pointer(&r->result);

		if (r->srv_fn != NULL)
			r->srv_fn(res, r->error, r->data);
		else
			r->addr_fn(res, r->error, r->data);
	}
	req_free(r);
}

/* c-ares answered r (maybe from inside a call of ours): hand over soon. */
static void
answered(struct dns_req *r)
{
	r->answered = true;
	r->timer = loop_add_timer(0, deliver, r);
}

static void
set_error(struct dns_req *r, int status)
{
	r->error = g_strdup(status == ARES_EDESTRUCTION ? DNS_CANCELLED :
	    ares_strerror(status));
}

/* Does status say the name has no such record (an answer, not a failure)? */
static bool
no_record(int status)
{
	return status == ARES_ENOTFOUND || status == ARES_ENODATA;
}

static void
srv_answer(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_req *r = arg;
	struct ares_srv_reply *reply = NULL, *p;

	if (status == ARES_SUCCESS)
		status = ares_parse_srv_reply(abuf, alen, &reply);
	if (status == ARES_SUCCESS || no_record(status)) {
		r->result = dns_srv_array();
		for (p = reply; p != NULL; p = p->next) {
			struct dns_srv *s = g_new0(struct dns_srv, 1);

			s->target = g_strdup(p->host != NULL ? p->host : "");
			if (g_str_has_suffix(s->target, "."))	/* "." too */
				s->target[strlen(s->target) - 1] = '\0';
			s->port = p->port;
			s->priority = p->priority;
			s->weight = p->weight;
			g_ptr_array_add(r->result, s);
		}
		if (reply != NULL)
			ares_free_data(reply);
		dns_srv_order(r->result, NULL);
	} else {
		set_error(r, status);
	}
	answered(r);
}

static void
addr_answer(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct dns_req *r = arg;
	struct ares_addrinfo_node *n;
	char buf[INET6_ADDRSTRLEN];

	if (status == ARES_SUCCESS || no_record(status)) {
		r->result = g_ptr_array_new_with_free_func(g_free);
		for (n = res != NULL ? res->nodes : NULL; n != NULL;
		    n = n->ai_next) {
			const void *a = n->ai_family == AF_INET6 ?
			    (const void *)&((struct sockaddr_in6 *)(void *)
			    n->ai_addr)->sin6_addr : (const void *)&((struct
			    sockaddr_in *)(void *)n->ai_addr)->sin_addr;

			if (inet_ntop(n->ai_family, a, buf, sizeof(buf)) !=
			    NULL && !g_ptr_array_find_with_equal_func(
			    r->result, buf, g_str_equal, NULL))
				g_ptr_array_add(r->result, g_strdup(buf));
		}
	} else {
		set_error(r, status);
	}
	if (res != NULL)
		ares_freeaddrinfo(res);
	answered(r);
}

static void
fd_ready(int fd, short revents, void *data)
{
	ares_socket_t rd = revents & (POLLIN | POLLERR | POLLHUP) ? fd :
	    ARES_SOCKET_BAD;
	ares_socket_t wr = revents & (POLLOUT | POLLERR | POLLHUP) ? fd :
	    ARES_SOCKET_BAD;

	if (channel == NULL)
		return;
	ares_process_fd(channel, rd, wr);
	rearm();
}

/* c-ares opens, watches or closes one of its sockets. */
static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	short events = (short)((readable ? POLLIN : 0) |
	    (writable ? POLLOUT : 0));
	gpointer id;

	if (g_hash_table_lookup_extended(socks, GINT_TO_POINTER(fd), NULL,
	    &id)) {
		if (events != 0) {
			loop_set_fd_events(GPOINTER_TO_UINT(id), events);
			return;
		}
		loop_remove_fd(GPOINTER_TO_UINT(id));
		g_hash_table_remove(socks, GINT_TO_POINTER(fd));
	} else if (events != 0) {
		g_hash_table_insert(socks, GINT_TO_POINTER(fd), GUINT_TO_POINTER(
		    loop_add_fd(fd, events, fd_ready, NULL)));
	}
}

static void
timed_out(void *data)
{
	timer_id = 0;
	if (channel == NULL)
		return;
	ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm();
}

/* One loop timer for c-ares's next timeout, none when nothing waits. */
static void
rearm(void)
{
	struct timeval tv, *t;

	if (timer_id != 0)
		loop_remove_timer(timer_id);
	timer_id = 0;
	if (channel == NULL || (t = ares_timeout(channel, NULL, &tv)) == NULL)
		return;
	timer_id = loop_add_timer((gint64)t->tv_sec * 1000 +
	    (t->tv_usec + 999) / 1000, timed_out, NULL);
}

static void
drop_channel(void)
{
	if (channel == NULL)
		return;
	ares_destroy(channel);	/* pending: ARES_EDESTRUCTION */
	channel = NULL;
	g_clear_pointer(&channel_servers, g_free);
	rearm();
}

/* Any request still waiting on c-ares (not merely on its hand-over)? */
static bool
waiting(void)
{
	guint i;

	for (i = 0; reqs != NULL && i < reqs->len; i++)
		if (!((struct dns_req *)reqs->pdata[i])->answered)
			return true;
	return false;
}

/*
 * The channel, made with the servers of dns.servers (a change is taken
 * when no lookup is waiting). False with error when c-ares cannot start
 * or the list is not understood.
 */
static bool
channel_ready(GError **error)
{
	const char *servers = prefs_get("dns.servers");
	struct ares_options o = { .timeout = DNS_TIMEOUT_MS,
		.tries = DNS_TRIES, .sock_state_cb = sock_state };
	int st;

	if (servers == NULL)
		servers = "";
	if (channel != NULL && (strcmp(servers, channel_servers) == 0 ||
	    waiting()))
		return true;
	drop_channel();
	if (!ares_ready && (st = ares_library_init(ARES_LIB_INIT_ALL)) !=
	    ARES_SUCCESS) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "c-ares: %s",
		    ares_strerror(st));
		return false;
	}
	ares_ready = true;
	if (socks == NULL)
		socks = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (reqs == NULL)
		reqs = g_ptr_array_new();
	st = ares_init_options(&channel, &o, ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
	if (st == ARES_SUCCESS && *servers != '\0')
		st = ares_set_servers_ports_csv(channel, servers);
	if (st != ARES_SUCCESS) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "DNS resolver: %s%s%s",
		    ares_strerror(st), *servers != '\0' ? " (dns.servers " : "",
		    *servers != '\0' ? "is not a list of IP[:PORT])" : "");
		if (channel != NULL)
			ares_destroy(channel);
		channel = NULL;
		return false;
	}
	channel_servers = g_strdup(servers);
	return true;
}

static struct dns_req *
req_new(void *data)
{
	struct dns_req *r = g_new0(struct dns_req, 1);

	r->data = data;
	g_ptr_array_add(reqs, r);
	return r;
}

/*
 * Ask for the SRV records of name (e.g. "_xmpp-client._tcp.example.org"):
 * fn(recs, error, data) is called once, later, from the loop. NULL with
 * error when the lookup could not start (fn is then not called).
 */
struct dns_req *
dns_srv(const char *name, dns_srv_fn *fn, void *data, GError **error)
{
	struct dns_req *r;

	g_return_val_if_fail(name != NULL && fn != NULL, NULL);
	if (!channel_ready(error))
		return NULL;
	r = req_new(data);
	r->srv_fn = fn;
	ares_query(channel, name, DNS_CLASS_IN, DNS_TYPE_SRV, srv_answer, r);
	rearm();
	return r;
}

/* Ask for the IPv4 and IPv6 addresses of host; as dns_srv(). */
struct dns_req *
dns_addrs(const char *host, dns_addr_fn *fn, void *data, GError **error)
{
	struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM };
	struct dns_req *r;

	g_return_val_if_fail(host != NULL && fn != NULL, NULL);
	if (!channel_ready(error))
		return NULL;
	r = req_new(data);
	r->addr_fn = fn;
	ares_getaddrinfo(channel, host, NULL, &hints, addr_answer, r);
	rearm();
	return r;
}

/* The caller forgets req: its fn is not called. NULL is a no-op. */
void
dns_cancel(struct dns_req *req)
{
	if (req != NULL)
		req->cancelled = true;
}

/*
 * At exit: every lookup still waiting is answered "cancelled" (now), the
 * answers not yet handed over are handed over, and c-ares is let go.
 */
void
dns_shutdown(void)
{
	drop_channel();
	while (reqs != NULL && reqs->len > 0) {
		struct dns_req *r = reqs->pdata[0];

		if (r->timer != 0)
			loop_remove_timer(r->timer);
		deliver(r);
	}
	g_clear_pointer(&reqs, g_ptr_array_unref);
	g_clear_pointer(&socks, g_hash_table_unref);
	if (ares_ready)
		ares_library_cleanup();
	ares_ready = false;
}
