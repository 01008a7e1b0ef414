/* linebuf.c: splits a reader's bytes into lines without copying them. */
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "journal_json.h"
#include "linebuf.h"
#include "xmalloc.h"

#define LINEBUF_READ (1024 * 1024) /* the size of one read */

void
linebuf_init(struct linebuf *lb, struct reader *r)
{
	memset(lb, 0, sizeof(*lb));
	lb->r = r;
	/* room for one read after a kept partial line of up to LINEBUF_MAX_LINE + 1 bytes */
	lb->cap = LINEBUF_READ + LINEBUF_MAX_LINE + 1;
	lb->buf = xmalloc(lb->cap);
}

/* The first "\n" in buf[start..end), or NULL; moves scan and nl on. */
static const char *
find_nl(struct linebuf *lb)
{
#if defined(__SSE2__)
	const char *q;
	size_t i;

	for (;;) {
		if (lb->nl != 0) {
			q = lb->buf + lb->blk + (size_t)__builtin_ctzll(lb->nl);
			lb->nl &= lb->nl - 1;
			return q;
		}
		if (lb->scan >= lb->end)
			return NULL;
		if (lb->end - lb->scan >= 64) {
			linebuf_block(lb);
			continue;
		}
		/* the last bytes read, fewer than a block: one at a time */
		lb->blk = lb->scan;
		for (i = 0; lb->scan < lb->end; lb->scan++, i++)
			if (lb->buf[lb->scan] == '\n')
				lb->nl |= (uint64_t)1 << i;
	}
#else
	/* without SSE2: libc's memchr, tuned for each architecture (nl stays 0) */
	const char *q = NULL;

	if (lb->start < lb->end)
		q = memchr(lb->buf + lb->start, '\n', lb->end - lb->start);
	lb->scan = q != NULL ? (size_t)(q - lb->buf) + 1 : lb->end;
	return q;
#endif
}

/* Hands out p[0..n) as the next line; complete says it ended with "\n" or at the end. */
static int
emit(struct linebuf *lb, const char *p, size_t n, int complete, const char **line, size_t *len,
     unsigned *flags)
{
	unsigned f = 0, jf;
	size_t jn;

	if (complete && n > 0 && p[n - 1] == '\r')
		n--;
	if (n > LINEBUF_MAX_LINE) {
		n = LINEBUF_MAX_LINE;
		f |= LB_TRUNCATED;
	}
	/* journalctl -o json: decided by the input's first line */
	if (!(f & LB_TRUNCATED) && n > 0 && JOURNAL_JSON_START(p[0]) &&
	    (lb->json || lb->lineno == 0)) {
		if (lb->jscratch == NULL)
			lb->jscratch = xmalloc(JOURNAL_JSON_SCRATCH(LINEBUF_MAX_LINE));
		/* p is in buf, ours to rewrite: the text is never longer than its JSON */
		if (journal_json_line(lb->buf + (p - lb->buf), n, lb->jscratch,
		                      JOURNAL_JSON_SCRATCH(LINEBUF_MAX_LINE), &jn, &jf) == 1) {
			lb->json = 1;
			n = jn;
			if (jf & JOURNAL_TRUNCATED)
				f |= LB_TRUNCATED;
		}
	}
	lb->lineno++;
	*line = p;
	*len = n;
	*flags = f;
	return 1;
}

int
linebuf_next_slow(struct linebuf *lb, const char **line, size_t *len, unsigned *flags)
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

		/* no "\n" in buf[start..end): scan == end, nl == 0 */
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
				if (lb->err) {
					*flags |= LB_PARTIAL;
					lb->cut = 1;
				}
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
	free(lb->jscratch);
	lb->buf = lb->jscratch = NULL;
	lb->cap = lb->start = lb->end = lb->scan = lb->blk = 0;
	lb->nl = 0;
}
