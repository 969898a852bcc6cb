/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the query answers: the bytes are parsed by
 * libstrophe into a reply, which is parsed as the answer to each query
 * kind (proto_query_parse, as proto_query's reply handler does), then
 * rendered as text and as JSON (cmd-result.c). Every text line and every
 * JSON object must be valid UTF-8 on one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "cmd/cmd-result.h"
#include "xmpp/proto-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

/* s must be valid UTF-8 without a line break (NULL: nothing to check). */
static void
one_line(const char *s)
{
	if (s != NULL && (!g_utf8_validate(s, -1, NULL) ||
	    strpbrk(s, "\r\n") != NULL))
		abort();
}

static void
render(const struct proto_result *r, const struct proto_error *e,
    enum proto_query kind)
{
	g_autoptr(GPtrArray) lines = NULL;
	g_autofree char *json = NULL, *why = NULL;
	guint i;

	if (r == NULL) {
		why = proto_error_string(e);
		json = cmd_result_error_json("x@example.org/r", kind, e);
		one_line(why);
		one_line(json);
		return;
	}
	lines = cmd_result_text("x@example.org/r", r);
	for (i = 0; i < lines->len; i++)
		one_line(g_ptr_array_index(lines, i));
	json = cmd_result_json("x@example.org/r", r, NULL);
	one_line(json);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	struct proto_caps *caps;
	xmpp_stanza_t *st;
	int kind;

	if (ctx == NULL)
		ctx = xmpp_ctx_new(NULL, NULL);
	st = xmpp_stanza_new_from_string(ctx, text);
	if (st == NULL)
		return 0;
	caps = proto_caps_new("x@example.org/r", "sha-1", "n", "v=");
	for (kind = PQ_DISCO_INFO; kind <= PQ_CAPS; kind++) {
		struct proto_error e;
		struct proto_result *r;

		memset(&e, 0, sizeof(e));
		r = proto_query_parse(ctx, kind, st, caps, &e);
		render(r, &e, kind);
		proto_result_free(r);
		proto_error_clear(&e);
	}
	proto_caps_free(caps);
	xmpp_stanza_release(st);
	return 0;
}
