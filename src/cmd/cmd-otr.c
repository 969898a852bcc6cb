/* SPDX-License-Identifier: MIT */
/*
 * /otr: private one-to-one conversations (PRODUCT §8). Handlers find the
 * account and the contact (the argument, else the chat window's) and call
 * core/otr.h; what happens next arrives as otr-state, otr-smp, info and
 * error events. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/otr.h"
#include "util/jid.h"

/* The contact: argument i when given, else the window's; NULL: error. */
static char *
peer_arg(struct cmd_ctx *ctx, const struct cmd_args *a, int i)
{
	const char *p = i < a->argc ? a->argv[i] : ctx->peer;

	if (p == NULL) {
		cmd_error(ctx, "which contact? give a JID, or type this in "
		    "their chat window");
		return NULL;
	}
	if (!jid_is_valid(p)) {
		cmd_error(ctx, "'%s' is not a JID", p);
		return NULL;
	}
	return strchr(p, '/') != NULL && i < a->argc ? jid_bare_of(p) :
	    g_strdup(p);
}

/* Run fn(account, peer) on argument i's contact; reports its error. */
static enum cmd_status
on_peer(struct cmd_ctx *ctx, const struct cmd_args *a, int i,
    bool (*fn)(const char *, const char *, GError **))
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autofree char *peer = acc != NULL ? peer_arg(ctx, a, i) : NULL;
	g_autoptr(GError) err = NULL;

	if (peer == NULL)
		return CMD_ERROR;
	if (!fn(acc->name, peer, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
start_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return on_peer(ctx, a, 0, otr_start);
}

static enum cmd_status
end_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return on_peer(ctx, a, 0, otr_end);
}

static bool
trust(const char *account, const char *peer, GError **error)
{
	return otr_trust(account, peer, true, error);
}

static bool
untrust(const char *account, const char *peer, GError **error)
{
	return otr_trust(account, peer, false, error);
}

static enum cmd_status
trust_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return on_peer(ctx, a, 0, trust);
}

static enum cmd_status
untrust_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return on_peer(ctx, a, 0, untrust);
}

static enum cmd_status
gen_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, a->argc > 0 ?
	    a->argv[0] : NULL);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (!otr_keygen(acc->name, &err))
		return cmd_error(ctx, "%s", err->message);
	return CMD_OK;
}

static enum cmd_status
myfp_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, a->argc > 0 ?
	    a->argv[0] : NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *fp = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	fp = otr_fingerprint_mine(acc->name, &err);
	if (fp == NULL)
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "your OTR fingerprint (%s): %s", acc->name, fp);
	return CMD_OK;
}

static enum cmd_status
theirfp_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autofree char *peer = acc != NULL ? peer_arg(ctx, a, 0) : NULL;
	g_autoptr(GError) err = NULL;
	g_autofree char *fp = NULL;
	bool trusted = false;

	if (peer == NULL)
		return CMD_ERROR;
	fp = otr_fingerprint_theirs(acc->name, peer, &trusted, &err);
	if (fp == NULL)
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "%s's OTR fingerprint: %s (%s)", peer, fp, trusted ?
	    "trusted" : "not verified: /otr trust once you have compared it");
	return CMD_OK;
}

/* SMP commands act on the chat window's contact. */
static enum cmd_status
smp_exec(struct cmd_ctx *ctx, const struct cmd_args *a, int kind)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;
	bool ok;

	if (acc == NULL)
		return CMD_ERROR;
	if (ctx->peer == NULL)
		return cmd_error(ctx, "/otr %s works in the chat window of the "
		    "contact to authenticate (in batch mode: /win JID first)",
		    ctx->entry->name);
	if (kind == 0)
		ok = otr_smp_secret(acc->name, ctx->peer, a->argv[0], &err);
	else if (kind == 1)
		ok = otr_smp_question(acc->name, ctx->peer, a->argv[0],
		    a->argv[1], &err);
	else
		ok = otr_smp_answer(acc->name, ctx->peer, a->argv[0], &err);
	if (!ok)
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "authenticating %s...", ctx->peer);
	return CMD_OK;
}

static enum cmd_status
secret_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return smp_exec(ctx, a, 0);
}

static enum cmd_status
question_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return smp_exec(ctx, a, 1);
}

static enum cmd_status
answer_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return smp_exec(ctx, a, 2);
}

