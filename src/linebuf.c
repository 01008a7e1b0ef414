/* linebuf.c: splits a reader's bytes into lines without copying them. */
#include <stdlib.h>
#include <string.h>

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
		if (n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
			lb->start += (size_t)(nl - p) + 1;
			if (lb->skipping) {
				lb->skipping = 0;
				continue;
			}
			return emit(lb, p, (size_t)(nl - p), 1, line, len, flags);
		}

		/* no "\n" in buf[start..end) */
		if (lb->skipping) {
			lb->start = lb->end = 0;
			n = 0;
		} else if (n > LINEBUF_MAX_LINE + 1) {
			/* too long even if a "\r\n" comes next: cut it, skip the rest */
			lb->start = lb->end = 0;
			lb->skipping = 1;
			return emit(lb, p, n, 0, line, len, flags);
		}
		if (lb->eof || lb->err) {
			lb->start = lb->end = 0;
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
			lb->end = n;
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
	lb->cap = lb->start = lb->end = 0;
}
