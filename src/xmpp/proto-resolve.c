/* SPDX-License-Identifier: MIT */
/*
 * Where a connection goes, found without blocking the loop (PRODUCT
 * §12): when the account names no server, the SRV records of its domain
 * (_xmpp-client._tcp, or _xmpps-client._tcp for tls direct, XEP-0368)
 * come from core/dns.c (c-ares in the loop), in RFC 2782 order; the
 * first record whose target has an address is dialled, by address, with
 * its port (libstrophe's own SRV lookup, res_query(), blocks, and is
 * skipped: it is given a host). No record, or no answer from DNS: the
 * domain itself on port 5222 (5223 for direct TLS; RFC 6120 §3.2.2).
 * An account's server given by name is looked up the same way (A/AAAA,
 * in the loop) and dialled by address: getaddrinfo(), in natter or in
 * libstrophe, would block the loop for as long as DNS takes. An address
 * that cannot be reached (refused, unreachable, no answer before the
 * login deadline, nothing sent yet) is followed, within the same attempt,
 * by the target's next address, then by the next SRV record (RFC 6120
 * §3.2.1): a host whose first address is dead, such as an IPv6 address
 * without an IPv6 route, is still reached at once. libstrophe
 * checks the certificate against the domain whatever it is given. xmpp
 * layer; never prints.
 */
#include <string.h>

#include "core/dns.h"
#include "proto-internal.h"
#include "util/log.h"

struct proto_resolve {
	struct pconn	*pc;
	struct dns_req	*req;
	char		*domain;
	const char	*service;	/* "_xmpp-client._tcp", or NULL: the
					   account's server */
	GPtrArray	*recs;		/* struct dns_srv, or NULL: none */
	guint		 next;		/* the record being tried */
	GPtrArray	*addrs;		/* char *, numeric: the target's */
	guint		 next_addr;	/* the address being tried */
	bool		 lookup;	/* redial: look the next record up */
	/* what was dialled, for proto_conn_facts() */
	char		*target;	/* SRV target, or the domain */
	int		 port;
	int		 priority;	/* -1: not from a record */
	int		 weight;
};

static void
forget_choice(struct proto_resolve *r)
{
	dns_cancel(r->req);
	r->req = NULL;
	g_clear_pointer(&r->recs, g_ptr_array_unref);
	g_clear_pointer(&r->addrs, g_ptr_array_unref);
	g_clear_pointer(&r->target, g_free);
	g_clear_pointer(&r->domain, g_free);
	r->next = r->next_addr = 0;
	r->lookup = false;
	r->priority = r->weight = -1;
}

/* Forget pc's lookup (its answer is never used); at free too. */
void
proto_resolve_forget(struct pconn *pc)
{
	struct proto_resolve *r = pc->resolve;

	if (r == NULL)
		return;
	forget_choice(r);
	g_free(r);
	pc->resolve = NULL;
}

/* Is pc waiting on DNS before it can dial? */
bool
proto_resolve_pending(const struct pconn *pc)
{
	return pc->resolve != NULL && pc->resolve->req != NULL;
}

static void try_next(struct proto_resolve *r);

/* Dial the address r->next_addr of r->target. */
static void
dial_current(struct proto_resolve *r)
{
	struct pconn *pc = r->pc;
	const char *addr = g_ptr_array_index(r->addrs, r->next_addr);

	log_info("%s: connecting to %s (%s) port %d%s", pc->acc->name,
	    r->target, addr, r->port, r->priority >= 0 ? ", from SRV" : "");
	proto_conn_dial(pc, addr, r->port);
}

static void
addrs_answered(GPtrArray *addrs, const char *error, void *data)
{
	struct proto_resolve *r = data;
	struct pconn *pc = r->pc;

	r->req = NULL;
	if (error != NULL && strcmp(error, DNS_CANCELLED) == 0) {
		if (addrs != NULL)
			g_ptr_array_unref(addrs);
		proto_conn_not_dialled(pc, "natter is quitting", NULL);
		return;
	}
	if (addrs != NULL && addrs->len == 0)
		g_clear_pointer(&addrs, g_ptr_array_unref);
	if (addrs == NULL) {
		log_info("%s: %s has no address (%s)", pc->acc->name,
		    r->target, error != NULL ? error : "none");
		if (r->recs != NULL && ++r->next < r->recs->len) {
			try_next(r);
			return;
		}
		proto_conn_not_dialled(pc, NULL, "unknown-host");
		return;
	}
	r->addrs = addrs;
	r->next_addr = 0;
	dial_current(r);
}

