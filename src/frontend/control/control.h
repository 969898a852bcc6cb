/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CONTROL_H
#define NATTER_CONTROL_H

#include <stdbool.h>

#define CONTROL_LINE_MAX	65536		/* longest request line */
#define CONTROL_OUT_MAX		(1024 * 1024)	/* unread output per client */

bool	control_start(const char *path, char **error);
void	control_stop(void);

#endif
