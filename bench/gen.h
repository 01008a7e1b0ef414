/* gen.h: what the modules of bench/gen share: the simulated host, its types and small helpers. */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * gen.c: main, the event loop (a heap of pending steps), the output buffer and line headers,
 * attackers and the names they try. gen_script.c: what each connection does (its script of
 * ops) and when. gen_sshd.c: the line each op writes (the message families). All state is in
 * one struct gen, made by main and passed down; the rest is constant tables.
 */

#define HOSTNAME "web-1"
#define SERVER_V4 "172.31.17.41"
#define SERVER_V6 "2a05:d014:9d0:4b00:8f2e:61c0:d3a4:2f1"
#define PID_MAX 4194304u /* kernel.pid_max under systemd */
#define PID_MIN 300u     /* where the kernel wraps to */
#define MASTER_PID 1187u /* the listening sshd */
#define LOGIND_PID 712u
#define NATT 10000u /* attacker addresses, Zipf-ranked */
#define NSTREAMS 4  /* concurrent attack bursts */
#define MAXOPS 64
#define SEC 1000000LL
#define MS 1000LL
#define MEAN_GAP (125 * MS) /* between new connections: ~10M lines in ~3.5 days */

enum fmt { FMT_BSD, FMT_RFC3339 };
enum prog { PR_SSHD, PR_CRON, PR_SUDO, PR_LOGIND, PR_SFTP };
enum fam { FAM_V4, FAM_V6, FAM_MAPPED };
enum akind { AK_DICT, AK_KEYONLY, AK_ROOT, AK_SCAN, AK_OLDKEX, AK__N };
enum ckind { CK_SPAWNER, CK_CRONTICK, CK_SCRIPT };
enum lkind { LK_SHELL, LK_CMD, LK_SFTP };

/* One line each; a connection is a script of these. */
enum op {
	OP_RDNS,
	OP_INVALID,
	OP_CHECKPASS,
	OP_PAMFAIL,
	OP_FAILED,
	OP_REPEATED,
	OP_MAXEXC,
	OP_TOOMANY,
	OP_PAMMORE,
	OP_IGNMAX,
	OP_RECV_BYE,
	OP_JSCH,
	OP_NOAUTH,
	OP_DISC_PREAUTH,
	OP_CLOSED_USER,
	OP_RESET_USER,
	OP_CLOSED,
	OP_RESET,
	OP_CLOSED_NP,
	OP_RESET_NP,
	OP_KEX_CLOSED,
	OP_KEX_RESET,
	OP_KEX_PROTO,
	OP_KEX_BANNER,
	OP_BANNER,
	OP_NOIDENT,
	OP_TIMEOUT,
	OP_DISPATCH,
	OP_NEGOTIATE,
	OP_DROP,
	OP_ACCEPT,
	OP_SESS_OPEN,
	OP_LOGIND_NEW,
	OP_START_SHELL,
	OP_START_CMD,
	OP_SUBSYS,
	OP_START_SFTP,
	OP_SUDO,
	OP_SUDO_OPEN,
	OP_SUDO_CLOSE,
	OP_SFTP_SOPEN,
	OP_SFTP_OPEN,
	OP_SFTP_CLOSE,
	OP_SFTP_SCLOSE,
	OP_CLOSE_SESS,
	OP_TRANSFERRED,
	OP_RECV_USER,
	OP_DISC_USER,
	OP_SESS_CLOSE,
	OP_LOGIND_OUT,
	OP_LOGIND_RM,
	OP_CRON_OPEN,
	OP_CRON_CLOSE
};

struct rng {
	uint64_t s;
};

struct attacker {
	char ip[46];
	char host[64]; /* a PTR name that does not resolve back, when rdns */
	uint8_t iplen, hostlen, fam, kind, rdns;
	uint16_t port;
};

/* The real users of web-1. */
struct luser {
	const char *name;
	uint32_t uid;
	uint8_t kind;     /* enum lkind */
	uint8_t password; /* logs in with a password rather than a key */
	const char *keytype;
	const char *ip[2];
	const char *pwd;
};

#define NLUSERS 4 /* entries of lusers */

/* Their table, defined in gen_script.c (which checks that it has NLUSERS entries). */
extern const struct luser lusers[];

struct conn {
	uint8_t kind; /* enum ckind */
	uint8_t nops, pc;
	uint8_t valid; /* the account exists: no "invalid user" */
	uint8_t tries; /* failed passwords in the script */
	uint8_t iplen, ulen, fam;
	uint8_t var; /* variant of a one-line message */
	uint8_t lu;  /* index in lusers */
	uint8_t tty;
	uint16_t port;
	uint32_t pid, pid2, pid3, uid;
	uint32_t att;
	uint32_t sess;
	uint32_t aux;
	uint64_t sent, recv, fsize;
	char ip[46];
	char user[40];
	uint8_t ops[MAXOPS];
};

struct hent {
	int64_t due;
	uint32_t id;
};

struct gen {
	struct rng r;
	enum fmt fmt;
	int64_t now; /* UTC epoch microseconds */
	int64_t hdr_sec;
	char hdr[48];
	size_t hdr_len;
	char *buf;
	size_t len;
	uint64_t lines, max_lines;
	uint32_t next_pid, next_sess;
	struct attacker *att;
	uint32_t *att_cdf;
	uint32_t *dict_cdf;
	struct {
		uint32_t att, left;
	} stream[NSTREAMS];
	struct conn *conns;
	uint32_t *freel;
	uint32_t nfree;
	struct hent *heap;
	uint32_t nheap;
	char fp[NLUSERS][44];
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- random numbers (splitmix64) --- */

static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint32_t
below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int64_t
range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static inline int
pct(struct rng *r, unsigned p)
{
	return below(r, 100) < p;
}

/* --- text --- */

static inline char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUTL(p, lit) put((p), (lit), sizeof(lit) - 1)

static inline char *
puts0(char *p, const char *s)
{
	return put(p, s, strlen(s));
}

static inline char *
put_u(char *p, uint64_t v)
{
	char t[20];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = t[--n];
	return p;
}

/* gen.c */
int64_t expo(struct rng *r, int64_t mean);
uint32_t zipf(struct rng *r, const uint32_t *cdf, uint32_t n);
char *line_begin(struct gen *g, enum prog pr, uint32_t pid);
void line_end(struct gen *g, char *p);
size_t dict_user(struct gen *g, char *out);
struct conn *conn_new(struct gen *g, enum ckind kind);

/* gen_script.c */
int64_t conn_step(struct gen *g, struct conn *c);

/* gen_sshd.c */
unsigned op_variants(enum op op);
void op_emit(struct gen *g, struct conn *c, enum op op);

#endif
