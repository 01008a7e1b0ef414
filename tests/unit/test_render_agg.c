/* test_render_agg.c: the report model (agg.c) fed as cmd_report feeds it, and its reports. */
#include <stdlib.h>

#include "agg.h"
#include "agg_count.h"
#include "conn.h"
#include "event.h"
#include "render.h"
#include "strtab.h"
#include "t.h"
#include "tspan.h"
#include "tfile.h"
#include "render_fixture.h"

/* The report model: agg.c fed lines and connection records as cmd_report feeds them. */
struct run {
	struct strtab *st;
	struct agg *a;
	const struct agg_view *v;
};

static void
run_begin(struct run *r, uint64_t seed)
{
	struct agg_opts o;

	memset(&o, 0, sizeof(o));
	o.since = INT64_MIN;
	o.until = INT64_MAX;
	o.top = 10;
	o.seed = seed;
	r->st = strtab_new(seed);
	r->a = agg_new(r->st, &o);
	r->v = NULL;
	agg_file_begin(r->a, "auth.log");
}

/* One line of host (an "Invalid user" from src when src is set, else a cron line). */
static void
run_line(struct run *r, const char *host, const struct addr *src, const char *user, int64_t ts)
{
	struct event ev;

	event_clear(&ev);
	ev.ts = ts;
	ev.host = sp(host);
	ev.prog = sp(src ? "sshd" : "CRON");
	ev.pid = 1;
	ev.type = src ? EV_INVALID_USER : EV_CRON_SESSION;
	ev.outcome = src ? OUT_FAILURE : OUT_INFO;
	if (src) {
		ev.src = *src;
		ev.src_port = 1024;
	}
	if (user)
		ev.user = sp(user);
	CHECK_INT(agg_event(r->a, &ev, 0), AGG_ALL);
}

/* One failed connection from src that tried user, its line first (more: the tracker's overflow). */
static void
run_attempt(struct run *r, const struct addr *src, const char *user, int64_t ts, uint32_t more)
{
	struct conn_rec rec;

	run_line(r, "nimbus", src, user, ts);
	memset(&rec, 0, sizeof(rec));
	rec.host = strtab_intern(r->st, "nimbus", 6);
	rec.pid = 1;
	rec.src = *src;
	rec.src_port = 1024;
	rec.outcome = CO_FAILED;
	rec.start = rec.end = ts;
	rec.attempts = 1;
	rec.user = rec.users[0] = strtab_intern(r->st, user, strlen(user));
	rec.nusers = 1;
	rec.users_more = more;
	rec.lines = 1;
	agg_conn(r->a, &rec);
}

static void
run_ban(struct run *r, const struct addr *src, int64_t ts)
{
	struct event ev;

	event_clear(&ev);
	ev.ts = ts;
	ev.host = sp("nimbus");
	ev.prog = sp("fail2ban.actions");
	ev.type = EV_F2B_BAN;
	ev.src = *src;
	ev.target = sp("sshd");
	CHECK_INT(agg_event(r->a, &ev, 0), AGG_ALL);
}

static void
run_end(struct run *r)
{
	agg_file_end(r->a, NULL);
	r->v = agg_finish(r->a);
}

static void
run_free(struct run *r)
{
	agg_free(r->a);
	strtab_free(r->st);
}

static double
relerr(uint64_t est, uint64_t truth)
{
	double d = (double)est - (double)truth;

	return (d < 0 ? -d : d) / (double)truth;
}

/*
 * 150,000 distinct addresses and names, 5,000 hosts, 50,000 bans: every
 * distinct count is past its exact range, and two runs with other seeds
 * (the random seed of cmd_report) give the same counts and the same JSON.
 */
T(agg_counts_seed_independent)
{
	static const uint64_t seeds[2] = {1, 0x9e3779b97f4a7c15ULL * 12345};
	struct run r[2];
	char host[32], user[32], *json[2];
	struct addr src;
	uint32_t i;
	int k;

	for (k = 0; k < 2; k++) {
		run_begin(&r[k], seeds[k]);
		for (i = 0; i < 150000; i++) {
			int64_t ts = T0 + (int64_t)i * 1000000;

			addr4(&src, 10, (i >> 16) & 255, (i >> 8) & 255, i & 255);
			snprintf(host, sizeof(host), "host%u", i % 5000);
			snprintf(user, sizeof(user), "user%u", i);
			run_line(&r[k], host, NULL, NULL, ts);
			run_attempt(&r[k], &src, user, ts, 0);
			if (i % 3 == 0)
				run_ban(&r[k], &src, ts);
		}
		run_end(&r[k]);
		json[k] = render_to(r[k].v, JSON, k ? "seed2.json" : "seed1.json", NULL);
	}
	CHECK_INT(r[0].v->sources, r[1].v->sources);
	CHECK_INT(r[0].v->attackers_total, r[1].v->attackers_total);
	CHECK_INT(r[0].v->usernames_total, r[1].v->usernames_total);
	CHECK_INT(r[0].v->f2b_banned_addrs, r[1].v->f2b_banned_addrs);
	CHECK_INT(r[0].v->nhosts, r[1].v->nhosts);
	CHECK(relerr(r[0].v->sources, 150000) < 0.03);
	CHECK(relerr(r[0].v->attackers_total, 150000) < 0.03);
	CHECK(relerr(r[0].v->usernames_total, 150000) < 0.03);
	CHECK(relerr(r[0].v->f2b_banned_addrs, 50000) < 0.05);
	CHECK(relerr(r[0].v->nhosts, 5000) < 0.05);
	CHECK(!r[0].v->attackers_exact && !r[0].v->usernames_exact && r[0].v->hosts_approx);
	CHECK(json[0] != NULL && json[1] != NULL && strcmp(json[0], json[1]) == 0);
	for (k = 0; k < 2; k++) {
		free(json[k]);
		run_free(&r[k]);
	}
}

