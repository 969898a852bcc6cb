/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_INTERNAL_H
#define NATTER_PROTO_INTERNAL_H

/* Shared by the files of src/xmpp only. */
#include <strophe.h>
#include <stdbool.h>

#include "core/account.h"
#include "core/msg.h"
#include "proto-conn.h"
#include "proto-lifecycle.h"

struct cert_info {
	char	*host;
	char	*reason;
	char	*subject;
	char	*issuer;
	char	*not_before;
	char	*not_after;
	char	*fingerprint;
};

/*
 * What one login showed, for /diagnose (proto-facts.c) and the message of
 * a failure; owned by proto-login.c, forgotten by proto_login_forget()
 * when an attempt starts. Strings owned, or NULL.
 */
struct login_facts {
	char		*sasl_mech;	/* the mechanism we used */
	char		*features_auth;	/* features offering SASL */
	char		*features_bound;	/* features after SASL */
	bool		 sm_enabled;	/* <enabled/> or <resumed/> received */
	char		*sasl_failure;	/* SASL failure condition */
	char		*tls_error;	/* libstrophe's TLS warning */
	bool		 saw_no_tls;	/* STARTTLS mandatory, not offered */
	int		 sock_error;	/* errno libstrophe logged, or 0 */
};

/*
 * One account's connection. Each group of fields names the file that
 * owns it and the one function that resets it; the connection calls the
 * resets from one place each: attempt_starts() and session_ended() in
 * proto-conn.c (pconn_free() calls them again to free what they hold).
 */
struct pconn {
	/* proto-conn.c: the connection object */
	struct account	*acc;		/* borrowed; acc->proto points back */
	xmpp_ctx_t	*ctx;		/* owned */
	xmpp_conn_t	*conn;		/* owned */
	guint		 free_timer;
	guint		 redial_timer;	/* the next address, within an attempt */
	char		*password;	/* owned, wiped on free */
	char		*server;	/* owned, or NULL */
	int		 port;
	char		*tls;		/* owned */
	char		*host;		/* what we connect to, for messages */
	struct proto_resolve *resolve;	/* proto-resolve.c's, or NULL */
	bool		 online;
	bool		 user_quit;
	bool		 rooms_kept;	/* lost, may be resumed: the rooms
					   stay joined until we know */
	proto_done_fn	*done;
	void		*done_data;
	/* proto-socket.c: the socket in the loop; proto_socket_closed() */
	int		 fd;		/* -1 from each attempt's start */
	bool		 tcp_up;	/* the TCP connect has completed */
	guint		 fd_id;
	guint		 drain_timer;
	/* proto-capture.c: the log handler all traffic comes through */
	xmpp_log_t	 log;
	unsigned long	 recv_count;	/* elements received, never reset */
	struct xsplit	*split;		/* received bytes, at element ends */
	GQueue		 raw_in;	/* struct xsplit_piece not yet paired */
	/* proto-login.c: proto_login_forget() */
	struct login_facts login;
	/* proto-tls.c: proto_tls_forget() */
	struct cert_info *prompt;	/* owned pending certificate prompt */
	bool		 cert_by_user;	/* accepted by the user's trust */
	/* per session, proto_session_ended() (proto-session.c) calls: */
	GHashTable	*iqs;		/* id -> struct iq_wait; proto-iq.c */
	char		*muc_service;	/* owned: discovered conference
					   service; proto-muc.c */
	int		 disco_pending;	/* discovery requests unanswered */
	GPtrArray	*disco_waiters;	/* struct proto_waiter, owned */
	bool		 bookmarks_0048;	/* server has only XEP-0048
					   storage; proto-bookmark.c */
	GHashTable	*caps;		/* full JID -> struct proto_caps;
					   proto-disco.c */
	/* proto-presence.c: kept across a loss, proto_presence_forget() */
	char		*show;		/* our presence: online|chat|away|xa|dnd */
	char		*status;	/* our status text, or NULL */
	int		 priority;
	struct proto_sm	*sm;		/* owned, proto-sm.c */
	struct lifecycle lc;		/* proto-lifecycle.c: state machine,
					   deadlines, retry */
};

typedef void proto_session_fn(struct pconn *pc);
void	 proto_carbons_enable(struct pconn *pc, proto_session_fn *then);
typedef void proto_iq_fn(struct pconn *pc, xmpp_stanza_t *reply, void *data);

void	 proto_iq_send(struct pconn *pc, xmpp_stanza_t *iq, const char *to,
	    proto_iq_fn *fn, void *data, GDestroyNotify free_data);
