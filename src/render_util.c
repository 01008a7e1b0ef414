/* render_util.c: helpers shared by the report renderers: rows, timeline, alerts, text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render_util.h"
#include "xmalloc.h"

#define HOUR_US 3600000000LL
#define DAY_US (24 * HOUR_US)

size_t
render_rows(const struct agg_view *v, size_t n)
{
	size_t top = v->opts != NULL ? v->opts->top : 10;

	return top != 0 && n > top ? top : n;
}

const char *
render_str(const struct agg_view *v, uint32_t id, size_t *n)
{
	const char *s;

	*n = 0;
	if (id == 0 || v->strings == NULL)
		return NULL;
	s = strtab_get(v->strings, id, n);
	if (*n == 0)
		return NULL;
	return s;
}

size_t
render_cidr(const struct cidr *c, char *buf)
{
	size_t n = addr_format(&c->net, buf);
	unsigned b = c->bits;

	buf[n++] = '/';
	if (b >= 100)
		buf[n++] = (char)('0' + b / 100);
	if (b >= 10)
		buf[n++] = (char)('0' + b / 10 % 10);
	buf[n++] = (char)('0' + b % 10);
	buf[n] = '\0';
	return n;
}

int
render_exists(uint8_t valid)
{
	if (valid & 1)
		return 1;
	if (valid & 2)
		return 0;
	return -1;
}

const char *
render_bucket_name(unsigned size)
{
	switch (size) {
	case RB_HOUR:
		return "hour";
	case RB_DAY:
		return "day";
	default:
		return "week";
	}
}

/* Floor division (epoch hours before 1970 are negative). */
static int64_t
fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The bucket number of an epoch hour. */
static int64_t
bucket_of(int64_t hour, unsigned size)
{
	switch (size) {
	case RB_HOUR:
		return hour;
	case RB_DAY:
		return fdiv(hour, 24);
	default:
		return fdiv(fdiv(hour, 24) + 3, 7); /* 1970-01-01 was a Thursday */
	}
}

/* UTC µs of the start of bucket k. */
static int64_t
bucket_start(int64_t k, unsigned size)
{
	switch (size) {
	case RB_HOUR:
		return k * HOUR_US;
	case RB_DAY:
		return k * DAY_US;
	default:
		return (k * 7 - 3) * DAY_US;
	}
}

size_t
render_timeline(const struct agg_view *v, size_t dense_max, struct render_bucket **out,
                unsigned *size)
{
	struct render_bucket *b;
	int64_t span, k0, k1, k;
	size_t i, n = 0;

	*out = NULL;
	*size = RB_HOUR;
	if (v->nhours == 0 || v->hours == NULL)
		return 0;
	span = v->hours[v->nhours - 1].hour - v->hours[0].hour;
	if (span < 48)
		*size = RB_HOUR;
	else if (span < 92 * 24)
		*size = RB_DAY;
	else
		*size = RB_WEEK;
	k0 = bucket_of(v->hours[0].hour, *size);
	k1 = bucket_of(v->hours[v->nhours - 1].hour, *size);
	if (dense_max != 0 && k1 >= k0 && (uint64_t)(k1 - k0) < dense_max) {
		n = (size_t)(k1 - k0 + 1);
		b = xcalloc(n, sizeof(*b));
		for (i = 0; i < n; i++)
			b[i].t = bucket_start(k0 + (int64_t)i, *size);
		for (i = 0; i < v->nhours; i++) {
			struct render_bucket *d = &b[bucket_of(v->hours[i].hour, *size) - k0];

			d->failures += v->hours[i].failures;
			d->probes += v->hours[i].probes;
			d->logins += v->hours[i].logins;
		}
		*out = b;
		return n;
	}
	b = xcalloc(v->nhours, sizeof(*b));
	for (i = 0; i < v->nhours; i++) {
		k = bucket_of(v->hours[i].hour, *size);
		if (n == 0 || b[n - 1].t != bucket_start(k, *size)) {
			b[n].t = bucket_start(k, *size);
			n++;
		}
		b[n - 1].failures += v->hours[i].failures;
		b[n - 1].probes += v->hours[i].probes;
		b[n - 1].logins += v->hours[i].logins;
	}
	*out = b;
	return n;
}

unsigned
render_actions(const struct agg_view *v, unsigned *order, uint64_t *sum)
{
	unsigned n = 0, i, j;

	*sum = 0;
	for (i = 0; i < EV__COUNT; i++)
		if (v->actions[i] != 0) {
			/* insertion: stable, so equal counts keep the catalogue's order */
			for (j = n; j > 0 && v->actions[order[j - 1]] < v->actions[i]; j--)
				order[j] = order[j - 1];
			order[j] = i;
			n++;
			*sum += v->actions[i];
		}
	return n;
}

size_t
render_alerts(const struct agg_view *v, size_t limit, size_t *idx)
{
	unsigned char *pick;
	size_t i, n = 0, k;
	int pass;

	if (v->nalerts <= limit) {
		for (i = 0; i < v->nalerts; i++)
			idx[i] = i;
		return v->nalerts;
	}
	pick = xcalloc(v->nalerts, 1);
	for (pass = 0; pass < 2; pass++)
		for (i = v->nalerts; i > 0 && n < limit; i--) {
			int revmap = v->alerts[i - 1].kind == AL_REVERSE_MAPPING;

			if (revmap == (pass == 1)) {
				pick[i - 1] = 1;
				n++;
			}
		}
	for (i = k = 0; i < v->nalerts; i++)
		if (pick[i])
			idx[k++] = i;
	free(pick);
	return k;
}

