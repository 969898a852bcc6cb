/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CONTROL_INTERNAL_H
#define NATTER_CONTROL_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "control.h"

int	control_sock_open(const char *path, struct stat *made, char **error);
void	control_sock_close(int fd, const char *path, const struct stat *made);

#endif
