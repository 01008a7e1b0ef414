/* timespec.h: the times and address ranges users type: --since/--until and --ip. */
#ifndef TIMESPEC_H
#define TIMESPEC_H

#include <stdint.h>

#include "addr.h"

/*
 * Parses a time a user typed into UTC epoch microseconds. Accepts:
 *   relative to now: "90s", "15m", "2h", "7d", "2w" (now minus that; sums
 *        such as "1h30m" too; a number needs a unit, m is minutes);
 *   ISO: "2021-05-31", "2021-05-31T07", "2021-05-31T07:30", "2021-05-31 07:30:15",
 *        with optional fraction and "Z" / "+02:00" / "+0200" (no zone: local time);
 *        years 1900-9999; the fraction (after '.' or ',') is cut to microseconds;
 *   syslog style: "May 31", "May 31 07:00", "May 31 07:00:15" (local time; the year
 *        is the latest one that does not put it after now); month names in
 *        three letters or in full, any case;
 *   "today", "yesterday" (local midnight), "now" (any case);
 *   "@1717139242" (epoch seconds; a sign and a fraction are allowed).
 * Blanks around s are ignored. A date without a time means its local
 * midnight. now is UTC epoch seconds (a parameter: tests pass a fixed one).
 * Local time follows the process TZ: a time the clocks show twice (the end of
 * DST) is the earlier instant; a time they skip (the start of DST) is read
 * with the offset before the change (02:30 in a skipped hour is 03:30 after).
 * Returns 0 and *out, or -1 (with a reason in err[0..errlen), such as
 * "'May 32': day out of range"; err may be NULL) for anything else.
 */
int timespec_parse(const char *s, int64_t now, int64_t *out, char *err, size_t errlen);

/* A network: address and prefix length (0..32 for IPv4, 0..128 for IPv6). */
struct cidr {
	struct addr net; /* the address with host bits cleared */
	uint8_t bits;
};

/*
 * Parses "192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "::ffff:192.0.2.0/120"
 * (mapped networks become IPv4 ones: /N with N >= 96 is IPv4 /N-96). No prefix
 * means one address (/32 or /128). Host bits set in the address are cleared.
 * Returns 0, or -1 for anything else (bad address, prefix out of range, not
 * decimal, or with a sign, leading zero or blanks).
 */
int cidr_parse(const char *s, struct cidr *out);

/* Clears the bits of a past the first bits (bits >= 128: nothing is cleared). */
void cidr_mask(struct addr *a, unsigned bits);

/* 1 when a is inside c (same family: IPv4 and IPv6 never match), else 0. */
int cidr_contains(const struct cidr *c, const struct addr *a);

/* 1 when networks a and b share an address (one holds the other), else 0. */
int cidr_overlaps(const struct cidr *a, const struct cidr *b);

/*
 * Parses a duration "30s", "10m", "1h", "2d", "1w", a bare number of seconds,
 * or a sum such as "1h30m", into seconds. Units are lower case; a number
 * without a unit only stands alone. At most INT64_MAX / 1000000 - 1 seconds,
 * so that microseconds fit in an int64_t. Returns 0 or -1 (*out untouched).
 */
int duration_parse(const char *s, int64_t *out);

/*
 * Writes seconds s as duration_parse reads them, in the largest units (weeks
 * only for whole weeks): 600 -> "10m", 5400 -> "1h30m", 1209600 -> "2w",
 * 2592000 -> "30d", 0 -> "0s" (a negative s: "-5s"). Returns buf, cut to len
 * bytes (24 always suffice).
 */
const char *duration_format(int64_t s, char *buf, size_t len);

#endif
