/* ban.c: the ban manager: durations, repeat offenders, the active set, batched firewall and store
 * writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ban.h"
#include "siphash.h"
#include "timespec.h"
#include "xmalloc.h"

#define RECENT 65536 /* bans remembered for "how many in the last day" */
#define MIN_SLOTS 64 /* the smallest index */

/*
 * A (network, jail) banned during this run or restored at its start: the nth
 * of its last ban (its count, history included; what escalation goes by when
 * there is no store), when that ban started, and where its active ban is
 * (active index + 1, 0 when none). banmgr_forget removes the entries whose
 * last ban is old and over.
 */
struct seen {
	struct addr net;
	uint8_t prefix;
	uint16_t jail; /* index into jails[] */
	uint32_t count;
	uint32_t active;
	uint32_t hash;
	int64_t last;
};

/* A decision for the store: a ban (store_ban_add) or the lifting of one (store_ban_del). */
struct store_op {
	struct store_ban b;
	int del;
};

/* The network of a ban that ended, for requeue_covered (sorted by endnet_cmp). */
struct endnet {
	uint8_t af, prefix, a[16];
	uint32_t idx; /* into the list of ended bans */
};

/*
 * Invariant: active[0..nactive) are distinct (net, prefix, jail), and
 * seen[active_seen[i]].active == i + 1; every seen entry is in the index
 * (open addressing, at most half full, slots hold seen index + 1); add[] and
 * del[] hold the decisions not yet applied to the firewall (no element is in
 * add[] after an unban of it was queued: see queue_fw), sops[] those
 * not yet written to the store (in order).
 */
struct banmgr {
	struct fw *fw;
	struct store *st;
	struct store_ban *active;
	uint32_t *active_seen;
	size_t nactive, aactive;
	struct seen *seen;
	size_t nseen, aseen;
	uint32_t *index;
	size_t mask;
	uint64_t k0, k1;
	struct fw_elem *add, *del;
	size_t nadd, ndel, aadd, adel;
	struct store_op *sops;
	size_t nsops, asops;
	int64_t *recent_t;  /* ring of the last RECENT bans: start time ... */
	uint16_t *recent_j; /* ... and jail */
	size_t nrecent, recent_head;
	char **jails; /* jail names; fw_elem.jail points at these strings, which never move */
	size_t njails;
	struct banmgr_stats stats;
};

void
ban_policy_of(const struct conf_jail *cj, struct ban_policy *p)
{
	p->bantime = cj->bantime;
	p->increment = cj->increment;
	p->factor = cj->factor;
	p->bantime_max = cj->bantime_max;
	p->permanent_after = cj->permanent_after;
}

int64_t
ban_duration(const struct ban_policy *p, uint32_t nth)
{
	double d = (double)p->bantime;
	uint32_t k;

	if (p->permanent_after != 0 && nth >= p->permanent_after)
		return 0;
	if (p->increment)
		for (k = 1; k < nth && d < (double)p->bantime_max; k++)
			d *= p->factor;
	if (p->bantime_max > 0 && d > (double)p->bantime_max)
		d = (double)p->bantime_max;
	return d < 1 ? 1 : (int64_t)d;
}

struct banmgr *
banmgr_new(struct fw *fw, struct store *st)
{
	struct banmgr *m = xcalloc(1, sizeof(*m));
	uint64_t k[2];

	m->fw = fw;
	m->st = st;
	siphash_key((uint64_t)(uintptr_t)m ^ 0x2545f4914f6cdd1dULL, k);
	m->k0 = k[0];
	m->k1 = k[1];
	m->mask = MIN_SLOTS - 1;
	m->index = xcalloc(m->mask + 1, sizeof(*m->index));
	return m;
}

void
banmgr_free(struct banmgr *m)
{
	if (m == NULL)
		return;
	free(m->recent_t);
	free(m->recent_j);
	free(m->active);
	free(m->active_seen);
	free(m->seen);
	free(m->index);
	free(m->add);
	free(m->del);
	free(m->sops);
	while (m->njails > 0)
		free(m->jails[--m->njails]);
	free(m->jails);
	free(m);
}

