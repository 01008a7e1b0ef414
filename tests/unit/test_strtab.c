/* test_strtab.c: string interning: ids, bytes, growth, big strings, memory; its SipHash. */
#include <stdint.h>
#include <stdlib.h>

#include "siphash.h"
#include "strtab.h"
#include "t.h"

#define SEED 0x5eedf00dULL

/* The i-th test string: lengths 1..38 with the digits of i in it, so all are distinct. */
static size_t
name_of(uint32_t i, char *buf)
{
	static const char pad[] = "abcdefghijklmnopqrstuvwxyz0123";
	int k = snprintf(buf, 64, "u%u", i);

	/* a varying tail of i % 31 bytes keeps every length from 2 to 39 in use */
	memcpy(buf + k, pad, i % 31);
	return (size_t)k + i % 31;
}

T(round_trip)
{
	struct strtab *t = strtab_new(SEED);
	uint32_t a, b;
	size_t n = 99;
	const char *p;

	CHECK_INT(strtab_count(t), 0);
	a = strtab_intern(t, "alice", 5);
	b = strtab_intern(t, "bob", 3);
	CHECK_INT(a, 1);
	CHECK_INT(b, 2);
	CHECK_INT(strtab_intern(t, "alice", 5), 1);
	CHECK_INT(strtab_intern(t, "bob", 3), 2);
	CHECK_INT(strtab_intern(t, "alicex", 5), 1); /* only n bytes count */
	CHECK_INT(strtab_count(t), 2);
	p = strtab_get(t, a, &n);
	CHECK_SPAN(p, n, "alice");
	CHECK_INT(p[5], '\0');
	p = strtab_get(t, b, &n);
	CHECK_SPAN(p, n, "bob");
	CHECK_STR(strtab_get(t, b, NULL), "bob");
	/* prefixes and extensions are other strings */
	CHECK_INT(strtab_intern(t, "ali", 3), 3);
	CHECK_INT(strtab_intern(t, "alice2", 6), 4);
	CHECK_INT(strtab_intern(t, "Alice", 5), 5);
	CHECK_STR(strtab_get(t, 1, NULL), "alice");
	CHECK_STR(strtab_get(t, 3, NULL), "ali");
	CHECK_INT(strtab_count(t), 5);
	strtab_free(t);
	strtab_free(NULL);
}

T(empty_and_unknown_ids)
{
	struct strtab *t = strtab_new(SEED);
	size_t n = 99;

	CHECK_INT(strtab_intern(t, "", 0), 0);
	CHECK_INT(strtab_intern(t, NULL, 0), 0);
	CHECK_INT(strtab_intern(t, "abc", 0), 0);
	CHECK_INT(strtab_find(t, "", 0), 0);
	CHECK_INT(strtab_find(t, NULL, 0), 0);
	CHECK_INT(strtab_count(t), 0);
	CHECK_STR(strtab_get(t, 0, &n), "");
	CHECK_INT(n, 0);
	n = 99;
	CHECK_STR(strtab_get(t, 1, &n), ""); /* not yet given out */
	CHECK_INT(n, 0);
	strtab_intern(t, "x", 1);
	n = 99;
	CHECK_STR(strtab_get(t, 2, &n), "");
	CHECK_INT(n, 0);
	CHECK_STR(strtab_get(t, UINT32_MAX, NULL), "");
	CHECK_STR(strtab_get(t, 1, NULL), "x");
	strtab_free(t);
}

