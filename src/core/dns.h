/* SPDX-License-Identifier: MIT */
#ifndef NATTER_DNS_H
#define NATTER_DNS_H

#include <glib.h>
#include <stdbool.h>

/* One SRV record (RFC 2782). */
struct dns_srv {
	char	*target;	/* host name, no trailing dot */
	int	 port;
	int	 priority;
	int	 weight;
};

/*
 * The answer to dns_srv(): recs (struct dns_srv, in the order a client
 * tries them; the callee owns it) with error NULL, empty when the name
 * has no record; or recs NULL and error saying why DNS did not answer.
 */
typedef void dns_srv_fn(GPtrArray *recs, const char *error, void *data);
/* The answer to dns_addrs(): addrs (char *, numeric; the callee owns it)
 * or NULL and error. */
typedef void dns_addr_fn(GPtrArray *addrs, const char *error, void *data);

/* The error of a lookup ended by dns_shutdown(). */
#define DNS_CANCELLED "cancelled"

struct dns_req;

struct dns_req	*dns_srv(const char *name, dns_srv_fn *fn, void *data,
		    GError **error);
struct dns_req	*dns_addrs(const char *host, dns_addr_fn *fn, void *data,
		    GError **error);
void		 dns_cancel(struct dns_req *req);
void		 dns_shutdown(void);

void		 dns_srv_free(struct dns_srv *r);
GPtrArray	*dns_srv_array(void);
void		 dns_srv_order(GPtrArray *recs, guint32 (*pick)(guint32 bound));

#endif
