/* SPDX-License-Identifier: MIT */
/*
 * Room administration and information (XEP-0045 §8-10, §6): muc#admin
 * requests (roles, affiliations, lists), owner requests (instant room,
 * destruction, the configuration form as XEP-0004), disco#info of a room
 * and disco#items of a service. Requests go to the room and are answered
 * through a proto_list_fn. Never prints.
 */
#include <string.h>

#include "core/form.h"
#include "core/room.h"
#include "proto-internal.h"
#include "util/errors.h"
#include "util/jid.h"

#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_DATA "jabber:x:data"
#define TEXT_MAX 4096

struct admin_req {
	proto_list_fn	*fn;
	void		*data;
};

static void
admin_lost(void *data)
{
	struct admin_req *r = data;

	r->fn(NULL, "connection lost before the room answered", r->data);
	g_free(r);
}

static char *
error_text(struct pconn *pc, xmpp_stanza_t *reply)
{
	g_autofree char *e = proto_error_describe(pc, reply);

	return g_strdup_printf("the room refused: %s", e);
}

static void
admin_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct admin_req *r = data;
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_MUC_ADMIN);
	xmpp_stanza_t *i;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *e = error_text(pc, reply);

		r->fn(NULL, e, r->data);
		g_free(r);
		return;
	}
	for (i = q != NULL ? xmpp_stanza_get_children(q) : NULL; i != NULL;
	    i = xmpp_stanza_get_next(i)) {
		const char *jid = xmpp_stanza_get_attribute(i, "jid");

		if (jid != NULL && items->len < 10000)
			g_ptr_array_add(items, g_strdup(jid));
	}
	r->fn(items, NULL, r->data);
	g_free(r);
}

/*
 * One muc#admin request to room (§8-9): set attr (role|affiliation) to
 * value for the occupant nick or the JID jid, with a reason; or, with
 * get, list the JIDs with affiliation value. fn gets the answer.
 */
bool
proto_muc_admin(struct account *acc, const char *room, bool get,
    const char *attr, const char *value, const char *nick, const char *jid,
    const char *reason, proto_list_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *q, *item;
	struct admin_req *r;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	iq = xmpp_iq_new(pc->ctx, get ? "get" : "set", NULL);
	q = proto_new_child(pc->ctx, iq, "query", NS_MUC_ADMIN);
	item = proto_new_child(pc->ctx, q, "item", NULL);
	xmpp_stanza_set_attribute(item, attr, value);
	if (nick != NULL)
		xmpp_stanza_set_attribute(item, "nick", nick);
	if (jid != NULL)
		xmpp_stanza_set_attribute(item, "jid", jid);
	if (reason != NULL && *reason != '\0')
		proto_add_text_child(pc->ctx, item, "reason", reason);
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, room, admin_result, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}

/*
 * Owner requests (§10): accept the default configuration of a new room
 * (an empty submitted form, "instant room"), or destroy the room.
 */
bool
proto_muc_owner(struct account *acc, const char *room, bool destroy,
    const char *reason, proto_list_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq, *q, *c;
	struct admin_req *r;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	q = proto_new_child(pc->ctx, iq, "query", NS_MUC_OWNER);
	if (destroy) {
		c = proto_new_child(pc->ctx, q, "destroy", NULL);
		if (reason != NULL && *reason != '\0')
			proto_add_text_child(pc->ctx, c, "reason", reason);
	} else {
		c = proto_new_child(pc->ctx, q, "x", NS_DATA);
		xmpp_stanza_set_type(c, "submit");
	}
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, room, admin_result, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}


static void
rooms_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct admin_req *r = data;
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply,
	    "http://jabber.org/protocol/disco#items");
	xmpp_stanza_t *c;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *e = error_text(pc, reply);

		r->fn(NULL, e, r->data);
		g_free(r);
		return;
	}
	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL;
	    c != NULL && items->len < 10000; c = xmpp_stanza_get_next(c)) {
		const char *jid = xmpp_stanza_get_attribute(c, "jid");
		const char *name = xmpp_stanza_get_attribute(c, "name");

		if (jid != NULL)
			g_ptr_array_add(items, name != NULL ?
			    g_strdup_printf("%s  %s", jid, name) :
			    g_strdup(jid));
	}
	r->fn(items, NULL, r->data);
	g_free(r);
}

/* List the rooms of service (disco#items, XEP-0045 §6.3). */
bool
proto_muc_rooms(struct account *acc, const char *service, proto_list_fn *fn,
    void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq;
	struct admin_req *r;

	if (pc == NULL)
		return false;
	if (!jid_is_valid(service)) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "'%s' is not a valid service address", service);
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	proto_new_child(pc->ctx, iq, "query", "http://jabber.org/protocol/disco#items");
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, service, rooms_result, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}

