/* SPDX-License-Identifier: MIT */
/*
 * Connection commands: /connect, /disconnect and /tls. Handlers parse and
 * validate, then call src/xmpp; /connect and /tls trust are pending until
 * the login ends. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/certstore.h"
#include "core/password.h"
#include "core/prefs.h"
#include "util/jid.h"
#include "xmpp/proto-conn.h"

/* A /connect waiting for a password or for the login to end. */
struct connect_job {
	struct cmd_ctx			*ctx;	/* referenced */
	char				*account;
	char				*server;
	char				*tls;
	int				 port;
};

static void
job_free(struct connect_job *job)
{
	cmd_ctx_unref(job->ctx);
	g_free(job->account);
	g_free(job->server);
	g_free(job->tls);
	g_free(job);
}

/*
 * An account /connect JID created is written to the accounts file, with
 * the server, port and tls it was given, once it has logged in.
 */
static void
keep_account(struct connect_job *job)
{
	struct account *acc = account_find(job->account);
	g_autoptr(GError) err = NULL;

	if (acc == NULL || !acc->unsaved)
		return;
	if (account_keep(acc, &err))
		cmd_print(job->ctx, "account '%s' saved", acc->name);
	else
		cmd_print(job->ctx, "%s", err->message);
}

static void
connect_done(bool ok, const char *message, void *data)
{
	struct connect_job *job = data;

	if (ok)
		keep_account(job);
	cmd_done_msg(job->ctx, ok ? CMD_OK : CMD_ERROR, message);
	job_free(job);
}

static void
start_login(struct connect_job *job, const char *password)
{
	struct account *acc = account_find(job->account);
	struct proto_connect_opts o = { job->server, job->port, job->tls };
	g_autoptr(GError) err = NULL;

	if (acc == NULL) {
		cmd_error(job->ctx, "account '%s' was removed", job->account);
		connect_done(false, NULL, job);
		return;
	}
	if (!proto_conn_connect(acc, password, &o, connect_done, job, &err)) {
		cmd_error(job->ctx, "%s", err->message);
		connect_done(false, NULL, job);
	}
}

/* The account's password or eval_password answered. */
static void
password_known(const char *password, const char *error, void *data)
{
	struct connect_job *job = data;

	if (password == NULL) {
		cmd_error(job->ctx, "%s", error);
		connect_done(false, NULL, job);
		return;
	}
	start_login(job, password);
}

static void
password_entered(const char *secret, void *data)
{
	struct connect_job *job = data;

	if (secret == NULL || *secret == '\0') {
		cmd_error(job->ctx, "no password given; not connecting");
		connect_done(false, NULL, job);
		return;
	}
	start_login(job, secret);
}

static bool
parse_options(struct cmd_ctx *ctx, const struct cmd_args *a, int i,
    struct connect_job *job)
{
	g_autofree char *canon = NULL;
	char *end;

	for (; i < a->argc; i += 2) {
		const char *k = a->argv[i], *v = a->argv[i + 1];
		g_autoptr(GError) err = NULL;

		if (v == NULL) {
			cmd_usage(ctx);
			return false;
		}
		if (strcmp(k, "server") == 0) {
			g_free(job->server);
			job->server = g_strdup(v);
		} else if (strcmp(k, "port") == 0) {
			job->port = (int)strtol(v, &end, 10);
			if (*end != '\0' || job->port < 1 ||
			    job->port > 65535) {
				cmd_error(ctx, "port must be 1-65535");
				return false;
			}
		} else if (strcmp(k, "tls") == 0) {
			if (!prefs_validate(prefs_find("conn.tls"), v, &canon,
			    &err)) {
				cmd_error(ctx, "tls %s", err->message + 9);
				return false;
			}
			g_free(job->tls);
			job->tls = g_steal_pointer(&canon);
		} else {
			cmd_usage(ctx);
			return false;
		}
	}
	return true;
}

static bool
is_option(const char *s)
{
	return strcmp(s, "server") == 0 || strcmp(s, "port") == 0 ||
	    strcmp(s, "tls") == 0;
}

/* The account named by arg: an account name, or a JID (created). */
static struct account *
account_for(struct cmd_ctx *ctx, const char *arg)
{
	struct account *acc;
	g_autoptr(GError) err = NULL;

	if (arg == NULL)
		return cmd_target_account(ctx, NULL);
	acc = account_find(arg);
	if (acc == NULL && strchr(arg, '@') != NULL)
		acc = account_find_by_jid(arg);
	if (acc != NULL)
		return acc;
	if (strchr(arg, '@') == NULL || !jid_is_valid(arg)) {
		cmd_error(ctx, "no account '%s': give a JID (user@domain) or "
		    "/account add NAME JID", arg);
		return NULL;
	}
	/* Saved only once it logs in (keep_account). */
	acc = account_add_unsaved(arg, arg, &err);
	if (acc == NULL)
		cmd_error(ctx, "%s", err->message);
	return acc;
}

