/* SPDX-License-Identifier: MIT */
/*
 * Terminal-safe text (PRODUCT §3, STYLE §10.1). Every string that comes from
 * outside natter (network, files, child processes) passes through
 * sanitize_text() before it reaches the terminal or the log. The result is
 * valid UTF-8 that contains no byte that can move the cursor, change
 * attributes or reorder text: C0 controls (but tab/newline on request), DEL
 * and ESC become caret notation (^[), C1 controls, bidi controls and
 * invisible format characters become <U+XXXX>, invalid UTF-8 becomes U+FFFD.
 * util layer: GLib only.
 */
#include <glib.h>
#include <string.h>

#include "sanitize.h"

/* Characters shown as <U+XXXX>: C1, bidi controls, invisible formatting. */
bool
sanitize_is_visible_escape(unsigned int c)
{
	if (c >= 0x80 && c <= 0x9f)
		return true;
	/* Zero-width joiner/non-joiner are needed by emoji and scripts. */
	if (c == 0x200c || c == 0x200d)
		return false;
	if (c == 0x2028 || c == 0x2029)
		return true;
	return g_unichar_type(c) == G_UNICODE_FORMAT;
}

static void
append_c0(GString *out, unsigned char c, unsigned flags)
{
	if (c == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) {
		g_string_append_c(out, '\n');
		return;
	}
	if (c == '\t') {
		g_string_append_c(out, (flags & SANITIZE_KEEP_TAB) ? '\t' : ' ');
		return;
	}
	g_string_append_c(out, '^');
	g_string_append_c(out, c == 0x7f ? '?' : (char)(c + 0x40));
}

/*
 * Return a newly allocated, terminal-safe copy of the first len bytes of s
 * (len may be -1 for a NUL-terminated string; NUL bytes inside len are
 * shown as ^@). The caller frees the result with g_free().
 */
char *
sanitize_text(const char *s, size_t len, unsigned flags)
{
	GString *out;
	const char *p, *end;

	if (s == NULL)
		return g_strdup("");
	if (len == (size_t)-1)
		len = strlen(s);
	out = g_string_sized_new(len + 8);
	p = s;
	end = s + len;
	while (p < end) {
		unsigned char b = (unsigned char)*p;
		gunichar c;

		if (b < 0x20 || b == 0x7f) {
			append_c0(out, b, flags);
			p++;
			continue;
		}
		if (b < 0x80) {
			g_string_append_c(out, (char)b);
			p++;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(out, "\xef\xbf\xbd");	/* U+FFFD */
			p++;
			continue;
		}
		if (sanitize_is_visible_escape(c))
			g_string_append_printf(out, "<U+%04X>", c);
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
		p = g_utf8_next_char(p);
	}
	return g_string_free(out, FALSE);
}

/* sanitize_text() of a NUL-terminated string, on one line. */
char *
sanitize_str(const char *s)
{
	return sanitize_text(s, (size_t)-1, SANITIZE_ONE_LINE);
}

/*
 * Number of terminal cells taken by valid UTF-8 text (wide characters count
 * two, combining and zero-width characters none).
 */
size_t
sanitize_width(const char *utf8)
{
	size_t w = 0;
	const char *p;

	for (p = utf8; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iszerowidth(c))
			continue;
		w += g_unichar_iswide(c) ? 2 : 1;
	}
	return w;
}

/*
 * New copy of valid UTF-8 text cut to at most cols terminal cells (never in
 * the middle of a character).
 */
char *
sanitize_fit(const char *utf8, size_t cols)
{
	const char *p;
	size_t w = 0;

	for (p = utf8; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		size_t cw = g_unichar_iszerowidth(c) ? 0 :
		    g_unichar_iswide(c) ? 2 : 1;

		if (w + cw > cols)
			break;
		w += cw;
	}
	return g_strndup(utf8, p - utf8);
}
