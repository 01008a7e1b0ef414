/* detect.c: sliding windows of weighted failures per address group, in a flooding-proof hash table.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "siphash.h"
#include "timespec.h"
#include "xmalloc.h"

#define UNITS 4     /* weights are counted in quarters */
#define MAX_RING 64 /* occurrences kept per window; past it the two oldest merge */
#define EMPTY 0     /* slot.idx: free */
#define SAMPLE 8    /* entries looked at to pick one to evict when full */
#define DEFAULT_MAX 1000000

/*
 * One window: a fixed header, then ts[ring] (seconds since d->base) and
 * w[ring] (weight units). Invariant: the n occurrences are at ring positions
 * head, head+1, ... (mod ring) in time order; sum is the total of their
 * weights and is below the threshold; last is the newest ts.
 */
struct dent {
	uint8_t af, prefix, n, head;
	uint16_t sum;
	uint8_t a[16];
	uint32_t last;
};

struct slot {
	uint32_t idx; /* entry index + 1, EMPTY when free */
	uint32_t hash;
};

/*
 * Invariant: entries 0..n are live and each is in the index once; the index
 * has a power-of-two size and is at most half full; threshold is maxretry *
 * UNITS (at most 65535 so sums fit 16 bits).
 */
struct detect {
	struct detect_opts o;
	uint8_t w[DK__COUNT];
	uint32_t threshold;
	unsigned ring;
	size_t stride;
	unsigned char *ents;
	size_t n, alloc, max;
	struct slot *index;
	size_t mask;
	uint64_t k0, k1, rng;
	int64_t base; /* UTC seconds that ts 0 stands for; INT64_MIN until the first add */
	size_t cursor;
};

static inline struct dent *
ent(const struct detect *d, size_t i)
{
	return (struct dent *)(d->ents + i * d->stride);
}

static inline uint32_t *
ring_ts(const struct detect *d, struct dent *e)
{
	(void)d;
	return (uint32_t *)(void *)((unsigned char *)e + sizeof(struct dent));
}

static inline uint16_t *
ring_w(const struct detect *d, struct dent *e)
{
	return (uint16_t *)(void *)((unsigned char *)e + sizeof(struct dent) +
	                            d->ring * sizeof(uint32_t));
}

uint8_t
detect_group(const struct detect *d, const struct addr *a, struct addr *net)
{
	unsigned p = a->af == 4 ? d->o.v4_prefix : d->o.v6_prefix;

	*net = *a;
	cidr_mask(net, p);
	return (uint8_t)p;
}

static uint8_t
units(double w)
{
	double u = w * UNITS + 0.5;

	return u <= 0 ? 0 : u >= 255 ? 255 : (uint8_t)u;
}

struct detect *
detect_new(const struct detect_opts *o)
{
	struct detect *d = xcalloc(1, sizeof(*d));
	unsigned k, minw = 255;
	uint64_t key[2];

	d->o = *o;
	if (d->o.v4_prefix == 0 || d->o.v4_prefix > 32)
		d->o.v4_prefix = 32;
	if (d->o.v6_prefix == 0 || d->o.v6_prefix > 128)
		d->o.v6_prefix = 64;
	if (d->o.maxretry == 0)
		d->o.maxretry = 1;
	d->threshold = d->o.maxretry * UNITS > 65535 ? 65535 : d->o.maxretry * UNITS;
	for (k = 0; k < DK__COUNT; k++) {
		d->w[k] = units(o->weight[k]);
		if (d->w[k] != 0 && d->w[k] < minw)
			minw = d->w[k];
	}
	/* enough room that no occurrence inside the window is ever merged away */
	d->ring = (d->threshold + minw - 1) / minw;
	if (d->ring > MAX_RING)
		d->ring = MAX_RING;
	if (d->ring < 1)
		d->ring = 1;
	d->stride = (sizeof(struct dent) + d->ring * (sizeof(uint32_t) + sizeof(uint16_t)) + 7) &
	            ~(size_t)7;
	d->max = o->max_tracked ? o->max_tracked : DEFAULT_MAX;
	siphash_key(o->seed, key);
	d->k0 = key[0];
	d->k1 = key[1];
	d->rng = key[0] | 1;
	d->base = INT64_MIN;
	d->mask = 63;
	d->index = xcalloc(d->mask + 1, sizeof(*d->index));
	return d;
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	free(d->ents);
	free(d->index);
	free(d);
}

static uint32_t
keyhash(const struct detect *d, uint8_t af, uint8_t prefix, const uint8_t a[16])
{
	unsigned char k[18];

	k[0] = af;
	k[1] = prefix;
	memcpy(k + 2, a, 16);
	return (uint32_t)siphash13(d->k0, d->k1, k, sizeof(k));
}

