/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PROTO_RESEND_H
#define NATTER_PROTO_RESEND_H

#include "proto-internal.h"

bool	 proto_resend_lookup(const char *account, guint64 token,
	    gint64 since);
bool	 proto_resend_result(struct pconn *pc, xmpp_stanza_t *st,
	    xmpp_stanza_t *result);

#endif
