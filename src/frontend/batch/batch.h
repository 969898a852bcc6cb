/* SPDX-License-Identifier: MIT */
#ifndef NATTER_BATCH_H
#define NATTER_BATCH_H

#include <glib.h>
#include <stdbool.h>

/* Exit statuses (man page, EXIT STATUS; natter --help). */
#define BATCH_EXIT_OK		0
#define BATCH_EXIT_FAILED	1	/* a command failed */
#define BATCH_EXIT_USAGE	2	/* bad command-line arguments */
#define BATCH_EXIT_CONNECT	3	/* an account never got online */
#define BATCH_EXIT_BOUNCED	4	/* a message bounced, a join refused */
#define BATCH_EXIT_UNCONFIRMED	5	/* messages still unconfirmed at exit */

/*
 * A line editor for a terminal on stdin (readline, which only the TUI's
 * library may use: main.c hands it over). start(fn) makes it call fn with
 * each finished line (NULL at end of input; fn frees the line with
 * free()); feed() when stdin is readable; hide()/show() around output;
 * stop() ends it.
 */
typedef void batch_line_fn(char *line);
struct batch_line_editor {
	void	(*start)(batch_line_fn *fn);
	void	(*feed)(void);
	void	(*hide)(void);
	void	(*show)(void);
	void	(*stop)(void);
};

/* wait: seconds to wait at end of input (--wait), or < 0 for the
 * preference batch.flush_timeout. editor: used when stdin is a terminal,
 * or NULL. */
void	batch_start(bool json, bool xml, int wait,
	    const struct batch_line_editor *editor);
void	batch_stop(void);
int	batch_exit_status(void);
void	batch_print_recording(void);
gint64	batch_deadline_ms(void);

#endif
