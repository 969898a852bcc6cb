/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMLCON_H
#define NATTER_XMLCON_H

/*
 * The XML console's model (PRODUCT §7): a ring of the raw traffic of every
 * account, kept from connect time and bounded in bytes, with each entry
 * classified for the filters and IQ requests paired with their replies.
 * Fed by EV_RAW_IN/EV_RAW_OUT (already redacted by the xmpp layer); the
 * TUI draws from it, commands filter, search, save and recall from it.
 */
#include <glib.h>
#include <stdbool.h>

enum xmlcon_kind {
	XMLCON_MESSAGE = 1 << 0,
	XMLCON_PRESENCE = 1 << 1,
	XMLCON_IQ = 1 << 2,
	XMLCON_STREAM = 1 << 3,	/* everything else: features, SASL, SM... */
	XMLCON_ALL = 0xf,
};

struct xring_block;

/*
 * One piece of traffic. Entries are records of the ring's array: a pointer
 * to one stays valid until the next xmlcon_add (or clear). The text is
 * read with xmlcon_entry_xml() (as parsed) and xmlcon_entry_raw() (a
 * received element's exact bytes, or NULL); from, to, id and type are
 * parsed from it when a filter or explanation needs them.
 */
struct xmlcon_entry {
	guint64		 seq;		/* number shown, used by recall */
	gint64		 time;		/* microseconds since the epoch */
	const char	*account;	/* interned by the ring */
	guint64		 pair;		/* seq of the request/reply, or 0 */
	gint64		 rtt;		/* reply: round trip in us, or -1 */
	struct xring_block *block;	/* where its text is */
	guint32		 off;		/* of the text in the block */
	unsigned	 kind : 8;	/* enum xmlcon_kind */
	bool		 out : 1;	/* sent by us */
	bool		 ack : 1;	/* stream-management <r/> or <a/> */
	bool		 error : 1;	/* type='error' */
	bool		 has_raw : 1;	/* the exact bytes follow the text */
};

/* A combination of conditions (all must hold); NULL/0 fields match all. */
struct xmlcon_filter {
	unsigned	 kinds;		/* enum xmlcon_kind bits; 0: all */
	int		 dir;		/* 0: both, 1: received, 2: sent */
	char		*ns;
	char		*jid;
	char		*id;
	char		*text;
};

void		 xmlcon_init(void);
void		 xmlcon_free(void);
void		 xmlcon_add(const char *account, bool out, const char *xml,
		    const char *raw, gint64 time);
void		 xmlcon_clear(void);
guint		 xmlcon_count(void);
size_t		 xmlcon_bytes(void);
const struct xmlcon_entry *xmlcon_nth(guint i);
const char	*xmlcon_entry_xml(const struct xmlcon_entry *e);
const char	*xmlcon_entry_raw(const struct xmlcon_entry *e);
const struct xmlcon_entry *xmlcon_get(guint64 seq);
guint64		 xmlcon_last_seq(void);
bool		 xmlcon_renumber(guint64 seq);

bool		 xmlcon_filter_parse(char **argv, struct xmlcon_filter *f,
		    GError **error);
void		 xmlcon_filter_clear(struct xmlcon_filter *f);
char		*xmlcon_filter_describe(const struct xmlcon_filter *f);
bool		 xmlcon_match(const struct xmlcon_filter *f, bool hide_acks,
		    const struct xmlcon_entry *e);

/* The filter and pause state of the console view, shared by all UIs. */
struct xmlcon_filter *xmlcon_view_filter(void);
bool		 xmlcon_visible(const struct xmlcon_entry *e);
void		 xmlcon_pause(bool pause);
guint64		 xmlcon_paused_at(void);	/* 0: not paused */
char		*xmlcon_entry_header(const struct xmlcon_entry *e);
char		*xmlcon_entry_explanation(const struct xmlcon_entry *e);

/*
 * Received stanzas are shown as the exact bytes (the raw view, default)
 * or as parsed. The raw view needs a libstrophe that hands the bytes
 * over; without one (or for an entry without bytes) the parsed form is
 * shown.
 */
void		 xmlcon_set_view_raw(bool raw);
bool		 xmlcon_view_raw(void);
bool		 xmlcon_raw_available(void);
const char	*xmlcon_entry_shown(const struct xmlcon_entry *e);
#define XMLCON_RAW_UNAVAILABLE "exact bytes unavailable with this libstrophe"

bool		 xmlcon_save(const char *path, GError **error);

#endif
