/* SPDX-License-Identifier: MIT */
/*
 * The command table (STYLE §5), alphabetical. It drives dispatch, /help,
 * completion and the man page. Nothing else registers commands.
 */
#include "cmd-entries.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_about_entry,
	&cmd_account_entry,
	&cmd_clear_entry,
	&cmd_close_entry,
	&cmd_connect_entry,
	&cmd_disconnect_entry,
	&cmd_help_entry,
	&cmd_quit_entry,
	&cmd_reset_entry,
	&cmd_set_entry,
	&cmd_tls_entry,
	&cmd_win_entry,
	&cmd_wins_entry,
	NULL,
};
