/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PREFS_H
#define NATTER_PREFS_H

#include <glib.h>
#include <stdbool.h>

/* GError codes of NATTER_CONFIG_ERROR used by prefs_set(). */
#define PREFS_ERROR_INVALID 0
#define PREFS_ERROR_NOT_SAVED 2

enum pref_type {
	PREF_BOOL,
	PREF_INT,
	PREF_STRING,
	PREF_ENUM,
};

/* One preference (prefs-table.c). */
struct pref_def {
	const char		*name;		/* "group.key" */
	enum pref_type		 type;
	const char		*def;		/* default, as text */
	long			 min, max;	/* PREF_INT */
	const char *const	*allowed;	/* PREF_ENUM, NULL-terminated */
	const char		*description;
};

extern const struct pref_def pref_table[];
extern const size_t pref_table_len;

const struct pref_def *prefs_find(const char *name);
bool	 prefs_validate(const struct pref_def *d, const char *value,
	    char **canonical, GError **error);
bool	 prefs_load(const char *path, GPtrArray *warnings);
void	 prefs_free(void);
bool	 prefs_set(const char *name, const char *value, GError **error);
bool	 prefs_reset(const char *name, GError **error);
const char *prefs_get(const char *name);
bool	 prefs_get_bool(const char *name);
long	 prefs_get_int(const char *name);
bool	 prefs_is_default(const char *name);

#endif
