/* ban.h: the ban manager: how long, escalation for repeat offenders, the active set, one batch per
 * turn. */
#ifndef BAN_H
#define BAN_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "fw.h"
#include "store.h"

/* How long bans of one jail last. */
struct ban_policy {
	int64_t bantime;          /* seconds, the first ban */
	int increment;            /* multiply for each earlier ban of the same network */
	double factor;            /* >= 1 */
	int64_t bantime_max;      /* cap, seconds */
	unsigned permanent_after; /* 0 never; else the Nth ban and later are permanent */
};

/* Seconds the nth (1-based) ban lasts under p; 0 = permanent. */
int64_t ban_duration(const struct ban_policy *p, uint32_t nth);

/* The policy of the configured jail cj. */
void ban_policy_of(const struct conf_jail *cj, struct ban_policy *p);

struct banmgr;

/*
 * A manager over fw (borrowed, required) and st (borrowed; NULL: memory only,
 * as when the database could not be opened). Aborts on OOM.
 */
struct banmgr *banmgr_new(struct fw *fw, struct store *st);
void banmgr_free(struct banmgr *m);
/* Stops using the store after an error (the daemon keeps banning in memory). */
void banmgr_drop_store(struct banmgr *m);

/*
 * Decides a ban of net/prefix in jail at now (UTC seconds, the clock when it
 * is decided, never an older log line's time: the firewall's timeout runs from
 * the flush, and the ban's end here must be the same): the nth ban of it
 * in that jail (the history the store keeps, or without a store this run's
 * and the restored bans' count; see banmgr_forget) lasts ban_duration(p, nth).
 * Queued: nothing reaches the firewall or the store before banmgr_flush. An active ban of the
 * same network and jail is not a new offence: it runs on from now for its own
 * duration (the store keeps its first end). *out (may be NULL)
 * gets the ban. Returns 0 for a new ban, 1 when an active one was extended.
 */
int banmgr_ban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
               const struct ban_policy *p, int64_t now, const char *reason, struct store_ban *out);

/*
 * Lifts the active bans of net/prefix (prefix 0: any ban whose network
 * contains net) in jail (NULL: every jail) at now. Queued like banmgr_ban.
 * The active bans inside a lifted one (of any jail, the same network too) are
 * queued again with the time they have left: the firewall may have let one
 * element stand for both (nftables keeps no prefix inside a wider one of its
 * interval sets; two jails share an element), so they are enforced again.
 * Returns how many were lifted.
 */
int banmgr_unban(struct banmgr *m, const struct addr *net, uint8_t prefix, const char *jail,
                 int64_t now);

/*
 * Applies what was queued: one firewall batch, one store transaction. A full
 * disk (ENOSPC) keeps the store writes queued for the next flush, silently (the
 * caller's own writes fail alike and it says so); another store error is
 * returned in err and the store is dropped (bans go on in memory); a firewall
 * error is returned in err and the decisions stay queued for the next flush.
 * Returns 0, or -1.
 */
int banmgr_flush(struct banmgr *m, int64_t now, char *err, size_t errlen);

/*
 * Forgets the bans that expired at or before now, in memory and in the store;
 * returns how many. Permanent bans never expire. A firewall with kernel
 * timeouts (fw_expires) dropped them already; any other gets their unbans
 * queued (the command backend runs unban_command at the next flush). The
 * active bans inside an expired one are queued again as in banmgr_unban, after
 * an explicit unban of the expired one (the kernel may hold it a moment longer).
 * Call it every second or so: until then, a ban hidden by an expired wider one
 * is not in the firewall.
 */
size_t banmgr_expire(struct banmgr *m, int64_t now);

/*
 * Forgets the bans that started before `before` and are over at now (UTC
 * seconds): they no longer count for escalation nor in banmgr_top, and their
 * rows leave the store's history (a network banned again starts over from
 * what is left). Memory stays the size of the history kept. Call it now and
 * then (the daemon: at start and hourly, before = now - history). The active
 * bans over at now expire first, as in banmgr_expire. *forgotten
 * (may be NULL) gets how many networks left memory. Returns 0, or -1 when the
 * store could not be pruned (memory was; the store is kept, to be tried again
 * next time).
 */
int banmgr_forget(struct banmgr *m, int64_t before, int64_t now, size_t *forgotten);

/*
 * At start: loads the store's active bans into the set and queues them all,
 * so the next flush applies them in one batch. With a firewall without kernel
 * timeouts (see banmgr_expire), the bans that ran out while the daemon was down
 * get their unbans queued and their rows removed, so each is unbanned once.
 * Returns how many bans are active, or -1 (err).
 */
int banmgr_restore(struct banmgr *m, int64_t now, char *err, size_t errlen);

/* Queues every active ban again (the firewall table was recreated). */
void banmgr_reapply(struct banmgr *m, int64_t now);

/* The active bans (valid until the next call on m). */
const struct store_ban *banmgr_active(const struct banmgr *m, size_t *n);

/* How many bans jail decided at or after since (UTC seconds; the last 65536 bans are kept). */
size_t banmgr_recent(const struct banmgr *m, const char *jail, int64_t since);

/* A network banned repeatedly. */
struct banmgr_offender {
	struct addr net;
	uint8_t prefix;
	uint32_t bans; /* its number of bans in the jail, history from the store included */
};
/*
 * The networks of jail with the most bans (among those banned during this run
 * or restored at its start), most first, at most max of them into out.
 * Returns how many.
 */
size_t banmgr_top(const struct banmgr *m, const char *jail, struct banmgr_offender *out,
                  size_t max);

/* Counters since start. */
struct banmgr_stats {
	uint64_t bans, unbans, extended, fw_errors, store_errors;
};
void banmgr_stats(const struct banmgr *m, struct banmgr_stats *out);

#endif
