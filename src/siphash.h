/* siphash.h: SipHash-1-3, the keyed hash of tables whose keys attackers choose (inline). */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * SipHash (Aumasson and Bernstein) is a keyed pseudo-random function: without
 * the 128-bit key nobody can choose inputs that collide, so a hash table
 * indexed by it cannot be flooded by crafted keys (user names, addresses).
 * SipHash-1-3 (one compression round per word, three finalization rounds) is
 * the variant hash tables use (Rust, Python). Everything here is static
 * inline: each user gets its own copy, specialised for constant lengths.
 */

/* The 8 bytes at p as a little-endian word (any alignment). */
static inline uint64_t
siphash_le64(const unsigned char *p)
{
	uint64_t m;

	memcpy(&m, p, 8);
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return m;
}

static inline uint64_t
siphash_rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

#define SIPHASH_ROUND_(v0, v1, v2, v3)                                                             \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = siphash_rotl(v1, 13);                                                         \
		v1 ^= v0;                                                                          \
		v0 = siphash_rotl(v0, 32);                                                         \
		v2 += v3;                                                                          \
		v3 = siphash_rotl(v3, 16);                                                         \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = siphash_rotl(v3, 21);                                                         \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = siphash_rotl(v1, 17);                                                         \
		v1 ^= v2;                                                                          \
		v2 = siphash_rotl(v2, 32);                                                         \
	} while (0)

/*
 * n words of key material from a 64-bit seed: successive splitmix64
 * outputs, so that nearby seeds give unrelated keys.
 */
static inline void
siphash_seed_words(uint64_t seed, uint64_t *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		k[i] = z ^ (z >> 31);
	}
}

/* The SipHash key (k[0], k[1]) of a 64-bit seed. */
static inline void
siphash_key(uint64_t seed, uint64_t k[2])
{
	siphash_seed_words(seed, k, 2);
}

/*
 * SipHash-1-3 of p[0..n) under the key (k0, k1), as the reference
 * implementation computes it (little-endian words, the length in the last
 * byte). p may be NULL when n is 0.
 */
static inline uint64_t
siphash13(uint64_t k0, uint64_t k1, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	const unsigned char *end = p + (n & ~(size_t)7);
	uint64_t m;

	for (; p < end; p += 8) {
		m = siphash_le64(p);
		v3 ^= m;
		SIPHASH_ROUND_(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (uint64_t)n << 56;
	switch (n & 7) {
	case 7:
		m |= (uint64_t)p[6] << 48;
		/* FALLTHROUGH */
	case 6:
		m |= (uint64_t)p[5] << 40;
		/* FALLTHROUGH */
	case 5:
		m |= (uint64_t)p[4] << 32;
		/* FALLTHROUGH */
	case 4:
		m |= (uint64_t)p[3] << 24;
		/* FALLTHROUGH */
	case 3:
		m |= (uint64_t)p[2] << 16;
		/* FALLTHROUGH */
	case 2:
		m |= (uint64_t)p[1] << 8;
		/* FALLTHROUGH */
	case 1:
		m |= (uint64_t)p[0];
		break;
	default:
		break;
	}
	v3 ^= m;
	SIPHASH_ROUND_(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	SIPHASH_ROUND_(v0, v1, v2, v3);
	SIPHASH_ROUND_(v0, v1, v2, v3);
	SIPHASH_ROUND_(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif
