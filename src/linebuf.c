/* linebuf.c: splits a reader's bytes into lines without copying them. */
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "linebuf.h"
#include "xmalloc.h"

#define LINEBUF_READ (1024 * 1024) /* the size of one read */
#define NL_CHUNK 2048              /* bytes searched for newlines at a time */

void
linebuf_init(struct linebuf *lb, struct reader *r)
{
	memset(lb, 0, sizeof(*lb));
	lb->r = r;
	/* room for one read after a kept partial line of up to LINEBUF_MAX_LINE + 1 bytes */
	lb->cap = LINEBUF_READ + LINEBUF_MAX_LINE + 1;
	lb->buf = xmalloc(lb->cap);
	lb->nlpos = xreallocarray(NULL, NL_CHUNK + 2, sizeof(*lb->nlpos));
}

#if defined(__SSE2__)
/*
 * Bit i set for each p[i] == '\n', i < 64; p has 64 readable bytes. One pass
 * over the buffer instead of a memchr call per line (most lines are short).
 */
static inline uint64_t
nl_mask64(const char *p)
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

/*
 * Records the offsets of the "\n" in buf[scan..scan + NL_CHUNK) (or up to end)
 * in nlpos and moves scan past them. Two offsets per block are written
 * unconditionally and kept by count, so the loop has no branch on where the
 * lines end; a third and later "\n" in one block takes the slow loop.
 */
static void
nl_refill(struct linebuf *lb)
{
	const uint64_t hi = (uint64_t)1 << 63;
	size_t scan = lb->scan, lim = lb->end - scan > NL_CHUNK ? scan + NL_CHUNK : lb->end;
	uint32_t *pos = lb->nlpos;
	size_t k = 0;
	uint64_t bits, b2;

	for (; lim - scan >= 64; scan += 64) {
		bits = nl_mask64(lb->buf + scan);
		b2 = bits & (bits - 1);
		pos[k] = (uint32_t)(scan + (size_t)__builtin_ctzll(bits | hi));
		pos[k + 1] = (uint32_t)(scan + (size_t)__builtin_ctzll(b2 | hi));
		k += (bits != 0) + (b2 != 0);
		for (b2 &= b2 - 1; b2 != 0; b2 &= b2 - 1)
			pos[k++] = (uint32_t)(scan + (size_t)__builtin_ctzll(b2));
	}
	for (; scan < lim; scan++)
		if (lb->buf[scan] == '\n')
			pos[k++] = (uint32_t)scan;
	lb->scan = scan;
	lb->nl_i = 0;
	lb->nl_n = k;
}

/* The first "\n" in buf[start..end), or NULL; moves scan / nl_i on. */
static inline const char *
find_nl(struct linebuf *lb)
{
	while (lb->nl_i == lb->nl_n) {
		if (lb->scan >= lb->end)
			return NULL;
		nl_refill(lb);
	}
	return lb->buf + lb->nlpos[lb->nl_i++];
}
#else
/* Without SSE2: libc's memchr, tuned for each architecture (nlpos stays unused). */
static inline const char *
find_nl(struct linebuf *lb)
{
	const char *nl = NULL;

	if (lb->start < lb->end)
		nl = memchr(lb->buf + lb->start, '\n', lb->end - lb->start);
	lb->scan = nl != NULL ? (size_t)(nl - lb->buf) + 1 : lb->end;
	return nl;
}
#endif

/* Hands out p[0..n) as the next line; complete says it ended with "\n" or at the end. */
static int
emit(struct linebuf *lb, const char *p, size_t n, int complete, const char **line, size_t *len,
     unsigned *flags)
{
	unsigned f = 0;

	if (complete && n > 0 && p[n - 1] == '\r')
		n--;
	if (n > LINEBUF_MAX_LINE) {
		n = LINEBUF_MAX_LINE;
		f |= LB_TRUNCATED;
	}
	lb->lineno++;
	*line = p;
	*len = n;
	*flags = f;
	return 1;
}

int
linebuf_next(struct linebuf *lb, const char **line, size_t *len, unsigned *flags)
{
	const char *p, *nl;
	size_t n;
	ssize_t got;

	for (;;) {
		p = lb->buf + lb->start;
		n = lb->end - lb->start;
		if ((nl = find_nl(lb)) != NULL) {
			lb->start += (size_t)(nl - p) + 1;
			if (lb->skipping) {
				lb->skipping = 0;
				continue;
			}
			return emit(lb, p, (size_t)(nl - p), 1, line, len, flags);
		}

		/* no "\n" in buf[start..end): scan == end, nl_i == nl_n */
		if (lb->skipping) {
			lb->start = lb->end = lb->scan = 0;
			n = 0;
		} else if (n > LINEBUF_MAX_LINE + 1) {
			/* too long even if a "\r\n" comes next: cut it, skip the rest */
			lb->start = lb->end = lb->scan = 0;
			lb->skipping = 1;
			return emit(lb, p, n, 0, line, len, flags);
		}
		if (lb->eof || lb->err) {
			lb->start = lb->end = lb->scan = 0;
			if (n > 0) {
				emit(lb, p, n, !lb->err, line, len, flags);
				if (lb->err)
					*flags |= LB_PARTIAL;
				return 1;
			}
			return lb->err ? -1 : 0;
		}

		/* keep the partial line at the start and read after it */
		if (lb->start > 0) {
			memmove(lb->buf, p, n);
			lb->start = 0;
			lb->end = lb->scan = n;
		}
		got = reader_read(lb->r, lb->buf + lb->end, lb->cap - lb->end);
		if (got < 0)
			lb->err = 1;
		else if (got == 0)
			lb->eof = 1;
		else
			lb->end += (size_t)got;
	}
}

void
linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
	lb->cap = lb->start = lb->end = lb->scan = 0;
	free(lb->nlpos);
	lb->nlpos = NULL;
	lb->nl_i = lb->nl_n = 0;
}
