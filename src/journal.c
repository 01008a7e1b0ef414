/* journal.c: sshd-related entries of the systemd journal as syslog-style lines (sd-journal). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "journal.h"
#include "xmalloc.h"

/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" */
#define TS_LEN 27
/* Longest header: stamp, host, ident, "[4294967295]", the spaces and ": ". */
#define HDR_MAX (TS_LEN + 1 + JOURNAL_HOST_MAX + 1 + JOURNAL_IDENT_MAX + 12 + 2)
#define LINE_MAX_ (HDR_MAX + JOURNAL_MSG_MAX)
/* 9999-12-31T23:59:59.999999Z in epoch microseconds: the last stamp of 4-digit years. */
#define REALTIME_MAX 253402300799999999ULL

/* The SYSLOG_IDENTIFIER values that are read (DESIGN section 3, sshd_classify). */
static const char *const idents[] = {
    "sshd",    "sshd-session", "sshd-auth",   "sudo",          "su",     "systemd-logind",
    "useradd", "usermod",      "userdel",     "groupadd",      "passwd", "chpasswd",
    "CRON",    "crond",        "sftp-server", "internal-sftp",
};

/*
 * Invariant: sj is open; buf holds LINE_MAX_ bytes; failed is set once an
 * error was returned (errmsg says which, and every later call returns -1);
 * done is set once the end was reached.
 */
struct journal {
	sd_journal *sj;
	int64_t since, until;
	uint64_t count;
	char *buf;
	int failed, done, err;
	char errmsg[256];
};

/* Formats a message into err[0..errlen) (nothing when errlen is 0). */
static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

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

/* Copies field name into out (at most max bytes, sanitised by bad()); returns the length. */
static size_t
copy_field(sd_journal *sj, const char *name, char *out, size_t max, int (*bad)(unsigned char))
{
	const char *v;
	size_t n, i;

	if (field(sj, name, strlen(name), &v, &n) != 1)
		return 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = bad((unsigned char)v[i]) ? '_' : v[i];
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

/* The value of field name when it is a decimal number in 1..UINT32_MAX, else 0. */
static uint32_t
pid_field(sd_journal *sj, const char *name)
{
	const char *v;
	uint64_t p = 0;
	size_t n, i;

	if (field(sj, name, strlen(name), &v, &n) != 1 || n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		p = p * 10 + (uint64_t)(v[i] - '0');
	}
	return p > UINT32_MAX ? 0 : (uint32_t)p;
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

/*
 * Formats the current entry into j->buf. Returns 1 with *len and *flags set, 0
 * when the entry is to be skipped (outside [since, until], damaged).
 */
static int
format_entry(struct journal *j, size_t *len, unsigned *flags)
{
	char *p = j->buf;
	const char *msg;
	uint64_t usec;
	uint32_t pid;
	size_t n, i;
	int r;

	if (sd_journal_get_realtime_usec(j->sj, &usec) < 0 || usec > REALTIME_MAX)
		return 0;
	if ((int64_t)usec < j->since || (int64_t)usec > j->until)
		return 0;
	if (format_ts(usec, p) == -1)
		return 0;
	p += TS_LEN;
	*p++ = ' ';
	/* each field is copied before the next sd_journal_get_data invalidates it */
	n = copy_field(j->sj, "_HOSTNAME", p, JOURNAL_HOST_MAX, bad_host);
	if (n > 0 && p[n - 1] == ':')
		p[n - 1] = '_';
	if (n == 0)
		p[n++] = '-';
	p += n;
	*p++ = ' ';
	n = copy_field(j->sj, "SYSLOG_IDENTIFIER", p, JOURNAL_IDENT_MAX, bad_ident);
	if (n == 0)
		n = copy_field(j->sj, "_COMM", p, JOURNAL_IDENT_MAX, bad_ident);
	if (n == 0)
		p[n++] = '-';
	p += n;
	if ((pid = pid_field(j->sj, "SYSLOG_PID")) == 0)
		pid = pid_field(j->sj, "_PID");
	if (pid != 0)
		p += snprintf(p, 13, "[%u]", (unsigned)pid);
	*p++ = ':';
	*p++ = ' ';
	*flags = 0;
	r = field(j->sj, "MESSAGE", 7, &msg, &n);
	if (r == -1)
		return 0;
	if (r == 0)
		n = 0;
	if (n > JOURNAL_MSG_MAX) {
		n = JOURNAL_MSG_MAX;
		*flags |= JOURNAL_TRUNCATED;
	}
	for (i = 0; i < n; i++)
		p[i] = msg[i] == '\n' || msg[i] == '\r' ? ' ' : msg[i];
	p += n;
	*len = (size_t)(p - j->buf);
	return 1;
}

struct journal *
journal_open(const char *dir, int64_t since, int64_t until, char *err, size_t errlen)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	char m[64];
	size_t i;
	int r;

	set_err(err, errlen, "%s", "");
	j->since = since;
	j->until = until;
	if (dir != NULL)
		r = sd_journal_open_directory(&j->sj, dir, 0);
	else
		r = sd_journal_open(&j->sj, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		j->sj = NULL;
		set_err(err, errlen, "journal: %s: %s", dir != NULL ? dir : "cannot open",
		        strerror(-r));
		goto out;
	}
	/* a compressed field is decompressed up to this size: enough to see it is too long */
	r = sd_journal_set_data_threshold(j->sj, sizeof("MESSAGE=") - 1 + JOURNAL_MSG_MAX + 1);
	if (r < 0) {
		set_err(err, errlen, "journal: set data threshold: %s", strerror(-r));
		goto out;
	}
	for (i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
		snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", idents[i]);
		if ((r = sd_journal_add_match(j->sj, m, 0)) < 0) {
			set_err(err, errlen, "journal: add match %s: %s", m, strerror(-r));
			goto out;
		}
	}
	if (since > 0)
		r = sd_journal_seek_realtime_usec(j->sj, (uint64_t)since);
	else
		r = sd_journal_seek_head(j->sj);
	if (r < 0) {
		set_err(err, errlen, "journal: seek: %s", strerror(-r));
		goto out;
	}
	j->buf = xmalloc(LINE_MAX_);
	return j;
out:
	if (j->sj != NULL)
		sd_journal_close(j->sj);
	free(j);
	errno = -r;
	return NULL;
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
		r = sd_journal_next(j->sj);
		if (r < 0)
			return fail(j, "next entry", r);
		if (r == 0) {
			j->done = 1;
			return 0;
		}
		if (format_entry(j, len, flags) == 1)
			break;
	}
	*line = j->buf;
	j->count++;
	return 1;
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
	free(j->buf);
	free(j);
}
