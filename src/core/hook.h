/* SPDX-License-Identifier: MIT */
#ifndef NATTER_HOOK_H
#define NATTER_HOOK_H

#include <glib.h>
#include <stdbool.h>

/* A shell command run on an event (lent by hook_list()). */
struct hook {
	guint	 id;
	char	*event;		/* "message", ..., or an event's wire name */
	char	*command;	/* given to sh -c as typed */
};

extern const char *const hook_events[];	/* the names beyond wire names */

bool		 hook_load(const char *path, GPtrArray *warnings);
void		 hook_free_all(void);
guint		 hook_add(const char *event, const char *command,
		    GError **error);
bool		 hook_remove(guint id, GError **error);
GPtrArray	*hook_list(void);

#endif
