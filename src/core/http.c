/* SPDX-License-Identifier: MIT */
/*
 * HTTPS GET in the main loop (PRODUCT §6: nothing blocks the interface).
 * libcurl's multi interface tells us which sockets to watch (socket
 * callback -> loop_add_fd/loop_set_fd_events/loop_remove_fd) and when to
 * call it back (timer callback -> one loop timer); the loop hands every
 * readiness back with curl_multi_socket_action(). Name resolution is
 * libcurl's own asynchronous resolver. core layer: no curses, no
 * libstrophe.
 */
#include <dlfcn.h>
#include <poll.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK	/* calls go through the pointers below */
#include <curl/curl.h>

#include "config.h"
#include "http.h"
#include "loop.h"
#include "util/log.h"

/*
 * libcurl is opened with dlopen() on the first request, not linked: with
 * the ~25 libraries under it (GnuTLS, Kerberos, LDAP, SSH, RTMP...) it
 * would add ~4 MB to the memory of every session while only /diagnose
 * uses it (PRODUCT §12: 12 MB after login). Every libcurl function this
 * file calls is listed here and called through its pointer.
 */
#define CURL_FUNCS(X) \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) \
	X(curl_easy_setopt) X(curl_easy_strerror) X(curl_global_cleanup) \
	X(curl_global_init) X(curl_multi_add_handle) X(curl_multi_assign) \
	X(curl_multi_cleanup) X(curl_multi_info_read) X(curl_multi_init) \
	X(curl_multi_remove_handle) X(curl_multi_setopt) \
	X(curl_multi_socket_action) X(curl_slist_append) \
	X(curl_slist_free_all)

#define CURL_PTR(f) static __typeof__(f) *dl_##f;
CURL_FUNCS(CURL_PTR)
#undef CURL_PTR

static char *dl_error;		/* why libcurl could not be opened */

/* Open libcurl once; false (http_unavailable() says why) when it fails. */
static bool
curl_open(void)
{
	static void *lib;
	const char *missing = NULL;

	if (lib != NULL)
		return true;
	if (dl_error != NULL)
		return false;
	lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		dl_error = g_strdup_printf("libcurl is not available: %s",
		    dlerror());
		return false;
	}