int	 proto_iq_handle_reply(xmpp_conn_t *conn, xmpp_stanza_t *st,
	    void *userdata);
bool	 proto_iq_timed_out(xmpp_stanza_t *reply);
bool	 proto_iq_from_ok(struct pconn *pc, const char *expected,
	    const char *from);
GHashTable *proto_iq_table_new(void);
xmpp_stanza_t *proto_iq_reply(struct pconn *pc, xmpp_stanza_t *st,
	    const char *type);
void	 proto_iq_error(struct pconn *pc, xmpp_stanza_t *st,
	    const char *type, const char *condition);
void	 proto_session_start(struct pconn *pc);
void	 proto_session_resumed(struct pconn *pc);
void	 proto_session_handlers(struct pconn *pc);
void	 proto_session_dispatch(struct pconn *pc, xmpp_stanza_t *st);
void	 proto_send(struct pconn *pc, xmpp_stanza_t *st);
void	 proto_conn_drain(struct pconn *pc);
int	 proto_socket_opened(xmpp_conn_t *conn, void *sock);
void	 proto_socket_closed(struct pconn *pc);
void	 proto_socket_prepare(struct pconn *pc);
struct pconn *proto_conn_of_conn(const xmpp_conn_t *conn);
struct pconn *proto_conn_of_ctx(const xmpp_ctx_t *ctx);
int	 proto_tls_certfail_cb(const xmpp_tlscert_t *cert,
	    const char *const errormsg);
void	 proto_conn_restart(struct pconn *pc);
void	 proto_conn_dial(struct pconn *pc, const char *host, int port);
void	 proto_conn_not_dialled(struct pconn *pc, const char *why,
	    const char *code);
/* proto-resolve.c: the host of an account that names no server */
bool	 proto_resolve_start(struct pconn *pc, const char *domain);
bool	 proto_resolve_pending(const struct pconn *pc);
void	 proto_resolve_forget(struct pconn *pc);
void	 proto_resolve_facts(const struct pconn *pc, struct proto_facts *f);
bool	 proto_resolve_advance(struct pconn *pc);
void	 proto_resolve_redial(struct pconn *pc);
struct pconn *proto_conn_get(struct account *acc);
void	 proto_secret_free(char **s);
bool	 proto_host_resolvable(const char *host);
/* What a host lookup (proto-host.c) found. */
enum proto_host_answer {
	PROTO_HOST_KNOWN,	/* it has an address */
	PROTO_HOST_UNKNOWN,
	PROTO_HOST_CANCELLED,	/* natter is quitting */
};
typedef void proto_host_fn(enum proto_host_answer answer, void *data);
bool	 proto_host_lookup(const char *host, proto_host_fn *fn, void *data,
	    GError **error);
void	 proto_host_cancel_all(void);
extern bool (*proto_host_resolve_hook)(const char *host);
const xmpp_log_t *proto_capture_logger(struct pconn *pc);
void	 proto_capture_attach(struct pconn *pc);
void	 proto_capture_free(struct pconn *pc);
void	 proto_login_note_traffic(struct pconn *pc, bool in,
	    const char *xml);
void	 proto_login_note_log(struct pconn *pc, xmpp_log_level_t level,
	    const char *area, const char *msg);
void	 proto_login_forget(struct pconn *pc);
char	*proto_login_failure(struct pconn *pc, int error,
	    xmpp_stream_error_t *se, const char **code);
void	 proto_tls_forget(struct pconn *pc);
void	 proto_session_ended(struct pconn *pc);
void	 proto_iq_session_ended(struct pconn *pc);
void	 proto_disco_session_ended(struct pconn *pc);
void	 proto_bookmark_session_ended(struct pconn *pc);
void	 proto_presence_forget(struct pconn *pc);
extern void (*proto_send_hook)(struct pconn *pc, xmpp_stanza_t *st);
void	 cert_info_free(struct cert_info *ci);
int	 proto_presence_in(xmpp_conn_t *conn, xmpp_stanza_t *st,
	    void *userdata);
void	 proto_presence_restore(struct pconn *pc, const char *status,
	    int priority);
void	 proto_presence_add_show(struct pconn *pc, xmpp_stanza_t *p);
void	 proto_presence_session_ended(struct pconn *pc, bool user_quit);
void	 proto_muc_send_presence(struct pconn *pc);
int	 proto_message_in(xmpp_conn_t *conn, xmpp_stanza_t *st,
	    void *userdata);
