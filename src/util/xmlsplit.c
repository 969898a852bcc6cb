/* SPDX-License-Identifier: MIT */
/*
 * Splitting received XMPP bytes at their top-level element boundaries
 * (see xmlsplit.h), for the XML console's exact view. A byte-at-a-time
 * state machine that keeps only the piece under way, its first element's
 * name and the last two bytes (for the ends of comments, CDATA and
 * processing instructions), so a chunk may end anywhere. Every character
 * that matters is ASCII, so a UTF-8 sequence cut between chunks is simply
 * carried along. util layer.
 */
#include <string.h>

#include "xmlsplit.h"

#define NAME_MAX_LEN 256

enum xs_state {
	XS_TEXT,	/* character data, or between pieces */
	XS_LT,		/* after '<' */
	XS_BANG,	/* after "<!": comment, CDATA or declaration? */
	XS_COMMENT,
	XS_CDATA,
	XS_PI,
	XS_DECL,	/* <!DOCTYPE ...> and the like, with [ ] nesting */
	XS_STAG,	/* a start tag */
	XS_ETAG,	/* an end tag */
};

struct xsplit {
	size_t		 max;
	GString		*buf;		/* the piece under way */
	size_t		 dropped;
	bool		 started;
	enum xs_state	 st;
	char		 quote;		/* in a start tag's attribute value */
	bool		 slash;		/* the tag's last character was '/' */
	bool		 in_name;
	int		 level;		/* 0: outside the stream element */
	int		 brackets;	/* in a declaration */
	char		 tail[2];	/* the last two bytes seen */
	char		 bang[8];
	size_t		 bang_len;
	GString		*name;		/* name of the tag being read */
	GString		*root;		/* the stream element's name */
	GString		*first;		/* local name of the piece's element */
	GQueue		 out;		/* struct xsplit_piece */
};

struct xsplit *
xsplit_new(size_t max_piece)
{
	struct xsplit *s = g_new0(struct xsplit, 1);

	s->max = max_piece > 0 ? max_piece : 1;
	s->buf = g_string_new(NULL);
	s->name = g_string_new(NULL);
	s->root = g_string_new(NULL);
	s->first = g_string_new(NULL);
	g_queue_init(&s->out);
	return s;
}

void
xsplit_piece_free(struct xsplit_piece *p)
{
	if (p == NULL)
		return;
	g_free(p->bytes);
	g_free(p->name);
	g_free(p);
}

/* Forget everything: a new connection starts a new document. */
void
xsplit_reset(struct xsplit *s)
{
	g_string_truncate(s->buf, 0);
	g_string_truncate(s->name, 0);
	g_string_truncate(s->root, 0);
	g_string_truncate(s->first, 0);
	g_queue_clear_full(&s->out, (GDestroyNotify)xsplit_piece_free);
	s->dropped = 0;
	s->started = s->slash = s->in_name = false;
	s->st = XS_TEXT;
	s->quote = 0;
	s->level = s->brackets = 0;
	s->tail[0] = s->tail[1] = 0;
	s->bang_len = 0;
}

void
xsplit_free(struct xsplit *s)
{
	if (s == NULL)
		return;
	xsplit_reset(s);
	g_string_free(s->buf, TRUE);
	g_string_free(s->name, TRUE);
	g_string_free(s->root, TRUE);
	g_string_free(s->first, TRUE);
	g_free(s);
}

/* Bytes of the piece under way (a caller's bound on what it waits for). */
size_t
xsplit_pending(const struct xsplit *s)
{
	return s->buf->len + s->dropped;
}

static const char *
local_name(const GString *qname)
{
	const char *colon = strrchr(qname->str, ':');

	return colon != NULL ? colon + 1 : qname->str;
}

static void
emit(struct xsplit *s, enum xsplit_kind kind, const char *name)
{
	struct xsplit_piece *p = g_new0(struct xsplit_piece, 1);

	p->kind = kind;
	p->len = s->buf->len;
	p->bytes = g_malloc(s->buf->len + 1);	/* every byte, NULs too */
	memcpy(p->bytes, s->buf->str, s->buf->len);
	p->bytes[s->buf->len] = '\0';
	p->dropped = s->dropped;
	p->name = g_strdup(name);
	g_queue_push_tail(&s->out, p);
	g_string_truncate(s->buf, 0);
	g_string_truncate(s->first, 0);
	s->dropped = 0;
	s->started = false;
}

/* A start tag ended ('>' seen); self: it was <name .../>. */
static void
start_tag(struct xsplit *s, bool self)
{
	if (s->level == 0) {
		g_string_assign(s->root, s->name->str);
		emit(s, XSPLIT_OPEN, local_name(s->name));
		if (!self)
			s->level = 1;
		return;
	}
	if (s->level == 1 && !self && strcmp(s->name->str, s->root->str) == 0) {
		/* the stream restarted (after STARTTLS or SASL) */
		emit(s, XSPLIT_OPEN, local_name(s->name));
		return;
	}
	if (s->level == 1 && s->first->len == 0)
		g_string_assign(s->first, local_name(s->name));
	if (self && s->level == 1)
		emit(s, XSPLIT_ELEMENT, s->first->str);
	else if (!self)
		s->level++;
}

