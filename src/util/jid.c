/* SPDX-License-Identifier: MIT */
/*
 * JID parsing and comparison (RFC 7622, without full PRECIS: the domain is
 * case-folded, the localpart compared case-insensitively, the resource
 * kept exact). util layer: GLib only.
 */
#include <string.h>

#include "jid.h"
#include "errors.h"

static bool
part_ok(const char *p, size_t n, bool is_domain)
{
	size_t i;

	if (n == 0 || n > JID_PART_MAX)
		return false;
	if (!g_utf8_validate(p, n, NULL))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (is_domain && (c == ' ' || c == '@' || c == '/'))
			return false;
		if (!is_domain && c == ' ')
			return false;
	}
	return true;
}

/*
 * Parse s as local@domain/resource. Returns a new struct jid (free with
 * jid_free()) or NULL with error set for an empty part, a part longer than
 * 1023 bytes, invalid UTF-8, control characters or spaces.
 */
struct jid *
jid_parse(const char *s, GError **error)
{
	const char *at, *slash, *dom;
	size_t dlen;
	struct jid *j;

	g_return_val_if_fail(s != NULL, NULL);
	slash = strchr(s, '/');
	at = strchr(s, '@');
	if (at != NULL && slash != NULL && at > slash)
		at = NULL;	/* '@' inside the resource */
	dom = at != NULL ? at + 1 : s;
	dlen = slash != NULL ? (size_t)(slash - dom) : strlen(dom);
	if ((at != NULL && !part_ok(s, at - s, false)) ||
	    !part_ok(dom, dlen, true) ||
	    (slash != NULL && !part_ok(slash + 1, strlen(slash + 1), false))) {
		g_set_error(error, NATTER_UTIL_ERROR, 0,
		    "'%s' is not a valid JID (expected user@domain/resource)",
		    s);
		return NULL;
	}
	j = g_new0(struct jid, 1);
	if (at != NULL)
		j->local = g_strndup(s, at - s);
	j->domain = g_ascii_strdown(dom, dlen);
	if (j->domain[dlen - 1] == '.')
		j->domain[dlen - 1] = '\0';
	if (slash != NULL)
		j->resource = g_strdup(slash + 1);
	return j;
}

/* Free a JID; NULL is a no-op. */
void
jid_free(struct jid *j)
{
	if (j == NULL)
		return;
	g_free(j->local);
	g_free(j->domain);
	g_free(j->resource);
	g_free(j);
}

/* New string: local@domain (or domain). */
char *
jid_bare(const struct jid *j)
{
	if (j->local != NULL)
		return g_strdup_printf("%s@%s", j->local, j->domain);
	return g_strdup(j->domain);
}

/* New string: the full JID. */
char *
jid_full(const struct jid *j)
{
	g_autofree char *bare = jid_bare(j);

	if (j->resource == NULL)
		return g_steal_pointer(&bare);
	return g_strdup_printf("%s/%s", bare, j->resource);
}

/* New string: the bare JID of s, or NULL when s is not a valid JID. */
char *
jid_bare_of(const char *s)
{
	JID_AUTO j = NULL;

	if (s == NULL)
		return NULL;
	j = jid_parse(s, NULL);
	return j != NULL ? jid_bare(j) : NULL;
}

/* True when s parses as a JID. */
bool
jid_is_valid(const char *s)
{
	JID_AUTO j = s != NULL ? jid_parse(s, NULL) : NULL;

	return j != NULL;
}

/* True when a and b have the same bare JID (localpart case-insensitive). */
bool
jid_bare_equal(const char *a, const char *b)
{
	g_autofree char *ba = jid_bare_of(a);
	g_autofree char *bb = jid_bare_of(b);
	g_autofree char *fa = NULL, *fb = NULL;

	if (ba == NULL || bb == NULL)
		return false;
	fa = g_utf8_casefold(ba, -1);
	fb = g_utf8_casefold(bb, -1);
	return strcmp(fa, fb) == 0;
}
