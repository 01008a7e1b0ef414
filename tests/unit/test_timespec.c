/* test_timespec.c: --since/--until times, --ip networks and durations (expected values from
 * date(1)). */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "t.h"
#include "timespec.h"

/* 2026-05-28T20:26:40Z: 22:26:40 in Berlin (CEST), 16:26:40 in New York (EDT). */
#define NOW 1780000000LL
#define S(x) ((int64_t)(x)*1000000)

/* POSIX TZ rules: no tzdata needed; the same rules as the named zones for these years. */
#define BERLIN "CET-1CEST,M3.5.0,M10.5.0/3"
#define NEW_YORK "EST5EDT,M3.2.0,M11.1.0"
#define SAO_PAULO_2018 "<-03>3<-02>,M11.1.0/0,M2.3.0/0"  /* DST began at midnight */
#define LORD_HOWE "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0" /* a half-hour DST shift */

#define HINT "not a time (try 2h, 2021-05-31, 'May 31 07:00', today or @EPOCH)"
#define ISO_HINT "expected YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|+HH:MM]"

static void
tz(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
}

#define OK_AT(str, now, want)                                                                      \
	do {                                                                                       \
		int64_t v_ = -42;                                                                  \
		char e_[160] = "";                                                                 \
		if (timespec_parse((str), (now), &v_, e_, sizeof(e_)) != 0)                        \
			T_FAIL("\"%s\" refused: %s", (str), e_);                                   \
		else if (v_ != (int64_t)(want))                                                    \
			T_FAIL("\"%s\" == %lld, expected %lld", (str), (long long)v_,              \
			       (long long)(want));                                                 \
	} while (0)
#define OK(str, want) OK_AT(str, NOW, want)

/* Refused with exactly the message msg; *out untouched. */
#define ERR_AT(str, now, msg)                                                                      \
	do {                                                                                       \
		int64_t v_ = -42;                                                                  \
		char e_[160] = "x";                                                                \
		int r_ = timespec_parse((str), (now), &v_, e_, sizeof(e_));                        \
		if (r_ != -1 || v_ != -42)                                                         \
			T_FAIL("\"%s\" accepted (%d, %lld)", (str) ? (str) : "(null)", r_,         \
			       (long long)v_);                                                     \
		else if (strcmp(e_, (msg)) != 0)                                                   \
			T_FAIL("\"%s\": error \"%s\", expected \"%s\"", (str) ? (str) : "(null)",  \
			       e_, (msg));                                                         \
	} while (0)
#define ERR(str, msg) ERR_AT(str, NOW, msg)

T(relative)
{
	tz("UTC");
	OK("90s", S(NOW - 90));
	OK("15m", S(NOW - 900));
	OK("2h", S(NOW - 7200));
	OK("7d", S(NOW - 604800));
	OK("2w", S(NOW - 1209600));
	OK("1h30m", S(NOW - 5400));
	OK("1w2d3h4m5s", S(NOW - 788645));
	OK("0s", S(NOW));
	tz(BERLIN); /* relative times do not depend on the zone */
	OK("2h", S(1779992800));
	OK_AT("1d", 0, S(-86400));
}

T(now_and_epoch)
{
	tz(BERLIN);
	OK("now", S(NOW));
	OK("NOW", S(NOW));
	OK_AT("now", 0, 0);
	OK("@1717139242", S(1717139242));
	OK("@1717139242.5", S(1717139242) + 500000);
	OK("@1717139242.1234567", S(1717139242) + 123456);
	OK("@0", 0);
	OK("@-1", S(-1));
	OK("@-1.5", -1500000);
	OK("@9223372036853", S(9223372036853LL)); /* the largest that fits in microseconds */
}

