/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CHAT_H
#define NATTER_CHAT_H

#include <glib.h>
#include <stdbool.h>

#include "msg.h"

/* A one-to-one conversation of an account. Strings owned. */
struct chat {
	char	*account;
	char	*peer;		/* bare JID */
	char	*locked;	/* XEP-0296 locked resource, or NULL */
	char	*last_out_id;	/* our last message, for /correct */
	char	*last_in_id;	/* their last message ... */
	char	*last_in_from;	/* ... and who sent it (full JID) */
};

struct chat	*chat_get(const char *account, const char *peer);
struct chat	*chat_find(const char *account, const char *peer);
void		 chat_note(const struct msg *m);
bool		 chat_correction_ok(const struct msg *m);
void		 chat_unlock(const char *account, const char *full_jid);
void		 chats_free(void);

#endif
