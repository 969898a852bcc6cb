/* SPDX-License-Identifier: MIT */
#ifndef NATTER_HTTP_H
#define NATTER_HTTP_H

/*
 * HTTPS GET without blocking: libcurl's multi interface driven by the
 * main loop (its sockets in loop_add_fd, its timeout a loop timer). Only
 * https, certificates always verified, redirects only to https, a body
 * limit and an overall timeout. core layer.
 */
#include <glib.h>
#include <stdbool.h>

enum http_fail {
	HTTP_OK,		/* an answer came (any status) */
	HTTP_FAIL_RESOLVE,	/* the host name did not resolve */
	HTTP_FAIL_CONNECT,	/* no TCP connection */
	HTTP_FAIL_TLS,		/* handshake or certificate failed */
	HTTP_FAIL_TIMEOUT,	/* no complete answer in time */
	HTTP_FAIL_TOO_BIG,	/* the body passed max_body */
	HTTP_FAIL_REDIRECT,	/* redirected elsewhere than https, or too often */
	HTTP_FAIL_OTHER,
};

struct http_opts {
	const char	*connect_host;	/* connect there instead of the URL's
					   host (the certificate is still
					   checked against the URL's), or
					   NULL */
	int		 connect_port;	/* with it, or 0: the URL's port */
	const char	*ca_file;	/* CA bundle, or NULL: the system's */
	gint64		 timeout_ms;
	size_t		 max_body;
};

struct http_result {
	enum http_fail	 fail;
	long		 status;	/* HTTP status, 0 when none came */
	const char	*error;		/* why it failed, or NULL */
	const char	*body;		/* NUL-terminated, len bytes */
	size_t		 len;
	const char	*content_type;	/* or NULL */
};

struct http_request;
/* Called once; the result is lent for the duration of the call. */
typedef void http_done_fn(const struct http_result *r, void *data);

struct http_request *http_get(const char *url, const struct http_opts *o,
		    http_done_fn *fn, void *data);
void		 http_cancel(struct http_request *req);
void		 http_shutdown(void);
const char	*http_unavailable(void);
const char	*http_fail_name(enum http_fail f);

#endif
