/* SPDX-License-Identifier: MIT */
/*
 * Hooks (PRODUCT §4): a shell command run on an event, as a /exec job
 * (core/exec), with the event's fields in environment variables
 * (NATTER_EVENT, NATTER_ACCOUNT, NATTER_TIME, NATTER_FROM, NATTER_BODY,
 * ... named after the event table's fields) and the event as one JSON line
 * on its stdin. Network text never becomes part of a command line.
 *
 * A hook names one of hook_events[] (message, mention, ...) or any event's
 * wire name, except those a hook itself would cause or that come with
 * every byte of traffic. At most HOOK_RUNNING_MAX hook jobs run at once:
 * an event that finds them all busy is skipped and counted, so a flood of
 * messages cannot start a flood of processes. Hooks are kept in
 * $XDG_CONFIG_HOME/natter/hooks (key file, one group per hook, mode 0600).
 * core layer.
 */
#include <string.h>

#include "events.h"
#include "exec.h"
#include "hook.h"
#include "prefs.h"
#include "util/errors.h"
#include "util/files.h"

#define HOOK_RUNNING_MAX 8
#define HOOK_ENV_VALUE_MAX (64 * 1024)	/* the JSON on stdin has it all */
#define HOOK_COMMAND_MAX 4096

const char *const hook_events[] = { "message", "mention", "presence",
	"subscription", "connect", "disconnect", "error", NULL };

/* Wire names a hook may not take: its own output, or all traffic. */
static const char *const refused[] = { "exec-output", "exec-exit",
	"raw-in", "raw-out", "command-output", "command-result", NULL };

static GPtrArray *hooks;	/* struct hook, owned */
static char *hooks_path;
static bool hooks_broken;
static guint next_id = 1;
static guint ev_handle;
static guint running;		/* hook jobs alive */
static guint skipped;		/* events skipped since the last report */

static void
hook_free(struct hook *h)
{
	g_free(h->event);
	g_free(h->command);
	g_free(h);
}

static bool
is_one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Whether event names something a hook can run on. */
static bool
valid_event(const char *event, GError **error)
{
	if (is_one_of(event, hook_events))
		return true;
	if (ev_kind_by_name(event) != NULL && !is_one_of(event, refused))
		return true;
	g_set_error(error, NATTER_CONFIG_ERROR, 0, "'%s' is no event a hook "
	    "can run on: message, mention, presence, subscription, connect, "
	    "disconnect, error, or an event's name from the man page (not "
	    "exec-*, raw-* or command-*)", event);
	return false;
}

/* Whether ev is what hook event name stands for. */
static bool
matches(const char *name, const struct ev *ev)
{
	const char *state = ev->kind == EV_CONN_STATE ?
	    ev->u.conn_state.state : "";

	if (strcmp(name, "message") == 0)
		return ev->kind == EV_MSG_RECEIVED;
	if (strcmp(name, "mention") == 0)
		return ev->kind == EV_ROOM_MESSAGE &&
		    g_strcmp0(ev->u.room_message.mention, "yes") == 0 &&
		    ev->u.room_message.delay == NULL;
	if (strcmp(name, "presence") == 0)
		return ev->kind == EV_PRESENCE;
	if (strcmp(name, "subscription") == 0)
		return ev->kind == EV_SUBSCRIPTION;
	if (strcmp(name, "connect") == 0)
		return strcmp(state, "online") == 0;
	if (strcmp(name, "disconnect") == 0)
		return strcmp(state, "disconnected") == 0 ||
		    strcmp(state, "failed") == 0;
	if (strcmp(name, "error") == 0)
		return ev->kind == EV_ERROR;
	return strcmp(name, ev_kind_info(ev->kind)->name) == 0;
}

/* "NATTER_SERVER_TEXT" for field "server_text" (new string). */
static char *
env_name(const char *field)
{
	char *n = g_strconcat("NATTER_", field, NULL);
	char *p;

	for (p = n; *p != '\0'; p++)
		*p = *p == '-' ? '_' : g_ascii_toupper(*p);
	return n;
}

