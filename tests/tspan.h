/* tspan.h: test helper: a span over a C string (the tests build events by hand). */
#ifndef TSPAN_H
#define TSPAN_H

#include <stdint.h>
#include <string.h>

#include "event.h"

static inline struct span
sp(const char *s)
{
	struct span r = {s, (uint32_t)strlen(s)};

	return r;
}

#endif
