/* test_linebuf.c: unit tests of linebuf (line splitting over a reader). */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "linebuf.h"
#include "reader.h"
#include "xmalloc.h"

/* One line as linebuf returned it. */
struct line {
	char *p;
	size_t len;
	unsigned flags;
	uint64_t lineno;
};

/* Every line of an input and how it ended. */
struct lines {
	struct line *v;
	size_t n;
	int rc;
	char err[256];
};

/* Reads every line of path through reader + linebuf, copying each. */
static void
collect(const char *path, struct lines *ls)
{
	struct linebuf lb;
	struct reader *r;
	const char *p;
	size_t len, cap = 0;
	unsigned flags;
	int rc;

	memset(ls, 0, sizeof(*ls));
	if ((r = reader_open(path, ls->err, sizeof(ls->err))) == NULL) {
		ls->rc = -2;
		return;
	}
	linebuf_init(&lb, r);
	while ((rc = linebuf_next(&lb, &p, &len, &flags)) == 1) {
		if (ls->n == cap)
			ls->v = xreallocarray(ls->v, cap = cap ? cap * 2 : 64, sizeof(*ls->v));
		ls->v[ls->n].p = xmalloc(len + 1);
		memcpy(ls->v[ls->n].p, p, len);
		ls->v[ls->n].len = len;
		ls->v[ls->n].flags = flags;
		ls->v[ls->n].lineno = lb.lineno;
		ls->n++;
	}
	ls->rc = rc;
	snprintf(ls->err, sizeof(ls->err), "%s", reader_errmsg(r));
	/* the end stays the end */
	if (linebuf_next(&lb, &p, &len, &flags) != rc)
		ls->rc = -3;
	linebuf_free(&lb);
	reader_close(r);
}

static void
lines_free(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i].p);
	free(ls->v);
}

/* Writes data to a file and collects its lines. */
static void
lines_of(const void *data, size_t len, struct lines *ls)
{
	tf_write(tf_path("in"), data, len);
	collect(tf_path("in"), ls);
}

#define CHECK_LINE(ls, i, s, f)                                                                    \
	do {                                                                                       \
		if ((ls).n <= (i)) {                                                               \
			T_FAIL("no line %d", (int)(i));                                            \
		} else {                                                                           \
			CHECK_SPAN((ls).v[i].p, (ls).v[i].len, s);                                 \
			CHECK_INT((ls).v[i].flags, f);                                             \
		}                                                                                  \
	} while (0)

T(basic_lines)
{
	static const char in[] = "a\nbb\n\nccc\n";
	struct lines ls;

	lines_of(in, sizeof(in) - 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 4);
	CHECK_LINE(ls, 0, "a", 0);
	CHECK_LINE(ls, 1, "bb", 0);
	CHECK_LINE(ls, 2, "", 0);
	CHECK_LINE(ls, 3, "ccc", 0);
	if (ls.n == 4) {
		CHECK_INT(ls.v[0].lineno, 1);
		CHECK_INT(ls.v[3].lineno, 4);
	}
	lines_free(&ls);
}

T(empty_and_single_newline)
{
	struct lines ls;

	lines_of("", 0, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 0);
	lines_free(&ls);

	lines_of("\n", 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 1);
	CHECK_LINE(ls, 0, "", 0);
	lines_free(&ls);
}

T(crlf)
{
	static const char in[] = "a\r\nb\r\n\r\nc\rd\r\n\r\r\nlast\r";
	struct lines ls;

	lines_of(in, sizeof(in) - 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 6);
	CHECK_LINE(ls, 0, "a", 0);
	CHECK_LINE(ls, 1, "b", 0);
	CHECK_LINE(ls, 2, "", 0);
	CHECK_LINE(ls, 3, "c\rd", 0);
	CHECK_LINE(ls, 4, "\r", 0);
	CHECK_LINE(ls, 5, "last", 0);
	lines_free(&ls);
}

T(nul_bytes)
{
	static const char in[] = "a\0b\n\0\nc\n";
	struct lines ls;

	lines_of(in, sizeof(in) - 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 3);
	if (ls.n == 3) {
		CHECK_INT(ls.v[0].len, 3);
		CHECK(memcmp(ls.v[0].p, "a\0b", 3) == 0);
		CHECK_INT(ls.v[1].len, 1);
		CHECK_INT(ls.v[1].p[0], 0);
	}
	CHECK_LINE(ls, 2, "c", 0);
	lines_free(&ls);
}