static void
add_env(GPtrArray *env, const char *name, const char *value)
{
	gsize len = strnlen(value, HOOK_ENV_VALUE_MAX);

	g_ptr_array_add(env, g_strdup_printf("%s=%.*s", name, (int)len,
	    value));
}

/* The environment of a hook run for ev (NULL-terminated, new strings). */
static GPtrArray *
hook_env(const struct hook *h, const struct ev *ev)
{
	const struct ev_kind_info *k = ev_kind_info(ev->kind);
	GPtrArray *env = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDateTime) t = ev_local_time(ev);
	g_autofree char *iso = g_date_time_format_iso8601(t);
	g_autofree char *id = g_strdup_printf("%u", h->id);
	size_t i;

	add_env(env, "NATTER_EVENT", k->name);
	add_env(env, "NATTER_HOOK", id);
	add_env(env, "NATTER_ACCOUNT", ev->account != NULL ? ev->account : "");
	add_env(env, "NATTER_TIME", iso);
	for (i = 0; k->fields[i] != NULL; i++) {
		const char *v = ev_field_value(ev, i);
		g_autofree char *name = env_name(k->fields[i]);

		if (v != NULL)
			add_env(env, name, v);
	}
	g_ptr_array_add(env, NULL);
	return env;
}

static void report_skipped(void);

static void
job_done(const struct exec_result *r, void *data)
{
	running--;
	report_skipped();
}

static void
run(const struct hook *h, const struct ev *ev)
{
	g_autoptr(GPtrArray) env = NULL;
	g_autofree char *json = NULL, *input = NULL, *id = NULL;
	g_autoptr(GError) err = NULL;
	struct exec_spec spec = { 0 };

	if (running >= HOOK_RUNNING_MAX) {
		skipped++;
		return;
	}
	env = hook_env(h, ev);
	json = ev_to_json(ev);
	input = g_strconcat(json, "\n", NULL);
	id = g_strdup_printf("%u", h->id);
	spec.command = h->command;
	spec.account = ev->account;
	spec.timeout_ms = (gint64)prefs_get_int("hook.timeout") * 1000;
	spec.env = (const char *const *)env->pdata;
	spec.input = input;
	spec.hook = id;
	if (exec_start(&spec, job_done, NULL, &err) == 0) {
		ev_emit_text(EV_ERROR, ev->account, "hook %u could not start: "
		    "%s", h->id, err->message);
		return;
	}
	running++;
}

/* Events a hook missed are told once the hooks have room again. */
static void
report_skipped(void)
{
	guint n = skipped;

	if (n == 0 || running >= HOOK_RUNNING_MAX)
		return;
	skipped = 0;
	ev_emit_text(EV_ERROR, NULL, "hooks: %u %s skipped while %d hook "
	    "commands were running", n, n == 1 ? "event was" : "events were",
	    HOOK_RUNNING_MAX);
}

static void
on_event(const struct ev *ev, void *data)
{
	guint i;

	if (ev->kind == EV_EXEC_OUTPUT || ev->kind == EV_EXEC_EXIT ||
	    ev->kind == EV_RAW_IN || ev->kind == EV_RAW_OUT)
		return;
	for (i = 0; hooks != NULL && i < hooks->len; i++) {
		const struct hook *h = g_ptr_array_index(hooks, i);

		if (matches(h->event, ev))
			run(h, ev);
	}
	report_skipped();
}

static void
ensure_init(void)
{
	if (hooks == NULL)
		hooks = g_ptr_array_new_with_free_func((GDestroyNotify)
		    hook_free);
	if (ev_handle == 0)
		ev_handle = ev_subscribe(EV_ANY, on_event, NULL);
}

static struct hook *
add(guint id, const char *event, const char *command)
{
	struct hook *h = g_new0(struct hook, 1);

	ensure_init();
	h->id = id;
	h->event = g_strdup(event);
	h->command = g_strdup(command);
	g_ptr_array_add(hooks, h);
	next_id = MAX(next_id, id + 1);
	return h;
}

