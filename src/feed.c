/* feed.c: parallel reading and parsing of log inputs, merged back into input order. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "feed.h"
#include "journal.h"
#include "linebuf.h"
#include "reader.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"
#include "xmalloc.h"

#define BATCH_EVENTS FEED_BATCH_EVENTS
#define BATCH_TEXT (1024 * 1024) /* >= LINEBUF_MAX_LINE: one line always fits */
#define BATCHES_PER_WORKER 3
#define PREP_EVENTS 64 /* ops->prep runs on events this many at a time, still in cache */
#define SOLO_EVENTS 32 /* without threads, events are handed on this many at a time */
#define MAX_THREADS 16
#define ERRLEN 512

_Static_assert(BATCH_TEXT >= 4 * LINEBUF_MAX_LINE, "a batch holds any line (file or journal)");

/* A batch: a copy of consecutive lines and their events. */
struct batch {
	struct batch *next; /* in its part's queue, or its worker's free list */
	struct worker *owner;
	char *text;
	size_t tlen;
	struct event *ev;
	uint8_t *trunc;
	size_t n;
	void *aux;      /* feed_opts.aux_bytes for ops->prep, or NULL */
	size_t prepped; /* ev[0..prepped) went through ops->prep */
};

/*
 * One part of one input. Written by the worker that took it (under the feed's
 * lock for queue and done); read by the consumer. Invariant: batches in
 * head..tail are full, in line order, not yet handed to the consumer; done is
 * set after the last batch was queued, and then status/error/lines are final.
 */
struct part {
	size_t input;
	int64_t lo, hi; /* byte range of a plain file; hi -1: to the end */
	int64_t anchor; /* year inference anchor (mtime), -1: the current time */
	int first, last;
	int whole; /* not split: open and read from the start, whatever it is */
	struct batch *head, *tail;
	int done, status;
	uint64_t lines; /* physical lines read in this part */
	int cut;        /* a line cut short by the error was left out after the lines read */
	char error[ERRLEN];
};

struct worker {
	struct feed *f;
	pthread_t tid;
	struct batch *free_list;
	struct batch *all[BATCHES_PER_WORKER];
};

/* Shared state. Invariant: parts[0..next) have been taken by workers. */
struct feed {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* any change: a batch queued, a part done, a batch returned */
	struct part *parts;
	size_t nparts, next;
	char *const *paths;
	int64_t now, since, until, part_bytes;
	size_t aux_bytes;
	int threaded;
	int prep; /* ops->prep runs on the workers (there are two or more) */
	const struct feed_ops *ops;
	void *arg;
};

static struct batch *
batch_new(struct worker *w)
{
	struct batch *b = xcalloc(1, sizeof(*b));

	b->owner = w;
	b->text = xmalloc(BATCH_TEXT);
	b->ev = xreallocarray(NULL, BATCH_EVENTS, sizeof(*b->ev));
	b->trunc = xmalloc(BATCH_EVENTS);
	b->aux = w->f->aux_bytes > 0 ? xmalloc(w->f->aux_bytes) : NULL;
	return b;
}

static void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->text);
	free(b->ev);
	free(b->trunc);
	free(b->aux);
	free(b);
}

static void
lock(struct feed *f)
{
	if (f->threaded)
		pthread_mutex_lock(&f->mu);
}

static void
unlock(struct feed *f)
{
	if (f->threaded)
		pthread_mutex_unlock(&f->mu);
}

static void
deliver(struct feed *f, struct batch *b, size_t input)
{
	struct feed_batch fb;

	fb.input = input;
	fb.ev = b->ev;
	fb.truncated = b->trunc;
	fb.n = b->n;
	fb.aux = f->prep ? b->aux : NULL;
	f->ops->batch(f->arg, &fb);
}

/* A free batch of w's own, waiting for the consumer to return one if need be. */
static struct batch *
get_batch(struct worker *w)
{
	struct feed *f = w->f;
	struct batch *b;

	lock(f);
	while (w->free_list == NULL)
		pthread_cond_wait(&f->cv, &f->mu);
	b = w->free_list;
	w->free_list = b->next;
	unlock(f);
	b->next = NULL;
	b->n = 0;
	b->prepped = 0;
	b->tlen = 0;
	return b;
}

/* Runs ops->prep over the events of b not yet prepped (on the worker, while they are in cache). */
static void
prep(struct feed *f, const struct part *p, struct batch *b)
{
	struct feed_batch fb;

	if (!f->prep || b->prepped == b->n)
		return;
	fb.input = p->input;
	fb.ev = b->ev;
	fb.truncated = b->trunc;
	fb.n = b->n;
	fb.aux = NULL;
	f->ops->prep(f->arg, &fb, b->prepped, b->aux);
	b->prepped = b->n;
}

