/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMLREC_H
#define NATTER_XMLREC_H

/*
 * Recording the XML console to a file as JSON Lines (one object a line):
 *   {"time":"2026-01-02T03:04:05.123456Z","account":"a@example.org",
 *    "dir":"in"|"out","n":12,"pair":11|null,"xml":"<iq .../>"}
 * time is UTC with microseconds; n is the console's stanza number; pair is
 * the number of the request a reply answers (null otherwise: a request's
 * reply is not known when it is written); xml is the element as kept by
 * the console, already redacted. doc/xmlconsole-record.md has the schema.
 */
#include <glib.h>
#include <stdbool.h>

#include "xmlcon.h"

char		*xmlrec_line(const struct xmlcon_entry *e);
bool		 xmlrec_start(const char *path, GError **error);
void		 xmlrec_stop(void);
const char	*xmlrec_path(void);	/* NULL: not recording */
guint64		 xmlrec_written(void);
gint64		 xmlrec_load(const char *path, GError **error);

#endif
