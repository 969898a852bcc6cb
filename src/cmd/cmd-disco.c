/* SPDX-License-Identifier: MIT */
/*
 * Discovery and debugging queries: /disco, /ping, /version, /time,
 * /lastactivity, /caps. The xmpp layer answers with records; this file
 * turns them into readable tables (features with their XEP names). The
 * default target is the contact of a chat window (its best resource), the
 * occupant named in a room window, else our server. cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-disco.h"
#include "cmd-entries.h"
#include "core/account.h"
#include "core/room.h"
#include "core/roster.h"
#include "util/str.h"
#include "xmpp/proto-conn.h"

static const struct {
	const char	*ns;
	const char	*name;
} xeps[] = {
	{ "http://jabber.org/protocol/bytestreams", "XEP-0065 SOCKS5 Bytestreams" },
	{ "http://jabber.org/protocol/caps", "XEP-0115 Entity Capabilities" },
	{ "http://jabber.org/protocol/chatstates", "XEP-0085 Chat State Notifications" },
	{ "http://jabber.org/protocol/commands", "XEP-0050 Ad-Hoc Commands" },
	{ "http://jabber.org/protocol/disco#info", "XEP-0030 Service Discovery" },
	{ "http://jabber.org/protocol/disco#items", "XEP-0030 Service Discovery" },
	{ "http://jabber.org/protocol/muc", "XEP-0045 Multi-User Chat" },
	{ "http://jabber.org/protocol/muc#unique", "XEP-0045 unique room names" },
	{ "http://jabber.org/protocol/pubsub", "XEP-0060 Publish-Subscribe" },
	{ "http://jabber.org/protocol/pubsub#", "XEP-0060 Publish-Subscribe feature" },
	{ "http://jabber.org/protocol/rsm", "XEP-0059 Result Set Management" },
	{ "http://jabber.org/network/serverinfo", "XEP-0157 Contact Addresses" },
	{ "jabber:iq:last", "XEP-0012 Last Activity" },
	{ "jabber:iq:private", "XEP-0049 Private XML Storage" },
	{ "jabber:iq:register", "XEP-0077 In-Band Registration" },
	{ "jabber:iq:roster", "RFC 6121 Roster" },
	{ "jabber:iq:time", "XEP-0090 Entity Time (legacy)" },
	{ "jabber:iq:version", "XEP-0092 Software Version" },
	{ "jabber:x:conference", "XEP-0249 Direct MUC Invitations" },
	{ "jabber:x:data", "XEP-0004 Data Forms" },
	{ "msgoffline", "XEP-0160 Offline Messages" },
	{ "storage:bookmarks", "XEP-0048 Bookmarks (legacy)" },
	{ "urn:xmpp:blocking", "XEP-0191 Blocking Command" },
	{ "urn:xmpp:bookmarks:1", "XEP-0402 PEP Native Bookmarks" },
	{ "urn:xmpp:bookmarks:1#compat", "XEP-0402 Bookmarks (compat)" },
	{ "urn:xmpp:carbons:2", "XEP-0280 Message Carbons" },
	{ "urn:xmpp:csi:0", "XEP-0352 Client State Indication" },
	{ "urn:xmpp:extdisco:2", "XEP-0215 External Service Discovery" },
	{ "urn:xmpp:http:upload:0", "XEP-0363 HTTP File Upload" },
	{ "urn:xmpp:mam:2", "XEP-0313 Message Archive Management" },
	{ "urn:xmpp:mam:2#extended", "XEP-0313 MAM extended queries" },
	{ "urn:xmpp:message-correct:0", "XEP-0308 Last Message Correction" },
	{ "urn:xmpp:occupant-id:0", "XEP-0421 Occupant Id" },
	{ "urn:xmpp:ping", "XEP-0199 XMPP Ping" },
	{ "urn:xmpp:push:0", "XEP-0357 Push Notifications" },
	{ "urn:xmpp:receipts", "XEP-0184 Delivery Receipts" },
	{ "urn:xmpp:sid:0", "XEP-0359 Stanza Ids" },
	{ "urn:xmpp:sm:3", "XEP-0198 Stream Management" },
	{ "urn:xmpp:time", "XEP-0202 Entity Time" },
	{ "vcard-temp", "XEP-0054 vcard-temp" },
};

/* The XEP (or RFC) a feature belongs to, or NULL. */
const char *
cmd_feature_name(const char *ns)
{
	size_t i, best = G_N_ELEMENTS(xeps), blen = 0;

	for (i = 0; i < G_N_ELEMENTS(xeps); i++) {
		size_t n = strlen(xeps[i].ns);

		if (strcmp(ns, xeps[i].ns) == 0)
			return xeps[i].name;
		/* Prefixes ending in '#' cover a family of features. */
		if (xeps[i].ns[n - 1] == '#' && strncmp(ns, xeps[i].ns, n) ==
		    0 && n > blen) {
			best = i;
			blen = n;
		}
	}
	return best < G_N_ELEMENTS(xeps) ? xeps[best].name : NULL;
}

