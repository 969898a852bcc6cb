/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CERTSTORE_H
#define NATTER_CERTSTORE_H

#include <glib.h>
#include <stdbool.h>

/* A certificate the user trusted (TOFU). Strings owned. */
struct cert_trust {
	char	*fingerprint;	/* SHA-256 */
	char	*host;
	char	*subject;
};

bool		 certstore_load(const char *path, GPtrArray *warnings);
void		 certstore_free(void);
bool		 certstore_is_trusted(const char *fingerprint);
bool		 certstore_add(const char *fingerprint, const char *host,
		    const char *subject, GError **error);
bool		 certstore_revoke(const char *fingerprint, GError **error);
GPtrArray	*certstore_list(void);

#endif
