/* test_fw.c: unit tests of the firewall backends against the real kernel, in a private netns. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "fw.h"
#include "log.h"
#include "xmalloc.h"

/* ---- helpers ---- */

/* Runs a command (argv as arguments, NULL-terminated) and returns its stdout, or NULL with the
 * reason printed. */
static char *
cap(const char *a0, ...)
{
	char *argv[32], err[512], *out = NULL;
	va_list ap;
	int n = 0;

	argv[n++] = tf_dq(a0);
	va_start(ap, a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (fw_run(argv, NULL, 0, &out, 20000, err, sizeof(err)) == -1) {
		printf("  (%s)\n", err);
		return NULL;
	}
	return out;
}

/* Runs a command; 0 when it exited 0, else -1 (with the reason printed unless quiet). */
static int
vrun(int quiet, const char *a0, va_list ap)
{
	char *argv[32], err[512];
	int n = 0;

	argv[n++] = tf_dq(a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	argv[n] = NULL;
	if (fw_run(argv, NULL, 0, NULL, 20000, err, sizeof(err)) == -1) {
		if (!quiet)
			printf("  (%s)\n", err);
		return -1;
	}
	return 0;
}

/* Like cap, but only the outcome: 0 when the command exited 0. */
static int
run_ok(const char *a0, ...)
{
	va_list ap;
	int rc;

	va_start(ap, a0);
	rc = vrun(0, a0, ap);
	va_end(ap);
	return rc;
}

/* For a command expected to fail: 1 when it did, 0 when it exited 0. Prints nothing. */
static int
run_fails(const char *a0, ...)
{
	va_list ap;
	int rc;

	va_start(ap, a0);
	rc = vrun(1, a0, ap);
	va_end(ap);
	return rc == -1;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A decision from text "ADDR" or "ADDR/LEN". */
static struct fw_elem
el(const char *net, uint32_t timeout, const char *jail)
{
	struct fw_elem e;
	const char *sl = strchr(net, '/');

	memset(&e, 0, sizeof(e));
	if (addr_parse(net, sl ? (size_t)(sl - net) : strlen(net), &e.net) == -1) {
		printf("bad test address %s\n", net);
		exit(1);
	}
	e.prefix = sl ? (uint8_t)atoi(sl + 1) : (e.net.af == 4 ? 32 : 128);
	e.timeout = timeout;
	e.jail = jail;
	return e;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The kernel's view of one of our sets, as nft itself prints it. */
static char *
nft_set(const char *set)
{
	return cap("nft", "-T", "list", "set", "inet", "authwatch", set, NULL);
}

/* The element "ADDR[/LEN]" in a fw_list result, or NULL. */
static const struct fw_elem *
find(const struct fw_elem *v, size_t n, const char *net)
{
	struct fw_elem w = el(net, 0, NULL);
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_eq(&v[i].net, &w.net) && v[i].prefix == w.prefix)
			return &v[i];
	return NULL;
}

/* An nftables backend on a table that did not exist before. */
static struct fw *
nft_fresh(void)
{
	struct fw_opts o = {.kind = FW_NFTABLES};
	char err[512];
	struct fw *f;

	if ((f = fw_open(&o, err, sizeof(err))) == NULL || fw_destroy(f, err, sizeof(err)) == -1) {
		T_FAIL("fw_open/fw_destroy: %s", err);
		fw_close(f);
		return NULL;
	}
	fw_close(f);
	if ((f = fw_open(&o, err, sizeof(err))) == NULL)
		T_FAIL("fw_open: %s", err);
	return f;
}

#define APPLY(f, b, nb, u, nu)                                                                     \
	do {                                                                                       \
		char e_[512];                                                                      \
		if (fw_apply((f), (b), (nb), (u), (nu), e_, sizeof(e_)) != 0)                      \
			T_FAIL("fw_apply: %s", e_);                                                \
	} while (0)

/* ---- nftables ---- */

T(nft_setup_idempotent)
{
	struct fw_opts o = {.kind = FW_NFTABLES};
	struct fw *f, *g;
	char err[512], *t;
	struct fw_elem b = el("192.0.2.1", 600, "sshd");

	if ((f = nft_fresh()) == NULL)
		return;
	APPLY(f, &b, 1, NULL, 0);
	/* a second open (a restart) keeps the bans and does not duplicate anything */
	g = fw_open(&o, err, sizeof(err));
	CHECK(g != NULL);
	t = cap("nft", "-T", "list", "table", "inet", "authwatch", NULL);
	CHECK(t != NULL);
	CHECK_INT(count(t, "ip saddr @host4 drop"), 1);
	CHECK_INT(count(t, "ip saddr @ban4 drop"), 1);
	CHECK_INT(count(t, "ip6 saddr @host6 drop"), 1);
	CHECK_INT(count(t, "ip6 saddr @ban6 drop"), 1);
	CHECK_INT(count(t, "ip6 saddr & ffff:ffff:ffff:ffff:: == @net6 drop"), 1);
	CHECK_INT(count(t, "chain input {"), 1);
	CHECK_INT(count(t, "type filter hook input priority filter - 10; policy accept;"), 1);
	CHECK_INT(count(t, "flags interval,timeout"), 2);
	CHECK_INT(count(t, "flags timeout"), 3);
	CHECK_INT(count(t, "type ipv4_addr"), 2);
	CHECK_INT(count(t, "type ipv6_addr"), 3);
	CHECK_INT(count(t, "192.0.2.1 timeout 600s"), 1);
	free(t);
	fw_close(g);
	fw_close(f);
}

T(nft_ban_v4_v6)
{
	struct fw *f = nft_fresh();
	struct fw_elem b[] = {el("192.0.2.7", 600, "sshd"), el("2001:db8:1:2::/64", 900, "sshd6"),
	                      el("2001:db8::1", 300, NULL)};
	struct fw_elem *l = NULL;
	const struct fw_elem *e;
	size_t n = 0;
	char err[512], *t;

	if (f == NULL)
		return;
	APPLY(f, b, 3, NULL, 0);
	t = nft_set("host4");
	CHECK(strstr(t ? t : "", "192.0.2.7 timeout 600s expires ") != NULL);
	CHECK(strstr(t ? t : "", "comment \"sshd\"") != NULL);
	free(t);
	t = nft_set("net6"); /* /64 networks: a hash set of masked addresses */
	CHECK(strstr(t ? t : "", "2001:db8:1:2:: timeout 900s expires ") != NULL);
	free(t);
	t = nft_set("host6");
	CHECK(strstr(t ? t : "", "2001:db8::1 timeout 300s expires ") != NULL);
	free(t);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 3);
	if ((e = find(l, n, "192.0.2.7")) != NULL) {
		CHECK(e->timeout >= 590 && e->timeout <= 600);
		CHECK_STR(e->jail, "sshd");
	} else
		T_FAIL("192.0.2.7 not listed");
	if ((e = find(l, n, "2001:db8:1:2::/64")) != NULL) {
		CHECK(e->timeout >= 890 && e->timeout <= 900);
		CHECK_STR(e->jail, "sshd6");
	} else
		T_FAIL("2001:db8:1:2::/64 not listed");
	if ((e = find(l, n, "2001:db8::1")) != NULL)
		CHECK_STR(e->jail, "");
	else
		T_FAIL("2001:db8::1 not listed");
	free(l);
	fw_close(f);
}

T(nft_overlaps)
{
	struct fw *f = nft_fresh();
	struct fw_elem one = el("192.0.2.7", 600, "a"), net = el("192.0.2.0/24", 300, "b");
	struct fw_elem p25 = el("198.51.100.0/25", 600, NULL),
	               p24 = el("198.51.100.0/24", 300, NULL);
	struct fw_elem p26 = el("198.51.100.128/26", 900, NULL);
	struct fw_elem pair[] = {el("203.0.113.64/26", 100, NULL), el("203.0.113.0/24", 200, NULL)};
	struct fw_elem v6[] = {el("2001:db8:5::/48", 100, NULL),
	                       el("2001:db8:5:100::/56", 100, NULL),
	                       el("2001:db8:5:1::/64", 100, NULL)};
	struct fw_elem *l = NULL;
	size_t n = 0;
	char err[512];

	if (f == NULL)
		return;
	/* a /24 over a single address already banned: both stay, each with its own timeout */
	APPLY(f, &one, 1, NULL, 0);
	APPLY(f, &net, 1, NULL, 0);
	/* a wider prefix replaces the narrower one it covers */
	APPLY(f, &p25, 1, NULL, 0);
	APPLY(f, &p24, 1, NULL, 0);
	/* a prefix inside a banned wider one is dropped without an error */
	APPLY(f, &p26, 1, NULL, 0);
	/* nested prefixes in one batch: the wider wins */
	APPLY(f, pair, 2, NULL, 0);
	APPLY(f, v6, 3, NULL, 0);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK(find(l, n, "192.0.2.7") != NULL);
	CHECK(find(l, n, "192.0.2.0/24") != NULL);
	CHECK(find(l, n, "198.51.100.0/24") != NULL);
	CHECK(find(l, n, "198.51.100.0/25") == NULL);
	CHECK(find(l, n, "198.51.100.128/26") == NULL);
	CHECK(find(l, n, "203.0.113.0/24") != NULL);
	CHECK(find(l, n, "203.0.113.64/26") == NULL);
	CHECK(find(l, n, "2001:db8:5::/48") != NULL);
	CHECK(find(l, n, "2001:db8:5:100::/56") == NULL);
	CHECK(find(l, n, "2001:db8:5:1::/64") != NULL); /* a /64 has a set of its own */
	CHECK_INT(n, 6);
	free(l);
	/* unbanning the wider one and banning inside it in the same batch */
	APPLY(f, &p26, 1, &p24, 1);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK(find(l, n, "198.51.100.0/24") == NULL);
	CHECK(find(l, n, "198.51.100.128/26") != NULL);
	free(l);
	fw_close(f);
}

T(nft_refresh)
{
	struct fw *f = nft_fresh();
	struct fw_elem h = el("10.0.0.1", 100, "a"), p = el("10.1.0.0/16", 100, "a");
	struct fw_elem perm = el("10.0.0.2", 0, NULL), huge = el("10.0.0.3", 4000000000u, NULL);
	struct fw_elem *l = NULL;
	const struct fw_elem *e;
	size_t n = 0;
	char err[512], *t;
	uint32_t steps[] = {100, 5000, 50};
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < 3; i++) {
		h.timeout = p.timeout = steps[i];
		h.jail = p.jail = i == 2 ? "last" : "a";
		APPLY(f, &h, 1, NULL, 0);
		APPLY(f, &p, 1, NULL, 0);
		CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
		CHECK_INT(n, 2);
		if ((e = find(l, n, "10.0.0.1")) != NULL)
			CHECK(e->timeout <= steps[i] && e->timeout + 5 >= steps[i]);
		else
			T_FAIL("10.0.0.1 missing");
		if ((e = find(l, n, "10.1.0.0/16")) != NULL)
			CHECK(e->timeout <= steps[i] && e->timeout + 5 >= steps[i]);
		else
			T_FAIL("10.1.0.0/16 missing");
		free(l);
	}
	t = nft_set("host4");
	CHECK(strstr(t ? t : "", "10.0.0.1 timeout 50s expires") != NULL);
	CHECK(strstr(t ? t : "", "comment \"last\"") != NULL);
	free(t);
	/* permanent, and longer than the kernel takes (lowered to a year) */
	APPLY(f, &perm, 1, NULL, 0);
	APPLY(f, &huge, 1, NULL, 0);
	t = nft_set("host4");
	CHECK(strstr(t ? t : "", "10.0.0.2 ") != NULL || strstr(t ? t : "", "10.0.0.2,") != NULL);
	CHECK(strstr(t ? t : "", "10.0.0.2 timeout") == NULL);
	CHECK(strstr(t ? t : "", "10.0.0.3 timeout 31536000s") != NULL);
	free(t);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	if ((e = find(l, n, "10.0.0.2")) != NULL)
		CHECK_INT(e->timeout, 0);
	else
		T_FAIL("10.0.0.2 missing");
	free(l);
	fw_close(f);
}

T(nft_unban)
{
	struct fw *f = nft_fresh();
	struct fw_elem b[] = {el("192.0.2.7", 600, NULL), el("192.0.2.8", 600, NULL),
	                      el("198.51.100.0/24", 600, NULL), el("2001:db8:1:2::/64", 600, NULL)};
	struct fw_elem u[] = {el("192.0.2.7", 0, NULL), el("198.51.100.0/24", 0, NULL),
	                      el("2001:db8:1:2::/64", 0, NULL)};
	struct fw_elem absent[] = {el("192.0.2.99", 0, NULL),  el("203.0.113.0/24", 0, NULL),
	                           el("2001:db8::5", 0, NULL), el("2001:db8:9::/48", 0, NULL),
	                           el("192.0.2.7", 0, NULL),   el("192.0.2.7", 0, NULL)};
	struct fw_elem inside = el("198.51.100.5", 0, NULL), q = el("198.51.100.128/25", 0, NULL);
	struct fw_elem *l = NULL;
	size_t n = 0;
	char err[512];

	if (f == NULL)
		return;
	APPLY(f, b, 4, NULL, 0);
	APPLY(f, NULL, 0, u, 3);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 1);
	CHECK(find(l, n, "192.0.2.8") != NULL);
	free(l);
	/* absent ones (duplicates too) are not an error */
	APPLY(f, NULL, 0, absent, 6);
	/* neither is an address or prefix inside a banned wider prefix: the wider one stays */
	APPLY(f, &b[2], 1, NULL, 0);
	APPLY(f, NULL, 0, &q, 1);
	APPLY(f, NULL, 0, &inside, 1);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK(find(l, n, "198.51.100.0/24") != NULL);
	free(l);
	/* unban and ban of the same element in one batch: banned */
	APPLY(f, &b[0], 1, &u[0], 1);
	APPLY(f, &b[2], 1, &u[1], 1);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK(find(l, n, "192.0.2.7") != NULL);
	CHECK(find(l, n, "198.51.100.0/24") != NULL);
	free(l);
	fw_close(f);
}

