/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_LIFECYCLE_H
#define NATTER_PROTO_LIFECYCLE_H

/* The connection lifecycle of one account; shared by src/xmpp only. */
#include <glib.h>
#include <stdbool.h>

/*
 * offline -> connecting -> tls -> authenticating -> online, and after a
 * loss reconnecting -> connecting ... Each transition is an EV_CONN_STATE
 * ("disconnected" or "failed" when an attempt or a session ends).
 */
enum lc_state {
	LC_OFFLINE,
	LC_CONNECTING,
	LC_TLS,
	LC_AUTHENTICATING,
	LC_ONLINE,
	LC_RECONNECTING,
};

struct lifecycle {
	enum lc_state	 state;
	bool		 retry;		/* reconnect after a loss */
	bool		 now;		/* the next attempt without delay */
	unsigned	 attempt;	/* reconnect attempts since the loss */
	guint		 reconnect_timer;
	guint		 login_timer;	/* the login deadline */
	guint		 live_timer;	/* silence, then the ping deadline */
	guint		 abort_timer;
	guint		 close_timer;	/* our stream end sent: make sure */
	gint64		 last_rx;	/* ms: data last received */
	unsigned long	 rx;		/* elements received */
	unsigned long	 ping_rx;	/* rx when the ping went out */
	bool		 pinging;
	/* Why natter itself ended the stream, or NULL. */
	const char	*abort_code;
	char		*abort_reason;	/* owned */
	bool		 abort_started;
	bool		 abort_polite;	/* close the stream, keep the socket */
	/* What libstrophe's log told about the end of the stream. */
	bool		 peer_closed;
	bool		 tls_failed;
	int		 read_errno;	/* "Unrecoverable error: N", or 0 */
	int		 sock_errno;	/* the socket's own error, or 0 */
	int		 tls_errno;
	char		*tls_detail;	/* owned OpenSSL reason, or NULL */
	char		*parser_refusal; /* owned: why natter's libstrophe
					    refused the server's XML */
};

struct pconn;

void	 proto_lifecycle_emit(struct pconn *pc, const char *state,
	    const char *reason, const char *error);
void	 proto_lifecycle_attempt(struct pconn *pc);
void	 proto_lifecycle_redial(struct pconn *pc);
void	 proto_lifecycle_login_started(struct pconn *pc);
void	 proto_lifecycle_log(struct pconn *pc, const char *area,
	    const char *msg);
void	 proto_lifecycle_traffic(struct pconn *pc, bool in, const char *xml);
void	 proto_lifecycle_online(struct pconn *pc);
void	 proto_lifecycle_auth_policy(struct pconn *pc);
char	*proto_lifecycle_aborted(struct pconn *pc, const char **code);
char	*proto_lifecycle_cause(struct pconn *pc, int error);
void	 proto_lifecycle_ended(struct pconn *pc, const char *code,
	    bool stop);
bool	 proto_lifecycle_stop(struct pconn *pc);
bool	 proto_lifecycle_reconnect(struct pconn *pc, GError **error);
void	 proto_lifecycle_free(struct pconn *pc);
gint64	 proto_lifecycle_backoff(gint64 min_ms, gint64 max_ms,
	    unsigned attempt, guint32 rnd);

#endif
