/* SPDX-License-Identifier: MIT */
#ifndef NATTER_PASSWORD_H
#define NATTER_PASSWORD_H

#include <stdbool.h>

#include "account.h"

/*
 * Called once with the password (borrowed, wiped after the call) or with
 * NULL and a plain error sentence.
 */
typedef void password_fn(const char *password, const char *error,
	    void *data);

bool	 password_fetch(struct account *acc, password_fn *fn, void *data);
void	 password_cancel_all(void);

#endif
