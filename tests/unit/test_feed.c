/* test_feed.c: unit tests of feed (parallel reading): same events in the same order for any thread
 * count. */
#include <sys/stat.h>
#include <sys/time.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "t.h"
#include "tfile.h"
#include "feed.h"
#include "xmalloc.h"

/* What the callbacks saw, flattened into one text: one line per callback or event. */
struct seen {
	char *buf;
	size_t len, cap;
	size_t events;
	int in_input; /* begin seen, end not yet: events must come only then */
	int misordered;
};

static void add(struct seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add(struct seen *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < s->cap - s->len)
			break;
		s->cap = s->cap ? s->cap * 2 : 65536;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	s->len += (size_t)n;
}

static void
on_begin(void *arg, size_t input)
{
	struct seen *s = arg;

	if (s->in_input)
		s->misordered = 1;
	s->in_input = 1;
	add(s, "begin %zu\n", input);
}

static void
on_batch(void *arg, const struct feed_batch *b)
{
	struct seen *s = arg;
	size_t i;

	if (!s->in_input)
		s->misordered = 1;
	for (i = 0; i < b->n; i++) {
		const struct event *ev = &b->ev[i];

		add(s, "%zu %s %lld %.*s %u %d\n", b->input, event_type_name(ev->type),
		    (long long)ev->ts, (int)ev->user.n, ev->user.p ? ev->user.p : "", ev->pid,
		    b->truncated[i]);
		s->events++;
	}
}

static void
on_end(void *arg, size_t input, int status, const char *error)
{
	struct seen *s = arg;

	if (!s->in_input)
		s->misordered = 1;
	s->in_input = 0;
	add(s, "end %zu %d %s\n", input, status, error ? error : "-");
}

static const struct feed_ops ops = {on_begin, on_batch, on_end, NULL};

static void
run(char **paths, size_t n, unsigned threads, int64_t part, struct seen *s)
{
	struct feed_opts o;

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	o.threads = threads;
	o.now = 1767225600; /* 2026-01-01 */
	o.since = INT64_MIN;
	o.until = INT64_MAX;
	o.part_bytes = part;
	if (feed_run(paths, n, &o, &ops, s) != 0)
		T_FAIL("feed_run failed");
}

/* A log of n lines across New Year (Dec 31 23:00 .. Jan 1), mtime in January 2026. */
static void
write_log(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	struct timeval tv[2];
	int i;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		int sec = i * 7; /* 7 s apart: n = 2000 spans ~3.9 h */
		int h = 23 + sec / 3600, m = sec / 60 % 60, s = sec % 60;

		if (h < 24)
			fprintf(f,
			        "Dec 31 %02d:%02d:%02d web sshd[%d]: Invalid user u%d from "
			        "192.0.2.%d port %d\n",
			        h, m, s, 1000 + i / 3, i % 97, i % 250 + 1, 40000 + i);
		else
			fprintf(f,
			        "Jan  1 %02d:%02d:%02d web sshd[%d]: Failed password for root from "
			        "198.51.100.%d port %d ssh2\n",
			        h - 24, m, s, 1000 + i / 3, i % 250 + 1, 40000 + i);
	}
	fclose(f);
	tv[0].tv_sec = tv[1].tv_sec = 1767240000; /* 2026-01-01 04:00 UTC */
	tv[0].tv_usec = tv[1].tv_usec = 0;
	utimes(path, tv);
}

T(same_events_any_thread_count)
{
	struct seen whole, s;
	char *paths[3];
	unsigned th;

	write_log(tf_path("a.log"), 2000);
	write_log(tf_path("b.log"), 300);
	tf_compress("gzip", tf_path("b.log"), tf_path("b.log.gz"));
	paths[0] = xstrdup(tf_path("b.log.gz"));
	paths[1] = xstrdup(tf_path("a.log"));
	paths[2] = xstrdup(tf_path("b.log"));
	/* one part per file: the reference */
	run(paths, 3, 1, 1 << 30, &whole);
	CHECK_INT(whole.events, 2600);
	CHECK(!whole.misordered);
	/* years: Dec 31 is 2025, Jan 1 is 2026, in every part */
	CHECK(strstr(whole.buf, "1 invalid_user 1767222000000000 u0 1000 0\n") != NULL);
	for (th = 1; th <= 5; th++) {
		/* small parts: a.log (~180 KB) is read in about 45 parts */
		run(paths, 3, th, 4096, &s);
		CHECK(!s.misordered);
		if (s.len != whole.len || memcmp(s.buf, whole.buf, s.len) != 0)
			T_FAIL("threads %u: events differ from the one-part read", th);
		free(s.buf);
	}
	free(whole.buf);
	free(paths[0]);
	free(paths[1]);
	free(paths[2]);
}

