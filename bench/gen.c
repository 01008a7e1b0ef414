/* gen.c: deterministic generator of realistic auth.log traffic (sshd under attack) for bench/. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOSTNAME "web-1"
#define SERVER_V4 "172.31.17.41"
#define SERVER_V6 "2a05:d014:9d0:4b00:8f2e:61c0:d3a4:2f1"
#define PID_MAX 4194304u /* kernel.pid_max under systemd */
#define PID_MIN 300u     /* where the kernel wraps to */
#define MASTER_PID 1187u /* the listening sshd */
#define LOGIND_PID 712u
#define NATT 10000u     /* attacker addresses, Zipf-ranked */
#define NSTREAMS 4      /* concurrent attack bursts */
#define MAX_CONNS 8192u /* connections in flight */
#define MAXOPS 64
#define OUTBUF (4u << 20)
#define LINE_MAX_BYTES 1024
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

/* clang-format off */
static const struct luser lusers[] = {
	{"alice", 1000, LK_SHELL, 0, "ED25519",
	 {"86.14.203.171", "2a02:c7c:5d1e:9b00:1d3c:4a2f:e0b1:77c2"}, "/home/alice"},
	{"bob", 1001, LK_SHELL, 1, NULL, {"91.203.144.65", "91.203.144.65"}, "/home/bob"},
	{"deploy", 1002, LK_CMD, 0, "ED25519", {"20.118.77.9", "20.118.77.14"}, "/srv/app"},
	{"carol", 1003, LK_SFTP, 0, "RSA", {"195.154.72.33", "195.154.72.33"}, "/home/carol"}
};
/* clang-format on */
#define NLUSERS (sizeof(lusers) / sizeof(lusers[0]))

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

/* What attackers try, most popular first (sampled with Zipf weights). */
/* clang-format off */
static const char *const dict[] = {
	"admin", "user", "test", "ubuntu", "oracle", "postgres", "pi", "git", "ftpuser",
	"guest", "support", "test1", "debian", "centos", "ec2-user", "hadoop", "mysql",
	"user1", "nagios", "tomcat", "jenkins", "minecraft", "steam", "ftp", "www",
	"administrator", "operator", "dev", "developer", "devops", "ansible", "docker",
	"elastic", "es", "kafka", "redis", "zabbix", "odoo", "sonar", "gitlab-runner",
	"vagrant", "testuser", "test2", "user2", "admin1", "tester", "student", "demo",
	"sysadmin", "server", "service", "mongodb", "solr", "dspace", "flask", "django",
	"ubnt", "usuario", "alex", "john", "david", "mike", "michael", "daniel", "anna",
	"sammy", "ali", "oscar", "admin123", "1234", "0", "ftptest", "ts", "ts3", "teamspeak",
	"bot", "validator", "sol", "solana", "node", "eth", "bitcoin", "nvidia", "gpu",
	"ubuntu1", "orangepi", "ftpadmin", "azureuser", "azure", "virtualbox", "matt",
	"gituser", "serverpilot", "web", "webadmin", "webmaster", "wordpress", "wp", "Admin",
	"ADMIN", "supervisor", "manager", "info", "office", "sales", "hduser", "spark",
	"trade", "dolphinscheduler", "ranger", "jumpserver", "uucp", "router", "vpn",
	"openvpn", "squid", "frappe", "erpnext", "lighthouse", "default", "pos", "oracle1",
	"user01", "test123", "temp", "git1"
};
/* clang-format on */
#define NDICT (sizeof(dict) / sizeof(dict[0]))

/* Accounts that exist on a Debian host: attempts on them say "authenticating user". */
static const char *const sysusers[] = {"nobody", "www-data", "daemon", "bin",  "sys",
                                       "backup", "mail",     "sync",   "news", "proxy"};

static const char *const given[] = {"john",  "david", "alex",  "anna", "maria",  "kevin",
                                    "jason", "lisa",  "sam",   "wei",  "jun",    "ming",
                                    "hui",   "yan",   "peter", "tom",  "carlos", "ivan"};
static const char *const surname[] = {"wang",   "li",   "zhang",  "chen",  "liu",   "yang",
                                      "huang",  "zhao", "wu",     "zhou",  "smith", "jones",
                                      "garcia", "kim",  "nguyen", "patel", "silva", "ivanov"};
static const char *const words[] = {"ftp", "web",  "dev",    "db",     "app", "mail", "sftp",
                                    "git", "test", "backup", "deploy", "ops", "data", "cloud"};
