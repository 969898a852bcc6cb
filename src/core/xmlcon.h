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

struct xmlcon_entry {
	guint64		 seq;		/* number shown, used by recall */
	gint64		 time;		/* microseconds since the epoch */
	char		*account;	/* owned */
	bool		 out;		/* sent by us */
	bool		 ack;		/* stream-management <r/> or <a/> */
	bool		 error;		/* type='error' */
	enum xmlcon_kind kind;
	char		*xml;		/* owned, redacted; received: as parsed */
	char		*raw;		/* received: the exact bytes, redacted,
					   or NULL (owned) */
	char		*from, *to, *id, *type;	/* owned, or NULL */
	guint64		 pair;		/* seq of the request/reply, or 0 */
	gint64		 rtt;		/* reply: round trip in us, or -1 */
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
GList		*xmlcon_oldest(void);	/* borrowed links, data: entries */
GList		*xmlcon_newest(void);
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
