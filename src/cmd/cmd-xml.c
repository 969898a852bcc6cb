/* SPDX-License-Identifier: MIT */
/*
 * The XML console's commands (PRODUCT §7): /xmlconsole and its
 * subcommands act on the console model (core/xmlcon); /xml sends raw XML
 * after a well-formedness check, collecting lines until the elements
 * close. The TUI sends plain lines typed in the console window here too.
 * Unfinished XML is kept per target (origin, account and peer of the
 * command), so two windows' (or a script's) half-typed XML never mix.
 * cmd layer.
 */
#include <string.h>

#include "cmd-disco.h"
#include "cmd-entries.h"
#include "core/account.h"
#include "core/prefs.h"
#include "core/xmlcon.h"
#include "core/xmlrec.h"
#include "util/str.h"
#include "util/xmlpretty.h"
#include "xmpp/proto-conn.h"

#define PENDING_MAX (256 * 1024)
#define PENDING_TARGETS 64
#define SEARCH_MAX 200

/* Unfinished multi-line raw input: target key -> GString. */
static GHashTable *pending;

static char *
target_key(enum cmd_origin origin, const char *account, const char *peer)
{
	return g_strdup_printf("%d\n%s\n%s", (int)origin,
	    account != NULL ? account : "", peer != NULL ? peer : "");
}

static void
pending_free(gpointer p)
{
	g_string_free(p, TRUE);
}

/* ctx's unfinished XML, or NULL. */
static GString *
pending_of(struct cmd_ctx *ctx)
{
	g_autofree char *k = target_key(ctx->origin, ctx->account, ctx->peer);

	return pending != NULL ? g_hash_table_lookup(pending, k) : NULL;
}

static void
pending_drop(struct cmd_ctx *ctx)
{
	g_autofree char *k = target_key(ctx->origin, ctx->account, ctx->peer);

	if (pending != NULL)
		g_hash_table_remove(pending, k);
}

/* ctx's unfinished XML, created empty; NULL when too many targets wait. */
static GString *
pending_get(struct cmd_ctx *ctx)
{
	GString *p = pending_of(ctx);

	if (p != NULL)
		return p;
	if (pending == NULL)
		pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    pending_free);
	if (g_hash_table_size(pending) >= PENDING_TARGETS)
		return NULL;
	p = g_string_new(NULL);
	g_hash_table_insert(pending, target_key(ctx->origin, ctx->account,
	    ctx->peer), p);
	return p;
}

static enum cmd_status
send_checked(struct cmd_ctx *ctx, const char *text)
{
	struct account *acc = cmd_target_account(ctx, NULL);
	g_autoptr(GError) err = NULL;

	if (acc == NULL)
		return CMD_ERROR;
	if (!proto_raw_send(acc, text, &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "sent %zu %s of raw XML", strlen(text),
	    str_plural(strlen(text), "byte", "bytes"));
	return CMD_OK;
}

/*
 * One line of raw input: appended to what is pending, then sent when the
 * elements are complete, kept when they are still open, or refused with
 * the parser's message (and nothing sent) when malformed.
 */
static enum cmd_status
xml_input(struct cmd_ctx *ctx, const char *line)
{
	g_autofree char *error = NULL, *text = NULL;
	GString *p = pending_get(ctx);
	enum xp_check r;

	if (p == NULL)
		return cmd_error(ctx, "unfinished raw XML waits in %d places "
		    "already: finish or discard one (/xml alone)",
		    PENDING_TARGETS);
	if (p->len + strlen(line) + 1 > PENDING_MAX) {
		pending_drop(ctx);
		return cmd_error(ctx, "raw XML longer than %d bytes: discarded, "
		    "nothing sent", PENDING_MAX);
	}
	if (p->len > 0)
		g_string_append_c(p, '\n');
	g_string_append(p, line);
	r = xp_check(p->str, &error);
	if (r == XP_CHECK_INCOMPLETE) {
		cmd_print(ctx, "\xe2\x80\xa6 element not closed yet: continue on "
		    "the next line (/xml alone discards it)");
		return CMD_OK;
	}
	text = g_strdup(p->str);
	pending_drop(ctx);
	if (r == XP_CHECK_ERROR)
		return cmd_error(ctx, "not sent, the XML is not well-formed: %s",
		    error);
	return send_checked(ctx, text);
}

static enum cmd_status
xml_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	GString *p;

	if (a->argc > 0)
		return xml_input(ctx, a->argv[0]);
	p = pending_of(ctx);
	if (p == NULL)
		return cmd_usage(ctx);
	cmd_print(ctx, "discarded %zu %s of unfinished raw XML", p->len,
	    str_plural(p->len, "byte", "bytes"));
	pending_drop(ctx);
	return CMD_OK;
}

