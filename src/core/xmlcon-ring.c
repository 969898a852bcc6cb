/* SPDX-License-Identifier: MIT */
/*
 * The XML console's compact ring (see xmlcon-ring.h). Entries live in
 * chunks of CHUNK records, allocated as the ring grows and freed as its
 * oldest entries go (no copying, at most one chunk unused: a doubling
 * array left up to half of itself empty, and 0.9 MB in one piece after a
 * burst of 10,000 messages); their text is appended, NUL-terminated,
 * to the open block, which is deflated when it reaches BLOCK_RAW bytes.
 * A block is freed with its last entry. Reading an entry of a deflated
 * block inflates that block into a one-block cache, so walking the ring in
 * order inflates each block once. core layer.
 */
#include <string.h>
#include <zlib.h>

#include "xmlcon-ring.h"

#define BLOCK_RAW	(32 * 1024)
#define CHUNK		512	/* entries per chunk: 28 KB */
/*
 * deflate with an 8 KB window and small hash tables: ~40 KB of state
 * while a block is sealed instead of zlib's default ~256 KB, which would
 * leave a hole of that size in the heap (resident) at every seal. Stanzas
 * repeat themselves within a few KB, so the ratio hardly changes.
 */
#define Z_WINDOW_BITS	13
#define Z_MEM_LEVEL	3
/*
 * Level 1: on blocks of stanzas it deflates 2.5 times faster than the
 * default 6 for 3 % more output (sealing was 8 % of natter's CPU in a
 * room burst at level 6).
 */
#define Z_LEVEL		Z_BEST_SPEED

struct xring_block {
	char	*raw;		/* the open block's text, or NULL */
	Bytef	*z;		/* deflated text once sealed */
	gsize	 len;		/* bytes of text */
	gsize	 size;		/* allocated raw bytes, or deflated bytes */
	guint	 refs;		/* entries whose text is here */
};

static GPtrArray *chunks;	/* struct xmlcon_entry[CHUNK], oldest first */
static guint head, count;	/* first entry's place in chunks[0]; entries */
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

	if (deflateInit2(&z, Z_LEVEL, Z_DEFLATED, Z_WINDOW_BITS, Z_MEM_LEVEL,
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

/* The i-th entry, oldest first (i < count, or i == count to add one). */
static struct xmlcon_entry *
slot(guint i)
{
	guint j = head + i;
	struct xmlcon_entry *c;

	if (chunks == NULL)
		chunks = g_ptr_array_new();
	if (j / CHUNK == chunks->len) {
		c = g_new(struct xmlcon_entry, CHUNK);
		g_ptr_array_add(chunks, c);
	}
	c = g_ptr_array_index(chunks, j / CHUNK);
	return &c[j % CHUNK];
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

	e = slot(count++);
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
	e = slot(0);
	if (--e->block->refs == 0)
		block_free(e->block);
	count--;
	if (++head == CHUNK || count == 0) {	/* the oldest chunk is empty */
		g_free(g_ptr_array_steal_index(chunks, 0));
		head = 0;
	}
	bytes -= sizeof(*e);
}

/* Drop everything, the storage too. */
void
xring_clear(void)
{
	while (count > 0)
		xring_pop();
	g_clear_pointer(&chunks, g_ptr_array_unref);
	bytes = 0;
	head = 0;
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
	return i < count ? slot(i) : NULL;
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
