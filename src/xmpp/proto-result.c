/* SPDX-License-Identifier: MIT */
/*
 * Constructors and destructors of the typed query answers and errors
 * (proto-result.h). Pure data: no libstrophe, no I/O; the parsing that
 * fills them is in proto-query.c and proto-facts.c. xmpp layer.
 */
#include <string.h>

#include "proto-result.h"

static void
identity_free(struct proto_identity *id)
{
	g_free(id->category);
	g_free(id->type);
	g_free(id->name);
	g_free(id->lang);
	g_free(id);
}

static void
field_free(struct proto_field *f)
{
	g_free(f->var);
	g_ptr_array_unref(f->values);
	g_free(f);
}

static void
form_free(struct proto_form *f)
{
	g_ptr_array_unref(f->fields);
	g_free(f);
}

static void
item_free(struct proto_item *it)
{
	g_free(it->jid);
	g_free(it->node);
	g_free(it->name);
	g_free(it);
}

static void
stream_feature_free(struct proto_stream_feature *f)
{
	g_free(f->name);
	g_free(f->ns);
	g_free(f);
}

/* New identity (strings copied; name and lang may be NULL). */
struct proto_identity *
proto_identity_new(const char *category, const char *type, const char *name,
    const char *lang)
{
	struct proto_identity *id = g_new0(struct proto_identity, 1);

	id->category = g_strdup(category != NULL ? category : "");
	id->type = g_strdup(type != NULL ? type : "");
	id->name = g_strdup(name);
	id->lang = g_strdup(lang);
	return id;
}

/* New item (strings copied; node and name may be NULL). */
struct proto_item *
proto_item_new(const char *jid, const char *node, const char *name)
{
	struct proto_item *it = g_new0(struct proto_item, 1);

	it->jid = g_strdup(jid != NULL ? jid : "");
	it->node = g_strdup(node);
	it->name = g_strdup(name);
	return it;
}

/* New advertised capabilities (strings copied; hash may be NULL). */
struct proto_caps *
proto_caps_new(const char *jid, const char *hash, const char *node,
    const char *ver)
{
	struct proto_caps *c = g_new0(struct proto_caps, 1);

	c->jid = g_strdup(jid != NULL ? jid : "");
	c->hash = g_strdup(hash);
	c->node = g_strdup(node != NULL ? node : "");
	c->ver = g_strdup(ver != NULL ? ver : "");
	return c;
}

void
proto_caps_free(struct proto_caps *c)
{
	if (c == NULL)
		return;
	g_free(c->jid);
	g_free(c->hash);
	g_free(c->node);
	g_free(c->ver);
	g_free(c);
}

/* A new, empty form at the end of info's forms (owned by info). */
struct proto_form *
proto_info_add_form(struct proto_info *info)
{
	struct proto_form *f = g_new0(struct proto_form, 1);

	f->fields = g_ptr_array_new_with_free_func((GDestroyNotify)field_free);
	g_ptr_array_add(info->forms, f);
	return f;
}

/* A new field without values at the end of form (owned by the form). */
struct proto_field *
proto_info_add_field(struct proto_form *form, const char *var)
{
	struct proto_field *f = g_new0(struct proto_field, 1);

	f->var = g_strdup(var);
	f->values = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(form->fields, f);
	return f;
}

/* A new, empty answer of that kind (its arrays exist, empty). */
struct proto_result *
proto_result_new(enum proto_query kind)
{
	struct proto_result *r = g_new0(struct proto_result, 1);

	r->kind = kind;
	switch (kind) {
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		r->u.info.identities = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)identity_free);
		r->u.info.features = g_ptr_array_new_with_free_func(g_free);
		r->u.info.forms = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)form_free);
		break;
	case PQ_DISCO_ITEMS:
		r->u.items = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)item_free);
		break;
	case PQ_LAST:
		r->u.last.seconds = -1;
		break;
	case PQ_PING:
	case PQ_VERSION:
	case PQ_TIME:
		break;
	}
	return r;
}

