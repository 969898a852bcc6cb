/* SPDX-License-Identifier: MIT */
/*
 * What natter answers about itself: service discovery (XEP-0030) with our
 * identity and features, entity capabilities (XEP-0115) in every presence
 * we send, software version (XEP-0092; the OS only when version.os is
 * on), entity time (XEP-0202) and last activity (XEP-0012, idle time told
 * only to contacts who see our presence). Also remembers the capabilities
 * others advertise, for /caps. Parse -> answer; never prints. xmpp layer.
 */
#include <string.h>
#include <sys/utsname.h>

#include "config.h"
#include "core/idle.h"
#include "core/prefs.h"
#include "core/roster.h"
#include "proto-internal.h"
#include "util/jid.h"
#include "util/str.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_CAPS "http://jabber.org/protocol/caps"
#define NS_VERSION "jabber:iq:version"
#define NS_TIME "urn:xmpp:time"
#define NS_LAST "jabber:iq:last"
#define CAPS_NODE "https://natter.invalid/caps"
#define CAPS_MAX 4096

/* Our features; those behind a preference only while it is on. */
static const struct {
	const char	*var;
	const char	*pref;
} our_features[] = {
	{ "http://jabber.org/protocol/caps", NULL },
	{ "http://jabber.org/protocol/chatstates", "chat.states" },
	{ NS_DISCO_INFO, NULL },
	{ NS_DISCO_ITEMS, NULL },
	{ "http://jabber.org/protocol/muc", NULL },
	{ "jabber:iq:last", NULL },
	{ "jabber:iq:version", NULL },
	{ "jabber:x:conference", NULL },
	{ "urn:xmpp:carbons:2", "chat.carbons" },
	{ "urn:xmpp:message-correct:0", "chat.corrections" },
	{ "urn:xmpp:ping", NULL },
	{ "urn:xmpp:receipts", "chat.receipts" },
	{ "urn:xmpp:time", NULL },
};

/* Our features now, sorted (the table is kept in byte order). */
GPtrArray *
proto_disco_features(void)
{
	GPtrArray *out = g_ptr_array_new();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(our_features); i++)
		if (our_features[i].pref == NULL ||
		    prefs_get_bool(our_features[i].pref))
			g_ptr_array_add(out, (gpointer)our_features[i].var);
	g_ptr_array_sort(out, str_ptr_cmp);
	return out;
}

/*
 * XEP-0115 §5.1 verification string: identities ("category/type/lang/name")
 * and features, each sorted, joined with '<', SHA-1, base64. Sorts both
 * arrays in place.
 */
char *
proto_caps_ver(GPtrArray *identities, GPtrArray *features)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 digest[20];
	gsize len = sizeof(digest);
	guint i;

	g_ptr_array_sort(identities, str_ptr_cmp);
	g_ptr_array_sort(features, str_ptr_cmp);
	for (i = 0; i < identities->len; i++) {
		g_checksum_update(sum, g_ptr_array_index(identities, i), -1);
		g_checksum_update(sum, (const guchar *)"<", 1);
	}
	for (i = 0; i < features->len; i++) {
		g_checksum_update(sum, g_ptr_array_index(features, i), -1);
		g_checksum_update(sum, (const guchar *)"<", 1);
	}
	g_checksum_get_digest(sum, digest, &len);
	return g_base64_encode(digest, len);
}

/* Our own verification string (it changes with the preferences). */
char *
proto_disco_caps_ver(void)
{
	g_autoptr(GPtrArray) f = proto_disco_features();
	g_autoptr(GPtrArray) ids = g_ptr_array_new();

	g_ptr_array_add(ids, (gpointer)"client/console//natter");
	return proto_caps_ver(ids, f);
}

const char *
proto_disco_caps_node(void)
{
	return CAPS_NODE;
}

