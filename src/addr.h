/* addr.h: IPv4/IPv6 addresses in binary form, parsed from log text. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "memeq.h"

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/*
 * An address as the kernel sees it. Invariant: af is 0 (none), 4 or 6; for 4 the
 * first 4 bytes of a are used and the rest are zero. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) are stored as IPv4 so that one peer has one key.
 */
struct addr {
	uint8_t af;
	uint8_t a[16];
};

/*
 * Parses text s[0..n) as a whole: a dotted-quad IPv4 address (no leading zeros
 * beyond "0", each part <= 255), or an IPv6 address with an optional zone id
 * ("fe80::1%eth0", the zone is dropped). Returns 0 and fills *out, or -1 if the
 * text is not exactly one address (out is then af = 0).
 */
int addr_parse(const char *s, size_t n, struct addr *out);

/* Writes the canonical text (inet_ntop) into buf[ADDR_STRLEN]; returns its length (0 if none). */
size_t addr_format(const struct addr *a, char *buf);

/* Returns 1 when both hold the same address, else 0 (inline: the tracker asks per line). */
static inline int
addr_eq(const struct addr *x, const struct addr *y)
{
	return x->af == y->af &&
	       ((mem_ld64(x->a) ^ mem_ld64(y->a)) | (mem_ld64(x->a + 8) ^ mem_ld64(y->a + 8))) == 0;
}

#endif
