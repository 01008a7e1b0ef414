/* daemon_src.c: the daemon's sources: files, globs and the journal, followed and read. */
#include <sys/epoll.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_src.h"
#include "log.h"
#include "xmalloc.h"

static void
source_line(void *arg, const char *line, size_t len, unsigned flags)
{
	struct source *s = arg;
	int64_t now = daemon_now();

	(void)flags;
	s->lines++;
	s->dirty = 1;
	jail_line(s->dj->j, &s->ctx, line, len, s->replay ? INT64_MIN : now);
}

static void
on_source(void *arg, int fd, uint32_t events)
{
	struct source *s = arg;

	(void)fd;
	(void)events;
	if (s->fl != NULL) {
		if (follow_read(s->fl, source_line, s) < 0) {
			/* said once until it changes: a missing directory is retried every 5 s */
			if (strcmp(s->lasterr, follow_errmsg(s->fl)) != 0)
				log_warnx("%s", follow_errmsg(s->fl));
			snprintf(s->lasterr, sizeof(s->lasterr), "%s", follow_errmsg(s->fl));
		} else
			s->lasterr[0] = '\0';
		if (s->replay) {
			s->replay = 0;
			jail_set_since(s->dj->j, INT64_MIN);
		}
		return;
	}
	if (journal_process(s->jn) < 0)
		return;
	for (;;) {
		const char *line;
		size_t len;
		unsigned fl;
		int rc = journal_next(s->jn, &line, &len, &fl);

		if (rc <= 0) {
			if (rc < 0)
				log_warnx("%s", journal_errmsg(s->jn));
			break;
		}
		source_line(s, line, len, fl);
	}
}

/*
 * Closes what s holds (its follower or journal, taken out of the loop first
 * when registered there) and frees it.
 */
static void
source_free(struct daemon *d, struct source *s, int registered)
{
	if (s->fl != NULL) {
		if (registered)
			loop_del(d->loop, follow_fd(s->fl));
		follow_close(s->fl);
	} else if (s->jn != NULL) {
		if (registered)
			loop_del(d->loop, journal_fd(s->jn));
		journal_close(s->jn);
	}
	free(s->name);
	free(s);
}

/*
 * Opens source name of dj and reads what is already there to read. A file is
 * resumed at its stored position; without one it is read from its end, or
 * from its start when new_file (a file that appeared after the start: all of
 * it is new) or the jail replays. Returns 0, or -1 (logged).
 */
int
daemon_src_add(struct daemon *d, struct djail *dj, const char *name, int new_file)
{
	struct source *s;
	char err[512];
	int fd;

	s = xcalloc(1, sizeof(*s));
	s->d = d;
	s->dj = dj;
	s->name = xstrdup(name);
	s->dirty = d->st_full; /* the store is behind: its position is to write */
	hdr_ctx_init(&s->ctx, daemon_now() / 1000000);
	if (strcmp(name, "journal") == 0 || strncmp(name, "journal:", 8) == 0) {
		char cursor[1024];
		int have = d->st != NULL && !d->st_full &&
		           store_cursor_get(d->st, name, cursor, sizeof(cursor)) == 0;
		const char *arg = name[7] == ':' ? name + 8 : NULL;

		/* journal:UNIT, or journal:/DIR for the journal files of a directory */
		s->jn =
		    arg != NULL && arg[0] == '/'
		        ? journal_open_follow_dir(arg, NULL, have ? cursor : NULL, err, sizeof(err))
		        : journal_open_follow(arg, have ? cursor : NULL, err, sizeof(err));
		if (s->jn == NULL) {
			log_warnx("%s: %s", dj->cj->name, err);
			source_free(d, s, 0);
			return -1;
		}
		fd = journal_fd(s->jn);
	} else {
		struct store_offset off;
		struct follow_pos pos, *start = NULL;

		/* a store behind memory (disk full) holds old positions: lines read twice */
		if (d->st != NULL && !d->st_full && store_offset_get(d->st, name, &off) == 0) {
			pos.dev = off.dev;
			pos.ino = off.ino;
			pos.pos = off.pos;
			pos.head_hash = off.head_hash;
			pos.head_len = off.head_len;
			start = &pos;
		} else if (new_file) {
			/* appeared while we ran: all of it is new, read from its start (an all-zero
			 * position) as a rotated-in file is */
			memset(&pos, 0, sizeof(pos));
			start = &pos;
		} else if (dj->cj->replay) {
			/* first start with replay: from the file's start (an all-zero position),
			 * judged in log time, lines older than findtime skipped */
			memset(&pos, 0, sizeof(pos));
			start = &pos;
			s->replay = 1;
			jail_set_since(dj->j, daemon_now() - dj->cj->findtime * 1000000);
		}
		s->fl = follow_open(name, start, err, sizeof(err));
		if (s->fl == NULL) {
			log_warnx("%s: %s", dj->cj->name, err);
			source_free(d, s, 0);
			return -1;
		}
		fd = follow_fd(s->fl);
	}
	if (loop_add(d->loop, fd, EPOLLIN, on_source, s) != 0) {
		log_warn("%s: %s: epoll", dj->cj->name, name);
		source_free(d, s, 0);
		return -1;
	}
	d->srcs = xreallocarray(d->srcs, d->nsrcs + 1, sizeof(*d->srcs));
	d->srcs[d->nsrcs++] = s;
	/* lines already there (a resumed position, a replay) are read now */
	on_source(s, fd, EPOLLIN);
	return 0;
}