void
banmgr_drop_store(struct banmgr *m)
{
	m->st = NULL;
}

/* The index of a jail name in jails[] (jails are few); its string never moves. */
static uint16_t
jail_idx(struct banmgr *m, const char *jail)
{
	size_t i;

	for (i = 0; i < m->njails; i++)
		if (strcmp(m->jails[i], jail) == 0)
			return (uint16_t)i;
	m->jails = xreallocarray(m->jails, m->njails + 1, sizeof(*m->jails));
	m->jails[m->njails] = xstrndup(jail, strnlen(jail, STORE_JAIL_MAX - 1));
	return (uint16_t)m->njails++;
}

static void
queue_fw(struct banmgr *m, int del, const struct store_ban *b, int64_t now)
{
	struct fw_elem *e;
	uint16_t j = jail_idx(m, b->jail); /* first: it may move jails[] */
	const char *jail = m->jails[j];
	size_t i, k;

	if (del) {
		/*
		 * The firewall applies a batch's unbans before its bans: a ban queued
		 * before this unban would outlive it. Drop it (the unban still goes out,
		 * for what an earlier batch put in).
		 */
		for (i = k = 0; i < m->nadd; i++)
			if (!(m->add[i].prefix == b->prefix && m->add[i].jail == jail &&
			      addr_eq(&m->add[i].net, &b->net)))
				m->add[k++] = m->add[i];
		m->nadd = k;
		if (m->ndel == m->adel) {
			m->adel = m->adel ? m->adel * 2 : 16;
			m->del = xreallocarray(m->del, m->adel, sizeof(*m->del));
		}
		e = &m->del[m->ndel++];
	} else {
		if (m->nadd == m->aadd) {
			m->aadd = m->aadd ? m->aadd * 2 : 16;
			m->add = xreallocarray(m->add, m->aadd, sizeof(*m->add));
		}
		e = &m->add[m->nadd++];
	}
	memset(e, 0, sizeof(*e));
	e->net = b->net;
	e->prefix = b->prefix;
	/* the time left; a ban over by now still gets a second, an unban of one says 0 */
	e->timeout = b->expires == 0                 ? 0
	             : b->expires - now > UINT32_MAX ? UINT32_MAX
	             : b->expires > now              ? (uint32_t)(b->expires - now)
	             : del                           ? 0
	                                             : 1;
	e->jail = jail;
}

static void
queue_store(struct banmgr *m, int del, const struct store_ban *b)
{
	if (m->st == NULL)
		return;
	if (m->nsops == m->asops) {
		m->asops = m->asops ? m->asops * 2 : 16;
		m->sops = xreallocarray(m->sops, m->asops, sizeof(*m->sops));
	}
	m->sops[m->nsops].b = *b;
	m->sops[m->nsops++].del = del;
}

static uint32_t
key_hash(const struct banmgr *m, const struct addr *net, uint8_t prefix, uint16_t jail)
{
	unsigned char k[20];

	k[0] = net->af;
	k[1] = prefix;
	k[2] = (unsigned char)(jail & 0xff);
	k[3] = (unsigned char)(jail >> 8);
	memcpy(k + 4, net->a, 16);
	return (uint32_t)siphash13(m->k0, m->k1, k, sizeof(k));
}

static void
index_put(struct banmgr *m, uint32_t hash, uint32_t v)
{
	size_t i;

	for (i = hash & m->mask; m->index[i] != 0; i = (i + 1) & m->mask)
		;
	m->index[i] = v + 1;
}

/* Rebuilds the index over seen[0..nseen), at most half full, at least MIN_SLOTS slots. */
static void
reindex(struct banmgr *m)
{
	size_t slots = MIN_SLOTS, k;

	while (slots < 2 * (m->nseen + 1))
		slots *= 2;
	free(m->index);
	m->mask = slots - 1;
	m->index = xcalloc(slots, sizeof(*m->index));
	for (k = 0; k < m->nseen; k++)
		index_put(m, m->seen[k].hash, (uint32_t)k);
}

