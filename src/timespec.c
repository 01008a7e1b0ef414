/* timespec.c: the times and address ranges users type: --since/--until and --ip. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "timespec.h"

#define USEC 1000000
#define MAXSEC (INT64_MAX / USEC - 1) /* the most seconds whose microseconds fit in int64 */
#define YEAR_MIN 1900
#define YEAR_MAX 9999
#define HINT "not a time (try 2h, 2021-05-31, 'May 31 07:00', today or @EPOCH)"
#define ISO_HINT "expected YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|+HH:MM]"
#define UNITS "s, m, h, d or w"

/* Why a duration was refused. */
enum dur_err { D_OK, D_EMPTY, D_SYNTAX, D_UNIT, D_BARE, D_RANGE };

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isblank_(int c)
{
	return c == ' ' || c == '\t';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The value of the n digits at p (p has at least n bytes), or -1 if any is not a digit. */
static int
digits(const char *p, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdig(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Writes "'s': why" into err (the text cut at 40 bytes, control bytes as '?'); returns -1. */
static int
fail(char *err, size_t errlen, const char *s, size_t n, const char *why)
{
	char q[41];
	size_t i, m = n > 40 ? 40 : n;

	if (err == NULL || errlen == 0)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	for (i = 0; i < m; i++) {
		unsigned char c = (unsigned char)s[i];

		q[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	q[m] = '\0';
	snprintf(err, errlen, "'%s%s': %s", q, n > m ? "..." : "", why);
	return -1;
}

/*
 * A sum of terms at s[0..n), each digits and a unit (s m h d w), into seconds;
 * a lone number is seconds when bare is set. On D_UNIT, *unit is the bad unit.
 */
static enum dur_err
dur(const char *s, size_t n, int bare, int64_t *out, char *unit)
{
	const char *p = s, *e = s + n;
	int64_t total = 0;

	if (n == 0)
		return D_EMPTY;
	while (p < e) {
		const char *term = p;
		int64_t v = 0, mul;

		if (!isdig(*p))
			return D_SYNTAX;
		for (; p < e && isdig(*p); p++) {
			if (v > (INT64_MAX - (*p - '0')) / 10)
				return D_RANGE;
			v = v * 10 + (*p - '0');
		}
		if (p == e) {
			/* a number without a unit: only as the whole string */
			if (!bare || term != s)
				return D_BARE;
			mul = 1;
		} else {
			switch (*p++) {
			case 's':
				mul = 1;
				break;
			case 'm':
				mul = 60;
				break;
			case 'h':
				mul = 3600;
				break;
			case 'd':
				mul = 86400;
				break;
			case 'w':
				mul = 7 * 86400;
				break;
			default:
				if (lower(p[-1]) < 'a' || lower(p[-1]) > 'z')
					return D_SYNTAX;
				*unit = p[-1];
				return D_UNIT;
			}
		}
		if (v > MAXSEC / mul)
			return D_RANGE;
		v *= mul;
		if (total > MAXSEC - v)
			return D_RANGE;
		total += v;
	}
	*out = total;
	return D_OK;
}

int
duration_parse(const char *s, int64_t *out)
{
	int64_t v;
	char unit;

	if (s == NULL || dur(s, strlen(s), 1, &v, &unit) != D_OK)
		return -1;
	*out = v;
	return 0;
}

/* The UTC offset (seconds east) in force at t, or -1 when t has no local time. */
static int
offset_at(int64_t t, long *off)
{
	struct tm lt;
	time_t tt = (time_t)t;

	if ((int64_t)tt != t || localtime_r(&tt, &lt) == NULL)
		return -1;
	*off = lt.tm_gmtoff;
	return 0;
}

/*
 * UTC epoch seconds of the local wall-clock time y-m-d h:mi:00 in the process
 * TZ. mktime finds the neighbourhood; the offsets in force a day either side
 * of it decide. A time the clocks show twice (the end of DST) is the earlier
 * instant; a time they skip (the start of DST) is read with the offset before
 * the change, so 02:30 in a skipped hour is 03:30 of the new time.
 */
static int
local_epoch(int y, int m, int d, int h, int mi, int64_t *out)
{
	struct tm tm;
	time_t t0;
	int64_t wall = civil_days(y, m, d) * 86400 + h * 3600 + mi * 60, near, best = 0;
	long offs[3], least = 0, o;
	int i, found = 0, any = 0;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t0 = mktime(&tm);
	near = t0 == (time_t)-1 ? wall : (int64_t)t0; /* -1 may be an error: wall is near too */
	for (i = 0; i < 3; i++) {
		if (offset_at(near + (i - 1) * 86400, &offs[i]) == -1)
			continue;
		if (!any || offs[i] < least)
			least = offs[i];
		any = 1;
		if (offset_at(wall - offs[i], &o) == 0 && o == offs[i] &&
		    (!found || wall - offs[i] < best)) {
			best = wall - offs[i];
			found = 1;
		}
	}
	if (!any)
		return -1;
	*out = found ? best : wall - least;
	return 0;
}

/* Seconds and microseconds as epoch microseconds, if in range. */
static int
to_usec(int64_t sec, int64_t usec, int64_t *out)
{
	if (sec > MAXSEC || sec < -MAXSEC)
		return -1;
	*out = sec * USEC + usec;
	return 0;
}

/* The local date of epoch second t. */
static int
local_date(int64_t t, int *y, int *m, int *d)
{
	struct tm lt;
	time_t tt = (time_t)t;

	if ((int64_t)tt != t || localtime_r(&tt, &lt) == NULL)
		return -1;
	*y = lt.tm_year + 1900;
	*m = lt.tm_mon + 1;
	*d = lt.tm_mday;
	return 0;
}

/* "now", "today", "yesterday": 1 and *out if s is one, 0 if not, -1 on failure. */
static int
keyword(const char *s, size_t n, int64_t now, int64_t *out)
{
	static const char *const kw[3] = {"now", "today", "yesterday"};
	int64_t t;
	size_t i, k;
	int y, m, d;

	for (k = 0; k < 3; k++) {
		if (strlen(kw[k]) != n)
			continue;
		for (i = 0; i < n && lower(s[i]) == kw[k][i]; i++)
			;
		if (i == n)
			break;
	}
	if (k == 3)
		return 0;
	if (k == 0)
		return to_usec(now, 0, out) == 0 ? 1 : -1;
	if (local_date(now, &y, &m, &d) == -1)
		return -1;
	if (k == 2)
		civil_date(civil_days(y, m, d) - 1, &y, &m, &d);
	if (local_epoch(y, m, d, 0, 0, &t) == -1 || to_usec(t, 0, out) == -1)
		return -1;
	return 1;
}

/* "@SECONDS[.FRACTION]", optionally negative. */
static int
epoch(const char *s, size_t n, int64_t *out, char *err, size_t errlen)
{
	const char *p = s + 1, *e = s + n;
	int64_t sec = 0, usec = 0, scale = USEC / 10;
	int neg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == e || !isdig(*p))
		return fail(err, errlen, s, n, "expected epoch seconds after '@'");
	for (; p < e && isdig(*p); p++) {
		if (sec > MAXSEC / 10)
			return fail(err, errlen, s, n, "out of range");
		sec = sec * 10 + (*p - '0');
	}
	if (p < e && *p == '.') {
		if (++p == e || !isdig(*p))
			return fail(err, errlen, s, n, "expected digits after '.'");
		for (; p < e && isdig(*p); p++, scale /= 10)
			usec += (*p - '0') * scale;
	}
	if (p != e)
		return fail(err, errlen, s, n, "expected epoch seconds after '@'");
	if (to_usec(sec, usec, out) == -1)
		return fail(err, errlen, s, n, "out of range");
	if (neg)
		*out = -*out;
	return 0;
}

/* The checks shared by both date forms: the first failing field's reason, or NULL. */
static const char *
check_time(int h, int mi, int sec)
{
	if (h < 0 || h > 23)
		return "hour out of range";
	if (mi < 0 || mi > 59)
		return "minute out of range";
	if (sec < 0 || sec > 60)
		return "second out of range";
	return NULL;
}

/* ISO 8601 / RFC 3339 forms, "YYYY-MM-DD" first. */
static int
iso(const char *s, size_t n, int64_t *out, char *err, size_t errlen)
{
	const char *p = s + 10, *e = s + n, *why;
	int y, m, d, h = 0, mi = 0, sec = 0, has_off = 0, oh, om;
	int64_t usec = 0, scale = USEC / 10, t;
	long off = 0;

	if (n < 10 || (y = digits(s, 4)) < 0 || s[4] != '-' || (m = digits(s + 5, 2)) < 0 ||
	    s[7] != '-' || (d = digits(s + 8, 2)) < 0)
		return fail(err, errlen, s, n, ISO_HINT);
	if (y < YEAR_MIN || y > YEAR_MAX)
		return fail(err, errlen, s, n, "year out of range (1900-9999)");
	if (m < 1 || m > 12)
		return fail(err, errlen, s, n, "month out of range");
	if (d < 1 || d > civil_mdays(y, m))
		return fail(err, errlen, s, n, "day out of range");
	if (p < e && (*p == 'T' || *p == 't' || *p == ' ')) {
		if (e - p < 3 || (h = digits(p + 1, 2)) < 0)
			return fail(err, errlen, s, n, "expected an hour (HH) after the date");
		p += 3;
		if (p < e && *p == ':') {
			if (e - p < 3 || (mi = digits(p + 1, 2)) < 0)
				return fail(err, errlen, s, n, "expected minutes (MM) after ':'");
			p += 3;
			if (p < e && *p == ':') {
				if (e - p < 3 || (sec = digits(p + 1, 2)) < 0)
					return fail(err, errlen, s, n,
					            "expected seconds (SS) after ':'");
				p += 3;
				if (p < e && (*p == '.' || *p == ',')) {
					if (++p == e || !isdig(*p))
						return fail(err, errlen, s, n,
						            "expected digits in the fraction");
					/* microseconds: further digits are dropped */
					for (; p < e && isdig(*p); p++, scale /= 10)
						usec += (*p - '0') * scale;
				}
			}
		}
		if ((why = check_time(h, mi, sec)) != NULL)
			return fail(err, errlen, s, n, why);
		if (p < e && (*p == 'Z' || *p == 'z')) {
			has_off = 1;
			p++;
		} else if (p < e && (*p == '+' || *p == '-')) {
			/* +HH:MM or +HHMM */
			int sign = *p == '-' ? -1 : 1;

			if (e - p >= 6 && p[3] == ':' && (oh = digits(p + 1, 2)) >= 0 &&
			    (om = digits(p + 4, 2)) >= 0)
				p += 6;
			else if (e - p >= 5 && (oh = digits(p + 1, 2)) >= 0 &&
			         (om = digits(p + 3, 2)) >= 0)
				p += 5;
			else
				return fail(err, errlen, s, n,
				            "expected a zone as Z, +HH:MM or +HHMM");
			if (oh > 23 || om > 59)
				return fail(err, errlen, s, n, "zone offset out of range");
			has_off = 1;
			off = sign * (oh * 3600L + om * 60L);
		}
	} else if (p < e && (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-'))
		return fail(err, errlen, s, n, "a zone needs a time (2021-05-31T00:00Z)");
	if (p != e)
		return fail(err, errlen, s, n, ISO_HINT);
	if (has_off)
		t = civil_days(y, m, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	else if (local_epoch(y, m, d, h, mi, &t) == 0)
		t += sec;
	else
		return fail(err, errlen, s, n, "no such local time");
	if (to_usec(t, usec, out) == -1)
		return fail(err, errlen, s, n, "out of range");
	return 0;
}

/* A month name (three letters or in full, any case): 1..12, or 0. */
static int
month(const char *s, size_t n)
{
	static const char *const names[12] = {"january",   "february", "march",    "april",
	                                      "may",       "june",     "july",     "august",
	                                      "september", "october",  "november", "december"};
	size_t i;
	int k;

	for (k = 0; k < 12; k++) {
		if (n != 3 && n != strlen(names[k]))
			continue;
		for (i = 0; i < n && lower(s[i]) == names[k][i]; i++)
			;
		if (i == n)
			return k + 1;
	}
	return 0;
}

/*
 * Syslog style "May 31", "May 31 07:00", "May 31 07:00:15" (hour of one or
 * two digits): local time, in the latest year that does not put it after now.
 */
static int
syslog_style(const char *s, size_t n, int64_t now, int64_t *out, char *err, size_t errlen)
{
	const char *p = s, *e = s + n, *why;
	int m, d, h = 0, mi = 0, sec = 0, y, ny, nm, nd, i;
	int64_t t;

	while (p < e && lower(*p) >= 'a' && lower(*p) <= 'z')
		p++;
	if ((m = month(s, (size_t)(p - s))) == 0)
		return fail(err, errlen, s, n, HINT);
	if (p == e || !isblank_(*p))
		return fail(err, errlen, s, n, "expected a day after the month");
	while (p < e && isblank_(*p))
		p++;
	if (p == e || !isdig(*p))
		return fail(err, errlen, s, n, "expected a day after the month");
	for (d = 0, i = 0; p < e && isdig(*p); p++, i++)
		if (i < 3)
			d = d * 10 + (*p - '0');
	if (i > 2 || d < 1 || d > civil_mdays(0, m))
		return fail(err, errlen, s, n, "day out of range");
	if (p < e && isblank_(*p)) {
		while (p < e && isblank_(*p))
			p++;
		if (p == e || !isdig(*p))
			return fail(err, errlen, s, n,
			            "expected a time (HH:MM[:SS]) after the day");
		for (h = 0, i = 0; p < e && isdig(*p); p++, i++)
			if (i < 3)
				h = h * 10 + (*p - '0');
		if (i > 2)
			return fail(err, errlen, s, n, "hour out of range");
		if (p == e || *p != ':' || e - p < 3 || (mi = digits(p + 1, 2)) < 0)
			return fail(err, errlen, s, n,
			            "expected a time (HH:MM[:SS]) after the day");
		p += 3;
		if (p < e && *p == ':') {
			if (e - p < 3 || (sec = digits(p + 1, 2)) < 0)
				return fail(err, errlen, s, n, "expected seconds (SS) after ':'");
			p += 3;
		}
		if ((why = check_time(h, mi, sec)) != NULL)
			return fail(err, errlen, s, n, why);
	}
	if (p != e)
		return fail(err, errlen, s, n, "unexpected text after the date");
	if (local_date(now, &ny, &nm, &nd) == -1)
		return fail(err, errlen, s, n, "the current time is out of range");
	/* Feb 29 may be up to 8 years back (2096, then 2104) */
	for (i = 0, y = ny; i <= 8; i++, y--) {
		if (d > civil_mdays(y, m))
			continue;
		if (local_epoch(y, m, d, h, mi, &t) == -1)
			break;
		t += sec;
		if (t <= now)
			return to_usec(t, 0, out) == 0 ? 0
			                               : fail(err, errlen, s, n, "out of range");
	}
	return fail(err, errlen, s, n, "no such date in the last 8 years");
}

int
timespec_parse(const char *s, int64_t now, int64_t *out, char *err, size_t errlen)
{
	const char *e;
	int64_t d;
	size_t n;
	char unit = '?', why[64];
	int r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (s == NULL)
		return fail(err, errlen, "", 0, "empty time");
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (e = s + strlen(s);
	     e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r');)
		e--;
	n = (size_t)(e - s);
	if (n == 0)
		return fail(err, errlen, "", 0, "empty time");
	if (now > MAXSEC || now < -MAXSEC)
		return fail(err, errlen, s, n, "the current time is out of range");
	tzset();
	if (*s == '@')
		return epoch(s, n, out, err, errlen);
	if ((r = keyword(s, n, now, out)) != 0)
		return r == 1 ? 0 : fail(err, errlen, s, n, "no such local time");
	if (n >= 5 && digits(s, 4) >= 0 && s[4] == '-')
		return iso(s, n, out, err, errlen);
	if (isdig(*s)) {
		switch (dur(s, n, 0, &d, &unit)) {
		case D_OK:
			if (to_usec(now - d, 0, out) == -1)
				return fail(err, errlen, s, n, "too far in the past");
			return 0;
		case D_UNIT: /* a letter */
			snprintf(why, sizeof(why), "unknown unit '%c' (use " UNITS ")", unit);
			return fail(err, errlen, s, n, why);
		case D_BARE:
			return fail(err, errlen, s, n, "a number needs a unit (" UNITS ")");
		case D_RANGE:
			return fail(err, errlen, s, n, "too far in the past");
		default:
			return fail(err, errlen, s, n, HINT);
		}
	}
	if (lower(*s) >= 'a' && lower(*s) <= 'z')
		return syslog_style(s, n, now, out, err, errlen);
	return fail(err, errlen, s, n, HINT);
}

void
cidr_mask(struct addr *a, unsigned bits)
{
	size_t i;

	for (i = 0; i < sizeof(a->a); i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a->a[i] &= (uint8_t)(0xff00u >> bits);
		bits = 0;
	}
}

int
cidr_parse(const char *s, struct cidr *out)
{
	const char *slash, *p;
	struct addr a;
	unsigned bits, max;
	size_t alen;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (addr_parse(s, alen, &a) == -1)
		return -1;
	max = a.af == 4 ? 32 : 128;
	if (slash == NULL)
		bits = max;
	else {
		p = slash + 1;
		if (!isdig(*p) || (p[0] == '0' && p[1] != '\0'))
			return -1; /* empty, signed or leading zero */
		for (bits = 0; isdig(*p); p++)
			if ((bits = bits * 10 + (unsigned)(*p - '0')) > 128)
				return -1;
		if (*p != '\0')
			return -1;
		if (a.af == 4 && memchr(s, ':', alen) != NULL) {
			/* ::ffff:a.b.c.d/N, which addr_parse made IPv4 */
			if (bits < 96)
				return -1;
			bits -= 96;
		}
		if (bits > max)
			return -1;
	}
	cidr_mask(&a, bits);
	out->net = a;
	out->bits = (uint8_t)bits;
	return 0;
}

int
cidr_contains(const struct cidr *c, const struct addr *a)
{
	unsigned bits = c->bits, full = bits / 8, rem = bits % 8;

	if (a->af == 0 || a->af != c->net.af || bits > (a->af == 4 ? 32u : 128u))
		return 0;
	if (memcmp(a->a, c->net.a, full) != 0)
		return 0;
	if (rem != 0 && ((a->a[full] ^ c->net.a[full]) & (0xff00u >> rem) & 0xff) != 0)
		return 0;
	return 1;
}

int
cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	return a->bits <= b->bits ? cidr_contains(a, &b->net) : cidr_contains(b, &a->net);
}

const char *
duration_format(int64_t s, char *buf, size_t len)
{
	static const struct {
		int64_t sec;
		char u;
	} units[] = {{7 * 86400, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	size_t i, o = 0;

	buf[0] = '\0';
	if (s <= 0) {
		snprintf(buf, len, "%llds", (long long)s);
		return buf;
	}
	/* weeks only for whole weeks: 30 days read better as "30d" than as "4w2d" */
	for (i = s % units[0].sec != 0; i < sizeof(units) / sizeof(units[0]) && o < len; i++) {
		if (s >= units[i].sec) {
			o += (size_t)snprintf(buf + o, len - o, "%lld%c",
			                      (long long)(s / units[i].sec), units[i].u);
			s %= units[i].sec;
		}
	}
	return buf;
}
