/* SPDX-License-Identifier: MIT */
/*
 * The XML console's ring of raw traffic (PRODUCT §7). Subscribed to the raw
 * events from start-up, so the login is there when the console is opened
 * later. Bounded by the xmlconsole.buffer preference: the oldest entries go
 * first, and one entry larger than a quarter of the ring is cut (with a
 * note). IQ get/set are paired with their result/error by account,
 * direction and id; the pending table is bounded too. The entries are
 * stored compactly by xmlcon-ring.c. core layer.
 */
#include "config.h"

#include <string.h>

#include "events.h"
#include "prefs.h"
#include "util/files.h"
#include "util/jid.h"
#include "util/xmlpretty.h"
#include "util/xmpp-errors.h"
#include "xmlcon.h"
#include "xmlcon-ring.h"

#define PENDING_MAX 4096
#define ENTRIES_MAX 100000

struct pending {
	guint64	 seq;
	gint64	 time;
};

static guint64 next_seq = 1;
static GHashTable *pending;	/* "account\x1fdir\x1fid" -> struct pending */
static guint sub_in, sub_out;
static struct xmlcon_filter view_filter;
static guint64 paused_at;
static bool view_parsed;	/* false: the raw view, the default */

static size_t
limit_bytes(void)
{
	long kb = prefs_get_int("xmlconsole.buffer");

	return (size_t)(kb > 0 ? kb : 4096) * 1024;
}

static void
trim(void)
{
	size_t limit = limit_bytes();

	while (xring_len() > 1 && (xring_bytes() > limit ||
	    xring_len() > ENTRIES_MAX))
		xring_pop();
}

static enum xmlcon_kind
classify(const struct xp_top *top, bool *ack)
{
	*ack = false;
	if (top->name == NULL)
		return XMLCON_STREAM;
	if (strcmp(top->name, "message") == 0)
		return XMLCON_MESSAGE;
	if (strcmp(top->name, "presence") == 0)
		return XMLCON_PRESENCE;
	if (strcmp(top->name, "iq") == 0)
		return XMLCON_IQ;
	/* Classified by name and namespace, not by a text prefix. */
	*ack = (strcmp(top->name, "r") == 0 || strcmp(top->name, "a") == 0) &&
	    top->xmlns != NULL && g_str_has_prefix(top->xmlns, "urn:xmpp:sm:");
	return XMLCON_STREAM;
}

static char *
pending_key(const char *account, bool out, const char *id)
{
	return g_strdup_printf("%s\x1f%d\x1f%s", account ? account : "", out,
	    id);
}

/* Remember an IQ request, or pair a reply with its request. */
static void
pair(struct xmlcon_entry *e, const struct xp_top *top)
{
	g_autofree char *key = NULL;
	struct pending *p;

	if (e->kind != XMLCON_IQ || top->id == NULL || top->type == NULL)
		return;
	if (strcmp(top->type, "get") == 0 || strcmp(top->type, "set") == 0) {
		if (g_hash_table_size(pending) >= PENDING_MAX)
			g_hash_table_remove_all(pending);
		p = g_new(struct pending, 1);
		p->seq = e->seq;
		p->time = e->time;
		g_hash_table_replace(pending, pending_key(e->account, e->out,
		    top->id), p);
		return;
	}
	if (strcmp(top->type, "result") != 0 && strcmp(top->type, "error") != 0)
		return;
	key = pending_key(e->account, !e->out, top->id);
	p = g_hash_table_lookup(pending, key);
	if (p == NULL)
		return;
	e->pair = p->seq;
	e->rtt = e->time - p->time;
	{
		struct xmlcon_entry *req = (struct xmlcon_entry *)
		    xmlcon_get(p->seq);

		if (req != NULL)
			req->pair = e->seq;
	}
	g_hash_table_remove(pending, key);
}

/* Cut an entry that would take more than a quarter of the ring. */
static char *
bounded_copy(const char *xml)
{
	size_t len = strlen(xml), max = limit_bytes() / 4;
	size_t keep;

	if (len <= max)
		return g_strdup(xml);
	keep = max;
	while (keep > 0 && ((unsigned char)xml[keep] & 0xC0) == 0x80)
		keep--;
	return g_strdup_printf("%.*s<!-- natter: %zu more bytes not kept -->",
	    (int)keep, xml, len - keep);
}

/*
 * Record one piece of traffic (already redacted): xml as logged, raw the
 * exact bytes of a received element or NULL.
 */
