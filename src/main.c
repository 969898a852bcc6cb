/* SPDX-License-Identifier: MIT */
/*
 * natter's entry point: parse the command line, initialise the layers
 * bottom-up (util, core, xmpp, cmd, front end), queue the start-up
 * commands, run the loop, tear down top-down. The only file that sees
 * every layer.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd/cmd.h"
#include "cmd/cmd-diagnose-diff.h"
#include "core/account.h"
#include "core/bookmark.h"
#include "core/certstore.h"
#include "core/chat.h"
#include "core/history.h"
#include "core/room.h"
#include "core/dns.h"
#include "core/events.h"
#include "core/exec.h"
#include "core/hook.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/otr.h"
#include "core/outbox.h"
#include "core/password.h"
#include "core/prefs.h"
#include "core/xmlcon.h"
#include "core/xmlrec.h"
#include "frontend/batch/batch.h"
#include "frontend/control/control.h"
#include "frontend/tui/tui.h"
#include "util/log.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/trace.h"
#include "util/xdg.h"
#include "xmpp/proto-conn.h"

struct options {
	char		*account;
	char		**commands;
	char		*script;
	gboolean	 batch;
	gboolean	 json;
	gboolean	 xml;
	char		*level;
	gboolean	 version;
	char		*dump;
	char		*control;
	int		 wait;
	char		*replay;
	gboolean	 diff;
};

static struct options opt = { .wait = -1 };

static const GOptionEntry option_entries[] = {
	{ "account", 'a', 0, G_OPTION_ARG_STRING, &opt.account,
	  "Connect ACCOUNT at start", "ACCOUNT" },
	{ "command", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &opt.commands,
	  "Run COMMAND at start (repeatable; after -x). Not a config file.",
	  "COMMAND" },
	{ "execute", 'x', 0, G_OPTION_ARG_FILENAME, &opt.script,
	  "Run the commands in SCRIPT (one per line, # comments)", "SCRIPT" },
	{ "batch", 0, 0, G_OPTION_ARG_NONE, &opt.batch,
	  "No full-screen interface: commands from stdin, events to stdout",
	  NULL },
	{ "json", 0, 0, G_OPTION_ARG_NONE, &opt.json,
	  "With --batch: events as JSON Lines", NULL },
	{ "xml", 0, 0, G_OPTION_ARG_NONE, &opt.xml,
	  "With --batch: also print raw XML traffic (raw-in, raw-out)", NULL },
	{ "control", 0, 0, G_OPTION_ARG_FILENAME, &opt.control,
	  "Take commands on the UNIX socket PATH (mode 0600)", "PATH" },
	{ "wait", 0, 0, G_OPTION_ARG_INT, &opt.wait,
	  "With --batch: at end of input wait up to SECONDS for the server "
	  "to confirm messages (default: batch.flush_timeout)", "SECONDS" },
	{ "replay", 0, 0, G_OPTION_ARG_FILENAME, &opt.replay,
	  "Open the XML console on a recording (/xmlconsole record), "
	  "connecting nothing", "FILE" },
	{ "diff", 0, 0, G_OPTION_ARG_NONE, &opt.diff,
	  "Compare two saved /diagnose --json reports OLD NEW (the two "
	  "arguments): exit 0 when they agree, 1 when they differ, 2 on "
	  "error", NULL },
	{ "log-level", 'l', 0, G_OPTION_ARG_STRING, &opt.level,
	  "Debug log threshold: debug, info, warn or error", "LEVEL" },
	{ "version", 0, 0, G_OPTION_ARG_NONE, &opt.version,
	  "Print the version and the build's features", NULL },
	{ "dump-commands", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
	  &opt.dump, "Print the command (man) or event (events) reference "
	  "in troff", "FORMAT" },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static bool
parse_args(int *argc, char ***argv, char **error)
{
	g_autoptr(GOptionContext) oc = g_option_context_new(NULL);
	g_autoptr(GError) err = NULL;

	g_option_context_set_summary(oc, "natter, a terminal XMPP client.");
	g_option_context_set_description(oc, "Exit status:\n"
	    "  0 every command succeeded and every message was confirmed\n"
	    "  1 a command failed\n"
	    "  2 bad command-line arguments\n"
	    "  3 an account could not connect or log in\n"
	    "  4 a message bounced or a room refused the join\n"
	    "  5 messages still unconfirmed at the end (--wait)\n"
	    "When several apply: 3, then 5, then 4, then 1.\n\n"
	    "Files live under $XDG_CONFIG_HOME/natter, $XDG_DATA_HOME/natter "
	    "and $XDG_STATE_HOME/natter. See natter(1).");
	g_option_context_add_main_entries(oc, option_entries, NULL);
	if (!g_option_context_parse(oc, argc, argv, &err)) {
		*error = g_strdup(err->message);
		return false;
	}
	if (opt.diff && *argc != 3) {
		*error = g_strdup("--diff takes two reports: --diff OLD.json "
		    "NEW.json");
		return false;
	}
	if (*argc > 1 && !opt.diff) {
		*error = g_strdup_printf("unexpected argument '%s' (commands "
		    "go after -c)", (*argv)[1]);
		return false;
	}
	if ((opt.json || opt.xml || opt.wait >= 0) && !opt.batch) {
		*error = g_strdup("--json, --xml and --wait need --batch");
		return false;
	}
	if (opt.wait < -1 || opt.wait > 86400) {
		*error = g_strdup("--wait takes seconds, 0 to 86400");
		return false;
	}
	if (opt.dump != NULL && strcmp(opt.dump, "man") != 0 &&
	    strcmp(opt.dump, "events") != 0) {
		*error = g_strdup("--dump-commands supports 'man' and "
		    "'events'");
		return false;
	}
	return true;
}

static void
print_version(void)
{
	printf("natter %s\n", PACKAGE_VERSION);
	printf("libstrophe %s\n", proto_version());
	printf("libotr %s\n", OTR_VERSION_STR);
	printf("linked statically: %s\n", STATIC_LIBS_STR);
	printf("features: tui batch json xml-traffic tls-tofu "
	    "multi-account%s\n",
#ifdef __SANITIZE_ADDRESS__
	    " asan"
#else
	    ""
#endif
	    );
}

static void
quit_signal(int signo, void *data)
{
	log_info("signal %d: quitting", signo);
	loop_quit(signo == SIGINT ? 0 : 1);
}

static void
open_log(void)
{
	g_autofree char *path = xdg_path(XDG_STATE, "natter.log");
	g_autofree char *err = NULL;
	enum log_level level = LOG_INFO;

	if (!log_level_parse(opt.level != NULL ? opt.level :
	    prefs_get("log.level"), &level))
		level = LOG_INFO;
	if (!xdg_ensure_dir(XDG_STATE, &err) || !log_open(path, level, &err))
		fprintf(stderr, "natter: log: %s\n", err);
	else
		log_info("natter %s, libstrophe %s", PACKAGE_VERSION,
		    proto_version());
}

static void
load_files(GPtrArray *warnings)
{
	g_autofree char *rc = xdg_path(XDG_CONFIG, "natterrc");
	g_autofree char *acc = xdg_path(XDG_CONFIG, "accounts");
	g_autofree char *certs = xdg_path(XDG_DATA, "trusted-certs");
	g_autofree char *aliases = xdg_path(XDG_CONFIG, "aliases");
	g_autofree char *hooks = xdg_path(XDG_CONFIG, "hooks");

	(void)prefs_load(rc, warnings);
	(void)accounts_load(acc, warnings);
	(void)certstore_load(certs, warnings);
	(void)cmd_alias_load(aliases, warnings);
	(void)hook_load(hooks, warnings);
}

/*
 * History opens at the loop's first lull: while the server answers the
 * first bytes of the login, not before the dial (history.c).
 */