/* Split a record into its fields (a new vector). */
char **
cmd_record(const char *rec)
{
	return g_strsplit(rec, "\t", 8);
}

/* "rtt" record of an answer, in milliseconds (-1 when absent). */
double
cmd_records_rtt(GPtrArray *recs)
{
	g_auto(GStrv) f = recs->len > 0 ? cmd_record(g_ptr_array_index(recs,
	    0)) : NULL;

	if (f == NULL || g_strcmp0(f[0], "rtt") != 0 || f[1] == NULL)
		return -1;
	return g_ascii_strtod(f[1], NULL) / 1000.0;
}

/*
 * Who a query goes to: arg (a nick in a room window means the occupant),
 * else the chat window's contact (its best resource), else NULL (server).
 */
static char *
target(struct cmd_ctx *ctx, struct account *acc, const char *arg)
{
	struct room *r = ctx->peer != NULL ? room_find(acc->name, ctx->peer) :
	    NULL;
	struct roster_item *it;
	const struct roster_res *res;

	if (arg != NULL) {
		if (r != NULL && strchr(arg, '@') == NULL && strchr(arg, '.') ==
		    NULL && room_occupant(r, arg) != NULL)
			return g_strdup_printf("%s/%s", r->jid, arg);
		return g_strdup(arg);
	}
	if (ctx->peer == NULL)
		return NULL;
	if (r != NULL)
		return g_strdup(r->jid);
	it = roster_find(acc->roster, ctx->peer);
	res = it != NULL ? roster_item_best(it) : NULL;
	if (res != NULL && res->resource != NULL)
		return g_strdup_printf("%s/%s", ctx->peer, res->resource);
	return g_strdup(ctx->peer);
}

struct pending {
	struct cmd_ctx	*ctx;
	char		*who;
	enum proto_query kind;
};

static void
print_info(struct cmd_ctx *ctx, GPtrArray *recs)
{
	guint i;
	bool ids = false, feats = false;

	for (i = 1; i < recs->len; i++) {
		g_auto(GStrv) f = cmd_record(g_ptr_array_index(recs, i));
		const char *name;
		char *ct;

		if (strcmp(f[0], "identity") == 0) {
			if (!ids)
				cmd_print(ctx, "  identities:");
			ids = true;
			ct = g_strdup_printf("%s/%s", f[1], f[2]);
			cmd_print(ctx, "    %-24s %s", ct, f[3] != NULL ? f[3] :
			    "");
			g_free(ct);
		} else if (strcmp(f[0], "feature") == 0) {
			if (!feats)
				cmd_print(ctx, "  features:");
			feats = true;
			name = cmd_feature_name(f[1]);
			cmd_print(ctx, "    %-44s %s", f[1], name ? name : "");
		} else if (strcmp(f[0], "form") == 0) {
			cmd_print(ctx, "  extended information (XEP-0128):");
		} else if (strcmp(f[0], "field") == 0) {
			cmd_print(ctx, "    %s = %s", f[1], f[2]);
		} else if (strcmp(f[0], "caps") == 0) {
			cmd_print(ctx, "  capabilities hash %s: %s", f[1],
			    strcmp(f[2], "verified") == 0 ? "verified (it "
			    "matches the advertised ver)" : "MISMATCH (the "
			    "advertised ver does not match these features)");
		}
	}
	if (!ids && !feats)
		cmd_print(ctx, "  (no identities, no features)");
}

static void
print_items(struct cmd_ctx *ctx, GPtrArray *recs)
{
	guint i;

	if (recs->len <= 1)
		cmd_print(ctx, "  (no items)");
	for (i = 1; i < recs->len; i++) {
		g_auto(GStrv) f = cmd_record(g_ptr_array_index(recs, i));

		if (strcmp(f[0], "item") == 0)
			cmd_print(ctx, "  %-36s %-20s %s", f[1], f[2], f[3]);
	}
}

/* The fields after "kind\t" of the first record of that kind, or NULL. */
const char *
cmd_records_field(GPtrArray *recs, const char *kind)
{
	size_t n = strlen(kind);
	guint i;

	for (i = 0; recs != NULL && i < recs->len; i++) {
		const char *r = g_ptr_array_index(recs, i);

		if (strncmp(r, kind, n) == 0 && r[n] == '\t')
			return r + n + 1;
	}
	return NULL;
}

/* A file name as typed: "~/" means the home directory (new string). */
char *
cmd_expand_path(const char *path)
{
	if (g_str_has_prefix(path, "~/"))
		return g_build_filename(g_get_home_dir(), path + 2, NULL);
	return g_strdup(path);
}

