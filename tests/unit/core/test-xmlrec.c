/* SPDX-License-Identifier: MIT */
/* Unit tests of core/xmlrec.c: the JSON Lines record of the XML console,
 * fed through the real raw events. */
#include <sys/stat.h>
#include <unistd.h>

#include "../helpers/test.h"
#include "core/events.h"
#include "core/prefs.h"
#include "core/xmlcon.h"
#include "core/xmlrec.h"

static void
raw(bool out, const char *xml, gint64 t)
{
	struct ev ev = { .kind = out ? EV_RAW_OUT : EV_RAW_IN,
		.account = "a@example.org", .time = t };

	ev.u.raw.xml = xml;
	ev_emit(&ev);
}

static int
setup(void **state)
{
	xmlcon_init();
	return 0;
}

static int
teardown(void **state)
{
	xmlrec_stop();
	xmlcon_free();
	prefs_free();
	return 0;
}

static void
xmlrec_line__escapes_and_utc_time(void **state)
{
	g_autofree char *line = NULL;

	raw(false, "<message>\"q\" \\ \n\x01</message>",
	    G_GINT64_CONSTANT(1767323045000007));
	line = xmlrec_line(xmlcon_nth(0));
	assert_string_equal(line, "{\"time\":\"2026-01-02T03:04:05.000007Z\","
	    "\"account\":\"a@example.org\",\"dir\":\"in\",\"n\":1,"
	    "\"pair\":null,\"xml\":\"<message>\\\"q\\\" \\\\ \\n\\u0001"
	    "</message>\"}");
}

/* A received element's exact bytes go in "raw", and come back on load. */
static void
xmlrec_line__raw_bytes_round_trip(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("xmlrec-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "raw.jsonl", NULL);
	g_autofree char *line = NULL, *text = NULL;
	struct ev ev = { .kind = EV_RAW_IN, .account = "a",
		.time = G_GINT64_CONSTANT(1767323045000000) };
	const struct xmlcon_entry *e;

	ev.u.raw.xml = "<message lang=\"de\"/>";
	ev.u.raw.raw = "<message xml:lang='de'\n/>";
	ev_emit(&ev);
	line = xmlrec_line(xmlcon_nth(0));
	assert_non_null(strstr(line, ",\"xml\":\"<message lang=\\\"de\\\"/>\","
	    "\"raw\":\"<message xml:lang='de'\\n/>\"}"));
	/* replayed as a later stanza */
	text = g_strconcat(line, "\n", NULL);
	memcpy(strstr(text, "\"n\":"), "\"n\":9", 5);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	xmlcon_clear();
	assert_int_equal(xmlrec_load(path, NULL), 1);
	e = xmlcon_nth(0);
	assert_string_equal(xmlcon_entry_raw(e), "<message xml:lang='de'\n/>");
	assert_string_equal(xmlcon_entry_xml(e), "<message lang=\"de\"/>");
	unlink(path);
	rmdir(dir);
}

static void
xmlrec_start__ring_first_then_live_reply_paired(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("xmlrec-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "r.jsonl", NULL);
	g_autofree char *text = NULL, *req = NULL, *rep = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GError) err = NULL;
	struct stat st;

	raw(true, "<iq type='get' id='p1'/>", 1000000);
	assert_true(xmlrec_start(path, &err));
	assert_string_equal(xmlrec_path(), path);
	raw(false, "<iq type='result' id='p1'/>", 2000000);
	assert_int_equal(xmlrec_written(), 2);
	xmlrec_stop();
	raw(false, "<presence/>", 3000000);
	assert_null(xmlrec_path());
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	assert_int_equal(g_strv_length(lines), 3);
	req = g_strdup_printf("\"dir\":\"out\",\"n\":%" G_GUINT64_FORMAT
	    ",\"pair\":null,", xmlcon_last_seq() - 2);
	rep = g_strdup_printf("\"dir\":\"in\",\"n\":%" G_GUINT64_FORMAT
	    ",\"pair\":%" G_GUINT64_FORMAT ",", xmlcon_last_seq() - 1,
	    xmlcon_last_seq() - 2);
	assert_non_null(strstr(lines[0], req));
	assert_non_null(strstr(lines[1], rep));
	assert_string_equal(lines[2], "");
	unlink(path);
	rmdir(dir);
}

static void
xmlrec_start__symlink_refused(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("xmlrec-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "l.jsonl", NULL);
	g_autoptr(GError) err = NULL;

	assert_int_equal(symlink("/dev/null", path), 0);
	assert_false(xmlrec_start(path, &err));
	assert_non_null(err);
	assert_null(xmlrec_path());
	unlink(path);
	rmdir(dir);
}

static void
on_error(const struct ev *ev, void *data)
{
	g_ptr_array_add(data, g_strdup(ev->u.error.text));
}

static void
xmlrec_load__gaps_kept_bad_lines_numbered(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("xmlrec-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "in.jsonl", NULL);
	g_autoptr(GPtrArray) errs = g_ptr_array_new_with_free_func(g_free);
	guint64 base = xmlcon_last_seq() + 100;
	g_autofree char *text = g_strdup_printf(
	    "{\"time\":\"2026-01-02T03:04:05.5Z\",\"account\":\"a\","
	    "\"dir\":\"out\",\"n\":%" G_GUINT64_FORMAT ",\"pair\":null,"
	    "\"xml\":\"<iq type='get' id='r1'/>\"}\n"
	    "not json\n"
	    "{\"time\":\"2026-01-02T03:04:05.75Z\",\"account\":\"a\","
	    "\"dir\":\"in\",\"n\":%" G_GUINT64_FORMAT ",\"pair\":1,"
	    "\"xml\":\"<iq type='result' id='r1'/>\"}\n"
	    "{\"time\":\"2026-01-02T03:04:06Z\",\"account\":\"a\","
	    "\"dir\":\"in\",\"n\":1,\"pair\":null,\"xml\":\"<x/>\"}\n"
	    "{\"time\":\"2026-01-02T03:04:06Z\",\"dir\":\"up\"}\n",
	    base, base + 2);
	const struct xmlcon_entry *req, *rep;
	guint sub = ev_subscribe(EV_ERROR, on_error, errs);

	assert_true(g_file_set_contents(path, text, -1, NULL));
	assert_int_equal(xmlrec_load(path, NULL), 2);
	ev_unsubscribe(sub);
	req = xmlcon_get(base);
	rep = xmlcon_get(base + 2);
	assert_non_null(req);
	assert_non_null(rep);
	assert_null(xmlcon_get(base + 1));
	assert_int_equal(rep->pair, base);
	assert_int_equal(req->pair, base + 2);
	assert_int_equal(rep->rtt, 250000);
	assert_int_equal(errs->len, 3);
	assert_non_null(strstr(g_ptr_array_index(errs, 0), " line 2: "));
	assert_non_null(strstr(g_ptr_array_index(errs, 1), " line 4: n is "));
	assert_non_null(strstr(g_ptr_array_index(errs, 2), " line 5: "));
	assert_int_equal(xmlrec_load("/nonexistent/x.jsonl", NULL), -1);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    xmlrec_line__escapes_and_utc_time, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlrec_line__raw_bytes_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlrec_start__ring_first_then_live_reply_paired, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    xmlrec_start__symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    xmlrec_load__gaps_kept_bad_lines_numbered, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
