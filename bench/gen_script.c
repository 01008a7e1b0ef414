/* gen_script.c: gen's connections: the scripts of ops of attackers, users and cron, and when. */
#include "gen.h"

/* The real users of web-1. */
/* clang-format off */
const struct luser lusers[] = {
	{"alice", 1000, LK_SHELL, 0, "ED25519",
	 {"86.14.203.171", "2a02:c7c:5d1e:9b00:1d3c:4a2f:e0b1:77c2"}, "/home/alice"},
	{"bob", 1001, LK_SHELL, 1, NULL, {"91.203.144.65", "91.203.144.65"}, "/home/bob"},
	{"deploy", 1002, LK_CMD, 0, "ED25519", {"20.118.77.9", "20.118.77.14"}, "/srv/app"},
	{"carol", 1003, LK_SFTP, 0, "RSA", {"195.154.72.33", "195.154.72.33"}, "/home/carol"}
};
/* clang-format on */
_Static_assert(NELEM(lusers) == NLUSERS, "gen.h: NLUSERS is the number of lusers");

/* Accounts that exist on a Debian host: attempts on them say "authenticating user". */
static const char *const sysusers[] = {"nobody", "www-data", "daemon", "bin",  "sys",
                                       "backup", "mail",     "sync",   "news", "proxy"};

/* --- connections --- */

static uint32_t
pid_alloc(struct gen *g, uint32_t n)
{
	if (g->next_pid + n >= PID_MAX)
		g->next_pid = PID_MIN + below(&g->r, 200);
	uint32_t pid = g->next_pid;
	g->next_pid += n;
	return pid;
}

static void
add(struct conn *c, enum op op)
{
	if (c->nops < MAXOPS)
		c->ops[c->nops++] = (uint8_t)op;
}

static void
set_user(struct conn *c, const char *s)
{
	size_t n = strlen(s);
	memcpy(c->user, s, n + 1);
	c->ulen = (uint8_t)n;
}

/* The end of a pre-authentication connection that tried a user. */
static void
script_auth_end(struct gen *g, struct conn *c)
{
	struct rng *r = &g->r;
	if (c->tries >= 6) {
		add(c, OP_MAXEXC);
		add(c, OP_TOOMANY);
	} else {
		unsigned u = below(r, 100);
		if (u < 60) {
			u = below(r, 100);
			c->var = u < 80 ? 0 : u < 90 ? 1 : 2;
			add(c, OP_RECV_BYE);
			add(c, OP_DISC_PREAUTH);
		} else if (u < 90) {
			add(c, OP_CLOSED_USER);
		} else if (u < 95) {
			add(c, OP_RESET_USER);
		} else if (u < 98 && c->tries > 0) {
			add(c, OP_JSCH);
			add(c, OP_DISC_PREAUTH);
		} else {
			add(c, OP_NOAUTH);
			add(c, OP_DISC_PREAUTH);
		}
	}
	if (c->tries >= 2)
		add(c, OP_PAMMORE);
	if (c->tries >= 4)
		add(c, OP_IGNMAX);
}

static uint8_t
pick_tries(struct rng *r, unsigned p0, unsigned p1, unsigned pmid)
{
	unsigned u = below(r, 100);
	if (u < p0)
		return 0;
	if (u < p0 + p1)
		return 1;
	if (u < p0 + p1 + pmid)
		return (uint8_t)range(r, 2, 5);
	return 6;
}

static void
script_failures(struct gen *g, struct conn *c)
{
	if (!c->tries)
		return;
	if (!c->valid)
		add(c, OP_CHECKPASS);
	add(c, OP_PAMFAIL);
	add(c, OP_FAILED);
	if (c->tries >= 3 && pct(&g->r, 8)) {
		add(c, OP_REPEATED);
		return;
	}
	for (unsigned i = 1; i < c->tries; i++)
		add(c, OP_FAILED);
}

