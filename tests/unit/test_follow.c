/* test_follow.c: unit tests of follow (live files: append, rotation, truncation, resume). */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "follow.h"
#include "xmalloc.h"

/* One delivered line, and where follow_pos said the follower was from inside the callback. */
struct line {
	char *p;
	size_t len;
	unsigned flags;
	int64_t pos;
};

/* The lines delivered so far (the callback's argument). */
struct lines {
	struct line *v;
	size_t n, cap;
	struct follow *f;
};

static void
on_line(void *arg, const char *p, size_t len, unsigned flags)
{
	struct lines *ls = arg;
	struct follow_pos fp;

	if (ls->n == ls->cap)
		ls->v = xreallocarray(ls->v, ls->cap = ls->cap ? ls->cap * 2 : 64, sizeof(*ls->v));
	ls->v[ls->n].p = xmalloc(len + 1);
	memcpy(ls->v[ls->n].p, p, len);
	ls->v[ls->n].p[len] = '\0';
	ls->v[ls->n].len = len;
	ls->v[ls->n].flags = flags;
	follow_pos(ls->f, &fp);
	ls->v[ls->n].pos = fp.pos;
	ls->n++;
}

static void
lines_reset(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i].p);
	ls->n = 0;
}

static void
lines_free(struct lines *ls)
{
	lines_reset(ls);
	free(ls->v);
	ls->v = NULL;
	ls->cap = 0;
}

/* Opens a follower on tf_dir/name (start may be NULL) with ls (zeroed or used) collecting. */
static struct follow *
fopen_(const char *name, const struct follow_pos *start, struct lines *ls)
{
	char err[256];
	struct follow *f;

	lines_reset(ls);
	if ((f = follow_open(tf_path(name), start, err, sizeof(err))) == NULL)
		T_FAIL("follow_open(%s): %s", name, err);
	ls->f = f;
	return f;
}

/* Whether f's descriptor becomes readable within ms milliseconds. */
static int
readable(struct follow *f, int ms)
{
	struct pollfd pfd = {.fd = follow_fd(f), .events = POLLIN};

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

/*
 * After a file operation: the descriptor must be readable (inotify woke us),
 * then follow_read; the lines delivered so far are reset first. Returns what
 * follow_read returned. line: the caller's, for the messages.
 */
static int
read_new(struct follow *f, struct lines *ls, int line)
{
	int r;

	if (!readable(f, 1000))
		T_FAIL("line %d: follow_fd not readable after a change", line);
	lines_reset(ls);
	r = follow_read(f, on_line, ls);
	if (r == -1)
		T_FAIL("line %d: follow_read: %s", line, follow_errmsg(f));
	return r;
}
#define READ_NEW(f, ls) read_new((f), (ls), __LINE__)

/* follow_read without waiting for an event (the first read, or nothing expected). */
static int
read_now(struct follow *f, struct lines *ls)
{
	int r;

	lines_reset(ls);
	r = follow_read(f, on_line, ls);
	if (r == -1)
		T_FAIL("follow_read: %s", follow_errmsg(f));
	return r;
}

/* Checks that ls holds exactly the lines of want ("a\nb\n" style, each line ending in \n). */
#define CHECK_LINES(ls, want)                                                                      \
	do {                                                                                       \
		const char *t_w_ = (want);                                                         \
		size_t t_i_ = 0;                                                                   \
		while (*t_w_ != '\0') {                                                            \
			const char *t_e_ = strchr(t_w_, '\n');                                     \
			size_t t_l_ = (size_t)(t_e_ - t_w_);                                       \
			if (t_i_ >= (ls).n) {                                                      \
				T_FAIL("missing line %zu \"%.*s\"", t_i_, (int)t_l_, t_w_);        \
				break;                                                             \
			}                                                                          \
			if ((ls).v[t_i_].len != t_l_ || memcmp((ls).v[t_i_].p, t_w_, t_l_) != 0)   \
				T_FAIL("line %zu == \"%s\", expected \"%.*s\"", t_i_,              \
				       (ls).v[t_i_].p, (int)t_l_, t_w_);                           \
			t_i_++;                                                                    \
			t_w_ = t_e_ + 1;                                                           \
		}                                                                                  \
		if ((ls).n > t_i_)                                                                 \
			T_FAIL("%zu lines, expected %zu (extra \"%s\")", (ls).n, t_i_,             \
			       (ls).v[t_i_].p);                                                    \
	} while (0)

/* Appends s to tf_dir/name (created if missing); exits on error. */
static void
append(const char *name, const char *s)
{
	int fd = open(tf_path(name), O_WRONLY | O_APPEND | O_CREAT, 0644);

	if (fd == -1 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || close(fd) == -1) {
		perror(name);
		exit(1);
	}
}

/* Writes s to the open descriptor fd; exits on error. */
static void
put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror("write");
		exit(1);
	}
}