static const char *const words2[] = {"user", "admin", "test", "01", "1", "srv"};

static const char *const bye_text[] = {"Bye Bye", "Normal Shutdown, Thank you for playing",
                                       "disconnected by user"};

static const char *const kex_proto[] = {"GET / HTTP/1.1", "MGLNDD_" SERVER_V4 "_22", "SSH-2.0-",
                                        "HELP"};

static const char *const dispatch_why[] = {"message authentication code incorrect",
                                           "Connection corrupted", "invalid format"};

static const char *const nego_what[] = {"key exchange method", "key exchange method",
                                        "key exchange method", "host key type",
                                        "host key type",       "cipher"};
static const char *const nego_offer[] = {
    "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
    "ssh-rsa,ssh-dss",
    "ssh-rsa",
    "aes128-cbc,3des-cbc,aes256-cbc"};

static const char *const penalty_why[] = {
    "penalty: failed authentication",   "penalty: failed authentication",
    "penalty: failed authentication",   "penalty: connections without attempting authentication",
    "penalty: exceeded LoginGraceTime", "past MaxStartups"};

static const char *const sudo_cmds[] = {"/usr/bin/apt update",
                                        "/usr/bin/apt upgrade -y",
                                        "/usr/bin/systemctl restart nginx",
                                        "/usr/bin/systemctl status nginx",
                                        "/usr/bin/journalctl -u nginx -n 100",
                                        "/usr/bin/tail -n 200 /var/log/auth.log",
                                        "/usr/bin/vim /etc/nginx/sites-available/default",
                                        "/usr/sbin/nginx -t",
                                        "/usr/bin/docker ps",
                                        "/usr/bin/fail2ban-client status sshd",
                                        "/bin/bash",
                                        "/usr/bin/certbot renew"};
static const char *const deploy_cmds[] = {"/usr/bin/systemctl restart app.service",
                                          "/usr/bin/systemctl reload nginx"};
static const char *const sftp_files[] = {"site-backup.tar.gz", "db.sql.gz",        "report.pdf",
                                         "photos.zip",         "invoice-0423.pdf", "export.csv"};

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- random numbers (splitmix64) --- */

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t
below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t
range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int
pct(struct rng *r, unsigned p)
{
	return below(r, 100) < p;
}

/* Natural log for x in (0, 1], without libm. */
static double
ln01(double x)
{
	uint64_t b;
	double m;
	memcpy(&b, &x, sizeof b);
	int e = (int)((b >> 52) & 0x7ff) - 1023;
	b = (b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
	memcpy(&m, &b, sizeof m);
	double s = (m - 1) / (m + 1), s2 = s * s;
	double t = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9)))));
	return e * 0.6931471805599453 + t;
}

