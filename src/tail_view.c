/* tail_view.c: `authwatch tail`'s line format, filters and running summary (no I/O, no clock). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render_util.h"
#include "siphash.h"
#include "tail_view.h"
#include "xmalloc.h"

/* --- one line ----------------------------------------------------------------------------- */

/* A line being built. Invariant: len <= cap; writes past cap are dropped. */
struct lb {
	char *p;
	size_t len, cap;
};

static void
lb_put(struct lb *b, const char *s, size_t n)
{
	if (n > b->cap - b->len)
		n = b->cap - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
lb_str(struct lb *b, const char *s)
{
	lb_put(b, s, strlen(s));
}

/* Spaces from column have to column want, then the one that separates columns. */
static void
lb_pad(struct lb *b, unsigned have, unsigned want)
{
	static const char sp[] = "                                ";
	unsigned n = (want > have ? want - have : 0) + 1;

	while (n > 0) {
		unsigned k = n < sizeof(sp) - 1 ? n : (unsigned)sizeof(sp) - 1;

		lb_put(b, sp, k);
		n -= k;
	}
}

/* One unit of a field: render_tunit, and a space as "\x20". Returns the input bytes used. */
static size_t
field_unit(const unsigned char *s, size_t n, char *out, size_t *olen, unsigned *w)
{
	if (s[0] == ' ') {
		memcpy(out, "\\x20", 4);
		*olen = *w = 4;
		return 1;
	}
	return render_tunit(s, n, out, olen, w);
}

/* An attacker's text, escaped and cut to TV_FIELD_COLS columns. Returns the columns written. */
static unsigned
lb_field(struct lb *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char u[8];
	size_t i, olen;
	unsigned w, total = 0, room;

	if (n == 0) {
		lb_put(b, "\"\"", 2);
		return 2;
	}
	for (i = 0; i < n && total <= TV_FIELD_COLS;)
		i += field_unit(s + i, n - i, u, &olen, &w), total += w;
	room = total <= TV_FIELD_COLS ? TV_FIELD_COLS : TV_FIELD_COLS - 1;
	for (i = 0, total = 0; i < n;) {
		size_t k = field_unit(s + i, n - i, u, &olen, &w);

		if (total + w > room)
			break;
		lb_put(b, u, olen);
		total += w;
		i += k;
	}
	if (i < n) {
		lb_put(b, "\xe2\x80\xa6", 3); /* U+2026 */
		total++;
	}
	return total;
}

/* Floor division (times before 1970 round down too). */
static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static const char *const outcome_color[] = {
    [OUT_INFO] = "\033[2m",
    [OUT_SUCCESS] = "\033[32m",
    [OUT_FAILURE] = "\033[31m",
    [OUT_PROBE] = "\033[33m",
};

#define COL_OUTCOME 7 /* "failure" */
#define COL_EVENT 22  /* "too_many_auth_failures" */
#define COL_USER 16
#define COL_ADDR 15 /* "255.255.255.255" */

size_t
tv_format(char *buf, const struct event *ev, int64_t now, int color)
{
	struct lb b = {buf, 0, TV_LINE_MAX - 1};
	char tmp[ADDR_STRLEN + 32];
	const char *s;
	unsigned w, oc = ev->outcome <= OUT_PROBE ? ev->outcome : OUT_INFO;
	time_t t = (time_t)floordiv(ev->ts != TS_NONE ? ev->ts : now, 1000000);
	struct tm tm;
	size_t n;

	if (localtime_r(&t, &tm) != NULL)
		snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(tmp, sizeof(tmp), "??:??:??");
	lb_str(&b, tmp);
	lb_put(&b, " ", 1);

	s = event_outcome_name(oc);
	if (color)
		lb_str(&b, outcome_color[oc]);
	lb_str(&b, s);
	if (color)
		lb_str(&b, "\033[0m");
	lb_pad(&b, (unsigned)strlen(s), COL_OUTCOME);

	s = event_type_name(ev->type);
	lb_str(&b, s);
	lb_pad(&b, (unsigned)strlen(s), COL_EVENT);

	if (ev->user.p != NULL)
		w = lb_field(&b, ev->user.p, ev->user.n);
	else
		lb_put(&b, "-", w = 1);
	lb_pad(&b, w, COL_USER);

	if (ev->src.af != 0) {
		n = addr_format(&ev->src, tmp);
		lb_put(&b, tmp, n);
		w = (unsigned)n;
	} else if (ev->src_host.p != NULL)
		w = lb_field(&b, ev->src_host.p, ev->src_host.n);
	else
		lb_put(&b, "-", w = 1);
	lb_pad(&b, w, COL_ADDR);

	if (ev->src_port != 0) {
		snprintf(tmp, sizeof(tmp), "%u", (unsigned)ev->src_port);
		lb_str(&b, tmp);
	} else
		lb_put(&b, "-", 1);

	if (ev->method != M_NONE_SET) {
		lb_put(&b, " ", 1);
		lb_str(&b, event_method_name(ev->method));
	}
	if (ev->count > 1) {
		snprintf(tmp, sizeof(tmp), " x%lu", (unsigned long)ev->count);
		lb_str(&b, tmp);
	}
	buf[b.len] = '\0';
	return b.len;
}

/* --- filters ------------------------------------------------------------------------------ */

int
tv_filter_only(struct tv_filter *f, const char *list)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	    {"success", 1u << OUT_SUCCESS},
	    {"failure", 1u << OUT_FAILURE},
	    {"probe", 1u << OUT_PROBE},
	    {"info", 1u << OUT_INFO},
	};
	unsigned set = 0;
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && memcmp(names[i].name, p, n) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1; /* unknown or empty */
		set |= names[i].bit;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	f->outcomes |= set;
	return 0;
}

