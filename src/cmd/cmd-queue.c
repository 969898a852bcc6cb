/* SPDX-License-Identifier: MIT */
/*
 * The command queue (tmux cmdq idea): lines from -c, -x scripts, /source
 * and batch input run one after another; a pending command (/connect)
 * holds the queue until it is done. A failing script line stops the rest
 * of that script unless the line starts with '-' (PRODUCT §9). The next
 * item always starts from a loop timer, never from inside the callback that
 * finished the previous one. cmd layer.
 */
#include <string.h>

#include "cmd.h"
#include "core/loop.h"
#include "util/errors.h"

#define CMDQ_SCRIPT_MAX (1024 * 1024)	/* bytes of one script file */
#define CMDQ_ITEMS_MAX 10000		/* commands waiting */

struct cmdq_item {
	char		*line;
	char		*where;		/* "file:line", or NULL */
	char		*account;
	enum cmd_origin	 origin;
	bool		 ignore_error;
};

static GQueue items = G_QUEUE_INIT;
static bool running;
static guint pump_timer;
static unsigned failures;
static const struct cmd_sink *out_sink;
static void *out_data;
static struct cmdq_item *current;

static void schedule(void);

static void
item_free(struct cmdq_item *it)
{
	if (it == NULL)
		return;
	g_free(it->line);
	g_free(it->where);
	g_free(it->account);
	g_free(it);
}

static void
q_print(struct cmd_ctx *ctx, const char *text)
{
	out_sink->print(ctx, text);
}

static void
q_error(struct cmd_ctx *ctx, const char *text)
{
	struct cmdq_item *it = ctx->sink_data;
	g_autofree char *msg = NULL;

	if (it != NULL && it->where != NULL) {
		msg = g_strdup_printf("%s: %s", it->where, text);
		out_sink->error(ctx, msg);
		return;
	}
	out_sink->error(ctx, text);
}

static void
drop_script(const char *where)
{
	g_autofree char *file = g_strdup(where);
	char *colon = strrchr(file, ':');
	GList *l = items.head;

	if (colon != NULL)
		*colon = '\0';
	while (l != NULL) {
		struct cmdq_item *it = l->data;
		GList *next = l->next;

		if (it->where != NULL && g_str_has_prefix(it->where, file) &&
		    it->where[strlen(file)] == ':') {
			g_queue_delete_link(&items, l);
			item_free(it);
		}
		l = next;
	}
}

static void
q_done(struct cmd_ctx *ctx, enum cmd_status status)
{
	struct cmdq_item *it = ctx->sink_data;

	if (status == CMD_ERROR && !it->ignore_error) {
		failures++;
		if (it->where != NULL)
			drop_script(it->where);
	}
	out_sink->done(ctx, status);
	if (it == current) {
		current = NULL;
		running = false;
	}
	item_free(it);
	schedule();
}

static const struct cmd_sink q_sink = { q_print, q_error, q_done };

static void
pump_cb(void *data)
{
	struct cmdq_item *it;

	pump_timer = 0;
	if (running || out_sink == NULL)
		return;
	it = g_queue_pop_head(&items);
	if (it == NULL)
		return;
	running = true;
	current = it;
	{
		const struct cmd_ui_ops *ui = cmd_ui_ops();
		const char *account = NULL, *peer = NULL;

		if (ui != NULL && ui->target != NULL)
			ui->target(&account, &peer);
		(void)cmd_run_line(it->line, it->origin, it->account != NULL ?
		    it->account : account, peer, &q_sink, it);
	}
}

static void
schedule(void)
{
	if (pump_timer == 0 && !running && !g_queue_is_empty(&items))
		pump_timer = loop_add_timer(0, pump_cb, NULL);
}

/* Route the queue's output to sink (the front end's). */
void
cmdq_set_sink(const struct cmd_sink *sink, void *data)
{
	out_sink = sink;
	out_data = data;
	schedule();
}

/* A queue item for line (new); where marks script lines. */
static struct cmdq_item *
item_new(const char *line, enum cmd_origin origin, const char *account,
    const char *where)
{
	struct cmdq_item *it = g_new0(struct cmdq_item, 1);

	if (where != NULL && line[0] == '-') {
		it->ignore_error = true;
		line++;
	}
	it->line = g_strdup(line);
	it->where = g_strdup(where);
	it->account = g_strdup(account);
	it->origin = origin;
	return it;
}

/*
 * Queue a command line. where ("file:line") marks script lines; a leading
 * '-' on such a line means its failure is ignored.
 */
void
cmdq_append(const char *line, enum cmd_origin origin, const char *account,
    const char *where)
{
	g_queue_push_tail(&items, item_new(line, origin, account, where));
	schedule();
}

/*
 * Queue every command of a script file (one per line, '#' comments) at
 * the end of the queue, or (front) before everything still waiting, so
 * that a /source runs its file before the next line of its own script.
 * Returns false with error when the file cannot be read or is too big.
 */
static bool
queue_file(const char *path, enum cmd_origin origin, bool front,
    GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GList *before = front ? items.head : NULL;
	gsize len;
	size_t i;

	if (!g_file_get_contents(path, &text, &len, error))
		return false;
	if (len > CMDQ_SCRIPT_MAX || items.length > CMDQ_ITEMS_MAX) {
		g_set_error(error, NATTER_CMD_ERROR, 0, "%s: %s", path,
		    len > CMDQ_SCRIPT_MAX ? "a script file is at most 1 MiB" :
		    "too many commands waiting already (a script that runs "
		    "itself?)");
		return false;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);
		g_autofree char *where = NULL;

		if (*l == '\0' || *l == '#')
			continue;
		where = g_strdup_printf("%s:%zu", path, i + 1);
		g_queue_insert_before(&items, before, item_new(l, origin, NULL,
		    where));
	}
	schedule();
	return true;
}

/* Queue a script file at the end (-x FILE). */
bool
cmdq_append_file(const char *path, enum cmd_origin origin, GError **error)
{
	return queue_file(path, origin, false, error);
}

/* Queue a script file before what is still waiting (/source FILE). */
bool
cmdq_insert_file(const char *path, enum cmd_origin origin, GError **error)
{
	return queue_file(path, origin, true, error);
}

/* True when nothing is queued or running. */
bool
cmdq_idle(void)
{
	return !running && g_queue_is_empty(&items);
}

/* Number of queued commands that failed. */
unsigned
cmdq_failures(void)
{
	return failures;
}

/* Drop everything queued (shutdown). */
void
cmdq_clear(void)
{
	g_queue_clear_full(&items, (GDestroyNotify)item_free);
	if (pump_timer != 0)
		loop_remove_timer(pump_timer);
	pump_timer = 0;
}