T(nul_bytes_inside)
{
	struct strtab *t = strtab_new(SEED);
	uint32_t a, b, c, d, e;
	size_t n;
	const char *p;

	a = strtab_intern(t, "a\0b", 3);
	b = strtab_intern(t, "a\0c", 3);
	c = strtab_intern(t, "a", 1);
	d = strtab_intern(t, "a\0", 2);
	e = strtab_intern(t, "\0\0\0\0\0\0\0\0\0", 9);
	CHECK_INT(a, 1);
	CHECK_INT(b, 2);
	CHECK_INT(c, 3);
	CHECK_INT(d, 4);
	CHECK_INT(e, 5);
	CHECK_INT(strtab_intern(t, "\0\0\0\0\0\0\0\0", 8), 6);
	CHECK_INT(strtab_intern(t, "a\0b", 3), a);
	CHECK_INT(strtab_intern(t, "a\0", 2), d);
	CHECK_INT(strtab_find(t, "\0\0\0\0\0\0\0\0\0", 9), e);
	p = strtab_get(t, a, &n);
	CHECK_INT(n, 3);
	CHECK(memcmp(p, "a\0b\0", 4) == 0);
	p = strtab_get(t, e, &n);
	CHECK_INT(n, 9);
	CHECK(memcmp(p, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
	strtab_free(t);
}

T(every_byte_value)
{
	struct strtab *t = strtab_new(SEED);
	unsigned i;
	size_t n;

	for (i = 0; i < 256; i++) {
		char c = (char)i;

		CHECK_INT(strtab_intern(t, &c, 1), i + 1);
	}
	for (i = 0; i < 256; i++) {
		const char *p = strtab_get(t, i + 1, &n);

		CHECK_INT(n, 1);
		CHECK_INT((unsigned char)p[0], i);
		CHECK_INT(p[1], 0);
	}
	CHECK_INT(strtab_count(t), 256);
	strtab_free(t);
}

T(find_does_not_add)
{
	struct strtab *t = strtab_new(SEED);
	size_t mem;

	CHECK_INT(strtab_find(t, "carol", 5), 0);
	CHECK_INT(strtab_count(t), 0);
	CHECK_INT(strtab_intern(t, "dave", 4), 1);
	mem = strtab_mem(t);
	CHECK_INT(strtab_find(t, "carol", 5), 0);
	CHECK_INT(strtab_find(t, "dav", 3), 0);
	CHECK_INT(strtab_find(t, "davey", 5), 0);
	CHECK_INT(strtab_count(t), 1);
	CHECK_INT(strtab_mem(t), mem);
	CHECK_INT(strtab_intern(t, "carol", 5), 2);
	CHECK_INT(strtab_find(t, "carol", 5), 2);
	CHECK_INT(strtab_find(t, "dave", 4), 1);
	strtab_free(t);
}

/* A million distinct strings: ids dense and in order, all found again, pointers stable. */
T(million_with_growth)
{
	enum { N = 1000000 };
	struct strtab *t = strtab_new(SEED);
	char buf[64];
	const char *first;
	size_t n, len, mem = strtab_mem(t), m;
	uint32_t i, bad = 0, grew = 0;

	CHECK_INT(strtab_intern(t, "u0", 2), 1); /* name_of(0) is "u0" */
	first = strtab_get(t, 1, NULL);
	for (i = 1; i < N; i++) {
		len = name_of(i, buf);
		if (strtab_intern(t, buf, len) != i + 1)
			bad++;
		m = strtab_mem(t);
		if (m < mem)
			bad++;
		grew += m > mem;
		mem = m;
	}
	CHECK_INT(bad, 0);
	CHECK(grew > 20); /* index doublings and arena blocks */
	CHECK_INT(strtab_count(t), N);
	CHECK(strtab_get(t, 1, NULL) == first);
	CHECK_STR(first, "u0");
	for (i = 0; i < N; i++) {
		const char *p;

		len = name_of(i, buf);
		if (strtab_find(t, buf, len) != i + 1)
			bad++;
		if (strtab_intern(t, buf, len) != i + 1)
			bad++;
		p = strtab_get(t, i + 1, &n);
		if (n != len || memcmp(p, buf, len) != 0 || p[len] != '\0')
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(strtab_count(t), N);
	CHECK_INT(strtab_mem(t), mem); /* lookups allocate nothing */
	/* near misses of present strings are absent */
	for (i = 0; i < 1000; i++) {
		len = name_of(i * 997, buf);
		buf[len] = '!';
		if (strtab_find(t, buf, len + 1) != 0 ||
		    strtab_find(t, buf, len - 1) == i * 997 + 1)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* the table holds at least the bytes, and not absurdly more (< 160 bytes per string) */
	CHECK(strtab_mem(t) > (size_t)N * 20);
	CHECK(strtab_mem(t) < (size_t)N * 160);
	strtab_free(t);
}

/* Strings from a few bytes to megabytes, around the block and big-string limits. */
T(long_strings)
{
	static const size_t sizes[] = {
	    16383, 16384, 16385, 65535, 65536, 65537, 100000, 1 << 20, 3 * (1 << 20) + 7};
	enum { NS = sizeof(sizes) / sizeof(sizes[0]) };
	struct strtab *t = strtab_new(SEED);
	char *big = malloc(sizes[NS - 1]);
	uint32_t ids[NS], small1, small2;
	size_t i, j, n, mem, total = 0;
	const char *p;

	for (j = 0; j < sizes[NS - 1]; j++)
		big[j] = (char)(j * 131 + 7);
	small1 = strtab_intern(t, "before", 6);
	for (i = 0; i < NS; i++) {
		mem = strtab_mem(t);
		ids[i] = strtab_intern(t, big, sizes[i]);
		CHECK_INT(ids[i], i + 2);
		CHECK(strtab_mem(t) >= mem + sizes[i] || sizes[i] < 65536);
		total += sizes[i];
	}
	small2 = strtab_intern(t, "after", 5);
	CHECK_INT(small1, 1);
	CHECK_INT(small2, NS + 2);
	for (i = 0; i < NS; i++) {
		p = strtab_get(t, ids[i], &n);
		CHECK_INT(n, sizes[i]);
		CHECK(memcmp(p, big, sizes[i]) == 0);
		CHECK_INT(p[n], 0);
		CHECK_INT(strtab_intern(t, big, sizes[i]), ids[i]);
		CHECK_INT(strtab_find(t, big, sizes[i]), ids[i]);
	}
	/* one byte changed at the end: another string */
	big[sizes[NS - 1] - 1] ^= 1;
	CHECK_INT(strtab_find(t, big, sizes[NS - 1]), 0);
	CHECK_STR(strtab_get(t, small1, NULL), "before");
	CHECK_STR(strtab_get(t, small2, NULL), "after");
	CHECK(strtab_mem(t) > total);
	strtab_free(t);
	free(big);
}

/* Memory never goes down and grows in steps: one 64 KiB block holds many names. */
T(memory_accounting)
{
	struct strtab *t = strtab_new(SEED);
	size_t m0 = strtab_mem(t), m1, prev;
	char buf[64];
	uint32_t i, steps = 0;

	CHECK(m0 > 0);
	strtab_intern(t, "first", 5);
	m1 = strtab_mem(t);
	CHECK(m1 >= m0 + 64 * 1024); /* the first arena block */
	prev = m1;
	for (i = 0; i < 40; i++) {
		size_t len = (size_t)snprintf(buf, sizeof(buf), "name%u", i);

		strtab_intern(t, buf, len);
		CHECK(strtab_mem(t) >= prev);
		steps += strtab_mem(t) != prev;
		prev = strtab_mem(t);
	}
	CHECK_INT(steps, 0); /* 41 names fit the first block and the first index */
	for (i = 0; i < 100000; i++) {
		size_t len = (size_t)snprintf(buf, sizeof(buf), "more%u", i);

		strtab_intern(t, buf, len);
		if (strtab_mem(t) < prev)
			CHECK(!"memory went down");
		steps += strtab_mem(t) != prev;
		prev = strtab_mem(t);
	}
	CHECK(steps > 10);
	CHECK(steps < 200); /* blocks and doublings, not an allocation per string */
	strtab_free(t);
}

/* Ids depend only on the order of first appearance, never on the seed. */
T(seed_independent_ids)
{
	struct strtab *a = strtab_new(1), *b = strtab_new(0xffffffffffffffffULL);
	char buf[64];
	uint32_t i, bad = 0;

	for (i = 0; i < 5000; i++) {
		size_t len = name_of((i * 7919) % 3000, buf);

		if (strtab_intern(a, buf, len) != strtab_intern(b, buf, len))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(strtab_count(a), 3000);
	CHECK_INT(strtab_count(b), 3000);
	strtab_free(a);
	strtab_free(b);
}

/*
 * siphash.h against the reference algorithm: key 00 01 .. 0f, message 00 01 ..
 * (n bytes); the values of n = 0 and 1 are those of the SipHash-1-3 vectors of
 * Rust's core::hash tests, the others from an independent implementation.
 */
T(siphash13_known_answers)
{
	static const struct {
		size_t n;
		uint64_t h;
	} want[] = {
	    {0, 0xabac0158050fc4dcULL},  {1, 0xc9f49bf37d57ca93ULL},  {2, 0x82cb9b024dc7d44dULL},
	    {7, 0xd3927d989bb11140ULL},  {8, 0x369095118d299a8eULL},  {9, 0x25a48eb36c063de4ULL},
	    {15, 0xd320d86d2a519956ULL}, {16, 0xcc4fdd1a7d908b66ULL}, {20, 0xc0dc2f46a6cce040ULL},
	    {63, 0x9d199062b7bbb3a8ULL},
	};
	unsigned char msg[64], odd[24];
	uint64_t k[2], k2[2];
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t h =
		    siphash13(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, msg, want[i].n);

		if (h != want[i].h)
			T_FAIL("n = %zu: %016llx, expected %016llx", want[i].n,
			       (unsigned long long)h, (unsigned long long)want[i].h);
	}
	/* unaligned input hashes the same */
	memcpy(odd + 1, msg, 20);
	CHECK(siphash13(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, odd + 1, 20) ==
	      0xc0dc2f46a6cce040ULL);
	CHECK(siphash13(1, 2, NULL, 0) == siphash13(1, 2, "", 0));
	/* keys: the same seed the same key; nearby seeds unrelated ones */
	siphash_key(SEED, k);
	siphash_key(SEED, k2);
	CHECK(k[0] == k2[0] && k[1] == k2[1]);
	siphash_key(SEED + 1, k2);
	CHECK(k[0] != k2[0] && k[1] != k2[1] && k[0] != k[1]);
}

int
main(void)
{
	T_RUN(round_trip);
	T_RUN(empty_and_unknown_ids);
	T_RUN(nul_bytes_inside);
	T_RUN(every_byte_value);
	T_RUN(find_does_not_add);
	T_RUN(million_with_growth);
	T_RUN(long_strings);
	T_RUN(memory_accounting);
	T_RUN(seed_independent_ids);
	T_RUN(siphash13_known_answers);
	return T_END();
}