/* With a zone the process TZ plays no part. */
T(iso_with_zone)
{
	tz(BERLIN);
	OK("2021-05-31T07:30:15Z", S(1622446215));
	OK("2021-05-31t07:30:15z", S(1622446215));
	OK("2021-05-31 07:30:15Z", S(1622446215));
	OK("2021-05-31T07:30:15.123456Z", S(1622446215) + 123456);
	OK("2021-05-31T07:30:15.1234567Z", S(1622446215) + 123456); /* microseconds kept */
	OK("2021-05-31T07:30:15,5Z", S(1622446215) + 500000);
	OK("2021-05-31T07:30:15.000001Z", S(1622446215) + 1);
	OK("2021-05-31T07:30:15+02:00", S(1622439015));
	OK("2021-05-31T07:30:15+0200", S(1622439015));
	OK("2021-05-31T07:30:15-05:30", S(1622466015));
	OK("2021-05-31T07:30:15+05:45", S(1622425515));
	OK("2021-05-31T07:30:15-00:00", S(1622446215));
	OK("2021-05-31T07:30Z", S(1622446200));
	OK("2021-05-31T07Z", S(1622444400));
	OK("2021-05-31T07+02:00", S(1622437200));
	OK("2021-05-31T23:59:60Z", S(1622505600)); /* a leap second is the next second */
	OK("2024-02-29T00:00:00Z", S(1709164800));
	OK("1900-01-01T00:00:00Z", S(-2208988800LL));
	OK("9999-12-31T23:59:59Z", S(253402300799LL));
}

T(iso_local)
{
	tz("UTC");
	OK("2021-05-31", S(1622419200));
	OK("2021-05-31T07", S(1622444400));
	OK("2021-05-31 07:30:15", S(1622446215));
	OK("2020-02-29", S(1582934400));
	tz(BERLIN);
	OK("2021-05-31", S(1622412000));
	OK("2021-05-31T07", S(1622437200));
	OK("2021-05-31 07", S(1622437200));
	OK("2021-05-31T07:30", S(1622439000));
	OK("2021-05-31 07:30:15", S(1622439015));
	OK("2021-05-31 07:30:15.25", S(1622439015) + 250000);
	OK("2021-01-15T12:00", S(1610708400)); /* winter: +01:00 */
	OK("2021-03-28 01:59", S(1616893140)); /* last minute before the clocks go forward */
	OK("2021-03-28 03:00", S(1616893200)); /* first minute after */
	OK("2021-03-28 02:30", S(1616895000)); /* skipped: read as 02:30 CET = 03:30 CEST */
	OK("2021-10-31 02:30", S(1635640200)); /* shown twice: the first (CEST) */
	OK("2021-10-31 03:30", S(1635647400));
	tz(NEW_YORK);
	OK("2026-03-08 02:30", S(1772955000)); /* skipped: 03:30 EDT */
	OK("2026-11-01 01:30", S(1793511000)); /* shown twice: the first (EDT) */
	OK("2026-11-01 01:30:59", S(1793511059));
	tz(LORD_HOWE);
	OK("2021-04-04 01:45", S(1617461100));  /* shown twice, 30 min apart: the first (+11) */
	OK("2021-10-03 02:15", S(1633189500));  /* skipped: read at +10:30, so 02:45 +11 */
	OK("2021-10-03T02:15Z", S(1633227300)); /* with a zone: the zone */
	if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) == 0) {
		/* the tzdata zone, where installed */
		tz("Europe/Berlin");
		OK("2021-05-31 07:30:15", S(1622439015));
		OK("2021-03-28 02:30", S(1616895000));
		OK("2021-10-31 02:30", S(1635640200));
		OK("1980-04-06 12:00", S(323863200)); /* the first DST after the war */
	}
	tz("UTC");
}

T(today_yesterday)
{
	tz("UTC");
	OK("today", S(1779926400));
	OK("yesterday", S(1779840000));
	tz(BERLIN);
	OK("today", S(1779919200));
	OK("Today", S(1779919200));
	OK("yesterday", S(1779832800));
	tz(NEW_YORK);
	OK("today", S(1779940800));
	/* 02:26:40Z on the 29th is still the 28th in New York */
	OK_AT("today", NOW + 6 * 3600, S(1779940800));
	OK_AT("yesterday", NOW + 6 * 3600, S(1779854400));
	/* the day after the clocks went forward: yesterday was 23 hours long */
	OK_AT("today", 1773072000, S(1773028800));
	OK_AT("yesterday", 1773072000, S(1772946000));
	/* midnight skipped (DST began at 00:00): the day starts at 01:00 -02 */
	tz(SAO_PAULO_2018);
	OK_AT("today", 1541340000, S(1541300400));
	OK_AT("yesterday", 1541340000, S(1541214000));
	OK_AT("2018-11-04", 0, S(1541300400));
	tz("UTC");
}

