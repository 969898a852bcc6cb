/* SPDX-License-Identifier: MIT */
/* Unit tests of util/xmlpretty.c: the XML console's pretty printer, the
 * facts its filters read, and the well-formedness check of raw input. */
#include "../helpers/test.h"
#include "util/xmlpretty.h"

static const struct xp_opts opts = { 4096, 32 };

struct fmt_case {
	const char	*description;
	const char	*in;
	const char	*out;
};

static const struct fmt_case cases[] = {
	{ "child elements indented",
	  "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>",
	  "<iq type='get' id='p1'>\n  <ping xmlns='urn:xmpp:ping'/>\n</iq>" },
	{ "element with only text on one line",
	  "<message to=\"a@b\"><body>hi there</body></message>",
	  "<message to=\"a@b\">\n  <body>hi there</body>\n</message>" },
	{ "empty element pair kept on one line",
	  "<a><b></b></a>", "<a>\n  <b></b>\n</a>" },
	{ "declaration and unclosed stream header",
	  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
	  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
	  "<?xml version='1.0'?>\n<stream:stream xmlns='jabber:client' "
	  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" },
	{ "stream close alone", "</stream:stream>", "</stream:stream>" },
	{ "whitespace between tags dropped, attributes normalised",
	  "<a\n   x='1'\n\ty=\"2\" >\n   <b/>\n</a>",
	  "<a x='1' y=\"2\">\n  <b/>\n</a>" },
	{ "non-ASCII text kept",
	  "<body>Gr\xc3\xbc\xc3\x9f" "e \xe6\x97\xa5\xe6\x9c\xac</body>",
	  "<body>Gr\xc3\xbc\xc3\x9f" "e \xe6\x97\xa5\xe6\x9c\xac</body>" },
	{ "escape sequence in text shown escaped",
	  "<body>\x1b[31mred\x1b[0m</body>", "<body>^[[31mred^[[0m</body>" },
	{ "escape sequence in a value shown escaped",
	  "<a x='\x1b]0;title\x07'/>", "<a x='^[]0;title^G'/>" },
	{ "bidi override in a name shown",
	  "<a\xe2\x80\xae/>", "<a<U+202E>/>" },
	{ "multi-line text split into lines",
	  "<body>one\ntwo\n</body>", "<body>\n  one\n  two\n</body>" },
	{ "comment kept", "<a><!-- note --></a>", "<a>\n  <!-- note -->\n</a>" },
	{ "CDATA is text", "<a><![CDATA[<x>]]></a>", "<a><![CDATA[<x>]]></a>" },
	{ "fragment cut inside a tag", "<iq type='get' id='",
	  "<iq type='get' id='" },
	{ "stray end tags do not underflow", "</a></b><c/>",
	  "</a>\n</b>\n<c/>" },
	{ "entities left as written", "<body>a &lt; b &amp;&#x1b;</body>",
	  "<body>a &lt; b &amp;&#x1b;</body>" },
	{ "two elements in one buffer",
	  "<r xmlns='urn:xmpp:sm:3'/><a xmlns='urn:xmpp:sm:3' h='1'/>",
	  "<r xmlns='urn:xmpp:sm:3'/>\n<a xmlns='urn:xmpp:sm:3' h='1'/>" },
	{ "quote of the other kind inside a value",
	  "<a x=\"it's\">t</a>", "<a x=\"it's\">t</a>" },
};

static void
xp_format__layout__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = xp_format_text(cases[i].in, &opts);

		if (strcmp(got, cases[i].out) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", cases[i].description,
			    got, cases[i].out);
	}
}

