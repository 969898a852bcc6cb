/* SPDX-License-Identifier: MIT */
#ifndef NATTER_LOOP_H
#define NATTER_LOOP_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef void loop_fd_fn(int fd, short revents, void *data);
typedef void loop_timer_fn(void *data);
typedef void loop_hook_fn(void *data);
typedef void loop_signal_fn(int signo, void *data);
typedef void loop_child_fn(pid_t pid, int status, void *data);

bool	 loop_init(char **error);
void	 loop_free(void);
guint	 loop_add_fd(int fd, short events, loop_fd_fn *fn, void *data);
void	 loop_set_fd_events(guint id, short events);
void	 loop_remove_fd(guint id);
void	 loop_close_fd(guint *id, int *fd);
guint	 loop_add_timer(gint64 delay_ms, loop_timer_fn *fn, void *data);
void	 loop_remove_timer(guint id);
guint	 loop_add_prepare(loop_hook_fn *fn, void *data);
guint	 loop_add_idle(loop_hook_fn *fn, void *data);
guint	 loop_add_lull(loop_hook_fn *fn, void *data);
void	 loop_remove_hook(guint id);
void	 loop_on_signal(int signo, loop_signal_fn *fn, void *data);
void	 loop_watch_child(pid_t pid, loop_child_fn *fn, void *data);
void	 loop_unwatch_child(pid_t pid);
int	 loop_run(void);
void	 loop_quit(int status);
bool	 loop_quitting(void);
gint64	 loop_now_ms(void);
void	 loop_set_clock(gint64 (*now_ms)(void));
unsigned long loop_wakeups(void);
guint	 loop_timers_pending(void);

#endif
