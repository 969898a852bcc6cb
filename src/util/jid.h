/* SPDX-License-Identifier: MIT */
#ifndef NATTER_JID_H
#define NATTER_JID_H

#include <glib.h>
#include <stdbool.h>

/* A parsed JID. All strings owned; local and resource may be NULL. */
struct jid {
	char	*local;
	char	*domain;
	char	*resource;
};

#define JID_PART_MAX 1023

struct jid	*jid_parse(const char *s, GError **error);
void		 jid_free(struct jid *j);
char		*jid_bare(const struct jid *j);
char		*jid_full(const struct jid *j);
char		*jid_bare_of(const char *s);
bool		 jid_is_valid(const char *s);
bool		 jid_bare_equal(const char *a, const char *b);

/* Declares a struct jid * freed at the end of its scope. */
static inline void
jid_freep(struct jid **j)
{
	jid_free(*j);
}
#define JID_AUTO __attribute__((cleanup(jid_freep))) struct jid *

#endif
