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

enum json_type {
	JSON_NULL,
	JSON_BOOL,	/* text: "true" or "false" */
	JSON_NUMBER,	/* text: as written */
	JSON_STRING,	/* text: the value, valid UTF-8 without NUL */
	JSON_ARRAY,	/* items: the elements */
	JSON_OBJECT,	/* items: the members, in order, each with its key */
};

#define JSON_DEPTH_MAX 64	/* nesting accepted by json_parse() */

/* One value of a parsed document; a node owns its key, text and items. */
struct json_node {
	enum json_type	 type;
	char		*key;	/* member name inside an object, else NULL */
	char		*text;	/* string, number or bool; else NULL */
	GPtrArray	*items;	/* struct json_node: array or object */
};

struct json_node *json_parse(const char *text, GError **error);
void	 json_node_free(struct json_node *n);
const struct json_node *json_get(const struct json_node *o, const char *key);
const char *json_get_str(const struct json_node *o, const char *key);
gint64	 json_get_int(const struct json_node *o, const char *key,
	    gint64 dflt);

#endif
