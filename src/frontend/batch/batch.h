/* SPDX-License-Identifier: MIT */
#ifndef NATTER_BATCH_H
#define NATTER_BATCH_H

#include <stdbool.h>

/* Exit statuses of a batch run besides 0, 1 (a command failed), 2 (usage). */
#define BATCH_EXIT_BOUNCED	4	/* a message bounced */
#define BATCH_EXIT_UNCONFIRMED	5	/* messages still unconfirmed at exit */

void	batch_start(bool json, bool xml);
void	batch_stop(void);
int	batch_exit_status(void);

#endif
