/* SPDX-License-Identifier: MIT */
/* Unit tests of core/events.c: dispatch order, (un)subscribe during
 * dispatch, the descriptor table. */
#include "../helpers/test.h"
#include "core/events.h"

static GString *trace;
static guint h_second;

static void
first(const struct ev *ev, void *data)
{
	g_string_append(trace, "1");
	if (GPOINTER_TO_INT(data) == 1)
		ev_unsubscribe(h_second);	/* removed while dispatching */
}

static void
second(const struct ev *ev, void *data)
{
	g_string_append(trace, "2");
}

static void
adder(const struct ev *ev, void *data)
{
	g_string_append(trace, "A");
	ev_subscribe(EV_ANY, second, NULL);	/* must not see this event */
}

static void
ev_emit__order_and_unsubscribe_during_dispatch(void **state)
{
	struct ev ev = { .kind = EV_INFO };

	trace = g_string_new(NULL);
	ev_subscribe(EV_INFO, first, GINT_TO_POINTER(1));
	h_second = ev_subscribe(EV_ANY, second, NULL);
	ev_emit(&ev);
	ev_emit(&ev);
	assert_string_equal(trace->str, "11");
	ev_reset();
	g_string_free(trace, TRUE);
}

static void
ev_emit__subscriber_added_in_dispatch__sees_next_event_only(void **state)
{
	struct ev ev = { .kind = EV_ERROR };
	guint h;

	trace = g_string_new(NULL);
	h = ev_subscribe(EV_ERROR, adder, NULL);
	ev_emit(&ev);
	assert_string_equal(trace->str, "A");
	ev_unsubscribe(h);
	ev_emit(&ev);
	assert_string_equal(trace->str, "A2");
	ev_reset();
	g_string_free(trace, TRUE);
}

static void
ev_kinds__table_names_fields_values(void **state)
{
	struct ev ev = { .kind = EV_CONN_STATE };
	int k;

	for (k = 0; k < EV__COUNT; k++) {
		const struct ev_kind_info *i = ev_kind_info(k);

		assert_int_equal(i->kind, k);
		assert_ptr_equal(ev_kind_by_name(i->name), i);
		assert_true(strlen(i->description) > 5);
	}
	ev.u.conn_state.state = "online";
	ev.u.conn_state.error = "x";
	assert_int_equal(ev_field_count(EV_CONN_STATE), 4);
	assert_string_equal(ev_field_value(&ev, 0), "online");
	assert_null(ev_field_value(&ev, 1));
	assert_string_equal(ev_field_value(&ev, 3), "x");
	assert_null(ev_kind_by_name("no-such-kind"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ev_emit__order_and_unsubscribe_during_dispatch),
		cmocka_unit_test(ev_emit__subscriber_added_in_dispatch__sees_next_event_only),
		cmocka_unit_test(ev_kinds__table_names_fields_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
