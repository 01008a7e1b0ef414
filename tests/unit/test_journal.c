/* test_journal.c: unit tests of journal (real journal files made by systemd-journal-remote). */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "addr.h"
#include "event.h"
#include "journal.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"
#include "xmalloc.h"

#define T0 1717139242123456LL /* 2024-05-31T07:07:22.123456Z */

/* systemd-journal-remote, found by find_remote ("" when there is none). */
static char remote[256];

/* A growing Journal Export Format text. */
struct exp {
	char *p;
	size_t n, cap;
};

static void
exp_add(struct exp *e, const void *d, size_t n)
{
	if (e->n + n > e->cap) {
		e->cap = (e->n + n) * 2 + 256;
		e->p = xreallocarray(e->p, e->cap, 1);
	}
	memcpy(e->p + e->n, d, n);
	e->n += n;
}

/* A text field "NAME=value\n" (value without newlines). */
static void
exp_field(struct exp *e, const char *name, const char *value)
{
	exp_add(e, name, strlen(name));
	exp_add(e, "=", 1);
	exp_add(e, value, strlen(value));
	exp_add(e, "\n", 1);
}

/* A binary field: "NAME\n", the length as 64-bit little endian, the bytes, "\n". */
static void
exp_bin(struct exp *e, const char *name, const void *d, size_t n)
{
	unsigned char le[8];
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (unsigned char)((uint64_t)n >> (8 * i));
	exp_add(e, name, strlen(name));
	exp_add(e, "\n", 1);
	exp_add(e, le, 8);
	exp_add(e, d, n);
	exp_add(e, "\n", 1);
}

/* Starts an entry at time ts (epoch microseconds): the journal's own fields only. */
static void
exp_head(struct exp *e, int64_t ts)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", (long long)ts);
	exp_field(e, "__REALTIME_TIMESTAMP", b);
	snprintf(b, sizeof(b), "%lld", (long long)(ts - T0 + 1000));
	exp_field(e, "__MONOTONIC_TIMESTAMP", b);
	exp_field(e, "_BOOT_ID", "0123456789abcdef0123456789abcdef");
}

/* Starts an entry at time ts from program ident (pid: SYSLOG_PID) on host nimbus. */
static void
exp_entry(struct exp *e, int64_t ts, const char *ident, const char *pid)
{
	exp_head(e, ts);
	exp_field(e, "_HOSTNAME", "nimbus");
	if (ident != NULL)
		exp_field(e, "SYSLOG_IDENTIFIER", ident);
	if (pid != NULL)
		exp_field(e, "SYSLOG_PID", pid);
}

/* A whole sshd entry with a text MESSAGE. */
static void
exp_msg(struct exp *e, int64_t ts, const char *ident, const char *pid, const char *msg)
{
	exp_entry(e, ts, ident, pid);
	exp_field(e, "MESSAGE", msg);
	exp_add(e, "\n", 1);
}

/* Looks for systemd-journal-remote; returns 0 when found (in remote), else -1. */
static int
find_remote(void)
{
	static const char *const paths[] = {
	    "/lib/systemd/systemd-journal-remote",
	    "/usr/lib/systemd/systemd-journal-remote",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0) {
			snprintf(remote, sizeof(remote), "%s", paths[i]);
			return 0;
		}
	return -1;
}

/*
 * Makes directory tf_dir/name holding x.journal converted from e by
 * systemd-journal-remote; copies its path into dir[256]. Returns 0, or -1 when
 * the conversion failed (after a T_FAIL).
 */
