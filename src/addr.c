/* addr.c: IPv4/IPv6 addresses in binary form, parsed from log text. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

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
