/* SPDX-License-Identifier: MIT */
/*
 * General commands: /help, /quit, /about, /set, /reset. Thin handlers over
 * the core (STYLE §5). cmd layer.
 */
#include <string.h>

#include "config.h"
#include "cmd-entries.h"
#include "core/account.h"
#include "core/events.h"
#include "core/loop.h"
#include "core/outbox.h"
#include "core/prefs.h"
#include "util/log.h"
#include "util/str.h"
#include "util/themes.h"
#include "xmpp/proto-conn.h"

static enum cmd_status
help_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;

	if (a->argc == 0) {
		text = cmd_help_list();
	} else {
		g_autofree char *name = g_strjoinv(" ", a->argv);

		text = cmd_help_text(name, &err);
		if (text == NULL)
			return cmd_error(ctx, "%s", err->message);
	}
	cmd_print(ctx, "%s", text);
	return CMD_OK;
}

static const enum cmd_completer help_complete[] = { CMD_COMPLETE_COMMAND,
	CMD_COMPLETE_PREF, CMD_COMPLETE_NONE };

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.synopsis = (const char *const[]){ "/help [COMMAND [SUBCOMMAND]]",
	    "/help set PREFERENCE", NULL },
	.description = "Show the list of commands, or the help of one "
	    "command, subcommand or preference.",
	.args = (const struct cmd_arg_doc[]){
	    { "COMMAND", "a command name, with or without the /" },
	    { "SUBCOMMAND", "one of the command's subcommands, as its help "
	      "lists them" },
	    { "PREFERENCE", "a preference name, as listed by /set" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/help", "/help connect",
	    "/help xmlconsole filter", "/help set ui.time_format", NULL },
	.min_args = 0, .max_args = 3,
	.complete = help_complete,
	.flags = CMD_SCRIPT_SAFE,
	.exec = help_exec,
};

/*
 * /quit waits, up to quit.wait seconds, while an account that is online
 * has messages the server has not confirmed; the events that settle them
 * end the wait, no polling.
 */
static guint quit_timer;
static guint quit_subs[3];

static guint
confirmable(void)
{
	GPtrArray *l = accounts_list();
	guint i, n = 0;

	for (i = 0; i < l->len; i++) {
		struct account *acc = g_ptr_array_index(l, i);

		if (acc->state == ACCOUNT_ONLINE)
			n += outbox_unconfirmed(acc->name);
	}
	return n;
}

static void
quit_now(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(quit_subs); i++)
		if (quit_subs[i] != 0)
			ev_unsubscribe(quit_subs[i]);
	memset(quit_subs, 0, sizeof quit_subs);
	if (quit_timer != 0)
		loop_remove_timer(quit_timer);
	quit_timer = 0;
	loop_quit(0);
}

static void
quit_settled(const struct ev *ev, void *data)
{
	if (confirmable() == 0)
		quit_now();
}

static void
quit_timeout_cb(void *data)
{
	quit_timer = 0;
	quit_now();
}

static enum cmd_status
quit_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	guint n = confirmable();
	long secs = prefs_get_int("quit.wait");

	if (n == 0 || secs == 0 || quit_timer != 0) {
		quit_now();
		return CMD_OK;
	}
	cmd_print(ctx, "waiting up to %ld s for the server to confirm %u "
	    "%s (quit.wait)", secs, n, str_plural(n, "message", "messages"));
	quit_subs[0] = ev_subscribe(EV_MSG_CONFIRMED, quit_settled, NULL);
	quit_subs[1] = ev_subscribe(EV_MSG_FAILED, quit_settled, NULL);
	quit_subs[2] = ev_subscribe(EV_CONN_STATE, quit_settled, NULL);
	quit_timer = loop_add_timer(secs * 1000, quit_timeout_cb, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.synopsis = (const char *const[]){ "/quit", NULL },
	.description = "Disconnect every account and leave natter. Messages "
	    "the server has not confirmed yet are waited for, up to quit.wait "
	    "seconds; natter says how many were left unconfirmed.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/quit", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE,
	.exec = quit_exec,
};

