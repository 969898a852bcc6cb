/* SPDX-License-Identifier: MIT */
/*
 * The XML console's compact ring (see xmlcon-ring.h). Entries live in a
 * circular array grown on demand; their text is appended, NUL-terminated,
 * to the open block, which is deflated when it reaches BLOCK_RAW bytes.
 * A block is freed with its last entry. Reading an entry of a deflated
 * block inflates that block into a one-block cache, so walking the ring in
 * order inflates each block once. core layer.
 */
#include <string.h>
#include <zlib.h>

#include "xmlcon-ring.h"

#define BLOCK_RAW	(32 * 1024)
#define FIRST_CAP	64
/*
 * deflate with an 8 KB window and small hash tables: ~40 KB of state
 * while a block is sealed instead of zlib's default ~256 KB, which would
 * leave a hole of that size in the heap (resident) at every seal. Stanzas
 * repeat themselves within a few KB, so the ratio hardly changes.
 */
#define Z_WINDOW_BITS	13
#define Z_MEM_LEVEL	3

struct xring_block {
	char	*raw;		/* the open block's text, or NULL */
	Bytef	*z;		/* deflated text once sealed */
	gsize	 len;		/* bytes of text */
	gsize	 size;		/* allocated raw bytes, or deflated bytes */
	guint	 refs;		/* entries whose text is here */
};

static struct xmlcon_entry *buf;
static guint cap, head, count;
static struct xring_block *open_block;
static size_t bytes;		/* records in use + block storage */
static GStringChunk *accounts;	/* interned account names */
static GHashTable *account_set;
static struct xring_block *cached;	/* whose text is in cache */
static char *cache;

static void
block_free(struct xring_block *b)
{
	if (b == cached) {
		g_clear_pointer(&cache, g_free);
		cached = NULL;
	}
	if (b == open_block)
		open_block = NULL;
	bytes -= b->size;
	g_free(b->raw);
	g_free(b->z);
	g_free(b);
}

/* Deflate len bytes of src into a new buffer of the exact size, or NULL. */
static Bytef *
deflated(const char *src, gsize len, gsize *zlen)
{
	z_stream z = { 0 };
	g_autofree Bytef *out = NULL;
	uLong bound;
	int rc;

	if (deflateInit2(&z, 6, Z_DEFLATED, Z_WINDOW_BITS, Z_MEM_LEVEL,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&z, len);
	out = g_malloc(bound);
	z.next_in = (Bytef *)src;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	*zlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *zlen >= len)
		return NULL;
	return g_memdup2(out, *zlen);
}

/* Deflate the open block (kept raw if that would not make it smaller). */
static void
seal(void)
{
	struct xring_block *b = open_block;
	gsize zlen = 0;
	Bytef *z = deflated(b->raw, b->len, &zlen);

	open_block = NULL;
	if (z == NULL)
		return;
	bytes -= b->size;
	b->z = z;
	b->size = zlen;
	bytes += b->size;
	g_clear_pointer(&b->raw, g_free);
}

/* Room for n more bytes in the open block, opening one if needed. */
static struct xring_block *
block_for(gsize n)
{
	struct xring_block *b = open_block;

	if (b != NULL && b->len > 0 && b->len + n > BLOCK_RAW)
		seal();
	if (open_block == NULL) {
		open_block = g_new0(struct xring_block, 1);
		open_block->size = MAX(n, BLOCK_RAW);
		open_block->raw = g_malloc(open_block->size);
		bytes += open_block->size;
	}
	b = open_block;
	if (b->len + n > b->size) {
		gsize size = MAX(b->len + n, MIN(b->size * 2, BLOCK_RAW));

		b->raw = g_realloc(b->raw, size);
		bytes += size - b->size;
		b->size = size;
	}
	return b;
}

static const char *
intern(const char *account)
{
	const char *s;

	if (account == NULL)
		return NULL;
	if (accounts == NULL) {
		accounts = g_string_chunk_new(256);
		account_set = g_hash_table_new(g_str_hash, g_str_equal);
	}
	s = g_hash_table_lookup(account_set, account);
	if (s == NULL) {
		s = g_string_chunk_insert(accounts, account);
		g_hash_table_add(account_set, (gpointer)s);
	}
	return s;
}

static void
grow(void)
{
	guint ncap = cap == 0 ? FIRST_CAP : cap * 2, i;
	struct xmlcon_entry *n = g_new(struct xmlcon_entry, ncap);

	for (i = 0; i < count; i++)
		n[i] = buf[(head + i) % cap];
	g_free(buf);
	buf = n;
	cap = ncap;
	head = 0;
}

/*
 * A new entry at the end, holding account and a copy of xml and of raw
 * (or NULL), one after the other in the same block; the caller fills the
 * other fields. Valid until the next push or pop.
 */
struct xmlcon_entry *
xring_push(const char *account, const char *xml, const char *raw)
{
	gsize n = strlen(xml) + 1, r = raw != NULL ? strlen(raw) + 1 : 0;
	struct xring_block *b = block_for(n + r);
	struct xmlcon_entry *e;

	if (count == cap)
		grow();
	e = &buf[(head + count++) % cap];
	bytes += sizeof(*e);
	memset(e, 0, sizeof(*e));
	e->account = intern(account);
	e->block = b;
	e->off = (guint32)b->len;
	memcpy(b->raw + b->len, xml, n);
	b->len += n;
	if (raw != NULL) {
		memcpy(b->raw + b->len, raw, r);
		b->len += r;
		e->has_raw = true;
	}
	b->refs++;
	return e;
}

/* Drop the oldest entry. */
void
xring_pop(void)
{
	struct xmlcon_entry *e;

	if (count == 0)
		return;
	e = &buf[head];
	if (--e->block->refs == 0)
		block_free(e->block);
	head = (head + 1) % cap;
	count--;
	bytes -= sizeof(*e);
}

/* Drop everything, the storage too. */
void
xring_clear(void)
{
	while (count > 0)
		xring_pop();
	g_clear_pointer(&buf, g_free);
	bytes = 0;
	cap = head = 0;
	if (accounts != NULL) {
		g_hash_table_unref(account_set);
		g_string_chunk_free(accounts);
		accounts = NULL;
		account_set = NULL;
	}
}

guint
xring_len(void)
{
	return count;
}

/* The i-th entry, oldest first, or NULL. */
struct xmlcon_entry *
xring_nth(guint i)
{
	return i < count ? &buf[(head + i) % cap] : NULL;
}

/* Bytes the ring holds: its records and its (deflated) text. */
size_t
xring_bytes(void)
{
	return bytes;
}

/*
 * The text of e (borrowed): valid until the next call of this function,
 * xring_push or xring_pop.
 */
const char *
xring_text(const struct xmlcon_entry *e)
{
	struct xring_block *b = e->block;
	uLongf len = b->len;

	if (b->raw != NULL)
		return b->raw + e->off;
	if (cached != b) {
		g_free(cache);
		cache = g_malloc(b->len);
		if (uncompress((Bytef *)cache, &len, b->z, b->size) != Z_OK ||
		    len != b->len) {
			g_clear_pointer(&cache, g_free);
			cached = NULL;
			return "";
		}
		cached = b;
	}
	return cache + e->off;
}

/* The exact bytes of e, or NULL; valid as long as xring_text(e) is. */
const char *
xring_raw(const struct xmlcon_entry *e)
{
	const char *t;

	if (!e->has_raw)
		return NULL;
	t = xring_text(e);
	return t + strlen(t) + 1;
}
