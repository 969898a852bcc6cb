/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the XML console's tokeniser, pretty printer, facts
 * and well-formedness check (util/xmlpretty.c), entered as the console
 * enters it: any bytes from the network. Beyond memory errors it checks
 * the promise of the module: no output byte can drive the terminal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmlpretty.h"

static void
check_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();	/* a control byte reached the output */
	if (!g_utf8_validate(s, -1, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xp_opts opts = { 64, 8 };
	g_autofree char *s = g_strndup((const char *)data, size);
	g_autoptr(GPtrArray) lines = xp_format((const char *)data, size, &opts);
	g_autofree char *err = NULL;
	struct xp_top top;
	guint i, j;

	for (i = 0; i < lines->len; i++) {
		struct xp_line *l = g_ptr_array_index(lines, i);

		for (j = 0; j < l->spans->len; j++)
			check_safe(g_array_index(l->spans, struct xp_span,
			    j).text);
	}
	(void)xp_top_parse(s, &top);
	xp_top_clear(&top);
	(void)xp_has_ns(s, "urn:xmpp:ping");
	(void)xp_check(s, &err);
	return 0;
}
