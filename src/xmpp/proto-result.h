/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_RESULT_H
#define NATTER_PROTO_RESULT_H

/*
 * Typed answers of the debugging queries (proto_query(), /caps,
 * /diagnose) and the typed failure of a request. src/xmpp fills them,
 * src/cmd renders each as text or as JSON from the same value. Every
 * string is owned by its struct, valid UTF-8 and bounded, but otherwise
 * exactly what the network sent: tabs, quotes and control characters
 * included, so whoever shows one escapes it. xmpp layer, public header;
 * no libstrophe types here.
 */
#include <glib.h>
#include <stdbool.h>

/* The debugging queries (proto-query.c). */
enum proto_query {
	PQ_DISCO_INFO,
	PQ_DISCO_ITEMS,
	PQ_PING,
	PQ_VERSION,
	PQ_TIME,
	PQ_LAST,
	PQ_CAPS,	/* disco#info of the node#ver advertised, checked */
};

/* What went wrong with a request; callers decide on kind, never text. */
enum proto_error_kind {
	PROTO_ERR_STANZA,	/* an error reply: condition, type, text */
	PROTO_ERR_TIMEOUT,	/* no answer within iq.timeout */
	PROTO_ERR_LOST,		/* the connection closed before the answer */
	PROTO_ERR_BAD_REPLY,	/* a result without what was asked */
};

/*
 * A failed request. For PROTO_ERR_STANZA, condition is the RFC 6120 §8.3
 * defined condition ("undefined-condition" when the reply named none),
 * type the error type or NULL; text is the server's words, or (other
 * kinds) natter's own explanation. Strings owned; proto_error_clear().
 */
struct proto_error {
	enum proto_error_kind kind;
	bool	 present;	/* the reply had an <error/> */
	char	*condition;
	char	*type;		/* or NULL */
	char	*text;		/* one line, or NULL */
};

/* XEP-0030 identity; name and lang NULL when absent. */
struct proto_identity {
	char	*category;
	char	*type;
	char	*name;
	char	*lang;
};

/* XEP-0004 field of an XEP-0128 form: var and its values (char *). */
struct proto_field {
	char		*var;
	GPtrArray	*values;
};

/* One XEP-0128 extended-information form: its fields. */
struct proto_form {
	GPtrArray	*fields;	/* struct proto_field */
};

/* XEP-0030 item; node and name NULL when absent. */
struct proto_item {
	char	*jid;
	char	*node;
	char	*name;
};

/* XEP-0115 capabilities an entity advertised in its presence. */
struct proto_caps {
	char	*jid;		/* the full JID that advertised them */
	char	*hash;		/* "sha-1", or NULL (legacy caps) */
	char	*node;
	char	*ver;
};

/* disco#info (PQ_DISCO_INFO, PQ_CAPS, and our own capabilities). */
struct proto_info {
	GPtrArray		*identities;	/* struct proto_identity */
	GPtrArray		*features;	/* char *, the vars */
	GPtrArray		*forms;		/* struct proto_form */
	struct proto_caps	*caps;		/* PQ_CAPS: as advertised */
	char			*caps_computed;	/* PQ_CAPS: its hash */
	bool			 caps_verified;	/* == caps->ver */
};

/* XEP-0092 software version; each NULL when not told. */
struct proto_version {
	char	*name;
	char	*version;
	char	*os;
};

/* XEP-0202 entity time; each NULL when not told. */
struct proto_time {
	char	*utc;
	char	*tzo;
};

/* XEP-0012 last activity. */
struct proto_last {
	gint64	 seconds;
	char	*status;	/* or NULL */
};

/* The answer to one query: kind says which member of u is filled. */
struct proto_result {
	enum proto_query	 kind;
	gint64			 rtt_us;	/* round trip, microseconds */
	union {
		struct proto_info	info;	/* DISCO_INFO, CAPS */
		GPtrArray		*items;	/* DISCO_ITEMS: proto_item */
		struct proto_version	version;
		struct proto_time	time;
		struct proto_last	last;
	} u;
};

/*
 * A pubsub item or notification (proto-pubsub.c): an item of /pubsub
 * items (action "item") or a notification. Strings owned.
 */
struct proto_pubsub_event {
	char		*service;	/* the sender: service or PEP owner */
	char		*node;
	const char	*action;	/* item|published|retracted|
					   deleted|purged */
	char		*item_id;	/* or NULL */
	char		*payload;	/* pretty, sanitized XML, or NULL */
};

/* A feature of the stream (<features/> child): element name, namespace. */
struct proto_stream_feature {
	char	*name;
	char	*ns;		/* "" when none */
};

/* A certificate of the server's chain as libstrophe shows it (NULL or
 * "": not told). */
struct proto_cert {
	char	*subject;
	char	*issuer;
	char	*not_before;
	char	*not_after;
	char	*key_alg;
	char	*sha1;		/* fingerprints, hex */
	char	*sha256;
};

/* What the login of a connection showed (proto_conn_facts()). */
struct proto_facts {
	char		*jid;		/* bound JID */
	char		*host;		/* what we connected to, "" unknown */
	int		 port;
	bool		 configured;	/* the account names the server */
	char		*tls;		/* the account's tls mode */
	bool		 secured;	/* the stream is encrypted */
	bool		 trust_by_user;	/* certificate accepted by the user */
	char		*sasl;		/* mechanism used, or NULL */
	int		 srv_priority;	/* the SRV record used, or -1 (none, */
	int		 srv_weight;	/* or not known: stock libstrophe) */
	bool		 endpoint_known; /* host/port are libstrophe's own */
	char		*tls_version;	/* "TLSv1.3", or NULL unknown */
	char		*tls_cipher;	/* the cipher suite, or NULL */
	bool		 sm_enabled;	/* XEP-0198 <enabled/> received */
	GPtrArray	*mechanisms;	/* char *, SASL mechanisms offered */
	GPtrArray	*features;	/* struct proto_stream_feature */
	char		*srv_service;	/* SRV name natter chose the host from */
	char		*srv_target;	/* ("_xmpps-client._tcp"), its target; */
					/* NULL: libstrophe's own or none */
	GPtrArray	*certs;		/* struct proto_cert, server's first */
};

/*
 * Called once with the answer or the error of a query (one is NULL). fn
 * takes res (proto_result_free() it, or keep it); err is borrowed.
 */
typedef void proto_query_fn(struct proto_result *res,
    const struct proto_error *err, void *data);

struct proto_result *proto_result_new(enum proto_query kind);
void	 proto_result_free(struct proto_result *r);
struct proto_identity *proto_identity_new(const char *category,
	    const char *type, const char *name, const char *lang);
struct proto_item *proto_item_new(const char *jid, const char *node,
	    const char *name);
struct proto_caps *proto_caps_new(const char *jid, const char *hash,
	    const char *node, const char *ver);
void	 proto_caps_free(struct proto_caps *c);
struct proto_field *proto_info_add_field(struct proto_form *form,
	    const char *var);
struct proto_form *proto_info_add_form(struct proto_info *info);
struct proto_facts *proto_facts_new(void);
void	 proto_facts_free(struct proto_facts *f);
void	 proto_error_clear(struct proto_error *e);
char	*proto_error_string(const struct proto_error *e);
void	 proto_error_set(struct proto_error *e, enum proto_error_kind kind,
	    const char *text);
const char *proto_error_kind_name(enum proto_error_kind kind);
void	 proto_pubsub_event_free(struct proto_pubsub_event *e);

#endif
