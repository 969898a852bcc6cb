/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TUI_H
#define NATTER_TUI_H

#include <stdbool.h>

bool	tui_start(char **error);
void	tui_stop(void);

#endif
