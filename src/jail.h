/* jail.h: one detection rule set: lines -> events -> connections -> weighted windows -> bans. */
#ifndef JAIL_H
#define JAIL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "detect.h"
#include "syslog_hdr.h"
#include "timespec.h"

struct jail_opts {
	const char *name;         /* copied */
	struct detect_opts det;   /* maxretry, findtime, prefixes, weights, seed */
	const struct cidr *allow; /* copied: addresses never counted nor banned */
	size_t nallow;
};

/* One counted occurrence, for tracing (`authwatch check`) and logs. */
struct jail_count {
	const struct addr *src; /* the peer, from sshd's own field */
	unsigned kind;          /* enum detect_kind */
	uint32_t n;             /* how many (a "PAM 2 more" line can add more than one) */
	double weight;          /* n times the kind's weight */
	int64_t ts;             /* UTC µs: the line's time */
	int allowed;            /* on the allowlist: not counted */
};

struct jail;

/* What a jail reports. ban is required; count is optional (NULL). */
struct jail_cb {
	void (*ban)(void *arg, struct jail *j, const struct detect_hit *hit, int64_t now);
	void (*count)(void *arg, struct jail *j, const struct jail_count *c);
};

/*
 * The options of the configured jail cj (name, window, prefixes, weights,
 * allowlist: pointers into cj, which must outlive o's use) with hash seed seed.
 */
void jail_opts_of(const struct conf_jail *cj, uint64_t seed, struct jail_opts *o);

/*
 * The reason a ban gives for hit in a window of findtime seconds: "5 failures
 * in 10m" (the weighted count, in quarters: "2.5 failures", "1 failure"). Returns buf,
 * written with snprintf (len >= 64 holds any).
 */
const char *jail_reason(const struct detect_hit *hit, int64_t findtime, char *buf, size_t len);

/* A jail (o and cb copied; arg borrowed). Aborts on OOM. */
struct jail *jail_new(const struct jail_opts *o, const struct jail_cb *cb, void *arg);
void jail_free(struct jail *j);
const char *jail_name(const struct jail *j);

/*
 * Feeds one log line (no newline). now is the clock in UTC µs (the daemon),
 * or INT64_MIN to judge by the line's own time (replaying a file). Calls
 * cb->count for each counted occurrence and cb->ban when a window fills, from
 * inside this call. ctx is the source's header state. No allocation per line
 * once the tables have grown.
 */
void jail_line(struct jail *j, struct hdr_ctx *ctx, const char *line, size_t len, int64_t now);

/*
 * Skips the lines dated before since (UTC µs; INT64_MIN: none), for a replay of
 * the last findtime at first start. Undated lines still count.
 */
void jail_set_since(struct jail *j, int64_t since);

/* Periodic upkeep at now (UTC µs): drops windows that left findtime, a bounded slice per call. */
void jail_tick(struct jail *j, int64_t now);

/* 1 when a is inside one of the jail's allowed networks. */
int jail_allowed(const struct jail *j, const struct addr *a);

/* The jail's detector (for status, saving and restoring windows). */
struct detect *jail_detect(struct jail *j);

/* Lines fed, events recognised, occurrences counted, bans decided (for status). */
struct jail_stats {
	uint64_t lines, events, counted, bans, allowed;
};
void jail_stats(const struct jail *j, struct jail_stats *out);

#endif
