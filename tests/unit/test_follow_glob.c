/* test_follow_glob.c: unit tests of follow_glob (the files a glob matches, as they appear) and of
 * follow_has_file (a rotated file renamed to a matching name is not a new file). */
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

/* What the scan callback was offered (names without tf_dir), and what it answers. */
struct offers {
	char seen[1024]; /* "a.log b.log " */
	int refuse;      /* answer -1 (offer again) instead of 0 */
};

static int
on_path(void *arg, const char *path)
{
	struct offers *o = arg;
	size_t n = strlen(o->seen), dl = strlen(tf_dir);

	if (strncmp(path, tf_dir, dl) == 0 && path[dl] == '/')
		path += dl + 1;
	snprintf(o->seen + n, sizeof(o->seen) - n, "%s ", path);
	return o->refuse ? -1 : 0;
}

/* Scans g and returns what was offered ("" when nothing), in a static buffer. */
static const char *
scan(struct follow_glob *g, struct offers *o, int *matched)
{
	int r;

	o->seen[0] = '\0';
	r = follow_glob_scan(g, on_path, o);
	if (r == -1)
		T_FAIL("follow_glob_scan: %s", follow_glob_errmsg(g));
	if (matched != NULL)
		*matched = r;
	return o->seen;
}

/* Whether g's descriptor becomes readable within ms milliseconds. */
static int
readable(int fd, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

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

/* The first scan offers every match; later ones only what is new, found by the directory's
 * events; a path that went away is offered again when it comes back. */
T(appear)
{
	struct offers o = {0};
	struct follow_glob *g;
	char err[256];
	int n;

	CHECK(mkdir(tf_path("a"), 0700) == 0);
	append("a/1.log", "x\n");
	append("a/2.txt", "x\n");
	if ((g = follow_glob_open(tf_path("a/*.log"), err, sizeof(err))) == NULL) {
		T_FAIL("follow_glob_open: %s", err);
		return;
	}
	CHECK_STR(follow_glob_pattern(g), tf_path("a/*.log"));
	CHECK_STR(scan(g, &o, &n), "a/1.log ");
	CHECK_INT(n, 1);
	CHECK(follow_glob_has(g, tf_path("a/1.log")));
	CHECK(!follow_glob_has(g, tf_path("a/2.txt")));
	CHECK(!readable(follow_glob_fd(g), 0));
	CHECK_STR(scan(g, &o, &n), "");
	CHECK_INT(n, 1);

	/* a file that appears wakes the descriptor; only it is offered */
	append("a/0.log", "");
	CHECK(readable(follow_glob_fd(g), 1000));
	CHECK_STR(scan(g, &o, &n), "a/0.log ");
	CHECK_INT(n, 2);
	CHECK(!readable(follow_glob_fd(g), 0)); /* the events were read */
	/* renamed in, and out */
	append("a/3.tmp", "");
	mv("a/3.tmp", "a/3.log");
	CHECK(readable(follow_glob_fd(g), 1000));
	CHECK_STR(scan(g, &o, &n), "a/3.log ");
	mv("a/1.log", "a/1.old");
	CHECK(readable(follow_glob_fd(g), 1000));
	CHECK_STR(scan(g, &o, &n), "");
	CHECK_INT(n, 2);
	CHECK(!follow_glob_has(g, tf_path("a/1.log")));
	mv("a/1.old", "a/1.log");
	CHECK_STR(scan(g, &o, &n), "a/1.log ");
	CHECK_INT(n, 3);

	/* refused: offered again at each scan until taken */
	append("a/4.log", "");
	o.refuse = 1;
	CHECK_STR(scan(g, &o, NULL), "a/4.log ");
	CHECK(!follow_glob_has(g, tf_path("a/4.log")));
	CHECK_STR(scan(g, &o, NULL), "a/4.log ");
	o.refuse = 0;
	CHECK_STR(scan(g, &o, NULL), "a/4.log ");
	CHECK_STR(scan(g, &o, NULL), "");
	CHECK(follow_glob_has(g, tf_path("a/4.log")));
	follow_glob_close(g);
}

/* A directory that does not exist yet: nothing matches, then it is watched from the scan after
 * it appears; removed and made again, it is watched again. */
T(dir_later)
{
	struct offers o = {0};
	struct follow_glob *g;
	char err[256];
	int n;

	if ((g = follow_glob_open(tf_path("later/*.log"), err, sizeof(err))) == NULL) {
		T_FAIL("follow_glob_open: %s", err);
		return;
	}
	CHECK_STR(scan(g, &o, &n), "");
	CHECK_INT(n, 0);
	CHECK(mkdir(tf_path("later"), 0700) == 0);
	append("later/a.log", "");
	CHECK(!readable(follow_glob_fd(g), 100)); /* no watch yet: the caller's clock finds it */
	CHECK_STR(scan(g, &o, &n), "later/a.log ");
	append("later/b.log", "");
	CHECK(readable(follow_glob_fd(g), 1000)); /* watched since that scan */
	CHECK_STR(scan(g, &o, &n), "later/b.log ");
	CHECK(unlink(tf_path("later/a.log")) == 0 && unlink(tf_path("later/b.log")) == 0);
	CHECK(rmdir(tf_path("later")) == 0);
	CHECK(readable(follow_glob_fd(g), 1000));
	CHECK_STR(scan(g, &o, &n), "");
	CHECK_INT(n, 0);
	CHECK(mkdir(tf_path("later"), 0700) == 0);
	CHECK_STR(scan(g, &o, &n), "");
	append("later/a.log", "");
	CHECK(readable(follow_glob_fd(g), 1000));
	CHECK_STR(scan(g, &o, &n), "later/a.log ");
	follow_glob_close(g);
}

/* A wildcard in the directory: not watched, but every scan looks. */
T(wild_dir)
{
	struct offers o = {0};
	struct follow_glob *g;
	char err[256];

	CHECK(mkdir(tf_path("w1"), 0700) == 0);
	append("w1/a.log", "");
	if ((g = follow_glob_open(tf_path("w*/a.log"), err, sizeof(err))) == NULL) {
		T_FAIL("follow_glob_open: %s", err);
		return;
	}
	CHECK_STR(scan(g, &o, NULL), "w1/a.log ");
	CHECK(mkdir(tf_path("w2"), 0700) == 0);
	append("w2/a.log", "");
	CHECK_STR(scan(g, &o, NULL), "w2/a.log ");
	follow_glob_close(g);
	/* bad arguments */
	errno = 0;
	CHECK(follow_glob_open("", err, sizeof(err)) == NULL);
	CHECK_INT(errno, EINVAL);
	CHECK_STR(err, "follow: : invalid arguments");
	follow_glob_close(NULL);
}

static void
no_line(void *arg, const char *p, size_t len, unsigned flags)
{
	(*(int *)arg)++;
}

/* Whether follow_has_file(f, the file now at tf_dir/name). */
static int
has_file(struct follow *f, const char *name)
{
	struct stat st;

	if (stat(tf_path(name), &st) == -1) {
		T_FAIL("stat %s", name);
		return -1;
	}
	return follow_has_file(f, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
}

/* The file at path, the rotated file still read, the last one read to its end; not others. */
T(has_file)
{
	struct follow *f;
	char err[256];
	int lines = 0, w;

	CHECK(mkdir(tf_path("h"), 0700) == 0);
	append("h/x.log", "1\n");
	append("h/other.log", "1\n");
	if ((f = follow_open(tf_path("h/x.log"), NULL, err, sizeof(err))) == NULL) {
		T_FAIL("follow_open: %s", err);
		return;
	}
	CHECK_INT(follow_read(f, no_line, &lines), 0);
	CHECK_INT(has_file(f, "h/x.log"), 1);
	CHECK_INT(has_file(f, "h/other.log"), 0);
	/* rotated to a name a glob "*.log" matches: still being read */
	w = open(tf_path("h/x.log"), O_WRONLY | O_APPEND);
	mv("h/x.log", "h/x-1.log");
	CHECK_INT(has_file(f, "h/x-1.log"), 1); /* before follow_read noticed */
	CHECK_INT(follow_read(f, no_line, &lines), 0);
	CHECK_INT(has_file(f, "h/x-1.log"), 1);
	/* the writer moved to the new file: the old one was read to its end, and is known */
	append("h/x.log", "2\n");
	CHECK_INT(follow_read(f, no_line, &lines), 1);
	CHECK_INT(has_file(f, "h/x.log"), 1);
	CHECK_INT(has_file(f, "h/x-1.log"), 1);
	CHECK_INT(has_file(f, "h/other.log"), 0);
	close(w);
	CHECK_INT(follow_has_file(f, 0, 0), 0);
	follow_close(f);
}

/* follow_same_head on the file at tf_dir/name. */
static int
same_head(struct follow *f, const char *name)
{
	int fd = open(tf_path(name), O_RDONLY), r;

	if (fd == -1) {
		T_FAIL("open %s", name);
		return -1;
	}
	r = follow_same_head(f, fd);
	close(fd);
	return r;
}

/* A copy starts with the head of the file read (or of the one left when it was cut). */
T(same_head)
{
	struct follow *f;
	char err[256];
	int lines = 0, fd;

	CHECK(mkdir(tf_path("c"), 0700) == 0);
	append("c/x.log", "");
	if ((f = follow_open(tf_path("c/x.log"), NULL, err, sizeof(err))) == NULL) {
		T_FAIL("follow_open: %s", err);
		return;
	}
	CHECK_INT(follow_read(f, no_line, &lines), 0);
	append("c/other.log", "first\n");
	CHECK_INT(same_head(f, "c/other.log"), 0); /* x.log is empty: nothing to compare */
	append("c/x.log", "first\nsecond\n");
	CHECK_INT(follow_read(f, no_line, &lines), 2);
	append("c/copy.log", "first\nsecond\n");
	append("c/new.log", "a new file\n");
	append("c/short.log", "fir");
	append("c/one.log", "1\n");
	CHECK_INT(same_head(f, "c/copy.log"), 1);
	CHECK_INT(same_head(f, "c/other.log"), 1); /* the same first line: taken for a copy */
	CHECK_INT(same_head(f, "c/new.log"), 0);
	CHECK_INT(same_head(f, "c/short.log"), 2);
	CHECK_INT(same_head(f, "c/one.log"), 0); /* shorter, but a whole line: not a copy */
	CHECK_INT(has_file(f, "c/copy.log"), 0);
	/* copytruncate to a name that is not a rotated name of x.log: read again from 0, and
	 * the copy is still known by the head x.log had */
	fd = open(tf_path("c/x.log"), O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "later\n", 6) == 6);
	close(fd);
	CHECK_INT(follow_read(f, no_line, &lines), 1);
	CHECK_INT(same_head(f, "c/copy.log"), 1);
	CHECK_INT(same_head(f, "c/new.log"), 0);
	follow_close(f);
}

int
main(void)
{
	tf_setup("follow-glob");
	T_RUN(appear);
	T_RUN(dir_later);
	T_RUN(wild_dir);
	T_RUN(has_file);
	T_RUN(same_head);
	tf_teardown();
	return T_END();
}
