/* test_store.c: unit tests of store: the file, open, transactions, migrations, locks, disk full. */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "t.h"
#include "tfile.h"
#include "tstore.h"
#include "addr.h"
#include "store.h"
#include "store_impl.h" /* the connection, to cap its size (PRAGMA max_page_count) */

/* The version-1 schema exactly as authwatch 1 created it (store.c migrations[1]): databases in
 * the field look like this, so it is spelled out here rather than taken from store.c. */
static const char v1_ddl[] =
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
    "INSERT INTO meta(key, value) VALUES ('schema_version', 1);";

/* Some version-1 rows: 203.0.113.7/32 banned twice in sshd (the second active), one failure,
 * one offset. */
static const char v1_rows[] =
    "INSERT INTO ban_history VALUES (1, x'04cb007107000000000000000000000000', 32, 'sshd',"
    " 1779990000, 1779990600, 1, NULL);"
    "INSERT INTO ban_history VALUES (2, x'04cb007107000000000000000000000000', 32, 'sshd',"
    " 1779999000, 1780001400, 2, NULL);"
    "INSERT INTO bans VALUES (x'04cb007107000000000000000000000000', 32, 'sshd',"
    " 1779999000, 1780001400, 2, 2);"
    "INSERT INTO failures VALUES (1, 'sshd', x'04c6336405000000000000000000000000', 32,"
    " 1779999999000000, 1.0);"
    "INSERT INTO offsets VALUES ('/var/log/auth.log', 2049, 1234, 5678, 42, 100);";

/* The i-th of many distinct IPv4 /32 bans. */
static struct store_ban
ban_n(uint32_t i, int64_t start)
{
	struct store_ban b;

	memset(&b, 0, sizeof(b));
	b.net.af = 4;
	b.net.a[0] = 10;
	b.net.a[1] = (uint8_t)(i >> 16);
	b.net.a[2] = (uint8_t)(i >> 8);
	b.net.a[3] = (uint8_t)i;
	b.prefix = 32;
	snprintf(b.jail, sizeof(b.jail), "sshd");
	b.start = start;
	b.expires = start + 600;
	b.nth = 1;
	snprintf(b.reason, sizeof(b.reason), "5 failures in 10m");
	return b;
}

