/* SPDX-License-Identifier: MIT */
/* Table lint (STYLE §5): unique sorted names; every entry and subcommand
 * has a synopsis, a description, an example; every UPPER-CASE word of a
 * synopsis is described in args[]; dispatch prints the synopsis on wrong
 * usage. */
#include <ctype.h>

#include "../helpers/test.h"
#include "cmd/cmd.h"
#include "core/account.h"
#include "core/events.h"
#include "core/windows.h"
#include "core/prefs.h"

static bool
described(const struct cmd_entry *e, const char *word)
{
	size_t i;

	for (i = 0; e->args != NULL && e->args[i].form != NULL; i++)
		if (strcmp(e->args[i].form, word) == 0)
			return true;
	for (i = 0; e->options != NULL && e->options[i].meaning != NULL; i++)
		if (g_strcmp0(e->options[i].value, word) == 0)
			return true;
	return false;
}

static void
check_synopsis_args(const struct cmd_entry *e, const struct cmd_entry *top)
{
	size_t i;

	for (i = 0; e->synopsis[i] != NULL; i++) {
		const char *p = e->synopsis[i];

		while (*p != '\0') {
			const char *q;
			g_autofree char *w = NULL;

			if (!isupper((unsigned char)*p) ||
			    (p > e->synopsis[i] && isalnum((unsigned char)p[-1]))) {
				p++;
				continue;
			}
			for (q = p; isupper((unsigned char)*q) || *q == '_'; q++)
				;
			w = g_strndup(p, q - p);
			if (strlen(w) > 0 && !described(e, w) &&
			    !described(top, w))
				fail_msg("/%s: '%s' in synopsis not in args[]",
				    top->name, w);
			p = q;
		}
	}
}

/* True when synopsis holds option word w ("-o", "--json") as a word. */
static bool
has_option_word(const char *synopsis, const char *w)
{
	const char *p = synopsis;
	size_t n = strlen(w);

	while ((p = strstr(p, w)) != NULL) {
		bool starts = p == synopsis || strchr(" [|", p[-1]) != NULL;
		bool ends = p[n] == '\0' || strchr(" ]|", p[n]) != NULL;

		if (starts && ends)
			return true;
		p += n;
	}
	return false;
}

/* Every declared option is in a synopsis (by either name), and there
 * are few enough. */
static void
check_options(const struct cmd_entry *e, const struct cmd_entry *top)
{
	size_t i, j;

	for (i = 0; e->options != NULL && e->options[i].meaning != NULL; i++) {
		const struct cmd_option *o = &e->options[i];
		g_autofree char *s = g_strdup_printf("-%c", o->name);
		g_autofree char *l = g_strdup_printf("--%s", o->long_name);
		bool found = false;

		assert_true(i < CMD_OPTIONS_MAX);
		for (j = 0; e->synopsis[j] != NULL && !found; j++)
			found = (o->name != 0 && has_option_word(e->synopsis[j],
			    s)) || (o->long_name != NULL &&
			    has_option_word(e->synopsis[j], l));
		if (!found)
			fail_msg("/%s: option %s not in its synopsis",
			    top->name, o->name != 0 ? s : l);
	}
}

static void
check_entry(const struct cmd_entry *e, const struct cmd_entry *top)
{
	size_t i;

	assert_non_null(e->name);
	if (e->synopsis == NULL || e->synopsis[0] == NULL)
		fail_msg("/%s %s: no synopsis", top->name, e->name);
	if (e->description == NULL || strlen(e->description) < 10)
		fail_msg("/%s %s: no description", top->name, e->name);
	if (e->examples == NULL || e->examples[0] == NULL)
		fail_msg("/%s %s: no example", top->name, e->name);
	assert_non_null(e->args);
	check_synopsis_args(e, top);
	check_options(e, top);
	for (i = 0; e->complete != NULL && e->complete[i] != CMD_COMPLETE_NONE;
	    i++)
		assert_true(e->complete[i] < CMD_COMPLETE__COUNT);
	for (i = 0; e->subcmds != NULL && e->subcmds[i] != NULL; i++)
		check_entry(e->subcmds[i], top);
	if (e->exec == NULL && (e->subcmds == NULL || e->subcmds[0] == NULL))
		fail_msg("/%s: neither handler nor subcommands", e->name);
}

static void
cmd_table__lint(void **state)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++) {
		if (i > 0 && strcmp(cmd_table[i - 1]->name,
		    cmd_table[i]->name) >= 0)
			fail_msg("table not sorted/unique at /%s",
			    cmd_table[i]->name);
		check_entry(cmd_table[i], cmd_table[i]);
	}
	assert_true(i >= 13);
}

/*
 * Every "/help X [Y]" in text must resolve: X a command (or "set" and a
 * preference), Y (when X has subcommands and Y is a lower-case word) one
 * of X's subcommands. Upper-case words are placeholders.
 */
