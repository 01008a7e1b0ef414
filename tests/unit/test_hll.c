/* test_hll.c: HyperLogLog: exact while small, within a few percent when large, merges as unions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hll.h"
#include "t.h"

/* Value number i as a 16-byte address-like key. */
static void
mkval(uint64_t i, uint8_t v[16])
{
	int j;

	for (j = 0; j < 8; j++) {
		v[j] = (uint8_t)(0x20 + j);
		v[8 + j] = (uint8_t)(i >> (8 * j));
	}
}

static void
add_range(struct hll *h, uint64_t from, uint64_t to)
{
	uint8_t v[16];
	uint64_t i;

	for (i = from; i < to; i++) {
		mkval(i, v);
		hll_add(h, v, sizeof(v));
	}
}

static double
relerr(uint64_t est, uint64_t truth)
{
	double d = (double)est - (double)truth;

	return (d < 0 ? -d : d) / (double)truth;
}

T(exact_while_small)
{
	struct hll *h = hll_new(14, 42);
	uint8_t v[16];
	uint64_t i;
	int bad = 0;

	CHECK_INT(hll_count(h), 0);
	for (i = 0; i < 1000; i++) {
		mkval(i, v);
		hll_add(h, v, sizeof(v));
		mkval(i / 2, v);
		hll_add(h, v, sizeof(v));
		mkval(0, v);
		hll_add(h, v, sizeof(v));
		if (hll_count(h) != i + 1 && !bad) {
			T_FAIL("after %llu distinct: %llu", (unsigned long long)(i + 1),
			       (unsigned long long)hll_count(h));
			bad = 1;
		}
	}
	/* exact up to 2^14 / 8 = 2048 distinct values */
	add_range(h, 1000, 2048);
	add_range(h, 0, 2048);
	CHECK_INT(hll_count(h), 2048);
	add_range(h, 2048, 2049);
	CHECK(relerr(hll_count(h), 2049) < 0.03);
	hll_free(h);
	hll_free(NULL);
}

T(values_of_any_length)
{
	struct hll *h = hll_new(10, 1);

	hll_add(h, "", 0);
	hll_add(h, NULL, 0);
	hll_add(h, "a", 1);
	hll_add(h, "a\0", 2);
	hll_add(h, "a", 1);
	hll_add(h, "the quick brown fox jumps over the lazy dog", 43);
	hll_add(h, "the quick brown fox jumps over the lazy dog", 43);
	CHECK_INT(hll_count(h), 4);
	hll_free(h);
}

/* A sketch of p, seed 5, holding values [0, n), and its memory. */
static size_t
mem_of(unsigned p, uint64_t n, uint64_t *count)
{
	struct hll *h = hll_new(p, 5);
	size_t mem;

	add_range(h, 0, n);
	mem = hll_mem(h);
	*count = hll_count(h);
	hll_free(h);
	return mem;
}

T(memory)
{
	struct hll *h = hll_new(14, 5);
	size_t empty = hll_mem(h), full;
	uint64_t c1, c2;

	CHECK(empty < 128);
	add_range(h, 0, 3);
	CHECK(hll_mem(h) < 256); /* a sketch of a few values stays small */
	add_range(h, 0, 2048);
	CHECK(hll_mem(h) <= empty + 16384); /* the exact list: at most the registers' size */
	add_range(h, 0, 100000);
	full = hll_mem(h);
	CHECK(full >= empty + 16384 && full <= empty + 16384 + 1024);
	add_range(h, 100000, 200000);
	CHECK_INT(hll_mem(h), full);
	hll_free(h);
	/* p is kept in 4..16 */
	CHECK_INT(mem_of(1, 1000, &c1), mem_of(4, 1000, &c2));
	CHECK_INT(c1, c2);
	CHECK_INT(mem_of(30, 10000, &c1), mem_of(16, 10000, &c2));
	CHECK_INT(c1, c2);
	CHECK(relerr(c1, 10000) < 0.02);
}

