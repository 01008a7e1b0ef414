/* test_agg_count.c: unit tests of the per-line counts: the filters, and runs that add up. */
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "tspan.h"
#include "agg_count.h"
#include "timespec.h"

#define N 300

static struct event evs[N];
static uint8_t trunc_[N];

/* N events of every kind: unknown, undated, two hosts, users, addresses, truncated lines. */
static void
make_events(void)
{
	static const char *const hosts[] = {"web-1", "db"};
	static const char *const users[] = {"root", "admin", "alice"};
	int i;

	memset(evs, 0, sizeof(evs));
	for (i = 0; i < N; i++) {
		struct event *ev = &evs[i];

		ev->type = i % 11 == 0 ? EV_UNKNOWN : (uint16_t)(1 + i % (EV__COUNT - 1));
		/* mostly increasing, some out of order, some without a stamp */
		ev->ts = i % 13 == 5 ? TS_NONE : 1767225600000000LL + (i * 7 % 50) * 60000000LL;
		ev->host = sp(hosts[i % 2]);
		if (i % 3 != 0)
			ev->user = sp(users[i % 3]);
		if (i % 4 != 0) {
			ev->src.af = 4;
			ev->src.a[0] = 192;
			ev->src.a[1] = 0;
			ev->src.a[2] = 2;
			ev->src.a[3] = (uint8_t)(i % 5);
		}
		trunc_[i] = i % 17 == 0;
	}
}

static void
opts_all(struct agg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->top = 10;
}

static void
count_range(const struct agg_opts *o, int lo, int hi, struct agg_count *c, uint8_t *what)
{
	int i;

	for (i = lo; i < hi; i++) {
		unsigned w = agg_count_event(c, o, &evs[i], trunc_[i]);

		if (what != NULL)
			what[i] = (uint8_t)w;
	}
}

/* Counting in two runs and adding them gives the counts of one run, for every cut. */
static int
runs_add_up(const struct agg_opts *o)
{
	struct agg_count whole, a, b;
	uint8_t w1[N], w2[N];
	int cut;

	agg_count_init(&whole);
	count_range(o, 0, N, &whole, w1);
	for (cut = 0; cut <= N; cut++) {
		agg_count_init(&a);
		agg_count_init(&b);
		count_range(o, 0, cut, &a, w2);
		count_range(o, cut, N, &b, w2);
		agg_count_add(&a, &b);
		if (memcmp(&a, &whole, sizeof(a)) != 0 || memcmp(w1, w2, sizeof(w1)) != 0)
			return 0;
	}
	return 1;
}

T(runs_add_up_under_every_filter)
{
	struct agg_opts o;

	make_events();
	opts_all(&o);
	CHECK(runs_add_up(&o));
	o.since = 1767225600000000LL + 10 * 60000000LL;
	o.until = 1767225600000000LL + 40 * 60000000LL;
	CHECK(runs_add_up(&o));
	opts_all(&o);
	o.host = "db";
	CHECK(runs_add_up(&o));
	opts_all(&o);
	o.user = "admin";
	o.have_ip = 1;
	CHECK(cidr_parse("192.0.2.0/30", &o.ip) == 0);
	CHECK(runs_add_up(&o));
}

T(what_each_line_gets)
{
	struct agg_opts o;
	struct agg_count c;
	struct event ev;

	opts_all(&o);
	o.user = "root";
	o.since = 1000;
	agg_count_init(&c);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_UNKNOWN;
	ev.ts = 2000;
	CHECK_INT(agg_count_event(&c, &o, &ev, 1), AGG_SKIP);
	ev.type = EV_INVALID_USER;
	ev.ts = TS_NONE; /* no stamp, and a time filter: outside it */
	CHECK_INT(agg_count_event(&c, &o, &ev, 0), AGG_SKIP);
	ev.ts = 500; /* before --since */
	CHECK_INT(agg_count_event(&c, &o, &ev, 0), AGG_SKIP);
	ev.ts = 3000;
	ev.user = sp("admin"); /* another user: the tracker still needs the line */
	CHECK_INT(agg_count_event(&c, &o, &ev, 0), AGG_CONN);
	ev.user = sp("root");
	CHECK_INT(agg_count_event(&c, &o, &ev, 0), AGG_ALL);
	ev.ts = 2500;
	ev.user.p = NULL; /* no user on the line: its connection decides, not counted here */
	CHECK_INT(agg_count_event(&c, &o, &ev, 0), AGG_JOIN);
	CHECK_INT(c.lines, 6);
	CHECK_INT(c.truncated, 1);
	CHECK_INT(c.unknown, 1);
	CHECK_INT(c.filtered, 3);
	CHECK_INT(c.events, 1);
	CHECK_INT(c.undated, 0);
	CHECK_INT(c.actions[EV_INVALID_USER], 1);
	CHECK_INT(c.first_line, 2000); /* of any stamped line */
	CHECK_INT(c.last_line, 2500);
	CHECK_INT(c.first, 3000); /* of counted events */
	CHECK_INT(c.last, 3000);
	/* ... and agg_count_passed counts it when its connection passes */
	agg_count_passed(&c, &ev);
	CHECK_INT(c.events, 2);
	CHECK_INT(c.actions[EV_INVALID_USER], 2);
	CHECK_INT(c.first, 2500);
}

int
main(void)
{
	T_RUN(runs_add_up_under_every_filter);
	T_RUN(what_each_line_gets);
	return T_END();
}