/*
 * The options given to /connect become the keys of an account not saved
 * yet, so that they are saved with it (and a /tls trust reuses them).
 */
static void
remember_options(struct account *acc, const struct connect_job *job)
{
	char port[16];

	if (!acc->unsaved)
		return;
	g_snprintf(port, sizeof(port), "%d", job->port);
	if (job->server != NULL)
		(void)account_set(acc, "server", job->server, NULL);
	if (job->port != 0)
		(void)account_set(acc, "port", port, NULL);
	if (job->tls != NULL)
		(void)account_set(acc, "tls", job->tls, NULL);
}

/*
 * Fetch or ask for the password, then log in: CMD_PENDING. CMD_ERROR
 * (said) when there is none; the caller still owns job then.
 */
static enum cmd_status
ask_password(struct connect_job *job)
{
	struct account *acc = account_find(job->account);
	const struct cmd_ui_ops *ui = cmd_ui_ops();
	g_autofree char *prompt = NULL;

	if (acc == NULL)
		return cmd_error(job->ctx, "account '%s' was removed",
		    job->account);
	/* eval_password runs in the background: the UI stays live. */
	if (password_fetch(acc, password_known, job))
		return CMD_PENDING;
	if (ui != NULL && ui->ask_secret != NULL) {
		prompt = g_strdup_printf("Password for %s: ",
		    account_get(acc, "jid") ? account_get(acc, "jid") :
		    acc->name);
		if (ui->ask_secret(prompt, password_entered, job))
			return CMD_PENDING;
	}
	return cmd_error(job->ctx, "account '%s' has no password; set one "
	    "with /account set %s password PASSWORD or eval_password COMMAND",
	    acc->name, acc->name);
}

/* The host given to /connect was looked up (error NULL: it exists). */
static void
host_checked(const char *error, void *data)
{
	struct connect_job *job = data;

	if (error != NULL) {
		cmd_done_msg(job->ctx, CMD_ERROR, error);
		job_free(job);
	} else if (ask_password(job) != CMD_PENDING) {
		connect_done(false, NULL, job);
	}
}

static enum cmd_status
connect_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *first = a->argc > 0 && !is_option(a->argv[0]) ?
	    a->argv[0] : NULL;
	struct connect_job *job;
	struct account *acc;
	struct proto_connect_opts o = { NULL, 0, NULL };
	enum cmd_status st;

	acc = account_for(ctx, first);
	if (acc == NULL)
		return CMD_ERROR;
	job = g_new0(struct connect_job, 1);
	job->ctx = cmd_ctx_ref(ctx);
	job->account = g_strdup(acc->name);
	if (!parse_options(ctx, a, first != NULL ? 1 : 0, job)) {
		job_free(job);
		return CMD_ERROR;
	}
	remember_options(acc, job);
	/* No password is asked for a host that does not exist. */
	o.server = job->server;
	if (proto_conn_check_host(acc, &o, host_checked, job))
		return CMD_PENDING;
	st = ask_password(job);
	if (st != CMD_PENDING)
		job_free(job);
	return st;
}

/* A /register waiting for its password (twice) or for the server. */
struct register_job {
	struct cmd_ctx	*ctx;		/* referenced */
	char		*jid, *server, *tls, *first;
	int		 port;
};

static void
register_free(struct register_job *r)
{
	cmd_ctx_unref(r->ctx);
	g_free(r->jid);
	g_free(r->server);
	g_free(r->tls);
	if (r->first != NULL)
		memset(r->first, 0, strlen(r->first));
	g_free(r->first);
	g_free(r);
}

/* Registered (or not): on success the account is added for /connect. */
static void
registered(bool ok, const char *message, void *data)
{
	struct register_job *r = data;
	struct account *acc;
	char port[16];

	if (!ok) {
		cmd_error(r->ctx, "%s", message);
		cmd_done(r->ctx, CMD_ERROR);
		register_free(r);
		return;
	}
	cmd_print(r->ctx, "%s", message);
	acc = account_find_by_jid(r->jid);
	if (acc == NULL && (acc = account_add(r->jid, r->jid, NULL)) != NULL) {
		if (r->server != NULL)
			(void)account_set(acc, "server", r->server, NULL);
		g_snprintf(port, sizeof(port), "%d", r->port);
		if (r->port != 0)
			(void)account_set(acc, "port", port, NULL);
		if (r->tls != NULL)
			(void)account_set(acc, "tls", r->tls, NULL);
		cmd_print(r->ctx, "account '%s' added: /connect %s logs in "
		    "(the password is asked, not stored)", acc->name,
		    acc->name);
	}
	cmd_done(r->ctx, CMD_OK);
	register_free(r);
}