uint64_t
render_secs(int64_t us)
{
	return us > 0 ? (uint64_t)(us / 1000000) : 0;
}

/* 12,345 */
void
render_attempts_note(const struct agg_view *v, char *buf, size_t len)
{
	uint64_t conns = v->failed_conns + v->attempt_logins;
	char n1[32], n2[32];

	render_count(n1, conns);
	render_count(n2, v->attempt_logins);
	if (v->attempt_logins > 0)
		snprintf(buf, len,
		         "failed authentications, in %s connection%s (%s of them then logged in)",
		         n1, conns == 1 ? "" : "s", n2);
	else
		snprintf(buf, len, "failed authentications, in %s connection%s", n1,
		         conns == 1 ? "" : "s");
}

void
render_count(char *buf, uint64_t x)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)x), i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = tmp[i];
	}
	buf[k] = '\0';
}

/* 45s, 12m05s, 1h02m, 3d04h. */
void
render_dur(char *buf, size_t sz, int64_t us)
{
	long long s = us > 0 ? us / 1000000 : 0;

	if (s < 60)
		snprintf(buf, sz, "%llds", s);
	else if (s < 3600)
		snprintf(buf, sz, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, sz, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, sz, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

/* Valid UTF-8 sequence at s[0..n) (s[0] >= 0x80): its length and code point, or 0. */
static size_t
utf8_dec(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];

	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (s[1] & 0xc0) == 0x80) {
		*cp = (c & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    !(c == 0xe0 && s[1] < 0xa0) && !(c == 0xed && s[1] > 0x9f)) {
		*cp = (c & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4 && n >= 4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80 && !(c == 0xf0 && s[1] < 0x90) && !(c == 0xf4 && s[1] > 0x8f)) {
		*cp = (c & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
		      (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return 4;
	}
	return 0;
}

/* Code points a terminal acts on or that reorder or hide text: C1 controls, bidi, zero-width. */
static int
cp_unsafe(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

static const char hexd[] = "0123456789abcdef";

/*
 * Whether cp takes two columns on a terminal: the East Asian Wide and
 * Fullwidth blocks (CJK, Hangul, kana, fullwidth forms) and the emoji ones,
 * as Markus Kuhn's wcwidth has them.
 */
static int
cp_wide(unsigned cp)
{
	return cp >= 0x1100 &&
	       (cp <= 0x115f || cp == 0x2329 || cp == 0x232a ||
	        (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) || (cp >= 0xac00 && cp <= 0xd7a3) ||
	        (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe10 && cp <= 0xfe19) ||
	        (cp >= 0xfe30 && cp <= 0xfe6f) || (cp >= 0xff00 && cp <= 0xff60) ||
	        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	        (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x2fffd) ||
	        (cp >= 0x30000 && cp <= 0x3fffd));
}

size_t
render_tunit(const unsigned char *s, size_t n, char *out, size_t *olen, unsigned *w)
{
	unsigned c = s[0], cp;
	size_t l;

	if (c < 0x20 || c == 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hexd[c >> 4];
		out[3] = hexd[c & 15];
		*olen = *w = 4;
		return 1;
	}
	if (c == '\\') {
		out[0] = out[1] = '\\';
		*olen = *w = 2;
		return 1;
	}
	if (c < 0x80) {
		out[0] = (char)c;
		*olen = *w = 1;
		return 1;
	}
	if ((l = utf8_dec(s, n, &cp)) == 0) {
		memcpy(out, "\xef\xbf\xbd", 3);
		*olen = 3;
		*w = 1;
		return 1;
	}
	if (cp_unsafe(cp)) {
		out[0] = '\\';
		out[1] = 'u';
		out[2] = hexd[cp >> 12 & 15];
		out[3] = hexd[cp >> 8 & 15];
		out[4] = hexd[cp >> 4 & 15];
		out[5] = hexd[cp & 15];
		*olen = *w = 6;
		return l;
	}
	memcpy(out, s, l);
	*olen = l;
	*w = cp_wide(cp) ? 2 : 1;
	return l;
}

void
render_time(char *buf, size_t sz, int64_t us, enum render_tfmt f)
{
	time_t t;
	struct tm tm;

	if (us == INT64_MIN) {
		snprintf(buf, sz, "-");
		return;
	}
	t = (time_t)(us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000));
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, sz, "?");
		return;
	}
	switch (f) {
	case RT_MIN:
	case RT_HOUR:
		snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, f == RT_HOUR ? 0 : tm.tm_min);
		break;
	case RT_DAY:
		snprintf(buf, sz, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		break;
	default:
		snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		break;
	}
}

void
render_bytes(char *buf, size_t sz, uint64_t b)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double x = (double)b;
	int u = -1;

	if (b < 1024) {
		snprintf(buf, sz, "%llu B", (unsigned long long)b);
		return;
	}
	while (x >= 1024 && u < 5) {
		x /= 1024;
		u++;
	}
	snprintf(buf, sz, "%.1f %s", x, units[u]);
}
