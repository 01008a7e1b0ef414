/* test_journal.c: reading journal files made by systemd-journal-remote: lines, fields, ranges. */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "journal_fixture.h"
#include "addr.h"
#include "event.h"
#include "journal.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"
#include "xmalloc.h"

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

/* A whole sshd entry with a text MESSAGE. */
static void
exp_msg(struct exp *e, int64_t ts, const char *ident, const char *pid, const char *msg)
{
	exp_entry(e, ts, ident, pid);
	exp_field(e, "MESSAGE", msg);
	exp_add(e, "\n", 1);
}

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
	tf_teardown();
	return T_END();
}
