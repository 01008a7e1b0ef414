/* test_topk.c: Space-Saving table: exact below capacity, heavy hitters and bounds above it. */
#include <stdint.h>
#include <stdlib.h>

#include "t.h"
#include "topk.h"
#include "xmalloc.h"

static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Key number i as 16 bytes (an IPv6-sized address): scrambled so key order is not i order. */
static void
mkkey(uint64_t i, uint8_t k[16])
{
	uint64_t s = i, x = rnd(&s);
	int j;

	for (j = 0; j < 8; j++) {
		k[j] = (uint8_t)(x >> (56 - 8 * j));
		k[8 + j] = (uint8_t)(i >> (56 - 8 * j));
	}
}

static const struct topk_entry *
entry(const struct topk *t, const void *key, size_t n)
{
	void *v = topk_find(t, key, n);

	return v ? topk_entry_of(t, v) : NULL;
}

/* Zipf(s = 1) over n ranks by inverse CDF: rank r has weight 1 / (r + 1). */
struct zipf {
	double *cdf;
	size_t n;
};

static void
zipf_init(struct zipf *z, size_t n)
{
	double sum = 0;
	size_t i;

	z->cdf = xreallocarray(NULL, n, sizeof(*z->cdf));
	z->n = n;
	for (i = 0; i < n; i++)
		z->cdf[i] = sum += 1.0 / (double)(i + 1);
}