static enum cmd_status
policy_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *peer = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (a->argc == 0) {
		cmd_print(ctx, "OTR policy of %s: %s", acc->name,
		    otr_policy_of(acc->name, NULL));
		if (ctx->peer != NULL)
			cmd_print(ctx, "OTR policy with %s: %s", ctx->peer,
			    otr_policy_of(acc->name, ctx->peer));
		return CMD_OK;
	}
	if (a->argc > 1 && (peer = peer_arg(ctx, a, 1)) == NULL)
		return CMD_ERROR;
	if (!otr_policy_set(acc->name, peer, a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "OTR policy %s %s: %s", peer != NULL ? "with" : "of",
	    peer != NULL ? peer : acc->name, a->argv[0]);
	return CMD_OK;
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };
static const enum cmd_completer account_c[] = { CMD_COMPLETE_ACCOUNT,
	CMD_COMPLETE_NONE };
static const enum cmd_completer policy_c[] = { CMD_COMPLETE_WORDS,
	CMD_COMPLETE_CONTACT, CMD_COMPLETE_NONE };
static const struct cmd_arg_doc jid_doc[] = {
	{ "JID", "the contact (default: this chat window's)" },
	{ NULL, NULL } };

static const struct cmd_entry otr_start_e = {
	.name = "start",
	.synopsis = (const char *const[]){ "/otr start [JID]", NULL },
	.description = "Start a private (OTR) conversation: natter asks the "
	    "contact's client for one, and otr-state says when it is private. "
	    "Without a key yet, one is generated first (in the background). "
	    "Refused for rooms, their occupants and contacts known to be "
	    "offline.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/otr start",
	    "/otr start bob@example.org", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = start_exec,
};

static const struct cmd_entry otr_end_e = {
	.name = "end",
	.synopsis = (const char *const[]){ "/otr end [JID]", NULL },
	.description = "End the private conversation (the contact is told) "
	    "and go back to plain text. Needed too after the contact ended "
	    "it: until then nothing is sent.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/otr end", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE, .exec = end_exec,
};