/* Runs SQL on its own connection (a second process, as far as locking goes); exits on error. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "raw_exec %s: %s\n", path, msg ? msg : sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_close(db);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Opening creates the file 0600 in WAL mode; everything written is there after a reopen. */
T(create_reopen)
{
	const char *path = tf_path("state.db");
	struct store_offset o = {2049, 987654321, 123456789012LL, 0xfedcba9876543210ULL, 4096};
	struct store_offset o2;
	struct store *s;
	struct hist h;
	struct stat st;
	char buf[4096], before[4096];
	uint32_t count;
	int64_t last;
	struct store_ban b4 = ban("192.0.2.7", 32, "sshd", NOW, NOW + 600, 1, "5 failures in 10m"),
	                 b6 =
	                     ban("2001:db8:1:2::", 64, "sshd", NOW, 0, 3, "permanent after 3 bans");

	umask(022);
	if ((s = open_ok(path)) == NULL)
		return;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* the WAL files exist while the store is open, and take the same mode */
	CHECK_INT(store_ban_add(s, &b4), 0);
	CHECK(stat(tf_path("state.db-wal"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(tf_path("state.db-shm"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_STR(raw_text(path, "PRAGMA journal_mode"), "wal");
	CHECK_STR(raw_text(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
	CHECK_INT(store_readonly(s), 0);
	CHECK_STR(store_errmsg(s), "");

	CHECK_INT(store_ban_add(s, &b6), 0);
	CHECK_INT(store_fail_add(s, "sshd", &b4.net, 32, NOW * 1000000 - 5, 1.0), 0);
	CHECK_INT(store_fail_add(s, "sshd", &b4.net, 32, NOW * 1000000 - 4, 0.5), 0);
	CHECK_INT(store_offset_put(s, "/var/log/auth.log", &o), 0);
	CHECK_INT(store_cursor_put(s, "journal:", "s=abc;i=1f;b=0123;m=42;t=5f;x=99"), 0);
	CHECK_INT(active_text(s, NOW, before, sizeof(before)), 2);
	store_close(s);
	/* checkpointed and emptied at close; -wal and -shm stay (read-only file systems) */
	CHECK_INT(file_size(tf_path("state.db-wal")), 0);

	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 2);
	CHECK_STR(buf, before);
	CHECK_STR(buf, "192.0.2.7/32 sshd 1780000000 1780000600 1 5 failures in 10m\n"
	               "2001:db8:1:2::/64 sshd 1780000000 0 3 permanent after 3 bans\n");
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 0);
	CHECK_STR(h.buf, "192.0.2.7/32 1779999999999995 1\n192.0.2.7/32 1779999999999996 0.5\n");
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &o2), 0);
	CHECK(memcmp(&o, &o2, sizeof(o)) == 0);
	CHECK_INT(store_cursor_get(s, "journal:", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "s=abc;i=1f;b=0123;m=42;t=5f;x=99");
	CHECK_INT(store_ban_count(s, &b6.net, 64, "sshd", &count, &last), 0);
	CHECK_INT(count, 1);
	CHECK_INT(last, NOW);
	store_close(s);
	store_close(NULL);
}

/* The parent directory must exist; a directory is not a database. */
T(open_errors)
{
	char err[512];
	const char *path = tf_path("no/such/dir/state.db");
	struct store *s;

	errno = 0;
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_INT(errno, ENOENT);
	CHECK_STR(err, pmsg(path, "No such file or directory"));
	CHECK(store_open(tf_dir, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(tf_dir, "not a regular file"));
	CHECK(store_open("/dev/null", err, sizeof(err)) == NULL);
	CHECK_STR(err, "/dev/null: not a regular file");
	CHECK(store_open_timeout(tf_path("x.db"), -1, err, sizeof(err)) == NULL);
	CHECK_INT(errno, EINVAL);
	s = store_open(tf_path("y.db"), err, 0); /* errlen 0: err is not written */
	CHECK(s != NULL);
	store_close(s);
}

/* store_begin/commit group writes; rollback drops them; misuse is an error. */
T(transactions)
{
	const char *path = tf_path("txn.db");
	struct store *s;
	struct store_ban b;
	struct store_offset o = {1, 2, 3, 4, 5};
	char buf[2048];
	uint32_t i;

	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(store_commit(s), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_STR(store_errmsg(s), pmsg(path, "no transaction is open"));
	CHECK_INT(store_rollback(s), 0);

	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_begin(s), -1);
	CHECK_INT(errno, EINVAL);
	for (i = 0; i < 10; i++) {
		b = ban_n(i, NOW);
		CHECK_INT(store_ban_add(s, &b), 0);
	}
	/* a bad call inside the transaction fails alone */
	b = ban_n(99, NOW);
	b.prefix = 40;
	CHECK_INT(store_ban_add(s, &b), -1);
	CHECK_INT(store_offset_put(s, "/var/log/auth.log", &o), 0);
	/* not visible to another connection before the commit */
	CHECK_STR(raw_text(path, "SELECT count(*) FROM bans"), "0");
	CHECK_INT(store_commit(s), 0);
	CHECK_STR(raw_text(path, "SELECT count(*) FROM bans"), "10");

	CHECK_INT(store_begin(s), 0);
	b = ban_n(50, NOW);
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK_INT(store_cursor_put(s, "journal:", "c"), 0);
	CHECK_INT(store_rollback(s), 0);
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 10);
	CHECK_INT(store_cursor_get(s, "journal:", buf, sizeof(buf)), 1);
	/* closing with an open transaction rolls it back */
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_ban_add(s, &b), 0);
	store_close(s);
	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 10);
	store_close(s);
}

/* Random bytes are not a database. */
T(corrupt_random)
{
	const char *path = tf_path("random.db");
	unsigned char junk[8192];
	char err[512];
	size_t i;
	uint32_t x = 12345;

	for (i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (unsigned char)(x >> 16);
	}
	tf_write(path, junk, sizeof(junk));
	errno = 0;
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "file is not a database"));
	CHECK_INT(errno, EIO);
	/* the file is left alone */
	CHECK_INT(file_size(path), sizeof(junk));
	/* a text file is not one either */
	tf_write(path, "hello\n", 6);
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "file is not a database"));
}