/* The slot holding (af, prefix, a), or the free slot where it would go. */
static size_t
probe(const struct detect *d, uint8_t af, uint8_t prefix, const uint8_t a[16], uint32_t h)
{
	size_t i = h & d->mask;

	for (;; i = (i + 1) & d->mask) {
		const struct slot *s = &d->index[i];
		const struct dent *e;

		if (s->idx == EMPTY)
			return i;
		if (s->hash != h)
			continue;
		e = ent(d, s->idx - 1);
		if (e->af == af && e->prefix == prefix && memcmp(e->a, a, 16) == 0)
			return i;
	}
}

static void
regrow(struct detect *d)
{
	size_t i, j, nslots = (d->mask + 1) * 2;
	struct slot *old = d->index;
	size_t oldn = d->mask + 1;

	d->index = xcalloc(nslots, sizeof(*d->index));
	d->mask = nslots - 1;
	for (i = 0; i < oldn; i++) {
		if (old[i].idx == EMPTY)
			continue;
		for (j = old[i].hash & d->mask; d->index[j].idx != EMPTY; j = (j + 1) & d->mask)
			;
		d->index[j] = old[i];
	}
	free(old);
}

/* Frees index slot i, moving back the later slots of its cluster that may live there. */
static void
unindex(struct detect *d, size_t i)
{
	size_t j = i, home;

	for (;;) {
		j = (j + 1) & d->mask;
		if (d->index[j].idx == EMPTY)
			break;
		home = d->index[j].hash & d->mask;
		if (((j - home) & d->mask) >= ((j - i) & d->mask)) {
			d->index[i] = d->index[j];
			i = j;
		}
	}
	d->index[i].idx = EMPTY;
}

/* Removes the entry in index slot s: the last entry moves into its place. */
static void
remove_at(struct detect *d, size_t s)
{
	size_t v = d->index[s].idx - 1, last = d->n - 1, j;

	unindex(d, s);
	if (v != last) {
		struct dent *e = ent(d, last);
		uint32_t h = keyhash(d, e->af, e->prefix, e->a);

		for (j = h & d->mask; d->index[j].idx != last + 1; j = (j + 1) & d->mask)
			;
		d->index[j].idx = (uint32_t)(v + 1);
		memcpy(ent(d, v), e, d->stride);
	}
	d->n--;
	if (d->cursor > d->n)
		d->cursor = 0;
}

/* When full: drops the stalest of a few entries picked at random (approximate LRU). */
static void
evict_one(struct detect *d)
{
	size_t best = 0, k;
	uint32_t oldest = UINT32_MAX;

	for (k = 0; k < SAMPLE; k++) {
		size_t i;

		d->rng ^= d->rng << 13;
		d->rng ^= d->rng >> 7;
		d->rng ^= d->rng << 17;
		i = (size_t)(d->rng % d->n);
		if (ent(d, i)->last < oldest) {
			oldest = ent(d, i)->last;
			best = i;
		}
	}
	{
		struct dent *e = ent(d, best);
		uint32_t h = keyhash(d, e->af, e->prefix, e->a);

		remove_at(d, probe(d, e->af, e->prefix, e->a, h));
	}
}

/* Drops the occurrences of e at or before cut (seconds). */
static void
prune(struct detect *d, struct dent *e, uint32_t cut)
{
	uint32_t *ts = ring_ts(d, e);
	uint16_t *w = ring_w(d, e);

	while (e->n > 0 && ts[e->head] <= cut) {
		e->sum = (uint16_t)(e->sum - w[e->head]);
		e->head = (uint8_t)((e->head + 1) % d->ring);
		e->n--;
	}
}

