/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_ENTRIES_H
#define NATTER_CMD_ENTRIES_H

/* Internal to src/cmd: every table entry, for cmd-table.c. */
#include "cmd.h"

extern const struct cmd_entry cmd_about_entry;
extern const struct cmd_entry cmd_account_entry;
extern const struct cmd_entry cmd_clear_entry;
extern const struct cmd_entry cmd_close_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_disconnect_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_quit_entry;
extern const struct cmd_entry cmd_reset_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_tls_entry;
extern const struct cmd_entry cmd_win_entry;
extern const struct cmd_entry cmd_wins_entry;

#endif
