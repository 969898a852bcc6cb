/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the stanza dispatch: the bytes are parsed by
 * libstrophe into a stanza (as its parser would hand it over) and given
 * to the handlers a session installs (proto_session_dispatch), with a
 * seeded model: our account bound to me@example.org/natter, a contact in
 * the roster and a room we are in with bob. What natter would send is
 * serialized and dropped; every text event is checked to be UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "core/account.h"
#include "core/events.h"
#include "core/room.h"
#include "core/roster.h"
#include "xmpp/proto-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pconn *pc;

static void
drop(struct pconn *p, xmpp_stanza_t *st)
{
	char *buf = NULL;
	size_t len = 0;

	if (xmpp_stanza_to_text(st, &buf, &len) == XMPP_EOK)
		xmpp_free(p->ctx, buf);
}

/* Every event's text must be valid UTF-8 (what the front ends get). */
static void
on_any(const struct ev *ev, void *data)
{
	(void)data;
	if (ev->account != NULL && !g_utf8_validate(ev->account, -1, NULL))
		abort();
	if ((ev->kind == EV_INFO || ev->kind == EV_CMD_OUTPUT) &&
	    ev->u.text.text != NULL &&
	    !g_utf8_validate(ev->u.text.text, -1, NULL))
		abort();
}

static void
seed(void)
{
	struct room *r;
	const char *const groups[] = { "friends", NULL };

	pc = g_new0(struct pconn, 1);
	pc->ctx = xmpp_ctx_new(NULL, NULL);
	pc->acc = account_add_unsaved("f", "me@example.org", NULL);
	pc->acc->bound_jid = g_strdup("me@example.org/natter");
	pc->acc->proto = pc;
	pc->acc->state = ACCOUNT_ONLINE;
	pc->online = true;
	pc->iqs = proto_iq_table_new();
	proto_send_hook = drop;
	roster_update(pc->acc->roster, "f", "bob@example.org", "Bob", "both",
	    groups);
	r = room_get("f", "room@conference.example.org");
	r->nick = g_strdup("me");
	r->joined = true;
	(void)room_occupant_set(r, "me", "me@example.org/natter", "participant",
	    "none", NULL, NULL);
	(void)room_occupant_set(r, "bob", "bob@example.org/phone", "moderator",
	    "owner", NULL, NULL);
	(void)ev_subscribe(EV_ANY, on_any, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	xmpp_stanza_t *st;

	if (pc == NULL)
		seed();
	st = xmpp_stanza_new_from_string(pc->ctx, text);
	if (st == NULL)
		return 0;
	proto_session_dispatch(pc, st);
	xmpp_stanza_release(st);
	return 0;
}
