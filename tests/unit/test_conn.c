/* test_conn.c: the connection tracker folds each connection's lines into one record. */
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "sshd_parse.h"
#include "strtab.h"
#include "syslog_hdr.h"
#include "t.h"

#define MAXREC 64

struct got {
	struct conn_rec rec[MAXREC];
	int n;
};

static void
collect(const struct conn_rec *r, void *arg)
{
	struct got *g = arg;

	if (g->n < MAXREC)
		g->rec[g->n] = *r;
	g->n++;
}

/* Feeds the lines (one string, '\n'-separated) through parser and tracker; flushes at the end. */
static void
run(const char *text, struct strtab *st, struct got *g)
{
	struct conn_tracker *t = conn_new(st, collect, g);
	struct hdr_ctx ctx;
	const char *p = text;

	memset(g, 0, sizeof(*g));
	hdr_ctx_init(&ctx, 1780000000); /* 2026-05-28: May 31 lines are 2025 */
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = malloc(n ? n : 1);
		struct event ev;

		memcpy(line, p, n);
		sshd_parse_line(&ctx, line, n, &ev);
		conn_feed(t, &ev);
		free(line);
		p += n + (nl != NULL);
	}
	conn_flush(t);
	CHECK_INT(conn_active(t), 0);
	conn_free(t);
}

static const char *
ip(const struct conn_rec *r)
{
	static char buf[ADDR_STRLEN];

	addr_format(&r->src, buf);
	return buf;
}

static const char *
str(struct strtab *st, uint32_t id)
{
	return strtab_get(st, id, NULL);
}

/* The hour of auth.log in the EC2 article: one record per connection, each counted once. */
T(article_hour)
{
	static const char log[] =
	    "May 31 07:07:22 nimbus sshd[52959]: Invalid user abc from 104.248.172.241 port 60580\n"
	    "May 31 07:07:22 nimbus sshd[52959]: Received disconnect from 104.248.172.241 port "
	    "60580:11: Bye Bye [preauth]\n"
	    "May 31 07:07:22 nimbus sshd[52959]: Disconnected from invalid user abc "
	    "104.248.172.241 "
	    "port 60580 [preauth]\n"
	    "May 31 07:11:46 nimbus sshd[52966]: Received disconnect from 185.18.126.114 port "
	    "33872:11: Bye Bye [preauth]\n"
	    "May 31 07:11:46 nimbus sshd[52966]: Disconnected from authenticating user root "
	    "185.18.126.114 port 33872 [preauth]\n"
	    "May 31 07:17:01 nimbus CRON[52974]: pam_unix(cron:session): session opened for user "
	    "root by (uid=0)\n"
	    "May 31 07:25:06 nimbus sshd[52991]: Connection closed by 162.142.125.54 port 56598 "
	    "[preauth]\n"
	    "May 31 07:36:29 nimbus sshd[53022]: error: kex_exchange_identification: Connection "
	    "closed by remote host\n"
	    "May 31 07:46:29 nimbus sshd[53042]: Unable to negotiate with 45.133.1.115 port 34484: "
	    "no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 "
	    "[preauth]\n"
	    "May 31 07:59:28 nimbus sshd[53061]: Invalid user pi from 177.128.2.215 port 57008\n"
	    "May 31 07:59:28 nimbus sshd[53062]: Invalid user pi from 177.128.2.215 port 57016\n"
	    "May 31 07:59:28 nimbus sshd[53061]: Connection closed by invalid user pi "
	    "177.128.2.215 "
	    "port 57008 [preauth]\n"
	    "May 31 07:59:28 nimbus sshd[53062]: Connection closed by invalid user pi "
	    "177.128.2.215 "
	    "port 57016 [preauth]\n";
	struct strtab *st = strtab_new(1);
	struct got g;
	int i, failed = 0, probe = 0, neg = 0;

	run(log, st, &g);
	CHECK_INT(g.n, 7);
	for (i = 0; i < g.n && i < MAXREC; i++) {
		const struct conn_rec *r = &g.rec[i];

		failed += r->outcome == CO_FAILED;
		probe += r->outcome == CO_PROBE;
		neg += r->outcome == CO_NEGOTIATION;
		CHECK_INT(r->open, 0);
		if (r->pid == 52959) {
			CHECK_INT(r->attempts, 1);
			CHECK_STR(str(st, r->user), "abc");
			CHECK_STR(ip(r), "104.248.172.241");
			CHECK_INT(r->lines, 3);
			CHECK(r->flags & CF_INVALID_USER);
		}
		if (r->pid == 52966) {
			/* closed while authenticating root: a probe, no failed attempt logged */
			CHECK_INT(r->outcome, CO_PROBE);
			CHECK_STR(str(st, r->user), "root");
		}
		if (r->pid == 53022)
			CHECK_INT(r->src.af, 0);
	}
	CHECK_INT(failed, 3);
	CHECK_INT(probe, 3);
	CHECK_INT(neg, 1);
	strtab_free(st);
}

