/* SPDX-License-Identifier: MIT */
/*
 * /pubsub: a publish-subscribe browser (XEP-0060). Lists the nodes of a
 * service (disco#items, rendered by cmd-result.c) and the items of a
 * node (the payloads pretty-printed as the XML console shows them);
 * creates, publishes to, subscribes to, unsubscribes from and deletes
 * nodes. The service is -s SERVICE (a pubsub component such as
 * pubsub.example.org), by default your own PEP service: your bare JID.
 * Notifications from subscribed nodes arrive as pubsub-event events
 * (proto-pubsub.c). cmd layer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd-entries.h"
#include "cmd-result.h"
#include "core/account.h"
#include "util/jid.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xmlpretty.h"
#include "xmpp/proto-conn.h"

struct pending {
	struct cmd_ctx	*ctx;
	enum proto_pubsub_op op;
	char		*service;	/* as asked, or our bare JID */
	char		*node;
	char		*what;		/* "node N on S", for messages */
	bool		 json;
};

static void
pending_free(struct pending *p)
{
	cmd_ctx_unref(p->ctx);
	g_free(p->service);
	g_free(p->node);
	g_free(p->what);
	g_free(p);
}

#define COL_WHAT_MAX	36	/* columns of the items table */
#define COL_TEXT_MAX	40

/* s cut to at most max characters, "…" marking a cut (new string). */
static char *
cut(const char *s, glong max)
{
	const char *end;

	if (g_utf8_strlen(s, -1) <= max)
		return g_strdup(s);
	end = g_utf8_offset_to_pointer(s, max - 1);
	return g_strdup_printf("%.*s\u2026", (int)(end - s), s);
}

/*
 * "element {namespace}" of a payload pretty-printed by xp_format_text
 * (its first line is the root's start tag), new string.
 */
static char *
payload_root(const char *payload)
{
	const char *ns, *nl;
	size_t n;

	if (*payload != '<')
		return g_strdup("");
	n = strcspn(payload + 1, " />\n");
	ns = strstr(payload, " xmlns=\"");
	nl = strchr(payload, '\n');
	if (ns == NULL || (nl != NULL && ns > nl))
		return g_strndup(payload + 1, n);
	ns += 8;
	return g_strdup_printf("%.*s {%.*s}", (int)n, payload + 1,
	    (int)strcspn(ns, "\""), ns);
}

/* The first text (not markup) in a pretty payload, one line, new. */
static char *
payload_text(const char *payload)
{
	const char *p = payload;

	while (*p != '\0') {
		size_t n;

		if (*p == '<') {	/* libstrophe escapes ">" in values */
			p += strcspn(p, ">");
			p += *p != '\0';
			continue;
		}
		p += strspn(p, " \n");
		n = strcspn(p, "<\n");
		if (n > 0)
			return g_strndup(p, n);
	}
	return g_strdup("");
}

/*
 * The items of a node as text: a table (id, payload element, its first
 * text), then each payload pretty-printed as the XML console shows it.
 */
static void
items_text(struct cmd_ctx *ctx, const char *what, const GPtrArray *items)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(g_free);
	int wid = 2, wwhat = 7;
	guint i;

	cmd_print(ctx, "%s: %u %s", what, items->len,
	    str_plural(items->len, "item", "items"));
	for (i = 0; i < items->len; i++) {
		const struct proto_pubsub_event *e =
		    g_ptr_array_index(items, i);
		g_autofree char *id = sanitize_str(e->item_id != NULL ?
		    e->item_id : "");
		const char *p = e->payload != NULL ? e->payload : "";
		g_autofree char *root = payload_root(p);

		g_ptr_array_add(rows, g_steal_pointer(&id));	/* whole */
		g_ptr_array_add(rows, cut(*p != '\0' ? root : "(no payload)",
		    COL_WHAT_MAX));
		g_ptr_array_add(rows, payload_text(p));
		wid = MAX(wid, (int)g_utf8_strlen(rows->pdata[3 * i], -1));
		wwhat = MAX(wwhat, (int)g_utf8_strlen(rows->pdata[3 * i + 1],
		    -1));
	}
	if (items->len > 0)
		cmd_print(ctx, "  %-*s  %-*s  %s", wid, "id", wwhat, "payload",
		    "text");
	for (i = 0; i < items->len; i++) {
		g_autofree char *text = cut(rows->pdata[3 * i + 2],
		    COL_TEXT_MAX);
		const char *id = rows->pdata[3 * i];
		const char *w = rows->pdata[3 * i + 1];

		/* %-*s pads bytes: pad by characters for UTF-8 cells */
		cmd_print(ctx, "  %s%*s  %s%*s  %s", id, wid -
		    (int)g_utf8_strlen(id, -1), "", w, wwhat -
		    (int)g_utf8_strlen(w, -1), "", text);
	}
	for (i = 0; i < items->len; i++) {
		const struct proto_pubsub_event *e =
		    g_ptr_array_index(items, i);

		if (e->payload == NULL)
			continue;
		cmd_print(ctx, "item %s:", (char *)rows->pdata[3 * i]);
		cmd_print(ctx, "%s", e->payload);
	}
}