/* Syslog style: the latest year that does not put the time after now. */
T(syslog_year_rule)
{
	tz(BERLIN);
	OK("May 28", S(1779919200));          /* earlier today */
	OK("May 28 22:26:40", S(NOW));        /* exactly now: this year */
	OK("May 28 22:26:41", S(1748464001)); /* a second after now: last year */
	OK("May 31", S(1748642400));
	OK("May 31 07:00", S(1748667600));
	OK("May 31 07:00:15", S(1748667615));
	OK("may 31 7:00", S(1748667600));
	OK("MAY 31 07:00", S(1748667600));
	OK("May  31", S(1748642400));
	OK("May 31\t07:00", S(1748667600));
	OK("June 1", S(1748728800));
	OK("Jun 01", S(1748728800));
	OK("Dec 31", S(1767135600));
	OK("Jan 1", S(1767222000));
	OK("Feb 29", S(1709161200)); /* 2026 and 2025 have none */
	tz("UTC");
	/* just after New Year */
	OK_AT("Dec 31 23:00", 1767227400, S(1767222000));
	OK_AT("Jan 1", 1767227400, S(1767225600));
	OK_AT("Jan 1 00:30", 1767227400, S(1767227400));
	OK_AT("Jan 1 00:31", 1767227400, S(1735691460));
	/* Feb 29 on the day, and a second before it */
	OK_AT("Feb 29", 1709164800, S(1709164800));
	OK_AT("Feb 29", 1709164799, S(1582934400));
}

T(trimmed)
{
	tz("UTC");
	OK(" 2h ", S(NOW - 7200));
	OK("\t2021-05-31T07:30:15Z\n", S(1622446215));
	OK("  May 31 07:00  ", S(1748674800));
}

