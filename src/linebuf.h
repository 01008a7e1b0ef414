/* linebuf.h: splits a reader's bytes into lines without copying them. */
#ifndef LINEBUF_H
#define LINEBUF_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "reader.h"

#define LINEBUF_MAX_LINE (64 * 1024) /* longer lines are cut to this and flagged */
#define LB_TRUNCATED 0x01
#define LB_PARTIAL 0x02 /* the last line before a read error: its end may be missing */

/*
 * Invariant: buf[start..end) holds bytes read but not yet returned as lines;
 * buf has room for at least LINEBUF_MAX_LINE bytes plus one read. skipping is
 * set while the rest of an over-long line is being thrown away. The newline
 * search runs ahead of start one block at a time: buf[start..scan) has been
 * searched (start <= scan <= end, scan - blk <= 64), and the "\n" found there
 * are exactly the set bits of nl (bit i: buf[blk + i]). json is set when the
 * input's first line was a journal entry in JSON (`journalctl -o json`): every
 * line then goes through linebuf_next_slow, which turns such lines into text
 * in place (journal_json_line, with jscratch, made then).
 */
struct linebuf {
	struct reader *r; /* borrowed */
	char *buf;
	size_t cap, start, end;
	size_t scan, blk;
	uint64_t nl;
	uint64_t lineno; /* number of the line last returned, 1-based */
	int eof, err, skipping, json;
	int cut; /* the line last returned was LB_PARTIAL: lineno - cut lines came whole */
	char *jscratch;
};

/* Prepares lb to read r (borrowed; still closed by the caller). Allocates the buffer. */
void linebuf_init(struct linebuf *lb, struct reader *r);

/*
 * linebuf_next for every case (reads, over-long lines, the end of the input);
 * linebuf_next itself only takes a line that ends in the searched bytes.
 */
int linebuf_next_slow(struct linebuf *lb, const char **line, size_t *len, unsigned *flags);

#if defined(__SSE2__)
/*
 * Bit i set for each p[i] == '\n', i < 64; p has 64 readable bytes. One pass
 * over the buffer instead of a memchr call per line (most lines are short).
 */
static inline uint64_t
linebuf_nl64(const char *p)
{
	const __m128i nl = _mm_set1_epi8('\n');
	uint64_t m0, m1, m2, m3;

	m0 = (uint16_t)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), nl));
	m1 = (uint16_t)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), nl));
	m2 = (uint16_t)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), nl));
	m3 = (uint16_t)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), nl));
	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}
#endif

#if defined(__SSE2__)
/* Searches the 64 bytes at scan (end - scan >= 64): their "\n" become nl's bits. */
static inline void
linebuf_block(struct linebuf *lb)
{
	lb->blk = lb->scan;
	lb->nl = linebuf_nl64(lb->buf + lb->scan);
	lb->scan += 64;
}
#endif

/*
 * Whether the next linebuf_next will return a line without reading: the
 * lines returned before stay valid through that call. Otherwise it may read,
 * and move the bytes not yet returned to the start of the buffer. Searches
 * ahead as linebuf_next does (the search is not repeated there).
 */
static inline int
linebuf_ready(struct linebuf *lb)
{
#if defined(__SSE2__)
	/* whole blocks only: the bytes past end are not the input's */
	while (lb->nl == 0 && lb->end - lb->scan >= 64)
		linebuf_block(lb);
	return lb->nl != 0 && !(lb->skipping | lb->json);
#else
	(void)lb;
	return 0;
#endif
}

/*
 * Returns 1 with the next line in *line, *len (without "\n" and without a
 * trailing "\r"; valid until the next call, or later calls while
 * linebuf_ready said they would not read) and *flags (LB_TRUNCATED when the
 * line was longer than LINEBUF_MAX_LINE: the first LINEBUF_MAX_LINE bytes are
 * returned, the rest skipped). A last line without "\n" is still returned.
 * When the input's first line is a journal entry as `journalctl -o json` writes
 * it, each such line is returned as the text line journal_next would give
 * ("2024-05-31T07:07:22.123456Z host sshd[52959]: msg"); other lines of that
 * input as they are.
 * Lines are (pointer, length): a NUL byte is an ordinary byte. lb->lineno
 * counts physical lines (a truncated line counts once).
 * Returns 0 at the end of input, -1 on a read error (reader_errmsg(lb->r)):
 * every complete line before the error was returned first, then the bytes
 * after the last "\n" (if any) as one more line flagged LB_PARTIAL. After 0
 * or -1, later calls return the same without reading again.
 * Inline: this runs once per line, and most lines end in a block of 64 bytes
 * already searched or in the next one, with nothing else to do.
 */
static inline int
linebuf_next(struct linebuf *lb, const char **line, size_t *len, unsigned *flags)
{
#if defined(__SSE2__)
	size_t nl, n;
	const char *p;

	if (linebuf_ready(lb)) {
		nl = lb->blk + (size_t)__builtin_ctzll(lb->nl);
		n = nl - lb->start;
		if (n <= LINEBUF_MAX_LINE) {
			p = lb->buf + lb->start;
			lb->nl &= lb->nl - 1;
			lb->start = nl + 1;
			if (n > 0 && p[n - 1] == '\r')
				n--;
			lb->lineno++;
			*line = p;
			*len = n;
			*flags = 0;
			return 1;
		}
	}
#endif
	return linebuf_next_slow(lb, line, len, flags);
}

/* How many lines came whole so far: the last one returned is left out when a read error cut
 * it (LB_PARTIAL). */
static inline uint64_t
linebuf_whole(const struct linebuf *lb)
{
	return lb->lineno - (uint64_t)lb->cut;
}

/* Frees the buffer (not the reader). */
void linebuf_free(struct linebuf *lb);

#endif
