/* conn.c: the connection tracker: folds the lines of one sshd connection into one record. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "memeq.h"
#include "siphash.h"
#include "xmalloc.h"

#define LINGER_US (30 * 1000000LL) /* lines sshd writes after a close still join it */
#define IDLE_US                                                                                    \
	(15 * 60 * 1000000LL)     /* a connection that never logged in, silent this long, ended */
#define SWEEP_US (10 * 1000000LL) /* how often (log time) to look for the above */
#define MAX_PIDS 4                /* monitor, post-auth child, sshd-auth, sftp-server */
#define NONE UINT32_MAX

/* The ways a connection's lines count its authentication attempts (slot.att[]). */
enum {
	A_FAILED,   /* "Failed <method>" (not "none") */
	A_REFUSED,  /* invalid user, not allowed, root refused */
	A_PAM_UNIX, /* pam_unix(sshd:auth) failures, "N more authentication failures" */
	A_PAM_ERR,  /* sshd's "error: PAM: ..." */
	A_NONE,     /* a line that counts none: adding to it changes nothing */
	A__N
};

/*
 * A record being built. Invariant: a used slot is in the pid index under each
 * of pids[0..npids) (with its host) and, when rec.src is set with a port, in
 * the address index under (host, src, port); a free slot is in neither and on
 * the free list.
 */
struct slot {
	struct conn_rec rec;
	uint32_t pids[MAX_PIDS];
	uint8_t npids;
	uint8_t used;
	uint8_t closed;         /* a closing line was seen: lingering */
	uint8_t hostile;        /* a probe-like line was seen */
	uint8_t kex;            /* a negotiation failure was seen */
	uint8_t in_ap;          /* registered in the address index, under ap_h */
	uint8_t told;           /* progress reported: bit 0 a probe or negotiation */
	uint32_t told_attempts; /* attempts already reported as progress */
	int64_t last;           /* UTC µs of its last line */
	int64_t closed_at;
	uint32_t att[A__N]; /* attempts as each kind of line counts them (A_*) */
	uint32_t next_free;
	uint64_t ap_h;      /* ap_key of rec.src, rec.src_port when in_ap */
	const char *user_p; /* the bytes of rec.user in the string table (they never move) */
	size_t user_n;
};

/* Open addressing, linear probing, backward-shift deletion; key EMPTY marks a free cell. */
#define EMPTY UINT64_MAX
struct cell {
	uint64_t key;
	uint32_t val;
};
struct map {
	struct cell *cells; /* key and value side by side: one cache miss per probe */
	uint32_t cap, n;    /* cap is a power of two, 2^(64 - shift) */
	unsigned shift;
	uint64_t mul; /* a key's home: the top bits of key * mul (1: keys are hashes already) */
};

struct conn_tracker {
	struct strtab *strings;
	conn_emit_fn emit;
	void *arg;
	struct slot *slots;
	/* per slot, when the sweep ends it: LINGER_US after its close, or IDLE_US after its
	 * last line while it has no login; INT64_MAX for a free slot or a login session */
	int64_t *deadline;
	uint32_t nslots, free_head, active;
	struct map by_pid; /* (host << 32 | pid) -> slot */
	struct map by_ap;  /* hash(host, addr, port) -> slot */
	uint64_t seed;
	uint64_t apm[7]; /* ap_key's multipliers, from seed */
	int64_t now, next_sweep;
	uint32_t sftp_id, sshd_id;
	uint32_t current;        /* the slot the last event fed joined, NONE: none */
	uint32_t last_host;      /* the id of the last host name seen: most lines repeat it */
	const char *last_host_p; /* ... and its bytes in strings (they never move) */
	size_t last_host_n;
	conn_progress_fn progress;
	void *progress_arg;
	int lean;       /* intern no user names or keys */
	uint32_t limit; /* most records held at once (0: no limit) */
	uint64_t rng;   /* xorshift state for picking eviction candidates */
};

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static void
map_alloc(struct map *m, uint32_t cap)
{
	uint32_t i;

	m->cap = cap;
	m->shift = 64 - (unsigned)__builtin_ctz(cap);
	m->n = 0;
	m->cells = xreallocarray(NULL, cap, sizeof(*m->cells));
	for (i = 0; i < cap; i++)
		m->cells[i].key = EMPTY;
}

