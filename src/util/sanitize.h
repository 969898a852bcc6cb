/* SPDX-License-Identifier: MIT */
#ifndef NATTER_SANITIZE_H
#define NATTER_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Flags for sanitize_text(). */
enum sanitize_flags {
	SANITIZE_ONE_LINE = 0,		/* newline shown as ^J */
	SANITIZE_KEEP_NEWLINE = 1 << 0,	/* newline kept as a line break */
	SANITIZE_KEEP_TAB = 1 << 1,	/* tab kept (otherwise one space) */
};

char	*sanitize_text(const char *s, size_t len, unsigned flags);
char	*sanitize_str(const char *s);
bool	 sanitize_is_visible_escape(unsigned int c);
size_t	 sanitize_width(const char *utf8);
char	*sanitize_fit(const char *utf8, size_t cols);

#endif