T(errors_in_order)
{
	struct seen s;
	char *paths[3];
	static const char junk[] =
	    "Jan  1 00:00:01 web sshd[1]: Invalid user x from 192.0.2.1 port 2\n";
	FILE *f;
	char *gz;
	size_t n;
	unsigned th;

	/* a truncated .gz: its first lines count, then an error with the line number */
	write_log(tf_path("c.log"), 3000);
	tf_compress("gzip", tf_path("c.log"), tf_path("c.log.gz"));
	gz = xmalloc(1 << 20);
	f = fopen(tf_path("c.log.gz"), "rb");
	n = fread(gz, 1, 1 << 20, f);
	fclose(f);
	tf_write(tf_path("cut.gz"), gz, n / 2);
	free(gz);
	tf_write(tf_path("ok.log"), junk, sizeof(junk) - 1);
	paths[0] = xstrdup(tf_path("missing.log"));
	paths[1] = xstrdup(tf_path("cut.gz"));
	paths[2] = xstrdup(tf_path("ok.log"));
	for (th = 1; th <= 3; th++) {
		run(paths, 3, th, 4096, &s);
		CHECK(!s.misordered);
		CHECK(strncmp(s.buf, "begin 0\nend 0 66 ", 17) == 0); /* EX_NOINPUT */
		CHECK(strstr(s.buf, "missing.log: No such file or directory\nbegin 1\n") != NULL);
		CHECK(strstr(s.buf, "\nend 1 65 truncated gzip data after line ") != NULL);
		CHECK(strstr(s.buf, "begin 2\n2 invalid_user") != NULL);
		CHECK(s.events > 100 && s.events < 3000);
		free(s.buf);
	}
	free(paths[0]);
	free(paths[1]);
	free(paths[2]);
}

T(long_lines_stay_whole)
{
	struct seen s, whole;
	char *big = xmalloc(300000), *paths[1];
	FILE *f;
	unsigned th;

	/* lines far longer than a part: a part boundary never cuts a line */
	memset(big, 'x', 299999);
	big[299999] = '\0';
	f = fopen(tf_path("long.log"), "w");
	fprintf(f, "Jan  1 00:00:01 web sshd[7]: Invalid user a from 192.0.2.1 port 2\n");
	fprintf(f, "Jan  1 00:00:02 web sshd[7]: %s\n", big);
	fprintf(f, "Jan  1 00:00:03 web sshd[8]: Invalid user b from 192.0.2.2 port 2\n");
	fprintf(f, "Jan  1 00:00:04 web sshd[9]: %s", big); /* no final newline */
	fclose(f);
	free(big);
	paths[0] = xstrdup(tf_path("long.log"));
	run(paths, 1, 1, 1 << 30, &whole);
	CHECK_INT(whole.events, 4);
	CHECK(strstr(whole.buf, "0 unknown 1767225602000000  7 1\n") != NULL); /* cut, flagged */
	CHECK(strstr(whole.buf, "0 invalid_user 1767225603000000 b 8 0\n") != NULL);
	for (th = 1; th <= 3; th++) {
		run(paths, 1, th, 4096, &s);
		CHECK_INT(s.events, 4);
		if (s.len != whole.len || memcmp(s.buf, whole.buf, s.len) != 0)
			T_FAIL("threads %u: long lines read differently", th);
		free(s.buf);
	}
	free(whole.buf);
	free(paths[0]);
}

/* prep: what a reading thread writes for its batch, checked by the consumer. */
struct prep_seen {
	size_t batches, with_aux, events, bad;
};

struct prep_aux {
	size_t n;
	uint64_t sum; /* of the events' types and pids */
};

static uint64_t
batch_sum(const struct feed_batch *b)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < b->n; i++)
		sum = sum * 31 + b->ev[i].type * 65537u + b->ev[i].pid;
	return sum;
}

static void
prep_begin(void *arg, size_t input)
{
	(void)arg;
	(void)input;
}

static void
prep_end(void *arg, size_t input, int status, const char *error)
{
	(void)arg;
	(void)input;
	(void)status;
	(void)error;
}

static void
prep_prep(void *arg, const struct feed_batch *b, size_t lo, void *aux)
{
	struct prep_aux *x = aux;
	size_t i;

	(void)arg; /* shared with the consumer: a prep callback must not write it */
	if (lo == 0) {
		x->n = 0;
		x->sum = 0;
	}
	if (lo != x->n)
		x->n = SIZE_MAX; /* a gap or an overlap: caught by the consumer */
	else
		x->n = b->n;
	for (i = lo; i < b->n; i++)
		x->sum = x->sum * 31 + b->ev[i].type * 65537u + b->ev[i].pid;
}

static void
prep_batch(void *arg, const struct feed_batch *b)
{
	struct prep_seen *s = arg;
	const struct prep_aux *x = b->aux;

	s->batches++;
	s->events += b->n;
	if (x == NULL)
		return;
	s->with_aux++;
	if (x->n != b->n || x->sum != batch_sum(b))
		s->bad++;
}

T(prep_runs_for_every_batch_on_workers)
{
	static const struct feed_ops pops = {prep_begin, prep_batch, prep_end, prep_prep};
	char *paths[1];
	unsigned th;

	write_log(tf_path("p.log"), 20000);
	paths[0] = xstrdup(tf_path("p.log"));
	for (th = 1; th <= 4; th++) {
		struct prep_seen s;
		struct feed_opts o;

		memset(&s, 0, sizeof(s));
		memset(&o, 0, sizeof(o));
		o.threads = th;
		o.now = 1767225600;
		o.since = INT64_MIN;
		o.until = INT64_MAX;
		o.part_bytes = 65536;
		o.aux_bytes = sizeof(struct prep_aux);
		CHECK_INT(feed_run(paths, 1, &o, &pops, &s), 0);
		CHECK_INT(s.events, 20000);
		CHECK_INT(s.bad, 0);
		if (th <= 2)
			CHECK_INT(s.with_aux, 0); /* no worker or one: the consumer does it all */
		else
			CHECK_INT(s.with_aux, s.batches);
	}
	free(paths[0]);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	tf_setup("feed");
	T_RUN(same_events_any_thread_count);
	T_RUN(errors_in_order);
	T_RUN(long_lines_stay_whole);
	T_RUN(prep_runs_for_every_batch_on_workers);
	tf_teardown();
	return T_END();
}
