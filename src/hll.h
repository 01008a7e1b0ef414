/* hll.h: HyperLogLog distinct counts in fixed memory (attacking addresses, user names, hosts). */
#ifndef HLL_H
#define HLL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A HyperLogLog sketch with 2^p one-byte registers (p in 4..16; others are
 * clamped), plus an exact list while the count is small (up to 2^p / 8 distinct
 * values: it grows from a few entries to at most the registers' 2^p bytes, so a
 * sketch of a few values is small), so small counts are exact (distinct 64-bit
 * hashes; values of one length never collide). Invariant: registers[i] is the
 * max rank seen for bucket i. Values are hashed by a fast multiply-xorshift mix
 * keyed by the seed: the same seed and the same values give the same estimate
 * in any run and any order (callers pass constant seeds; a sketch has no hash
 * table that crafted values could flood). Relative error about 1.04 / sqrt(2^p)
 * over the whole range (Ertl's estimator).
 */
struct hll;

/* A new sketch; seed keys the hash (sketches merge only under the same seed). Aborts on OOM. */
struct hll *hll_new(unsigned p, uint64_t seed);
void hll_free(struct hll *h);
/* Adds the value v[0..n) (v may be NULL when n is 0); adding a value again changes nothing. */
void hll_add(struct hll *h, const void *v, size_t n);
/* The estimated number of distinct values added (exact while small). */
uint64_t hll_count(const struct hll *h);
/*
 * The estimator hll_count uses (Ertl 2017), for registers kept elsewhere: c[k]
 * is the number of the m registers at value k, for k in 0..q+1, where a value
 * is 1 + the leading zeros of q hash bits (q + 1 when they are all zero).
 * Returns 0 for m == 0.
 */
uint64_t hll_estimate(const uint32_t *c, size_t m, unsigned q);
/* Adds everything in src to dst (same p and seed); returns 0 or -1 when they differ. */
int hll_merge(struct hll *dst, const struct hll *src);
size_t hll_mem(const struct hll *h);

#endif
