/* follow.h: follows a growing log file across rotation and truncation (inotify, no polling),
 * and the files a glob matches as they appear. */
#ifndef FOLLOW_H
#define FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#define FOLLOW_MAX_LINE (64 * 1024) /* longer lines are cut to this and flagged */
#define FOLLOW_HEAD_MAX 4096        /* bytes of a file's first line that identify it */

#define FOLLOW_TRUNCATED 0x01 /* the line was longer than FOLLOW_MAX_LINE: its start only */
#define FOLLOW_PARTIAL 0x02   /* the file went away (rotated, deleted) without a final "\n" */

struct follow;

/*
 * Where a follower is: the file's identity (device and inode), the offset after
 * the last delivered line, and a hash of the file's first line ("\n"
 * included, at most FOLLOW_HEAD_MAX bytes; head_len 0: the file was empty) so
 * that a file replaced by another with the same inode, or truncated and
 * rewritten (copytruncate), is recognised. All zero: no file yet (resuming
 * from it reads the file from its start when it appears). Plain data: the
 * daemon stores it as it is.
 */
struct follow_pos {
	uint64_t dev, ino;
	int64_t pos;
	uint64_t head_hash;
	uint32_t head_len;
};

/*
 * Called for each line, in file order: line[0..len) without its "\n" (and
 * without a "\r" before it), borrowed until fn returns; NUL bytes and invalid
 * UTF-8 are ordinary bytes. A whole line that is a journal entry as
 * `journalctl -o json` writes it arrives as the text line journal_next writes
 * (journal_json_line). flags: FOLLOW_TRUNCATED, FOLLOW_PARTIAL. fn may
 * call follow_pos (it already says "after this line") but not follow_read or
 * follow_close.
 */
typedef void (*follow_line_fn)(void *arg, const char *line, size_t len, unsigned flags);

/*
 * Starts following path (a regular file; its directory is watched too).
 *   start NULL: from the current end of the file, so only lines written from
 *     now on count (a line being written at the end is skipped); a file that
 *     does not exist yet is read from its start when it appears.
 *   start given: at start->pos when path is still that file (same dev/ino,
 *     same head hash, not shorter than pos). Otherwise, when the file was
 *     rotated while we were down, the rotated file -- path, '.' or '-', a
 *     digit, then digits, '-', '_' ("auth.log.1", "auth.log-20240531"), so
 *     uncompressed, in the same directory, with that dev/ino and head, or a
 *     copy with the same head and at least pos bytes (copytruncate) -- is
 *     read from start->pos to its end, then path from 0.
 *     With no such file, path is read from 0 (lines in a rotated file that was
 *     compressed or deleted meanwhile are lost).
 *     A pos that is not at a line start (just after "\n") skips to the next one.
 * A path that does not exist yet is fine: the follower starts when it
 * appears. A missing (or unreadable) directory is too, but cannot be watched:
 * follow_read fails with ENOENT until it exists, and only a call made then
 * (the caller's retry) notices it. Nothing is read here: call follow_read
 * once after follow_open, then each time follow_fd is readable.
 * Returns the follower, owned by the caller (free with follow_close), or NULL
 * with errno set and a message "follow: ..." in err[0..errlen) for bad
 * arguments (EINVAL: path NULL, empty or ending in '/'; start->pos < 0) or an
 * inotify failure (EMFILE, ENOMEM, ...).
 */
struct follow *follow_open(const char *path, const struct follow_pos *start, char *err,
                           size_t errlen);

/* The inotify descriptor (non-blocking, close-on-exec) to wait on for reading; owned by f. */
int follow_fd(const struct follow *f);

/*
 * Drains f's inotify events, then reads every complete new line and calls fn
 * for each, in order. It does not trust the events alone: each call checks
 * the directory and the file again (so an event queue overflow loses
 * nothing). Handles
 *   appends;
 *   rotation by rename: the old file, kept open, is read to its end (lines its
 *     writer adds after the rename included) and left once the new file at
 *     path has data (the writer moved: later writes to the old file are not
 *     seen) or the old one was deleted; its last line without "\n" is then
 *     delivered (FOLLOW_PARTIAL); then the new file is read from 0;
 *   copytruncate (size < pos, or the head changed): the lines not yet read are
 *     taken from the copy (a rotated name as for follow_open, with the same
 *     head) when there is one, then the file is read again from 0 (lines
 *     written between logrotate's copy and its truncate are lost anyway);
 *   delete, re-create, replace (rename onto path), and the file appearing
 *     later: read from 0;
 *   a last line without "\n": waits until completed (re-read each call).
 * Lines longer than FOLLOW_MAX_LINE are delivered cut (FOLLOW_TRUNCATED) and
 * the rest of the line is skipped. Never blocks (regular files only), but
 * reads to the end in one call: a large backlog (a resume after a long
 * stop) is read at once. No allocation per line (one 256 KiB buffer, reused).
 * A symbolic link at path is followed, but only path's own directory is
 * watched.
 * Returns the number of lines delivered (at most INT_MAX), or -1 on a hard
 * error (path not a regular file, open or read failure, directory missing,
 * inotify watch limit) with errno set and follow_errmsg saying what; lines
 * delivered before the error stay delivered; the next call tries again (a
 * missing directory produces no event: the caller retries on its own clock).
 */