/* Add our <c/> (XEP-0115) to a presence being built. */
void
proto_disco_add_caps(struct pconn *pc, xmpp_stanza_t *presence)
{
	xmpp_stanza_t *c = proto_new_child(pc->ctx, presence, "c", NS_CAPS);
	g_autofree char *ver = proto_disco_caps_ver();

	xmpp_stanza_set_attribute(c, "hash", "sha-1");
	xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
	xmpp_stanza_set_attribute(c, "ver", ver);
}

static void
send_and_release(struct pconn *pc, xmpp_stanza_t *st)
{
	proto_send(pc, st);
	xmpp_stanza_release(st);
}

static void
answer_info(struct pconn *pc, xmpp_stanza_t *st, xmpp_stanza_t *q)
{
	const char *node = xmpp_stanza_get_attribute(q, "node");
	g_autofree char *ver = proto_disco_caps_ver();
	g_autofree char *ours = g_strdup_printf("%s#%s", CAPS_NODE, ver);
	g_autoptr(GPtrArray) f = NULL;
	xmpp_stanza_t *r, *rq, *id;
	guint i;

	if (node != NULL && strcmp(node, ours) != 0) {
		proto_iq_error(pc, st, "cancel", "item-not-found");
		return;
	}
	r = proto_iq_reply(pc, st, "result");
	rq = proto_new_child(pc->ctx, r, "query", NS_DISCO_INFO);
	if (node != NULL)
		xmpp_stanza_set_attribute(rq, "node", node);
	id = proto_new_child(pc->ctx, rq, "identity", NULL);
	xmpp_stanza_set_attribute(id, "category", "client");
	xmpp_stanza_set_attribute(id, "type", "console");
	xmpp_stanza_set_attribute(id, "name", "natter");
	f = proto_disco_features();
	for (i = 0; i < f->len; i++) {
		xmpp_stanza_t *fe = proto_new_child(pc->ctx, rq, "feature",
		    NULL);

		xmpp_stanza_set_attribute(fe, "var", g_ptr_array_index(f, i));
	}
	send_and_release(pc, r);
}

static void
answer_items(struct pconn *pc, xmpp_stanza_t *st, xmpp_stanza_t *q)
{
	xmpp_stanza_t *r = proto_iq_reply(pc, st, "result");
	xmpp_stanza_t *rq = proto_new_child(pc->ctx, r, "query",
	    NS_DISCO_ITEMS);
	const char *node = xmpp_stanza_get_attribute(q, "node");

	if (node != NULL)
		xmpp_stanza_set_attribute(rq, "node", node);
	send_and_release(pc, r);
}

static void
answer_version(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *r = proto_iq_reply(pc, st, "result");
	xmpp_stanza_t *q = proto_new_child(pc->ctx, r, "query", NS_VERSION);
	struct utsname u;

	proto_add_text_child(pc->ctx, q, "name", "natter");
	proto_add_text_child(pc->ctx, q, "version", PACKAGE_VERSION);
	if (prefs_get_bool("version.os") && uname(&u) == 0) {
		g_autofree char *os = g_strdup_printf("%s %s", u.sysname,
		    u.release);

		proto_add_text_child(pc->ctx, q, "os", os);
	}
	send_and_release(pc, r);
}

static void
answer_time(struct pconn *pc, xmpp_stanza_t *st)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autoptr(GDateTime) utc = g_date_time_to_utc(now);
	g_autofree char *u = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	gint64 off = g_date_time_get_utc_offset(now) / G_USEC_PER_SEC;
	char tzo[16];
	xmpp_stanza_t *r = proto_iq_reply(pc, st, "result");
	xmpp_stanza_t *t = proto_new_child(pc->ctx, r, "time", NS_TIME);

	g_snprintf(tzo, sizeof(tzo), "%c%02d:%02d", off < 0 ? '-' : '+',
	    (int)(ABS(off) / 3600), (int)(ABS(off) % 3600 / 60));
	proto_add_text_child(pc->ctx, t, "tzo", tzo);
	proto_add_text_child(pc->ctx, t, "utc", u);
	send_and_release(pc, r);
}

