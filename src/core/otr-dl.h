/* SPDX-License-Identifier: MIT */
#ifndef NATTER_OTR_DL_H
#define NATTER_OTR_DL_H

#include <glib.h>
#include <stdbool.h>

/*
 * libotr (and libgcrypt under it) is opened with dlopen() when OTR is
 * first used (otr_load()), not linked: a session without OTR never maps
 * it (PRODUCT §12: memory after login, start time). Included by
 * otr-internal.h after libotr's headers: every call of a function below
 * in otr*.c goes through the pointer otr_dl_open() filled in. Shared by
 * otr*.c only; a function used there must be listed here (the link
 * fails otherwise: natter is not linked with libotr).
 */
#define OTR_DL_FUNCS(X) \
	X(otrl_init) X(otrl_auth_clear) X(otrl_context_find) \
	X(otrl_context_is_fingerprint_trusted) X(otrl_context_set_trust) \
	X(otrl_instag_generate_FILEp) X(otrl_instag_read) \
	X(otrl_message_abort_smp) X(otrl_message_disconnect_all_instances) \
	X(otrl_message_free) X(otrl_message_initiate_smp) \
	X(otrl_message_initiate_smp_q) X(otrl_message_poll) \
	X(otrl_message_receiving) X(otrl_message_respond_smp) \
	X(otrl_message_sending) X(otrl_privkey_find) \
	X(otrl_privkey_fingerprint) X(otrl_privkey_generate_calculate) \
	X(otrl_privkey_generate_cancelled) \
	X(otrl_privkey_generate_finish_FILEp) X(otrl_privkey_generate_start) \
	X(otrl_privkey_hash_to_human) X(otrl_privkey_read) \
	X(otrl_privkey_read_fingerprints) \
	X(otrl_privkey_write_fingerprints_FILEp) \
	X(otrl_proto_default_query_msg) X(otrl_sm_state_free) \
	X(otrl_tlv_free) X(otrl_userstate_create) X(otrl_userstate_free) \
	X(gcry_error_from_errno) X(gcry_strerror)

#define OTR_DL_DECLARE(f) extern __typeof__(f) *otr_dl_##f;
OTR_DL_FUNCS(OTR_DL_DECLARE)
#undef OTR_DL_DECLARE

bool	 otr_dl_open(GError **error);

#ifndef OTR_DL_IMPLEMENTATION
#define otrl_init (*otr_dl_otrl_init)
#define otrl_auth_clear (*otr_dl_otrl_auth_clear)
#define otrl_context_find (*otr_dl_otrl_context_find)
#define otrl_context_is_fingerprint_trusted \
	(*otr_dl_otrl_context_is_fingerprint_trusted)
#define otrl_context_set_trust (*otr_dl_otrl_context_set_trust)
#define otrl_instag_generate_FILEp (*otr_dl_otrl_instag_generate_FILEp)
#define otrl_instag_read (*otr_dl_otrl_instag_read)
#define otrl_message_abort_smp (*otr_dl_otrl_message_abort_smp)
#define otrl_message_disconnect_all_instances \
	(*otr_dl_otrl_message_disconnect_all_instances)
#define otrl_message_free (*otr_dl_otrl_message_free)
#define otrl_message_initiate_smp (*otr_dl_otrl_message_initiate_smp)
#define otrl_message_initiate_smp_q (*otr_dl_otrl_message_initiate_smp_q)
#define otrl_message_poll (*otr_dl_otrl_message_poll)
#define otrl_message_receiving (*otr_dl_otrl_message_receiving)
#define otrl_message_respond_smp (*otr_dl_otrl_message_respond_smp)
#define otrl_message_sending (*otr_dl_otrl_message_sending)
#define otrl_privkey_find (*otr_dl_otrl_privkey_find)
#define otrl_privkey_fingerprint (*otr_dl_otrl_privkey_fingerprint)
#define otrl_privkey_generate_calculate \
	(*otr_dl_otrl_privkey_generate_calculate)
#define otrl_privkey_generate_cancelled \
	(*otr_dl_otrl_privkey_generate_cancelled)
#define otrl_privkey_generate_finish_FILEp \
	(*otr_dl_otrl_privkey_generate_finish_FILEp)
#define otrl_privkey_generate_start (*otr_dl_otrl_privkey_generate_start)
#define otrl_privkey_hash_to_human (*otr_dl_otrl_privkey_hash_to_human)
#define otrl_privkey_read (*otr_dl_otrl_privkey_read)
#define otrl_privkey_read_fingerprints \
	(*otr_dl_otrl_privkey_read_fingerprints)
#define otrl_privkey_write_fingerprints_FILEp \
	(*otr_dl_otrl_privkey_write_fingerprints_FILEp)
#define otrl_proto_default_query_msg (*otr_dl_otrl_proto_default_query_msg)
#define otrl_sm_state_free (*otr_dl_otrl_sm_state_free)
#define otrl_tlv_free (*otr_dl_otrl_tlv_free)
#define otrl_userstate_create (*otr_dl_otrl_userstate_create)
#define otrl_userstate_free (*otr_dl_otrl_userstate_free)
#define gcry_error_from_errno (*otr_dl_gcry_error_from_errno)
#define gcry_strerror (*otr_dl_gcry_strerror)
#endif

#endif