static void
xp_format__spans__token_kinds(void **state)
{
	static const struct { enum xp_tok tok; const char *text; } want[] = {
		{ XP_PUNCT, "<" }, { XP_NAME, "a" }, { XP_PUNCT, " " },
		{ XP_ATTR, "x" }, { XP_PUNCT, "=" }, { XP_VALUE, "'1'" },
		{ XP_PUNCT, ">" }, { XP_TEXT, "t" }, { XP_PUNCT, "</" },
		{ XP_NAME, "a" }, { XP_PUNCT, ">" },
	};
	const char *in = "<a x='1'>t</a>";
	g_autoptr(GPtrArray) lines = xp_format(in, strlen(in), &opts);
	struct xp_line *l;
	size_t i;

	assert_int_equal(lines->len, 1);
	l = g_ptr_array_index(lines, 0);
	assert_int_equal(l->spans->len, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		struct xp_span *s = &g_array_index(l->spans, struct xp_span, i);

		assert_int_equal(s->tok, want[i].tok);
		assert_string_equal(s->text, want[i].text);
	}
}

static void
xp_format__comment__is_comment_token(void **state)
{
	g_autoptr(GPtrArray) lines = xp_format("<!--x-->", 8, &opts);
	struct xp_line *l = g_ptr_array_index(lines, 0);

	assert_int_equal(g_array_index(l->spans, struct xp_span, 0).tok,
	    XP_COMMENT);
}

static void
xp_format__deep_nesting__bounded_indent(void **state)
{
	GString *in = g_string_new(NULL);
	g_autoptr(GPtrArray) lines = NULL;
	struct xp_line *deepest;
	int i;

	for (i = 0; i < 200000; i++)
		g_string_append(in, "<a>");
	lines = xp_format(in->str, in->len, &opts);
	assert_int_equal(lines->len, 200000);
	deepest = g_ptr_array_index(lines, lines->len - 1);
	assert_int_equal(deepest->indent, 32);
	g_string_free(in, TRUE);
}

static void
xp_format__huge_text__elided_with_count(void **state)
{
	GString *in = g_string_new("<photo><binval>");
	g_autofree char *got = NULL;
	int i;

	for (i = 0; i < 300000; i++)
		g_string_append_c(in, 'A');
	g_string_append(in, "</binval></photo>");
	got = xp_format_text(in->str, &opts);
	assert_non_null(strstr(got, "[\xe2\x80\xa6 300000 bytes]"));
	assert_true(strlen(got) < 300);
	assert_non_null(strstr(got, "</binval>"));
	g_string_free(in, TRUE);
}

static void
xp_format__huge_value__elided_keeps_utf8(void **state)
{
	GString *in = g_string_new("<a x='");
	g_autofree char *got = NULL;
	int i;

	for (i = 0; i < 5000; i++)
		g_string_append(in, "\xc3\xa9");	/* é, 2 bytes */
	g_string_append(in, "'/>");
	got = xp_format_text(in->str, &opts);
	assert_non_null(strstr(got, "[\xe2\x80\xa6 10000 bytes]"));
	assert_true(g_utf8_validate(got, -1, NULL));
	g_string_free(in, TRUE);
}

static void
xp_format__no_control_bytes__all_bytes(void **state)
{
	char in[300];
	g_autofree char *got = NULL;
	const unsigned char *p;
	int i;

	strcpy(in, "<a x='");
	for (i = 1; i < 256; i++)
		in[5 + i] = (char)(i == '\'' || i == '<' ? 'q' : i);
	strcpy(in + 261, "'>");
	for (i = 1; i < 20; i++)
		in[262 + i] = (char)i;
	in[282] = '\0';
	got = xp_format_text(in, &opts);
	for (p = (const unsigned char *)got; *p != '\0'; p++)
		assert_false((*p < 0x20 && *p != '\n') || *p == 0x7f);
	assert_true(g_utf8_validate(got, -1, NULL));
}

static void
xp_top_parse__reads_first_element__iq(void **state)
{
	struct xp_top top;

	assert_true(xp_top_parse("<?xml version='1.0'?><iq from='a@b/c' "
	    "to=\"d\" id='x1' type='result'><query "
	    "xmlns='jabber:iq:version'><name>n</name></query></iq>", &top));
	assert_string_equal(top.name, "iq");
	assert_string_equal(top.from, "a@b/c");
	assert_string_equal(top.to, "d");
	assert_string_equal(top.id, "x1");
	assert_string_equal(top.type, "result");
	assert_null(top.xmlns);
	assert_string_equal(top.child, "query");
	assert_string_equal(top.child_ns, "jabber:iq:version");
	xp_top_clear(&top);
	assert_true(xp_top_parse("<r xmlns='urn:xmpp:sm:3'/>", &top));
	assert_string_equal(top.name, "r");
	assert_string_equal(top.xmlns, "urn:xmpp:sm:3");
	assert_null(top.child);
	xp_top_clear(&top);
	assert_false(xp_top_parse("just text", &top));
	xp_top_clear(&top);
}

