/* SPDX-License-Identifier: MIT */
#ifndef NATTER_LOG_H
#define NATTER_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
};

bool	log_open(const char *path, enum log_level level, char **error);
void	log_close(void);
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool	log_level_parse(const char *s, enum log_level *out);
void	log_write(enum log_level level, const char *func, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_write(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __func__, __VA_ARGS__)

#endif
