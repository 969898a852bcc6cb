/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMLCON_RING_H
#define NATTER_XMLCON_RING_H

/*
 * The compact store behind the XML console (xmlcon.c): entries are fixed
 * size records in one circular array (no allocation per entry), accounts
 * are interned, and the text of the entries is appended to blocks that
 * are deflated once full, so a ring of presence floods or message bursts
 * costs a fraction of its raw size. core layer, used by xmlcon.c only.
 */
#include <glib.h>

#include "xmlcon.h"

struct xmlcon_entry	*xring_push(const char *account, const char *xml,
			    const char *raw);
void			 xring_pop(void);
void			 xring_clear(void);
guint			 xring_len(void);
struct xmlcon_entry	*xring_nth(guint i);
size_t			 xring_bytes(void);
const char		*xring_text(const struct xmlcon_entry *e);
const char		*xring_raw(const struct xmlcon_entry *e);

#endif