T(nft_bad_input)
{
	struct fw *f = nft_fresh();
	struct fw_opts o = {.kind = FW_NFTABLES, .table = "bad name;"};
	struct fw_elem hostbits = el("192.0.2.7/24", 60, NULL), zero = el("0.0.0.0/0", 60, NULL);
	struct fw_elem none;
	char err[512];

	if (f == NULL)
		return;
	memset(&none, 0, sizeof(none));
	CHECK_INT(fw_apply(f, &hostbits, 1, NULL, 0, err, sizeof(err)), -1);
	CHECK(strstr(err, "host bits") != NULL);
	CHECK_INT(fw_apply(f, &zero, 1, NULL, 0, err, sizeof(err)), -1);
	CHECK_INT(fw_apply(f, NULL, 0, &none, 1, err, sizeof(err)), -1);
	CHECK_INT(fw_apply(f, NULL, 0, NULL, 0, err, sizeof(err)), 0);
	CHECK(fw_open(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "bad table name") != NULL);
	fw_close(f);
}

T(nft_batch_1000)
{
	struct fw *f = nft_fresh();
	struct fw_elem *b = xcalloc(1000, sizeof(*b)), *p = xcalloc(1000, sizeof(*p));
	struct fw_elem *q = xcalloc(1000, sizeof(*q));
	struct fw_elem one = el("203.0.113.9", 600, "sshd"),
	               onep = el("2001:db8:ffff::/48", 600, NULL);
	struct fw_elem two = el("203.0.113.10", 600, "sshd");
	struct fw_elem *l = NULL;
	struct timespec t0;
	double t1, t1000, tr, tu, t64, t48, tp1, t1b;
	size_t i, n = 0;
	char err[512], *t;

	if (f == NULL)
		goto out;
	for (i = 0; i < 1000; i++) {
		b[i] = el("10.20.0.0", 600, "sshd");
		b[i].net.a[2] = (uint8_t)(i / 250);
		b[i].net.a[3] = (uint8_t)(i % 250 + 1);
		p[i] = el("2001:db8::/64", 600, "sshd"); /* /64: the net6 hash set */
		p[i].net.a[6] = (uint8_t)(i >> 8);
		p[i].net.a[7] = (uint8_t)i;
		q[i] = el("2001:db9::/48", 600, "sshd"); /* /48: the ban6 interval set */
		q[i].net.a[4] = (uint8_t)(i >> 8);
		q[i].net.a[5] = (uint8_t)i;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, &one, 1, NULL, 0);
	t1 = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, b, 1000, NULL, 0);
	t1000 = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, b, 1000, NULL, 0); /* all present: a refresh */
	tr = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, p, 1000, NULL, 0);
	t64 = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, q, 1000, NULL, 0);
	t48 = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, &onep, 1, NULL, 0); /* one prefix while the interval set holds 1000 */
	tp1 = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, &two, 1, NULL, 0); /* one address while the interval set holds 1001 */
	t1b = ms_since(&t0);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 3003);
	free(l);
	t = nft_set("host4");
	CHECK_INT(count(t, " timeout 600s expires "), 1002);
	free(t);
	t = nft_set("net6");
	CHECK_INT(count(t, " timeout 600s expires "), 1000);
	free(t);
	t = nft_set("ban6");
	CHECK_INT(count(t, "/48 timeout 600s expires "), 1001);
	free(t);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, NULL, 0, b, 1000);
	tu = ms_since(&t0);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 2003);
	free(l);
	printf(
	    "timing: nft fw_apply: 1 address %.2f ms; 1000 addresses %.2f ms, their refresh %.2f "
	    "ms, their unban %.2f ms; 1000 IPv6 /64 %.2f ms; 1000 IPv6 /48 %.2f ms; then 1 /48 "
	    "%.2f ms, 1 address %.2f ms\n",
	    t1, t1000, tr, tu, t64, t48, tp1, t1b);
	fw_close(f);
