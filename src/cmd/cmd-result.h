/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_RESULT_H
#define NATTER_CMD_RESULT_H

/*
 * Internal to src/cmd: one text and one JSON renderer per typed query
 * answer (xmpp/proto-result.h), shared by the query commands and
 * /diagnose, and the small JSON writer they use.
 */
#include <glib.h>
#include <stdbool.h>

#include "cmd.h"
#include "xmpp/proto-conn.h"

const char	*cmd_feature_name(const char *ns);
char		*cmd_duration(long long seconds);

GPtrArray	*cmd_result_text(const char *who, const struct proto_result *r);
char		*cmd_result_json(const char *who, const struct proto_result *r,
		    const GPtrArray *advertised);
char		*cmd_result_error_json(const char *who, enum proto_query kind,
		    const struct proto_error *e);
GPtrArray	*cmd_caps_text(const GPtrArray *advertised);
GPtrArray	*cmd_caps_own_text(const struct proto_result *r);
void		 cmd_print_lines(struct cmd_ctx *ctx, const GPtrArray *lines);

void	 cmd_json_str(GString *j, const char *key, const char *value);
void	 cmd_json_error(GString *j, const struct proto_error *e);
void	 cmd_json_raw(GString *j, const char *key, const char *raw);
void	 cmd_json_open(GString *j, const char *key, char bracket);
void	 cmd_json_close(GString *j, char bracket);
void	 cmd_json_strings(GString *j, const char *key, const GPtrArray *s);
void	 cmd_json_identities(GString *j, const GPtrArray *ids);

#endif
