/* store.h: the daemon's persistent state (bans, ban history, failure windows, read positions) in
 * SQLite. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define STORE_SCHEMA_VERSION 3 /* the schema this authwatch writes (doc/store.md) */
#define STORE_BUSY_MS 2000     /* how long store_open waits for another process's lock */
#define STORE_JAIL_MAX 64      /* sizeof store_ban.jail: jail names are at most 63 bytes */
#define STORE_REASON_MAX 128   /* sizeof store_ban.reason */

/*
 * Errors. Every function that returns -1 (or NULL) leaves a message "PATH: reason"
 * in store_errmsg and sets errno:
 *   ENOSPC  "PATH: disk full" (SQLITE_FULL): nothing of the failed call was written;
 *           reads still work, and writes work again once space is freed;
 *   EBUSY   "PATH: locked by another process": another connection held the write lock
 *           for longer than the busy timeout;
 *   EROFS   "PATH: read-only database": the file or its file system is read-only;
 *   EINVAL  a bad argument (address family, prefix too long for it, jail name of 64
 *           bytes or more, reason not terminated, no transaction open, ...), or at
 *           open a database that is not authwatch's or has a newer schema;
 *   ERANGE  store_cursor_get: the cursor does not fit in the buffer;
 *   EIO     anything else SQLite reports (its own message follows "PATH: ").
 * Strings (jail, reason, source, cursor) are C strings: stored byte for byte up to
 * their first NUL, always as bound parameters, never as SQL text.
 * Addresses are keys (af, 16 bytes, prefix) with the bits past prefix cleared, so
 * 2001:db8::1/64 and 2001:db8::/64 are the same network.
 * One struct store is used by one thread at a time.
 */
struct store;

/*
 * Opens or creates the database at path: a new file is created with mode 0600
 * (the -wal and -shm files take the same mode; the parent directory must
 * exist); WAL journal mode, synchronous=NORMAL, foreign keys on, busy timeout
 * STORE_BUSY_MS. Checks the whole file (PRAGMA quick_check), then creates the
 * schema or migrates an older one to STORE_SCHEMA_VERSION in one transaction
 * (a failed migration leaves the file as it was). Returns the store, owned by
 * the caller (free with store_close), or NULL with errno set and a message in
 * err[0..errlen):
 *   "PATH: file is not a database", "PATH: database disk image is malformed",
 *   "PATH: schema version 9 is newer than this authwatch (3)",
 *   "PATH: not an authwatch database (no meta table)",
 *   "PATH: migration to schema version 3 failed: ...",
 *   "PATH: locked by another process", "PATH: No such file or directory", ...
 * On a read-only file or file system the store opens for reading when its
 * schema is current (store_readonly says so; every write then fails with EROFS).
 */
struct store *store_open(const char *path, char *err, size_t errlen);

/* store_open with a busy timeout of busy_ms milliseconds (>= 0) instead of STORE_BUSY_MS,
 * for the open itself and every later call (tests use a short one). */
struct store *store_open_timeout(const char *path, int busy_ms, char *err, size_t errlen);

/* Rolls back an open transaction, closes the database and frees s (NULL is fine). The last
 * connection checkpoints the WAL and empties it; the -wal and -shm files stay (without them
 * the database could not be opened on a read-only file system). */
void store_close(struct store *s);

/* The last error's text, "PATH: reason" ("" when none); valid until the next call on s. */
const char *store_errmsg(const struct store *s);

/* 1 when the store was opened read-only (read-only file or file system), else 0. */
int store_readonly(const struct store *s);

/*
 * Groups the writes of one daemon loop turn into one transaction (BEGIN IMMEDIATE:
 * the write lock is taken here, waiting up to the busy timeout). Returns 0, or -1
 * (EINVAL when a transaction is already open, EBUSY, ...).
 */
int store_begin(struct store *s);
/*
 * Commits the transaction opened by store_begin. Returns 0, or -1 when the commit
 * failed or SQLite already rolled the transaction back after an earlier error in
 * it (disk full, I/O error: errmsg keeps that error); either way the transaction is
 * then over and none of its writes are kept. EINVAL when none was open.
 */
int store_commit(struct store *s);
/* Abandons the transaction opened by store_begin (none open: does nothing). Returns 0 or -1. */
int store_rollback(struct store *s);

/*
 * A ban. As a row of bans or of the history. Invariant: net.af is 4 or 6, prefix
 * <= 32 or 128, jail and reason are NUL-terminated.
 */
struct store_ban {
	struct addr net;
	uint8_t prefix;
	char jail[STORE_JAIL_MAX];
	int64_t start, expires;        /* UTC seconds; expires 0 = permanent */
	uint32_t nth;                  /* 1 for the first ban of this net in this jail, 2 ... */
	char reason[STORE_REASON_MAX]; /* e.g. "5 failures in 10m" */
	int64_t ended; /* history: when it was lifted before expires (store_ban_del, or a
	                  new ban of the same net and jail replaced it); else 0 */
};

