/* status_view.h: the text of `authwatch status` and `bans`, as tables in the report's style. */
#ifndef STATUS_VIEW_H
#define STATUS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "ban.h"
#include "obuf.h"
#include "store.h"

/*
 * What `authwatch status` shows, as plain values (the daemon fills it, a test
 * can too). Every string is borrowed; names come from the configuration and
 * the logs' paths and are escaped when shown.
 */
struct status_view_source {
	const char *name; /* a path, "journal" or "journal:UNIT" */
	uint64_t lines;
};

struct status_view_jail {
	const char *name;
	size_t tracked;                       /* addresses with failures in their window */
	size_t active_bans;                   /* bans of this jail in force now */
	size_t bans_last_hour, bans_last_day; /* bans in the last 1 h and 24 h, by hand too */
	uint64_t lines, events, counted;      /* since start: fed, recognised, counted */
	uint64_t bans;                        /* since start: bans the jail decided (not by hand) */
	const struct banmgr_offender *top;    /* the most banned networks, most first */
	size_t ntop;
	const struct status_view_source *sources;
	size_t nsources;
};

struct geoip;

struct status_view {
	int64_t uptime_s;
	const char *database; /* the state database; NULL: state in memory only */
	int database_full;    /* its disk is full: writes wait for space (in memory meanwhile) */
	size_t active_bans;
	uint64_t bans, unbans; /* since start */
	const struct status_view_jail *jails;
	size_t njails;
	const struct geoip *geo; /* the configuration's geoip databases; NULL: none */
};

/*
 * Writes the status s to o: a title line (uptime, where the state is kept), a
 * summary, then the sections Jails, Top offenders (with country and AS
 * columns when s->geo has them) and Sources as aligned tables. ANSI colour (active bans in red,
 * bold headings) only when color is set. Text from the configuration or the logs is escaped
 * (render_text_cell_esc).
 */
void status_view_status(struct obuf *o, const struct status_view *s, int color);

/*
 * Writes the active bans b[0..n), in the order given, to o: a title line with
 * their number, then one row per ban (network, its country when geo has a
 * country database, jail, since, until, time left at now (UTC seconds),
 * offence number, reason). geo may be NULL. Colour as status_view_status.
 */
void status_view_bans(struct obuf *o, const struct store_ban *b, size_t n, int64_t now,
                      const struct geoip *geo, int color);

/*
 * Writes the ban history of address a, b[0..n) in the order given (rows of
 * the store's history: every network that contains a), to o: a title line
 * with their number and how long history is kept (keep seconds, 0: for
 * ever), then one row per ban (network, jail, since, until, how it ended at
 * now: "in force", "expired" or the time it was lifted, offence number,
 * reason). Colour as status_view_status.
 */
void status_view_history(struct obuf *o, const struct addr *a, const struct store_ban *b, size_t n,
                         int64_t now, int64_t keep, int color);

#endif