/* mul: an odd multiplier for keys that need mixing (multiply-shift), or 1 for keys that are
 * hashes already (their high bits are used as they are). */
static void
map_init(struct map *m, uint64_t mul)
{
	m->mul = mul;
	map_alloc(m, 64);
}

static inline uint32_t
map_home(const struct map *m, uint64_t key)
{
	return (uint32_t)((key * m->mul) >> m->shift);
}

static void
map_free(struct map *m)
{
	free(m->cells);
}

static uint32_t
map_get(const struct map *m, uint64_t key)
{
	uint32_t i = map_home(m, key);

	for (; m->cells[i].key != EMPTY; i = (i + 1) & (m->cap - 1))
		if (m->cells[i].key == key)
			return m->cells[i].val;
	return NONE;
}

static void map_put(struct map *m, uint64_t key, uint32_t val);

static void
map_grow(struct map *m)
{
	struct map old = *m;
	uint32_t i;

	map_alloc(m, old.cap * 2); /* keeps m->mul */
	for (i = 0; i < old.cap; i++)
		if (old.cells[i].key != EMPTY)
			map_put(m, old.cells[i].key, old.cells[i].val);
	map_free(&old);
}

/* Sets key -> val (replacing). */
static void
map_put(struct map *m, uint64_t key, uint32_t val)
{
	uint32_t i;

	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	i = map_home(m, key);
	for (; m->cells[i].key != EMPTY; i = (i + 1) & (m->cap - 1))
		if (m->cells[i].key == key) {
			m->cells[i].val = val;
			return;
		}
	m->cells[i].key = key;
	m->cells[i].val = val;
	m->n++;
}

/* Removes key if it maps to val. */
static void
map_del(struct map *m, uint64_t key, uint32_t val)
{
	uint32_t i = map_home(m, key), j, k;

	for (; m->cells[i].key != key; i = (i + 1) & (m->cap - 1))
		if (m->cells[i].key == EMPTY)
			return;
	if (m->cells[i].val != val)
		return;
	/* backward shift: move later cells of the run into the hole when allowed */
	for (j = i;;) {
		j = (j + 1) & (m->cap - 1);
		if (m->cells[j].key == EMPTY)
			break;
		k = map_home(m, m->cells[j].key);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			m->cells[i] = m->cells[j];
			i = j;
		}
	}
	m->cells[i].key = EMPTY;
	m->n--;
}

static uint64_t
pid_key(uint32_t host, uint32_t pid)
{
	return (uint64_t)host << 32 | pid;
}

/*
 * The address index's key of (host, addr, port): a multilinear hash (as in
 * topk.c) of its six 32-bit words under seeded multipliers, strongly
 * universal in its top 32 bits, which are the ones the map uses. Keys that
 * collide are told apart by locate's compare.
 */
static uint64_t
ap_key(const struct conn_tracker *t, uint32_t host, const struct addr *a, uint16_t port)
{
	uint32_t w[4];
	uint64_t h;

	memcpy(w, a->a, sizeof(w));
	h = t->apm[0] + t->apm[1] * host + t->apm[2] * ((uint32_t)port | (uint32_t)a->af << 16) +
	    t->apm[3] * w[0] + t->apm[4] * w[1] + t->apm[5] * w[2] + t->apm[6] * w[3];
	return h == EMPTY ? 0 : h;
}