/* "3 d 4 h 5 min 6 s" */
char *
cmd_duration(long long s)
{
	GString *out = g_string_new(NULL);

	if (s >= 86400)
		g_string_append_printf(out, "%lld d ", s / 86400);
	if (s >= 3600)
		g_string_append_printf(out, "%lld h ", s / 3600 % 24);
	if (s >= 60)
		g_string_append_printf(out, "%lld min ", s / 60 % 60);
	g_string_append_printf(out, "%lld s", s % 60);
	return g_string_free(out, FALSE);
}

static void
print_last(struct cmd_ctx *ctx, const char *who, GPtrArray *recs)
{
	const char *secs = cmd_records_field(recs, "seconds");
	const char *status = cmd_records_field(recs, "status");
	g_autofree char *d = cmd_duration(secs != NULL ? atoll(secs) : 0);

	if (strchr(who, '@') == NULL)
		cmd_print(ctx, "%s has been up for %s", who, d);
	else if (strchr(who, '/') != NULL)
		cmd_print(ctx, "%s has been idle for %s", who, d);
	else
		cmd_print(ctx, "%s was last available %s ago%s%s", who, d,
		    status != NULL ? ": " : "", status != NULL ? status : "");
}

static void
print_answer(struct pending *p, GPtrArray *recs)
{
	struct cmd_ctx *ctx = p->ctx;
	double ms = cmd_records_rtt(recs);
	const char *a, *b, *c;

	switch (p->kind) {
	case PQ_PING:
		cmd_print(ctx, "pong from %s in %.1f ms", p->who, ms);
		break;
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		cmd_print(ctx, "disco#info of %s (%.1f ms):", p->who, ms);
		print_info(ctx, recs);
		break;
	case PQ_DISCO_ITEMS:
		cmd_print(ctx, "disco#items of %s (%.1f ms): %u %s",
		    p->who, ms, recs->len - 1, str_plural(recs->len - 1,
		    "item", "items"));
		print_items(ctx, recs);
		break;
	case PQ_VERSION:
		a = cmd_records_field(recs, "name");
		b = cmd_records_field(recs, "version");
		c = cmd_records_field(recs, "os");
		cmd_print(ctx, "%s runs %s %s%s%s", p->who, a ? a : "(no name)",
		    b ? b : "(no version)", c ? " on " : "", c ? c : "");
		break;
	case PQ_TIME:
		a = cmd_records_field(recs, "utc");
		b = cmd_records_field(recs, "tzo");
		cmd_print(ctx, "time at %s: %s (UTC), offset %s", p->who,
		    a ? a : "?", b ? b : "?");
		break;
	case PQ_LAST:
		print_last(ctx, p->who, recs);
		break;
	}
}

static void
answered(GPtrArray *recs, const char *error, void *data)
{
	struct pending *p = data;

	if (error != NULL) {
		cmd_error(p->ctx, "%s: %s", p->who, error);
		cmd_done(p->ctx, CMD_ERROR);
	} else {
		print_answer(p, recs);
		cmd_done(p->ctx, CMD_OK);
	}
	cmd_ctx_unref(p->ctx);
	g_free(p->who);
	g_free(p);
}

static enum cmd_status
ask(struct cmd_ctx *ctx, enum proto_query kind, const char *arg,
    const char *node)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *to = NULL;
	struct pending *p;

	if (acc == NULL)
		return CMD_ERROR;
	to = target(ctx, acc, arg);
	p = g_new0(struct pending, 1);
	p->ctx = cmd_ctx_ref(ctx);
	p->kind = kind;
	p->who = g_strdup(to != NULL ? to : "your server");
	if (!proto_query(acc, kind, to, node, answered, p, &err)) {
		cmd_ctx_unref(ctx);
		g_free(p->who);
		g_free(p);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
disco_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	bool info = strcmp(a->argv[0], "info") == 0;

	if (!info && strcmp(a->argv[0], "items") != 0)
		return cmd_usage(ctx);
	return ask(ctx, info ? PQ_DISCO_INFO : PQ_DISCO_ITEMS,
	    a->argc > 1 ? a->argv[1] : NULL, a->argc > 2 ? a->argv[2] : NULL);
}

static enum cmd_status
ping_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask(ctx, PQ_PING, a->argc > 0 ? a->argv[0] : NULL, NULL);
}

static enum cmd_status
version_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask(ctx, PQ_VERSION, a->argc > 0 ? a->argv[0] : NULL, NULL);
}

static enum cmd_status
time_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask(ctx, PQ_TIME, a->argc > 0 ? a->argv[0] : NULL, NULL);
}

static enum cmd_status
last_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return ask(ctx, PQ_LAST, a->argc > 0 ? a->argv[0] : NULL, NULL);
}