T(last_line_without_newline)
{
	static const char in[] = "a\nb";
	struct lines ls;

	lines_of(in, sizeof(in) - 1, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 2);
	CHECK_LINE(ls, 0, "a", 0);
	CHECK_LINE(ls, 1, "b", 0);
	lines_free(&ls);
}

/* A line of n bytes of 'x' (then tail, e.g. "\n"), then "next\n". */
static char *
long_line(size_t n, const char *tail, size_t *len)
{
	size_t tl = strlen(tail);
	char *p = xmalloc(n + tl + 6);

	memset(p, 'x', n);
	p[0] = 'S'; /* so that the kept part is checked to be the start */
	memcpy(p + n, tail, tl);
	memcpy(p + n + tl, "next\n", 5);
	*len = n + tl + 5;
	return p;
}

static int
all_x(const struct line *l)
{
	size_t i;

	if (l->len == 0 || l->p[0] != 'S')
		return 0;
	for (i = 1; i < l->len; i++)
		if (l->p[i] != 'x')
			return 0;
	return 1;
}

static void
check_long(size_t n, const char *tail, size_t wantlen, unsigned wantflags)
{
	size_t len;
	char *p = long_line(n, tail, &len);
	struct lines ls;

	lines_of(p, len, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 2);
	if (ls.n == 2) {
		CHECK_INT(ls.v[0].len, wantlen);
		CHECK_INT(ls.v[0].flags, wantflags);
		CHECK(all_x(&ls.v[0]));
		CHECK_LINE(ls, 1, "next", 0);
		CHECK_INT(ls.v[1].lineno, 2);
	}
	lines_free(&ls);
	free(p);
}

