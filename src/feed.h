/* feed.h: reads inputs on several threads into parsed event batches, delivered in input order. */
#ifndef FEED_H
#define FEED_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/*
 * Plain files are read in parts of this many bytes (each cut just after a
 * newline); compressed files, pipes and the journal in one part. The parts
 * depend on the files only, never on the thread count, so every thread count
 * gives the same events in the same order: a part starts its year inference
 * (syslog_hdr) afresh from the file's mtime, whether one thread reads it or many.
 */
#define FEED_PART_BYTES (32 * 1024 * 1024)
#define FEED_BATCH_EVENTS 8192 /* events of one batch at most */

/* Events of consecutive lines of one input. Pointers are valid during the callback only. */
struct feed_batch {
	size_t input;             /* index into the paths given to feed_run */
	const struct event *ev;   /* ev[0..n), spans point into the batch's own copy of the lines */
	const uint8_t *truncated; /* truncated[i]: line i was cut at LINEBUF_MAX_LINE */
	size_t n;
	void *aux; /* what ops->prep wrote for this batch; NULL when it did not run */
};

/*
 * Callbacks, all called on the calling thread of feed_run, in input order:
 * begin(input) once per input before its batches, batch() for each batch in
 * line order, end(input, status, error) once after them. status is 0, EX_NOINPUT
 * (could not be opened: no batch came; error says why) or EX_DATAERR (damaged:
 * error says what and after which line; the other lines were read).
 */
struct feed_ops {
	void (*begin)(void *arg, size_t input);
	void (*batch)(void *arg, const struct feed_batch *b);
	void (*end)(void *arg, size_t input, int status, const char *error);
	/*
	 * Optional (NULL: none). With two worker threads or more only (with
	 * one, the consumer is the faster of the two and keeps the work), called
	 * on the worker that parses a batch, on its events as they come, a few dozen at a time,
	 * before batch() sees them: b->ev[lo..b->n) are the new ones (lo 0: the
	 * first call for this batch). aux is the batch's own feed_opts.aux_bytes,
	 * not cleared (set it up when lo is 0); batch() finds it in b->aux. Runs
	 * concurrently with the other callbacks: it may only read what stays
	 * unchanged during feed_run. Work that needs no shared state moves there
	 * off the consuming thread.
	 */
	void (*prep)(void *arg, const struct feed_batch *b, size_t lo, void *aux);
};

/* The path that names the systemd journal instead of a file (see journal.h). */
#define FEED_JOURNAL "journal:"

/* How to read. A zeroed struct reads on the calling thread, in FEED_PART_BYTES parts. */
struct feed_opts {
	unsigned threads;     /* in all: 0 or 1 reads on the calling thread; N > 1: N - 1
	                         workers parse while the calling thread consumes */
	int64_t now;          /* UTC epoch seconds: year anchor for inputs without an mtime */
	int64_t since, until; /* UTC µs (INT64_MIN/INT64_MAX: none): only narrow the journal */
	int64_t part_bytes;   /* 0: FEED_PART_BYTES (tests use small parts) */
	size_t aux_bytes;     /* bytes of each batch's aux for ops->prep (0: none) */
};

/*
 * Reads paths[0..n) ("-" is standard input; a path starting with FEED_JOURNAL
 * is the local journal, or the journal directory after the colon), parses
 * every line with sshd_parse_line and hands the events to ops in input order,
 * on the calling thread, whatever o->threads. Memory is bounded: a few batches
 * of BATCH_EVENTS events per thread. Returns 0, or -1 if no thread could be
 * started (errno; nothing was read).
 */
int feed_run(char *const *paths, size_t n, const struct feed_opts *o, const struct feed_ops *ops,
             void *arg);

/* The number of threads worth using here: the online CPUs, at most 16. */
unsigned feed_default_threads(void);

#endif
