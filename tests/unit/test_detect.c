/* test_detect.c: unit tests of the detector: sliding windows, weights, grouping, bounded memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "t.h"

#define S 1000000LL /* µs per second */
#define T0 (1780000000LL * S)

static struct detect_opts
opts(unsigned maxretry, int64_t findtime)
{
	struct detect_opts o;

	memset(&o, 0, sizeof(o));
	o.maxretry = maxretry;
	o.findtime = findtime;
	o.v4_prefix = 32;
	o.v6_prefix = 64;
	o.weight[DK_FAILURE] = 1;
	o.weight[DK_PROBE] = 0.5;
	o.weight[DK_NEGOTIATION] = 0.25;
	o.seed = 42;
	return o;
}

static struct addr
ip(const char *s)
{
	struct addr a;

	if (addr_parse(s, strlen(s), &a) != 0)
		abort();
	return a;
}

static const char *
fmt(const struct addr *a)
{
	static char buf[ADDR_STRLEN];

	addr_format(a, buf);
	return buf;
}

T(fifth_failure_bans)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d = detect_new(&o);
	struct addr a = ip("203.0.113.5");
	struct detect_hit h;
	int k;

	for (k = 0; k < 4; k++)
		CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + k * 60 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 300 * S, &h), 1);
	CHECK_STR(fmt(&h.net), "203.0.113.5");
	CHECK_INT(h.prefix, 32);
	CHECK_INT(h.events, 5);
	CHECK(h.weight == 5.0);
	CHECK_INT(h.first, T0);
	/* the window starts over after a ban */
	CHECK_INT(detect_count(d), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 301 * S, &h), 0);
	/* "message repeated 9 times": the window takes what it needs, the hit says all of it */
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 9, T0 + 302 * S, &h), 1);
	CHECK(h.weight == 10.0);
	CHECK_STR(fmt(&h.src), "203.0.113.5");
	detect_free(d);
}

T(window_slides)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d = detect_new(&o);
	struct addr a = ip("198.51.100.1");
	struct detect_hit h;
	int k, hits = 0;

	/* one failure every 151 s: never 5 inside 600 s */
	for (k = 0; k < 100; k++)
		hits += detect_add(d, &a, DK_FAILURE, 1, T0 + k * 151 * S, &h);
	CHECK_INT(hits, 0);
	/* every 149 s: the fifth one is 596 s after the first */
	d = (detect_free(d), detect_new(&o));
	for (k = 0; k < 5; k++)
		hits += detect_add(d, &a, DK_FAILURE, 1, T0 + k * 149 * S, &h);
	CHECK_INT(hits, 1);
	/* exactly findtime later the first one is out */
	d = (detect_free(d), detect_new(&o));
	hits = 0;
	for (k = 0; k < 5; k++)
		hits += detect_add(d, &a, DK_FAILURE, 1, T0 + k * 150 * S, &h);
	CHECK_INT(hits, 0);
	detect_free(d);
}

T(weights)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d = detect_new(&o);
	struct addr a = ip("192.0.2.9"), b = ip("192.0.2.10");
	struct detect_hit h;
	int k, hits = 0;

	for (k = 0; k < 9; k++)
		hits += detect_add(d, &a, DK_PROBE, 1, T0 + k * S, &h);
	CHECK_INT(hits, 0);
	CHECK_INT(detect_add(d, &a, DK_PROBE, 1, T0 + 10 * S, &h), 1); /* 10 probes = 5 failures */
	for (k = 0; k < 19; k++)
		hits += detect_add(d, &b, DK_NEGOTIATION, 1, T0 + k * S, &h);
	CHECK_INT(hits, 0);
	CHECK_INT(detect_add(d, &b, DK_NEGOTIATION, 1, T0 + 30 * S, &h), 1);
	CHECK_INT(h.events, 20);
	/* a count: "PAM 4 more" style deltas */
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 4, T0 + 40 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 41 * S, &h), 1);
	detect_free(d);

	/* a kind with weight 0 is not counted */
	o.weight[DK_PROBE] = 0;
	d = detect_new(&o);
	for (k = 0; k < 100; k++)
		hits += detect_add(d, &a, DK_PROBE, 1, T0 + k * S, &h);
	CHECK_INT(detect_count(d), 0);
	detect_free(d);
}

