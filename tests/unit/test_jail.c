/* test_jail.c: a jail end to end on log lines: attempts counted once, allowlist, log injection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail.h"
#include "t.h"

struct seen {
	char bans[1024];
	size_t blen;
	int counts, allowed;
};

static void
on_ban(void *arg, struct jail *j, const struct detect_hit *h, int64_t now)
{
	struct seen *s = arg;
	char a[ADDR_STRLEN];

	addr_format(&h->net, a);
	s->blen += (size_t)snprintf(s->bans + s->blen, sizeof(s->bans) - s->blen, "%s/%u@%lld %s\n",
	                            a, h->prefix, (long long)(now / 1000000 % 3600), jail_name(j));
}

static void
on_count(void *arg, struct jail *j, const struct jail_count *c)
{
	struct seen *s = arg;

	(void)j;
	if (c->allowed)
		s->allowed++;
	else
		s->counts++;
}

static struct jail *
mk(unsigned maxretry, struct seen *s, const char *allow)
{
	struct jail_opts o;
	struct jail_cb cb = {on_ban, on_count};
	struct cidr c;

	memset(&o, 0, sizeof(o));
	memset(s, 0, sizeof(*s));
	o.name = "sshd";
	o.det.maxretry = maxretry;
	o.det.findtime = 600;
	o.det.v4_prefix = 32;
	o.det.v6_prefix = 64;
	o.det.weight[DK_FAILURE] = 1;
	o.det.weight[DK_PROBE] = 0.5;
	o.det.weight[DK_NEGOTIATION] = 0.25;
	o.det.seed = 7;
	if (allow != NULL) {
		if (cidr_parse(allow, &c) != 0)
			abort();
		o.allow = &c;
		o.nallow = 1;
	}
	return jail_new(&o, &cb, s);
}

static void
feed(struct jail *j, const char *text)
{
	struct hdr_ctx ctx;
	const char *p = text;

	hdr_ctx_init(&ctx, 1780000000);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		jail_line(j, &ctx, p, n, INT64_MIN);
		p += n + (nl != NULL);
	}
}

/* Three failed passwords in one connection, each logged by sshd and PAM, then two more connections.
 */
static const char brute[] =
    "May 31 08:00:01 h sshd[10]: pam_unix(sshd:auth): authentication failure; logname= uid=0 "
    "euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root\n"
    "May 31 08:00:03 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
    "May 31 08:00:05 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
    "May 31 08:00:07 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
    "May 31 08:00:07 h sshd[10]: PAM 2 more authentication failures; logname= uid=0 euid=0 "
    "tty=ssh ruser= rhost=203.0.113.5  user=root\n"
    "May 31 08:00:08 h sshd[10]: Connection closed by authenticating user root 203.0.113.5 port "
    "4000 [preauth]\n"
    "May 31 08:01:00 h sshd[11]: Invalid user admin from 203.0.113.5 port 4001\n"
    "May 31 08:01:02 h sshd[11]: pam_unix(sshd:auth): check pass; user unknown\n"
    "May 31 08:01:02 h sshd[11]: Failed password for invalid user admin from 203.0.113.5 port "
    "4001 ssh2\n"
    "May 31 08:02:00 h sshd[12]: Invalid user oracle from 203.0.113.5 port 4002\n"
    "May 31 08:02:02 h sshd[12]: Failed password for invalid user oracle from 203.0.113.5 port "
    "4002 ssh2\n";

T(attempts_not_lines)
{
	struct seen s;
	struct jail *j = mk(5, &s, NULL);
	struct jail_stats st;

	feed(j, brute);
	/* 3 + 1 + 1 attempts: the fifth (08:02:00, the refused invalid user) bans */
	CHECK_STR(s.bans, "203.0.113.5/32@120 sshd\n");
	jail_stats(j, &st);
	CHECK_INT(st.bans, 1);
	CHECK_INT(st.lines, 11);
	jail_free(j);
	/* with maxretry 6 the 13 lines are not enough */
	j = mk(6, &s, NULL);
	feed(j, brute);
	CHECK_STR(s.bans, "");
	CHECK_INT(s.counts, 5);
	jail_free(j);
}

T(allowlisted_never_banned)
{
	struct seen s;
	struct jail *j = mk(2, &s, "203.0.113.0/24");

	feed(j, brute);
	CHECK_STR(s.bans, "");
	CHECK_INT(s.counts, 0);
	CHECK_INT(s.allowed, 5);
	jail_free(j);
}

T(log_injection_bans_only_the_peer)
{
	struct seen s;
	struct jail *j = mk(3, &s, NULL);
	char buf[4096];
	size_t len = 0;
	int k;

	/* the user name carries another address; sshd's own field is the real peer */
	for (k = 0; k < 3; k++)
		len += (size_t)snprintf(
		    buf + len, sizeof(buf) - len,
		    "May 31 09:00:0%d h sshd[%d]: Invalid user x from 192.0.2.66 port "
		    "22 from 198.51.100.9 port %d\n"
		    "May 31 09:00:0%d h sshd[%d]: Failed password for invalid user x "
		    "from 192.0.2.66 port 22 from 198.51.100.9 port %d ssh2\n",
		    k, 20 + k, 5000 + k, k, 20 + k, 5000 + k);
	feed(j, buf);
	CHECK_STR(s.bans, "198.51.100.9/32@2 sshd\n");
	CHECK(strstr(s.bans, "192.0.2.66") == NULL);
	jail_free(j);
}

T(probes_and_ipv6_prefix)
{
	struct seen s;
	struct jail *j = mk(2, &s, NULL);
	char buf[4096];
	size_t len = 0;
	int k;

	/* four scans from one /64: 4 x 0.5 = 2 failures */
	for (k = 0; k < 4; k++)
		len += (size_t)snprintf(
		    buf + len, sizeof(buf) - len,
		    "May 31 10:00:0%d h sshd[%d]: Connection closed by 2001:db8:5:6::%x "
		    "port %d [preauth]\n",
		    k, 30 + k, k + 1, 6000 + k);
	feed(j, buf);
	CHECK_STR(s.bans, "2001:db8:5:6::/64@3 sshd\n");
	jail_free(j);
}

/* A ban's reason: the weighted count, singular for one, the window as the config writes it. */
T(reason)
{
	struct detect_hit h;
	char buf[64];

	memset(&h, 0, sizeof(h));
	h.weight = 5;
	CHECK_STR(jail_reason(&h, 600, buf, sizeof(buf)), "5 failures in 10m");
	h.weight = 1;
	CHECK_STR(jail_reason(&h, 60, buf, sizeof(buf)), "1 failure in 1m");
	h.weight = 2.5;
	CHECK_STR(jail_reason(&h, 5400, buf, sizeof(buf)), "2.5 failures in 1h30m");
	h.weight = 10063.75; /* maxretry 10000 and a last weight of 63.75 */
	CHECK_STR(jail_reason(&h, 14 * 86400, buf, sizeof(buf)), "10063.75 failures in 2w");
}

int
main(void)
{
	T_RUN(attempts_not_lines);
	T_RUN(allowlisted_never_banned);
	T_RUN(log_injection_bans_only_the_peer);
	T_RUN(probes_and_ipv6_prefix);
	T_RUN(reason);
	return T_END();
}
