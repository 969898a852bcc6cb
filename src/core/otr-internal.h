/* SPDX-License-Identifier: MIT */
#ifndef NATTER_OTR_INTERNAL_H
#define NATTER_OTR_INTERNAL_H

/* Shared by otr.c, otr-keys.c, otr-trust.c and otr-policy.c only. */
/* libotr's headers need this order: proto.h defines what the others use. */
#include <libotr/proto.h>
#include <libotr/context.h>
#include <libotr/instag.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>

#include "otr-dl.h"

#include "otr.h"

/* libotr's protocol name for every context, key and fingerprint. */
#define OTR_PROTOCOL "xmpp"

extern OtrlUserState otr_us;
extern const OtrlMessageAppOps otr_ops;

void		 otr_load(void);
char		*otr_account_id(const char *account);
const char	*otr_account_name(const char *otr_account);
ConnContext	*otr_context(const char *account, const char *peer,
		    otrl_instag_t tag);
void		 otr_refresh(const char *account, const char *peer,
		    const char *text);
void		 otr_refresh_all(void);
void		 otr_error(const char *account, const char *peer,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char		*otr_human_fp(const unsigned char *raw);

bool		 otr_keys_load(GError **error);
void		 otr_keys_free(void);
bool		 otr_keys_write_fingerprints(void);
void		 otr_keys_create_privkey(const char *otr_account,
		    const char *peer);
void		 otr_keys_create_instag(const char *otr_account);
bool		 otr_keys_have(const char *otr_account);
void		 otr_keys_start_after(const char *account, const char *peer);

void		 otr_smp_event(const char *account, const char *peer,
		    OtrlSMPEvent event, const char *question);
void		 otr_smp_free(void);

#endif
