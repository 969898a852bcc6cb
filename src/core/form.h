/* SPDX-License-Identifier: MIT */
#ifndef NATTER_FORM_H
#define NATTER_FORM_H

#include <glib.h>
#include <stdbool.h>

/* A data form field (XEP-0004 §3.2). Strings owned. */
struct form_field {
	char		*var;
	char		*type;		/* text-single, boolean, list-single, ... */
	char		*label;
	GPtrArray	*values;	/* char *, owned */
	GPtrArray	*options;	/* char * option values, owned */
};

/* A data form being edited (e.g. a room configuration). */
struct form {
	char		*title;
	GPtrArray	*fields;	/* struct form_field, owned */
};

struct form	*form_new(const char *title);
void		 form_free(struct form *f);
struct form_field *form_add_field(struct form *f, const char *var,
		    const char *type, const char *label);
struct form_field *form_find(struct form *f, const char *var);
bool		 form_set(struct form *f, const char *var, const char *value,
		    GError **error);
char		*form_describe(const struct form *f);

#endif
