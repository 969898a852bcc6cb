/* SPDX-License-Identifier: MIT */
#ifndef NATTER_JSON_H
#define NATTER_JSON_H

#include <glib.h>

char	*json_string(const char *s);

#endif
