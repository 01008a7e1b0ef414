/* sshd_fields.c: the address, port and user fields of sshd's messages, shared by the rules. */
#include <string.h>

#include "scan.h"
#include "sshd_fields.h"

/* Scans back byte by byte: the fields are short and this runs on most lines. */
const char *
sshd_fields_tail_addr_port_h(struct event *ev, const char *s, const char *e, int host_ok)
{
	const char *p = e, *a;
	uint32_t port = 0, mul = 1;

	ev->src_port = 0;
#ifdef SC_SWAR
	if (e - s >= 8) {
		/* the digits at the end (at most 6) from the last 8 bytes at once */
		uint64_t w = sc_ld64(e - 8), nd = sc_nondigit_bytes(w);
		unsigned k = nd != 0 ? (unsigned)__builtin_clzll(nd) / 8 : 8;

		if (k > 6)
			k = 6;
		if (k > 0)
			port = sc_digits_value(w >> (8 * (8 - k)), k);
		p = e - k;
	} else
#endif
		while (p > s && (unsigned)(p[-1] - '0') <= 9 && e - p < 6) {
			port += mul * (uint32_t)(p[-1] - '0');
			mul *= 10;
			p--;
		}
	if (p < e && p - s >= 6 && memcmp(p - 6, " port ", 6) == 0 && port <= 65535) {
		ev->src_port = (uint16_t)port;
		e = p - 6;
	}
	a = sc_back_to(s, e, ' ');
	if (sc_set_src_h(ev, a, e, host_ok) != 0) {
		ev->src_port = 0;
		return NULL;
	}
	return a;
}

/* Takes "invalid user ", "illegal user ", "authenticating user ", "user " off the front. */
static void
user_kind(struct event *ev, const char **sp, const char *e, int dflt)
{
	ev->user_valid = (int8_t)dflt;
	if (SC_EAT(*sp, e, "invalid user ") || SC_EAT(*sp, e, "illegal user "))
		ev->user_valid = UV_INVALID;
	else if (SC_EAT(*sp, e, "authenticating user ") || SC_EAT(*sp, e, "user "))
		ev->user_valid = UV_VALID;
}

int
sshd_fields_user_from_addr_h(struct event *ev, const char *s, const char *e, int dflt, int host_ok)
{
	const char *a, *u;

	if ((a = sshd_fields_tail_addr_port_h(ev, s, e, host_ok)) == NULL)
		return -1;
	/* a - 1 is the space before A; "from" must end there */
	u = a - 1;
	if (u < s + 4 || memcmp(u - 4, "from", 4) != 0)
		goto bad;
	u -= 4;
	if (u == s) {
		/* "from A" with nothing before: an empty name with no separator */
		ev->user_valid = (int8_t)dflt;
		ev->user = sc_span(s, s);
		return 0;
	}
	if (u[-1] != ' ')
		goto bad;
	user_kind(ev, &s, u, dflt);
	if (s > u - 1) /* "invalid user " eaten including the space before "from" */
		s = u - 1;
	ev->user = sc_span(s, u - 1);
	return 0;
bad:
	memset(&ev->src, 0, sizeof(ev->src));
	ev->src_host = sc_span(NULL, NULL);
	ev->src_port = 0;
	return -1;
}

int
sshd_fields_kind_user_addr(struct event *ev, const char *s, const char *e)
{
	const char *a;

	if ((a = sshd_fields_tail_addr_port(ev, s, e)) == NULL)
		return -1;
	if (a > s) {
		const char *u = s;

		user_kind(ev, &u, a - 1, UV_UNKNOWN);
		if (ev->user_valid == UV_UNKNOWN)
			return -1; /* text before A that is not a user */
		if (u > a - 1)
			u = a - 1;
		ev->user = sc_span(u, a - 1);
	}
	return 0;
}