struct conn_tracker *
conn_new(struct strtab *strings, conn_emit_fn emit, void *arg)
{
	struct conn_tracker *t = xcalloc(1, sizeof(*t));

	t->strings = strings;
	t->emit = emit;
	t->arg = arg;
	t->free_head = NONE;
	t->seed = mix64((uint64_t)(uintptr_t)t ^ 0x6a09e667f3bcc908ULL);
	siphash_seed_words(t->seed, t->apm, sizeof(t->apm) / sizeof(t->apm[0]));
	/* pids are the kernel's, but a local user can log lines with any pid: a seeded multiplier
	 */
	map_init(&t->by_pid, mix64(t->seed ^ 0x70696473ULL) | 1);
	map_init(&t->by_ap, 1); /* ap_key is a seeded hash already */
	t->next_sweep = INT64_MIN;
	t->current = NONE;
	t->sftp_id = strtab_intern(strings, "sftp", 4);
	t->sshd_id = strtab_intern(strings, "sshd", 4);
	return t;
}

void
conn_free(struct conn_tracker *t)
{
	if (t == NULL)
		return;
	map_free(&t->by_pid);
	map_free(&t->by_ap);
	free(t->slots);
	free(t->deadline);
	free(t);
}

uint32_t
conn_active(const struct conn_tracker *t)
{
	return t->active;
}

static void slot_end(struct conn_tracker *t, uint32_t i, int open);

/* At the limit: ends the least recently active of a few records picked at random. */
static void
evict(struct conn_tracker *t)
{
	uint32_t best = NONE, i, k;

	for (k = 0; k < 16; k++) {
		t->rng ^= t->rng << 13;
		t->rng ^= t->rng >> 7;
		t->rng ^= t->rng << 17;
		i = (uint32_t)(t->rng % t->nslots);
		if (t->slots[i].used && (best == NONE || t->slots[i].last < t->slots[best].last))
			best = i;
	}
	for (i = 0; best == NONE && i < t->nslots; i++)
		if (t->slots[i].used)
			best = i;
	if (best != NONE)
		slot_end(t, best, 0);
}

static uint32_t
slot_new(struct conn_tracker *t, uint32_t host, int64_t ts)
{
	uint32_t i;
	struct slot *s;

	if (t->limit != 0 && t->active >= t->limit)
		evict(t);

	if (t->free_head == NONE) {
		uint32_t n = t->nslots ? t->nslots * 2 : 64, k;

		t->slots = xreallocarray(t->slots, n, sizeof(*t->slots));
		t->deadline = xreallocarray(t->deadline, n, sizeof(*t->deadline));
		for (k = n; k-- > t->nslots;) {
			t->deadline[k] = INT64_MAX;
			t->slots[k].used = 0;
			t->slots[k].next_free = t->free_head;
			t->free_head = k;
		}
		t->nslots = n;
	}
	i = t->free_head;
	s = &t->slots[i];
	t->free_head = s->next_free;
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->rec.host = host;
	s->rec.start = s->rec.end = s->last = ts;
	t->deadline[i] = ts + IDLE_US;
	t->active++;
	return i;
}

static void
slot_add_pid(struct conn_tracker *t, uint32_t i, uint32_t pid)
{
	struct slot *s = &t->slots[i];
	uint32_t k;

	if (pid == 0)
		return;
	for (k = 0; k < s->npids; k++)
		if (s->pids[k] == pid)
			return;
	if (s->npids == 0)
		s->rec.pid = pid;
	if (s->npids == MAX_PIDS) {
		/* keep the first; the oldest extra pid leaves the index */
		map_del(&t->by_pid, pid_key(s->rec.host, s->pids[1]), i);
		memmove(s->pids + 1, s->pids + 2, (MAX_PIDS - 2) * sizeof(s->pids[0]));
		s->npids--;
	}
	s->pids[s->npids++] = pid;
	map_put(&t->by_pid, pid_key(s->rec.host, pid), i);
}

static void
slot_set_addr(struct conn_tracker *t, uint32_t i, const struct addr *a, uint16_t port)
{
	struct slot *s = &t->slots[i];

	if (a->af == 0 || (s->rec.src.af != 0 && (s->rec.src_port != 0 || port == 0)))
		return;
	if (s->rec.src.af != 0 && !addr_eq(&s->rec.src, a))
		return; /* the port of another address: not this connection's */
	s->rec.src = *a;
	s->rec.src_port = port;
	if (port != 0) {
		s->ap_h = ap_key(t, s->rec.host, a, port);
		map_put(&t->by_ap, s->ap_h, i);
		s->in_ap = 1;
	}
}

