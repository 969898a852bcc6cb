/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ROSTER_H
#define NATTER_ROSTER_H

#include <glib.h>

/* One roster entry (RFC 6121 §2). All strings owned. */
struct roster_item {
	char		*jid;		/* bare JID */
	char		*name;		/* or NULL */
	char		*subscription;	/* none|to|from|both|remove */
	char		**groups;	/* NULL-terminated */
};

struct roster;

struct roster		*roster_new(void);
void			 roster_free(struct roster *r);
void			 roster_clear(struct roster *r);
struct roster_item	*roster_find(struct roster *r, const char *jid);
void			 roster_update(struct roster *r, const char *account,
			    const char *jid, const char *name,
			    const char *subscription,
			    const char *const *groups);
guint			 roster_count(struct roster *r);

#endif