static int
make_journal(const char *name, const struct exp *e, char *dir)
{
	char exppath[300], outarg[320];
	char *argv[4];
	int rc;

	snprintf(dir, 256, "%s", tf_path(name));
	snprintf(exppath, sizeof(exppath), "%s.export", dir);
	snprintf(outarg, sizeof(outarg), "--output=%s/x.journal", dir);
	if (mkdir(dir, 0755) == -1) {
		T_FAIL("mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	tf_write(exppath, e->p != NULL ? e->p : "", e->n);
	argv[0] = remote;
	argv[1] = outarg;
	argv[2] = exppath;
	argv[3] = NULL;
	if ((rc = tf_run(argv, "/dev/null", tf_path("remote.out"))) != 0) {
		T_FAIL("%s %s %s: exit %d", remote, outarg, exppath, rc);
		return -1;
	}
	return 0;
}

/* One line as journal_next returned it. */
struct line {
	char *p;
	size_t len;
	unsigned flags;
};

/* Every line of a journal and how the reading ended. */
struct lines {
	struct line *v;
	size_t n;
	int rc;
	uint64_t count;
};

/* Reads every line of the journal in dir between since and until; rc -2 when it did not open. */
static void
collect(const char *dir, int64_t since, int64_t until, struct lines *ls)
{
	struct journal *j;
	const char *p;
	size_t len, cap = 0;
	unsigned flags;
	char err[256];
	int rc;

	memset(ls, 0, sizeof(*ls));
	if ((j = journal_open(dir, since, until, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open(%s): %s", dir, err);
		ls->rc = -2;
		return;
	}
	while ((rc = journal_next(j, &p, &len, &flags)) == 1) {
		if (ls->n == cap)
			ls->v = xreallocarray(ls->v, cap = cap ? cap * 2 : 16, sizeof(*ls->v));
		ls->v[ls->n].p = xmalloc(len + 1);
		memcpy(ls->v[ls->n].p, p, len);
		ls->v[ls->n].p[len] = '\0';
		ls->v[ls->n].len = len;
		ls->v[ls->n].flags = flags;
		ls->n++;
	}
	ls->rc = rc;
	if (rc == -1)
		T_FAIL("journal_next: %s", journal_errmsg(j));
	/* the end stays the end */
	if (journal_next(j, &p, &len, &flags) != rc)
		ls->rc = -3;
	ls->count = journal_count(j);
	journal_close(j);
}

static void
lines_free(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i].p);
	free(ls->v);
}

#define CHECK_LINE(ls, i, s)                                                                       \
	do {                                                                                       \
		if ((ls).n <= (i))                                                                 \
			T_FAIL("no line %d", (int)(i));                                            \
		else                                                                               \
			CHECK_SPAN((ls).v[i].p, (ls).v[i].len, s);                                 \
	} while (0)

/* Parses line i of ls into *ev (whose spans point into ls). */
static void
parse(const struct lines *ls, size_t i, struct event *ev)
{
	struct hdr_ctx ctx;

	hdr_ctx_init(&ctx, 0);
	event_clear(ev);
	if (i < ls->n)
		sshd_parse_line(&ctx, ls->v[i].p, ls->v[i].len, ev);
}

/* Checks that ev's source address is the text a. */
#define CHECK_ADDR(ev, a)                                                                          \
	do {                                                                                       \
		char t_buf_[ADDR_STRLEN];                                                          \
		addr_format(&(ev).src, t_buf_);                                                    \
		CHECK_STR(t_buf_, a);                                                              \
	} while (0)

T(sshd_events)
{
	struct exp e = {0};
	struct lines ls;
	struct event ev;
	struct hdr_ctx ctx;
	struct hdr h;
	char dir[256];

	exp_msg(&e, T0, "sshd", "52959", "Failed password for root from 203.0.113.5 port 22 ssh2");
	exp_msg(&e, T0 + 1000000, "sshd-session", "52960",
	        "Invalid user admin from 198.51.100.7 port 4242");
	exp_msg(&e, T0 + 2500000, "sshd-session", "52961",
	        "Accepted publickey for alice from 2001:db8::1 port 5555 ssh2: ED25519 "
	        "SHA256:Pz6bXyk4uU6h0cmlUGtAQ2kMvwPYFRRD6hH0X3bTBqE");
	if (make_journal("events", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 3);
	CHECK_INT(ls.count, 3);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:22.123456Z nimbus sshd[52959]: Failed password for root from "
	           "203.0.113.5 port 22 ssh2");
	if (ls.n == 3) {
		CHECK_INT(ls.v[0].flags, 0);
		hdr_ctx_init(&ctx, 0);
		CHECK_INT(hdr_parse(&ctx, ls.v[0].p, ls.v[0].len, &h), 0);
		CHECK_INT(h.fmt, HDR_RFC3339);
		CHECK_INT(h.ts, T0);
		CHECK_SPAN(h.host, h.host_len, "nimbus");
		CHECK_SPAN(h.prog, h.prog_len, "sshd");
		CHECK_INT(h.pid, 52959);
		CHECK_SPAN(h.msg, h.msg_len,
		           "Failed password for root from 203.0.113.5 port 22 ssh2");
	}

	parse(&ls, 0, &ev);
	CHECK_STR(event_type_name(ev.type), "auth_failed");
	CHECK_INT(ev.ts, T0);
	CHECK_SPAN(ev.host.p, ev.host.n, "nimbus");
	CHECK_SPAN(ev.prog.p, ev.prog.n, "sshd");
	CHECK_INT(ev.pid, 52959);
	CHECK_SPAN(ev.user.p, ev.user.n, "root");
	CHECK_INT(ev.method, M_PASSWORD);
	CHECK_ADDR(ev, "203.0.113.5");
	CHECK_INT(ev.src_port, 22);

	parse(&ls, 1, &ev);
	CHECK_STR(event_type_name(ev.type), "invalid_user");
	CHECK_INT(ev.ts, T0 + 1000000);
	CHECK_SPAN(ev.prog.p, ev.prog.n, "sshd-session");
	CHECK_INT(ev.pid, 52960);
	CHECK_SPAN(ev.user.p, ev.user.n, "admin");
	CHECK_INT(ev.user_valid, UV_INVALID);
	CHECK_ADDR(ev, "198.51.100.7");
	CHECK_INT(ev.src_port, 4242);

	parse(&ls, 2, &ev);
	CHECK_STR(event_type_name(ev.type), "auth_accepted");
	CHECK_INT(ev.outcome, OUT_SUCCESS);
	CHECK_INT(ev.ts, T0 + 2500000);
	CHECK_INT(ev.pid, 52961);
	CHECK_SPAN(ev.user.p, ev.user.n, "alice");
	CHECK_INT(ev.method, M_PUBLICKEY);
	CHECK_ADDR(ev, "2001:db8::1");
	CHECK_INT(ev.src_port, 5555);
	CHECK_SPAN(ev.key_type.p, ev.key_type.n, "ED25519");
	CHECK_SPAN(ev.key_fp.p, ev.key_fp.n, "SHA256:Pz6bXyk4uU6h0cmlUGtAQ2kMvwPYFRRD6hH0X3bTBqE");
	lines_free(&ls);
out:
	free(e.p);
}

/* Entries of other programs are not read, whatever their _COMM or message. */
T(other_programs)
{
	struct exp e = {0};
	struct lines ls;
	char dir[256];

	exp_msg(&e, T0, "kernel", NULL, "Failed password for root from 203.0.113.5 port 22 ssh2");
	exp_msg(&e, T0 + 1, "sshd", "7", "Connection closed by 192.0.2.1 port 1 [preauth]");
	exp_entry(&e, T0 + 2, "evil", "8");
	exp_field(&e, "_COMM", "sshd");
	exp_field(&e, "MESSAGE", "Accepted password for root from 192.0.2.66 port 2 ssh2");
	exp_add(&e, "\n", 1);
	exp_msg(&e, T0 + 3, "sshdx", "9", "Accepted password for root from 192.0.2.67 port 3 ssh2");
	exp_msg(&e, T0 + 4, "sudo", NULL,
	        "alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id");
	exp_msg(&e, T0 + 5, "CRON", "10",
	        "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
	exp_entry(&e, T0 + 6, NULL, "11");
	exp_field(&e, "_COMM", "sshd");
	exp_field(&e, "MESSAGE", "Accepted password for root from 192.0.2.68 port 4 ssh2");
	exp_add(&e, "\n", 1);
	if (make_journal("others", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 3);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:22.123457Z nimbus sshd[7]: Connection closed by 192.0.2.1 "
	           "port 1 [preauth]");
	CHECK_LINE(ls, 1,
	           "2024-05-31T07:07:22.123460Z nimbus sudo: alice : TTY=pts/0 ; PWD=/ ; "
	           "USER=root ; COMMAND=/bin/id");
	CHECK_LINE(ls, 2,
	           "2024-05-31T07:07:22.123461Z nimbus CRON[10]: pam_unix(cron:session): session "
	           "opened for user root(uid=0) by (uid=0)");
	lines_free(&ls);
out:
	free(e.p);
}

T(since_until)
{
	struct exp e = {0};
	struct lines ls;
	char dir[256], want[64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(want, sizeof(want), "Connection closed by 192.0.2.%d port 22", i + 1);
		exp_msg(&e, T0 + (int64_t)i * 1000000, "sshd", "100", want);
	}
	if (make_journal("range", &e, dir) == -1)
		goto out;

	collect(dir, T0 + 1000000, T0 + 3000000, &ls); /* both bounds inclusive */
	CHECK_INT(ls.n, 3);
	CHECK_INT(ls.count, 3);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:23.123456Z nimbus sshd[100]: Connection closed by 192.0.2.2 "
	           "port 22");
	CHECK_LINE(ls, 2,
	           "2024-05-31T07:07:25.123456Z nimbus sshd[100]: Connection closed by 192.0.2.4 "
	           "port 22");
	lines_free(&ls);

	collect(dir, T0 + 1000001, INT64_MAX, &ls);
	CHECK_INT(ls.n, 3);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:24.123456Z nimbus sshd[100]: Connection closed by 192.0.2.3 "
	           "port 22");
	lines_free(&ls);

	collect(dir, INT64_MIN, T0 + 999999, &ls);
	CHECK_INT(ls.n, 1);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:22.123456Z nimbus sshd[100]: Connection closed by 192.0.2.1 "
	           "port 22");
	lines_free(&ls);

	collect(dir, T0 + 5000000, INT64_MAX, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 0);
	lines_free(&ls);

	collect(dir, 0, T0 - 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 0);
	lines_free(&ls);
out:
	free(e.p);
}

