/* agg.c: the report model: aggregates events and connection records into the report's sections. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "agg_count.h"
#include "agg_impl.h"
#include "memeq.h"
#include "hll.h"
#include "topk.h"
#include "xmalloc.h"

#define ATTACKERS_CAP 100000 /* ~100 bytes each: bounded memory with millions of addresses */
#define USERNAMES_CAP 100000
#define SESSION_USERS_CAP 20000
#define HOURS_CAP 200000 /* 22 years of hours */
#define OFFENDERS_CAP 50000
#define REVMAP_CAP 20000
#define HLL_P 14

/*
 * The seeds of the HyperLogLog sketches: constants, so that every distinct
 * count (and estimate) is the same in every run and sketches of several
 * threads could merge. Only the hash tables that crafted keys could flood
 * are keyed by the random opts.seed (seed_of below).
 */
#define HLL_SEED_SOURCES 0x736f7572636573ULL   /* "sources" */
#define HLL_SEED_HOSTS 0x686f737473ULL         /* "hosts" */
#define HLL_SEED_ATTACKERS 0x61747461636b73ULL /* "attacks" */
#define HLL_SEED_USERS 0x7573657273ULL         /* "users" */
#define HLL_SEED_BANNED 0x62616e6e6564ULL      /* "banned" */

static const char *const alert_names[AL__COUNT] = {
    [AL_LOGIN_AFTER_FAILURES] = "login_after_failures",
    [AL_ROOT_LOGIN] = "root_login",
    [AL_REVOKED_KEY] = "revoked_key",
    [AL_PASSWORD_LOGIN] = "password_login",
    [AL_USER_CREATED] = "user_created",
    [AL_SUDO_GRANTED] = "sudo_granted",
    [AL_PASSWORD_CHANGED] = "password_changed",
    [AL_REVERSE_MAPPING] = "reverse_mapping",
};

const char *
agg_alert_name(unsigned kind)
{
	return kind < AL__COUNT ? alert_names[kind] : "unknown";
}

const char *
agg_action_class(unsigned type)
{
	switch (event_type_outcome(type)) {
	case OUT_SUCCESS:
		return "good";
	case OUT_FAILURE:
	case OUT_PROBE:
		return "bad";
	default:
		break;
	}
	switch (type) {
	case EV_CONN_CLOSED:
	case EV_CONN_RESET:
	case EV_RECEIVED_DISCONNECT:
	case EV_DISCONNECTED:
	case EV_PAM_MORE_FAILURES:
	case EV_USERAUTH_INVALID:
	case EV_F2B_FOUND:
	case EV_F2B_BAN:
		return "bad";
	case EV_SESSION_OPENED:
	case EV_SESSION_CLOSED:
	case EV_SESSION_START:
	case EV_SESSION_CLOSE:
		return "good";
	default:
		return "neutral";
	}
}

uint64_t
agg_username_sources(const struct agg_username *u)
{
	/* linear counting over 256 bits: n = -m ln(zeros / m) */
	unsigned zeros = 0, i;

	for (i = 0; i < 4; i++)
		zeros += 64 - (unsigned)__builtin_popcountll(u->srcbits[i]);
	if (zeros == 0)
		return 1419; /* saturated: at least this many (m ln m) */
	return (uint64_t)(-256.0 * log(zeros / 256.0) + 0.5);
}

