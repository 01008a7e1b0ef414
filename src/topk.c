/* topk.c: Space-Saving heavy hitters: entry array, min-heap by (weight, key), keyed index. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"
#include "topk.h"
#include "xmalloc.h"

/*
 * Layout. Entry i lives at ents + i * stride: the public header, then the
 * caller data (stride is a multiple of 8, so is the header size). Once
 * heaped (from the first eviction on), heap[0..n) is a min-heap of nodes
 * (weight, first 4 key bytes, entry) ordered by (weight, key bytes) and
 * meta[i].hpos where entry i sits in it; before that only an eviction would
 * need the heap, so it is not kept: heapify builds it in O(n) when a new key
 * finds the table full. meta[i].hash is entry i's hash. index[] is open
 * addressing with linear probing over (entry, hash) slots, at most 2/3 full,
 * deleted from by backward shift (no tombstones). Arrays grow by doubling up
 * to cap entries and never after that.
 *
 * The hash is multilinear (Lemire and Kaser, "Strongly universal string
 * hashing is fast", 2014): the top 32 bits of m[0] + sum m[i+1] * w[i] mod
 * 2^64 over the key's five 32-bit words w[i], with m[] drawn from the seed.
 * The family is strongly universal, so keys an attacker picks without knowing
 * the seed collide with probability 2^-32 per pair, as with a keyed PRF, at
 * a tenth of SipHash's cost (it runs for every connection of a report).
 */
#define HDR sizeof(struct topk_entry)
#define EMPTY UINT32_MAX
#define MAXCAP ((size_t)1 << 30)

struct hnode {
	uint64_t weight;
	uint32_t pfx; /* key bytes 0..3, big-endian: most ties break without the entry */
	uint32_t idx;
};

struct meta {
	uint32_t hpos;
	uint32_t hash;
};

struct slot {
	uint32_t idx; /* EMPTY when free */
	uint32_t hash;
};

struct topk {
	unsigned char *ents;
	struct hnode *heap;
	struct meta *meta;
	struct slot *index;
	size_t stride, valsize;
	size_t n, alloc, cap, mask;
	int heaped; /* heap[] and meta[].hpos are kept up to date */
	uint64_t evicted;
	uint64_t m[1 + TOPK_KEYLEN / 4]; /* the hash's multipliers, from the seed */
};

static inline struct topk_entry *
ent(const struct topk *t, size_t i)
{
	return (struct topk_entry *)(t->ents + i * t->stride);
}

static inline int
keyeq(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;
	uint32_t a2, b2;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&a2, a + 16, 4);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	memcpy(&b2, b + 16, 4);
	return ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0;
}

_Static_assert(TOPK_KEYLEN == 20, "keyhash reads a key as five 32-bit words");

/* The multilinear hash of the 20 key bytes (see Layout). */
static inline uint32_t
keyhash(const struct topk *t, const uint8_t k[TOPK_KEYLEN])
{
	uint32_t w[5];
	uint64_t s;

	memcpy(w, k, sizeof(w));
	s = t->m[0] + t->m[1] * w[0] + t->m[2] * w[1] + t->m[3] * w[2] + t->m[4] * w[3] +
	    t->m[5] * w[4];
	return (uint32_t)(s >> 32);
}

static inline uint32_t
keypfx(const uint8_t *k)
{
	return (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | (uint32_t)k[2] << 8 | k[3];
}

/* Heap order: weight, then key bytes (a total order: keys in the table are distinct). */
static inline int
before(const struct topk *t, const struct hnode *a, const struct hnode *b)
{
	if (a->weight != b->weight)
		return a->weight < b->weight;
	if (a->pfx != b->pfx)
		return a->pfx < b->pfx;
	return memcmp(ent(t, a->idx)->key, ent(t, b->idx)->key, TOPK_KEYLEN) < 0;
}

static void
sift_down(struct topk *t, size_t i)
{
	struct hnode x = t->heap[i];
	size_t c;

	while ((c = 2 * i + 1) < t->n) {
		if (c + 1 < t->n && before(t, &t->heap[c + 1], &t->heap[c]))
			c++;
		if (!before(t, &t->heap[c], &x))
			break;
		t->heap[i] = t->heap[c];
		t->meta[t->heap[i].idx].hpos = (uint32_t)i;
		i = c;
	}
	t->heap[i] = x;
	t->meta[x.idx].hpos = (uint32_t)i;
}

/* Builds the heap over the n entries (Floyd: bottom-up, O(n)). */
static void
heapify(struct topk *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		t->heap[i].weight = ent(t, i)->weight;
		t->heap[i].pfx = keypfx(ent(t, i)->key);
		t->heap[i].idx = (uint32_t)i;
		t->meta[i].hpos = (uint32_t)i;
	}
	for (i = t->n / 2; i-- > 0;)
		sift_down(t, i);
	t->heaped = 1;
}

