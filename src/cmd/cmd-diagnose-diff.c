/* SPDX-License-Identifier: MIT */
/*
 * Comparing two /diagnose --json reports: a walk over both trees that
 * lists what was added ("+"), removed ("-") or changed ("~"). Lists of
 * strings (features, endpoints) compare as sets; lists of objects pair
 * their elements by what names them (a compliance row by its feature, a
 * service by its JID, a link by its relation and target, anything else
 * by its whole content). What differs on every run of the same server
 * is left out: times, uptime, ping minimum and maximum, and a ping
 * median that moved less than the noise (PING_NOISE_MS, or half).
 * Pure: no network, no files but diag_diff_files()'s two. cmd layer.
 */
#include <string.h>

#include "cmd-diagnose-diff.h"
#include "cmd-disco.h"
#include "util/sanitize.h"

#define PING_NOISE_MS	1.0

/* Paths never compared: they describe the client or the moment. */
static const char *const ignored[] = { "natter", "libstrophe",
	"software.uptime_seconds", "ping_ms.min", "ping_ms.max",
	"host_meta.xrd.links", "host_meta.jrd.links", NULL };

/* Readable names of the lists and values people look for first. */
static const struct { const char *path, *label; } labels[] = {
	{ "server_features", "server feature" },
	{ "account_features", "account feature" },
	{ "services", "service" },
	{ "compliance", "compliance row" },
	{ "level", "compliance level reached" },
	{ "software.name", "server software" },
	{ "software.version", "server software version" },
	{ "software.os", "server OS" },
	{ "connection.mechanisms", "SASL mechanism offered" },
	{ "unanswered", "unanswered query" },
	{ "host_meta.bosh", "BOSH endpoint" },
	{ "host_meta.websocket", "WebSocket endpoint" },
	{ "host_meta.other", "XEP-0487 endpoint" },
	{ "host_meta.differences", "host-meta files disagree" },
	{ "srv", "SRV record" },
	{ "ping_ms.median", "ping median (ms)" },
};

/* True for a member not compared: a listed path, or a time value. */
static bool
is_ignored(const char *path, const char *key, const struct json_node *n)
{
	size_t i;

	for (i = 0; ignored[i] != NULL; i++)
		if (strcmp(path, ignored[i]) == 0)
			return true;
	if (key == NULL || n->type == JSON_OBJECT || n->type == JSON_ARRAY)
		return false;
	return strcmp(key, "time") == 0 || g_str_has_suffix(key, "_ms") ||
	    g_str_has_suffix(key, "_time");
}

static const char *
label(const char *path)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(labels); i++)
		if (strcmp(path, labels[i].path) == 0)
			return labels[i].label;
	return path;
}

/* n as compact JSON-like text, keys in document order (appended to s). */
static void
render(GString *s, const struct json_node *n)
{
	guint i;

	switch (n->type) {
	case JSON_NULL:
		g_string_append(s, "null");
		return;
	case JSON_STRING:
	case JSON_NUMBER:
	case JSON_BOOL:
		g_string_append(s, n->text);
		return;
	case JSON_ARRAY:
	case JSON_OBJECT:
		g_string_append_c(s, n->type == JSON_ARRAY ? '[' : '{');
		for (i = 0; i < n->items->len; i++) {
			const struct json_node *c = g_ptr_array_index(n->items,
			    i);

			if (i > 0)
				g_string_append(s, ", ");
			if (c->key != NULL)
				g_string_append_printf(s, "%s: ", c->key);
			render(s, c);
		}
		g_string_append_c(s, n->type == JSON_ARRAY ? ']' : '}');
	}
}

static char *
text_of(const struct json_node *n)
{
	GString *s = g_string_new(NULL);

	render(s, n);
	return g_string_free(s, FALSE);
}

