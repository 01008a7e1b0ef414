/* test_syslog_hdr.c: unit tests of the line header parser and year inference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syslog_hdr.h"
#include "t.h"

#define US 1000000LL

/* The last parsed line, copied to exactly len bytes so that ASan sees over-reads. */
static char *t_buf;

/* Checks the invariants of any parse result of line[0..len). */
static void
check_invariants(const char *line, size_t len, int rc, const struct hdr *h)
{
	const char *e = line + len;

	if (rc != 0 && rc != -1)
		T_FAIL("rc %d", rc);
	if (rc == -1 && (h->fmt != HDR_NONE || h->ts != INT64_MIN || h->host != NULL ||
	                 h->prog != NULL || h->pid != 0 || h->msg != line || h->msg_len != len))
		T_FAIL("rc -1 but fields set");
	if (rc == 0 && (h->fmt == HDR_NONE || h->fmt > HDR_F2B))
		T_FAIL("rc 0 but fmt %d", h->fmt);
	if (h->msg < line || h->msg > e || h->msg + h->msg_len != e)
		T_FAIL("msg is not the rest of the line");
	if (h->host != NULL && (h->host < line || h->host + h->host_len > h->msg || !h->host_len))
		T_FAIL("host outside the header");
	if (h->host == NULL && h->host_len != 0)
		T_FAIL("host NULL with a length");
	if (h->prog != NULL && (h->prog < line || h->prog + h->prog_len > h->msg || !h->prog_len))
		T_FAIL("prog outside the header");
	if (h->prog == NULL && h->prog_len != 0)
		T_FAIL("prog NULL with a length");
}

static int
parse_n(struct hdr_ctx *ctx, const char *s, size_t n, struct hdr *h)
{
	int rc;

	free(t_buf);
	t_buf = malloc(n ? n : 1);
	if (t_buf == NULL)
		abort();
	if (n)
		memcpy(t_buf, s, n);
	memset(h, 0xA5, sizeof(*h));
	rc = hdr_parse(ctx, t_buf, n, h);
	check_invariants(t_buf, n, rc, h);
	return rc;
}

static int
parse(struct hdr_ctx *ctx, const char *s, struct hdr *h)
{
	return parse_n(ctx, s, strlen(s), h);
}

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* 2024-06-01T00:00:00Z */
#define ANCHOR_JUN2024 1717200000

T(bsd_basic)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 nimbus sshd[52959]: Accepted publickey for x", &h),
	          0);
	CHECK_INT(h.fmt, HDR_BSD);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(h.pid, 52959);
	CHECK_SPAN(h.msg, h.msg_len, "Accepted publickey for x");
	CHECK_INT(ctx.year, 2024);
	CHECK_INT(ctx.last_mon, 5);
}

