/* SPDX-License-Identifier: MIT */
/*
 * Redaction of credentials in raw traffic (PRODUCT §5). libstrophe logs
 * SASL <auth>, <response>, <challenge> and <success> with their payloads;
 * every raw line passes through proto_raw_redact() before it reaches an
 * event, the log or the screen. <password> (XEP-0077, XEP-0078) is
 * redacted too. Works on text, so it also covers send buffers holding
 * several elements. xmpp layer; pure function, unit-tested.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "proto-raw.h"

static const char *const secret_names[] = { "auth", "response", "challenge",
	"success", "password", NULL };

#define REDACTED "[redacted]"

/* Length of the element name at p (after '<' and an optional prefix). */
static size_t
name_at(const char *p, const char **local)
{
	const char *q = p, *colon = NULL;

	while (*q != '\0' && !g_ascii_isspace(*q) && *q != '>' && *q != '/') {
		if (*q == ':')
			colon = q;
		q++;
	}
	*local = colon != NULL ? colon + 1 : p;
	return q - p;
}

static bool
is_secret(const char *local, size_t len)
{
	const char *const *n;

	for (n = secret_names; *n != NULL; n++)
		if (strlen(*n) == len && strncmp(local, *n, len) == 0)
			return true;
	return false;
}

/* Find the end of the start tag beginning at p ('<'), honouring quotes. */
static const char *
tag_end(const char *p)
{
	char quote = 0;

	for (; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return NULL;
}

/*
 * The first end tag at or after p that is markup: "</" inside a CDATA
 * section or a comment is text (the exact bytes a server sent may hold
 * them), so the content hidden runs past it. NULL when there is none.
 */
static const char *
content_end(const char *p)
{
	for (;;) {
		const char *lt = strchr(p, '<'), *end;

		if (lt == NULL)
			return NULL;
		if (lt[1] == '/')
			return lt;
		end = g_str_has_prefix(lt, "<![CDATA[") ? strstr(lt, "]]>") :
		    g_str_has_prefix(lt, "<!--") ? strstr(lt + 4, "-->") : NULL;
		if (end == NULL && lt[1] == '!')
			return NULL;	/* unterminated: hide the rest */
		p = end != NULL ? end + 3 : lt + 1;
	}
}

/*
 * Return a new copy of xml in which the content of every secret element is
 * replaced by "[redacted]". Unterminated content is redacted to the end.
 */
/* Whether xml may hold a secret element: one of secret_names is in it. */
static bool
may_hold_secret(const char *xml)
{
	const char *const *n;

	for (n = secret_names; *n != NULL; n++)
		if (strstr(xml, *n) != NULL)
			return true;
	return false;
}

char *
proto_raw_redact(const char *xml)
{
	GString *out;
	const char *p = xml;

	if (!may_hold_secret(xml))	/* most stanzas: a plain copy */
		return g_strdup(xml);
	out = g_string_sized_new(strlen(xml));

	while (*p != '\0') {
		const char *lt = strchr(p, '<'), *local, *end, *close;
		size_t nlen, llen;

		if (lt == NULL) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, lt - p);
		nlen = name_at(lt + 1, &local);
		llen = nlen - (local - (lt + 1));
		end = tag_end(lt);
		if (end == NULL) {
			g_string_append(out, lt);
			break;
		}
		g_string_append_len(out, lt, end + 1 - lt);
		p = end + 1;
		if (lt[1] == '/' || lt[1] == '?' || lt[1] == '!' ||
		    end[-1] == '/' || !is_secret(local, llen))
			continue;
		close = content_end(p);
		if (close == p)
			continue;	/* empty element: nothing to hide */
		g_string_append(out, REDACTED);
		if (close == NULL)
			break;
		p = close;
	}
	return g_string_free(out, FALSE);
}
