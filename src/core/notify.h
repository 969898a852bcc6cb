/* SPDX-License-Identifier: MIT */
#ifndef NATTER_NOTIFY_H
#define NATTER_NOTIFY_H

#include <stdbool.h>

#define NOTIFY_MAX_RUNNING 4

bool	notify_spawn(const char *title, const char *text);
unsigned notify_running(void);

#endif
