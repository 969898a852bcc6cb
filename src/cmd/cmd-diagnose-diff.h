/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_DIAGNOSE_DIFF_H
#define NATTER_CMD_DIAGNOSE_DIFF_H

/*
 * Comparing two saved /diagnose --json reports (natter --diff, /diagnose
 * compare): what a server gained or lost between them, ignoring what
 * changes on every run (times, uptime, ping minimum and maximum).
 */
#include <glib.h>

#include "cmd.h"
#include "util/json.h"

#define DIAG_REPORT_MAX	(4 * 1024 * 1024)	/* bytes of a saved report */

GPtrArray	*diag_diff(const struct json_node *a, const struct json_node *b);
GPtrArray	*diag_diff_files(const char *path_a, const char *path_b,
		    GError **error);

extern const struct cmd_entry cmd_diagnose_compare_entry;

#endif
