/* SPDX-License-Identifier: MIT */
/*
 * Command options from the entry's declaration (struct cmd_option, the
 * way tmux gives each command an args template): dispatch parses them
 * once, before the handler runs, and the handler asks cmd_opt() and
 * friends instead of walking its arguments by hand. Short options may be
 * grouped ("-oj"), a value may follow in the same word ("-t5") or the
 * next; long ones are "--name" or "--name=VALUE" / "--name VALUE".
 * Pure; unit-tested. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util/errors.h"

/* Stand-in offsets of a CMD_RAW_ARGS entry's one argument. */
static size_t raw_offset;

/* Index of the option called name (short) or long_name, or -1. */
static int
find_short(const struct cmd_option *opts, char name)
{
	int i;

	for (i = 0; opts[i].name != 0 || opts[i].long_name != NULL; i++)
		if (name != 0 && opts[i].name == name)
			return i;
	return -1;
}

static int
find_long(const struct cmd_option *opts, const char *name, size_t len)
{
	int i;

	for (i = 0; opts[i].name != 0 || opts[i].long_name != NULL; i++)
		if (opts[i].long_name != NULL &&
		    strlen(opts[i].long_name) == len &&
		    strncmp(opts[i].long_name, name, len) == 0)
			return i;
	return -1;
}

/*
 * "-t SECONDS" or "--json", as /help shows an option (new string).
 */
char *
cmd_option_form(const struct cmd_option *o)
{
	GString *s = g_string_new(NULL);

	if (o->name != 0)
		g_string_append_printf(s, "-%c", o->name);
	if (o->long_name != NULL)
		g_string_append_printf(s, "%s--%s", s->len > 0 ? ", " : "",
		    o->long_name);
	if (o->value != NULL)
		g_string_append_printf(s, " %s", o->value);
	return g_string_free(s, FALSE);
}

/* Store option i's value (borrowed from the arguments); false if bad. */
static bool
set_value(const struct cmd_option *opts, int i, const char *v,
    struct cmd_args *a, GError **error)
{
	const struct cmd_option *o = &opts[i];
	g_autofree char *form = cmd_option_form(o);
	char *end;
	long n;

	if (v == NULL) {
		g_set_error(error, NATTER_CMD_ERROR, 0, "%s needs a value",
		    form);
		return false;
	}
	if (o->max > o->min) {
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < o->min || n > o->max) {
			g_set_error(error, NATTER_CMD_ERROR, 0, "%s: %s must "
			    "be a number from %ld to %ld", form, o->value,
			    o->min, o->max);
			return false;
		}
		a->opt_number[i] = n;
	}
	a->opt_value[i] = v;
	return true;
}

/*
 * Take one option word w ("-o", "-oj", "-t5", "--json", "--timeout=5");
 * next is the word after it (or NULL), its value when w needs one and has
 * none (*used says so). 0: w is no declared option (the options end
 * there), 1: taken, -1: error.
 */
static int
take_word(const struct cmd_option *opts, const char *w, const char *next,
    bool *used, struct cmd_args *a, GError **error)
{
	const char *p;
	int i;

	*used = false;
	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');
		size_t len = eq != NULL ? (size_t)(eq - w - 2) : strlen(w + 2);

		if ((i = find_long(opts, w + 2, len)) < 0)
			return 0;
		a->opt_given |= 1u << i;
		if (opts[i].value == NULL)
			return eq == NULL ? 1 : (g_set_error(error,
			    NATTER_CMD_ERROR, 0, "--%s takes no value",
			    opts[i].long_name), -1);
		*used = eq == NULL;
		return set_value(opts, i, eq != NULL ? eq + 1 : next, a,
		    error) ? 1 : -1;
	}
	for (p = w + 1; *p != '\0'; p++) {	/* all declared, or none */
		if ((i = find_short(opts, *p)) < 0)
			return 0;
		if (opts[i].value != NULL)
			break;		/* the rest is its value */
	}
	for (p = w + 1; *p != '\0'; p++) {
		i = find_short(opts, *p);
		a->opt_given |= 1u << i;
		if (opts[i].value == NULL)
			continue;
		*used = p[1] == '\0';
		return set_value(opts, i, p[1] != '\0' ? p + 1 : next, a,
		    error) ? 1 : -1;
	}
	return 1;
}

/*
 * Take the options at the front of words (n of them); returns how many
 * words they used, or -1 with error.
 */
static int
take_options(const struct cmd_option *opts, char **words, int n,
    struct cmd_args *a, GError **error)
{
	int i = 0, r;
	bool used;

	while (i < n) {
		const char *w = words[i];

		if (strcmp(w, "--") == 0)
			return i + 1;
		if (w[0] != '-' || w[1] == '\0')
			break;
		r = take_word(opts, w, words[i + 1], &used, a, error);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		i += used ? 2 : 1;
	}
	return i;
}

/*
 * The same for CMD_RAW_ARGS: the words are split at blanks only (kept in
 * opt_words for the values), and the text after the options stays as
 * typed: it becomes the one argument.
 */
