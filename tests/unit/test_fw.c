/* test_fw.c: the firewall backends' rules, sets and commands on the real kernel, in a netns. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "fw_fixture.h"
#include "fw.h"
#include "xmalloc.h"

/* ---- helpers (the ones test_fw_packets.c needs too are in fw_fixture.h) ---- */

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

/* ---- nftables ---- */

T(nft_setup_idempotent)
{
	struct fw_opts o = {.kind = FW_NFTABLES};
	struct fw *f, *g;
	char err[512], *t;
	struct fw_elem b = el("192.0.2.1", 600, "sshd");

	if ((f = nft_fresh()) == NULL)
		return;
	CHECK_INT(fw_expires(f), 1); /* kernel timeouts */
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

/* ---- ipset ---- */

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
	CHECK_INT(fw_expires(f), 1);
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
	CHECK_INT(fw_expires(f), 0); /* its bans end with an unban line */
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
	CHECK_INT(fw_expires(f), 0); /* its bans end with the unban command */
	t1[0] = t2[0] = 'X';         /* the templates were copied */
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
	int rc;

	if ((rc = netns_enter("test_fw")) != 0)
		return rc;
	tf_setup("fw");
	T_RUN(run_child);
	T_RUN(nft_setup_idempotent);
	T_RUN(nft_ban_v4_v6);
	T_RUN(nft_overlaps);
	T_RUN(nft_refresh);
	T_RUN(nft_unban);
	T_RUN(nft_bad_input);
	T_RUN(nft_batch_1000);
	T_RUN(nft_ensure);
	T_RUN(ipset_backend);
	T_RUN(dryrun_lines);
	T_RUN(cmd_templates);
	T_RUN(cmd_failures);
	tf_teardown();
	return T_END();
}