/*
 * Whether dj follows path already: by that name, or (st given) the file st
 * under another name, such as a rotated file renamed to a name a glob matches
 * (its lines came through the follower it was rotated from).
 */
int
daemon_src_follows(const struct daemon *d, const struct djail *dj, const char *path,
                   const struct stat *st)
{
	size_t i;

	for (i = 0; i < d->nsrcs; i++) {
		const struct source *s = d->srcs[i];

		if (s->dj != dj)
			continue;
		if (strcmp(s->name, path) == 0)
			return 1;
		if (st != NULL && s->fl != NULL &&
		    follow_has_file(s->fl, (uint64_t)st->st_dev, (uint64_t)st->st_ino))
			return 1;
	}
	return 0;
}

/*
 * Whether the file open as fd is a copy of one that dj reads (logrotate's
 * copytruncate: follow_same_head). Returns 1 (*of: that source), 0, or 2 when
 * it cannot tell yet.
 */
static int
jail_copy(const struct daemon *d, const struct djail *dj, int fd, const char **of)
{
	size_t i;
	int r, later = 0;

	for (i = 0; i < d->nsrcs; i++) {
		const struct source *s = d->srcs[i];

		if (s->dj != dj || s->fl == NULL)
			continue;
		if ((r = follow_same_head(s->fl, fd)) == 1) {
			*of = s->name;
			return 1;
		}
		if (r != 0)
			later = 1;
	}
	return later ? 2 : 0;
}

/*
 * A glob source of a jail: the files it matches are followed, and so are those
 * that match later (found by its directory's events and each few ticks).
 */
struct dglob {
	struct daemon *d;
	struct djail *dj;
	struct follow_glob *g;
	int started; /* the first scan is over: a match from now on is a new file */
	int pending; /* a new match is still being written: looked at again each tick */
};

/*
 * follow_glob_fn: a path that matches dg's pattern now and did not before.
 * After the start, one that is the file (or a copy of one) a follower of the
 * jail reads is not followed again: rotated to a name the glob matches, its
 * lines came through that follower.
 */
