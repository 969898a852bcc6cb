/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the flat JSON parser (util/json-parse.c) that reads
 * XML console recordings (natter --replay), which come from anyone's bug
 * report. Checks: no crash, an error or an object, never both; every
 * value carries its type and strings are valid UTF-8 that json_string()
 * writes back to the same value. The same input also goes to the tree
 * parser and to the host-meta parsers (XRD and JRD documents come from
 * any web server /diagnose asks): no crash, an error or a result.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostmeta.h"
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
	g_autoptr(GError) e2 = NULL, e3 = NULL, e4 = NULL;
	struct json_node *tree;
	struct hostmeta *hm;

	if (o != NULL)
		g_hash_table_foreach(o, check_value, NULL);
	tree = json_parse(in, &e2);
	if ((tree == NULL) == (e2 == NULL))
		abort();
	json_node_free(tree);
	hm = hostmeta_parse_jrd(in, &e3);
	if ((hm == NULL) == (e3 == NULL))
		abort();
	hostmeta_free(hm);
	hm = hostmeta_parse_xrd((const char *)data, (gssize)size, &e4);
	if ((hm == NULL) == (e4 == NULL))
		abort();
	hostmeta_free(hm);
	return 0;
}