/* Exponentially distributed with the given mean, capped at 20 means. */
static int64_t
expo(struct rng *r, int64_t mean)
{
	double u = ((double)(rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
	double v = -ln01(u) * (double)mean;
	if (v > 20.0 * (double)mean)
		v = 20.0 * (double)mean;
	return (int64_t)v;
}

/* Zipf (s = 1) cumulative table scaled to 2^32. */
static uint32_t *
zipf_cdf(uint32_t n)
{
	uint32_t *cdf = malloc(n * sizeof *cdf);
	double h = 0, acc = 0;
	if (!cdf)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		h += 1.0 / (i + 1);
	for (uint32_t i = 0; i < n; i++) {
		acc += 1.0 / (i + 1) / h;
		double v = acc * 4294967296.0;
		cdf[i] = v >= 4294967295.0 ? UINT32_MAX : (uint32_t)v;
	}
	cdf[n - 1] = UINT32_MAX;
	return cdf;
}

static uint32_t
zipf(struct rng *r, const uint32_t *cdf, uint32_t n)
{
	uint32_t u = (uint32_t)(rng_next(r) >> 32), lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* --- text --- */

static char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUTL(p, lit) put((p), (lit), sizeof(lit) - 1)

static char *
puts0(char *p, const char *s)
{
	return put(p, s, strlen(s));
}

static char *
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

static char *
put_2d(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

static char *
put_hex(char *p, unsigned v)
{
	static const char hx[] = "0123456789abcdef";
	int started = 0;
	for (int sh = 12; sh >= 0; sh -= 4) {
		unsigned d = (v >> sh) & 15;
		if (d || started || sh == 0) {
			*p++ = hx[d];
			started = 1;
		}
	}
	return p;
}

/* --- time --- */

static int64_t
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Refreshes the cached header text when the second changes. */
static void
hdr_update(struct gen *g)
{
	int64_t sec = g->now / SEC;
	int y, m, d;
	if (sec == g->hdr_sec)
		return;
	g->hdr_sec = sec;
	int64_t sod = sec % 86400;
	civil_from_days(sec / 86400, &y, &m, &d);
	char *p = g->hdr;
	if (g->fmt == FMT_BSD) {
		p = put(p, months + 3 * (m - 1), 3);
		*p++ = ' ';
		if (d < 10) {
			*p++ = ' ';
			*p++ = (char)('0' + d);
		} else {
			p = put_2d(p, (unsigned)d);
		}
		*p++ = ' ';
	} else {
		p = put_u(p, (uint64_t)y);
		*p++ = '-';
		p = put_2d(p, (unsigned)m);
		*p++ = '-';
		p = put_2d(p, (unsigned)d);
		*p++ = 'T';
	}
	p = put_2d(p, (unsigned)(sod / 3600));
	*p++ = ':';
	p = put_2d(p, (unsigned)(sod / 60 % 60));
	*p++ = ':';
	p = put_2d(p, (unsigned)(sod % 60));
	if (g->fmt == FMT_BSD)
		p = PUTL(p, " " HOSTNAME " ");
	g->hdr_len = (size_t)(p - g->hdr);
}

/* --- output --- */

static void
out_flush(struct gen *g)
{
	size_t off = 0;
	while (off < g->len) {
		ssize_t n = write(STDOUT_FILENO, g->buf + off, g->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("gen: write");
			exit(1);
		}
		off += (size_t)n;
	}
	g->len = 0;
}

/* Starts a line: header and "prog[pid]: "; returns where the message goes. */
static char *
line_begin(struct gen *g, enum prog pr, uint32_t pid)
{
	char *p = g->buf + g->len;
	hdr_update(g);
	p = put(p, g->hdr, g->hdr_len);
	if (g->fmt == FMT_RFC3339) {
		uint32_t us = (uint32_t)(g->now % SEC);
		*p++ = '.';
		for (int i = 5; i >= 0; i--) {
			p[i] = (char)('0' + us % 10);
			us /= 10;
		}
		p += 6;
		p = PUTL(p, "+00:00 " HOSTNAME " ");
	}
	switch (pr) {
	case PR_SSHD:
		p = PUTL(p, "sshd");
		break;
	case PR_CRON:
		p = PUTL(p, "CRON");
		break;
	case PR_SUDO:
		p = PUTL(p, "sudo");
		break;
	case PR_LOGIND:
		p = PUTL(p, "systemd-logind");
		break;
	case PR_SFTP:
		p = PUTL(p, "sftp-server");
		break;
	}
	if (pid) {
		*p++ = '[';
		p = put_u(p, pid);
		*p++ = ']';
	}
	return PUTL(p, ": ");
}

static void
line_end(struct gen *g, char *p)
{
	*p++ = '\n';
	g->len = (size_t)(p - g->buf);
	g->lines++;
	if (OUTBUF - g->len < LINE_MAX_BYTES)
		out_flush(g);
}

/* --- addresses and names --- */

/* First octets that show up in sshd attack traffic (hosting, cloud and broadband ranges). */
static const uint8_t v4_first[] = {
    1,   5,   14,  27,  31,  36,  37,  41,  42,  43,  45,  46,  47,  49,  58,  59,  60,  61,
    62,  64,  66,  77,  78,  79,  80,  81,  82,  83,  84,  85,  87,  88,  89,  91,  92,  93,
    94,  95,  101, 103, 104, 106, 107, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
    120, 121, 122, 123, 124, 125, 134, 137, 138, 139, 140, 141, 142, 143, 144, 146, 147, 149,
    150, 151, 152, 154, 156, 157, 159, 160, 161, 162, 164, 165, 167, 170, 171, 173, 175, 176,
    177, 178, 179, 180, 181, 182, 183, 185, 186, 187, 188, 189, 190, 191, 193, 194, 195, 196,
    197, 200, 201, 202, 206, 210, 211, 212, 213, 217, 218, 219, 220, 221, 222, 223};

static char *
put_v4(char *p, struct rng *r)
{
	p = put_u(p, v4_first[below(r, NELEM(v4_first))]);
	*p++ = '.';
	p = put_u(p, below(r, 256));
	*p++ = '.';
	p = put_u(p, below(r, 256));
	*p++ = '.';
	return put_u(p, 1 + below(r, 254));
}

static const char *const v6_prefix[] = {"2001:41d0:", "2a01:4f8:",  "2604:a880:", "2400:6180:",
                                        "2a03:b0c0:", "2001:19f0:", "240e:",      "2409:8a55:"};

static void
make_attacker(struct rng *r, struct attacker *a)
{
	char *p = a->ip;
	unsigned u = below(r, 1000);
	if (u < 30) {
		const char *pre = v6_prefix[below(r, NELEM(v6_prefix))];
		unsigned groups = pre[4] == ':' && pre[5] == '\0' ? 1 : 2;
		a->fam = FAM_V6;
		p = puts0(p, pre);
		for (unsigned i = groups; i < 4; i++) {
			p = put_hex(p, 1 + below(r, 0xffff));
			*p++ = ':';
		}
		*p++ = ':';
		p = put_hex(p, 1 + below(r, 0xffff));
		if (pct(r, 50)) {
			*p++ = ':';
			p = put_hex(p, 1 + below(r, 0xffff));
		}
	} else if (u < 33) {
		a->fam = FAM_MAPPED;
		p = PUTL(p, "::ffff:");
		p = put_v4(p, r);
	} else {
		a->fam = FAM_V4;
		p = put_v4(p, r);
	}
	a->iplen = (uint8_t)(p - a->ip);
	a->port = (uint16_t)(32768 + below(r, 28232));
	u = below(r, 100);
	a->kind = u < 38   ? AK_DICT
	          : u < 48 ? AK_KEYONLY
	          : u < 73 ? AK_ROOT
	          : u < 95 ? AK_SCAN
	                   : AK_OLDKEX;
	a->rdns = a->fam == FAM_V4 && pct(r, 3);
	if (a->rdns) {
		p = a->host;
		if (pct(r, 50)) {
			p = PUTL(p, "ns");
			p = put_u(p, below(r, 9) + 1);
			*p++ = '.';
			for (unsigned i = 0, n = 6 + below(r, 8); i < n; i++)
				*p++ = (char)('a' + below(r, 26));
			p = PUTL(p, ".com");
		} else {
			p = PUTL(p, "host-");
			p = put_u(p, below(r, 256));
			*p++ = '-';
			p = put_u(p, below(r, 256));
			p = PUTL(p, ".static.");
			p = puts0(p, words[below(r, NELEM(words))]);
			p = PUTL(p, "-net.ru");
		}
		a->hostlen = (uint8_t)(p - a->host);
	}
}

/* A username an attacker tries: popular names, generated ones, now and then an empty one. */
static size_t
dict_user(struct gen *g, char *out)
{
	struct rng *r = &g->r;
	char *p = out;
	unsigned u = below(r, 1000);
	if (u < 2)
		return 0;
	if (u < 750)
		return (size_t)(puts0(p, dict[zipf(r, g->dict_cdf, NDICT)]) - out);
	switch (below(r, 6)) {
	case 0:
		p = puts0(p, given[below(r, NELEM(given))]);
		p = put_u(p, below(r, pct(r, 50) ? 100 : 10000));
		break;
	case 1:
		*p++ = given[below(r, NELEM(given))][0];
		p = puts0(p, surname[below(r, NELEM(surname))]);
		break;
	case 2:
		p = puts0(p, given[below(r, NELEM(given))]);
		*p++ = '_';
		p = puts0(p, surname[below(r, NELEM(surname))]);
		break;
	case 3:
		p = PUTL(p, "guest-");
		for (int i = 0; i < 6; i++)
			*p++ = (char)('a' + below(r, 26));
		break;
	case 4:
		p = puts0(p, words[below(r, NELEM(words))]);
		p = puts0(p, words2[below(r, NELEM(words2))]);
		break;
	default:
		p = puts0(p, surname[below(r, NELEM(surname))]);
		p = puts0(p, given[below(r, NELEM(given))]);
		break;
	}
	return (size_t)(p - out);
}

/* --- heap of pending steps --- */

static void
heap_push(struct gen *g, int64_t due, uint32_t id)
{
	uint32_t i = g->nheap++;
	while (i > 0) {
		uint32_t up = (i - 1) / 2;
		if (g->heap[up].due <= due)
			break;
		g->heap[i] = g->heap[up];
		i = up;
	}
	g->heap[i].due = due;
	g->heap[i].id = id;
}

static struct hent
heap_pop(struct gen *g)
{
	struct hent top = g->heap[0], last = g->heap[--g->nheap];
	uint32_t i = 0, n = g->nheap;
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && g->heap[c + 1].due < g->heap[c].due)
			c++;
		if (last.due <= g->heap[c].due)
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	if (n)
		g->heap[i] = last;
	return top;
}

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

static struct conn *
conn_new(struct gen *g, enum ckind kind)
{
	uint32_t id = g->freel[--g->nfree];
	struct conn *c = &g->conns[id];
	memset(c, 0, offsetof(struct conn, ip));
	c->kind = (uint8_t)kind;
	c->ip[0] = c->user[0] = '\0';
	heap_push(g, g->now, id);
	return c;
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
		c->var = (uint8_t)below(r, NELEM(penalty_why));
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
			c->var = (uint8_t)below(r, NELEM(kex_proto));
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
			c->var = (uint8_t)below(r, NELEM(dispatch_why));
			add(c, OP_DISPATCH);
		}
		break;
	}
	default:
		c->var = (uint8_t)below(r, NELEM(nego_what));
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

static char *
put_ap(char *p, const struct conn *c)
{
	p = put(p, c->ip, c->iplen);
	p = PUTL(p, " port ");
	return put_u(p, c->port);
}

static char *
put_from(char *p, const struct conn *c)
{
	p = PUTL(p, " from ");
	return put_ap(p, c);
}

static char *
put_user(char *p, const struct conn *c)
{
	return put(p, c->user, c->ulen);
}

/* "authenticating user U" or "invalid user U". */
static char *
put_quser(char *p, const struct conn *c)
{
	p = c->valid ? PUTL(p, "authenticating user ") : PUTL(p, "invalid user ");
	return put_user(p, c);
}

/* "U" or "invalid user U" as in "Failed password for ...". */
static char *
put_fuser(char *p, const struct conn *c)
{
	if (!c->valid)
		p = PUTL(p, "invalid user ");
	return put_user(p, c);
}

static char *
put_rhost(char *p, const struct conn *c)
{
	p = PUTL(p, "logname= uid=0 euid=0 tty=ssh ruser= rhost=");
	p = put(p, c->ip, c->iplen);
	*p++ = ' ';
	if (c->valid) {
		p = PUTL(p, " user=");
		p = put_user(p, c);
	}
	return p;
}

static char *
put_uid(char *p, const struct conn *c)
{
	p = put_user(p, c);
	p = PUTL(p, "(uid=");
	p = put_u(p, c->uid);
	return PUTL(p, ")");
}

static char *
put_sftp_path(char *p, const struct conn *c)
{
	p = PUTL(p, "\"/home/carol/uploads/");
	p = puts0(p, sftp_files[c->aux]);
	return PUTL(p, "\"");
}

/* Writes the line of one op. */
static void
op_emit(struct gen *g, struct conn *c, enum op op)
{
	struct rng *r = &g->r;
	const struct attacker *a = &g->att[c->att];
	char *p;
	switch (op) {
	case OP_SUDO:
	case OP_SUDO_OPEN:
	case OP_SUDO_CLOSE:
		p = line_begin(g, PR_SUDO, 0);
		break;
	case OP_LOGIND_NEW:
	case OP_LOGIND_OUT:
	case OP_LOGIND_RM:
		p = line_begin(g, PR_LOGIND, LOGIND_PID);
		break;
	case OP_CRON_OPEN:
	case OP_CRON_CLOSE:
		p = line_begin(g, PR_CRON, c->pid);
		break;
	case OP_SFTP_SOPEN:
	case OP_SFTP_OPEN:
	case OP_SFTP_CLOSE:
	case OP_SFTP_SCLOSE:
		p = line_begin(g, PR_SFTP, c->pid3);
		break;
	case OP_START_SHELL:
	case OP_START_CMD:
	case OP_SUBSYS:
	case OP_START_SFTP:
	case OP_CLOSE_SESS:
	case OP_TRANSFERRED:
	case OP_RECV_USER:
	case OP_DISC_USER:
		p = line_begin(g, PR_SSHD, c->pid2);
		break;
	default:
		p = line_begin(g, PR_SSHD, c->pid);
		break;
	}

	switch (op) {
	case OP_RDNS:
		p = PUTL(p, "reverse mapping checking getaddrinfo for ");
		p = put(p, a->host, a->hostlen);
		p = PUTL(p, " [");
		p = put(p, c->ip, c->iplen);
		p = PUTL(p, "] failed - POSSIBLE BREAK-IN ATTEMPT!");
		break;
	case OP_INVALID:
		p = PUTL(p, "Invalid user ");
		p = put_user(p, c);
		p = put_from(p, c);
		break;
	case OP_CHECKPASS:
		p = PUTL(p, "pam_unix(sshd:auth): check pass; user unknown");
		break;
	case OP_PAMFAIL:
		p = PUTL(p, "pam_unix(sshd:auth): authentication failure; ");
		p = put_rhost(p, c);
		break;
	case OP_FAILED:
		p = PUTL(p, "Failed password for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2");
		break;
	case OP_REPEATED:
		p = PUTL(p, "message repeated ");
		p = put_u(p, (uint64_t)c->tries - 1);
		p = PUTL(p, " times: [ Failed password for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2]");
		break;
	case OP_MAXEXC:
		p = PUTL(p, "error: maximum authentication attempts exceeded for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2 [preauth]");
		break;
	case OP_TOOMANY:
		p = PUTL(p, "Disconnecting ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, ": Too many authentication failures [preauth]");
		break;
	case OP_PAMMORE:
		p = PUTL(p, "PAM ");
		p = put_u(p, (uint64_t)c->tries - 1);
		p = c->tries == 2 ? PUTL(p, " more authentication failure; ")
		                  : PUTL(p, " more authentication failures; ");
		p = put_rhost(p, c);
		break;
	case OP_IGNMAX:
		p = PUTL(p, "PAM service(sshd) ignoring max retries; ");
		p = put_u(p, c->tries);
		p = PUTL(p, " > 3");
		break;
	case OP_RECV_BYE:
		p = PUTL(p, "Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":11: ");
		p = puts0(p, bye_text[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_JSCH:
		p = PUTL(p, "error: Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":3: com.jcraft.jsch.JSchException: Auth fail [preauth]");
		break;
	case OP_NOAUTH:
		p = PUTL(p, "error: Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":14: No supported authentication methods available [preauth]");
		break;
	case OP_DISC_PREAUTH:
		p = PUTL(p, "Disconnected from ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_CLOSED_USER:
		p = PUTL(p, "Connection closed by ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_RESET_USER:
		p = PUTL(p, "Connection reset by ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_CLOSED:
	case OP_CLOSED_NP:
		p = PUTL(p, "Connection closed by ");
		p = put_ap(p, c);
		if (op == OP_CLOSED)
			p = PUTL(p, " [preauth]");
		break;
	case OP_RESET:
	case OP_RESET_NP:
		p = PUTL(p, "Connection reset by ");
		p = put_ap(p, c);
		if (op == OP_RESET)
			p = PUTL(p, " [preauth]");
		break;
	case OP_KEX_CLOSED:
		p = PUTL(p, "error: kex_exchange_identification: Connection closed by remote host");
		break;
	case OP_KEX_RESET:
		p = PUTL(p, "error: kex_exchange_identification: read: Connection reset by peer");
		break;
	case OP_KEX_PROTO:
		p = PUTL(p, "error: kex_exchange_identification: client sent invalid protocol "
		            "identifier \"");
		p = puts0(p, kex_proto[c->var]);
		*p++ = '"';
		break;
	case OP_KEX_BANNER:
		p = PUTL(p, "error: kex_exchange_identification: banner line contains invalid "
		            "characters");
		break;
	case OP_BANNER:
		p = PUTL(p, "banner exchange: Connection from ");
		p = put_ap(p, c);
		p = PUTL(p, ": invalid format");
		break;
	case OP_NOIDENT:
		p = PUTL(p, "Did not receive identification string from ");
		p = put_ap(p, c);
		break;
	case OP_TIMEOUT:
		p = PUTL(p, "fatal: Timeout before authentication for ");
		p = put_ap(p, c);
		break;
	case OP_DISPATCH:
		p = PUTL(p, "ssh_dispatch_run_fatal: Connection from ");
		p = put_ap(p, c);
		p = PUTL(p, ": ");
		p = puts0(p, dispatch_why[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_NEGOTIATE:
		p = PUTL(p, "Unable to negotiate with ");
		p = put_ap(p, c);
		p = PUTL(p, ": no matching ");
		p = puts0(p, nego_what[c->var]);
		p = PUTL(p, " found. Their offer: ");
		p = puts0(p, nego_offer[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_DROP:
		p = PUTL(p, "drop connection #");
		p = put_u(p, below(r, 10));
		p = PUTL(p, " from [");
		p = put(p, c->ip, c->iplen);
		p = PUTL(p, "]:");
		p = put_u(p, c->port);
		p = c->fam == FAM_V6 ? PUTL(p, " on [" SERVER_V6 "]:22 ")
		                     : PUTL(p, " on [" SERVER_V4 "]:22 ");
		p = puts0(p, penalty_why[c->var]);
		break;
	case OP_ACCEPT:
		p = lusers[c->lu].password ? PUTL(p, "Accepted password for ")
		                           : PUTL(p, "Accepted publickey for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2");
		if (!lusers[c->lu].password) {
			p = PUTL(p, ": ");
			p = puts0(p, lusers[c->lu].keytype);
			p = PUTL(p, " SHA256:");
			p = put(p, g->fp[c->lu], 43);
		}
		break;
	case OP_SESS_OPEN:
		p = PUTL(p, "pam_unix(sshd:session): session opened for user ");
		p = put_uid(p, c);
		p = PUTL(p, " by (uid=0)");
		break;
	case OP_LOGIND_NEW:
		p = PUTL(p, "New session ");
		p = put_u(p, c->sess);
		p = PUTL(p, " of user ");
		p = put_user(p, c);
		*p++ = '.';
		break;
	case OP_START_SHELL:
		p = PUTL(p, "Starting session: shell on pts/");
		p = put_u(p, c->tty);
		p = PUTL(p, " for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_START_CMD:
		p = PUTL(p, "Starting session: command for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_SUBSYS:
		p = PUTL(p, "subsystem request for sftp by user ");
		p = put_user(p, c);
		break;
	case OP_START_SFTP:
		p = PUTL(p, "Starting session: subsystem 'sftp' for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_SUDO: {
		const struct luser *l = &lusers[c->lu];
		for (unsigned i = c->ulen; i < 8; i++)
			*p++ = ' ';
		p = put_user(p, c);
		if (l->kind == LK_SHELL) {
			p = PUTL(p, " : TTY=pts/");
			p = put_u(p, c->tty);
			p = PUTL(p, " ; PWD=");
		} else {
			p = PUTL(p, " : PWD=");
		}
		p = puts0(p, l->pwd);
		p = PUTL(p, " ; USER=root ; COMMAND=");
		p = puts0(p, l->kind == LK_SHELL ? sudo_cmds[below(r, NELEM(sudo_cmds))]
		                                 : deploy_cmds[below(r, NELEM(deploy_cmds))]);
		break;
	}
	case OP_SUDO_OPEN:
		p = PUTL(p, "pam_unix(sudo:session): session opened for user root(uid=0) by ");
		p = put_uid(p, c);
		break;
	case OP_SUDO_CLOSE:
		p = PUTL(p, "pam_unix(sudo:session): session closed for user root");
		break;
	case OP_SFTP_SOPEN:
	case OP_SFTP_SCLOSE:
		p = op == OP_SFTP_SOPEN ? PUTL(p, "session opened for local user ")
		                        : PUTL(p, "session closed for local user ");
		p = put_user(p, c);
		p = PUTL(p, " from [");
		p = put(p, c->ip, c->iplen);
		*p++ = ']';
		break;
	case OP_SFTP_OPEN:
		c->aux = below(r, NELEM(sftp_files));
		c->fsize = (uint64_t)range(r, 1000, 50000000);
		c->recv += c->fsize + c->fsize / 64;
		p = PUTL(p, "open ");
		p = put_sftp_path(p, c);
		p = PUTL(p, " flags WRITE,CREATE,TRUNCATE mode 0644");
		break;
	case OP_SFTP_CLOSE:
		p = PUTL(p, "close ");
		p = put_sftp_path(p, c);
		p = PUTL(p, " bytes read 0 written ");
		p = put_u(p, c->fsize);
		break;
	case OP_CLOSE_SESS:
		p = PUTL(p, "Close session: user ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_TRANSFERRED:
		p = PUTL(p, "Transferred: sent ");
		p = put_u(p, c->sent);
		p = PUTL(p, ", received ");
		p = put_u(p, c->recv);
		p = PUTL(p, " bytes");
		break;
	case OP_RECV_USER:
		p = PUTL(p, "Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":11: disconnected by user");
		break;
	case OP_DISC_USER:
		p = PUTL(p, "Disconnected from user ");
		p = put_user(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		break;
	case OP_SESS_CLOSE:
		p = PUTL(p, "pam_unix(sshd:session): session closed for user ");
		p = put_user(p, c);
		break;
	case OP_LOGIND_OUT:
		p = PUTL(p, "Session ");
		p = put_u(p, c->sess);
		p = PUTL(p, " logged out. Waiting for processes to exit.");
		break;
	case OP_LOGIND_RM:
		p = PUTL(p, "Removed session ");
		p = put_u(p, c->sess);
		*p++ = '.';
		break;
	case OP_CRON_OPEN:
		p = PUTL(p, "pam_unix(cron:session): session opened for user ");
		p = put_uid(p, c);
		p = PUTL(p, " by (uid=0)");
		break;
	case OP_CRON_CLOSE:
		p = PUTL(p, "pam_unix(cron:session): session closed for user ");
		p = put_user(p, c);
		break;
	}
	line_end(g, p);
}

/* Runs one step of an entry; returns the delay to its next step, or -1 when it is done. */
static int64_t
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

static void
usage(void)
{
	fputs("usage: gen [-n LINES] [-s SEED] [-y YEAR] [-f bsd|rfc3339]\n"
	      "  writes LINES (default 1000000; k/M suffixes) lines of synthetic auth.log\n"
	      "  of an internet-exposed sshd host to stdout; same arguments, same bytes\n",
	      stderr);
	exit(2);
}

static uint64_t
parse_count(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		usage();
	if (*end == 'k' || *end == 'K')
		v *= 1000, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1000000, end++;
	if (*end)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct gen g;
	uint64_t seed = 1;
	int year = 2024, opt;

	memset(&g, 0, sizeof g);
	g.max_lines = 1000000;
	g.fmt = FMT_BSD;
	while ((opt = getopt(argc, argv, "n:s:y:f:h")) != -1) {
		switch (opt) {
		case 'n':
			g.max_lines = parse_count(optarg);
			break;
		case 's':
			seed = parse_count(optarg);
			break;
		case 'y':
			year = (int)parse_count(optarg);
			if (year < 1970 || year > 9999)
				usage();
			break;
		case 'f':
			if (strcmp(optarg, "bsd") == 0)
				g.fmt = FMT_BSD;
			else if (strcmp(optarg, "rfc3339") == 0)
				g.fmt = FMT_RFC3339;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	g.r.s = seed * 0x2545f4914f6cdd1dULL + 0x1234567;
	g.buf = malloc(OUTBUF);
	g.att = calloc(NATT, sizeof *g.att);
	g.conns = malloc(MAX_CONNS * sizeof *g.conns);
	g.freel = malloc(MAX_CONNS * sizeof *g.freel);
	g.heap = malloc(MAX_CONNS * sizeof *g.heap);
	g.att_cdf = zipf_cdf(NATT);
	g.dict_cdf = zipf_cdf(NDICT);
	if (!g.buf || !g.att || !g.conns || !g.freel || !g.heap || !g.att_cdf || !g.dict_cdf) {
		fputs("gen: out of memory\n", stderr);
		return 1;
	}
	for (uint32_t i = 0; i < NATT; i++)
		make_attacker(&g.r, &g.att[i]);
	for (unsigned i = 0; i < NLUSERS; i++)
		for (unsigned j = 0; j < 43; j++)
			g.fp[i][j] = b64[below(&g.r, 64)];
	for (uint32_t i = 0; i < MAX_CONNS; i++)
		g.freel[i] = MAX_CONNS - 1 - i;
	g.nfree = MAX_CONNS;
	g.next_pid = PID_MAX - 200000 - below(&g.r, 1000);
	g.next_sess = 1 + below(&g.r, 900);
	g.hdr_sec = -1;
	g.now = (days_from_civil(year, 5, 28) * 86400 + 6 * 3600 + 25 * 60) * SEC;

	conn_new(&g, CK_CRONTICK);
	conn_new(&g, CK_SPAWNER);
	while (g.lines < g.max_lines) {
		struct hent e = heap_pop(&g);
		struct conn *c = &g.conns[e.id];
		int64_t d;
		g.now = e.due;
		d = conn_step(&g, c);
		if (d < 0)
			g.freel[g.nfree++] = e.id;
		else
			heap_push(&g, e.due + d, e.id);
	}
	out_flush(&g);
	free(g.dict_cdf);
	free(g.att_cdf);
	free(g.heap);
	free(g.freel);
	free(g.conns);
	free(g.att);
	free(g.buf);
	return 0;
}