/* Renames tf_dir/a to tf_dir/b; exits on error. */
static void
mv(const char *a, const char *b)
{
	char pa[512];

	snprintf(pa, sizeof(pa), "%s", tf_path(a));
	if (rename(pa, tf_path(b)) == -1) {
		perror("rename");
		exit(1);
	}
}

/* Copies tf_dir/a to tf_dir/b (like logrotate's copytruncate before the truncate). */
static void
cp(const char *a, const char *b)
{
	char buf[65536];
	int in = open(tf_path(a), O_RDONLY),
	    out = open(tf_path(b), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (in == -1 || out == -1) {
		perror("cp");
		exit(1);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			perror("cp");
			exit(1);
		}
	close(in);
	close(out);
}

static int64_t
file_size(const char *name)
{
	struct stat st;

	if (stat(tf_path(name), &st) == -1)
		return -1;
	return (int64_t)st.st_size;
}

/* Starting at the end: old lines (and a line half written at the end) are not delivered. */
T(start_at_end)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp;
	struct stat st;

	append("end.log", "old 1\nold 2\nhalf");
	if ((f = fopen_("end.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	CHECK(!readable(f, 0));
	follow_pos(f, &fp);
	CHECK_INT(fp.pos, file_size("end.log"));
	CHECK(stat(tf_path("end.log"), &st) == 0 && fp.ino == (uint64_t)st.st_ino &&
	      fp.dev == (uint64_t)st.st_dev);
	CHECK_INT(fp.head_len, 6); /* "old 1\n" */

	append("end.log", " line\nnew 1\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "new 1\n");
	CHECK_INT(ls.v[0].pos, file_size("end.log")); /* follow_pos inside the callback */
	/* nothing new: no event left, nothing delivered */
	CHECK(!readable(f, 0));
	CHECK_INT(read_now(f, &ls), 0);
	CHECK_STR(follow_path(f), tf_path("end.log"));
	CHECK_STR(follow_errmsg(f), "");
	follow_close(f);
out:
	lines_free(&ls);
}

/* Appends; a last line without "\n" waits until it is completed; CRLF. */
T(append_partial)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp;

	append("app.log", "");
	if ((f = fopen_("app.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("app.log", "a 1\na 2\nb");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "a 1\na 2\n");
	follow_pos(f, &fp);
	CHECK_INT(fp.pos, 8); /* before the pending "b" */
	CHECK_INT(fp.head_len, 4);
	append("app.log", "cd");
	CHECK_INT(READ_NEW(f, &ls), 0);
	append("app.log", "e\r\nf\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "bcde\nf\n");
	if (ls.n == 2)
		CHECK_INT(ls.v[0].flags, 0);
	follow_pos(f, &fp);
	CHECK_INT(fp.pos, file_size("app.log"));
	follow_close(f);
out:
	lines_free(&ls);
}

/*
 * Rotation by rename: the writer keeps writing to the old file after the
 * rename and before the new file exists; nothing is lost, the order holds.
 */
T(rename_rotation)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp;
	struct stat st1;
	int w;

	append("rot.log", "");
	if ((f = fopen_("rot.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	w = open(tf_path("rot.log"), O_WRONLY | O_APPEND);
	put(w, "1\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "1\n");

	mv("rot.log", "rot.log.1");
	CHECK_INT(READ_NEW(f, &ls), 0);
	put(w, "2 after rename\n3\npart");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "2 after rename\n3\n");

	/* logrotate's "create": the new file is empty; the writer has not moved yet */
	append("rot.log", "");
	CHECK_INT(READ_NEW(f, &ls), 0);
	put(w, "ial\n4");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "partial\n");
	/* still on the rotated file: that is where a restart would resume */
	follow_pos(f, &fp);
	CHECK(stat(tf_path("rot.log.1"), &st1) == 0 && fp.ino == (uint64_t)st1.st_ino);
	CHECK_INT(fp.pos, st1.st_size - 1);

	/* the writer moved: the old file's last line (no "\n") comes first, then the new file */
	append("rot.log", "new 1\nnew 2\n");
	CHECK_INT(READ_NEW(f, &ls), 3);
	CHECK_LINES(ls, "4\nnew 1\nnew 2\n");
	if (ls.n == 3)
		CHECK_INT(ls.v[0].flags, FOLLOW_PARTIAL);
	CHECK(!readable(f, 0)); /* the old file's watch removed: not a wake-up for nothing */
	follow_pos(f, &fp);
	CHECK(fp.ino != (uint64_t)st1.st_ino);
	CHECK_INT(fp.pos, file_size("rot.log"));
	close(w);

	/* all of it between two reads: rename, old written, new created with data */
	w = open(tf_path("rot.log"), O_WRONLY | O_APPEND);
	put(w, "5\n");
	mv("rot.log", "rot.log.1");
	put(w, "6\n");
	append("rot.log", "7\n");
	close(w);
	CHECK_INT(READ_NEW(f, &ls), 3);
	CHECK_LINES(ls, "5\n6\n7\n");

	/* the rotated file compressed away (deleted) while the new file is still empty */
	w = open(tf_path("rot.log"), O_WRONLY | O_APPEND);
	mv("rot.log", "rot.log.1");
	put(w, "8\n9");
	close(w);
	append("rot.log", "");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "8\n");
	unlink(tf_path("rot.log.1"));
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "9\n");
	append("rot.log", "10\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "10\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* copytruncate: with a copy the unread lines come from it; without one, from 0. */
T(copytruncate)
{
	struct lines ls = {0};
	struct follow *f;

	append("ct.log", "1\n2\n");
	if ((f = fopen_("ct.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("ct.log", "3\n4\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "3\n4\n");

	/* lines written, then copied and truncated before we read them */
	append("ct.log", "5\n6\n");
	cp("ct.log", "ct.log.1");
	if (truncate(tf_path("ct.log"), 0) == -1)
		T_FAIL("truncate: %s", strerror(errno));
	append("ct.log", "7\n");
	CHECK_INT(READ_NEW(f, &ls), 3);
	CHECK_LINES(ls, "5\n6\n7\n");

	/* truncated, no copy (the old .1 has another head): from 0 */
	unlink(tf_path("ct.log.1"));
	if (truncate(tf_path("ct.log"), 0) == -1)
		T_FAIL("truncate: %s", strerror(errno));
	CHECK_INT(READ_NEW(f, &ls), 0);
	append("ct.log", "8\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "8\n");

	/* truncated and rewritten past the old position before we look: the head changed */
	tf_write(tf_path("ct.log"), "rewritten 1\nrewritten 2\n", 24);
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "rewritten 1\nrewritten 2\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* Delete and re-create; the deleted file's unterminated last line is delivered. */
T(delete_recreate)
{
	struct lines ls = {0};
	struct follow *f;

	append("del.log", "");
	if ((f = fopen_("del.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("del.log", "1\n2");
	CHECK_INT(READ_NEW(f, &ls), 1);
	unlink(tf_path("del.log"));
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "2\n");
	if (ls.n == 1)
		CHECK_INT(ls.v[0].flags, FOLLOW_PARTIAL);
	CHECK_INT(read_now(f, &ls), 0);
	append("del.log", "3\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "3\n");

	/* deleted and re-created between two reads */
	append("del.log", "4\n");
	unlink(tf_path("del.log"));
	append("del.log", "5\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "4\n5\n");

	/* replaced by a rename onto it */
	append("del.log", "6\n");
	append("del.tmp", "7\n");
	mv("del.tmp", "del.log");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "6\n7\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* A file (and a directory) that does not exist at open is read from its start when it appears. */
T(appears_later)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp;

	if ((f = fopen_("late.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	follow_pos(f, &fp);
	CHECK(fp.dev == 0 && fp.ino == 0 && fp.pos == 0);
	append("late.log.other", "x\n"); /* another file in the directory: nothing */
	CHECK_INT(READ_NEW(f, &ls), 0);
	append("late.log", "1\n2\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "1\n2\n");
	follow_close(f);

	/* the directory itself is missing: an error until it exists (no event: called again) */
	if ((f = fopen_("later/late.log", NULL, &ls)) == NULL)
		goto out;
	errno = 0;
	CHECK_INT(follow_read(f, on_line, &ls), -1);
	CHECK_INT(errno, ENOENT);
	CHECK(strstr(follow_errmsg(f), "later") != NULL);
	if (mkdir(tf_path("later"), 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	append("later/late.log", "3\n");
	CHECK_INT(read_now(f, &ls), 1);
	CHECK_LINES(ls, "3\n");
	CHECK_STR(follow_errmsg(f), "");
	append("later/late.log", "4\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "4\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* The directory moved away and made again: the old file is read to its end, then the new one. */
T(dir_replaced)
{
	struct lines ls = {0};
	struct follow *f;
	int w;

	if (mkdir(tf_path("sub"), 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	append("sub/a.log", "");
	if ((f = fopen_("sub/a.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	w = open(tf_path("sub/a.log"), O_WRONLY | O_APPEND);
	put(w, "1\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	mv("sub", "sub.old");
	put(w, "2\n3");
	close(w);
	/* the lines of the old file come, then the missing directory is reported */
	CHECK(readable(f, 1000));
	lines_reset(&ls);
	errno = 0;
	CHECK_INT(follow_read(f, on_line, &ls), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_LINES(ls, "2\n");
	if (mkdir(tf_path("sub"), 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	CHECK_INT(read_now(f, &ls), 0); /* the caller's retry: watched again */
	append("sub/a.log", "new\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "3\nnew\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* Reads what is there and returns where the follower is, then closes it. */
static void
stop_at(const char *name, struct follow_pos *fp)
{
	struct lines ls = {0};
	struct follow *f;

	memset(fp, 0, sizeof(*fp));
	if ((f = fopen_(name, NULL, &ls)) == NULL)
		goto out;
	read_now(f, &ls);
	follow_pos(f, fp);
	follow_close(f);
out:
	lines_free(&ls);
}

/* Resuming from a stored position: same file, rotated while down (.1, -DATE), replaced. */
T(resume)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp, zero = {0};

	/* the same file: on from pos */
	append("res.log", "1\n2\n");
	stop_at("res.log", &fp);
	append("res.log", "3\n4\n");
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 2);
	CHECK_LINES(ls, "3\n4\n");
	follow_pos(f, &fp);
	follow_close(f);

	/* rotated while down: the rest of res.log.1, then the new file */
	append("res.log", "5\n");
	mv("res.log", "res.log.1");
	append("res.log", "6\n");
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 2);
	CHECK_LINES(ls, "5\n6\n");
	follow_pos(f, &fp);
	follow_close(f);

	/* dateext name, and the new file not there yet */
	append("res.log", "7\n");
	mv("res.log", "res.log-20240531");
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 1);
	CHECK_LINES(ls, "7\n");
	append("res.log", "8\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "8\n");
	follow_pos(f, &fp);
	follow_close(f);

	/* copytruncate while down: the rest from the copy, then the file from 0 */
	append("res.log", "9\n");
	cp("res.log", "res.log.1");
	tf_write(tf_path("res.log"), "10\n", 3);
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 2);
	CHECK_LINES(ls, "9\n10\n");
	follow_pos(f, &fp);
	follow_close(f);

	/* same inode, same size, another first line: another file, from 0 */
	unlink(tf_path("res.log.1"));
	unlink(tf_path("res.log-20240531"));
	tf_write(tf_path("res.log"), "aaaa\nbbbb\n", 10);
	stop_at("res.log", &fp);
	tf_write(tf_path("res.log"), "cccc\ndddd\n", 10);
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 2);
	CHECK_LINES(ls, "cccc\ndddd\n");
	follow_close(f);

	/* shorter than pos (truncated while down, no copy): from 0 */
	stop_at("res.log", &fp);
	tf_write(tf_path("res.log"), "cccc\n", 5);
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 1);
	CHECK_LINES(ls, "cccc\n");
	follow_close(f);

	/* a pos inside a line skips to the next line */
	tf_write(tf_path("res.log"), "first\nsecond\nthird\n", 19);
	stop_at("res.log", &fp);
	fp.pos = 8;
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 1);
	CHECK_LINES(ls, "third\n");
	follow_close(f);

	/* all zero (no file when it was stored): from 0 */
	if ((f = fopen_("res.log", &zero, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 3);
	CHECK_LINES(ls, "first\nsecond\nthird\n");
	follow_close(f);

	/* a position in a file that is gone with no rotated file: the new file from 0 */
	fp.ino ^= 0x5a5a;
	if ((f = fopen_("res.log", &fp, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 3);
	follow_close(f);
out:
	lines_free(&ls);
}

/* A 1 MB line is cut to FOLLOW_MAX_LINE and flagged, in one write or in pieces. */
T(long_line)
{
	struct lines ls = {0};
	struct follow *f;
	struct follow_pos fp;
	size_t big = 1024 * 1024, i;
	char *b = xmalloc(big + 1);

	memset(b, 'x', big);
	b[0] = 'S';
	b[big] = '\0';
	append("long.log", "");
	if ((f = fopen_("long.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("long.log", b);
	append("long.log", "\nafter\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	if (ls.n == 2) {
		CHECK_INT(ls.v[0].len, FOLLOW_MAX_LINE);
		CHECK_INT(ls.v[0].flags, FOLLOW_TRUNCATED);
		CHECK(ls.v[0].p[0] == 'S' && ls.v[0].p[FOLLOW_MAX_LINE - 1] == 'x');
		CHECK_SPAN(ls.v[1].p, ls.v[1].len, "after");
	}
	lines_reset(&ls);

	/* in 100 KB pieces, read in between: cut once, the rest skipped across reads */
	for (i = 0; i < 10; i++) {
		b[100000] = '\0';
		append("long.log", b);
		lines_reset(&ls);
		CHECK_INT(READ_NEW(f, &ls), i == 0 ? 1 : 0);
		if (i == 0 && ls.n == 1)
			CHECK_INT(ls.v[0].flags, FOLLOW_TRUNCATED);
	}
	follow_pos(f, &fp);
	CHECK_INT(fp.pos, file_size("long.log")); /* inside the cut line */
	append("long.log", "tail of it\nnext\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "next\n");

	/* exactly FOLLOW_MAX_LINE bytes: whole, not flagged */
	b[FOLLOW_MAX_LINE] = '\0';
	append("long.log", b);
	append("long.log", "\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	if (ls.n == 1) {
		CHECK_INT(ls.v[0].len, FOLLOW_MAX_LINE);
		CHECK_INT(ls.v[0].flags, 0);
	}
	follow_close(f);
out:
	lines_free(&ls);
	free(b);
}

/* NUL bytes and invalid UTF-8 are ordinary bytes. */
T(binary_bytes)
{
	static const char data[] = "a\0b\n\xff\xfe\x80\nend\n";
	struct lines ls = {0};
	struct follow *f;
	int fd;

	append("bin.log", "");
	if ((f = fopen_("bin.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	fd = open(tf_path("bin.log"), O_WRONLY | O_APPEND);
	CHECK(write(fd, data, sizeof(data) - 1) == (ssize_t)sizeof(data) - 1);
	close(fd);
	CHECK_INT(READ_NEW(f, &ls), 3);
	if (ls.n == 3) {
		CHECK_INT(ls.v[0].len, 3);
		CHECK(memcmp(ls.v[0].p, "a\0b", 3) == 0);
		CHECK_INT(ls.v[1].len, 3);
		CHECK(memcmp(ls.v[1].p, "\xff\xfe\x80", 3) == 0);
		CHECK_SPAN(ls.v[2].p, ls.v[2].len, "end");
	}
	follow_close(f);
out:
	lines_free(&ls);
}

/* `journalctl -o json` lines arrive as the text journal_next writes; other lines as they are. */
T(journal_json)
{
	struct lines ls = {0};
	struct follow *f;

	append("j.log", "");
	if ((f = fopen_("j.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("j.log", "{\"__REALTIME_TIMESTAMP\":\"1622444842123456\",\"_HOSTNAME\":\"h\","
	                "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"7\",\"MESSAGE\":\"a\\\"b\"}\n"
	                "{\"not\":\"a journal entry\"}\n"
	                "May 31 07:07:22 h sshd[7]: x\n");
	CHECK_LINES(ls, "");
	CHECK_INT(READ_NEW(f, &ls), 3);
	CHECK_LINES(ls, "2021-05-31T07:07:22.123456Z h sshd[7]: a\"b\n"
	                "{\"not\":\"a journal entry\"}\n"
	                "May 31 07:07:22 h sshd[7]: x\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* 100,000 lines in one write: all of them, in order, in one follow_read. */
T(many_lines)
{
	struct lines ls = {0};
	struct follow *f;
	size_t n = 100000, i, off = 0;
	char *b = xmalloc(n * 16), want[32];
	int fd, ok = 1;

	append("many.log", "");
	if ((f = fopen_("many.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(b + off, "line %zu\n", i);
	fd = open(tf_path("many.log"), O_WRONLY | O_APPEND);
	CHECK(write(fd, b, off) == (ssize_t)off);
	close(fd);
	CHECK_INT(READ_NEW(f, &ls), n);
	CHECK_INT(ls.n, n);
	for (i = 0; i < ls.n && ok; i++) {
		snprintf(want, sizeof(want), "line %zu", i);
		if (strcmp(ls.v[i].p, want) != 0) {
			T_FAIL("line %zu == \"%s\"", i, ls.v[i].p);
			ok = 0;
		}
	}
	follow_close(f);
out:
	lines_free(&ls);
	free(b);
}

/* An inotify queue overflow loses no line (each follow_read looks at the files again). */
T(queue_overflow)
{
	struct lines ls = {0};
	struct follow *f;
	long max = 0, i;
	FILE *p = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

	if (p == NULL || fscanf(p, "%ld", &max) != 1 || max <= 0 || max > 200000) {
		if (p != NULL)
			fclose(p);
		printf("  skip: max_queued_events %ld\n", max);
		return;
	}
	fclose(p);
	append("ovf.log", "");
	if ((f = fopen_("ovf.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	append("ovf.log", "before\n");
	/* create and delete another file: two events each, never merged */
	for (i = 0; i < max / 2 + 64; i++) {
		append("ovf.noise", "");
		unlink(tf_path("ovf.noise"));
	}
	mv("ovf.log", "ovf.log.1");
	append("ovf.log", "after\n");
	CHECK_INT(READ_NEW(f, &ls), 2);
	CHECK_LINES(ls, "before\nafter\n");
	CHECK(!readable(f, 0));
	append("ovf.log", "more\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	CHECK_LINES(ls, "more\n");
	follow_close(f);
out:
	lines_free(&ls);
}

/* Bad arguments; a path that is a directory is a read error, not a crash. */
T(errors)
{
	struct follow_pos bad = {.pos = -1};
	struct lines ls = {0};
	struct follow *f;
	char err[256];
	int w;

	errno = 0;
	CHECK(follow_open(NULL, NULL, err, sizeof(err)) == NULL);
	CHECK_INT(errno, EINVAL);
	CHECK(follow_open("", NULL, err, sizeof(err)) == NULL);
	CHECK(follow_open("/tmp/", NULL, err, sizeof(err)) == NULL);
	CHECK(follow_open(tf_path("x.log"), &bad, err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "follow: ", 8) == 0);
	follow_close(NULL);

	if (mkdir(tf_path("adir"), 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	if ((f = fopen_("adir", NULL, &ls)) == NULL)
		goto out;
	errno = 0;
	CHECK_INT(follow_read(f, on_line, &ls), -1);
	CHECK_INT(errno, EINVAL);
	CHECK(strstr(follow_errmsg(f), "not a regular file") != NULL);
	CHECK(follow_fd(f) >= 0);
	follow_close(f);

	/* a directory where the new file should be: the old file's lines still come */
	append("err.log", "");
	if ((f = fopen_("err.log", NULL, &ls)) == NULL)
		goto out;
	CHECK_INT(read_now(f, &ls), 0);
	w = open(tf_path("err.log"), O_WRONLY | O_APPEND);
	mv("err.log", "err.log.1");
	if (mkdir(tf_path("err.log"), 0755) == -1)
		T_FAIL("mkdir: %s", strerror(errno));
	put(w, "1\n");
	close(w);
	CHECK(readable(f, 1000));
	lines_reset(&ls);
	CHECK_INT(follow_read(f, on_line, &ls), -1);
	CHECK(strstr(follow_errmsg(f), "not a regular file") != NULL);
	CHECK_LINES(ls, "1\n");
	follow_close(f);

	/* a bare name follows it in the current directory */
	if (chdir(tf_dir) == -1)
		T_FAIL("chdir: %s", strerror(errno));
	append("bare.log", "");
	if ((f = follow_open("bare.log", NULL, err, sizeof(err))) == NULL) {
		T_FAIL("follow_open: %s", err);
		goto out;
	}
	ls.f = f;
	CHECK_INT(read_now(f, &ls), 0);
	append("bare.log", "1\n");
	CHECK_INT(READ_NEW(f, &ls), 1);
	follow_close(f);
out:
	lines_free(&ls);
}

int
main(void)
{
	tf_setup("follow");
	T_RUN(start_at_end);
	T_RUN(append_partial);
	T_RUN(rename_rotation);
	T_RUN(copytruncate);
	T_RUN(delete_recreate);
	T_RUN(appears_later);
	T_RUN(dir_replaced);
	T_RUN(resume);
	T_RUN(long_line);
	T_RUN(binary_bytes);
	T_RUN(journal_json);
	T_RUN(many_lines);
	T_RUN(queue_overflow);
	T_RUN(errors);
	tf_teardown();
	return T_END();
}
