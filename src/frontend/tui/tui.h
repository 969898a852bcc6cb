/* SPDX-License-Identifier: MIT */
#ifndef NATTER_TUI_H
#define NATTER_TUI_H

#include <stdbool.h>

bool	tui_start(char **error);
void	tui_stop(void);

/* readline as a line reader for batch mode on a terminal */
void	tui_lineread_start(void (*fn)(char *line));
void	tui_lineread_feed(void);
void	tui_lineread_hide(void);
void	tui_lineread_show(void);
void	tui_lineread_stop(void);

#endif
