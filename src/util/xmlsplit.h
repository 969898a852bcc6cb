/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMLSPLIT_H
#define NATTER_XMLSPLIT_H

/*
 * An incremental splitter of an XMPP byte stream into its top-level
 * pieces, exactly as received: the stream header (with the XML
 * declaration before it), each child of the stream element, and the
 * stream's end tag. Bytes are fed as they are read, split anywhere
 * (inside a tag, a quoted attribute value, a comment, CDATA or a UTF-8
 * sequence); complete pieces are taken out in order. Comments and
 * processing instructions between stanzas stay at the head of the next
 * piece; whitespace between pieces is dropped. A stream header met inside
 * the stream (after STARTTLS or SASL) is a header again. Not a validator:
 * malformed input gives pieces that are cut somewhere sensible. util
 * layer; pure, GLib only.
 */
#include <glib.h>
#include <stdbool.h>

enum xsplit_kind {
	XSPLIT_OPEN,		/* stream header: <?xml?><stream:stream ...> */
	XSPLIT_ELEMENT,		/* a child of the stream element */
	XSPLIT_CLOSE,		/* </stream:stream> */
};

struct xsplit_piece {
	enum xsplit_kind kind;
	char		*bytes;		/* NUL-terminated copy */
	size_t		 len;
	size_t		 dropped;	/* bytes past the bound, not kept */
	char		*name;		/* local name of the element, or "" */
};

struct xsplit;

struct xsplit	*xsplit_new(size_t max_piece);
void		 xsplit_free(struct xsplit *s);
void		 xsplit_reset(struct xsplit *s);
void		 xsplit_feed(struct xsplit *s, const char *data, size_t len);
struct xsplit_piece *xsplit_next(struct xsplit *s);
void		 xsplit_piece_free(struct xsplit_piece *p);
size_t		 xsplit_pending(const struct xsplit *s);

#endif