/* The slot holding key k (hash h), or the free slot where it would go. */
static size_t
probe(const struct topk *t, const uint8_t *k, uint32_t h)
{
	size_t i = h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		const struct slot *s = &t->index[i];

		if (s->idx == EMPTY || (s->hash == h && keyeq(ent(t, s->idx)->key, k)))
			return i;
	}
}

/* Frees slot i, moving back later slots of its cluster that may live there. */
static void
unindex(struct topk *t, size_t i)
{
	size_t j = i, home;

	for (;;) {
		j = (j + 1) & t->mask;
		if (t->index[j].idx == EMPTY)
			break;
		home = t->index[j].hash & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i].idx = EMPTY;
}

/* Room for more entries: doubles the arrays (up to cap) and rebuilds the index. */
static void
grow(struct topk *t)
{
	size_t alloc = t->alloc < 8 ? 16 : t->alloc * 2, nslots = 4, i, j;
	struct slot *old = t->index;
	size_t oldslots = old ? t->mask + 1 : 0;

	if (alloc > t->cap)
		alloc = t->cap;
	t->ents = xreallocarray(t->ents, alloc, t->stride);
	t->heap = xreallocarray(t->heap, alloc, sizeof(*t->heap));
	t->meta = xreallocarray(t->meta, alloc, sizeof(*t->meta));
	t->alloc = alloc;
	while (nslots < alloc + alloc / 2 + 1)
		nslots *= 2;
	if (nslots == oldslots)
		return;
	t->index = xreallocarray(NULL, nslots, sizeof(*t->index));
	memset(t->index, 0xff, nslots * sizeof(*t->index));
	t->mask = nslots - 1;
	for (i = 0; i < oldslots; i++) {
		if (old[i].idx == EMPTY)
			continue;
		for (j = old[i].hash & t->mask; t->index[j].idx != EMPTY; j = (j + 1) & t->mask)
			;
		t->index[j] = old[i];
	}
	free(old);
}

struct topk *
topk_new(size_t cap, size_t valsize, uint64_t seed)
{
	struct topk *t = xcalloc(1, sizeof(*t));

	if (valsize > SIZE_MAX / 4)
		valsize = SIZE_MAX / 4; /* xreallocarray then aborts */
	t->valsize = valsize;
	t->stride = HDR + ((valsize + 7) & ~(size_t)7);
	t->cap = cap < 1 ? 1 : cap > MAXCAP ? MAXCAP : cap;
	siphash_seed_words(seed, t->m, sizeof(t->m) / sizeof(t->m[0]));
	grow(t);
	return t;
}

void
topk_free(struct topk *t)
{
	if (t == NULL)
		return;
	free(t->ents);
	free(t->heap);
	free(t->meta);
	free(t->index);
	free(t);
}

