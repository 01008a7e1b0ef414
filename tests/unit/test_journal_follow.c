/* test_journal_follow.c: following journal directories: the tail, cursors, units, new files. */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "journal_fixture.h"
#include "journal.h"
#include "xmalloc.h"

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

	/* an empty directory to read */
	if (mkdir(tf_path("emptydir"), 0755) == -1) {
		T_FAIL("mkdir: %s", strerror(errno));
		return;
	}
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
	tf_setup("journal-follow");
	if (find_remote() == -1) {
		tf_teardown();
		printf("skip: no systemd-journal-remote (scripts/deps.sh test installs it)\n");
		return T_END() ? 1 : 77;
	}
	T_RUN(follow_tail);
	T_RUN(follow_cursor);
	T_RUN(follow_unit);
	T_RUN(follow_empty);
	T_RUN(follow_not);
	tf_teardown();
	return T_END();
}