static enum cmd_status
about_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	cmd_print(ctx, "natter %s, a terminal XMPP client. libstrophe %s, "
	    "libotr %s, GLib %u.%u.%u. Licence: MIT.", PACKAGE_VERSION,
	    proto_version(), OTR_VERSION_STR, glib_major_version,
	    glib_minor_version, glib_micro_version);
	return CMD_OK;
}

const struct cmd_entry cmd_about_entry = {
	.name = "about",
	.synopsis = (const char *const[]){ "/about", NULL },
	.description = "Show natter's version and the libraries it uses.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/about", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE,
	.exec = about_exec,
};

static void
print_pref(struct cmd_ctx *ctx, const struct pref_def *d)
{
	cmd_print(ctx, "%s = %s%s", d->name, prefs_get(d->name),
	    prefs_is_default(d->name) ? "" : " (changed)");
}

/* Preferences that take effect at once when changed. */
static void
apply(const struct pref_def *d)
{
	enum log_level level;

	if (strcmp(d->name, "log.level") == 0 &&
	    log_level_parse(prefs_get(d->name), &level))
		log_set_level(level);
}

static enum cmd_status
set_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;
	const struct pref_def *d;
	size_t i;

	if (a->argc == 0) {
		for (i = 0; i < pref_table_len; i++)
			print_pref(ctx, &pref_table[i]);
		return CMD_OK;
	}
	d = prefs_find(a->argv[0]);
	if (d == NULL)
		return cmd_error(ctx, "unknown preference '%s' (/set lists "
		    "them)", a->argv[0]);
	if (a->argc == 1) {
		print_pref(ctx, d);
		return CMD_OK;
	}
	if (!prefs_set(a->argv[0], a->argv[1], &err)) {
		cmd_error(ctx, "%s", err->message);
		if (err->code != PREFS_ERROR_NOT_SAVED)
			return CMD_ERROR;
		/* Changed for this session; natterrc was not written. */
	}
	apply(d);
	print_pref(ctx, d);
	return err != NULL ? CMD_ERROR : CMD_OK;
}

static const enum cmd_completer pref_complete[] = { CMD_COMPLETE_PREF,
	CMD_COMPLETE_NONE };

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.synopsis = (const char *const[]){ "/set [NAME [VALUE]]", NULL },
	.description = "List preferences, show one, or change one. Changes "
	    "are saved to natterrc at once.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "a preference (/help set NAME explains it)" },
	    { "VALUE", "the new value; quote it if it has spaces" },
	    { NULL, NULL } },
	.examples = (const char *const[]){ "/set",
	    "/set ui.time_format \"%H:%M:%S\"", "/set ui.bell off", NULL },
	.min_args = 0, .max_args = 2,
	.complete = pref_complete,
	.flags = CMD_SCRIPT_SAFE,
	.exec = set_exec,
};

static enum cmd_status
reset_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GError) err = NULL;

	if (!prefs_reset(a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	apply(prefs_find(a->argv[0]));
	print_pref(ctx, prefs_find(a->argv[0]));
	return CMD_OK;
}

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.synopsis = (const char *const[]){ "/reset NAME", NULL },
	.description = "Restore the default value of a preference.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "a preference name" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/reset ui.time_format", NULL },
	.min_args = 1, .max_args = 1,
	.complete = pref_complete,
	.flags = CMD_SCRIPT_SAFE,
	.exec = reset_exec,
};

/*
 * The theme in use: the one ui.theme names, as the TUI loaded it at the
 * start or at /theme load (which sets ui.theme only for a theme it could
 * read), else the built-in default.
 */
static void
theme_in_use(struct theme *t)
{
	const char *name = prefs_get("ui.theme");

	if (name == NULL || *name == '\0' || !themes_read(name, t, NULL)) {
		themes_clear(t);
		themes_builtin(t);
	}
}

