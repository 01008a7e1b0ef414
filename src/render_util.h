/* render_util.h: helpers shared by the report renderers: rows, timeline, alerts, text. */
#ifndef RENDER_UTIL_H
#define RENDER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"

/* Rows a table shows: n, at most opts->top (10 without opts; top 0 means no limit). */
size_t render_rows(const struct agg_view *v, size_t n);

/* The bytes of string id (*n its length), or NULL for id 0 and the empty string. */
const char *render_str(const struct agg_view *v, uint32_t id, size_t *n);

/* Text of a filter network: "192.0.2.0/24" into buf[RENDER_CIDRLEN]; returns its length. */
#define RENDER_CIDRLEN (ADDR_STRLEN + 5)
size_t render_cidr(const struct cidr *c, char *buf);

/* Whether a tried user name exists, from agg_username.valid: 1 yes, 0 no, -1 unknown. */
int render_exists(uint8_t valid);

/* Timeline buckets: the hours of the view folded to the bucket size. */
enum render_bucket_size { RB_HOUR, RB_DAY, RB_WEEK };

struct render_bucket {
	int64_t t; /* UTC µs of the bucket's start */
	uint64_t failures, probes, logins;
};

/* "hour", "day", "week". */
const char *render_bucket_name(unsigned size);

/*
 * Folds v->hours into buckets: hours when they span at most 48 hours, days
 * when at most 92 days, else weeks (starting on Monday). Returns the number of
 * buckets, in time order, in *out (caller frees; NULL when none). Buckets
 * without activity are left out unless the whole run, gaps filled, has at
 * most dense_max buckets (0: never filled).
 */
size_t render_timeline(const struct agg_view *v, size_t dense_max, struct render_bucket **out,
                       unsigned *size);

/*
 * The alerts to show when at most limit fit: every kind but reverse_mapping
 * first (the most recent of them), then reverse_mapping warnings while room
 * is left. Writes their indexes into v->alerts, in time order, to idx (room
 * for v->nalerts) and returns how many.
 */
size_t render_alerts(const struct agg_view *v, size_t limit, size_t *idx);

/*
 * The event types seen, for the actions table: writes them to order (room for
 * EV__COUNT) by count, descending, in catalogue order among equal counts, and
 * their total count to *sum. Returns how many.
 */
unsigned render_actions(const struct agg_view *v, unsigned *order, uint64_t *sum);

/* Seconds (rounded down) of a duration in µs; 0 for negative ones. */
uint64_t render_secs(int64_t us);

/* A count with thousands separators, "12,345", into buf[32]. */
void render_count(char *buf, uint64_t x);

/* The overview's note on the failed attempts: "failed authentications, in 3 connections (1 of
 * them then logged in)", into buf[0..len). */
void render_attempts_note(const struct agg_view *v, char *buf, size_t len);

/* A duration: "45s", "12m05s", "1h02m", "3d04h" (negative ones as 0s). */
void render_dur(char *buf, size_t sz, int64_t us);

/* A UTC time as text: RT_MIN "2021-05-31 07:07", RT_HOUR "2021-05-31 07:00", RT_DAY, RT_SEC
 * "2021-05-31 07:07:22"; "-" for INT64_MIN. */
enum render_tfmt { RT_MIN, RT_HOUR, RT_DAY, RT_SEC };
void render_time(char *buf, size_t sz, int64_t us, enum render_tfmt f);

/* A byte count for people: "512 B", "1.5 KiB", "12.3 MiB". */
void render_bytes(char *buf, size_t sz, uint64_t b);

/*
 * The next unit of s[0..n) (n > 0) as shown on a terminal: control bytes and
 * DEL as \xNN, a backslash doubled, invalid UTF-8 as U+FFFD (one byte at a
 * time), code points a terminal acts on or that reorder or hide text (C1
 * controls, bidi controls, zero-width) as \uXXXX, the rest as is. Writes it
 * to out[8], its length to *olen and its display columns to *w (2 for an
 * East Asian wide character); returns the input bytes it stands for.
 */
size_t render_tunit(const unsigned char *s, size_t n, char *out, size_t *olen, unsigned *w);

#endif
