/* test_addr.c: addr_parse against a reference built on the C library's inet_pton. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "t.h"

/*
 * The reference: addr_parse as it was in aa0d422 (a per-byte IPv4 parser
 * that checks for the end at each byte, then inet_pton(AF_INET6) on a
 * NUL-terminated copy). addr_parse must give the same on every input.
 */
static int
ref4(const char *str, size_t n, uint8_t out[4])
{
	const unsigned char *p = (const unsigned char *)str, *e = p + n;
	int part;

	if (n < 7 || n > 15)
		return -1;
	for (part = 0;; part++) {
		unsigned v = (unsigned)*p - '0', d;

		if (v > 9)
			return -1;
		p++;
		if (p < e && (d = (unsigned)*p - '0') <= 9) {
			if (v == 0)
				return -1;
			v = v * 10 + d;
			p++;
			if (p < e && (d = (unsigned)*p - '0') <= 9) {
				v = v * 10 + d;
				p++;
				if (v > 255)
					return -1;
			}
		}
		out[part] = (uint8_t)v;
		if (part == 3)
			return p == e ? 0 : -1;
		if (p >= e || *p != '.')
			return -1;
		p++;
		if (p >= e)
			return -1;
	}
}

static int
ref_parse(const char *s, size_t n, struct addr *out)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char buf[64];
	size_t i;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return -1;
	if (ref4(s, n, out->a) == 0) {
		out->af = 4;
		return 0;
	}
	memset(out->a, 0, 4);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			if (i + 1 == n)
				return -1;
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

static unsigned long nchecked, nvalid;

/* Parses s[0..n) (copied to exactly n bytes: ASan sees over-reads) both ways. */
static void
same(const char *s, size_t n)
{
	char *c = malloc(n ? n : 1);
	struct addr a, b;
	int ra, rb;

	if (c == NULL)
		abort();
	memcpy(c, s, n);
	memset(&a, 0x5a, sizeof(a));
	ra = addr_parse(c, n, &a);
	rb = ref_parse(c, n, &b);
	nchecked++;
	nvalid += rb == 0;
	if (ra != rb || memcmp(&a, &b, sizeof(a)) != 0) {
		if (!t_failed_now)
			T_FAIL("\"%.*s\" (%zu bytes): rc %d af %d, reference rc %d af %d", (int)n,
			       s, n, ra, a.af, rb, b.af);
		else
			t_failed_now = 1;
	}
	free(c);
}

static void
same_str(const char *s)
{
	same(s, strlen(s));
}

