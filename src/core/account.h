/* SPDX-License-Identifier: MIT */
#ifndef NATTER_ACCOUNT_H
#define NATTER_ACCOUNT_H

#include <glib.h>
#include <stdbool.h>

enum account_state {
	ACCOUNT_OFFLINE,
	ACCOUNT_CONNECTING,
	ACCOUNT_ONLINE,
	ACCOUNT_RECONNECTING,	/* lost; waiting to reconnect */
};

struct roster;

/* A configured account and its live state. */
struct account {
	char			*name;		/* owned */
	GHashTable		*keys;		/* owned: key -> owned value */
	enum account_state	 state;
	char			*bound_jid;	/* owned, while online */
	struct roster		*roster;	/* owned */
	void			*proto;		/* the xmpp layer's, borrowed */
	unsigned		 attempt;	/* reconnect attempt, while
						   ACCOUNT_RECONNECTING */
	bool			 unsaved;	/* not written to the file yet */
};

extern const char *const account_keys[];

/*
 * Called just before an account is freed so that the layer owning
 * acc->proto can close and drop it (registered once, at init: the core
 * never calls upward, STYLE §2).
 */
typedef void account_release_fn(struct account *acc);

void		 account_set_release_hook(account_release_fn *fn);

bool		 accounts_load(const char *path, GPtrArray *warnings);
void		 accounts_free(void);
GPtrArray	*accounts_list(void);
struct account	*account_find(const char *name);
struct account	*account_find_by_jid(const char *jid);
struct account	*account_default(void);
struct account	*account_add(const char *name, const char *jid,
		    GError **error);
struct account	*account_add_unsaved(const char *name, const char *jid,
		    GError **error);
bool		 account_keep(struct account *acc, GError **error);
bool		 account_remove(const char *name, GError **error);
bool		 account_set(struct account *acc, const char *key,
		    const char *value, GError **error);
bool		 account_clear(struct account *acc, const char *key,
		    GError **error);
const char	*account_get(const struct account *acc, const char *key);
bool		 account_key_is_secret(const char *key);
char		*account_nick(const struct account *acc);
const char	*account_state_name(enum account_state state);
unsigned	 accounts_online(void);

#endif