#define CURL_LOOKUP(f) \
	if (missing == NULL && \
	    (dl_##f = (__typeof__(f) *)dlsym(lib, #f)) == NULL) \
		missing = #f;
	CURL_FUNCS(CURL_LOOKUP)
#undef CURL_LOOKUP
	if (missing != NULL) {
		dl_error = g_strdup_printf("libcurl is not available: %s has "
		    "no %s", CURL_SONAME, missing);
		dlclose(lib);
		lib = NULL;
		return false;
	}
	return true;
}

/* Why no request can start (libcurl could not be opened), or NULL. */
const char *
http_unavailable(void)
{
	return dl_error;
}

/* curl.h makes these three function-like macros (argument count checks) */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#undef curl_multi_setopt
#define curl_easy_cleanup (*dl_curl_easy_cleanup)
#define curl_easy_getinfo (*dl_curl_easy_getinfo)
#define curl_easy_init (*dl_curl_easy_init)
#define curl_easy_setopt (*dl_curl_easy_setopt)
#define curl_easy_strerror (*dl_curl_easy_strerror)
#define curl_global_cleanup (*dl_curl_global_cleanup)
#define curl_global_init (*dl_curl_global_init)
#define curl_multi_add_handle (*dl_curl_multi_add_handle)
#define curl_multi_assign (*dl_curl_multi_assign)
#define curl_multi_cleanup (*dl_curl_multi_cleanup)
#define curl_multi_info_read (*dl_curl_multi_info_read)
#define curl_multi_init (*dl_curl_multi_init)
#define curl_multi_remove_handle (*dl_curl_multi_remove_handle)
#define curl_multi_setopt (*dl_curl_multi_setopt)
#define curl_multi_socket_action (*dl_curl_multi_socket_action)
#define curl_slist_append (*dl_curl_slist_append)
#define curl_slist_free_all (*dl_curl_slist_free_all)

struct http_request {
	CURL			*easy;
	GString			*body;
	size_t			 max_body;
	bool			 too_big;
	gint64			 timeout_ms;
	struct curl_slist	*connect_to;
	http_done_fn		*fn;
	void			*data;
	char			 errbuf[CURL_ERROR_SIZE];
};

static CURLM *multi;
static guint timer_id;
static GPtrArray *requests;	/* struct http_request, in flight */

static void check_done(void);

static void
on_fd(int fd, short revents, void *data)
{
	int flags = 0, running;

	if (revents & (POLLIN | POLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(multi, fd, flags, &running);
	check_done();
}

/* libcurl: watch socket s for what (or stop watching it). */
static int
socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	guint id = GPOINTER_TO_UINT(socketp);
	short ev = (what == CURL_POLL_IN || what == CURL_POLL_INOUT ? POLLIN :
	    0) | (what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? POLLOUT :
	    0);

	if (what == CURL_POLL_REMOVE) {
		if (id != 0)
			loop_remove_fd(id);
		return 0;
	}
	if (id == 0) {
		id = loop_add_fd(s, ev, on_fd, NULL);
		curl_multi_assign(multi, s, GUINT_TO_POINTER(id));
	} else
		loop_set_fd_events(id, ev);
	return 0;
}

static void
on_timer(void *data)
{
	int running;

	timer_id = 0;
	curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done();
}

/* libcurl: call back in timeout_ms (-1: no timer needed). */
static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	if (timer_id != 0)
		loop_remove_timer(timer_id);
	timer_id = timeout_ms >= 0 ? loop_add_timer(timeout_ms, on_timer,
	    NULL) : 0;
	return 0;
}

static size_t
write_cb(char *ptr, size_t size, size_t n, void *data)
{
	struct http_request *req = data;

	if (req->body->len + n > req->max_body) {
		req->too_big = true;
		return 0;	/* libcurl stops the transfer */
	}
	g_string_append_len(req->body, ptr, (gssize)n);
	return n;
}

static bool
multi_init(void)
{
	if (multi != NULL)
		return true;
	if (!curl_open()) {
		log_warn("%s", dl_error);
		return false;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return false;
	multi = curl_multi_init();
	if (multi == NULL)
		return false;
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	requests = g_ptr_array_new();
	return true;
}

static void
request_free(struct http_request *req)
{
	g_ptr_array_remove(requests, req);
	curl_multi_remove_handle(multi, req->easy);
	curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->connect_to);
	g_string_free(req->body, TRUE);
	g_free(req);
}

static void
set_options(struct http_request *req, const char *url,
    const struct http_opts *o)
{
	CURL *e = req->easy;

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)o->max_body);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "natter/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	if (o->ca_file != NULL && *o->ca_file != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->connect_host != NULL && *o->connect_host != '\0') {
		g_autofree char *to = o->connect_port > 0 ?
		    g_strdup_printf("::%s:%d", o->connect_host,
		    o->connect_port) : g_strdup_printf("::%s:",
		    o->connect_host);

		req->connect_to = curl_slist_append(NULL, to);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, req->connect_to);
	}
}

/*
 * Start GET url; fn is called once, from the loop, with the outcome
 * (never from inside this call). Returns NULL only when libcurl cannot
 * start at all; then fn is never called.
 */
struct http_request *
http_get(const char *url, const struct http_opts *o, http_done_fn *fn,
    void *data)
{
	struct http_request *req;

	g_return_val_if_fail(url != NULL && o != NULL && fn != NULL, NULL);
	if (!multi_init())
		return NULL;
	req = g_new0(struct http_request, 1);
	req->easy = curl_easy_init();
	if (req->easy == NULL) {
		g_free(req);
		return NULL;
	}
	req->body = g_string_new(NULL);
	req->max_body = o->max_body;
	req->timeout_ms = o->timeout_ms;
	req->fn = fn;
	req->data = data;
	set_options(req, url, o);
	g_ptr_array_add(requests, req);
	if (curl_multi_add_handle(multi, req->easy) != CURLM_OK) {
		request_free(req);
		return NULL;
	}
	log_debug("GET %s", url);
	return req;
}

