/* daemon.c: the daemon: follows the sources, detects attackers, bans them, keeps state. */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "daemon_ctl.h"
#include "log.h"
#include "xmalloc.h"

#define TICK_MS 1000
#define ENSURE_EVERY 5    /* ticks between checks that our firewall table is still there */
#define FORGET_EVERY 3600 /* ticks between prunings of the ban history (conf.history) */

int64_t
daemon_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The host's own addresses: never banned. */
static void
own_addresses(struct daemon *d)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) != 0) {
		log_warn("daemon: getifaddrs");
		return;
	}
	for (p = ifa; p != NULL; p = p->ifa_next) {
		struct cidr c;

		if (p->ifa_addr == NULL)
			continue;
		memset(&c, 0, sizeof(c));
		if (p->ifa_addr->sa_family == AF_INET) {
			c.net.af = 4;
			memcpy(c.net.a, &((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr, 4);
			c.bits = 32;
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			c.net.af = 6;
			memcpy(c.net.a, &((struct sockaddr_in6 *)(void *)p->ifa_addr)->sin6_addr,
			       16);
			c.bits = 128;
		} else
			continue;
		d->own = xreallocarray(d->own, d->nown + 1, sizeof(*d->own));
		d->own[d->nown++] = c;
	}
	freeifaddrs(ifa);
}

int
daemon_ban_conflict(const struct daemon *d, const struct djail *dj, const struct cidr *net)
{
	size_t i;

	for (i = 0; i < d->nown; i++)
		if (cidr_overlaps(&d->own[i], net))
			return 1;
	for (i = 0; i < dj->cj->nallow; i++)
		if (cidr_overlaps(&dj->cj->allow[i], net))
			return 1;
	return 0;
}

static void
on_ban(void *arg, struct jail *j, const struct detect_hit *hit, int64_t now)
{
	struct djail *dj = arg;
	struct daemon *d = dj->d;
	char a[ADDR_STRLEN], reason[STORE_REASON_MAX], dur[32], wide[ADDR_STRLEN];
	struct store_ban b;
	struct cidr net;

	net.net = hit->net;
	net.bits = hit->prefix;
	if (daemon_ban_conflict(d, dj, &net)) {
		/* a network holding an allowed address or this host's: the address alone */
		unsigned full = hit->src.af == 4 ? 32 : 128;

		addr_format(&hit->net, wide);
		net.net = hit->src;
		net.bits = (uint8_t)full;
		addr_format(&hit->src, a);
		if (hit->prefix == full || daemon_ban_conflict(d, dj, &net)) {
			log_warnx("%s: not banning %s/%u: an address of this host or of the "
			          "allowlist",
			          jail_name(j), a, full);
			return;
		}
		log_warnx("%s: banning %s alone, not %s/%u: that network holds an address of this "
		          "host or of the allowlist",
		          jail_name(j), a, wide, hit->prefix);
	}
	addr_format(&net.net, a);
	jail_reason(hit, dj->cj->findtime, reason, sizeof(reason));
	if (banmgr_ban(d->bm, &net.net, net.bits, jail_name(j), &dj->pol, now / 1000000, reason,
	               &b) == 1) {
		log_debug("%s: %s/%u still banned: extended (%s)", jail_name(j), a, net.bits,
		          reason);
		return;
	}
	if (b.expires == 0)
		log_warnx("%s: ban %s/%u for good (%s, ban #%u)", jail_name(j), a, net.bits, reason,
		          b.nth);
	else
		log_warnx("%s: ban %s/%u for %s (%s, ban #%u)", jail_name(j), a, net.bits,
		          duration_format(b.expires - b.start, dur, sizeof(dur)), reason, b.nth);
}

/* --- sources ------------------------------------------------------------------------------ */

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
 * Opens source name of dj and reads what is already there to read. A file is
 * resumed at its stored position; without one it is read from its end, or
 * from its start when new_file (a file that appeared after the start: all of
 * it is new) or the jail replays. Returns 0, or -1 (logged).
 */
static int
add_source(struct daemon *d, struct djail *dj, const char *name, int new_file)
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
			free(s->name);
			free(s);
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
			free(s->name);
			free(s);
			return -1;
		}
		fd = follow_fd(s->fl);
	}
	if (loop_add(d->loop, fd, EPOLLIN, on_source, s) != 0) {
		log_warn("%s: %s: epoll", dj->cj->name, name);
		if (s->fl != NULL)
			follow_close(s->fl);
		else
			journal_close(s->jn);
		free(s->name);
		free(s);
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
static int
jail_follows(const struct daemon *d, const struct djail *dj, const char *path,
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
	if (!S_ISREG(st.st_mode) || jail_follows(dg->d, dg->dj, path, &st))
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
	if (add_source(dg->d, dg->dj, path, dg->started) == 0)
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
				loop_del(d->loop, follow_fd(s->fl));
				follow_close(s->fl);
				free(s->name);
				free(s);
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
static size_t
add_glob(struct daemon *d, struct djail *dj, const char *pattern)
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
static int
save_positions(struct daemon *d, int all)
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

/* --- jails -------------------------------------------------------------------------------- */

static int
restore_window(void *arg, const struct addr *net, uint8_t prefix, int64_t ts, double w)
{
	struct djail *dj = arg;
	struct detect_hit hit;

	if (detect_restore(jail_detect(dj->j), net, prefix, ts, w, &hit) == 1)
		on_ban(dj, dj->j, &hit, daemon_now());
	return 0;
}

/* Builds the jails and opens their sources. Returns 0, or -1 when no source could be opened. */
static int
start_jails(struct daemon *d)
{
	size_t i, k, opened = 0;
	int64_t now = daemon_now();

	d->jails = xcalloc(d->conf.njails, sizeof(*d->jails));
	d->njails = 0;
	for (i = 0; i < d->conf.njails; i++) {
		const struct conf_jail *cj = &d->conf.jails[i];
		struct djail *dj = &d->jails[d->njails];
		struct jail_opts o;
		struct jail_cb cb = {on_ban, NULL};
		struct cidr *allow;

		if (!cj->enabled)
			continue;
		jail_opts_of(cj, (uint64_t)now ^ ((uint64_t)getpid() << 32) ^ i, &o);
		/* the jail's list plus this host's own addresses */
		allow = xreallocarray(NULL, cj->nallow + d->nown + 1, sizeof(*allow));
		memcpy(allow, cj->allow, cj->nallow * sizeof(*allow));
		memcpy(allow + cj->nallow, d->own, d->nown * sizeof(*allow));
		o.allow = allow;
		o.nallow = cj->nallow + d->nown;
		dj->d = d;
		dj->cj = cj;
		ban_policy_of(cj, &dj->pol);
		dj->j = jail_new(&o, &cb, dj);
		free(allow);
		d->njails++;
		if (d->st != NULL && store_fail_load(d->st, cj->name, now - cj->findtime * 1000000,
		                                     restore_window, dj) != 0)
			log_warnx("%s: %s", cj->name, store_errmsg(d->st));
		for (k = 0; k < cj->nsources; k++) {
			const char *src = cj->sources[k];

			if (strcmp(src, "journal") == 0 || strncmp(src, "journal:", 8) == 0 ||
			    strpbrk(src, "*?[") == NULL) {
				if (!jail_follows(d, dj, src, NULL) &&
				    add_source(d, dj, src, 0) == 0)
					opened++;
				continue;
			}
			opened += add_glob(d, dj, src);
		}
	}
	return opened > 0 ? 0 : -1;
}

static void
stop_jails(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->nsrcs; i++) {
		struct source *s = d->srcs[i];

		if (s->fl != NULL) {
			loop_del(d->loop, follow_fd(s->fl));
			follow_close(s->fl);
		} else {
			loop_del(d->loop, journal_fd(s->jn));
			journal_close(s->jn);
		}
		free(s->name);
		free(s);
	}
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
	for (i = 0; i < d->njails; i++)
		jail_free(d->jails[i].j);
	free(d->jails);
	d->jails = NULL;
	d->njails = 0;
}

/* --- the end of a loop turn: firewall first, then one store transaction --------------------- */

/* The failures still inside their windows, for the next start: the jail's rows replaced. */
static int
save_window(void *arg, const struct addr *net, uint8_t prefix, int64_t ts, double w)
{
	struct djail *dj = arg;

	return store_fail_add(dj->d->st, dj->cj->name, net, prefix, ts, w) < 0 ? -1 : 0;
}

/*
 * The end of a loop turn: the firewall first (one batch), then one store
 * transaction with the read positions. all (at a stop or reload): every
 * position, and the detectors' windows (kept only then: writing each counted
 * failure would cost more than reading the line; after a crash the windows
 * restart empty, the bans and positions are kept). When the disk is full the
 * store is kept: the turn's positions stay to write (the sources stay dirty)
 * and are tried again at the next tick, said once when it fails and once when
 * it works again.
 */
static void
end_turn(struct daemon *d, int all)
{
	char err[512], msg[512];
	size_t i;
	int64_t now = daemon_now() / 1000000;
	int e;

	if (banmgr_flush(d->bm, now, err, sizeof(err)) != 0)
		log_warnx("ban: %s", err);
	if (d->st != NULL && store_readonly(d->st)) {
		log_warnx("%s: read-only: state is kept in memory only", d->conf.database);
		banmgr_drop_store(d->bm);
		store_close(d->st);
		d->st = NULL;
	}
	if (d->st == NULL)
		return;
	if (!all) {
		for (i = 0; i < d->nsrcs && !d->srcs[i]->dirty; i++)
			;
		/* disk full: once a tick, not at each turn */
		if (i == d->nsrcs || (d->st_full && d->st_tried == d->ticks))
			return;
	}
	if (store_begin(d->st) != 0)
		goto fail;
	for (i = 0; all && i < d->njails; i++) {
		struct djail *dj = &d->jails[i];

		if (store_fail_prune(d->st, dj->cj->name, INT64_MAX) < 0 ||
		    detect_foreach(jail_detect(dj->j), save_window, dj) != 0)
			goto fail;
	}
	if (save_positions(d, all) != 0 || store_commit(d->st) != 0)
		goto fail;
	if (d->st_full)
		log_warnx("%s: writable again (the state kept in memory meanwhile is written)",
		          d->conf.database);
	d->st_full = 0;
	return;
fail:
	e = errno;
	snprintf(msg, sizeof(msg), "%s", store_errmsg(d->st));
	store_rollback(d->st);
	if (e == ENOSPC) {
		/* nothing of the turn was written: all of it is written at the next try */
		if (!d->st_full || all)
			log_warnx("%s (%s)", msg,
			          all ? "the read positions and failure windows are not saved"
			              : "the state is kept in memory, and written once there is "
			                "space again");
		d->st_full = 1;
		d->st_tried = d->ticks;
		for (i = 0; i < d->nsrcs; i++)
			d->srcs[i]->dirty = 1;
		return;
	}
	/* a lock held too long, an I/O error: keep going in memory, say so once */
	log_warnx("%s (state is kept in memory only from now on)", msg);
	banmgr_drop_store(d->bm);
	store_close(d->st);
	d->st = NULL;
	d->st_full = 0;
}

/* Forgets the bans older than the configured history (none when it is 0: kept for ever). */
static void
forget(struct daemon *d, int64_t now)
{
	size_t n;

	if (d->conf.history <= 0 || now <= d->conf.history)
		return;
	if (banmgr_forget(d->bm, now - d->conf.history, now, &n) != 0)
		log_warnx("ban history: %s", d->st != NULL ? store_errmsg(d->st) : "store error");
	else if (n > 0)
		log_debug("ban history: forgot %zu network%s banned over %lld s ago", n,
		          n == 1 ? "" : "s", (long long)d->conf.history);
}

static void
on_tick(void *arg, int fd, uint32_t events)
{
	struct daemon *d = arg;
	uint64_t n;
	int64_t now = daemon_now();
	size_t i;
	char err[512];

	(void)events;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	d->ticks++;
	banmgr_expire(d->bm, now / 1000000);
	if (d->ticks % FORGET_EVERY == 0)
		forget(d, now / 1000000);
	for (i = 0; i < d->njails; i++) {
		jail_tick(d->jails[i].j, now);
		if (d->st != NULL && !d->st_full && d->ticks % 60 == 0 &&
		    store_fail_prune(d->st, d->jails[i].cj->name,
		                     now - d->jails[i].cj->findtime * 1000000) < 0)
			log_warnx("%s", store_errmsg(d->st));
	}
	/* a file whose directory did not exist yet sends no event when it appears: look again */
	for (i = 0; i < d->nsrcs && d->ticks % 5 == 0; i++)
		if (d->srcs[i]->fl != NULL)
			on_source(d->srcs[i], follow_fd(d->srcs[i]->fl), EPOLLIN);
	/* nor does a glob's file in such a directory, or under a wildcard directory */
	for (i = 0; i < d->nglobs; i++)
		if (d->ticks % 5 == 0 || d->globs[i]->pending)
			scan_glob(d->globs[i]);
	if (d->ticks % ENSURE_EVERY == 0) {
		int rc = fw_ensure(d->fw, err, sizeof(err));

		if (rc < 0)
			log_warnx("firewall: %s", err);
		else if (rc == 1) {
			log_warnx(
			    "firewall: our table was removed; recreated it and put the bans back");
			banmgr_reapply(d->bm, now / 1000000);
		}
	}
}

/* (Re)opens the configuration's geoip databases; a problem is logged, and only costs the columns.
 */
static void
open_geo(struct daemon *d)
{
	char warn[1024];

	geoip_close(d->geo);
	d->geo = NULL;
	if (d->conf.geoip == NULL)
		return;
	d->geo = geoip_open(d->conf.geoip, warn, sizeof(warn));
	if (warn[0] != '\0')
		log_warnx("geoip: %s%s", warn,
		          d->geo == NULL ? " (status and bans show no countries)" : "");
}

/* Whether two NULL-terminated argument vectors (NULL: none) are the same. */
static int
argv_eq(char *const *a, char *const *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (; *a != NULL && *b != NULL; a++, b++)
		if (strcmp(*a, *b) != 0)
			return 0;
	return *a == *b;
}

static void
swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

/* Appends name to the list in kept[0..keptlen) ("socket, firewall"). */
static void
kept_add(char *kept, size_t keptlen, const char *name)
{
	size_t n = strlen(kept);

	snprintf(kept + n, keptlen - n, "%s%s", n > 0 ? ", " : "", name);
}

/*
 * The settings only a start applies (the control socket, the database, the
 * firewall backend): when c changes one, the running value is moved into c
 * (old gets c's, to be freed), so that status shows what runs, and its key
 * is named in kept and in the log.
 */
static void
keep_start_only(struct conf *old, struct conf *c, char *kept, size_t keptlen)
{
	char **t;

	kept[0] = '\0';
	if (strcmp(old->socket, c->socket) != 0) {
		swap_str(&old->socket, &c->socket);
		kept_add(kept, keptlen, "socket");
	}
	if (strcmp(old->database, c->database) != 0) {
		swap_str(&old->database, &c->database);
		kept_add(kept, keptlen, "database");
	}
	if (old->firewall != c->firewall ||
	    (c->firewall == CONF_FW_DRYRUN && strcmp(old->dryrun_path ? old->dryrun_path : "",
	                                             c->dryrun_path ? c->dryrun_path : "") != 0) ||
	    (c->firewall == CONF_FW_COMMAND &&
	     (!argv_eq(old->ban_argv, c->ban_argv) || !argv_eq(old->unban_argv, c->unban_argv)))) {
		enum conf_fw fw = old->firewall;

		old->firewall = c->firewall;
		c->firewall = fw;
		swap_str(&old->dryrun_path, &c->dryrun_path);
		t = old->ban_argv, old->ban_argv = c->ban_argv, c->ban_argv = t;
		t = old->unban_argv, old->unban_argv = c->unban_argv, c->unban_argv = t;
		kept_add(kept, keptlen, "firewall");
	}
	if (kept[0] != '\0')
		log_warnx("reload: %s changed in %s: kept until the next start", kept, c->path);
}

int
daemon_reload(struct daemon *d, char *msg, size_t msglen)
{
	struct conf c;

	msg[0] = '\0';
	if (conf_load(d->conf.path, &c, msg, msglen) != 0) {
		log_warnx("reload: %s (the running configuration stays)", msg);
		return -1;
	}
	keep_start_only(&d->conf, &c, msg, msglen);
	end_turn(d, 1);
	stop_jails(d);
	conf_free(&d->conf);
	d->conf = c;
	open_geo(d);
	forget(d, daemon_now() / 1000000); /* a shorter history applies now, not within the hour */
	if (start_jails(d) != 0)
		log_warnx("reload: no source could be opened; waiting for them to appear");
	log_warnx("reloaded %s: %zu jails, %zu sources", d->conf.path, d->njails, d->nsrcs);
	return 0;
}

static void
on_signal(void *arg, int fd, uint32_t events)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			d->reload = 1;
		else
			d->stop = 1;
	}
}

