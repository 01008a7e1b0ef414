/* detect.h: who crossed the line: weighted failures per address (IPv6 by prefix) in a sliding
 * window. */
#ifndef DETECT_H
#define DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* What is counted (the connection tracker's enum conn_progress). */
enum detect_kind { DK_FAILURE, DK_PROBE, DK_NEGOTIATION, DK__COUNT };

struct detect_opts {
	unsigned maxretry;             /* ban when the window weighs this many failures */
	int64_t findtime;              /* the window, seconds */
	unsigned v4_prefix, v6_prefix; /* group addresses by these prefixes (32, 64) */
	double weight[DK__COUNT];      /* per kind; 0 = not counted; kept in quarters */
	uint64_t seed;                 /* keys the hash: addresses are chosen by attackers */
	size_t max_tracked;            /* 0: 1,000,000; when full the stalest window goes */
};

/* A window that reached maxretry. */
struct detect_hit {
	struct addr net; /* the address with the bits past prefix cleared */
	uint8_t prefix;
	struct addr src; /* the address whose occurrence reached the threshold */
	double weight;   /* what the window weighed */
	uint32_t events; /* how many counted occurrences it held */
	int64_t first;   /* UTC µs of the oldest one still inside the window */
};

struct detect;

/* A detector (o is copied). Aborts on OOM. */
struct detect *detect_new(const struct detect_opts *o);
void detect_free(struct detect *d);

/*
 * Counts n occurrences of kind from address a at now (UTC µs; calls come in
 * time order, an older now is taken as the newest seen). Returns 1 when the
 * window of a's group reached maxretry: *hit says which and what, and the
 * window is cleared (the caller bans). Returns 0 otherwise (also for af 0, a
 * kind of weight 0). Allocates only when the table grows.
 */
int detect_add(struct detect *d, const struct addr *a, unsigned kind, uint32_t n, int64_t now,
               struct detect_hit *hit);

/*
 * Puts back an occurrence saved by detect_foreach (net already grouped), as
 * detect_add would count it; returns 1 (and *hit) if the window then reached
 * maxretry, which the caller treats like a fresh detection.
 */
int detect_restore(struct detect *d, const struct addr *net, uint8_t prefix, int64_t ts,
                   double weight, struct detect_hit *hit);

/* Forgets the window of net/prefix (after a ban was lifted by hand, say). */
void detect_forget(struct detect *d, const struct addr *net, uint8_t prefix);

/*
 * Drops windows with nothing left inside findtime at now, visiting at most
 * budget entries from where the last call stopped (so a loop turn stays
 * short). Returns how many were dropped.
 */
size_t detect_expire(struct detect *d, int64_t now, size_t budget);

/* Windows tracked now. */
size_t detect_count(const struct detect *d);
/* Bytes of memory the detector holds. */
size_t detect_memory(const struct detect *d);

/* The group of a: its prefix (v4_prefix or v6_prefix) and a with the bits past it cleared. */
uint8_t detect_group(const struct detect *d, const struct addr *a, struct addr *net);

/*
 * Calls fn for each occurrence still inside a window (for saving state):
 * (net, prefix, UTC µs, weight). Returns 0, or the first non-zero fn result.
 */
int detect_foreach(const struct detect *d,
                   int (*fn)(void *arg, const struct addr *net, uint8_t prefix, int64_t ts,
                             double w),
                   void *arg);

#endif
