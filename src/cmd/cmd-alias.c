/* SPDX-License-Identifier: MIT */
/*
 * Aliases (PRODUCT §4): a name that stands for a command line, with $1..$9
 * (the arguments, as the parser splits them), $* (the rest of the line as
 * typed) and $$ (a dollar). An alias without references gets its
 * arguments appended. They live in $XDG_CONFIG_HOME/natter/aliases (a key
 * file, group [aliases], mode 0600), are completed with Tab and listed by
 * /help. A built-in command always wins over an alias of the same name;
 * cmd-run.c expands them, at most CMD_ALIAS_DEPTH deep. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "util/errors.h"
#include "util/files.h"

#define ALIAS_NAME_MAX 32
#define ALIAS_LINE_MAX 4096

static GHashTable *aliases;	/* name -> command line, both owned */
static char *alias_path;	/* the file, or NULL (nothing saved) */
static bool alias_broken;	/* the file could not be parsed */

static GHashTable *
table(void)
{
	if (aliases == NULL)
		aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_free);
	return aliases;
}

/* Letters, digits, '-', '_' and '.'; no command or subcommand's name. */
static bool
valid_name(const char *name, char **why)
{
	const char *p;

	if (*name == '\0' || strlen(name) > ALIAS_NAME_MAX) {
		*why = g_strdup_printf("an alias name has 1 to %d characters",
		    ALIAS_NAME_MAX);
		return false;
	}
	for (p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("-_.", *p) == NULL) {
			*why = g_strdup_printf("'%s': an alias name is made of "
			    "letters, digits, '-', '_' and '.'", name);
			return false;
		}
	}
	if (cmd_find(name) != NULL) {
		*why = g_strdup_printf("/%s is a command of natter's own",
		    name);
		return false;
	}
	return true;
}

/*
 * Load the aliases from path (a missing file is not an error); problems
 * go to warnings, and a file that cannot be parsed is never rewritten.
 */
bool
cmd_alias_load(const char *path, GPtrArray *warnings)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) keys = NULL;
	size_t i;

	cmd_alias_free();
	alias_path = g_strdup(path);
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return true;
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s; no aliases, "
		    "the file will not be rewritten", path, err->message));
		alias_broken = true;
		return false;
	}
	keys = g_key_file_get_keys(kf, "aliases", NULL, NULL);
	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		g_autofree char *why = NULL;
		char *v = g_key_file_get_string(kf, "aliases", keys[i], NULL);

		if (v == NULL || !valid_name(keys[i], &why)) {
			g_ptr_array_add(warnings, g_strdup_printf("%s: alias "
			    "'%s' ignored: %s", path, keys[i], why != NULL ?
			    why : "not text"));
			g_free(v);
			continue;
		}
		g_hash_table_replace(table(), g_strdup(keys[i]), v);
	}
	return true;
}

void
cmd_alias_free(void)
{
	g_clear_pointer(&aliases, g_hash_table_unref);
	g_clear_pointer(&alias_path, g_free);
	alias_broken = false;
}

static gint
by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The alias names, sorted (a new array of borrowed strings). */
GPtrArray *
cmd_alias_names(void)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, table());
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(out, k);
	g_ptr_array_sort(out, by_name);
	return out;
}

/* The command line alias name stands for, or NULL. */
const char *
cmd_alias_find(const char *name)
{
	return g_hash_table_lookup(table(), name);
}

static bool
save(GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GPtrArray) names = cmd_alias_names();
	g_autofree char *data = NULL, *dir = NULL;
	gsize len;
	guint i;

	if (alias_path == NULL)
		return true;
	if (alias_broken) {
		g_set_error(error, NATTER_CMD_ERROR, 0, "%s could not be "
		    "parsed, so it is not rewritten; the change applies to this "
		    "session only", alias_path);
		return false;
	}
	for (i = 0; i < names->len; i++)
		g_key_file_set_string(kf, "aliases", names->pdata[i],
		    cmd_alias_find(names->pdata[i]));
	data = g_key_file_to_data(kf, &len, NULL);
	dir = g_path_get_dirname(alias_path);
	(void)g_mkdir_with_parents(dir, 0700);
	return files_write_private(alias_path, data, len, error);
}

/* Append reference p[1] ('1'-'9', '*', '$') of $p; false when missing. */
static bool
append_ref(GString *out, const char *p, const struct cmd_args *args,
    const char *rest)
{
	int n = p[1] - '0';

	if (p[1] == '$')
		g_string_append_c(out, '$');
	else if (p[1] == '*')
		g_string_append(out, rest);
	else if (n > args->argc)
		return false;
	else
		g_string_append(out, args->argv[n - 1]);
	return true;
}

/*
 * The line alias name's template gives for the text typed after the name
 * (new string), or NULL with error when it wants an argument not given.
 */
