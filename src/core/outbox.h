/* SPDX-License-Identifier: MIT */
#ifndef NATTER_OUTBOX_H
#define NATTER_OUTBOX_H

#include <glib.h>
#include <stdbool.h>

#include "msg.h"

/*
 * What the protocol layer offers the outbox (registered at init; the core
 * never calls upward). ready: the message can go now (account online, a
 * room joined). send: put it on the wire. round_trip: send something the
 * server must answer (a ping to our own server) and call
 * outbox_round_trip_done(account, token) when the answer comes.
 */
struct outbox_transport {
	bool	(*ready)(const struct msg *m);
	bool	(*send)(const struct msg *m, GError **error);
	void	(*round_trip)(const char *account, guint64 token);
	/*
	 * Optional. Look in account's own archive for our messages sent
	 * since since (microseconds): outbox_archived() for each one found,
	 * then outbox_lookup_done(account, token), also when the archive
	 * fails. False when there is no archive to look in.
	 */
	bool	(*lookup)(const char *account, guint64 token, gint64 since);
};

void	 outbox_init(void);
void	 outbox_free(void);
void	 outbox_set_transport(const struct outbox_transport *t);
void	 outbox_add(const struct msg *m);
void	 outbox_flush(const char *account);
void	 outbox_session_started(const char *account);
void	 outbox_session_resumed(const char *account);
void	 outbox_round_trip_done(const char *account, guint64 token);
void	 outbox_lookup_done(const char *account, guint64 token);
bool	 outbox_archived(const char *account, const char *id);
guint	 outbox_unsure(const char *account);
bool	 outbox_take_back(const struct msg *m);
bool	 outbox_confirm(const char *account, const char *peer,
	    const char *id, const char *how);
bool	 outbox_fail(const char *account, const char *id, const char *why);
bool	 outbox_holds(const char *account, const char *id);
guint	 outbox_unconfirmed(const char *account);
guint	 outbox_failures(void);

#endif
