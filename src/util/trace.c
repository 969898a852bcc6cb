/* SPDX-License-Identifier: MIT */
/*
 * The benchmark trace: with NATTER_BENCH_TRACE=PATH in the environment,
 * natter appends timestamped lines to PATH for bench/run.py ("main",
 * "readable", "recv ID", "frame ...", "key PgUp", "input"; bench/README.md
 * lists them). Lines are buffered and written out by TRACE_NOW() (each
 * frame drawn, each key), so a burst of "recv" lines costs no system call
 * of its own. Unset (the normal case), every call site costs one pointer
 * test. Bytes below 0x20 in what is traced become '?': one event, one line.
 * util layer: libc and GLib only; never traces message contents.
 */
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

FILE *trace_file;

/* Open the trace named by NATTER_BENCH_TRACE, if any (append, 0600). */
void
trace_open(void)
{
	const char *path = g_getenv("NATTER_BENCH_TRACE");
	int fd;

	if (path == NULL || *path == '\0' || trace_file != NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	trace_file = fdopen(fd, "a");
	if (trace_file == NULL) {
		close(fd);
		return;
	}
	setvbuf(trace_file, NULL, _IOFBF, 1 << 16);
}

void
trace_close(void)
{
	if (trace_file != NULL)
		fclose(trace_file);
	trace_file = NULL;
}

/* Append one line: the monotonic time, then fmt. */
void
trace_write(bool flush, const char *fmt, ...)
{
	struct timespec ts;
	char line[256];
	va_list ap;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	va_start(ap, fmt);
	(void)g_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = '?';
	fprintf(trace_file, "%lld.%06ld %s\n", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000, line);
	if (flush)
		fflush(trace_file);
}