T(accuracy_p14)
{
	static const uint64_t at[] = {3000,  5000,  10000,  20000,  30000,  40000,
	                              50000, 70000, 100000, 200000, 500000, 1000000};
	struct hll *h = hll_new(14, 0x1234);
	uint64_t done = 0;
	size_t i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		add_range(h, done, at[i]);
		add_range(h, done / 2, at[i] / 2); /* repeats change nothing */
		done = at[i];
		if (relerr(hll_count(h), done) > 0.03)
			T_FAIL("%llu distinct: estimate %llu", (unsigned long long)done,
			       (unsigned long long)hll_count(h));
	}
	hll_free(h);
}

T(other_seeds_estimate_well)
{
	static const uint64_t seeds[] = {0, 1, 2, 0xdeadbeef, UINT64_MAX};
	uint64_t c[5];
	size_t i;

	for (i = 0; i < 5; i++) {
		struct hll *h = hll_new(14, seeds[i]);

		add_range(h, 0, 100000);
		c[i] = hll_count(h);
		if (relerr(c[i], 100000) > 0.03)
			T_FAIL("seed %llu: estimate %llu", (unsigned long long)seeds[i],
			       (unsigned long long)c[i]);
		hll_free(h);
	}
	/* the seed changes the hash: the estimates are not all the same */
	CHECK(c[0] != c[1] || c[1] != c[2] || c[2] != c[3]);
}

/* Merges a = [a0, a1) and b = [b0, b1) at p = 12 (exact up to 512) and checks against one sketch of
 * the union. */
static void
merge_case(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1, uint64_t uni, int exact)
{
	struct hll *a = hll_new(12, 3), *b = hll_new(12, 3), *u = hll_new(12, 3);
	uint64_t lo = a0 < b0 ? a0 : b0, hi = a1 > b1 ? a1 : b1;

	add_range(a, a0, a1);
	add_range(b, b0, b1);
	add_range(u, a0, a1);
	add_range(u, b0, b1);
	CHECK_INT(hll_merge(a, b), 0);
	CHECK_INT(hll_count(a), hll_count(u));
	if (!exact)
		CHECK_INT(hll_mem(a), hll_mem(u)); /* both in registers */
	if (exact)
		CHECK_INT(hll_count(a), uni);
	else
		CHECK(relerr(hll_count(a), uni) < 0.05);
	/* merging again, or the union itself, changes nothing */
	CHECK_INT(hll_merge(a, b), 0);
	CHECK_INT(hll_merge(a, u), 0);
	CHECK_INT(hll_count(a), hll_count(u));
	CHECK_INT(hll_merge(a, a), 0);
	CHECK_INT(hll_count(a), hll_count(u));
	CHECK(hi - lo >= uni);
	hll_free(a);
	hll_free(b);
	hll_free(u);
}

T(merge_is_the_union)
{
	merge_case(0, 300, 200, 450, 450, 1);           /* both exact, stays exact */
	merge_case(0, 0, 0, 500, 500, 1);               /* into an empty one */
	merge_case(0, 500, 0, 0, 500, 1);               /* an empty one in */
	merge_case(0, 512, 256, 512, 512, 1);           /* exactly at the limit */
	merge_case(0, 400, 300, 800, 800, 0);           /* both exact, the union spills */
	merge_case(0, 300, 200, 513, 513, 0);           /* one past the limit */
	merge_case(0, 300, 200, 20000, 20000, 0);       /* exact into registers */
	merge_case(0, 20000, 100, 400, 20000, 0);       /* registers, exact in */
	merge_case(0, 60000, 40000, 100000, 100000, 0); /* both registers */
}

T(merge_p14_large)
{
	struct hll *a = hll_new(14, 9), *b = hll_new(14, 9), *u = hll_new(14, 9);

	add_range(a, 0, 600000);
	add_range(b, 400000, 1000000);
	add_range(u, 0, 1000000);
	CHECK_INT(hll_merge(a, b), 0);
	CHECK_INT(hll_count(a), hll_count(u));
	CHECK(relerr(hll_count(a), 1000000) < 0.03);
	hll_free(a);
	hll_free(b);
	hll_free(u);
}

