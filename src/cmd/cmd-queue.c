/* SPDX-License-Identifier: MIT */
/*
 * The command queue (tmux cmdq idea): lines from -c, -x scripts, /source
 * and batch input run one after another; a pending command (/connect)
 * holds the queue until it is done. A failing script line stops the rest
 * of that script unless the line starts with '-' (PRODUCT §9). The next
 * item always starts from a loop timer, never from inside the callback that
 * finished the previous one.
 * The lines of one script file form a group; a /source command stays
 * pending until its group is done and fails when one of its lines failed
 * (not counting '-' lines), so an outer script, a control client or the
 * exit status sees the failure. While a queued /source waits, the queue
 * runs its lines (the /source item steps aside instead of holding the
 * queue). cmd layer.
 */
#include <string.h>

#include "cmd.h"
#include "core/loop.h"
#include "core/windows.h"
#include "util/errors.h"

#define CMDQ_SCRIPT_MAX (1024 * 1024)	/* bytes of one script file */
#define CMDQ_ITEMS_MAX 10000		/* commands waiting */

/*
 * The lines of one script file. pending counts its items not yet done
 * (queued or running); at zero the group is finished and freed.
 */
struct cmdq_group {
	int		 pending;
	struct cmd_ctx	*ctx;		/* ref: the /source waiting, or NULL
					   (-x) */
	char		*failure;	/* owned: why it stopped, or NULL */
};

struct cmdq_item {
	char			*line;
	char			*where;		/* "file:line", or NULL */
	char			*account;
	char			*error;		/* owned: first error shown */
	struct cmdq_group	*group;		/* borrowed, or NULL */
	enum cmd_origin		 origin;
	bool			 ignore_error;
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
	g_free(it->error);
	g_free(it);
}

/* One item of g is done; the last one finishes the waiting /source. */
static void
group_item_done(struct cmdq_group *g)
{
	if (g == NULL || --g->pending > 0)
		return;
	if (g->ctx != NULL) {
		cmd_done_msg(g->ctx, g->failure != NULL ? CMD_ERROR : CMD_OK,
		    g->failure);
		cmd_ctx_unref(g->ctx);
	}
	g_free(g->failure);
	g_free(g);
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
		text = msg;
	}
	if (it != NULL && it->error == NULL)
		it->error = g_strdup(text);
	out_sink->error(ctx, text);
}

/* it failed: drop the rest of its script and say why the group stopped. */
static void
stop_group(struct cmdq_item *it, const struct cmd_ctx *ctx)
{
	struct cmdq_group *g = it->group;
	GList *l = items.head;

	if (g->failure == NULL && it->error != NULL)
		g->failure = g_strdup(it->error);
	else if (g->failure == NULL)
		g->failure = g_strdup_printf("%s: /%s: %s", it->where,
		    ctx->name != NULL ? ctx->name : "?", ctx->result != NULL ?
		    ctx->result : "failed");
	while (l != NULL) {
		struct cmdq_item *other = l->data;
		GList *next = l->next;

		if (other->group == g) {
			g_queue_delete_link(&items, l);
			item_free(other);
			g->pending--;
		}
		l = next;
	}
}

static void
q_done(struct cmd_ctx *ctx, enum cmd_status status)
{
	struct cmdq_item *it = ctx->sink_data;
	struct cmdq_group *g = it->group;

	if (status == CMD_ERROR && !it->ignore_error) {
		/* a /source line's failure counts once, as the /source's */
		if (g == NULL || g->ctx == NULL)
			failures++;
		if (g != NULL)
			stop_group(it, ctx);
	}
	out_sink->done(ctx, status);
	if (it == current) {
		current = NULL;
		running = false;
	}
	item_free(it);
	group_item_done(g);
	schedule();
}

static const struct cmd_sink q_sink = { q_print, q_error, q_done };

static void
pump_cb(void *data)
{
	const struct window *w;
	struct cmdq_item *it;

	pump_timer = 0;
	if (running || out_sink == NULL)
		return;
	it = g_queue_pop_head(&items);
	if (it == NULL)
		return;
	running = true;
	current = it;
	/* A queued line acts on the window current when it runs (batch
	 * mode's /win target), as a line typed there would. */
	w = windows_nth(windows_current());
	(void)cmd_run_line(it->line, it->origin, it->account != NULL ?
	    it->account : w->account, w->peer, &q_sink, it);
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
    struct cmdq_group *g, GError **error)
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
		struct cmdq_item *it;

		if (*l == '\0' || *l == '#')
			continue;
		where = g_strdup_printf("%s:%zu", path, i + 1);
		it = item_new(l, origin, NULL, where);
		it->group = g;
		g->pending++;
		g_queue_insert_before(&items, before, it);
	}
	schedule();
	return true;
}

/* Queue a script file at the end (-x FILE). */
bool
cmdq_append_file(const char *path, enum cmd_origin origin, GError **error)
{
	struct cmdq_group *g = g_new0(struct cmdq_group, 1);

	g->pending = 1;		/* held while queueing */
	if (!queue_file(path, origin, false, g, error)) {
		g_free(g);
		return false;
	}
	group_item_done(g);
	return true;
}

/*
 * /source FILE for the command ctx: queue the file's lines before what is
 * still waiting and finish ctx when they are done: CMD_ERROR (with the
 * failing line's file:line and message) when one failed. Returns
 * CMD_PENDING, CMD_OK for a file with no commands, or CMD_ERROR with
 * error when it cannot be read.
 */
enum cmd_status
cmdq_source(const char *path, struct cmd_ctx *ctx, GError **error)
{
	struct cmdq_group *g = g_new0(struct cmdq_group, 1);

	g->pending = 1;		/* held while queueing */
	if (!queue_file(path, CMD_FROM_SCRIPT, true, g, error)) {
		g_free(g);
		return CMD_ERROR;
	}
	if (g->pending == 1) {
		g_free(g);
		return CMD_OK;
	}
	g->pending--;
	g->ctx = cmd_ctx_ref(ctx);
	/* a queued /source steps aside so its own lines can run */
	if (current != NULL && ctx->sink == &q_sink &&
	    ctx->sink_data == current) {
		current = NULL;
		running = false;
		schedule();
	}
	return CMD_PENDING;
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

/*
 * At shutdown: one item of g will never run. The last one frees g without
 * finishing its /source (the front ends are gone), and frees a queued
 * /source's own item, which waited for g.
 */
static void
abandon(struct cmdq_group *g)
{
	struct cmdq_item *parent = NULL;
	struct cmdq_group *up = NULL;

	if (g == NULL || --g->pending > 0)
		return;
	if (g->ctx != NULL && g->ctx->sink == &q_sink)
		parent = g->ctx->sink_data;
	if (parent != NULL && parent != current) {
		up = parent->group;
		item_free(parent);
	}
	cmd_ctx_unref(g->ctx);
	g_free(g->failure);
	g_free(g);
	abandon(up);
}

/* Drop everything queued (shutdown). */
void
cmdq_clear(void)
{
	struct cmdq_item *it;

	while ((it = g_queue_pop_head(&items)) != NULL) {
		struct cmdq_group *g = it->group;

		item_free(it);
		abandon(g);
	}
	if (pump_timer != 0)
		loop_remove_timer(pump_timer);
	pump_timer = 0;
}