static void
spawn_attack(struct gen *g)
{
	struct rng *r = &g->r;
	unsigned s = below(r, NSTREAMS);
	uint32_t ai;
	int burst = g->stream[s].left > 0;
	if (burst) {
		ai = g->stream[s].att;
		g->stream[s].left--;
	} else {
		ai = zipf(r, g->att_cdf, NATT);
		g->stream[s].att = ai;
		g->stream[s].left = pct(r, 70) ? 0 : (uint32_t)range(r, 1, 20);
	}
	struct attacker *a = &g->att[ai];
	a->port = burst ? (uint16_t)(a->port + 1 + below(r, 400))
	                : (uint16_t)(pct(r, 80) ? 32768 + below(r, 28232) : 1024 + below(r, 64511));
	if (a->port < 1024)
		a->port = (uint16_t)(a->port + 1024);

	struct conn *c = conn_new(g, CK_SCRIPT);
	c->att = ai;
	c->fam = a->fam;
	c->port = a->port;
	memcpy(c->ip, a->ip, a->iplen);
	c->ip[a->iplen] = '\0';
	c->iplen = a->iplen;

	/* OpenSSH 9.8+ penalties: the listener drops known offenders before forking. */
	if (ai < 300 && pct(r, 6)) {
		c->pid = MASTER_PID;
		c->var = (uint8_t)below(r, op_variants(OP_DROP));
		add(c, OP_DROP);
		return;
	}
	c->pid = pid_alloc(g, 1 + below(r, 4));
	if (a->rdns)
		add(c, OP_RDNS);

	unsigned kind = pct(r, 85) ? a->kind : below(r, AK__N);
	switch (kind) {
	case AK_DICT:
		c->ulen = (uint8_t)dict_user(g, c->user);
		c->user[c->ulen] = '\0';
		c->tries = pick_tries(r, 0, 80, 14);
		add(c, OP_INVALID);
		script_failures(g, c);
		script_auth_end(g, c);
		break;
	case AK_KEYONLY:
		c->ulen = (uint8_t)dict_user(g, c->user);
		c->user[c->ulen] = '\0';
		add(c, OP_INVALID);
		script_auth_end(g, c);
		break;
	case AK_ROOT: {
		unsigned u = below(r, 100);
		if (u < 88)
			set_user(c, "root");
		else if (u < 98)
			set_user(c, sysusers[below(r, NELEM(sysusers))]);
		else
			set_user(c, lusers[below(r, NLUSERS)].name);
		c->valid = 1;
		c->tries = pick_tries(r, 15, 55, 15);
		script_failures(g, c);
		script_auth_end(g, c);
		break;
	}
	case AK_SCAN: {
		unsigned u = below(r, 100);
		if (u < 25) {
			add(c, OP_CLOSED);
		} else if (u < 35) {
			add(c, OP_RESET);
		} else if (u < 55) {
			add(c, OP_KEX_CLOSED);
			add(c, OP_CLOSED_NP);
		} else if (u < 64) {
			add(c, OP_KEX_RESET);
			add(c, OP_RESET_NP);
		} else if (u < 69) {
			c->var = (uint8_t)below(r, op_variants(OP_KEX_PROTO));
			add(c, OP_KEX_PROTO);
			add(c, OP_BANNER);
		} else if (u < 72) {
			add(c, OP_KEX_BANNER);
			add(c, OP_BANNER);
		} else if (u < 80) {
			add(c, OP_BANNER);
		} else if (u < 88) {
			add(c, OP_NOIDENT);
		} else if (u < 98) {
			add(c, OP_TIMEOUT);
		} else {
			c->var = (uint8_t)below(r, op_variants(OP_DISPATCH));
			add(c, OP_DISPATCH);
		}
		break;
	}
	default:
		c->var = (uint8_t)below(r, op_variants(OP_NEGOTIATE));
		add(c, OP_NEGOTIATE);
		break;
	}
}

static void
spawn_legit(struct gen *g, unsigned lu)
{
	struct rng *r = &g->r;
	const struct luser *l = &lusers[lu];
	struct conn *c = conn_new(g, CK_SCRIPT);
	const char *ip = l->ip[below(r, 2)];
	c->lu = (uint8_t)lu;
	c->valid = 1;
	c->uid = l->uid;
	set_user(c, l->name);
	c->iplen = (uint8_t)strlen(ip);
	memcpy(c->ip, ip, (size_t)c->iplen + 1);
	c->port = (uint16_t)(32768 + below(r, 28232));
	c->pid = pid_alloc(g, 4 + below(r, 3));
	c->pid2 = c->pid + 2;
	c->pid3 = c->pid + 3;
	c->sess = g->next_sess++;
	c->tty = (uint8_t)below(r, 3);
	if (l->password && pct(r, 10)) {
		c->tries = 1;
		add(c, OP_PAMFAIL);
		add(c, OP_FAILED);
	}
	add(c, OP_ACCEPT);
	add(c, OP_SESS_OPEN);
	add(c, OP_LOGIND_NEW);
	unsigned nsudo = 0, nfiles = 0;
	switch (l->kind) {
	case LK_SHELL:
		add(c, OP_START_SHELL);
		nsudo = below(r, 5);
		c->sent = (uint64_t)range(r, 5000, 2000000);
		c->recv = (uint64_t)range(r, 2000, 200000);
		break;
	case LK_CMD:
		add(c, OP_START_CMD);
		nsudo = pct(r, 30);
		c->sent = (uint64_t)range(r, 3000, 60000);
		c->recv = (uint64_t)range(r, 3000, 400000);
		break;
	default:
		add(c, OP_SUBSYS);
		add(c, OP_START_SFTP);
		add(c, OP_SFTP_SOPEN);
		nfiles = 1 + below(r, 6);
		c->sent = (uint64_t)range(r, 3000, 20000);
		c->recv = 4000;
		break;
	}
	for (unsigned i = 0; i < nsudo; i++) {
		add(c, OP_SUDO);
		add(c, OP_SUDO_OPEN);
		add(c, OP_SUDO_CLOSE);
	}
	for (unsigned i = 0; i < nfiles; i++) {
		add(c, OP_SFTP_OPEN);
		add(c, OP_SFTP_CLOSE);
	}
	if (nfiles)
		add(c, OP_SFTP_SCLOSE);
	add(c, OP_CLOSE_SESS);
	add(c, OP_TRANSFERRED);
	add(c, OP_RECV_USER);
	add(c, OP_DISC_USER);
	add(c, OP_SESS_CLOSE);
	add(c, OP_LOGIND_OUT);
	add(c, OP_LOGIND_RM);
}

