/* SPDX-License-Identifier: MIT */
/*
 * Splitting a command line into arguments (PRODUCT §4): spaces separate,
 * "double quotes" group, backslash escapes the next character inside
 * quotes. Pure; unit-tested and fuzzed. cmd layer.
 */
#include <string.h>

#include "cmd.h"
#include "util/errors.h"

#define CMD_LINE_MAX 65536
#define CMD_ARGS_MAX 256

/*
 * Parse line (the text after the command name) into out. Returns false with
 * error for an unterminated quote, too many arguments or an over-long line.
 * out must be cleared with cmd_args_clear() in both cases.
 */
bool
cmd_parse(const char *line, struct cmd_args *out, GError **error)
{
	GPtrArray *argv = g_ptr_array_new();
	GArray *offs = g_array_new(FALSE, FALSE, sizeof(size_t));
	const char *p = line;
	bool ok = true;

	memset(out, 0, sizeof *out);
	out->raw = g_strdup(line);
	if (strlen(line) > CMD_LINE_MAX) {
		g_set_error(error, NATTER_CMD_ERROR, 0,
		    "command line longer than %d bytes", CMD_LINE_MAX);
		ok = false;
	}
	while (ok && *p != '\0') {
		GString *arg;
		size_t start;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (argv->len >= CMD_ARGS_MAX) {
			g_set_error(error, NATTER_CMD_ERROR, 0,
			    "more than %d arguments", CMD_ARGS_MAX);
			ok = false;
			break;
		}
		start = p - line;
		arg = g_string_new(NULL);
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p != '"') {
				g_string_append_c(arg, *p++);
				continue;
			}
			p++;
			while (*p != '\0' && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				g_string_append_c(arg, *p++);
			}
			if (*p != '"') {
				g_set_error(error, NATTER_CMD_ERROR, 0,
				    "unterminated quote in argument %u",
				    argv->len + 1);
				ok = false;
				break;
			}
			p++;
		}
		g_ptr_array_add(argv, g_string_free(arg, FALSE));
		g_array_append_val(offs, start);
	}
	out->argc = (int)argv->len;
	g_ptr_array_add(argv, NULL);
	out->argv = (char **)g_ptr_array_free(argv, FALSE);
	out->offsets = (size_t *)(void *)g_array_free(offs, FALSE);
	return ok;
}

/* Free what cmd_parse() stored. */
void
cmd_args_clear(struct cmd_args *a)
{
	g_strfreev(a->argv);
	g_free(a->offsets);
	g_free(a->raw);
	memset(a, 0, sizeof *a);
}

/*
 * The raw text from argument i to the end of the line (borrowed), for
 * commands whose last argument is free text; "" when there is none.
 */
const char *
cmd_args_rest(const struct cmd_args *a, int i)
{
	if (i >= a->argc)
		return "";
	return a->raw + a->offsets[i];
}
