/* SPDX-License-Identifier: MIT */
#ifndef NATTER_OUTBOX_RESTORE_H
#define NATTER_OUTBOX_RESTORE_H

#include <glib.h>
#include <stdbool.h>

void	 outbox_restore_account(const char *account, gint64 now,
	    bool can_wait);
void	 outbox_restore_forget(void);

#endif