void
tv_filter_user(struct tv_filter *f, const char *name)
{
	f->users = xreallocarray(f->users, f->nusers + 1, sizeof(*f->users));
	f->users[f->nusers++] = name;
}

int
tv_filter_ip(struct tv_filter *f, const char *s)
{
	struct cidr c;

	if (cidr_parse(s, &c) != 0)
		return -1;
	f->nets = xreallocarray(f->nets, f->nnets + 1, sizeof(*f->nets));
	f->nets[f->nnets++] = c;
	return 0;
}

int
tv_filter_match(const struct tv_filter *f, const struct event *ev)
{
	size_t i;

	if (ev->type == EV_UNKNOWN)
		return 0;
	if (f->outcomes != 0 && (ev->outcome > OUT_PROBE || !(f->outcomes & 1u << ev->outcome)))
		return 0;
	if (f->nusers > 0) {
		if (ev->user.p == NULL)
			return 0;
		for (i = 0; i < f->nusers; i++)
			if (strlen(f->users[i]) == ev->user.n &&
			    memcmp(f->users[i], ev->user.p, ev->user.n) == 0)
				break;
		if (i == f->nusers)
			return 0;
	}
	if (f->nnets > 0) {
		if (ev->src.af == 0)
			return 0;
		for (i = 0; i < f->nnets; i++)
			if (cidr_contains(&f->nets[i], &ev->src))
				break;
		if (i == f->nnets)
			return 0;
	}
	return 1;
}

void
tv_filter_free(struct tv_filter *f)
{
	free(f->users);
	free(f->nets);
	memset(f, 0, sizeof(*f));
}

/* --- summary ------------------------------------------------------------------------------ */

#define RATE_SECS 60
#define TAB_SLOTS (2 * TV_SRC_MAX) /* a power of two: load at most 1/2 */

/* The attempts of one second (sec INT64_MIN: none yet). */
struct tv_sec {
	int64_t sec;
	uint64_t n;
};

/*
 * One source. Invariant: a.af == 0 marks a free slot; cnt[m % TV_SRC_SLOTS]
 * holds the attempts of minute m for m in (min - TV_SRC_SLOTS, min], min
 * being the minute of the newest one; last is the newest attempt's time (µs).
 */
struct tv_src {
	struct addr a;
	int64_t min;
	int64_t last;
	uint32_t cnt[TV_SRC_SLOTS];
};

/*
 * Invariant: secs[s % RATE_SECS] holds second s when its sec says so; tab has
 * TAB_SLOTS slots with linear probing (no tombstones: deletion shifts back),
 * used of them taken, used <= TV_SRC_MAX; newest is the minute of the newest
 * attempt seen (INT64_MIN before any); lost is the newest minute of a source
 * dropped while its window still held attempts (INT64_MIN: none).
 */
struct tv_summary {
	uint64_t k0, k1;
	struct tv_sec secs[RATE_SECS];
	struct tv_src *tab;
	size_t used;
	int64_t newest, lost;
};

