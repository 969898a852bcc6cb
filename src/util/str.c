/* SPDX-License-Identifier: MIT */
/* Small string helpers. util layer. */
#include <string.h>

#include "str.h"

/* The noun for a count of n: one for 1, many otherwise (0 items). */
const char *
str_plural(guint64 n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

gint
str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