/* {"node":...,"service":...,"items":[{"id","payload"},...]} */
static char *
items_json(const char *service, const char *node, const GPtrArray *items)
{
	GString *j = g_string_new("{");
	guint i;

	cmd_json_str(j, "service", service);
	cmd_json_str(j, "node", node);
	cmd_json_open(j, "items", '[');
	for (i = 0; i < items->len; i++) {
		const struct proto_pubsub_event *e =
		    g_ptr_array_index(items, i);

		cmd_json_open(j, NULL, '{');
		cmd_json_str(j, "id", e->item_id);
		cmd_json_str(j, "payload", e->payload);
		cmd_json_close(j, '}');
	}
	cmd_json_close(j, ']');
	cmd_json_close(j, '}');
	return g_string_free(j, FALSE);
}

/* {"service","node","error":{"kind","condition","type","text"}} */
static char *
error_json(const char *service, const char *node, const struct proto_error *e)
{
	GString *j = g_string_new("{");

	cmd_json_str(j, "service", service);
	cmd_json_str(j, "node", node);
	cmd_json_error(j, e);
	cmd_json_close(j, '}');
	return g_string_free(j, FALSE);
}

static const char *const done_words[] = { [PS_ITEMS] = "listed",
	[PS_CREATE] = "created", [PS_PUBLISH] = "published to",
	[PS_DELETE] = "deleted", [PS_SUBSCRIBE] = "subscribed to",
	[PS_UNSUBSCRIBE] = "unsubscribed from" };

static void
answered(GPtrArray *items, const struct proto_error *err, void *data)
{
	struct pending *p = data;
	g_autofree char *why = NULL, *json = NULL;

	if (err != NULL) {
		why = proto_error_string(err);
		if (p->json) {
			json = error_json(p->service, p->node, err);
			cmd_print(p->ctx, "%s", json);
		}
		cmd_error(p->ctx, "%s: %s", p->what, why);
		cmd_done(p->ctx, CMD_ERROR);
	} else if (p->op == PS_ITEMS && p->json) {
		json = items_json(p->service, p->node, items);
		cmd_print(p->ctx, "%s", json);
		cmd_done(p->ctx, CMD_OK);
	} else if (p->op == PS_ITEMS) {
		items_text(p->ctx, p->what, items);
		cmd_done(p->ctx, CMD_OK);
	} else {
		cmd_print(p->ctx, "%s %s", done_words[p->op], p->what);
		cmd_done(p->ctx, CMD_OK);
	}
	if (items != NULL)
		g_ptr_array_unref(items);
	pending_free(p);
}

static const struct cmd_option service_opt[] = {
	{ 's', "service", "SERVICE", 0, 0, "the pubsub service, such as "
	  "pubsub.example.org (default: your own PEP service, your bare "
	  "JID)" },
	{ 0, "json", NULL, 0, 0, "the answer as one JSON object on one line, "
	  "for scripts" },
	{ 0 } };

/* The same without --json, for the commands that list nothing. */
static const struct cmd_option service_only[] = {
	{ 's', "service", "SERVICE", 0, 0, "the pubsub service (default: "
	  "your own PEP service, your bare JID)" },
	{ 0 } };

/* Send op about node; the answer comes to answered(). */
static enum cmd_status
request(struct cmd_ctx *ctx, const struct cmd_args *a,
    enum proto_pubsub_op op, const char *node, const char *xml, int max)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	const char *service = cmd_opt_value(a, 's');
	g_autoptr(GError) err = NULL;
	struct pending *p;

	if (acc == NULL)
		return CMD_ERROR;
	p = g_new0(struct pending, 1);
	p->ctx = cmd_ctx_ref(ctx);
	p->op = op;
	p->json = cmd_opt_long(a, "json");
	p->service = service != NULL ? g_strdup(service) :
	    jid_bare_of(acc->bound_jid);
	p->node = g_strdup(node);
	p->what = g_strdup_printf("node %s on %s", node, p->service != NULL ?
	    p->service : "your PEP service");
	if (!proto_pubsub(acc, op, service, node, xml, max, answered, p,
	    &err)) {
		pending_free(p);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static enum cmd_status
items_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	char *end = NULL;
	long max = a->argc > 1 ? strtol(a->argv[1], &end, 10) : 0;

	if (a->argc > 1 && (*end != '\0' || max < 1 || max > 10000))
		return cmd_error(ctx, "MAX must be a number from 1 to 10000, "
		    "not '%s'", a->argv[1]);
	return request(ctx, a, PS_ITEMS, a->argv[0], NULL, (int)max);
}

