/* SPDX-License-Identifier: MIT */
#ifndef NATTER_BATCH_H
#define NATTER_BATCH_H

#include <stdbool.h>

void	batch_start(bool json, bool xml);
void	batch_stop(void);
int	batch_exit_status(void);

#endif