/*
 * True while lines of raw XML typed in the full-screen interface for
 * account and peer (either may be NULL) are being collected.
 */
bool
cmd_xml_pending(const char *account, const char *peer)
{
	g_autofree char *k = target_key(CMD_FROM_TUI, account, peer);

	return pending != NULL && g_hash_table_contains(pending, k);
}

/* Drop all unfinished raw XML (at exit). */
void
cmd_xml_free(void)
{
	g_clear_pointer(&pending, g_hash_table_destroy);
}

static enum cmd_status
console_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (!cmd_ui_windows())
		return cmd_error(ctx, "the XML console is a window of the "
		    "full-screen interface; in batch mode --xml prints raw "
		    "traffic");
	cmd_window_open(NULL, "xmlconsole", NULL, NULL);
	return CMD_OK;
}

static enum cmd_status
recall_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *n = a->argv[0][0] == '#' ? a->argv[0] + 1 : a->argv[0];
	const struct xmlcon_entry *e;
	g_autofree char *text = NULL;
	char *end;
	guint64 seq = g_ascii_strtoull(n, &end, 10);

	if (*n == '\0' || *end != '\0')
		return cmd_error(ctx, "'%s' is not a stanza number (the #N "
		    "before each stanza)", a->argv[0]);
	e = xmlcon_get(seq);
	if (e == NULL)
		return cmd_error(ctx, "stanza #%s is not kept any more (or not "
		    "yet): the console keeps #%" G_GUINT64_FORMAT " to #%"
		    G_GUINT64_FORMAT, n, xmlcon_count() > 0 ?
		    xmlcon_nth(0)->seq : 0, xmlcon_last_seq());
	text = g_strdup(xmlcon_entry_xml(e));
	g_strdelimit(text, "\r\n", ' ');
	if (cmd_ui_windows())
		cmd_window_open(NULL, "xmlconsole", NULL, text);
	else
		cmd_print(ctx, "%s", text);
	return CMD_OK;
}

static enum cmd_status
filter_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct xmlcon_filter *f = xmlcon_view_filter();
	g_autoptr(GError) err = NULL;
	g_autofree char *d = NULL;

	if (a->argc == 1 && strcmp(a->argv[0], "off") == 0)
		xmlcon_filter_clear(f);
	else if (a->argc > 0 && !xmlcon_filter_parse(a->argv, f, &err))
		return cmd_error(ctx, "%s", err->message);
	d = xmlcon_filter_describe(f);
	cmd_print(ctx, "XML console filter: %s%s", d,
	    prefs_get_bool("xmlconsole.hide_acks") ? " (acks hidden)" : "");
	return CMD_OK;
}

static enum cmd_status
acks_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!prefs_set("xmlconsole.hide_acks", a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	cmd_print(ctx, "stream-management acks %s in the XML console",
	    prefs_get_bool("xmlconsole.hide_acks") ? "hidden" : "shown");
	return CMD_OK;
}

static enum cmd_status
pause_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	xmlcon_pause(true);
	cmd_print(ctx, "XML console paused at #%" G_GUINT64_FORMAT ": traffic "
	    "is still recorded (/xmlconsole resume)", xmlcon_paused_at());
	return CMD_OK;
}

static enum cmd_status
resume_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	xmlcon_pause(false);
	cmd_print(ctx, "XML console resumed");
	return CMD_OK;
}

static enum cmd_status
clear_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	guint n = xmlcon_count();

	xmlcon_clear();
	cmd_print(ctx, "XML console cleared (%u %s dropped)", n,
	    str_plural(n, "stanza", "stanzas"));
	return CMD_OK;
}

/* First line of an entry's pretty form, for lists. */
static char *
summary(const struct xmlcon_entry *e)
{
	struct xp_opts o = { 200, 0 };
	g_autofree char *h = xmlcon_entry_header(e);
	g_autofree char *x = xp_format_text(xmlcon_entry_xml(e), &o);
	char *nl = strchr(x, '\n');

	if (nl != NULL)
		*nl = '\0';
	return g_strdup_printf("%s  %s%s", h, x, nl != NULL ? " \xe2\x80\xa6" :
	    "");
}

