/* SPDX-License-Identifier: MIT */
#ifndef NATTER_IDLE_H
#define NATTER_IDLE_H

#include <glib.h>

/* The user's last activity (a command or message typed), for XEP-0012. */
void	 idle_touch(void);
gint64	 idle_seconds(void);

#endif
