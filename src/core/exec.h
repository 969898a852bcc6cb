/* SPDX-License-Identifier: MIT */
#ifndef NATTER_EXEC_H
#define NATTER_EXEC_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/* How a job ended. */
enum exec_end {
	EXEC_EXITED,		/* exited by itself (code) */
	EXEC_SIGNALLED,		/* killed by a signal it did not get from us */
	EXEC_KILLED,		/* /exec kill */
	EXEC_TIMED_OUT,		/* -t SECONDS passed */
	EXEC_FLOODED,		/* more output than exec.max_output */
	EXEC_QUIT,		/* natter quit while it ran */
};

/* What a job was asked to do; strings are copied. */
struct exec_spec {
	const char	*command;	/* given to sh -c as typed */
	const char	*account;	/* where it was started, or NULL */
	const char	*conversation;	/* chat peer or room, or NULL */
	gint64		 timeout_ms;	/* 0: none */
	bool		 collect;	/* keep the output for the caller */
	const char *const *env;		/* "NAME=VALUE" added, or NULL */
	const char	*input;		/* written to its stdin, or NULL */
	const char	*hook;		/* the /hook that started it, or NULL */
};

/* A finished job, lent to its callback. */
struct exec_result {
	guint		 id;
	enum exec_end	 end;
	int		 code;		/* exit code, or the signal number */
	const char	*output;	/* collected output (collect), or NULL */
	const char	*summary;	/* "exited with status 3", ... */
};

/* A running job, lent by exec_jobs(). */
struct exec_job_info {
	guint		 id;
	pid_t		 pid;
	const char	*command;
	gint64		 started_ms;
};

typedef void exec_done_fn(const struct exec_result *r, void *data);

guint		 exec_start(const struct exec_spec *spec, exec_done_fn *fn,
		    void *data, GError **error);
bool		 exec_kill(guint id);
GArray		*exec_jobs(void);
void		 exec_shutdown(void);

#endif