static void
register_start(struct register_job *r, const char *password)
{
	g_autoptr(GError) err = NULL;
	const char *tls = r->tls != NULL ? r->tls : prefs_get("conn.tls");

	if (!proto_register(r->jid, password, r->server, r->port, tls,
	    registered, r, &err)) {
		cmd_error(r->ctx, "%s", err->message);
		cmd_done(r->ctx, CMD_ERROR);
		register_free(r);
	}
}

static void
second_password(const char *secret, void *data)
{
	struct register_job *r = data;

	if (secret == NULL || strcmp(secret, r->first) != 0) {
		cmd_error(r->ctx, "the two passwords differ; not registering");
		cmd_done(r->ctx, CMD_ERROR);
		register_free(r);
		return;
	}
	register_start(r, secret);
}

static void
first_password(const char *secret, void *data)
{
	struct register_job *r = data;
	const struct cmd_ui_ops *ui = cmd_ui_ops();

	if (secret == NULL || *secret == '\0' || ui == NULL ||
	    !ui->ask_secret("Same password again: ", second_password, r)) {
		cmd_error(r->ctx, "no password given; not registering");
		cmd_done(r->ctx, CMD_ERROR);
		register_free(r);
		return;
	}
	r->first = g_strdup(secret);
}

static enum cmd_status
register_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const struct cmd_ui_ops *ui = cmd_ui_ops();
	struct connect_job opts = { 0 };
	struct register_job *r;
	const char *password = NULL;
	g_autoptr(GPtrArray) rest = g_ptr_array_new();
	struct cmd_args sub;
	int i;

	/* "password PW" is ours; server, port and tls as for /connect. */
	for (i = 1; i < a->argc; i++) {
		if (strcmp(a->argv[i], "password") == 0 && i + 1 < a->argc)
			password = a->argv[++i];
		else
			g_ptr_array_add(rest, a->argv[i]);
	}
	g_ptr_array_add(rest, NULL);
	sub = *a;
	sub.argc = (int)rest->len - 1;
	sub.argv = (char **)rest->pdata;
	if (!parse_options(ctx, &sub, 0, &opts)) {
		g_free(opts.server);
		g_free(opts.tls);
		return CMD_ERROR;
	}
	r = g_new0(struct register_job, 1);
	r->ctx = cmd_ctx_ref(ctx);
	r->jid = g_strdup(a->argv[0]);
	r->server = opts.server;
	r->tls = opts.tls;
	r->port = opts.port;
	if (password != NULL) {
		register_start(r, password);
		return CMD_PENDING;
	}
	if (ui != NULL && ui->ask_secret != NULL) {
		g_autofree char *prompt = g_strdup_printf("Password for the new "
		    "account %s: ", r->jid);

		if (ui->ask_secret(prompt, first_password, r))
			return CMD_PENDING;
	}
	register_free(r);
	return cmd_error(ctx, "no password: /register %s password PASSWORD "
	    "(or type it when asked in the full-screen interface)", a->argv[0]);
}

const struct cmd_entry cmd_register_entry = {
	.name = "register",
	.synopsis = (const char *const[]){
	    "/register JID [server HOST] [port N] [tls MODE] [password PW]",
	    NULL },
	.description = "Create the account JID on its server by in-band "
	    "registration (XEP-0077), over TLS; the password is asked twice "
	    "(masked) unless given. Servers that want more than a username "
	    "and a password (an e-mail, a CAPTCHA) are reported with the "
	    "fields they ask for. On success the account is added for "
	    "/connect.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "the new address, user@domain" },
	    { "HOST", "connect to this host instead of the domain" },
	    { "N", "port (default 5222)" },
	    { "MODE", "force (default), allow, trust or disable" },
	    { "PW", "the password (for scripts; never logged)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/register me@example.org",
	    "/register me@localhost server 127.0.0.1 port 5222", NULL },
	.min_args = 1, .max_args = 9,
	.flags = CMD_SCRIPT_SAFE | CMD_SECRET_ARGS, .exec = register_exec,
};