out:
	free(b);
	free(p);
	free(q);
}

T(nft_ensure)
{
	struct fw *f = nft_fresh();
	struct fw_elem b = el("192.0.2.7", 600, NULL);
	char err[512], *t;

	if (f == NULL)
		return;
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 0);
	APPLY(f, &b, 1, NULL, 0);
	CHECK_INT(run_ok("nft", "delete", "table", "inet", "authwatch", NULL), 0);
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 1);
	t = cap("nft", "list", "table", "inet", "authwatch", NULL);
	CHECK_INT(count(t, "ip saddr @host4 drop"), 1);
	CHECK_INT(count(t, "192.0.2.7"), 0); /* the caller re-applies */
	free(t);
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 0);
	/* someone flushed our chain: the rules come back, the bans were kept */
	APPLY(f, &b, 1, NULL, 0);
	CHECK_INT(run_ok("nft", "flush", "chain", "inet", "authwatch", "input", NULL), 0);
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 1);
	t = cap("nft", "list", "table", "inet", "authwatch", NULL);
	CHECK_INT(count(t, "ip6 saddr @ban6 drop"), 1);
	CHECK_INT(count(t, "192.0.2.7"), 1);
	free(t);
	/* removing: gone, and again is not an error */
	CHECK_INT(fw_destroy(f, err, sizeof(err)), 0);
	CHECK_INT(fw_destroy(f, err, sizeof(err)), 0);
	CHECK(run_fails("nft", "list", "table", "inet", "authwatch", NULL));
	fw_close(f);
}