/* sshd and PAM write two or three lines per failed password: attempts count each once. */
T(brute_force_counts_attempts_once)
{
	static const char log[] =
	    "Jun  1 10:00:00 web sshd[700]: Connection from 198.51.100.23 port 51544 on 192.0.2.10 "
	    "port 22\n"
	    "Jun  1 10:00:01 web sshd[700]: pam_unix(sshd:auth): authentication failure; logname= "
	    "uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.23  user=root\n"
	    "Jun  1 10:00:03 web sshd[700]: Failed password for root from 198.51.100.23 port 51544 "
	    "ssh2\n"
	    "Jun  1 10:00:06 web sshd[700]: message repeated 4 times: [ Failed password for root "
	    "from "
	    "198.51.100.23 port 51544 ssh2]\n"
	    "Jun  1 10:00:09 web sshd[700]: Failed password for root from 198.51.100.23 port 51544 "
	    "ssh2\n"
	    "Jun  1 10:00:09 web sshd[700]: error: maximum authentication attempts exceeded for "
	    "root "
	    "from 198.51.100.23 port 51544 ssh2 [preauth]\n"
	    "Jun  1 10:00:09 web sshd[700]: Disconnecting authenticating user root 198.51.100.23 "
	    "port "
	    "51544: Too many authentication failures [preauth]\n"
	    "Jun  1 10:00:09 web sshd[700]: PAM 5 more authentication failures; logname= uid=0 "
	    "euid=0 "
	    "tty=ssh ruser= rhost=198.51.100.23  user=root\n";
	struct strtab *st = strtab_new(1);
	struct got g;

	run(log, st, &g);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.rec[0].attempts, 6);
	CHECK_INT(g.rec[0].outcome, CO_FAILED);
	CHECK_INT(g.rec[0].nusers, 1);
	CHECK_INT(g.rec[0].end - g.rec[0].start, 9000000);
	strtab_free(st);
}

/* A login: the post-auth child's lines, sftp-server's, and sudo join the one record. */
T(login_session)
{
	static const char log[] =
	    "Jan  1 00:20:13 web-1 sshd[41088]: Accepted publickey for deploy from 192.0.2.78 port "
	    "41000 ssh2: RSA SHA256:abc\n"
	    "Jan  1 00:20:13 web-1 sshd[41088]: pam_unix(sshd:session): session opened for user "
	    "deploy(uid=1001) by (uid=0)\n"
	    "Jan  1 00:20:13 web-1 sshd[41090]: Starting session: subsystem 'sftp' for deploy from "
	    "192.0.2.78 port 41000 id 0\n"
	    "Jan  1 00:20:14 web-1 sftp-server[41091]: session opened for local user deploy from "
	    "[192.0.2.78]\n"
	    "Jan  1 00:20:14 web-1 sftp-server[41091]: open \"/srv/a\" flags WRITE,CREATE mode "
	    "0644\n"
	    "Jan  1 00:20:19 web-1 sftp-server[41091]: close \"/srv/a\" bytes read 0 written 4821\n"
	    "Jan  1 00:20:19 web-1 sftp-server[41091]: remove name \"/srv/old\"\n"
	    "Jan  1 00:20:20 web-1 sudo:   deploy : TTY=pts/0 ; PWD=/ ; USER=root ; "
	    "COMMAND=/bin/ls\n"
	    "Jan  1 00:20:20 web-1 sftp-server[41091]: session closed for local user deploy from "
	    "[192.0.2.78]\n"
	    "Jan  1 00:20:21 web-1 sshd[41090]: Received disconnect from 192.0.2.78 port 41000:11: "
	    "disconnected by user\n"
	    "Jan  1 00:20:21 web-1 sshd[41090]: Disconnected from user deploy 192.0.2.78 port "
	    "41000\n"
	    "Jan  1 00:20:21 web-1 sshd[41090]: Transferred: sent 3176, received 48233 bytes\n"
	    "Jan  1 00:20:21 web-1 sshd[41088]: pam_unix(sshd:session): session closed for user "
	    "deploy\n"
	    "Jan  1 00:40:00 web-1 sshd[42000]: Invalid user x from 203.0.113.1 port 1\n";
	struct strtab *st = strtab_new(1);
	struct got g;
	const struct conn_rec *r = &g.rec[0];

	run(log, st, &g);
	CHECK_INT(g.n, 2);
	CHECK_INT(r->outcome, CO_LOGIN);
	CHECK_STR(str(st, r->user), "deploy");
	CHECK_STR(str(st, r->key_fp), "SHA256:abc");
	CHECK_INT(r->method, M_PUBLICKEY);
	CHECK_INT(r->sftp_files, 1);
	CHECK_INT(r->sftp_written, 4821);
	CHECK_INT(r->sftp_ops, 1);
	CHECK_INT(r->sudo_cmds, 1);
	CHECK_INT(r->bytes_recv, 48233);
	CHECK(r->flags & CF_SFTP);
	CHECK_INT(r->end - r->start, 8000000);
	CHECK_INT(r->open, 0);
	CHECK_INT(r->lines, 12);
	CHECK_INT(g.rec[1].outcome, CO_FAILED);
	CHECK_INT(g.rec[1].open, 1);
	strtab_free(st);
}