/*
 * Load the hooks from path (a missing file is not an error); problems go
 * to warnings, and a file that cannot be parsed is never rewritten.
 */
bool
hook_load(const char *path, GPtrArray *warnings)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) groups = NULL;
	size_t i;

	hook_free_all();
	ensure_init();
	hooks_path = g_strdup(path);
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
		if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return true;
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s; no hooks, "
		    "the file will not be rewritten", path, err->message));
		hooks_broken = true;
		return false;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i] != NULL; i++) {
		g_autofree char *event = g_key_file_get_string(kf, groups[i],
		    "event", NULL);
		g_autofree char *command = g_key_file_get_string(kf, groups[i],
		    "command", NULL);
		guint64 id = g_ascii_strtoull(groups[i], NULL, 10);
		g_autoptr(GError) e = NULL;

		if (id == 0 || id > G_MAXUINT || event == NULL ||
		    command == NULL || !valid_event(event, &e)) {
			g_ptr_array_add(warnings, g_strdup_printf("%s: hook [%s] "
			    "ignored: %s", path, groups[i], e != NULL ?
			    e->message : "it needs a number, event and "
			    "command"));
			continue;
		}
		add((guint)id, event, command);
	}
	return true;
}

/* Forget every hook (at exit); running hook jobs end with natter. */
void
hook_free_all(void)
{
	g_clear_pointer(&hooks, g_ptr_array_unref);
	g_clear_pointer(&hooks_path, g_free);
	if (ev_handle != 0)
		ev_unsubscribe(ev_handle);
	ev_handle = 0;
	hooks_broken = false;
	next_id = 1;
}

static bool
save(GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *data = NULL, *dir = NULL;
	gsize len;
	guint i;

	if (hooks_path == NULL)
		return true;
	if (hooks_broken) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "%s could not be "
		    "parsed, so it is not rewritten; the change applies to this "
		    "session only", hooks_path);
		return false;
	}
	for (i = 0; i < hooks->len; i++) {
		const struct hook *h = g_ptr_array_index(hooks, i);
		g_autofree char *group = g_strdup_printf("%u", h->id);

		g_key_file_set_string(kf, group, "event", h->event);
		g_key_file_set_string(kf, group, "command", h->command);
	}
	data = g_key_file_to_data(kf, &len, NULL);
	dir = g_path_get_dirname(hooks_path);
	(void)g_mkdir_with_parents(dir, 0700);
	return files_write_private(hooks_path, data, len, error);
}

/*
 * Add a hook running command on event; returns its id, or 0 with error
 * (a bad event name; the hook then does not exist). When it could not be
 * saved, it exists for this session and error says so too.
 */
guint
hook_add(const char *event, const char *command, GError **error)
{
	struct hook *h;

	g_return_val_if_fail(event != NULL && command != NULL, 0);
	if (!valid_event(event, error))
		return 0;
	if (*command == '\0' || strlen(command) > HOOK_COMMAND_MAX) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0, "a hook's command "
		    "is empty or longer than %d bytes", HOOK_COMMAND_MAX);
		return 0;
	}
	h = add(next_id, event, command);
	(void)save(error);
	return h->id;
}

/* Remove hook id; false with error when there is none or saving failed. */
bool
hook_remove(guint id, GError **error)
{
	guint i;

	for (i = 0; hooks != NULL && i < hooks->len; i++) {
		if (((struct hook *)g_ptr_array_index(hooks, i))->id == id) {
			g_ptr_array_remove_index(hooks, i);
			return save(error);
		}
	}
	g_set_error(error, NATTER_CONFIG_ERROR, 0, "no hook %u (/hook list "
	    "shows them)", id);
	return false;
}

/* The hooks, in the order they were added (borrowed). */
GPtrArray *
hook_list(void)
{
	ensure_init();
	return hooks;
}
