/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the accounts key-file parser (core/account.c),
 * entered as the file enters it: the bytes are written to a file that
 * accounts_load() reads. Every account it keeps must have a valid name
 * and only values that passed validation; a file it could not parse
 * loads no account.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/account.h"
#include "util/jid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *path;

static void
check(struct account *acc)
{
	const char *jid = account_get(acc, "jid");
	const char *port = account_get(acc, "port");

	if (acc->name == NULL || *acc->name == '\0')
		abort();
	if (jid != NULL && !jid_is_valid(jid))
		abort();
	if (port != NULL && (atoi(port) < 1 || atoi(port) > 65535))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *l;
	guint i;
	bool ok;

	if (path == NULL)
		path = g_strdup_printf("%s/natter-fuzz-accounts-%d",
		    g_get_tmp_dir(), (int)getpid());
	if (!g_file_set_contents(path, (const char *)data, (gssize)size,
	    NULL))
		abort();
	ok = accounts_load(path, warnings);
	l = accounts_list();
	if (!ok && l->len != 0)
		abort();
	for (i = 0; i < l->len; i++)
		check(g_ptr_array_index(l, i));
	accounts_free();
	(void)g_unlink(path);
	return 0;
}
