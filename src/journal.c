/* journal.c: sshd-related entries of the systemd journal as syslog-style lines (sd-journal). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "journal.h"
#include "log.h"
#include "xmalloc.h"

/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" */
#define TS_LEN 27
/* 9999-12-31T23:59:59.999999Z in epoch microseconds: the last stamp of 4-digit years. */
#define REALTIME_MAX 253402300799999999ULL

/* The SYSLOG_IDENTIFIER values that are read (DESIGN section 3, sshd_classify). */
static const char *const idents[] = {
    "sshd",    "sshd-session", "sshd-auth",   "sudo",          "su",     "systemd-logind",
    "useradd", "usermod",      "userdel",     "groupadd",      "passwd", "chpasswd",
    "CRON",    "crond",        "sftp-server", "internal-sftp",
};

/* The longest systemd unit name (UNIT_NAME_MAX) */
#define UNIT_MAX 255

/*
 * Invariant: sj is open; buf holds JOURNAL_LINE_MAX bytes; failed is set once an
 * error was returned (errmsg says which, and every later call returns -1);
 * done is set once the end was reached (never when following). When
 * following, fd is sd-journal's inotify descriptor (else -1); after a seek to
 * cursor0 (owned), at_cursor is set until journal_next moves to an entry (the
 * position is still cursor0), and pending while the entry found there is not
 * the cursor's own and is still to be returned.
 */
struct journal {
	sd_journal *sj;
	int64_t since, until;
	uint64_t count;
	char *buf;
	int failed, done, err, follow, fd, pending, at_cursor;
	char *cursor0;
	char errmsg[256];
};

/* Records an sd-journal error r (< 0) while doing what; returns -1 with errno set. */
static int
fail(struct journal *j, const char *what, int r)
{
	j->failed = 1;
	j->err = -r;
	snprintf(j->errmsg, sizeof(j->errmsg), "journal: %s: %s", what, strerror(-r));
	errno = j->err;
	return -1;
}

/*
 * Field name of length nlen ("MESSAGE") of the current entry: its value in
 * *v, *n (valid until the next sd_journal_get_data). Returns 1 when present, 0
 * when absent, -1 when it could not be read (damaged or unsupported data).
 */
static int
field(sd_journal *sj, const char *name, size_t nlen, const char **v, size_t *n)
{
	const void *d;
	size_t l;
	int r;

	r = sd_journal_get_data(sj, name, &d, &l);
	if (r == -ENOENT)
		return 0;
	if (r < 0 || l <= nlen || memcmp(d, name, nlen) != 0 || ((const char *)d)[nlen] != '=')
		return -1;
	*v = (const char *)d + nlen + 1;
	*n = l - nlen - 1;
	return 1;
}

/* Copies field name into out (at most max bytes); returns the length (0: absent). */
static size_t
copy_field(sd_journal *sj, const char *name, char *out, size_t max)
{
	const char *v;
	size_t n;

	if (field(sj, name, strlen(name), &v, &n) != 1)
		return 0;
	if (n > max)
		n = max;
	memcpy(out, v, n);
	return n;
}

/* A byte that would end or split the host word. */
static int
bad_host(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* A byte that would end or split the "ident[pid]:" tag. */
static int
bad_ident(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == ':';
}

uint32_t
journal_pid(const char *v, size_t n)
{
	uint64_t p = 0;
	size_t i;

	if (v == NULL || n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		p = p * 10 + (uint64_t)(v[i] - '0');
	}
	return p > UINT32_MAX ? 0 : (uint32_t)p;
}

/* The value of field name when it is a decimal number in 1..UINT32_MAX, else 0. */
static uint32_t
pid_field(sd_journal *sj, const char *name)
{
	const char *v;
	size_t n;

	if (field(sj, name, strlen(name), &v, &n) != 1)
		return 0;
	return journal_pid(v, n);
}

/* Writes the TS_LEN bytes of "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" for usec (<= REALTIME_MAX). */
static int
format_ts(uint64_t usec, char *out)
{
	char tmp[TS_LEN + 1];
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	n = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	             (unsigned)(usec % 1000000));
	if (n != TS_LEN)
		return -1;
	memcpy(out, tmp, TS_LEN);
	return 0;
}

/* Copies v[0..n) (at most max bytes) to p, each bad() byte as '_'; returns the length. */
static size_t
put_word(char *p, const char *v, size_t n, size_t max, int (*bad)(unsigned char))
{
	size_t i;

	if (v == NULL)
		return 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		p[i] = bad((unsigned char)v[i]) ? '_' : v[i];
	return n;
}

