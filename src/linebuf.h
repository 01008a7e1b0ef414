/* linebuf.h: splits a reader's bytes into lines without copying them. */
#ifndef LINEBUF_H
#define LINEBUF_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"

#define LINEBUF_MAX_LINE (64 * 1024) /* longer lines are cut to this and flagged */
#define LB_TRUNCATED 0x01
#define LB_PARTIAL 0x02 /* the last line before a read error: its end may be missing */

/*
 * Invariant: buf[start..end) holds bytes read but not yet returned as lines;
 * buf has room for at least LINEBUF_MAX_LINE bytes plus one read. skipping is
 * set while the rest of an over-long line is being thrown away. The newline
 * search runs ahead in chunks: buf[start..scan) has been searched
 * (start <= scan <= end), and nlpos[nl_i..nl_n) are the offsets in buf of
 * the "\n" found there, in order.
 */
struct linebuf {
	struct reader *r; /* borrowed */
	char *buf;
	size_t cap, start, end;
	size_t scan, nl_i, nl_n;
	uint32_t *nlpos;
	uint64_t lineno; /* number of the line last returned, 1-based */
	int eof, err, skipping;
};

/* Prepares lb to read r (borrowed; still closed by the caller). Allocates the buffer. */
void linebuf_init(struct linebuf *lb, struct reader *r);

/*
 * Returns 1 with the next line in *line, *len (without "\n" and without a
 * trailing "\r"; valid until the next call) and *flags (LB_TRUNCATED when the
 * line was longer than LINEBUF_MAX_LINE: the first LINEBUF_MAX_LINE bytes are
 * returned, the rest skipped). A last line without "\n" is still returned.
 * Lines are (pointer, length): a NUL byte is an ordinary byte. lb->lineno
 * counts physical lines (a truncated line counts once).
 * Returns 0 at the end of input, -1 on a read error (reader_errmsg(lb->r)):
 * every complete line before the error was returned first, then the bytes
 * after the last "\n" (if any) as one more line flagged LB_PARTIAL. After 0
 * or -1, later calls return the same without reading again.
 */
int linebuf_next(struct linebuf *lb, const char **line, size_t *len, unsigned *flags);

/* Frees the buffer (not the reader). */
void linebuf_free(struct linebuf *lb);

#endif
