/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness of the received-bytes splitter (util/xmlsplit.c),
 * entered with any bytes from the network, in chunks chosen by the input.
 * Beyond memory errors it checks the module's promises: each piece is the
 * input's next bytes after whitespace between pieces, never longer than
 * the bound, and the pieces do not depend on how the bytes were cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmlsplit.h"

#define MAX_PIECE 64

/* Split data fed in chunks of at most chunk bytes; the pieces in order. */
static GPtrArray *
split(const uint8_t *data, size_t size, size_t chunk)
{
	struct xsplit *s = xsplit_new(MAX_PIECE);
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)xsplit_piece_free);
	struct xsplit_piece *p;
	size_t off;

	for (off = 0; off < size; off += chunk) {
		xsplit_feed(s, (const char *)data + off, MIN(chunk, size - off));
		while ((p = xsplit_next(s)) != NULL)
			g_ptr_array_add(out, p);
	}
	if (xsplit_pending(s) > size)
		abort();
	xsplit_free(s);
	return out;
}

/* Each piece starts at the input's next non-whitespace byte. */
static void
check_exact(const uint8_t *data, size_t size, GPtrArray *pieces)
{
	size_t pos = 0;
	guint i;

	for (i = 0; i < pieces->len; i++) {
		struct xsplit_piece *p = g_ptr_array_index(pieces, i);

		while (pos < size && g_ascii_isspace(data[pos]))
			pos++;
		if (p->len > MAX_PIECE || p->len + p->dropped > size - pos ||
		    memcmp(data + pos, p->bytes, p->len) != 0 ||
		    p->bytes[p->len] != '\0')
			abort();
		pos += p->len + p->dropped;
	}
}

static void
check_same(GPtrArray *a, GPtrArray *b)
{
	guint i;

	if (a->len != b->len)
		abort();
	for (i = 0; i < a->len; i++) {
		struct xsplit_piece *x = g_ptr_array_index(a, i);
		struct xsplit_piece *y = g_ptr_array_index(b, i);

		if (x->kind != y->kind || x->len != y->len ||
		    x->dropped != y->dropped || strcmp(x->name, y->name) != 0 ||
		    memcmp(x->bytes, y->bytes, x->len) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk = size > 0 ? (size_t)data[0] % 7 + 1 : 1;
	g_autoptr(GPtrArray) whole = split(data, size, size > 0 ? size : 1);
	g_autoptr(GPtrArray) cut = split(data, size, chunk);

	check_exact(data, size, whole);
	check_same(whole, cut);
	return 0;
}
