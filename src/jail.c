/* jail.c: one detection rule set: parses lines, folds connections, weighs what they did, decides
 * bans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "jail.h"
#include "sshd_parse.h"
#include "strtab.h"
#include "xmalloc.h"

#define EXPIRE_BUDGET 4096   /* windows looked at per tick */
#define JAIL_MAX_CONNS 65536 /* connections followed at once (sshd's MaxStartups is 100) */

/*
 * Invariant: conn reports progress to on_progress with this jail as its
 * argument; now is the time judged by during the current jail_line call.
 */
struct jail {
	char *name;
	struct jail_cb cb;
	void *arg;
	struct cidr *allow;
	size_t nallow;
	struct detect *det;
	double w[DK__COUNT];
	struct strtab *strings;
	struct conn_tracker *conn;
	int64_t now;   /* INT64_MIN: the line's own time */
	int64_t since; /* lines dated before this (UTC µs) are skipped; INT64_MIN: none */
	struct jail_stats st;
};

int
jail_allowed(const struct jail *j, const struct addr *a)
{
	size_t i;

	for (i = 0; i < j->nallow; i++)
		if (cidr_contains(&j->allow[i], a))
			return 1;
	return 0;
}

static void
on_record(const struct conn_rec *rec, void *arg)
{
	(void)rec;
	(void)arg; /* the daemon acts on progress, not on finished records */
}

static void
on_progress(const struct conn_rec *rec, unsigned what, uint32_t delta, int64_t ts, void *arg)
{
	struct jail *j = arg;
	unsigned kind = what == CP_FAILURE ? DK_FAILURE
	                : what == CP_PROBE ? DK_PROBE
	                                   : DK_NEGOTIATION;
	struct jail_count c;
	struct detect_hit hit;
	int64_t now = j->now != INT64_MIN ? j->now : ts;

	c.src = &rec->src;
	c.kind = kind;
	c.n = delta;
	c.weight = j->w[kind] * delta;
	c.ts = ts;
	c.allowed = jail_allowed(j, &rec->src);
	if (c.weight <= 0)
		return;
	if (c.allowed)
		j->st.allowed++;
	else
		j->st.counted++;
	if (j->cb.count != NULL)
		j->cb.count(j->arg, j, &c);
	if (c.allowed)
		return;
	if (detect_add(j->det, &rec->src, kind, delta, now, &hit) == 1) {
		j->st.bans++;
		j->cb.ban(j->arg, j, &hit, now);
	}
}

void
jail_opts_of(const struct conf_jail *cj, uint64_t seed, struct jail_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->name = cj->name;
	o->det.maxretry = cj->maxretry;
	o->det.findtime = cj->findtime;
	o->det.v4_prefix = cj->ipv4_prefix;
	o->det.v6_prefix = cj->ipv6_prefix;
	o->det.weight[DK_FAILURE] = cj->w_failure;
	o->det.weight[DK_PROBE] = cj->w_probe;
	o->det.weight[DK_NEGOTIATION] = cj->w_negotiation;
	o->det.seed = seed;
	o->allow = cj->allow;
	o->nallow = cj->nallow;
}

const char *
jail_reason(const struct detect_hit *hit, int64_t findtime, char *buf, size_t len)
{
	char win[32];

	snprintf(buf, len, "%.7g failure%s in %s", hit->weight, hit->weight == 1 ? "" : "s",
	         duration_format(findtime, win, sizeof(win)));
	return buf;
}

struct jail *
jail_new(const struct jail_opts *o, const struct jail_cb *cb, void *arg)
{
	struct jail *j = xcalloc(1, sizeof(*j));
	unsigned k;

	j->name = xstrdup(o->name);
	j->cb = *cb;
	j->arg = arg;
	if (o->nallow > 0) {
		j->allow = xreallocarray(NULL, o->nallow, sizeof(*j->allow));
		memcpy(j->allow, o->allow, o->nallow * sizeof(*j->allow));
		j->nallow = o->nallow;
	}
	j->det = detect_new(&o->det);
	for (k = 0; k < DK__COUNT; k++)
		j->w[k] = o->det.weight[k];
	j->strings = strtab_new(o->det.seed ^ 0x5bd1e995);
	j->conn = conn_new(j->strings, on_record, j);
	conn_set_lean(j->conn);
	conn_set_limit(j->conn, JAIL_MAX_CONNS);
	conn_set_progress(j->conn, on_progress, j);
	j->now = INT64_MIN;
	j->since = INT64_MIN;
	return j;
}

void
jail_free(struct jail *j)
{
	if (j == NULL)
		return;
	conn_free(j->conn);
	strtab_free(j->strings);
	detect_free(j->det);
	free(j->allow);
	free(j->name);
	free(j);
}

const char *
jail_name(const struct jail *j)
{
	return j->name;
}

void
jail_line(struct jail *j, struct hdr_ctx *ctx, const char *line, size_t len, int64_t now)
{
	struct event ev;

	j->st.lines++;
	sshd_parse_line(ctx, line, len, &ev);
	if (ev.type == EV_UNKNOWN)
		return;
	j->st.events++;
	if (ev.ts != TS_NONE && ev.ts < j->since)
		return;
	j->now = now;
	conn_feed(j->conn, &ev);
	j->now = INT64_MIN;
}

void
jail_set_since(struct jail *j, int64_t since)
{
	j->since = since;
}

void
jail_tick(struct jail *j, int64_t now)
{
	detect_expire(j->det, now, EXPIRE_BUDGET);
}

struct detect *
jail_detect(struct jail *j)
{
	return j->det;
}

void
jail_stats(const struct jail *j, struct jail_stats *out)
{
	*out = j->st;
}
