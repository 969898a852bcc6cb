/* SPDX-License-Identifier: MIT */
/*
 * Trust in a contact's OTR fingerprint: marked by hand (/otr trust,
 * untrust) or by the socialist millionaires' protocol (SMP: both sides
 * prove they know the same secret without revealing it; libotr marks the
 * fingerprint "smp" on success). Trust is saved with the fingerprints.
 * Emits otr-smp for each step the user must see or answer. core layer.
 */
#include <string.h>

#include "events.h"
#include "otr-internal.h"
#include "util/log.h"

/* "account\npeer" -> "secret" or "question": they asked, we answer. */
static GHashTable *asked;

static char *
key_of(const char *account, const char *peer)
{
	return g_strdup_printf("%s\n%s", account, peer);
}

/* The private context with peer, or NULL with an error. */
static ConnContext *
private_context(const char *account, const char *peer, GError **error)
{
	ConnContext *c = otr_context(account, peer, OTRL_INSTAG_BEST);

	if (c == NULL || c->msgstate != OTRL_MSGSTATE_ENCRYPTED ||
	    c->active_fingerprint == NULL ||
	    c->active_fingerprint->fingerprint == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "no private conversation "
		    "with %s (/otr start)", peer);
		return NULL;
	}
	return c;
}

/*
 * peer's fingerprint in the private conversation (caller frees), whether
 * it is trusted in *trusted; NULL with error when there is none.
 */
char *
otr_fingerprint_theirs(const char *account, const char *peer, bool *trusted,
    GError **error)
{
	ConnContext *c = private_context(account, peer, error);

	if (c == NULL)
		return NULL;
	if (trusted != NULL)
		*trusted = otrl_context_is_fingerprint_trusted(
		    c->active_fingerprint) != 0;
	return otr_human_fp(c->active_fingerprint->fingerprint);
}

/* Mark peer's fingerprint (of the private conversation) trusted or not. */
bool
otr_trust(const char *account, const char *peer, bool trust, GError **error)
{
	ConnContext *c = private_context(account, peer, error);
	g_autofree char *fp = NULL, *text = NULL;

	if (c == NULL)
		return false;
	otrl_context_set_trust(c->active_fingerprint, trust ? "verified" : "");
	if (!otr_keys_write_fingerprints()) {
		g_set_error(error, G_FILE_ERROR, 0, "the fingerprints file "
		    "could not be written");
		return false;
	}
	fp = otr_human_fp(c->active_fingerprint->fingerprint);
	text = g_strdup_printf("%s's fingerprint %s is %s", peer, fp, trust ?
	    "now trusted (verified by you)" : "no longer trusted");
	otr_refresh(account, peer, text);
	return true;
}

static const char *
asked_of(const char *account, const char *peer)
{
	g_autofree char *k = key_of(account, peer);

	return asked != NULL ? g_hash_table_lookup(asked, k) : NULL;
}

static void
set_asked(const char *account, const char *peer, const char *what)
{
	if (asked == NULL)
		asked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    NULL);
	if (what != NULL)
		g_hash_table_replace(asked, key_of(account, peer),
		    (gpointer)what);
	else {
		g_autofree char *k = key_of(account, peer);

		g_hash_table_remove(asked, k);
	}
}

/*
 * Authenticate peer with a shared secret: answers their request when they
 * asked first, else asks them. The result comes as otr-smp.
 */
bool
otr_smp_secret(const char *account, const char *peer, const char *secret,
    GError **error)
{
	ConnContext *c = private_context(account, peer, error);
	const char *a = asked_of(account, peer);

	if (c == NULL)
		return false;
	if (a != NULL && strcmp(a, "secret") == 0) {
		set_asked(account, peer, NULL);
		otrl_message_respond_smp(otr_us, &otr_ops, NULL, c,
		    (const unsigned char *)secret, strlen(secret));
	} else {
		otrl_message_initiate_smp(otr_us, &otr_ops, NULL, c,
		    (const unsigned char *)secret, strlen(secret));
	}
	return true;
}