static uint64_t
seed_of(const struct agg_opts *o, uint64_t k)
{
	uint64_t x = o->seed ^ (k * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ULL;
}

struct agg *
agg_new(struct strtab *strings, const struct agg_opts *opts)
{
	struct agg *a = xcalloc(1, sizeof(*a));

	a->st = strings;
	a->opts = *opts;
	if (a->opts.top == 0)
		a->opts.top = 10;
	if (opts->user != NULL)
		a->user_id = strtab_intern(strings, opts->user, strlen(opts->user));
	a->sources = hll_new(HLL_P, HLL_SEED_SOURCES);
	a->hosts_hll = hll_new(12, HLL_SEED_HOSTS);
	a->attacker_addrs = hll_new(HLL_P, HLL_SEED_ATTACKERS);
	a->user_names = hll_new(HLL_P, HLL_SEED_USERS);
	a->banned = hll_new(12, HLL_SEED_BANNED);
	a->host_set = xcalloc(HOST_SLOTS, sizeof(*a->host_set));
	a->attackers = topk_new(ATTACKERS_CAP, sizeof(struct agg_attacker), seed_of(opts, 6));
	a->usernames = topk_new(USERNAMES_CAP, sizeof(struct agg_username), seed_of(opts, 7));
	a->session_users =
	    topk_new(SESSION_USERS_CAP, sizeof(struct agg_session_user), seed_of(opts, 8));
	a->hours = topk_new(HOURS_CAP, sizeof(struct agg_hour), seed_of(opts, 9));
	a->hour_pend.hour = INT64_MIN;
	a->offenders = topk_new(OFFENDERS_CAP, sizeof(struct agg_offender), seed_of(opts, 10));
	a->revmap = topk_new(REVMAP_CAP, sizeof(struct agg_alert), seed_of(opts, 11));
	a->ring = xcalloc(AGG_LOGINS_KEPT, sizeof(*a->ring));
	a->longest = xcalloc(a->opts.top, sizeof(*a->longest));
	a->alerts = xcalloc(AGG_ALERTS_KEPT, sizeof(*a->alerts));
	a->first_login = INT64_MAX;
	a->v.opts = &a->opts;
	a->v.strings = strings;
	a->v.first = a->v.last = INT64_MIN;
	agg_count_init(&a->pend);
	agg_count_init(&a->total);
	return a;
}

void
agg_free(struct agg *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nfiles; i++) {
		free(a->files[i].path);
		free(a->files[i].error);
	}
	free(a->files);
	hll_free(a->sources);
	hll_free(a->hosts_hll);
	hll_free(a->attacker_addrs);
	hll_free(a->user_names);
	hll_free(a->banned);
	free(a->host_set);
	topk_free(a->attackers);
	topk_free(a->usernames);
	topk_free(a->session_users);
	topk_free(a->hours);
	topk_free(a->offenders);
	topk_free(a->revmap);
	free(a->ring);
	free(a->longest);
	free(a->alerts);
	free(a->jails);
	free(a->logins_recent);
	free(a->longest_p);
	free(a->attackers_v);
	free(a->usernames_v);
	free(a->session_users_v);
	free(a->sftp_v);
	free(a->offenders_v);
	free(a->hours_v);
	free(a);
}

static void counts_flush(struct agg *a);

