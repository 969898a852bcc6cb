/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_DISCO_H
#define NATTER_CMD_DISCO_H

/* Internal to src/cmd: helpers shared by cmd-disco.c and cmd-diagnose.c. */
#include <glib.h>

const char	*cmd_feature_name(const char *ns);
char		**cmd_record(const char *rec);
double		 cmd_records_rtt(GPtrArray *recs);
const char	*cmd_records_field(GPtrArray *recs, const char *kind);
char		*cmd_expand_path(const char *path);
char		*cmd_duration(long long seconds);

#endif