static size_t
slot_mod(int64_t m, size_t k)
{
	int64_t r = m % (int64_t)k;

	return (size_t)(r < 0 ? r + (int64_t)k : r);
}

static size_t
src_hash(const struct tv_summary *s, const struct addr *a)
{
	return (size_t)siphash13(s->k0, s->k1, a, sizeof(*a)) & (TAB_SLOTS - 1);
}

struct tv_summary *
tv_summary_new(uint64_t seed)
{
	struct tv_summary *s = xcalloc(1, sizeof(*s));
	uint64_t k[2];
	size_t i;

	siphash_key(seed, k);
	s->k0 = k[0];
	s->k1 = k[1];
	for (i = 0; i < RATE_SECS; i++)
		s->secs[i].sec = INT64_MIN;
	s->tab = xcalloc(TAB_SLOTS, sizeof(*s->tab));
	s->newest = s->lost = INT64_MIN;
	return s;
}

void
tv_summary_free(struct tv_summary *s)
{
	if (s == NULL)
		return;
	free(s->tab);
	free(s);
}

/* Frees slot i, shifting back the entries of its probe run (so lookups need no tombstones). */
static void
tab_del(struct tv_summary *s, size_t i)
{
	size_t j = i, k;

	for (;;) {
		j = (j + 1) & (TAB_SLOTS - 1);
		if (s->tab[j].a.af == 0)
			break;
		k = src_hash(s, &s->tab[j].a);
		/* the entry at j stays when its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->tab[i] = s->tab[j];
		i = j;
	}
	memset(&s->tab[i], 0, sizeof(s->tab[i]));
	s->used--;
}

/* The attempts of e in the window of minute m (the minutes m - 9 .. m). */
static uint64_t
src_count(const struct tv_src *e, int64_t m)
{
	uint64_t c = 0;
	int d;

	for (d = 0; d < TV_SRC_SLOTS; d++) {
		int64_t mm = e->min - d;

		if (mm <= m && mm > m - TV_SRC_SLOTS)
			c += e->cnt[slot_mod(mm, TV_SRC_SLOTS)];
	}
	return c;
}

/* Forgets the sources with nothing left in the window of minute m. */
static void
purge(struct tv_summary *s, int64_t m)
{
	size_t i;

	for (i = 0; i < TAB_SLOTS && s->used > 0;) {
		if (s->tab[i].a.af != 0 && s->tab[i].min <= m - TV_SRC_SLOTS)
			tab_del(s, i); /* i now holds the next entry of the run: look again */
		else
			i++;
	}
}

/* Makes room for one more source: drops the expired ones, else the least recently seen. */
static void
make_room(struct tv_summary *s)
{
	size_t i, victim = TAB_SLOTS;

	purge(s, s->newest);
	if (s->used < TV_SRC_MAX)
		return;
	for (i = 0; i < TAB_SLOTS; i++)
		if (s->tab[i].a.af != 0 &&
		    (victim == TAB_SLOTS || s->tab[i].last < s->tab[victim].last))
			victim = i;
	if (s->tab[victim].min > s->lost)
		s->lost = s->tab[victim].min;
	tab_del(s, victim);
}

static uint32_t
sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

void
tv_summary_add(struct tv_summary *s, const struct addr *src, uint32_t n, int64_t t)
{
	int64_t sec = floordiv(t, 1000000), m = floordiv(sec, 60);
	struct tv_sec *b = &s->secs[slot_mod(sec, RATE_SECS)];
	struct tv_src *e;
	size_t i;

	if (b->sec == sec)
		b->n += n;
	else if (sec > b->sec) {
		b->sec = sec;
		b->n = n;
	}
	if (src->af == 0)
		return;
	if (m > s->newest)
		s->newest = m;
	for (i = src_hash(s, src); s->tab[i].a.af != 0; i = (i + 1) & (TAB_SLOTS - 1))
		if (addr_eq(&s->tab[i].a, src))
			break;
	e = &s->tab[i];
	if (e->a.af == 0) {
		if (s->used >= TV_SRC_MAX) {
			make_room(s);
			for (i = src_hash(s, src); s->tab[i].a.af != 0;
			     i = (i + 1) & (TAB_SLOTS - 1))
				;
			e = &s->tab[i];
		}
		memset(e, 0, sizeof(*e));
		e->a = *src;
		e->min = m;
		e->last = t;
		s->used++;
	}
	if (m > e->min) {
		int64_t k;

		for (k = e->min + 1; k <= m && k <= e->min + TV_SRC_SLOTS; k++)
			e->cnt[slot_mod(k, TV_SRC_SLOTS)] = 0;
		e->min = m;
	} else if (m <= e->min - TV_SRC_SLOTS)
		return; /* older than its window */
	e->cnt[slot_mod(m, TV_SRC_SLOTS)] = sat_add(e->cnt[slot_mod(m, TV_SRC_SLOTS)], n);
	if (t > e->last)
		e->last = t;
}

void
tv_summary_get(struct tv_summary *s, int64_t now, struct tv_stats *out)
{
	int64_t sec = floordiv(now, 1000000), m = floordiv(sec, 60), best_last = INT64_MIN;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < RATE_SECS; i++)
		if (s->secs[i].sec != INT64_MIN && s->secs[i].sec <= sec &&
		    s->secs[i].sec > sec - RATE_SECS)
			out->per_min += s->secs[i].n;
	/* first the purge, then the count: a deletion near the end of the table can
	 * shift an entry from its start (seen already) into a slot still to come */
	purge(s, m);
	for (i = 0; i < TAB_SLOTS && s->used > 0; i++) {
		const struct tv_src *e = &s->tab[i];
		uint64_t c;

		if (e->a.af == 0 || (c = src_count(e, m)) == 0)
			continue;
		out->sources++;
		if (c > out->top_count || (c == out->top_count && e->last > best_last)) {
			out->top = e->a;
			out->top_count = c;
			best_last = e->last;
		}
	}
	out->sources_exact = s->lost <= m - TV_SRC_SLOTS;
}

size_t
tv_summary_format(char *buf, const struct tv_stats *st, unsigned cols, int color)
{
	char top[ADDR_STRLEN + 32], txt[TV_SUM_MAX];
	size_t n;
	int k;

	if (st->top.af != 0) {
		n = addr_format(&st->top, top);
		snprintf(top + n, sizeof(top) - n, " (%llu)", (unsigned long long)st->top_count);
	} else
		snprintf(top, sizeof(top), "-");
	k = snprintf(txt, sizeof(txt), "-- %llu attempts/min | %lu%s sources/10min | top %s --",
	             (unsigned long long)st->per_min, (unsigned long)st->sources,
	             st->sources_exact ? "" : "+", top);
	n = k < 0 ? 0 : (size_t)k < sizeof(txt) ? (size_t)k : sizeof(txt) - 1;
	if (cols > 0 && n > cols - 1)
		n = cols - 1;
	if (n == 0) {
		buf[0] = '\0';
		return 0;
	}
	if (!color) {
		memcpy(buf, txt, n);
		buf[n] = '\0';
		return n;
	}
	if (n > TV_SUM_MAX - 9)
		n = TV_SUM_MAX - 9;
	memcpy(buf, "\033[7m", 4);
	memcpy(buf + 4, txt, n);
	memcpy(buf + 4 + n, "\033[0m", 5); /* with the NUL */
	return n + 8;
}

/* --- the -n ring -------------------------------------------------------------------------- */

void
tv_ring_init(struct tv_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	if (cap > TV_RING_MAX)
		cap = TV_RING_MAX;
	r->cap = cap;
	if (cap > 0) {
		r->buf = xreallocarray(NULL, cap, TV_LINE_MAX);
		r->len = xcalloc(cap, sizeof(*r->len));
	}
}

void
tv_ring_push(struct tv_ring *r, const char *line, size_t len)
{
	if (r->cap == 0)
		return;
	if (len > TV_LINE_MAX - 1)
		len = TV_LINE_MAX - 1;
	memcpy(r->buf + r->head * TV_LINE_MAX, line, len);
	r->len[r->head] = len;
	r->head = (r->head + 1) % r->cap;
	if (r->n < r->cap)
		r->n++;
}

const char *
tv_ring_get(const struct tv_ring *r, size_t i, size_t *len)
{
	size_t k = (r->head + r->cap - r->n + i) % r->cap;

	*len = r->len[k];
	return r->buf + k * TV_LINE_MAX;
}

void
tv_ring_clear(struct tv_ring *r)
{
	r->n = r->head = 0;
}

void
tv_ring_free(struct tv_ring *r)
{
	free(r->buf);
	free(r->len);
	memset(r, 0, sizeof(*r));
}
