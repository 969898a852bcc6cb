/* SPDX-License-Identifier: MIT */
#ifndef NATTER_STR_H
#define NATTER_STR_H

#include <glib.h>

/* g_ptr_array_sort() comparator for arrays of strings (byte order). */
gint	str_ptr_cmp(gconstpointer a, gconstpointer b);

/* one when n is 1, else many: "%u %s", n, str_plural(n, "item", "items") */
const char *str_plural(guint64 n, const char *one, const char *many);

#endif