/* Hands a filled batch on: queued for the consumer, or (no threads) delivered at once. */
static void
put_batch(struct worker *w, struct part *p, struct batch *b)
{
	struct feed *f = w->f;

	if (!f->threaded) {
		deliver(f, b, p->input);
		b->n = 0;
		b->tlen = 0;
		b->next = w->free_list;
		w->free_list = b;
		return;
	}
	prep(f, p, b);
	lock(f);
	if (p->tail != NULL)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	pthread_cond_broadcast(&f->cv);
	unlock(f);
}

static void
part_done(struct worker *w, struct part *p)
{
	lock(w->f);
	p->done = 1;
	if (w->f->threaded)
		pthread_cond_broadcast(&w->f->cv);
	unlock(w->f);
}

/* Without threads: hands on the events of b (their lines must still be valid), and empties it. */
static void
solo_flush(struct feed *f, const struct part *p, struct batch *b)
{
	if (b->n > 0)
		deliver(f, b, p->input);
	b->n = 0;
}

/*
 * Without threads: parses the line in place, not copied, into b, and hands the
 * events on a few at a time, while the lines and the events are still in the
 * first-level cache. The caller hands them on (solo_flush) before the line may
 * change.
 */
static inline void
solo_add(struct feed *f, const struct part *p, struct batch *b, struct hdr_ctx *ctx,
         const char *line, size_t len, int truncated)
{
	sshd_parse_line(ctx, line, len, &b->ev[b->n]);
	b->trunc[b->n] = (uint8_t)truncated;
	if (++b->n == SOLO_EVENTS)
		solo_flush(f, p, b);
}

/*
 * Appends one line and its event to the current batch, handing it on when full
 * (without threads, see solo_add).
 */
static struct batch *
add_line(struct worker *w, struct part *p, struct batch *b, struct hdr_ctx *ctx, const char *line,
         size_t len, int truncated)
{
	if (!w->f->threaded) {
		solo_add(w->f, p, b, ctx, line, len, truncated);
		return b;
	}
	if (b->n == BATCH_EVENTS || b->tlen + len > BATCH_TEXT) {
		put_batch(w, p, b);
		b = get_batch(w);
	}
	memcpy(b->text + b->tlen, line, len);
	sshd_parse_line(ctx, b->text + b->tlen, len, &b->ev[b->n]);
	b->trunc[b->n] = (uint8_t)truncated;
	b->tlen += len;
	b->n++;
	if (b->n - b->prepped == PREP_EVENTS)
		prep(w->f, p, b);
	return b;
}

/* Gives a batch back to w unused, or hands it on when it holds lines. */
static void
last_batch(struct worker *w, struct part *p, struct batch *b)
{
	if (b->n > 0)
		put_batch(w, p, b);
	else {
		lock(w->f);
		b->next = w->free_list;
		w->free_list = b;
		unlock(w->f);
	}
}

/* Reads the journal part p: the local journal, or the directory after "journal:". */
static void
read_journal(struct worker *w, struct part *p)
{
	struct feed *f = w->f;
	const char *dir = f->paths[p->input] + strlen(FEED_JOURNAL);
	char err[ERRLEN];
	struct journal *j;
	struct hdr_ctx ctx;
	struct batch *b;
	const char *line;
	size_t len;
	unsigned flags;
	int rc;

	if ((j = journal_open(*dir ? dir : NULL, f->since, f->until, err, sizeof(err))) == NULL) {
		p->status = EX_NOINPUT;
		snprintf(p->error, sizeof(p->error), "%s", err);
		return;
	}
	hdr_ctx_init(&ctx, f->now); /* the lines carry full UTC stamps */
	b = get_batch(w);
	while ((rc = journal_next(j, &line, &len, &flags)) == 1) {
		b = add_line(w, p, b, &ctx, line, len, (flags & JOURNAL_TRUNCATED) != 0);
		if (!f->threaded)
			solo_flush(f, p, b); /* the line is valid until the next journal_next */
	}
	p->lines = journal_count(j);
	if (rc < 0) {
		p->status = EX_DATAERR;
		snprintf(p->error, sizeof(p->error), "%s", journal_errmsg(j));
	}
	last_batch(w, p, b);
	journal_close(j);
}

