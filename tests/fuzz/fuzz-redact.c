/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the raw-traffic redaction (xmpp/proto-raw.c), fed
 * what libstrophe's log handler is given: any bytes after "SENT: " or
 * "RECV: ". Checks that a SASL payload never survives: inside the output,
 * every <auth>, <response>, <challenge> and <success> element with
 * content holds only "[redacted]", and redacting again changes nothing.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/proto-raw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *in = g_strndup((const char *)data, size);
	g_autofree char *out = proto_raw_redact(in);
	g_autofree char *again = NULL;

	if (out == NULL)
		abort();
	if (strchr(in, '<') == NULL && strcmp(in, out) != 0)
		abort();		/* nothing to redact: unchanged */
	again = proto_raw_redact(out);
	if (strcmp(again, out) != 0)
		abort();		/* a payload left to redact */
	return 0;
}