/*
 * Records a ban: inserts or replaces the active row of (net, prefix, jail) and
 * appends a history row; a ban it replaces that was still in force gets
 * ended = b->start in the history. All or nothing (its own transaction, or a
 * savepoint inside store_begin's). b->ended is ignored. Returns 0 or -1 (EINVAL
 * for a bad address, prefix, jail or reason).
 */
int store_ban_add(struct store *s, const struct store_ban *b);
/*
 * Ends an active ban early (unban): removes the active row of (net, prefix, jail)
 * and, when it was still in force at now, sets its history row's ended = now.
 * Returns 0 when a ban in force was lifted, 1 when there was none (an expired row
 * is removed all the same), -1 on error.
 */
int store_ban_del(struct store *s, const struct addr *net, uint8_t prefix, const char *jail,
                  int64_t now);
/*
 * All bans in force at now (expires > now, or 0 = permanent), in one query, ordered
 * by (net, prefix, jail). Returns 0 with *out (owned by the caller: free; NULL when
 * *n is 0) and *n set, or -1 (*out NULL, *n 0).
 */
int store_bans_active(struct store *s, int64_t now, struct store_ban **out, size_t *n);
/* Deletes the active rows that expired at or before now (permanent ones stay; the history
 * is kept). Returns the number deleted, or -1. */
int store_expire(struct store *s, int64_t now);
/*
 * How many times (net, prefix) was banned in jail (history rows, expired and lifted
 * ones included), for escalation, and the start of the last of them (0 when none).
 * Returns 0 with *count and *last set, or -1.
 */
int store_ban_count(struct store *s, const struct addr *net, uint8_t prefix, const char *jail,
                    uint32_t *count, int64_t *last);
/*
 * History for `authwatch bans --history ADDR`: calls fn for each history row, of
 * every jail, whose network contains net (the address itself, its /64, its /24 ...),
 * newest start first. The store_ban passed is valid during the call only. fn
 * returns 0 to go on; anything else stops the walk and is returned. fn must not
 * call into the store. Returns 0, fn's value, or -1 on a database error.
 */
int store_history(struct store *s, const struct addr *net,
                  int (*fn)(void *arg, const struct store_ban *b), void *arg);
/* Deletes the history rows of bans that started before `before` and are no longer active
 * (their count stops weighing on escalation). Returns the number deleted, or -1. */
int store_history_prune(struct store *s, int64_t before);

/*
 * Failures inside a window: appended as they are counted (ts_us: UTC microseconds),
 * pruned when older than the window. Put them in the same transaction as the
 * store_offset_put of the lines they came from, so a restart counts nothing twice.
 * Returns 0 or -1.
 */
int store_fail_add(struct store *s, const char *jail, const struct addr *net, uint8_t prefix,
                   int64_t ts_us, double weight);
/*
 * Calls fn for each failure of jail with ts_us >= since_us, oldest first (insertion
 * order for equal times). fn returns 0 to go on; anything else stops the walk and is
 * returned. fn must not call into the store. Returns 0, fn's value, or -1.
 */
int store_fail_load(struct store *s, const char *jail, int64_t since_us,
                    int (*fn)(void *arg, const struct addr *net, uint8_t prefix, int64_t ts_us,
                              double weight),
                    void *arg);
/* Deletes the failures of jail with ts_us < before_us. Returns the number deleted, or -1. */
int store_fail_prune(struct store *s, const char *jail, int64_t before_us);
/* Deletes the failures of (net, prefix) in jail (after a ban). Returns the number deleted,
 * or -1. */
int store_fail_clear(struct store *s, const char *jail, const struct addr *net, uint8_t prefix);

/* Where a followed file was read up to (struct follow_pos, field for field): its identity,
 * the byte offset, and a hash of its first head_len bytes (to tell a truncated or replaced
 * file from the same one). Plain data, stored bit for bit. */
struct store_offset {
	uint64_t dev, ino;
	int64_t pos;
	uint64_t head_hash;
	uint32_t head_len;
};
/* The offset stored for source (a path). Returns 0 with *o set, 1 when there is none, -1. */
int store_offset_get(struct store *s, const char *source, struct store_offset *o);
/* Stores (replaces) the offset of source. Returns 0 or -1. */
int store_offset_put(struct store *s, const char *source, const struct store_offset *o);
/* The journal cursor stored for source into buf[0..len). Returns 0, 1 when there is none
 * (buf "" when len > 0), -1 (ERANGE: it needs more than len bytes). */
int store_cursor_get(struct store *s, const char *source, char *buf, size_t len);
/* Stores (replaces) the journal cursor of source. Returns 0 or -1. */
int store_cursor_put(struct store *s, const char *source, const char *cursor);

#endif