void
xmlcon_add(const char *account, bool out, const char *xml, const char *raw,
    gint64 time)
{
	g_autofree char *text = bounded_copy(xml);
	g_autofree char *bytes = raw != NULL ? bounded_copy(raw) : NULL;
	struct xmlcon_entry *e;
	struct xp_top top;
	bool ack;

	e = xring_push(account, text, bytes);
	e->seq = next_seq++;
	e->time = time != 0 ? time : g_get_real_time();
	e->out = out;
	e->rtt = -1;
	xp_top_parse(text, &top);
	e->kind = classify(&top, &ack) & XMLCON_ALL;
	e->ack = ack;
	e->error = g_strcmp0(top.type, "error") == 0;
	pair(e, &top);
	xp_top_clear(&top);
	trim();
}

static void
on_raw(const struct ev *ev, void *data)
{
	xmlcon_add(ev->account, ev->kind == EV_RAW_OUT, ev->u.raw.xml,
	    ev->u.raw.raw, ev->time);
	(void)data;
}

void
xmlcon_init(void)
{
	if (pending != NULL)
		return;
	pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	sub_in = ev_subscribe(EV_RAW_IN, on_raw, NULL);
	sub_out = ev_subscribe(EV_RAW_OUT, on_raw, NULL);
}

void
xmlcon_clear(void)
{
	xring_clear();
	if (pending != NULL)
		g_hash_table_remove_all(pending);
}

void
xmlcon_free(void)
{
	xmlcon_clear();
	if (sub_in != 0)
		ev_unsubscribe(sub_in);
	if (sub_out != 0)
		ev_unsubscribe(sub_out);
	sub_in = sub_out = 0;
	g_clear_pointer(&pending, g_hash_table_unref);
	xmlcon_filter_clear(&view_filter);
	paused_at = 0;
	view_parsed = false;
}

void
xmlcon_set_view_raw(bool raw)
{
	view_parsed = !raw;
}

bool
xmlcon_view_raw(void)
{
	return !view_parsed;
}

/* Whether live traffic comes with its exact bytes (a build fact). */
bool
xmlcon_raw_available(void)
{
#ifdef HAVE_STROPHE_RAW_RECV
	return true;
#else
	return false;
#endif
}

/* What the view shows of e: its exact bytes in the raw view, if kept. */
const char *
xmlcon_entry_shown(const struct xmlcon_entry *e)
{
	return !view_parsed && e->has_raw ? xring_raw(e) : xring_text(e);
}

guint
xmlcon_count(void)
{
	return xring_len();
}

size_t
xmlcon_bytes(void)
{
	return xring_bytes();
}

/* The i-th entry kept, oldest first (borrowed; see struct xmlcon_entry). */
const struct xmlcon_entry *
xmlcon_nth(guint i)
{
	return xring_nth(i);
}

/*
 * The text of e (borrowed): valid until the next call for an entry of
 * another block or the next xmlcon_add.
 */
const char *
xmlcon_entry_xml(const struct xmlcon_entry *e)
{
	return xring_text(e);
}

/* The exact bytes of a received e, or NULL (borrowed, as the text). */
const char *
xmlcon_entry_raw(const struct xmlcon_entry *e)
{
	return xring_raw(e);
}

guint64
xmlcon_last_seq(void)
{
	const struct xmlcon_entry *e = xring_nth(xring_len() - 1);

	return e != NULL ? e->seq : 0;
}

/*
 * The entry numbered seq, if still kept. Live seqs are consecutive; a
 * replayed recording may have gaps (a malformed line skipped), so the
 * guess is checked and the ring searched by halves otherwise.
 */
