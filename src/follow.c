/* follow.c: follows a growing log file across rotation and truncation (inotify, no polling). */
#define _FILE_OFFSET_BITS 64
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "journal.h"
#include "journal_json.h"
#include "log.h"
#include "xmalloc.h"

#define BUF_SIZE (256 * 1024)
#define EVBUF_SIZE 4096
#define FILE_MASK (IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)
#define DIR_MASK                                                                                   \
	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |     \
	 IN_ONLYDIR)
#define FNV_BASIS 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

_Static_assert(BUF_SIZE >= 2 * FOLLOW_MAX_LINE + 2, "a cut line and a read fit the buffer");
_Static_assert(BUF_SIZE >= FOLLOW_HEAD_MAX, "the head is read into the buffer");

/*
 * One open file being read. Invariant: fd < 0 means no file (the other fields
 * are meaningless); otherwise fd is a regular file with identity dev/ino,
 * every line ending before pos was delivered (pos is at a line start unless
 * skipping), wd is its inotify watch or -1, and head_hash is the FNV-1a hash
 * of its bytes [0, head_len) (head_done once they end in "\n" or reach
 * FOLLOW_HEAD_MAX; until then the head grows with the file).
 */
struct ffile {
	int fd, wd;
	uint64_t dev, ino;
	int64_t pos;
	uint64_t head_hash;
	uint32_t head_len;
	int head_done, skipping;
};

/*
 * Invariant: ifd is a non-blocking inotify descriptor; dir/base split path
 * (dir "." for a bare name); wd_dir watches dir (identity dir_dev/dir_ino) or
 * is -1; cur is the file at path or none; old is a file rotated away from
 * path that is still being read, or none, and if both are open, old's lines
 * all come before cur's and cur has delivered nothing; left is the identity
 * and head of the last file left (an old one read to its end, or cur before it
 * was cut; all zero: none yet); started is set once
 * the start position was applied (start, owned, is freed then); buf holds
 * BUF_SIZE bytes, scratch space between calls.
 */