/* Free an answer and everything in it; NULL is a no-op. */
void
proto_result_free(struct proto_result *r)
{
	if (r == NULL)
		return;
	switch (r->kind) {
	case PQ_DISCO_INFO:
	case PQ_CAPS:
		g_ptr_array_unref(r->u.info.identities);
		g_ptr_array_unref(r->u.info.features);
		g_ptr_array_unref(r->u.info.forms);
		proto_caps_free(r->u.info.caps);
		g_free(r->u.info.caps_computed);
		break;
	case PQ_DISCO_ITEMS:
		g_ptr_array_unref(r->u.items);
		break;
	case PQ_VERSION:
		g_free(r->u.version.name);
		g_free(r->u.version.version);
		g_free(r->u.version.os);
		break;
	case PQ_TIME:
		g_free(r->u.time.utc);
		g_free(r->u.time.tzo);
		break;
	case PQ_LAST:
		g_free(r->u.last.status);
		break;
	case PQ_PING:
		break;
	}
	g_free(r);
}

static void
cert_free(struct proto_cert *c)
{
	g_free(c->subject);
	g_free(c->issuer);
	g_free(c->not_before);
	g_free(c->not_after);
	g_free(c->key_alg);
	g_free(c->sha1);
	g_free(c->sha256);
	g_free(c);
}

/* New connection facts with empty lists. */
struct proto_facts *
proto_facts_new(void)
{
	struct proto_facts *f = g_new0(struct proto_facts, 1);

	f->srv_priority = f->srv_weight = -1;
	f->mechanisms = g_ptr_array_new_with_free_func(g_free);
	f->features = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)stream_feature_free);
	f->certs = g_ptr_array_new_with_free_func((GDestroyNotify)cert_free);
	return f;
}

/* Free connection facts; NULL is a no-op. */
void
proto_facts_free(struct proto_facts *f)
{
	if (f == NULL)
		return;
	g_free(f->jid);
	g_free(f->host);
	g_free(f->tls);
	g_free(f->sasl);
	g_free(f->tls_version);
	g_free(f->tls_cipher);
	g_ptr_array_unref(f->mechanisms);
	g_ptr_array_unref(f->features);
	g_ptr_array_unref(f->certs);
	g_free(f->srv_service);
	g_free(f->srv_target);
	g_free(f);
}

/* Make e an error of a kind natter decided (not a stanza), with text. */
void
proto_error_set(struct proto_error *e, enum proto_error_kind kind,
    const char *text)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->text = g_strdup(text);
}

/* Free what e holds (the struct itself is the caller's). */
void
proto_error_clear(struct proto_error *e)
{
	g_clear_pointer(&e->condition, g_free);
	g_clear_pointer(&e->type, g_free);
	g_clear_pointer(&e->text, g_free);
}

/* The kind's name for machine-readable output ("stanza", "timeout"...). */
const char *
proto_error_kind_name(enum proto_error_kind kind)
{
	switch (kind) {
	case PROTO_ERR_STANZA:
		return "stanza";
	case PROTO_ERR_TIMEOUT:
		return "timeout";
	case PROTO_ERR_LOST:
		return "connection-lost";
	case PROTO_ERR_BAD_REPLY:
		return "bad-reply";
	}
	return "unknown";
}

/* "condition (type): text" of an error reply, or natter's text. */
char *
proto_error_string(const struct proto_error *e)
{
	GString *d;

	if (e->kind != PROTO_ERR_STANZA)
		return g_strdup(e->text != NULL ? e->text :
		    proto_error_kind_name(e->kind));
	if (!e->present)
		return g_strdup("an error without details");
	d = g_string_new(e->condition);
	if (e->type != NULL)
		g_string_append_printf(d, " (%s)", e->type);
	if (e->text != NULL)
		g_string_append_printf(d, ": %s", e->text);
	return g_string_free(d, FALSE);
}
