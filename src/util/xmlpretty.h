/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMLPRETTY_H
#define NATTER_XMLPRETTY_H

/*
 * The XML console's tokeniser and pretty printer (PRODUCT §7), plus the
 * small facts the console filters need (name, addresses and namespaces of
 * the first element) and the well-formedness check of raw input. Works on
 * text: input may be several elements, an unclosed stream header or a
 * fragment cut anywhere. Iterative, so deep nesting cannot overflow the
 * stack; every span is terminal-safe (util/sanitize). Pure; GLib only.
 */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

enum xp_tok {
	XP_PUNCT,	/* < > </ /> = and indentation */
	XP_NAME,	/* element name */
	XP_ATTR,	/* attribute name */
	XP_VALUE,	/* attribute value, quotes included */
	XP_TEXT,	/* character data */
	XP_COMMENT,	/* comment, processing instruction, declaration */
	XP_ELIDED,	/* "[… N bytes]" note for a huge text */
	XP_TOK__COUNT,
};

struct xp_span {
	enum xp_tok	 tok;
	char		*text;	/* owned, sanitized, one line */
};

/* One output line: indentation level and the spans after it. */
struct xp_line {
	guint		 indent;
	GArray		*spans;	/* struct xp_span */
};

struct xp_opts {
	size_t	 max_text;	/* longer text/values are elided; 0: none */
	guint	 max_indent;	/* deeper levels share this indentation */
};

GPtrArray	*xp_format(const char *xml, size_t len,
		    const struct xp_opts *opts);
void		 xp_line_free(struct xp_line *line);
char		*xp_line_text(const struct xp_line *line, guint indent_width);
char		*xp_format_text(const char *xml, const struct xp_opts *opts);

/* Facts about the first element of a text (NULL when absent). */
struct xp_top {
	char	*name;		/* qualified name as written */
	char	*xmlns;		/* its xmlns attribute */
	char	*from, *to, *id, *type;
	char	*child;		/* first child element's name */
	char	*child_ns;	/* first child element's xmlns */
};

bool		 xp_top_parse(const char *xml, struct xp_top *top);
void		 xp_top_clear(struct xp_top *top);
bool		 xp_has_ns(const char *xml, const char *ns);

/*
 * Well-formedness of raw input: XP_CHECK_OK (one or more complete
 * elements), XP_CHECK_INCOMPLETE (well-formed so far, elements still
 * open: collect more lines) or XP_CHECK_ERROR (*error holds the parser's
 * message with line and column).
 */
enum xp_check {
	XP_CHECK_OK,
	XP_CHECK_INCOMPLETE,
	XP_CHECK_ERROR,
};

enum xp_check	 xp_check(const char *text, char **error);

#endif
