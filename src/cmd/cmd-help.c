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
#include "core/events.h"
#include "core/prefs.h"
#include "util/errors.h"

/* "a, b, c": the names of e's subcommands (e must have some). */
static char *
sub_names(const struct cmd_entry *e)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; e->subcmds[i] != NULL; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? ", " : "",
		    e->subcmds[i]->name);
	return g_string_free(s, FALSE);
}

static bool
has_subs(const struct cmd_entry *e)
{
	return e->subcmds != NULL && e->subcmds[0] != NULL;
}

/* path: "/cmd" or "/cmd sub", for the pointer to the subcommands' help. */
static void
entry_help(GString *s, const struct cmd_entry *e, const char *path)
{
	size_t i;

	for (i = 0; e->synopsis[i] != NULL; i++)
		g_string_append_printf(s, "%s\n", e->synopsis[i]);
	g_string_append_printf(s, "\n%s\n", e->description);
	if (e->options != NULL && e->options[0].meaning != NULL) {
		g_string_append(s, "\nOptions:\n");
		for (i = 0; e->options[i].meaning != NULL; i++) {
			g_autofree char *f = cmd_option_form(&e->options[i]);

			g_string_append_printf(s, "  %-22s %s\n", f,
			    e->options[i].meaning);
		}
	}
	if (e->args != NULL && e->args[0].form != NULL) {
		g_string_append(s, "\nArguments:\n");
		for (i = 0; e->args[i].form != NULL; i++)
			g_string_append_printf(s, "  %-22s %s\n",
			    e->args[i].form, e->args[i].meaning);
	}
	if (has_subs(e)) {
		g_autofree char *l = sub_names(e);

		g_string_append_printf(s, "\nSubcommands (/help %s "
		    "SUBCOMMAND): %s\n", path + 1, l);
	}
	if (e->examples != NULL && e->examples[0] != NULL) {
		g_string_append(s, "\nExamples:\n");
		for (i = 0; e->examples[i] != NULL; i++)
			g_string_append_printf(s, "  %s\n", e->examples[i]);
	}
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

/* New NULL-terminated array of the non-empty words of text. */
static char **
split_words(const char *text)
{
	g_auto(GStrv) all = g_strsplit_set(text, " \t", -1);
	GPtrArray *w = g_ptr_array_new();
	size_t i;

	for (i = 0; all[i] != NULL; i++)
		if (all[i][0] != '\0')
			g_ptr_array_add(w, g_strdup(all[i]));
	g_ptr_array_add(w, NULL);
	return (char **)g_ptr_array_free(w, FALSE);
}

/*
 * The entry named by words ("cmd" or "cmd sub ..."), its path in *path
 * ("/cmd sub"); NULL with error when a word names nothing.
 */
static const struct cmd_entry *
find_path(char **words, GString *path, GError **error)
{
	const struct cmd_entry *e = cmd_find(words[0]), *sub;
	size_t i;

	if (e == NULL) {
		g_set_error(error, NATTER_CMD_ERROR, 0,
		    "no command /%s (/help shows the list)", words[0]);
		return NULL;
	}
	g_string_append_printf(path, "/%s", e->name);
	for (i = 1; words[i] != NULL; i++) {
		g_autofree char *l = NULL;

		sub = has_subs(e) ? cmd_find_sub(e, words[i]) : NULL;
		if (sub != NULL) {
			e = sub;
			g_string_append_printf(path, " %s", e->name);
			continue;
		}
		if (!has_subs(e)) {
			g_set_error(error, NATTER_CMD_ERROR, 0,
			    "%s has no subcommands (/help %s)", path->str,
			    path->str + 1);
			return NULL;
		}
		l = sub_names(e);
		g_set_error(error, NATTER_CMD_ERROR, 0, "%s has no subcommand "
		    "'%s'; it has: %s", path->str, words[i], l);
		return NULL;
	}
	return e;
}

/*
 * New help text for "CMD", "CMD SUBCOMMAND" or "set PREF" (a leading '/'
 * is optional), or NULL with error for a name that names nothing.
 */
char *
cmd_help_text(const char *name, GError **error)
{
	const struct cmd_entry *e;
	g_auto(GStrv) words = NULL;
	GString *s, *path;

	g_return_val_if_fail(name != NULL, NULL);
	if (name[0] == '/')
		name++;
	if (g_str_has_prefix(name, "set ")) {
		const struct pref_def *d = prefs_find(name + 4);

		if (d != NULL)
			return pref_help(d);
	}
	words = split_words(name);
	if (words[0] == NULL) {
		g_set_error(error, NATTER_CMD_ERROR, 0, "help on what? "
		    "(/help shows the list)");
		return NULL;
	}
	if (cmd_find(words[0]) == NULL && cmd_alias_find(words[0]) != NULL)
		return g_strdup_printf("/%s is an alias for: %s\n(see /help "
		    "alias)", words[0],
		    cmd_alias_find(words[0]));
	path = g_string_new(NULL);
	e = find_path(words, path, error);
	if (e == NULL) {
		g_string_free(path, TRUE);
		return NULL;
	}
	s = g_string_new(NULL);
	entry_help(s, e, path->str);
	g_string_free(path, TRUE);
	return g_string_free(s, FALSE);
}

#define SUGGEST_NAME_MAX 32
#define SUGGEST_MAX 3

/* Edit distance of a and b counting a swap of neighbours as one edit
 * (optimal string alignment); both at most SUGGEST_NAME_MAX bytes. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t d[SUGGEST_NAME_MAX + 1][SUGGEST_NAME_MAX + 1];
	size_t n = strlen(a), m = strlen(b), i, j;

	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			c = MIN(c, MIN(d[i - 1][j], d[i][j - 1]) + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				c = MIN(c, d[i - 2][j - 2] + 1);
			d[i][j] = c;
		}
	return d[n][m];
}

/*
 * How close command name c is to the mistyped name: 0 when name begins
 * it, else the edit distance; -1 when too far to suggest.
 */
static int
closeness(const char *name, const char *c)
{
	size_t len = strlen(name), dist;

	if (len >= 2 && g_str_has_prefix(c, name))
		return 0;
	if (strlen(c) > SUGGEST_NAME_MAX)
		return -1;
	dist = edit_distance(name, c);
	return dist <= (len <= 4 ? 1u : 2u) ? (int)dist : -1;
}

/*
 * New text naming the commands closest to a mistyped name ("/join", or
 * "/disco or /disconnect"): those it begins, else those one or two edits
 * away, the closest only; NULL when none is close.
 */
char *
cmd_suggest(const char *name)
{
	const struct cmd_entry *best[SUGGEST_MAX];
	int score[SUGGEST_MAX];
	size_t i, k, n = 0;
	GString *s;

	g_return_val_if_fail(name != NULL, NULL);
	if (strlen(name) > SUGGEST_NAME_MAX || *name == '\0')
		return NULL;
	for (i = 0; cmd_table[i] != NULL; i++) {
		int c = closeness(name, cmd_table[i]->name);

		/* the table is sorted: ties keep its order */
		if (c < 0 || (n == SUGGEST_MAX && c >= score[n - 1]))
			continue;
		k = n < SUGGEST_MAX ? n++ : n - 1;
		for (; k > 0 && score[k - 1] > c; k--) {
			best[k] = best[k - 1];
			score[k] = score[k - 1];
		}
		best[k] = cmd_table[i];
		score[k] = c;
	}
	if (n == 0)
		return NULL;
	while (score[n - 1] > score[0])
		n--;		/* only the closest */
	s = g_string_new(NULL);
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s/%s", i == 0 ? "" : i + 1 == n ?
		    " or " : ", ", best[i]->name);
	return g_string_free(s, FALSE);
}

