/* agg_count.c: the report's per-line counts that need no shared state, so reading threads take
 * them. */
#include <string.h>

#include "agg_count.h"
#include "timespec.h"

void
agg_count_init(struct agg_count *c)
{
	memset(c, 0, sizeof(*c));
	c->first_line = c->last_line = c->first = c->last = INT64_MIN;
}

unsigned
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
	return AGG_ALL;
}

void
agg_count_add(struct agg_count *to, const struct agg_count *from)
{
	size_t i;

	to->lines += from->lines;
	to->truncated += from->truncated;
	to->unknown += from->unknown;
	to->filtered += from->filtered;
	to->events += from->events;
	to->undated += from->undated;
	if (to->first_line == INT64_MIN)
		to->first_line = from->first_line;
	if (from->last_line != INT64_MIN)
		to->last_line = from->last_line;
	if (from->first != INT64_MIN && (to->first == INT64_MIN || from->first < to->first))
		to->first = from->first;
	if (from->last != INT64_MIN && (to->last == INT64_MIN || from->last > to->last))
		to->last = from->last;
	for (i = 0; i < EV__COUNT; i++)
		to->actions[i] += from->actions[i];
}