/* Newlines and CRs in MESSAGE become spaces; the event is still found. */
T(embedded_newline)
{
	static const char msg[] = "Invalid user a\nb\r\nc from 192.0.2.9 port 2222";
	struct exp e = {0};
	struct lines ls;
	struct event ev;
	char dir[256];

	exp_entry(&e, T0, "sshd", "42");
	exp_bin(&e, "MESSAGE", msg, sizeof(msg) - 1);
	exp_add(&e, "\n", 1);
	if (make_journal("newline", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 1);
	CHECK_LINE(
	    ls, 0,
	    "2024-05-31T07:07:22.123456Z nimbus sshd[42]: Invalid user a b  c from 192.0.2.9 "
	    "port 2222");
	parse(&ls, 0, &ev);
	CHECK_STR(event_type_name(ev.type), "invalid_user");
	CHECK_SPAN(ev.user.p, ev.user.n, "a b  c");
	CHECK_ADDR(ev, "192.0.2.9");
	CHECK_INT(ev.src_port, 2222);
	lines_free(&ls);
out:
	free(e.p);
}

/* A binary MESSAGE (NUL, invalid UTF-8) comes through byte for byte. */
T(binary_message)
{
	static const char msg[] = "bad \0bytes \xff\xfe\x80 end";
	static const char pre[] = "2024-05-31T07:07:22.123456Z nimbus sshd[43]: ";
	struct exp e = {0};
	struct lines ls;
	char dir[256];

	exp_entry(&e, T0, "sshd", "43");
	exp_bin(&e, "MESSAGE", msg, sizeof(msg) - 1);
	exp_add(&e, "\n", 1);
	if (make_journal("binary", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 1);
	if (ls.n == 1) {
		CHECK_INT(ls.v[0].len, sizeof(pre) - 1 + sizeof(msg) - 1);
		CHECK(memcmp(ls.v[0].p, pre, sizeof(pre) - 1) == 0);
		CHECK(memcmp(ls.v[0].p + sizeof(pre) - 1, msg, sizeof(msg) - 1) == 0);
		CHECK_INT(ls.v[0].flags, 0);
	}
	lines_free(&ls);
out:
	free(e.p);
}

/* A MESSAGE over 64 KiB is cut and flagged (journal-remote stores it compressed). */
T(long_message)
{
	struct exp e = {0};
	struct lines ls;
	char dir[256];
	size_t i, pre;
	char *big = xmalloc(70000 + 1);

	memset(big, 'x', 70000);
	big[0] = 'S';
	big[70000] = '\0';
	exp_msg(&e, T0, "sshd", "44", big);
	big[JOURNAL_MSG_MAX] = '\0'; /* exactly the limit: kept whole */
	exp_msg(&e, T0 + 1, "sshd", "44", big);
	if (make_journal("long", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 2);
	pre = strlen("2024-05-31T07:07:22.123456Z nimbus sshd[44]: ");
	for (i = 0; i < ls.n && i < 2; i++) {
		CHECK_INT(ls.v[i].len, pre + JOURNAL_MSG_MAX);
		CHECK_INT(ls.v[i].flags, i == 0 ? JOURNAL_TRUNCATED : 0);
		CHECK(ls.v[i].p[pre] == 'S' && ls.v[i].p[ls.v[i].len - 1] == 'x');
	}
	lines_free(&ls);
out:
	free(big);
	free(e.p);
}

/* Missing or hostile host, ident and pid fields. */
T(odd_fields)
{
	struct exp e = {0};
	struct lines ls;
	struct event ev;
	char dir[256];

	/* no _HOSTNAME, no SYSLOG_PID: "-" and _PID */
	exp_head(&e, T0);
	exp_field(&e, "SYSLOG_IDENTIFIER", "sshd");
	exp_field(&e, "_PID", "4711");
	exp_field(&e, "MESSAGE", "Invalid user x from 192.0.2.1 port 1");
	exp_add(&e, "\n", 1);
	/* a host with a space and a final colon, a pid that is no number, no _PID */
	exp_head(&e, T0 + 1);
	exp_field(&e, "_HOSTNAME", "evil host 1.2.3.4:");
	exp_field(&e, "SYSLOG_IDENTIFIER", "sshd");
	exp_field(&e, "SYSLOG_PID", "12x");
	exp_field(&e, "MESSAGE", "Invalid user y from 192.0.2.2 port 2");
	exp_add(&e, "\n", 1);
	/* no MESSAGE at all; a pid too large for 32 bits */
	exp_entry(&e, T0 + 2, "sshd", "4294967296");
	exp_add(&e, "\n", 1);
	if (make_journal("odd", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 3);
	CHECK_LINE(
	    ls, 0,
	    "2024-05-31T07:07:22.123456Z - sshd[4711]: Invalid user x from 192.0.2.1 port 1");
	parse(&ls, 0, &ev);
	CHECK_STR(event_type_name(ev.type), "invalid_user");
	CHECK_INT(ev.pid, 4711);
	CHECK_ADDR(ev, "192.0.2.1");
	CHECK_LINE(ls, 1,
	           "2024-05-31T07:07:22.123457Z evil_host_1.2.3.4_ sshd: Invalid user y from "
	           "192.0.2.2 port 2");
	parse(&ls, 1, &ev);
	CHECK_STR(event_type_name(ev.type), "invalid_user");
	CHECK_SPAN(ev.prog.p, ev.prog.n, "sshd");
	CHECK_INT(ev.pid, 0);
	CHECK_ADDR(ev, "192.0.2.2");
	CHECK_LINE(ls, 2, "2024-05-31T07:07:22.123458Z nimbus sshd: ");
	lines_free(&ls);
out:
	free(e.p);
}

/* Hostile host names: spaces and a final ':' cannot move the tag or the message. */
T(hostile_host)
{
	struct exp e = {0};
	struct lines ls;
	struct event ev;
	char dir[256];

	exp_head(&e, T0);
	exp_field(&e, "_HOSTNAME", "evil sshd[1]: Accepted password for root from 192.0.2.99 x:");
	exp_field(&e, "SYSLOG_IDENTIFIER", "sshd");
	exp_field(&e, "SYSLOG_PID", "5");
	exp_field(&e, "MESSAGE", "Connection closed by 192.0.2.3 port 3");
	exp_add(&e, "\n", 1);
	if (make_journal("hostile", &e, dir) == -1)
		goto out;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 1);
	CHECK_LINE(ls, 0,
	           "2024-05-31T07:07:22.123456Z evil_sshd[1]:_Accepted_password_for_root_from_"
	           "192.0.2.99_x_ sshd[5]: Connection closed by 192.0.2.3 port 3");
	parse(&ls, 0, &ev);
	CHECK_STR(event_type_name(ev.type), "connection_closed");
	CHECK_SPAN(ev.prog.p, ev.prog.n, "sshd");
	CHECK_INT(ev.pid, 5);
	CHECK_ADDR(ev, "192.0.2.3");
	lines_free(&ls);
out:
	free(e.p);
}

/* A journal file without entries, and a directory without journal files: nothing, no error. */
T(empty)
{
	struct exp e = {0};
	struct lines ls;
	char dir[256];

	snprintf(dir, sizeof(dir), "%s", tf_path("emptydir"));
	if (mkdir(dir, 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 0);
	CHECK_INT(ls.count, 0);
	lines_free(&ls);

	if (remote[0] == '\0')
		return;
	if (make_journal("nofiles", &e, dir) == -1)
		return;
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 0);
	lines_free(&ls);
}

T(missing_directory)
{
	char err[256];
	struct journal *j;

	errno = 0;
	j = journal_open(tf_path("no-such-dir"), INT64_MIN, INT64_MAX, err, sizeof(err));
	CHECK(j == NULL);
	CHECK_INT(errno, ENOENT);
	CHECK(strncmp(err, "journal: ", 9) == 0);
	CHECK(strstr(err, "no-such-dir") != NULL);
	journal_close(j);

	/* a small err buffer is cut, still terminated */
	j = journal_open(tf_path("no-such-dir"), INT64_MIN, INT64_MAX, err, 5);
	CHECK(j == NULL);
	CHECK_STR(err, "jour");
}

/* The local journal opens (it may hold nothing here); entries it has are lines. */
T(local_journal)
{
	char err[256];
	struct journal *j;
	const char *p;
	size_t len;
	unsigned flags;
	int rc, n = 0;

	j = journal_open(NULL, INT64_MIN, INT64_MAX, err, sizeof(err));
	if (j == NULL) {
		T_FAIL("journal_open(NULL): %s", err);
		return;
	}
	while (n < 1000 && (rc = journal_next(j, &p, &len, &flags)) == 1) {
		CHECK(len > 28 && p[4] == '-' && p[10] == 'T' && p[26] == 'Z');
		n++;
	}
	CHECK_INT(journal_count(j), n);
	journal_close(j);
}

/*
 * Writes the journal file path (ending in ".journal") from e with
 * systemd-journal-remote. Returns 0, or -1 after a T_FAIL.
 */
static int
write_journal(const struct exp *e, const char *path)
{
	char exppath[320], outarg[320];
	char *argv[4];
	int rc;

	snprintf(exppath, sizeof(exppath), "%s.export", path);
	snprintf(outarg, sizeof(outarg), "--output=%s", path);
	tf_write(exppath, e->p != NULL ? e->p : "", e->n);
	argv[0] = remote;
	argv[1] = outarg;
	argv[2] = exppath;
	argv[3] = NULL;
	if ((rc = tf_run(argv, "/dev/null", tf_path("remote.out"))) != 0) {
		T_FAIL("%s %s %s: exit %d", remote, outarg, exppath, rc);
		return -1;
	}
	unlink(exppath);
	return 0;
}

/*
 * Adds journal file name to directory dir the way a writer that finishes a
 * file elsewhere does: written in tf_dir, then renamed into dir.
 */
static int
add_journal(const char *dir, const char *name, const struct exp *e)
{
	char tmp[300], dst[300];

	snprintf(tmp, sizeof(tmp), "%s", tf_path(name));
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	if (write_journal(e, tmp) == -1)
		return -1;
	if (rename(tmp, dst) == -1) {
		T_FAIL("rename %s: %s", dst, strerror(errno));
		return -1;
	}
	return 0;
}

/* Waits (at most 1 s) for j's descriptor, then journal_process; returns what it returned. */
static int
wake(struct journal *j)
{
	struct pollfd pfd = {.fd = journal_fd(j), .events = POLLIN};
	int r;

	if (poll(&pfd, 1, 1000) != 1)
		T_FAIL("journal_fd not readable");
	if ((r = journal_process(j)) == -1)
		T_FAIL("journal_process: %s", journal_errmsg(j));
	return r;
}

/* Reads every line journal_next has now into ls (appended); returns the last rc. */
static int
drain(struct journal *j, struct lines *ls)
{
	const char *p;
	size_t len, cap = ls->n;
	unsigned flags;
	int rc;

	while ((rc = journal_next(j, &p, &len, &flags)) == 1) {
		if (ls->n == cap)
			ls->v = xreallocarray(ls->v, cap = cap ? cap * 2 : 16, sizeof(*ls->v));
		ls->v[ls->n].p = xstrndup(p, len);
		ls->v[ls->n].len = len;
		ls->v[ls->n].flags = flags;
		ls->n++;
	}
	if (rc == -1)
		T_FAIL("journal_next: %s", journal_errmsg(j));
	return rc;
}

/* "Connection closed by 192.0.2.N port 22" entries from sshd at T0 + i s, i in [from, to). */
static void
exp_closed(struct exp *e, int from, int to, const char *unit)
{
	char msg[64];
	int i;

	for (i = from; i < to; i++) {
		snprintf(msg, sizeof(msg), "Connection closed by 192.0.2.%d port 22", i);
		exp_entry(e, T0 + (int64_t)i * 1000000, "sshd", "100");
		if (unit != NULL)
			exp_field(e, "_SYSTEMD_UNIT", unit);
		exp_field(e, "MESSAGE", msg);
		exp_add(e, "\n", 1);
	}
}

/* Checks that line i of ls is the exp_closed entry number n. */
#define CHECK_CLOSED(ls, i, n)                                                                     \
	do {                                                                                       \
		char t_want_[128];                                                                 \
		snprintf(t_want_, sizeof(t_want_),                                                 \
		         "2024-05-31T07:%02d:%02d.123456Z nimbus sshd[100]: Connection closed by " \
		         "192.0.2.%d port 22",                                                     \
		         7 + (22 + (n)) / 60, (22 + (n)) % 60, (n));                               \
		CHECK_LINE(ls, i, t_want_);                                                        \
	} while (0)

/*
 * Following a directory journal from its tail: old entries are not read; a
 * journal file added to the directory wakes journal_fd and its entries come.
 */
T(follow_tail)
{
	struct exp e = {0};
	struct lines ls = {0};
	struct journal *j = NULL;
	char dir[256], err[256], cur[512], cur2[512];

	exp_closed(&e, 0, 3, NULL);
	if (make_journal("ftail", &e, dir) == -1)
		goto out;
	if ((j = journal_open_follow_dir(dir, NULL, NULL, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		goto out;
	}
	CHECK(journal_fd(j) >= 0);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 0);
	/* the position is the last entry there was */
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0);
	CHECK_INT(journal_cursor(j, cur2, 8), -1);
	CHECK_INT(errno, ERANGE);

	/* a second file, finished elsewhere and renamed in */
	e.n = 0;
	exp_closed(&e, 3, 5, NULL);
	if (add_journal(dir, "y.journal", &e) == -1)
		goto out;
	CHECK(wake(j) >= 1);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 2);
	CHECK_CLOSED(ls, 0, 3);
	CHECK_CLOSED(ls, 1, 4);
	CHECK_INT(journal_count(j), 2);
	CHECK_INT(journal_cursor(j, cur2, sizeof(cur2)), 0);
	CHECK(strcmp(cur, cur2) != 0);
	lines_free(&ls);
	memset(&ls, 0, sizeof(ls));

	/* a third, written by journal-remote right into the watched directory */
	e.n = 0;
	exp_closed(&e, 5, 6, NULL);
	snprintf(cur, sizeof(cur), "%s/z.journal", dir);
	if (write_journal(&e, cur) == -1)
		goto out;
	CHECK(wake(j) >= 1);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 1);
	CHECK_CLOSED(ls, 0, 5);

	/* entries appended to a file already open (journal-remote appends, as journald does) */
	e.n = 0;
	exp_closed(&e, 6, 8, NULL);
	if (write_journal(&e, cur) == -1)
		goto out;
	CHECK(wake(j) >= 1);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 3);
	CHECK_CLOSED(ls, 1, 6);
	CHECK_CLOSED(ls, 2, 7);
	CHECK_INT(journal_count(j), 5);
	/* nothing more: no wake-up left, or one that says nothing changed */
	CHECK(poll(&(struct pollfd){.fd = journal_fd(j), .events = POLLIN}, 1, 0) == 0 ||
	      journal_process(j) == 0);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 3);