static enum cmd_status
search_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct xmlcon_filter f = { .text = (char *)cmd_args_rest(a, 0) };
	g_autoptr(GPtrArray) hits = g_ptr_array_new();
	guint i, from;

	for (i = 0; i < xmlcon_count(); i++)
		if (xmlcon_match(&f, false, xmlcon_nth(i)))
			g_ptr_array_add(hits, (gpointer)xmlcon_nth(i));
	if (hits->len == 0) {
		cmd_print(ctx, "no stanza in the XML console contains '%s'",
		    f.text);
		return CMD_OK;
	}
	from = hits->len > SEARCH_MAX ? hits->len - SEARCH_MAX : 0;
	cmd_print(ctx, "%u %s '%s'%s (/xmlconsole recall N puts "
	    "one in the input line):", hits->len, str_plural(hits->len,
	    "stanza contains", "stanzas contain"), f.text, from > 0 ?
	    ", the latest listed" : "");
	for (i = from; i < hits->len; i++) {
		g_autofree char *s = summary(g_ptr_array_index(hits, i));

		cmd_print(ctx, "%s", s);
	}
	return CMD_OK;
}

static enum cmd_status
save_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = cmd_expand_path(a->argv[0]);

	if (!xmlcon_save(path, &err))
		return cmd_error(ctx, "cannot save the XML console: %s",
		    err->message);
	cmd_print(ctx, "XML console saved to %s (what the filter shows; "
	    "mode 0600)", path);
	return CMD_OK;
}

static enum cmd_status
view_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	if (a->argc == 1 && strcmp(a->argv[0], "raw") != 0 &&
	    strcmp(a->argv[0], "parsed") != 0)
		return cmd_error(ctx, "usage: /xmlconsole view raw|parsed");
	if (a->argc == 1)
		xmlcon_set_view_raw(strcmp(a->argv[0], "raw") == 0);
	if (!xmlcon_view_raw())
		cmd_print(ctx, "XML console view: parsed (received stanzas as "
		    "libstrophe parsed them)");
	else if (xmlcon_raw_available())
		cmd_print(ctx, "XML console view: raw (received stanzas as the "
		    "server sent them)");
	else
		cmd_print(ctx, "XML console view: raw, but %s: received stanzas "
		    "are shown as parsed", XMLCON_RAW_UNAVAILABLE);
	return CMD_OK;
}

static enum cmd_status
record_state(struct cmd_ctx *ctx)
{
	guint64 n = xmlrec_written();

	if (xmlrec_path() == NULL)
		cmd_print(ctx, "Not recording the XML console.");
	else
		cmd_print(ctx, "Recording the XML console to %s (%" G_GUINT64_FORMAT
		    " %s so far).", xmlrec_path(), n, str_plural(n, "record",
		    "records"));
	return CMD_OK;
}

static enum cmd_status
record_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = NULL;

	if (a->argc == 0)
		return record_state(ctx);
	if (strcmp(a->argv[0], "stop") == 0 && a->argc == 1) {
		if (xmlrec_path() == NULL)
			return cmd_error(ctx, "not recording the XML console");
		cmd_print(ctx, "Stopped recording the XML console to %s.",
		    xmlrec_path());
		xmlrec_stop();
		return CMD_OK;
	}
	if (strcmp(a->argv[0], "start") != 0 || a->argc != 2)
		return cmd_error(ctx, "usage: /xmlconsole record start FILE|stop");
	path = cmd_expand_path(a->argv[1]);
	if (!xmlrec_start(path, &err))
		return cmd_error(ctx, "cannot record the XML console: %s",
		    err->message);
	return record_state(ctx);
}

#define NOARGS (const struct cmd_arg_doc[]){ { NULL, NULL } }
#define W CMD_COMPLETE_WORDS

static const enum cmd_completer filter_c[] = { W, W, W, W, W, W, W, W,
	CMD_COMPLETE_NONE };
static const enum cmd_completer onoff_c[] = { W, CMD_COMPLETE_NONE };

