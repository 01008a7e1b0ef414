/* topk.h: per-key stats in bounded memory (Space-Saving): exact below capacity, top keys above. */
#ifndef TOPK_H
#define TOPK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TOPK_KEYLEN 20 /* keys are fixed-size byte strings (an addr, an id; zero-padded) */

/*
 * A table of at most cap entries, each a key, a weight and valsize bytes of
 * caller data (zeroed when the entry is created). While fewer than cap
 * distinct keys have been seen, every weight is exact and err is 0. When a new
 * key arrives at a full table, the entry of least weight is evicted and the
 * new key takes it over: it inherits that weight as its starting count and as
 * its err (the most its weight can be over-counted), and its value is zeroed.
 * So any key whose true weight is above the minimum weight is in the table
 * (Space-Saving, Metwally et al. 2005). Invariant: a min-heap on weight over
 * the entries (built at the first eviction, kept from then on) plus a hash
 * index keyed by the seed (a strongly universal hash, see topk.c: keys are
 * chosen by attackers); the order of operations alone decides the result,
 * never the seed: which key is evicted, the weights, topk_top's order (ties
 * by key bytes) and topk_each's order are the same under any seed.
 */
struct topk;

struct topk_entry {
	uint8_t key[TOPK_KEYLEN];
	uint64_t weight;
	uint64_t err;
	/* followed by valsize bytes of caller data, 8-byte aligned */
};

/* A new table. cap >= 1. Aborts on OOM. */
struct topk *topk_new(size_t cap, size_t valsize, uint64_t seed);
void topk_free(struct topk *t);

/*
 * Adds w to key's weight (the key is the first keylen <= TOPK_KEYLEN bytes of
 * key, zero-padded; a longer keylen counts as TOPK_KEYLEN; the weight saturates
 * at UINT64_MAX) and returns a pointer to its caller data, valid until the
 * next topk_add. *created is 1 when the entry is new (fresh or taken over by
 * eviction: then the caller data was zeroed), else 0; created may be NULL.
 * w may be 0 (touch only; a new key still gets an entry). No allocation once
 * the table holds cap entries.
 */
void *topk_add_key(struct topk *t, const uint8_t key[TOPK_KEYLEN], uint64_t w, int *created);

/*
 * A hint: key is about to be added or looked up, so its index slot starts
 * loading now. Other work between the two hides the cache miss. Changes
 * nothing.
 */
void topk_prefetch_key(const struct topk *t, const uint8_t key[TOPK_KEYLEN]);

/* The caller data of key, or NULL when it is not in the table. */
void *topk_find_key(const struct topk *t, const uint8_t key[TOPK_KEYLEN]);

/*
 * The above for a key of keylen bytes, padded here: keylen is a constant at
 * each call, so the padding is a few stores, not a call to memcpy.
 */
static inline void
topk_key(uint8_t k[TOPK_KEYLEN], const void *key, size_t keylen)
{
	memset(k, 0, TOPK_KEYLEN);
	if (keylen > 0)
		memcpy(k, key, keylen < TOPK_KEYLEN ? keylen : TOPK_KEYLEN);
}

static inline void *
topk_add(struct topk *t, const void *key, size_t keylen, uint64_t w, int *created)
{
	uint8_t k[TOPK_KEYLEN];

	topk_key(k, key, keylen);
	return topk_add_key(t, k, w, created);
}

static inline void
topk_prefetch(const struct topk *t, const void *key, size_t keylen)
{
	uint8_t k[TOPK_KEYLEN];

	topk_key(k, key, keylen);
	topk_prefetch_key(t, k);
}

static inline void *
topk_find(const struct topk *t, const void *key, size_t keylen)
{
	uint8_t k[TOPK_KEYLEN];

	topk_key(k, key, keylen);
	return topk_find_key(t, k);
}

/* The entry header of a caller-data pointer returned above. */
const struct topk_entry *topk_entry_of(const struct topk *t, const void *val);

/* Number of entries; and how many keys were evicted so far (0: everything is exact). */
size_t topk_count(const struct topk *t);
uint64_t topk_evicted(const struct topk *t);

/*
 * Fills out[0..n) with up to n caller-data pointers of the entries with the
 * greatest weight, best first; ties by key bytes ascending (deterministic).
 * Returns how many were written. n may exceed the count.
 */
size_t topk_top(const struct topk *t, const void **out, size_t n);

/* Calls fn(entry, value, arg) for every entry, in an unspecified but deterministic order. */
void topk_each(const struct topk *t, void (*fn)(const struct topk_entry *, void *, void *),
               void *arg);

/* Bytes of memory held. */
size_t topk_mem(const struct topk *t);

#endif
