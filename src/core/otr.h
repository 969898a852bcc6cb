/* SPDX-License-Identifier: MIT */
#ifndef NATTER_OTR_H
#define NATTER_OTR_H

#include <glib.h>
#include <stdbool.h>

#include "msg.h"

/* What a conversation looks like to the user (PRODUCT §8). */
enum otr_state {
	OTR_PLAIN,
	OTR_UNTRUSTED,		/* private, fingerprint not verified */
	OTR_TRUSTED,
	OTR_FINISHED,		/* the other side ended it */
};

/*
 * What the protocol layer offers OTR (registered at init; the core never
 * calls upward): send text, an OTR protocol message or ciphertext, to
 * peer (bare JID; resource: the device to address, or NULL) as a chat
 * message that servers and other devices must not copy or store. It
 * does not pass through the message pipeline: nothing is shown, stored or
 * encrypted again.
 */
struct otr_transport {
	bool	(*inject)(const char *account, const char *peer,
		    const char *resource, const char *text);
};

bool		 otr_init(GError **error);
void		 otr_free(void);
bool		 otr_loaded(void);
void		 otr_set_transport(const struct otr_transport *t);
bool		 otr_encrypt(struct msg *m, GError **error);
bool		 otr_decrypt(struct msg *m, GError **error);
bool		 otr_start(const char *account, const char *peer,
		    GError **error);
bool		 otr_end(const char *account, const char *peer,
		    GError **error);
enum otr_state	 otr_state_of(const char *account, const char *peer);
const char	*otr_state_name(enum otr_state state);
bool		 otr_peer_ok(const char *account, const char *peer,
		    GError **error);

/* Keys (otr-keys.c). */
bool		 otr_keygen(const char *account, GError **error);
bool		 otr_keygen_running(const char *account);
char		*otr_fingerprint_mine(const char *account, GError **error);

/* Fingerprints, trust and SMP (otr-trust.c). */
char		*otr_fingerprint_theirs(const char *account, const char *peer,
		    bool *trusted, GError **error);
bool		 otr_trust(const char *account, const char *peer, bool trust,
		    GError **error);
bool		 otr_smp_secret(const char *account, const char *peer,
		    const char *secret, GError **error);
bool		 otr_smp_question(const char *account, const char *peer,
		    const char *question, const char *answer, GError **error);
bool		 otr_smp_answer(const char *account, const char *peer,
		    const char *answer, GError **error);

/* Policies (otr-policy.c). */
const char	*otr_policy_of(const char *account, const char *peer);
bool		 otr_policy_set(const char *account, const char *peer,
		    const char *policy, GError **error);
bool		 otr_policy_load(const char *path, GError **error);
void		 otr_policy_free(void);

#endif