void *
topk_add_key(struct topk *t, const uint8_t k[TOPK_KEYLEN], uint64_t w, int *created)
{
	struct topk_entry *e;
	size_t s, v;
	uint32_t h;

	h = keyhash(t, k);
	s = probe(t, k, h);
	if (t->index[s].idx != EMPTY) {
		v = t->index[s].idx;
		e = ent(t, v);
		if (w != 0) {
			e->weight = e->weight + w < w ? UINT64_MAX : e->weight + w;
			if (t->heaped) {
				t->heap[t->meta[v].hpos].weight = e->weight;
				sift_down(t, t->meta[v].hpos);
			}
		}
		if (created != NULL)
			*created = 0;
		return (unsigned char *)e + HDR;
	}

	if (t->n < t->cap) {
		/* a fresh entry, appended and sifted up from the last leaf */
		if (t->n == t->alloc) {
			grow(t);
			s = probe(t, k, h);
		}
		v = t->n++;
		e = ent(t, v);
		e->weight = w;
		e->err = 0;
		t->meta[v].hash = h;
		memcpy(e->key, k, TOPK_KEYLEN);
		memset((unsigned char *)e + HDR, 0, t->stride - HDR);
	} else {
		/* full: the least entry (heap root) is taken over and sifted down */
		if (!t->heaped)
			heapify(t);
		v = t->heap[0].idx;
		e = ent(t, v);
		for (s = t->meta[v].hash & t->mask; t->index[s].idx != v; s = (s + 1) & t->mask)
			;
		unindex(t, s);
		s = probe(t, k, h);
		e->err = e->weight;
		e->weight = e->weight + w < w ? UINT64_MAX : e->weight + w;
		t->heap[0].weight = e->weight;
		t->heap[0].pfx = keypfx(k);
		t->meta[v].hash = h;
		memcpy(e->key, k, TOPK_KEYLEN);
		memset((unsigned char *)e + HDR, 0, t->stride - HDR);
		sift_down(t, 0);
		t->evicted++;
	}
	t->index[s].idx = (uint32_t)v;
	t->index[s].hash = h;
	if (created != NULL)
		*created = 1;
	return (unsigned char *)e + HDR;
}

void
topk_prefetch_key(const struct topk *t, const uint8_t k[TOPK_KEYLEN])
{
	__builtin_prefetch(&t->index[keyhash(t, k) & t->mask]);
}

void *
topk_find_key(const struct topk *t, const uint8_t k[TOPK_KEYLEN])
{
	size_t s;

	s = probe(t, k, keyhash(t, k));
	if (t->index[s].idx == EMPTY)
		return NULL;
	return (unsigned char *)ent(t, t->index[s].idx) + HDR;
}

const struct topk_entry *
topk_entry_of(const struct topk *t, const void *val)
{
	return (const struct topk_entry *)((const unsigned char *)val - HDR);
}

size_t
topk_count(const struct topk *t)
{
	return t->n;
}

uint64_t
topk_evicted(const struct topk *t)
{
	return t->evicted;
}

/* A candidate for topk_top, self-contained so that qsort needs no context. */
struct rank {
	uint64_t weight;
	uint8_t key[TOPK_KEYLEN];
	uint32_t idx;
};

/* Output order: weight descending, then key bytes ascending. */
static int
rank_cmp(const void *va, const void *vb)
{
	const struct rank *a = va, *b = vb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return memcmp(a->key, b->key, TOPK_KEYLEN);
}

/* Sifts r[i] down a heap of n ranks whose root is the one that comes last in output order. */
static void
rank_sift(struct rank *r, size_t n, size_t i)
{
	struct rank x = r[i];
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && rank_cmp(&r[c + 1], &r[c]) > 0)
			c++;
		if (rank_cmp(&r[c], &x) <= 0)
			break;
		r[i] = r[c];
		i = c;
	}
	r[i] = x;
}

size_t
topk_top(const struct topk *t, const void **out, size_t n)
{
	struct rank *r, x;
	size_t i, k = n < t->n ? n : t->n;

	if (k == 0)
		return 0;
	r = xreallocarray(NULL, k, sizeof(*r));
	/* keep the k best in a heap whose root is the worst of them */
	for (i = 0; i < t->n; i++) {
		const struct topk_entry *e = ent(t, i);

		x.weight = e->weight;
		memcpy(x.key, e->key, TOPK_KEYLEN);
		x.idx = (uint32_t)i;
		if (i < k) {
			r[i] = x;
			if (i == k - 1) {
				size_t j = k / 2;

				while (j-- > 0)
					rank_sift(r, k, j);
			}
		} else if (rank_cmp(&x, &r[0]) < 0) {
			r[0] = x;
			rank_sift(r, k, 0);
		}
	}
	qsort(r, k, sizeof(*r), rank_cmp);
	for (i = 0; i < k; i++)
		out[i] = (const unsigned char *)ent(t, r[i].idx) + HDR;
	free(r);
	return k;
}

void
topk_each(const struct topk *t, void (*fn)(const struct topk_entry *, void *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct topk_entry *e = ent(t, i);

		fn(e, (unsigned char *)e + HDR, arg);
	}
}

size_t
topk_mem(const struct topk *t)
{
	return sizeof(*t) + t->alloc * (t->stride + sizeof(*t->heap) + sizeof(*t->meta)) +
	       (t->mask + 1) * sizeof(*t->index);
}
