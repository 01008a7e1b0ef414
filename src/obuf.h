/* obuf.h: buffered output to a file descriptor or a sink, fast number, time, string formatting. */
#ifndef OBUF_H
#define OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OBUF_SIZE (2u << 20)    /* flushed when less than OBUF_SLACK is left */
#define OBUF_SLACK (512u << 10) /* room for one record of any size: lines are <= 64 KiB */

/*
 * Where a flush goes instead of a file descriptor (obuf_init_sink): takes the
 * bytes s[0..n) (n > 0); returns 0, or an errno that makes the obuf fail as a
 * failed write would.
 */
typedef int (*obuf_sink_fn)(void *arg, const char *s, size_t n);

/*
 * Invariant: buf[0..len) is written but not yet flushed; len <= OBUF_SIZE;
 * err is 0, or the errno of the first failed write (after which output is
 * dropped and obuf_flush keeps returning -1). A flush goes to sink when it is
 * not NULL, else to fd.
 */
struct obuf {
	char *buf;
	size_t len;
	int fd;
	int err;
	obuf_sink_fn sink;
	void *sink_arg;
	int64_t t_min;  /* cache of obuf_time: the minute (UTC epoch seconds / 60) ... */
	char t_txt[20]; /* ... and its text "YYYY-MM-DDTHH:MM:" */
};

/*
 * Writes p[0..n) to fd whole: again after EINTR or a short write, and after
 * waiting with poll when fd is non-blocking and full. Returns 0, or -1 with
 * errno (EIO when write wrote nothing).
 */
int obuf_write_all(int fd, const char *p, size_t n);

/* Starts writing to fd (not closed by obuf). Allocates the buffer. */
void obuf_init(struct obuf *o, int fd);
/*
 * Starts writing to sink (with arg, borrowed) instead of a file descriptor: each
 * flush hands it what is buffered, so output that is not for a file (an answer
 * on the control socket, a test's buffer) gets the same formatting.
 * Allocates the buffer.
 */
void obuf_init_sink(struct obuf *o, obuf_sink_fn sink, void *arg);
/* Writes out what is buffered. Returns 0, or -1 with o->err set (EPIPE, ENOSPC, ...). */
int obuf_flush(struct obuf *o);
/* Flushes when the buffer is nearly full: call once per record. Returns like obuf_flush. */
int obuf_maybe_flush(struct obuf *o);
/* Flushes and frees the buffer; returns like obuf_flush. */
int obuf_close(struct obuf *o);

/* Appending. Inline fast paths; a full buffer is flushed (and on a write error output is dropped).
 */
void obuf_put_slow(struct obuf *o, const char *s, size_t n);

static inline void
obuf_put(struct obuf *o, const char *s, size_t n)
{
	if (n <= OBUF_SIZE - o->len) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else
		obuf_put_slow(o, s, n);
}

static inline void
obuf_putc(struct obuf *o, char c)
{
	if (o->len < OBUF_SIZE)
		o->buf[o->len++] = c;
	else
		obuf_put_slow(o, &c, 1);
}

#define OBUF_LIT(o, L) obuf_put((o), (L), sizeof(L) - 1)

/* Decimal digits written straight into the buffer, backwards. */
static inline void
obuf_u64(struct obuf *o, uint64_t v)
{
	size_t n = 1;
	uint64_t t = v;
	char *p;

	while (t >= 10) {
		t /= 10;
		n++;
	}
	if (n > OBUF_SIZE - o->len) {
		char c = '0';

		obuf_put_slow(o, &c, 0);
		if (o->err)
			return;
	}
	p = o->buf + o->len + n;
	o->len += n;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
}
/* RFC 3339 UTC time from epoch microseconds: "2021-05-31T07:07:22Z" or ".123456Z". */
void obuf_time(struct obuf *o, int64_t us);
/*
 * The bytes s[0..n) as the inside of a JSON string: '"' and '\\' escaped,
 * control bytes as \\uXXXX (\\n \\t \\r as such), bytes that are not valid UTF-8
 * as U+FFFD. At most 64 KiB of input per call.
 */
void obuf_json_str(struct obuf *o, const char *s, size_t n);
/*
 * The bytes as one CSV field (RFC 4180): quoted when it holds a comma, quote,
 * CR or LF or starts/ends with a space; quotes doubled; control bytes other
 * than tab and invalid UTF-8 become U+FFFD.
 */
void obuf_csv_str(struct obuf *o, const char *s, size_t n);

#endif
