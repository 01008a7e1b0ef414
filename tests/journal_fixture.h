/* journal_fixture.h: what the journal tests share: export text, journal files from it, reading. */
#ifndef JOURNAL_FIXTURE_H
#define JOURNAL_FIXTURE_H

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "journal.h"
#include "xmalloc.h"

#define T0 1717139242123456LL /* 2024-05-31T07:07:22.123456Z */

/* systemd-journal-remote, found by find_remote ("" when there is none); one in each test binary. */
static char remote[256];

/* A growing Journal Export Format text. */
struct exp {
	char *p;
	size_t n, cap;
};

static inline void
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
static inline void
exp_field(struct exp *e, const char *name, const char *value)
{
	exp_add(e, name, strlen(name));
	exp_add(e, "=", 1);
	exp_add(e, value, strlen(value));
	exp_add(e, "\n", 1);
}

/* Starts an entry at time ts (epoch microseconds): the journal's own fields only. */
static inline void
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
static inline void
exp_entry(struct exp *e, int64_t ts, const char *ident, const char *pid)
{
	exp_head(e, ts);
	exp_field(e, "_HOSTNAME", "nimbus");
	if (ident != NULL)
		exp_field(e, "SYSLOG_IDENTIFIER", ident);
	if (pid != NULL)
		exp_field(e, "SYSLOG_PID", pid);
}

/* Looks for systemd-journal-remote; returns 0 when found (in remote), else -1. */
static inline int
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
 * Writes the journal file path (ending in ".journal") from e with
 * systemd-journal-remote. Returns 0, or -1 after a T_FAIL.
 */
static inline int
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
 * Makes directory tf_dir/name holding x.journal converted from e by
 * systemd-journal-remote; copies its path into dir[256]. Returns 0, or -1 when
 * the conversion failed (after a T_FAIL).
 */
static inline int
make_journal(const char *name, const struct exp *e, char *dir)
{
	char path[300];

	snprintf(dir, 256, "%s", tf_path(name));
	if (mkdir(dir, 0755) == -1) {
		T_FAIL("mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/x.journal", dir);
	return write_journal(e, path);
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
static inline void
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

static inline void
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

#endif