T(bsd_day_forms)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "May  1 07:07:22 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1714547242 * US);
	CHECK_SPAN(h.msg, h.msg_len, "a");
	CHECK_INT(parse(&ctx, "May 1 07:07:22 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1714547242 * US);
	CHECK_SPAN(h.host, h.host_len, "h");
	CHECK_SPAN(h.msg, h.msg_len, "b");
	CHECK_INT(parse(&ctx, "May 01 07:07:22 h sshd[1]: c", &h), 0);
	CHECK_INT(h.ts, 1714547242 * US);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 h sshd[1]: d", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US);
}

T(bsd_pri_and_precise)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "<38>May 31 07:07:22 nimbus sshd[7]: x y", &h), 0);
	CHECK_INT(h.fmt, HDR_BSD);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_INT(h.pid, 7);
	CHECK_SPAN(h.msg, h.msg_len, "x y");
	CHECK_INT(parse(&ctx, "<0>May 31 07:07:22 nimbus sshd: x", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_INT(parse(&ctx, "<191>May 31 07:07:22 nimbus sshd: x", &h), 0);
	CHECK_INT(parse(&ctx, "<192>May 31 07:07:22 nimbus sshd: x", &h), -1);
	CHECK_INT(parse(&ctx, "<1234>May 31 07:07:22 nimbus sshd: x", &h), -1);
	CHECK_INT(parse(&ctx, "<>May 31 07:07:22 nimbus sshd: x", &h), -1);
	CHECK_INT(parse(&ctx, "<38>", &h), -1);
	CHECK_INT(parse(&ctx, "<38", &h), -1);

	CHECK_INT(parse(&ctx, "May 31 07:07:22.123456 nimbus sshd[52959]: m", &h), 0);
	CHECK_INT(h.fmt, HDR_BSD);
	CHECK_INT(h.ts, 1717139242 * US + 123456);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_SPAN(h.msg, h.msg_len, "m");
	CHECK_INT(parse(&ctx, "May 31 07:07:22.5 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US + 500000);
	CHECK_INT(parse(&ctx, "May 31 07:07:22.123456789 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US + 123456);
	CHECK_INT(parse(&ctx, "May 31 07:07:22. nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "May 31 07:07:22.12x nimbus sshd[1]: m", &h), -1);
}

T(bsd_local_time)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("Europe/Berlin");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717132042 * US);
	/* the cached hour, other minute and second */
	CHECK_INT(parse(&ctx, "May 31 07:59:59.000001 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, (1717132042 + 52 * 60 + 37) * US + 1);
	set_tz("UTC");
}

T(year_new_year)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, 1735819200); /* 2025-01-02T12:00:00Z */
	CHECK_INT(parse(&ctx, "Dec 30 23:59:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1735603140 * US);
	CHECK_INT(ctx.year, 2024);
	CHECK_INT(parse(&ctx, "Dec 31 10:00:00 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1735639200 * US);
	CHECK_INT(parse(&ctx, "Jan  1 00:00:01 h sshd[1]: c", &h), 0);
	CHECK_INT(h.ts, 1735689601 * US);
	CHECK_INT(ctx.year, 2025);
	CHECK_INT(ctx.last_mon, 1);
	CHECK_INT(parse(&ctx, "Jan  2 08:00:00 h sshd[1]: d", &h), 0);
	CHECK_INT(h.ts, 1735804800 * US);
	/* a bare line in between changes nothing */
	CHECK_INT(parse(&ctx, "Invalid user x from 1.2.3.4 port 22", &h), -1);
	CHECK_INT(ctx.year, 2025);
}

T(year_same_year)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "Mar  1 00:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1709251200 * US);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_INT(ctx.year, 2024);

	/* a first stamp after the anchor is last year's */
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "Jul  1 00:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1688169600 * US);
	CHECK_INT(ctx.year, 2023);

	/* exactly at the anchor: this year; one second later: last year */
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "Jun  1 00:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1717200000LL * US);
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "Jun  1 00:00:01 h sshd[1]: a", &h), 0);
	CHECK_INT(ctx.year, 2023);

	/* months going back by six or less do not change the year */
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 h sshd[1]: a", &h), 0);
	CHECK_INT(parse(&ctx, "Mar  1 00:00:00 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1709251200 * US);
	CHECK_INT(ctx.year, 2024);
	CHECK_INT(ctx.last_mon, 3);
}

T(year_late_line)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, 1735819200); /* 2025-01-02T12:00:00Z */
	CHECK_INT(parse(&ctx, "Jan  1 00:00:01 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1735689601 * US);
	CHECK_INT(ctx.year, 2025);
	CHECK_INT(parse(&ctx, "Dec 31 10:00:00 h sshd[1]: late", &h), 0);
	CHECK_INT(h.ts, 1735639200 * US);
	CHECK_INT(ctx.year, 2025);
	CHECK_INT(ctx.last_mon, 1);
	CHECK_INT(parse(&ctx, "Jan  2 08:00:00 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1735804800 * US);
	CHECK_INT(ctx.year, 2025);
}

/*
 * A stamp equal to the last BSD line's is not parsed again: the results must
 * be those of a full parse (here: of the same stamp with ".000000", a shape
 * that is never cached, in a second context) through year changes, late
 * lines, other formats in between, other hosts and a new context.
 */
T(repeated_stamps)
{
	static const char *const stamps[] = {
	    "Dec 30 23:59:00",
	    "Dec 30 23:59:00",
	    "Dec 31 10:00:00",
	    "Jan 01 00:00:01",
	    "Jan 01 00:00:01",
	    "Dec 31 10:00:00",
	    "Dec 31 10:00:00",
	    "-",
	    "Jan 01 00:00:01",
	    "Jan  2 08:00:00",
	    "Jan  2 08:00:00",
	    "Jul 10 00:00:00",
	    "Jul 10 00:00:00",
	    "Jan  2 08:00:00",
	    "Jan  2 08:00:00",
	    "Feb 29 12:00:00",
	    "Feb 29 12:00:00",
	    "Dec 31 23:59:60",
	    "Dec 31 23:59:60",
	    "Jan  2 08:00:00",
	    /* other shapes in between move the year on: the cached stamp must not stay */
	    "Dec 31 10:00:00",
	    "Jan 01 00:00:01.5",
	    "May 01 00:00:00.5",
	    "Sep  1 00:00:00.5",
	    "Dec 1 00:00:00",
	    "Dec 31 10:00:00",
	    "Dec 31 10:00:00",
	};
	static const char *const tails[] = {
	    "h sshd[1]: a", "other-host sshd[22]: b", "h2 CRON[333]: c", "h: d", "", "h"};
	struct hdr_ctx c1, c2;
	struct hdr h1, h2;
	char l1[128], l2[128];
	size_t i, round;
	int r1, r2;

	set_tz("Europe/Berlin");
	for (round = 0; round < 2; round++) {
		hdr_ctx_init(&c1, round ? ANCHOR_JUN2024 : 1735819200);
		hdr_ctx_init(&c2, round ? ANCHOR_JUN2024 : 1735819200);
		for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
			const char *t = tails[i % 6];

			if (strcmp(stamps[i], "-") == 0) {
				snprintf(l1, sizeof(l1), "2024-05-31T07:07:22Z h sshd[1]: x");
				snprintf(l2, sizeof(l2), "2024-05-31T07:07:22Z h sshd[1]: x");
			} else {
				snprintf(l1, sizeof(l1), "%s %s", stamps[i], t);
				snprintf(l2, sizeof(l2), "%s%s %s", stamps[i],
				         strlen(stamps[i]) == 15 ? ".000000" : "", t);
			}
			r1 = parse(&c1, l1, &h1);
			r2 = parse(&c2, l2, &h2);
			CHECK_INT(r1, r2);
			CHECK_INT(h1.ts, h2.ts);
			CHECK_INT(h1.fmt, h2.fmt);
			CHECK_INT(h1.host_len, h2.host_len);
			CHECK_INT(h1.prog_len, h2.prog_len);
			CHECK_INT(h1.pid, h2.pid);
			CHECK_INT(h1.msg_len, h2.msg_len);
			CHECK_INT(c1.year, c2.year);
			CHECK_INT(c1.last_mon, c2.last_mon);
			if (t_failed_now) {
				T_FAIL("round %zu line %zu: %s", round, i, l1);
				return;
			}
		}
		/* "Feb 29" and "23:59:60" are accepted; the one-digit day and junk are not cached
		 */
		CHECK_INT(parse(&c1, "Jan 2 08:00:00 h sshd[1]: a", &h1), 0);
		CHECK_INT(parse(&c1, "Jan 2 08:00:00 h sshd[1]: a", &h2), 0);
		CHECK_INT(h1.ts, h2.ts);
		CHECK_INT(parse(&c1, "Jan 32 08:00:00 h sshd[1]: a", &h1), -1);
	}
	/* the same stamp in a new context (another anchor) gets that context's year */
	hdr_ctx_init(&c1, 1735819200);
	CHECK_INT(parse(&c1, "Jul 10 00:00:00 h sshd[1]: a", &h1), 0);
	hdr_ctx_init(&c1, ANCHOR_JUN2024);
	CHECK_INT(parse(&c1, "Jul 10 00:00:00 h sshd[1]: a", &h2), 0);
	CHECK_INT(h1.ts - h2.ts, 366LL * 86400 * US);
	set_tz("UTC");
}

T(year_leap_day)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, 1710460800); /* 2024-03-15T00:00:00Z */
	CHECK_INT(parse(&ctx, "Feb 29 12:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1709208000 * US);
	CHECK_INT(parse(&ctx, "Mar  1 00:00:00 h sshd[1]: b", &h), 0);
	CHECK_INT(h.ts, 1709251200 * US);
	CHECK_INT(parse(&ctx, "Feb 30 12:00:00 h sshd[1]: a", &h), -1);
	/* in a common year Feb 29 is still a header, normalised to Mar 1 */
	hdr_ctx_init(&ctx, 1678838400); /* 2023-03-15T00:00:00Z */
	CHECK_INT(parse(&ctx, "Feb 29 12:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1677672000 * US);
	CHECK_INT(parse(&ctx, "2024-02-29T12:00:00Z h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1709208000 * US);
	CHECK_INT(parse(&ctx, "2023-02-29T12:00:00Z h sshd[1]: a", &h), -1);
	CHECK_INT(parse(&ctx, "2100-02-29T12:00:00Z h sshd[1]: a", &h), -1);
	CHECK_INT(parse(&ctx, "2000-02-29T12:00:00Z h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 951825600 * US);
}

T(dst_berlin)
{
	struct hdr_ctx ctx;
	struct hdr h;
	int64_t t;

	set_tz("Europe/Berlin");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	/* spring forward: 2024-03-31 02:00 CET -> 03:00 CEST (01:00Z) */
	CHECK_INT(parse(&ctx, "Mar 31 01:59:59 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1711846799 * US);
	CHECK_INT(parse(&ctx, "Mar 31 03:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1711846800 * US);
	CHECK_INT(parse(&ctx, "Mar 31 03:30:15 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, (1711846800 + 30 * 60 + 15) * US);
	/* the hour that does not exist: either reading is fine */
	CHECK_INT(parse(&ctx, "Mar 31 02:30:00 h sshd[1]: a", &h), 0);
	t = h.ts / US;
	CHECK(t == 1711845000 || t == 1711848600);
	/* fall back: 2024-10-27 03:00 CEST -> 02:00 CET (01:00Z) */
	hdr_ctx_init(&ctx, 1730419200); /* 2024-11-01T00:00:00Z */
	CHECK_INT(parse(&ctx, "Oct 27 01:59:59 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1729987199 * US);
	CHECK_INT(parse(&ctx, "Oct 27 02:30:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1729989000 * US); /* the repeated hour: the first one */
	CHECK_INT(parse(&ctx, "Oct 27 03:00:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1729994400 * US);
	/* the same answer whatever was converted before */
	CHECK_INT(parse(&ctx, "Oct 27 02:30:00 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, 1729989000 * US);
	hdr_ctx_init(&ctx, 1730419200);
	CHECK_INT(parse(&ctx, "Oct 27 02:59:59 h sshd[1]: a", &h), 0);
	CHECK_INT(h.ts, (1729989000 + 29 * 60 + 59) * US);
	/* Fail2Ban stamps are local time too */
	CHECK_INT(parse(&ctx, "2024-10-27 02:30:00,250 fail2ban.actions [1]: NOTICE x", &h), 0);
	CHECK_INT(h.ts, 1729989000 * US + 250000);
	set_tz("UTC");
}

T(rfc3339)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("Europe/Berlin"); /* must not matter */
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(
	    parse(&ctx, "2024-05-31T07:07:22.123456+02:00 nimbus sshd[52959]: Accepted x", &h), 0);
	CHECK_INT(h.fmt, HDR_RFC3339);
	CHECK_INT(h.ts, 1717132042 * US + 123456);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(h.pid, 52959);
	CHECK_SPAN(h.msg, h.msg_len, "Accepted x");
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22Z nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_INT(parse(&ctx, "2024-05-31t07:07:22z nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22.003Z nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US + 3000);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22-05:30 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717159042 * US);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22.1+00:00 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US + 100000);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22.123456789Z nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717139242 * US + 123456);
	/* journalctl -o short-iso and short-iso-precise */
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+0000 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.fmt, HDR_RFC3339);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+0200 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717132042 * US);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22.654321+0200 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717132042 * US + 654321);
	CHECK_SPAN(h.msg, h.msg_len, "m");
	/* without an offset: local time */
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22 nimbus sshd[1]: m", &h), 0);
	CHECK_INT(h.ts, 1717132042 * US);
	/* broken ones */
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+02 nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+02:0 nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+24:00 nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22+02:00x nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22.Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-13-31T07:07:22Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-04-31T07:07:22Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T24:07:22Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:60:22Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31X07:07:22Z nimbus sshd[1]: m", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22Z", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31T07:07:22", &h), -1);
	CHECK_INT(parse(&ctx, "2024-05-31", &h), -1);
	set_tz("UTC");
}

T(rfc5424)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(
	    parse(&ctx, "<38>1 2024-05-31T07:07:22.003Z nimbus sshd 52959 - - Accepted x", &h), 0);
	CHECK_INT(h.fmt, HDR_RFC5424);
	CHECK_INT(h.ts, 1717139242 * US + 3000);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(h.pid, 52959);
	CHECK_SPAN(h.msg, h.msg_len, "Accepted x");

	CHECK_INT(
	    parse(&ctx,
	          "<165>1 2024-05-31T09:07:22+02:00 mymachine.example.com sshd-session 7 ID47 "
	          "[exampleSDID@32473 iut=\"3\" eventSource=\"Appl\\]ication\" "
	          "eventID=\"1011\"][examplePriority@32473 class=\"high\"] Failed password",
	          &h),
	    0);
	CHECK_INT(h.ts, 1717139242 * US);
	CHECK_SPAN(h.host, h.host_len, "mymachine.example.com");
	CHECK_SPAN(h.prog, h.prog_len, "sshd-session");
	CHECK_INT(h.pid, 7);
	CHECK_SPAN(h.msg, h.msg_len, "Failed password");

	/* escaped quote and backslash in a value, ']' inside quotes */
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h a 1 - [x@1 v=\"a\\\"]b\\\\\"] m", &h),
	          0);
	CHECK_SPAN(h.msg, h.msg_len, "m");

	/* NILVALUEs everywhere */
	CHECK_INT(parse(&ctx, "<38>1 - - - - - - msg", &h), 0);
	CHECK_INT(h.fmt, HDR_RFC5424);
	CHECK_INT(h.ts, INT64_MIN);
	CHECK(h.host == NULL);
	CHECK(h.prog == NULL);
	CHECK_INT(h.pid, 0);
	CHECK_SPAN(h.msg, h.msg_len, "msg");

	/* a BOM before the message, non-numeric procid, no message */
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h sshd w-1 - - \xEF\xBB\xBFhello", &h),
	          0);
	CHECK_INT(h.pid, 0);
	CHECK_SPAN(h.msg, h.msg_len, "hello");
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h sshd 1 - -", &h), 0);
	CHECK_INT(h.msg_len, 0);
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h sshd 1 - [a b=\"c\"]", &h), 0);
	CHECK_INT(h.msg_len, 0);
	/* cut short: what was read stays */
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h", &h), 0);
	CHECK_SPAN(h.host, h.host_len, "h");
	CHECK(h.prog == NULL);
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22Z h a 1 - [x@1 v=\"unterminated", &h), 0);
	CHECK_INT(h.msg_len, 0);
	/* two-digit version; bad ones */
	CHECK_INT(parse(&ctx, "<38>12 2024-05-31T07:07:22Z h a 1 - - m", &h), 0);
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31T07:07:22", &h), -1);
	CHECK_INT(parse(&ctx, "<38>1 2024-05-31 h a 1 - - m", &h), -1);
	CHECK_INT(parse(&ctx, "<38>1x 2024-05-31T07:07:22Z h a 1 - - m", &h), -1);
}

T(fail2ban)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(parse(&ctx,
	                "2021-05-30 00:51:39,363 fail2ban.actions        [448]: NOTICE  [sshd] Ban "
	                "209.141.36.197",
	                &h),
	          0);
	CHECK_INT(h.fmt, HDR_F2B);
	CHECK_INT(h.ts, 1622335899 * US + 363000);
	CHECK(h.host == NULL);
	CHECK_INT(h.host_len, 0);
	CHECK_SPAN(h.prog, h.prog_len, "fail2ban.actions");
	CHECK_INT(h.pid, 448);
	CHECK_SPAN(h.msg, h.msg_len, "NOTICE  [sshd] Ban 209.141.36.197");
	/* unpadded (padding=False) */
	CHECK_INT(
	    parse(&ctx, "2021-05-30 00:51:39,363 fail2ban.filter[448]: INFO    [sshd] Found x", &h),
	    0);
	CHECK_INT(h.fmt, HDR_F2B);
	CHECK_SPAN(h.prog, h.prog_len, "fail2ban.filter");
	CHECK_INT(h.pid, 448);
	CHECK_SPAN(h.msg, h.msg_len, "INFO    [sshd] Found x");
	/* Fail2Ban 0.8: "%(name)-16s: %(levelname)-6s", no pid */
	CHECK_INT(
	    parse(&ctx, "2013-05-09 15:27:20,457 fail2ban.server : INFO   Changed logging", &h), 0);
	CHECK_INT(h.fmt, HDR_F2B);
	CHECK_INT(h.ts, 1368113240 * US + 457000);
	CHECK_SPAN(h.prog, h.prog_len, "fail2ban.server");
	CHECK_INT(h.pid, 0);
	CHECK_SPAN(h.msg, h.msg_len, "INFO   Changed logging");
	CHECK_INT(
	    parse(&ctx, "2013-05-09 15:27:20,457 fail2ban.actions: WARNING [ssh] Ban 1.2.3.4", &h),
	    0);
	CHECK_SPAN(h.prog, h.prog_len, "fail2ban.actions");
	CHECK_SPAN(h.msg, h.msg_len, "WARNING [ssh] Ban 1.2.3.4");
	/* local time */
	set_tz("Europe/Berlin");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(
	    parse(&ctx, "2021-05-30 00:51:39,363 fail2ban.actions        [448]: NOTICE x", &h), 0);
	CHECK_INT(h.ts, 1622328699 * US + 363000);
	/* a space-separated date followed by host and tag is not Fail2Ban's */
	CHECK_INT(parse(&ctx, "2024-05-31 07:07:22 nimbus sshd[5]: m", &h), 0);
	CHECK_INT(h.fmt, HDR_RFC3339);
	CHECK_INT(h.ts, 1717132042 * US);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(h.pid, 5);
	CHECK_SPAN(h.msg, h.msg_len, "m");
	CHECK_INT(parse(&ctx, "2021-05-30 00:51:39,", &h), -1);
	CHECK_INT(parse(&ctx, "2021-05-30 00:51:39,363", &h), -1);
	set_tz("UTC");
}

T(hosts)
{
	struct hdr_ctx ctx;
	struct hdr h;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	CHECK_INT(
	    parse(&ctx, "May 31 07:07:22 ip-172-31-5-9.eu-west-1.compute.internal sshd[1]: m", &h),
	    0);
	CHECK_SPAN(h.host, h.host_len, "ip-172-31-5-9.eu-west-1.compute.internal");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(parse(&ctx, "May 31 07:07:22 10.0.0.1 sshd[1]: m", &h), 0);
	CHECK_SPAN(h.host, h.host_len, "10.0.0.1");
	CHECK_INT(parse(&ctx, "May 31 07:07:22 2001:db8::1 sshd[1]: m", &h), 0);
	CHECK_SPAN(h.host, h.host_len, "2001:db8::1");
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(parse(&ctx, "May 31 07:07:22 fe80:: sshd[1]: m", &h), 0);
	CHECK_SPAN(h.host, h.host_len, "fe80::");
	/* no host at all */
	CHECK_INT(parse(&ctx, "May 31 07:07:22 sshd[12]: Accepted x", &h), 0);
	CHECK(h.host == NULL);
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_INT(h.pid, 12);
	CHECK_SPAN(h.msg, h.msg_len, "Accepted x");
	CHECK_INT(parse(&ctx, "May 31 07:07:22 sudo:   alice : TTY=pts/0", &h), 0);
	CHECK(h.host == NULL);
	CHECK_SPAN(h.prog, h.prog_len, "sudo");
	CHECK_SPAN(h.msg, h.msg_len, "  alice : TTY=pts/0");
	/* only a host */
	CHECK_INT(parse(&ctx, "May 31 07:07:22 nimbus", &h), 0);
	CHECK_SPAN(h.host, h.host_len, "nimbus");
	CHECK(h.prog == NULL);
	CHECK_INT(h.msg_len, 0);
	CHECK_INT(parse(&ctx, "May 31 07:07:22 ", &h), 0);
	CHECK(h.host == NULL);
	CHECK_INT(h.msg_len, 0);
	CHECK_INT(parse(&ctx, "May 31 07:07:22   sshd[1]: m", &h), 0);
	CHECK(h.host == NULL);
	CHECK_SPAN(h.prog, h.prog_len, "sshd");
	CHECK_SPAN(h.msg, h.msg_len, "m");
}

/* One tag shape: line "May 31 07:07:22 h " + tag, expected prog, pid and msg. */
static void
check_tag(struct hdr_ctx *ctx, const char *tagmsg, const char *prog, uint32_t pid, const char *msg)
{
	char line[256];
	struct hdr h;

	snprintf(line, sizeof(line), "May 31 07:07:22 h %s", tagmsg);
	if (parse(ctx, line, &h) != 0) {
		T_FAIL("not parsed: %s", line);
		return;
	}
	CHECK_SPAN(h.host, h.host_len, "h");
	if (prog == NULL)
		CHECK(h.prog == NULL);
	else
		CHECK_SPAN(h.prog, h.prog_len, prog);
	CHECK_INT(h.pid, pid);
	CHECK_SPAN(h.msg, h.msg_len, msg);
}

T(tags)
{
	struct hdr_ctx ctx;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	check_tag(&ctx, "sshd[123]: Failed password", "sshd", 123, "Failed password");
	check_tag(&ctx, "sshd-session[123]: Accepted", "sshd-session", 123, "Accepted");
	check_tag(&ctx, "sshd-auth[9]: x", "sshd-auth", 9, "x");
	check_tag(&ctx, "sshd: x", "sshd", 0, "x");
	check_tag(&ctx, "sshd:x", "sshd", 0, "x");
	check_tag(&ctx, "sshd[4]:", "sshd", 4, "");
	check_tag(&ctx, "sshd[4]", "sshd", 4, "");
	check_tag(&ctx, "sshd[4] no colon", "sshd", 4, "no colon");
	check_tag(&ctx, "[sshd] x", "sshd", 0, "x");
	check_tag(&ctx, "[sshd]: x", "sshd", 0, "x");
	check_tag(&ctx, "CRON[52974]: pam_unix(cron:session)", "CRON", 52974,
	          "pam_unix(cron:session)");
	check_tag(&ctx, "sudo: alice : TTY", "sudo", 0, "alice : TTY");
	check_tag(&ctx, "systemd-logind[1]: New session", "systemd-logind", 1, "New session");
	check_tag(&ctx, "fail2ban.actions [448]: NOTICE", "fail2ban.actions", 448, "NOTICE");
	check_tag(&ctx, "fail2ban.actions        [448]: NOTICE", "fail2ban.actions", 448, "NOTICE");
	check_tag(&ctx, "fail2ban.actions[448]: NOTICE [sshd] Ban 1.2.3.4", "fail2ban.actions", 448,
	          "NOTICE [sshd] Ban 1.2.3.4");
	check_tag(&ctx, "postfix/smtpd[1]: connect", "postfix/smtpd", 1, "connect");
	check_tag(&ctx, "sshd@eth0[5]: x", "sshd@eth0", 5, "x");
	check_tag(&ctx, "sshd@eth0: x", "sshd@eth0", 0, "x");
	check_tag(&ctx, "my_prog.v2[77]: x", "my_prog.v2", 77, "x");
	check_tag(&ctx, "(sd-pam)[1234]: x", "(sd-pam)", 1234, "x");
	check_tag(&ctx, "sshd[abc]: x", "sshd", 0, "x");
	check_tag(&ctx, "sshd[]: x", "sshd", 0, "x");
	check_tag(&ctx, "sshd[4294967295]: x", "sshd", 4294967295U, "x");
	check_tag(&ctx, "sshd[4294967296]: x", "sshd", 0, "x");
	check_tag(&ctx, "sshd[99999999999]: x", "sshd", 0, "x");
	check_tag(&ctx, "sshd[-1]: x", "sshd", 0, "x");
	/* weird: msg after the first ": " */
	check_tag(&ctx, "sshd foo bar: x y", "sshd", 0, "x y");
	check_tag(&ctx, "sshd[12]x: y", "sshd", 0, "y");
	check_tag(&ctx, "sshd[12: y", "sshd", 0, "y");
	check_tag(&ctx, "-- MARK --", NULL, 0, "-- MARK --");
	check_tag(&ctx, "sshd[1", NULL, 0, "sshd[1");
	check_tag(&ctx, "", NULL, 0, "");
	check_tag(&ctx, ": x", NULL, 0, "x");
}

T(bare_lines)
{
	static const char *const bare[] = {
	    "Invalid user x from 1.2.3.4 port 22",
	    "Accepted password for root from 1.2.3.4 port 22 ssh2",
	    "May I ask something: yes",
	    "May 31 is a date",
	    "May 31 07:07:22",
	    "May 31 07:07:22x host sshd: m",
	    "May 31 07:07 host sshd: m",
	    "May 31 7:07:22 host sshd: m",
	    "May  31 07:07:22 host sshd: m",
	    "may 31 07:07:22 host sshd: m",
	    "MAY 31 07:07:22 host sshd: m",
	    "Mai 31 07:07:22 host sshd: m",
	    "Feb 30 07:07:22 host sshd: m",
	    "Apr 31 07:07:22 host sshd: m",
	    "May 32 07:07:22 host sshd: m",
	    "May  0 07:07:22 host sshd: m",
	    "May 31 13:61:61 host sshd: m",
	    "May 31 24:00:00 host sshd: m",
	    "May 31 23:59:61 host sshd: m",
	    "Server listening on 0.0.0.0 port 22.",
	    "2024 was a year",
	    "20240531T070722Z host sshd: m",
	    "1 2024-05-31T07:07:22Z h a 1 - - m",
	    "Connection closed by 1.2.3.4 port 22 [preauth]",
	    "<",
	    "<38",
	    "M",
	    "",
	};
	struct hdr_ctx ctx;
	struct hdr h;
	size_t i;

	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
		if (parse(&ctx, bare[i], &h) != -1)
			T_FAIL("parsed a header in \"%s\"", bare[i]);
		CHECK_INT(h.fmt, HDR_NONE);
		CHECK_INT(h.ts, INT64_MIN);
		CHECK_SPAN(h.msg, h.msg_len, bare[i]);
	}
	CHECK_INT(ctx.last_mon, 0); /* rejected stamps do not move the year */
	CHECK_INT(parse(&ctx, "May 31 23:59:60 host sshd: leap second", &h), 0);
	CHECK_INT(h.ts, (1717199999LL + 1) * US);
	/* NUL bytes inside a line are just bytes */
	CHECK_INT(parse_n(&ctx, "May 31 07:07:22 h sshd[1]: a\0b", 30, &h), 0);
	CHECK_INT(h.msg_len, 3);
	CHECK_INT(parse_n(&ctx, "May 31 07:07:22 h\0sshd[1]: a", 28, &h), 0);
	CHECK_INT(parse_n(&ctx,
	                  "May 31\000"
	                  "07:07:22 h sshd[1]: a",
	                  28, &h),
	          -1);
}

T(long_lines)
{
	struct hdr_ctx ctx;
	struct hdr h;
	size_t n = 65536;
	char *s = malloc(n);

	if (s == NULL)
		abort();
	set_tz("UTC");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	memset(s, 'x', n);
	memcpy(s, "May 31 07:07:22 nimbus sshd[1]: ", 32);
	CHECK_INT(parse_n(&ctx, s, n, &h), 0);
	CHECK_INT(h.msg_len, n - 32);
	/* no ": " anywhere, a huge tag, a huge host */
	memset(s, 'x', n);
	memcpy(s, "May 31 07:07:22 nimbus ", 23);
	CHECK_INT(parse_n(&ctx, s, n, &h), 0);
	CHECK(h.prog == NULL);
	CHECK_INT(h.msg_len, n - 23);
	memset(s + 16, 'y', n - 16);
	CHECK_INT(parse_n(&ctx, s, n, &h), 0);
	CHECK_INT(h.host_len, n - 16);
	CHECK_INT(h.msg_len, 0);
	/* a tag that opens '[' and never closes it */
	memcpy(s, "May 31 07:07:22 nimbus sshd[", 28);
	memset(s + 28, '1', n - 28);
	CHECK_INT(parse_n(&ctx, s, n, &h), 0);
	CHECK(h.prog == NULL);
	/* RFC 5424 with an endless structured data element */
	memcpy(s, "<38>1 2024-05-31T07:07:22Z h a 1 - [x v=\"", 41);
	memset(s + 41, '\\', n - 41);
	CHECK_INT(parse_n(&ctx, s, n, &h), 0);
	CHECK_INT(h.msg_len, 0);
	memset(s, 0, n);
	CHECK_INT(parse_n(&ctx, s, n, &h), -1);
	free(s);
}

/* xorshift64: a fixed sequence of pseudo-random bytes. */
static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

T(junk)
{
	static const char *const seeds[] = {
	    "May 31 07:07:22.123456 ip-1.example sshd-session[52959]: Accepted x",
	    "<38>May  1 07:07:22 h sshd: m",
	    "2024-05-31T07:07:22.123456+02:00 nimbus sshd[52959]: m",
	    "2024-05-31T07:07:22+0000 nimbus sshd[52959]: m",
	    "<165>1 2024-05-31T07:07:22.003Z h sshd 1 ID [a b=\"c\\]\"][d] \xEF\xBB\xBFm",
	    "2021-05-30 00:51:39,363 fail2ban.actions        [448]: NOTICE  [sshd] Ban 1.2.3.4",
	    "May 31 07:07:22 fail2ban.actions [448]: x",
	};
	static const char alphabet[] = "<>[]:- .,0123456789TZ+MayJanDec\"\\\xEF\xBB\xBF\0\xFF";
	struct hdr_ctx ctx;
	struct hdr h;
	char buf[512];
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	size_t i, n, k, sl;
	int round;

	set_tz("Europe/Berlin");
	hdr_ctx_init(&ctx, ANCHOR_JUN2024);
	/* every prefix of every seed, and every seed with one byte changed */
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		sl = strlen(seeds[i]);
		for (n = 0; n <= sl; n++)
			parse_n(&ctx, seeds[i], n, &h);
		for (k = 0; k < sl; k++)
			for (round = 0; round < 8; round++) {
				memcpy(buf, seeds[i], sl);
				buf[k] = alphabet[rnd(&x) % (sizeof(alphabet) - 1)];
				parse_n(&ctx, buf, sl - (round & 1 ? rnd(&x) % (sl - k) : 0), &h);
			}
	}
	/* random bytes, random bytes from the alphabet, all-NUL, all-0xFF */
	for (n = 0; n < sizeof(buf); n++)
		for (round = 0; round < 20; round++) {
			for (k = 0; k < n; k++)
				buf[k] = round & 1 ? (char)rnd(&x)
				                   : alphabet[rnd(&x) % (sizeof(alphabet) - 1)];
			parse_n(&ctx, buf, n, &h);
		}
	for (n = 0; n < sizeof(buf); n++) {
		memset(buf, 0, n);
		CHECK_INT(parse_n(&ctx, buf, n, &h), -1);
		memset(buf, 0xFF, n);
		CHECK_INT(parse_n(&ctx, buf, n, &h), -1);
	}
	/* all single bytes */
	for (k = 0; k < 256; k++) {
		buf[0] = (char)k;
		CHECK_INT(parse_n(&ctx, buf, 1, &h), -1);
	}
	/* a zeroed ctx that never saw hdr_ctx_init still works */
	memset(&ctx, 0, sizeof(ctx));
	CHECK_INT(parse(&ctx, seeds[0], &h), 0);
	set_tz("UTC");
}

int
main(void)
{
	T_RUN(bsd_basic);
	T_RUN(bsd_day_forms);
	T_RUN(bsd_pri_and_precise);
	T_RUN(bsd_local_time);
	T_RUN(year_new_year);
	T_RUN(year_same_year);
	T_RUN(year_late_line);
	T_RUN(year_leap_day);
	T_RUN(repeated_stamps);
	T_RUN(dst_berlin);
	T_RUN(rfc3339);
	T_RUN(rfc5424);
	T_RUN(fail2ban);
	T_RUN(hosts);
	T_RUN(tags);
	T_RUN(bare_lines);
	T_RUN(long_lines);
	T_RUN(junk);
	free(t_buf);
	return T_END();
}
