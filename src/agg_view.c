/* agg_view.c: the report model's views: every section sorted and cut, built once at the end. */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "agg_impl.h"
#include "xmalloc.h"

/* Sorting helpers: everything ends in a total order so the report never depends on input timing. */
static int
cmp_login_recent(const void *x, const void *y)
{
	const struct agg_login *a = *(const struct agg_login *const *)x;
	const struct agg_login *b = *(const struct agg_login *const *)y;

	if (a->ts != b->ts)
		return a->ts > b->ts ? -1 : 1;
	return memcmp(&a->src, &b->src, sizeof(a->src));
}

static int
cmp_attacker(const void *x, const void *y)
{
	const struct agg_attacker *a = *(const struct agg_attacker *const *)x;
	const struct agg_attacker *b = *(const struct agg_attacker *const *)y;

	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	if (a->connections != b->connections)
		return a->connections > b->connections ? -1 : 1;
	return memcmp(&a->src, &b->src, sizeof(a->src));
}

static int
cmp_username(const void *x, const void *y)
{
	const struct agg_username *a = *(const struct agg_username *const *)x;
	const struct agg_username *b = *(const struct agg_username *const *)y;

	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	if (a->connections != b->connections)
		return a->connections > b->connections ? -1 : 1;
	return a->user < b->user ? -1 : a->user > b->user;
}

static int
cmp_session_user(const void *x, const void *y)
{
	const struct agg_session_user *a = *(const struct agg_session_user *const *)x;
	const struct agg_session_user *b = *(const struct agg_session_user *const *)y;

	if (a->logins != b->logins)
		return a->logins > b->logins ? -1 : 1;
	return a->user < b->user ? -1 : a->user > b->user;
}

static int
cmp_sftp_user(const void *x, const void *y)
{
	const struct agg_session_user *a = *(const struct agg_session_user *const *)x;
	const struct agg_session_user *b = *(const struct agg_session_user *const *)y;
	uint64_t ba = a->sftp_read + a->sftp_written, bb = b->sftp_read + b->sftp_written;

	if (ba != bb)
		return ba > bb ? -1 : 1;
	return a->user < b->user ? -1 : a->user > b->user;
}

static int
cmp_offender(const void *x, const void *y)
{
	const struct agg_offender *a = *(const struct agg_offender *const *)x;
	const struct agg_offender *b = *(const struct agg_offender *const *)y;

	if (a->bans != b->bans)
		return a->bans > b->bans ? -1 : 1;
	return memcmp(&a->src, &b->src, sizeof(a->src));
}

static int
cmp_hour(const void *x, const void *y)
{
	const struct agg_hour *a = x, *b = y;

	return a->hour < b->hour ? -1 : a->hour > b->hour;
}

static int
cmp_alert(const void *x, const void *y)
{
	const struct agg_alert *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return memcmp(&a->src, &b->src, sizeof(a->src));
}

