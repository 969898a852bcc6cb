/* SPDX-License-Identifier: MIT */
#ifndef NATTER_BOOKMARK_H
#define NATTER_BOOKMARK_H

#include <glib.h>
#include <stdbool.h>

/* A room bookmark (XEP-0402). Strings owned. */
struct bookmark {
	char	*jid;
	char	*name;
	char	*nick;
	char	*password;
	bool	 autojoin;
};

void		 bookmarks_set(const char *account, const char *jid,
		    const char *name, const char *nick, const char *password,
		    bool autojoin);
void		 bookmarks_remove(const char *account, const char *jid);
struct bookmark	*bookmarks_find(const char *account, const char *jid);
GPtrArray	*bookmarks_list(const char *account);
void		 bookmarks_free(void);

#endif
