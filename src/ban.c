/* ban.c: the ban manager: durations, repeat offenders, the active set, batched firewall and store
 * writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ban.h"
#include "xmalloc.h"

/* Earlier bans of one network in one jail during this run (when the store cannot say). */
struct seen {
	struct addr net;
	uint8_t prefix;
	char jail[STORE_JAIL_MAX];
	uint32_t count;
};

/*
 * Invariant: active[0..nactive) are distinct (net, prefix, jail); add[] and
 * del[] hold the decisions not yet applied to the firewall, sadd[]/sdel[] those
 * not yet written to the store (in order).
 */
struct banmgr {
	struct fw *fw;
	struct store *st;
	struct store_ban *active;
	size_t nactive, aactive;
	struct seen *seen;
	size_t nseen, aseen;
	struct fw_elem *add, *del;
	size_t nadd, ndel, aadd, adel;
	struct store_ban *sadd, *sdel;
	size_t nsadd, nsdel, asadd, asdel;
	char **jails; /* jail names; fw_elem.jail points at these strings, which never move */
	size_t njails;
	struct banmgr_stats stats;
};

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

	m->fw = fw;
	m->st = st;
	return m;
}

void
banmgr_free(struct banmgr *m)
{
	if (m == NULL)
		return;
	free(m->active);
	free(m->seen);
	free(m->add);
	free(m->del);
	free(m->sadd);
	free(m->sdel);
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

/* A stable copy of a jail name for fw_elem.jail (jails are few). */
static const char *
jail_str(struct banmgr *m, const char *jail)
{
	size_t i;

	for (i = 0; i < m->njails; i++)
		if (strcmp(m->jails[i], jail) == 0)
			return m->jails[i];
	m->jails = xreallocarray(m->jails, m->njails + 1, sizeof(*m->jails));
	m->jails[m->njails] = xstrdup(jail);
	return m->jails[m->njails++];
}

static int
same(const struct store_ban *b, const struct addr *net, uint8_t prefix, const char *jail)
{
	return b->prefix == prefix && addr_eq(&b->net, net) && strcmp(b->jail, jail) == 0;
}

static void
queue_fw(struct banmgr *m, int del, const struct store_ban *b, int64_t now)
{
	struct fw_elem *e;

	if (del) {
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
	e->timeout = b->expires == 0                 ? 0
	             : b->expires - now > UINT32_MAX ? UINT32_MAX
	             : b->expires > now              ? (uint32_t)(b->expires - now)
	                                             : 1;
	e->jail = jail_str(m, b->jail);
}

static void
queue_store(struct banmgr *m, int del, const struct store_ban *b)
{
	if (m->st == NULL)
		return;
	if (del) {
		if (m->nsdel == m->asdel) {
			m->asdel = m->asdel ? m->asdel * 2 : 16;
			m->sdel = xreallocarray(m->sdel, m->asdel, sizeof(*m->sdel));
		}
		m->sdel[m->nsdel++] = *b;
	} else {
		if (m->nsadd == m->asadd) {
			m->asadd = m->asadd ? m->asadd * 2 : 16;
			m->sadd = xreallocarray(m->sadd, m->asadd, sizeof(*m->sadd));
		}
		m->sadd[m->nsadd++] = *b;
	}
}

static struct seen *
seen_of(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail)
{
	size_t i;

	for (i = 0; i < m->nseen; i++)
		if (m->seen[i].prefix == prefix && addr_eq(&m->seen[i].net, net) &&
		    strcmp(m->seen[i].jail, jail) == 0)
			return &m->seen[i];
	if (m->nseen == m->aseen) {
		m->aseen = m->aseen ? m->aseen * 2 : 16;
		m->seen = xreallocarray(m->seen, m->aseen, sizeof(*m->seen));
	}
	memset(&m->seen[m->nseen], 0, sizeof(m->seen[0]));
	m->seen[m->nseen].net = *net;
	m->seen[m->nseen].prefix = prefix;
	snprintf(m->seen[m->nseen].jail, STORE_JAIL_MAX, "%s", jail);
	return &m->seen[m->nseen++];
}

int
banmgr_ban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
           const struct ban_policy *p, int64_t now, const char *reason, struct store_ban *out)
{
	struct store_ban b;
	struct seen *sn;
	uint32_t stored = 0;
	int64_t last = 0, secs;
	size_t i;

	for (i = 0; i < m->nactive; i++) {
		struct store_ban *a = &m->active[i];

		if (!same(a, net, prefix, jail))
			continue;
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
		return 0;
	}
	sn = seen_of(m, net, prefix, jail);
	if (m->st != NULL && store_ban_count(m->st, net, prefix, jail, &stored, &last) != 0) {
		m->stats.store_errors++;
		stored = 0;
	}
	memset(&b, 0, sizeof(b));
	b.net = *net;
	b.prefix = prefix;
	snprintf(b.jail, sizeof(b.jail), "%s", jail);
	b.nth = (stored > sn->count ? stored : sn->count) + 1;
	b.start = now;
	secs = ban_duration(p, b.nth);
	b.expires = secs == 0 ? 0 : now + secs;
	snprintf(b.reason, sizeof(b.reason), "%s", reason ? reason : "");
	if (m->nactive == m->aactive) {
		m->aactive = m->aactive ? m->aactive * 2 : 64;
		m->active = xreallocarray(m->active, m->aactive, sizeof(*m->active));
	}
	m->active[m->nactive++] = b;
	sn->count = b.nth;
	m->stats.bans++;
	queue_fw(m, 0, &b, now);
	queue_store(m, 0, &b);
	if (out != NULL)
		*out = b;
	return 0;
}

static int
covers(const struct store_ban *b, const struct addr *net, uint8_t prefix)
{
	unsigned bits = b->prefix, full = bits / 8, rem = bits % 8;

	if (prefix != 0)
		return b->prefix == prefix && addr_eq(&b->net, net);
	if (net->af != b->net.af || memcmp(net->a, b->net.a, full) != 0)
		return 0;
	return rem == 0 || ((net->a[full] ^ b->net.a[full]) & (0xff00u >> rem) & 0xff) == 0;
}

int
banmgr_unban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
             int64_t now)
{
	size_t i = 0;
	int n = 0;

	while (i < m->nactive) {
		struct store_ban *b = &m->active[i];

		if ((jail == NULL || strcmp(b->jail, jail) == 0) && covers(b, net, prefix)) {
			queue_fw(m, 1, b, now);
			queue_store(m, 1, b);
			m->active[i] = m->active[--m->nactive];
			m->stats.unbans++;
			n++;
		} else
			i++;
	}
	return n;
}

