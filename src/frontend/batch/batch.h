/* SPDX-License-Identifier: MIT */
#ifndef NATTER_BATCH_H
#define NATTER_BATCH_H

#include <stdbool.h>

/* Exit statuses (man page, EXIT STATUS; natter --help). */
#define BATCH_EXIT_OK		0
#define BATCH_EXIT_FAILED	1	/* a command failed */
#define BATCH_EXIT_USAGE	2	/* bad command-line arguments */
#define BATCH_EXIT_CONNECT	3	/* an account never got online */
#define BATCH_EXIT_BOUNCED	4	/* a message bounced, a join refused */
#define BATCH_EXIT_UNCONFIRMED	5	/* messages still unconfirmed at exit */

/* wait: seconds to wait at end of input (--wait), or < 0 for the
 * preference batch.flush_timeout. */
void	batch_start(bool json, bool xml, int wait);
void	batch_stop(void);
int	batch_exit_status(void);

#endif