static uint32_t
max4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t m = a > b ? a : b;

	m = m > c ? m : c;
	return m > d ? m : d;
}

void
conn_set_lean(struct conn_tracker *t)
{
	t->lean = 1;
}

void
conn_set_limit(struct conn_tracker *t, uint32_t max)
{
	t->limit = max;
	t->rng = t->seed | 1;
}

void
conn_set_progress(struct conn_tracker *t, conn_progress_fn fn, void *arg)
{
	t->progress = fn;
	t->progress_arg = arg;
}

/* The attempts of slot s: the most that one kind of its lines counted (they overlap). */
static uint32_t
slot_attempts(const struct slot *s)
{
	return max4(s->att[A_FAILED], s->att[A_REFUSED], s->att[A_PAM_UNIX], s->att[A_PAM_ERR]);
}

/* Reports what slot s did since the last report (the daemon's live view). */
static void
tell(struct conn_tracker *t, struct slot *s, int64_t ts)
{
	uint32_t att;

	if (t->progress == NULL || s->rec.src.af == 0)
		return; /* nothing to count against yet: told when a line gives the address */
	att = slot_attempts(s);
	if (att > s->told_attempts) {
		t->progress(&s->rec, CP_FAILURE, att - s->told_attempts, ts, t->progress_arg);
		s->told_attempts = att;
	} else if (att == 0 && s->closed && (s->kex || s->hostile) && !(s->told & 1) &&
	           s->rec.login == 0) {
		t->progress(&s->rec, s->kex ? CP_NEGOTIATION : CP_PROBE, 1, ts, t->progress_arg);
		s->told |= 1;
	}
}

/* Emits slot i and frees it. */
static void
slot_end(struct conn_tracker *t, uint32_t i, int open)
{
	struct slot *s = &t->slots[i];
	struct conn_rec *r = &s->rec;
	uint32_t k;

	r->attempts = slot_attempts(s);
	if (r->login != 0)
		r->outcome = CO_LOGIN;
	else if (r->attempts > 0)
		r->outcome = CO_FAILED;
	else if (s->kex)
		r->outcome = CO_NEGOTIATION;
	else if (s->hostile)
		r->outcome = CO_PROBE;
	else
		r->outcome = CO_OTHER;
	r->open = (uint8_t)(open && !s->closed);
	if (!s->closed)
		r->end = s->last;
	if (!s->closed && !open)
		r->flags |= CF_NO_CLOSE;
	t->emit(r, t->arg);
	for (k = 0; k < s->npids; k++)
		map_del(&t->by_pid, pid_key(r->host, s->pids[k]), i);
	if (s->in_ap)
		map_del(&t->by_ap, s->ap_h, i);
	s->used = 0;
	t->deadline[i] = INT64_MAX;
	s->next_free = t->free_head;
	t->free_head = i;
	t->active--;
}

/* When slot i ends unless another line comes: see deadline. */
static void
set_deadline(struct conn_tracker *t, uint32_t i)
{
	const struct slot *s = &t->slots[i];

	t->deadline[i] = s->closed           ? s->closed_at + LINGER_US
	                 : s->rec.login == 0 ? s->last + IDLE_US
	                                     : INT64_MAX;
}

/* Ends the records whose deadline passed: a scan of one small array, not of the slots. */
static void
sweep(struct conn_tracker *t, int64_t now)
{
	uint32_t i;

	for (i = 0; i < t->nslots; i++)
		if (now > t->deadline[i])
			slot_end(t, i, 0);
}

void
conn_flush(struct conn_tracker *t)
{
	uint32_t i;

	for (i = 0; i < t->nslots; i++)
		if (t->slots[i].used)
			slot_end(t, i, 1);
}

/* User names and keys; none in lean mode (the daemon keeps no strings attackers choose). */
static uint32_t
intern(struct conn_tracker *t, struct span sp)
{
	return sp.p && !t->lean ? strtab_intern(t->strings, sp.p, sp.n) : 0;
}