/* Look up the address of the record r->next (or the domain). */
static void
try_next(struct proto_resolve *r)
{
	struct pconn *pc = r->pc;
	g_autoptr(GError) err = NULL;

	g_free(r->target);
	g_clear_pointer(&r->addrs, g_ptr_array_unref);
	r->next_addr = 0;
	if (r->recs != NULL && r->next < r->recs->len) {
		const struct dns_srv *s = g_ptr_array_index(r->recs, r->next);

		r->target = g_strdup(s->target);
		r->port = s->port;
		r->priority = s->priority;
		r->weight = s->weight;
	} else {
		r->target = g_strdup(r->domain);
		r->port = pc->port > 0 ? pc->port : strcmp(pc->tls,
		    "direct") == 0 ? 5223 : 5222;
		r->priority = r->weight = -1;
	}
	g_free(pc->host);
	pc->host = g_strdup(r->target);
	r->req = dns_addrs(r->target, addrs_answered, r, &err);
	if (r->req == NULL)	/* c-ares gone: libstrophe resolves it */
		proto_conn_dial(pc, r->target, r->port);
}

static void
srv_answered(GPtrArray *recs, const char *error, void *data)
{
	struct proto_resolve *r = data;

	r->req = NULL;
	if (error != NULL && strcmp(error, DNS_CANCELLED) == 0) {
		proto_conn_not_dialled(r->pc, "natter is quitting", NULL);
		return;
	}
	if (error != NULL)
		log_warn("%s: no answer for %s.%s (%s): trying the domain",
		    r->pc->acc->name, r->service, r->domain, error);
	if (recs != NULL && recs->len == 0)
		g_clear_pointer(&recs, g_ptr_array_unref);
	r->recs = recs;
	r->next = 0;
	try_next(r);
}

/*
 * The account names its server: by address, dial it (false); by name,
 * look its addresses up first (true).
 */
static bool
start_server(struct proto_resolve *r)
{
	if (g_hostname_is_ip_address(r->pc->server))
		return false;
	r->domain = g_strdup(r->pc->server);
	r->service = NULL;
	try_next(r);
	return true;
}

/*
 * pc's attempt has started: with no server in the account, ask DNS for
 * the SRV records of domain; with a server named, for its addresses;
 * proto_conn_dial() (or proto_conn_not_dialled()) follows from the loop.
 * False when there is nothing to look up (a server given by address) or
 * DNS cannot be asked: dial as before.
 */
bool
proto_resolve_start(struct pconn *pc, const char *domain)
{
	struct proto_resolve *r;
	g_autoptr(GError) err = NULL;
	g_autofree char *name = NULL;

	if (pc->resolve == NULL) {
		pc->resolve = g_new0(struct proto_resolve, 1);
		pc->resolve->pc = pc;
	}
	r = pc->resolve;
	forget_choice(r);
	if (pc->server != NULL)
		return start_server(r);
	if (domain == NULL)
		return false;
	r->domain = g_strdup(domain);
	r->service = strcmp(pc->tls, "direct") == 0 ? "_xmpps-client._tcp" :
	    "_xmpp-client._tcp";
	name = g_strdup_printf("%s.%s", r->service, domain);
	r->req = dns_srv(name, srv_answered, r, &err);
	if (r->req == NULL) {
		log_warn("%s: cannot ask DNS for %s: %s", pc->acc->name, name,
		    err->message);
		g_clear_pointer(&r->domain, g_free);
		return false;
	}
	return true;
}

/*
 * pc's dial did not reach its address (nothing was sent): choose the
 * target's next address, or the next SRV record, within the same attempt.
 * False when none is left: the attempt fails. proto_resolve_redial()
 * dials the choice, from the loop, on a new connection object.
 */
bool
proto_resolve_advance(struct pconn *pc)
{
	struct proto_resolve *r = pc->resolve;

	if (r == NULL || r->req != NULL || r->addrs == NULL)
		return false;
	if (r->next_addr + 1 < r->addrs->len) {
		r->next_addr++;
		return true;
	}
	if (r->recs != NULL && r->next + 1 < r->recs->len) {
		r->next++;
		r->lookup = true;
		return true;
	}
	return false;
}

/* Dial what proto_resolve_advance() chose. */
void
proto_resolve_redial(struct pconn *pc)
{
	struct proto_resolve *r = pc->resolve;

	if (r->lookup) {
		r->lookup = false;
		try_next(r);
	} else {
		dial_current(r);
	}
}

/* The SRV record (or the domain) natter dialled, into f. */
void
proto_resolve_facts(const struct pconn *pc, struct proto_facts *f)
{
	const struct proto_resolve *r = pc->resolve;

	if (r == NULL || r->target == NULL)
		return;
	g_free(f->host);
	f->host = g_strdup(r->target);
	f->port = r->port;
	f->endpoint_known = true;
	f->srv_priority = r->priority;
	f->srv_weight = r->weight;
	g_free(f->srv_service);
	f->srv_service = g_strdup(r->service);
	if (r->priority >= 0) {
		g_free(f->srv_target);
		f->srv_target = g_strdup(r->target);
	}
}
