/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the flat JSON parser (util/json-parse.c) that reads
 * XML console recordings (natter --replay), which come from anyone's bug
 * report. Checks: no crash, an error or an object, never both; every
 * value carries its type and strings are valid UTF-8 that json_string()
 * writes back to the same value.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_value(gpointer key, gpointer value, gpointer data)
{
	const char *v = value;
	g_autofree char *lit = NULL, *doc = NULL;
	g_autoptr(GHashTable) again = NULL;

	(void)data;
	if (!g_utf8_validate(key, -1, NULL) || strchr("snbz", v[0]) == NULL)
		abort();
	if (v[0] != 's')
		return;
	if (!g_utf8_validate(v + 1, -1, NULL))
		abort();
	lit = json_string(v + 1);
	doc = g_strdup_printf("{\"k\":%s}", lit);
	again = json_flat_parse(doc, NULL);
	if (again == NULL || strcmp(g_hash_table_lookup(again, "k"), v) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *in = g_strndup((const char *)data, size);
	g_autoptr(GError) err = NULL;
	g_autoptr(GHashTable) o = json_flat_parse(in, &err);

	if ((o == NULL) == (err == NULL))
		abort();
	if (o != NULL)
		g_hash_table_foreach(o, check_value, NULL);
	return 0;
}