/* ---- real packets: a veth pair to a second namespace ---- */

/* The second namespace: a child process that holds it until its pipe closes. */
struct peer {
	pid_t pid;
	int nsfd, hold;
};

static int
peer_start(struct peer *pe)
{
	int up[2], hold[2];
	char c, path[64];

	memset(pe, 0, sizeof(*pe));
	if (pipe(up) == -1 || pipe(hold) == -1)
		return -1;
	fflush(NULL);
	if ((pe->pid = fork()) == 0) {
		close(up[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(up[1], &c, 1) != 1)
			_exit(1);
		(void)read(hold[0], &c, 1);
		_exit(0);
	}
	close(up[1]);
	close(hold[0]);
	pe->hold = hold[1];
	if (read(up[0], &c, 1) != 1 || c != 'y') {
		close(up[0]);
		return -1;
	}
	close(up[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pe->pid);
	return (pe->nsfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ? -1 : 0;
}

static void
peer_stop(struct peer *pe)
{
	close(pe->hold);
	close(pe->nsfd);
	waitpid(pe->pid, NULL, 0);
}

/* Runs argv inside the peer's namespace; returns its exit status (-1: not run). */
static int
peer_run(struct peer *pe, const char *a0, ...)
{
	char *argv[32];
	va_list ap;
	int n = 0, st;
	pid_t pid;

	argv[n++] = tf_dq(a0);
	va_start(ap, a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (setns(pe->nsfd, CLONE_NEWNET) == -1)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Connects from the peer to addr:port within ms; 1 connected, 0 not, -1 test error. */
static int
peer_connect(struct peer *pe, const char *addr, int port, int ms)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct sockaddr_storage ss;
		socklen_t sl;
		struct pollfd pf;
		int fd, e = 0;
		socklen_t el_ = sizeof(e);

		memset(&ss, 0, sizeof(ss));
		if (strchr(addr, ':') != NULL) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			inet_pton(AF_INET6, addr, &s6->sin6_addr);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			inet_pton(AF_INET, addr, &s4->sin_addr);
			sl = sizeof(*s4);
		}
		if (setns(pe->nsfd, CLONE_NEWNET) == -1 ||
		    (fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
			_exit(2);
		if (connect(fd, (struct sockaddr *)&ss, sl) == 0)
			_exit(0);
		if (errno != EINPROGRESS)
			_exit(1);
		pf.fd = fd;
		pf.events = POLLOUT;
		if (poll(&pf, 1, ms) != 1)
			_exit(1);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el_);
		_exit(e == 0 ? 0 : 1);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return -1;
	return WEXITSTATUS(st) == 0;
}

/* A listening TCP socket on [::]:port (IPv4 too); -1 on error. */
static int
listen_any(int port)
{
	struct sockaddr_in6 s6;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), no = 0, yes = 1;

	if (fd == -1)
		return -1;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((uint16_t)port);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof(no));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
	if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == -1 || listen(fd, 64) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Accepts and closes whatever connected (keeps the backlog empty). */
static void
drain_accept(int lfd)
{
	int c;

	while ((c = accept(lfd, NULL, NULL)) != -1)
		close(c);
}

/* Sets up the veth pair: us 10.77.0.1 / fd00:77::1, the peer 10.77.0.2 / fd00:77::2. */
static int
veth_up(struct peer *pe)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)pe->pid);
	run_fails("ip", "link", "del", "aw0", NULL); /* left by an earlier test */
	if (run_ok("ip", "link", "add", "aw0", "type", "veth", "peer", "name", "aw1", "netns", pid,
	           NULL) != 0 ||
	    run_ok("ip", "addr", "add", "10.77.0.1/24", "dev", "aw0", NULL) != 0 ||
	    run_ok("ip", "-6", "addr", "add", "fd00:77::1/64", "dev", "aw0", "nodad", NULL) != 0 ||
	    run_ok("ip", "link", "set", "aw0", "up", NULL) != 0)
		return -1;
	if (peer_run(pe, "ip", "addr", "add", "10.77.0.2/24", "dev", "aw1", NULL) != 0 ||
	    peer_run(pe, "ip", "-6", "addr", "add", "fd00:77::2/64", "dev", "aw1", "nodad", NULL) !=
	        0 ||
	    peer_run(pe, "ip", "link", "set", "aw1", "up", NULL) != 0 ||
	    peer_run(pe, "ip", "link", "set", "lo", "up", NULL) != 0)
		return -1;
	return 0;
}

