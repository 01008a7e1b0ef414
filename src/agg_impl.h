/* agg_impl.h: the report model's inside, shared by agg.c (counting) and agg_view.c (the views). */
#ifndef AGG_IMPL_H
#define AGG_IMPL_H

#include <stdint.h>

#include "agg.h"
#include "agg_count.h"
#include "hll.h"
#include "strtab.h"
#include "topk.h"

/* the host set's index (a power of two): half full at most */
#define HOST_SLOTS (2 * AGG_HOSTS_EXACT)
/* the recent-sources cache: 2^RECENT_BITS addresses */
#define RECENT_BITS 8

struct agg {
	struct strtab *st;
	struct agg_opts opts;
	uint32_t user_id; /* of opts.user; 0 when none */
	struct agg_file *files;
	size_t nfiles, capfiles;
	struct agg_view v;
	struct hll *sources, *hosts_hll, *attacker_addrs, *user_names, *banned;
	/*
	 * Distinct hosts: host_set[HOST_SLOTS] holds the ids of the first
	 * AGG_HOSTS_EXACT hosts (0: free; linear probing), v.nhosts of them;
	 * every host also goes into hosts_hll, which counts once the set is
	 * full (v.hosts_approx). last_host[0..last_host_n) are the bytes
	 * (in the strtab) of the last host seen, last_host_id its id.
	 */
	uint32_t *host_set;
	const char *last_host;
	size_t last_host_n;
	uint32_t last_host_id;
	/* sources added lately, direct-mapped by address (af 0: free): an exact shortcut */
	struct addr recent[1 << RECENT_BITS];
	struct topk *attackers, *usernames, *session_users, *hours, *offenders, *revmap;
	struct agg_login *ring; /* the last AGG_LOGINS_KEPT logins */
	uint64_t nlogins;
	struct agg_login *longest; /* v.nlongest of them, longest first */
	struct agg_alert *alerts;
	size_t nalerts;
	struct agg_jail *jails;
	size_t njails;
	int64_t first_login; /* UTC µs of the first accepted login seen; INT64_MAX none */
	uint64_t publickey_logins;
	/* views */
	const void **tmp;
	const struct agg_login **logins_recent, **longest_p;
	const void **attackers_v, **usernames_v, **session_users_v, **sftp_v, **offenders_v;
	struct agg_hour *hours_v;
	/* the hour being counted: added to the hours table when another hour comes (most
	 * records of a run fall in the same hour as the one before) */
	struct agg_hour hour_pend; /* hour INT64_MIN: none */
	/* per-line counts: those agg_event took since the last flush (of the current input),
	 * and the totals of all inputs */
	struct agg_count pend, total;
};

/* Records an alert (an identical one of the same second is not repeated; past AGG_ALERTS_KEPT
 * only counted as dropped). src may be NULL. */
void agg_alert(struct agg *a, unsigned kind, int64_t ts, uint32_t host, uint32_t user,
               uint32_t detail, const struct addr *src, uint64_t count);
/* The distinct names beyond at->users[] that an attacker tried (exact, else estimated). */
uint32_t agg_more_count(const struct agg_attacker *at);
/* Adds what is still pending (the hour being counted, the lines counted) to the tables. */
void agg_flush(struct agg *a);

#endif
