/* SPDX-License-Identifier: MIT */
#ifndef NATTER_HOSTMETA_H
#define NATTER_HOSTMETA_H

/*
 * Web host metadata (RFC 6415) as XMPP uses it to advertise other ways in
 * (XEP-0156: BOSH and WebSocket URLs; XEP-0487: direct TLS and QUIC with
 * their ports, priorities, SNI and addresses). Parsers of the two formats,
 * XRD (host-meta, XML) and JRD (host-meta.json), into one model. Pure:
 * no network, no natter headers. util layer.
 */
#include <glib.h>
#include <stdbool.h>

#define HM_REL_BOSH	 "urn:xmpp:alt-connections:xbosh"
#define HM_REL_WEBSOCKET "urn:xmpp:alt-connections:websocket"
#define HM_REL_PREFIX	 "urn:xmpp:alt-connections:"
#define HM_LINKS_MAX	 64	/* links kept from one document */

struct hm_link {
	char		*rel;		/* owned */
	char		*href;		/* owned, or NULL (XEP-0487 port links) */
	gint64		 port, priority, weight;	/* -1: not given */
	char		*sni, *ech;	/* owned, or NULL */
	GPtrArray	*ips;		/* owned strings */
};

struct hostmeta {
	GPtrArray	*links;		/* struct hm_link, in document order */
	bool		 v2;		/* a top-level "xmpp" object (XEP-0487) */
	gint64		 ttl;		/* its "ttl", or -1 */
	GPtrArray	*pins;		/* its public-key-pins-sha-256 strings */
};

struct hostmeta	*hostmeta_parse_xrd(const char *text, gssize len,
		    GError **error);
struct hostmeta	*hostmeta_parse_jrd(const char *text, GError **error);
void		 hostmeta_free(struct hostmeta *hm);
const char	*hostmeta_rel_name(const char *rel);
char		*hostmeta_link_describe(const struct hm_link *l);

#endif