/* A pid that serves another address: the old connection ended unseen. */
T(pid_reuse_and_open_at_end)
{
	static const char log[] =
	    "Jun  1 10:00:00 web sshd[900]: Invalid user a from 198.51.100.1 port 1000\n"
	    "Jun  1 10:00:05 web sshd[900]: Invalid user b from 198.51.100.2 port 2000\n"
	    "Jun  1 10:00:06 web sshd[901]: Accepted password for alice from 192.0.2.5 port 3000 "
	    "ssh2\n";
	struct strtab *st = strtab_new(1);
	struct got g;

	run(log, st, &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(ip(&g.rec[0]), "198.51.100.1");
	CHECK(g.rec[0].flags & CF_NO_CLOSE);
	CHECK_INT(g.rec[0].open, 0);
	/* flushed at the end: still open */
	CHECK_INT(g.rec[1].open + g.rec[2].open, 2);
	strtab_free(st);
}

/* A connection that never closes is ended after it sits idle (log time), not kept forever. */
T(idle_preauth_expires)
{
	static const char log[] =
	    "Jun  1 10:00:00 web sshd[500]: Invalid user a from 198.51.100.1 port 1000\n"
	    "Jun  1 11:00:00 web sshd[501]: Invalid user b from 198.51.100.2 port 2000\n"
	    "Jun  1 11:00:20 web sshd[502]: Invalid user c from 198.51.100.3 port 3000\n";
	struct strtab *st = strtab_new(1);
	struct got g;

	run(log, st, &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(ip(&g.rec[0]), "198.51.100.1");
	CHECK_INT(g.rec[0].open, 0);
	CHECK(g.rec[0].flags & CF_NO_CLOSE);
	strtab_free(st);
}

/* Listener lines (penalties) are one-line records; they never join a connection. */
T(listener_lines)
{
	static const char log[] =
	    "Jun  1 10:00:00 web sshd[1]: drop connection #3 from [203.0.113.50]:40301 on "
	    "[192.0.2.10]:22 penalty: failed authentication\n"
	    "Jun  1 10:00:01 web sshd[1]: drop connection #4 from [203.0.113.51]:40302 on "
	    "[192.0.2.10]:22 past MaxStartups\n";
	struct strtab *st = strtab_new(1);
	struct got g;

	run(log, st, &g);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.rec[0].outcome, CO_PROBE);
	CHECK(g.rec[0].flags & CF_STANDALONE);
	CHECK_STR(ip(&g.rec[1]), "203.0.113.51");
	strtab_free(st);
}

/* Live progress for the daemon: what it counts, line by line. */
struct prog {
	char log[2048];
	size_t len;
};

static void
on_progress(const struct conn_rec *r, unsigned what, uint32_t delta, int64_t ts, void *arg)
{
	struct prog *p = arg;
	char a[ADDR_STRLEN];
	static const char *const names[] = {"failure", "probe", "negotiation"};

	addr_format(&r->src, a);
	p->len += (size_t)snprintf(p->log + p->len, sizeof(p->log) - p->len, "%s %s %u %lld\n",
	                           names[what], a, delta, (long long)(ts / 1000000 % 3600));
}

static void
run_progress(const char *text, struct prog *p)
{
	struct strtab *st = strtab_new(1);
	struct got g;
	struct conn_tracker *t = conn_new(st, collect, &g);
	struct hdr_ctx ctx;
	const char *q = text;

	memset(p, 0, sizeof(*p));
	memset(&g, 0, sizeof(g));
	conn_set_progress(t, on_progress, p);
	hdr_ctx_init(&ctx, 1780000000);
	while (*q) {
		const char *nl = strchr(q, '\n');
		size_t n = nl ? (size_t)(nl - q) : strlen(q);
		char *line = malloc(n ? n : 1);
		struct event ev;

		memcpy(line, q, n);
		sshd_parse_line(&ctx, line, n, &ev);
		conn_feed(t, &ev);
		free(line);
		q += n + (nl != NULL);
	}
	conn_flush(t);
	conn_free(t);
	strtab_free(st);
}

T(progress_counts_each_attempt_once)
{
	static const char log[] =
	    /* PAM first (address only as rhost), then sshd's line: one attempt each */
	    "May 31 08:00:01 h sshd[10]: pam_unix(sshd:auth): authentication failure; logname= "
	    "uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root\n"
	    "May 31 08:00:03 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
	    "May 31 08:00:05 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
	    "May 31 08:00:07 h sshd[10]: Failed password for root from 203.0.113.5 port 4000 ssh2\n"
	    "May 31 08:00:07 h sshd[10]: error: maximum authentication attempts exceeded for root "
	    "from 203.0.113.5 port 4000 ssh2 [preauth]\n"
	    "May 31 08:00:07 h sshd[10]: Disconnecting authenticating user root 203.0.113.5 port "
	    "4000: Too many authentication failures [preauth]\n"
	    "May 31 08:00:07 h sshd[10]: PAM 2 more authentication failures; logname= uid=0 euid=0 "
	    "tty=ssh ruser= rhost=203.0.113.5  user=root\n"
	    /* invalid user, no password: one refused attempt */
	    "May 31 08:01:00 h sshd[11]: Invalid user x from 198.51.100.7 port 5000\n"
	    "May 31 08:01:00 h sshd[11]: Connection closed by invalid user x 198.51.100.7 port "
	    "5000 [preauth]\n"
	    /* a scanner and an old client: no attempt */
	    "May 31 08:02:00 h sshd[12]: Connection closed by 192.0.2.9 port 6000 [preauth]\n"
	    "May 31 08:03:00 h sshd[13]: Unable to negotiate with 192.0.2.10 port 7000: no "
	    "matching key exchange method found. Their offer: diffie-hellman-group1-sha1 "
	    "[preauth]\n"
	    /* a crafted user name: only the real peer is counted */
	    "May 31 08:04:00 h sshd[14]: Invalid user x from 10.9.9.9 port 22 from 192.0.2.66 port "
	    "8000\n"
	    /* sshd's own penalty drop (listener line, no pid of the connection) */
	    "May 31 08:05:00 h sshd[1]: drop connection #0 from [192.0.2.77]:9000 on "
	    "[192.0.2.1]:22 penalty: failed authentication\n";
	struct prog p;

	run_progress(log, &p);
	CHECK_STR(p.log, "failure 203.0.113.5 1 1\n"
	                 "failure 203.0.113.5 1 5\n"
	                 "failure 203.0.113.5 1 7\n"
	                 "failure 198.51.100.7 1 60\n"
	                 "probe 192.0.2.9 1 120\n"
	                 "negotiation 192.0.2.10 1 180\n"
	                 "failure 192.0.2.66 1 240\n"
	                 "probe 192.0.2.77 1 300\n");
}

/* A cap on records held: a flood of connections never makes it hold more. */
T(limit_bounds_records)
{
	struct strtab *st = strtab_new(3);
	struct got g;
	struct conn_tracker *t = conn_new(st, collect, &g);
	struct hdr_ctx ctx;
	char line[256];
	int k;

	memset(&g, 0, sizeof(g));
	conn_set_limit(t, 100);
	hdr_ctx_init(&ctx, 1780000000);
	for (k = 0; k < 5000; k++) {
		struct event ev;
		int n = snprintf(line, sizeof(line),
		                 "May 31 08:00:%02d h sshd[%d]: Failed password for root from "
		                 "10.0.%d.%d port %d ssh2",
		                 k % 60, 1000 + k, k / 256, k % 256, 2000 + k);

		sshd_parse_line(&ctx, line, (size_t)n, &ev);
		conn_feed(t, &ev);
		CHECK(conn_active(t) <= 100);
	}
	CHECK_INT(g.n, 5000 - 100); /* the others were ended to make room */
	conn_flush(t);
	CHECK_INT(g.n, 5000);
	conn_free(t);
	strtab_free(st);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	T_RUN(article_hour);
	T_RUN(brute_force_counts_attempts_once);
	T_RUN(login_session);
	T_RUN(pid_reuse_and_open_at_end);
	T_RUN(idle_preauth_expires);
	T_RUN(listener_lines);
	T_RUN(progress_counts_each_attempt_once);
	T_RUN(limit_bounds_records);
	return T_END();
}
