/* SPDX-License-Identifier: MIT */
/*
 * The command table (STYLE §5), alphabetical. It drives dispatch, /help,
 * completion and the man page. Nothing else registers commands.
 */
#include "cmd-entries.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_about_entry,
	&cmd_account_entry,
	&cmd_away_entry,
	&cmd_block_entry,
	&cmd_blocked_entry,
	&cmd_chat_entry,
	&cmd_clear_entry,
	&cmd_close_entry,
	&cmd_connect_entry,
	&cmd_correct_entry,
	&cmd_disconnect_entry,
	&cmd_dnd_entry,
	&cmd_help_entry,
	&cmd_history_entry,
	&cmd_me_entry,
	&cmd_msg_entry,
	&cmd_online_entry,
	&cmd_priority_entry,
	&cmd_quit_entry,
	&cmd_reset_entry,
	&cmd_roster_entry,
	&cmd_set_entry,
	&cmd_status_entry,
	&cmd_sub_entry,
	&cmd_tls_entry,
	&cmd_unblock_entry,
	&cmd_win_entry,
	&cmd_wins_entry,
	&cmd_xa_entry,
	NULL,
};
