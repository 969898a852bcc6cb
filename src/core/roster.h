/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ROSTER_H
#define NATTER_ROSTER_H

#include <glib.h>
#include <stdbool.h>

/* One available resource of a contact. Strings owned. */
struct roster_res {
	char		*resource;
	char		*show;		/* online|chat|away|xa|dnd */
	char		*status;	/* or NULL */
	int		 priority;
};

/* One roster entry (RFC 6121 §2). All strings owned. */
struct roster_item {
	char		*jid;		/* bare JID */
	char		*name;		/* or NULL */
	char		*subscription;	/* none|to|from|both|remove */
	char		*ask;		/* "subscribe" while pending, or NULL */
	char		**groups;	/* NULL-terminated */
	GPtrArray	*resources;	/* struct roster_res, owned */
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
GPtrArray		*roster_items(struct roster *r);
void			 roster_presence(struct roster *r, const char *account,
			    const char *from, const char *type,
			    const char *show, const char *status,
			    const char *priority);
const char		*roster_item_show(const struct roster_item *it);
const struct roster_res	*roster_item_best(const struct roster_item *it);
void			 roster_set_ask(struct roster *r, const char *jid,
			    const char *ask);
void			 roster_request_add(struct roster *r, const char *jid,
			    const char *status);
bool			 roster_request_take(struct roster *r, const char *jid);
GPtrArray		*roster_requests(struct roster *r);
guint			 roster_generation(struct roster *r);
void			 roster_block(struct roster *r, const char *jid,
			    bool block);
void			 roster_block_clear(struct roster *r);
bool			 roster_is_blocked(struct roster *r, const char *jid);

#endif