static void
open_history(void)
{
	g_autofree char *path = xdg_path(XDG_DATA, "history.db");
	g_autofree char *err = NULL;

	if (!xdg_ensure_dir(XDG_DATA, &err)) {
		ev_emit_text(EV_ERROR, NULL, "history off: %s", err);
		return;
	}
	history_open_later(path);
}

/*
 * --diff A B: the differences between two saved /diagnose --json
 * reports on stdout; 0 when none, 1 when some, 2 when a file is bad.
 */
static int
diff_reports(const char *a, const char *b)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) lines = diag_diff_files(a, b, &err);
	guint i;

	if (lines == NULL) {
		fprintf(stderr, "natter: --diff: %s\n", err->message);
		return 2;
	}
	for (i = 0; i < lines->len; i++) {
		g_autofree char *safe = sanitize_str(g_ptr_array_index(lines,
		    i));

		printf("%s\n", safe);
	}
	if (lines->len == 0)
		printf("no differences (times, uptime and ping minimum/maximum "
		    "are not compared)\n");
	return lines->len > 0 ? 1 : 0;
}

/* --replay: the console filled from the recording, then opened. */
static void
replay(void)
{
	g_autoptr(GError) err = NULL;
	gint64 n = xmlrec_load(opt.replay, &err);

	if (n < 0)
		ev_emit_text(EV_ERROR, NULL, "--replay: %s", err->message);
	else
		ev_emit_text(EV_INFO, NULL, "Replaying %s: %" G_GINT64_FORMAT
		    " %s, nothing connected.", opt.replay, n,
		    str_plural((guint64)n, "record", "records"));
	if (opt.batch)		/* no window: the records as --xml printed them */
		batch_print_recording();
	else
		cmdq_append("/xmlconsole", CMD_FROM_BATCH, NULL, NULL);
}