void	 proto_send_init(void);
void	 proto_otr_init(void);
void	 proto_otr_hints(xmpp_ctx_t *ctx, xmpp_stanza_t *st);
/* A message from an archive: its archive id and original time. */
struct proto_archived {
	const char	*id;	/* XEP-0359 stanza-id given by the archive */
	gint64		 time;	/* microseconds, from the result's delay; or 0 */
};

void	 proto_message_archived(struct pconn *pc, xmpp_stanza_t *inner,
	    const struct proto_archived *a);
bool	 proto_mam_result(struct pconn *pc, xmpp_stanza_t *st);
void	 proto_muc_ping_watch(struct pconn *pc, const char *room);
void	 proto_muc_ping_heard(struct pconn *pc, const char *room);
void	 proto_muc_ping_forget(const char *account, const char *room);
bool	 proto_muc_archived(struct pconn *pc, const char *room,
	    xmpp_stanza_t *inner, const struct proto_archived *a);
void	 proto_mam_catch_up(struct pconn *pc, const char *room);
void	 proto_mam_heard(struct pconn *pc, const char *archive,
	    const char *id);
bool	 proto_message_direction_ok(struct pconn *pc, xmpp_stanza_t *inner,
	    enum msg_dir dir, const char *what);
bool	 proto_block_push(struct pconn *pc, xmpp_stanza_t *st);
void	 proto_block_fetch(struct pconn *pc);
bool	 proto_muc_presence_in(struct pconn *pc, xmpp_stanza_t *st);
bool	 proto_muc_message_in(struct pconn *pc, xmpp_stanza_t *st);
void	 proto_muc_rejoin(struct pconn *pc);
void	 proto_muc_discover(struct pconn *pc);
void	 proto_muc_discovery_ended(struct pconn *pc);
void	 proto_muc_session_ended(struct pconn *pc);
void	 proto_muc_session_resumed(struct pconn *pc);
void	 proto_bookmark_fetch(struct pconn *pc);
struct pconn *proto_online(const char *account, GError **error);
char	*proto_child_text(struct pconn *pc, xmpp_stanza_t *st,
	    const char *name, size_t max);
xmpp_stanza_t *proto_new_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
	    const char *name, const char *ns);
struct room *proto_muc_joined(struct account *acc, const char *room,
	    GError **error);
char	*proto_error_describe(struct pconn *pc, xmpp_stanza_t *reply);
void	 proto_error_parse(struct pconn *pc, xmpp_stanza_t *st,
	    struct proto_error *out);
void	 proto_error_parse_ctx(xmpp_ctx_t *ctx, xmpp_stanza_t *st,
	    struct proto_error *out);
struct proto_result *proto_query_parse(xmpp_ctx_t *ctx, enum proto_query kind,
	    xmpp_stanza_t *reply, const struct proto_caps *caps,
	    struct proto_error *err);
void	 proto_error_emit(struct pconn *pc, xmpp_stanza_t *st,
	    const char *what, const char *conversation);
void	 proto_sm_note_raw(struct pconn *pc, bool in, const char *xml);
void	 proto_sm_before_connect(struct pconn *pc);
void	 proto_sm_before_online(struct pconn *pc);
void	 proto_sm_on_online(struct pconn *pc);
bool	 proto_sm_may_resume(struct pconn *pc);
bool	 proto_sm_resumed(struct pconn *pc);
bool	 proto_sm_session_over(struct pconn *pc, bool user_quit);
void	 proto_sm_free(struct pconn *pc);
void	 proto_raw_emit(const char *account, bool in, const char *safe,
	    const char *raw);
void	 proto_register_cancel_all(void);
bool	 proto_disco_answer(struct pconn *pc, xmpp_stanza_t *st);
GPtrArray *proto_pubsub_event_parse(xmpp_ctx_t *ctx, xmpp_stanza_t *st);
bool	 proto_pubsub_message_in(struct pconn *pc, xmpp_stanza_t *st);
GPtrArray *proto_pubsub_items_parse(xmpp_ctx_t *ctx, xmpp_stanza_t *reply,
	    struct proto_error *err);
void	 proto_disco_add_caps(struct pconn *pc, xmpp_stanza_t *presence);
void	 proto_disco_note_caps(struct pconn *pc, xmpp_stanza_t *presence);
GPtrArray *proto_disco_features(void);
char	*proto_disco_caps_ver(void);
char	*proto_caps_ver(GPtrArray *identities, GPtrArray *features);
const char *proto_disco_caps_node(void);
void	 proto_add_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
	    const char *name, const char *text);

#endif