size_t
journal_format(char *out, uint64_t usec, const struct journal_fields *f, unsigned *flags)
{
	char *p = out;
	size_t n, i;

	*flags = 0;
	if (usec > REALTIME_MAX || format_ts(usec, p) == -1)
		return 0;
	p += TS_LEN;
	*p++ = ' ';
	n = put_word(p, f->host, f->host_n, JOURNAL_HOST_MAX, bad_host);
	if (n > 0 && p[n - 1] == ':')
		p[n - 1] = '_';
	if (n == 0)
		p[n++] = '-';
	p += n;
	*p++ = ' ';
	n = put_word(p, f->ident, f->ident_n, JOURNAL_IDENT_MAX, bad_ident);
	if (n == 0)
		n = put_word(p, f->comm, f->comm_n, JOURNAL_IDENT_MAX, bad_ident);
	if (n == 0)
		p[n++] = '-';
	p += n;
	if (f->pid != 0)
		p += snprintf(p, 13, "[%u]", (unsigned)f->pid);
	*p++ = ':';
	*p++ = ' ';
	n = f->msg != NULL ? f->msg_n : 0;
	if (n > JOURNAL_MSG_MAX) {
		n = JOURNAL_MSG_MAX;
		*flags |= JOURNAL_TRUNCATED;
	}
	for (i = 0; i < n; i++)
		p[i] = f->msg[i] == '\n' || f->msg[i] == '\r' ? ' ' : f->msg[i];
	p += n;
	return (size_t)(p - out);
}

/*
 * Formats the current entry into j->buf. Returns 1 with *len and *flags set, 0
 * when the entry is to be skipped (outside [since, until], damaged).
 */
static int
format_entry(struct journal *j, size_t *len, unsigned *flags)
{
	char host[JOURNAL_HOST_MAX], ident[JOURNAL_IDENT_MAX];
	struct journal_fields f;
	uint64_t usec;
	int r;

	if (sd_journal_get_realtime_usec(j->sj, &usec) < 0 || usec > REALTIME_MAX)
		return 0;
	if ((int64_t)usec < j->since || (int64_t)usec > j->until)
		return 0;
	/* each field is copied before the next sd_journal_get_data invalidates it */
	memset(&f, 0, sizeof(f));
	f.host = host;
	f.host_n = copy_field(j->sj, "_HOSTNAME", host, sizeof(host));
	f.ident = ident;
	if ((f.ident_n = copy_field(j->sj, "SYSLOG_IDENTIFIER", ident, sizeof(ident))) == 0)
		f.ident_n = copy_field(j->sj, "_COMM", ident, sizeof(ident));
	if ((f.pid = pid_field(j->sj, "SYSLOG_PID")) == 0)
		f.pid = pid_field(j->sj, "_PID");
	r = field(j->sj, "MESSAGE", 7, &f.msg, &f.msg_n);
	if (r == -1)
		return 0;
	if (r == 0)
		f.msg = NULL;
	*len = journal_format(j->buf, usec, &f, flags);
	return *len > 0;
}

/*
 * Puts j at the start of a follow: after the entry at cursor (that entry
 * itself skipped; if it is gone, at the next one), or after the last entry
 * when cursor is NULL. Returns 0 or a negative errno-style code.
 */
static int
seek_follow(struct journal *j, const char *cursor)
{
	int r;

	if (cursor == NULL) {
		/*
		 * previous() after seek_tail() makes the last matching entry current,
		 * so that journal_cursor has a position and next() returns the
		 * entries after it. With no matching entry at all the head is used:
		 * a next() from the bare tail returns the last entry of a file added
		 * later, not its first (sd-journal 252).
		 */
		if ((r = sd_journal_seek_tail(j->sj)) < 0)
			return r;
		if ((r = sd_journal_previous(j->sj)) != 0)
			return r < 0 ? r : 0;
		return sd_journal_seek_head(j->sj);
	}
	if ((r = sd_journal_seek_cursor(j->sj, cursor)) < 0)
		return r;
	if ((r = sd_journal_next(j->sj)) <= 0)
		return r;
	if ((r = sd_journal_test_cursor(j->sj, cursor)) < 0)
		return r;
	/* not the entry of the cursor (vacuumed): this one is new, journal_next returns it */
	j->pending = r == 0;
	return 0;
}

