/* SPDX-License-Identifier: MIT */
/*
 * Strict JSON parsers without a JSON library: flat objects for natter's
 * own JSON Lines (XML console recordings), and whole documents as trees
 * (saved /diagnose reports, host-meta.json). Input is untrusted: every
 * byte is checked, nesting is bounded, nothing is assumed. util layer.
 */
#include <string.h>

#include "json.h"

struct jp {
	const char	*start;
	const char	*p;
	GError		**error;
};

static bool
jp_fail(struct jp *j, const char *what)
{
	g_set_error(j->error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
	    "%s at column %ld", what, (long)(j->p - j->start) + 1);
	return false;
}

static void
skip_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	    *j->p == '\r')
		j->p++;
}

static int
hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		int c = g_ascii_xdigit_value(p[i]);

		if (c < 0)
			return -1;
		v = v * 16 + c;
	}
	return v;
}

/* \uXXXX, with a following low surrogate for a high one. */
static bool
unicode_escape(struct jp *j, GString *out)
{
	int cp = hex4(j->p), lo;

	if (cp < 0)
		return jp_fail(j, "bad \\u escape");
	j->p += 4;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return jp_fail(j, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (j->p[0] != '\\' || j->p[1] != 'u' ||
		    (lo = hex4(j->p + 2)) < 0xDC00 || lo > 0xDFFF)
			return jp_fail(j, "lone high surrogate");
		j->p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp == 0)
		return jp_fail(j, "NUL in string");
	g_string_append_unichar(out, (gunichar)cp);
	return true;
}

static bool
escape(struct jp *j, GString *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = *j->p != '\0' ? strchr(from, *j->p) : NULL;

	if (*j->p == 'u') {
		j->p++;
		return unicode_escape(j, out);
	}
	if (k == NULL)
		return jp_fail(j, "bad escape");
	g_string_append_c(out, to[k - from]);
	j->p++;
	return true;
}

/* A string after its opening quote, into out. */
static bool
string(struct jp *j, GString *out)
{
	for (;;) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '\0')
			return jp_fail(j, "unterminated string");
		if (c < 0x20)
			return jp_fail(j, "control character in string");
		j->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (!escape(j, out))
				return false;
		} else
			g_string_append_c(out, (char)c);
	}
	if (!g_utf8_validate(out->str, (gssize)out->len, NULL))
		return jp_fail(j, "invalid UTF-8 in string");
	return true;
}

static bool
digits(struct jp *j)
{
	const char *s = j->p;

	while (g_ascii_isdigit(*j->p))
		j->p++;
	return j->p > s;
}

static bool
number(struct jp *j, GString *out)
{
	const char *s = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!digits(j))
		return jp_fail(j, "bad number");
	if (*j->p == '.' && (j->p++, !digits(j)))
		return jp_fail(j, "bad number");
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!digits(j))
			return jp_fail(j, "bad number");
	}
	g_string_append_len(out, s, j->p - s);
	return true;
}

static bool
value(struct jp *j, GString *out)
{
	static const struct { const char *word, *val; } words[] = {
		{ "true", "btrue" }, { "false", "bfalse" }, { "null", "z" },
	};
	size_t i;

	if (*j->p == '"') {
		j->p++;
		g_string_append_c(out, 's');
		return string(j, out);
	}
	if (*j->p == '-' || g_ascii_isdigit(*j->p)) {
		g_string_append_c(out, 'n');
		return number(j, out);
	}
	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (strncmp(j->p, words[i].word, strlen(words[i].word)) == 0) {
			j->p += strlen(words[i].word);
			g_string_append(out, words[i].val);
			return true;
		}
	return jp_fail(j, "expected a string, number, true, false or null");
}

static bool
member(struct jp *j, GHashTable *obj)
{
	g_autoptr(GString) key = g_string_new(NULL);
	g_autoptr(GString) val = g_string_new(NULL);

	skip_ws(j);
	if (*j->p != '"')
		return jp_fail(j, "expected a key");
	j->p++;
	if (!string(j, key))
		return false;
	skip_ws(j);
	if (*j->p != ':')
		return jp_fail(j, "expected ':'");
	j->p++;
	skip_ws(j);
	if (!value(j, val))
		return false;
	if (g_hash_table_contains(obj, key->str))
		return jp_fail(j, "duplicate key");
	g_hash_table_insert(obj, g_string_free(g_steal_pointer(&key), FALSE),
	    g_string_free(g_steal_pointer(&val), FALSE));
	return true;
}

static bool
object(struct jp *j, GHashTable *obj)
{
	skip_ws(j);
	if (*j->p != '{')
		return jp_fail(j, "expected '{'");
	j->p++;
	skip_ws(j);
	if (*j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		if (!member(j, obj))
			return false;
		skip_ws(j);
		if (*j->p == '}')
			break;
		if (*j->p != ',')
			return jp_fail(j, "expected ',' or '}'");
		j->p++;
	}
	j->p++;
	skip_ws(j);
	return *j->p == '\0' || jp_fail(j, "text after the object");
}