T(max_line_edges)
{
	check_long(LINEBUF_MAX_LINE - 1, "\n", LINEBUF_MAX_LINE - 1, 0);
	check_long(LINEBUF_MAX_LINE, "\n", LINEBUF_MAX_LINE, 0);
	check_long(LINEBUF_MAX_LINE, "\r\n", LINEBUF_MAX_LINE, 0);
	check_long(LINEBUF_MAX_LINE + 1, "\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
	check_long(LINEBUF_MAX_LINE + 1, "\r\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
	check_long(LINEBUF_MAX_LINE + 2, "\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
}

T(one_mib_line)
{
	check_long(1024 * 1024, "\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
}

T(three_mib_line)
{
	check_long(3 * 1024 * 1024, "\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
	check_long(3 * 1024 * 1024 + 17, "\r\n", LINEBUF_MAX_LINE, LB_TRUNCATED);
}

T(long_last_line_without_newline)
{
	size_t n = 3 * 1024 * 1024;
	char *p = xmalloc(n + 4);
	struct lines ls;

	memcpy(p, "a\n", 2);
	memset(p + 2, 'x', n);
	p[2] = 'S';
	lines_of(p, n + 2, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 2);
	CHECK_LINE(ls, 0, "a", 0);
	if (ls.n == 2) {
		CHECK_INT(ls.v[1].len, LINEBUF_MAX_LINE);
		CHECK_INT(ls.v[1].flags, LB_TRUNCATED);
		CHECK(all_x(&ls.v[1]));
	}
	lines_free(&ls);
	free(p);
}

/*
 * About size bytes of lines of varying length (0 to a few hundred bytes, now
 * and then tens of kilobytes, sometimes over the limit, some with "\r"), so
 * that lines cross every read and buffer boundary. Returns the text.
 */
static char *
gen_lines(size_t size, uint32_t seed, size_t *outlen)
{
	char *p = xmalloc(size + 4 * LINEBUF_MAX_LINE);
	size_t n = 0, len, i;
	uint32_t x = seed;

	while (n < size) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		if (x % 1999 == 0)
			len = LINEBUF_MAX_LINE - 2 + x / 1999 % 5; /* around the limit */
		else if (x % 997 == 0)
			len = x / 997 % (3 * LINEBUF_MAX_LINE);
		else
			len = x % 300;
		for (i = 0; i < len; i++)
			p[n + i] = (char)('a' + (x >> (i % 24)) % 26);
		if (len > 0 && x % 7 == 0)
			p[n + len - 1] = '\r';
		n += len;
		p[n++] = '\n';
	}
	*outlen = n;
	return p;
}

/* Checks ls against the lines of text[0..len) (the last one may lack its "\n"). */
static void
check_against(const struct lines *ls, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t i = 0, n, bad = 0;
	unsigned f;

	for (; p < end; p = nl + 1, i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end; /* a last line without "\n" */
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		f = 0;
		if (n > LINEBUF_MAX_LINE)
			n = LINEBUF_MAX_LINE, f = LB_TRUNCATED;
		if (i >= ls->n) {
			T_FAIL("only %zu lines", ls->n);
			return;
		}
		if (ls->v[i].len != n || ls->v[i].flags != f || memcmp(ls->v[i].p, p, n) != 0 ||
		    ls->v[i].lineno != i + 1) {
			if (bad++ < 5)
				T_FAIL("line %zu: len %zu flags %u, want len %zu flags %u", i + 1,
				       ls->v[i].len, ls->v[i].flags, n, f);
		}
	}
	CHECK_INT(ls->n, i);
}

/*
 * The newline search works on 64-byte blocks from the start of the file: one
 * file with a block for each pair of "\n" positions i <= j (i == j: one), a
 * block without any after every third (lines longer than a block) and "\r\n"
 * split over two blocks; then small files with one "\n" at each position of
 * the first blocks, with and without bytes after it.
 */
T(newline_at_every_block_position)
{
	size_t cap = 64 * (64 * 65 / 2 + 64 * 65 / 6 + 4), len = 0, i, j, k = 0;
	char *text = xmalloc(cap), small[200];
	struct lines ls;

	for (i = 0; i < 64; i++) {
		for (j = i; j < 64; j++, k++) {
			memset(text + len, 'a' + (int)(k % 26), 64);
			text[len + i] = '\n';
			text[len + j] = '\n';
			if (j > 0 && j - 1 != i && k % 2 == 0)
				text[len + j - 1] = '\r';
			len += 64;
			if (k % 3 == 0) {
				memset(text + len, 'y', 64);
				if (k % 2 == 0)
					text[len + 63] = '\r';
				len += 64;
			}
		}
	}
	CHECK(len <= cap);
	lines_of(text, len, &ls);
	CHECK_INT(ls.rc, 0);
	check_against(&ls, text, len);
	lines_free(&ls);
	free(text);

	for (i = 0; i < 140 && !t_failed_now; i++) {
		memset(small, 'x', sizeof(small));
		small[i] = '\n';
		for (j = i + 1; j <= i + 66 && j <= sizeof(small) && !t_failed_now; j += 13) {
			lines_of(small, j, &ls);
			CHECK_INT(ls.rc, 0);
			check_against(&ls, small, j);
			lines_free(&ls);
			if (t_failed_now)
				T_FAIL("newline at %zu, length %zu", i, j);
		}
	}
}

/* Lines of every length 0..300 at every offset across the 1 MiB reads and at the end. */
T(short_lines_all_offsets)
{
	size_t cap = 3 * 1024 * 1024 + 4096, len = 0, k = 0, n, i;
	char *text = xmalloc(cap);
	struct lines ls;

	while (len + 302 < cap - 4096) {
		n = (k * 37 + k / 301) % 301;
		for (i = 0; i < n; i++)
			text[len + i] = (char)('a' + (len + i) % 26);
		if (n > 1 && k % 7 == 0)
			text[len + n - 1] = '\r';
		len += n;
		text[len++] = '\n';
		k++;
	}
	/* every length of last line without a newline, 0..130 */
	for (n = 0; n <= 130; n++) {
		memset(text + len, 'z', n);
		lines_of(text, len + n, &ls);
		CHECK_INT(ls.rc, 0);
		check_against(&ls, text, len + n);
		lines_free(&ls);
		if (t_failed_now) {
			T_FAIL("with a last line of %zu bytes", n);
			break;
		}
		if (n == 3)
			n = 60; /* the rest around a block's end */
	}
	free(text);
}

/* Writes data to a pipe in pieces of many sizes and collects the lines from stdin. */
static void
lines_of_pipe(const char *data, size_t len, struct lines *ls)
{
	static const size_t piece[] = {1, 63, 64, 65, 2, 127, 128, 129, 4096, 3, 70000};
	int fds[2], saved, st;
	pid_t pid;

	memset(ls, 0, sizeof(*ls));
	ls->rc = -4;
	if (pipe(fds) == -1)
		return;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		size_t off = 0, k = 0, n;

		close(fds[0]);
		while (off < len) {
			n = piece[k++ % (sizeof(piece) / sizeof(piece[0]))];
			if (n > len - off)
				n = len - off;
			if (write(fds[1], data + off, n) != (ssize_t)n)
				_exit(1);
			off += n;
			usleep(50); /* let the reader see each piece on its own */
		}
		_exit(0);
	}
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	collect("-", ls);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, &st, 0);
}

T(pipe_pieces_of_odd_sizes)
{
	size_t len = 0, k, n, i;
	char *text = xmalloc(400000);
	struct lines ls;

	for (k = 0; len + 300 < 400000 - 100; k++) {
		n = (k * 53) % 290;
		for (i = 0; i < n; i++)
			text[len + i] = (char)('A' + (len + i) % 26);
		len += n;
		text[len++] = '\n';
	}
	memset(text + len, 'q', 77); /* no newline at the end */
	len += 77;
	lines_of_pipe(text, len, &ls);
	CHECK_INT(ls.rc, 0);
	check_against(&ls, text, len);
	lines_free(&ls);
	free(text);
}

T(lines_cross_buffer_boundaries)
{
	size_t len, i, ntrunc, nnear;
	char *text = gen_lines(5 * 1024 * 1024, 12345, &len);
	struct lines ls;

	CHECK(len >= 5 * 1024 * 1024);
	lines_of(text, len, &ls);
	CHECK_INT(ls.rc, 0);
	CHECK(ls.n > 10000);
	check_against(&ls, text, len);
	for (i = 0, ntrunc = nnear = 0; i < ls.n; i++) {
		ntrunc += (ls.v[i].flags & LB_TRUNCATED) != 0;
		nnear += ls.v[i].len + 2 >= LINEBUF_MAX_LINE && !ls.v[i].flags;
	}
	CHECK(ntrunc >= 5);
	CHECK(nnear >= 3);
	lines_free(&ls);

	/* the same through gzip: reads of other sizes */
	tf_compress("gzip", tf_path("in"), tf_path("in.gz"));
	collect(tf_path("in.gz"), &ls);
	CHECK_INT(ls.rc, 0);
	check_against(&ls, text, len);
	lines_free(&ls);
	free(text);
}

/*
 * While linebuf_ready says so, the lines returned before stay in place (feed
 * parses a few lines in place and hands their events on only before a read).
 */
T(ready_keeps_lines)
{
	struct kept {
		const char *p;
		char *copy;
		size_t len;
	} kept[64];
	size_t len, nkept = 0, i, nready = 0, nbad = 0;
	char *text = gen_lines(3 * 1024 * 1024, 4242, &len);
	struct linebuf lb;
	struct reader *r;
	const char *p;
	size_t n;
	unsigned flags;
	char err[256];
	int ready;

	tf_write(tf_path("ready"), text, len);
	r = reader_open(tf_path("ready"), err, sizeof(err));
	CHECK(r != NULL);
	if (r == NULL) {
		free(text);
		return;
	}
	linebuf_init(&lb, r);
	for (;;) {
		if (!(ready = linebuf_ready(&lb)) || nkept == 64) {
			for (i = 0; i < nkept; i++)
				free(kept[i].copy);
			nkept = 0;
		}
		nready += ready != 0;
		if (linebuf_next(&lb, &p, &n, &flags) != 1)
			break;
		for (i = 0; i < nkept; i++)
			nbad += memcmp(kept[i].p, kept[i].copy, kept[i].len) != 0;
		kept[nkept].p = p;
		kept[nkept].len = n;
		kept[nkept].copy = xmalloc(n + 1);
		memcpy(kept[nkept].copy, p, n);
		nkept++;
	}
	for (i = 0; i < nkept; i++)
		free(kept[i].copy);
	CHECK_INT(nbad, 0);
#if defined(__SSE2__)
	CHECK(nready > lb.lineno / 2); /* most lines come without a read */
#endif
	linebuf_free(&lb);
	reader_close(r);
	free(text);
}

T(read_error_after_lines)
{
	size_t len, clen, i, full;
	char *text = gen_lines(2 * 1024 * 1024, 777, &len), *c;
	struct lines ls;
	FILE *f;

	tf_write(tf_path("t"), text, len);
	tf_compress("gzip", tf_path("t"), tf_path("t.gz"));
	f = fopen(tf_path("t.gz"), "rb");
	fseek(f, 0, SEEK_END);
	clen = (size_t)ftell(f);
	rewind(f);
	c = xmalloc(clen);
	if (fread(c, 1, clen, f) != clen)
		T_FAIL("fread");
	fclose(f);
	tf_write(tf_path("cut.gz"), c, clen / 2);

	collect(tf_path("cut.gz"), &ls);
	CHECK_INT(ls.rc, -1);
	CHECK_STR(ls.err, "truncated gzip data");
	CHECK(ls.n > 10);
	if (ls.n > 10) {
		/* complete lines are right; the last one is a flagged prefix of the original */
		struct lines head = ls;
		const char *p = text, *nl;

		head.n = ls.n - 1;
		for (full = 0, i = 0; i < head.n; i++) {
			nl = memchr(p, '\n', len - (size_t)(p - text));
			p = nl + 1;
			full = (size_t)(p - text);
		}
		check_against(&head, text, full);
		CHECK_INT(ls.v[ls.n - 1].flags & LB_PARTIAL, LB_PARTIAL);
		CHECK(ls.v[ls.n - 1].len <= LINEBUF_MAX_LINE);
		CHECK(memcmp(ls.v[ls.n - 1].p, text + full, ls.v[ls.n - 1].len) == 0);
	}
	lines_free(&ls);

	/* cut right after a "\n": no partial line */
	tf_write(tf_path("cut2"), "a\nb\n", 4);
	tf_compress("gzip", tf_path("cut2"), tf_path("cut2.gz"));
	f = fopen(tf_path("cut2.gz"), "rb");
	clen = fread(c, 1, clen, f);
	fclose(f);
	tf_write(tf_path("cut2.gz"), c, clen - 4); /* lose the length: all data, then the error */
	collect(tf_path("cut2.gz"), &ls);
	CHECK_INT(ls.rc, -1);
	CHECK_INT(ls.n, 2);
	CHECK_LINE(ls, 0, "a", 0);
	CHECK_LINE(ls, 1, "b", 0);
	lines_free(&ls);
	free(c);
	free(text);
}

T(stdin_pipe_lines)
{
	static const char in[] = "one\ntwo\r\nthree";
	int fds[2], saved, st;
	pid_t pid;
	struct lines ls;

	if (pipe(fds) == -1)
		return;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (write(fds[1], in, 5) != 5 || write(fds[1], in + 5, sizeof(in) - 6) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	collect("-", &ls);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, &st, 0);
	CHECK_INT(ls.rc, 0);
	CHECK_INT(ls.n, 3);
	CHECK_LINE(ls, 0, "one", 0);
	CHECK_LINE(ls, 1, "two", 0);
	CHECK_LINE(ls, 2, "three", 0);
	lines_free(&ls);
}

int
main(void)
{
	tf_setup("linebuf");
	T_RUN(basic_lines);
	T_RUN(empty_and_single_newline);
	T_RUN(crlf);
	T_RUN(nul_bytes);
	T_RUN(last_line_without_newline);
	T_RUN(max_line_edges);
	T_RUN(one_mib_line);
	T_RUN(three_mib_line);
	T_RUN(long_last_line_without_newline);
	T_RUN(lines_cross_buffer_boundaries);
	T_RUN(ready_keeps_lines);
	T_RUN(read_error_after_lines);
	T_RUN(stdin_pipe_lines);
	T_RUN(newline_at_every_block_position);
	T_RUN(short_lines_all_offsets);
	T_RUN(pipe_pieces_of_odd_sizes);
	tf_teardown();
	return T_END();
}