/* journal_open, journal_open_follow and journal_open_follow_dir (follow: with unit, cursor). */
static struct journal *
jopen(const char *dir, int64_t since, int64_t until, int follow, const char *unit,
      const char *cursor, char *err, size_t errlen)
{
	struct journal *j;
	char m[sizeof("_SYSTEMD_UNIT=") + UNIT_MAX];
	size_t i;
	int r;

	log_errbuf(err, errlen, "%s", "");
	if (unit != NULL && (unit[0] == '\0' || strlen(unit) > UNIT_MAX || strchr(unit, '\n'))) {
		log_errbuf(err, errlen, "journal: bad unit name");
		errno = EINVAL;
		return NULL;
	}
	j = xcalloc(1, sizeof(*j));
	j->since = since;
	j->until = until;
	j->follow = follow;
	j->fd = -1;
	if (dir != NULL)
		r = sd_journal_open_directory(&j->sj, dir, 0);
	else
		r = sd_journal_open(&j->sj, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		j->sj = NULL;
		log_errbuf(err, errlen, "journal: %s: %s", dir != NULL ? dir : "cannot open",
		           strerror(-r));
		goto out;
	}
	/* before any reading, so that nothing written from now on goes unnoticed */
	if (follow && (r = j->fd = sd_journal_get_fd(j->sj)) < 0) {
		log_errbuf(err, errlen, "journal: get fd: %s", strerror(-r));
		goto out;
	}
	/* a compressed field is decompressed up to this size: enough to see it is too long */
	r = sd_journal_set_data_threshold(j->sj, sizeof("MESSAGE=") - 1 + JOURNAL_MSG_MAX + 1);
	if (r < 0) {
		log_errbuf(err, errlen, "journal: set data threshold: %s", strerror(-r));
		goto out;
	}
	/* matches on one field are OR'ed, on different fields AND'ed */
	for (i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
		snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", idents[i]);
		if ((r = sd_journal_add_match(j->sj, m, 0)) < 0) {
			log_errbuf(err, errlen, "journal: add match %s: %s", m, strerror(-r));
			goto out;
		}
	}
	if (unit != NULL) {
		snprintf(m, sizeof(m), "_SYSTEMD_UNIT=%s", unit);
		if ((r = sd_journal_add_match(j->sj, m, 0)) < 0) {
			log_errbuf(err, errlen, "journal: add match %s: %s", m, strerror(-r));
			goto out;
		}
	}
	if (follow)
		r = seek_follow(j, cursor);
	else if (since > 0)
		r = sd_journal_seek_realtime_usec(j->sj, (uint64_t)since);
	else
		r = sd_journal_seek_head(j->sj);
	if (r < 0) {
		log_errbuf(err, errlen, "journal: seek%s: %s", cursor != NULL ? " to cursor" : "",
		           strerror(-r));
		goto out;
	}
	if (cursor != NULL) {
		j->cursor0 = xstrdup(cursor);
		j->at_cursor = 1;
	}
	j->buf = xmalloc(JOURNAL_LINE_MAX);
	return j;
out:
	if (j->sj != NULL)
		sd_journal_close(j->sj); /* closes fd too */
	free(j);
	errno = -r;
	return NULL;
}

struct journal *
journal_open(const char *dir, int64_t since, int64_t until, char *err, size_t errlen)
{
	return jopen(dir, since, until, 0, NULL, NULL, err, errlen);
}

struct journal *
journal_open_follow(const char *unit, const char *cursor, char *err, size_t errlen)
{
	return jopen(NULL, INT64_MIN, INT64_MAX, 1, unit, cursor, err, errlen);
}

struct journal *
journal_open_follow_dir(const char *dir, const char *unit, const char *cursor, char *err,
                        size_t errlen)
{
	if (dir == NULL) {
		log_errbuf(err, errlen, "journal: no directory");
		errno = EINVAL;
		return NULL;
	}
	return jopen(dir, INT64_MIN, INT64_MAX, 1, unit, cursor, err, errlen);
}

int
journal_next(struct journal *j, const char **line, size_t *len, unsigned *flags)
{
	int r;

	if (j->failed) {
		errno = j->err;
		return -1;
	}
	if (j->done)
		return 0;
	for (;;) {
		if (j->pending) {
			j->pending = 0;
			j->at_cursor = 0;
			if (format_entry(j, len, flags) == 1)
				break;
		}
		r = sd_journal_next(j->sj);
		if (r < 0)
			return fail(j, "next entry", r);
		if (r == 0) {
			/* following: new entries come after this end, from the same place */
			j->done = !j->follow;
			return 0;
		}
		j->at_cursor = 0;
		if (format_entry(j, len, flags) == 1)
			break;
	}
	*line = j->buf;
	j->count++;
	return 1;
}

int
journal_fd(const struct journal *j)
{
	if (j->fd < 0) {
		errno = EINVAL;
		return -1;
	}
	return j->fd;
}

int
journal_process(struct journal *j)
{
	int r;

	if (j->fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((r = sd_journal_process(j->sj)) < 0) {
		snprintf(j->errmsg, sizeof(j->errmsg), "journal: process: %s", strerror(-r));
		errno = -r;
		return -1;
	}
	return r == SD_JOURNAL_NOP ? 0 : r == SD_JOURNAL_APPEND ? 1 : 2;
}

int
journal_cursor(const struct journal *j, char *buf, size_t len)
{
	char *c = NULL;
	size_t n;
	int r;

	if (j->at_cursor) {
		/* no entry passed since the seek to the cursor: still there */
		n = strlen(j->cursor0);
		c = j->cursor0;
	} else {
		if ((r = sd_journal_get_cursor(j->sj, &c)) < 0) {
			errno = -r;
			return -1;
		}
		n = strlen(c);
	}
	if (n >= len) {
		r = -1;
		errno = ERANGE;
	} else {
		memcpy(buf, c, n + 1);
		r = 0;
	}
	if (c != j->cursor0)
		free(c);
	return r;
}

const char *
journal_errmsg(const struct journal *j)
{
	return j->errmsg;
}

uint64_t
journal_count(const struct journal *j)
{
	return j->count;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	sd_journal_close(j->sj);
	free(j->cursor0);
	free(j->buf);
	free(j);
}