/* Fills a store with n bans and closes it. */
static void
fill(const char *path, uint32_t n)
{
	struct store *s = open_ok(path);
	struct store_ban b;
	uint32_t i;

	if (s == NULL)
		return;
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < n; i++) {
		b = ban_n(i, NOW);
		CHECK_INT(store_ban_add(s, &b), 0);
	}
	CHECK_INT(store_commit(s), 0);
	store_close(s);
}

/* A real database cut in the middle, or with a damaged page, is refused at open. */
T(corrupt_truncated)
{
	const char *path = tf_path("trunc.db");
	char err[512];
	int64_t size;
	int fd;

	fill(path, 2000);
	size = file_size(path);
	CHECK(size > 100 * 1024);
	CHECK(truncate(path, size / 2) == 0);
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "database disk image is malformed"));

	/* same size, one page in the middle overwritten */
	path = tf_path("page.db");
	fill(path, 2000);
	size = file_size(path);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	if (fd >= 0) {
		char junk[4096];

		memset(junk, 0x5a, sizeof(junk));
		CHECK(pwrite(fd, junk, sizeof(junk), (size / 4096 / 2) * 4096) == 4096);
		close(fd);
	}
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK(strncmp(err, pmsg(path, "database disk image is malformed"),
	              strlen(pmsg(path, "database disk image is malformed"))) == 0);
}

/* An SQLite database of another program is refused and left alone. */
T(not_ours)
{
	const char *path = tf_path("other.db");
	char err[512];

	raw_exec(path, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "not an authwatch database (no meta table)"));
	CHECK_INT(errno, EINVAL);
	CHECK_STR(raw_text(path, "PRAGMA journal_mode"), "delete");
	path = tf_path("other2.db");
	raw_exec(path,
	         "CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('schema_version', 'x');");
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "not an authwatch database (bad schema_version \"x\")"));
}

/* A database from a newer authwatch is refused and left alone. */
T(newer_schema)
{
	const char *path = tf_path("newer.db");
	char err[512];

	fill(path, 3);
	raw_exec(path, "UPDATE meta SET value = 9 WHERE key = 'schema_version';"
	               "CREATE TABLE future(x);");
	errno = 0;
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "schema version 9 is newer than this authwatch (3)"));
	CHECK_INT(errno, EINVAL);
	CHECK_STR(raw_text(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "9");
	CHECK_STR(raw_text(path, "SELECT count(*) FROM bans"), "3");
}

/* A version-1 database is upgraded in place, its rows kept. */
T(migrate_v1)
{
	const char *path = tf_path("v1.db");
	struct store *s;
	struct hist h;
	struct store_offset o;
	struct addr a = A("203.0.113.7");
	struct store_ban b;
	char buf[1024];
	uint32_t count;
	int64_t last;

	raw_exec(path, v1_ddl);
	raw_exec(path, v1_rows);
	CHECK_STR(raw_text(path, "PRAGMA journal_mode"), "delete");
	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_STR(raw_text(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
	CHECK_STR(raw_text(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                         " AND name IN ('ban_history_net', 'bans_expires', 'bans_hist',"
	                         " 'failures_net')"),
	          "4");
	CHECK_STR(raw_text(path, "PRAGMA journal_mode"), "wal");
	/* the old rows, with the new column's default */
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "203.0.113.7/32 sshd 1779999000 1780001400 2 \n");
	CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
	CHECK_INT(count, 2);
	CHECK_INT(last, 1779999000);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 0);
	CHECK_STR(h.buf, "198.51.100.5/32 1779999999000000 1\n");
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &o), 0);
	CHECK_INT(o.pos, 5678);
	/* and new ones: the third ban ends the second early in the history */
	b = ban("203.0.113.7", 32, "sshd", NOW, NOW + 2400, 3, "third");
	CHECK_INT(store_ban_add(s, &b), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_history(s, &a, hist_cb, &h), 0);
	CHECK_STR(h.buf, "203.0.113.7/32 sshd 1780000000 3 0 third\n"
	                 "203.0.113.7/32 sshd 1779999000 2 1780000000 \n"
	                 "203.0.113.7/32 sshd 1779990000 1 0 \n");
	store_close(s);
	/* opening again migrates nothing */
	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 1);
	store_close(s);
}

