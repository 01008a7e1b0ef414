/* daemon_src.h: the daemon's sources (files, globs, the journal): opened, read, saved. */
#ifndef DAEMON_SRC_H
#define DAEMON_SRC_H

#include <stddef.h>
#include <sys/stat.h>

struct daemon;
struct djail;

/*
 * Opens source name ("journal", "journal:UNIT", "journal:/DIR" or a path) of
 * dj, adds it to d->srcs and reads what is already there to read: a file
 * from its stored position, else from its end, or from its start when
 * new_file (it appeared after the start) or the jail replays. Returns 0, or
 * -1 (logged; nothing added).
 */
int daemon_src_add(struct daemon *d, struct djail *dj, const char *name, int new_file);

/*
 * Follows the files pattern matches, now and as they appear (inotify on its
 * directory, and daemon_src_tick). Returns how many it follows now.
 */
size_t daemon_src_add_glob(struct daemon *d, struct djail *dj, const char *pattern);

/* 1 when dj follows path already: by that name, or (st given) that file under another name. */
int daemon_src_follows(const struct daemon *d, const struct djail *dj, const char *path,
                       const struct stat *st);

/*
 * Writes where each source is (all: every one, else those that read lines
 * since) in the store's open transaction. Returns 0, or -1 (store_errmsg,
 * errno).
 */
int daemon_src_save(struct daemon *d, int all);

/* The once-a-tick work: sources and globs looked at again (see daemon_src.c). */
void daemon_src_tick(struct daemon *d);

/* Closes every source and glob watcher of d (at a stop or before a reload). */
void daemon_src_close_all(struct daemon *d);

#endif
