/* gen.c: deterministic generator of realistic auth.log traffic (sshd under attack) for bench/. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

#define MAX_CONNS 8192u /* connections in flight */
#define OUTBUF (4u << 20)
#define LINE_MAX_BYTES 1024

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

static const char *const given[] = {"john",  "david", "alex",  "anna", "maria",  "kevin",
                                    "jason", "lisa",  "sam",   "wei",  "jun",    "ming",
                                    "hui",   "yan",   "peter", "tom",  "carlos", "ivan"};
static const char *const surname[] = {"wang",   "li",   "zhang",  "chen",  "liu",   "yang",
                                      "huang",  "zhao", "wu",     "zhou",  "smith", "jones",
                                      "garcia", "kim",  "nguyen", "patel", "silva", "ivanov"};
static const char *const words[] = {"ftp", "web",  "dev",    "db",     "app", "mail", "sftp",
                                    "git", "test", "backup", "deploy", "ops", "data", "cloud"};
static const char *const words2[] = {"user", "admin", "test", "01", "1", "srv"};

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* --- random numbers (the splitmix64 core is in gen.h) --- */

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
int64_t
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

uint32_t
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

/* --- text (put, puts0, put_u are in gen.h) --- */

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
char *
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

void
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
size_t
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

/* A new entry of kind, its first step due now. */
struct conn *
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
