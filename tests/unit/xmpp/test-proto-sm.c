/* SPDX-License-Identifier: MIT */
/* Unit tests of xmpp/proto-sm.c: natter judges stream management acks. */
#include "../helpers/test.h"
#include "xmpp/proto-sm.h"

struct ack_case {
	const char		*description;
	uint32_t		 sent;
	uint32_t		 acked;
	const char		*h;
	enum proto_sm_ack	 verdict;
	uint32_t		 value;		/* when accepted */
};

static const struct ack_case cases[] = {
	{ "nothing sent, nothing acked", 0, 0, "0", PROTO_SM_ACK_OK, 0 },
	{ "all acked", 5, 2, "5", PROTO_SM_ACK_OK, 5 },
	{ "some acked", 5, 2, "3", PROTO_SM_ACK_OK, 3 },
	{ "same ack again", 5, 3, "3", PROTO_SM_ACK_OK, 3 },
	{ "leading zeros", 5, 0, "004", PROTO_SM_ACK_OK, 4 },
	{ "one above sent", 5, 2, "6", PROTO_SM_ACK_TOO_HIGH, 0 },
	{ "far above sent", 3, 0, "1000", PROTO_SM_ACK_TOO_HIGH, 0 },
	{ "largest value when little sent", 3, 0, "4294967295",
	  PROTO_SM_ACK_TOO_HIGH, 0 },
	{ "goes backwards", 8, 5, "2", PROTO_SM_ACK_BACKWARDS, 0 },
	{ "wraps around 2^32", 2, 4294967294u, "1", PROTO_SM_ACK_OK, 1 },
	{ "wraps, too high", 2, 4294967294u, "3", PROTO_SM_ACK_TOO_HIGH, 0 },
	{ "wraps, backwards", 2, 4294967294u, "4294967290",
	  PROTO_SM_ACK_BACKWARDS, 0 },
	{ "missing", 3, 0, NULL, PROTO_SM_ACK_GARBAGE, 0 },
	{ "empty", 3, 0, "", PROTO_SM_ACK_GARBAGE, 0 },
	{ "not a number", 3, 0, "abc", PROTO_SM_ACK_GARBAGE, 0 },
	{ "trailing garbage", 3, 0, "2x", PROTO_SM_ACK_GARBAGE, 0 },
	{ "negative", 3, 0, "-1", PROTO_SM_ACK_GARBAGE, 0 },
	{ "plus sign", 3, 0, "+1", PROTO_SM_ACK_GARBAGE, 0 },
	{ "space", 3, 0, " 1", PROTO_SM_ACK_GARBAGE, 0 },
	{ "above 2^32 - 1", 3, 0, "4294967296", PROTO_SM_ACK_GARBAGE, 0 },
	{ "huge", 3, 0, "99999999999999999999999", PROTO_SM_ACK_GARBAGE, 0 },
};

static void
proto_sm_check_ack__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct ack_case *c = &cases[i];
		uint32_t v = 12345;
		enum proto_sm_ack got = proto_sm_check_ack(c->sent, c->acked,
		    c->h, &v);

		if (got != c->verdict)
			fail_msg("%s: verdict %d, expected %d", c->description,
			    got, c->verdict);
		if (got == PROTO_SM_ACK_OK && v != c->value)
			fail_msg("%s: value %u, expected %u", c->description,
			    v, c->value);
	}
}

struct element_case {
	const char	*xml;
	bool		 sm;
};

static const struct element_case elements[] = {
	{ "<r xmlns=\"urn:xmpp:sm:3\"/>", true },
	{ "<a xmlns=\"urn:xmpp:sm:3\" h=\"4\"/>", true },
	{ "<enable xmlns=\"urn:xmpp:sm:3\" resume=\"true\"/>", true },
	{ "<resume xmlns='urn:xmpp:sm:3' previd='x' h='2'/>", true },
	{ "<a href='urn:xmpp:sm:3'/>", false },	/* not the namespace */
	{ "<message to='b@x'><body>urn:xmpp:sm:3</body></message>", false },
	{ "<iq type='get' id='r'/>", false },
	{ "<presence/>", false },
	{ "<rx xmlns='urn:xmpp:sm:3'/>", false },
	{ "", false },
};

static void
proto_sm_is_sm_element__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(elements); i++)
		if (proto_sm_is_sm_element(elements[i].xml) != elements[i].sm)
			fail_msg("%s: expected %d", elements[i].xml,
			    elements[i].sm);
}

struct resent_case {
	const char	*description;
	const char	*name;
	const char	*type;
	bool		 held;
	const char	*state;
	bool		 drop;
};

static const struct resent_case resent_cases[] = {
	{ "message the outbox holds: the outbox resends it", "message",
	  "chat", true, "pending", true },
	{ "held, no state recorded (history off)", "message", "chat", true,
	  NULL, true },
	{ "room message held", "message", "groupchat", true, "pending",
	  true },
	{ "confirmed by a round trip", "message", "chat", false,
	  "confirmed", true },
	{ "failed", "message", "chat", false, "failed", true },
	{ "pending but not held (outbox full): kept", "message", "chat",
	  false, "pending", false },
	{ "not ours (receipt, chat state)", "message", NULL, false, NULL,
	  false },
	{ "iq get: its asker is gone", "iq", "get", false, NULL, true },
	{ "iq set: kept for its effect", "iq", "set", false, NULL, false },
	{ "presence: the new session sends its own", "presence", NULL, false,
	  NULL, true },
	{ "room join presence", "presence", NULL, false, NULL, true },
	{ "no name", NULL, NULL, true, "confirmed", false },
};

static void
proto_sm_drop_resent__table(void **state)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(resent_cases); i++) {
		const struct resent_case *c = &resent_cases[i];

		if (proto_sm_drop_resent(c->name, c->type, c->held,
		    c->state) != c->drop)
			fail_msg("%s: expected %s", c->description,
			    c->drop ? "drop" : "keep");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proto_sm_check_ack__table),
		cmocka_unit_test(proto_sm_is_sm_element__table),
		cmocka_unit_test(proto_sm_drop_resent__table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
