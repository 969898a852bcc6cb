/* SPDX-License-Identifier: MIT */
/* Small string helpers. util layer. */
#include <string.h>

#include "str.h"

gint
str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
