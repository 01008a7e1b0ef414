/* daemon.h: the intrusion-prevention daemon: its state, shared by daemon.c and daemon_ctl.c. */
#ifndef DAEMON_H
#define DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "ban.h"
#include "conf.h"
#include "geoip.h"
#include "control.h"
#include "follow.h"
#include "fw.h"
#include "jail.h"
#include "journal.h"
#include "loop.h"
#include "store.h"

struct daemon;
struct djail;
struct dglob;

/* One followed source of one jail. Invariant: exactly one of fl and jn is set. */
struct source {
	struct daemon *d;
	struct djail *dj;
	char *name; /* the path, or "journal" / "journal:UNIT" */
	struct follow *fl;
	struct journal *jn;
	struct dglob *glob; /* the glob source that matched it; NULL: listed as it is */
	struct hdr_ctx ctx;
	uint64_t lines;
	int dirty;         /* read lines since its position was last stored */
	int replay;        /* reading what was there at first start: judged in log time */
	char lasterr[256]; /* the last read error logged, "" when the last read was fine */
};

/* A jail at run time. */
struct djail {
	struct daemon *d;
	struct jail *j;
	const struct conf_jail *cj;
	struct ban_policy pol;
};

/*
 * The daemon. Invariant: every source's fd and the signal, timer and control
 * fds are watched by loop; jails[i].cj points into conf.
 */
struct daemon {
	struct conf conf;
	struct loop *loop;
	struct control *ctl;
	struct fw *fw;
	struct store *st;
	struct banmgr *bm;
	struct djail *jails;
	size_t njails;
	struct source **srcs; /* each allocated alone: the loop holds pointers to them */
	size_t nsrcs;
	struct dglob *
	    *globs; /* the glob sources, watched for new files (the loop holds them too) */
	size_t nglobs;
	struct cidr *own;
	size_t nown;
	int sigfd, timerfd;
	int stop, reload;
	int64_t started;
	uint64_t ticks;
	int st_full;       /* the last store write failed for lack of space: retried each tick */
	uint64_t st_tried; /* the tick of that try */
	struct geoip *geo; /* the conf's geoip databases (status and bans show countries); NULL:
	                      none or unusable */
};

/*
 * 1 when the network net holds (or is held by) an address of this host or an
 * entry of jail dj's allowlist: banning it would ban what must never be
 * banned. Else 0.
 */
int daemon_ban_conflict(const struct daemon *d, const struct djail *dj, const struct cidr *net);

/* The clock, UTC µs. */
int64_t daemon_now(void);

/*
 * Re-reads the configuration and rebuilds jails and sources. Returns 0, or -1 with the reason
 * ("FILE:LINE: ...") in msg[0..msglen) (the running one stays; logged too). On success what
 * only a start applies (socket, database, the firewall backend) keeps its running value; when
 * the file changed it, msg names it ("socket, firewall"), else msg is "".
 */
int daemon_reload(struct daemon *d, char *msg, size_t msglen);

/*
 * Runs the daemon of the configuration at conf_path until SIGTERM/SIGINT.
 * Returns the process exit code.
 */
int daemon_run(const char *conf_path);

#endif
