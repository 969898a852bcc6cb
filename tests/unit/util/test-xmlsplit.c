/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of util/xmlsplit.c: received bytes split at top-level element
 * boundaries, exactly, whatever the chunks they arrive in.
 */
#include "../helpers/test.h"
#include "util/xmlsplit.h"

/* A stream as a server may send it, and the pieces expected from it. */
static const char *const pieces[] = {
	"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
	    "xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en' "
	    "id=\"s-1\" from='example.org' version='1.0'>",
	"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'"
	    "><required/></starttls></stream:features>",
	"<!-- a comment with <tags> and 'quotes' --><?pi x='>'?>"
	    "<message xml:lang='de' to=\"b@example.org/r\" a='x>y' b=\"it's\">"
	    "<body>Gr\xc3\xbc\xc3\x9f dich \xf0\x9f\x98\x80 &lt;&amp;</body>"
	    "<x><![CDATA[</message> ]] > ]]]]></x></message>",
	"<r xmlns='urn:xmpp:sm:3'/>",
	"<iq type='result' id='a/b'\n\tfrom='example.org'/>",
	"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
	    "xmlns:stream='http://etherx.jabber.org/streams' id='s-2'>",
	"<presence><status>a > b</status></presence>",
	"</stream:stream>",
};
static const enum xsplit_kind kinds[] = { XSPLIT_OPEN, XSPLIT_ELEMENT,
	XSPLIT_ELEMENT, XSPLIT_ELEMENT, XSPLIT_ELEMENT, XSPLIT_OPEN,
	XSPLIT_ELEMENT, XSPLIT_CLOSE };
static const char *const names[] = { "stream", "features", "message", "r",
	"iq", "stream", "presence", "stream" };

/* The whole stream, with whitespace keep-alives between pieces. */
static char *
stream_text(void)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(pieces); i++)
		g_string_append_printf(s, "%s%s", pieces[i], i % 2 ? "\n " :
		    "");
	return g_string_free(s, FALSE);
}

/* Take every piece out of s and check them against the expected ones. */
static void
check_pieces(struct xsplit *s, size_t *n)
{
	struct xsplit_piece *p;

	while ((p = xsplit_next(s)) != NULL) {
		assert_true(*n < G_N_ELEMENTS(pieces));
		assert_string_equal(p->bytes, pieces[*n]);
		assert_int_equal(p->len, strlen(pieces[*n]));
		assert_int_equal(p->kind, kinds[*n]);
		assert_string_equal(p->name, names[*n]);
		assert_int_equal(p->dropped, 0);
		xsplit_piece_free(p);
		(*n)++;
	}
}

static void
xsplit_feed__whole__pieces_verbatim(void **state)
{
	g_autofree char *text = stream_text();
	struct xsplit *s = xsplit_new(1 << 20);
	size_t n = 0;

	xsplit_feed(s, text, strlen(text));
	check_pieces(s, &n);
	assert_int_equal(n, G_N_ELEMENTS(pieces));
	assert_int_equal(xsplit_pending(s), 0);
	xsplit_free(s);
}

/* Cut once at every position: the same pieces, each as soon as complete. */
static void
xsplit_feed__split_at_every_position__same_pieces(void **state)
{
	g_autofree char *text = stream_text();
	size_t len = strlen(text), k;

	for (k = 0; k <= len; k++) {
		struct xsplit *s = xsplit_new(1 << 20);
		size_t n = 0;

		xsplit_feed(s, text, k);
		check_pieces(s, &n);
		xsplit_feed(s, text + k, len - k);
		check_pieces(s, &n);
		if (n != G_N_ELEMENTS(pieces))
			fail_msg("split at %zu: %zu pieces", k, n);
		xsplit_free(s);
	}
}