T(merge_refuses_mismatch)
{
	struct hll *a = hll_new(12, 3), *b = hll_new(13, 3), *c = hll_new(12, 4);

	add_range(a, 0, 10);
	add_range(b, 0, 20);
	add_range(c, 0, 30);
	CHECK_INT(hll_merge(a, b), -1);
	CHECK_INT(hll_merge(a, c), -1);
	CHECK_INT(hll_count(a), 10);
	hll_free(a);
	hll_free(b);
	hll_free(c);
}

/* The same seed and values give the same estimate in any order, with any repeats. */
T(same_values_same_estimate)
{
	struct hll *a = hll_new(14, 0x736f7572636573ULL), *b = hll_new(14, 0x736f7572636573ULL);
	uint8_t v[16];
	uint64_t i;

	add_range(a, 0, 150000);
	for (i = 150000; i-- > 0;) {
		mkval(i, v);
		hll_add(b, v, sizeof(v));
		mkval(i / 3, v);
		hll_add(b, v, sizeof(v));
	}
	CHECK_INT(hll_count(a), hll_count(b));
	CHECK(relerr(hll_count(a), 150000) < 0.03);
	hll_free(a);
	hll_free(b);
}

/* Values of one length never collide: exact mode counts every one of 2^16 / 8. */
T(no_collisions_in_exact_mode)
{
	struct hll *h = hll_new(16, 0);
	uint8_t v[17] = {4};
	uint32_t i;

	for (i = 0; i < 8192; i++) {
		v[1] = (uint8_t)(i >> 8); /* IPv4-like: af, then 10.0.x.y */
		v[2] = (uint8_t)i;
		hll_add(h, v, sizeof(v));
	}
	CHECK_INT(hll_count(h), 8192);
	hll_free(h);
	h = hll_new(16, 0);
	for (i = 0; i < 8192; i++)
		hll_add(h, &i, sizeof(i));
	CHECK_INT(hll_count(h), 8192);
	hll_free(h);
}

/* hll_estimate from a histogram: what hll_count gives, and small sketches kept elsewhere. */
T(estimate_from_histogram)
{
	uint32_t c[16] = {0}, reg[64];
	uint64_t s = 7, sum = 0, n = 3000, i, t;

	c[0] = 64;
	CHECK_INT(hll_estimate(c, 64, 14), 0);
	CHECK_INT(hll_estimate(c, 0, 14), 0);
	/* 64 registers of values 0..15 (14 hash bits), as agg keeps per attacker: about 13% */
	for (t = 0; t < 200; t++) {
		memset(reg, 0, sizeof(reg));
		for (i = 0; i < n; i++) {
			uint64_t x = (s += 0x9e3779b97f4a7c15ULL);
			unsigned r;

			x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
			x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
			x ^= x >> 31;
			r = (unsigned)__builtin_clzll(x | (1ULL << 49)) + 1;
			if (r > reg[x & 63])
				reg[x & 63] = r;
		}
		memset(c, 0, sizeof(c));
		for (i = 0; i < 64; i++)
			c[reg[i]]++;
		sum += hll_estimate(c, 64, 14);
	}
	CHECK(relerr(sum / 200, n) < 0.04); /* the mean of 200: unbiased */
}

int
main(void)
{
	T_RUN(exact_while_small);
	T_RUN(values_of_any_length);
	T_RUN(memory);
	T_RUN(accuracy_p14);
	T_RUN(other_seeds_estimate_well);
	T_RUN(merge_is_the_union);
	T_RUN(merge_p14_large);
	T_RUN(merge_refuses_mismatch);
	T_RUN(same_values_same_estimate);
	T_RUN(no_collisions_in_exact_mode);
	T_RUN(estimate_from_histogram);
	return T_END();
}
