/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_DISCO_H
#define NATTER_CMD_DISCO_H

/* Internal to src/cmd: a helper of several command files. */
#include <glib.h>

char		*cmd_expand_path(const char *path);

#endif