static void
check_help_refs(const char *text, const char *where)
{
	const char *p = text;

	while (text != NULL && (p = strstr(p, "/help ")) != NULL) {
		g_auto(GStrv) w = NULL;
		g_autoptr(GError) err = NULL;
		g_autofree char *ref = NULL, *help = NULL;
		size_t n;

		p += 6;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789._- ");
		ref = g_strndup(p, n);
		w = g_strsplit(g_strstrip(ref), " ", 3);
		if (w[0] == NULL || w[0][0] == '\0' ||
		    strcmp(w[0], "lists") == 0)
			continue;	/* a placeholder, or prose */
		if (w[1] != NULL) {
			const struct cmd_entry *e = cmd_find(w[0]);

			if (e != NULL && strcmp(w[0], "set") != 0 &&
			    (e->subcmds == NULL || e->subcmds[0] == NULL))
				g_clear_pointer(&w[1], g_free);
			else if (w[2] != NULL)
				g_clear_pointer(&w[2], g_free);
		}
		g_free(ref);
		ref = g_strjoinv(" ", w);
		help = cmd_help_text(ref, &err);
		if (help == NULL)
			fail_msg("%s: '/help %s' does not resolve: %s", where,
			    ref, err->message);
	}
}

static void
check_entry_help_refs(const struct cmd_entry *e, const char *top)
{
	g_autofree char *where = strcmp(top, e->name) == 0 ?
	    g_strdup_printf("/%s", top) :
	    g_strdup_printf("/%s %s", top, e->name);
	size_t i;

	check_help_refs(e->description, where);
	for (i = 0; e->args != NULL && e->args[i].form != NULL; i++)
		check_help_refs(e->args[i].meaning, where);
	for (i = 0; e->examples != NULL && e->examples[i] != NULL; i++)
		check_help_refs(e->examples[i], where);
	for (i = 0; e->subcmds != NULL && e->subcmds[i] != NULL; i++)
		check_entry_help_refs(e->subcmds[i], top);
}

static void
cmd_help__resolves__every_reference(void **state)
{
	size_t i;

	for (i = 0; cmd_table[i] != NULL; i++)
		check_entry_help_refs(cmd_table[i], cmd_table[i]->name);
	for (i = 0; i < pref_table_len; i++)
		check_help_refs(pref_table[i].description, pref_table[i].name);
}

static void
cmd_help__shows__a_subcommand(void **state)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *t = cmd_help_text("xmlconsole filter", &err);
	g_autofree char *top = NULL, *bad = NULL;

	assert_non_null(t);
	assert_true(g_str_has_prefix(t, "/xmlconsole filter [message|"));
	assert_non_null(strstr(t, "jid:JID"));
	assert_non_null(strstr(t, "Examples:"));
	t = (g_free(t), cmd_help_text("/tls trust", &err));
	assert_non_null(t);
	assert_true(g_str_has_prefix(t, "/tls trust"));
	top = cmd_help_text("xmlconsole", &err);
	assert_non_null(strstr(top, "/help xmlconsole SUBCOMMAND"));
	assert_non_null(strstr(top, "hide-acks"));
	bad = cmd_help_text("xmlconsole nosuch", &err);
	assert_null(bad);
	assert_non_null(strstr(err->message, "filter"));
}

/* Tab after /help COMMAND offers the command's subcommands. */
static void
cmd_complete__help_offers_subcommands(void **state)
{
	const char *line = "/help xmlconsole fi";
	size_t start;
	g_autoptr(GPtrArray) c = cmd_complete(line, strlen(line), &start,
	    NULL, NULL);

	assert_int_equal(c->len, 1);
	assert_string_equal(g_ptr_array_index(c, 0), "filter");
	assert_int_equal(start, strlen("/help xmlconsole "));
}

static void
cmd_line_is_secret__only_lines_with_a_secret(void **state)
{
	static const struct {
		const char	*line;
		bool		 secret;
	} cases[] = {
		{ "/join room password hunter2", true },
		{ "  /join room@conf.example nick ann password \"a b\"", true },
		{ "/join room nick ann", false },
		{ "/join room", false },
		{ "/join room password", false },	/* no value yet */
		{ "/join room password \"unterminated", true },
		{ "/account set work password x", true },
		{ "/account list", false },
		{ "/register me@example.org", true },
		{ "/msg bob my password is x", false },
		{ "password hunter2", false },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++)
		if (cmd_line_is_secret(cases[i].line) != cases[i].secret)
			fail_msg("'%s' should be %s", cases[i].line,
			    cases[i].secret ? "secret" : "kept");
}

static GString *printed, *errors;
static int done_calls;
static enum cmd_status last_status;

