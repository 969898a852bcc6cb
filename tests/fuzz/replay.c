/* SPDX-License-Identifier: MIT */
/*
 * Runs a fuzz harness over files (its seed corpus) without libFuzzer, so
 * that `make check` replays every corpus with the normal compiler and
 * the sanitizer build. Usage: replay FILE...
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		g_autofree char *buf = NULL;
		gsize len;

		if (!g_file_get_contents(argv[i], &buf, &len, NULL)) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
