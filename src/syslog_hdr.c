/* syslog_hdr.c: the line header parser (BSD syslog, RFC 3339, RFC 5424, Fail2Ban, none). */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "scan.h"
#include "syslog_hdr.h"

/* A broken-down stamp as written in the line. */
struct stamp {
	int year; /* 0 for year-less (BSD) stamps */
	int mon;  /* 1-12 */
	int day;
	int hour;
	int min;
	int sec;
	int usec;
	int has_off; /* the stamp carries a UTC offset (off is valid) */
	int off;     /* seconds east of UTC */
};

static inline int
isdig(char c)
{
	return (unsigned)((unsigned char)c - '0') < 10;
}

/* Two digits at p as a number, or -1. */
static inline int
num2(const char *p)
{
	if (!isdig(p[0]) || !isdig(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "Jan".."Dec" at p[0..3) as 1-12, or 0. */
static inline int
month3(const char *p)
{
	switch (p[0]) {
	case 'J':
		if (p[1] == 'a' && p[2] == 'n')
			return 1;
		if (p[1] == 'u' && p[2] == 'n')
			return 6;
		if (p[1] == 'u' && p[2] == 'l')
			return 7;
		return 0;
	case 'F':
		return p[1] == 'e' && p[2] == 'b' ? 2 : 0;
	case 'M':
		if (p[1] != 'a')
			return 0;
		return p[2] == 'r' ? 3 : p[2] == 'y' ? 5 : 0;
	case 'A':
		if (p[1] == 'p' && p[2] == 'r')
			return 4;
		return p[1] == 'u' && p[2] == 'g' ? 8 : 0;
	case 'S':
		return p[1] == 'e' && p[2] == 'p' ? 9 : 0;
	case 'O':
		return p[1] == 'c' && p[2] == 't' ? 10 : 0;
	case 'N':
		return p[1] == 'o' && p[2] == 'v' ? 11 : 0;
	case 'D':
		return p[1] == 'e' && p[2] == 'c' ? 12 : 0;
	}
	return 0;
}

/* Checks the fields of a stamp (year already known or 0 for year-less). */
static int
stamp_valid(const struct stamp *st)
{
	if (st->mon < 1 || st->mon > 12 || st->day < 1 || st->day > civil_mdays(st->year, st->mon))
		return 0;
	return st->hour >= 0 && st->hour <= 23 && st->min >= 0 && st->min <= 59 && st->sec >= 0 &&
	       st->sec <= 60;
}

/*
 * Fraction digits at p (after the '.' or ','): at least one; the first six
 * are kept as microseconds, more are skipped. Returns the end, or NULL.
 */
static const char *
frac(const char *p, const char *e, int *usec)
{
	const char *s = p;
	int v = 0, n = 0;

	for (; p < e && isdig(*p); p++)
		if (n < 6) {
			v = v * 10 + (*p - '0');
			n++;
		}
	if (p == s)
		return NULL;
	for (; n < 6; n++)
		v *= 10;
	*usec = v;
	return p;
}

/*
 * "YYYY-MM-DD" sep "HH:MM:SS" [fsep fraction] ["Z" | +HH:MM | +HHMM] at p.
 * sep 'T' also accepts 't'. Returns the end of the stamp, or NULL.
 */
static const char *
iso_stamp(const char *p, const char *e, char sep, char fsep, struct stamp *st)
{
	const char *q;
	int hh, mm;

	if (e - p < 19 || !isdig(p[0]) || !isdig(p[1]) || !isdig(p[2]) || !isdig(p[3]) ||
	    p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':')
		return NULL;
	if (p[10] != sep && !(sep == 'T' && p[10] == 't'))
		return NULL;
	st->year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	st->mon = num2(p + 5);
	st->day = num2(p + 8);
	st->hour = num2(p + 11);
	st->min = num2(p + 14);
	st->sec = num2(p + 17);
	st->usec = 0;
	st->has_off = 0;
	st->off = 0;
	if (!stamp_valid(st))
		return NULL;
	q = p + 19;
	if (q < e && *q == fsep && (q = frac(q + 1, e, &st->usec)) == NULL)
		return NULL;
	if (q < e && (*q == 'Z' || *q == 'z')) {
		st->has_off = 1;
		return q + 1;
	}
	if (q < e && (*q == '+' || *q == '-')) {
		if (e - q < 5 || (hh = num2(q + 1)) < 0 || hh > 23)
			return NULL;
		mm = q[3] == ':' ? (e - q < 6 ? -1 : num2(q + 4)) : num2(q + 3);
		if (mm < 0 || mm > 59)
			return NULL;
		st->has_off = 1;
		st->off = (*q == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
		q += q[3] == ':' ? 6 : 5;
	}
	return q;
}

/*
 * UTC epoch seconds of the start of a local hour. Of the two instants that a
 * repeated hour (the end of DST) names, the earlier is taken, whatever guess
 * mktime makes; a skipped hour gets what mktime normalises it to.
 */
static int64_t
hour_start(int y, int m, int d, int h)
{
	struct tm tm, lt;
	time_t t, u;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	u = t - 3600;
	if (localtime_r(&u, &lt) != NULL && lt.tm_hour == h && lt.tm_min == 0 && lt.tm_sec == 0 &&
	    lt.tm_mday == d && lt.tm_mon == m - 1 && lt.tm_year == y - 1900)
		t = u;
	return (int64_t)t;
}

/* UTC epoch microseconds of a stamp in year y: its offset if it has one, else local time. */
static int64_t
stamp_ts(struct hdr_ctx *ctx, int y, const struct stamp *st)
{
	int64_t key, s;

	if (st->has_off) {
		s = civil_days(y, st->mon, st->day) * 86400 + st->hour * 3600 + st->min * 60 +
		    st->sec - st->off;
		return s * 1000000 + st->usec;
	}
	/* Never 0 (mon and day >= 1), so a zeroed ctx starts with an empty cache. */
	key = (((int64_t)y * 16 + st->mon) * 32 + st->day) * 32 + st->hour;
	if (key != ctx->c_key) {
		ctx->c_epoch = hour_start(y, st->mon, st->day, st->hour);
		ctx->c_key = key;
	}
	return (ctx->c_epoch + st->min * 60 + st->sec) * 1000000 + st->usec;
}

/* (month, day, hour, minute, second) as one number that orders like the stamps. */
static int64_t
mdhms(int mon, int day, int hour, int min, int sec)
{
	return ((((int64_t)mon * 32 + day) * 24 + hour) * 60 + min) * 61 + sec;
}

/* The year of a year-less stamp, moving ctx on (see hdr_ctx_init). */
static int
bsd_year(struct hdr_ctx *ctx, const struct stamp *st)
{
	struct tm tm;
	int64_t v;
	time_t a;
	int y;

	if (ctx->last_mon < 1 || ctx->last_mon > 12) {
		/* keep localtime_r within years 1..9999 */
		v = ctx->anchor;
		if (v < -62135596800LL)
			v = -62135596800LL;
		else if (v > 253402300799LL)
			v = 253402300799LL;
		a = (time_t)v;
		if (localtime_r(&a, &tm) == NULL)
			y = 1970;
		else {
			y = tm.tm_year + 1900;
			if (mdhms(st->mon, st->day, st->hour, st->min, st->sec) >
			    mdhms(tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec))
				y--;
		}
		ctx->year = y;
		ctx->last_mon = st->mon;
		return y;
	}
	if (ctx->last_mon - st->mon > 6) {
		if (ctx->year < 9999)
			ctx->year++;
		ctx->last_mon = st->mon;
		return ctx->year;
	}
	if (st->mon - ctx->last_mon > 6)
		return ctx->year - 1;
	ctx->last_mon = st->mon;
	return ctx->year;
}

/* The pid in p[0..n): all digits and within uint32_t, else 0. */
static uint32_t
pid_of(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdig(p[i]))
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v > UINT32_MAX ? 0 : (uint32_t)v;
}

static void
set_msg(struct hdr *h, const char *p, const char *e)
{
	if (p < e && *p == ' ')
		p++;
	h->msg = p;
	h->msg_len = (uint32_t)(e - p);
}

/*
 * Splits "tag[pid]: msg" at p into prog, pid and msg. Tag shapes: "prog[pid]:",
 * "prog:", "prog   [pid]:" and "prog   :" (Fail2Ban pads), "[prog]", and
 * "prog[pid]" without the colon. Returns 1 for one of those, 0 when it fell
 * back to prog = the first word and msg after the first ": " (or, with no
 * ": ", no prog and msg = all of p).
 */
static int
split_tag(const char *p, const char *e, struct hdr *h)
{
	const char *q, *r, *c;

	q = p;
#ifdef SC_SWAR
	/* the tag's first ' ', '[' or ':' within 8 bytes, and the common "prog[pid]:" */
	if (e - p >= 8) {
		uint64_t w = sc_ld64(p), m;

		m = sc_zero_bytes(w ^ (SC_ONES * ' ')) | sc_zero_bytes(w ^ (SC_ONES * '[')) |
		    sc_zero_bytes(w ^ (SC_ONES * ':'));
		if (m == 0)
			q = p + 8;
		else if ((q = p + __builtin_ctzll(m) / 8) > p && *q == '[' && e - q >= 9) {
			uint64_t nd;
			unsigned k;

			w = sc_ld64(q + 1);
			nd = sc_nondigit_bytes(w);
			k = nd != 0 ? (unsigned)__builtin_ctzll(nd) / 8 : 0;
			if (k > 0 && e - q >= (ptrdiff_t)k + 3 && q[k + 1] == ']' &&
			    q[k + 2] == ':') {
				h->prog = p;
				h->prog_len = (uint32_t)(q - p);
				h->pid = sc_digits_value(w, k);
				set_msg(h, q + k + 3, e);
				return 1;
			}
		}
	}
#endif
	for (; q < e && *q != ' ' && *q != '[' && *q != ':'; q++)
		;
	if (q < e && *q == '[' && q > p) {
		/* the common "prog[digits]:" without the general path's memchr */
		const char *d = q + 1, *lim = e - q > 11 ? q + 11 : e;
		uint64_t v = 0;

		while (d < lim && isdig(*d))
			v = v * 10 + (uint64_t)(*d++ - '0');
		if (d > q + 1 && d + 1 < e && d[0] == ']' && d[1] == ':' && v <= UINT32_MAX) {
			h->prog = p;
			h->prog_len = (uint32_t)(q - p);
			h->pid = (uint32_t)v;
			set_msg(h, d + 2, e);
			return 1;
		}
	}
	for (r = q; r < e && *r == ' '; r++)
		;
	if (r < e && *r == '[' && (r == q || q > p) &&
	    (c = memchr(r + 1, ']', (size_t)(e - r - 1))) != NULL &&
	    (c + 1 == e || c[1] == ':' || c[1] == ' ')) {
		if (q > p) {
			h->prog = p;
			h->prog_len = (uint32_t)(q - p);
			h->pid = pid_of(r + 1, (size_t)(c - r - 1));
		} else if (c > r + 1) { /* "[sshd]" */
			h->prog = r + 1;
			h->prog_len = (uint32_t)(c - r - 1);
		}
		c++;
		set_msg(h, c < e && *c == ':' ? c + 1 : c, e);
		return 1;
	}
	if (r < e && *r == ':' && q > p) {
		h->prog = p;
		h->prog_len = (uint32_t)(q - p);
		set_msg(h, r + 1, e);
		return 1;
	}
	for (r = p; r < e && (r = memchr(r, ':', (size_t)(e - r))) != NULL; r++)
		if (r + 1 < e && r[1] == ' ')
			break;
	if (r == NULL || r >= e) {
		h->msg = p;
		h->msg_len = (uint32_t)(e - p);
		return 0;
	}
	if (q > p && q <= r) {
		h->prog = p;
		h->prog_len = (uint32_t)(q - p);
	}
	h->msg = r + 2;
	h->msg_len = (uint32_t)(e - r - 2);
	return 0;
}

/*
 * "host tag: msg" at p. A first word that ends in "]:", or in ':' with no
 * other ':' (an IPv6 address has two), is the tag of a line without a host.
 */
static void
host_tag(const char *p, const char *e, struct hdr *h)
{
	const char *sp, *he;

	/* host names are short: a loop beats a memchr call */
	for (he = p; he < e && *he != ' '; he++)
		;
	sp = he < e ? he : NULL;
	if (he - p >= 2 && he[-1] == ':' &&
	    (he[-2] == ']' || memchr(p, ':', (size_t)(he - p - 1)) == NULL)) {
		split_tag(p, e, h);
		return;
	}
	if (he == p) { /* no host: skip the extra spaces */
		while (p < e && *p == ' ')
			p++;
		split_tag(p, e, h);
		return;
	}
	h->host = p;
	h->host_len = (uint32_t)(he - p);
	if (sp == NULL) {
		h->msg = e;
		h->msg_len = 0;
		return;
	}
	split_tag(sp + 1, e, h);
}

#ifdef SC_SWAR
/*
 * host_tag for a line that starts "host prog[" like the one in ctx's cache
 * (one host and a few programs write most lines): host and prog are known,
 * and of the tag only "digits]:" is left to check, as split_tag's common
 * case. Returns 1 with *h filled as host_tag would, or 0 (nothing written)
 * to take the general way. [p, e) must have 32 bytes: no end checks below.
 */
static inline int
tag_hit(const struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
	const char *d;
	uint64_t w, nd;
	unsigned k;

	if ((((sc_ld64(p) ^ ctx->t_key[0]) & ctx->t_mask[0]) |
	     ((sc_ld64(p + 8) ^ ctx->t_key[1]) & ctx->t_mask[1])) != 0 ||
	    ctx->t_len == 0)
		return 0;
	d = p + ctx->t_len; /* t_len <= 16: 8 bytes to read, and "]:" after 7 digits at most */
	w = sc_ld64(d);
	nd = sc_nondigit_bytes(w);
	if (nd == 0 || (nd & 0x80) != 0)
		return 0; /* no digit, or 8 or more: split_tag's longer loop */
	k = (unsigned)__builtin_ctzll(nd) / 8;
	if (d[k] != ']' || d[k + 1] != ':')
		return 0;
	h->host = p;
	h->host_len = ctx->t_host;
	h->prog = p + ctx->t_host + 1;
	h->prog_len = ctx->t_prog;
	h->pid = sc_digits_value(w, k);
	set_msg(h, d + k + 2, e);
	return 1;
}

/*
 * After host_tag on [p, e): remembers "host prog[" when the line had that
 * shape, i.e. host_tag's first word was the host (no ':' end), a single
 * space, then split_tag found prog up to its first ' ', '[' or ':', a '['.
 * A later line with the same bytes there takes the same way through both.
 */
static void
tag_fill(struct hdr_ctx *ctx, const char *p, const char *e, const struct hdr *h)
{
	unsigned char key[16];
	size_t n = (size_t)h->host_len + 1 + h->prog_len + 1, i;

	if (h->host != p || h->host_len == 0 || h->prog != p + h->host_len + 1 ||
	    h->prog_len == 0 || n > 16 || n > (size_t)(e - p) || p[n - 1] != '[')
		return;
	for (i = h->host_len + 1; i < n - 1; i++)
		if (p[i] == ' ' || p[i] == '[' || p[i] == ':')
			return;
	memset(key, 0, sizeof(key));
	memcpy(key, p, n);
	memcpy(&ctx->t_key[0], key, 8);
	memcpy(&ctx->t_key[1], key + 8, 8);
	ctx->t_mask[0] = n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
	ctx->t_mask[1] = n >= 16 ? ~(uint64_t)0 : n > 8 ? ((uint64_t)1 << (8 * (n - 8))) - 1 : 0;
	ctx->t_len = (uint8_t)n;
	ctx->t_host = (uint8_t)h->host_len;
	ctx->t_prog = (uint8_t)h->prog_len;
}
#endif

/* host_tag through ctx's cache of "host prog[". */
static void
host_tag_c(struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
#ifdef SC_SWAR
	if (e - p >= 32 && tag_hit(ctx, p, e, h))
		return;
	host_tag(p, e, h);
	tag_fill(ctx, p, e, h);
#else
	(void)ctx;
	host_tag(p, e, h);
#endif
}

/* The 16 bytes at p are those of ctx's last plain BSD stamp. */
static inline int
stamp_hit(const struct hdr_ctx *ctx, const char *p)
{
	return ((mem_ld64(p) ^ ctx->b_stamp[0]) | (mem_ld64(p + 8) ^ ctx->b_stamp[1])) == 0;
}

/* "Mmm DD HH:MM:SS[.ffffff] " (DD also " D" or "D") then host and tag. */
static int
parse_bsd(struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
	struct stamp st;
	const char *q;
	int y;

	if (e - p < 15)
		return -1;
	/* the same "Mmm DD HH:MM:SS " as the last BSD line (many per second): the same time */
	if (ctx->b_ok && e - p >= 16 && stamp_hit(ctx, p)) {
		h->ts = ctx->b_ts;
		h->fmt = HDR_BSD;
		host_tag_c(ctx, p + 16, e, h);
		return 0;
	}
	if ((st.mon = month3(p)) == 0 || p[3] != ' ')
		return -1;
	if (isdig(p[5]) && (p[4] == ' ' || isdig(p[4]))) {
		st.day = (p[4] == ' ' ? 0 : (p[4] - '0') * 10) + (p[5] - '0');
		q = p + 6;
	} else if (isdig(p[4]) && p[5] == ' ') {
		st.day = p[4] - '0';
		q = p + 5;
	} else
		return -1;
	if (e - q < 10 || q[0] != ' ' || q[3] != ':' || q[6] != ':')
		return -1;
	st.year = 0;
	st.hour = num2(q + 1);
	st.min = num2(q + 4);
	st.sec = num2(q + 7);
	st.usec = 0;
	st.has_off = 0;
	if (!stamp_valid(&st))
		return -1;
	q += 9;
	if (*q == '.' && (q = frac(q + 1, e, &st.usec)) == NULL)
		return -1;
	if (q >= e || *q != ' ')
		return -1;
	y = bsd_year(ctx, &st);
	h->ts = stamp_ts(ctx, y, &st);
	/*
	 * bsd_year gives the same year for the same stamp again as long as no
	 * other BSD stamp comes between: cache the plain 15-byte shape
	 */
	ctx->b_ok = q == p + 15 && e - p >= 16;
	if (ctx->b_ok) {
		memcpy(ctx->b_stamp, p, 16);
		ctx->b_ts = h->ts;
	}
	h->fmt = HDR_BSD;
	host_tag_c(ctx, q + 1, e, h);
	return 0;
}

/*
 * "YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM|+HHMM] " then host and tag (rsyslog,
 * journalctl -o short-iso[-precise]); a stamp without an offset is local time.
 */
static int
parse_rfc3339(struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
	struct stamp st;
	const char *q;

	if ((q = iso_stamp(p, e, 'T', '.', &st)) == NULL || q >= e || *q != ' ')
		return -1;
	h->ts = stamp_ts(ctx, st.year, &st);
	h->fmt = HDR_RFC3339;
	host_tag_c(ctx, q + 1, e, h);
	return 0;
}

/*
 * Fail2Ban's log file: "YYYY-MM-DD HH:MM:SS,mmm name   [pid]: LEVEL msg"
 * (0.9 and later) or "... name   : LEVEL msg" (0.8), local time. A stamp of
 * that shape followed by something else is taken as "host tag: msg" instead
 * (an rsyslog template with a space-separated date), fmt HDR_RFC3339.
 */
static int
parse_f2b(struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
	struct stamp st;
	const char *q;

	if ((q = iso_stamp(p, e, ' ', ',', &st)) == NULL || q >= e || *q != ' ') {
		if ((q = iso_stamp(p, e, ' ', '.', &st)) == NULL || q >= e || *q != ' ')
			return -1;
	}
	h->ts = stamp_ts(ctx, st.year, &st);
	q++;
	if (split_tag(q, e, h)) {
		h->fmt = HDR_F2B;
		return 0;
	}
	h->prog = NULL;
	h->prog_len = 0;
	h->fmt = HDR_RFC3339;
	host_tag(q, e, h);
	return 0;
}

/* One RFC 5424 field up to the next space; "-" (NILVALUE) gives NULL. */
static const char *
field(const char *p, const char *e, const char **f, uint32_t *n)
{
	const char *sp = memchr(p, ' ', (size_t)(e - p));
	const char *fe = sp != NULL ? sp : e;

	if (fe == p || (fe - p == 1 && *p == '-')) {
		*f = NULL;
		*n = 0;
	} else {
		*f = p;
		*n = (uint32_t)(fe - p);
	}
	return sp != NULL ? sp + 1 : e;
}

/*
 * RFC 5424 after "<PRI>": "1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]". A
 * header cut short keeps what was read, the msg being the rest.
 */
static int
parse_5424(struct hdr_ctx *ctx, const char *p, const char *e, struct hdr *h)
{
	struct stamp st;
	const char *q, *procid, *msgid;
	uint32_t procid_len, msgid_len;
	int inq;

	q = p + (isdig(p[1]) ? 2 : 1);
	if (q >= e || *q != ' ')
		return -1;
	q++;
	if (e - q >= 2 && q[0] == '-' && q[1] == ' ')
		q += 2;
	else {
		if ((q = iso_stamp(q, e, 'T', '.', &st)) == NULL || q >= e || *q != ' ')
			return -1;
		h->ts = stamp_ts(ctx, st.year, &st);
		q++;
	}
	h->fmt = HDR_RFC5424;
	q = field(q, e, &h->host, &h->host_len);
	q = field(q, e, &h->prog, &h->prog_len);
	q = field(q, e, &procid, &procid_len);
	if (procid != NULL)
		h->pid = pid_of(procid, procid_len);
	q = field(q, e, &msgid, &msgid_len);
	if (q < e && *q == '-')
		q++;
	else
		while (q < e && *q == '[') {
			for (q++, inq = 0; q < e; q++) {
				if (inq && *q == '\\' && q + 1 < e)
					q++;
				else if (*q == '"')
					inq = !inq;
				else if (!inq && *q == ']')
					break;
			}
			if (q < e)
				q++;
		}
	if (q < e && *q == ' ')
		q++;
	if (e - q >= 3 && (unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBB &&
	    (unsigned char)q[2] == 0xBF)
		q += 3;
	h->msg = q;
	h->msg_len = (uint32_t)(e - q);
	return 0;
}

void
hdr_ctx_init(struct hdr_ctx *ctx, int64_t anchor)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->anchor = anchor;
}

/* hdr_parse for every shape of line (not inlined: see hdr_parse). */
static int __attribute__((noinline))
parse_any(struct hdr_ctx *ctx, const char *line, size_t len, struct hdr *out)
{
	const char *p = line, *e;
	int pri, rc = -1;

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	out->ts = INT64_MIN;
	out->host = out->prog = NULL;
	out->host_len = out->prog_len = out->pid = 0;
	out->fmt = HDR_NONE;
	if (len == 0)
		goto none;
	e = line + len;
	if (*p == '<') { /* <PRI>: 1-3 digits, at most 191 */
		for (p++, pri = 0; p < e && isdig(*p) && p - line <= 3; p++)
			pri = pri * 10 + (*p - '0');
		if (p == line + 1 || p >= e || *p != '>' || pri > 191)
			goto none;
		p++;
		if (e - p >= 2 && *p >= '1' && *p <= '9')
			rc = parse_5424(ctx, p, e, out);
		if (rc == 0)
			return 0;
		if (p >= e)
			goto none;
	}
	if (*p >= 'A' && *p <= 'S')
		rc = parse_bsd(ctx, p, e, out);
	else if (isdig(*p) && e - p >= 19)
		rc = p[10] == ' ' ? parse_f2b(ctx, p, e, out) : parse_rfc3339(ctx, p, e, out);
	if (rc == 0)
		return 0;
none:
	out->ts = INT64_MIN;
	out->host = out->prog = NULL;
	out->host_len = out->prog_len = out->pid = 0;
	out->fmt = HDR_NONE;
	out->msg = line;
	out->msg_len = (uint32_t)len;
	return -1;
}

int
hdr_parse(struct hdr_ctx *ctx, const char *line, size_t len, struct hdr *out)
{
#ifdef SC_SWAR
	/*
	 * The common line, as parse_bsd takes it when both its caches hit. Apart
	 * from parse_any, whose many locals would make every line pay for saving
	 * and restoring registers.
	 */
	if (ctx->b_ok && len >= 48 && len <= UINT32_MAX && stamp_hit(ctx, line) &&
	    tag_hit(ctx, line + 16, line + len, out)) {
		out->ts = ctx->b_ts;
		out->fmt = HDR_BSD;
		return 0;
	}
#endif
	return parse_any(ctx, line, len, out);
}