out:
	lines_free(&ls);
	journal_close(j);
	free(e.p);
}

/* Reads a follow from cursor (NULL: the tail) of dir to its current end into ls. */
static void
follow_from(const char *dir, const char *unit, const char *cursor, struct lines *ls, char *pos)
{
	struct journal *j;
	char err[256];

	memset(ls, 0, sizeof(*ls));
	if ((j = journal_open_follow_dir(dir, unit, cursor, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		ls->rc = -2;
		return;
	}
	ls->rc = drain(j, ls);
	if (pos != NULL && journal_cursor(j, pos, 512) == -1)
		T_FAIL("journal_cursor: %s", strerror(errno));
	journal_close(j);
}

/* A cursor resumes after its entry; a cursor at the end resumes with what comes next. */
T(follow_cursor)
{
	struct exp e = {0};
	struct lines ls;
	struct journal *j;
	const char *p;
	size_t len;
	unsigned flags;
	char dir[256], err[256], cur[512], end[512];
	int i;

	exp_closed(&e, 0, 5, NULL);
	if (make_journal("fcursor", &e, dir) == -1)
		goto out;
	/* the cursor of the second entry, from a reading journal */
	if ((j = journal_open(dir, INT64_MIN, INT64_MAX, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open: %s", err);
		goto out;
	}
	for (i = 0; i < 2; i++)
		CHECK_INT(journal_next(j, &p, &len, &flags), 1);
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0);
	journal_close(j);

	follow_from(dir, NULL, cur, &ls, end);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 3);
	CHECK_CLOSED(ls, 0, 2);
	CHECK_CLOSED(ls, 2, 4);
	lines_free(&ls);

	/* the cursor at the end: nothing now, the entries added later */
	if ((j = journal_open_follow_dir(dir, NULL, end, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		goto out;
	}
	memset(&ls, 0, sizeof(ls));
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 0);
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0);
	CHECK_STR(cur, end);
	e.n = 0;
	exp_closed(&e, 5, 7, NULL);
	if (add_journal(dir, "y.journal", &e) == 0) {
		CHECK(wake(j) >= 1);
		CHECK_INT(drain(j, &ls), 0);
		CHECK_INT(ls.n, 2);
		CHECK_CLOSED(ls, 0, 5);
		CHECK_CLOSED(ls, 1, 6);
		CHECK_INT(journal_cursor(j, end, sizeof(end)), 0);
	}
	journal_close(j);
	lines_free(&ls);

	/* round trip: after the last entry read, nothing again */
	follow_from(dir, NULL, end, &ls, NULL);
	CHECK_INT(ls.n, 0);
	lines_free(&ls);

	/* the cursor's entry is gone (its file deleted): on from the next entry in time */
	snprintf(end, sizeof(end), "%s/y.journal", dir);
	follow_from(dir, NULL, cur, &ls, NULL); /* cur: the last entry of x.journal */
	CHECK_INT(ls.n, 2);
	lines_free(&ls);
	if ((j = journal_open(dir, INT64_MIN, INT64_MAX, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open: %s", err);
		goto out;
	}
	while (journal_next(j, &p, &len, &flags) == 1 && journal_count(j) < 5)
		;
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0); /* the 5th: the last of x.journal */
	journal_close(j);
	snprintf(end, sizeof(end), "%s/x.journal", dir);
	if (unlink(end) == -1)
		T_FAIL("unlink: %s", strerror(errno));
	follow_from(dir, NULL, cur, &ls, end);
	CHECK_INT(ls.n, 2);
	CHECK_CLOSED(ls, 0, 5);
	lines_free(&ls);

	/* gone, and nothing after it: the entries added later come */
	if ((j = journal_open(dir, INT64_MIN, INT64_MAX, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open: %s", err);
		goto out;
	}
	while (journal_next(j, &p, &len, &flags) == 1)
		;
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0); /* the last of y.journal */
	journal_close(j);
	snprintf(end, sizeof(end), "%s/y.journal", dir);
	if (unlink(end) == -1)
		T_FAIL("unlink: %s", strerror(errno));
	if ((j = journal_open_follow_dir(dir, NULL, cur, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		goto out;
	}
	memset(&ls, 0, sizeof(ls));
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 0);
	CHECK_INT(journal_cursor(j, end, sizeof(end)), 0);
	CHECK_STR(end, cur);
	e.n = 0;
	exp_closed(&e, 7, 9, NULL);
	if (add_journal(dir, "z.journal", &e) == 0) {
		CHECK(wake(j) >= 1);
		CHECK_INT(drain(j, &ls), 0);
		CHECK_INT(ls.n, 2);
		CHECK_CLOSED(ls, 0, 7);
	}
	journal_close(j);
	lines_free(&ls);

	/* a malformed cursor */
	errno = 0;
	CHECK(journal_open_follow_dir(dir, NULL, "garbage", err, sizeof(err)) == NULL);
	CHECK_INT(errno, EINVAL);
	CHECK(strncmp(err, "journal: ", 9) == 0);
out:
	free(e.p);
}

/* With a unit: the identifier matches (OR) AND the unit. */
T(follow_unit)
{
	struct exp e = {0};
	struct lines ls = {0};
	struct journal *j = NULL;
	char dir[256], err[256];

	exp_closed(&e, 0, 1, "ssh.service");
	if (make_journal("funit", &e, dir) == -1)
		goto out;
	if ((j = journal_open_follow_dir(dir, "ssh.service", NULL, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		goto out;
	}
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 0);
	e.n = 0;
	exp_closed(&e, 1, 2, "ssh.service");
	exp_closed(&e, 2, 3, "session-4.scope");
	exp_closed(&e, 3, 4, NULL);
	exp_entry(&e, T0 + 4000000, "sudo", NULL);
	exp_field(&e, "_SYSTEMD_UNIT", "ssh.service");
	exp_field(&e, "MESSAGE", "alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id");
	exp_add(&e, "\n", 1);
	exp_entry(&e, T0 + 5000000, "kernel", NULL);
	exp_field(&e, "_SYSTEMD_UNIT", "ssh.service");
	exp_field(&e, "MESSAGE", "Failed password for root from 203.0.113.5 port 22 ssh2");
	exp_add(&e, "\n", 1);
	exp_closed(&e, 6, 7, "ssh.service");
	if (add_journal(dir, "y.journal", &e) == -1)
		goto out;
	CHECK(wake(j) >= 1);
	CHECK_INT(drain(j, &ls), 0);
	CHECK_INT(ls.n, 3);
	CHECK_CLOSED(ls, 0, 1);
	CHECK_LINE(ls, 1,
	           "2024-05-31T07:07:26.123456Z nimbus sudo: alice : TTY=pts/0 ; PWD=/ ; "
	           "USER=root ; COMMAND=/bin/id");
	CHECK_CLOSED(ls, 2, 6);
	lines_free(&ls);

	/* without a unit the same directory from its head (a cursor-less follow is the tail) */
	memset(&ls, 0, sizeof(ls));
	collect(dir, INT64_MIN, INT64_MAX, &ls);
	CHECK_INT(ls.n, 6);
	lines_free(&ls);
	memset(&ls, 0, sizeof(ls));

	errno = 0;
	CHECK(journal_open_follow_dir(dir, "", NULL, err, sizeof(err)) == NULL);
	CHECK_INT(errno, EINVAL);
	CHECK(journal_open_follow_dir(NULL, NULL, NULL, err, sizeof(err)) == NULL);
out:
	lines_free(&ls);
	journal_close(j);
	free(e.p);
}

/* An empty directory followed from its tail: no position yet; a first file is read. */
T(follow_empty)
{
	struct exp e = {0};
	struct lines ls = {0};
	struct journal *j;
	char dir[256], err[256], cur[512];

	snprintf(dir, sizeof(dir), "%s", tf_path("fempty"));
	if (mkdir(dir, 0755) == -1) {
		T_FAIL("mkdir: %s", strerror(errno));
		return;
	}
	if ((j = journal_open_follow_dir(dir, NULL, NULL, err, sizeof(err))) == NULL) {
		T_FAIL("journal_open_follow_dir: %s", err);
		return;
	}
	CHECK_INT(drain(j, &ls), 0);
	errno = 0;
	CHECK_INT(journal_cursor(j, cur, sizeof(cur)), -1);
	CHECK_INT(errno, EADDRNOTAVAIL);
	exp_closed(&e, 0, 2, NULL);
	if (add_journal(dir, "a.journal", &e) == 0) {
		CHECK(wake(j) >= 1);
		CHECK_INT(drain(j, &ls), 0);
		CHECK_INT(ls.n, 2);
		CHECK_CLOSED(ls, 0, 0);
		CHECK_INT(journal_cursor(j, cur, sizeof(cur)), 0);
	}
	journal_close(j);
	lines_free(&ls);
	free(e.p);
}

/* A journal opened to read (not follow) has no descriptor. */
T(follow_not)
{
	char err[256];
	struct journal *j;

	j = journal_open(tf_path("emptydir"), INT64_MIN, INT64_MAX, err, sizeof(err));
	if (j == NULL) {
		T_FAIL("journal_open: %s", err);
		return;
	}
	errno = 0;
	CHECK_INT(journal_fd(j), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(journal_process(j), -1);
	journal_close(j);

	/* the local journal, followed from its tail */
	j = journal_open_follow(NULL, NULL, err, sizeof(err));
	if (j == NULL) {
		T_FAIL("journal_open_follow: %s", err);
		return;
	}
	CHECK(journal_fd(j) >= 0);
	CHECK(journal_process(j) >= 0);
	journal_close(j);
}

int
main(void)
{
	tf_setup("journal");
	T_RUN(missing_directory);
	T_RUN(local_journal);
	if (find_remote() == -1) {
		T_RUN(empty);
		tf_teardown();
		printf("skip: no systemd-journal-remote (scripts/deps.sh test installs it)\n");
		return T_END() ? 1 : 77;
	}
	T_RUN(empty);
	T_RUN(sshd_events);
	T_RUN(other_programs);
	T_RUN(since_until);
	T_RUN(embedded_newline);
	T_RUN(binary_message);
	T_RUN(long_message);
	T_RUN(odd_fields);
	T_RUN(hostile_host);
	T_RUN(follow_tail);
	T_RUN(follow_cursor);
	T_RUN(follow_unit);
	T_RUN(follow_empty);
	T_RUN(follow_not);
	tf_teardown();
	return T_END();
}