/* xorshift64*, so that every run checks the same strings */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned)((rng * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

T(known)
{
	static const char *const cases[] = {
	    "1.2.3.4",
	    "0.0.0.0",
	    "255.255.255.255",
	    "256.1.1.1",
	    "01.2.3.4",
	    "1.2.3.04",
	    "1.2.3",
	    "1.2.3.4.5",
	    "1..2.3",
	    ".1.2.3.4",
	    "1.2.3.4.",
	    "1.2.3.4 ",
	    " 1.2.3.4",
	    "1.2.3.1234",
	    "1234.1.1.1",
	    "12.34.56.78",
	    "100.200.250.255",
	    "199.199.199.199",
	    "::",
	    "::1",
	    "1::",
	    ":",
	    ":::",
	    "1:::2",
	    "1::2::3",
	    "::ffff:1.2.3.4",
	    "::ffff:0102:0304",
	    "::1.2.3.4",
	    "1:2:3:4:5:6:7:8",
	    "1:2:3:4:5:6:7:8:9",
	    "1:2:3:4:5:6:7::",
	    "::2:3:4:5:6:7:8",
	    "1:2:3:4:5:6:7::8",
	    "1:2:3:4:5:6:1.2.3.4",
	    "1:2:3:4:5:6:7:1.2.3.4",
	    "1:2:3:4:5::1.2.3.4",
	    "::1.2.3",
	    "::1.2.3.04",
	    "::256.1.1.1",
	    "12345::",
	    "1:2:3:4:5:6:7:",
	    ":1:2:3:4:5:6:7",
	    "fe80::1%eth0",
	    "fe80::1%",
	    "%eth0",
	    "2001:DB8::AbCd",
	    "2001:db8:bad::9",
	    "1.2.3.4%x",
	    "::ffff:1.2.3.4%lo",
	    "1:2:3:4:5:6:7:8%z",
	    "::a.b.c.d",
	    "::1.2.3.4:5",
	    "2a03:b0c0:2e14:8665::c53a:cdb",
	    "0:0:0:0:0:ffff:7f00:1",
	    "::0.0.0.0",
	    "::ffff:255.255.255.255",
	    "1::1.2.3.4.5",
	    "1.2.3.4::",
	    "g::1",
	    "::g",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_str(cases[i]);
	same("1.2.3.4\0", 8);
	same("::1\0", 4);
	same("", 0);
}

/*
 * Damages buf[0..n) (room for cap bytes): one to three times, a byte of
 * extra[0..nextra) put in somewhere, or a byte taken out. Returns the length.
 */
static size_t
damage(char *buf, size_t n, size_t cap, const char *extra, size_t nextra)
{
	unsigned k;

	for (k = rnd(3) + 1; k > 0; k--) {
		size_t at = rnd((unsigned)n + 1);

		if (rnd(2) && n < cap - 1) {
			memmove(buf + at + 1, buf + at, n - at);
			buf[at] = extra[rnd((unsigned)nextra)];
			n++;
		} else if (at < n) {
			memmove(buf + at, buf + at + 1, n - at - 1);
			n--;
		}
	}
	return n;
}

/* Dotted quads of parts with 0-4 digits (leading zeros too) and stray characters. */
T(random_ipv4)
{
	static const char extra[] = "0123456789.:a %";
	char buf[40];
	unsigned i, part;

	for (i = 0; i < 2000000; i++) {
		size_t n = 0;

		for (part = 0; part < 4; part++) {
			unsigned nd = rnd(5), v = rnd(300);

			if (nd == 0)
				nd = 1 + rnd(3);
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%0*u", (int)nd, v % 1000);
			if (part < 3)
				buf[n++] = '.';
		}
		if (rnd(4) == 0)
			n = damage(buf, n, sizeof(buf), extra, sizeof(extra) - 1);
		same(buf, n);
	}
	CHECK(nvalid > 100000);
}

/* IPv6 shapes: 0-9 groups of 0-5 hex digits, "::" anywhere, an IPv4 tail, a zone, damage. */
T(random_ipv6)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	static const char extra[] = "0123456789abcdefABCDEF:.%g";
	char buf[96];
	unsigned i, g, k, ng, dc;
	unsigned long valid0 = nvalid;

	for (i = 0; i < 3000000; i++) {
		size_t n = 0;

		ng = rnd(10);
		dc = rnd(ng + 2); /* where "::" goes; ng + 1: nowhere */
		if (rnd(3) == 0)
			dc = ng + 1;
		for (g = 0; g < ng && n < 70; g++) {
			unsigned nd = rnd(6);

			if (nd == 0 && rnd(2))
				nd = 1 + rnd(4);
			if (g == dc) {
				buf[n++] = ':';
				buf[n++] = ':';
			} else if (g > 0)
				buf[n++] = ':';
			for (k = 0; k < nd; k++)
				buf[n++] = hex[rnd(sizeof(hex) - 1)];
		}
		if (dc == ng) {
			buf[n++] = ':';
			buf[n++] = ':';
		}
		if (rnd(5) == 0 && n < 70) {
			if (n > 0 && buf[n - 1] != ':')
				buf[n++] = ':';
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%u.%u.%u.%u", rnd(260),
			                      rnd(260), rnd(3) ? rnd(256) : rnd(10), rnd(256));
		}
		if (rnd(10) == 0 && n < 80) {
			buf[n++] = '%';
			for (k = rnd(4); k > 0; k--)
				buf[n++] = "eth0lo"[rnd(6)];
		}
		if (rnd(5) == 0)
			n = damage(buf, n, sizeof(buf), extra, sizeof(extra) - 1);
		same(buf, n);
	}
	CHECK(nvalid - valid0 > 200000);
}

/* Short strings over the whole alphabet of addresses, every one up to 4 bytes. */
T(exhaustive_short)
{
	static const char al[] = "0:.1f9%F";
	char buf[5];
	unsigned len, i, x, k;
	size_t na = sizeof(al) - 1;

	for (len = 0; len <= 4; len++) {
		unsigned total = 1;

		for (k = 0; k < len; k++)
			total *= (unsigned)na;
		for (i = 0; i < total; i++) {
			for (x = i, k = 0; k < len; k++, x /= (unsigned)na)
				buf[k] = al[x % na];
			same(buf, len);
		}
	}
}

int
main(void)
{
	T_RUN(known);
	T_RUN(random_ipv4);
	T_RUN(random_ipv6);
	T_RUN(exhaustive_short);
	printf("checked %lu strings, %lu valid addresses\n", nchecked, nvalid);
	return T_END();
}
