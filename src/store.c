/* store.c: the SQLite store's core: open, schema and migrations, transactions, errors, helpers. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"
#include "xmalloc.h"

#ifndef SQLITE_INNOCUOUS
#define SQLITE_INNOCUOUS 0 /* before SQLite 3.31 */
#endif

/*
 * The schema, one step per version: migrations[v] turns version v - 1 into v
 * (migrations[1] creates it from nothing) and records v in meta. Published steps
 * never change; a new version appends a step. doc/store.md describes each table.
 */
static const char *const migrations[] = {
    NULL,
    /* 1: the initial schema */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE ban_history(id INTEGER PRIMARY KEY, net BLOB NOT NULL,"
    " prefix INTEGER NOT NULL, jail TEXT NOT NULL, start INTEGER NOT NULL,"
    " expires INTEGER NOT NULL, nth INTEGER NOT NULL, ended INTEGER);"
    "CREATE TABLE bans(net BLOB NOT NULL, prefix INTEGER NOT NULL, jail TEXT NOT NULL,"
    " start INTEGER NOT NULL, expires INTEGER NOT NULL, nth INTEGER NOT NULL,"
    " hist_id INTEGER NOT NULL REFERENCES ban_history(id),"
    " PRIMARY KEY(net, prefix, jail)) WITHOUT ROWID;"
    "CREATE TABLE failures(id INTEGER PRIMARY KEY, jail TEXT NOT NULL, net BLOB NOT NULL,"
    " prefix INTEGER NOT NULL, ts_us INTEGER NOT NULL, weight REAL NOT NULL);"
    "CREATE INDEX failures_jail_ts ON failures(jail, ts_us);"
    "CREATE TABLE offsets(source TEXT PRIMARY KEY, dev INTEGER NOT NULL,"
    " ino INTEGER NOT NULL, pos INTEGER NOT NULL, head_hash INTEGER NOT NULL,"
    " head_len INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE cursors(source TEXT PRIMARY KEY, cursor TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES ('schema_version', 1);",
    /* 2: why each ban was made */
    "ALTER TABLE bans ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE ban_history ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "UPDATE meta SET value = 2 WHERE key = 'schema_version';",
    /* 3: indexes for escalation, history, expiry, unban and clearing failures */
    "CREATE INDEX ban_history_net ON ban_history(net, prefix, jail, start);"
    "CREATE INDEX bans_expires ON bans(expires) WHERE expires != 0;"
    "CREATE INDEX bans_hist ON bans(hist_id);"
    "CREATE INDEX failures_net ON failures(jail, net, prefix);"
    "UPDATE meta SET value = 3 WHERE key = 'schema_version';",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION + 1,
               "one migration step per schema version");

/* The statements prepared once at open (enum ST_* in store_impl.h). */
static const char *const stmt_sql[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT store_write",
    [ST_RELEASE] = "RELEASE store_write",
    [ST_ROLLBACK_TO] = "ROLLBACK TO store_write",
    /* the history row of the ban in force that is lifted or replaced at ?4 */
    [ST_BAN_END] = "UPDATE ban_history SET ended = ?4 WHERE ended IS NULL AND id ="
                   " (SELECT hist_id FROM bans WHERE net = ?1 AND prefix = ?2 AND jail = ?3"
                   " AND (expires = 0 OR expires > ?4))",
    [ST_HIST_ADD] = "INSERT INTO ban_history(net, prefix, jail, start, expires, nth, reason)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_BAN_PUT] = "INSERT INTO bans(net, prefix, jail, start, expires, nth, reason, hist_id)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(net, prefix, jail)"
                   " DO UPDATE SET start = excluded.start, expires = excluded.expires,"
                   " nth = excluded.nth, reason = excluded.reason, hist_id = excluded.hist_id",
    [ST_BAN_DEL] = "DELETE FROM bans WHERE net = ?1 AND prefix = ?2 AND jail = ?3",
    [ST_BANS_ACTIVE] = "SELECT net, prefix, jail, start, expires, nth, reason, 0 FROM bans"
                       " WHERE expires = 0 OR expires > ?1",
    [ST_EXPIRE] = "DELETE FROM bans WHERE expires != 0 AND expires <= ?1",
    [ST_BAN_COUNT] = "SELECT count(*), coalesce(max(start), 0) FROM ban_history"
                     " WHERE net = ?1 AND prefix = ?2 AND jail = ?3",
    /* every network containing ?1: one index probe per prefix length 0..?2 */
    [ST_HISTORY] = "WITH RECURSIVE p(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM p WHERE n < ?2)"
                   " SELECT h.net, h.prefix, h.jail, h.start, h.expires, h.nth, h.reason,"
                   " coalesce(h.ended, 0) FROM p CROSS JOIN ban_history AS h"
                   " ON h.net = authwatch_mask(?1, p.n) AND h.prefix = p.n"
                   " ORDER BY h.start DESC, h.id DESC",
    [ST_HIST_PRUNE] = "DELETE FROM ban_history WHERE start < ?1"
                      " AND NOT EXISTS (SELECT 1 FROM bans WHERE hist_id = ban_history.id)",
    [ST_FAIL_ADD] = "INSERT INTO failures(jail, net, prefix, ts_us, weight)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_FAIL_LOAD] = "SELECT net, prefix, ts_us, weight FROM failures"
                     " WHERE jail = ?1 AND ts_us >= ?2 ORDER BY ts_us, id",
    [ST_FAIL_PRUNE] = "DELETE FROM failures WHERE jail = ?1 AND ts_us < ?2",
    [ST_FAIL_CLEAR] = "DELETE FROM failures WHERE jail = ?1 AND net = ?2 AND prefix = ?3",
    [ST_OFF_GET] = "SELECT dev, ino, pos, head_hash, head_len FROM offsets WHERE source = ?1",
    [ST_OFF_PUT] = "INSERT INTO offsets(source, dev, ino, pos, head_hash, head_len)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(source) DO UPDATE SET"
                   " dev = excluded.dev, ino = excluded.ino, pos = excluded.pos,"
                   " head_hash = excluded.head_hash, head_len = excluded.head_len",
    [ST_CUR_GET] = "SELECT cursor FROM cursors WHERE source = ?1",
    [ST_CUR_PUT] = "INSERT INTO cursors(source, cursor) VALUES (?1, ?2)"
                   " ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor",
};

/* The helpers shared with store_bans.c and store_state.c: their contracts are in store_impl.h. */

int
store_error(struct store *s, int e, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->errmsg, sizeof(s->errmsg), "%s: ", s->path);
	if (n < 0 || (size_t)n >= sizeof(s->errmsg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(s->errmsg + n, sizeof(s->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	s->err = e;
	errno = e;
	return -1;
}

int
store_db_error(struct store *s, int rc)
{
	int sys = s->db != NULL ? sqlite3_system_errno(s->db) : 0;
	const char *msg = s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_FULL:
		return store_error(s, ENOSPC, "disk full");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return store_error(s, EBUSY, "locked by another process");
	case SQLITE_READONLY:
		return store_error(s, EROFS, "read-only database");
	case SQLITE_CORRUPT:
		return store_error(s, EIO, "database disk image is malformed");
	case SQLITE_NOTADB:
		return store_error(s, EIO, "file is not a database");
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (sys == ENOSPC)
			return store_error(s, ENOSPC, "disk full");
		if (sys == EROFS)
			return store_error(s, EROFS, "read-only database");
		if (sys != 0)
			return store_error(s, sys, "%s (%s)", msg, strerror(sys));
		return store_error(s, EIO, "%s", msg);
	default:
		return store_error(s, EIO, "%s", msg);
	}
}

int
store_run(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_db_error(s, rc);
		store_done(st);
		return -1;
	}
	store_done(st);
	return 0;
}

int
store_run_count(struct store *s, sqlite3_stmt *st)
{
	if (store_run(s, st) == -1)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_delete_before(struct store *s, int stmt, int64_t t)
{
	sqlite3_stmt *st = s->st[stmt];

	if (store_wcheck(s) == -1 || store_bind_int(s, st, 1, t) == -1) {
		store_done(st);
		return -1;
	}
	return store_run_count(s, st);
}

int
store_bind_int(struct store *s, sqlite3_stmt *st, int i, int64_t v)
{
	int rc = sqlite3_bind_int64(st, i, v);

	return rc == SQLITE_OK ? 0 : store_db_error(s, rc);
}

int
store_bind_text(struct store *s, sqlite3_stmt *st, int i, const char *t)
{
	size_t n = strlen(t);
	int rc;

	if (n > INT_MAX)
		return store_error(s, EINVAL, "string of %zu bytes is too long", n);
	rc = sqlite3_bind_text(st, i, t, (int)n, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : store_db_error(s, rc);
}

int
store_bind_key(struct store *s, sqlite3_stmt *st, int i, const uint8_t key[KEY_LEN])
{
	int rc = sqlite3_bind_blob(st, i, key, KEY_LEN, SQLITE_STATIC);

	return rc == SQLITE_OK ? 0 : store_db_error(s, rc);
}

void
store_col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (t == NULL)
		n = 0;
	if (n >= len)
		n = len - 1;
	memcpy(buf, t != NULL ? (const char *)t : "", n);
	buf[n] = '\0';
}

void
store_key_mask(const uint8_t *a16, unsigned af, unsigned prefix, uint8_t key[KEY_LEN])
{
	unsigned i;

	key[0] = (uint8_t)af;
	for (i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		key[1 + i] = bits >= 8 ? a16[i] : (uint8_t)(a16[i] & (0xff00u >> bits));
	}
}

int
store_key_make(struct store *s, const struct addr *a, unsigned prefix, uint8_t key[KEY_LEN])
{
	unsigned bits = a != NULL ? store_af_bits(a->af) : 0;

	if (bits == 0)
		return store_error(s, EINVAL, "address family must be 4 or 6");
	if (prefix > bits)
		return store_error(s, EINVAL, "prefix /%u is too long for IPv%u", prefix,
		                   (unsigned)a->af);
	store_key_mask(a->a, a->af, prefix, key);
	return 0;
}

int
store_col_key(struct store *s, sqlite3_stmt *st, int i, int pi, struct addr *a, uint8_t *prefix)
{
	const uint8_t *k = sqlite3_column_blob(st, i);
	int64_t p = sqlite3_column_int64(st, pi);

	if (k == NULL || sqlite3_column_bytes(st, i) != KEY_LEN || store_af_bits(k[0]) == 0 ||
	    p < 0 || p > (int64_t)store_af_bits(k[0]))
		return store_error(s, EIO, "database disk image is malformed (bad network key)");
	a->af = k[0];
	memcpy(a->a, k + 1, 16);
	*prefix = (uint8_t)p;
	return 0;
}

int
store_jail_ok(struct store *s, const char *jail)
{
	if (jail == NULL || strnlen(jail, STORE_JAIL_MAX) == STORE_JAIL_MAX)
		return store_error(s, EINVAL, "jail name must be shorter than %d bytes",
		                   STORE_JAIL_MAX);
	return 0;
}

/* SQL function authwatch_mask(key, n): key with the bits past n cleared; NULL when key is not
 * a key or n does not fit its family. */
static void
sql_mask(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const uint8_t *k = sqlite3_value_blob(argv[0]);
	int64_t n = sqlite3_value_int64(argv[1]);
	uint8_t key[KEY_LEN];

	if (k == NULL || sqlite3_value_bytes(argv[0]) != KEY_LEN || store_af_bits(k[0]) == 0 ||
	    n < 0 || n > (int64_t)store_af_bits(k[0])) {
		sqlite3_result_null(ctx);
		return;
	}
	store_key_mask(k + 1, k[0], (unsigned)n, key);
	sqlite3_result_blob(ctx, key, KEY_LEN, SQLITE_TRANSIENT);
}

int
store_wcheck(struct store *s)
{
	if (s->readonly)
		return store_error(s, EROFS, "read-only database");
	if (s->in_txn && sqlite3_get_autocommit(s->db)) {
		if (s->errmsg[0] == '\0')
			return store_error(s, EIO, "transaction was rolled back after an error");
		errno = s->err;
		return -1;
	}
	return 0;
}

int
store_wbegin(struct store *s, int *own)
{
	if (store_wcheck(s) == -1)
		return -1;
	*own = sqlite3_get_autocommit(s->db);
	return store_run(s, s->st[*own ? ST_BEGIN : ST_SAVEPOINT]);
}

int
store_wend(struct store *s, int own, int rc)
{
	char msg[sizeof(s->errmsg)];
	int e = s->err;

	if (rc == 0) {
		if (store_run(s, s->st[own ? ST_COMMIT : ST_RELEASE]) == 0)
			return 0;
		memcpy(msg, s->errmsg, sizeof(msg));
		e = s->err;
	} else {
		memcpy(msg, s->errmsg, sizeof(msg));
	}
	if (!sqlite3_get_autocommit(s->db)) {
		if (own) {
			store_run(s, s->st[ST_ROLLBACK]);
		} else if (store_run(s, s->st[ST_ROLLBACK_TO]) == 0) {
			store_run(s, s->st[ST_RELEASE]);
		}
	}
	memcpy(s->errmsg, msg, sizeof(msg));
	s->err = e;
	errno = e;
	return -1;
}

/* Runs one fixed SQL text at open (pragmas, DDL). Returns 0 or -1. */
static int
exec(struct store *s, const char *sql)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_db_error(s, rc);
}

/* Runs a fixed query at open and copies the first column of its first row into buf ("" when
 * no row); *type gets the column's SQLite type (SQLITE_NULL when no row). Returns 0 or -1. */
static int
query1(struct store *s, const char *sql, char *buf, size_t len, int *type)
{
	sqlite3_stmt *st = NULL;
	int rc;

	buf[0] = '\0';
	*type = SQLITE_NULL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*type = sqlite3_column_type(st, 0);
		store_col_text(st, 0, buf, len);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
out:
	if (rc != SQLITE_OK)
		store_db_error(s, rc);
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/*
 * Reads the schema version: 0 for an empty database, -1 on error (also for a
 * database that is not ours). Checks the whole file first when check is set.
 */
static int
schema_version(struct store *s, int check)
{
	char buf[128];
	char *end;
	long v;
	int type;

	if (check) {
		if (query1(s, "PRAGMA quick_check(1)", buf, sizeof(buf), &type) == -1)
			return -1;
		if (strcmp(buf, "ok") != 0)
			return store_error(s, EIO, "database disk image is malformed (%s)", buf);
	}
	if (query1(s, "SELECT count(*) FROM sqlite_master", buf, sizeof(buf), &type) == -1)
		return -1;
	if (strcmp(buf, "0") == 0)
		return 0;
	if (query1(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
	           buf, sizeof(buf), &type) == -1)
		return -1;
	if (strcmp(buf, "1") != 0)
		return store_error(s, EINVAL, "not an authwatch database (no meta table)");
	if (query1(s, "SELECT value FROM meta WHERE key = 'schema_version'", buf, sizeof(buf),
	           &type) == -1)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (type != SQLITE_INTEGER || errno != 0 || *end != '\0' || v < 1 || v > INT_MAX)
		return store_error(s, EINVAL,
		                   "not an authwatch database (bad schema_version \"%s\")", buf);
	return (int)v;
}

/*
 * Brings the schema to STORE_SCHEMA_VERSION. The check and the version are read
 * without the write lock (a current schema needs none, so the open neither waits
 * for a busy daemon nor writes); an upgrade reads the version again under BEGIN
 * IMMEDIATE and runs every step in that one transaction. Returns 0 or -1.
 */
static int
schema(struct store *s)
{
	int v, rc = -1;

	if (exec(s, "BEGIN") == -1)
		return -1;
	if ((v = schema_version(s, 1)) == -1 || exec(s, "COMMIT") == -1)
		goto out;
	if (v > STORE_SCHEMA_VERSION) {
		store_error(s, EINVAL, "schema version %d is newer than this authwatch (%d)", v,
		            STORE_SCHEMA_VERSION);
		goto out;
	}
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (s->readonly) {
		store_error(s, EROFS,
		            "read-only database with schema version %d (this authwatch needs %d)",
		            v, STORE_SCHEMA_VERSION);
		goto out;
	}
	if (exec(s, "BEGIN IMMEDIATE") == -1)
		goto out;
	if ((v = schema_version(s, 0)) == -1)
		goto out;
	for (v++; v <= STORE_SCHEMA_VERSION; v++) {
		char *msg = NULL;
		int r = sqlite3_exec(s->db, migrations[v], NULL, NULL, &msg);

		if (r != SQLITE_OK) {
			if ((r & 0xff) == SQLITE_FULL || (r & 0xff) == SQLITE_BUSY)
				store_db_error(s, r);
			else
				store_error(s, EIO, "migration to schema version %d failed: %s", v,
				            msg != NULL ? msg : sqlite3_errstr(r));
			sqlite3_free(msg);
			goto out;
		}
	}
	if (exec(s, "COMMIT") == -1)
		goto out;
	rc = 0;
out:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Creates path with mode 0600 unless it exists (SQLite would create it 0644); an existing
 * path must be a regular file (or a link to one). Returns 0 or -1. */
static int
create_file(struct store *s)
{
	int fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	struct stat st;

	if (fd == -1 && errno == EEXIST) {
		if (stat(s->path, &st) == -1)
			return store_error(s, errno, "%s", strerror(errno));
		if (!S_ISREG(st.st_mode))
			return store_error(s, EINVAL, "not a regular file");
		return 0;
	}
	if (fd == -1)
		return store_error(s, errno, "%s", strerror(errno));
	if (close(fd) == -1)
		return store_error(s, errno, "%s", strerror(errno));
	return 0;
}

/* Sets up the connection: pragmas, WAL, the statements. Returns 0 or -1. */
static int
setup(struct store *s, int busy_ms)
{
	char mode[32];
	int i, rc, type, one = 1;

	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = sqlite3_busy_timeout(s->db, busy_ms)) != SQLITE_OK)
		return store_db_error(s, rc);
	/* no writes to sqlite_master through SQL, even if someone tried */
	if ((rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL)) != SQLITE_OK)
		return store_db_error(s, rc);
	rc = sqlite3_create_function_v2(s->db, "authwatch_mask", 2,
	                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                                sql_mask, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_db_error(s, rc);
	s->readonly = sqlite3_db_readonly(s->db, "main") == 1;
	/* trusted_schema off: no SQL function runs from views or triggers in the file */
	if (exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    exec(s, "PRAGMA trusted_schema = OFF") == -1 || schema(s) == -1)
		return -1;
	if (!s->readonly) {
		if (query1(s, "PRAGMA journal_mode = WAL", mode, sizeof(mode), &type) == -1)
			return -1;
		if (strcmp(mode, "wal") != 0)
			return store_error(
			    s, EIO, "cannot use WAL journal mode (journal_mode is %s)", mode);
		/* keep -wal (emptied) and -shm at close: without them a WAL database cannot be
		 * opened on a read-only file system */
		if ((rc = sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one)) !=
		    SQLITE_OK)
			return store_db_error(s, rc);
		/* NORMAL in WAL: a power cut may lose the last commits, never corrupts */
		if (exec(s, "PRAGMA synchronous = NORMAL") == -1 ||
		    exec(s, "PRAGMA journal_size_limit = 4194304") == -1)
			return -1;
	}
	for (i = 0; i < ST_N; i++) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                        &s->st[i], NULL);
		if (rc != SQLITE_OK)
			return store_db_error(s, rc);
	}
	return 0;
}

