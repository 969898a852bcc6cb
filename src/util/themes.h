/* SPDX-License-Identifier: MIT */
#ifndef NATTER_THEMES_H
#define NATTER_THEMES_H

#include <glib.h>

#include <stdbool.h>

#define THEMES_ELEMS	26	/* screen elements a theme colours */

/*
 * A theme as read: each element's value as written ("FG [on BG] [bold]
 * [underline] [reverse]"), the built-in default where the file sets none
 * or a bad one. What a value looks like on a terminal is the TUI's
 * business.
 */
struct theme {
	char		*name;			/* "built-in" for the default */
	const char	*specs[THEMES_ELEMS];	/* borrowed from store or
						   the built-in table */
	GStringChunk	*store;
};

GPtrArray	*themes_dirs(void);
char		*themes_find(const char *name);
GPtrArray	*themes_list(void);
const char	*themes_elem_name(guint e);
void		 themes_builtin(struct theme *t);
bool		 themes_read(const char *name, struct theme *t,
		    GPtrArray *warnings);
void		 themes_clear(struct theme *t);

#endif