/* Idle time is told to our own account and to contacts who see us. */
static bool
may_see_idle(struct pconn *pc, const char *from)
{
	g_autofree char *bare = NULL;
	struct roster_item *it;

	if (from == NULL || proto_iq_from_ok(pc, NULL, from))
		return true;
	bare = jid_bare_of(from);
	it = bare != NULL ? roster_find(pc->acc->roster, bare) : NULL;
	return it != NULL && (g_strcmp0(it->subscription, "from") == 0 ||
	    g_strcmp0(it->subscription, "both") == 0);
}

static void
answer_last(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *r, *q;
	char secs[32];

	if (!may_see_idle(pc, xmpp_stanza_get_from(st))) {
		proto_iq_error(pc, st, "auth", "forbidden");
		return;
	}
	r = proto_iq_reply(pc, st, "result");
	q = proto_new_child(pc->ctx, r, "query", NS_LAST);
	g_snprintf(secs, sizeof(secs), "%" G_GINT64_FORMAT,
	    idle_seconds());
	xmpp_stanza_set_attribute(q, "seconds", secs);
	send_and_release(pc, r);
}

/* Answer an <iq type='get'/> about us; false when it is not one. */
bool
proto_disco_answer(struct pconn *pc, xmpp_stanza_t *st)
{
	xmpp_stanza_t *q;

	if ((q = xmpp_stanza_get_child_by_ns(st, NS_DISCO_INFO)) != NULL)
		answer_info(pc, st, q);
	else if ((q = xmpp_stanza_get_child_by_ns(st, NS_DISCO_ITEMS)) != NULL)
		answer_items(pc, st, q);
	else if (xmpp_stanza_get_child_by_ns(st, NS_VERSION) != NULL)
		answer_version(pc, st);
	else if (xmpp_stanza_get_child_by_ns(st, NS_TIME) != NULL)
		answer_time(pc, st);
	else if (xmpp_stanza_get_child_by_ns(st, NS_LAST) != NULL)
		answer_last(pc, st);
	else
		return false;
	return true;
}

/*
 * Remember (or forget, when it leaves) the <c/> of a presence: full JID ->
 * struct proto_caps, bounded.
 */
void
proto_disco_note_caps(struct pconn *pc, xmpp_stanza_t *presence)
{
	const char *from = xmpp_stanza_get_from(presence);
	const char *type = xmpp_stanza_get_type(presence);
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_ns(presence, NS_CAPS);
	const char *node, *ver, *hash;

	/* Not kept for room occupants: a 2,000-occupant room must stay
	 * within the memory budget of PRODUCT §12. */
	if (from == NULL || xmpp_stanza_get_child_by_ns(presence,
	    "http://jabber.org/protocol/muc#user") != NULL)
		return;
	if (pc->caps == NULL)
		pc->caps = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, (GDestroyNotify)proto_caps_free);
	if (g_strcmp0(type, "unavailable") == 0 || c == NULL) {
		g_hash_table_remove(pc->caps, from);
		return;
	}
	node = xmpp_stanza_get_attribute(c, "node");
	ver = xmpp_stanza_get_attribute(c, "ver");
	hash = xmpp_stanza_get_attribute(c, "hash");
	if (node == NULL || ver == NULL || strlen(node) + strlen(ver) > 1024 ||
	    (hash != NULL && strlen(hash) > 64))
		return;
	if (g_hash_table_size(pc->caps) >= CAPS_MAX &&
	    !g_hash_table_contains(pc->caps, from))
		return;
	g_hash_table_replace(pc->caps, g_strdup(from), proto_caps_new(from,
	    hash, node, ver));
}

/* The session ended: the capabilities its presences announced go. */
void
proto_disco_session_ended(struct pconn *pc)
{
	g_clear_pointer(&pc->caps, g_hash_table_unref);
}
