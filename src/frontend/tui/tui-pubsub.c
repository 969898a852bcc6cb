/* SPDX-License-Identifier: MIT */
/*
 * The "pubsub" window: every publish-subscribe notification (XEP-0060,
 * PEP) of every account, one header line (service, node, what happened,
 * item) and the item's payload pretty-printed below it, as the XML
 * console shows stanzas (already terminal-safe; the rest is sanitized
 * here). Created by the first notification; never
 * focused by one (they arrive unasked).
 */
#include "tui-internal.h"
#include "util/sanitize.h"

/* The pubsub window, created on demand. */
static struct tui_win *
pubsub_window(void)
{
	struct tui_win *w = NULL;
	guint i;

	for (i = 0; i < tui_win_count() && w == NULL; i++)
		if (tui_win_nth(i)->kind == TUI_WIN_PUBSUB)
			w = tui_win_nth(i);
	if (w == NULL) {
		w = tui_win_add(tui_win_new("pubsub"));
		w->kind = TUI_WIN_PUBSUB;
		tui_win_publish(w);
	}
	return w;
}

/* EV_PUBSUB_EVENT: show it in the pubsub window. True when handled. */
bool
tui_pubsub_on_event(const struct ev *ev)
{
	const struct ev_pubsub *p = &ev->u.pubsub;
	struct tui_win *w;
	g_autofree char *svc = NULL, *node = NULL, *id = NULL;

	if (ev->kind != EV_PUBSUB_EVENT)
		return false;
	w = pubsub_window();
	svc = sanitize_str(p->service);		/* from the network */
	node = sanitize_str(p->node);
	id = p->item_id != NULL ? sanitize_str(p->item_id) : NULL;
	tui_win_print(w, TUI_INFO, "%s%s%s %s node %s%s%s", ev->account != NULL
	    ? ev->account : "", ev->account != NULL ? ": " : "", svc,
	    p->action, node, id != NULL ? ", item " : "", id != NULL ? id :
	    "");
	if (p->payload != NULL)
		tui_win_print(w, TUI_TEXT, "%s", p->payload);
	tui_win_activity(w, TUI_ACT_MESSAGE);
	return true;
}