static uint32_t
intern_host(struct conn_tracker *t, struct span sp)
{
	if (t->last_host != 0 && sp.n == t->last_host_n && mem_eq(sp.p, t->last_host_p, sp.n))
		return t->last_host;
	t->last_host = sp.p ? strtab_intern(t->strings, sp.p, sp.n) : 0;
	t->last_host_p = strtab_get(t->strings, t->last_host, &t->last_host_n);
	return t->last_host;
}

/* Whether sp names the slot's current user (rec.user): a compare instead of a hash and a lookup. */
static int
same_user(const struct slot *s, struct span sp)
{
	return s->rec.user != 0 && sp.p != NULL && sp.n == s->user_n &&
	       mem_eq(sp.p, s->user_p, sp.n);
}

static void
set_user(struct conn_tracker *t, struct slot *s, uint32_t id)
{
	if (id == s->rec.user)
		return;
	s->rec.user = id;
	s->user_p = strtab_get(t->strings, id, &s->user_n);
}

static void
add_user(struct conn_tracker *t, struct slot *s, struct span u, int valid)
{
	uint32_t id = same_user(s, u) ? s->rec.user : intern(t, u), k;
	/* bit 0 valid, bit 1 invalid, none unknown: no jump on what sshd said */
	uint8_t bit = (uint8_t)((valid == UV_VALID) | (valid == UV_INVALID) << 1);

	if (id == 0)
		return;
	set_user(t, s, id);
	for (k = 0; k < s->rec.nusers; k++)
		if (s->rec.users[k] == id) {
			s->rec.users_valid[k] |= bit;
			return;
		}
	if (s->rec.nusers < CONN_USERS) {
		s->rec.users_valid[s->rec.nusers] = bit;
		s->rec.users[s->rec.nusers++] = id;
	} else
		s->rec.users_more++;
}

/*
 * What conn_feed does with each event type: a table, not switches, since
 * the type changes from line to line and a jump on it is mispredicted often.
 * A type left at 0 belongs to no connection (the report's business alone):
 * a new sshd event type must be listed here to reach the tracker. K_CONN
 * types are sshd's; K_PAM ones only when the PAM service is sshd (sudo's,
 * su's and login's are not); K_PRE ones are placed by conn_feed itself,
 * K_MORE ones take the switch after the common work.
 */
enum {
	K_CONN = 1 << 0,
	K_PAM = 1 << 1,
	K_PRE = 1 << 2,
	K_MORE = 1 << 3,
	K_CLOSE = 1 << 4,   /* the connection ends with this line */
	K_HOSTILE = 1 << 5, /* a probe-like line */
	K_KEX = 1 << 6,     /* a negotiation failure */
	K_PREAUTH = 1 << 7, /* probe-like when sshd marks it [preauth] */
};
struct kind {
	uint8_t what; /* K_* */
	uint8_t att;  /* A_*: the attempts it counts (A_NONE: none) */
};

#define KC(what_, att_)                                                                            \
	{                                                                                          \
		(what_), (att_)                                                                    \
	}