static enum http_fail
classify(struct http_request *req, CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
		return HTTP_FAIL_RESOLVE;
	case CURLE_COULDNT_CONNECT:
		return HTTP_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_FAIL_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return HTTP_FAIL_TLS;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_TOO_MANY_REDIRECTS:
		return HTTP_FAIL_REDIRECT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_FAIL_TOO_BIG;
	case CURLE_WRITE_ERROR:
		return req->too_big ? HTTP_FAIL_TOO_BIG : HTTP_FAIL_OTHER;
	default:
		return HTTP_FAIL_OTHER;
	}
}

/* Why the request failed, in natter's words with libcurl's detail. */
static char *
fail_text(struct http_request *req, enum http_fail f, CURLcode rc)
{
	const char *detail = req->errbuf[0] != '\0' ? req->errbuf :
	    curl_easy_strerror(rc);

	switch (f) {
	case HTTP_FAIL_TIMEOUT:
		return g_strdup_printf("no complete answer within %.1f s",
		    (double)req->timeout_ms / 1000.0);
	case HTTP_FAIL_TOO_BIG:
		return g_strdup_printf("the answer is larger than %zu bytes",
		    req->max_body);
	case HTTP_FAIL_REDIRECT:
		return g_strdup_printf("redirected to a place natter does "
		    "not follow (only https, at most 3 times): %s", detail);
	case HTTP_FAIL_TLS:
		return g_strdup_printf("TLS failed: %s", detail);
	default:
		return g_strdup(detail);
	}
}

static void
finish(struct http_request *req, CURLcode rc)
{
	struct http_result r = { 0 };
	g_autofree char *why = NULL;
	char *ctype = NULL;

	r.fail = classify(req, rc);
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_getinfo(req->easy, CURLINFO_CONTENT_TYPE, &ctype);
	if (r.fail != HTTP_OK)
		r.error = why = fail_text(req, r.fail, rc);
	r.body = req->body->str;
	r.len = req->body->len;
	r.content_type = ctype;
	log_debug("status %ld, %s", r.status,
	    r.error != NULL ? r.error : "ok");
	req->fn(&r, req->data);
	request_free(req);
}

static void
check_done(void)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
		struct http_request *req = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &req);
		finish(req, msg->data.result);
	}
}

/* Abandon req: its callback is never called. */
void
http_cancel(struct http_request *req)
{
	if (req != NULL)
		request_free(req);
}

/*
 * Release libcurl (at exit). Requests still running end now: their
 * callbacks get HTTP_FAIL_OTHER, so their owners can finish and free.
 */
void
http_shutdown(void)
{
	g_clear_pointer(&dl_error, g_free);
	if (multi == NULL)
		return;
	while (requests->len > 0) {
		struct http_request *req = g_ptr_array_index(requests, 0);
		struct http_result r = { HTTP_FAIL_OTHER, 0,
		    "abandoned: natter is quitting", "", 0, NULL };

		req->fn(&r, req->data);
		request_free(req);
	}
	g_ptr_array_unref(requests);
	requests = NULL;
	if (timer_id != 0)
		loop_remove_timer(timer_id);
	timer_id = 0;
	curl_multi_cleanup(multi);
	multi = NULL;
	curl_global_cleanup();
}

/* A short name of a failure kind, for JSON ("tls", "timeout", ...). */
const char *
http_fail_name(enum http_fail f)
{
	static const char *const names[] = { "ok", "resolve", "connect", "tls",
	    "timeout", "too-big", "redirect", "error" };

	return (size_t)f < G_N_ELEMENTS(names) ? names[f] : "error";
}
