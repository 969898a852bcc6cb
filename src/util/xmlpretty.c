/* SPDX-License-Identifier: MIT */
/*
 * XML console tokeniser and pretty printer (PRODUCT §7, STYLE §1: util).
 *
 * The tokeniser splits text into tags, text, comments and declarations
 * without building a tree and without recursion; the layout pass indents
 * by depth and keeps an element whose content is only text on one line.
 * It never fails: a fragment cut in the middle of a tag is shown as far
 * as it goes. Every span passes through sanitize_text(), so escape
 * sequences in text or attribute values are shown, never interpreted.
 */
#include <string.h>

#include "sanitize.h"
#include "str.h"
#include "xmlpretty.h"

enum xt_kind {
	XT_START,
	XT_EMPTY,
	XT_END,
	XT_TEXT,
	XT_COMMENT,
};

struct xt {
	enum xt_kind	 kind;
	const char	*p;
	size_t		 len;
};

/* Bytes kept before the elision note of a huge text or value. */
#define ELIDE_KEEP 64

static const char *
find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p + n;
	return end;
}

/* End of the tag starting at p ('<'), honouring quoted values. */
static const char *
tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (p++; p < end; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			return p + 1;
		}
	}
	return end;
}

/* Read the token at p (p < end); returns the position after it. */
static const char *
next_token(const char *p, const char *end, struct xt *t)
{
	const char *q;

	t->p = p;
	if (*p != '<') {
		q = memchr(p, '<', end - p);
		q = q != NULL ? q : end;
		t->kind = XT_TEXT;
	} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
		q = find(p + 4, end, "-->");
		t->kind = XT_COMMENT;
	} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		q = find(p + 9, end, "]]>");
		t->kind = XT_TEXT;
	} else if (end - p >= 2 && (p[1] == '?' || p[1] == '!')) {
		q = tag_end(p, end);
		t->kind = XT_COMMENT;
	} else if (end - p >= 2 && p[1] == '/') {
		q = tag_end(p, end);
		t->kind = XT_END;
	} else {
		q = tag_end(p, end);
		t->kind = q - p >= 2 && q[-1] == '>' && q[-2] == '/' ?
		    XT_EMPTY : XT_START;
	}
	t->len = q - p;
	return q;
}

static GArray *
tokenize(const char *xml, size_t len)
{
	GArray *toks = g_array_new(FALSE, FALSE, sizeof(struct xt));
	const char *p = xml, *end = xml + len;

	while (p < end) {
		struct xt t;

		p = next_token(p, end, &t);
		g_array_append_val(toks, t);
	}
	return toks;
}

static bool
is_blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!g_ascii_isspace(p[i]))
			return false;
	return true;
}

/* Cut at most n bytes of p without splitting a UTF-8 sequence. */
static size_t
utf8_cut(const char *p, size_t len, size_t n)
{
	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void
add_span(struct xp_line *l, enum xp_tok tok, const char *p, size_t len)
{
	struct xp_span s = { tok, sanitize_text(p, len, SANITIZE_ONE_LINE) };

	g_array_append_val(l->spans, s);
}

/* Add text or a value, elided beyond opts->max_text. */
static void
add_long(struct xp_line *l, enum xp_tok tok, const char *p, size_t len,
    const struct xp_opts *opts)
{
	char note[64];

	if (opts->max_text == 0 || len <= opts->max_text) {
		add_span(l, tok, p, len);
		return;
	}
	add_span(l, tok, p, utf8_cut(p, len, MIN(ELIDE_KEEP, opts->max_text)));
	g_snprintf(note, sizeof(note), "[\xe2\x80\xa6 %zu %s]", len,
	    str_plural(len, "byte", "bytes"));
	add_span(l, XP_ELIDED, note, strlen(note));
}

static struct xp_line *
line_new(guint depth, const struct xp_opts *opts)
{
	struct xp_line *l = g_new0(struct xp_line, 1);

	l->indent = opts->max_indent > 0 ? MIN(depth, opts->max_indent) :
	    depth;
	l->spans = g_array_new(FALSE, FALSE, sizeof(struct xp_span));
	return l;
}

void
xp_line_free(struct xp_line *line)
{
	guint i;

	if (line == NULL)
		return;
	for (i = 0; i < line->spans->len; i++)
		g_free(g_array_index(line->spans, struct xp_span, i).text);
	g_array_unref(line->spans);
	g_free(line);
}

/* Iterator over the name and attributes of a tag's text. */
struct tag_iter {
	const char	*p, *end;
};

static size_t
name_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && !g_ascii_isspace(*q) && *q != '>' && *q != '/' &&
	    *q != '=' && *q != '"' && *q != '\'')
		q++;
	return q - p;
}