#define KN KC(K_CONN, A_NONE)
static const struct kind kinds[EV__COUNT] = {
    [EV_AUTH_ACCEPTED] = KC(K_CONN | K_MORE, A_NONE),
    [EV_AUTH_FAILED] = KC(K_CONN, A_FAILED), /* "none" does not count: see conn_feed */
    [EV_AUTH_POSTPONED] = KN,
    [EV_AUTH_PARTIAL] = KN,
    [EV_INVALID_USER] = KC(K_CONN, A_REFUSED),
    [EV_USER_NOT_ALLOWED] = KC(K_CONN, A_REFUSED),
    [EV_ROOT_LOGIN_REFUSED] = KC(K_CONN, A_REFUSED),
    [EV_MAX_AUTH_EXCEEDED] = KN,
    [EV_TOO_MANY_AUTH_FAILURES] = KC(K_CONN | K_CLOSE | K_PREAUTH, A_NONE),
    [EV_KEY_REVOKED] = KC(K_CONN | K_MORE, A_NONE),
    [EV_CERT_ACCEPTED] = KN,
    [EV_CERT_REJECTED] = KN,
    [EV_USERAUTH_INVALID] = KN,
    [EV_PAM_AUTH_FAILURE] = KC(K_PAM, A_PAM_UNIX), /* A_PAM_ERR without detail */
    [EV_PAM_MORE_FAILURES] = KC(K_PAM, A_PAM_UNIX),
    [EV_PAM_USER_UNKNOWN] = KC(K_PAM, A_NONE),
    [EV_PAM_IGNORING_RETRIES] = KC(K_PAM, A_NONE),
    [EV_SESSION_OPENED] = KC(K_PAM, A_NONE),
    [EV_SESSION_CLOSED] = KC(K_PAM | K_MORE, A_NONE),
    [EV_CONNECTION] = KN,
    [EV_CONN_CLOSED] = KC(K_CONN | K_CLOSE | K_PREAUTH, A_NONE),
    [EV_CONN_RESET] = KC(K_CONN | K_CLOSE | K_PREAUTH, A_NONE),
    [EV_RECEIVED_DISCONNECT] = KC(K_CONN | K_CLOSE | K_PREAUTH, A_NONE),
    [EV_DISCONNECTED] = KC(K_CONN | K_CLOSE | K_PREAUTH, A_NONE),
    [EV_PREAUTH_TIMEOUT] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_LOGIN_GRACE_TIMEOUT] = KC(K_CONN | K_PRE, A_NONE),
    [EV_NO_IDENT] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_KEX_IDENT] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_BANNER_INVALID] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_BAD_PROTOCOL] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_NEGOTIATION_FAILED] = KC(K_CONN | K_CLOSE | K_KEX, A_NONE),
    [EV_DISPATCH_FATAL] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_KEX_ERROR] = KC(K_CONN | K_CLOSE | K_KEX, A_NONE),
    [EV_WRITE_FAILED] = KC(K_CONN | K_CLOSE | K_HOSTILE, A_NONE),
    [EV_PENALTY_DROP] = KC(K_CONN | K_PRE, A_NONE),
    [EV_MAXSTARTUPS_DROP] = KC(K_CONN | K_PRE, A_NONE),
    [EV_REVERSE_MAPPING_FAILED] = KC(K_CONN | K_MORE, A_NONE),
    [EV_ADDRESS_MISMATCH] = KC(K_CONN | K_MORE, A_NONE),
    [EV_NASTY_PTR] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SESSION_START] = KN,
    [EV_SUBSYSTEM_REQUEST] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SESSION_CLOSE] = KN,
    [EV_TRANSFERRED] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_SESSION_OPEN] = KC(K_CONN | K_PRE, A_NONE),
    [EV_SFTP_SESSION_CLOSE] = KN,
    [EV_SFTP_OPEN] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_CLOSE] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_REMOVE] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_RENAME] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_MKDIR] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SFTP_RMDIR] = KC(K_CONN | K_MORE, A_NONE),
    [EV_SUDO_COMMAND] = KC(K_PRE, A_NONE),
};
#undef KN
#undef KC

/* The slot of a sudo user's open login session on host: the most recent login. */
static uint32_t
login_of_user(struct conn_tracker *t, uint32_t host, uint32_t user)
{
	uint32_t i, best = NONE;

	for (i = 0; i < t->nslots; i++) {
		struct slot *s = &t->slots[i];

		if (s->used && !s->closed && s->rec.host == host && s->rec.login != 0 &&
		    s->rec.user == user &&
		    (best == NONE || s->rec.login > t->slots[best].rec.login))
			best = i;
	}
	return best;
}

/* The slot of an sftp-server session opened for user from addr: that login. */
static uint32_t
login_of_sftp(struct conn_tracker *t, uint32_t host, uint32_t user, const struct addr *a)
{
	uint32_t i, best = NONE;

	for (i = 0; i < t->nslots; i++) {
		struct slot *s = &t->slots[i];

		if (s->used && s->rec.host == host && s->rec.login != 0 && s->rec.user == user &&
		    (a->af == 0 || addr_eq(&s->rec.src, a)) &&
		    (best == NONE || s->rec.login > t->slots[best].rec.login))
			best = i;
	}
	return best;
}

