/* memeq.h: loads and equality of short byte strings without a library call (names, hosts). */
#ifndef MEMEQ_H
#define MEMEQ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The 8 bytes at p as a word, in the machine's order (any alignment). */
static inline uint64_t
mem_ld64(const void *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* The 4 bytes at p as a word, in the machine's order (any alignment). */
static inline uint32_t
mem_ld32(const void *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/*
 * Whether a[0..n) and b[0..n) are equal. Reads only those bytes: strings up
 * to 16 bytes are compared as two overlapping words of 8, 4 or 2 bytes (no
 * branch per byte, no call), longer ones by memcmp.
 */
static inline int
mem_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	if (n >= 8) {
		if (n > 16)
			return memcmp(x, y, n) == 0;
		return ((mem_ld64(x) ^ mem_ld64(y)) |
		        (mem_ld64(x + n - 8) ^ mem_ld64(y + n - 8))) == 0;
	}
	if (n >= 4)
		return ((mem_ld32(x) ^ mem_ld32(y)) |
		        (mem_ld32(x + n - 4) ^ mem_ld32(y + n - 4))) == 0;
	if (n >= 2) {
		uint16_t x0, x1, y0, y1;

		memcpy(&x0, x, 2);
		memcpy(&y0, y, 2);
		memcpy(&x1, x + n - 2, 2);
		memcpy(&y1, y + n - 2, 2);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	return n == 0 || x[0] == y[0];
}

#endif
