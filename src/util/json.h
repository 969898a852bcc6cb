/* SPDX-License-Identifier: MIT */
#ifndef NATTER_JSON_H
#define NATTER_JSON_H

#include <glib.h>
#include <stdbool.h>

char	*json_string(const char *s);

/*
 * Parse one flat JSON object (string, number, true, false and null
 * values; no nesting) into key -> value, each value prefixed by its type:
 * 's' string, 'n' number (as written), 'b' "true"/"false", 'z' null.
 * Strict: anything else, a duplicate key, or invalid UTF-8 is an error.
 */
GHashTable *json_flat_parse(const char *text, GError **error);

#endif