/* Parse an XEP-0004 <x type='form'/> into a new form. */
static struct form *
parse_form(struct pconn *pc, xmpp_stanza_t *x)
{
	g_autofree char *title = proto_child_text(pc, x, "title", TEXT_MAX);
	struct form *f = form_new(title != NULL ? title : "Room configuration");
	xmpp_stanza_t *c, *v;

	for (c = xmpp_stanza_get_children(x); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		struct form_field *ff;

		if (g_strcmp0(xmpp_stanza_get_name(c), "field") != 0)
			continue;
		ff = form_add_field(f, xmpp_stanza_get_attribute(c, "var"),
		    xmpp_stanza_get_type(c), xmpp_stanza_get_attribute(c,
		    "label"));
		if (ff == NULL)
			break;
		for (v = xmpp_stanza_get_children(c); v != NULL;
		    v = xmpp_stanza_get_next(v)) {
			const char *n = xmpp_stanza_get_name(v);
			char *t;

			if (g_strcmp0(n, "value") == 0) {
				t = xmpp_stanza_get_text(v);
				g_ptr_array_add(ff->values, g_utf8_make_valid(
				    t != NULL ? t : "", -1));
				if (t != NULL)
					xmpp_free(pc->ctx, t);
			} else if (g_strcmp0(n, "option") == 0) {
				g_autofree char *ov = proto_child_text(pc, v,
				    "value", TEXT_MAX);

				if (ov != NULL)
					g_ptr_array_add(ff->options,
					    g_steal_pointer(&ov));
			}
		}
	}
	return f;
}

static void
config_result(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct admin_req *r = data;
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_MUC_OWNER);
	xmpp_stanza_t *x = q != NULL ? xmpp_stanza_get_child_by_ns(q,
	    NS_DATA) : NULL;
	struct room *room = room_find(pc->acc->name,
	    xmpp_stanza_get_from(reply));

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0 ||
	    x == NULL || room == NULL) {
		g_autofree char *e = error_text(pc, reply);

		r->fn(NULL, e, r->data);
		g_free(r);
		return;
	}
	form_free(room->config);
	room->config = parse_form(pc, x);
	r->fn(NULL, NULL, r->data);
	g_free(r);
}

/* Fetch the configuration form of room into the room model (§10.2). */
bool
proto_muc_config_fetch(struct account *acc, const char *room,
    proto_list_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq;
	struct admin_req *r;

	if (pc == NULL || proto_muc_joined(acc, room, error) == NULL)
		return false;
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	proto_new_child(pc->ctx, iq, "query", NS_MUC_OWNER);
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, room, config_result, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}

/* Submit (or cancel) the edited configuration form of room (§10.2). */
bool
proto_muc_config_submit(struct account *acc, const char *room, bool cancel,
    proto_list_fn *fn, void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	struct room *rm = pc != NULL ? proto_muc_joined(acc, room, error) : NULL;
	xmpp_stanza_t *iq, *q, *x;
	struct admin_req *r;
	guint i, j;

	if (rm == NULL)
		return false;
	if (rm->config == NULL) {
		g_set_error(error, NATTER_PROTO_ERROR, 0,
		    "no configuration form is open: /room config first");
		return false;
	}
	iq = xmpp_iq_new(pc->ctx, "set", NULL);
	q = proto_new_child(pc->ctx, iq, "query", NS_MUC_OWNER);
	x = proto_new_child(pc->ctx, q, "x", NS_DATA);
	xmpp_stanza_set_type(x, cancel ? "cancel" : "submit");
	for (i = 0; !cancel && i < rm->config->fields->len; i++) {
		struct form_field *f = g_ptr_array_index(rm->config->fields, i);
		xmpp_stanza_t *fe;

		if (f->var == NULL || g_strcmp0(f->type, "fixed") == 0)
			continue;
		fe = proto_new_child(pc->ctx, x, "field", NULL);
		xmpp_stanza_set_attribute(fe, "var", f->var);
		for (j = 0; j < f->values->len; j++)
			proto_add_text_child(pc->ctx, fe, "value",
			    g_ptr_array_index(f->values, j));
	}
	g_clear_pointer(&rm->config, form_free);
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, room, admin_result, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}

static void
info_lines(struct pconn *pc, xmpp_stanza_t *reply, void *data)
{
	struct admin_req *r = data;
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply,
	    "http://jabber.org/protocol/disco#info");
	xmpp_stanza_t *c;

	if (g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		g_autofree char *e = error_text(pc, reply);

		r->fn(NULL, e, r->data);
		g_free(r);
		return;
	}
	for (c = q != NULL ? xmpp_stanza_get_children(q) : NULL;
	    c != NULL && lines->len < 500; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);

		if (g_strcmp0(n, "identity") == 0)
			g_ptr_array_add(lines, g_strdup_printf("name: %s",
			    xmpp_stanza_get_attribute(c, "name") ?
			    xmpp_stanza_get_attribute(c, "name") : "(none)"));
		else if (g_strcmp0(n, "feature") == 0 &&
		    xmpp_stanza_get_attribute(c, "var") != NULL)
			g_ptr_array_add(lines, g_strdup_printf("feature: %s",
			    xmpp_stanza_get_attribute(c, "var")));
	}
	r->fn(lines, NULL, r->data);
	g_free(r);
}

/* disco#info of room, as readable lines (§6.4). */
bool
proto_muc_info(struct account *acc, const char *room, proto_list_fn *fn,
    void *data, GError **error)
{
	struct pconn *pc = proto_online(acc->name, error);
	xmpp_stanza_t *iq;
	struct admin_req *r;

	if (pc == NULL)
		return false;
	iq = xmpp_iq_new(pc->ctx, "get", NULL);
	proto_new_child(pc->ctx, iq, "query", "http://jabber.org/protocol/disco#info");
	r = g_new0(struct admin_req, 1);
	r->fn = fn;
	r->data = data;
	proto_iq_send(pc, iq, room, info_lines, r, admin_lost);
	xmpp_stanza_release(iq);
	return true;
}
