/* scan.h: inline helpers for parsing borrowed text (pointer + end), shared by the parsers. */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event.h"
#include "memeq.h"

#if !defined(SC_NO_SWAR) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * Word-at-a-time helpers (SWAR) for little-endian machines; others (and
 * builds with -DSC_NO_SWAR, to test that path) use byte loops.
 */
#define SC_SWAR 1
#define SC_ONES 0x0101010101010101ULL
#define SC_LO7 0x7f7f7f7f7f7f7f7fULL

/* The 8 bytes at p as a word (p[0] lowest). */
static inline uint64_t
sc_ld64(const char *p)
{
	return mem_ld64(p);
}

/* 0x80 in each byte of w that is 0, exactly (no carry between bytes). */
static inline uint64_t
sc_zero_bytes(uint64_t w)
{
	return ~(((w & SC_LO7) + SC_LO7) | w | SC_LO7);
}

/* 0x80 in each byte of w that is not an ASCII digit, exactly (no carry between bytes). */
static inline uint64_t
sc_nondigit_bytes(uint64_t w)
{
	uint64_t x = w ^ (SC_ONES * '0'); /* digits are now 0..9 */

	return (((x & SC_LO7) + SC_ONES * 0x76) | x) & ~SC_LO7;
}

/* The value of the k (1..8) ASCII digits in the low bytes of w (p[0] most significant). */
static inline uint32_t
sc_digits_value(uint64_t w, unsigned k)
{
	uint64_t x = (w & 0x0f0f0f0f0f0f0f0fULL) << (8 * (8 - k));

	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffULL;
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffULL;
	x = (x * 10000 + (x >> 32)) & 0xffffffffULL;
	return (uint32_t)x;
}
#endif

/* Just after the last byte c in [s, e), or s: for the short fields of a line. */
static inline const char *
sc_back_to(const char *s, const char *e, char c)
{
#ifdef SC_SWAR
	uint64_t m;

	for (; e - s >= 8; e -= 8)
		if ((m = sc_zero_bytes(sc_ld64(e - 8) ^ (SC_ONES * (unsigned char)c))) != 0)
			return e - 8 + (63 - __builtin_clzll(m)) / 8 + 1;
#endif
	while (e > s && e[-1] != c)
		e--;
	return e;
}

/* Literal prefix test: s[0..e) starts with the string literal L. */
#define SC_HAS(s, e, L)                                                                            \
	((size_t)((e) - (s)) >= sizeof(L) - 1 && memcmp((s), (L), sizeof(L) - 1) == 0)
/* Literal suffix test: s[0..e) ends with the string literal L. */
#define SC_ENDS(s, e, L)                                                                           \
	((size_t)((e) - (s)) >= sizeof(L) - 1 &&                                                   \
	 memcmp((e) - (sizeof(L) - 1), (L), sizeof(L) - 1) == 0)
/* If s starts with L, advances s past it and is true. */
#define SC_EAT(s, e, L) (SC_HAS(s, e, L) ? ((s) += sizeof(L) - 1, 1) : 0)
/* If s[0..e) ends with L, moves e before it and is true. */
#define SC_CHOP(s, e, L) (SC_ENDS(s, e, L) ? ((e) -= sizeof(L) - 1, 1) : 0)

static inline struct span
sc_span(const char *p, const char *e)
{
	struct span sp = {p, (uint32_t)(e - p)};

	return sp;
}

/*
 * First occurrence of the n-byte needle in [s, e), or NULL. Faster than memmem
 * for the short needles of log formats: memchr on the needle's first byte that
 * is not a space (spaces are everywhere in a log line), then mem_eq (no call).
 */
static inline const char *
sc_find(const char *s, const char *e, const char *needle, size_t n)
{
	size_t k = (n > 1 && needle[0] == ' ') ? 1 : 0;
	const char *p, *lim;

	if (n == 0 || s >= e || (size_t)(e - s) < n)
		return NULL;
	lim = e - n + 1; /* one past the last place a match can start */
	for (p = s + k; p < lim + k;) {
		p = memchr(p, needle[k], (size_t)(lim + k - p));
		if (p == NULL)
			return NULL;
		if (mem_eq(p - k, needle, n))
			return p - k;
		p++;
	}
	return NULL;
}
#define SC_FIND(s, e, L) sc_find((s), (e), (L), sizeof(L) - 1)