static bool
parse_raw(const struct cmd_option *opts, struct cmd_args *a, GError **error)
{
	const char *text = a->argc > 0 ? a->argv[0] : "";
	GPtrArray *words = g_ptr_array_new();
	GArray *starts = g_array_new(FALSE, FALSE, sizeof(size_t));
	const char *p = text + strspn(text, " \t"), *rest;
	int used;

	while (*p != '\0') {
		size_t n = strcspn(p, " \t"), at = p - text;

		g_ptr_array_add(words, g_strndup(p, n));
		g_array_append_val(starts, at);
		p += n;
		p += strspn(p, " \t");
	}
	g_ptr_array_add(words, NULL);
	a->opt_words = (char **)g_ptr_array_free(words, FALSE);
	used = take_options(opts, a->opt_words, (int)starts->len, a, error);
	rest = used >= 0 && (guint)used < starts->len ?
	    text + g_array_index(starts, size_t, used) : "";
	g_array_free(starts, TRUE);
	if (used < 0)
		return false;
	a->opt_argv[0] = *rest != '\0' ? (char *)rest : NULL;
	a->opt_argv[1] = NULL;
	a->argc = *rest != '\0' ? 1 : 0;
	a->argv = a->opt_argv;
	a->raw = (char *)rest;
	a->offsets = &raw_offset;
	return true;
}

/*
 * The same for CMD_OPTS_ANYWHERE: options may stand between and after
 * the other arguments ("/diagnose example.org -o FILE"), up to "--".
 */
static bool
parse_anywhere(const struct cmd_option *opts, struct cmd_args *a,
    GError **error)
{
	GPtrArray *kept = g_ptr_array_new();
	GArray *offs = g_array_new(FALSE, FALSE, sizeof(size_t));
	bool options = true, used, ok = true;
	int i = 0, r;

	while (i < a->argc) {
		const char *w = a->argv[i];

		if (options && strcmp(w, "--") == 0) {
			options = false;
			i++;
			continue;
		}
		r = options && w[0] == '-' && w[1] != '\0' ? take_word(opts, w,
		    a->argv[i + 1], &used, a, error) : 0;
		if (r < 0) {
			ok = false;
			break;
		}
		if (r > 0) {
			i += used ? 2 : 1;
			continue;
		}
		g_ptr_array_add(kept, (char *)w);
		g_array_append_val(offs, a->offsets[i]);
		i++;
	}
	a->argc = (int)kept->len;
	g_ptr_array_add(kept, NULL);
	a->opt_kept = (char **)g_ptr_array_free(kept, FALSE);
	a->opt_offsets = (size_t *)(void *)g_array_free(offs, FALSE);
	a->argv = a->opt_kept;
	a->offsets = a->opt_offsets;
	return ok;
}

/*
 * Parse the options opts of a command from the front of a's arguments
 * (flags CMD_RAW_ARGS: the one argument is the text as typed; flags
 * CMD_OPTS_ANYWHERE: options may also follow the other arguments).
 * On success a keeps the other arguments (argv and offsets shifted, still
 * owned by the arguments cmd_parse() made) and the options for cmd_opt();
 * cmd_opts_clear() frees what it added. False with error for a value
 * that is missing or out of range.
 */
bool
cmd_opts_parse(const struct cmd_option *opts, unsigned flags,
    struct cmd_args *a, GError **error)
{
	int used;

	a->opt_table = opts;
	a->opt_given = 0;
	memset(a->opt_value, 0, sizeof(a->opt_value));
	memset(a->opt_number, 0, sizeof(a->opt_number));
	a->opt_words = NULL;
	a->opt_kept = NULL;
	a->opt_offsets = NULL;
	if (opts == NULL)
		return true;
	if (flags & CMD_RAW_ARGS)
		return parse_raw(opts, a, error);
	if (flags & CMD_OPTS_ANYWHERE)
		return parse_anywhere(opts, a, error);
	used = take_options(opts, a->argv, a->argc, a, error);
	if (used < 0)
		return false;
	a->argc -= used;
	a->argv += used;
	a->offsets += used;
	return true;
}

/* Free what cmd_opts_parse() added to a. */
void
cmd_opts_clear(struct cmd_args *a)
{
	g_clear_pointer(&a->opt_words, g_strfreev);
	g_clear_pointer(&a->opt_kept, g_free);
	g_clear_pointer(&a->opt_offsets, g_free);
}

static int
index_of(const struct cmd_args *a, char name)
{
	return a->opt_table != NULL ? find_short(a->opt_table, name) : -1;
}

/* True when option -name was given. */
bool
cmd_opt(const struct cmd_args *a, char name)
{
	int i = index_of(a, name);

	return i >= 0 && (a->opt_given & (1u << i)) != 0;
}

/* The value given to option -name (borrowed), or NULL. */
const char *
cmd_opt_value(const struct cmd_args *a, char name)
{
	int i = index_of(a, name);

	return i >= 0 && (a->opt_given & (1u << i)) ? a->opt_value[i] : NULL;
}

/* True when option --long_name was given (by either of its names). */
bool
cmd_opt_long(const struct cmd_args *a, const char *long_name)
{
	int i = a->opt_table != NULL ? find_long(a->opt_table, long_name,
	    strlen(long_name)) : -1;

	return i >= 0 && (a->opt_given & (1u << i)) != 0;
}

/* The number given to option -name (declared with min/max), or dflt. */
long
cmd_opt_number(const struct cmd_args *a, char name, long dflt)
{
	int i = index_of(a, name);

	return i >= 0 && (a->opt_given & (1u << i)) ? a->opt_number[i] : dflt;
}
