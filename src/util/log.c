/* SPDX-License-Identifier: MIT */
/*
 * The debug log ($XDG_STATE_HOME/natter/natter.log, mode 0600). Every line
 * is sanitized like display text, so a hostile string cannot forge log lines
 * or reach a terminal that cats the log. Callers never pass secrets: the
 * xmpp layer redacts SASL payloads before anything is logged.
 * util layer: libc and GLib only.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sanitize.h"

static FILE *log_file;
static enum log_level log_level = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/*
 * Open (append) the log at path, creating it mode 0600. On failure returns
 * false and sets *error to a new message.
 */
bool
log_open(const char *path, enum log_level level, char **error)
{
	int fd;

	log_close();
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return false;
	}
	(void)fchmod(fd, 0600);
	log_file = fdopen(fd, "a");
	if (log_file == NULL) {
		close(fd);
		*error = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return false;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	log_level = level;
	return true;
}

/* Close the log; later log_write() calls are dropped. */
void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

/* Change the threshold. */
void
log_set_level(enum log_level level)
{
	log_level = level;
}

/* Current threshold. */
enum log_level
log_get_level(void)
{
	return log_level;
}

/* Parse "debug|info|warn|error". */
bool
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(level_names); i++) {
		if (g_ascii_strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

/* Append one sanitized line "time level func: message" to the log. */
void
log_write(enum log_level level, const char *func, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL, *safe = NULL, *ts = NULL;
	g_autoptr(GDateTime) now = NULL;

	if (log_file == NULL || level < log_level)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	safe = sanitize_text(msg, (size_t)-1, SANITIZE_ONE_LINE);
	now = g_date_time_new_now_local();
	ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
	fprintf(log_file, "%s %s %s: %s\n", ts, level_names[level], func, safe);
}
