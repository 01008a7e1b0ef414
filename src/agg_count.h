/* agg_count.h: the report's per-line counts that need no shared state, so reading threads take
 * them. */
#ifndef AGG_COUNT_H
#define AGG_COUNT_H

#include <stdint.h>

#include "agg.h"
#include "event.h"
#include "timespec.h"

/* What the rest of the report does with an event (agg_count_event's answer). */
#define AGG_SKIP 0 /* unknown or outside --since/--until/--host: nothing */
#define AGG_CONN 1 /* failed --user/--ip on this line: the tracker only (its record may pass) */
#define AGG_ALL 2  /* counted: the aggregate's own part (agg_event_counted) and the tracker */
/* no user (--user) or no address (--ip) on this line: the tracker, then agg_event_joined
 * counts it or not by the connection it joined */
#define AGG_JOIN 3

/*
 * Counts of consecutive lines of one input. Every field is a sum, a minimum
 * or a maximum, or the first/last of the lines in order, so counts of
 * consecutive runs of lines add up (agg_add_counts) to the counts of all of
 * them, whichever thread took each run. Invariant: first_line/last_line and
 * first/last are INT64_MIN when no line of theirs had a stamp.
 */
struct agg_count {
	uint64_t lines, truncated, unknown, filtered, events, undated;
	int64_t first_line, last_line; /* stamps of the first and the last stamped line */
	int64_t first, last;           /* the earliest and the latest counted event */
	uint64_t actions[EV__COUNT];   /* counted events per type */
};

/* Empties c. */
void agg_count_init(struct agg_count *c);

/* The part of agg_count_event for an event that passed the filters. */
static inline void
agg_count_passed(struct agg_count *c, const struct event *ev)
{
	c->events++;
	c->actions[ev->type < EV__COUNT ? ev->type : 0]++;
	if (ev->ts == TS_NONE)
		c->undated++;
	else {
		if (c->first == INT64_MIN || ev->ts < c->first)
			c->first = ev->ts;
		if (c->last == INT64_MIN || ev->ts > c->last)
			c->last = ev->ts;
	}
}

/*
 * Counts one line and its event under the filters of o (only read, so any
 * number of threads may share o) into c. Returns AGG_SKIP, AGG_CONN, AGG_ALL or
 * AGG_JOIN (not counted yet: agg_event_joined decides).
 * Inline: it runs for every line, and its callers do little else per line.
 */
static inline unsigned
agg_count_event(struct agg_count *c, const struct agg_opts *o, const struct event *ev,
                int truncated)
{
	c->lines++;
	c->truncated += truncated != 0;
	if (ev->ts != TS_NONE) {
		if (c->first_line == INT64_MIN)
			c->first_line = ev->ts;
		c->last_line = ev->ts;
	}
	if (ev->type == EV_UNKNOWN) {
		c->unknown++;
		return AGG_SKIP;
	}
	if ((ev->ts == TS_NONE && (o->since != INT64_MIN || o->until != INT64_MAX)) ||
	    (ev->ts != TS_NONE && (ev->ts < o->since || ev->ts >= o->until)) ||
	    (o->host != NULL && !span_is(ev->host, o->host))) {
		c->filtered++;
		return AGG_SKIP;
	}
	/* the tracker sees every line of a connection; user/ip filters apply to its records */
	if ((o->user != NULL && ev->user.p != NULL && !span_is(ev->user, o->user)) ||
	    (o->have_ip && ev->src.af != 0 && !cidr_contains(&o->ip, &ev->src))) {
		c->filtered++;
		return AGG_CONN;
	}
	if ((o->user != NULL && ev->user.p == NULL) || (o->have_ip && ev->src.af == 0))
		return AGG_JOIN;
	agg_count_passed(c, ev);
	return AGG_ALL;
}

/* Adds the counts of the lines after those of to (in input order) into to. */
void agg_count_add(struct agg_count *to, const struct agg_count *from);

#endif
