/* SPDX-License-Identifier: MIT */
/*
 * OTR policies (PRODUCT §8): manual, opportunistic or always, per contact
 * (otr/policies: a key file, one group per account, JID = policy; mode
 * 0600), else per account (its otr_policy key), else the otr.policy
 * preference. core layer.
 */
#include <string.h>

#include "account.h"
#include "otr-internal.h"
#include "prefs.h"
#include "util/files.h"
#include "util/xdg.h"

static GKeyFile *contacts;
static char *cached;	/* the last contact policy returned */

static bool
valid(const char *policy)
{
	return g_strcmp0(policy, "manual") == 0 ||
	    g_strcmp0(policy, "opportunistic") == 0 ||
	    g_strcmp0(policy, "always") == 0;
}

static char *
policies_path(void)
{
	return xdg_path(XDG_DATA, "otr/policies");
}

/*
 * Read the per-contact policies from path (NULL: otr/policies); a missing
 * file is none. False with error when it cannot be parsed.
 */
bool
otr_policy_load(const char *path, GError **error)
{
	g_autofree char *dflt = path == NULL ? policies_path() : NULL;
	g_autoptr(GError) err = NULL;

	if (contacts != NULL)
		g_key_file_unref(contacts);
	contacts = g_key_file_new();
	if (g_key_file_load_from_file(contacts, path != NULL ? path : dflt,
	    G_KEY_FILE_NONE, &err) ||
	    g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		return true;
	g_set_error(error, G_FILE_ERROR, 0, "%s: %s; per-contact OTR policies "
	    "are not used", path != NULL ? path : dflt, err->message);
	return false;
}

/* Forget the per-contact policies. */
void
otr_policy_free(void)
{
	g_clear_pointer(&contacts, g_key_file_unref);
	g_clear_pointer(&cached, g_free);
}

/*
 * The policy that applies to account's conversation with peer (NULL: the
 * account's own): the contact's, the account's, or the preference.
 */
const char *
otr_policy_of(const char *account, const char *peer)
{
	struct account *acc = account != NULL ? account_find(account) : NULL;
	const char *p;

	g_clear_pointer(&cached, g_free);
	if (peer != NULL && contacts != NULL) {
		cached = g_key_file_get_string(contacts, account, peer, NULL);
		if (valid(cached))
			return cached;
	}
	p = acc != NULL ? account_get(acc, "otr_policy") : NULL;
	if (valid(p))
		return p;
	p = prefs_get("otr.policy");
	return valid(p) ? p : "manual";
}

/*
 * Set the policy of account (peer NULL; saved in the accounts file) or of
 * its conversations with peer (saved in otr/policies).
 */
bool
otr_policy_set(const char *account, const char *peer, const char *policy,
    GError **error)
{
	struct account *acc = account != NULL ? account_find(account) : NULL;
	g_autofree char *path = NULL, *data = NULL;
	gsize len;

	if (acc == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "no account '%s'", account);
		return false;
	}
	if (!valid(policy)) {
		g_set_error(error, G_FILE_ERROR, 0, "unknown OTR policy '%s' "
		    "(manual, opportunistic or always)", policy);
		return false;
	}
	if (peer == NULL)
		return account_set(acc, "otr_policy", policy, error);
	if (contacts == NULL)
		contacts = g_key_file_new();
	g_key_file_set_string(contacts, account, peer, policy);
	data = g_key_file_to_data(contacts, &len, NULL);
	path = policies_path();
	return files_write_private(path, data, len, error);
}
