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

struct diag_meta;

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
	struct diag_dns		*dns;		/* cmd-diagnose-dns.c's */
	struct diag_meta	*meta;		/* host-meta fetches */
	bool			 finishing;	/* report waits for meta */
};

char	*diag_report_text(struct diag *d);
char	*diag_report_json(struct diag *d);
const char *diag_flat(struct diag *d, const char *s);
char	*diag_join(const GPtrArray *a, const char *sep);
void	 diag_step_done(struct diag *d);
void	 diag_resume(struct diag *d);

/* cmd-diagnose-dns.c: SRV records (XEP-0368) and TLS */
void	 diag_dns_start(struct diag *d);
void	 diag_dns_free(struct diag_dns *dns);
void	 diag_dns_text(struct diag *d, GString *s);
void	 diag_dns_json(struct diag *d, GString *j);
bool	 diag_dns_has_direct(struct diag *d);
void	 diag_tls_text(struct diag *d, GString *s);
void	 diag_tls_json(struct diag *d, GString *j);

/* cmd-diagnose-meta.c: XEP-0156 host-meta over HTTPS */
struct diag_meta *diag_meta_start(struct diag *d);
bool	 diag_meta_busy(const struct diag_meta *m);
void	 diag_meta_free(struct diag_meta *m);
void	 diag_meta_text(struct diag *d, GString *s);
void	 diag_meta_json(struct diag *d, GString *j);

#endif