T(rejected)
{
	tz(BERLIN);
	ERR("", "empty time");
	ERR("   ", "empty time");
	ERR(NULL, "empty time");
	/* syslog style */
	ERR("May 32", "'May 32': day out of range");
	ERR("Feb 30", "'Feb 30': day out of range");
	ERR("Apr 31", "'Apr 31': day out of range");
	ERR("May 0", "'May 0': day out of range");
	ERR("May 100", "'May 100': day out of range");
	ERR("Foo 3", "'Foo 3': " HINT);
	ERR("Mayo 31", "'Mayo 31': " HINT);
	ERR("tomorrow", "'tomorrow': " HINT);
	ERR("nowish", "'nowish': " HINT);
	ERR("May", "'May': expected a day after the month");
	ERR("May31", "'May31': expected a day after the month");
	ERR("May x", "'May x': expected a day after the month");
	ERR("May 31 25:00", "'May 31 25:00': hour out of range");
	ERR("May 31 123:00", "'May 31 123:00': hour out of range");
	ERR("May 31 07:60", "'May 31 07:60': minute out of range");
	ERR("May 31 07:00:61", "'May 31 07:00:61': second out of range");
	ERR("May 31 07", "'May 31 07': expected a time (HH:MM[:SS]) after the day");
	ERR("May 31 07:0", "'May 31 07:0': expected a time (HH:MM[:SS]) after the day");
	ERR("May 31 x", "'May 31 x': expected a time (HH:MM[:SS]) after the day");
	ERR("May 31 07:00:1", "'May 31 07:00:1': expected seconds (SS) after ':'");
	ERR("May 31 07:00 2021", "'May 31 07:00 2021': unexpected text after the date");
	ERR("May 31x", "'May 31x': unexpected text after the date");
	/* ISO */
	ERR("2021-13-01", "'2021-13-01': month out of range");
	ERR("2021-00-10", "'2021-00-10': month out of range");
	ERR("2021-02-29", "'2021-02-29': day out of range");
	ERR("2021-04-31", "'2021-04-31': day out of range");
	ERR("2021-05-00", "'2021-05-00': day out of range");
	ERR("1899-12-31", "'1899-12-31': year out of range (1900-9999)");
	ERR("2021-05-31T24:00", "'2021-05-31T24:00': hour out of range");
	ERR("2021-05-31T07:60", "'2021-05-31T07:60': minute out of range");
	ERR("2021-05-31T07:30:61", "'2021-05-31T07:30:61': second out of range");
	ERR("2021-05-31T", "'2021-05-31T': expected an hour (HH) after the date");
	ERR("2021-05-31T7:30", "'2021-05-31T7:30': expected an hour (HH) after the date");
	ERR("2021-05-31  07:30", "'2021-05-31  07:30': expected an hour (HH) after the date");
	ERR("2021-05-31T07:3", "'2021-05-31T07:3': expected minutes (MM) after ':'");
	ERR("2021-05-31T07:30:1", "'2021-05-31T07:30:1': expected seconds (SS) after ':'");
	ERR("2021-05-31T07:30:15.", "'2021-05-31T07:30:15.': expected digits in the fraction");
	ERR("2021-05-31T07:30:15+2",
	    "'2021-05-31T07:30:15+2': expected a zone as Z, +HH:MM or +HHMM");
	ERR("2021-05-31T07:30:15+02:0",
	    "'2021-05-31T07:30:15+02:0': expected a zone as Z, +HH:MM or +HHMM");
	ERR("2021-05-31T07:30:15+24:00", "'2021-05-31T07:30:15+24:00': zone offset out of range");
	ERR("2021-05-31T07:30:15+0260", "'2021-05-31T07:30:15+0260': zone offset out of range");
	ERR("2021-05-31Z", "'2021-05-31Z': a zone needs a time (2021-05-31T00:00Z)");
	ERR("2021-05-31+02:00", "'2021-05-31+02:00': a zone needs a time (2021-05-31T00:00Z)");
	ERR("2021-5-31", "'2021-5-31': " ISO_HINT);
	ERR("2021-05-3", "'2021-05-3': " ISO_HINT);
	ERR("2021-05-31x", "'2021-05-31x': " ISO_HINT);
	ERR("2021-05-31T07:30:15Zjunk", "'2021-05-31T07:30:15Zjunk': " ISO_HINT);
	ERR("2021-05-31T07:30:15+02:00:00", "'2021-05-31T07:30:15+02:00:00': " ISO_HINT);
	ERR("2021-05-31T07.5", "'2021-05-31T07.5': " ISO_HINT);
	ERR("2021-05-31T07:30.5", "'2021-05-31T07:30.5': " ISO_HINT);
	/* relative */
	ERR("5y", "'5y': unknown unit 'y' (use s, m, h, d or w)");
	ERR("3M", "'3M': unknown unit 'M' (use s, m, h, d or w)");
	ERR("90", "'90': a number needs a unit (s, m, h, d or w)");
	ERR("20210531", "'20210531': a number needs a unit (s, m, h, d or w)");
	ERR("1h30", "'1h30': a number needs a unit (s, m, h, d or w)");
	ERR("1hm", "'1hm': " HINT);
	ERR("-2h", "'-2h': " HINT);
	ERR("+2h", "'+2h': " HINT);
	ERR("1.5h", "'1.5h': " HINT);
	ERR("2 h", "'2 h': " HINT);
	ERR("20000000w", "'20000000w': too far in the past");
	ERR("99999999999999999999s", "'99999999999999999999s': too far in the past");
	ERR_AT("1s", -9223372036853LL, "'1s': too far in the past");
	/* epoch */
	ERR("@", "'@': expected epoch seconds after '@'");
	ERR("@-", "'@-': expected epoch seconds after '@'");
	ERR("@abc", "'@abc': expected epoch seconds after '@'");
	ERR("@12x", "'@12x': expected epoch seconds after '@'");
	ERR("@1.", "'@1.': expected digits after '.'");
	ERR("@9223372036854", "'@9223372036854': out of range");
	ERR("@99999999999999999999", "'@99999999999999999999': out of range");
	/* now itself */
	ERR_AT("now", INT64_MAX, "'now': the current time is out of range");
	ERR_AT("2h", INT64_MIN, "'2h': the current time is out of range");
	/* what is echoed is cut short and made printable */
	ERR("May 32\x1b[1m", "'May 32?[1m': day out of range");
	ERR("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...': " HINT);
	ERR("\x80\xff", "'?"
	                "?': " HINT);
	ERR(",", "',': " HINT);
	tz("UTC");
}