/* Bans the peer through f and checks that its connections fail, then work after the unban. */
static void
check_drops(struct fw *f, struct peer *pe, int lfd)
{
	struct fw_elem b4 = el("10.77.0.2", 600, "t"), b6 = el("fd00:77::/64", 600, "t");
	struct fw_elem p4[] = {el("10.77.0.0/24", 600, "t"), el("fd00::/16", 600, "t")};

	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	drain_accept(lfd);
	APPLY(f, &b4, 1, NULL, 0);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 1000), 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	APPLY(f, &b6, 1, NULL, 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 1000), 0);
	APPLY(f, NULL, 0, &b4, 1);
	APPLY(f, NULL, 0, &b6, 1);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	/* other prefix lengths (nftables: the interval sets) */
	APPLY(f, p4, 2, NULL, 0);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 1000), 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 1000), 0);
	APPLY(f, NULL, 0, p4, 2);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	drain_accept(lfd);
}

/*
 * An established connection from the peer: after the ban its conntrack entry is gone and its
 * data no longer arrives.
 */
static void
check_established(struct fw *f, struct peer *pe, int lfd)
{
	struct fw_elem b4 = el("10.77.0.2", 600, "t");
	int go[2], ready[2], c = -1;
	struct pollfd pf;
	char ch, *ct;
	pid_t pid;

	if (access("/usr/sbin/conntrack", X_OK) != 0) {
		printf("skip: no conntrack tool: established connection not checked\n");
		return;
	}
	/* conntrack only tracks a namespace where some rule uses it */
	if (run_ok("nft",
	           "add table inet awtest; add chain inet awtest c { type filter hook input "
	           "priority 0; ct state established counter accept; }",
	           NULL) != 0) {
		T_FAIL("conntrack rule");
		return;
	}
	if (pipe(go) == -1 || pipe(ready) == -1)
		return;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct sockaddr_in s4;
		int fd;

		close(go[1]);
		close(ready[0]);
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(2222);
		inet_pton(AF_INET, "10.77.0.1", &s4.sin_addr);
		if (setns(pe->nsfd, CLONE_NEWNET) == -1 ||
		    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&s4, sizeof(s4)) == -1)
			_exit(1);
		ch = 'c';
		if (write(ready[1], &ch, 1) != 1 || read(go[0], &ch, 1) != 1 ||
		    write(fd, "x", 1) != 1)
			_exit(1);
		(void)read(go[0], &ch, 1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &ch, 1) != 1) {
		T_FAIL("peer could not connect");
		goto out;
	}
	pf.fd = lfd;
	pf.events = POLLIN;
	poll(&pf, 1, 2000);
	c = accept(lfd, NULL, NULL);
	CHECK(c != -1);
	ct = cap("conntrack", "-L", "-s", "10.77.0.2", NULL);
	CHECK(count(ct, "src=10.77.0.2") >= 1);
	free(ct);
	APPLY(f, &b4, 1, NULL, 0);
	ct = cap("conntrack", "-L", "-s", "10.77.0.2", NULL);
	CHECK_INT(count(ct, "src=10.77.0.2"), 0);
	free(ct);
	ch = 'g';
	CHECK_INT(write(go[1], &ch, 1), 1);
	pf.fd = c;
	pf.events = POLLIN;
	CHECK_INT(poll(&pf, 1, 1000), 0); /* the byte never arrives */
	APPLY(f, NULL, 0, &b4, 1);
out:
	close(go[1]); /* the peer exits */
	close(ready[0]);
	if (c != -1)
		close(c);
	waitpid(pid, NULL, 0);
	run_ok("nft", "delete", "table", "inet", "awtest", NULL);
}

T(nft_drops_packets)
{
	struct fw *f = nft_fresh();
	struct peer pe;
	int lfd = -1;

	if (f == NULL)
		return;
	if (peer_start(&pe) == -1) {
		T_FAIL("second namespace");
		fw_close(f);
		return;
	}
	if (veth_up(&pe) == -1 || (lfd = listen_any(2222)) == -1) {
		T_FAIL("veth pair");
		goto out;
	}
	check_drops(f, &pe, lfd);
	check_established(f, &pe, lfd);
out:
	if (lfd != -1)
		close(lfd);
	peer_stop(&pe);
	fw_close(f);
}