/* Byte by byte, and in chunks of every size up to 17. */
static void
xsplit_feed__small_chunks__same_pieces(void **state)
{
	g_autofree char *text = stream_text();
	size_t len = strlen(text), size, off;

	for (size = 1; size <= 17; size++) {
		struct xsplit *s = xsplit_new(1 << 20);
		size_t n = 0;

		for (off = 0; off < len; off += size) {
			xsplit_feed(s, text + off, MIN(size, len - off));
			check_pieces(s, &n);
		}
		assert_int_equal(n, G_N_ELEMENTS(pieces));
		xsplit_free(s);
	}
}

/* A piece is complete exactly when its last byte arrives. */
static void
xsplit_feed__incomplete__nothing_yet(void **state)
{
	static const char msg[] = "<message><body>hi</body></message>";
	struct xsplit *s = xsplit_new(1 << 20);
	struct xsplit_piece *p;

	xsplit_feed(s, pieces[0], strlen(pieces[0]));
	xsplit_piece_free(xsplit_next(s));
	xsplit_feed(s, "  \r\n\t", 5);		/* keep-alive: no piece */
	assert_null(xsplit_next(s));
	xsplit_feed(s, msg, sizeof(msg) - 2);
	assert_null(xsplit_next(s));
	assert_int_equal(xsplit_pending(s), sizeof(msg) - 2);
	xsplit_feed(s, msg + sizeof(msg) - 2, 1);
	p = xsplit_next(s);
	assert_non_null(p);
	assert_string_equal(p->bytes, msg);
	xsplit_piece_free(p);
	xsplit_free(s);
}

/* Past the bound, bytes are counted, not kept; splitting goes on. */
static void
xsplit_feed__bounded__counts_dropped(void **state)
{
	struct xsplit *s = xsplit_new(16);
	struct xsplit_piece *p;
	GString *big = g_string_new("<message><body>");
	size_t i;

	for (i = 0; i < 1000; i++)
		g_string_append(big, "abcd");
	g_string_append(big, "</body></message><presence/>");
	xsplit_feed(s, pieces[0], strlen(pieces[0]));
	xsplit_piece_free(xsplit_next(s));
	xsplit_feed(s, big->str, big->len);
	p = xsplit_next(s);
	assert_non_null(p);
	assert_int_equal(p->len, 16);
	assert_int_equal(p->len + p->dropped, big->len - strlen("<presence/>"));
	assert_string_equal(p->name, "message");
	xsplit_piece_free(p);
	p = xsplit_next(s);
	assert_string_equal(p->bytes, "<presence/>");
	xsplit_piece_free(p);
	g_string_free(big, TRUE);
	xsplit_free(s);
}

/* reset forgets the piece under way and the stream's name. */
static void
xsplit_reset__new_document(void **state)
{
	struct xsplit *s = xsplit_new(1 << 20);
	struct xsplit_piece *p;

	xsplit_feed(s, pieces[0], strlen(pieces[0]));
	xsplit_feed(s, "<message><bo", 12);
	xsplit_reset(s);
	assert_null(xsplit_next(s));
	assert_int_equal(xsplit_pending(s), 0);
	xsplit_feed(s, "<s:stream xmlns:s='x'><s:features/>", 35);
	p = xsplit_next(s);
	assert_int_equal(p->kind, XSPLIT_OPEN);
	assert_string_equal(p->bytes, "<s:stream xmlns:s='x'>");
	xsplit_piece_free(p);
	p = xsplit_next(s);
	assert_int_equal(p->kind, XSPLIT_ELEMENT);
	assert_string_equal(p->name, "features");
	xsplit_piece_free(p);
	xsplit_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xsplit_feed__whole__pieces_verbatim),
		cmocka_unit_test(
		    xsplit_feed__split_at_every_position__same_pieces),
		cmocka_unit_test(xsplit_feed__small_chunks__same_pieces),
		cmocka_unit_test(xsplit_feed__incomplete__nothing_yet),
		cmocka_unit_test(xsplit_feed__bounded__counts_dropped),
		cmocka_unit_test(xsplit_reset__new_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