/* What names an element of a list, to pair it with its counterpart. */
static char *
identity(const struct json_node *n)
{
	const char *id = json_get_str(n, "feature");
	const char *rel = json_get_str(n, "rel");

	if (id == NULL)
		id = json_get_str(n, "jid");
	if (id != NULL)
		return g_strdup(id);
	if (rel != NULL && json_get_str(n, "href") != NULL)
		return g_strdup_printf("%s %s", rel, json_get_str(n, "href"));
	if (rel != NULL && json_get(n, "port") != NULL)
		return g_strdup_printf("%s port %" G_GINT64_FORMAT, rel,
		    json_get_int(n, "port", -1));
	return text_of(n);
}

static bool
scalar_equal(const struct json_node *a, const struct json_node *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == JSON_NULL)
		return true;
	if (a->type == JSON_NUMBER)
		return g_ascii_strtod(a->text, NULL) ==
		    g_ascii_strtod(b->text, NULL);
	return strcmp(a->text, b->text) == 0;
}

static void diff_node(GPtrArray *out, const char *path, const char *key,
    const struct json_node *a, const struct json_node *b);

static void
added(GPtrArray *out, char sign, const char *path, const struct json_node *n)
{
	g_autofree char *v = n->type == JSON_OBJECT ? identity(n) : text_of(n);

	g_ptr_array_add(out, g_strdup_printf("%c %s: %s", sign, label(path),
	    v));
}

/* Elements of list a that have no counterpart in b (sign '-'), or the
 * other way round ('+'); paired ones are compared member by member. */
static void
diff_list(GPtrArray *out, const char *path, const struct json_node *a,
    const struct json_node *b, char sign, bool pair)
{
	g_autofree bool *used = g_new0(bool, b->items->len + 1);
	guint i, k;

	for (i = 0; i < a->items->len; i++) {
		const struct json_node *x = g_ptr_array_index(a->items, i);
		g_autofree char *id = identity(x);

		for (k = 0; k < b->items->len; k++) {
			g_autofree char *other = NULL;

			if (used[k])
				continue;
			other = identity(g_ptr_array_index(b->items, k));
			if (strcmp(id, other) == 0)
				break;
		}
		if (k < b->items->len) {
			used[k] = true;
			if (pair) {
				g_autofree char *sub = g_strdup_printf("%s[%s]",
				    path, id);

				diff_node(out, sub, NULL, x,
				    g_ptr_array_index(b->items, k));
			}
		} else
			added(out, sign, path, x);
	}
}

static void
diff_object(GPtrArray *out, const char *path, const struct json_node *a,
    const struct json_node *b)
{
	guint i;

	for (i = 0; i < a->items->len; i++) {
		const struct json_node *x = g_ptr_array_index(a->items, i);
		g_autofree char *sub = *path != '\0' ? g_strdup_printf("%s.%s",
		    path, x->key) : g_strdup(x->key);

		diff_node(out, sub, x->key, x, json_get(b, x->key));
	}
	for (i = 0; i < b->items->len; i++) {
		const struct json_node *y = g_ptr_array_index(b->items, i);
		g_autofree char *sub = *path != '\0' ? g_strdup_printf("%s.%s",
		    path, y->key) : g_strdup(y->key);

		if (json_get(a, y->key) == NULL && !is_ignored(sub, y->key, y))
			added(out, '+', sub, y);
	}
}

/* True when a ping median moved less than the run-to-run noise. */
static bool
ping_noise(const char *path, const struct json_node *a,
    const struct json_node *b)
{
	double x, y;

	if (strcmp(path, "ping_ms.median") != 0 || a->type != JSON_NUMBER ||
	    b->type != JSON_NUMBER)
		return false;
	x = g_ascii_strtod(a->text, NULL);
	y = g_ascii_strtod(b->text, NULL);
	return ABS(x - y) < MAX(PING_NOISE_MS, MIN(x, y) / 2);
}