static void
skip_space(struct tag_iter *it)
{
	while (it->p < it->end && g_ascii_isspace(*it->p))
		it->p++;
}

/* Start iterating the tag t; *name gets the element name. */
static void
tag_begin(struct tag_iter *it, const struct xt *t, const char **name,
    size_t *nlen)
{
	it->p = t->p + (t->kind == XT_END ? 2 : 1);
	it->end = t->p + t->len;
	*name = it->p;
	*nlen = name_len(it->p, it->end);
	it->p += *nlen;
}

/*
 * Next attribute: name and value (the value with its quotes in *raw, and
 * without them in *val). False at the end of the tag. Stray characters
 * are returned as an attribute without a value.
 */
struct tag_attr {
	const char	*name, *raw, *val;
	size_t		 nlen, rlen, vlen;
};

static bool
tag_next(struct tag_iter *it, struct tag_attr *a)
{
	memset(a, 0, sizeof(*a));
	skip_space(it);
	if (it->p >= it->end || *it->p == '>' ||
	    (*it->p == '/' && it->p + 1 < it->end && it->p[1] == '>'))
		return false;
	a->name = it->p;
	a->nlen = name_len(it->p, it->end);
	if (a->nlen == 0)
		a->nlen = 1;	/* stray character */
	it->p += a->nlen;
	skip_space(it);
	if (it->p < it->end && *it->p == '=') {
		it->p++;
		skip_space(it);
		if (it->p < it->end && (*it->p == '"' || *it->p == '\'')) {
			const char *close = memchr(it->p + 1, *it->p,
			    it->end - it->p - 1);

			a->raw = it->p;
			a->val = it->p + 1;
			close = close != NULL ? close : it->end;
			a->vlen = close - a->val;
			it->p = close < it->end ? close + 1 : it->end;
			a->rlen = it->p - a->raw;
		}
	}
	return true;
}

/* Append the spans of tag t (start, empty or end) to l. */
static void
add_tag(struct xp_line *l, const struct xt *t, const struct xp_opts *opts)
{
	struct tag_iter it;
	struct tag_attr a;
	const char *name;
	size_t nlen;

	tag_begin(&it, t, &name, &nlen);
	add_span(l, XP_PUNCT, t->kind == XT_END ? "</" : "<",
	    t->kind == XT_END ? 2 : 1);
	add_span(l, XP_NAME, name, nlen);
	while (tag_next(&it, &a)) {
		add_span(l, XP_PUNCT, " ", 1);
		add_span(l, XP_ATTR, a.name, a.nlen);
		if (a.raw == NULL)
			continue;
		add_span(l, XP_PUNCT, "=", 1);
		if (opts->max_text > 0 && a.vlen > opts->max_text) {
			add_span(l, XP_VALUE, a.raw, 1);
			add_long(l, XP_VALUE, a.val, a.vlen, opts);
			add_span(l, XP_VALUE, a.raw, 1);
		} else {
			add_span(l, XP_VALUE, a.raw, a.rlen);
		}
	}
	if (t->p[t->len - 1] != '>')
		return;		/* cut short: show what there is */
	if (t->kind == XT_EMPTY)
		add_span(l, XP_PUNCT, "/>", 2);
	else
		add_span(l, XP_PUNCT, ">", 1);
}