/* ---- ipset ---- */

/* An ipset backend on fresh sets, or NULL (the kernel has no ip_set: *skip set). */
static struct fw *
ipset_fresh(int *skip)
{
	struct fw_opts o = {.kind = FW_IPSET};
	char err[512];
	struct fw *f;

	*skip = 0;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		if (strstr(err, "not supported") != NULL || strstr(err, "Kernel error") != NULL ||
		    strstr(err, "spawn") != NULL) {
			printf("skip: ipset backend: %s\n", err);
			*skip = 1;
		} else
			T_FAIL("fw_open ipset: %s", err);
		return NULL;
	}
	if (fw_destroy(f, err, sizeof(err)) == -1)
		T_FAIL("fw_destroy: %s", err);
	fw_close(f);
	if ((f = fw_open(&o, err, sizeof(err))) == NULL)
		T_FAIL("fw_open ipset: %s", err);
	return f;
}

T(ipset_backend)
{
	int skip;
	struct fw *f = ipset_fresh(&skip), *g;
	struct fw_opts o = {.kind = FW_IPSET};
	struct fw_elem b[] = {el("192.0.2.7", 600, "sshd"), el("2001:db8:1:2::/64", 900, "s6"),
	                      el("192.0.2.0/24", 300, NULL), el("10.9.0.1", 0, NULL)};
	struct fw_elem u[] = {el("192.0.2.7", 0, NULL), el("203.0.113.1", 0, NULL),
	                      el("2001:db8:1:2::/64", 0, NULL)};
	struct fw_elem huge = el("10.9.0.2", 4000000000u, NULL);
	struct fw_elem *big = xcalloc(1000, sizeof(*big)), *l = NULL;
	const struct fw_elem *e;
	struct timespec t0;
	double t1, t1000;
	size_t i, n = 0;
	char err[512], *t;

	if (f == NULL)
		goto out;
	/* idempotent: a second open adds no rule */
	CHECK((g = fw_open(&o, err, sizeof(err))) != NULL);
	fw_close(g);
	t = cap("iptables", "-S", "INPUT", NULL);
	CHECK_INT(count(t, "-A INPUT -m set --match-set authwatch4 src -j DROP"), 1);
	free(t);
	t = cap("ip6tables", "-S", "INPUT", NULL);
	CHECK_INT(count(t, "-A INPUT -m set --match-set authwatch6 src -j DROP"), 1);
	free(t);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, b, 1, NULL, 0);
	t1 = ms_since(&t0);
	APPLY(f, b + 1, 3, NULL, 0);
	APPLY(f, &huge, 1, NULL, 0);
	t = cap("ipset", "list", "authwatch4", NULL);
	CHECK(strstr(t ? t : "", "192.0.2.7 timeout ") != NULL);
	CHECK(strstr(t ? t : "", "192.0.2.0/24 timeout ") != NULL);
	CHECK(strstr(t ? t : "", "10.9.0.1 timeout 0") != NULL);
	CHECK(strstr(t ? t : "", "10.9.0.2 timeout 21474") != NULL);
	CHECK(strstr(t ? t : "", "comment \"sshd\"") != NULL);
	free(t);
	t = cap("ipset", "list", "authwatch6", NULL);
	CHECK(strstr(t ? t : "", "2001:db8:1:2::/64 timeout ") != NULL);
	free(t);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 5);
	if ((e = find(l, n, "192.0.2.7")) != NULL) {
		CHECK(e->timeout >= 590 && e->timeout <= 600);
		CHECK_STR(e->jail, "sshd");
	} else
		T_FAIL("192.0.2.7 not listed");
	if ((e = find(l, n, "2001:db8:1:2::/64")) != NULL)
		CHECK_STR(e->jail, "s6");
	else
		T_FAIL("2001:db8:1:2::/64 not listed");
	free(l);
	/* refresh to a shorter timeout */
	b[0].timeout = 50;
	APPLY(f, b, 1, NULL, 0);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	if ((e = find(l, n, "192.0.2.7")) != NULL)
		CHECK(e->timeout <= 50 && e->timeout >= 45);
	free(l);
	/* unban, absent included */
	APPLY(f, NULL, 0, u, 3);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 3);
	CHECK(find(l, n, "192.0.2.7") == NULL);
	CHECK(find(l, n, "192.0.2.0/24") != NULL);
	free(l);
	/* 1000 in one restore */
	for (i = 0; i < 1000; i++) {
		big[i] = el("10.30.0.0", 600, "sshd");
		big[i].net.a[2] = (uint8_t)(i / 250);
		big[i].net.a[3] = (uint8_t)(i % 250 + 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	APPLY(f, big, 1000, NULL, 0);
	t1000 = ms_since(&t0);
	CHECK_INT(fw_list(f, &l, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 1003);
	free(l);
	printf("timing: ipset fw_apply 1 element %.2f ms, 1000 elements %.2f ms\n", t1, t1000);

	/* someone removed our rule and sets */
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 0);
	CHECK_INT(run_ok("iptables", "-D", "INPUT", "-m", "set", "--match-set", "authwatch4", "src",
	                 "-j", "DROP", NULL),
	          0);
	CHECK_INT(run_ok("ipset", "destroy", "authwatch4", NULL), 0);
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 1);
	t = cap("iptables", "-S", "INPUT", NULL);
	CHECK_INT(count(t, "--match-set authwatch4 src -j DROP"), 1);
	free(t);
	CHECK_INT(run_ok("ipset", "list", "-n", "authwatch4", NULL), 0);
	CHECK_INT(fw_ensure(f, err, sizeof(err)), 0);

	CHECK_INT(fw_destroy(f, err, sizeof(err)), 0);
	CHECK_INT(fw_destroy(f, err, sizeof(err)), 0);
	t = cap("iptables", "-S", "INPUT", NULL);
	CHECK_INT(count(t, "authwatch4"), 0);
	free(t);
	CHECK(run_fails("ipset", "list", "-n", "authwatch4", NULL));
	fw_close(f);
out:
	free(big);
}

