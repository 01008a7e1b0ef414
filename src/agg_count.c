/* agg_count.c: the report's per-line counts that need no shared state, so reading threads take
 * them. */
#include <string.h>

#include "agg_count.h"

void
agg_count_init(struct agg_count *c)
{
	memset(c, 0, sizeof(*c));
	c->first_line = c->last_line = c->first = c->last = INT64_MIN;
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