static int
glob_match(void *arg, const char *path)
{
	struct dglob *dg = arg;
	const char *of = NULL;
	struct stat st;
	int fd, r;

	if (stat(path, &st) == -1)
		return -1; /* gone already, or not reachable: offered again while it matches */
	if (!S_ISREG(st.st_mode) || daemon_src_follows(dg->d, dg->dj, path, &st))
		return 0;
	if (dg->started) {
		/* logrotate's copy starts empty: a new file is judged once it has data */
		if (st.st_size == 0 ||
		    (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1) {
			dg->pending = 1;
			return -1;
		}
		r = jail_copy(dg->d, dg->dj, fd, &of);
		close(fd);
		if (r == 2) {
			dg->pending = 1;
			return -1;
		}
		if (r == 1) {
			log_warnx(
			    "%s: not following %s: a copy of %s (it starts with the same line)",
			    dg->dj->cj->name, path, of);
			return 0;
		}
	}
	if (dg->started) /* said first: add_source reads what is there */
		log_warnx("%s: following %s from its start: a new file matching %s",
		          dg->dj->cj->name, path, follow_glob_pattern(dg->g));
	/* one that cannot be followed (logged) is not tried again before it goes or a reload */
	if (daemon_src_add(dg->d, dg->dj, path, dg->started) == 0)
		dg->d->srcs[dg->d->nsrcs - 1]->glob = dg;
	return 0;
}

/*
 * Stops following the files of dg that went away: no longer matched, and
 * their follower holds no file (it read all of them). One that comes back is
 * a new file.
 */
static void
drop_gone(struct daemon *d, struct dglob *dg)
{
	struct follow_pos p;
	size_t i, k;

	for (i = k = 0; i < d->nsrcs; i++) {
		struct source *s = d->srcs[i];

		if (s->glob == dg && !follow_glob_has(dg->g, s->name)) {
			follow_pos(s->fl, &p);
			if ((p.dev | p.ino) == 0) {
				log_warnx("%s: no longer following %s: it went away",
				          dg->dj->cj->name, s->name);
				source_free(d, s, 1);
				continue;
			}
		}
		d->srcs[k++] = s;
	}
	d->nsrcs = k;
}

/* Expands dg's pattern again: a new match gets a follower, one that went away loses it. */
static void
scan_glob(struct dglob *dg)
{
	dg->pending = 0;
	if (follow_glob_scan(dg->g, glob_match, dg) < 0)
		log_warnx("%s: %s", dg->dj->cj->name, follow_glob_errmsg(dg->g));
	drop_gone(dg->d, dg);
}

static void
on_glob(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	scan_glob(arg);
}

/* Follows the files pattern matches, now and as they appear. Returns how many it follows now. */
size_t
daemon_src_add_glob(struct daemon *d, struct djail *dj, const char *pattern)
{
	struct dglob *dg;
	char err[512];
	size_t before = d->nsrcs;
	int n;

	dg = xcalloc(1, sizeof(*dg));
	dg->d = d;
	dg->dj = dj;
	if ((dg->g = follow_glob_open(pattern, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", dj->cj->name, err);
		free(dg);
		return 0;
	}
	if (loop_add(d->loop, follow_glob_fd(dg->g), EPOLLIN, on_glob, dg) != 0) {
		log_warn("%s: %s: epoll", dj->cj->name, pattern);
		follow_glob_close(dg->g);
		free(dg);
		return 0;
	}
	d->globs = xreallocarray(d->globs, d->nglobs + 1, sizeof(*d->globs));
	d->globs[d->nglobs++] = dg;
	if ((n = follow_glob_scan(dg->g, glob_match, dg)) < 0)
		log_warnx("%s: %s", dj->cj->name, follow_glob_errmsg(dg->g));
	else if (n == 0)
		log_warnx("%s: %s matches no file yet: followed when one appears", dj->cj->name,
		          pattern);
	dg->started = 1;
	return d->nsrcs - before;
}

/* Saves where each source is, in the turn's transaction. Returns 0, or -1 (store_errmsg). */
int
daemon_src_save(struct daemon *d, int all)
{
	size_t i;

	for (i = 0; i < d->nsrcs; i++) {
		struct source *s = d->srcs[i];

		if (!s->dirty && !all)
			continue;
		s->dirty = 0;
		if (s->fl != NULL) {
			struct follow_pos p;
			struct store_offset o;

			follow_pos(s->fl, &p);
			o.dev = p.dev;
			o.ino = p.ino;
			o.pos = p.pos;
			o.head_hash = p.head_hash;
			o.head_len = p.head_len;
			if (store_offset_put(d->st, s->name, &o) != 0)
				return -1;
		} else {
			char cur[1024];

			if (journal_cursor(s->jn, cur, sizeof(cur)) == 0 &&
			    store_cursor_put(d->st, s->name, cur) != 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Each tick: a file whose directory did not exist yet sends no event when it
 * appears, so every few ticks each source looks again; nor does a glob's file
 * in such a directory, or under a wildcard directory: its pattern is expanded
 * again then, and at every tick while a new match is still being written.
 */
void
daemon_src_tick(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->nsrcs && d->ticks % 5 == 0; i++)
		if (d->srcs[i]->fl != NULL)
			on_source(d->srcs[i], follow_fd(d->srcs[i]->fl), EPOLLIN);
	for (i = 0; i < d->nglobs; i++)
		if (d->ticks % 5 == 0 || d->globs[i]->pending)
			scan_glob(d->globs[i]);
}

void
daemon_src_close_all(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->nsrcs; i++)
		source_free(d, d->srcs[i], 1);
	free(d->srcs);
	d->srcs = NULL;
	d->nsrcs = 0;
	for (i = 0; i < d->nglobs; i++) {
		loop_del(d->loop, follow_glob_fd(d->globs[i]->g));
		follow_glob_close(d->globs[i]->g);
		free(d->globs[i]);
	}
	free(d->globs);
	d->globs = NULL;
	d->nglobs = 0;
}
