/* addr.c: IPv4/IPv6 addresses in binary form, parsed from log text. */
#include <arpa/inet.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "addr.h"

#if defined(__SSE2__)
/*
 * Dotted quad: each part 1-3 digits, no leading zero, <= 255. With SSE2 the
 * 16 bytes (the text, then zeros) are looked at all at once: each part's last
 * digit, tens and hundreds are found by shifting the digit mask, and every
 * part's value computed in the byte of its last digit. Branches depend only on
 * whether the text is an address, not on the lengths of its parts.
 */
static int
parse4(const char *str, size_t n, uint8_t out[4])
{
	uint64_t lo, hi = 0;
	__m128i v, d, dig, dot, last, ten, hun, bad, u, t, h, tu, val, big;
	unsigned all, lastm, i0, i1, i2, i3;
	unsigned char vals[16];

	if (n < 7 || n > 15)
		return -1;
	if (n >= 8) {
		memcpy(&lo, str, 8);
		if (n > 8) {
			memcpy(&hi, str + n - 8, 8);
			hi >>= 8 * (16 - n); /* bytes 8..n-1 (SSE2: little-endian) */
		}
	} else {
		uint32_t a, b;

		memcpy(&a, str, 4);
		memcpy(&b, str + 3, 4);
		lo = a | (uint64_t)b << 24;
	}
	v = _mm_set_epi64x((long long)hi, (long long)lo);
	d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	dig = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
	all = (1u << n) - 1;
	if (((unsigned)_mm_movemask_epi8(_mm_or_si128(dig, dot)) & all) != all)
		return -1; /* a byte that is neither digit nor dot */
	/* last: a digit before a non-digit; ten and hun: the digits before it */
	last = _mm_andnot_si128(_mm_srli_si128(dig, 1), dig);
	ten = _mm_and_si128(dig, _mm_srli_si128(last, 1));
	hun = _mm_and_si128(dig, _mm_srli_si128(ten, 1));
	/* a fourth digit, or a leading zero (a first digit 0 that is not the last) */
	bad = _mm_and_si128(_mm_andnot_si128(_mm_slli_si128(dig, 1), _mm_or_si128(ten, hun)),
	                    _mm_cmpeq_epi8(d, _mm_setzero_si128()));
	bad = _mm_or_si128(bad, _mm_and_si128(dig, _mm_srli_si128(hun, 1)));
	/*
	 * Each part's value in the byte of its last digit (0 elsewhere): tu = 10
	 * tens + units exactly, then + 100 hundreds mod 256 (16-bit products: a
	 * carry out of a low byte goes into the byte after a last digit, never
	 * read, as last digits are not next to each other). Over 255 is told by
	 * the hundreds and tu.
	 */
	u = _mm_and_si128(d, last);
	t = _mm_slli_si128(_mm_and_si128(d, ten), 1);
	h = _mm_slli_si128(_mm_and_si128(d, hun), 2);
	tu = _mm_add_epi8(u, _mm_mullo_epi16(t, _mm_set1_epi16(10)));
	val = _mm_add_epi8(tu, _mm_mullo_epi16(h, _mm_set1_epi16(100)));
	big = _mm_or_si128(_mm_cmpgt_epi8(h, _mm_set1_epi8(2)),
	                   _mm_and_si128(_mm_cmpeq_epi8(h, _mm_set1_epi8(2)),
	                                 _mm_cmpgt_epi8(tu, _mm_set1_epi8(55))));
	if (_mm_movemask_epi8(_mm_or_si128(bad, big)) != 0)
		return -1;
	/* four parts, the last one ending the text, and a dot right after each other */
	lastm = (unsigned)_mm_movemask_epi8(last);
	if (((lastm << 1) & all) != (unsigned)_mm_movemask_epi8(dot) || !(lastm >> (n - 1) & 1))
		return -1;
	i0 = (unsigned)__builtin_ctz(lastm); /* lastm has bit n - 1 */
	if ((lastm &= lastm - 1) == 0)
		return -1;
	i1 = (unsigned)__builtin_ctz(lastm);
	if ((lastm &= lastm - 1) == 0)
		return -1;
	i2 = (unsigned)__builtin_ctz(lastm);
	if ((lastm &= lastm - 1) == 0 || (lastm & (lastm - 1)) != 0)
		return -1;
	i3 = (unsigned)__builtin_ctz(lastm); /* n - 1 */
	_mm_storeu_si128((__m128i *)(void *)vals, val);
	out[0] = vals[i0];
	out[1] = vals[i1];
	out[2] = vals[i2];
	out[3] = vals[i3];
	return 0;
}
#else
/*
 * Dotted quad: each part 1-3 digits, no leading zero, <= 255. The text is
 * first copied into a zeroed buffer (two overlapping 8-byte loads), so the
 * parts are read without checking for the end at every byte: the NULs after
 * the text are neither digits nor dots.
 */
static int
parse4(const char *str, size_t n, uint8_t out[4])
{
	unsigned char b[24];
	const unsigned char *p = b;
	uint64_t w0, w1, z = 0;
	int part;

	if (n < 7 || n > 15)
		return -1;
	memcpy(b + 8, &z, 8);
	memcpy(b + 16, &z, 8);
	if (n >= 8) {
		memcpy(&w0, str, 8);
		memcpy(&w1, str + n - 8, 8);
		memcpy(b, &w0, 8);
		memcpy(b + n - 8, &w1, 8);
	} else {
		memcpy(b, &z, 8);
		memcpy(b, str, 7);
	}
	for (part = 0;; part++) {
		unsigned v = (unsigned)p[0] - '0', d;

		if (v > 9)
			return -1;
		if ((d = (unsigned)p[1] - '0') <= 9) {
			if (v == 0)
				return -1; /* leading zero: ambiguous (octal in inet_aton) */
			v = v * 10 + d;
			if ((d = (unsigned)p[2] - '0') <= 9) {
				v = v * 10 + d;
				if (v > 255)
					return -1;
				p++;
			}
			p++;
		}
		p++;
		out[part] = (uint8_t)v;
		if (part == 3)
			return p == b + n ? 0 : -1;
		if (*p++ != '.')
			return -1;
	}
}
#endif

int
addr_parse(const char *s, size_t n, struct addr *out)
{
	char buf[64];
	size_t i;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return -1;
	if (parse4(s, n, out->a) == 0) {
		out->af = 4;
		return 0;
	}
	memset(out->a, 0, 4);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			if (i + 1 == n)
				return -1; /* empty zone id */
			n = i;
			break;
		}
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == ':' || c == '.'))
			return -1;
	}
	if (n < 2 || n >= sizeof(buf) || memchr(s, ':', n) == NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, out->a) != 1) {
		memset(out->a, 0, sizeof(out->a));
		return -1;
	}
	if (memcmp(out->a, mapped, 12) == 0) {
		memmove(out->a, out->a + 12, 4);
		memset(out->a + 4, 0, 12);
		out->af = 4;
		return 0;
	}
	out->af = 6;
	return 0;
}

size_t
addr_format(const struct addr *a, char *buf)
{
	buf[0] = '\0';
	if (a->af == 4) {
		/* by hand: inet_ntop goes through sprintf, slow on the output hot path */
		char *p = buf;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned v = a->a[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return (size_t)(p - buf - 1);
	} else if (a->af == 6)
		inet_ntop(AF_INET6, a->a, buf, ADDR_STRLEN);
	return strlen(buf);
}
