/* SPDX-License-Identifier: MIT */
/*
 * The control socket's file (PRODUCT §9): a UNIX stream socket created
 * mode 0600, never on a path that another user owns or that is not a
 * socket; a stale socket of ours (nobody listening) is replaced; at exit
 * it is removed only if it is still the one we made.
 * frontend layer: no curses, no readline, no libstrophe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control-internal.h"

static bool
fill_addr(struct sockaddr_un *sa, const char *path, char **error)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (*path == '\0' || strlen(path) >= sizeof(sa->sun_path)) {
		*error = g_strdup_printf("control socket path '%s' is empty "
		    "or too long for a UNIX socket address", path);
		return false;
	}
	memcpy(sa->sun_path, path, strlen(path));
	return true;
}

/* True when something accepts connections on sa. */
static bool
someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return ok;
}

/* Clear the way for a new socket at path: only a stale one of ours goes. */
static bool
clear_path(const char *path, const struct sockaddr_un *sa, char **error)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return true;
		*error = g_strdup_printf("control socket %s: %s", path,
		    g_strerror(errno));
		return false;
	}
	if (st.st_uid != getuid()) {
		*error = g_strdup_printf("control socket %s: owned by another "
		    "user; refused", path);
		return false;
	}
	if (!S_ISSOCK(st.st_mode)) {
		*error = g_strdup_printf("control socket %s: exists and is not "
		    "a socket; refused", path);
		return false;
	}
	if (someone_listens(sa)) {
		*error = g_strdup_printf("control socket %s: in use by another "
		    "program", path);
		return false;
	}
	if (unlink(path) < 0) {
		*error = g_strdup_printf("control socket %s: cannot remove the "
		    "stale socket: %s", path, g_strerror(errno));
		return false;
	}
	return true;
}

/* Bind fd at sa with mode 0600 and check what was made. */
static bool
bind_private(int fd, const char *path, const struct sockaddr_un *sa,
    struct stat *made, char **error)
{
	mode_t old = umask(0177);
	int rc = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));

	umask(old);
	if (rc < 0) {
		*error = g_strdup_printf("control socket %s: %s", path,
		    g_strerror(errno));
		return false;
	}
	if (chmod(path, 0600) < 0 || lstat(path, made) < 0 ||
	    !S_ISSOCK(made->st_mode) || made->st_uid != getuid() ||
	    (made->st_mode & 07777) != 0600) {
		*error = g_strdup_printf("control socket %s: could not make it "
		    "private (mode 0600)", path);
		(void)unlink(path);
		return false;
	}
	return true;
}

/* Listen at path; the socket's descriptor, or -1 with *error set. */
int
control_sock_open(const char *path, struct stat *made, char **error)
{
	struct sockaddr_un sa;
	int fd;

	g_return_val_if_fail(path != NULL && made != NULL, -1);
	if (!fill_addr(&sa, path, error) || !clear_path(path, &sa, error))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error = g_strdup_printf("control socket: %s",
		    g_strerror(errno));
		return -1;
	}
	if (!bind_private(fd, path, &sa, made, error)) {
		close(fd);
		return -1;
	}
	if (listen(fd, 8) < 0) {
		*error = g_strdup_printf("control socket %s: %s", path,
		    g_strerror(errno));
		(void)unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Close fd and remove path if it is still the socket we made. */
void
control_sock_close(int fd, const char *path, const struct stat *made)
{
	struct stat st;

	if (fd >= 0)
		close(fd);
	if (path != NULL && lstat(path, &st) == 0 &&
	    st.st_dev == made->st_dev && st.st_ino == made->st_ino)
		(void)unlink(path);
}