/* The entry of (net, prefix, jail), made when it is new. */
static struct seen *
seen_of(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail)
{
	uint16_t j = jail_idx(m, jail);
	uint32_t h = key_hash(m, net, prefix, j);
	size_t i;
	struct seen *sn;

	for (i = h & m->mask; m->index[i] != 0; i = (i + 1) & m->mask) {
		sn = &m->seen[m->index[i] - 1];
		if (sn->hash == h && sn->prefix == prefix && sn->jail == j &&
		    addr_eq(&sn->net, net))
			return sn;
	}
	if (m->nseen == m->aseen) {
		m->aseen = m->aseen ? m->aseen * 2 : 64;
		m->seen = xreallocarray(m->seen, m->aseen, sizeof(*m->seen));
	}
	if ((m->nseen + 1) * 2 > m->mask + 1)
		reindex(m);
	sn = &m->seen[m->nseen];
	memset(sn, 0, sizeof(*sn));
	sn->net = *net;
	sn->prefix = prefix;
	sn->jail = j;
	sn->hash = h;
	index_put(m, h, (uint32_t)m->nseen);
	m->nseen++;
	return sn;
}

/* Appends b to the active set under its seen entry sn. */
static void
active_add(struct banmgr *m, struct seen *sn, const struct store_ban *b)
{
	if (m->nactive == m->aactive) {
		m->aactive = m->aactive ? m->aactive * 2 : 64;
		m->active = xreallocarray(m->active, m->aactive, sizeof(*m->active));
		m->active_seen = xreallocarray(m->active_seen, m->aactive, sizeof(*m->active_seen));
	}
	m->active[m->nactive] = *b;
	m->active_seen[m->nactive] = (uint32_t)(sn - m->seen);
	sn->active = (uint32_t)(++m->nactive);
}

/* Removes active[i]: the last one takes its place. */
static void
active_del(struct banmgr *m, size_t i)
{
	size_t last = m->nactive - 1;

	m->seen[m->active_seen[i]].active = 0;
	if (i != last) {
		m->active[i] = m->active[last];
		m->active_seen[i] = m->active_seen[last];
		m->seen[m->active_seen[i]].active = (uint32_t)(i + 1);
	}
	m->nactive--;
}

/* How many bans of (net, prefix, jail) wait in sops[] for the store. */
static uint32_t
queued(const struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < m->nsops; i++)
		n += !m->sops[i].del && m->sops[i].b.prefix == prefix &&
		     addr_eq(&m->sops[i].b.net, net) && strcmp(m->sops[i].b.jail, jail) == 0;
	return n;
}

int
banmgr_ban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
           const struct ban_policy *p, int64_t now, const char *reason, struct store_ban *out)
{
	struct store_ban b;
	struct seen *sn = seen_of(m, net, prefix, jail);
	uint32_t stored = 0, nth;
	int64_t last = 0, secs;

	if (sn->active != 0) {
		struct store_ban *a = &m->active[sn->active - 1];

		/*
		 * Still banned (lines of a connection opened before the ban): the same ban
		 * runs on from now, not a new offence. Only the firewall hears of it; the
		 * store keeps the first end (a store row would count as another ban).
		 */
		secs = ban_duration(p, a->nth);
		if (a->expires != 0 && (secs == 0 || now + secs > a->expires))
			a->expires = secs == 0 ? 0 : now + secs;
		queue_fw(m, 0, a, now);
		m->stats.extended++;
		if (out != NULL)
			*out = *a;
		return 1;
	}
	nth = sn->count + 1;
	if (m->st != NULL) {
		/* the history the store keeps (banmgr_forget prunes it), and this turn's bans */
		if (store_ban_count(m->st, net, prefix, jail, &stored, &last) == 0)
			nth = stored + queued(m, net, prefix, jail) + 1;
		else
			m->stats.store_errors++;
	}
	memset(&b, 0, sizeof(b));
	b.net = *net;
	b.prefix = prefix;
	snprintf(b.jail, sizeof(b.jail), "%s", jail);
	b.nth = nth;
	b.start = now;
	secs = ban_duration(p, b.nth);
	b.expires = secs == 0 ? 0 : now + secs;
	snprintf(b.reason, sizeof(b.reason), "%s", reason ? reason : "");
	active_add(m, sn, &b);
	sn->count = b.nth;
	sn->last = now;
	m->stats.bans++;
	if (m->recent_t == NULL) {
		m->recent_t = xreallocarray(NULL, RECENT, sizeof(*m->recent_t));
		m->recent_j = xreallocarray(NULL, RECENT, sizeof(*m->recent_j));
	}
	m->recent_t[m->recent_head] = now;
	m->recent_j[m->recent_head] = sn->jail;
	m->recent_head = (m->recent_head + 1) % RECENT;
	if (m->nrecent < RECENT)
		m->nrecent++;
	queue_fw(m, 0, &b, now);
	queue_store(m, 0, &b);
	if (out != NULL)
		*out = b;
	return 0;
}

