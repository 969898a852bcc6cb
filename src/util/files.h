/* SPDX-License-Identifier: MIT */
#ifndef NATTER_FILES_H
#define NATTER_FILES_H

#include <glib.h>
#include <stdbool.h>

bool	files_write_private(const char *path, const char *data, gsize len,
	    GError **error);
int	files_keyfile_line(const char *text, const char *group,
	    const char *key);

#endif