int follow_read(struct follow *f, follow_line_fn fn, void *arg);

/*
 * Where f is, for resuming later with follow_open: the position after the last
 * delivered line of the rotated file still being read if there is one
 * (nothing of the new file was delivered yet), else of
 * the file at path, else all zero. While the rest of a cut line is skipped,
 * pos is inside that line (resuming skips to the next line).
 */
void follow_pos(const struct follow *f, struct follow_pos *out);

/*
 * Whether the file dev/ino (as stat(2) gives them) is one that f reads or read:
 * the file at its path, a file rotated away from path that f is still reading,
 * or the last file it left (such a file read to its end, or the file at path
 * before it was cut). Lets a caller that follows the matches of a glob tell a
 * rotated file renamed to a matching name (its lines came through f) from a
 * new file. Returns 1 or 0.
 */
int follow_has_file(const struct follow *f, uint64_t dev, uint64_t ino);

/*
 * Whether the file open as fd (read from offset 0) starts with the head (see
 * struct follow_pos) of a file f reads or read, as follow_has_file counts
 * them: a copy of it, as logrotate's copytruncate makes. Returns 1 yes, 0 no
 * (also when those files are empty), 2 when fd is shorter than such a head
 * and holds no whole line yet (a copy being written, or a new file: ask again
 * once it has grown), -1 on a read error (errno).
 */
int follow_same_head(const struct follow *f, int fd);

/* The path given to follow_open. */
const char *follow_path(const struct follow *f);

/* The last error's text "follow: PATH: reason" ("" when the last follow_read succeeded). */
const char *follow_errmsg(const struct follow *f);

/* Closes the files and the inotify descriptor and frees f (NULL is fine). */
void follow_close(struct follow *f);

/* --- the files a glob matches (follow_glob.c) --- */

struct follow_glob;

/*
 * Watches the paths that match pattern (glob(3): '*', '?', '[...]'), for a
 * source whose files may appear later: the directory of its last component is
 * watched with inotify when that directory has no wildcard (when it has one,
 * or does not exist yet, only the caller's periodic follow_glob_scan sees new
 * files; a directory that appears is watched from the next scan on). Nothing is
 * matched here: call follow_glob_scan. Returns the watcher, owned by the caller
 * (free with follow_glob_close), or NULL with errno set and a message
 * "follow: ..." in err[0..errlen) (EINVAL: pattern NULL or empty; an inotify
 * failure: EMFILE, ENOMEM, ...).
 */
struct follow_glob *follow_glob_open(const char *pattern, char *err, size_t errlen);

/* The inotify descriptor (non-blocking, close-on-exec), readable when the directory changed:
 * then call follow_glob_scan. Owned by g. */
int follow_glob_fd(const struct follow_glob *g);

/*
 * Offered a path that matches the pattern now and was not taken at the previous
 * scan (at the first scan: every match). Returns 0 when it took the path (not
 * offered again while it goes on matching), -1 to have it offered again at the
 * next scan. It must not call follow_glob_scan or follow_glob_close on g.
 */
typedef int (*follow_glob_fn)(void *arg, const char *path);

/*
 * Drains g's events and expands the pattern again (glob(3), no flags): calls fn
 * for each new match, in glob(3)'s order (sorted). A path that stops
 * matching (deleted, renamed) is forgotten: offered again if it comes back.
 * Allocates (glob(3) does): call it when follow_glob_fd is readable and now and
 * then (every few seconds), not per line. Returns how many paths match now, or
 * -1 with errno set and follow_glob_errmsg saying what (ENOMEM; EIO: glob(3)
 * failed); the paths taken before stay taken.
 */
int follow_glob_scan(struct follow_glob *g, follow_glob_fn fn, void *arg);

/* Whether path matched at the last scan and was taken. */
int follow_glob_has(const struct follow_glob *g, const char *path);

/* The pattern given to follow_glob_open. */
const char *follow_glob_pattern(const struct follow_glob *g);

/* The last scan's error, "follow: PATTERN: reason" ("" when it succeeded). */
const char *follow_glob_errmsg(const struct follow_glob *g);

/* Closes the inotify descriptor and frees g (NULL is fine). */
void follow_glob_close(struct follow_glob *g);

#endif
