/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TRACE_H
#define NATTER_TRACE_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The benchmark trace (bench/README.md), not a user feature: off unless
 * NATTER_BENCH_TRACE names a file. A TRACE() costs one test of a pointer
 * when off; when on it appends "SECONDS.MICROSECONDS EVENT ..." lines
 * (CLOCK_MONOTONIC). TRACE_NOW() also writes out what is buffered.
 */
extern FILE *trace_file;

void	trace_open(void);
void	trace_close(void);
void	trace_write(bool flush, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define TRACE(...) do {							\
	if (trace_file != NULL)						\
		trace_write(false, __VA_ARGS__);			\
} while (0)
#define TRACE_NOW(...) do {						\
	if (trace_file != NULL)						\
		trace_write(true, __VA_ARGS__);				\
} while (0)

#endif
