/* SPDX-License-Identifier: MIT */
/*
 * OTR's transport (core/otr.h): libotr's own messages (query, key
 * exchange, SMP, heartbeats, disconnect notices) go out as chat messages
 * that no server or other device should copy or keep: XEP-0334 hints
 * (no-copy, no-store), a carbons opt-out (XEP-0280 §6 <private/>) and an
 * XEP-0380 note that the body is OTR. The same marks go on every message
 * the pipeline encrypted (proto-send.c).
 *   <message type='chat' to='bob@x' id='U'><body>?OTR:AAMD...</body>
 *     <no-copy xmlns='urn:xmpp:hints'/><no-store xmlns='urn:xmpp:hints'/>
 *     <private xmlns='urn:xmpp:carbons:2'/>
 *     <encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:otr:0'/>
 *   </message>
 * xmpp layer.
 */
#include "core/account.h"
#include "core/otr.h"
#include "proto-internal.h"

#define NS_HINTS "urn:xmpp:hints"
#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_EME "urn:xmpp:eme:0"
#define NS_OTR "urn:xmpp:otr:0"

/* Mark st as an OTR message that servers must neither copy nor store. */
void
proto_otr_hints(xmpp_ctx_t *ctx, xmpp_stanza_t *st)
{
	xmpp_stanza_t *e;

	(void)proto_new_child(ctx, st, "no-copy", NS_HINTS);
	(void)proto_new_child(ctx, st, "no-store", NS_HINTS);
	(void)proto_new_child(ctx, st, "private", NS_CARBONS);
	e = proto_new_child(ctx, st, "encryption", NS_EME);
	xmpp_stanza_set_attribute(e, "namespace", NS_OTR);
	xmpp_stanza_set_attribute(e, "name", "OTR");
}

static bool
inject(const char *account, const char *peer, const char *resource,
    const char *text)
{
	struct account *acc = account_find(account);
	struct pconn *pc = acc != NULL ? acc->proto : NULL;
	g_autofree char *to = resource != NULL ?
	    g_strdup_printf("%s/%s", peer, resource) : g_strdup(peer);
	xmpp_stanza_t *st;
	char *id;

	if (pc == NULL || !pc->online)
		return false;
	id = xmpp_uuid_gen(pc->ctx);
	st = xmpp_message_new(pc->ctx, "chat", to, id);
	xmpp_free(pc->ctx, id);
	xmpp_message_set_body(st, text);
	proto_otr_hints(pc->ctx, st);
	proto_send(pc, st);
	xmpp_stanza_release(st);
	return true;
}

static const struct otr_transport transport = {
	.inject = inject,
};

/* Register OTR's transport with the core. */
void
proto_otr_init(void)
{
	otr_set_transport(&transport);
}