static void
queue_startup(void)
{
	g_autoptr(GError) err = NULL;
	size_t i;

	if (opt.replay != NULL)
		replay();
	else if (opt.account != NULL) {
		g_autofree char *line = g_strdup_printf("/connect \"%s\"",
		    opt.account);

		cmdq_append(line, CMD_FROM_BATCH, opt.account, NULL);
	}
	if (opt.script != NULL &&
	    !cmdq_append_file(opt.script, CMD_FROM_SCRIPT, &err))
		ev_emit_text(EV_ERROR, NULL, "-x: %s", err->message);
	for (i = 0; opt.commands != NULL && opt.commands[i] != NULL; i++)
		cmdq_append(opt.commands[i], CMD_FROM_BATCH, opt.account, NULL);
}

/* Said on stderr after the front end is gone, so it stays visible. */
static void
report_unconfirmed(void)
{
	guint n = outbox_unconfirmed(NULL);

	if (n > 0)
		fprintf(stderr, "natter: %u %s not confirmed by the server; "
		    "%s may not have been delivered\n", n,
		    str_plural(n, "message was", "messages were"),
		    n == 1 ? "it" : "they");
}

/* Batch mode on a terminal reads lines with the TUI library's readline. */
static const struct batch_line_editor line_editor = {
	.start = tui_lineread_start, .feed = tui_lineread_feed,
	.hide = tui_lineread_hide, .show = tui_lineread_show,
	.stop = tui_lineread_stop,
};

static int
run(void)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *err = NULL;
	gint64 close_by = -1;	/* the streams' close counts against it */
	g_autoptr(GError) gerr = NULL;
	int status;
	guint i;

	if (!loop_init(&err)) {
		fprintf(stderr, "natter: %s\n", err);
		return 1;
	}
	load_files(warnings);
	open_log();
	xmlcon_init();
	outbox_init();
	if (!otr_init(&gerr))
		g_ptr_array_add(warnings, g_strdup(gerr->message));
	proto_init();
	if (opt.batch) {
		batch_start(opt.json, opt.xml, opt.wait, &line_editor);
	} else if (!tui_start(&err)) {
		fprintf(stderr, "natter: %s\n", err);
		proto_shutdown(-1);
		loop_free();
		return 1;
	}
	if (!control_start(opt.control, &err)) {
		control_stop();
		if (opt.batch)
			batch_stop();
		else
			tui_stop();
		fprintf(stderr, "natter: %s\n", err);
		proto_shutdown(-1);
		loop_free();
		return 1;
	}
	loop_on_signal(SIGINT, quit_signal, NULL);
	loop_on_signal(SIGTERM, quit_signal, NULL);
	loop_on_signal(SIGHUP, quit_signal, NULL);
	for (i = 0; i < warnings->len; i++) {
		log_warn("%s", (char *)g_ptr_array_index(warnings, i));
		ev_emit_text(EV_ERROR, NULL, "%s",
		    (char *)g_ptr_array_index(warnings, i));
	}
	open_history();
	queue_startup();
	status = loop_run();
	exec_shutdown();	/* no job outlives natter */
	control_stop();
	if (opt.batch) {
		int bs = batch_exit_status();

		close_by = batch_deadline_ms();
		if (bs != BATCH_EXIT_OK)
			status = bs;
		batch_stop();
	} else {
		tui_stop();
	}
	report_unconfirmed();
	cmdq_clear();
	cmd_search_free();
	cmd_xml_free();
	cmd_alias_free();
	hook_free_all();
	password_cancel_all();
	dns_shutdown();		/* lookups still waiting: "cancelled" */
	proto_shutdown(close_by);
	http_shutdown();
	otr_free();
	outbox_free();
	history_close();
	chats_free();
	rooms_free();
	bookmarks_free();
	accounts_free();
	certstore_free();
	xmlrec_stop();
	xmlcon_free();
	prefs_free();
	ev_reset();
	loop_free();
	log_close();
	trace_close();
	return status;
}

int
main(int argc, char **argv)
{
	g_autofree char *err = NULL;

	trace_open();
	TRACE_NOW("main");
	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	if (!parse_args(&argc, &argv, &err)) {
		fprintf(stderr, "natter: %s (natter --help)\n", err);
		return BATCH_EXIT_USAGE;
	}
	if (opt.version) {
		print_version();
		return 0;
	}
	if (opt.diff)
		return diff_reports(argv[1], argv[2]);
	if (opt.dump != NULL) {
		GString *s = g_string_new(NULL);

		if (strcmp(opt.dump, "events") == 0)
			cmd_dump_events_man(s);
		else
			cmd_dump_man(s);
		fputs(s->str, stdout);
		g_string_free(s, TRUE);
		return 0;
	}
	return run();
}