/* Hosts: exact up to AGG_HOSTS_EXACT, in order of appearance, then an estimate (and so marked). */
T(agg_hosts_exact_then_estimated)
{
	static const char *const first[] = {"a", "b", "a", "ab", "a", "b", "", "c", "c"};
	struct run r;
	char host[32], *out;
	size_t i, n;

	run_begin(&r, 5);
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		run_line(&r, first[i], NULL, NULL, T0);
	for (i = 0; i < AGG_HOSTS_EXACT - 4; i++) {
		snprintf(host, sizeof(host), "h%zu", i);
		run_line(&r, host, NULL, NULL, T0);
		run_line(&r, host, NULL, NULL, T0);
		run_line(&r, "a", NULL, NULL, T0);
	}
	run_end(&r);
	CHECK_INT(r.v->nhosts, AGG_HOSTS_EXACT);
	CHECK_INT(r.v->hosts_approx, 0);
	CHECK_STR(strtab_get(r.st, r.v->hosts[0], NULL), "a");
	CHECK_STR(strtab_get(r.st, r.v->hosts[1], NULL), "b");
	CHECK_STR(strtab_get(r.st, r.v->hosts[2], NULL), "ab");
	CHECK_STR(strtab_get(r.st, r.v->hosts[3], NULL), "c");
	CHECK_STR(strtab_get(r.st, r.v->hosts[4], NULL), "h0");
	CHECK_STR(strtab_get(r.st, r.v->hosts[15], NULL), "h11");
	out = render_to(r.v, JSON, "hosts.json", &n);
	CHECK(out != NULL && strstr(out, "\"hosts_total\":4096,\"hosts_exact\":true") != NULL);
	free(out);
	run_free(&r);

	run_begin(&r, 6);
	for (i = 0; i < AGG_HOSTS_EXACT + 1000; i++) {
		snprintf(host, sizeof(host), "h%zu", i);
		run_line(&r, host, NULL, NULL, T0);
	}
	run_end(&r);
	CHECK_INT(r.v->hosts_approx, 1);
	CHECK(r.v->nhosts > AGG_HOSTS_EXACT && relerr(r.v->nhosts, AGG_HOSTS_EXACT + 1000) < 0.05);
	out = render_to(r.v, TEXT, "hosts.txt", &n);
	CHECK(out != NULL && strstr(out, " (estimate)") != NULL);
	free(out);
	out = render_to(r.v, JSON, "hosts2.json", &n);
	CHECK(out != NULL && strstr(out, "\"hosts_exact\":false") != NULL);
	free(out);
	run_free(&r);
}

/* users_more: distinct names beyond the three shown, not connections; exact up to 8. */
T(agg_users_more_distinct)
{
	struct run r;
	struct addr src, other;
	char user[32];
	const struct agg_attacker *at;
	uint32_t i, k;

	addr4(&src, 192, 0, 2, 1);
	addr4(&other, 192, 0, 2, 2);
	run_begin(&r, 7);
	for (k = 0; k < 5; k++)
		run_attempt(&r, &src, "root", T0 + k, 0);
	run_attempt(&r, &src, "admin", T0 + 5, 0);
	run_attempt(&r, &src, "test", T0 + 6, 0);
	for (k = 0; k < 3; k++)
		for (i = 0; i < 8; i++) {
			snprintf(user, sizeof(user), "x%u", i);
			run_attempt(&r, &src, user, T0 + 10 + k * 8 + i, 0);
			run_attempt(&r, &other, user, T0 + 10 + k * 8 + i, 0);
		}
	run_attempt(&r, &other, "root", T0 + 40, 2); /* two names the tracker did not keep */
	run_end(&r);
	CHECK_INT(r.v->nattackers, 2);
	at = r.v->attackers[0];
	CHECK_INT(at->connections, 31);
	CHECK_STR(strtab_get(r.st, at->users[0], NULL), "root");
	CHECK_STR(strtab_get(r.st, at->users[2], NULL), "test");
	CHECK_INT(at->users_more, 8);
	at = r.v->attackers[1];
	CHECK_INT(at->connections, 25);
	CHECK_INT(at->users_more, 5 + 1 + 2); /* x3..x7 and root beyond x0..x2; the two unkept */
	run_free(&r);

	/* one more than 8: an estimate, never below what it held; then many */
	run_begin(&r, 8);
	for (i = 0; i < 12; i++) {
		snprintf(user, sizeof(user), "y%u", i);
		run_attempt(&r, &src, user, T0 + i, 0);
		run_attempt(&r, &src, user, T0 + i, 0);
	}
	run_end(&r);
	at = r.v->attackers[0];
	CHECK(at->users_more >= 9 && at->users_more <= 12);
	run_free(&r);
	run_begin(&r, 9);
	for (k = 0; k < 2; k++)
		for (i = 0; i < 2003; i++) {
			snprintf(user, sizeof(user), "z%u", i);
			run_attempt(&r, &src, user, T0 + i, 0);
		}
	run_end(&r);
	at = r.v->attackers[0];
	CHECK_INT(at->connections, 4006);
	CHECK(relerr(at->users_more, 2000) < 0.4); /* about 13% standard error */
	run_free(&r);
}

int
main(void)
{
	tf_setup("render-agg");
	T_RUN(agg_counts_seed_independent);
	T_RUN(agg_hosts_exact_then_estimated);
	T_RUN(agg_users_more_distinct);
	if (getenv("KEEP") == NULL)
		tf_teardown();
	else
		printf("kept %s\n", tf_dir);
	return T_END();
}