T(seed_article_four_in_ten_minutes)
{
	struct detect_opts o = opts(4, 600);
	struct detect *d = detect_new(&o);
	struct addr a = ip("209.141.36.197");
	struct detect_hit h;

	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 100 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 200 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 599 * S, &h), 1);
	detect_free(d);
}

T(ipv6_grouped_by_prefix)
{
	struct detect_opts o = opts(3, 600);
	struct detect *d = detect_new(&o);
	struct addr a1 = ip("2001:db8:1:2::1"), a2 = ip("2001:db8:1:2:ffff::7"),
	            a3 = ip("2001:db8:1:2:abcd:1:2:3"), other = ip("2001:db8:1:3::1");
	struct detect_hit h;

	CHECK_INT(detect_add(d, &a1, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_add(d, &other, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_add(d, &a2, DK_FAILURE, 1, T0 + S, &h), 0);
	CHECK_INT(detect_add(d, &a3, DK_FAILURE, 1, T0 + 2 * S, &h), 1);
	CHECK_STR(fmt(&h.net), "2001:db8:1:2::");
	CHECK_INT(h.prefix, 64);
	CHECK_INT(detect_count(d), 1); /* the other /64 is still counting */
	detect_free(d);
	/* /128: each address on its own */
	o.v6_prefix = 128;
	d = detect_new(&o);
	CHECK_INT(detect_add(d, &a1, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_add(d, &a2, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_add(d, &a3, DK_FAILURE, 1, T0, &h), 0);
	CHECK_INT(detect_count(d), 3);
	detect_free(d);
	/* IPv4 grouped by /24 */
	o.v4_prefix = 24;
	d = detect_new(&o);
	a1 = ip("192.0.2.1");
	a2 = ip("192.0.2.200");
	CHECK_INT(detect_add(d, &a1, DK_FAILURE, 2, T0, &h), 0);
	CHECK_INT(detect_add(d, &a2, DK_FAILURE, 1, T0, &h), 1);
	CHECK_STR(fmt(&h.net), "192.0.2.0");
	CHECK_INT(h.prefix, 24);
	detect_free(d);
}

T(out_of_order_and_forget)
{
	struct detect_opts o = opts(3, 600);
	struct detect *d = detect_new(&o);
	struct addr a = ip("192.0.2.1"), net;
	struct detect_hit h;
	uint8_t p;

	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 100 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0, &h), 0); /* older: counted as the newest */
	p = detect_group(d, &a, &net);
	detect_forget(d, &net, p);
	CHECK_INT(detect_count(d), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 101 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 102 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 103 * S, &h), 1);
	detect_free(d);
}

T(expire)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d = detect_new(&o);
	struct detect_hit h;
	char buf[32];
	int k;

	for (k = 0; k < 1000; k++) {
		struct addr a;

		snprintf(buf, sizeof(buf), "10.0.%d.%d", k / 256, k % 256);
		a = ip(buf);
		detect_add(d, &a, DK_FAILURE, 1, T0 + (k < 500 ? 0 : 500) * S, &h);
	}
	CHECK_INT(detect_count(d), 1000);
	/* at T0 + 700 s the first 500 are out of the window, the others not; 64 a call */
	CHECK(detect_expire(d, T0 + 700 * S, 64) <= 64);
	for (k = 0; k < 20; k++)
		detect_expire(d, T0 + 700 * S, 64);
	CHECK_INT(detect_count(d), 500);
	for (k = 0; k < 20; k++)
		detect_expire(d, T0 + 1101 * S, 64);
	CHECK_INT(detect_count(d), 0);
	detect_free(d);
}

struct saved {
	struct addr net[64];
	uint8_t prefix[64];
	int64_t ts[64];
	double w[64];
	int n;
};