static size_t
zipf_next(const struct zipf *z, uint64_t *s)
{
	double u = (double)(rnd(s) >> 11) * 0x1p-53 * z->cdf[z->n - 1];
	size_t lo = 0, hi = z->n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

T(exact_below_capacity)
{
	struct topk *t = topk_new(100, 16, 7);
	uint8_t k[16];
	uint64_t i, *v;
	int created;

	CHECK_INT(topk_count(t), 0);
	for (i = 0; i < 100; i++) {
		mkkey(i, k);
		v = topk_add(t, k, sizeof(k), i + 1, &created);
		CHECK_INT(created, 1);
		CHECK_INT(v[0], 0);
		CHECK_INT(v[1], 0);
		CHECK_INT((uintptr_t)v % 8, 0);
		v[0] = i;
	}
	for (i = 0; i < 100; i++) {
		mkkey(i, k);
		v = topk_add(t, k, sizeof(k), i, &created);
		CHECK_INT(created, 0);
		CHECK_INT(v[0], i);
	}
	CHECK_INT(topk_count(t), 100);
	CHECK_INT(topk_evicted(t), 0);
	for (i = 0; i < 100; i++) {
		const struct topk_entry *e;

		mkkey(i, k);
		e = entry(t, k, sizeof(k));
		CHECK(e != NULL);
		if (e == NULL)
			continue;
		CHECK_INT(e->weight, 2 * i + 1);
		CHECK_INT(e->err, 0);
		CHECK(memcmp(e->key, k, 16) == 0);
		CHECK_INT(e->key[16] | e->key[19], 0);
		CHECK_INT(((const uint64_t *)topk_find(t, k, sizeof(k)))[0], i);
	}
	mkkey(100, k);
	CHECK(topk_find(t, k, sizeof(k)) == NULL);
	topk_free(t);
	topk_free(NULL);
}

T(eviction_zeroes_value_and_sets_err)
{
	struct topk *t = topk_new(2, 40, 1);
	const struct topk_entry *e;
	unsigned char *v;
	int created, i;

	v = topk_add(t, "a", 1, 5, &created);
	memset(v, 0xaa, 40);
	v = topk_add(t, "b", 1, 3, &created);
	memset(v, 0xbb, 40);
	v = topk_add(t, "c", 1, 1, &created);
	CHECK_INT(created, 1);
	for (i = 0; i < 40; i++)
		CHECK_INT(v[i], 0);
	e = topk_entry_of(t, v);
	CHECK_INT(e->key[0], 'c');
	CHECK_INT(e->weight, 4);
	CHECK_INT(e->err, 3);
	CHECK(topk_find(t, "b", 1) == NULL);
	CHECK(topk_find(t, "a", 1) != NULL);
	CHECK_INT(((unsigned char *)topk_find(t, "a", 1))[39], 0xaa);
	CHECK_INT(topk_evicted(t), 1);
	CHECK_INT(topk_count(t), 2);

	/* c (4) is now the least: a new key with w = 0 takes it over at weight 4 */
	v = topk_add(t, "d", 1, 0, &created);
	CHECK_INT(created, 1);
	e = topk_entry_of(t, v);
	CHECK_INT(e->weight, 4);
	CHECK_INT(e->err, 4);
	CHECK(topk_find(t, "c", 1) == NULL);
	CHECK_INT(topk_evicted(t), 2);
	topk_free(t);
}

T(ties_break_by_key_bytes)
{
	struct topk *t = topk_new(3, 0, 99);
	int created;

	/* equal weights: the least key is evicted first, whatever the insertion order */
	topk_add(t, "\x02zz", 3, 1, &created);
	topk_add(t, "\x01zz", 3, 1, &created);
	topk_add(t, "\x01zy", 3, 1, &created);
	topk_add(t, "new", 3, 0, &created);
	CHECK(topk_find(t, "\x01zy", 3) == NULL);
	CHECK(topk_find(t, "\x01zz", 3) != NULL);
	CHECK(topk_find(t, "\x02zz", 3) != NULL);
	topk_add(t, "new2", 4, 0, &created);
	CHECK(topk_find(t, "\x01zz", 3) == NULL);
	/* keys equal in their first 4 bytes: the rest decides */
	topk_free(t);
	t = topk_new(2, 0, 99);
	topk_add(t, "abcdY", 5, 2, &created);
	topk_add(t, "abcdX", 5, 2, &created);
	topk_add(t, "zzzz", 4, 1, &created);
	CHECK(topk_find(t, "abcdX", 5) == NULL);
	CHECK(topk_find(t, "abcdY", 5) != NULL);
	topk_free(t);
}

T(touch_only_and_saturation)
{
	struct topk *t = topk_new(4, 8, 3);
	const struct topk_entry *e;
	uint64_t *v;
	int created = -1;

	v = topk_add(t, "x", 1, 0, &created);
	CHECK_INT(created, 1);
	e = topk_entry_of(t, v);
	CHECK_INT(e->weight, 0);
	*v = 77;
	v = topk_add(t, "x", 1, 0, &created);
	CHECK_INT(created, 0);
	CHECK_INT(*v, 77);
	CHECK_INT(topk_entry_of(t, v)->weight, 0);
	v = topk_add(t, "x", 1, UINT64_MAX - 1, NULL);
	v = topk_add(t, "x", 1, 5, NULL);
	CHECK(topk_entry_of(t, v)->weight == UINT64_MAX);
	topk_free(t);
}

T(keys_of_different_lengths)
{
	struct topk *t = topk_new(64, 8, 5);
	uint8_t k20[TOPK_KEYLEN], k20b[TOPK_KEYLEN];
	const struct topk_entry *e;
	int created;

	memset(k20, 'k', sizeof(k20));
	memcpy(k20b, k20, sizeof(k20b));
	k20b[19] = 'l';
	topk_add(t, "", 0, 1, &created);
	CHECK_INT(created, 1);
	/* zero-padded: the empty key, "\0" and 20 zero bytes are one key */
	topk_add(t, "\0", 1, 1, &created);
	CHECK_INT(created, 0);
	topk_add(t, NULL, 0, 0, &created);
	CHECK_INT(created, 0);
	topk_add(t, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20, 1, &created);
	CHECK_INT(created, 0);
	topk_add(t, "ab", 2, 1, &created);
	topk_add(t, "ab\0", 3, 1, &created);
	CHECK_INT(created, 0);
	topk_add(t, "abc", 3, 1, &created);
	CHECK_INT(created, 1);
	topk_add(t, k20, 20, 1, &created);
	CHECK_INT(created, 1);
	topk_add(t, k20b, 20, 2, &created);
	CHECK_INT(created, 1);
	topk_add(t, "\xc0\x00\x02\x01", 4, 4, &created); /* an IPv4 address */
	CHECK_INT(created, 1);
	CHECK_INT(topk_count(t), 6);
	e = entry(t, "", 0);
	CHECK(e != NULL && e->weight == 3);
	e = entry(t, "ab", 2);
	CHECK(e != NULL && e->weight == 2);
	e = entry(t, k20, 20);
	CHECK(e != NULL && e->weight == 1);
	e = entry(t, k20b, 20);
	CHECK(e != NULL && e->weight == 2 && e->key[19] == 'l');
	e = entry(t, "\xc0\x00\x02\x01\0\0", 6);
	CHECK(e != NULL && e->weight == 4);
	/* longer than TOPK_KEYLEN: the first 20 bytes count */
	CHECK(topk_find(t, "kkkkkkkkkkkkkkkkkkkkkkkk", 24) != NULL);
	topk_free(t);
}

T(top_order)
{
	struct topk *t = topk_new(10, 8, 11);
	const void *out[16];
	const struct topk_entry *e;
	size_t n;

	topk_add(t, "d", 1, 5, NULL);
	topk_add(t, "b", 1, 7, NULL);
	topk_add(t, "a", 1, 5, NULL);
	topk_add(t, "c", 1, 9, NULL);
	topk_add(t, "e", 1, 1, NULL);
	n = topk_top(t, out, 16);
	CHECK_INT(n, 5);
	if (n == 5) {
		static const char want[] = "cbade";
		size_t i;

		for (i = 0; i < n; i++) {
			e = topk_entry_of(t, out[i]);
			CHECK_INT(e->key[0], want[i]);
		}
	}
	n = topk_top(t, out, 3);
	CHECK_INT(n, 3);
	CHECK_INT(topk_entry_of(t, out[0])->key[0], 'c');
	CHECK_INT(topk_entry_of(t, out[2])->key[0], 'a');
	CHECK_INT(topk_top(t, out, 0), 0);
	topk_free(t);
}

/* A reference Space-Saving table: linear scans, the same tie rule. */
struct model {
	uint8_t key[8][TOPK_KEYLEN];
	uint64_t weight[8], err[8], tag[8];
	size_t n;
	uint64_t evicted;
};

T(matches_reference_model)
{
	struct topk *t = topk_new(8, 8, 12345);
	struct model m;
	uint64_t s = 1, tagno = 0;
	size_t i, j, op;
	int created;

	memset(&m, 0, sizeof(m));
	for (op = 0; op < 200000; op++) {
		uint8_t k[TOPK_KEYLEN] = {0};
		uint64_t r = rnd(&s), w = r % 4, *v;
		size_t len = 1 + (r >> 8) % 6;

		/* 30 keys; some share their first 4 bytes */
		k[0] = (uint8_t)((r >> 16) % 3);
		k[len - 1] = (uint8_t)(k[len - 1] + 1 + (r >> 24) % 10);
		v = topk_add(t, k, len, w, &created);
		for (i = 0; i < m.n; i++)
			if (memcmp(m.key[i], k, TOPK_KEYLEN) == 0)
				break;
		if (i < m.n) {
			m.weight[i] += w;
			CHECK_INT(created, 0);
		} else {
			if (m.n < 8) {
				i = m.n++;
				m.err[i] = 0;
			} else {
				for (i = 0, j = 1; j < 8; j++)
					if (m.weight[j] < m.weight[i] ||
					    (m.weight[j] == m.weight[i] &&
					     memcmp(m.key[j], m.key[i], TOPK_KEYLEN) < 0))
						i = j;
				m.err[i] = m.weight[i];
				m.evicted++;
			}
			memcpy(m.key[i], k, TOPK_KEYLEN);
			m.weight[i] = m.err[i] + w;
			m.tag[i] = ++tagno;
			CHECK_INT(created, 1);
			CHECK_INT(*v, 0);
			*v = tagno;
		}
		CHECK_INT(topk_count(t), m.n);
		CHECK_INT(topk_evicted(t), m.evicted);
		for (i = 0; i < m.n; i++) {
			const uint64_t *mv = topk_find(t, m.key[i], TOPK_KEYLEN);
			const struct topk_entry *e;

			if (mv == NULL) {
				T_FAIL("op %zu: key %zu missing", op, i);
				break;
			}
			e = topk_entry_of(t, mv);
			if (e->weight != m.weight[i] || e->err != m.err[i] || *mv != m.tag[i]) {
				T_FAIL("op %zu: weight %llu err %llu tag %llu, expected %llu %llu "
				       "%llu",
				       op, (unsigned long long)e->weight,
				       (unsigned long long)e->err, (unsigned long long)*mv,
				       (unsigned long long)m.weight[i],
				       (unsigned long long)m.err[i], (unsigned long long)m.tag[i]);
				break;
			}
		}
		if (t_failed_now)
			break;
	}
	topk_free(t);
}

struct sums {
	uint64_t weight, n;
};

static void
sum_each(const struct topk_entry *e, void *val, void *arg)
{
	struct sums *s = arg;

	s->weight += e->weight;
	s->n++;
}

struct cand {
	uint64_t count;
	size_t rank;
	uint8_t key[16];
};

static int
cand_cmp(const void *va, const void *vb)
{
	const struct cand *a = va, *b = vb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return memcmp(a->key, b->key, 16);
}

/* The true top 20 of a Zipf stream are found, in order, within their error bounds. */
T(zipf_heavy_hitters)
{
	enum { NKEYS = 200000, N = 1000000, CAP = 1000, TOP = 20 };
	struct topk *t = topk_new(CAP, 8, 0x5eed);
	uint32_t *truth = xcalloc(NKEYS, sizeof(*truth));
	struct cand cand[100];
	size_t i, j, n, nc;
	const void *out[TOP];
	struct zipf z;
	struct sums sums = {0, 0};
	uint64_t s = 42;
	uint8_t k[16];
	int bad = 0;

	zipf_init(&z, NKEYS);
	for (i = 0; i < N; i++) {
		size_t r = zipf_next(&z, &s);

		truth[r]++;
		mkkey(r, k);
		topk_add(t, k, sizeof(k), 1, NULL);
	}
	CHECK_INT(topk_count(t), CAP);
	CHECK(topk_evicted(t) > 0);
	/* Space-Saving: the weights add up to the stream length */
	topk_each(t, sum_each, &sums);
	CHECK_INT(sums.weight, N);
	CHECK_INT(sums.n, CAP);
	/* the true top list by (count desc, key asc), among the keys seen 2000+ times */
	for (i = nc = 0; i < NKEYS; i++) {
		if (truth[i] < 2000 || nc == 100)
			continue;
		cand[nc].count = truth[i];
		cand[nc].rank = i;
		mkkey(i, cand[nc].key);
		nc++;
	}
	CHECK(nc >= TOP && nc < 100);
	qsort(cand, nc, sizeof(cand[0]), cand_cmp);
	n = topk_top(t, out, TOP);
	CHECK_INT(n, TOP);
	for (j = 0; j < n; j++) {
		const struct topk_entry *e = topk_entry_of(t, out[j]);
		uint64_t tr = cand[j].count;

		if (memcmp(e->key, cand[j].key, 16) != 0)
			T_FAIL("rank %zu: not the true key (rank %zu, count %llu)", j, cand[j].rank,
			       (unsigned long long)tr);
		if (e->weight - e->err > tr || tr > e->weight)
			T_FAIL("rank %zu: weight %llu err %llu true %llu", j,
			       (unsigned long long)e->weight, (unsigned long long)e->err,
			       (unsigned long long)tr);
	}
	/* every entry's bounds hold */
	for (i = 0; i < NKEYS && !bad; i++) {
		const struct topk_entry *e;

		mkkey(i, k);
		e = entry(t, k, 16);
		if (e != NULL && (e->weight - e->err > truth[i] || truth[i] > e->weight))
			bad = 1;
	}
	CHECK(!bad);
	free(z.cdf);
	free(truth);
	topk_free(t);
}

struct trace {
	uint8_t key[64][TOPK_KEYLEN];
	size_t n;
};

static void
trace_each(const struct topk_entry *e, void *val, void *arg)
{
	struct trace *tr = arg;

	if (tr->n < 64)
		memcpy(tr->key[tr->n++], e->key, TOPK_KEYLEN);
}

/*
 * One stream: the full top list (key, weight, err) and the first keys topk_each
 * visits. pf: 0 no topk_prefetch, 1 of each key before its add, 2 of another key.
 */
static void
run_stream(uint64_t seed, int pf, uint64_t *res, size_t nres, struct trace *tr)
{
	struct topk *t = topk_new(500, 8, seed);
	const void **out = xreallocarray(NULL, 500, sizeof(*out));
	uint64_t s = 9;
	struct zipf z;
	size_t i, n;
	uint8_t k[16], other[16];

	zipf_init(&z, 50000);
	for (i = 0; i < 200000; i++) {
		mkkey(zipf_next(&z, &s), k);
		if (pf == 1)
			topk_prefetch(t, k, 16);
		else if (pf == 2) {
			mkkey(i, other);
			topk_prefetch(t, other, 16);
			topk_prefetch(t, other, 3); /* another key: its first 3 bytes */
		}
		topk_add(t, k, 16, 1 + (s & 3), NULL);
	}
	n = topk_top(t, out, 500);
	memset(res, 0, nres * sizeof(*res));
	for (i = 0; i < n && 3 * i + 2 < nres; i++) {
		const struct topk_entry *e = topk_entry_of(t, out[i]);

		memcpy(&res[3 * i], e->key, 8);
		res[3 * i + 1] = e->weight;
		res[3 * i + 2] = e->err;
	}
	tr->n = 0;
	topk_each(t, trace_each, tr);
	free(out);
	free(z.cdf);
	topk_free(t);
}

T(deterministic_and_seed_independent)
{
	static uint64_t a[1500], b[1500], c[1500];
	static struct trace ta, tb, tc;

	run_stream(1, 0, a, 1500, &ta);
	run_stream(1, 0, b, 1500, &tb);
	run_stream(0xfeedfacecafebeefULL, 0, c, 1500, &tc);
	CHECK(a[1] != 0 && a[1497] != 0);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(memcmp(a, c, sizeof(a)) == 0);
	CHECK_INT(ta.n, 64);
	CHECK(memcmp(&ta, &tb, sizeof(ta)) == 0);
	CHECK(memcmp(&ta, &tc, sizeof(ta)) == 0);
}

T(prefetch_changes_nothing)
{
	static uint64_t a[1500], b[1500], c[1500];
	static struct trace ta, tb, tc;
	struct topk *t = topk_new(4, 8, 7);
	int created;

	run_stream(3, 0, a, 1500, &ta);
	run_stream(3, 1, b, 1500, &tb);
	run_stream(3, 2, c, 1500, &tc);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(memcmp(a, c, sizeof(a)) == 0);
	CHECK(memcmp(&ta, &tb, sizeof(ta)) == 0);
	CHECK(memcmp(&ta, &tc, sizeof(ta)) == 0);
	/* a prefetched key that is never added is not in the table; a later one is found */
	topk_prefetch(t, "ghost", 5);
	CHECK(topk_find(t, "ghost", 5) == NULL);
	CHECK_INT(topk_count(t), 0);
	topk_add(t, "real", 4, 2, &created);
	topk_prefetch(t, "real", 4);
	CHECK(topk_find(t, "real", 4) != NULL);
	CHECK(topk_find(t, "ghost", 5) == NULL);
	topk_free(t);
}

T(first_eviction_after_many_hits)
{
	/* the heap is only built at the first eviction: it must see every weight change */
	struct topk *t = topk_new(50, 0, 21);
	unsigned char k[2];
	int created, i, r;

	for (i = 0; i < 50; i++) {
		k[0] = (unsigned char)i;
		topk_add(t, k, 1, 100, &created);
	}
	for (r = 0; r < 3; r++)
		for (i = 0; i < 50; i++)
			if (i != 17) {
				k[0] = (unsigned char)i;
				topk_add(t, k, 1, (uint64_t)(i + 1), &created);
			}
	/* 17 is the least (100); then 0 (103), 1 (106), ... */
	topk_add(t, "new", 3, 0, &created);
	k[0] = 17;
	CHECK(topk_find(t, k, 1) == NULL);
	CHECK_INT(topk_entry_of(t, topk_find(t, "new", 3))->weight, 100);
	topk_add(t, "new2", 4, 0, &created); /* "new" (100) goes next */
	CHECK(topk_find(t, "new", 3) == NULL);
	topk_add(t, "new3", 4, 0, &created); /* then "new2" (100) */
	CHECK(topk_find(t, "new2", 4) == NULL);
	topk_add(t, "new4", 4, 200, &created); /* "new3" (100) */
	CHECK(topk_find(t, "new3", 4) == NULL);
	k[0] = 0;
	CHECK(topk_find(t, k, 1) != NULL);
	topk_add(t, "new5", 4, 0, &created); /* the least is now 0 (103) */
	CHECK(topk_find(t, k, 1) == NULL);
	CHECK_INT(topk_evicted(t), 5);
	topk_free(t);
}

T(memory_bounded)
{
	struct topk *t = topk_new(1000, 24, 77);
	size_t small, full, i;
	uint8_t k[16];

	topk_add(t, "x", 1, 1, NULL);
	small = topk_mem(t);
	for (i = 0; i < 1000; i++) {
		mkkey(i, k);
		topk_add(t, k, 16, 1, NULL);
	}
	full = topk_mem(t);
	CHECK(small < full / 8);
	CHECK(full < 1000 * (40 + 24 + 60));
	for (i = 1000; i < 200000; i++) {
		mkkey(i % 3 ? i : i % 500, k);
		topk_add(t, k, 16, 1, NULL);
		if (topk_mem(t) != full) {
			T_FAIL("mem grew to %zu from %zu at %zu", topk_mem(t), full, i);
			break;
		}
	}
	CHECK_INT(topk_count(t), 1000);
	topk_free(t);
}

/* A million distinct keys through 65536 entries, with 8 heavy keys among them. */
T(million_distinct_keys)
{
	enum { CAP = 65536, N = 1000000, HEAVY = 8 };
	struct topk *t = topk_new(CAP, 16, 2024);
	uint64_t heavy[HEAVY] = {0}, total = 0, *v;
	struct sums sums = {0, 0};
	size_t i, j, mem = 0;
	uint8_t k[16];
	int created, bad = 0;

	for (i = 0; i < N; i++) {
		mkkey(i, k);
		v = topk_add(t, k, 16, 1, &created);
		bad |= !created || v[0] != 0 || v[1] != 0;
		v[0] = i;
		total++;
		if (i % 16 == 0) {
			j = i / 16 % HEAVY;
			mkkey(N + j, k);
			topk_add(t, k, 16, 1, NULL);
			heavy[j]++;
			total++;
		}
		if (i == CAP + HEAVY)
			mem = topk_mem(t);
	}
	CHECK(!bad);
	CHECK_INT(topk_count(t), CAP);
	CHECK_INT(topk_evicted(t), N + HEAVY - CAP);
	CHECK_INT(topk_mem(t), mem);
	topk_each(t, sum_each, &sums);
	CHECK_INT(sums.weight, total);
	for (j = 0; j < HEAVY; j++) {
		const struct topk_entry *e;

		mkkey(N + j, k);
		e = entry(t, k, 16);
		CHECK(e != NULL);
		if (e != NULL)
			CHECK(e->weight - e->err <= heavy[j] && heavy[j] <= e->weight);
	}
	/* the newest keys are in, each seen once, its value intact */
	for (i = N - 100; i < N; i++) {
		const struct topk_entry *e;

		mkkey(i, k);
		v = topk_find(t, k, 16);
		CHECK(v != NULL);
		if (v == NULL)
			break;
		e = topk_entry_of(t, v);
		CHECK_INT(e->weight - e->err, 1);
		CHECK_INT(v[0], i);
	}
	topk_free(t);
}

int
main(void)
{
	T_RUN(exact_below_capacity);
	T_RUN(eviction_zeroes_value_and_sets_err);
	T_RUN(ties_break_by_key_bytes);
	T_RUN(touch_only_and_saturation);
	T_RUN(keys_of_different_lengths);
	T_RUN(top_order);
	T_RUN(matches_reference_model);
	T_RUN(zipf_heavy_hitters);
	T_RUN(deterministic_and_seed_independent);
	T_RUN(prefetch_changes_nothing);
	T_RUN(first_eviction_after_many_hits);
	T_RUN(memory_bounded);
	T_RUN(million_distinct_keys);
	return T_END();
}
