/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ROOM_H
#define NATTER_ROOM_H

#include <glib.h>
#include <stdbool.h>

#include "form.h"

/*
 * A room occupant (XEP-0045 §5), one allocation: the nick, its sort key
 * when that differs, and the real JID are stored after the fields; role,
 * affiliation and show are small codes (room_role_name() and friends give
 * the XEP's words). A room of thousands costs a few dozen bytes each.
 */
enum room_role { ROLE_MODERATOR, ROLE_PARTICIPANT, ROLE_VISITOR, ROLE_NONE };
enum room_affiliation { AFF_OWNER, AFF_ADMIN, AFF_MEMBER, AFF_OUTCAST,
	AFF_NONE };
enum room_show { SHOW_ONLINE, SHOW_CHAT, SHOW_AWAY, SHOW_XA, SHOW_DND };

struct occupant {
	gint64		 last_spoke;	/* for nick completion, 0 if never */
	char		*status;	/* owned, or NULL */
	const char	*jid;		/* real JID when the room shows it, or
					   NULL (in this allocation) */
	guint16		 key_off;	/* sort key at nick + key_off */
	guint8		 role;		/* enum room_role */
	guint8		 affiliation;	/* enum room_affiliation */
	guint8		 show;		/* enum room_show */
	char		 nick[];
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
	bool		 unsorted;	/* sorted needs sorting before use */
	GHashTable	*occupants;	/* set of occupant nicks (o->nick) */
	GPtrArray	*sorted;	/* the occupants by role then nick */
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
guint		 room_occupant_count(const struct room *r);
struct occupant	*room_sorted_nth(struct room *r, guint i);
int		 room_role_rank(const char *role);
const char	*room_role_name(unsigned role);
const char	*room_affiliation_name(unsigned affiliation);
const char	*room_show_name(unsigned show);
bool		 room_mentions(const struct room *r, const char *body,
		    const char *words);

#endif