/* All values of a topk table as pointers, sorted by cmp; returns the array (caller frees). */
static const void **
all_of(const struct topk *t, int (*cmp)(const void *, const void *), size_t *n)
{
	size_t cnt = topk_count(t);
	const void **v = xcalloc(cnt ? cnt : 1, sizeof(*v));

	*n = topk_top(t, v, cnt);
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

struct hours_acc {
	struct agg_hour *v;
	size_t n;
};

static void
hour_each(const struct topk_entry *e, void *val, void *arg)
{
	struct hours_acc *acc = arg;

	(void)e;
	acc->v[acc->n++] = *(const struct agg_hour *)val;
}

static void
revmap_each(const struct topk_entry *e, void *val, void *arg)
{
	struct agg *a = arg;
	const struct agg_alert *r = val;

	(void)e;
	agg_alert(a, AL_REVERSE_MAPPING, r->ts, r->host, 0, r->detail, &r->src, r->count);
}

void
agg_set_geoip(struct agg *a, const struct geoip *g)
{
	a->v.geo = g;
}

const struct agg_view *
agg_finish(struct agg *a)
{
	struct agg_view *v = &a->v;
	size_t n, i, k;
	struct hours_acc acc;

	agg_flush(a);
	v->lines = a->total.lines;
	v->events = a->total.events;
	v->unknown = a->total.unknown;
	v->truncated = a->total.truncated;
	v->filtered = a->total.filtered;
	v->undated = a->total.undated;
	v->first = a->total.first;
	v->last = a->total.last;
	memcpy(v->actions, a->total.actions, sizeof(v->actions));
	v->files = a->files;
	v->nfiles = a->nfiles;
	v->sources = hll_count(a->sources);
	if (v->hosts_approx) {
		uint64_t est = hll_count(a->hosts_hll);

		/* the set counted AGG_HOSTS_EXACT exactly and saw one more at least */
		v->nhosts = est > AGG_HOSTS_EXACT ? (est < UINT32_MAX ? (uint32_t)est : UINT32_MAX)
		                                  : AGG_HOSTS_EXACT + 1;
	}

	/* logins, most recent first */
	n = a->nlogins < AGG_LOGINS_KEPT ? a->nlogins : AGG_LOGINS_KEPT;
	a->logins_recent = xcalloc(n ? n : 1, sizeof(*a->logins_recent));
	for (i = 0; i < n; i++)
		a->logins_recent[i] = &a->ring[i];
	qsort(a->logins_recent, n, sizeof(*a->logins_recent), cmp_login_recent);
	v->logins_recent = a->logins_recent;
	v->nlogins_recent = n;
	a->longest_p = xcalloc(v->nlongest ? v->nlongest : 1, sizeof(*a->longest_p));
	for (i = 0; i < v->nlongest; i++)
		a->longest_p[i] = &a->longest[i];
	v->longest = a->longest_p;

	/* password logins stand out where others use keys */
	if (a->publickey_logins > 0)
		for (i = 0; i < n; i++)
			if (a->ring[i].method == M_PASSWORD)
				agg_alert(a, AL_PASSWORD_LOGIN, a->ring[i].ts, a->ring[i].host,
				          a->ring[i].user, 0, &a->ring[i].src, 0);
	topk_each(a->revmap, revmap_each, a);
	qsort(a->alerts, a->nalerts, sizeof(*a->alerts), cmp_alert);
	v->alerts = a->alerts;
	v->nalerts = a->nalerts;

	a->session_users_v = all_of(a->session_users, cmp_session_user, &n);
	v->session_users = (const struct agg_session_user *const *)a->session_users_v;
	v->nsession_users = n;
	a->sftp_v = xcalloc(n ? n : 1, sizeof(*a->sftp_v));
	for (i = k = 0; i < n; i++) {
		const struct agg_session_user *su = a->session_users_v[i];

		if (su->sftp_files || su->sftp_ops || su->sftp_read || su->sftp_written)
			a->sftp_v[k++] = su;
	}
	qsort(a->sftp_v, k, sizeof(*a->sftp_v), cmp_sftp_user);
	v->sftp_users = (const struct agg_session_user *const *)a->sftp_v;
	v->nsftp_users = k;

	a->attackers_v = all_of(a->attackers, cmp_attacker, &n);
	for (i = 0; i < n; i++) {
		/* Fail2Ban's bans of each attacker, whichever log was read first */
		struct agg_attacker *at = (struct agg_attacker *)(uintptr_t)a->attackers_v[i];
		const struct agg_offender *o = topk_find(a->offenders, &at->src, sizeof(at->src));

		at->f2b_bans = o ? o->bans : 0;
		at->users_more += agg_more_count(at);
	}
	v->attackers = (const struct agg_attacker *const *)a->attackers_v;
	v->nattackers = n;
	v->attackers_total = hll_count(a->attacker_addrs);
	v->attackers_exact = topk_evicted(a->attackers) == 0;
	if (v->attackers_exact)
		v->attackers_total = n;

	a->usernames_v = all_of(a->usernames, cmp_username, &n);
	v->usernames = (const struct agg_username *const *)a->usernames_v;
	v->nusernames = n;
	v->usernames_total = hll_count(a->user_names);
	v->usernames_exact = topk_evicted(a->usernames) == 0;
	if (v->usernames_exact)
		v->usernames_total = n;

	acc.v = xcalloc(topk_count(a->hours) ? topk_count(a->hours) : 1, sizeof(*acc.v));
	acc.n = 0;
	topk_each(a->hours, hour_each, &acc);
	qsort(acc.v, acc.n, sizeof(*acc.v), cmp_hour);
	a->hours_v = acc.v;
	v->hours = acc.v;
	v->nhours = acc.n;

	v->jails = a->jails;
	v->njails = a->njails;
	a->offenders_v = all_of(a->offenders, cmp_offender, &n);
	for (k = 0; k < n && ((const struct agg_offender *)a->offenders_v[k])->bans > 1; k++)
		;
	v->offenders = (const struct agg_offender *const *)a->offenders_v;
	v->noffenders = k;
	v->f2b_banned_addrs = hll_count(a->banned);
	return v;
}