/* --- main --------------------------------------------------------------------------------- */

static int
setup_fds(struct daemon *d)
{
	sigset_t set;
	struct itimerspec its;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    loop_add(d->loop, d->sigfd, EPOLLIN, on_signal, d) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	if ((d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = its.it_value.tv_sec = TICK_MS / 1000;
	if (timerfd_settime(d->timerfd, 0, &its, NULL) != 0 ||
	    loop_add(d->loop, d->timerfd, EPOLLIN, on_tick, d) != 0)
		return -1;
	return 0;
}

/* Makes the database's directory (0700) when it is missing. */
static void
make_parent(const char *path)
{
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		log_warn("%s", dir);
}

static enum fw_kind
fw_kind_of(enum conf_fw k)
{
	switch (k) {
	case CONF_FW_IPSET:
		return FW_IPSET;
	case CONF_FW_COMMAND:
		return FW_COMMAND;
	case CONF_FW_DRYRUN:
		return FW_DRYRUN;
	default:
		return FW_NFTABLES;
	}
}

int
daemon_run(const char *path)
{
	int ret = 0, n;
	char err[1024], kept[1024];
	struct daemon d;
	struct fw_opts fo;

	memset(&d, 0, sizeof(d));
	d.sigfd = d.timerfd = -1;
	if (conf_load(path, &d.conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	d.started = daemon_now();
	own_addresses(&d);
	open_geo(&d);
	if ((d.loop = loop_new()) == NULL || setup_fds(&d) != 0) {
		log_warn("daemon: cannot set up the event loop");
		ret = EX_OSERR;
		goto out;
	}
	make_parent(d.conf.database);
	if ((d.st = store_open(d.conf.database, err, sizeof(err))) == NULL)
		log_warnx("%s (bans are kept in memory only: they are not remembered across "
		          "restarts)",
		          err);
	memset(&fo, 0, sizeof(fo));
	fo.kind = fw_kind_of(d.conf.firewall);
	fo.table = "authwatch";
	fo.dryrun_path = d.conf.dryrun_path;
	fo.ban_argv = d.conf.ban_argv;
	fo.unban_argv = d.conf.unban_argv;
	if ((d.fw = fw_open(&fo, err, sizeof(err))) == NULL) {
		log_warnx("firewall: %s", err);
		ret = EX_UNAVAILABLE;
		goto out;
	}
	d.bm = banmgr_new(d.fw, d.st);
	if ((n = banmgr_restore(d.bm, d.started / 1000000, err, sizeof(err))) < 0)
		log_warnx("restoring bans: %s", err);
	else if (n > 0)
		log_warnx("restored %d active ban%s", n, n == 1 ? "" : "s");
	forget(&d, d.started / 1000000);
	if (start_jails(&d) != 0)
		log_warnx("no source could be opened yet; waiting for them to appear");
	end_turn(&d, 1); /* restored bans and what the sources held: one batch */
	if ((d.ctl = control_open(d.conf.socket, d.loop, daemon_ctl_request, &d, err,
	                          sizeof(err))) == NULL) {
		log_warnx("%s", err);
		ret = EX_UNAVAILABLE;
		goto out;
	}
	log_warnx("started: %zu jails, %zu sources, control socket %s", d.njails, d.nsrcs,
	          d.conf.socket);
	sd_notify(0, "READY=1");
	while (!d.stop) {
		if (loop_once(d.loop, -1) < 0) {
			log_warn("daemon: epoll");
			ret = EX_OSERR;
			break;
		}
		if (d.reload) {
			d.reload = 0;
			sd_notify(0, "RELOADING=1");
			daemon_reload(&d, kept, sizeof(kept));
			sd_notify(0, "READY=1");
		}
		end_turn(&d, 0);
	}
	sd_notify(0, "STOPPING=1");
	end_turn(&d, 1);
	log_warnx("stopped; active bans stay in the firewall until they expire");
out:
	control_close(d.ctl);
	stop_jails(&d);
	banmgr_free(d.bm);
	if (d.fw != NULL)
		fw_close(d.fw);
	store_close(d.st);
	if (d.sigfd >= 0)
		close(d.sigfd);
	if (d.timerfd >= 0)
		close(d.timerfd);
	loop_free(d.loop);
	free(d.own);
	geoip_close(d.geo);
	conf_free(&d.conf);
	return ret;
}