/* Reads and parses part p into batches. Sets p's status, error and line count. */
static void
read_part(struct worker *w, struct part *p)
{
	struct feed *f = w->f;
	const char *path = f->paths[p->input];
	char err[ERRLEN];
	struct reader *r;
	struct linebuf lb;
	struct hdr_ctx ctx;
	struct batch *b = NULL;
	const char *line;
	size_t len;
	unsigned flags;
	int64_t anchor;
	int rc;

	if (strncmp(path, FEED_JOURNAL, strlen(FEED_JOURNAL)) == 0) {
		read_journal(w, p);
		goto out;
	}
	if ((r = reader_open(path, err, sizeof(err))) == NULL) {
		p->status = EX_NOINPUT;
		snprintf(p->error, sizeof(p->error), "%s", err);
		goto out;
	}
	if (!p->whole && reader_range(r, p->lo, p->hi) != 0) {
		p->status = EX_NOINPUT;
		snprintf(p->error, sizeof(p->error), "%s: %s", path, strerror(errno));
		reader_close(r);
		goto out;
	}
	anchor = p->whole ? reader_mtime(r) : p->anchor;
	hdr_ctx_init(&ctx, anchor >= 0 ? anchor : f->now);
	linebuf_init(&lb, r);
	b = get_batch(w);
	if (!f->threaded) {
		for (;;) {
			/* a read moves the lines that the events of b point into */
			if (b->n > 0 && !linebuf_ready(&lb))
				solo_flush(f, p, b);
			if ((rc = linebuf_next(&lb, &line, &len, &flags)) != 1)
				break;
			if (flags & LB_PARTIAL)
				continue; /* cut short by a read error: its fields may be cut too */
			solo_add(f, p, b, &ctx, line, len, (flags & LB_TRUNCATED) != 0);
		}
	} else
		while ((rc = linebuf_next(&lb, &line, &len, &flags)) == 1) {
			if (flags & LB_PARTIAL)
				continue;
			b = add_line(w, p, b, &ctx, line, len, (flags & LB_TRUNCATED) != 0);
		}
	p->lines = linebuf_whole(&lb); /* a line cut by the error is left out */
	if (rc < 0) {
		p->status = EX_DATAERR;
		p->cut = lb.cut;
		snprintf(p->error, sizeof(p->error), "%s", reader_errmsg(r));
	}
	last_batch(w, p, b);
	linebuf_free(&lb);
	reader_close(r);
out:
	part_done(w, p);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct feed *f = w->f;
	struct part *p;

	for (;;) {
		lock(f);
		p = f->next < f->nparts ? &f->parts[f->next++] : NULL;
		unlock(f);
		if (p == NULL)
			return NULL;
		read_part(w, p);
	}
}