GHashTable *
json_flat_parse(const char *text, GError **error)
{
	GHashTable *obj = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	struct jp j = { text, text, error };

	if (!object(&j, obj)) {
		g_hash_table_unref(obj);
		return NULL;
	}
	return obj;
}

/* The tree parser: any JSON value, nested at most JSON_DEPTH_MAX deep. */

static struct json_node *tree_value(struct jp *j, int depth);

static struct json_node *
node_new(enum json_type type, char *text)
{
	struct json_node *n = g_new0(struct json_node, 1);

	n->type = type;
	n->text = text;
	if (type == JSON_ARRAY || type == JSON_OBJECT)
		n->items = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)json_node_free);
	return n;
}

/* Free n and everything under it; NULL is a no-op. */
void
json_node_free(struct json_node *n)
{
	if (n == NULL)
		return;
	g_free(n->key);
	g_free(n->text);
	if (n->items != NULL)
		g_ptr_array_unref(n->items);
	g_free(n);
}

/* The elements of an array or the members of an object after '[' / '{'. */
static bool
tree_items(struct jp *j, struct json_node *n, char close, int depth)
{
	skip_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		g_autoptr(GString) key = NULL;
		struct json_node *v;

		skip_ws(j);
		if (close == '}') {
			key = g_string_new(NULL);
			if (*j->p != '"')
				return jp_fail(j, "expected a key");
			j->p++;
			if (!string(j, key))
				return false;
			if (json_get(n, key->str) != NULL)
				return jp_fail(j, "duplicate key");
			skip_ws(j);
			if (*j->p != ':')
				return jp_fail(j, "expected ':'");
			j->p++;
			skip_ws(j);
		}
		if ((v = tree_value(j, depth + 1)) == NULL)
			return false;
		if (key != NULL)
			v->key = g_string_free(g_steal_pointer(&key), FALSE);
		g_ptr_array_add(n->items, v);
		skip_ws(j);
		if (*j->p == close)
			break;
		if (*j->p != ',')
			return jp_fail(j, close == '}' ? "expected ',' or '}'" :
			    "expected ',' or ']'");
		j->p++;
	}
	j->p++;
	return true;
}

static struct json_node *
tree_value(struct jp *j, int depth)
{
	g_autoptr(GString) s = g_string_new(NULL);
	struct json_node *n;
	char open = *j->p;

	if (depth > JSON_DEPTH_MAX) {
		jp_fail(j, "nested too deeply");
		return NULL;
	}
	if (open == '[' || open == '{') {
		j->p++;
		n = node_new(open == '[' ? JSON_ARRAY : JSON_OBJECT, NULL);
		if (!tree_items(j, n, open == '[' ? ']' : '}', depth)) {
			json_node_free(n);
			return NULL;
		}
		return n;
	}
	if (!value(j, s))
		return NULL;
	switch (s->str[0]) {
	case 's':
		return node_new(JSON_STRING, g_strdup(s->str + 1));
	case 'n':
		return node_new(JSON_NUMBER, g_strdup(s->str + 1));
	case 'b':
		return node_new(JSON_BOOL, g_strdup(s->str + 1));
	default:
		return node_new(JSON_NULL, NULL);
	}
}

/* Parse one JSON document (any value at the top) into a tree. */
struct json_node *
json_parse(const char *text, GError **error)
{
	struct jp j = { text, text, error };
	struct json_node *n;

	g_return_val_if_fail(text != NULL, NULL);
	skip_ws(&j);
	if ((n = tree_value(&j, 0)) == NULL)
		return NULL;
	skip_ws(&j);
	if (*j.p != '\0') {
		jp_fail(&j, "text after the value");
		json_node_free(n);
		return NULL;
	}
	return n;
}

/* The member key of object o, or NULL (also when o is not an object). */
const struct json_node *
json_get(const struct json_node *o, const char *key)
{
	guint i;

	if (o == NULL || o->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < o->items->len; i++) {
		const struct json_node *m = g_ptr_array_index(o->items, i);

		if (strcmp(m->key, key) == 0)
			return m;
	}
	return NULL;
}

/* The string member key of o, or NULL when absent or not a string. */
const char *
json_get_str(const struct json_node *o, const char *key)
{
	const struct json_node *m = json_get(o, key);

	return m != NULL && m->type == JSON_STRING ? m->text : NULL;
}

/* The integer member key of o, or dflt when absent or not an integer. */
gint64
json_get_int(const struct json_node *o, const char *key, gint64 dflt)
{
	const struct json_node *m = json_get(o, key);
	gint64 v;

	if (m == NULL || m->type != JSON_NUMBER ||
	    !g_ascii_string_to_signed(m->text, 10, G_MININT64, G_MAXINT64, &v,
	    NULL))
		return dflt;
	return v;
}