T(error_buffer)
{
	int64_t v = -42;
	char e[8];

	tz("UTC");
	CHECK_INT(timespec_parse("May 32", NOW, &v, e, sizeof(e)), -1);
	CHECK_STR(e, "'May 32"); /* cut to fit */
	CHECK_INT(timespec_parse("May 32", NOW, &v, e, 1), -1);
	CHECK_STR(e, "");
	CHECK_INT(timespec_parse("May 32", NOW, &v, NULL, 0), -1);
	CHECK_INT(timespec_parse("May 32", NOW, &v, e, 0), -1);
	CHECK_INT(v, -42);
	strcpy(e, "junk");
	CHECK_INT(timespec_parse("2h", NOW, &v, e, sizeof(e)), 0);
	CHECK_STR(e, ""); /* cleared on success */
	CHECK_INT(v, S(NOW - 7200));
	CHECK_INT(timespec_parse("2h", NOW, &v, NULL, 0), 0);
}

/* An address from text, for the network tests. */
static struct addr
A(const char *s) {
	struct addr a;

	if (addr_parse(s, strlen(s), &a) != 0)
		printf("  bad test address %s\n", s);
	return a;
}

static const char *
net(const struct cidr *c)
{
	static char buf[ADDR_STRLEN + 8];
	char a[ADDR_STRLEN];

	addr_format(&c->net, a);
	snprintf(buf, sizeof(buf), "%s/%u", a, c->bits);
	return buf;
}

#define NET(str, want)                                                                             \
	do {                                                                                       \
		struct cidr c_;                                                                    \
		if (cidr_parse((str), &c_) != 0)                                                   \
			T_FAIL("\"%s\" refused", (str));                                           \
		else                                                                               \
			CHECK_STR(net(&c_), (want));                                               \
	} while (0)
#define NET_BAD(str)                                                                               \
	do {                                                                                       \
		struct cidr c_;                                                                    \
		if (cidr_parse((str), &c_) != -1)                                                  \
			T_FAIL("\"%s\" accepted as %s", (str), net(&c_));                          \
		else                                                                               \
			CHECK_INT(c_.net.af, 0);                                                   \
	} while (0)

static int
in(const char *network, const char *addr)
{
	struct cidr c;
	struct addr a = A(addr);

	if (cidr_parse(network, &c) != 0) {
		printf("  bad test network %s\n", network);
		return -1;
	}
	return cidr_contains(&c, &a);
}