static enum cmd_status
caps_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc;
	g_autoptr(GPtrArray) recs = NULL;
	g_autofree char *who = NULL;
	guint i;

	if (a->argc == 0 && ctx->peer == NULL) {
		recs = proto_caps_own();
		for (i = 0; i < recs->len; i++) {
			g_auto(GStrv) f = cmd_record(g_ptr_array_index(recs, i));

			if (i == 0)
				cmd_print(ctx, "natter advertises node %s ver "
				    "%s (sha-1), with:", f[1], f[2]);
			else if (strcmp(f[0], "identity") == 0)
				cmd_print(ctx, "  identity %s/%s %s", f[1], f[2],
				    f[3]);
			else
				cmd_print(ctx, "  %-44s %s", f[1],
				    cmd_feature_name(f[1]) ?
				    cmd_feature_name(f[1]) : "");
		}
		return CMD_OK;
	}
	if ((acc = cmd_target_account(ctx, NULL)) == NULL)
		return CMD_ERROR;
	who = target(ctx, acc, a->argc > 0 ? a->argv[0] : NULL);
	recs = proto_caps_of(acc, who);
	if (recs->len == 0)
		return cmd_error(ctx, "%s advertised no capabilities (no "
		    "presence with <c/> seen)", who);
	for (i = 0; i < recs->len; i++) {
		g_auto(GStrv) f = cmd_record(g_ptr_array_index(recs, i));

		cmd_print(ctx, "%s advertises %s", f[1], f[2]);
	}
	{
		g_auto(GStrv) f = cmd_record(g_ptr_array_index(recs, 0));

		return ask(ctx, PQ_CAPS, f[1], NULL);
	}
}

static const enum cmd_completer contact_c[] = { CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_NONE };

static const struct cmd_arg_doc jid_doc[] = {
	{ "JID", "who to ask: a JID, a full JID, a server, or a nick in a room "
	  "window (default: this window's contact, else your server)" },
	{ NULL, NULL } };

const struct cmd_entry cmd_disco_entry = {
	.name = "disco",
	.synopsis = (const char *const[]){ "/disco info|items [JID] [NODE]",
	    NULL },
	.description = "Service discovery (XEP-0030): an entity's identities "
	    "and features (with their XEP names) or its items, as tables.",
	.args = (const struct cmd_arg_doc[]){
	    { "info|items", "what to ask for" },
	    { "JID", "who to ask (default: this window's contact, else your "
	      "server)" },
	    { "NODE", "a node of that entity" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/disco info",
	    "/disco items conference.example.org",
	    "/disco info example.org http://jabber.org/protocol/commands",
	    NULL },
	.min_args = 1, .max_args = 3,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_WORDS,
	    CMD_COMPLETE_CONTACT, CMD_COMPLETE_NONE },
	.words = (const char *const[]){ "info", "items", NULL },
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = disco_exec,
};

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.synopsis = (const char *const[]){ "/ping [JID]", NULL },
	.description = "Ping an entity (XEP-0199) and show the round-trip "
	    "time.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/ping", "/ping bob@example.org/phone",
	    NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = ping_exec,
};

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.synopsis = (const char *const[]){ "/version [JID]", NULL },
	.description = "Ask an entity which software it runs (XEP-0092).",
	.args = jid_doc,
	.examples = (const char *const[]){ "/version", "/version example.org",
	    NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = version_exec,
};

const struct cmd_entry cmd_time_entry = {
	.name = "time",
	.synopsis = (const char *const[]){ "/time [JID]", NULL },
	.description = "Ask an entity for its time and UTC offset "
	    "(XEP-0202).",
	.args = jid_doc,
	.examples = (const char *const[]){ "/time bob@example.org/laptop",
	    NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = time_exec,
};

const struct cmd_entry cmd_lastactivity_entry = {
	.name = "lastactivity",
	.synopsis = (const char *const[]){ "/lastactivity [JID]", NULL },
	.description = "Last activity (XEP-0012): a server's uptime, a "
	    "contact's time since it was last available, or a client's idle "
	    "time.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/lastactivity",
	    "/lastactivity bob@example.org", NULL },
	.min_args = 0, .max_args = 1, .complete = contact_c,
	.flags = CMD_SCRIPT_SAFE | CMD_ONLINE, .exec = last_exec,
};

const struct cmd_entry cmd_caps_entry = {
	.name = "caps",
	.synopsis = (const char *const[]){ "/caps [JID]", NULL },
	.description = "Entity capabilities (XEP-0115): without JID, what "
	    "natter advertises; with one, what its presence advertised, then "
	    "its features, checked against the advertised hash.",
	.args = jid_doc,
	.examples = (const char *const[]){ "/caps", "/caps bob@example.org",
	    NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = caps_exec,
};