/* Text, one output line per input line, leading/trailing space dropped. */
static void
add_text_lines(GPtrArray *out, guint depth, const struct xt *t,
    const struct xp_opts *opts)
{
	const char *p = t->p, *end = t->p + t->len;

	if (opts->max_text > 0 && t->len > opts->max_text) {
		struct xp_line *l = line_new(depth, opts);

		add_long(l, XP_TEXT, p, t->len, opts);
		g_ptr_array_add(out, l);
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *stop = nl != NULL ? nl : end;
		const char *a = p, *b = stop;

		while (a < b && g_ascii_isspace(*a))
			a++;
		while (b > a && g_ascii_isspace(b[-1]))
			b--;
		if (b > a) {
			struct xp_line *l = line_new(depth, opts);

			add_span(l, XP_TEXT, a, b - a);
			g_ptr_array_add(out, l);
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

/* A start tag followed by its end tag, maybe with text between. */
static guint
inline_element(const GArray *toks, guint i)
{
	const struct xt *n1 = i + 1 < toks->len ?
	    &g_array_index(toks, struct xt, i + 1) : NULL;
	const struct xt *n2 = i + 2 < toks->len ?
	    &g_array_index(toks, struct xt, i + 2) : NULL;

	if (n1 != NULL && n1->kind == XT_END)
		return 1;
	if (n1 != NULL && n1->kind == XT_TEXT && memchr(n1->p, '\n',
	    n1->len) == NULL && n2 != NULL && n2->kind == XT_END)
		return 2;
	return 0;
}

/*
 * Pretty-print xml (len bytes) into a new array of struct xp_line (free
 * with g_ptr_array_unref). Never fails.
 */
GPtrArray *
xp_format(const char *xml, size_t len, const struct xp_opts *opts)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)xp_line_free);
	g_autoptr(GArray) toks = tokenize(xml, len);
	guint depth = 0, i, n;

	for (i = 0; i < toks->len; i++) {
		const struct xt *t = &g_array_index(toks, struct xt, i);
		struct xp_line *l;

		if (t->kind == XT_TEXT) {
			if (!is_blank(t->p, t->len))
				add_text_lines(out, depth, t, opts);
			continue;
		}
		if (t->kind == XT_END && depth > 0)
			depth--;
		l = line_new(depth, opts);
		g_ptr_array_add(out, l);
		if (t->kind == XT_COMMENT) {
			add_long(l, XP_COMMENT, t->p, t->len, opts);
			continue;
		}
		add_tag(l, t, opts);
		if (t->kind != XT_START)
			continue;
		n = inline_element(toks, i);
		if (n == 0) {
			depth++;
			continue;
		}
		if (n == 2) {
			const struct xt *tx = &g_array_index(toks, struct xt,
			    i + 1);

			add_long(l, XP_TEXT, tx->p, tx->len, opts);
		}
		add_tag(l, &g_array_index(toks, struct xt, i + n), opts);
		i += n;
	}
	return out;
}

/* The plain text of a line, indented by indent_width spaces a level. */
char *
xp_line_text(const struct xp_line *line, guint indent_width)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < line->indent * indent_width; i++)
		g_string_append_c(s, ' ');
	for (i = 0; i < line->spans->len; i++)
		g_string_append(s, g_array_index(line->spans, struct xp_span,
		    i).text);
	return g_string_free(s, FALSE);
}

/* Pretty-print to plain text: lines joined by '\n', two-space indents. */
char *
xp_format_text(const char *xml, const struct xp_opts *opts)
{
	g_autoptr(GPtrArray) lines = xp_format(xml, strlen(xml), opts);
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < lines->len; i++) {
		g_autofree char *t = xp_line_text(g_ptr_array_index(lines, i),
		    2);

		if (i > 0)
			g_string_append_c(s, '\n');
		g_string_append(s, t);
	}
	return g_string_free(s, FALSE);
}

