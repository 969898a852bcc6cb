/* SPDX-License-Identifier: MIT */
/* Unit tests of util/xmpp-errors.c. */
#include "../helpers/test.h"
#include "util/xmpp-errors.h"

/* RFC 6120 §8.3.3 */
static const char *const stanza_conditions[] = {
	"bad-request", "conflict", "feature-not-implemented", "forbidden",
	"gone", "internal-server-error", "item-not-found", "jid-malformed",
	"not-acceptable", "not-allowed", "not-authorized", "policy-violation",
	"recipient-unavailable", "redirect", "registration-required",
	"remote-server-not-found", "remote-server-timeout",
	"resource-constraint", "service-unavailable", "subscription-required",
	"undefined-condition", "unexpected-request", NULL };

/* RFC 6120 §4.9.3 */
static const char *const stream_conditions[] = {
	"bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
	"host-gone", "host-unknown", "improper-addressing",
	"internal-server-error", "invalid-from", "invalid-namespace",
	"invalid-xml", "not-authorized", "not-well-formed", "policy-violation",
	"remote-connection-failed", "reset", "resource-constraint",
	"restricted-xml", "see-other-host", "system-shutdown",
	"undefined-condition", "unsupported-encoding", "unsupported-feature",
	"unsupported-stanza-type", "unsupported-version", NULL };

/* One line, not empty, no trailing full stop (it follows a header). */
static void
assert_one_line(const char *text)
{
	assert_non_null(text);
	assert_true(*text != '\0');
	assert_null(strchr(text, '\n'));
	assert_true(text[strlen(text) - 1] != '.');
}

static void
stanza_explain__every_condition(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; stanza_conditions[i] != NULL; i++)
		assert_one_line(xerr_stanza_explain(stanza_conditions[i]));
	assert_int_equal(i, 22);
}

static void
stream_explain__every_condition(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; stream_conditions[i] != NULL; i++)
		assert_one_line(xerr_stream_explain(stream_conditions[i]));
	assert_int_equal(i, 25);
}

static void
explain__unknown_is_null(void **state)
{
	(void)state;
	assert_null(xerr_stanza_explain("no-such-condition"));
	assert_null(xerr_stanza_explain(NULL));
	assert_null(xerr_stream_explain("remote-server-not-found"));
	assert_null(xerr_stanza_explain("host-unknown"));
	/* the same name means different things on a stream */
	assert_string_not_equal(xerr_stanza_explain("conflict"),
	    xerr_stream_explain("conflict"));
}

static void
likely_cause__by_context(void **state)
{
	const char *c;

	(void)state;
	c = xerr_likely_cause("remote-server-not-found", "message", 0);
	assert_non_null(c);
	assert_non_null(strstr(c, "no XMPP service"));
	assert_ptr_equal(xerr_likely_cause("remote-server-not-found", "iq", 0),
	    c);
	c = xerr_likely_cause("not-allowed", "presence", 1);
	assert_non_null(c);
	assert_non_null(strstr(c, "other domains"));
	assert_null(xerr_likely_cause("not-allowed", "presence", 0));
	assert_non_null(strstr(xerr_likely_cause("not-allowed", "message", 0),
	    "server-to-server is off"));
	assert_null(xerr_likely_cause("not-allowed", "iq", 0));
	assert_string_not_equal(xerr_likely_cause("conflict", "presence", 1),
	    "");
	assert_null(xerr_likely_cause("conflict", "iq", 0));
	assert_non_null(strstr(xerr_likely_cause("service-unavailable",
	    "message", 0), "does not exist"));
	assert_null(xerr_likely_cause("no-such-condition", "message", 0));
	assert_null(xerr_likely_cause(NULL, NULL, 0));
}

static void
describe__joins_meaning_and_cause(void **state)
{
	g_autofree char *a = xerr_describe("gone", "message", 0);
	g_autofree char *b = xerr_describe("remote-server-not-found", "iq", 0);
	g_autofree char *c = xerr_describe("made-up", "iq", 0);

	(void)state;
	assert_string_equal(a, xerr_stanza_explain("gone"));
	assert_true(g_str_has_prefix(b, "the recipient's server could not "
	    "be found or reached; likely cause: the domain has no XMPP"));
	assert_null(c);
}

static void
condition_in__finds_the_condition_not_the_text(void **state)
{
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	g_autofree char *x = NULL, *none = NULL;

	(void)state;
	a = xerr_condition_in("<message type='error'><error type='cancel'>"
	    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text>"
	    "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	    "</error></message>", 0);
	assert_string_equal(a, "item-not-found");
	b = xerr_condition_in("<stream:error><host-unknown "
	    "xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>",
	    1);
	assert_string_equal(b, "host-unknown");
	c = xerr_condition_in("<x:error><x:gone xmlns:x='a' "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></x:error>", 0);
	assert_string_equal(c, "gone");
	d = xerr_condition_in("<iq type='result'/>", 0);
	assert_null(d);
	x = xerr_explain_xml("<message type='error'><error type='cancel'>"
	    "<remote-server-not-found "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
	    "message", 0);
	assert_non_null(x);
	assert_true(g_str_has_prefix(x, "remote-server-not-found: "));
	assert_non_null(strstr(x, "; likely cause: the domain has no XMPP"));
	none = xerr_explain_xml("<message type='error'><error><made-up "
	    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
	    "message", 0);
	assert_null(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stanza_explain__every_condition),
		cmocka_unit_test(stream_explain__every_condition),
		cmocka_unit_test(explain__unknown_is_null),
		cmocka_unit_test(likely_cause__by_context),
		cmocka_unit_test(describe__joins_meaning_and_cause),
		cmocka_unit_test(condition_in__finds_the_condition_not_the_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