/* Last occurrence of the n-byte needle in [s, e), or NULL. */
static inline const char *
sc_rfind(const char *s, const char *e, const char *needle, size_t n)
{
	const char *lim, *p;

	if (n == 0 || s >= e || (size_t)(e - s) < n)
		return NULL;
	lim = e - n; /* the last place a match can start */
	for (;;) {
		p = memrchr(s, needle[0], (size_t)(lim - s) + 1);
		if (p == NULL)
			return NULL;
		if (mem_eq(p, needle, n))
			return p;
		if (p == s)
			return NULL;
		lim = p - 1;
	}
}
#define SC_RFIND(s, e, L) sc_rfind((s), (e), (L), sizeof(L) - 1)

/* Last byte c in [s, e), or NULL. */
static inline const char *
sc_rchr(const char *s, const char *e, char c)
{
	return s < e ? memrchr(s, c, (size_t)(e - s)) : NULL;
}

/*
 * First byte c in [s, e), or NULL. The first 16 bytes a word at a time: the
 * byte sought (the space after a word, a ']') is most often near, where a
 * memchr call costs more than the search.
 */
static inline const char *
sc_chr(const char *s, const char *e, char c)
{
#ifdef SC_SWAR
	uint64_t m;
	int k;

	for (k = 0; k < 2 && e - s >= 8; k++, s += 8)
		if ((m = sc_zero_bytes(sc_ld64(s) ^ (SC_ONES * (unsigned char)c))) != 0)
			return s + __builtin_ctzll(m) / 8;
#endif
	return s < e ? memchr(s, c, (size_t)(e - s)) : NULL;
}

/* Parses the whole of [s, e) as a decimal number that fits 64 bits; returns 0 or -1. */
static inline int
sc_u64(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (s >= e || e - s > 20)
		return -1;
	for (; s < e; s++) {
		unsigned d = (unsigned)(unsigned char)*s - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parses the whole of [s, e) as a port 1..65535 (0 allowed for odd logs); returns 0 or -1. */
static inline int
sc_port(const char *s, const char *e, uint16_t *out)
{
	uint64_t v;

	if (sc_u64(s, e, &v) != 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* Reads digits at *sp (advancing it); returns 0 if at least one digit was read. */
static inline int
sc_eat_u64(const char **sp, const char *e, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	while (s < e && *s >= '0' && *s <= '9' && s - *sp < 18)
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s == *sp)
		return -1;
	*sp = s;
	*out = v;
	return 0;
}

/* True when c may appear in a DNS host name as sshd logs it. */
static inline int
sc_hostchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

/*
 * Sets ev's source from sshd's own address field [s, e): an address goes to
 * src, a plausible host name (only where host_ok: the fields sshd fills from
 * a DNS name with UseDNS, and PAM's rhost) to src_host. Returns 0, or -1 when
 * the text is neither (then nothing is set).
 */
static inline int
sc_set_src_h(struct event *ev, const char *s, const char *e, int host_ok)
{
	const char *p;

	if (s >= e)
		return -1;
	if (addr_parse(s, (size_t)(e - s), &ev->src) == 0)
		return 0;
	if (!host_ok)
		return -1;
	if (e - s > 253)
		return -1;
	for (p = s; p < e; p++)
		if (!sc_hostchar((unsigned char)*p))
			return -1;
	/* a name has a letter: "203.0.113.300" is a broken address, not a host */
	for (p = s; p < e; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			break;
	if (p == e)
		return -1;
	ev->src_host = sc_span(s, e);
	return 0;
}

/* An address only: sshd's numeric fields (ssh_remote_ipaddr). */
static inline int
sc_set_src(struct event *ev, const char *s, const char *e)
{
	return sc_set_src_h(ev, s, e, 0);
}

#endif
