/* SPDX-License-Identifier: MIT */
/* JSON string literals, for the text front end and reports. util layer. */
#include "json.h"

/* New JSON string literal (with quotes) for s; invalid UTF-8 replaced. */
char *
json_string(const char *s)
{
	g_autofree char *valid = g_utf8_make_valid(s, -1);
	GString *out = g_string_new("\"");
	const unsigned char *p;

	for (p = (const unsigned char *)valid; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}