static const struct cmd_entry otr_gen_e = {
	.name = "gen",
	.synopsis = (const char *const[]){ "/otr gen [ACCOUNT]", NULL },
	.description = "Generate the account's OTR key (1024-bit DSA) in the "
	    "background: natter stays usable, and an info line says when it "
	    "is ready and its fingerprint. Stored in "
	    "$XDG_DATA_HOME/natter/otr/keys (mode 0600).",
	.args = (const struct cmd_arg_doc[]){
	    { "ACCOUNT", "the account (default: the current one)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/otr gen", "/otr gen work", NULL },
	.min_args = 0, .max_args = 1, .complete = account_c,
	.flags = CMD_SCRIPT_SAFE, .exec = gen_exec,
};

static const struct cmd_entry otr_myfp_e = {
	.name = "myfp",
	.synopsis = (const char *const[]){ "/otr myfp [ACCOUNT]", NULL },
	.description = "Show your OTR fingerprint, for your contacts to "
	    "compare with what their client shows.",
	.args = (const struct cmd_arg_doc[]){
	    { "ACCOUNT", "the account (default: the current one)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/otr myfp", NULL },
	.min_args = 0, .max_args = 1, .complete = account_c,
	.flags = CMD_SCRIPT_SAFE, .exec = myfp_exec,
};

static const struct cmd_entry otr_theirfp_e = {
	.name = "theirfp",
	.synopsis = (const char *const[]){ "/otr theirfp [JID]", NULL },
	.description = "Show the fingerprint of the contact in the private "
	    "conversation, and whether you trust it.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/otr theirfp", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE, .exec = theirfp_exec,
};

static const struct cmd_entry otr_trust_e = {
	.name = "trust",
	.synopsis = (const char *const[]){ "/otr trust [JID]", NULL },
	.description = "Mark the contact's fingerprint as verified, after "
	    "comparing it over another channel (remembered in "
	    "$XDG_DATA_HOME/natter/otr/fingerprints).",
	.args = jid_doc,
	.examples = (const char *const[]){ "/otr trust", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE, .exec = trust_exec,
};

static const struct cmd_entry otr_untrust_e = {
	.name = "untrust",
	.synopsis = (const char *const[]){ "/otr untrust [JID]", NULL },
	.description = "Mark the contact's fingerprint as not verified.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/otr untrust", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE, .exec = untrust_exec,
};

static const struct cmd_entry otr_secret_e = {
	.name = "secret",
	.synopsis = (const char *const[]){ "/otr secret SECRET", NULL },
	.description = "Authenticate the contact of this chat with a secret "
	    "you both know (SMP): starts it, or answers when they started "
	    "it. Nothing about the secret is revealed; when both typed the "
	    "same, each side marks the other's fingerprint trusted. The line "
	    "is never echoed, logged or kept in the input history.",
	.args = (const struct cmd_arg_doc[]){
	    { "SECRET", "the shared secret (quote it if it has spaces)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){
	    "/otr secret \"where we met\"", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_SECRET_ARGS,
	.exec = secret_exec,
};

static const struct cmd_entry otr_question_e = {
	.name = "question",
	.synopsis = (const char *const[]){ "/otr question QUESTION ANSWER",
	    NULL },
	.description = "Authenticate the contact of this chat by asking a "
	    "question only they can answer (SMP); if their answer matches "
	    "yours, their fingerprint is marked trusted on your side.",
	.args = (const struct cmd_arg_doc[]){
	    { "QUESTION", "what they are asked (quoted)" },
	    { "ANSWER", "the answer you expect (quoted)" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/otr question \"Our first cat?\" Minou", NULL },
	.min_args = 2, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_SECRET_ARGS,
	.exec = question_exec,
};

static const struct cmd_entry otr_answer_e = {
	.name = "answer",
	.synopsis = (const char *const[]){ "/otr answer ANSWER", NULL },
	.description = "Answer the question the contact of this chat asked "
	    "(an otr-smp event shows it).",
	.args = (const struct cmd_arg_doc[]){
	    { "ANSWER", "your answer (quoted if it has spaces)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/otr answer Minou", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE | CMD_SECRET_ARGS,
	.exec = answer_exec,
};

static const struct cmd_entry otr_policy_e = {
	.name = "policy",
	.synopsis = (const char *const[]){
	    "/otr policy [manual|opportunistic|always [JID]]", NULL },
	.description = "Show or set the OTR policy of the account, or of "
	    "conversations with one contact (which wins). manual: private "
	    "only after /otr start. opportunistic: plain messages carry a "
	    "tag that lets OTR clients start a private conversation. always: "
	    "a plain message is refused and a private conversation started "
	    "instead. Default: the otr.policy preference.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "a contact (default: the whole account)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/otr policy",
	    "/otr policy always", "/otr policy opportunistic bob@example.org",
	    NULL },
	.min_args = 0, .max_args = 2, .complete = policy_c,
	.words = (const char *const[]){ "manual", "opportunistic", "always",
	    NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = policy_exec,
};

const struct cmd_entry cmd_otr_entry = {
	.name = "otr",
	.synopsis = (const char *const[]){ "/otr start|end [JID]",
	    "/otr gen|myfp [ACCOUNT]", "/otr theirfp|trust|untrust [JID]",
	    "/otr secret SECRET", "/otr question QUESTION ANSWER",
	    "/otr answer ANSWER",
	    "/otr policy [manual|opportunistic|always [JID]]", NULL },
	.description = "Off-the-Record encryption of one-to-one chats (OTR "
	    "version 3, or 2 with older clients; libotr): private "
	    "conversations, keys and fingerprints, "
	    "authentication (SMP) and policies. The title bar of a chat shows "
	    "its state: plain, OTR untrusted, OTR trusted, or finished (the "
	    "contact ended it: nothing is sent until /otr end). OTR messages "
	    "are kept in history only with /set history.otr on. See "
	    "doc/otr.md.",
	.args = (const struct cmd_arg_doc[]){
	    { "JID", "a contact (default: this chat window's)" },
	    { "ACCOUNT", "an account (default: the current one)" },
	    { "SECRET", "a secret you both know" },
	    { "QUESTION", "a question for the contact" },
	    { "ANSWER", "the answer to the question" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/otr start", "/otr myfp",
	    "/otr secret \"where we met\"", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &otr_start_e, &otr_end_e,
	    &otr_gen_e, &otr_myfp_e, &otr_theirfp_e, &otr_trust_e,
	    &otr_untrust_e, &otr_secret_e, &otr_question_e, &otr_answer_e,
	    &otr_policy_e, NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE,
};