T(cidr_forms)
{
	struct cidr c;

	NET("192.0.2.1", "192.0.2.1/32");
	NET("192.0.2.77/24", "192.0.2.0/24");
	NET("192.0.2.130/25", "192.0.2.128/25");
	NET("10.200.3.4/9", "10.128.0.0/9");
	NET("255.255.255.255/1", "128.0.0.0/1");
	NET("1.2.3.4/0", "0.0.0.0/0");
	NET("10.1.2.3/32", "10.1.2.3/32");
	NET("2001:db8::1", "2001:db8::1/128");
	NET("2001:db8::/32", "2001:db8::/32");
	NET("2001:db8:abcd:1234::5/48", "2001:db8:abcd::/48");
	NET("2001:db8:0:1:2:3:4:5/64", "2001:db8:0:1::/64");
	NET("2001:db8::ffff/127", "2001:db8::fffe/127");
	NET("2001:DB8::1/128", "2001:db8::1/128");
	NET("::/0", "::/0");
	NET("ffff::1/3", "e000::/3");
	NET("fe80::1%eth0/64", "fe80::/64");
	/* mapped networks become IPv4 ones */
	NET("::ffff:192.0.2.0/120", "192.0.2.0/24");
	NET("::ffff:192.0.2.5", "192.0.2.5/32");
	NET("::ffff:192.0.2.5/128", "192.0.2.5/32");
	NET("::ffff:192.0.2.5/96", "0.0.0.0/0");
	NET("::FFFF:c000:0201/127", "192.0.2.0/31");
	CHECK_INT(cidr_parse("::ffff:192.0.2.0/120", &c), 0);
	CHECK_INT(c.net.af, 4);
	CHECK_INT(c.bits, 24);
	CHECK_INT(cidr_parse("2001:db8::/32", &c), 0);
	CHECK_INT(c.net.af, 6);
	CHECK_INT(c.bits, 32);
}

T(cidr_rejected)
{
	struct cidr c;

	CHECK_INT(cidr_parse(NULL, &c), -1);
	NET_BAD("");
	NET_BAD("/24");
	NET_BAD("192.0.2.0/");
	NET_BAD("192.0.2.0/33");
	NET_BAD("192.0.2.0/-1");
	NET_BAD("192.0.2.0/+8");
	NET_BAD("192.0.2.0/08");
	NET_BAD("192.0.2.0/00");
	NET_BAD("192.0.2.0/24 ");
	NET_BAD(" 192.0.2.0/24");
	NET_BAD("192.0.2.0 /24");
	NET_BAD("192.0.2.0/ 24");
	NET_BAD("192.0.2.0/24/1");
	NET_BAD("192.0.2.0/2x");
	NET_BAD("192.0.2.0/4294967320"); /* 2^32 + 24 */
	NET_BAD("192.0.2.256/24");
	NET_BAD("192.0.2/24");
	NET_BAD("192.000.2.0/24");
	NET_BAD("host/24");
	NET_BAD("2001:db8::/129");
	NET_BAD("2001:db8::/1000");
	NET_BAD("2001:db8:::/64");
	NET_BAD("::ffff:192.0.2.0/95"); /* mapped, but wider than IPv4 */
	NET_BAD("::ffff:192.0.2.0/0");
	NET_BAD("::ffff:192.0.2.0/129");
}

/* overlaps "A" "B": parses both and asks cidr_overlaps both ways (it is symmetric) */
static int
overlaps(const char *a, const char *b)
{
	struct cidr x, y;
	int r1, r2;

	if (cidr_parse(a, &x) != 0 || cidr_parse(b, &y) != 0)
		return -1;
	r1 = cidr_overlaps(&x, &y);
	r2 = cidr_overlaps(&y, &x);
	return r1 == r2 ? r1 : -2;
}

T(cidr_overlaps_both_ways)
{
	CHECK_INT(overlaps("198.51.100.0/24", "198.51.100.10"), 1);
	CHECK_INT(overlaps("198.51.100.0/24", "198.51.101.10"), 0);
	CHECK_INT(overlaps("0.0.0.0/0", "127.0.0.1"), 1);
	CHECK_INT(overlaps("0.0.0.0/1", "127.0.0.0/8"), 1);
	CHECK_INT(overlaps("128.0.0.0/1", "127.0.0.0/8"), 0);
	CHECK_INT(overlaps("10.0.0.0/8", "10.1.0.0/16"), 1);
	CHECK_INT(overlaps("10.0.0.0/8", "10.0.0.0/8"), 1);
	CHECK_INT(overlaps("2001:db8::/64", "2001:db8::5"), 1);
	CHECK_INT(overlaps("2001:db8::/64", "2001:db8:0:1::5"), 0);
	CHECK_INT(overlaps("::/0", "::1"), 1);
	CHECK_INT(overlaps("::/0", "127.0.0.1"), 0); /* families never overlap */
	CHECK_INT(overlaps("::ffff:192.0.2.0/120", "192.0.2.7"), 1);
}

