/* store_impl.h: the store's inside, shared by store.c, store_bans.c and store_state.c. */
#ifndef STORE_IMPL_H
#define STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "addr.h"
#include "store.h"

#define KEY_LEN 17 /* a network key: the af byte, then the 16 address bytes */

/* The statements prepared once at open (their text: stmt_sql in store.c) and reset after each
 * use. */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_BAN_END,
	ST_HIST_ADD,
	ST_BAN_PUT,
	ST_BAN_DEL,
	ST_BANS_ACTIVE,
	ST_EXPIRE,
	ST_BAN_COUNT,
	ST_HISTORY,
	ST_HIST_PRUNE,
	ST_FAIL_ADD,
	ST_FAIL_LOAD,
	ST_FAIL_PRUNE,
	ST_FAIL_CLEAR,
	ST_OFF_GET,
	ST_OFF_PUT,
	ST_CUR_GET,
	ST_CUR_PUT,
	ST_N
};

/*
 * Invariant: db is open and holds schema STORE_SCHEMA_VERSION; every st[i] is
 * prepared from stmt_sql[i] and reset with no bindings between calls. in_txn is
 * set from a successful store_begin until store_commit or store_rollback (SQLite
 * may have ended the transaction itself after an error: then get_autocommit is
 * true while in_txn is set). readonly is set when SQLite opened the file read-only:
 * every write is then refused before it reaches SQLite. errmsg holds the last
 * error as "PATH: reason" ("" when none yet) and err its errno.
 */
struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_N];
	int in_txn, readonly, err;
	char errmsg[512];
};

/* Records an error of our own: errmsg "PATH: <fmt>", errno e. Returns -1. */
int store_error(struct store *s, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records SQLite's error rc (of s->db): a short fixed text for the cases a caller acts on,
 * SQLite's own message (and the OS error behind it) for the rest. Returns -1. */
int store_db_error(struct store *s, int rc);

/* Resets st and drops its bindings (the text bound with SQLITE_STATIC is the caller's). */
static inline void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Steps st, which returns no row (or whose rows are not wanted), and resets it. Returns 0 or
 * -1. */
int store_run(struct store *s, sqlite3_stmt *st);
/* Runs a DELETE whose parameters are bound; returns the number of rows deleted, or -1. */
int store_run_count(struct store *s, sqlite3_stmt *st);
/* Runs s->st[stmt], a DELETE whose one parameter is the time t, on a writable store; returns
 * the number of rows deleted, or -1. */
int store_delete_before(struct store *s, int stmt, int64_t t);

/* The bind helpers return 0 or -1 (errmsg set). */
int store_bind_int(struct store *s, sqlite3_stmt *st, int i, int64_t v);
int store_bind_text(struct store *s, sqlite3_stmt *st, int i, const char *t);
int store_bind_key(struct store *s, sqlite3_stmt *st, int i, const uint8_t key[KEY_LEN]);

/* Copies text column i into buf[0..len) (cut to fit, always terminated). */
void store_col_text(sqlite3_stmt *st, int i, char *buf, size_t len);

/* The number of address bits of af (0 when af is neither 4 nor 6). */
static inline unsigned
store_af_bits(unsigned af)
{
	return af == 4 ? 32 : af == 6 ? 128 : 0;
}

/* key = af, then the 16 bytes of a with the bits past prefix cleared. */
void store_key_mask(const uint8_t *a16, unsigned af, unsigned prefix, uint8_t key[KEY_LEN]);
/* Makes the key of network a/prefix. Returns 0, or -1 (EINVAL) for a bad family or prefix. */
int store_key_make(struct store *s, const struct addr *a, unsigned prefix, uint8_t key[KEY_LEN]);
/* Reads a key column into a and *prefix. Returns 0, or -1 for a row that was not written by
 * us. */
int store_col_key(struct store *s, sqlite3_stmt *st, int i, int pi, struct addr *a,
                  uint8_t *prefix);
/* Checks a jail name. Returns 0, or -1 (EINVAL). */
int store_jail_ok(struct store *s, const char *jail);

/* Refuses a write on a read-only store (SQLite would even BEGIN IMMEDIATE there), and when
 * SQLite ended store_begin's transaction after an error: the caller's commit must fail
 * rather than part of the turn be written on its own. Returns 0 or -1. */
int store_wcheck(struct store *s);
/* Starts a multi-statement write: its own transaction, or a savepoint inside store_begin's.
 * Sets *own. Returns 0 or -1. */
int store_wbegin(struct store *s, int *own);
/* Ends what store_wbegin started: keeps it when rc is 0, else undoes it (keeping the first
 * error). Returns rc, or -1 when keeping it failed. */
int store_wend(struct store *s, int own, int rc);

#endif