struct follow {
	char *path, *dir, *base;
	int ifd, wd_dir, dir_check, started;
	uint64_t dir_dev, dir_ino;
	struct follow_pos left;
	struct follow_pos *start;
	struct ffile cur, old;
	char *buf;
	char *jscratch; /* journal_json_line's, made at the first JSON line */
	/* the line callback of the current follow_read, and its line count */
	follow_line_fn fn;
	void *arg;
	int lines;
	char errmsg[512];
	char evbuf[EVBUF_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
};

/* Records "follow: PATH: what: strerror(e)"; returns -1 with errno = e. */
static int
fail(struct follow *f, const char *what, int e)
{
	snprintf(f->errmsg, sizeof(f->errmsg), "follow: %s: %s: %s", f->path, what, strerror(e));
	errno = e;
	return -1;
}

static uint64_t
fnv(const char *p, size_t n)
{
	uint64_t h = FNV_BASIS;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* A file with no fd: what struct ffile means by "none". */
static void
ff_clear(struct ffile *ff)
{
	memset(ff, 0, sizeof(*ff));
	ff->fd = -1;
	ff->wd = -1;
}

/* pread that retries on EINTR; returns the bytes read (short only at the end) or -1. */
static ssize_t
pread_full(int fd, char *buf, size_t n, int64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, (off_t)(off + (int64_t)got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Reads the first bytes of fd into buf (FOLLOW_HEAD_MAX bytes of room); sets *n
 * to how many, *line to the length of the head (first line with its "\n", or
 * all of them) and *done when that head is final. Returns 0 or -1 (errno).
 */
static int
read_head(int fd, char *buf, size_t *n, size_t *line, int *done)
{
	ssize_t r;
	const char *nl;

	if ((r = pread_full(fd, buf, FOLLOW_HEAD_MAX, 0)) == -1)
		return -1;
	*n = (size_t)r;
	nl = memchr(buf, '\n', *n);
	*line = nl != NULL ? (size_t)(nl - buf) + 1 : *n;
	*done = nl != NULL || *n == FOLLOW_HEAD_MAX;
	return 0;
}

/*
 * Whether fd's first head_len bytes hash to head_hash (head_len 0: always).
 * Returns 1 yes, 0 no (also when the file is shorter), -1 on a read error.
 */
static int
head_matches(int fd, char *buf, uint64_t head_hash, uint32_t head_len)
{
	ssize_t r;

	if (head_len == 0)
		return 1;
	if (head_len > FOLLOW_HEAD_MAX)
		return 0;
	if ((r = pread_full(fd, buf, head_len, 0)) == -1)
		return -1;
	return (size_t)r == head_len && fnv(buf, head_len) == head_hash;
}

/*
 * Checks ff's head against the file and grows it while it is not final.
 * Returns 1 when it still matches, 0 when the file's start changed, -1 on a
 * read error.
 */
static int
head_update(struct follow *f, struct ffile *ff)
{
	size_t n, line;
	int done;

	if (ff->head_done)
		return head_matches(ff->fd, f->buf, ff->head_hash, ff->head_len);
	if (read_head(ff->fd, f->buf, &n, &line, &done) == -1)
		return -1;
	if (n < ff->head_len || fnv(f->buf, ff->head_len) != ff->head_hash)
		return 0;
	ff->head_len = (uint32_t)line;
	ff->head_hash = fnv(f->buf, line);
	ff->head_done = done;
	return 1;
}

/*
 * Whether the byte before pos is "\n" (pos 0: yes). Returns 1, 0, or -1 on a
 * read error (a pos past the end counts as a line start: the file was cut).
 */
static int
at_line_start(int fd, int64_t pos)
{
	char c;
	ssize_t r;

	if (pos == 0)
		return 1;
	if ((r = pread_full(fd, &c, 1, pos - 1)) == -1)
		return -1;
	return r == 0 || c == '\n';
}

/* Puts an inotify watch on the file open as fd (by /proc, so no other file gets it). */
static int
watch_fd(struct follow *f, int fd)
{
	char p[64];
	int wd;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	wd = inotify_add_watch(f->ifd, p, FILE_MASK);
	if (wd == -1 && errno == ENOENT) /* no /proc: by name (a tiny race with a rename) */
		wd = inotify_add_watch(f->ifd, f->path, FILE_MASK);
	return wd;
}

/*
 * Opens path as ff at position pos (its head read from the file; a pos inside
 * a line skips to the next line). Returns 0, 1 when path does not exist (ff
 * left as none), or -1 with errmsg set.
 */
static int
ff_open(struct follow *f, struct ffile *ff, const char *path, int64_t pos)
{
	struct stat st;
	size_t n, line;
	int fd, r, done;

	ff_clear(ff);
	/* stat first: opening a FIFO or a device could block or have side effects */
	if (stat(path, &st) == -1)
		return errno == ENOENT ? 1 : fail(f, "stat", errno);
	if (!S_ISREG(st.st_mode))
		return fail(f, "not a regular file", EINVAL);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return errno == ENOENT ? 1 : fail(f, "open", errno);
	if (fstat(fd, &st) == -1) {
		r = fail(f, "fstat", errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = fail(f, "not a regular file", EINVAL);
		goto out;
	}
	if (read_head(fd, f->buf, &n, &line, &done) == -1) {
		r = fail(f, "read", errno);
		goto out;
	}
	if ((r = at_line_start(fd, pos)) == -1) {
		r = fail(f, "read", errno);
		goto out;
	}
	ff->skipping = !r;
	if ((ff->wd = watch_fd(f, fd)) == -1) {
		r = fail(f, "inotify_add_watch", errno);
		goto out;
	}
	ff->fd = fd;
	ff->dev = (uint64_t)st.st_dev;
	ff->ino = (uint64_t)st.st_ino;
	ff->pos = pos;
	ff->head_len = (uint32_t)line;
	ff->head_hash = fnv(f->buf, line);
	ff->head_done = done;
	return 0;
out:
	close(fd);
	ff_clear(ff);
	return r;
}

/* Closes ff (its watch removed unless keep_wd, the same inode's watch in use elsewhere). */
static void
ff_close(struct follow *f, struct ffile *ff, int keep_wd)
{
	if (ff->fd >= 0) {
		if (ff->wd >= 0 && !keep_wd)
			inotify_rm_watch(f->ifd, ff->wd); /* EINVAL: the watch is already gone */
		close(ff->fd);
	}
	ff_clear(ff);
}

/*
 * Hands one line, p[0..len) in buf, to the callback; pos is where the next line
 * starts. A journal entry in JSON (`journalctl -o json`) is rewritten in place
 * into its text line first.
 */
static void
deliver(struct follow *f, struct ffile *ff, char *p, size_t len, unsigned flags, int64_t pos)
{
	size_t jn;
	unsigned jf;

	ff->pos = pos;
	if (len > FOLLOW_MAX_LINE) {
		len = FOLLOW_MAX_LINE;
		flags |= FOLLOW_TRUNCATED;
	} else if (len > 0 && p[len - 1] == '\r') {
		len--;
	}
	if (flags == 0 && len > 0 && JOURNAL_JSON_START(p[0])) {
		if (f->jscratch == NULL)
			f->jscratch = xmalloc(JOURNAL_JSON_SCRATCH(FOLLOW_MAX_LINE));
		if (journal_json_line(p, len, f->jscratch, JOURNAL_JSON_SCRATCH(FOLLOW_MAX_LINE),
		                      &jn, &jf) == 1) {
			len = jn;
			if (jf & JOURNAL_TRUNCATED) /* as linebuf says it */
				flags |= FOLLOW_TRUNCATED;
		}
	}
	f->fn(f->arg, p, len, flags);
	if (f->lines < INT_MAX)
		f->lines++;
}

/*
 * Reads ff from pos to the end of the file, delivering every complete line;
 * with final, a last line without "\n" is delivered too (FOLLOW_PARTIAL).
 * buf[0..have) always holds the file's bytes [off, off + have), which start at
 * pos (or are inside a line being skipped). Returns 0 or -1 with errmsg set.
 */
static int
drain(struct follow *f, struct ffile *ff, int final)
{
	char *buf = f->buf, *nl;
	int64_t off = ff->pos;
	size_t have = 0, start;
	ssize_t n;

	for (;;) {
		n = pread(ff->fd, buf + have, BUF_SIZE - have, (off_t)(off + (int64_t)have));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return fail(f, "read", errno);
		if (n == 0)
			break;
		have += (size_t)n;
		start = 0;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			size_t i = (size_t)(nl - buf);

			if (ff->skipping) {
				ff->skipping = 0;
				ff->pos = off + (int64_t)i + 1;
			} else {
				deliver(f, ff, buf + start, i - start, 0, off + (int64_t)i + 1);
			}
			start = i + 1;
		}
		if (ff->skipping) {
			/* the rest of a cut line: dropped, whatever its length */
			start = have;
			ff->pos = off + (int64_t)have;
		} else if (have - start > FOLLOW_MAX_LINE) {
			deliver(f, ff, buf + start, have - start, 0, off + (int64_t)have);
			ff->skipping = 1;
			start = have;
		}
		memmove(buf, buf + start, have - start);
		off += (int64_t)start;
		have -= start;
	}
	if (final && have > 0 && !ff->skipping)
		deliver(f, ff, buf, have, FOLLOW_PARTIAL, off + (int64_t)have);
	return 0;
}

/* Remembers ff as the file left (follow_has_file, follow_same_head). */
static void
left(struct follow *f, const struct ffile *ff)
{
	f->left.dev = ff->dev;
	f->left.ino = ff->ino;
	f->left.pos = ff->pos;
	f->left.head_hash = ff->head_hash;
	f->left.head_len = ff->head_len;
}

/* Reads old to its end, its unterminated last line included, and closes it. */
static int
finish_old(struct follow *f)
{
	if (f->old.fd < 0)
		return 0;
	if (drain(f, &f->old, 1) == -1)
		return -1;
	left(f, &f->old);
	ff_close(f, &f->old, f->cur.fd >= 0 && f->cur.wd == f->old.wd);
	return 0;
}

/* Makes cur the rotated-away file old (after finishing a previous one). */
static int
cur_to_old(struct follow *f)
{
	if (finish_old(f) == -1)
		return -1;
	f->old = f->cur;
	ff_clear(&f->cur);
	return 0;
}

/*
 * Whether name is a rotated name of base: base, '.' or '-', a digit, then
 * digits, '-' and '_' ("auth.log.1", "auth.log-20240531"; not "auth.log.2.gz").
 */
static int
rotated_name(const char *base, const char *name)
{
	size_t bl = strlen(base);
	const char *s = name + bl;

	if (strncmp(name, base, bl) != 0 || (s[0] != '.' && s[0] != '-'))
		return 0;
	if (s[1] < '0' || s[1] > '9')
		return 0;
	for (s += 2; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/*
 * Looks in path's directory for the file rotated from want: a rotated name
 * (rotated_name) that is want's inode with want's head, else one whose head is
 * want's (head_len > 0) with at least want->pos bytes (a copy), not inode
 * not_ino. Copies the best one's path into out[outlen]. Returns 1 when found,
 * 0 when not (also when the directory cannot be read).
 */
static int
find_rotated(struct follow *f, const struct follow_pos *want, uint64_t not_ino, char *out,
             size_t outlen)
{
	char p[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, m, found = 0;

	if ((d = opendir(f->dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!rotated_name(f->base, de->d_name))
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name) >= sizeof(p))
			continue;
		if (stat(p, &st) == -1 || !S_ISREG(st.st_mode) || (uint64_t)st.st_ino == not_ino)
			continue;
		if (st.st_size < want->pos)
			continue;
		m = (uint64_t)st.st_dev == want->dev && (uint64_t)st.st_ino == want->ino;
		if (!m && (found || want->head_len == 0))
			continue;
		if ((fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1)
			continue;
		if (head_matches(fd, f->buf, want->head_hash, want->head_len) == 1) {
			snprintf(out, outlen, "%s", p);
			found = 1;
		} else {
			m = 0;
		}
		close(fd);
		if (m)
			break; /* the same inode beats a copy */
	}
	closedir(d);
	return found;
}

/*
 * Opens the file rotated from want (find_rotated) as old, at want->pos.
 * Returns 0 (found or not) or -1 with errmsg set.
 */
static int
open_rotated(struct follow *f, const struct follow_pos *want, uint64_t not_ino)
{
	char p[PATH_MAX];
	int r;

	if (!find_rotated(f, want, not_ino, p, sizeof(p)))
		return 0;
	if (finish_old(f) == -1)
		return -1;
	r = ff_open(f, &f->old, p, want->pos);
	return r == 1 ? 0 : r;
}

/* Watches (again) path's directory when it is not watched or may have moved. */
static int
watch_dir(struct follow *f)
{
	struct stat st;
	int wd;

	if (f->wd_dir >= 0 && !f->dir_check)
		return 0;
	if (stat(f->dir, &st) == -1) {
		if (f->wd_dir >= 0)
			inotify_rm_watch(f->ifd, f->wd_dir);
		f->wd_dir = -1;
		return fail(f, f->dir, errno);
	}
	if (f->wd_dir >= 0 && (uint64_t)st.st_dev == f->dir_dev &&
	    (uint64_t)st.st_ino == f->dir_ino) {
		f->dir_check = 0;
		return 0;
	}
	if (f->wd_dir >= 0)
		inotify_rm_watch(f->ifd, f->wd_dir);
	f->wd_dir = -1;
	if ((wd = inotify_add_watch(f->ifd, f->dir, DIR_MASK)) == -1)
		return fail(f, f->dir, errno);
	f->wd_dir = wd;
	f->dir_dev = (uint64_t)st.st_dev;
	f->dir_ino = (uint64_t)st.st_ino;
	f->dir_check = 0;
	return 0;
}

/*
 * Applies the start position given to follow_open (see follow.h). Returns 0,
 * or -1 with errmsg set (tried again at the next follow_read).
 */
static int
apply_start(struct follow *f)
{
	const struct follow_pos *s = f->start;
	struct stat st;
	int r;

	/* a retry starts over */
	ff_close(f, &f->old, 0);
	ff_close(f, &f->cur, 0);
	if (s == NULL) {
		if (stat(f->path, &st) == -1)
			return errno == ENOENT ? 0 : fail(f, "stat", errno);
		r = ff_open(f, &f->cur, f->path, (int64_t)st.st_size);
		return r == 1 ? 0 : r;
	}
	if ((r = ff_open(f, &f->cur, f->path, 0)) == -1)
		return -1;
	if (r == 0 && f->cur.dev == s->dev && f->cur.ino == s->ino && (s->dev | s->ino) != 0) {
		r = head_matches(f->cur.fd, f->buf, s->head_hash, s->head_len);
		if (r == -1)
			return fail(f, "read", errno);
		if (fstat(f->cur.fd, &st) == -1)
			return fail(f, "fstat", errno);
		if (r == 1 && st.st_size >= s->pos) {
			/* still the same file: on at pos */
			f->cur.pos = s->pos;
			if ((r = at_line_start(f->cur.fd, s->pos)) == -1)
				return fail(f, "read", errno);
			f->cur.skipping = !r;
			return 0;
		}
	}
	/* rotated or replaced while we were down (or never seen: all zero) */
	if ((s->dev | s->ino) == 0)
		return 0;
	return open_rotated(f, s, f->cur.fd >= 0 ? f->cur.ino : 0);
}

/*
 * Reads the pending inotify events; notes the ones that need the directory
 * checked. Returns how many there were, not counting IN_IGNORED (a watch
 * gone, often one we removed), or -1 with errmsg set.
 */
static int
drain_events(struct follow *f)
{
	const struct inotify_event *ev;
	ssize_t n;
	size_t i;
	int count = 0;

	for (;;) {
		n = read(f->ifd, f->evbuf, sizeof(f->evbuf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return count;
		if (n == -1)
			return fail(f, "inotify read", errno);
		if (n == 0)
			return count;
		for (i = 0; i + sizeof(*ev) <= (size_t)n;) {
			ev = (const struct inotify_event *)(const void *)(f->evbuf + i);
			i += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				f->dir_check = 1;
			if (ev->wd == f->wd_dir && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
				f->dir_check = 1;
			if (!(ev->mask & IN_IGNORED)) {
				if (count < INT_MAX)
					count++;
				continue;
			}
			if (ev->wd < 0)
				continue;
			/* the kernel removed a watch: forget it */
			if (ev->wd == f->wd_dir)
				f->wd_dir = -1;
			if (ev->wd == f->cur.wd)
				f->cur.wd = -1;
			if (ev->wd == f->old.wd)
				f->old.wd = -1;
		}
	}
}

/*
 * Brings f up to date with the file system and delivers the new lines (the
 * whole of follow_read after the events). Returns 0 or -1 with errmsg set.
 */
static int
sync_files(struct follow *f)
{
	struct follow_pos want;
	struct stat st;
	int r, gone, dir_err = 0, open_err = 0;

	/* a missing directory is reported at the end, after what can still be read */
	if (watch_dir(f) == -1)
		dir_err = errno;
	if (!f->started) {
		if (apply_start(f) == -1)
			return -1;
		free(f->start);
		f->start = NULL;
		f->started = 1;
	}
	/* 1. does path still name cur? */
	if (f->cur.fd >= 0) {
		gone = stat(f->path, &st) == -1;
		if (gone && errno != ENOENT)
			return fail(f, "stat", errno);
		if (gone || (uint64_t)st.st_dev != f->cur.dev ||
		    (uint64_t)st.st_ino != f->cur.ino) {
			if (cur_to_old(f) == -1)
				return -1;
		}
	}
	/* 2. cur cut (copytruncate)? the unread lines are in the copy, if any */
	if (f->cur.fd >= 0) {
		if (fstat(f->cur.fd, &st) == -1)
			return fail(f, "fstat", errno);
		r = st.st_size < f->cur.pos ? 0 : head_update(f, &f->cur);
		if (r == -1)
			return fail(f, "read", errno);
		if (r == 0) {
			want.dev = f->cur.dev;
			want.ino = f->cur.ino;
			want.pos = f->cur.pos;
			want.head_hash = f->cur.head_hash;
			want.head_len = f->cur.head_len;
			if (open_rotated(f, &want, f->cur.ino) == -1)
				return -1;
			left(f, &f->cur); /* its copy may come under another name */
			f->cur.pos = 0;
			f->cur.skipping = 0;
			f->cur.head_len = 0;
			f->cur.head_hash = FNV_BASIS;
			f->cur.head_done = 0;
		}
	}
	/* 3. a (new) file at path; if it cannot be opened, the old one is still read */
	if (f->cur.fd < 0 && ff_open(f, &f->cur, f->path, 0) == -1)
		open_err = errno;
	/* 4. the rotated file first; left once the writer moved to the new file or it is deleted */
	if (f->old.fd >= 0) {
		if (fstat(f->old.fd, &st) == -1)
			return fail(f, "fstat", errno);
		r = st.st_nlink == 0;
		if (!r && f->cur.fd >= 0) {
			if (fstat(f->cur.fd, &st) == -1)
				return fail(f, "fstat", errno);
			r = st.st_size > 0;
		}
		if ((r ? finish_old(f) : drain(f, &f->old, 0)) == -1)
			return -1;
	}
	/* 5. the file at path, once the old one is left (a write to it since 4. wakes us again) */
	if (f->cur.fd >= 0 && f->old.fd < 0) {
		if (drain(f, &f->cur, 0) == -1)
			return -1;
		if (!f->cur.head_done && head_update(f, &f->cur) == -1)
			return fail(f, "read", errno);
	}
	/* 6. watches the kernel dropped (IN_IGNORED) */
	if (f->cur.fd >= 0 && f->cur.wd < 0 && (f->cur.wd = watch_fd(f, f->cur.fd)) == -1)
		return fail(f, "inotify_add_watch", errno);
	if (f->old.fd >= 0 && f->old.wd < 0 && (f->old.wd = watch_fd(f, f->old.fd)) == -1)
		return fail(f, "inotify_add_watch", errno);
	if (dir_err != 0)
		return fail(f, f->dir, dir_err);
	if (open_err != 0) {
		errno = open_err; /* errmsg set by ff_open */
		return -1;
	}
	return 0;
}

struct follow *
follow_open(const char *path, const struct follow_pos *start, char *err, size_t errlen)
{
	struct follow *f;
	const char *slash;
	int e;

	log_errbuf(err, errlen, "%s", "");
	if (path == NULL || path[0] == '\0' || path[strlen(path) - 1] == '/' ||
	    (start != NULL && start->pos < 0)) {
		log_errbuf(err, errlen, "follow: %s: invalid arguments",
		           path != NULL ? path : "(null)");
		errno = EINVAL;
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	ff_clear(&f->cur);
	ff_clear(&f->old);
	f->wd_dir = -1;
	f->path = xstrdup(path);
	slash = strrchr(path, '/');
	if (slash == NULL) {
		f->dir = xstrdup(".");
		f->base = xstrdup(path);
	} else {
		f->dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		f->base = xstrdup(slash + 1);
	}
	if (start != NULL) {
		f->start = xmalloc(sizeof(*f->start));
		*f->start = *start;
	}
	if ((f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		e = errno;
		log_errbuf(err, errlen, "follow: %s: inotify_init1: %s", path, strerror(e));
		goto out;
	}
	f->buf = xmalloc(BUF_SIZE);
	/* the directory first, so nothing that happens after the start goes unseen */
	if (watch_dir(f) == -1 && errno != ENOENT && errno != EACCES) {
		e = errno;
		log_errbuf(err, errlen, "%s", f->errmsg);
		goto out;
	}
	f->errmsg[0] = '\0';
	/* the start position now, so "the end" is the end at follow_open (retried if it fails) */
	if (apply_start(f) == 0) {
		free(f->start);
		f->start = NULL;
		f->started = 1;
	}
	f->errmsg[0] = '\0';
	return f;
out:
	follow_close(f);
	errno = e;
	return NULL;
}

int
follow_fd(const struct follow *f)
{
	return f->ifd;
}

int
follow_read(struct follow *f, follow_line_fn fn, void *arg)
{
	int r, i;

	f->errmsg[0] = '\0';
	f->fn = fn;
	f->arg = arg;
	f->lines = 0;
	r = drain_events(f);
	/*
	 * Events that came while we read (often only the IN_IGNORED of a watch we
	 * removed) are taken too, so that the descriptor is not left readable for
	 * nothing; every event taken is followed by a look at the files. After a
	 * few rounds the rest stays queued: the caller is woken again.
	 */
	for (i = 0; r != -1; i++) {
		if ((r = sync_files(f)) == -1 || i == 3)
			break;
		if ((r = drain_events(f)) <= 0)
			break;
	}
	f->fn = NULL;
	f->arg = NULL;
	return r == -1 ? -1 : f->lines;
}

void
follow_pos(const struct follow *f, struct follow_pos *out)
{
	const struct ffile *ff = f->old.fd >= 0 ? &f->old : &f->cur;

	memset(out, 0, sizeof(*out));
	if (ff->fd < 0)
		return;
	out->dev = ff->dev;
	out->ino = ff->ino;
	out->pos = ff->pos;
	out->head_hash = ff->head_hash;
	out->head_len = ff->head_len;
}

int
follow_has_file(const struct follow *f, uint64_t dev, uint64_t ino)
{
	if (f->cur.fd >= 0 && f->cur.dev == dev && f->cur.ino == ino)
		return 1;
	if (f->old.fd >= 0 && f->old.dev == dev && f->old.ino == ino)
		return 1;
	return (f->left.dev | f->left.ino) != 0 && f->left.dev == dev && f->left.ino == ino;
}

int
follow_same_head(const struct follow *f, int fd)
{
	uint64_t hash[3] = {f->cur.head_hash, f->old.head_hash, f->left.head_hash};
	uint32_t len[3] = {f->cur.fd >= 0 ? f->cur.head_len : 0,
	                   f->old.fd >= 0 ? f->old.head_len : 0, f->left.head_len};
	char buf[FOLLOW_HEAD_MAX];
	int i, shorter = 0;
	ssize_t n;

	if ((n = pread_full(fd, buf, sizeof(buf), 0)) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if (len[i] == 0 || len[i] > sizeof(buf))
			continue;
		if ((size_t)n >= len[i]) {
			if (fnv(buf, len[i]) == hash[i])
				return 1;
		} else if (memchr(buf, '\n', (size_t)n) == NULL) {
			shorter =
			    1; /* a head has no "\n" before its end: this may still become it */
		}
	}
	return shorter ? 2 : 0;
}

const char *
follow_path(const struct follow *f)
{
	return f->path;
}

const char *
follow_errmsg(const struct follow *f)
{
	return f->errmsg;
}

void
follow_close(struct follow *f)
{
	if (f == NULL)
		return;
	if (f->old.fd >= 0)
		close(f->old.fd);
	if (f->cur.fd >= 0)
		close(f->cur.fd);
	if (f->ifd >= 0)
		close(f->ifd);
	free(f->start);
	free(f->buf);
	free(f->jscratch);
	free(f->path);
	free(f->dir);
	free(f->base);
	free(f);
}