char *
cmd_alias_expand(const char *name, const char *template, const char *rest,
    GError **error)
{
	struct cmd_args args;
	GString *out = g_string_new(NULL);
	bool refs = false, ok;
	const char *p;

	ok = cmd_parse(rest, &args, error);
	for (p = template; ok && *p != '\0'; p++) {
		if (p[0] != '$' || p[1] == '\0' ||
		    strchr("123456789*$", p[1]) == NULL) {
			g_string_append_c(out, *p);
			continue;
		}
		refs = refs || p[1] != '$';
		ok = append_ref(out, p, &args, rest);
		if (!ok)
			g_set_error(error, NATTER_CMD_ERROR, 0, "/%s wants "
			    "argument $%c (it stands for: %s)", name, p[1],
			    template);
		p++;
	}
	cmd_args_clear(&args);
	if (!ok)
		return g_string_free(out, TRUE);
	if (!refs && *rest != '\0')
		g_string_append_printf(out, " %s", rest);
	return g_string_free(out, FALSE);
}

static enum cmd_status
show(struct cmd_ctx *ctx, const char *name)
{
	const char *t = cmd_alias_find(name);

	if (t == NULL)
		return cmd_error(ctx, "no alias /%s (/alias list shows them)",
		    name);
	cmd_print(ctx, "/%s = %s", name, t);
	return CMD_OK;
}

static enum cmd_status alias_list_exec(struct cmd_ctx *ctx,
    const struct cmd_args *a);

static enum cmd_status
alias_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *name = a->argc == 0 ? "" : a->argv[0][0] == '/' ?
	    a->argv[0] + 1 : a->argv[0];
	const char *line = cmd_args_rest(a, 1);
	g_autofree char *why = NULL;
	g_autoptr(GError) err = NULL;

	if (a->argc == 0)
		return alias_list_exec(ctx, a);
	if (a->argc == 1)
		return show(ctx, name);
	if (!valid_name(name, &why))
		return cmd_error(ctx, "/alias: %s", why);
	if (strlen(line) > ALIAS_LINE_MAX)
		return cmd_error(ctx, "/alias: the command line is longer "
		    "than %d bytes", ALIAS_LINE_MAX);
	g_hash_table_replace(table(), g_strdup(name), g_strdup(line));
	if (!save(&err))
		return cmd_error(ctx, "/%s = %s, but %s", name, line,
		    err->message);
	cmd_print(ctx, "/%s = %s", name, line);
	return CMD_OK;
}

static enum cmd_status
alias_list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GPtrArray) names = cmd_alias_names();
	guint i;

	if (names->len == 0)
		cmd_print(ctx, "no aliases (/alias NAME COMMAND makes one)");
	for (i = 0; i < names->len; i++)
		cmd_print(ctx, "/%s = %s", (char *)names->pdata[i],
		    cmd_alias_find(names->pdata[i]));
	return CMD_OK;
}

static enum cmd_status
alias_remove_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *name = a->argv[0][0] == '/' ? a->argv[0] + 1 : a->argv[0];
	g_autoptr(GError) err = NULL;

	if (!g_hash_table_remove(table(), name))
		return cmd_error(ctx, "no alias /%s (/alias list shows them)",
		    name);
	if (!save(&err))
		return cmd_error(ctx, "/%s removed, but %s", name,
		    err->message);
	cmd_print(ctx, "/%s removed", name);
	return CMD_OK;
}

static const struct cmd_entry alias_list_entry = {
	.name = "list",
	.synopsis = (const char *const[]){ "/alias list", NULL },
	.description = "List the aliases and what they stand for.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/alias list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = alias_list_exec,
};

static const struct cmd_entry alias_remove_entry = {
	.name = "remove",
	.synopsis = (const char *const[]){ "/alias remove NAME", NULL },
	.description = "Forget alias NAME.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "the alias, with or without its '/'" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/alias remove j", NULL },
	.min_args = 1, .max_args = 1,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_ALIAS,
	    CMD_COMPLETE_NONE },
	.flags = CMD_SCRIPT_SAFE, .exec = alias_remove_exec,
};

const struct cmd_entry cmd_alias_entry = {
	.name = "alias",
	.synopsis = (const char *const[]){ "/alias [NAME [COMMAND]]", NULL },
	.description = "Make /NAME stand for COMMAND (a command line, or text "
	    "to send), or show what it stands for. In COMMAND, $1 to $9 are "
	    "the arguments given to /NAME, $* all of them as typed and $$ a "
	    "dollar sign; without any of these the arguments are added at "
	    "the end. Aliases are saved, completed with Tab and listed by "
	    "/help; natter's own commands cannot be redefined.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "letters, digits, '-', '_' and '.'" },
	    { "COMMAND", "what /NAME stands for, the rest of the line" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/alias j /join",
	    "/alias greet /msg $1 hello from natter, $1",
	    "/alias wr /exec -o curl -s wttr.in/$1?format=3", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &alias_list_entry,
	    &alias_remove_entry, NULL },
	.min_args = 0, .max_args = -1,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_ALIAS,
	    CMD_COMPLETE_COMMAND, CMD_COMPLETE_NONE },
	.flags = CMD_SCRIPT_SAFE, .exec = alias_exec,
};
