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
#include "daemon_src.h"
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

/*
 * The jail's callback: bans hit. now is the time the window was judged by: a
 * replayed line's own time. The ban starts when it is decided, by the clock:
 * the firewall's timeout runs from the flush, so must its end in the store and
 * in `authwatch bans`, and the history counts it from then.
 */
static void
on_ban(void *arg, struct jail *j, const struct detect_hit *hit, int64_t now)
{
	struct djail *dj = arg;
	struct daemon *d = dj->d;
	char a[ADDR_STRLEN], reason[STORE_REASON_MAX], dur[32], wide[ADDR_STRLEN];
	struct store_ban b;
	struct cidr net;

	(void)now;
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
	if (banmgr_ban(d->bm, &net.net, net.bits, jail_name(j), &dj->pol, daemon_now() / 1000000,
	               reason, &b) == 1) {
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
				if (!daemon_src_follows(d, dj, src, NULL) &&
				    daemon_src_add(d, dj, src, 0) == 0)
					opened++;
				continue;
			}
			opened += daemon_src_add_glob(d, dj, src);
		}
	}
	return opened > 0 ? 0 : -1;
}

static void
stop_jails(struct daemon *d)
{
	size_t i;

	daemon_src_close_all(d);
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
	if (daemon_src_save(d, all) != 0 || store_commit(d->st) != 0)
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
	daemon_src_tick(d);
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
		log_warnx(d->njails == 0
		              ? "reload: every jail is off (enabled = no): nothing to follow"
		              : "reload: no source could be opened; waiting for them to "
		                "appear");
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
		log_warnx(d.njails == 0
		              ? "every jail is off (enabled = no): nothing to follow"
		              : "no source could be opened yet; waiting for them to appear");
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
