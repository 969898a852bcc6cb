/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the command-line parser (cmd/cmd-parse.c), entered
 * as typed lines enter it. Checks that offsets stay inside the line and
 * that arguments come out in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *line = g_strndup((const char *)data, size);
	struct cmd_args a;
	size_t len = strlen(line), prev = 0;
	int i;

	(void)cmd_parse(line, &a, NULL);
	for (i = 0; i < a.argc; i++) {
		if (a.offsets[i] > len || (i > 0 && a.offsets[i] <= prev))
			abort();
		prev = a.offsets[i];
		(void)cmd_args_rest(&a, i);
	}
	if (a.argv[a.argc] != NULL)
		abort();
	cmd_args_clear(&a);
	return 0;
}
