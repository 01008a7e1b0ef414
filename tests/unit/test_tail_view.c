/* test_tail_view.c: authwatch tail's line format, filters, summary (injected time) and -n ring. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sshd_parse.h"
#include "t.h"
#include "tspan.h"
#include "tail_view.h"

#define SEC 1000000LL
#define T0 (1780000000LL * SEC) /* 2026-05-28T20:26:40Z, a whole minute: 20:26:40 is not */
#define M0 (1779999960LL * SEC) /* 20:26:00Z: the start of T0's minute */

static struct addr
ip(const char *s)
{
	struct addr a;

	if (addr_parse(s, strlen(s), &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

/* An event of type with its default outcome, from src:port, user (NULL: none), at T0. */
static struct event
mk(unsigned type, const char *user, const char *src, uint16_t port)
{
	struct event ev;

	event_clear(&ev);
	ev.type = (uint16_t)type;
	ev.outcome = (uint8_t)event_type_outcome(type);
	ev.ts = T0;
	if (user != NULL)
		ev.user = sp(user);
	if (src != NULL)
		ev.src = ip(src);
	ev.src_port = port;
	return ev;
}

static const char *
fmt(const struct event *ev, int color)
{
	static char buf[TV_LINE_MAX];
	size_t n = tv_format(buf, ev, T0 + 5 * SEC, color);

	if (n != strlen(buf))
		T_FAIL("tv_format returned %zu for a line of %zu bytes", n, strlen(buf));
	return buf;
}

T(format_plain)
{
	struct event ev = mk(EV_AUTH_FAILED, "oracle", "203.0.113.9", 50001);

	ev.method = M_PASSWORD;
	CHECK_STR(fmt(&ev, 0), "20:26:40 failure auth_failed            oracle           "
	                       "203.0.113.9     50001 password");
	ev = mk(EV_AUTH_ACCEPTED, "alice", "192.0.2.10", 60000);
	ev.method = M_PUBLICKEY;
	CHECK_STR(fmt(&ev, 0), "20:26:40 success auth_accepted          alice            "
	                       "192.0.2.10      60000 publickey");
	ev = mk(EV_NO_IDENT, NULL, "2001:db8::7", 4242);
	CHECK_STR(fmt(&ev, 0), "20:26:40 probe   no_identification      -                "
	                       "2001:db8::7     4242");
	ev = mk(EV_SESSION_CLOSE, "alice", NULL, 0);
	CHECK_STR(fmt(&ev, 0), "20:26:40 info    session_close          alice            -  "
	                       "             -");
	/* no time on the line (sshd -E): now's; a host name instead of an address; a count */
	ev = mk(EV_PAM_AUTH_FAILURE, "", NULL, 0);
	ev.ts = TS_NONE;
	ev.src_host = sp("evil.example");
	ev.count = 3;
	CHECK_STR(fmt(&ev, 0), "20:26:45 failure pam_auth_failure       \"\"               "
	                       "evil.example    - x3");
}

T(format_color)
{
	static const struct {
		unsigned type;
		const char *want;
	} c[] = {
	    {EV_AUTH_ACCEPTED, "20:26:40 \033[32msuccess\033[0m auth_accepted "},
	    {EV_AUTH_FAILED, "20:26:40 \033[31mfailure\033[0m auth_failed "},
	    {EV_PREAUTH_TIMEOUT, "20:26:40 \033[33mprobe\033[0m   preauth_timeout "},
	    {EV_CONN_CLOSED, "20:26:40 \033[2minfo\033[0m    connection_closed "},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct event ev = mk(c[i].type, "u", "192.0.2.1", 22);
		const char *s = fmt(&ev, 1);

		if (strncmp(s, c[i].want, strlen(c[i].want)) != 0)
			T_FAIL("colour line %zu: \"%s\"", i, s);
		s = fmt(&ev, 0);
		CHECK(strchr(s, '\033') == NULL);
	}
}

T(format_hostile_user)
{
	struct event ev = mk(EV_INVALID_USER, "\033]0;x\007<", "203.0.113.9", 50002);
	const char *s;

	/* an OSC title sequence and a '<': shown as text, no escape byte reaches the terminal */
	s = fmt(&ev, 0);
	CHECK_STR(s, "20:26:40 failure invalid_user           \\x1b]0;x\\x07<    203.0.113.9     "
	             "50002");
	CHECK(strchr(fmt(&ev, 1), '\007') == NULL);
	/* invalid UTF-8 as U+FFFD, a C1 control and a bidi override as \u, '\' doubled */
	ev.user = sp("a\xff\xc3(\xc2\x9b\xe2\x80\xae\\");
	CHECK_STR(fmt(&ev, 0),
	          "20:26:40 failure invalid_user           "
	          "a\xef\xbf\xbd\xef\xbf\xbd(\\u009b\\u202e\\\\ 203.0.113.9     50002");
	/* a user name that plays at being the next columns: its spaces are escaped */
	ev.user = sp("x 192.0.2.66 22");
	CHECK_STR(fmt(&ev, 0), "20:26:40 failure invalid_user           x\\x20192.0.2.66\\x2022 "
	                       "203.0.113.9     50002");
	/* a long one is cut to 32 columns, the last one an ellipsis */
	ev.user = sp("abcdefghijklmnopqrstuvwxyz0123456789");
	CHECK_STR(fmt(&ev, 0), "20:26:40 failure invalid_user           "
	                       "abcdefghijklmnopqrstuvwxyz01234\xe2\x80\xa6 203.0.113.9     50002");
	/* exactly 32 columns: kept whole */
	ev.user = sp("abcdefghijklmnopqrstuvwxyz012345");
	CHECK_STR(fmt(&ev, 0), "20:26:40 failure invalid_user           "
	                       "abcdefghijklmnopqrstuvwxyz012345 203.0.113.9     50002");
	/* the worst case fits the buffer */
	{
		char big[4096];

		memset(big, 0x01, sizeof(big));
		ev.user = (struct span){big, sizeof(big)};
		ev.src_host = ev.user;
		ev.src.af = 0;
		ev.count = UINT32_MAX;
		ev.method = M_KBDINT_BSDAUTH;
		CHECK(strlen(fmt(&ev, 1)) < TV_LINE_MAX - 1);
	}
}

T(format_parsed)
{
	struct hdr_ctx ctx;
	struct event ev;
	const char *line = "2026-05-28T20:26:40Z bastion sshd[7]: Failed password for invalid user "
	                   "x from 192.0.2.66 port 22 from 198.51.100.1 port 4242 ssh2";

	hdr_ctx_init(&ctx, T0 / SEC);
	sshd_parse_line(&ctx, line, strlen(line), &ev);
	/* the address is sshd's own field, the crafted user name one escaped (and cut) column */
	CHECK_STR(fmt(&ev, 0),
	          "20:26:40 failure auth_failed            "
	          "x\\x20from\\x20192.0.2.66\\x20port\xe2\x80\xa6 198.51.100.1    4242 "
	          "password");
}

T(filter)
{
	struct tv_filter f;
	struct event fail = mk(EV_AUTH_FAILED, "root", "203.0.113.9", 1);
	struct event ok = mk(EV_AUTH_ACCEPTED, "alice", "192.0.2.10", 2);
	struct event probe = mk(EV_NO_IDENT, NULL, "198.51.100.7", 3);
	struct event info = mk(EV_SESSION_CLOSE, "alice", NULL, 0);
	struct event unk = mk(EV_UNKNOWN, NULL, NULL, 0);

	memset(&f, 0, sizeof(f));
	CHECK_INT(tv_filter_match(&f, &fail), 1);
	CHECK_INT(tv_filter_match(&f, &info), 1);
	CHECK_INT(tv_filter_match(&f, &unk), 0);

	CHECK_INT(tv_filter_only(&f, "failure,probe"), 0);
	CHECK_INT(tv_filter_match(&f, &fail), 1);
	CHECK_INT(tv_filter_match(&f, &probe), 1);
	CHECK_INT(tv_filter_match(&f, &ok), 0);
	CHECK_INT(tv_filter_match(&f, &info), 0);
	CHECK_INT(tv_filter_only(&f, "success"), 0); /* repeated: the union */
	CHECK_INT(tv_filter_match(&f, &ok), 1);
	CHECK_INT(tv_filter_only(&f, "failure,"), -1);
	CHECK_INT(tv_filter_only(&f, ""), -1);
	CHECK_INT(tv_filter_only(&f, "failures"), -1);
	CHECK_INT(tv_filter_only(&f, "info,bogus"), -1);
	CHECK_INT(tv_filter_match(&f, &info), 0); /* a bad list changed nothing */
	tv_filter_free(&f);

	tv_filter_user(&f, "root");
	tv_filter_user(&f, "alice");
	CHECK_INT(tv_filter_match(&f, &fail), 1);
	CHECK_INT(tv_filter_match(&f, &ok), 1);
	CHECK_INT(tv_filter_match(&f, &probe), 0); /* no user */
	fail.user = sp("roo");
	CHECK_INT(tv_filter_match(&f, &fail), 0);
	fail.user = sp("rooty");
	CHECK_INT(tv_filter_match(&f, &fail), 0);
	fail.user = sp("root");
	tv_filter_free(&f);

	CHECK_INT(tv_filter_ip(&f, "203.0.113.0/24"), 0);
	CHECK_INT(tv_filter_ip(&f, "192.0.2.10"), 0);
	CHECK_INT(tv_filter_ip(&f, "203.0.113.0/33"), -1);
	CHECK_INT(tv_filter_ip(&f, "alice"), -1);
	CHECK_INT((long long)f.nnets, 2);
	CHECK_INT(tv_filter_match(&f, &fail), 1);
	CHECK_INT(tv_filter_match(&f, &ok), 1);
	CHECK_INT(tv_filter_match(&f, &probe), 0);
	CHECK_INT(tv_filter_match(&f, &info), 0); /* no address */
	/* all together: AND between kinds */
	CHECK_INT(tv_filter_only(&f, "failure"), 0);
	tv_filter_user(&f, "root");
	CHECK_INT(tv_filter_match(&f, &fail), 1);
	CHECK_INT(tv_filter_match(&f, &ok), 0);
	fail.src = ip("203.0.114.1");
	CHECK_INT(tv_filter_match(&f, &fail), 0);
	tv_filter_free(&f);
	CHECK(f.users == NULL && f.nets == NULL && f.outcomes == 0);
}

T(summary_rate)
{
	struct tv_summary *s = tv_summary_new(1);
	struct tv_stats st;
	struct addr none;

	memset(&none, 0, sizeof(none));
	tv_summary_get(s, T0, &st);
	CHECK_INT(st.per_min, 0);
	CHECK_INT(st.sources, 0);
	CHECK_INT(st.top.af, 0);
	/* 3 at T0, 2 at T0+30s, 1 at T0+59s (no address: the rate only) */
	tv_summary_add(s, &none, 3, T0);
	tv_summary_add(s, &none, 2, T0 + 30 * SEC + SEC / 2);
	tv_summary_add(s, &none, 1, T0 + 59 * SEC);
	tv_summary_get(s, T0 + 59 * SEC, &st);
	CHECK_INT(st.per_min, 6);
	CHECK_INT(st.sources, 0);
	tv_summary_get(s, T0 + 59 * SEC + SEC - 1, &st); /* still in T0+59's second */
	CHECK_INT(st.per_min, 6);
	tv_summary_get(s, T0 + 60 * SEC, &st); /* T0's second left the window */
	CHECK_INT(st.per_min, 3);
	tv_summary_get(s, T0 + 90 * SEC, &st);
	CHECK_INT(st.per_min, 1);
	tv_summary_get(s, T0 + 119 * SEC, &st);
	CHECK_INT(st.per_min, 0);
	/* not yet: attempts after now do not count */
	tv_summary_get(s, T0 + 29 * SEC, &st);
	CHECK_INT(st.per_min, 3);
	/* the same second again 60 s later replaces the old one in the ring */
	tv_summary_add(s, &none, 5, T0 + 60 * SEC);
	tv_summary_get(s, T0 + 60 * SEC, &st);
	CHECK_INT(st.per_min, 8);
	/* an attempt older than the ring holds is dropped, not added to a newer second */
	tv_summary_add(s, &none, 100, T0);
	tv_summary_get(s, T0 + 60 * SEC, &st);
	CHECK_INT(st.per_min, 8);
	tv_summary_free(s);
}

T(summary_sources)
{
	struct tv_summary *s = tv_summary_new(2);
	struct tv_stats st;
	struct addr a = ip("203.0.113.9"), b = ip("198.51.100.7"), c = ip("2001:db8::1");
	char txt[ADDR_STRLEN];

	tv_summary_add(s, &a, 1, M0);
	tv_summary_add(s, &a, 4, M0 + 5 * 60 * SEC);
	tv_summary_add(s, &b, 3, M0 + 6 * 60 * SEC);
	tv_summary_add(s, &c, 2, M0 + 9 * 60 * SEC + 59 * SEC);
	tv_summary_get(s, M0 + 9 * 60 * SEC + 59 * SEC, &st);
	CHECK_INT(st.sources, 3);
	CHECK_INT(st.sources_exact, 1);
	CHECK_INT(st.top_count, 5);
	addr_format(&st.top, txt);
	CHECK_STR(txt, "203.0.113.9");
	/* M0's minute leaves the window: a has 4 left, still the top */
	tv_summary_get(s, M0 + 10 * 60 * SEC, &st);
	CHECK_INT(st.sources, 3);
	CHECK_INT(st.top_count, 4);
	/* b catches up: a tie goes to the most recently seen */
	tv_summary_add(s, &b, 1, M0 + 10 * 60 * SEC + SEC);
	tv_summary_get(s, M0 + 10 * 60 * SEC + SEC, &st);
	CHECK_INT(st.top_count, 4);
	addr_format(&st.top, txt);
	CHECK_STR(txt, "198.51.100.7");
	/* a's last attempt (minute 5) leaves at minute 15 */
	tv_summary_get(s, M0 + 15 * 60 * SEC, &st);
	CHECK_INT(st.sources, 2);
	addr_format(&st.top, txt);
	CHECK_STR(txt, "198.51.100.7");
	/* an attempt out of order, inside the window, still counts */
	tv_summary_add(s, &c, 10, M0 + 14 * 60 * SEC);
	tv_summary_get(s, M0 + 15 * 60 * SEC, &st);
	CHECK_INT(st.top_count, 12);
	addr_format(&st.top, txt);
	CHECK_STR(txt, "2001:db8::1");
	/* everything gone after ten quiet minutes; the table is reusable */
	tv_summary_get(s, M0 + 30 * 60 * SEC, &st);
	CHECK_INT(st.sources, 0);
	CHECK_INT(st.top.af, 0);
	CHECK_INT(st.top_count, 0);
	tv_summary_add(s, &a, 1, M0 + 30 * 60 * SEC);
	tv_summary_get(s, M0 + 30 * 60 * SEC, &st);
	CHECK_INT(st.sources, 1);
	CHECK_INT(st.top_count, 1);
	tv_summary_free(s);
}

T(summary_full)
{
	struct tv_summary *s = tv_summary_new(3);
	struct tv_stats st;
	struct addr a;
	uint32_t i;

	memset(&a, 0, sizeof(a));
	a.af = 4;
	/* TV_SRC_MAX sources at minute 0, then one more at minute 1: the stalest goes */
	for (i = 0; i < TV_SRC_MAX; i++) {
		a.a[0] = 10;
		a.a[1] = (uint8_t)(i >> 16);
		a.a[2] = (uint8_t)(i >> 8);
		a.a[3] = (uint8_t)i;
		tv_summary_add(s, &a, i == 7 ? 9 : 1, M0 + (int64_t)i);
	}
	tv_summary_get(s, M0 + 59 * SEC, &st);
	CHECK_INT(st.sources, TV_SRC_MAX);
	CHECK_INT(st.sources_exact, 1);
	CHECK_INT(st.top_count, 9);
	a.a[0] = 11;
	tv_summary_add(s, &a, 1, M0 + 60 * SEC);
	tv_summary_get(s, M0 + 60 * SEC, &st);
	CHECK_INT(st.sources, TV_SRC_MAX);
	CHECK_INT(st.sources_exact, 0);
	CHECK_INT(st.top_count, 9);
	/* a source in the window was dropped: inexact until its minute has left it */
	tv_summary_get(s, M0 + 10 * 60 * SEC, &st);
	CHECK_INT(st.sources, 1);
	CHECK_INT(st.sources_exact, 1);
	/* once the old ones expired, new ones take their place without loss */
	for (i = 0; i < 100; i++) {
		a.a[0] = 12;
		a.a[3] = (uint8_t)i;
		tv_summary_add(s, &a, 1, M0 + 10 * 60 * SEC);
	}
	tv_summary_get(s, M0 + 10 * 60 * SEC, &st);
	CHECK_INT(st.sources, 101);
	CHECK_INT(st.sources_exact, 1);
	tv_summary_free(s);
}

/* Against a plain model: many sources (long probe runs, deletions mid-run), random counts. */
T(summary_model)
{
	enum { NADDR = 6000, NOPS = 20000, NSEC = 2 * NOPS + 1 };
	struct tv_summary *s = tv_summary_new(4);
	uint32_t(*cnt)[NSEC / 60 + 1] = calloc(NADDR, sizeof(*cnt));
	uint64_t *sec = calloc(NSEC, sizeof(*sec));
	uint64_t rng = 42;
	int64_t t = 0;
	int op, bad = 0;

	for (op = 0; op < NOPS && cnt != NULL && sec != NULL; op++) {
		struct addr a;
		uint32_t idx, n;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		idx = (uint32_t)(rng >> 33) % (op < NOPS / 2 ? NADDR : 50); /* then few: purges */
		n = 1 + (uint32_t)(rng >> 20) % 3;
		t += (rng >> 40) % 10 == 0; /* about 6000 sources in a window: long probe runs */
		memset(&a, 0, sizeof(a));
		a.af = 4;
		a.a[0] = 10;
		a.a[2] = (uint8_t)(idx >> 8);
		a.a[3] = (uint8_t)idx;
		tv_summary_add(s, &a, n, M0 + t * SEC);
		cnt[idx][t / 60] += n;
		sec[t] += n;
		if (op % 97 == 0) {
			struct tv_stats st;
			uint64_t rate = 0, top = 0, c;
			uint32_t srcs = 0, i;
			int64_t k, m = t / 60;

			tv_summary_get(s, M0 + t * SEC, &st);
			for (k = t; k > t - 60 && k >= 0; k--)
				rate += sec[k];
			for (i = 0; i < NADDR; i++) {
				for (c = 0, k = m; k > m - TV_SRC_SLOTS && k >= 0; k--)
					c += cnt[i][k];
				srcs += c > 0;
				top = c > top ? c : top;
			}
			if (st.per_min != rate || st.sources != srcs || st.top_count != top ||
			    !st.sources_exact) {
				if (bad++ == 0)
					T_FAIL("op %d: per_min %llu (model %llu), sources %u (%u), "
					       "top %llu (%llu)",
					       op, (unsigned long long)st.per_min,
					       (unsigned long long)rate, st.sources, srcs,
					       (unsigned long long)st.top_count,
					       (unsigned long long)top);
			}
		}
	}
	CHECK(cnt != NULL && sec != NULL);
	CHECK_INT(bad, 0); /* the first mismatch was printed */
	free(cnt);
	free(sec);
	tv_summary_free(s);
}

T(summary_format)
{
	struct tv_stats st;
	char buf[TV_SUM_MAX];
	size_t n;

	memset(&st, 0, sizeof(st));
	st.sources_exact = 1;
	n = tv_summary_format(buf, &st, 0, 0);
	CHECK_STR(buf, "-- 0 attempts/min | 0 sources/10min | top - --");
	CHECK_INT(n, strlen(buf));
	st.per_min = 12;
	st.sources = 37;
	st.top = ip("203.0.113.9");
	st.top_count = 48;
	tv_summary_format(buf, &st, 120, 0);
	CHECK_STR(buf, "-- 12 attempts/min | 37 sources/10min | top 203.0.113.9 (48) --");
	st.sources_exact = 0;
	tv_summary_format(buf, &st, 120, 0);
	CHECK_STR(buf, "-- 12 attempts/min | 37+ sources/10min | top 203.0.113.9 (48) --");
	/* never as wide as the terminal: it would wrap */
	n = tv_summary_format(buf, &st, 21, 0);
	CHECK_STR(buf, "-- 12 attempts/min |");
	CHECK_INT(n, 20);
	n = tv_summary_format(buf, &st, 1, 1);
	CHECK_STR(buf, "");
	CHECK_INT(n, 0);
	n = tv_summary_format(buf, &st, 21, 1);
	CHECK_STR(buf, "\033[7m-- 12 attempts/min |\033[0m");
	CHECK_INT(n, strlen(buf));
	st.top = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	st.top_count = UINT64_MAX;
	st.per_min = UINT64_MAX;
	st.sources = UINT32_MAX;
	n = tv_summary_format(buf, &st, 0, 1);
	CHECK(n < TV_SUM_MAX && n == strlen(buf));
	CHECK(strcmp(buf + n - 4, "\033[0m") == 0);
}

T(ring)
{
	struct tv_ring r;
	char line[8];
	const char *p;
	size_t i, len;

	tv_ring_init(&r, 3);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "L%zu", i);
		tv_ring_push(&r, line, strlen(line));
	}
	CHECK_INT(r.n, 3);
	p = tv_ring_get(&r, 0, &len);
	CHECK_SPAN(p, len, "L2");
	p = tv_ring_get(&r, 2, &len);
	CHECK_SPAN(p, len, "L4");
	tv_ring_clear(&r);
	CHECK_INT(r.n, 0);
	tv_ring_push(&r, "x", 1);
	p = tv_ring_get(&r, 0, &len);
	CHECK_SPAN(p, len, "x");
	tv_ring_free(&r);
	tv_ring_init(&r, 0); /* -n 0 keeps nothing */
	tv_ring_push(&r, "x", 1);
	CHECK_INT(r.n, 0);
	tv_ring_free(&r);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	T_RUN(format_plain);
	T_RUN(format_color);
	T_RUN(format_hostile_user);
	T_RUN(format_parsed);
	T_RUN(filter);
	T_RUN(summary_rate);
	T_RUN(summary_sources);
	T_RUN(summary_full);
	T_RUN(summary_model);
	T_RUN(summary_format);
	T_RUN(ring);
	return T_END();
}