static void
end_tag(struct xsplit *s)
{
	s->level--;
	if (s->level == 1) {
		emit(s, XSPLIT_ELEMENT, s->first->str);
	} else if (s->level <= 0) {
		s->level = 0;
		emit(s, XSPLIT_CLOSE, local_name(s->name));
	}
}

/* Collect a tag's name; false once it has ended (c is not part of it). */
static bool
name_char(struct xsplit *s, char c)
{
	if (!s->in_name)
		return false;
	if (g_ascii_isspace(c) || c == '/' || c == '>') {
		s->in_name = false;
		return false;
	}
	if (s->name->len < NAME_MAX_LEN)
		g_string_append_c(s->name, c);
	return true;
}

static void
start_name(struct xsplit *s)
{
	g_string_truncate(s->name, 0);
	s->in_name = true;
	s->slash = false;
	s->quote = 0;
}

static void
in_stag(struct xsplit *s, char c)
{
	if (name_char(s, c))
		return;
	if (s->quote != 0) {
		if (c == s->quote)
			s->quote = 0;
	} else if (c == '"' || c == '\'') {
		s->quote = c;
		s->slash = false;
	} else if (c == '>') {
		s->st = XS_TEXT;
		start_tag(s, s->slash);
	} else if (c == '/') {
		s->slash = true;
	} else if (!g_ascii_isspace(c)) {
		s->slash = false;
	}
}

/* After "<!": which kind of markup, once the bytes tell. */
static void
in_bang(struct xsplit *s, char c)
{
	static const char comment[] = "--", cdata[] = "[CDATA[";

	s->bang[s->bang_len++] = c;
	if (s->bang_len == 2 && memcmp(s->bang, comment, 2) == 0) {
		s->st = XS_COMMENT;
		s->tail[0] = s->tail[1] = 0;
	} else if (s->bang_len == 7 && memcmp(s->bang, cdata, 7) == 0) {
		s->st = XS_CDATA;
		s->tail[0] = s->tail[1] = 0;
	} else if ((s->bang_len > 2 || memcmp(s->bang, comment,
	    s->bang_len) != 0) && memcmp(s->bang, cdata, s->bang_len) != 0) {
		s->st = XS_DECL;
		s->brackets = c == '[' ? 1 : 0;
		if (c == '>')
			s->st = XS_TEXT;
	}
}

static void
step(struct xsplit *s, char c)
{
	switch (s->st) {
	case XS_TEXT:
		if (c == '<')
			s->st = XS_LT;
		break;
	case XS_LT:
		if (c == '/') {
			s->st = XS_ETAG;
			start_name(s);
		} else if (c == '?') {
			s->st = XS_PI;
			s->tail[0] = s->tail[1] = 0;
			return;
		} else if (c == '!') {
			s->st = XS_BANG;
			s->bang_len = 0;
		} else {
			s->st = XS_STAG;
			start_name(s);
			name_char(s, c);
		}
		break;
	case XS_BANG:
		in_bang(s, c);
		return;
	case XS_COMMENT:
		if (c == '>' && s->tail[0] == '-' && s->tail[1] == '-')
			s->st = XS_TEXT;
		break;
	case XS_CDATA:
		if (c == '>' && s->tail[0] == ']' && s->tail[1] == ']')
			s->st = XS_TEXT;
		break;
	case XS_PI:
		if (c == '>' && s->tail[1] == '?')
			s->st = XS_TEXT;
		break;
	case XS_DECL:
		if (c == '[')
			s->brackets++;
		else if (c == ']' && s->brackets > 0)
			s->brackets--;
		else if (c == '>' && s->brackets == 0)
			s->st = XS_TEXT;
		break;
	case XS_STAG:
		in_stag(s, c);
		break;
	case XS_ETAG:
		if (!name_char(s, c) && c == '>') {
			s->st = XS_TEXT;
			end_tag(s);
		}
		break;
	}
	s->tail[0] = s->tail[1];
	s->tail[1] = c;
}

/* Keep n bytes of the piece under way, up to the bound. */
static void
keep(struct xsplit *s, const char *p, size_t n)
{
	size_t room = s->max - MIN(s->buf->len, s->max);

	g_string_append_len(s->buf, p, (gssize)MIN(n, room));
	s->dropped += n - MIN(n, room);
}

void
xsplit_feed(struct xsplit *s, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = data[i];

		/*
		 * Character data in a piece, or an attribute value: up to the
		 * next '<' or closing quote at once (no state changes inside).
		 */
		if ((s->started && s->st == XS_TEXT && c != '<') ||
		    (s->st == XS_STAG && s->quote != 0 && c != s->quote)) {
			const char *end = memchr(data + i, s->st == XS_TEXT ?
			    '<' : s->quote, len - i);
			size_t n = end != NULL ? (size_t)(end - (data + i)) :
			    len - i;

			keep(s, data + i, n);
			i += n - 1;
			continue;
		}

		/* Whitespace between pieces belongs to none. */
		if (!s->started && s->st == XS_TEXT && s->level <= 1 &&
		    g_ascii_isspace(c))
			continue;
		s->started = true;
		if (s->buf->len < s->max)
			g_string_append_c(s->buf, c);
		else
			s->dropped++;
		step(s, c);
	}
}

/* The next complete piece (new; xsplit_piece_free), or NULL. */
struct xsplit_piece *
xsplit_next(struct xsplit *s)
{
	return g_queue_pop_head(&s->out);
}