static bool
name_is(const char *p, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(p, name, len) == 0;
}

static char *
value_dup(const struct tag_attr *a)
{
	return a->raw != NULL ? g_strndup(a->val, a->vlen) : NULL;
}

/* Read name, xmlns, from, to, id and type of tag t into top. */
static void
top_attrs(const struct xt *t, char **name, char **xmlns,
    struct xp_top *top)
{
	struct tag_iter it;
	struct tag_attr a;
	const char *n;
	size_t nlen;

	tag_begin(&it, t, &n, &nlen);
	*name = g_strndup(n, nlen);
	while (tag_next(&it, &a)) {
		char **slot = NULL;

		if (name_is(a.name, a.nlen, "xmlns"))
			slot = xmlns;
		else if (top != NULL && name_is(a.name, a.nlen, "from"))
			slot = &top->from;
		else if (top != NULL && name_is(a.name, a.nlen, "to"))
			slot = &top->to;
		else if (top != NULL && name_is(a.name, a.nlen, "id"))
			slot = &top->id;
		else if (top != NULL && name_is(a.name, a.nlen, "type"))
			slot = &top->type;
		if (slot != NULL && *slot == NULL)
			*slot = value_dup(&a);
	}
}

/*
 * Fill top with facts about the first element of xml and its first
 * child. False when xml holds no element. Clear with xp_top_clear().
 */
bool
xp_top_parse(const char *xml, struct xp_top *top)
{
	const char *p = xml, *end = xml + strlen(xml);
	bool found = false;
	struct xt t;

	memset(top, 0, sizeof(*top));
	while (p < end) {
		p = next_token(p, end, &t);
		if (t.kind == XT_START || t.kind == XT_EMPTY) {
			found = true;
			break;
		}
	}
	if (!found)
		return false;
	top_attrs(&t, &top->name, &top->xmlns, top);
	if (t.kind == XT_EMPTY)
		return true;
	while (p < end) {
		p = next_token(p, end, &t);
		if (t.kind == XT_START || t.kind == XT_EMPTY) {
			top_attrs(&t, &top->child, &top->child_ns, NULL);
			break;
		}
		if (t.kind == XT_END)
			break;
	}
	return true;
}

void
xp_top_clear(struct xp_top *top)
{
	g_free(top->name);
	g_free(top->xmlns);
	g_free(top->from);
	g_free(top->to);
	g_free(top->id);
	g_free(top->type);
	g_free(top->child);
	g_free(top->child_ns);
	memset(top, 0, sizeof(*top));
}

/* True when some element of xml declares namespace ns (xmlns or xmlns:p). */
bool
xp_has_ns(const char *xml, const char *ns)
{
	const char *p = xml, *end = xml + strlen(xml);
	size_t nslen = strlen(ns);

	while (p < end) {
		struct tag_iter it;
		struct tag_attr a;
		const char *n;
		size_t nlen;
		struct xt t;

		p = next_token(p, end, &t);
		if (t.kind != XT_START && t.kind != XT_EMPTY)
			continue;
		tag_begin(&it, &t, &n, &nlen);
		while (tag_next(&it, &a))
			if (a.nlen >= 5 && memcmp(a.name, "xmlns", 5) == 0 &&
			    (a.nlen == 5 || a.name[5] == ':') &&
			    a.raw != NULL && a.vlen == nslen &&
			    memcmp(a.val, ns, nslen) == 0)
				return true;
	}
	return false;
}

/* Namespace prefixes in scope while checking raw input. */
struct check_state {
	GPtrArray	*prefixes;	/* declared prefixes, innermost last */
	GArray		*marks;		/* prefixes->len at each open element */
};