/* Ask peer question; answer is what they must reply to be trusted. */
bool
otr_smp_question(const char *account, const char *peer, const char *question,
    const char *answer, GError **error)
{
	ConnContext *c = private_context(account, peer, error);

	if (c == NULL)
		return false;
	otrl_message_initiate_smp_q(otr_us, &otr_ops, NULL, c, question,
	    (const unsigned char *)answer, strlen(answer));
	return true;
}

/* Answer the question (or secret request) peer sent. */
bool
otr_smp_answer(const char *account, const char *peer, const char *answer,
    GError **error)
{
	ConnContext *c = private_context(account, peer, error);

	if (c == NULL)
		return false;
	if (asked_of(account, peer) == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "%s has not asked "
		    "anything (/otr question or /otr secret asks them)", peer);
		return false;
	}
	set_asked(account, peer, NULL);
	otrl_message_respond_smp(otr_us, &otr_ops, NULL, c,
	    (const unsigned char *)answer, strlen(answer));
	return true;
}

static void
emit_smp(const char *account, const char *peer, const char *state,
    const char *question, const char *text)
{
	struct ev ev = { .kind = EV_OTR_SMP, .account = account };

	ev.u.otr_smp.peer = peer;
	ev.u.otr_smp.state = state;
	ev.u.otr_smp.question = question;
	ev.u.otr_smp.text = text;
	ev_emit(&ev);
}

static void
smp_result(const char *account, const char *peer, bool ok)
{
	enum otr_state st = otr_state_of(account, peer);
	g_autofree char *text = NULL;

	set_asked(account, peer, NULL);
	if (ok && st == OTR_TRUSTED)
		text = g_strdup_printf("authentication of %s succeeded: their "
		    "fingerprint is verified", peer);
	else if (ok)
		text = g_strdup_printf("you answered %s correctly: they have "
		    "verified you (ask them with /otr question to verify "
		    "them)", peer);
	else
		text = g_strdup_printf("authentication of %s failed: the "
		    "secrets differ (or someone is in the middle)", peer);
	emit_smp(account, peer, ok ? "succeeded" : "failed", NULL, text);
	otr_refresh(account, peer, NULL);
}

/* An SMP step from libotr for account's conversation with peer. */
void
otr_smp_event(const char *account, const char *peer, OtrlSMPEvent event,
    const char *question)
{
	g_autofree char *text = NULL;
	ConnContext *c;

	switch (event) {
	case OTRL_SMPEVENT_ASK_FOR_SECRET:
		set_asked(account, peer, "secret");
		text = g_strdup_printf("%s wants to authenticate with a shared "
		    "secret: answer with /otr secret SECRET", peer);
		emit_smp(account, peer, "asked", NULL, text);
		break;
	case OTRL_SMPEVENT_ASK_FOR_ANSWER:
		set_asked(account, peer, "question");
		text = g_strdup_printf("%s asks you (to authenticate): %s -- "
		    "answer with /otr answer ANSWER", peer, question);
		emit_smp(account, peer, "question", question, text);
		break;
	case OTRL_SMPEVENT_SUCCESS:
	case OTRL_SMPEVENT_FAILURE:
		smp_result(account, peer, event == OTRL_SMPEVENT_SUCCESS);
		break;
	case OTRL_SMPEVENT_CHEATED:
	case OTRL_SMPEVENT_ERROR:
		c = otr_context(account, peer, OTRL_INSTAG_BEST);
		if (c != NULL)
			otrl_message_abort_smp(otr_us, &otr_ops, NULL, c);
		/* FALLTHROUGH */
	case OTRL_SMPEVENT_ABORT:
		set_asked(account, peer, NULL);
		text = g_strdup_printf("authentication of %s was aborted",
		    peer);
		emit_smp(account, peer, "aborted", NULL, text);
		break;
	default:
		log_debug("otr: SMP with %s in progress", peer);
		break;
	}
}

/* Forget pending SMP requests (at exit). */
void
otr_smp_free(void)
{
	g_clear_pointer(&asked, g_hash_table_unref);
}