struct store *
store_open_timeout(const char *path, int busy_ms, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int rc, ok = 0;

	s->path = xstrdup(path);
	if (busy_ms < 0) {
		store_error(s, EINVAL, "negative busy timeout");
		goto out;
	}
	if (create_file(s) == -1)
		goto out;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (s->db == NULL) {
		fprintf(stderr, "authwatch: out of memory (sqlite3_open)\n");
		abort();
	}
	if (rc != SQLITE_OK) {
		store_db_error(s, rc);
		goto out;
	}
	if (setup(s, busy_ms) == -1)
		goto out;
	ok = 1;
out:
	if (errlen > 0)
		snprintf(err, errlen, "%s", ok ? "" : s->errmsg);
	if (!ok) {
		int e = s->err;

		store_close(s);
		errno = e;
		return NULL;
	}
	s->errmsg[0] = '\0';
	return s;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	return store_open_timeout(path, STORE_BUSY_MS, err, errlen);
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* the last connection checkpoints the WAL and empties it */
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->errmsg;
}

int
store_readonly(const struct store *s)
{
	return s->readonly;
}

int
store_begin(struct store *s)
{
	if (s->in_txn)
		return store_error(s, EINVAL, "a transaction is already open");
	if (s->readonly)
		return store_error(s, EROFS, "read-only database");
	if (store_run(s, s->st[ST_BEGIN]) == -1)
		return -1;
	s->in_txn = 1;
	return 0;
}

int
store_commit(struct store *s)
{
	int e;

	if (!s->in_txn)
		return store_error(s, EINVAL, "no transaction is open");
	s->in_txn = 0;
	if (sqlite3_get_autocommit(s->db)) {
		/* SQLite rolled it back after an error in it: that error stays the message */
		if (s->errmsg[0] == '\0')
			return store_error(s, EIO, "transaction was rolled back after an error");
		errno = s->err;
		return -1;
	}
	if (store_run(s, s->st[ST_COMMIT]) == 0)
		return 0;
	e = s->err;
	if (!sqlite3_get_autocommit(s->db)) {
		char msg[sizeof(s->errmsg)];

		memcpy(msg, s->errmsg, sizeof(msg));
		store_run(s, s->st[ST_ROLLBACK]);
		memcpy(s->errmsg, msg, sizeof(msg));
	}
	s->err = e;
	errno = e;
	return -1;
}

int
store_rollback(struct store *s)
{
	s->in_txn = 0;
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_run(s, s->st[ST_ROLLBACK]);
}