T(cidr_contains_edges)
{
	struct cidr c;
	struct addr none;

	CHECK_INT(in("192.0.2.0/24", "192.0.2.0"), 1);
	CHECK_INT(in("192.0.2.0/24", "192.0.2.255"), 1);
	CHECK_INT(in("192.0.2.0/24", "192.0.3.0"), 0);
	CHECK_INT(in("192.0.2.0/24", "192.0.1.255"), 0);
	CHECK_INT(in("192.0.2.128/25", "192.0.2.200"), 1);
	CHECK_INT(in("192.0.2.128/25", "192.0.2.100"), 0);
	CHECK_INT(in("10.0.0.0/9", "10.127.255.255"), 1);
	CHECK_INT(in("10.0.0.0/9", "10.128.0.0"), 0);
	CHECK_INT(in("10.1.2.3/32", "10.1.2.3"), 1);
	CHECK_INT(in("10.1.2.3/32", "10.1.2.2"), 0);
	CHECK_INT(in("10.1.2.3", "10.1.2.4"), 0);
	CHECK_INT(in("0.0.0.0/0", "255.255.255.255"), 1);
	CHECK_INT(in("0.0.0.0/0", "0.0.0.0"), 1);
	CHECK_INT(in("128.0.0.0/1", "127.255.255.255"), 0);
	CHECK_INT(in("128.0.0.0/1", "128.0.0.0"), 1);
	/* IPv6 /64 */
	CHECK_INT(in("2001:db8:0:1::/64", "2001:db8:0:1::"), 1);
	CHECK_INT(in("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff"), 1);
	CHECK_INT(in("2001:db8:0:1::/64", "2001:db8:0:2::"), 0);
	CHECK_INT(in("2001:db8:0:1::/64", "2001:db8:0:0:ffff:ffff:ffff:ffff"), 0);
	CHECK_INT(in("2001:db8::/63", "2001:db8:0:1::9"), 1);
	CHECK_INT(in("2001:db8::/63", "2001:db8:0:2::9"), 0);
	CHECK_INT(in("2001:db8::1/128", "2001:db8::1"), 1);
	CHECK_INT(in("2001:db8::1/128", "2001:db8::"), 0);
	CHECK_INT(in("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	/* IPv4 and IPv6 never match */
	CHECK_INT(in("::/0", "1.2.3.4"), 0);
	CHECK_INT(in("::/0", "::ffff:1.2.3.4"), 0); /* a mapped address is IPv4 */
	CHECK_INT(in("0.0.0.0/0", "::1"), 0);
	CHECK_INT(in("0.0.0.0/0", "::"), 0);
	CHECK_INT(in("::/96", "::1.2.3.4"), 1); /* deprecated compatible form: IPv6 */
	CHECK_INT(in("0.0.0.0/0", "::1.2.3.4"), 0);
	/* mapped networks hold IPv4 addresses, given either way */
	CHECK_INT(in("::ffff:192.0.2.0/120", "192.0.2.9"), 1);
	CHECK_INT(in("::ffff:192.0.2.0/120", "::ffff:192.0.2.9"), 1);
	CHECK_INT(in("::ffff:192.0.2.0/120", "192.0.3.9"), 0);
	CHECK_INT(in("::ffff:0.0.0.0/96", "8.8.8.8"), 1);
	CHECK_INT(in("::ffff:0.0.0.0/96", "2001:db8::1"), 0);
	/* no address matches nothing */
	memset(&none, 0, sizeof(none));
	CHECK_INT(cidr_parse("0.0.0.0/0", &c), 0);
	CHECK_INT(cidr_contains(&c, &none), 0);
	CHECK_INT(cidr_parse("::/0", &c), 0);
	CHECK_INT(cidr_contains(&c, &none), 0);
}

#define DUR(str, want)                                                                             \
	do {                                                                                       \
		int64_t d_ = -42;                                                                  \
		if (duration_parse((str), &d_) != 0)                                               \
			T_FAIL("\"%s\" refused", (str));                                           \
		else                                                                               \
			CHECK_INT(d_, (want));                                                     \
	} while (0)
#define DUR_BAD(str)                                                                               \
	do {                                                                                       \
		int64_t d_ = -42;                                                                  \
		if (duration_parse((str), &d_) != -1 || d_ != -42)                                 \
			T_FAIL("\"%s\" accepted as %lld", (str) ? (str) : "(null)",                \
			       (long long)d_);                                                     \
	} while (0)

T(durations)
{
	DUR("30s", 30);
	DUR("10m", 600);
	DUR("1h", 3600);
	DUR("2d", 172800);
	DUR("1w", 604800);
	DUR("90", 90);
	DUR("0", 0);
	DUR("0s", 0);
	DUR("007", 7);
	DUR("1h30m", 5400);
	DUR("30m1h", 5400);
	DUR("1w2d3h4m5s", 788645);
	DUR("1h1h", 7200);
	DUR("9223372036853", 9223372036853LL); /* the most whose microseconds fit */
	DUR("9223372036853s", 9223372036853LL);
	DUR("15250284w", 15250284LL * 604800);
	DUR_BAD(NULL);
	DUR_BAD("");
	DUR_BAD("-5");
	DUR_BAD("-5s");
	DUR_BAD("+5");
	DUR_BAD("5y");
	DUR_BAD("5H");
	DUR_BAD("5ms");
	DUR_BAD("1h30");
	DUR_BAD("h");
	DUR_BAD("1hh");
	DUR_BAD("1 h");
	DUR_BAD(" 1h");
	DUR_BAD("1h ");
	DUR_BAD("1.5h");
	DUR_BAD("9223372036854");
	DUR_BAD("15250285w");
	DUR_BAD("9223372036854775807");
	DUR_BAD("9223372036854775808");
	DUR_BAD("99999999999999999999999w");
	DUR_BAD("9000000000000s300000000000s"); /* each fits, the sum does not */
}

/* duration_format writes what duration_parse reads back, in the largest units. */
T(duration_format)
{
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = {
	    {0, "0s"},
	    {1, "1s"},
	    {600, "10m"},
	    {5400, "1h30m"},
	    {86400, "1d"},
	    {604800, "1w"},
	    {1209600, "2w"},
	    {2592000, "30d"},
	    {691200, "8d"},
	    {788645, "9d3h4m5s"},
	    {3661, "1h1m1s"},
	    {-5, "-5s"},
	    {9223372036853LL, "106751991d4h53s"},
	};
	char buf[32];
	uint64_t x = 88172645463325252ULL;
	int64_t d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(duration_format(cases[i].s, buf, sizeof(buf)), cases[i].want);
	/* cut to the buffer, still a string */
	CHECK_STR(duration_format(788645, buf, 4), "9d3");
	for (i = 0; i < 100000; i++) {
		int64_t s;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		s = (int64_t)(x % (i % 2 ? 9223372036853ULL : 3000000ULL));
		duration_format(s, buf, 24);
		if (duration_parse(buf, &d) != 0 || d != s) {
			T_FAIL("%lld -> \"%s\" -> %lld", (long long)s, buf, (long long)d);
			break;
		}
	}
}

int
main(void)
{
	T_RUN(relative);
	T_RUN(now_and_epoch);
	T_RUN(iso_with_zone);
	T_RUN(iso_local);
	T_RUN(today_yesterday);
	T_RUN(syslog_year_rule);
	T_RUN(trimmed);
	T_RUN(rejected);
	T_RUN(error_buffer);
	T_RUN(cidr_forms);
	T_RUN(cidr_rejected);
	T_RUN(cidr_contains_edges);
	T_RUN(cidr_overlaps_both_ways);
	T_RUN(durations);
	T_RUN(duration_format);
	return T_END();
}
