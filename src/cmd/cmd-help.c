/* SPDX-License-Identifier: MIT */
/*
 * Help, the man page's command reference and Tab completion, all rendered
 * from the command table and the preference table: there is no second,
 * hand-written list. cmd layer.
 */
#include <string.h>

#include "cmd.h"
#include "core/account.h"
#include "core/certstore.h"
#include "core/prefs.h"
#include "util/errors.h"

static void
entry_help(GString *s, const struct cmd_entry *e, const char *prefix)
{
	size_t i;

	for (i = 0; e->synopsis[i] != NULL; i++)
		g_string_append_printf(s, "%s%s\n", i == 0 ? "" : "",
		    e->synopsis[i]);
	g_string_append_printf(s, "\n%s\n", e->description);
	if (e->args != NULL && e->args[0].form != NULL) {
		g_string_append(s, "\nArguments:\n");
		for (i = 0; e->args[i].form != NULL; i++)
			g_string_append_printf(s, "  %-22s %s\n",
			    e->args[i].form, e->args[i].meaning);
	}
	if (e->examples != NULL && e->examples[0] != NULL) {
		g_string_append(s, "\nExamples:\n");
		for (i = 0; e->examples[i] != NULL; i++)
			g_string_append_printf(s, "  %s\n", e->examples[i]);
	}
	(void)prefix;
}

static char *
pref_help(const struct pref_def *d)
{
	static const char *const types[] = { "on|off", "number", "text",
		"choice" };
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "%s (%s, default '%s', now '%s')\n%s",
	    d->name, types[d->type], d->def, prefs_get(d->name),
	    d->description);
	if (d->type == PREF_INT)
		g_string_append_printf(s, "\nRange: %ld to %ld", d->min,
		    d->max);
	if (d->type == PREF_ENUM) {
		g_autofree char *l = g_strjoinv("|", (char **)d->allowed);

		g_string_append_printf(s, "\nValues: %s", l);
	}
	return g_string_free(s, FALSE);
}

/*
 * New help text for "CMD" or "set PREF" (name without '/'), or NULL with
 * error for an unknown name.
 */
char *
cmd_help_text(const char *name, GError **error)
{
	const struct cmd_entry *e;
	GString *s;

	if (name[0] == '/')
		name++;
	if (g_str_has_prefix(name, "set ")) {
		const struct pref_def *d = prefs_find(name + 4);

		if (d != NULL)
			return pref_help(d);
	}
	e = cmd_find(name);
	if (e == NULL) {
		g_set_error(error, NATTER_CMD_ERROR, 0,
		    "no command /%s (/help lists them)", name);
		return NULL;
	}
	s = g_string_new(NULL);
	entry_help(s, e, "");
	return g_string_free(s, FALSE);
}

/* New text listing every command with its one-line purpose. */
char *
cmd_help_list(void)
{
	GString *s = g_string_new("Commands (/help COMMAND for details):\n");
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		const char *d = cmd_table[i]->description;
		const char *dot = strstr(d, ". ");
		int n = dot != NULL ? (int)(dot - d) : (int)strlen(d);

		g_string_append_printf(s, "  /%-12s %.*s\n", cmd_table[i]->name,
		    n, d);
	}
	g_string_append(s, "Keys: Alt-1..Alt-0 windows, Alt-j NN window NN, "
	    "Alt-a next active, PgUp/PgDn scroll, Ctrl-L redraw, Tab "
	    "completes, Ctrl-R searches history.");
	return g_string_free(s, FALSE);
}

static void
man_escape(GString *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			g_string_append(out, "\\e");
		else if (*s == '-')
			g_string_append(out, "\\-");
		else if ((*s == '.' || *s == '\'') && (out->len == 0 ||
		    out->str[out->len - 1] == '\n'))
			g_string_append_printf(out, "\\&%c", *s);
		else
			g_string_append_c(out, *s);
	}
}

/* Append the troff command reference (between the man page's markers). */
void
cmd_dump_man(GString *out)
{
	size_t i, j;

	for (i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		g_string_append(out, ".TP\n.B ");
		man_escape(out, e->synopsis[0]);
		g_string_append_c(out, '\n');
		for (j = 1; e->synopsis[j] != NULL; j++) {
			g_string_append(out, ".br\n.B ");
			man_escape(out, e->synopsis[j]);
			g_string_append_c(out, '\n');
		}
		g_string_append(out, ".br\n");
		man_escape(out, e->description);
		g_string_append_c(out, '\n');
		for (j = 0; e->examples != NULL && e->examples[j] != NULL;
		    j++) {
			g_string_append(out, ".br\nExample: ");
			man_escape(out, e->examples[j]);
			g_string_append_c(out, '\n');
		}
	}
}