static int
covers(const struct store_ban *b, const struct addr *net, uint8_t prefix)
{
	struct cidr c;

	if (prefix != 0)
		return b->prefix == prefix && addr_eq(&b->net, net);
	c.net = b->net;
	c.bits = b->prefix;
	return cidr_contains(&c, net);
}

/* By address family, prefix length, then address: not by idx, so that bsearch finds any. */
static int
endnet_cmp(const void *x, const void *y)
{
	const struct endnet *a = x, *b = y;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}

/*
 * The bans gone[0..n) just ended and left the active set. A firewall element
 * may have stood for them and for bans still active: nftables keeps no prefix
 * inside a wider one of its interval sets (banning the wider deletes the
 * narrower, a narrower one is not added), and the same network banned by two
 * jails is one element in every backend. So every active ban whose network is
 * inside one of gone's, of any jail, the same network included, is queued
 * again with the time it has left, after the unbans: whatever the backend
 * keeps, the firewall holds each active ban again (a refresh where it still
 * did). expired: gone ran out at now (else they were lifted, their unbans
 * queued already); their unbans are queued here: every one when the firewall
 * has no timeouts of its own, else those that covered an active ban (the
 * kernel may keep the element a moment past the ban's end, and it would hide
 * the ban put back). Returns how many bans were queued again.
 */
static size_t
requeue_covered(struct banmgr *m, const struct store_ban *gone, size_t n, int expired, int64_t now)
{
	struct endnet *v, lens[2 * 129];
	unsigned char *hit;
	uint32_t *again;
	size_t nlens = 0, nagain = 0, i, k;

	if (n == 0)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	hit = xcalloc(n, 1);
	again = xreallocarray(NULL, m->nactive + 1, sizeof(*again));
	for (i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].af = gone[i].net.af;
		v[i].prefix = gone[i].prefix;
		memcpy(v[i].a, gone[i].net.a, sizeof(v[i].a));
		v[i].idx = (uint32_t)i;
		for (k = 0; k < nlens; k++)
			if (lens[k].af == v[i].af && lens[k].prefix == v[i].prefix)
				break;
		if (k == nlens)
			lens[nlens++] = v[i];
	}
	qsort(v, n, sizeof(*v), endnet_cmp);
	/* one probe per active ban and prefix length that ended */
	for (i = 0; i < m->nactive; i++) {
		const struct store_ban *b = &m->active[i];
		int inside = 0;

		for (k = 0; k < nlens; k++) {
			struct endnet key = lens[k];
			struct addr a = b->net;
			const struct endnet *p;
			size_t lo, hi;

			if (key.af != a.af || key.prefix > b->prefix)
				continue;
			cidr_mask(&a, key.prefix);
			memcpy(key.a, a.a, sizeof(key.a));
			if ((p = bsearch(&key, v, n, sizeof(*v), endnet_cmp)) == NULL)
				continue;
			/* one network may have ended in several jails: each covered b */
			lo = hi = (size_t)(p - v);
			while (lo > 0 && endnet_cmp(&v[lo - 1], &key) == 0)
				lo--;
			while (hi < n && endnet_cmp(&v[hi], &key) == 0)
				hi++;
			for (; lo < hi; lo++)
				hit[v[lo].idx] = 1;
			inside = 1;
		}
		if (inside)
			again[nagain++] = (uint32_t)i;
	}
	for (i = 0; expired && i < n; i++)
		if (hit[i] || !fw_expires(m->fw))
			queue_fw(m, 1, &gone[i], now);
	for (i = 0; i < nagain; i++)
		queue_fw(m, 0, &m->active[again[i]], now);
	free(v);
	free(hit);
	free(again);
	return nagain;
}