static void
s_print(struct cmd_ctx *ctx, const char *text)
{
	g_string_append_printf(printed, "%s\n", text);
}

static void
s_error(struct cmd_ctx *ctx, const char *text)
{
	g_string_append_printf(errors, "%s\n", text);
}

static void
s_done(struct cmd_ctx *ctx, enum cmd_status st)
{
	done_calls++;
	last_status = st;
}

static const struct cmd_sink sink = { s_print, s_error, s_done };

static enum cmd_status
run(const char *line)
{
	g_string_truncate(printed, 0);
	g_string_truncate(errors, 0);
	done_calls = 0;
	return cmd_run_line(line, CMD_FROM_BATCH, NULL, NULL, &sink, NULL);
}

static void
cmd_run_line__usage_help_and_errors(void **state)
{
	printed = g_string_new(NULL);
	errors = g_string_new(NULL);
	assert_int_equal(run("/reset"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "usage: /reset NAME"));
	assert_int_equal(done_calls, 1);
	assert_int_equal(last_status, CMD_ERROR);
	assert_int_equal(run("/nosuch"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "unknown command /nosuch"));
	assert_int_equal(run("hello"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "/msg"));
	assert_int_equal(run("/help"), CMD_OK);
	assert_non_null(strstr(printed->str, "/connect"));
	assert_non_null(strstr(printed->str, "/account"));
	assert_int_equal(run("/help tls"), CMD_OK);
	assert_non_null(strstr(printed->str, "/tls revoke FINGERPRINT"));
	assert_int_equal(run("/tls"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "usage: /tls show"));
	assert_int_equal(run("/close 2"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "full-screen"));
	assert_int_equal(run("/set \"unterminated"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "unterminated quote"));
	assert_int_equal(done_calls, 1);
	g_string_free(printed, TRUE);
	g_string_free(errors, TRUE);
}

static enum cmd_status
run_in(const char *line, const char *account, const char *peer)
{
	g_string_truncate(printed, 0);
	g_string_truncate(errors, 0);
	return cmd_run_line(line, CMD_FROM_TUI, account, peer, &sink, NULL);
}

/* A mistyped command gets the closest ones suggested. */
static void
cmd_run_line__suggests__close_commands(void **state)
{
	printed = g_string_new(NULL);
	errors = g_string_new(NULL);
	assert_int_equal(run("/jion room"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "unknown command /jion: did you "
	    "mean /join?"));
	assert_int_equal(run("/disc"), CMD_ERROR);	/* a prefix of two */
	assert_non_null(strstr(errors->str, "did you mean /disco or "
	    "/disconnect?"));
	assert_int_equal(run("/conect"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "did you mean /connect?"));
	assert_int_equal(run("/xyzzy"), CMD_ERROR);
	assert_null(strstr(errors->str, "did you mean"));
	assert_non_null(strstr(errors->str, "/help"));
	g_string_free(printed, TRUE);
	g_string_free(errors, TRUE);
}

/* Declared targets: dispatch gives the standard error, never the
 * handler a missing account, room or conversation. */
static void
cmd_run_line__target__standard_errors(void **state)
{
	struct account *acc;

	printed = g_string_new(NULL);
	errors = g_string_new(NULL);
	assert_int_equal(run_in("/status", NULL, NULL), CMD_ERROR);
	assert_non_null(strstr(errors->str, "which account?"));
	assert_int_equal(run_in("/me waves", NULL, NULL), CMD_ERROR);
	assert_non_null(strstr(errors->str, "/me works in a chat window"));
	acc = account_add_unsaved("t", "t@localhost", NULL);
	assert_non_null(acc);
	acc->state = ACCOUNT_ONLINE;
	assert_int_equal(run_in("/kick bob", "t", NULL), CMD_ERROR);
	assert_non_null(strstr(errors->str, "/kick works in a room window"));
	assert_int_equal(run_in("/topic", "t", "bob@localhost"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "/topic works in a room window"));
	assert_int_equal(run_in("/room config", "t", "bob@localhost"),
	    CMD_ERROR);
	assert_non_null(strstr(errors->str, "/room works in a room window"));
	assert_int_equal(run_in("/exec -t 0 true", NULL, NULL), CMD_ERROR);
	assert_non_null(strstr(errors->str, "/exec: -t SECONDS: SECONDS must "
	    "be a number from 1 to"));
	assert_int_equal(run_in("/help exec", NULL, NULL), CMD_OK);
	assert_non_null(strstr(printed->str, "Options:\n  -o "));
	assert_non_null(strstr(printed->str, "  -t SECONDS "));
	accounts_free();
	g_string_free(printed, TRUE);
	g_string_free(errors, TRUE);
}

static GString *window_evs;