/* "Aliases: /j, /greet" when there are some. */
static void
aliases_line(GString *s)
{
	g_autoptr(GPtrArray) names = cmd_alias_names();
	guint i;

	for (i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s/%s", i == 0 ? "Aliases (/alias "
		    "list shows them): " : ", ", (char *)names->pdata[i]);
	if (names->len > 0)
		g_string_append_c(s, '\n');
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
	aliases_line(s);
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

static void
man_entry(GString *out, const struct cmd_entry *e)
{
	size_t j;

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
	for (j = 0; e->examples != NULL && e->examples[j] != NULL; j++) {
		g_string_append(out, ".br\nExample: ");
		man_escape(out, e->examples[j]);
		g_string_append_c(out, '\n');
	}
	if ((e->args == NULL || e->args[0].form == NULL) &&
	    (e->options == NULL || e->options[0].meaning == NULL))
		return;
	g_string_append(out, ".RS\n");
	for (j = 0; e->options != NULL && e->options[j].meaning != NULL; j++) {
		g_autofree char *f = cmd_option_form(&e->options[j]);

		g_string_append(out, ".TP\n.I ");
		man_escape(out, f);
		g_string_append_c(out, '\n');
		man_escape(out, e->options[j].meaning);
		g_string_append_c(out, '\n');
	}
	for (j = 0; e->args != NULL && e->args[j].form != NULL; j++) {
		g_string_append(out, ".TP\n.I ");
		man_escape(out, e->args[j].form);
		g_string_append_c(out, '\n');
		man_escape(out, e->args[j].meaning);
		g_string_append_c(out, '\n');
	}
	g_string_append(out, ".RE\n");
}

/*
 * Append the troff command reference (between the man page's markers):
 * every command, then each of its subcommands, with their arguments.
 */
void
cmd_dump_man(GString *out)
{
	size_t i, j;

	for (i = 0; cmd_table[i] != NULL; i++) {
		const struct cmd_entry *e = cmd_table[i];

		man_entry(out, e);
		for (j = 0; has_subs(e) && e->subcmds[j] != NULL; j++)
			man_entry(out, e->subcmds[j]);
	}
}

/*
 * Append the troff event reference (the man page's EVENTS section, between
 * its markers): every kind of the event table with its description and
 * its fields, in the table's order.
 */
void
cmd_dump_events_man(GString *out)
{
	enum ev_kind k;
	size_t j;

	g_return_if_fail(out != NULL);
	for (k = 0; k < EV__COUNT; k++) {
		const struct ev_kind_info *info = ev_kind_info(k);

		g_string_append(out, ".TP\n.B ");
		man_escape(out, info->name);
		g_string_append(out, "\n");
		man_escape(out, info->description);
		g_string_append(out, ".\n.br\nFields:");
		for (j = 0; info->fields[j] != NULL; j++) {
			g_string_append(out, j == 0 ? " " : ", ");
			man_escape(out, info->fields[j]);
		}
		g_string_append(out, "\n");
	}
}