static enum cmd_status
create_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return request(ctx, a, PS_CREATE, a->argv[0], NULL, 0);
}

/* The payload is checked here so a typo never reaches the server. */
static enum cmd_status
publish_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *xml = cmd_args_rest(a, 1);
	g_autofree char *why = NULL;
	enum xp_check c = xp_check(xml, &why);

	if (c == XP_CHECK_ERROR)
		return cmd_error(ctx, "the payload is not well-formed XML: %s",
		    why);
	if (c == XP_CHECK_INCOMPLETE)
		return cmd_error(ctx, "the payload is not well-formed XML: an "
		    "element is not closed");
	return request(ctx, a, PS_PUBLISH, a->argv[0], xml, 0);
}

static enum cmd_status
subscribe_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return request(ctx, a, PS_SUBSCRIBE, a->argv[0], NULL, 0);
}

static enum cmd_status
unsubscribe_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return request(ctx, a, PS_UNSUBSCRIBE, a->argv[0], NULL, 0);
}

static enum cmd_status
delete_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	return request(ctx, a, PS_DELETE, a->argv[0], NULL, 0);
}

struct nodes {
	struct cmd_ctx	*ctx;
	char		*service;
	bool		 json;
};

static void
nodes_answered(struct proto_result *res, const struct proto_error *err,
    void *data)
{
	struct nodes *n = data;
	g_autofree char *json = NULL, *why = NULL;
	g_autoptr(GPtrArray) lines = NULL;

	if (err != NULL) {
		why = proto_error_string(err);
		if (n->json) {
			json = cmd_result_error_json(n->service,
			    PQ_DISCO_ITEMS, err);
			cmd_print(n->ctx, "%s", json);
		}
		cmd_error(n->ctx, "%s: %s", n->service, why);
		cmd_done(n->ctx, CMD_ERROR);
	} else if (n->json) {
		json = cmd_result_json(n->service, res, NULL);
		cmd_print(n->ctx, "%s", json);
		cmd_done(n->ctx, CMD_OK);
	} else {
		lines = cmd_result_text(n->service, res);
		cmd_print_lines(n->ctx, lines);
		cmd_done(n->ctx, CMD_OK);
	}
	proto_result_free(res);
	cmd_ctx_unref(n->ctx);
	g_free(n->service);
	g_free(n);
}

/* The nodes of a service: its disco#items. */
static enum cmd_status
nodes_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;
	struct nodes *n;

	if (acc == NULL)
		return CMD_ERROR;
	n = g_new0(struct nodes, 1);
	n->ctx = cmd_ctx_ref(ctx);
	n->json = cmd_opt_long(a, "json");
	n->service = a->argc > 0 ? g_strdup(a->argv[0]) :
	    jid_bare_of(acc->bound_jid);
	if (!proto_query(acc, PQ_DISCO_ITEMS, n->service, NULL,
	    nodes_answered, n, &err)) {
		cmd_ctx_unref(n->ctx);
		g_free(n->service);
		g_free(n);
		return cmd_error(ctx, "%s", err->message);
	}
	return CMD_PENDING;
}

static const struct cmd_arg_doc node_doc[] = {
	{ "NODE", "the node's name" }, { NULL, NULL } };

#define PS_FLAGS (CMD_SCRIPT_SAFE | CMD_ONLINE)