/* A migration that fails half way leaves the version-1 file exactly as it was. */
T(migrate_fail)
{
	const char *path = tf_path("v1bad.db");
	char err[512];
	int64_t size;

	raw_exec(path, v1_ddl);
	raw_exec(path, v1_rows);
	/* step 2 (columns) will work, step 3 trips over an index of this name */
	raw_exec(path, "CREATE INDEX failures_net ON failures(ts_us);");
	size = file_size(path);
	CHECK(store_open(path, err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(path, "migration to schema version 3 failed: "
	                          "index failures_net already exists"));
	CHECK_STR(raw_text(path, "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
	/* step 2 was rolled back too */
	CHECK_STR(raw_text(path, "SELECT reason FROM bans"), "ERROR: no such column: reason");
	CHECK_STR(raw_text(path, "PRAGMA journal_mode"), "delete");
	CHECK_STR(raw_text(path, "SELECT count(*) FROM ban_history"), "2");
	CHECK_INT(file_size(path), size);
	CHECK(access(tf_path("v1bad.db-wal"), F_OK) == -1);
}

/* Another process holding the lock: a clear error after the busy timeout, reads go on. */
T(locked)
{
	const char *path = tf_path("locked.db");
	const char *path2 = tf_path("locked2.db");
	struct store *s;
	struct store_ban b = ban_n(1, NOW);
	sqlite3 *other = NULL;
	char err[512], buf[1024];
	double t0, ms;

	/* a write transaction of another connection blocks writes, not reads (WAL) */
	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK(sqlite3_open(path, &other) == SQLITE_OK);
	CHECK(sqlite3_exec(other, "BEGIN EXCLUSIVE; DELETE FROM cursors;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	b = ban_n(2, NOW);
	t0 = now_ms();
	errno = 0;
	CHECK_INT(store_ban_add(s, &b), -1);
	ms = now_ms() - t0;
	CHECK_INT(errno, EBUSY);
	CHECK_STR(store_errmsg(s), pmsg(path, "locked by another process"));
	CHECK(ms >= SHORT_MS * 0.9 && ms < SHORT_MS + 2000);
	CHECK_INT(store_begin(s), -1);
	CHECK_INT(errno, EBUSY);
	CHECK_INT(store_fail_add(s, "sshd", &b.net, 32, 1, 1.0), -1);
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 1);
	/* the same store opened again reads too: a current schema needs no write lock */
	{
		struct store *s2 = open_ok(path);

		if (s2 != NULL)
			CHECK_INT(active_text(s2, NOW, buf, sizeof(buf)), 1);
		store_close(s2);
	}
	CHECK(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 2);
	store_close(s);
	sqlite3_close(other);

	/* a lock that blocks reading too (rollback journal, another process writing): open fails */
	raw_exec(path2, "CREATE TABLE t(x);");
	CHECK(sqlite3_open(path2, &other) == SQLITE_OK);
	CHECK(sqlite3_exec(other, "BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);", NULL, NULL, NULL) ==
	      SQLITE_OK);
	t0 = now_ms();
	errno = 0;
	CHECK(store_open_timeout(path2, SHORT_MS, err, sizeof(err)) == NULL);
	ms = now_ms() - t0;
	CHECK_INT(errno, EBUSY);
	CHECK_STR(err, pmsg(path2, "locked by another process"));
	CHECK(ms >= SHORT_MS * 0.9 && ms < SHORT_MS + 2000);
	sqlite3_close(other);
}

/* In a private mount namespace (root only): the store on a 256 KiB tmpfs. Returns the child's
 * exit status: 0 passed, 1 failed, 77 skipped. */
static int
disk_full_child(void)
{
	const char *dir = tf_path("tmpfs");
	const char *path = tf_path("tmpfs/state.db");
	const char *filler = tf_path("tmpfs/filler");
	static char fill_bytes[48 * 1024];
	struct store *s;
	struct store_ban b;
	char buf[256], err[512];
	uint32_t i, nok;
	struct store_ban *v;
	size_t n;
	int rc;

	if (unshare(CLONE_NEWNS) == -1 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		printf("skip disk_full: private mount namespace: %s\n", strerror(errno));
		return 77;
	}
	if (mkdir(dir, 0700) == -1 || mount("tmpfs", dir, "tmpfs", 0, "size=256k") == -1) {
		printf("skip disk_full: mount tmpfs: %s\n", strerror(errno));
		return 77;
	}
	tf_write(filler, fill_bytes, sizeof(fill_bytes));
	if ((s = open_ok(path)) == NULL)
		return 1;
	/* fill the file system, one ban per transaction */
	for (i = 0; i < 100000; i++) {
		b = ban_n(i, NOW);
		if (store_ban_add(s, &b) == -1)
			break;
	}
	nok = i;
	CHECK(nok >= 1 && nok < 100000); /* each WAL commit appends whole pages */
	CHECK_INT(errno, ENOSPC);
	CHECK_STR(store_errmsg(s), pmsg(path, "disk full"));
	printf("  disk_full: %u bans fit in 256 KiB (with a 48 KiB filler)\n", nok);
	/* reads still work and see every committed ban, nothing of the failed one */
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	CHECK_INT(n, nok);
	free(v);
	CHECK_INT(store_offset_get(s, "x", &(struct store_offset){0, 0, 0, 0, 0}), 1);
	/* a grouped turn fails as a whole: a small one at its commit; a big one when the page
	 * cache spills into the WAL, and SQLite then rolls the transaction back at once: the
	 * turn's later writes are refused with the same error */
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < 10; i++) {
		b = ban_n(200000 + i, NOW);
		CHECK_INT(store_ban_add(s, &b), 0);
	}
	CHECK_INT(store_commit(s), -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_STR(store_errmsg(s), pmsg(path, "disk full"));
	CHECK_INT(store_begin(s), 0);
	rc = 0;
	for (i = 0; i < 50000 && rc == 0; i++) {
		b = ban_n(300000 + i, NOW);
		rc = store_ban_add(s, &b);
	}
	CHECK_INT(rc, -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_INT(store_cursor_put(s, "journal:", "c"), -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_STR(store_errmsg(s), pmsg(path, "disk full"));
	CHECK_INT(store_commit(s), -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_STR(store_errmsg(s), pmsg(path, "disk full"));
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	CHECK_INT(n, nok);
	free(v);
	/* space freed: writes work again */
	CHECK(unlink(filler) == 0);
	b = ban_n(nok, NOW);
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK_INT(store_begin(s), 0);
	b = ban_n(nok + 1, NOW);
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	CHECK_INT(n, nok + 2);
	free(v);
	store_close(s);

	/* the file system read-only: reads work, writes fail clearly */
	if (mount("tmpfs", dir, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=256k") == -1) {
		T_FAIL("remount read-only: %s", strerror(errno));
		return 1;
	}
	s = store_open_timeout(path, SHORT_MS, err, sizeof(err));
	CHECK(s != NULL);
	if (s == NULL) {
		printf("  read-only open: %s\n", err);
		return 1;
	}
	CHECK_INT(store_readonly(s), 1);
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	CHECK_INT(n, nok + 2);
	free(v);
	b = ban_n(nok + 2, NOW);
	CHECK_INT(store_ban_add(s, &b), -1);
	CHECK_INT(errno, EROFS);
	CHECK_STR(store_errmsg(s), pmsg(path, "read-only database"));
	CHECK_INT(store_cursor_put(s, "journal:", "c"), -1);
	CHECK_INT(errno, EROFS);
	CHECK_INT(store_begin(s), -1);
	CHECK_INT(errno, EROFS);
	CHECK_INT(store_cursor_get(s, "journal:", buf, sizeof(buf)), 1);
	store_close(s);
	/* a new file cannot be made there */
	CHECK(store_open(tf_path("tmpfs/new.db"), err, sizeof(err)) == NULL);
	CHECK_STR(err, pmsg(tf_path("tmpfs/new.db"), "Read-only file system"));
	umount(dir);
	return t_failed_now;
}

/* Disk full and read-only file system; prints "skip" and passes when mounting is refused. */
T(disk_full)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r = disk_full_child();

		fflush(stdout);
		_exit(r);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return; /* the child said why */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Caps the file at pages pages for s's connection (SQLite never sets the cap below the pages
 * in use: 1 means "not one more page"). */
static void
cap_pages(struct store *s, int pages)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %d", pages);
	CHECK_INT(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/*
 * A turn that fails for lack of space, then the same turn again on the same
 * store once there is space (what the daemon does): the failed one wrote
 * nothing and left no transaction open, the retry writes all of it. A full
 * disk made without root: SQLite's max_page_count.
 */
T(full_then_space)
{
	const char *path = tf_path("full.db");
	struct store_offset o = {1, 2, 3, 4, 5}, got;
	struct store_ban b;
	struct store *s;
	uint32_t i, n = 200;
	int rc = 0;

	unlink(path);
	if ((s = open_ok(path)) == NULL)
		return;
	cap_pages(s, 1);
	/* a turn's writes, as the daemon's end of turn and the ban manager's flush make them */
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < n && rc == 0; i++) {
		b = ban_n(i, NOW);
		rc = store_ban_add(s, &b);
	}
	if (rc == 0)
		rc = store_offset_put(s, "/var/log/auth.log", &o);
	if (rc == 0)
		rc = store_commit(s);
	CHECK_INT(rc, -1);
	CHECK_INT(errno, ENOSPC);
	CHECK_STR(store_errmsg(s), pmsg(path, "disk full"));
	CHECK_INT(store_rollback(s), 0);
	CHECK_STR(raw_text(path, "SELECT count(*) FROM bans"), "0");
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &got), 1);
	/* still full: the retry fails the same way, and the store stays usable */
	CHECK_INT(store_begin(s), 0);
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		b = ban_n(i, NOW);
		rc = store_ban_add(s, &b);
	}
	CHECK_INT(rc, -1);
	CHECK_INT(errno, ENOSPC);
	store_rollback(s);
	/* space again: the whole turn is written */
	cap_pages(s, 1 << 30);
	CHECK_INT(store_begin(s), 0);
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		b = ban_n(i, NOW);
		rc = store_ban_add(s, &b);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(store_offset_put(s, "/var/log/auth.log", &o), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_STR(raw_text(path, "SELECT count(*) FROM bans"), "200");
	CHECK_STR(raw_text(path, "SELECT pos FROM offsets"), "3");
	store_close(s);
}

/* Timings and sizes (STORE_BENCH=1; otherwise a smaller run that checks the same things). */
T(bench)
{
	const char *path = tf_path("bench.db");
	int full = getenv("STORE_BENCH") != NULL;
	uint32_t nban = full ? 10000 : 1000, nfail = full ? 100000 : 5000,
	         nactive = full ? 100000 : 5000, i;
	struct store *s;
	struct store_ban b, *v;
	struct addr a;
	size_t n;
	double t0, t_ban, t_fail, t_add100k, t_active, t_open, t_expire, t_single;
	int64_t size, used;
	char err[512];

	if ((s = open_ok(path)) == NULL)
		return;
	t0 = now_ms();
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < nban; i++) {
		b = ban_n(i, NOW);
		if (store_ban_add(s, &b) == -1) {
			T_FAIL("ban_add: %s", store_errmsg(s));
			break;
		}
	}
	CHECK_INT(store_commit(s), 0);
	t_ban = now_ms() - t0;

	memset(&a, 0, sizeof(a));
	a.af = 6;
	a.a[0] = 0x20;
	a.a[1] = 0x01;
	t0 = now_ms();
	for (i = 0; i < nfail; i++) {
		if (i % 1000 == 0)
			CHECK_INT(store_begin(s), 0);
		a.a[7] = (uint8_t)i;
		a.a[6] = (uint8_t)(i >> 8);
		if (store_fail_add(s, "sshd", &a, 64, NOW * 1000000 + i, 1.0) == -1) {
			T_FAIL("fail_add: %s", store_errmsg(s));
			break;
		}
		if (i % 1000 == 999 || i == nfail - 1)
			CHECK_INT(store_commit(s), 0);
	}
	t_fail = now_ms() - t0;
	/* one write per turn, each its own commit (synchronous=NORMAL: no fsync) */
	t0 = now_ms();
	for (i = 0; i < 1000; i++)
		CHECK_INT(store_cursor_put(s, "journal:", "s=0123456789abcdef;i=1;b=2;m=3;t=4;x=5"),
		          0);
	t_single = (now_ms() - t0) / 1000;
	store_close(s);

	/* nactive active bans (the nban above included) */
	if ((s = open_ok(path)) == NULL)
		return;
	t0 = now_ms();
	CHECK_INT(store_begin(s), 0);
	for (i = nban; i < nactive; i++) {
		b = ban_n(i, NOW);
		if (store_ban_add(s, &b) == -1) {
			T_FAIL("ban_add: %s", store_errmsg(s));
			break;
		}
	}
	CHECK_INT(store_commit(s), 0);
	t_add100k = now_ms() - t0;
	t0 = now_ms();
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	t_active = now_ms() - t0;
	CHECK_INT(n, nactive);
	CHECK(n == 0 || (v[n - 1].net.a[3] == (uint8_t)(nactive - 1) && v[0].nth == 1));
	free(v);
	CHECK_INT(store_fail_prune(s, "sshd", INT64_MAX), nfail);
	store_close(s);
	size = file_size(path);
	used = (atoll(raw_text(path, "PRAGMA page_count")) -
	        atoll(raw_text(path, "PRAGMA freelist_count"))) *
	       atoll(raw_text(path, "PRAGMA page_size"));
	t0 = now_ms();
	s = store_open(path, err, sizeof(err));
	t_open = now_ms() - t0;
	CHECK(s != NULL);
	if (s == NULL)
		return;
	t0 = now_ms();
	CHECK_INT(store_expire(s, NOW + 600), nactive);
	t_expire = now_ms() - t0;
	store_close(s);
	printf("  bench%s: ban_add x%u in 1 txn %.1f ms (%.1f us each); fail_add x%u in txns of "
	       "1000 %.1f ms (%.2f us each); autocommit write %.1f us; ban_add x%u more %.1f ms; "
	       "bans_active with %u bans %.1f ms; store_open (quick_check) %.1f ms; expire %u "
	       "%.1f ms; file %lld bytes (%lld in use after pruning the failures) = %.0f bytes "
	       "per active ban (with its history row)\n",
	       full ? "" : " (small; STORE_BENCH=1 for the full sizes)", nban, t_ban,
	       t_ban * 1000 / nban, nfail, t_fail, t_fail * 1000 / nfail, t_single * 1000,
	       nactive - nban, t_add100k, nactive, t_active, t_open, nactive, t_expire,
	       (long long)size, (long long)used, (double)used / nactive);
}

int
main(void)
{
	tf_setup("store");
	T_RUN(create_reopen);
	T_RUN(open_errors);
	T_RUN(transactions);
	T_RUN(corrupt_random);
	T_RUN(corrupt_truncated);
	T_RUN(not_ours);
	T_RUN(newer_schema);
	T_RUN(migrate_v1);
	T_RUN(migrate_fail);
	T_RUN(locked);
	T_RUN(disk_full);
	T_RUN(full_then_space);
	T_RUN(bench);
	tf_teardown();
	return T_END();
}