static enum cmd_status
theme_list_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GPtrArray) names = themes_list();
	struct theme t;
	guint i;

	theme_in_use(&t);
	for (i = 0; i < names->len; i++)
		cmd_print(ctx, "%s%s", (char *)g_ptr_array_index(names, i),
		    strcmp(g_ptr_array_index(names, i), t.name) == 0 ?
		    "  (in use)" : "");
	if (names->len == 0)
		cmd_print(ctx, "no theme files found");
	themes_clear(&t);
	return CMD_OK;
}

/*
 * /theme load NAME: read and check it here, so that a theme that cannot
 * be used fails the command with the reason; then save it as ui.theme
 * and let the TUI use it (EV_THEME_LOAD).
 */
static enum cmd_status
theme_load_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	struct ev ev = { .kind = EV_THEME_LOAD };
	struct theme t;
	bool ok = themes_read(a->argv[0], &t, warnings);
	guint i;

	themes_clear(&t);
	for (i = 0; i < warnings->len; i++)
		cmd_error(ctx, "%s", (char *)g_ptr_array_index(warnings, i));
	if (!ok)
		return CMD_ERROR;
	if (!prefs_set("ui.theme", a->argv[0], &err))
		return cmd_error(ctx, "%s", err->message);
	ev.u.theme_load.name = a->argv[0];
	ev_emit(&ev);
	cmd_print(ctx, "theme %s loaded (saved as ui.theme)", a->argv[0]);
	return CMD_OK;
}

static enum cmd_status
theme_show_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	struct theme t;
	guint i;

	theme_in_use(&t);
	cmd_print(ctx, "theme %s:", t.name);
	for (i = 0; i < THEMES_ELEMS; i++)
		cmd_print(ctx, "  %-16s %s", themes_elem_name(i), t.specs[i]);
	themes_clear(&t);
	return CMD_OK;
}

static const struct cmd_entry theme_list = {
	.name = "list",
	.synopsis = (const char *const[]){ "/theme list", NULL },
	.description = "List the themes found (your themes directory first, "
	    "then the bundled ones).",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/theme list", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = theme_list_exec,
};

static const struct cmd_entry theme_load = {
	.name = "load",
	.synopsis = (const char *const[]){ "/theme load NAME", NULL },
	.description = "Use theme NAME now and at the next start (ui.theme). "
	    "A bad value is reported with file:line and the default colour "
	    "used for it.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "a theme from /theme list" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/theme load mono", NULL },
	.min_args = 1, .max_args = 1,
	.complete = (const enum cmd_completer[]){ CMD_COMPLETE_THEME,
	    CMD_COMPLETE_NONE },
	.flags = CMD_SCRIPT_SAFE, .exec = theme_load_exec,
};

static const struct cmd_entry theme_show = {
	.name = "show",
	.synopsis = (const char *const[]){ "/theme show", NULL },
	.description = "Show the theme in use and the value of every element.",
	.args = (const struct cmd_arg_doc[]){ { NULL, NULL } },
	.examples = (const char *const[]){ "/theme show", NULL },
	.min_args = 0, .max_args = 0,
	.flags = CMD_SCRIPT_SAFE, .exec = theme_show_exec,
};

const struct cmd_entry cmd_theme_entry = {
	.name = "theme",
	.synopsis = (const char *const[]){ "/theme list", "/theme load NAME",
	    "/theme show", NULL },
	.description = "Colour themes (themes/NAME.theme, a [colours] group "
	    "with one key per screen element): list, load or show them.",
	.args = (const struct cmd_arg_doc[]){
	    { "NAME", "a theme from /theme list" }, { NULL, NULL } },
	.examples = (const char *const[]){ "/theme list", "/theme load light",
	    NULL },
	.subcmds = (const struct cmd_entry *const[]){ &theme_list,
	    &theme_load, &theme_show, NULL },
	.min_args = 1, .max_args = 2,
	.flags = CMD_SCRIPT_SAFE,
};
