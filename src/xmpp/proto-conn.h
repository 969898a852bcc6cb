/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_CONN_H
#define NATTER_PROTO_CONN_H

#include <glib.h>
#include <stdbool.h>

#include "core/account.h"
#include "proto-result.h"

/* Overrides given to /connect; NULL/0 means the account's setting. */
struct proto_connect_opts {
	const char	*server;
	int		 port;
	const char	*tls;
};

/* Called once when a connection attempt ends (online, or failed). */
typedef void proto_done_fn(bool ok, const char *message, void *data);

void	 proto_init(void);
void	 proto_shutdown(gint64 deadline);
bool	 proto_conn_connect(struct account *acc, const char *password,
	    const struct proto_connect_opts *opts, proto_done_fn *done,
	    void *data, GError **error);
/* The host check's answer: error NULL when the host is known. */
typedef void proto_check_fn(const char *error, void *data);
bool	 proto_conn_check_host(struct account *acc,
	    const struct proto_connect_opts *opts, proto_check_fn *fn,
	    void *data);
bool	 proto_conn_disconnect(struct account *acc, GError **error);
bool	 proto_conn_reconnect(struct account *acc, GError **error);
void	 proto_conn_cancel_done(struct account *acc);
bool	 proto_conn_trust_pending(struct account *acc, bool trust,
	    proto_done_fn *done, void *data, GError **error);
bool	 proto_conn_has_prompt(struct account *acc);
char	*proto_conn_describe_cert(struct account *acc, GError **error);
bool	 proto_busy(void);
const char *proto_version(void);
void	 proto_message_init(void);
bool	 proto_message_chat_state(const char *account, const char *peer,
	    const char *state);
bool	 proto_presence_send(struct account *acc, const char *show,
	    const char *status, GError **error);
bool	 proto_presence_priority(struct account *acc, int priority,
	    GError **error);
bool	 proto_presence_sub(struct account *acc, const char *jid,
	    const char *type, GError **error);
bool	 proto_roster_set(struct account *acc, const char *jid,
	    const char *name, const char *const *groups, GError **error);
bool	 proto_roster_remove(struct account *acc, const char *jid,
	    GError **error);
const char *proto_own_show(struct account *acc);
bool	 proto_raw_send(struct account *acc, const char *xml,
	    GError **error);
bool	 proto_register(const char *jid, const char *password,
	    const char *server, int port, const char *tls, proto_done_fn *done,
	    void *data, GError **error);

/* Called with a list of strings (borrowed) or an error text. */
typedef void proto_list_fn(GPtrArray *items, const char *error, void *data);
bool	 proto_block_list(struct account *acc, proto_list_fn *fn, void *data,
	    GError **error);
bool	 proto_block_set(struct account *acc, const char *jid, bool block,
	    GError **error);
bool	 proto_muc_join(struct account *acc, const char *room,
	    const char *nick, const char *password, GError **error);
bool	 proto_muc_leave(struct account *acc, const char *room,
	    const char *reason, GError **error);
bool	 proto_muc_nick(struct account *acc, const char *room,
	    const char *nick, GError **error);
bool	 proto_muc_topic(struct account *acc, const char *room,
	    const char *subject, GError **error);
bool	 proto_muc_invite(struct account *acc, const char *room,
	    const char *jid, const char *reason, GError **error);
bool	 proto_muc_admin(struct account *acc, const char *room, bool get,
	    const char *attr, const char *value, const char *nick,
	    const char *jid, const char *reason, proto_list_fn *fn,
	    void *data, GError **error);
bool	 proto_muc_owner(struct account *acc, const char *room, bool destroy,
	    const char *reason, proto_list_fn *fn, void *data,
	    GError **error);
const char *proto_muc_own_nick(struct account *acc, const char *room);
const char *proto_muc_service(struct account *acc);
bool	 proto_bookmark_set(struct account *acc, const char *jid,
	    bool remove, const char *name, const char *nick,
	    const char *password, bool autojoin, proto_list_fn *fn,
	    void *data, GError **error);
bool	 proto_muc_config_fetch(struct account *acc, const char *room,
	    proto_list_fn *fn, void *data, GError **error);
bool	 proto_muc_config_submit(struct account *acc, const char *room,
	    bool cancel, proto_list_fn *fn, void *data, GError **error);
bool	 proto_muc_info(struct account *acc, const char *room,
	    proto_list_fn *fn, void *data, GError **error);
bool	 proto_muc_rooms(struct account *acc, const char *service,
	    proto_list_fn *fn, void *data, GError **error);
/* Debugging queries (proto-query.c); typed answers (proto-result.h). */
bool	 proto_query(struct account *acc, enum proto_query kind,
	    const char *to, const char *node, proto_query_fn *fn, void *data,
	    GError **error);
GPtrArray *proto_caps_of(struct account *acc, const char *jid);
/* Publish-subscribe requests (XEP-0060; proto-pubsub.c). */
enum proto_pubsub_op {
	PS_ITEMS,
	PS_CREATE,
	PS_PUBLISH,
	PS_DELETE,
	PS_SUBSCRIBE,
	PS_UNSUBSCRIBE,
};
/* items: struct proto_pubsub_event (PS_ITEMS), else NULL; fn owns it. */
typedef void proto_pubsub_fn(GPtrArray *items, const struct proto_error *err,
    void *data);
bool	 proto_pubsub(struct account *acc, enum proto_pubsub_op op,
	    const char *service, const char *node, const char *xml, int max,
	    proto_pubsub_fn *fn, void *data, GError **error);
struct proto_result *proto_caps_own(void);
struct proto_facts *proto_conn_facts(struct account *acc, GError **error);
typedef void proto_ready_fn(void *data);
void	 proto_muc_when_discovered(struct account *acc, proto_ready_fn *fn,
	    void *data);

#endif