/* Seconds since base for now (µs), setting base on first use. */
static uint32_t
rel(struct detect *d, int64_t now)
{
	int64_t s = now / 1000000;

	if (d->base == INT64_MIN)
		d->base = s - 1;
	if (s <= d->base)
		return 0;
	if (s - d->base > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(s - d->base);
}

static uint32_t
cut_of(const struct detect *d, uint32_t t)
{
	return (int64_t)t > d->o.findtime ? t - (uint32_t)d->o.findtime : 0;
}

/* Adds u units at t to the window of (af, prefix, a); 1 when it reached the threshold. */
static int
add_units(struct detect *d, uint8_t af, uint8_t prefix, const uint8_t a[16], uint32_t t, uint32_t u,
          struct detect_hit *hit)
{
	uint32_t h = keyhash(d, af, prefix, a), *ts;
	size_t s = probe(d, af, prefix, a, h);
	struct dent *e;
	uint16_t *w;
	uint32_t pos;

	if (d->index[s].idx == EMPTY) {
		if (d->n >= d->max) {
			evict_one(d);
			s = probe(d, af, prefix, a, h);
		}
		if (d->n == d->alloc) {
			d->alloc = d->alloc ? d->alloc * 2 : 64;
			if (d->alloc > d->max)
				d->alloc = d->max;
			d->ents = xreallocarray(d->ents, d->alloc, d->stride);
		}
		if ((d->n + 1) * 2 > d->mask + 1) {
			regrow(d);
			s = probe(d, af, prefix, a, h);
		}
		e = ent(d, d->n);
		memset(e, 0, d->stride);
		e->af = af;
		e->prefix = prefix;
		memcpy(e->a, a, 16);
		d->index[s].idx = (uint32_t)(++d->n);
		d->index[s].hash = h;
	}
	e = ent(d, d->index[s].idx - 1);
	ts = ring_ts(d, e);
	w = ring_w(d, e);
	if (t < e->last)
		t = e->last; /* out of order: as the newest */
	prune(d, e, cut_of(d, t));
	if (e->n == d->ring) {
		/* merge the two oldest: the older weight now expires later (errs towards banning)
		 */
		uint8_t nx = (uint8_t)((e->head + 1) % d->ring);

		w[nx] = (uint16_t)(w[nx] + w[e->head]); /* both below threshold <= 65535 */
		e->head = nx;
		e->n--;
	}
	pos = (e->head + e->n) % d->ring;
	ts[pos] = t;
	w[pos] = (uint16_t)u;
	e->n++;
	e->last = t;
	if ((uint32_t)e->sum + u >= d->threshold) {
		uint8_t k, p = e->head;

		memset(hit, 0, sizeof(*hit));
		hit->net.af = af;
		memcpy(hit->net.a, a, 16);
		hit->prefix = prefix;
		hit->first = (d->base + ts[e->head]) * 1000000;
		for (k = 0; k < e->n; k++, p = (uint8_t)((p + 1) % d->ring))
			hit->weight += (double)w[p] / UNITS;
		hit->events = e->n;
		remove_at(d, s);
		return 1;
	}
	e->sum = (uint16_t)(e->sum + u);
	return 0;
}

int
detect_restore(struct detect *d, const struct addr *net, uint8_t prefix, int64_t ts, double weight,
               struct detect_hit *hit)
{
	double u = weight * UNITS + 0.5;

	if (net->af == 0 || u < 1)
		return 0;
	return add_units(d, net->af, prefix, net->a, rel(d, ts),
	                 u >= d->threshold ? d->threshold : (uint32_t)u, hit);
}

int
detect_add(struct detect *d, const struct addr *a, unsigned kind, uint32_t n, int64_t now,
           struct detect_hit *hit)
{
	struct addr net;
	uint8_t prefix;
	uint64_t u, full;

	if (a->af == 0 || kind >= DK__COUNT || d->w[kind] == 0 || n == 0)
		return 0;
	prefix = detect_group(d, a, &net);
	full = (uint64_t)d->w[kind] * n;
	u = full > d->threshold ? d->threshold : full; /* a window holds threshold at most */
	if (add_units(d, net.af, prefix, net.a, rel(d, now), (uint32_t)u, hit) == 0)
		return 0;
	hit->weight += (double)(full - u) / UNITS; /* what the cap left out, for the reason */
	hit->src = *a;
	return 1;
}

void
detect_forget(struct detect *d, const struct addr *net, uint8_t prefix)
{
	uint32_t h = keyhash(d, net->af, prefix, net->a);
	size_t s = probe(d, net->af, prefix, net->a, h);

	if (d->index[s].idx != EMPTY)
		remove_at(d, s);
}

size_t
detect_expire(struct detect *d, int64_t now, size_t budget)
{
	uint32_t cut = cut_of(d, rel(d, now));
	size_t dropped = 0;

	while (budget-- > 0 && d->n > 0) {
		struct dent *e;

		if (d->cursor >= d->n)
			d->cursor = 0;
		e = ent(d, d->cursor);
		if (e->last <= cut) {
			uint32_t h = keyhash(d, e->af, e->prefix, e->a);

			remove_at(d, probe(d, e->af, e->prefix, e->a, h));
			dropped++; /* the last entry moved here: look at this index again */
		} else
			d->cursor++;
	}
	return dropped;
}

size_t
detect_count(const struct detect *d)
{
	return d->n;
}

size_t
detect_memory(const struct detect *d)
{
	return sizeof(*d) + d->alloc * d->stride + (d->mask + 1) * sizeof(*d->index);
}

int
detect_foreach(const struct detect *d,
               int (*fn)(void *arg, const struct addr *net, uint8_t prefix, int64_t ts, double w),
               void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < d->n; i++) {
		struct dent *e = ent(d, i);
		uint32_t *ts = ring_ts(d, e);
		uint16_t *w = ring_w(d, e);
		uint8_t k, p = e->head;
		struct addr net;

		net.af = e->af;
		memcpy(net.a, e->a, 16);
		for (k = 0; k < e->n; k++, p = (uint8_t)((p + 1) % d->ring))
			if ((rc = fn(arg, &net, e->prefix, (d->base + ts[p]) * 1000000,
			             (double)w[p] / UNITS)) != 0)
				return rc;
	}
	return 0;
}