void
agg_file_begin(struct agg *a, const char *path)
{
	struct agg_file *f;

	counts_flush(a); /* lines counted before: of the input before, if any */
	if (a->nfiles == a->capfiles) {
		a->capfiles = a->capfiles ? a->capfiles * 2 : 8;
		a->files = xreallocarray(a->files, a->capfiles, sizeof(*a->files));
	}
	f = &a->files[a->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->first = f->last = INT64_MIN;
}

void
agg_file_end(struct agg *a, const char *error)
{
	counts_flush(a);
	if (a->nfiles > 0 && error != NULL)
		a->files[a->nfiles - 1].error = xstrdup(error);
}

void
agg_alert(struct agg *a, unsigned kind, int64_t ts, uint32_t host, uint32_t user, uint32_t detail,
          const struct addr *src, uint64_t count)
{
	struct agg_alert *al;
	size_t i;

	/* One change can be logged twice in the same second (usermod writes "group" and
	 * "shadow group"): an alert identical to a recent one is the same alert. */
	for (i = a->nalerts; i > 0 && i + 8 > a->nalerts; i--) {
		al = &a->alerts[i - 1];
		if (al->ts != ts)
			break;
		if (al->kind == kind && al->host == host && al->user == user &&
		    al->detail == detail && al->count == count &&
		    (src == NULL ? al->src.af == 0 : addr_eq(&al->src, src)))
			return;
	}
	if (a->nalerts == AGG_ALERTS_KEPT) {
		a->v.alerts_dropped++;
		return;
	}
	al = &a->alerts[a->nalerts++];
	memset(al, 0, sizeof(*al));
	al->kind = (uint8_t)kind;
	al->ts = ts;
	al->host = host;
	al->user = user;
	al->detail = detail;
	if (src != NULL)
		al->src = *src;
	al->count = count;
}

static uint32_t
intern(struct agg *a, struct span sp)
{
	return sp.p ? strtab_intern(a->st, sp.p, sp.n) : 0;
}

static void
f2b_event(struct agg *a, const struct event *ev)
{
	uint32_t jail = intern(a, ev->target);
	struct agg_jail *j = NULL;
	size_t i;

	for (i = 0; i < a->njails; i++)
		if (a->jails[i].jail == jail)
			j = &a->jails[i];
	if (j == NULL) {
		a->jails = xreallocarray(a->jails, a->njails + 1, sizeof(*a->jails));
		j = &a->jails[a->njails++];
		memset(j, 0, sizeof(*j));
		j->jail = jail;
	}
	switch (ev->type) {
	case EV_F2B_FOUND:
		j->found++;
		break;
	case EV_F2B_BAN: {
		int created;
		struct agg_offender *o =
		    topk_add(a->offenders, &ev->src, sizeof(ev->src), 1, &created);

		j->bans++;
		if (created)
			o->src = ev->src;
		if (o->bans < 8)
			o->dates[o->bans] = ev->ts;
		o->bans++;
		o->last = ev->ts;
		o->jail = jail;
		hll_add(a->banned, &ev->src, sizeof(ev->src));
		break;
	}
	case EV_F2B_UNBAN:
		j->unbans++;
		break;
	case EV_F2B_RESTORE_BAN:
		j->restores++;
		break;
	default:
		j->already++;
		break;
	}
}

/* Counts host id (not 0) among the distinct hosts (see struct agg). */
static void
host_count(struct agg *a, uint32_t id)
{
	size_t i = (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 32) & (HOST_SLOTS - 1);

	for (; a->host_set[i] != 0; i = (i + 1) & (HOST_SLOTS - 1))
		if (a->host_set[i] == id)
			return;
	hll_add(a->hosts_hll, &id, sizeof(id));
	if (a->v.nhosts == AGG_HOSTS_EXACT) {
		a->v.hosts_approx = 1; /* agg_finish takes the estimate */
		return;
	}
	a->host_set[i] = id;
	if (a->v.nhosts < 16)
		a->v.hosts[a->v.nhosts] = id;
	a->v.nhosts++;
}

/* The id of an event's host (0: none); the host of the line before costs one compare. */
static uint32_t
host_of(struct agg *a, struct span sp)
{
	uint32_t id;

	if (sp.p == NULL || sp.n == 0)
		return 0;
	if (sp.n == a->last_host_n && mem_eq(sp.p, a->last_host, sp.n))
		return a->last_host_id;
	id = strtab_intern(a->st, sp.p, sp.n);
	a->last_host = strtab_get(a->st, id, &a->last_host_n);
	a->last_host_id = id;
	host_count(a, id);
	return id;
}

_Static_assert(sizeof(struct addr) == 17, "source_add reads an address as 2 words and a byte");

/*
 * Adds src (af != 0) to the distinct sources. An address still in the
 * recent cache was added already, and adding it again would change nothing:
 * the shortcut is exact, and most lines come from a recent address.
 */
static inline void
source_add(struct agg *a, const struct addr *src)
{
	uint64_t w0, w1, r0, r1;
	struct addr *r;

	/* the 17 bytes as two words and a byte */
	memcpy(&w0, src, 8);
	memcpy(&w1, (const unsigned char *)src + 8, 8);
	r = &a->recent[((w0 ^ w1 ^ src->a[15]) * 0x9e3779b97f4a7c15ULL) >> (64 - RECENT_BITS)];
	memcpy(&r0, r, 8);
	memcpy(&r1, (const unsigned char *)r + 8, 8);
	if (r0 == w0 && r1 == w1 && r->a[15] == src->a[15])
		return;
	*r = *src;
	hll_add(a->sources, src, sizeof(*src));
}

/* Adds counts of lines of the current input (in order) to the totals and to that input. */
static void
counts_add(struct agg *a, const struct agg_count *c)
{
	struct agg_file *f = a->nfiles ? &a->files[a->nfiles - 1] : NULL;

	agg_count_add(&a->total, c);
	if (f == NULL)
		return;
	f->lines += c->lines;
	f->events += c->events;
	f->unknown += c->unknown;
	f->truncated += c->truncated;
	f->filtered += c->filtered;
	if (f->first == INT64_MIN)
		f->first = c->first_line;
	if (c->last_line != INT64_MIN)
		f->last = c->last_line;
}

/* Moves the counts agg_event took so far to the totals and the current input. */
static void
counts_flush(struct agg *a)
{
	counts_add(a, &a->pend);
	agg_count_init(&a->pend);
}

void
agg_add_counts(struct agg *a, const struct agg_count *c)
{
	counts_add(a, c);
}

int
agg_event(struct agg *a, const struct event *ev, int truncated)
{
	unsigned k = agg_count_event(&a->pend, &a->opts, ev, truncated);

	if (k == AGG_ALL)
		agg_event_counted(a, ev);
	return (int)k;
}

static int rec_passes(const struct agg *a, const struct conn_rec *r);

void
agg_event_joined(struct agg *a, const struct event *ev, const struct conn_rec *rec)
{
	if (rec == NULL || !rec_passes(a, rec)) {
		a->pend.filtered++;
		return;
	}
	agg_count_passed(&a->pend, ev);
	agg_event_counted(a, ev);
}

/* The types agg_event_counted takes further than their counts: a table, since a jump on the
 * type, which changes from line to line, is often mispredicted. */
static const uint8_t more_types[EV__COUNT] = {
    [EV_AUTH_ACCEPTED] = 1,
    [EV_USER_ADDED] = 1,
    [EV_USER_MODIFIED] = 1,
    [EV_PASSWORD_CHANGED] = 1,
    [EV_REVERSE_MAPPING_FAILED] = 1,
    [EV_ADDRESS_MISMATCH] = 1,
    [EV_NASTY_PTR] = 1,
    [EV_F2B_FOUND] = 1,
    [EV_F2B_BAN] = 1,
    [EV_F2B_UNBAN] = 1,
    [EV_F2B_RESTORE_BAN] = 1,
    [EV_F2B_ALREADY_BANNED] = 1,
};

/* What agg_event_counted does for the types in more_types. */
static void
event_more(struct agg *a, const struct event *ev, uint32_t host)
{
	switch (ev->type) {
	case EV_AUTH_ACCEPTED:
		if (ev->ts != TS_NONE && ev->ts < a->first_login)
			a->first_login = ev->ts;
		break;
	case EV_USER_ADDED:
		if (ev->ts != TS_NONE && ev->ts > a->first_login)
			agg_alert(a, AL_USER_CREATED, ev->ts, host, intern(a, ev->user), 0, NULL,
			          0);
		break;
	case EV_USER_MODIFIED:
		if (ev->ts != TS_NONE && ev->ts > a->first_login &&
		    (span_is(ev->target, "sudo") || span_is(ev->target, "wheel") ||
		     span_is(ev->target, "admin")))
			agg_alert(a, AL_SUDO_GRANTED, ev->ts, host, intern(a, ev->user),
			          intern(a, ev->target), NULL, 0);
		break;
	case EV_PASSWORD_CHANGED:
		if (ev->ts != TS_NONE && ev->ts > a->first_login)
			agg_alert(a, AL_PASSWORD_CHANGED, ev->ts, host, intern(a, ev->user), 0,
			          NULL, 0);
		break;
	case EV_REVERSE_MAPPING_FAILED:
	case EV_ADDRESS_MISMATCH:
	case EV_NASTY_PTR:
		if (ev->src.af != 0) {
			int created;
			struct agg_alert *al =
			    topk_add(a->revmap, &ev->src, sizeof(ev->src), 1, &created);

			if (created) {
				al->kind = AL_REVERSE_MAPPING;
				al->ts = ev->ts;
				al->host = host;
				al->src = ev->src;
				al->detail = intern(a, ev->src_host);
			}
			al->count++;
		}
		break;
	case EV_F2B_FOUND:
	case EV_F2B_BAN:
	case EV_F2B_UNBAN:
	case EV_F2B_RESTORE_BAN:
	case EV_F2B_ALREADY_BANNED:
		if (ev->src.af != 0)
			f2b_event(a, ev);
		break;
	default:
		break;
	}
}

void
agg_event_counted(struct agg *a, const struct event *ev)
{
	uint32_t host = host_of(a, ev->host);

	if (ev->src.af != 0)
		source_add(a, &ev->src);
	if (ev->type < EV__COUNT && more_types[ev->type])
		event_more(a, ev, host);
}

static int
rec_passes(const struct agg *a, const struct conn_rec *r)
{
	uint32_t k;

	if (a->opts.have_ip && (r->src.af == 0 || !cidr_contains(&a->opts.ip, &r->src)))
		return 0;
	if (a->opts.user != NULL) {
		if (r->user == a->user_id)
			return 1;
		for (k = 0; k < r->nusers; k++)
			if (r->users[k] == a->user_id)
				return 1;
		return 0;
	}
	return 1;
}

/* Adds the pending hour's counts to the hours table and clears it. */
static void
hour_flush(struct agg *a)
{
	struct agg_hour *p = &a->hour_pend, *b;
	int created;

	if (p->hour == INT64_MIN)
		return;
	b = topk_add(a->hours, &p->hour, sizeof(p->hour), p->failures + p->probes + p->logins,
	             &created);
	b->hour = p->hour;
	b->failures += p->failures;
	b->probes += p->probes;
	b->logins += p->logins;
	memset(p, 0, sizeof(*p));
	p->hour = INT64_MIN;
}

static void
hour_add(struct agg *a, int64_t ts, uint64_t failures, uint64_t probes, uint64_t logins)
{
	int64_t h = ts >= 0 ? ts / 3600000000LL : -((-ts + 3599999999LL) / 3600000000LL);
	struct agg_hour *p = &a->hour_pend;

	if (p->hour != h) {
		hour_flush(a);
		p->hour = h;
	}
	p->failures += failures;
	p->probes += probes;
	p->logins += logins;
}

static void
login_rec(struct agg *a, const struct conn_rec *r)
{
	struct agg_login *l = &a->ring[a->nlogins % AGG_LOGINS_KEPT];
	struct agg_session_user *su;
	struct agg_attacker *at;
	int created;
	size_t k;

	a->nlogins++;
	memset(l, 0, sizeof(*l));
	l->ts = r->login;
	l->open = r->open;
	l->duration = r->open ? -1 : r->end - r->login;
	l->host = r->host;
	l->user = r->user;
	l->key_type = r->key_type;
	l->key_fp = r->key_fp;
	l->src = r->src;
	l->src_port = r->src_port;
	l->method = r->method;
	l->flags = r->flags;
	l->sudo_cmds = r->sudo_cmds;

	a->v.sessions_opened++;
	if (r->open)
		a->v.sessions_open++;
	else
		a->v.sessions_closed++;
	if (r->method == M_PUBLICKEY)
		a->publickey_logins++;
	/* longest closed sessions: insertion into a short sorted array */
	if (!r->open) {
		for (k = a->v.nlongest; k > 0 && a->longest[k - 1].duration < l->duration; k--)
			;
		if (k < a->opts.top) {
			size_t n = a->v.nlongest < a->opts.top ? a->v.nlongest : a->opts.top - 1;

			memmove(a->longest + k + 1, a->longest + k, (n - k) * sizeof(*a->longest));
			a->longest[k] = *l;
			if (a->v.nlongest < a->opts.top)
				a->v.nlongest++;
		}
	}
	su = topk_add(a->session_users, &r->user, sizeof(r->user), 1, &created);
	su->user = r->user;
	su->logins++;
	if (r->open)
		su->open++;
	else {
		su->total += l->duration;
		if (l->duration > su->longest)
			su->longest = l->duration;
	}
	if (r->method == M_PASSWORD)
		su->password++;
	else if (r->method == M_PUBLICKEY)
		su->publickey++;
	else
		su->other++;
	su->sftp_files += r->sftp_files;
	su->sftp_read += r->sftp_read;
	su->sftp_written += r->sftp_written;
	su->sftp_ops += r->sftp_ops;
	su->bytes_sent += r->bytes_sent;
	su->bytes_recv += r->bytes_recv;

	if (r->src.af != 0 && (at = topk_find(a->attackers, &r->src, sizeof(r->src))) != NULL) {
		at->logins++;
		if (at->attempts > 0 && at->first < r->login)
			agg_alert(a, AL_LOGIN_AFTER_FAILURES, r->login, r->host, r->user, r->key_fp,
			          &r->src, at->attempts);
	}
	if (r->flags & CF_ROOT)
		agg_alert(a, AL_ROOT_LOGIN, r->login, r->host, r->user, r->key_fp, &r->src, 0);
}

/*
 * Adds user id u to an attacker's sketch of names: 64 registers of 4 bits;
 * the register is 6 bits of a hash of u, its value 1 + the leading zeros of
 * 14 other bits (15 when they are all zero).
 */
static inline void
more_reg(struct agg_attacker *at, uint32_t u)
{
	uint64_t h = (u ^ 0x6d6f7265ULL) * 0x9e3779b97f4a7c15ULL; /* "more" */
	unsigned i, r, sh;

	h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	i = (unsigned)(h & 63);
	r = (unsigned)__builtin_clzll(h | (1ULL << 49)) + 1; /* bits 63..50: at most 15 */
	sh = 4 * (i & 1);
	if (r > (unsigned)((at->more.reg[i / 2] >> sh) & 15))
		at->more.reg[i / 2] = (uint8_t)((at->more.reg[i / 2] & (0xf0 >> sh)) | r << sh);
}

/* Counts user id u, tried by attacker at, beyond the names in at->users[] (see agg.h). */
static void
more_add(struct agg_attacker *at, uint32_t u)
{
	uint32_t ids[AGG_MORE_IDS], k;

	if (at->more_n == AGG_MORE_SKETCH) {
		more_reg(at, u);
		return;
	}
	for (k = 0; k < at->more_n; k++)
		if (at->more.ids[k] == u)
			return;
	if (at->more_n < AGG_MORE_IDS) {
		at->more.ids[at->more_n++] = u;
		return;
	}
	/* one more: the ids go into the sketch that shares their memory */
	memcpy(ids, at->more.ids, sizeof(ids));
	memset(&at->more, 0, sizeof(at->more));
	for (k = 0; k < AGG_MORE_IDS; k++)
		more_reg(at, ids[k]);
	more_reg(at, u);
	at->more_n = AGG_MORE_SKETCH;
}

/* The distinct names counted by more_add: exact up to AGG_MORE_IDS, else the sketch's estimate. */
uint32_t
agg_more_count(const struct agg_attacker *at)
{
	uint32_t c[16] = {0};
	uint64_t e;
	unsigned i;

	if (at->more_n != AGG_MORE_SKETCH)
		return at->more_n;
	for (i = 0; i < 64; i++)
		c[(at->more.reg[i / 2] >> (4 * (i & 1))) & 15]++;
	e = hll_estimate(c, 64, 14);
	if (e < AGG_MORE_IDS + 1)
		e = AGG_MORE_IDS + 1; /* it held that many distinct ids */
	return e < UINT32_MAX ? (uint32_t)e : UINT32_MAX;
}

static void
hostile_rec(struct agg *a, const struct conn_rec *r)
{
	struct agg_attacker *at;
	int created;
	uint32_t k, j;

	if (r->src.af != 0) {
		at = topk_add(a->attackers, &r->src, sizeof(r->src), r->attempts + 1, &created);
		if (created) {
			at->src = r->src;
			at->first = r->start;
			/* the table held every address it ever held: no need to add it again */
			hll_add(a->attacker_addrs, &r->src, sizeof(r->src));
		}
		if (r->start < at->first)
			at->first = r->start;
		if (r->end > at->last)
			at->last = r->end;
		at->attempts += r->attempts;
		at->connections++;
		for (k = 0; k < r->nusers; k++) {
			for (j = 0; j < 3 && at->users[j] != 0; j++)
				if (at->users[j] == r->users[k])
					break;
			if (j < 3 && at->users[j] == 0)
				at->users[j] = r->users[k];
			else if (j == 3)
				more_add(at, r->users[k]);
		}
		/* names the tracker counted but did not keep: distinct within their connection */
		at->users_more += r->users_more;
	}
	for (k = 0; k < r->nusers; k++) {
		uint32_t u = r->users[k];
		uint64_t att = u == r->user ? r->attempts : 0;
		struct agg_username *un = topk_add(a->usernames, &u, sizeof(u), att + 1, &created);

		if (created)
			hll_add(a->user_names, &u, sizeof(u)); /* as for attacker_addrs */
		un->user = u;
		un->attempts += att;
		un->connections++;
		un->valid |= r->users_valid[k];
		if (r->src.af != 0) {
			uint64_t h = 0, w;

			for (j = 0; j < 16; j += 8) {
				memcpy(&w, r->src.a + j, 8);
				h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
				h ^= h >> 29;
			}
			h ^= (uint64_t)r->src.af << 7;
			h *= 0xbf58476d1ce4e5b9ULL;
			un->srcbits[(h >> 60) & 3] |= 1ULL << ((h >> 52) & 63);
		}
	}
}

void
agg_conn(struct agg *a, const struct conn_rec *r)
{
	if (r->outcome == CO_FAILED || r->outcome == CO_PROBE || r->outcome == CO_NEGOTIATION) {
		/* hostile_rec's two table lookups: their cache misses overlap the rest */
		if (r->src.af != 0)
			topk_prefetch(a->attackers, &r->src, sizeof(r->src));
		if (r->nusers > 0)
			topk_prefetch(a->usernames, &r->users[0], sizeof(r->users[0]));
	}
	if (!rec_passes(a, r))
		return;
	a->v.connections++;
	if (r->open)
		a->v.open_conns++;
	/*
	 * The record's address came from one of its events, and agg_event
	 * counted it then, unless the event failed the user filter (the record
	 * may still pass it, having tried that user on another line).
	 */
	if (r->src.af != 0 && a->opts.user != NULL)
		source_add(a, &r->src);
	switch (r->outcome) {
	case CO_LOGIN:
		a->v.logins++;
		if (r->attempts > 0) {
			/* failures before the login in the same connection: a guess that worked?
			 * Counted as any failures are, before login_rec looks for them */
			a->v.attempts += r->attempts;
			a->v.attempt_logins++;
			hostile_rec(a, r);
			hour_add(a, r->start, r->attempts, 0, 0);
		}
		login_rec(a, r);
		hour_add(a, r->login, 0, 0, 1);
		break;
	case CO_FAILED:
		a->v.failed_conns++;
		a->v.attempts += r->attempts;
		hostile_rec(a, r);
		hour_add(a, r->start, r->attempts, 0, 0);
		break;
	case CO_PROBE:
	case CO_NEGOTIATION:
		if (r->outcome == CO_PROBE)
			a->v.probes++;
		else
			a->v.negotiations++;
		hostile_rec(a, r);
		hour_add(a, r->start, 0, 1, 0);
		break;
	default:
		break;
	}
	/* any outcome, a connection still open at the end of the input included */
	if (r->flags & CF_KEY_REVOKED)
		agg_alert(a, AL_REVOKED_KEY, r->revoked_at, r->host, r->user, r->revoked_fp,
		          &r->src, 0);
}

void
agg_flush(struct agg *a)
{
	hour_flush(a);
	counts_flush(a);
}
