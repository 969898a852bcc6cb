/* SPDX-License-Identifier: MIT */
/*
 * /diagnose: one report on a server (PRODUCT §4). It asks the server for
 * disco#info, disco#items (then disco#info of each service), version,
 * last activity (uptime), disco#info of our own account (features the
 * server offers per account: MAM, PEP, push...), then pings ten times,
 * one after the other. The compliance table is honest: a feature is
 * "supported" only when the server advertised it where the protocol says
 * it is advertised. cmd layer: the queries are xmpp's, the report is ours.
 */
#include <string.h>

#include "cmd-diagnose.h"
#include "cmd-diagnose-diff.h"
#include "cmd-disco.h"
#include "cmd-result.h"
#include "cmd-entries.h"
#include "config.h"
#include "core/account.h"
#include "util/files.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

#define ITEMS_MAX 30

static void
item_free(struct item *it)
{
	g_free(it->jid);
	g_free(it->name);
	proto_result_free(it->info);
	g_free(it);
}

static void
diag_free(struct diag *d)
{
	cmd_ctx_unref(d->ctx);
	g_free(d->domain);
	g_free(d->file);
	proto_facts_free(d->facts);
	proto_result_free(d->info);
	proto_result_free(d->account_info);
	proto_result_free(d->version);
	proto_result_free(d->last);
	g_ptr_array_unref(d->items);
	g_array_unref(d->rtts);
	g_ptr_array_unref(d->errors);
	g_ptr_array_unref(d->scratch);
	diag_dns_free(d->dns);
	diag_meta_free(d->meta);
	g_free(d);
}

/* Show the report, or (-o) write it to the file, mode 0600. */
static void
finish(struct diag *d)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	guint i;

	if (diag_meta_busy(d->meta)) {	/* diag_resume() comes back here */
		d->finishing = true;
		return;
	}
	text = d->json ? diag_report_json(d) : diag_report_text(d);
	if (d->file != NULL) {
		g_autoptr(GError) err = NULL;
		g_autofree char *out = d->json ? g_strconcat(text, "\n", NULL) :
		    g_strdup(text);

		if (files_write_private(d->file, out, strlen(out), &err))
			cmd_print(d->ctx, "diagnosis of %s written to %s",
			    d->domain, d->file);
		else
			cmd_error(d->ctx, "cannot write %s: %s", d->file,
			    err->message);
	} else if (d->json) {
		cmd_print(d->ctx, "%s", text);
	} else {
		lines = g_strsplit(text, "\n", -1);
		for (i = 0; lines[i] != NULL; i++)
			if (lines[i + 1] != NULL || *lines[i] != '\0')
				cmd_print(d->ctx, "%s", lines[i]);
	}
	cmd_done(d->ctx, d->ctx->errored ? CMD_ERROR : CMD_OK);
	diag_free(d);
}

/* The host-meta fetches are in: finish a report that waited for them. */
void
diag_resume(struct diag *d)
{
	if (d->finishing)
		finish(d);
}

static void ping_next(struct diag *d);

/*
 * One ping answered or failed. A lost connection ends the report (no
 * later ping can be answered); a timeout or an error reply does not.
 */
static void
pinged(struct proto_result *res, const struct proto_error *err, void *data)
{
	struct diag *d = data;
	double ms;

	if (res != NULL) {
		ms = (double)res->rtt_us / 1000.0;
		g_array_append_val(d->rtts, ms);
		proto_result_free(res);
	}
	if (err != NULL && err->kind == PROTO_ERR_LOST) {
		finish(d);
		return;
	}
	d->pending--;
	ping_next(d);
}

static void
ping_next(struct diag *d)
{
	if (d->pending <= 0) {
		finish(d);
		return;
	}
	if (!proto_query(d->acc, PQ_PING, d->domain, NULL, pinged, d, NULL))
		finish(d);
}

/* One query of the first round has been answered. */
static void
round_done(struct diag *d)
{
	if (--d->pending > 0)
		return;
	d->pending = DIAG_PINGS;
	ping_next(d);
}

/* One query of the first round (e.g. a DNS lookup) has been answered. */
void
diag_step_done(struct diag *d)
{
	round_done(d);
}

struct answer {
	struct diag		*d;
	struct proto_result	**slot;		/* where the answer goes */
	char			*what;
};

/* "  WHAT: why" for the report's list of what was not answered. */
static void
note_error(struct diag *d, const char *what, const struct proto_error *err)
{
	g_autofree char *why = proto_error_string(err);

	g_ptr_array_add(d->errors, g_strdup_printf("  %s: %s", what, why));
}

static void
answered(struct proto_result *res, const struct proto_error *err, void *data)
{
	struct answer *a = data;
	struct diag *d = a->d;

	if (err != NULL)
		note_error(d, a->what, err);
	else
		*a->slot = res;		/* d owns it now */
	g_free(a->what);
	g_free(a);
	round_done(d);
}

static void
ask(struct diag *d, enum proto_query kind, const char *to,
    struct proto_result **slot, const char *what)
{
	struct answer *a = g_new0(struct answer, 1);

	a->d = d;
	a->slot = slot;
	a->what = g_strdup(what);
	d->pending++;
	if (!proto_query(d->acc, kind, to, NULL, answered, a, NULL)) {
		g_free(a->what);
		g_free(a);
		d->pending--;
	}
}