static const struct cmd_entry xc_recall = {
	.name = "recall",
	.synopsis = (const char *const[]){ "/xmlconsole recall N", NULL },
	.description = "Put stanza #N of the console in the input line of the "
	    "console window, to edit and send again.",
	.args = (const struct cmd_arg_doc[]){
	    { "N", "the number shown before the stanza (#N)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole recall 42", NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = recall_exec,
};

static const struct cmd_entry xc_filter = {
	.name = "filter",
	.synopsis = (const char *const[]){ "/xmlconsole filter "
	    "[message|presence|iq|stream|all] [in|out|both] [ns:NAMESPACE] "
	    "[jid:JID] [id:ID] [text:WORD]", "/xmlconsole filter off", NULL },
	.description = "Show only the stanzas that match every term given "
	    "(several kinds may be named). Applies to what is already shown. "
	    "Without terms, shows the current filter; off shows everything.",
	.args = (const struct cmd_arg_doc[]){
	    { "message|presence|iq|stream", "stanza kinds (stream: "
	      "everything else, e.g. features, SASL, stream management)" },
	    { "in|out", "received or sent only" },
	    { "NAMESPACE", "ns:NAMESPACE: an element of the stanza declares "
	      "it" },
	    { "JID", "jid:JID: sent to or from JID (a bare JID matches all "
	      "its resources)" },
	    { "ID", "id:ID: the stanza's id attribute" },
	    { "WORD", "text:WORD: the raw XML contains WORD "
	      "(case-insensitive)" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole filter iq out",
	    "/xmlconsole filter message jid:bob@example.org",
	    "/xmlconsole filter ns:urn:xmpp:mam:2", NULL },
	.min_args = 0, .max_args = 8, .complete = filter_c,
	.words = (const char *const[]){ "message", "presence", "iq", "stream",
	    "all", "in", "out", "both", "ns:", "jid:", "id:", "text:", "off",
	    NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = filter_exec,
};

static const struct cmd_entry xc_acks = {
	.name = "hide-acks",
	.synopsis = (const char *const[]){ "/xmlconsole hide-acks on|off",
	    NULL },
	.description = "Hide or show stream-management <r/> and <a/> "
	    "(hidden by default; the xmlconsole.hide_acks preference).",
	.args = (const struct cmd_arg_doc[]){ { "on|off", "hide or show" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole hide-acks off", NULL },
	.min_args = 1, .max_args = 1, .complete = onoff_c,
	.words = (const char *const[]){ "on", "off", NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = acks_exec,
};

static const struct cmd_entry xc_pause = {
	.name = "pause",
	.synopsis = (const char *const[]){ "/xmlconsole pause", NULL },
	.description = "Freeze the console view; traffic is still recorded "
	    "and appears on resume.",
	.args = NOARGS,
	.examples = (const char *const[]){ "/xmlconsole pause", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = pause_exec,
};

static const struct cmd_entry xc_resume = {
	.name = "resume",
	.synopsis = (const char *const[]){ "/xmlconsole resume", NULL },
	.description = "Follow the traffic again after a pause.",
	.args = NOARGS,
	.examples = (const char *const[]){ "/xmlconsole resume", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = resume_exec,
};

static const struct cmd_entry xc_clear = {
	.name = "clear",
	.synopsis = (const char *const[]){ "/xmlconsole clear", NULL },
	.description = "Drop all recorded traffic (numbers keep counting).",
	.args = NOARGS,
	.examples = (const char *const[]){ "/xmlconsole clear", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = clear_exec,
};

static const struct cmd_entry xc_search = {
	.name = "search",
	.synopsis = (const char *const[]){ "/xmlconsole search WORD", NULL },
	.description = "List the recorded stanzas containing WORD "
	    "(case-insensitive), with their numbers for recall.",
	.args = (const struct cmd_arg_doc[]){
	    { "WORD", "text to look for; the rest of the line" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole search urn:xmpp:mam",
	    NULL },
	.min_args = 1, .max_args = -1,
	.flags = CMD_SCRIPT_SAFE, .exec = search_exec,
};

static const struct cmd_entry xc_save = {
	.name = "save",
	.synopsis = (const char *const[]){ "/xmlconsole save FILE", NULL },
	.description = "Write the stanzas the filter shows, with numbers and "
	    "times, to FILE as the view shows them (received ones as the "
	    "exact bytes in the raw view, pretty-printed otherwise; created "
	    "mode 0600: it holds your messages).",
	.args = (const struct cmd_arg_doc[]){ { "FILE", "path of the file" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole save ~/login.xml",
	    NULL },
	.min_args = 1, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE, .exec = save_exec,
};

static const struct cmd_entry xc_view = {
	.name = "view",
	.synopsis = (const char *const[]){ "/xmlconsole view raw|parsed",
	    "/xmlconsole view", NULL },
	.description = "Show received stanzas as the exact bytes the server "
	    "sent (raw, the default: prefixes such as stream:, xml:lang, "
	    "attribute order, quoting and line breaks as they came) or as "
	    "libstrophe parsed them (parsed, pretty-printed). Sent stanzas are "
	    "pretty-printed in both views. Alt-v in the console window switches "
	    "between the two; the title bar names the view. /xmlconsole save "
	    "writes what the view shows. Alone, says which view is on. The "
	    "raw view needs natter's libstrophe (its patch 0012); with another "
	    "build received stanzas are shown as parsed.",
	.args = (const struct cmd_arg_doc[]){
	    { "raw", "the bytes received, verbatim (credentials redacted)" },
	    { "parsed", "the parsed stanza, pretty-printed" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole view parsed",
	    "/xmlconsole view raw", NULL },
	.min_args = 0, .max_args = 1, .complete = onoff_c,
	.words = (const char *const[]){ "raw", "parsed", NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = view_exec,
};

static const struct cmd_entry xc_record = {
	.name = "record",
	.synopsis = (const char *const[]){ "/xmlconsole record start FILE",
	    "/xmlconsole record stop", "/xmlconsole record", NULL },
	.description = "Record the traffic to FILE as JSON Lines, one stanza "
	    "a line: time (UTC), account, direction, number, the request a "
	    "reply answers, the XML as parsed and, for a received stanza, the "
	    "exact bytes (credentials redacted in both). The recording starts with everything the console "
	    "already holds, so one started after a problem still has it, then "
	    "follows the traffic until stopped (whatever the filter; FILE is "
	    "created or emptied, mode 0600). A write error stops it with a "
	    "message. Alone, says whether a recording is running. "
	    "natter --replay FILE opens a recording in the console, offline.",
	.args = (const struct cmd_arg_doc[]){
	    { "start FILE", "record to FILE (refused if it is a link or "
	      "not yours)" },
	    { "stop", "stop and close the file" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/xmlconsole record start ~/bug.jsonl", "/xmlconsole record stop",
	    NULL },
	.min_args = 0, .max_args = 2, .complete = onoff_c,
	.words = (const char *const[]){ "start", "stop", NULL },
	.flags = CMD_SCRIPT_SAFE, .exec = record_exec,
};

const struct cmd_entry cmd_xmlconsole_entry = {
	.name = "xmlconsole",
	.synopsis = (const char *const[]){ "/xmlconsole",
	    "/xmlconsole filter [TERMS]|off", "/xmlconsole hide-acks on|off",
	    "/xmlconsole pause|resume|clear", "/xmlconsole search WORD",
	    "/xmlconsole save FILE", "/xmlconsole record start FILE|stop",
	    "/xmlconsole recall N", "/xmlconsole view raw|parsed", NULL },
	.description = "Open the XML console: every stanza sent and received "
	    "since connecting, numbered and timed, received ones as the exact "
	    "bytes the server sent (or pretty-printed as parsed: /xmlconsole "
	    "view), with credentials redacted and IQ replies paired with their "
	    "request. "
	    "XML typed in its window is sent raw after a well-formedness "
	    "check; lines are collected until the element closes.",
	.args = (const struct cmd_arg_doc[]){
	    { "TERMS", "see /help xmlconsole filter" },
	    { "WORD", "text to look for" },
	    { "N", "a stanza number (#N)" }, { "FILE", "a file to write" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/xmlconsole",
	    "/xmlconsole filter iq", "/xmlconsole recall 12", NULL },
	.subcmds = (const struct cmd_entry *const[]){ &xc_filter, &xc_acks,
	    &xc_pause, &xc_resume, &xc_clear, &xc_search, &xc_save,
	    &xc_record, &xc_recall, &xc_view, NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = console_exec,
};

const struct cmd_entry cmd_xml_entry = {
	.name = "xml",
	.synopsis = (const char *const[]){ "/xml XML", "/xml", NULL },
	.description = "Send raw XML on the current account after a "
	    "well-formedness check: malformed XML is refused with the parser's "
	    "message and nothing is sent. An element not closed yet is kept "
	    "and the next /xml lines (or lines typed in the XML console) "
	    "complete it; /xml alone discards it. Each window (and each "
	    "script or batch session) collects its own.",
	.args = (const struct cmd_arg_doc[]){
	    { "XML", "one or more elements, as sent on the stream" },
	    { NULL, NULL } },
	.examples = (const char *const[]){
	    "/xml <iq type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>",
	    "/xml <presence/>", NULL },
	.min_args = 0, .max_args = 1,
	.flags = CMD_SCRIPT_SAFE | CMD_RAW_ARGS, .exec = xml_exec,
};