int
banmgr_flush(struct banmgr *m, int64_t now, char *err, size_t errlen)
{
	size_t i;
	int ret = 0;

	if (m->nadd == 0 && m->ndel == 0 && m->nsadd == 0 && m->nsdel == 0)
		return 0;
	if ((m->nadd > 0 || m->ndel > 0) &&
	    fw_apply(m->fw, m->add, m->nadd, m->del, m->ndel, err, errlen) != 0) {
		m->stats.fw_errors++;
		ret = -1; /* kept queued: tried again at the next flush */
	} else
		m->nadd = m->ndel = 0;
	if (m->st != NULL && (m->nsadd > 0 || m->nsdel > 0)) {
		int ok = store_begin(m->st) == 0;

		for (i = 0; ok && i < m->nsadd; i++)
			ok = store_ban_add(m->st, &m->sadd[i]) == 0;
		for (i = 0; ok && i < m->nsdel; i++)
			ok = store_ban_del(m->st, &m->sdel[i].net, m->sdel[i].prefix,
			                   m->sdel[i].jail,
			                   now) >= 0; /* 1: it had expired already */
		if (ok)
			ok = store_commit(m->st) == 0;
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
	m->nsadd = m->nsdel = 0;
	return ret;
}

size_t
banmgr_expire(struct banmgr *m, int64_t now)
{
	size_t i = 0, n = 0;

	while (i < m->nactive) {
		if (m->active[i].expires != 0 && m->active[i].expires <= now) {
			m->active[i] = m->active[--m->nactive];
			n++;
		} else
			i++;
	}
	if (n > 0 && m->st != NULL && store_expire(m->st, now) < 0) {
		m->stats.store_errors++;
		m->st = NULL;
	}
	return n;
}

int
banmgr_restore(struct banmgr *m, int64_t now, char *err, size_t errlen)
{
	struct store_ban *v = NULL;
	size_t n = 0, i;

	if (m->st == NULL)
		return 0;
	if (store_bans_active(m->st, now, &v, &n) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(m->st));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct seen *sn = seen_of(m, &v[i].net, v[i].prefix, v[i].jail);

		if (m->nactive == m->aactive) {
			m->aactive = m->aactive ? m->aactive * 2 : 64;
			m->active = xreallocarray(m->active, m->aactive, sizeof(*m->active));
		}
		m->active[m->nactive++] = v[i];
		if (v[i].nth > sn->count)
			sn->count = v[i].nth;
		queue_fw(m, 0, &v[i], now);
	}
	free(v);
	return (int)n;
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
