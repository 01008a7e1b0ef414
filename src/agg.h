/* agg.h: the report model: aggregates events and connection records into the report's sections. */
#ifndef AGG_H
#define AGG_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conn.h"
#include "event.h"
#include "strtab.h"
#include "timespec.h"

/* What the user asked to see. */
struct agg_opts {
	int64_t since, until; /* UTC µs; INT64_MIN / INT64_MAX: no bound */
	const char *host;     /* NULL: every host */
	const char *user;     /* NULL: every user */
	int have_ip;          /* filter on ip (an address or a network) */
	struct cidr ip;
	unsigned top; /* rows per section (--top) */
	/* the hash seed of the tables crafted keys could flood (random in use); it never
	   changes the report (the distinct counts use constant seeds) */
	uint64_t seed;
};

/* One input as read. */
struct agg_file {
	char *path;
	uint64_t lines, events, unknown, truncated, filtered;
	int64_t first, last; /* UTC µs of its first and last stamped line; INT64_MIN if none */
	char *error;         /* NULL, or what went wrong ("truncated gzip data after line 812") */
};

/* Per attacking address (failed, probe or negotiation connections). */
struct agg_attacker {
	struct addr src;
	uint64_t attempts;    /* failed authentications */
	uint32_t connections; /* hostile connections */
	uint32_t logins;      /* accepted logins from it (a successful brute force?) */
	uint32_t users[3];    /* first distinct user names tried */
	uint32_t users_more; /* distinct names tried beyond users[] (after agg_finish; see below) */
	int64_t first, last;
	uint32_t f2b_bans; /* Fail2Ban bans of this address in the input */
	/*
	 * agg's own bookkeeping for users_more: the more_n names beyond users[]
	 * are held exactly in more.ids while there are at most AGG_MORE_IDS;
	 * one more turns that memory into a HyperLogLog sketch of 64 four-bit
	 * registers (more_n is then AGG_MORE_SKETCH). So users_more is exact up
	 * to 3 + AGG_MORE_IDS names in all and an estimate beyond (about 13%
	 * off), in 36 bytes per attacker.
	 */
	uint32_t more_n;
	union {
		uint32_t ids[8];
		uint8_t reg[32];
	} more;
};
#define AGG_MORE_IDS 8
#define AGG_MORE_SKETCH UINT32_MAX

/* Per user name that was tried. */
struct agg_username {
	uint32_t user;
	uint64_t attempts;
	uint32_t connections;
	uint64_t srcbits[4]; /* linear-counting bitmap of source addresses */
	uint8_t valid;       /* bit 0: sshd said it exists; bit 1: sshd said invalid */
};

/* One accepted login (kept: the most recent AGG_LOGINS_KEPT). */
struct agg_login {
	int64_t ts;
	int64_t duration; /* µs; -1 while open */
	uint32_t host, user, key_type, key_fp;
	struct addr src;
	uint16_t src_port;
	uint8_t method;
	uint8_t open;
	uint16_t flags; /* CF_* of its record */
	uint32_t sudo_cmds;
};
#define AGG_LOGINS_KEPT 10000

/* Per user who logged in. */
struct agg_session_user {
	uint32_t user;
	uint32_t logins, open;
	int64_t total; /* µs, closed sessions */
	int64_t longest;
	uint32_t password, publickey, other; /* by method */
	uint64_t sftp_files, sftp_read, sftp_written, sftp_ops, bytes_sent, bytes_recv;
};

/* One hour of the timeline. */
struct agg_hour {
	int64_t hour; /* UTC epoch hours */
	uint64_t failures, probes, logins;
};

enum agg_alert_kind {
	AL_LOGIN_AFTER_FAILURES, /* accepted from an address that failed before: brute force? */
	AL_ROOT_LOGIN,
	AL_REVOKED_KEY,
	AL_PASSWORD_LOGIN, /* password login while other logins use keys */
	AL_USER_CREATED,   /* useradd after a login */
	AL_SUDO_GRANTED,   /* usermod/gpasswd into sudo/wheel/admin after a login */
	AL_PASSWORD_CHANGED,
	AL_REVERSE_MAPPING, /* POSSIBLE BREAK-IN ATTEMPT warnings, per address */
	AL__COUNT
};

struct agg_alert {
	uint8_t kind; /* enum agg_alert_kind */
	int64_t ts;
	uint32_t host, user, detail; /* detail: a group, a key fingerprint, a host name */
	struct addr src;
	uint64_t count; /* failures before (login after failures), warnings (reverse mapping) */
};
#define AGG_ALERTS_KEPT 1000

/* Fail2Ban, per jail and per banned address. */
struct agg_jail {
	uint32_t jail;
	uint64_t found, bans, unbans, restores, already;
};
struct agg_offender {
	struct addr src;
	uint32_t bans;
	uint32_t jail;    /* the jail of its last ban */
	int64_t dates[8]; /* first bans (UTC µs) */
	int64_t last;     /* its last ban */
};

#define AGG_HOSTS_EXACT 4096 /* distinct hosts counted exactly; beyond, an estimate */

/*
 * The aggregate. Invariant: every count covers exactly the events and records
 * that passed the filters; the bounded tables (attackers, usernames) are exact
 * while their evicted counters are 0 and approximate (heavy hitters kept,
 * weights over-counted at most by err) after; distinct counts come from HLL
 * sketches with constant seeds. The report depends only on the input and the
 * options: never on opts.seed, which keys only the hash tables (top-K
 * indexes, through topk, and the caller's strtab) against flooding, and whose
 * orders the views do not use (every sort ends in a total order). agg_finish
 * fills the sorted views below; before it they are empty.
 */
