/* hll.h: HyperLogLog distinct counts in fixed memory (distinct attacking addresses, sources per user). */
#ifndef HLL_H
#define HLL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A HyperLogLog sketch with 2^p one-byte registers (p in 4..16; others are
 * clamped), plus an exact list while the count is small (up to 2^p / 8 distinct
 * values: it grows from a few entries to at most the registers' 2^p bytes, so a
 * sketch of a few values is small), so small counts are exact (distinct 64-bit
 * hashes). Invariant: registers[i] is the max rank seen for bucket i. Hashing is
 * keyed (SipHash-1-3; attackers choose the values). Relative error about
 * 1.04 / sqrt(2^p) over the whole range (Ertl's estimator).
 */
struct hll;

/* A new sketch. Aborts on OOM. */
struct hll *hll_new(unsigned p, uint64_t seed);
void hll_free(struct hll *h);
/* Adds the value v[0..n). */
void hll_add(struct hll *h, const void *v, size_t n);
/* The estimated number of distinct values added (exact while small). */
uint64_t hll_count(const struct hll *h);
/* Adds everything in src to dst (same p and seed); returns 0 or -1 when they differ. */
int hll_merge(struct hll *dst, const struct hll *src);
size_t hll_mem(const struct hll *h);

#endif