/* A one-line record from sshd's listener (penalties, MaxStartups drops, grace timeouts). */
static void
standalone(struct conn_tracker *t, uint32_t host, const struct event *ev, int64_t ts)
{
	uint32_t i = slot_new(t, host, ts);
	struct slot *s = &t->slots[i];

	s->rec.src = ev->src;
	s->rec.src_port = ev->src_port;
	s->rec.flags |= CF_STANDALONE;
	s->rec.lines = 1;
	s->hostile = 1;
	s->closed = 1;
	s->closed_at = ts;
	tell(t, s, ts);
	slot_end(t, i, 0);
}

/* Finds (or starts) the slot of an event. Returns NONE for events it cannot place. */
static uint32_t
locate(struct conn_tracker *t, uint32_t host, const struct event *ev, int64_t ts)
{
	uint32_t i = NONE, j;
	int has_ap = (ev->src.af != 0) & (ev->src_port != 0);

	if (ev->pid != 0)
		i = map_get(&t->by_pid, pid_key(host, ev->pid));
	if (i != NONE) {
		struct slot *s = &t->slots[i];
		/* a PAM line gives the address without the port: the port may come later */
		int other_conn = has_ap && s->rec.src.af != 0 &&
		                 (!addr_eq(&s->rec.src, &ev->src) ||
		                  (s->rec.src_port != 0 && s->rec.src_port != ev->src_port));

		/* the pid now serves another connection: the old one ended unseen */
		if (other_conn || (ev->type == EV_CONNECTION && s->closed)) {
			slot_end(t, i, 0);
			i = NONE;
		} else
			return i;
	}
	if (has_ap) {
		j = map_get(&t->by_ap, ap_key(t, host, &ev->src, ev->src_port));
		if (j != NONE && t->slots[j].used && addr_eq(&t->slots[j].rec.src, &ev->src) &&
		    t->slots[j].rec.src_port == ev->src_port && t->slots[j].rec.host == host) {
			/* another process of the same connection (post-auth child, sshd-auth) */
			slot_add_pid(t, j, ev->pid);
			return j;
		}
	}
	if (ev->pid == 0 && !has_ap)
		return NONE; /* a bare line with nothing to join it by */
	i = slot_new(t, host, ts);
	slot_add_pid(t, i, ev->pid);
	return i;
}

static void
close_slot(struct slot *s, int64_t ts)
{
	if (!s->closed) {
		s->closed = 1;
		s->closed_at = ts;
		s->rec.end = ts;
	}
}

const struct conn_rec *
conn_current(const struct conn_tracker *t)
{
	return t->current != NONE && t->slots[t->current].used ? &t->slots[t->current].rec : NULL;
}