/* Appends a copy of b to the list *v (*n of *cap). */
static void
gone_add(struct store_ban **v, size_t *n, size_t *cap, const struct store_ban *b)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = *b;
}

int
banmgr_unban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
             int64_t now)
{
	struct store_ban *gone = NULL;
	size_t i = 0, ngone = 0, agone = 0;

	while (i < m->nactive) {
		struct store_ban *b = &m->active[i];

		if ((jail == NULL || strcmp(b->jail, jail) == 0) && covers(b, net, prefix)) {
			queue_fw(m, 1, b, now);
			queue_store(m, 1, b);
			gone_add(&gone, &ngone, &agone, b);
			active_del(m, i);
			m->stats.unbans++;
		} else
			i++;
	}
	requeue_covered(m, gone, ngone, 0, now);
	free(gone);
	return (int)ngone;
}

int
banmgr_flush(struct banmgr *m, int64_t now, char *err, size_t errlen)
{
	size_t i;
	int ret = 0;

	if (m->nadd == 0 && m->ndel == 0 && m->nsops == 0)
		return 0;
	if ((m->nadd > 0 || m->ndel > 0) &&
	    fw_apply(m->fw, m->add, m->nadd, m->del, m->ndel, err, errlen) != 0) {
		m->stats.fw_errors++;
		ret = -1; /* kept queued: tried again at the next flush */
	} else
		m->nadd = m->ndel = 0;
	if (m->st != NULL && m->nsops > 0) {
		int ok = store_begin(m->st) == 0;

		/* in the order decided: a ban lifted and made again in one turn stays */
		for (i = 0; ok && i < m->nsops; i++) {
			const struct store_ban *b = &m->sops[i].b;

			if (!m->sops[i].del)
				ok = store_ban_add(m->st, b) == 0;
			else /* >= 0: 1 when it had expired already */
				ok = store_ban_del(m->st, &b->net, b->prefix, b->jail, now) >= 0;
		}
		if (ok)
			ok = store_commit(m->st) == 0;
		if (!ok && errno == ENOSPC) {
			/* a full disk passes: the writes stay queued and are tried at each flush
			 * (the daemon says so, its own writes failing alike) */
			store_rollback(m->st);
			m->stats.store_errors++;
			return ret;
		}
		if (!ok) {
			if (ret == 0)
				snprintf(err, errlen, "%s (bans go on in memory only)",
				         store_errmsg(m->st));
			store_rollback(m->st);
			m->stats.store_errors++;
			m->st = NULL;
			ret = -1;
		}
	}
	m->nsops = 0;
	return ret;
}

/*
 * Drops the active bans over at now from memory; returns how many. A firewall
 * whose elements do not expire by themselves (fw_expires) gets their unbans
 * queued, and any firewall the active bans inside them (requeue_covered); the
 * store's rows are the caller's (store_expire).
 */
static size_t
expire_active(struct banmgr *m, int64_t now)
{
	struct store_ban *gone = NULL;
	size_t i = 0, ngone = 0, agone = 0;

	while (i < m->nactive) {
		if (m->active[i].expires != 0 && m->active[i].expires <= now) {
			gone_add(&gone, &ngone, &agone, &m->active[i]);
			active_del(m, i);
		} else
			i++;
	}
	requeue_covered(m, gone, ngone, 1, now);
	free(gone);
	return ngone;
}

size_t
banmgr_expire(struct banmgr *m, int64_t now)
{
	size_t n = expire_active(m, now);

	if (n > 0 && m->st != NULL && store_expire(m->st, now) < 0) {
		m->stats.store_errors++;
		if (errno != ENOSPC) /* a full disk passes: the next expiry deletes them too */
			m->st = NULL;
	}
	return n;
}

