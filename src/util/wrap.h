/* SPDX-License-Identifier: MIT */
#ifndef NATTER_WRAP_H
#define NATTER_WRAP_H

#include <glib.h>

GPtrArray	*wrap_text(const char *text, int width, int indent);

#endif