void
conn_feed(struct conn_tracker *t, const struct event *ev)
{
	int64_t ts = ev->ts != TS_NONE ? ev->ts : t->now;
	uint32_t host, i;
	struct slot *s;
	struct kind k;
	unsigned a;

	if (ts > t->now)
		t->now = ts;
	if (t->now >= t->next_sweep) {
		if (t->next_sweep != INT64_MIN)
			sweep(t, t->now);
		t->next_sweep = t->now + SWEEP_US;
	}
	t->current = NONE;
	k = kinds[ev->type < EV__COUNT ? ev->type : EV_UNKNOWN];
	if (k.what == 0 ||
	    ((k.what & K_PAM) && ev->detail.p != NULL && !span_is(ev->detail, "sshd")))
		return;
	host = intern_host(t, ev->host);
	if (k.what & K_PRE) {
		switch (ev->type) {
		case EV_SUDO_COMMAND:
			i = login_of_user(t, host, intern(t, ev->user));
			if (i != NONE)
				t->slots[i].rec.sudo_cmds++;
			return;
		case EV_PENALTY_DROP:
		case EV_MAXSTARTUPS_DROP:
		case EV_LOGIN_GRACE_TIMEOUT:
			standalone(t, host, ev, ts);
			return;
		case EV_SFTP_SESSION_OPEN:
			if (ev->pid != 0 && map_get(&t->by_pid, pid_key(host, ev->pid)) == NONE) {
				i = login_of_sftp(t, host, intern(t, ev->user), &ev->src);
				if (i != NONE) {
					/* sftp-server's pid joins the login */
					slot_add_pid(t, i, ev->pid);
					t->slots[i].rec.flags |= CF_SFTP;
				}
			}
			break;
		default:
			break;
		}
	}
	if ((i = locate(t, host, ev, ts)) == NONE)
		return;
	t->current = i;
	s = &t->slots[i];
	s->last = ts > s->last ? ts : s->last;
	if (!s->closed)
		s->rec.end = s->last;
	s->rec.lines++;
	if (ev->src.af != 0)
		slot_set_addr(t, i, &ev->src, ev->src_port);
	if (ev->user.p != NULL)
		add_user(t, s, ev->user, ev->user_valid);
	if (ev->user_valid == UV_INVALID)
		s->rec.flags |= CF_INVALID_USER;

	/* the common lines: no jump on the type (see kinds) */
	a = k.att;
	if (ev->type == EV_AUTH_FAILED && ev->method == M_NONE)
		a = A_NONE; /* "Failed none": a client asking what it may use */
	if (ev->type == EV_PAM_AUTH_FAILURE && ev->detail.p == NULL)
		a = A_PAM_ERR; /* sshd's "error: PAM: ...", not pam_unix(sshd:auth) */
	s->att[a] += ev->count;
	if (k.what & K_CLOSE) {
		s->hostile |= (k.what & K_HOSTILE) != 0 ||
		              ((k.what & K_PREAUTH) && (ev->flags & EVF_PREAUTH));
		s->kex |= (k.what & K_KEX) != 0;
		close_slot(s, ts);
	}
	if (k.what & K_MORE) {
		switch (ev->type) {
		case EV_AUTH_ACCEPTED:
			s->rec.login = ts;
			s->rec.method = ev->method;
			s->rec.key_type = intern(t, ev->key_type);
			s->rec.key_fp = intern(t, ev->key_fp);
			if (ev->flags & EVF_CERT)
				s->rec.flags |= CF_CERT;
			if (ev->user.n == 4 && memcmp(ev->user.p, "root", 4) == 0)
				s->rec.flags |= CF_ROOT;
			if (!same_user(s, ev->user))
				set_user(t, s, intern(t, ev->user));
			break;
		case EV_KEY_REVOKED:
			s->rec.flags |= CF_KEY_REVOKED;
			s->rec.revoked_fp = intern(t, ev->key_fp);
			s->rec.revoked_at = ts;
			break;
		case EV_REVERSE_MAPPING_FAILED:
		case EV_ADDRESS_MISMATCH:
		case EV_NASTY_PTR:
			s->rec.flags |= CF_DNS;
			break;
		case EV_SUBSYSTEM_REQUEST:
			if (ev->detail.n == 4 && memcmp(ev->detail.p, "sftp", 4) == 0)
				s->rec.flags |= CF_SFTP;
			break;
		case EV_TRANSFERRED:
			s->rec.bytes_sent += ev->n1;
			s->rec.bytes_recv += ev->n2;
			break;
		case EV_SFTP_OPEN:
			s->rec.sftp_files++;
			break;
		case EV_SFTP_CLOSE:
			s->rec.sftp_read += ev->n1;
			s->rec.sftp_written += ev->n2;
			break;
		case EV_SFTP_REMOVE:
		case EV_SFTP_RENAME:
		case EV_SFTP_MKDIR:
		case EV_SFTP_RMDIR:
			s->rec.sftp_ops++;
			break;
		case EV_SESSION_CLOSED:
			if (s->rec.login != 0)
				close_slot(s, ts);
			break;
		default:
			break;
		}
	}
	set_deadline(t, i);
	tell(t, s, ts);
}