static const struct cmd_entry ps_nodes = {
	.name = "nodes",
	.synopsis = (const char *const[]){ "/pubsub nodes [SERVICE] [--json]",
	    NULL },
	.description = "List the nodes of a pubsub service (its "
	    "disco#items) as a table.",
	.args = (const struct cmd_arg_doc[]){ { "SERVICE", "a pubsub "
	    "service (default: your own PEP service, your bare JID)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/pubsub nodes",
	    "/pubsub nodes pubsub.example.org --json", NULL },
	.min_args = 0, .max_args = 1, .options = service_opt + 1,
	.flags = PS_FLAGS | CMD_OPTS_ANYWHERE, .exec = nodes_exec,
};

static const struct cmd_entry ps_items = {
	.name = "items",
	.synopsis = (const char *const[]){
	    "/pubsub items [-s SERVICE] [--json] NODE [MAX]", NULL },
	.description = "Show the items of a node, newest MAX of them: a "
	    "table (item id, the payload's element and namespace, its first "
	    "text), then each payload pretty-printed like the XML console.",
	.args = (const struct cmd_arg_doc[]){ { "NODE", "the node's name" },
	    { "MAX", "at most this many items, 1 to 10000 (default: all the "
	      "service gives)" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/pubsub items urn:xmpp:microblog:0",
	    "/pubsub items -s pubsub.example.org news 5 --json", NULL },
	.min_args = 1, .max_args = 2, .options = service_opt,
	.flags = PS_FLAGS | CMD_OPTS_ANYWHERE, .exec = items_exec,
};

static const struct cmd_entry ps_create = {
	.name = "create",
	.synopsis = (const char *const[]){ "/pubsub create [-s SERVICE] NODE",
	    NULL },
	.description = "Create a node with the service's default "
	    "configuration.",
	.args = node_doc,
	.examples = (const char *const[]){
	    "/pubsub create -s pubsub.example.org news", NULL },
	.min_args = 1, .max_args = 1, .options = service_only,
	.flags = PS_FLAGS, .exec = create_exec,
};

static const struct cmd_entry ps_publish = {
	.name = "publish",
	.synopsis = (const char *const[]){
	    "/pubsub publish [-s SERVICE] NODE XML", NULL },
	.description = "Publish one item to a node (the service gives it an "
	    "id). XML, the rest of the line, must be one well-formed element "
	    "with its namespace; anything else is refused before sending.",
	.args = (const struct cmd_arg_doc[]){ { "NODE", "the node's name" },
	    { "XML", "the item's payload" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/pubsub publish -s "
	    "pubsub.example.org news <entry xmlns='http://www.w3.org/2005/"
	    "Atom'><title>Hi</title></entry>", NULL },
	.min_args = 2, .max_args = -1, .options = service_only,
	.flags = PS_FLAGS, .exec = publish_exec,
};

static const struct cmd_entry ps_subscribe = {
	.name = "subscribe",
	.synopsis = (const char *const[]){
	    "/pubsub subscribe [-s SERVICE] NODE", NULL },
	.description = "Subscribe your bare JID to a node: what is published "
	    "there arrives as pubsub-event events, shown in the pubsub "
	    "window.",
	.args = node_doc,
	.examples = (const char *const[]){
	    "/pubsub subscribe -s pubsub.example.org news", NULL },
	.min_args = 1, .max_args = 1, .options = service_only,
	.flags = PS_FLAGS, .exec = subscribe_exec,
};

static const struct cmd_entry ps_unsubscribe = {
	.name = "unsubscribe",
	.synopsis = (const char *const[]){
	    "/pubsub unsubscribe [-s SERVICE] NODE", NULL },
	.description = "End your bare JID's subscription to a node.",
	.args = node_doc,
	.examples = (const char *const[]){
	    "/pubsub unsubscribe -s pubsub.example.org news", NULL },
	.min_args = 1, .max_args = 1, .options = service_only,
	.flags = PS_FLAGS, .exec = unsubscribe_exec,
};

static const struct cmd_entry ps_delete = {
	.name = "delete",
	.synopsis = (const char *const[]){ "/pubsub delete [-s SERVICE] NODE",
	    NULL },
	.description = "Delete a node you own, with its items; subscribers "
	    "are told.",
	.args = node_doc,
	.examples = (const char *const[]){
	    "/pubsub delete -s pubsub.example.org news", NULL },
	.min_args = 1, .max_args = 1, .options = service_only,
	.flags = PS_FLAGS, .exec = delete_exec,
};

const struct cmd_entry cmd_pubsub_entry = {
	.name = "pubsub",
	.synopsis = (const char *const[]){ "/pubsub nodes [SERVICE] [--json]",
	    "/pubsub items [-s SERVICE] [--json] NODE [MAX]",
	    "/pubsub create|subscribe|unsubscribe|delete [-s SERVICE] NODE",
	    "/pubsub publish [-s SERVICE] NODE XML", NULL },
	.description = "Publish-subscribe (XEP-0060) on a pubsub service or "
	    "on your own PEP service (the default: your bare JID): list "
	    "nodes and items, create, publish, subscribe, unsubscribe, "
	    "delete. Notifications from subscribed nodes are pubsub-event "
	    "events, shown in the pubsub window.",
	.args = (const struct cmd_arg_doc[]){
	    { "SERVICE", "pubsub.example.org, or a JID for its PEP service" },
	    { "NODE", "the node's name" }, { "XML", "an item's payload" },
	    { "MAX", "at most this many items" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/pubsub nodes pubsub.example.org",
	    "/pubsub items -s pubsub.example.org news", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &ps_nodes, &ps_items,
	    &ps_create, &ps_publish, &ps_subscribe, &ps_unsubscribe,
	    &ps_delete, NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE,
};
