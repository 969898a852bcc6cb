/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XDG_H
#define NATTER_XDG_H

#include <stdbool.h>

enum xdg_kind {
	XDG_CONFIG,
	XDG_DATA,
	XDG_STATE,
};

char	*xdg_path(enum xdg_kind kind, const char *name);
bool	 xdg_ensure_dir(enum xdg_kind kind, char **error);

#endif
