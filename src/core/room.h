/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ROOM_H
#define NATTER_ROOM_H

#include <glib.h>
#include <stdbool.h>

#include "form.h"

/* A room occupant (XEP-0045 §5). Strings owned. */
struct occupant {
	char	*nick;
	char	*jid;		/* real JID when the room shows it, or NULL */
	char	*role;		/* moderator|participant|visitor|none */
	char	*affiliation;	/* owner|admin|member|outcast|none */
	char	*show;		/* online|chat|away|xa|dnd */
	char	*status;
	gint64	 last_spoke;	/* for nick completion, 0 if never */
	char	*sort_key;	/* collation key of nick */
	GSequenceIter *pos;	/* borrowed: place in room->sorted */
};

/* A room of an account. Strings owned. */
struct room {
	char		*account;
	char		*jid;		/* room@service */
	char		*nick;		/* our nick */
	char		*password;
	char		*subject;
	bool		 joined;
	bool		 non_anonymous;
	GHashTable	*occupants;	/* nick -> struct occupant */
	GSequence	*sorted;	/* occupants by role then nick (borrowed
					   pointers), kept sorted on every change */
	struct form	*config;	/* owned form being edited, or NULL */
	guint		 generation;	/* bumped on every occupant change */
};

struct room	*room_get(const char *account, const char *jid);
struct room	*room_find(const char *account, const char *jid);
void		 room_remove(const char *account, const char *jid);
GPtrArray	*rooms_of(const char *account);
void		 rooms_free(void);
struct occupant	*room_occupant(struct room *r, const char *nick);
struct occupant	*room_occupant_set(struct room *r, const char *nick,
		    const char *jid, const char *role,
		    const char *affiliation, const char *show,
		    const char *status);
void		 room_occupant_remove(struct room *r, const char *nick);
void		 room_occupant_rename(struct room *r, const char *nick,
		    const char *new_nick);
void		 room_clear(struct room *r);
GPtrArray	*room_occupants(struct room *r);
int		 room_role_rank(const char *role);
bool		 room_mentions(const struct room *r, const char *body,
		    const char *words);

#endif
