/* SPDX-License-Identifier: MIT */
/*
 * Events as text (PRODUCT §9): one line "HH:MM:SS kind account=A key=value"
 * with values quoted when needed and sanitized, or one JSON object per
 * event. Shared by batch mode, the control socket and /hook. The field
 * names come from the event table, never from a list kept here.
 * frontend layer.
 */
#include <string.h>

#include "text.h"
#include "util/sanitize.h"


static void
append_value(GString *s, const char *v)
{
	g_autofree char *safe = sanitize_text(v, (size_t)-1,
	    SANITIZE_ONE_LINE);
	const char *p;

	if (*safe != '\0' && strpbrk(safe, " \"=\\") == NULL) {
		g_string_append(s, safe);
		return;
	}
	g_string_append_c(s, '"');
	for (p = safe; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
}

/* Append " key=value" to a line of text_event_line(), value quoted as
 * needed and sanitized. */
void
text_append_field(GString *s, const char *key, const char *value)
{
	g_string_append_printf(s, " %s=", key);
	append_value(s, value);
}

/* New line of text for ev (no trailing newline). */
char *
text_event_line(const struct ev *ev)
{
	const struct ev_kind_info *k = ev_kind_info(ev->kind);
	g_autoptr(GDateTime) t = ev_local_time(ev);
	g_autofree char *hms = g_date_time_format(t, "%H:%M:%S");
	GString *s = g_string_new(hms);
	size_t i;

	g_string_append_printf(s, " %s", k->name);
	if (ev->account != NULL) {
		g_string_append(s, " account=");
		append_value(s, ev->account);
	}
	for (i = 0; k->fields[i] != NULL; i++) {
		const char *v = ev_field_value(ev, i);

		if (v == NULL)
			continue;
		g_string_append_printf(s, " %s=", k->fields[i]);
		append_value(s, v);
	}
	return g_string_free(s, FALSE);
}

/* New JSON object for ev (one line, no trailing newline). */
char *
text_event_json(const struct ev *ev)
{
	return ev_to_json(ev);
}
