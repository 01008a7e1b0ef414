/* test_status_view.c: the text of `authwatch status` and `bans` from known values: layout,
 * escaping. */
#include <stdlib.h>
#include <string.h>

#include "status_view.h"
#include "t.h"
#include "xmalloc.h"

/* What a view wrote, through an obuf sink. Invariant: b[0..len) is the text, b[len] == '\0'. */
struct sbuf {
	char *b;
	size_t len;
};

static int
to_sbuf(void *arg, const char *s, size_t n)
{
	struct sbuf *sb = arg;

	sb->b = xreallocarray(sb->b, sb->len + n + 1, 1);
	memcpy(sb->b + sb->len, s, n);
	sb->len += n;
	sb->b[sb->len] = '\0';
	return 0;
}

static void
net(struct addr *a, const char *s)
{
	if (addr_parse(s, strlen(s), a) != 0)
		abort();
}

/* A jail name and a source path with terminal escapes and a newline, as a config or log could
 * hold. */
#define EVIL_JAIL "ev\x1b[2Jil\nj"
#define EVIL_SRC "/tmp/\x1b]0;pwned\x07\nx.log"

/* Two jails: sshd with offenders and sources, and one with hostile names. */
struct fx {
	struct banmgr_offender top[2];
	struct status_view_source src[3];
	struct status_view_jail jails[2];
	struct status_view sv;
};

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	net(&f->top[0].net, "203.0.113.7");
	f->top[0].prefix = 32;
	f->top[0].bans = 4;
	net(&f->top[1].net, "2001:db8::");
	f->top[1].prefix = 64;
	f->top[1].bans = 2;
	f->src[0] = (struct status_view_source){"/var/log/auth.log", 1234567};
	f->src[1] = (struct status_view_source){"journal:ssh.service", 0};
	f->src[2] = (struct status_view_source){EVIL_SRC, 12};
	f->jails[0] = (struct status_view_jail){
	    .name = "sshd",
	    .tracked = 12,
	    .active_bans = 3,
	    .bans_last_hour = 1,
	    .bans_last_day = 4,
	    .lines = 1234567,
	    .events = 2000,
	    .counted = 87,
	    .bans = 5,
	    .top = f->top,
	    .ntop = 2,
	    .sources = f->src,
	    .nsources = 2,
	};
	f->jails[1] = (struct status_view_jail){
	    .name = EVIL_JAIL, .lines = 12, .sources = f->src + 2, .nsources = 1};
	f->sv = (struct status_view){.uptime_s = 2 * 3600 + 13 * 60 + 5,
	                             .database = "/var/lib/authwatch/state.db",
	                             .active_bans = 3,
	                             .bans = 5,
	                             .unbans = 1234,
	                             .jails = f->jails,
	                             .njails = 2};
}

/* The status of s as text (caller frees). */
static char *
status_text(const struct status_view *s, int color)
{
	struct sbuf sb = {NULL, 0};
	struct obuf o;

	obuf_init_sink(&o, to_sbuf, &sb);
	status_view_status(&o, s, color);
	if (obuf_close(&o) != 0)
		abort();
	return sb.b;
}

static char *
bans_text(const struct store_ban *b, size_t n, int64_t now, int color)
{
	struct sbuf sb = {NULL, 0};
	struct obuf o;

	obuf_init_sink(&o, to_sbuf, &sb);
	status_view_bans(&o, b, n, now, NULL, color);
	if (obuf_close(&o) != 0)
		abort();
	return sb.b;
}

T(status_layout)
{
	struct fx f;
	char *s;

	fx_init(&f);
	s = status_text(&f.sv, 0);
	CHECK_STR(
	    s, "authwatch daemon: up 2h13m, state /var/lib/authwatch/state.db\n"
	       "  active bans             3\n"
	       "  bans since start        5\n"
	       "  unbans since start  1,234\n"
	       "\n"
	       "Jails\n"
	       "-----\n"
	       "  jail              tracked  active bans  bans 1h  bans 24h      lines  events  "
	       "counted  bans decided\n"
	       "  sshd                   12            3        1         4  1,234,567   2,000  "
	       "     87             5\n"
	       "  ev\\x1b[2Jil\\x0aj        0            0        0         0         12       0  "
	       "      0             0\n"
	       "\n"
	       "Top offenders\n"
	       "-------------\n"
	       "  jail  address         bans\n"
	       "  sshd  203.0.113.7/32     4\n"
	       "  sshd  2001:db8::/64      2\n"
	       "\n"
	       "Sources\n"
	       "-------\n"
	       "  jail              source                              lines\n"
	       "  sshd              /var/log/auth.log               1,234,567\n"
	       "  sshd              journal:ssh.service                     0\n"
	       "  ev\\x1b[2Jil\\x0aj  /tmp/\\x1b]0;pwned\\x07\\x0ax.log         12\n");
	free(s);
}

