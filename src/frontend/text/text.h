/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include "core/events.h"

char	*text_event_line(const struct ev *ev);
char	*text_event_json(const struct ev *ev);
void	 text_append_field(GString *s, const char *key, const char *value);

#endif