static const enum cmd_completer account_complete[] = { CMD_COMPLETE_ACCOUNT,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_connect_entry = {
	.name = "connect",
	.synopsis = (const char *const[]){
	    "/connect [ACCOUNT|JID] [server HOST] [port N] [tls MODE]", NULL },
	.description = "Log in to an account. Asks for the password (masked) "
	    "unless the account has a password or eval_password. TLS is "
	    "required and the certificate verified unless MODE says "
	    "otherwise; an unverifiable certificate is shown for /tls trust "
	    "or /tls deny.",
	.args = (const struct cmd_arg_doc[]){
	    { "ACCOUNT", "an account name (default: the default account)" },
	    { "JID", "user@domain: creates an account of that name, saved "
	      "(with HOST, N and MODE) once it has logged in" },
	    { "HOST", "server host name or address (default: SRV lookup)" },
	    { "N", "TCP port (default 5222, or from SRV)" },
	    { "MODE", "force (default), direct, allow, trust or disable" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/connect",
	    "/connect me@example.org",
	    "/connect work server 127.0.0.1 port 5223", NULL },
	.min_args = 0, .max_args = 7,
	.complete = account_complete,
	.flags = CMD_SCRIPT_SAFE,
	.exec = connect_exec,
};

static enum cmd_status
disconnect_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx,
	    a->argc > 0 ? a->argv[0] : NULL);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (!proto_conn_disconnect(acc, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

const struct cmd_entry cmd_disconnect_entry = {
	.name = "disconnect",
	.synopsis = (const char *const[]){ "/disconnect [ACCOUNT]", NULL },
	.description = "Close the connection of an account (default: the "
	    "current window's), or stop reconnecting it after a lost "
	    "connection.",
	.args = (const struct cmd_arg_doc[]){
	    { "ACCOUNT", "an account name" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/disconnect", "/disconnect work",
	    NULL },
	.min_args = 0, .max_args = 1,
	.complete = account_complete,
	.flags = CMD_SCRIPT_SAFE,
	.exec = disconnect_exec,
};

static enum cmd_status
reconnect_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	int i = a->argc > 0 && strcmp(a->argv[0], "now") == 0 ? 1 : 0;
	struct account *acc;
	g_autoptr(GError) err = NULL;

	if (a->argc > i + 1)
		return cmd_usage(ctx);
	acc = cmd_target_account(ctx, i < a->argc ? a->argv[i] : NULL);
	if (acc == NULL)
		return CMD_ERROR;
	if (!proto_conn_reconnect(acc, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static const enum cmd_completer reconnect_complete[] = {
	CMD_COMPLETE_WORDS, CMD_COMPLETE_ACCOUNT, CMD_COMPLETE_NONE };

const struct cmd_entry cmd_reconnect_entry = {
	.name = "reconnect",
	.synopsis = (const char *const[]){ "/reconnect [now] [ACCOUNT]",
	    NULL },
	.description = "Connect an account again at once. While natter waits "
	    "to reconnect after a lost connection, the next attempt starts "
	    "now instead of after the wait; a live connection is closed and "
	    "opened again (useful after a network change); an account that "
	    "was disconnected logs in again with the password it used. "
	    "natter reconnects by itself after a lost connection (waits of "
	    "reconnect.min, doubled each attempt up to reconnect.max), but not "
	    "after a failed authentication, a refused certificate or a "
	    "conflict with another login; /disconnect stops it.",
	.args = (const struct cmd_arg_doc[]){
	    { "now", "optional word, for the habit of typing it" },
	    { "ACCOUNT", "an account name (default: the current window's)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/reconnect", "/reconnect now",
	    "/reconnect now work", NULL },
	.min_args = 0, .max_args = 2,
	.complete = reconnect_complete,
	.words = (const char *const[]){ "now", NULL },
	.flags = CMD_SCRIPT_SAFE,
	.exec = reconnect_exec,
};

/* /tls ------------------------------------------------------------- */

static enum cmd_status
tls_show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx,
	    a->argc > 0 ? a->argv[0] : NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	text = proto_conn_describe_cert(acc, &err);
	if (text == NULL)
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s", text);
	return CMD_OK;
}

static enum cmd_status
tls_answer(struct cmd_ctx *ctx, const struct cmd_args *a, bool trust)
{
	struct account *acc = cmd_target_account(ctx,
	    a->argc > 0 ? a->argv[0] : NULL);
	g_autoptr(GError) err = NULL;
	struct connect_job *job;

	if (acc == NULL)
		return CMD_ERROR;
	if (!trust) {
		if (!proto_conn_trust_pending(acc, false, NULL, NULL, &err))
			return cmd_error(ctx, "%s", err->message);
		cmd_print(ctx, "certificate refused; not connecting");
		return CMD_OK;
	}
	job = g_new0(struct connect_job, 1);
	job->ctx = cmd_ctx_ref(ctx);
	job->account = g_strdup(acc->name);
	if (!proto_conn_trust_pending(acc, true, connect_done, job, &err)) {
		job_free(job);
		return cmd_error(ctx, "%s", err->message);
	}
	cmd_print(ctx, "certificate trusted and remembered; connecting");
	return CMD_PENDING;
}

static enum cmd_status
tls_trust_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return tls_answer(ctx, a, true);
}

static enum cmd_status
tls_deny_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return tls_answer(ctx, a, false);
}

static enum cmd_status
tls_list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	GPtrArray *l = certstore_list();
	guint i;

	if (l->len == 0)
		cmd_print(ctx, "no trusted certificates");
	for (i = 0; i < l->len; i++) {
		struct cert_trust *t = g_ptr_array_index(l, i);

		cmd_print(ctx, "%s  %s  %s", t->fingerprint, t->host,
		    t->subject);
	}
	return CMD_OK;
}

static enum cmd_status
tls_revoke_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!certstore_revoke(a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "certificate %s is no longer trusted", a->argv[0]);
	return CMD_OK;
}

static const struct cmd_arg_doc tls_account_arg[] = {
	{ "ACCOUNT", "an account name (default: the current one)" },
	{ NULL, NULL } };

static const struct cmd_entry tls_show = {
	.name = "show",
	.synopsis = (const char *const[]){ "/tls show [ACCOUNT]", NULL },
	.description = "Show the certificate of the current connection.",
	.args = tls_account_arg,
	.examples = (const char *const[]){ "/tls show", NULL },
	.min_args = 0, .max_args = 1, .complete = account_complete,
	.flags = CMD_SCRIPT_SAFE, .exec = tls_show_exec,
};

static const struct cmd_entry tls_trust = {
	.name = "trust",
	.synopsis = (const char *const[]){ "/tls trust [ACCOUNT]", NULL },
	.description = "Trust the certificate just shown, remember it, and "
	    "connect.",
	.args = tls_account_arg,
	.examples = (const char *const[]){ "/tls trust", NULL },
	.min_args = 0, .max_args = 1, .complete = account_complete,
	.flags = CMD_SCRIPT_SAFE, .exec = tls_trust_exec,
};

static const struct cmd_entry tls_deny = {
	.name = "deny",
	.synopsis = (const char *const[]){ "/tls deny [ACCOUNT]", NULL },
	.description = "Refuse the certificate just shown.",
	.args = tls_account_arg,
	.examples = (const char *const[]){ "/tls deny", NULL },
	.min_args = 0, .max_args = 1, .complete = account_complete,
	.flags = CMD_SCRIPT_SAFE, .exec = tls_deny_exec,
};

static const struct cmd_entry tls_list = {
	.name = "list",
	.synopsis = (const char *const[]){ "/tls list", NULL },
	.description = "List the certificates you trusted.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/tls list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = tls_list_exec,
};

static const enum cmd_completer fp_complete[] = { CMD_COMPLETE_FINGERPRINT,
	CMD_COMPLETE_NONE };

static const struct cmd_entry tls_revoke = {
	.name = "revoke",
	.synopsis = (const char *const[]){ "/tls revoke FINGERPRINT", NULL },
	.description = "Stop trusting a certificate.",
	.args = (const struct cmd_arg_doc[]){
	    { "FINGERPRINT", "SHA-256 fingerprint as listed by /tls list" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/tls revoke 3A:5F:...", NULL },
	.min_args = 1, .max_args = 1, .complete = fp_complete,
	.flags = CMD_SCRIPT_SAFE, .exec = tls_revoke_exec,
};

const struct cmd_entry cmd_tls_entry = {
	.name = "tls",
	.synopsis = (const char *const[]){ "/tls show|trust|deny [ACCOUNT]",
	    "/tls list", "/tls revoke FINGERPRINT", NULL },
	.description = "Certificates: show the current one, answer a "
	    "certificate prompt, list or revoke trusted ones.",
	.args = (const struct cmd_arg_doc[]){
	    { "ACCOUNT", "an account name" },
	    { "FINGERPRINT", "SHA-256 fingerprint" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/tls trust", "/tls list", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &tls_show, &tls_trust,
	    &tls_deny, &tls_list, &tls_revoke, NULL },
	.min_args = 1, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE,
};