/* The services are known: ask each for its identity and features. */
static void
items_answered(struct proto_result *res, const struct proto_error *err,
    void *data)
{
	struct diag *d = data;
	guint i;

	if (err != NULL)
		note_error(d, "services (disco#items)", err);
	for (i = 0; res != NULL && i < res->u.items->len && d->items->len <
	    ITEMS_MAX; i++) {
		const struct proto_item *pi = g_ptr_array_index(res->u.items,
		    i);
		struct item *it;
		g_autofree char *what = NULL;

		if (pi->node != NULL && *pi->node != '\0')
			continue;	/* items with a node are not services */
		it = g_new0(struct item, 1);
		it->jid = g_strdup(pi->jid);
		it->name = g_strdup(pi->name != NULL ? pi->name : "");
		g_ptr_array_add(d->items, it);
		what = g_strdup_printf("disco#info of %s", it->jid);
		ask(d, PQ_DISCO_INFO, it->jid, &it->info, what);
	}
	proto_result_free(res);
	round_done(d);
}

static enum cmd_status
diagnose_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = ctx->acc;
	g_autoptr(GError) err = NULL;
	const char *domain = a->argc > 0 ? a->argv[0] : NULL;
	const char *file = cmd_opt_value(a, 'o');
	bool json = cmd_opt_long(a, "json");
	JID_AUTO own = NULL;
	struct diag *d;

	if (domain != NULL && domain[0] == '-')
		return cmd_usage(ctx);
	d = g_new0(struct diag, 1);
	d->facts = proto_conn_facts(acc, &err);
	if (d->facts == NULL) {
		g_free(d);
		return cmd_error(ctx, "%s", err->message);
	}
	own = jid_parse(acc->bound_jid, NULL);
	if (domain != NULL && (strchr(domain, '@') != NULL ||
	    strchr(domain, '/') != NULL || !jid_is_valid(domain))) {
		proto_facts_free(d->facts);
		g_free(d);
		return cmd_error(ctx, "'%s' is not a server name", domain);
	}
	d->ctx = cmd_ctx_ref(ctx);
	d->acc = acc;
	d->domain = g_strdup(domain != NULL ? domain : own->domain);
	d->own = g_ascii_strcasecmp(d->domain, own->domain) == 0;
	d->json = json;
	d->file = file != NULL ? cmd_expand_path(file) : NULL;
	d->items = g_ptr_array_new_with_free_func((GDestroyNotify)item_free);
	d->rtts = g_array_new(FALSE, FALSE, sizeof(double));
	d->errors = g_ptr_array_new_with_free_func(g_free);
	d->scratch = g_ptr_array_new_with_free_func(g_free);
	if (!json)
		cmd_print(ctx, "diagnosing %s: asking DNS for its SRV "
		    "records and the server for its features, services, "
		    "software and uptime, fetching its host-meta files, then "
		    "10 pings...", d->domain);
	d->meta = diag_meta_start(d);
	d->pending = 1;		/* held until every first-round query is out */
	diag_dns_start(d);
	ask(d, PQ_DISCO_INFO, d->domain, &d->info, "disco#info");
	ask(d, PQ_VERSION, d->domain, &d->version, "software version");
	ask(d, PQ_LAST, d->domain, &d->last, "uptime (last activity)");
	if (d->own) {
		g_autofree char *bare = jid_bare(own);

		ask(d, PQ_DISCO_INFO, bare, &d->account_info,
		    "disco#info of your account");
	}
	d->pending++;
	if (!proto_query(acc, PQ_DISCO_ITEMS, d->domain, NULL, items_answered,
	    d, NULL))
		d->pending--;
	round_done(d);
	return CMD_PENDING;
}

const struct cmd_entry cmd_diagnose_entry = {
	.name = "diagnose",
	.synopsis = (const char *const[]){
	    "/diagnose [DOMAIN] [--json] [-o FILE]",
	    "/diagnose compare OLD NEW", NULL },
	.description = "One report on a server: how natter is connected (host, "
	    "port, the SRV record used, TLS version, cipher and certificate, "
	    "SASL mechanism, stream management), the SRV records DNS gives "
	    "(_xmpp-client and, for direct TLS, _xmpps-client of XEP-0368) "
	    "with the addresses of each target, "
	    "server software and uptime, a compliance table of the features "
	    "of the XEP-0479 suites (supported only when advertised) with the "
	    "level reached, contact addresses, services, and ping latency "
	    "(min/median/max of 10), and the BOSH, WebSocket and other "
	    "endpoints its host-meta files advertise (XEP-0156, XEP-0487; "
	    "fetched over HTTPS, see the diagnose.* preferences). --json "
	    "gives the same as one JSON object on one line, for scripts and "
	    "batch mode (its keys: natter(1), DIAGNOSE REPORT); /diagnose "
	    "compare lists what changed between two saved ones.",
	.options = (const struct cmd_option[]){
	    { 0, "json", NULL, 0, 0, "the report as one JSON object" },
	    { 'o', NULL, "FILE", 0, 0, "write the report there (mode 0600) "
	      "instead of showing it" },
	    { 0 } },
	.args = (const struct cmd_arg_doc[]){
	    { "DOMAIN", "the server (default: your account's)" },
	    { "OLD", "a report saved with --json -o FILE" },
	    { "NEW", "a later one, compared with OLD" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/diagnose", "/diagnose --json",
	    "/diagnose example.org -o ~/example-report.txt",
	    "/diagnose --json -o ~/report.json",
	    "/diagnose compare ~/before.json ~/after.json", NULL },
	.subcmds = (const struct cmd_entry *const[]){
	    &cmd_diagnose_compare_entry, NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_OPTS_ANYWHERE,
	.target = CMD_TARGET_ACCOUNT, .exec = diagnose_exec,
};