static void
diff_node(GPtrArray *out, const char *path, const char *key,
    const struct json_node *a, const struct json_node *b)
{
	g_autofree char *va = NULL, *vb = NULL;

	if (is_ignored(path, key, a))
		return;
	if (b == NULL) {
		added(out, '-', path, a);
		return;
	}
	if (a->type == b->type && a->type == JSON_OBJECT) {
		diff_object(out, path, a, b);
		return;
	}
	if (a->type == b->type && a->type == JSON_ARRAY) {
		diff_list(out, path, a, b, '-', true);
		diff_list(out, path, b, a, '+', false);
		return;
	}
	if (scalar_equal(a, b) || ping_noise(path, a, b))
		return;
	va = text_of(a);
	vb = text_of(b);
	g_ptr_array_add(out, g_strdup_printf("~ %s: %s -> %s", label(path),
	    *va != '\0' ? va : "(empty)", *vb != '\0' ? vb : "(empty)"));
}

/*
 * The differences between reports a and b, one line each ("+ what: x",
 * "- what: x", "~ what: old -> new"); empty when they agree. The lines
 * hold text from the reports: sanitize before showing them.
 */
GPtrArray *
diag_diff(const struct json_node *a, const struct json_node *b)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	g_return_val_if_fail(a != NULL && b != NULL, out);
	diff_node(out, "", NULL, a, b);
	return out;
}

static struct json_node *
load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	struct json_node *doc;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, &err)) {
		g_set_error(error, G_FILE_ERROR, err->code, "%s", err->message);
		return NULL;
	}
	if (len > DIAG_REPORT_MAX || strlen(text) != len) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		    "%s: not a /diagnose --json report (too large or binary)",
		    path);
		return NULL;
	}
	doc = json_parse(text, &err);
	if (doc == NULL || json_get_str(doc, "domain") == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		    "%s: not a /diagnose --json report%s%s", path,
		    err != NULL ? ": " : " (no \"domain\")",
		    err != NULL ? err->message : "");
		json_node_free(doc);
		return NULL;
	}
	return doc;
}

/* Read and compare two saved reports; NULL (and error) if one is bad. */
GPtrArray *
diag_diff_files(const char *path_a, const char *path_b, GError **error)
{
	struct json_node *a = load(path_a, error), *b;
	GPtrArray *out;

	if (a == NULL)
		return NULL;
	b = load(path_b, error);
	if (b == NULL) {
		json_node_free(a);
		return NULL;
	}
	out = diag_diff(a, b);
	json_node_free(a);
	json_node_free(b);
	return out;
}

static enum cmd_status
compare_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autofree char *pa = cmd_expand_path(a->argv[0]);
	g_autofree char *pb = cmd_expand_path(a->argv[1]);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines = diag_diff_files(pa, pb, &err);
	guint i;

	if (lines == NULL)
		return cmd_error(ctx, "%s", err->message);
	if (lines->len == 0) {
		cmd_print(ctx, "%s and %s agree (times, uptime and ping "
		    "minimum/maximum are not compared)", pa, pb);
		return CMD_OK;
	}
	cmd_print(ctx, "%u difference%s from %s to %s:", lines->len,
	    lines->len == 1 ? "" : "s", pa, pb);
	for (i = 0; i < lines->len; i++) {
		g_autofree char *safe = sanitize_str(g_ptr_array_index(lines,
		    i));

		cmd_print(ctx, "  %s", safe);
	}
	return CMD_OK;
}

const struct cmd_entry cmd_diagnose_compare_entry = {
	.name = "compare",
	.synopsis = (const char *const[]){ "/diagnose compare OLD NEW",
	    NULL },
	.description = "Compare two reports saved with /diagnose --json -o "
	    "FILE (before and after a server upgrade, or two servers): lists "
	    "features, compliance rows, services, endpoints and SASL "
	    "mechanisms gained (+) or lost (-) and values changed (~), such "
	    "as the software version or the ping median. Times, uptime and "
	    "ping minimum/maximum are not compared. The same as natter "
	    "--diff OLD NEW from a shell.",
	.args = (const struct cmd_arg_doc[]){
	    { "OLD", "a report saved with /diagnose --json -o FILE" },
	    { "NEW", "a later one (or another server's)" }, { NULL, NULL } },
	.examples = (const char *const[]){
	    "/diagnose compare ~/before.json ~/after.json", NULL },
	.min_args = 2, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE, .exec = compare_exec,
};
