/* SPDX-License-Identifier: MIT */
/*
 * Certificates trusted by the user after a prompt (trust on first use),
 * kept in $XDG_DATA_HOME/natter/trusted-certs, one per line:
 * "FINGERPRINT<TAB>HOST<TAB>SUBJECT". Fingerprints compare
 * case-insensitively, ignoring colons. core layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "certstore.h"
#include "util/errors.h"
#include "util/files.h"

static GPtrArray *trusted;	/* struct cert_trust */
static char *store_path;

static void
trust_free(struct cert_trust *t)
{
	g_free(t->fingerprint);
	g_free(t->host);
	g_free(t->subject);
	g_free(t);
}

static char *
normalize(const char *fp)
{
	GString *s = g_string_new(NULL);

	for (; *fp != '\0'; fp++)
		if (g_ascii_isxdigit(*fp))
			g_string_append_c(s, g_ascii_tolower(*fp));
	return g_string_free(s, FALSE);
}

static GPtrArray *
list(void)
{
	if (trusted == NULL)
		trusted = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)trust_free);
	return trusted;
}

/* Load the store; malformed lines are reported in warnings and skipped. */
bool
certstore_load(const char *path, GPtrArray *warnings)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	size_t i;

	certstore_free();
	store_path = g_strdup(path);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return true;
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], "\t", 3);
		struct cert_trust *t;

		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		if (g_strv_length(f) < 2 || strlen(f[0]) < 32) {
			g_ptr_array_add(warnings, g_strdup_printf(
			    "trusted-certs:%zu: malformed line; ignored", i + 1));
			continue;
		}
		t = g_new0(struct cert_trust, 1);
		t->fingerprint = g_strdup(f[0]);
		t->host = g_strdup(f[1]);
		t->subject = g_strdup(f[2] != NULL ? f[2] : "");
		g_ptr_array_add(list(), t);
	}
	return true;
}

/* Forget the store. */
void
certstore_free(void)
{
	g_clear_pointer(&trusted, g_ptr_array_unref);
	g_clear_pointer(&store_path, g_free);
}

static struct cert_trust *
find(const char *fp)
{
	g_autofree char *n = normalize(fp);
	GPtrArray *l = list();
	guint i;

	for (i = 0; i < l->len; i++) {
		struct cert_trust *t = g_ptr_array_index(l, i);
		g_autofree char *m = normalize(t->fingerprint);

		if (*n != '\0' && strcmp(n, m) == 0)
			return t;
	}
	return NULL;
}

/* True when the user trusted this fingerprint. */
bool
certstore_is_trusted(const char *fingerprint)
{
	return fingerprint != NULL && find(fingerprint) != NULL;
}

static bool
save(GError **error)
{
	GString *s = g_string_new("# natter: certificates trusted by the "
	    "user (fingerprint, host, subject)\n");
	GPtrArray *l = list();
	guint i;
	bool ok;

	for (i = 0; i < l->len; i++) {
		struct cert_trust *t = g_ptr_array_index(l, i);

		g_string_append_printf(s, "%s\t%s\t%s\n", t->fingerprint,
		    t->host, t->subject);
	}
	ok = files_write_private(store_path, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

static char *
one_line(const char *s)
{
	char *c = g_strdup(s != NULL ? s : "");

	g_strdelimit(c, "\t\r\n", ' ');
	return c;
}

/* Trust a certificate and save the store. */
bool
certstore_add(const char *fingerprint, const char *host, const char *subject,
    GError **error)
{
	struct cert_trust *t;

	if (find(fingerprint) != NULL)
		return true;
	t = g_new0(struct cert_trust, 1);
	t->fingerprint = one_line(fingerprint);
	t->host = one_line(host);
	t->subject = one_line(subject);
	g_ptr_array_add(list(), t);
	return store_path == NULL || save(error);
}

/* Stop trusting a certificate and save the store. */
bool
certstore_revoke(const char *fingerprint, GError **error)
{
	struct cert_trust *t = find(fingerprint);

	if (t == NULL) {
		g_set_error(error, NATTER_CONFIG_ERROR, 0,
		    "no trusted certificate with fingerprint %s (/tls list)",
		    fingerprint);
		return false;
	}
	g_ptr_array_remove(list(), t);
	return store_path == NULL || save(error);
}

/* The trusted certificates, borrowed. */
GPtrArray *
certstore_list(void)
{
	return list();
}