T(ipset_drops_packets)
{
	int skip;
	struct fw *f = ipset_fresh(&skip);
	struct peer pe;
	int lfd = -1;
	char err[512];

	if (f == NULL)
		return;
	if (peer_start(&pe) == -1) {
		T_FAIL("second namespace");
		fw_close(f);
		return;
	}
	if (veth_up(&pe) == -1 || (lfd = listen_any(2222)) == -1) {
		T_FAIL("veth pair");
		goto out;
	}
	check_drops(f, &pe, lfd);
out:
	if (lfd != -1)
		close(lfd);
	peer_stop(&pe);
	fw_destroy(f, err, sizeof(err));
	fw_close(f);
}

/* ---- dry run ---- */

T(dryrun_lines)
{
	struct fw_opts o = {.kind = FW_DRYRUN, .dryrun_path = tf_path("dry.log")};
	struct fw_elem b[] = {el("192.0.2.7", 600, "sshd"), el("2001:db8:1:2::/64", 0, "a b;\"c")};
	struct fw_elem u = el("198.51.100.0/24", 0, NULL);
	char err[512], buf[1024], want[1024];
	struct fw *f;
	time_t t0 = time(NULL), t1;
	struct tm tm;
	ssize_t r;
	int fd, ok = 0;

	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	APPLY(f, b, 2, &u, 1);
	APPLY(f, b, 1, NULL, 0);
	t1 = time(NULL);
	fw_close(f);
	if ((fd = open(tf_path("dry.log"), O_RDONLY)) == -1) {
		T_FAIL("no dry-run file");
		return;
	}
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[r > 0 ? r : 0] = '\0';
	/* each line: a UTC stamp taken between t0 and t1 (the calls may straddle a second), then
	 * the action */
	{
		static const char *const rest[] = {
		    " unban 198.51.100.0/24 0 -", " ban 192.0.2.7/32 600 sshd",
		    " ban 2001:db8:1:2::/64 0 a_b__c", " ban 192.0.2.7/32 600 sshd"};
		char *line = buf, *nl;
		size_t k = 0;

		ok = 1;
		for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, k++) {
			time_t t;

			*nl = '\0';
			memset(&tm, 0, sizeof(tm));
			if (k >= 4 || strlen(line) < 20 ||
			    strptime(line, "%Y-%m-%dT%H:%M:%SZ", &tm) != line + 20) {
				ok = 0;
				break;
			}
			t = timegm(&tm);
			snprintf(want, sizeof(want), "%s", line + 20);
			if (t < t0 || t > t1 || strcmp(want, rest[k]) != 0)
				ok = 0;
		}
		if (k != 4 || *line != '\0')
			ok = 0;
	}
	if (!ok)
		T_FAIL("dry-run file:\n%s", buf);
	o.dryrun_path = tf_path("nodir/x");
	CHECK(fw_open(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "nodir/x") != NULL);
}

/* ---- commands ---- */

T(cmd_templates)
{
	char t1[512], t2[512];
	char touch[] = "/usr/bin/touch", rm[] = "/bin/rm", f_[] = "-f";
	char *ban[] = {touch, t1, t2, NULL};
	char *unban[] = {rm, f_, t1, NULL};
	struct fw_opts o = {.kind = FW_COMMAND, .ban_argv = ban, .unban_argv = unban};
	struct fw_elem b[] = {el("192.0.2.7", 600, "sshd"), el("2001:db8:1:2::/64", 0, "x y/{ip}")};
	struct fw *f;
	char err[512];
	struct stat st;

	snprintf(t1, sizeof(t1), "%s/ban-{ip}-{prefix}-{seconds}-{jail}", tf_dir);
	snprintf(t2, sizeof(t2), "%s/a b {ip} {unknown} {", tf_dir);
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	t1[0] = t2[0] = 'X'; /* the templates were copied */
	APPLY(f, b, 2, NULL, 0);
	CHECK_INT(stat(tf_path("ban-192.0.2.7-32-600-sshd"), &st), 0);
	CHECK_INT(stat(tf_path("ban-2001:db8:1:2::-64-0-x_y__ip_"), &st), 0);
	CHECK_INT(stat(tf_path("a b 192.0.2.7 {unknown} {"), &st), 0);
	CHECK_INT(stat(tf_path("a b 2001:db8:1:2:: {unknown} {"), &st), 0);
	APPLY(f, NULL, 0, b, 1);
	CHECK_INT(stat(tf_path("ban-192.0.2.7-32-0-sshd"), &st), -1);
	b[0].timeout = 0;
	APPLY(f, b, 1, NULL, 0);
	CHECK_INT(stat(tf_path("ban-192.0.2.7-32-0-sshd"), &st), 0);
	APPLY(f, NULL, 0, b, 1);
	CHECK_INT(stat(tf_path("ban-192.0.2.7-32-0-sshd"), &st), -1);
	fw_close(f);
	/* no unban template: unbans are ignored */
	o.unban_argv = NULL;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	APPLY(f, NULL, 0, b, 1);
	fw_close(f);
	o.ban_argv = NULL;
	CHECK(fw_open(&o, err, sizeof(err)) == NULL);
}

