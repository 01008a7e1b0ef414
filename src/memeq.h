/* memeq.h: equality of short byte strings without a library call (names, hosts: a few bytes). */
#ifndef MEMEQ_H
#define MEMEQ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
		uint64_t x0, x1, y0, y1;

		if (n > 16)
			return memcmp(x, y, n) == 0;
		memcpy(&x0, x, 8);
		memcpy(&y0, y, 8);
		memcpy(&x1, x + n - 8, 8);
		memcpy(&y1, y + n - 8, 8);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	if (n >= 4) {
		uint32_t x0, x1, y0, y1;

		memcpy(&x0, x, 4);
		memcpy(&y0, y, 4);
		memcpy(&x1, x + n - 4, 4);
		memcpy(&y1, y + n - 4, 4);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
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