/* Names from the config or the logs never reach the terminal raw, with colour or without. */
T(status_escapes)
{
	struct fx f;
	int color;

	fx_init(&f);
	for (color = 0; color <= 1; color++) {
		char *s = status_text(&f.sv, color), *p;
		size_t nl = 0;

		CHECK(strstr(s, "\x1b[2J") == NULL);
		CHECK(strstr(s, "\x1b]0;") == NULL);
		CHECK(strchr(s, '\x07') == NULL);
		CHECK(strstr(s, "ev\\x1b[2Jil\\x0aj") != NULL);
		CHECK(strstr(s, "/tmp/\\x1b]0;pwned\\x07\\x0ax.log") != NULL);
		/* every escape sequence is one the view wrote: a colour */
		for (p = s; (p = strchr(p, '\x1b')) != NULL; p++)
			CHECK(p[1] == '[' && (p[2] == '0' || p[2] == '1' || p[2] == '3'));
		for (p = s; *p; p++)
			nl += *p == '\n';
		CHECK_INT(nl, 23); /* the rows of the layout test: no name adds a line */
		free(s);
	}
}

T(status_color)
{
	struct fx f;
	char *s;

	fx_init(&f);
	s = status_text(&f.sv, 1);
	CHECK(strncmp(s, "\x1b[1mauthwatch daemon: up 2h13m", 30) == 0);
	CHECK(strstr(s, "\x1b[31m3\x1b[0m") != NULL); /* active bans in red */
	CHECK(strstr(s, "\x1b[1mJails\x1b[0m\n") != NULL);
	CHECK(strstr(s, "\x1b[1mjail\x1b[0m") != NULL); /* header row in bold */
	free(s);
	f.sv.active_bans = 0;
	f.jails[0].active_bans = 0;
	s = status_text(&f.sv, 1);
	CHECK(strstr(s, "\x1b[31m") == NULL); /* nothing red without active bans */
	free(s);
}

T(status_memory_only_and_empty)
{
	struct status_view sv;
	char *s;

	memset(&sv, 0, sizeof(sv));
	s = status_text(&sv, 0);
	CHECK_STR(s, "authwatch daemon: up 0s, state in memory only\n"
	             "  active bans         0\n"
	             "  bans since start    0\n"
	             "  unbans since start  0\n"
	             "\n"
	             "Jails\n"
	             "-----\n"
	             "  none\n"
	             "\n"
	             "Top offenders\n"
	             "-------------\n"
	             "  none\n"
	             "\n"
	             "Sources\n"
	             "-------\n"
	             "  none\n");
	free(s);
}