T(cmd_failures)
{
	char ls[] = "/bin/ls", missing[512], sleep_[] = "/bin/sleep", thirty[] = "30";
	char nope[] = "/nonexistent/prog", touch[] = "/usr/bin/touch", ok[512];
	char *fail[] = {ls, missing, NULL}, *hang[] = {sleep_, thirty, NULL};
	char *absent[] = {nope, NULL}, *good[] = {touch, ok, NULL};
	struct fw_opts o = {.kind = FW_COMMAND, .cmd_timeout_ms = 300};
	struct fw_elem b[] = {el("192.0.2.7", 600, "sshd"), el("192.0.2.8", 600, "sshd")};
	struct timespec t0;
	struct fw *f;
	char err[512];
	struct stat st;
	double ms;

	snprintf(missing, sizeof(missing), "%s/missing-{ip}", tf_dir);
	snprintf(ok, sizeof(ok), "%s/ok-{ip}", tf_dir);
	/* a failing command: its status and stderr in the message */
	o.ban_argv = fail;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	CHECK_INT(fw_apply(f, b, 2, NULL, 0, err, sizeof(err)), -1);
	CHECK(strstr(err, "2 of 2 commands failed") != NULL);
	CHECK(strstr(err, "exit status 2") != NULL);
	CHECK(strstr(err, "missing-192.0.2.7") != NULL);
	CHECK(strstr(err, "No such file or directory") != NULL);
	fw_close(f);
	/* a command that hangs is killed after the timeout */
	o.ban_argv = hang;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(fw_apply(f, b, 1, NULL, 0, err, sizeof(err)), -1);
	ms = ms_since(&t0);
	CHECK(strstr(err, "killed after 300 ms") != NULL);
	CHECK(ms >= 290 && ms < 3000);
	fw_close(f);
	/* a program that does not exist; the next decisions still run */
	o.ban_argv = absent;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	CHECK_INT(fw_apply(f, b, 1, NULL, 0, err, sizeof(err)), -1);
	CHECK(strstr(err, "/nonexistent/prog: spawn: No such file or directory") != NULL);
	fw_close(f);
	o.ban_argv = good;
	o.unban_argv = fail;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		T_FAIL("fw_open: %s", err);
		return;
	}
	CHECK_INT(fw_apply(f, b, 2, b, 1, err, sizeof(err)), -1);
	CHECK(strstr(err, "1 of 3 commands failed; first: unban:") != NULL);
	CHECK_INT(stat(tf_path("ok-192.0.2.7"), &st), 0);
	CHECK_INT(stat(tf_path("ok-192.0.2.8"), &st), 0);
	fw_close(f);
}

/* fw_run itself: input, output, a big output, the exit status. */
T(run_child)
{
	char cat[] = "/bin/cat", sh_false[] = "/bin/false", *out = NULL, err[512];
	char true_[] = "/bin/true", echo[] = "echo", a[] = "a", b[] = "b";
	char setsid[] = "/usr/bin/setsid", f_[] = "-f", sleep_[] = "/bin/sleep", two[] = "2";
	char *argv_cat[] = {cat, NULL}, *argv_false[] = {sh_false, NULL};
	char *argv_true[] = {true_, NULL}, *argv_echo[] = {echo, a, b, NULL};
	char *argv_bg[] = {setsid, f_, sleep_, two, NULL};
	struct timespec t0;
	size_t n = 300000, i;
	char *in = xmalloc(n);

	for (i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	CHECK_INT(fw_run(argv_cat, in, n, &out, 5000, err, sizeof(err)), 0);
	CHECK(out != NULL && strlen(out) == n && memcmp(out, in, n) == 0);
	free(out);
	CHECK_INT(fw_run(argv_false, NULL, 0, NULL, 5000, err, sizeof(err)), -1);
	CHECK_STR(err, "/bin/false: exit status 1");
	/* a program that reads none of its input: no SIGPIPE for us */
	CHECK_INT(fw_run(argv_true, in, n, NULL, 5000, err, sizeof(err)), 0);
	/* found in PATH */
	CHECK_INT(fw_run(argv_echo, NULL, 0, &out, 5000, err, sizeof(err)), 0);
	CHECK_STR(out, "a b\n");
	free(out);
	/* a background child that keeps the pipes open does not hold us up */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(fw_run(argv_bg, NULL, 0, &out, 5000, err, sizeof(err)), 0);
	CHECK(ms_since(&t0) < 1500);
	free(out);
	free(in);
}

int
main(void)
{
	if (unshare(CLONE_NEWNET) == -1) {
		if (errno == EPERM || errno == ENOSYS || errno == EINVAL) {
			printf("skip: cannot make a private network namespace: unshare: %s\n",
			       strerror(errno));
			return 77;
		}
		printf("unshare: %s\n", strerror(errno));
		return 1;
	}
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	log_init("test_fw", getenv("FW_DEBUG") != NULL);
	tf_setup("fw");
	run_ok("ip", "link", "set", "lo", "up", NULL);
	T_RUN(run_child);
	T_RUN(nft_setup_idempotent);
	T_RUN(nft_ban_v4_v6);
	T_RUN(nft_overlaps);
	T_RUN(nft_refresh);
	T_RUN(nft_unban);
	T_RUN(nft_bad_input);
	T_RUN(nft_batch_1000);
	T_RUN(nft_ensure);
	T_RUN(nft_drops_packets);
	T_RUN(ipset_backend);
	T_RUN(ipset_drops_packets);
	T_RUN(dryrun_lines);
	T_RUN(cmd_templates);
	T_RUN(cmd_failures);
	tf_teardown();
	return T_END();
}