/* Where the first line starting at or after off begins in fd, or -1 (none, or an error). */
static int64_t
line_start(int fd, int64_t off)
{
	char buf[65536];
	ssize_t n;
	char *nl;

	if (off == 0)
		return 0;
	off--; /* a line starts at off when the byte before it is a newline */
	for (;;) {
		n = pread(fd, buf, sizeof(buf), (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if ((nl = memchr(buf, '\n', (size_t)n)) != NULL)
			return off + (nl - buf) + 1;
		off += n;
	}
}

/* Splits the inputs into parts. Opens each file once to see whether it is plain. */
static void
plan(struct feed *f, size_t n)
{
	size_t i, cap = n + 16;
	char err[ERRLEN];

	f->parts = xreallocarray(NULL, cap, sizeof(*f->parts));
	f->nparts = 0;
	for (i = 0; i < n; i++) {
		const char *path = f->paths[i];
		struct reader *r = NULL;
		int64_t size = -1, mtime = -1, lo = 0, next;
		int fd = -1;

		if (strcmp(path, "-") != 0 &&
		    strncmp(path, FEED_JOURNAL, strlen(FEED_JOURNAL)) != 0 &&
		    (r = reader_open(path, err, sizeof(err))) != NULL &&
		    reader_comp(r) == RC_NONE && reader_size(r) >= 2 * f->part_bytes) {
			size = reader_size(r);
			mtime = reader_mtime(r);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
		reader_close(r);
		do {
			struct part *p;

			next = -1;
			if (fd >= 0 && lo + 2 * f->part_bytes <= size)
				next = line_start(fd, lo + f->part_bytes);
			if (f->nparts == cap) {
				cap *= 2;
				f->parts = xreallocarray(f->parts, cap, sizeof(*f->parts));
			}
			p = &f->parts[f->nparts++];
			memset(p, 0, sizeof(*p));
			p->input = i;
			p->first = lo == 0;
			p->whole = fd < 0;
			p->lo = lo;
			p->hi = next;
			p->anchor = mtime;
			p->last = next < 0;
			lo = next;
		} while (next >= 0);
		if (fd >= 0)
			close(fd);
	}
}

/* The consumer's view of the input being delivered. */
struct cstate {
	int status;
	uint64_t lines; /* lines of the input's earlier parts */
	char error[ERRLEN + 64];
};

static void
part_begin(struct feed *f, const struct part *p, struct cstate *cs)
{
	if (!p->first)
		return;
	cs->status = 0;
	cs->lines = 0;
	cs->error[0] = '\0';
	f->ops->begin(f->arg, p->input);
}

/* After the part's batches: keeps the input's first error, ends the input after its last part. */
static void
part_end(struct feed *f, const struct part *p, struct cstate *cs)
{
	if (p->status != 0 && cs->status == 0) {
		cs->status = p->status;
		if (p->status == EX_DATAERR)
			snprintf(cs->error, sizeof(cs->error), "%s after line %llu%s", p->error,
			         (unsigned long long)(cs->lines + p->lines),
			         p->cut ? "; the cut line after it was left out" : "");
		else
			snprintf(cs->error, sizeof(cs->error), "%s", p->error);
	}
	cs->lines += p->lines;
	if (p->last)
		f->ops->end(f->arg, p->input, cs->status, cs->status ? cs->error : NULL);
}

/* The consumer: delivers parts in order, each part's batches in order. */
static void
consume(struct feed *f)
{
	struct cstate cs;
	size_t i;

	memset(&cs, 0, sizeof(cs));
	for (i = 0; i < f->nparts; i++) {
		struct part *p = &f->parts[i];
		struct batch *b;

		part_begin(f, p, &cs);
		for (;;) {
			lock(f);
			while (p->head == NULL && !p->done)
				pthread_cond_wait(&f->cv, &f->mu);
			b = p->head;
			if (b != NULL) {
				p->head = b->next;
				if (p->head == NULL)
					p->tail = NULL;
			}
			unlock(f);
			if (b == NULL)
				break; /* done, and nothing left */
			deliver(f, b, p->input);
			lock(f);
			b->next = b->owner->free_list;
			b->owner->free_list = b;
			pthread_cond_broadcast(&f->cv);
			unlock(f);
		}
		part_end(f, p, &cs);
	}
}

static void
worker_init(struct worker *w, struct feed *f)
{
	int k;

	memset(w, 0, sizeof(*w));
	w->f = f;
	for (k = 0; k < BATCHES_PER_WORKER; k++) {
		w->all[k] = batch_new(w);
		w->all[k]->next = w->free_list;
		w->free_list = w->all[k];
	}
}

static void
worker_fini(struct worker *w)
{
	int k;

	for (k = 0; k < BATCHES_PER_WORKER; k++)
		batch_free(w->all[k]);
}

int
feed_run(char *const *paths, size_t n, const struct feed_opts *o, const struct feed_ops *ops,
         void *arg)
{
	unsigned threads = o->threads;
	struct feed f;
	struct worker *ws;
	size_t i, started = 0;
	int ret = 0, e = 0;

	memset(&f, 0, sizeof(f));
	f.paths = paths;
	f.now = o->now;
	f.since = o->since;
	f.until = o->until;
	f.part_bytes = o->part_bytes > 0 ? o->part_bytes : FEED_PART_BYTES;
	f.aux_bytes = o->aux_bytes;
	f.ops = ops;
	f.arg = arg;
	plan(&f, n);
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	/* with one part, one worker still parses while this thread consumes */
	f.threaded = threads > 1 && f.nparts > 0;
	if (f.threaded)
		threads--; /* the calling thread is one of them: it tracks and aggregates */
	if (threads > f.nparts)
		threads = (unsigned)f.nparts;
	/*
	 * One worker parses more slowly than the consumer consumes: work moved onto it
	 * would slow the whole pipeline down. From two workers on, the consumer is the
	 * bottleneck, and what prep takes off it is gained.
	 */
	f.prep = f.threaded && threads >= 2 && ops->prep != NULL;
	ws = xreallocarray(NULL, threads > 0 ? threads : 1, sizeof(*ws));
	if (!f.threaded) {
		/* one worker on this thread, delivering as it reads: parts in order */
		struct cstate cs;

		memset(&cs, 0, sizeof(cs));
		worker_init(&ws[0], &f);
		for (i = 0; i < f.nparts; i++) {
			part_begin(&f, &f.parts[i], &cs);
			read_part(&ws[0], &f.parts[i]);
			part_end(&f, &f.parts[i], &cs);
		}
		worker_fini(&ws[0]);
		goto out;
	}
	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	for (i = 0; i < threads; i++) {
		worker_init(&ws[i], &f);
		if ((e = pthread_create(&ws[i].tid, NULL, worker_main, &ws[i])) != 0) {
			worker_fini(&ws[i]);
			break;
		}
		started++;
	}
	if (started == 0) {
		ret = -1;
		errno = e;
	} else
		consume(&f);
	for (i = 0; i < started; i++) {
		pthread_join(ws[i].tid, NULL);
		worker_fini(&ws[i]);
	}
	pthread_cond_destroy(&f.cv);
	pthread_mutex_destroy(&f.mu);
out:
	free(ws);
	free(f.parts);
	return ret;
}

unsigned
feed_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}