static void
spawn_cron(struct gen *g, const char *user, uint32_t uid, uint8_t long_job)
{
	struct conn *c = conn_new(g, CK_SCRIPT);
	set_user(c, user);
	c->uid = uid;
	c->var = long_job;
	c->pid = pid_alloc(g, 2);
	add(c, OP_CRON_OPEN);
	add(c, OP_CRON_CLOSE);
}

/* Microseconds before op runs. */
static int64_t
op_delay(struct gen *g, const struct conn *c, enum op op)
{
	struct rng *r = &g->r;
	switch (op) {
	case OP_INVALID:
	case OP_PAMFAIL:
		return range(r, 50 * MS, 900 * MS);
	case OP_CHECKPASS:
		return range(r, 100 * MS, 900 * MS);
	case OP_FAILED:
		return c->kind == CK_SCRIPT && c->pc > 0 && c->ops[c->pc - 1] == OP_PAMFAIL
		           ? range(r, 1800 * MS, 3500 * MS)
		           : range(r, 2 * SEC, 4 * SEC);
	case OP_REPEATED:
		return range(r, 6 * SEC, 20 * SEC);
	case OP_RECV_BYE:
	case OP_JSCH:
	case OP_NOAUTH:
	case OP_CLOSED_USER:
	case OP_RESET_USER:
		return range(r, 50 * MS, 2 * SEC);
	case OP_ACCEPT:
		return range(r, 2 * SEC, 8 * SEC);
	case OP_SESS_OPEN:
		return range(r, 5 * MS, 40 * MS);
	case OP_LOGIND_NEW:
		return range(r, 2 * MS, 20 * MS);
	case OP_START_SHELL:
	case OP_START_CMD:
	case OP_SUBSYS:
		return range(r, 20 * MS, 300 * MS);
	case OP_SFTP_SOPEN:
		return range(r, 5 * MS, 50 * MS);
	case OP_SFTP_OPEN:
		return range(r, 100 * MS, 5 * SEC);
	case OP_SFTP_CLOSE:
		return range(r, 50 * MS, 30 * SEC);
	case OP_SFTP_SCLOSE:
		return range(r, 100 * MS, 2 * SEC);
	case OP_SUDO:
		return lusers[c->lu].kind == LK_SHELL ? range(r, 5 * SEC, 600 * SEC)
		                                      : range(r, 500 * MS, 5 * SEC);
	case OP_SUDO_OPEN:
		return range(r, 1 * MS, 10 * MS);
	case OP_SUDO_CLOSE:
		return range(r, 50 * MS, 60 * SEC);
	case OP_CLOSE_SESS:
		switch (lusers[c->lu].kind) {
		case LK_SHELL:
			return range(r, 10 * SEC, 1800 * SEC);
		case LK_CMD:
			return range(r, 500 * MS, 20 * SEC);
		default:
			return range(r, 1 * MS, 50 * MS);
		}
	case OP_RECV_USER:
		return range(r, 0, 50 * MS);
	case OP_SESS_CLOSE:
		return range(r, 1 * MS, 30 * MS);
	case OP_LOGIND_RM:
		return range(r, 10 * MS, 2 * SEC);
	case OP_CRON_CLOSE:
		return c->var ? range(r, 5 * SEC, 60 * SEC) : range(r, 100 * MS, 2 * SEC);
	default:
		return range(r, 0, 2 * MS);
	}
}

/* Runs one step of an entry; returns the delay to its next step, or -1 when it is done. */
int64_t
conn_step(struct gen *g, struct conn *c)
{
	struct rng *r = &g->r;
	switch (c->kind) {
	case CK_SPAWNER: {
		if (g->nfree > 0) {
			unsigned u = below(r, 10000);
			if (u < 20)
				spawn_legit(g, 2);
			else if (u < 25)
				spawn_legit(g, 3);
			else if (u < 30)
				spawn_legit(g, 0);
			else if (u < 33)
				spawn_legit(g, 1);
			else
				spawn_attack(g);
		}
		return 1 + expo(r, MEAN_GAP);
	}
	case CK_CRONTICK: {
		int64_t sod = g->now / SEC % 86400;
		unsigned min = (unsigned)(sod / 60 % 60), hour = (unsigned)(sod / 3600);
		if (g->nfree >= 3) {
			if (min % 5 == 0)
				spawn_cron(g, "www-data", 33, 0);
			if (min == 17)
				spawn_cron(g, "root", 0, 0);
			if (hour == 6 && min == 25)
				spawn_cron(g, "root", 0, 1);
		}
		return 60 * SEC;
	}
	default:
		op_emit(g, c, (enum op)c->ops[c->pc++]);
		if (c->pc >= c->nops)
			return -1;
		return op_delay(g, c, (enum op)c->ops[c->pc]);
	}
}