static void
on_window_ev(const struct ev *ev, void *data)
{
	g_string_append_printf(window_evs, "%s %s %s\n",
	    ev_kind_info(ev->kind)->name, ev->u.window_ref.window,
	    ev->u.window_ref.name != NULL ? ev->u.window_ref.name : "-");
}

/*
 * /win, /close, /clear check their argument against the core's window
 * list and ask with an event; /wins and /unread read the list.
 */
static void
cmd_win__checks_the_window_list__and_emits_events(void **state)
{
	static const struct cmd_ui_ops ui = { .shows_windows = true };
	struct window bob = { .kind = "chat", .name = "bob@x",
		.account = "a", .peer = "bob@x", .unread = 3,
		.highlight = true };
	struct window den = { .kind = "room", .name = "den@conf",
		.account = "a", .peer = "den@conf" };
	guint h[3];

	printed = g_string_new(NULL);
	errors = g_string_new(NULL);
	window_evs = g_string_new(NULL);
	h[0] = ev_subscribe(EV_WINDOW_SELECT, on_window_ev, NULL);
	h[1] = ev_subscribe(EV_WINDOW_CLOSE, on_window_ev, NULL);
	h[2] = ev_subscribe(EV_WINDOW_CLEAR, on_window_ev, NULL);
	cmd_set_ui_ops(&ui);
	windows_set(1, &bob);
	windows_set(2, &den);
	windows_focus(2);
	assert_int_equal(run("/win 7"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "no window 7 (/wins"));
	assert_int_equal(run("/win @"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "matches several windows"));
	assert_int_equal(run("/win bob"), CMD_OK);
	assert_int_equal(run("/close 1"), CMD_ERROR);
	assert_non_null(strstr(errors->str, "console cannot be closed"));
	assert_int_equal(run("/close 4"), CMD_ERROR);
	assert_int_equal(run("/close"), CMD_OK);
	assert_int_equal(run("/close read"), CMD_OK);
	assert_int_equal(run("/clear"), CMD_OK);
	assert_string_equal(window_evs->str, "window-select 2 bob@x\n"
	    "window-close 3 den@conf\nwindow-close read -\n"
	    "window-clear 3 den@conf\n");
	assert_int_equal(run("/wins"), CMD_OK);
	assert_string_equal(printed->str, "1: console\n2: bob@x (account a, "
	    "3 unread lines, highlighted)\n3: den@conf (current, account "
	    "a)\n");
	assert_int_equal(run("/unread"), CMD_OK);
	assert_string_equal(printed->str, "total 3\n2 bob@x 3 highlight\n");
	{
		const char *line = "/win de";
		size_t start;
		g_autoptr(GPtrArray) c = cmd_complete(line, strlen(line),
		    &start, NULL, NULL);

		assert_int_equal(c->len, 1);
		assert_string_equal(g_ptr_array_index(c, 0), "den@conf");
	}
	cmd_set_ui_ops(NULL);
	windows_reset();
	ev_unsubscribe(h[0]);
	ev_unsubscribe(h[1]);
	ev_unsubscribe(h[2]);
	g_string_free(window_evs, TRUE);
	g_string_free(printed, TRUE);
	g_string_free(errors, TRUE);
}

/* Two windows' unfinished raw XML are kept apart (issue 15, item 18). */
static void
cmd_xml__collects__per_target(void **state)
{
	printed = g_string_new(NULL);
	errors = g_string_new(NULL);
	assert_int_equal(run_in("/xml <message to='x'>", "a", "bob"), CMD_OK);
	assert_non_null(strstr(printed->str, "not closed"));
	assert_int_equal(run_in("/xml <presence>", "a", "carol"), CMD_OK);
	assert_non_null(strstr(printed->str, "not closed"));
	assert_int_equal(run_in("/xml", "a", "carol"), CMD_OK);
	assert_non_null(strstr(printed->str, "discarded 10 bytes"));
	assert_int_equal(run_in("/xml", "a", "carol"), CMD_ERROR);
	assert_int_equal(run_in("/xml", "a", "bob"), CMD_OK);
	assert_non_null(strstr(printed->str, "discarded 16 bytes"));
	g_string_free(printed, TRUE);
	g_string_free(errors, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmd_table__lint),
		cmocka_unit_test(cmd_run_line__usage_help_and_errors),
		cmocka_unit_test(cmd_help__resolves__every_reference),
		cmocka_unit_test(cmd_help__shows__a_subcommand),
		cmocka_unit_test(cmd_complete__help_offers_subcommands),
		cmocka_unit_test(cmd_line_is_secret__only_lines_with_a_secret),
		cmocka_unit_test(cmd_xml__collects__per_target),
		cmocka_unit_test(
		    cmd_win__checks_the_window_list__and_emits_events),
		cmocka_unit_test(cmd_run_line__suggests__close_commands),
		cmocka_unit_test(cmd_run_line__target__standard_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