int
banmgr_forget(struct banmgr *m, int64_t before, int64_t now, size_t *forgotten)
{
	size_t i, k = 0, n;

	expire_active(m, now); /* the store's rows: below, with those this run never held */
	for (i = 0; i < m->nseen; i++) {
		struct seen *sn = &m->seen[i];

		if (sn->active == 0 && sn->last < before)
			continue;
		if (sn->active != 0)
			m->active_seen[sn->active - 1] = (uint32_t)k;
		m->seen[k++] = *sn;
	}
	n = m->nseen - k;
	if (n > 0) {
		m->nseen = k;
		/* memory back: a daemon's list stays the size of its history */
		if (m->aseen > 64 && k < m->aseen / 4) {
			m->aseen = k < 64 ? 64 : k * 2;
			m->seen = xreallocarray(m->seen, m->aseen, sizeof(*m->seen));
		}
		reindex(m);
	}
	if (forgotten != NULL)
		*forgotten = n;
	/* rows of bans over by now (even if this run never held them) pin no history row */
	if (m->st != NULL &&
	    (store_expire(m->st, now) < 0 || store_history_prune(m->st, before) < 0)) {
		m->stats.store_errors++;
		return -1;
	}
	return 0;
}

int
banmgr_restore(struct banmgr *m, int64_t now, char *err, size_t errlen)
{
	struct store_ban *v = NULL;
	size_t n = 0, i;
	int unban = !fw_expires(m->fw), restored = 0;

	if (m->st == NULL)
		return 0;
	/* at time 0 every row is in force: those too that ran out while the daemon was down */
	if (store_bans_active(m->st, unban ? 0 : now, &v, &n) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(m->st));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct seen *sn;

		if (v[i].expires != 0 && v[i].expires <= now) {
			/* nothing unbanned it: now, once (the row goes; the history: expired) */
			queue_fw(m, 1, &v[i], now);
			queue_store(m, 1, &v[i]);
			continue;
		}
		restored++;
		sn = seen_of(m, &v[i].net, v[i].prefix, v[i].jail);
		if (sn->active != 0)
			continue; /* restored twice: keep the first */
		active_add(m, sn, &v[i]);
		if (v[i].nth > sn->count)
			sn->count = v[i].nth;
		if (v[i].start > sn->last)
			sn->last = v[i].start;
		queue_fw(m, 0, &v[i], now);
	}
	free(v);
	return restored;
}

void
banmgr_reapply(struct banmgr *m, int64_t now)
{
	size_t i;

	for (i = 0; i < m->nactive; i++)
		queue_fw(m, 0, &m->active[i], now);
}

const struct store_ban *
banmgr_active(const struct banmgr *m, size_t *n)
{
	*n = m->nactive;
	return m->active;
}

void
banmgr_stats(const struct banmgr *m, struct banmgr_stats *out)
{
	*out = m->stats;
}

size_t
banmgr_recent(const struct banmgr *m, const char *jail, int64_t since)
{
	size_t i, n = 0, j;

	for (j = 0; j < m->njails && strcmp(m->jails[j], jail) != 0; j++)
		;
	for (i = 0; i < m->nrecent && j < m->njails; i++)
		n += m->recent_j[i] == j && m->recent_t[i] >= since;
	return n;
}

size_t
banmgr_top(const struct banmgr *m, const char *jail, struct banmgr_offender *out, size_t max)
{
	size_t i, k, n = 0, j;

	for (j = 0; j < m->njails && strcmp(m->jails[j], jail) != 0; j++)
		;
	for (i = 0; i < m->nseen && j < m->njails && max > 0; i++) {
		const struct seen *sn = &m->seen[i];

		if (sn->jail != j || sn->count == 0)
			continue;
		/* insertion into the short sorted out[]: most bans first, ties by address */
		for (k = n; k > 0 && (out[k - 1].bans < sn->count ||
		                      (out[k - 1].bans == sn->count &&
		                       memcmp(out[k - 1].net.a, sn->net.a, 16) > 0));
		     k--)
			if (k < max)
				out[k] = out[k - 1];
		if (k < max) {
			out[k].net = sn->net;
			out[k].prefix = sn->prefix;
			out[k].bans = sn->count;
			if (n < max)
				n++;
		}
	}
	return n;
}