const struct xmlcon_entry *
xmlcon_get(guint64 seq)
{
	const struct xmlcon_entry *first = xring_nth(0), *e;
	guint lo = 0, hi = xring_len();

	if (first == NULL || seq < first->seq)
		return NULL;
	e = seq - first->seq < hi ? xring_nth((guint)(seq - first->seq)) :
	    NULL;
	if (e != NULL && e->seq == seq)
		return e;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		e = xring_nth(mid);
		if (e->seq == seq)
			return e;
		if (e->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Replay: the next entry is numbered seq (never going back). */
bool
xmlcon_renumber(guint64 seq)
{
	if (seq < next_seq)
		return false;
	next_seq = seq;
	return true;
}

void
xmlcon_filter_clear(struct xmlcon_filter *f)
{
	g_free(f->ns);
	g_free(f->jid);
	g_free(f->id);
	g_free(f->text);
	memset(f, 0, sizeof(*f));
}

static const struct {
	const char	*name;
	unsigned	 bits;
} kind_names[] = {
	{ "message", XMLCON_MESSAGE },
	{ "presence", XMLCON_PRESENCE },
	{ "iq", XMLCON_IQ },
	{ "stream", XMLCON_STREAM },
	{ "all", 0 },
};

static bool
parse_term(const char *a, struct xmlcon_filter *f, GError **error)
{
	static const char *const prefixes[] = { "ns:", "jid:", "id:", "text:" };
	char **slots[] = { &f->ns, &f->jid, &f->id, &f->text };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kind_names); i++)
		if (strcmp(a, kind_names[i].name) == 0) {
			f->kinds = kind_names[i].bits == 0 ? 0 :
			    f->kinds | kind_names[i].bits;
			return true;
		}
	if (strcmp(a, "in") == 0 || strcmp(a, "out") == 0 ||
	    strcmp(a, "both") == 0) {
		f->dir = a[0] == 'i' ? 1 : a[0] == 'o' ? 2 : 0;
		return true;
	}
	for (i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (g_str_has_prefix(a, prefixes[i])) {
			const char *v = a + strlen(prefixes[i]);

			if (*v == '\0')
				break;
			g_free(*slots[i]);
			*slots[i] = g_strdup(v);
			return true;
		}
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
	    "unknown filter term '%s': use message, presence, iq, stream, all, "
	    "in, out, both, ns:NAMESPACE, jid:JID, id:ID or text:WORD", a);
	return false;
}

/* Parse filter terms (argv, NULL-terminated) into a new filter f. */
bool
xmlcon_filter_parse(char **argv, struct xmlcon_filter *f, GError **error)
{
	struct xmlcon_filter n = { 0 };
	int i;

	for (i = 0; argv[i] != NULL; i++)
		if (!parse_term(argv[i], &n, error)) {
			xmlcon_filter_clear(&n);
			return false;
		}
	xmlcon_filter_clear(f);
	*f = n;
	return true;
}

/* The filter as the terms that would set it ("all" when it is empty). */
char *
xmlcon_filter_describe(const struct xmlcon_filter *f)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kind_names); i++)
		if ((f->kinds & kind_names[i].bits) != 0)
			g_string_append_printf(s, "%s ", kind_names[i].name);
	if (f->dir != 0)
		g_string_append(s, f->dir == 1 ? "in " : "out ");
	if (f->ns != NULL)
		g_string_append_printf(s, "ns:%s ", f->ns);
	if (f->jid != NULL)
		g_string_append_printf(s, "jid:%s ", f->jid);
	if (f->id != NULL)
		g_string_append_printf(s, "id:%s ", f->id);
	if (f->text != NULL)
		g_string_append_printf(s, "text:%s ", f->text);
	if (s->len == 0)
		g_string_append(s, "all ");
	g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

/* A stanza address matches a JID filter as written or by its bare JID. */
static bool
jid_matches(const char *addr, const char *want)
{
	if (addr == NULL)
		return false;
	if (g_ascii_strcasecmp(addr, want) == 0)
		return true;
	return strchr(want, '/') == NULL && jid_bare_equal(addr, want);
}

static bool
text_contains(const char *hay, const char *needle)
{
	g_autofree char *h = g_utf8_casefold(hay, -1);
	g_autofree char *n = g_utf8_casefold(needle, -1);

	return strstr(h, n) != NULL;
}

/* The id and jid terms of f, on the top element of e. */
static bool
match_top(const struct xmlcon_filter *f, const struct xmlcon_entry *e)
{
	struct xp_top top;
	bool ok;

	xp_top_parse(xring_text(e), &top);
	ok = (f->id == NULL || g_strcmp0(f->id, top.id) == 0) &&
	    (f->jid == NULL || jid_matches(top.from, f->jid) ||
	    jid_matches(top.to, f->jid));
	xp_top_clear(&top);
	return ok;
}