static void
xp_has_ns__declarations_only__nested(void **state)
{
	const char *x = "<message><event xmlns='http://jabber.org/protocol/"
	    "pubsub#event'><items node='urn:xmpp:bookmarks:1'/></event>"
	    "<x:y xmlns:x='jabber:x:data'/></message>";

	assert_true(xp_has_ns(x, "http://jabber.org/protocol/pubsub#event"));
	assert_true(xp_has_ns(x, "jabber:x:data"));
	assert_false(xp_has_ns(x, "urn:xmpp:bookmarks:1"));
	assert_false(xp_has_ns(x, "jabber:x"));
}

struct check_case {
	const char	*description;
	const char	*in;
	enum xp_check	 want;
	const char	*error_part;
};

static const struct check_case checks[] = {
	{ "complete IQ", "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/>"
	  "</iq>", XP_CHECK_OK, NULL },
	{ "two elements", "<presence/><presence type='unavailable'/>",
	  XP_CHECK_OK, NULL },
	{ "first line of several", "<iq type='get' id='1'>\n",
	  XP_CHECK_INCOMPLETE, NULL },
	{ "start tag still open", "<iq type='get'", XP_CHECK_INCOMPLETE, NULL },
	{ "wrong end tag", "<iq><query></iq>", XP_CHECK_ERROR,
	  "line 1 char" },
	{ "unknown entity", "<a>&nbsp;</a>", XP_CHECK_ERROR, "nbsp" },
	{ "text outside elements", "hello", XP_CHECK_ERROR, "begin with" },
	{ "undeclared prefix", "<x:query/>", XP_CHECK_ERROR, "not declared" },
	{ "declared prefix", "<x:query xmlns:x='urn:a'><x:i/></x:query>",
	  XP_CHECK_OK, NULL },
	{ "prefix out of scope", "<a><x:q xmlns:x='u'/><x:r/></a>",
	  XP_CHECK_ERROR, "x:r" },
	{ "duplicate attribute", "<a id='1' id='2'/>", XP_CHECK_ERROR, "twice" },
	{ "empty", "  \n", XP_CHECK_ERROR, "nothing" },
	{ "stream prefix allowed", "<stream:error><conflict/></stream:error>",
	  XP_CHECK_OK, NULL },
};

static void
xp_check__wellformedness__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(checks); i++) {
		g_autofree char *err = NULL;
		enum xp_check got = xp_check(checks[i].in, &err);

		if (got != checks[i].want)
			fail_msg("%s: got %d (%s), want %d",
			    checks[i].description, got, err ? err : "",
			    checks[i].want);
		if (checks[i].error_part != NULL && (err == NULL ||
		    strstr(err, checks[i].error_part) == NULL))
			fail_msg("%s: error '%s' lacks '%s'",
			    checks[i].description, err ? err : "(none)",
			    checks[i].error_part);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xp_format__layout__table),
		cmocka_unit_test(xp_format__spans__token_kinds),
		cmocka_unit_test(xp_format__comment__is_comment_token),
		cmocka_unit_test(xp_format__deep_nesting__bounded_indent),
		cmocka_unit_test(xp_format__huge_text__elided_with_count),
		cmocka_unit_test(xp_format__huge_value__elided_keeps_utf8),
		cmocka_unit_test(xp_format__no_control_bytes__all_bytes),
		cmocka_unit_test(xp_top_parse__reads_first_element__iq),
		cmocka_unit_test(xp_has_ns__declarations_only__nested),
		cmocka_unit_test(xp_check__wellformedness__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