struct agg;

/* Sorted views for the renderers, valid after agg_finish until agg_free. */
struct geoip;

struct agg_view {
	const struct agg_opts *opts;
	const struct strtab *strings;
	const struct geoip *geo; /* where addresses are (agg_set_geoip), NULL: not shown */
	/* overview */
	const struct agg_file *files;
	size_t nfiles;
	uint64_t lines, events, unknown, truncated, filtered, undated;
	int64_t first, last; /* UTC µs; INT64_MIN when nothing was dated */
	uint32_t hosts[16];  /* first distinct hosts */
	uint32_t nhosts;     /* distinct hosts (may exceed 16) */
	int hosts_approx;    /* nhosts is an estimate (more hosts than AGG_HOSTS_EXACT); 0: exact */
	uint64_t sources;    /* distinct remote addresses (estimate beyond a few thousand) */
	uint64_t connections, attempts, probes, negotiations, logins, failed_conns, open_conns;
	uint64_t attempt_logins; /* logins whose connection had failed attempts first */
	/* actions table: per event type, in the catalogue's order; 0 = not seen */
	uint64_t actions[EV__COUNT];
	/* logins, most recent first */
	const struct agg_login *const *logins_recent;
	size_t nlogins_recent;
	/* sessions */
	uint64_t sessions_opened, sessions_closed, sessions_open;
	const struct agg_login *const *longest; /* longest sessions, longest first */
	size_t nlongest;
	const struct agg_session_user *const *session_users; /* by logins, descending */
	size_t nsession_users;
	/* attackers, by attempts then connections, descending */
	const struct agg_attacker *const *attackers;
	size_t nattackers;
	uint64_t attackers_total; /* distinct attacking addresses */
	int attackers_exact;
	/* usernames, by attempts descending */
	const struct agg_username *const *usernames;
	size_t nusernames;
	uint64_t usernames_total;
	int usernames_exact;
	/* timeline: hours in time order (renderers may fold them into days) */
	const struct agg_hour *hours;
	size_t nhours;
	/* alerts, in time order */
	const struct agg_alert *alerts;
	size_t nalerts;
	uint64_t alerts_dropped;
	/* sftp per user (session users with sftp activity), by bytes descending */
	const struct agg_session_user *const *sftp_users;
	size_t nsftp_users;
	/* Fail2Ban */
	const struct agg_jail *jails;
	size_t njails;
	const struct agg_offender *const *offenders; /* banned more than once, most bans first */
	size_t noffenders;
	uint64_t f2b_banned_addrs; /* distinct addresses banned */
};

/* A new aggregate over strings (borrowed). opts is copied. Aborts on OOM. */
struct agg *agg_new(struct strtab *strings, const struct agg_opts *opts);
void agg_free(struct agg *a);

/* Starts the next input file (path copied); lines/events then count for it. */
void agg_file_begin(struct agg *a, const char *path);
/* Ends it; error is NULL or a message (copied). */
void agg_file_end(struct agg *a, const char *error);

/*
 * Counts one input line and its event (already classified; EV_UNKNOWN
 * counts as an unknown line). Applies the filters; returns AGG_SKIP (0: left
 * out), else the caller hands the event to the connection tracker: AGG_ALL
 * counted, AGG_CONN for the tracker only, AGG_JOIN when the line lacks what
 * --user or --ip looks at (the caller then calls agg_event_joined with the
 * record it joined). Allocates nothing in the common case (a known host, no
 * new alert or jail).
 */
int agg_event(struct agg *a, const struct event *ev, int truncated);

/*
 * For an event agg_event (or agg_count_event) returned AGG_JOIN for: counts
 * it when rec, the connection record it joined as it stands now
 * (conn_current), passes --user and --ip; else counts it as filtered. rec may
 * be NULL (a line of no connection: filtered).
 */
void agg_event_joined(struct agg *a, const struct event *ev, const struct conn_rec *rec);

struct agg_count;

/*
 * The same in two halves, for reading threads: agg_count_event (agg_count.h)
 * counts a line on any thread; for the events it marked AGG_ALL, this thread
 * calls agg_event_counted in input order, and agg_add_counts adds the
 * counts of each run of lines (in input order, within the current input).
 */
void agg_event_counted(struct agg *a, const struct event *ev);
void agg_add_counts(struct agg *a, const struct agg_count *c);

/*
 * Takes one finished connection record (the tracker's emit callback). Its
 * address must have come from an event agg_event returned 1 for (the
 * tracker's records do): the distinct sources count it from there.
 */
void agg_conn(struct agg *a, const struct conn_rec *rec);

/* Builds the sorted views; call once, after the last agg_conn. */
const struct agg_view *agg_finish(struct agg *a);

/* Lets the renderers look addresses up in g (borrowed; NULL: no GeoIP columns). */
void agg_set_geoip(struct agg *a, const struct geoip *g);

/* "good", "bad" or "neutral" for an event type, for the actions table. */
const char *agg_action_class(unsigned type);
/* Stable names: "login_after_failures", "root_login", ... */
const char *agg_alert_name(unsigned kind);
/* Estimated distinct sources of a username entry. */
uint64_t agg_username_sources(const struct agg_username *u);

#endif
