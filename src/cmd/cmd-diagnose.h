/* SPDX-License-Identifier: MIT */
/*
 * /diagnose internals shared by the query flow (cmd-diagnose.c) and the
 * report writers (cmd-diagnose-report.c).
 */
#ifndef NATTER_CMD_DIAGNOSE_H
#define NATTER_CMD_DIAGNOSE_H

#include <glib.h>
#include <stdbool.h>

#include "cmd.h"
#include "xmpp/proto-conn.h"

#define DIAG_PINGS 10

struct item {
	char			*jid;
	char			*name;
	struct proto_result	*info;	/* disco#info, or NULL */
};

struct diag {
	struct cmd_ctx		*ctx;
	struct account		*acc;
	char			*domain;
	char			*file;		/* -o FILE, or NULL */
	bool			 own;		/* the domain of our account */
	bool			 json;		/* --json: one JSON object */
	int			 pending;
	struct proto_facts	*facts;
	struct proto_result	*info, *account_info, *version, *last;
	GPtrArray		*items;		/* struct item */
	GArray			*rtts;		/* double, ms */
	GPtrArray		*errors;	/* strings */
	GPtrArray		*scratch;	/* strings flat() made */
};

char	*diag_report_text(struct diag *d);
char	*diag_report_json(struct diag *d);

#endif
