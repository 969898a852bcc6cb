/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_ENTRIES_H
#define NATTER_CMD_ENTRIES_H

/* Internal to src/cmd: every table entry, for cmd-table.c, and the
 * window events the commands emit (cmd-win.c). */
#include "cmd.h"

void	cmd_window_open(const char *account, const char *window,
	    const char *peer, const char *input);

extern const struct cmd_entry cmd_about_entry;
extern const struct cmd_entry cmd_alias_entry;
extern const struct cmd_entry cmd_source_entry;
extern const struct cmd_entry cmd_hook_entry;
extern const struct cmd_entry cmd_exec_entry;
extern const struct cmd_entry cmd_affiliation_entry;
extern const struct cmd_entry cmd_ban_entry;
extern const struct cmd_entry cmd_invite_entry;
extern const struct cmd_entry cmd_join_entry;
extern const struct cmd_entry cmd_kick_entry;
extern const struct cmd_entry cmd_leave_entry;
extern const struct cmd_entry cmd_nick_entry;
extern const struct cmd_entry cmd_occupants_entry;
extern const struct cmd_entry cmd_role_entry;
extern const struct cmd_entry cmd_room_entry;
extern const struct cmd_entry cmd_rooms_entry;
extern const struct cmd_entry cmd_topic_entry;
extern const struct cmd_entry cmd_away_entry;
extern const struct cmd_entry cmd_block_entry;
extern const struct cmd_entry cmd_bookmark_entry;
extern const struct cmd_entry cmd_blocked_entry;
extern const struct cmd_entry cmd_unblock_entry;
extern const struct cmd_entry cmd_chat_entry;
extern const struct cmd_entry cmd_correct_entry;
extern const struct cmd_entry cmd_dnd_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_me_entry;
extern const struct cmd_entry cmd_msg_entry;
extern const struct cmd_entry cmd_online_entry;
extern const struct cmd_entry cmd_otr_entry;
extern const struct cmd_entry cmd_priority_entry;
extern const struct cmd_entry cmd_roster_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_sub_entry;
extern const struct cmd_entry cmd_xa_entry;
extern const struct cmd_entry cmd_account_entry;
extern const struct cmd_entry cmd_clear_entry;
extern const struct cmd_entry cmd_close_entry;
extern const struct cmd_entry cmd_connect_entry;
extern const struct cmd_entry cmd_disconnect_entry;
extern const struct cmd_entry cmd_reconnect_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_quit_entry;
extern const struct cmd_entry cmd_reset_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_tls_entry;
extern const struct cmd_entry cmd_win_entry;
extern const struct cmd_entry cmd_wins_entry;
extern const struct cmd_entry cmd_unread_entry;
extern const struct cmd_entry cmd_xml_entry;
extern const struct cmd_entry cmd_xmlconsole_entry;
extern const struct cmd_entry cmd_caps_entry;
extern const struct cmd_entry cmd_disco_entry;
extern const struct cmd_entry cmd_pubsub_entry;
extern const struct cmd_entry cmd_lastactivity_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_time_entry;
extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_diagnose_entry;
extern const struct cmd_entry cmd_mentions_entry;
extern const struct cmd_entry cmd_theme_entry;
extern const struct cmd_entry cmd_search_entry;
extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_subscribe_entry;
extern const struct cmd_entry cmd_unsubscribe_entry;
extern const struct cmd_entry cmd_format_entry;

#endif
