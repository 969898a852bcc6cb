/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of core/otr*.c without a network: which policy applies
 * (contact, account, preference), what the encrypt and decrypt stages do
 * to plain messages and to copies of OTR messages, and the files' modes.
 */
#include "../helpers/test.h"
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "core/account.h"
#include "core/events.h"
#include "core/msg.h"
#include "core/otr.h"
#include "core/prefs.h"

#define TAG " \t  \t\t\t\t \t \t \t    \t\t  \t\t"	/* base + v3 */

static char *dir;

static int
setup(void **state)
{
	dir = g_dir_make_tmp("natter-otr-XXXXXX", NULL);
	g_setenv("XDG_DATA_HOME", dir, TRUE);
	g_setenv("XDG_CONFIG_HOME", dir, TRUE);
	assert_non_null(account_add_unsaved("a", "alice@x", NULL));
	assert_true(otr_init(NULL));
	return 0;
}

static void
rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(path, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_rf(p);
		else
			(void)g_unlink(p);
	}
	if (d != NULL)
		g_dir_close(d);
	(void)g_rmdir(path);
}

static int
teardown(void **state)
{
	otr_free();
	accounts_free();
	prefs_free();
	ev_reset();
	rm_rf(dir);
	g_free(dir);
	return 0;
}

static void
otr_policy_of__contact_beats_account_beats_pref(void **state)
{
	g_autofree char *path = g_build_filename(dir, "natter", "otr",
	    "policies", NULL);
	GStatBuf st;

	assert_string_equal(otr_policy_of("a", "bob@x"), "manual");
	assert_true(prefs_set("otr.policy", "opportunistic", NULL));
	assert_string_equal(otr_policy_of("a", "bob@x"), "opportunistic");
	assert_true(otr_policy_set("a", NULL, "always", NULL));
	assert_string_equal(otr_policy_of("a", NULL), "always");
	assert_true(otr_policy_set("a", "bob@x", "manual", NULL));
	assert_string_equal(otr_policy_of("a", "bob@x"), "manual");
	assert_string_equal(otr_policy_of("a", "carol@x"), "always");
	assert_int_equal(g_stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Read back as a new start would. */
	otr_policy_free();
	assert_true(otr_policy_load(path, NULL));
	assert_string_equal(otr_policy_of("a", "bob@x"), "manual");
}

static void
otr_policy_set__refuses_unknown_policies(void **state)
{
	g_autoptr(GError) err = NULL;

	assert_false(otr_policy_set("a", "bob@x", "sometimes", &err));
	assert_non_null(strstr(err->message, "manual, opportunistic or "
	    "always"));
	assert_string_equal(otr_policy_of("a", "bob@x"), "manual");
}

static struct msg *
msg_in(const char *body)
{
	struct msg *m = msg_new(MSG_IN, "a", "bob@x", body);

	m->resource = g_strdup("phone");
	return m;
}

static void
otr_decrypt__copies_of_otr_messages_are_not_shown(void **state)
{
	struct msg *m = msg_in("?OTR:AAMDxyz.");
	g_autoptr(GError) err = NULL;

	m->carbon = true;
	assert_false(otr_decrypt(m, &err));
	assert_null(err);
	msg_free(m);
	m = msg_new(MSG_OUT, "a", "bob@x", "?OTR:AAMDxyz.");
	m->archived = true;
	assert_false(otr_decrypt(m, &err));
	assert_null(err);
	msg_free(m);
}

static void
otr_decrypt__plain_text_passes_and_tags_are_stripped(void **state)
{
	struct msg *m = msg_in("just words");
	g_autoptr(GError) err = NULL;

	assert_true(otr_decrypt(m, &err));
	assert_string_equal(m->body, "just words");
	assert_null(m->encryption);
	msg_free(m);
	m = msg_in("tagged" TAG);
	assert_true(otr_decrypt(m, &err));
	assert_string_equal(m->body, "tagged");
	assert_null(m->encryption);
	msg_free(m);
}

static void
otr_encrypt__plain_per_policy(void **state)
{
	struct msg *m = msg_new(MSG_OUT, "a", "bob@x", "hi");
	g_autoptr(GError) err = NULL;

	assert_true(otr_encrypt(m, &err));	/* manual: untouched */
	assert_null(m->wire_body);
	assert_null(m->encryption);
	msg_free(m);
	assert_true(otr_policy_set("a", "bob@x", "opportunistic", NULL));
	m = msg_new(MSG_OUT, "a", "bob@x", "hi");
	assert_true(otr_encrypt(m, &err));	/* the whitespace tag */
	assert_non_null(m->wire_body);
	assert_true(g_str_has_prefix(m->wire_body, "hi \t  \t\t\t\t \t \t \t  "));
	assert_string_equal(m->body, "hi");
	assert_null(m->encryption);
	msg_free(m);
	assert_true(otr_policy_set("a", "bob@x", "always", NULL));
	m = msg_new(MSG_OUT, "a", "bob@x", "hi");
	assert_false(otr_encrypt(m, &err));	/* refused, never plain */
	assert_non_null(strstr(err->message, "forbids plain text"));
	assert_null(m->wire_body);
	msg_free(m);
}

static void
otr_encrypt__rooms_are_left_alone(void **state)
{
	struct msg *m = msg_new(MSG_OUT, "a", "room@conf.x", "hi");
	g_autoptr(GError) err = NULL;

	assert_true(otr_policy_set("a", NULL, "always", NULL));
	g_free(m->type);
	m->type = g_strdup("groupchat");
	assert_true(otr_encrypt(m, &err));
	assert_null(m->wire_body);
	msg_free(m);
	assert_int_equal(otr_state_of("a", "room@conf.x"), OTR_PLAIN);
	assert_false(otr_peer_ok("a", "room@conf.x/nick", &err));
}

/*
 * libotr and libgcrypt are set up by the first one-to-one message that
 * needs them: under the default policy (manual) OTR text, not plain text.
 */
static void
otr_init__libotr_waits_for_first_use(void **state)
{
	struct msg *m = msg_new(MSG_OUT, "a", "room@conf.x", "hi");
	g_autoptr(GError) err = NULL;

	assert_false(otr_loaded());
	assert_int_equal(otr_state_of("a", "bob@x"), OTR_PLAIN);
	g_free(m->type);
	m->type = g_strdup("groupchat");
	assert_true(otr_encrypt(m, &err));
	msg_free(m);
	assert_false(otr_loaded());
	m = msg_in("hello");
	assert_true(otr_decrypt(m, &err));
	assert_null(err);
	msg_free(m);
	m = msg_new(MSG_OUT, "a", "bob@x", "plain");
	assert_true(otr_encrypt(m, &err));
	msg_free(m);
	assert_false(otr_loaded());
	m = msg_in("?OTR Error: lost");
	otr_decrypt(m, &err);
	msg_free(m);
	assert_true(otr_loaded());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    otr_policy_of__contact_beats_account_beats_pref,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    otr_policy_set__refuses_unknown_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    otr_decrypt__copies_of_otr_messages_are_not_shown,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    otr_decrypt__plain_text_passes_and_tags_are_stripped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(otr_encrypt__plain_per_policy,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    otr_encrypt__rooms_are_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    otr_init__libotr_waits_for_first_use, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
