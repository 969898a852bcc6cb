/* SPDX-License-Identifier: MIT */
/*
 * XEP-0004 data forms as a model: fields with values and options, set with
 * validation (booleans, list options), described readably. The xmpp layer
 * parses and serializes them; core layer, never prints.
 */
#include <string.h>

#include "form.h"
#include "util/errors.h"

#define FORM_FIELDS_MAX 500

static void
field_free(struct form_field *f)
{
	g_free(f->var);
	g_free(f->type);
	g_free(f->label);
	g_ptr_array_unref(f->values);
	g_ptr_array_unref(f->options);
	g_free(f);
}

/* A new empty form. */
struct form *
form_new(const char *title)
{
	struct form *f = g_new0(struct form, 1);

	f->title = g_strdup(title);
	f->fields = g_ptr_array_new_with_free_func((GDestroyNotify)field_free);
	return f;
}

/* Free a form; NULL is a no-op. */
void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	g_free(f->title);
	g_ptr_array_unref(f->fields);
	g_free(f);
}

/* Append a field (borrowed result), or NULL at the size bound. */
struct form_field *
form_add_field(struct form *f, const char *var, const char *type,
    const char *label)
{
	struct form_field *x;

	if (f->fields->len >= FORM_FIELDS_MAX)
		return NULL;
	x = g_new0(struct form_field, 1);
	x->var = g_strdup(var);
	x->type = g_strdup(type != NULL ? type : "text-single");
	x->label = g_strdup(label);
	x->values = g_ptr_array_new_with_free_func(g_free);
	x->options = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(f->fields, x);
	return x;
}

/* The field named var, or NULL. */
struct form_field *
form_find(struct form *f, const char *var)
{
	guint i;

	for (i = 0; i < f->fields->len; i++) {
		struct form_field *x = g_ptr_array_index(f->fields, i);

		if (g_strcmp0(x->var, var) == 0)
			return x;
	}
	return NULL;
}

static bool
has_option(struct form_field *x, const char *v)
{
	guint i;

	for (i = 0; i < x->options->len; i++)
		if (strcmp(g_ptr_array_index(x->options, i), v) == 0)
			return true;
	return false;
}

/*
 * Set the value of field var (a comma-separated list for list-multi and
 * jid-multi). Booleans take on/off/true/false/1/0; lists only their
 * options.
 */
bool
form_set(struct form *f, const char *var, const char *value, GError **error)
{
	struct form_field *x = form_find(f, var);
	g_auto(GStrv) parts = NULL;
	size_t i;

	if (x == NULL || strcmp(x->type, "fixed") == 0 ||
	    strcmp(x->type, "hidden") == 0) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "the form has no field '%s' to set", var);
		return false;
	}
	g_ptr_array_set_size(x->values, 0);
	if (strcmp(x->type, "boolean") == 0) {
		bool on = g_strv_contains((const char *const[]){ "on", "true",
		    "1", "yes", NULL }, value);

		if (!on && !g_strv_contains((const char *const[]){ "off",
		    "false", "0", "no", NULL }, value)) {
			g_set_error(error, NATTER_CONFIG_ERROR, 0,
			    "%s is on or off", var);
			return false;
		}
		g_ptr_array_add(x->values, g_strdup(on ? "1" : "0"));
		return true;
	}
	parts = g_str_has_suffix(x->type, "-multi") ?
	    g_strsplit(value, ",", -1) : g_strsplit(value, "\x01", 1);
	for (i = 0; parts[i] != NULL; i++) {
		char *v = g_strstrip(parts[i]);

		if (g_str_has_prefix(x->type, "list-") && x->options->len > 0 &&
		    !has_option(x, v)) {
			g_set_error(error, NATTER_CONFIG_ERROR, 0,
			    "%s: '%s' is not one of the options", var, v);
			return false;
		}
		g_ptr_array_add(x->values, g_strdup(v));
	}
	return true;
}

/* New readable text: one line per field, "var (label) = values [options]". */
char *
form_describe(const struct form *f)
{
	GString *s = g_string_new(f->title != NULL ? f->title : "form");
	guint i, j;

	for (i = 0; i < f->fields->len; i++) {
		struct form_field *x = g_ptr_array_index(f->fields, i);

		if (strcmp(x->type, "hidden") == 0 || x->var == NULL)
			continue;
		g_string_append_printf(s, "\n  %s", x->var);
		if (x->label != NULL)
			g_string_append_printf(s, " (%s)", x->label);
		g_string_append(s, " =");
		for (j = 0; j < x->values->len; j++)
			g_string_append_printf(s, "%s%s", j ? ", " : " ",
			    (char *)g_ptr_array_index(x->values, j));
		if (x->options->len > 0) {
			g_string_append(s, "  [");
			for (j = 0; j < x->options->len; j++)
				g_string_append_printf(s, "%s%s", j ? "|" : "",
				    (char *)g_ptr_array_index(x->options, j));
			g_string_append(s, "]");
		}
		if (strcmp(x->type, "boolean") == 0)
			g_string_append(s, "  [on|off]");
	}
	return g_string_free(s, FALSE);
}