static int
save(void *arg, const struct addr *net, uint8_t prefix, int64_t ts, double w)
{
	struct saved *s = arg;

	if (s->n == 64)
		return 1;
	s->net[s->n] = *net;
	s->prefix[s->n] = prefix;
	s->ts[s->n] = ts;
	s->w[s->n++] = w;
	return 0;
}

T(save_and_restore)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d = detect_new(&o), *d2;
	struct addr a = ip("198.51.100.20"), b = ip("2001:db8::1");
	struct detect_hit h;
	struct saved s;
	int k;

	memset(&s, 0, sizeof(s));
	detect_add(d, &a, DK_FAILURE, 1, T0, &h);
	detect_add(d, &a, DK_PROBE, 1, T0 + 10 * S, &h);
	detect_add(d, &a, DK_FAILURE, 2, T0 + 20 * S, &h);
	detect_add(d, &b, DK_NEGOTIATION, 1, T0 + 30 * S, &h);
	CHECK_INT(detect_foreach(d, save, &s), 0);
	CHECK_INT(s.n, 4);
	/* a restarted daemon gets the same windows back */
	d2 = detect_new(&o);
	for (k = 0; k < s.n; k++)
		CHECK_INT(detect_restore(d2, &s.net[k], s.prefix[k], s.ts[k], s.w[k], &h), 0);
	CHECK_INT(detect_count(d2), 2);
	/* 3.5 failures so far: the second next failure bans in both, 1.5 are not enough */
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 40 * S, &h), 0);
	CHECK_INT(detect_add(d2, &a, DK_FAILURE, 1, T0 + 40 * S, &h), 0);
	CHECK_INT(detect_add(d, &a, DK_FAILURE, 1, T0 + 41 * S, &h), 1);
	CHECK_INT(detect_add(d2, &a, DK_FAILURE, 1, T0 + 41 * S, &h), 1);
	CHECK_INT(h.first, T0);
	detect_free(d);
	detect_free(d2);
}

T(bounded_memory)
{
	struct detect_opts o = opts(5, 600);
	struct detect *d;
	struct detect_hit h;
	size_t k;

	/* a million addresses, one failure each: under 200 bytes per tracked address */
	d = detect_new(&o);
	for (k = 0; k < 1000000; k++) {
		struct addr a;

		memset(&a, 0, sizeof(a));
		a.af = 4;
		a.a[0] = 10;
		a.a[1] = (uint8_t)(k >> 16);
		a.a[2] = (uint8_t)(k >> 8);
		a.a[3] = (uint8_t)k;
		detect_add(d, &a, DK_FAILURE, 1, T0 + (int64_t)k, &h);
	}
	CHECK_INT(detect_count(d), 1000000);
	printf("  1M addresses: %zu bytes, %.1f per address\n", detect_memory(d),
	       (double)detect_memory(d) / 1e6);
	CHECK(detect_memory(d) <= 200 * 1000000);
	detect_free(d);
	/* a cap: the stalest go first */
	o.max_tracked = 1000;
	d = detect_new(&o);
	for (k = 0; k < 5000; k++) {
		struct addr a;

		memset(&a, 0, sizeof(a));
		a.af = 6;
		a.a[0] = 0x20;
		a.a[1] = 0x01;
		a.a[6] = (uint8_t)(k >> 8);
		a.a[7] = (uint8_t)k;
		detect_add(d, &a, DK_FAILURE, 1, T0 + (int64_t)k * S, &h);
	}
	CHECK_INT(detect_count(d), 1000);
	detect_free(d);
}

int
main(void)
{
	T_RUN(fifth_failure_bans);
	T_RUN(window_slides);
	T_RUN(weights);
	T_RUN(seed_article_four_in_ten_minutes);
	T_RUN(ipv6_grouped_by_prefix);
	T_RUN(out_of_order_and_forget);
	T_RUN(expire);
	T_RUN(save_and_restore);
	T_RUN(bounded_memory);
	return T_END();
}
