/* SPDX-License-Identifier: MIT */
#ifndef NATTER_MSG_H
#define NATTER_MSG_H

#include <glib.h>
#include <stdbool.h>

enum msg_dir {
	MSG_IN,
	MSG_OUT,
};

/*
 * A one-to-one (or, outgoing, room) message travelling through the pipeline. All strings owned;
 * free with msg_free().
 */
struct msg {
	enum msg_dir	 dir;
	char		*account;
	char		*peer;		/* bare JID of the other party */
	char		*resource;	/* sender's (in) or target's (out), or NULL */
	char		*type;		/* chat|normal|groupchat (out) */
	char		*body;
	char		*id;		/* stanza id */
	char		*origin_id;	/* XEP-0359 */
	char		*stanza_id;	/* XEP-0359, assigned by the server */
	char		*corrects;	/* XEP-0308: id of the corrected message */
	char		*encryption;	/* "otr" when it travels encrypted */
	char		*wire_body;	/* what goes on the wire instead of body
					   (OTR ciphertext, tagged text), or
					   NULL: body itself */
	gint64		 time;		/* microseconds; original time if delayed */
	bool		 delayed;	/* XEP-0203 */
	bool		 carbon;	/* XEP-0280 copy from another device */
	bool		 receipt;	/* XEP-0184 receipt requested */
	bool		 archived;	/* XEP-0313 result of a catch-up */
	gint64		 row;		/* history row, 0 when not stored */
};

/* One named stage; returning false stops the message. */
typedef bool msg_stage_fn(struct msg *m, GError **error);
struct msg_stage {
	const char	*name;
	msg_stage_fn	*fn;
};

struct msg	*msg_new(enum msg_dir dir, const char *account, const char *peer,
		    const char *body);
void		 msg_free(struct msg *m);
bool		 msg_is_room(const struct msg *m);
bool		 msg_pipeline_in(struct msg *m, GError **error);
struct msg	*msg_send(const char *account, const char *peer,
		    const char *body, const char *corrects, GError **error);
struct msg	*msg_send_room(const char *account, const char *room,
		    const char *nick, const char *body, GError **error);
const struct msg_stage *msg_stages(enum msg_dir dir);


#endif
