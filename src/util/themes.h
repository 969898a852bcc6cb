/* SPDX-License-Identifier: MIT */
#ifndef NATTER_THEMES_H
#define NATTER_THEMES_H

#include <glib.h>

GPtrArray	*themes_dirs(void);
char		*themes_find(const char *name);
GPtrArray	*themes_list(void);

#endif
