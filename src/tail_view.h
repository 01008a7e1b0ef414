/* tail_view.h: `authwatch tail` without files or clocks: line format, filters, running summary. */
#ifndef TAIL_VIEW_H
#define TAIL_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "timespec.h"

#define TV_LINE_MAX 512    /* bytes of one formatted line, colour and NUL included */
#define TV_FIELD_COLS 32   /* a user or host name wider than this is cut, with "…" */
#define TV_SUM_MAX 160     /* bytes of the summary line, colour and NUL included */
#define TV_SRC_MAX 8192    /* sources the summary tracks at once (then the stalest goes) */
#define TV_SRC_SLOTS 10    /* the summary's per-source window: this many minute slots */
#define TV_RING_MAX 10000u /* most lines tv_ring keeps (-n) */

/*
 * Formats ev as one line (no "\n") into buf[TV_LINE_MAX], NUL-terminated, and
 * returns its length. Columns, separated by spaces and padded to line up:
 *   time     local HH:MM:SS of ev->ts (of now, UTC µs, when the line had none);
 *   outcome  success, failure, probe, info (with color: green, red, yellow,
 *            dim; the padding stays outside the colour);
 *   event    the catalogue name;
 *   user     "-" when none, "\"\"" when empty;
 *   address  ev->src, else the host name sshd gave (ev->src_host), else "-";
 *   port     ev->src_port, "-" when none;
 * then " METHOD" when the event names one and " xN" when the line stands for
 * N > 1 occurrences. User and host names come from attackers: each goes
 * through render_tunit (control bytes, C1, bidi and zero-width code points
 * escaped, invalid UTF-8 as U+FFFD, '\\' doubled), a space becomes "\x20" so
 * no field holds a space, and a name over TV_FIELD_COLS columns is cut and
 * ends with "…". Without color the line holds no escape sequence at all.
 */
size_t tv_format(char *buf, const struct event *ev, int64_t now, int color);

/*
 * Which events are shown. Invariant: outcomes is a set of 1u << OUT_* bits
 * (0: every outcome); users[0..nusers) are borrowed NUL-terminated names;
 * nets[0..nnets) are owned (tv_filter_free). A zeroed struct shows everything.
 */
struct tv_filter {
	unsigned outcomes;
	const char **users;
	size_t nusers;
	struct cidr *nets;
	size_t nnets;
};

/*
 * Adds the outcomes of a comma list ("failure,probe"; names: success, failure,
 * probe, info) to f. Returns 0, or -1 (f unchanged) for an empty list, an empty
 * item or an unknown name.
 */
int tv_filter_only(struct tv_filter *f, const char *list);
/* Adds a user name (borrowed: it must outlive f); events of any added name match. */
void tv_filter_user(struct tv_filter *f, const char *name);
/* Adds an address or network (cidr_parse). Returns 0, or -1 (f unchanged) when s is neither. */
int tv_filter_ip(struct tv_filter *f, const char *s);
/*
 * 1 when ev is shown: not EV_UNKNOWN, its outcome in the set (if one was
 * given), its user one of the names byte for byte (if any were given: an
 * event without a user does not match), its src inside one of the networks
 * (if any were given: an event without an address does not match); else 0.
 */
int tv_filter_match(const struct tv_filter *f, const struct event *ev);
/* Frees what f owns and zeroes it. */
void tv_filter_free(struct tv_filter *f);

/*
 * The running summary: attempts over the last minute, distinct sources and
 * the top one over the last ten. Times are UTC µs passed by the caller (never
 * read from a clock here). Memory is fixed at tv_summary_new: nothing is
 * allocated per attempt.
 */
struct tv_summary;

/* What tv_summary_get computes. */
struct tv_stats {
	uint64_t per_min;   /* attempts at times in (now - 60 s, now], per whole second */
	uint32_t sources;   /* distinct addresses with an attempt in the 10 minute window */
	int sources_exact;  /* 0 when a source still in the window had to be dropped (full) */
	struct addr top;    /* the source with the most attempts in the window (af 0: none) */
	uint64_t top_count; /* ... and how many */
};

/* A summary whose address table is keyed with seed (SipHash: attackers choose addresses). */
struct tv_summary *tv_summary_new(uint64_t seed);
/* Frees s (NULL is fine). */
void tv_summary_free(struct tv_summary *s);
/*
 * Counts n attempts at time t (UTC µs) from src (af 0: counted in the rate,
 * not as a source). Times may come in any order; an attempt older than what
 * the windows still hold is not counted. The 10 minute window is the minute
 * of the newest attempt of that source and the nine before it (whole minutes
 * of UTC time). When TV_SRC_MAX sources are held, the least recently seen
 * one is forgotten (sources_exact turns 0 while it would still count).
 */
void tv_summary_add(struct tv_summary *s, const struct addr *src, uint32_t n, int64_t t);
/*
 * The figures at now (UTC µs) into *out: per_min counts the attempts of the
 * seconds (now - 60 s, now]; the 10 minute window is now's minute and the
 * nine before it; attempts after now are not counted yet. The top source
 * is the one with the most attempts in it, the most recently seen on a tie.
 * Also forgets the sources with nothing left in the window.
 */
void tv_summary_get(struct tv_summary *s, int64_t now, struct tv_stats *out);
/*
 * The summary line into buf[TV_SUM_MAX], NUL-terminated, no "\n":
 * "-- 12 attempts/min | 37 sources/10min | top 203.0.113.9 (48) --"
 * ("37+" when sources is not exact, "top -" without one), cut to at most
 * cols - 1 columns (cols 0: not cut) so that it never wraps; with color in
 * reverse video. Returns its length.
 */
size_t tv_summary_format(char *buf, const struct tv_stats *st, unsigned cols, int color);

/*
 * The last cap lines pushed (for -n). Invariant: n <= cap; the oldest line
 * is at index (head + cap - n) % cap. Memory is allocated by tv_ring_init.
 */
struct tv_ring {
	char *buf; /* cap slots of TV_LINE_MAX bytes */
	size_t *len;
	size_t cap, n, head;
};

/* Room for cap lines (cap <= TV_RING_MAX; 0: an empty ring that keeps nothing). */
void tv_ring_init(struct tv_ring *r, size_t cap);
/* Keeps line[0..len) (len < TV_LINE_MAX), dropping the oldest when full. */
void tv_ring_push(struct tv_ring *r, const char *line, size_t len);
/* The i-th kept line, oldest first (i < r->n); *len its length. */
const char *tv_ring_get(const struct tv_ring *r, size_t i, size_t *len);
/* Forgets the lines (the memory stays). */
void tv_ring_clear(struct tv_ring *r);
/* Frees the memory. */
void tv_ring_free(struct tv_ring *r);

#endif