static bool
prefix_declared(struct check_state *cs, const char *qname)
{
	const char *colon = strchr(qname, ':');
	g_autofree char *prefix = NULL;
	guint i;

	if (colon == NULL)
		return true;
	prefix = g_strndup(qname, colon - qname);
	/* xml is predeclared; stream is declared by the stream header. */
	if (strcmp(prefix, "xml") == 0 || strcmp(prefix, "stream") == 0 ||
	    strcmp(prefix, "xmlns") == 0)
		return true;
	for (i = 0; i < cs->prefixes->len; i++)
		if (strcmp(g_ptr_array_index(cs->prefixes, i), prefix) == 0)
			return true;
	return false;
}

static void
check_start(GMarkupParseContext *ctx, const char *name, const char **anames,
    const char **avalues, gpointer data, GError **error)
{
	struct check_state *cs = data;
	guint mark = cs->prefixes->len;
	int line, col;
	guint i, j;

	g_markup_parse_context_get_position(ctx, &line, &col);
	g_array_append_val(cs->marks, mark);
	for (i = 0; anames[i] != NULL; i++) {
		if (g_str_has_prefix(anames[i], "xmlns:"))
			g_ptr_array_add(cs->prefixes, g_strdup(anames[i] + 6));
		for (j = 0; j < i; j++)
			if (strcmp(anames[i], anames[j]) == 0) {
				g_set_error(error, G_MARKUP_ERROR,
				    G_MARKUP_ERROR_INVALID_CONTENT,
				    "Error on line %d char %d: attribute "
				    "\xe2\x80\x9c%s\xe2\x80\x9d appears twice",
				    line, col, anames[i]);
				return;
			}
	}
	if (!prefix_declared(cs, name)) {
		g_set_error(error, G_MARKUP_ERROR,
		    G_MARKUP_ERROR_INVALID_CONTENT, "Error on line %d char %d: "
		    "namespace prefix of \xe2\x80\x9c%s\xe2\x80\x9d is not "
		    "declared", line, col, name);
		return;
	}
	for (i = 0; anames[i] != NULL; i++)
		if (!prefix_declared(cs, anames[i])) {
			g_set_error(error, G_MARKUP_ERROR,
			    G_MARKUP_ERROR_INVALID_CONTENT, "Error on line %d "
			    "char %d: namespace prefix of attribute "
			    "\xe2\x80\x9c%s\xe2\x80\x9d is not declared", line,
			    col, anames[i]);
			return;
		}
	(void)avalues;
}

static void
check_end(GMarkupParseContext *ctx, const char *name, gpointer data,
    GError **error)
{
	struct check_state *cs = data;

	if (cs->marks->len > 0) {
		guint mark = g_array_index(cs->marks, guint,
		    cs->marks->len - 1);

		g_ptr_array_set_size(cs->prefixes, mark);
		g_array_set_size(cs->marks, cs->marks->len - 1);
	}
	(void)ctx;
	(void)name;
	(void)error;
}

static const GMarkupParser check_parser = {
	.start_element = check_start,
	.end_element = check_end,
};

/* See xmlpretty.h. *error (when set) is a new string. */
enum xp_check
xp_check(const char *text, char **error)
{
	struct check_state cs = {
		g_ptr_array_new_with_free_func(g_free),
		g_array_new(FALSE, FALSE, sizeof(guint)),
	};
	GMarkupParseContext *ctx;
	GError *err = NULL;
	enum xp_check r = XP_CHECK_OK;

	*error = NULL;
	if (is_blank(text, strlen(text))) {
		*error = g_strdup("nothing to send");
		r = XP_CHECK_ERROR;
		goto out;
	}
	ctx = g_markup_parse_context_new(&check_parser, 0, &cs, NULL);
	if (!g_markup_parse_context_parse(ctx, text, -1, &err)) {
		*error = g_strdup(err->message);
		r = XP_CHECK_ERROR;
	} else if (!g_markup_parse_context_end_parse(ctx, NULL)) {
		r = XP_CHECK_INCOMPLETE;
	}
	g_clear_error(&err);
	g_markup_parse_context_free(ctx);
out:
	g_ptr_array_unref(cs.prefixes);
	g_array_unref(cs.marks);
	return r;
}