bool
xmlcon_match(const struct xmlcon_filter *f, bool hide_acks,
    const struct xmlcon_entry *e)
{
	if (hide_acks && e->ack)
		return false;
	if (f->kinds != 0 && (f->kinds & e->kind) == 0)
		return false;
	if ((f->dir == 1 && e->out) || (f->dir == 2 && !e->out))
		return false;
	if ((f->id != NULL || f->jid != NULL) && !match_top(f, e))
		return false;
	if (f->ns != NULL && !xp_has_ns(xring_text(e), f->ns))
		return false;
	if (f->text != NULL && !text_contains(xring_text(e), f->text) &&
	    (!e->has_raw || !text_contains(xring_raw(e), f->text)))
		return false;
	return true;
}

struct xmlcon_filter *
xmlcon_view_filter(void)
{
	return &view_filter;
}

/* Shown in the console view now: filter, acks and pause applied. */
bool
xmlcon_visible(const struct xmlcon_entry *e)
{
	if (paused_at != 0 && e->seq > paused_at)
		return false;
	return xmlcon_match(&view_filter,
	    prefs_get_bool("xmlconsole.hide_acks"), e);
}

void
xmlcon_pause(bool pause)
{
	paused_at = pause ? MAX(xmlcon_last_seq(), 1) : 0;
}

guint64
xmlcon_paused_at(void)
{
	return paused_at;
}

/*
 * "#N HH:MM:SS.mmm → account" plus, for a paired IQ, the other half and
 * the round trip: the first line of an entry in the view and in files.
 */
char *
xmlcon_entry_header(const struct xmlcon_entry *e)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(e->time /
	    G_USEC_PER_SEC);
	g_autofree char *t = g_date_time_format(dt, "%H:%M:%S");
	GString *s = g_string_new(NULL);

	g_string_printf(s, "#%" G_GUINT64_FORMAT " %s.%03d %s %s", e->seq, t,
	    (int)(e->time / 1000 % 1000), e->out ? "\xe2\x86\x92" :
	    "\xe2\x86\x90", e->account != NULL ? e->account : "");
	if (e->pair != 0 && e->rtt >= 0)
		g_string_append_printf(s, "  %s to #%" G_GUINT64_FORMAT
		    " after %.1f ms", e->error ? "ERROR reply" : "reply",
		    e->pair, e->rtt / 1000.0);
	else if (e->pair != 0)
		g_string_append_printf(s, "  answered by #%" G_GUINT64_FORMAT,
		    e->pair);
	return g_string_free(s, FALSE);
}

/* Write the entries the view shows to path (0600), as the view shows them. */
bool
xmlcon_save(const char *path, GError **error)
{
	struct xp_opts opts = { (size_t)prefs_get_int("xmlconsole.max_text"),
		32 };
	GString *s = g_string_new(NULL);
	guint i;
	bool ok;

	for (i = 0; i < xring_len(); i++) {
		const struct xmlcon_entry *e = xring_nth(i);
		g_autofree char *h = NULL, *w = NULL, *x = NULL;

		if (!xmlcon_visible(e))
			continue;
		h = xmlcon_entry_header(e);
		w = xmlcon_entry_explanation(e);
		/* The raw view saves the bytes as they came. */
		x = e->has_raw && !view_parsed ? g_strdup(xring_raw(e)) :
		    xp_format_text(xring_text(e), &opts);
		g_string_append_printf(s, "%s\n%s%s%s%s\n\n", h, w ? "  " : "",
		    w ? w : "", w ? "\n" : "", x);
	}
	ok = files_write_private(path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

/*
 * "→ condition: what it means; likely cause: ..." for an error stanza or
 * stream error (new), or NULL: the line under its header. A presence
 * error from a full JID comes from a room (a refused join or nick).
 */
char *
xmlcon_entry_explanation(const struct xmlcon_entry *e)
{
	static const char *const kinds[] = { "message", "presence", "iq" };
	const char *stanza = NULL, *xml = xring_text(e);
	g_autofree char *why = NULL;
	struct xp_top top;
	bool room;
	guint k;

	for (k = 0; k < G_N_ELEMENTS(kinds); k++)
		if (e->kind == 1u << k)
			stanza = kinds[k];
	if (e->error ? stanza == NULL : e->kind != XMLCON_STREAM ||
	    strstr(xml, "error") == NULL)
		return NULL;
	xp_top_parse(xml, &top);
	room = top.from != NULL && strchr(top.from, '/') != NULL;
	xp_top_clear(&top);
	why = xerr_explain_xml(xml, stanza, stanza != NULL &&
	    strcmp(stanza, "presence") == 0 && room);
	return why != NULL ? g_strconcat("\xe2\x86\x92 ", why, NULL) : NULL;
}