T(bans_layout)
{
	struct store_ban b[2];
	const int64_t now = 1622444400; /* 2021-05-31 07:00:00 UTC */
	char *s;

	memset(b, 0, sizeof(b));
	net(&b[0].net, "203.0.113.7");
	b[0].prefix = 32;
	snprintf(b[0].jail, sizeof(b[0].jail), "sshd");
	b[0].start = now - 125;
	b[0].expires = now + 3600 + 120;
	b[0].nth = 1;
	snprintf(b[0].reason, sizeof(b[0].reason), "5 failures in 10m");
	net(&b[1].net, "2001:db8:1::");
	b[1].prefix = 64;
	snprintf(b[1].jail, sizeof(b[1].jail), "%s", EVIL_JAIL);
	b[1].start = now - 86400;
	b[1].expires = 0;
	b[1].nth = 3;
	snprintf(b[1].reason, sizeof(b[1].reason), "by \x1b[8mhand\n");
	s = bans_text(b, 2, now, 0);
	CHECK_STR(s, "authwatch daemon: 2 active bans, times in UTC\n"
	             "  address          jail              since             until              "
	             "left  offence  reason\n"
	             "  203.0.113.7/32   sshd              2021-05-31 06:57  2021-05-31 08:02  "
	             "1h02m        1  5 failures in 10m\n"
	             "  2001:db8:1::/64  ev\\x1b[2Jil\\x0aj  2021-05-30 07:00  never             "
	             "    -        3  by \\x1b[8mhand\\x0a\n");
	free(s);
	s = bans_text(b, 2, now, 1);
	CHECK(strstr(s, "\x1b[31mnever\x1b[0m") != NULL); /* permanent */
	CHECK(strstr(s, "\x1b[33m3\x1b[0m") != NULL);     /* a repeat offender */
	CHECK(strstr(s, "\x1b[8m") == NULL && strstr(s, "\x1b[2J") == NULL);
	free(s);
	s = bans_text(b, 1, now, 0);
	CHECK(strncmp(s, "authwatch daemon: 1 active ban, times in UTC\n", 45) == 0);
	free(s);
	s = bans_text(NULL, 0, now, 0);
	CHECK_STR(s, "authwatch daemon: no active ban\n");
	free(s);
}

static char *
history_text(const struct addr *a, const struct store_ban *b, size_t n, int64_t now, int64_t keep)
{
	struct sbuf sb = {NULL, 0};
	struct obuf o;

	obuf_init_sink(&o, to_sbuf, &sb);
	status_view_history(&o, a, b, n, now, keep, 0);
	if (obuf_close(&o) != 0)
		abort();
	return sb.b;
}

T(history_layout)
{
	struct store_ban b[3];
	struct addr a;
	const int64_t now = 1622444400; /* 2021-05-31 07:00:00 UTC */
	char *s;

	memset(b, 0, sizeof(b));
	net(&a, "2001:db8:1::7");
	net(&b[0].net, "2001:db8:1::");
	b[0].prefix = 64;
	snprintf(b[0].jail, sizeof(b[0].jail), "sshd");
	b[0].start = now - 60;
	b[0].expires = now + 1140;
	b[0].nth = 3;
	snprintf(b[0].reason, sizeof(b[0].reason), "by \x1b[8mhand\n");
	b[1] = b[0];
	b[1].start = now - 7200;
	b[1].expires = now - 6000;
	b[1].ended = now - 6600; /* lifted early */
	b[1].nth = 2;
	b[2] = b[0];
	b[2].start = now - 86400;
	b[2].expires = now - 86400 + 600;
	b[2].nth = 1;
	s = history_text(&a, b, 3, now, 30 * 86400);
	CHECK_STR(s, "authwatch daemon: 3 bans of 2001:db8:1::7 in the history (bans of the last "
	             "30d), times in UTC\n"
	             "  network          jail  since             until             ended       "
	             "      offence  reason\n"
	             "  2001:db8:1::/64  sshd  2021-05-31 06:59  2021-05-31 07:19  in force    "
	             "            3  by \\x1b[8mhand\\x0a\n"
	             "  2001:db8:1::/64  sshd  2021-05-31 05:00  2021-05-31 05:20  2021-05-31 05:10"
	             "        2  by \\x1b[8mhand\\x0a\n"
	             "  2001:db8:1::/64  sshd  2021-05-30 07:00  2021-05-30 07:10  expired     "
	             "            1  by \\x1b[8mhand\\x0a\n");
	free(s);
	b[0].expires = 0;
	s = history_text(&a, b, 1, now, 0);
	CHECK(strstr(s, "(every ban), times in UTC\n") != NULL);
	CHECK(strstr(s, "  never  ") != NULL && strstr(s, "in force") != NULL);
	free(s);
	s = history_text(&a, NULL, 0, now, 86400);
	CHECK_STR(s, "authwatch daemon: no ban of 2001:db8:1::7 in the history (bans of the last "
	             "1d)\n");
	free(s);
}

int
main(void)
{
	T_RUN(status_layout);
	T_RUN(status_escapes);
	T_RUN(status_color);
	T_RUN(status_memory_only_and_empty);
	T_RUN(bans_layout);
	T_RUN(history_layout);
	return T_END();
}
