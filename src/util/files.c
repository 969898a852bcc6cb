/* SPDX-License-Identifier: MIT */
/*
 * Small file helpers shared by the configuration files: writing a private
 * file atomically, and finding the line of a key in key-file text for
 * "file:line: message" reports. util layer: libc and GLib only.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "files.h"

/*
 * Replace path with data: written to path.tmp (mode 0600, its directory
 * created 0700), then renamed, so a crash never leaves half a file.
 */
bool
files_write_private(const char *path, const char *data, gsize len,
    GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
	int fd, saved;

	g_mkdir_with_parents(dir, 0700);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, data, len) == (ssize_t)len &&
	    close(fd) == 0 && rename(tmp, path) == 0)
		return true;
	saved = errno;
	if (fd >= 0)
		(void)unlink(tmp);
	g_set_error(error, NATTER_CONFIG_ERROR, 0, "%s: %s", path,
	    g_strerror(saved));
	return false;
}

/*
 * 1-based line of "key=" inside [group] of key-file text, or 0 when it
 * cannot be found.
 */
int
files_keyfile_line(const char *text, const char *group, const char *key)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree char *hdr = g_strdup_printf("[%s]", group);
	size_t klen = strlen(key);
	bool in = false;
	int i;

	for (i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);

		if (*l == '[')
			in = strcmp(l, hdr) == 0;
		else if (in && strncmp(l, key, klen) == 0 &&
		    (l[klen] == '=' || l[klen] == ' '))
			return i + 1;
	}
	return 0;
}
