/* store_state.c: part of the store module (store.h): failure windows, offsets, journal cursors. */
#include <errno.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"

/* dev, ino and head_hash: u64 kept bit for bit in SQLite's signed integers. */
static int
bind_u64(struct store *s, sqlite3_stmt *st, int i, uint64_t v)
{
	int64_t w;

	memcpy(&w, &v, sizeof(w)); /* SQLite integers are signed: keep the bits */
	return store_bind_int(s, st, i, w);
}

static uint64_t
col_u64(sqlite3_stmt *st, int i)
{
	int64_t w = sqlite3_column_int64(st, i);
	uint64_t v;

	memcpy(&v, &w, sizeof(v));
	return v;
}

int
store_fail_add(struct store *s, const char *jail, const struct addr *net, uint8_t prefix,
               int64_t ts_us, double weight)
{
	sqlite3_stmt *st = s->st[ST_FAIL_ADD];
	uint8_t key[KEY_LEN];

	if (store_key_make(s, net, prefix, key) == -1 || store_jail_ok(s, jail) == -1 ||
	    store_wcheck(s) == -1)
		return -1;
	if (store_bind_text(s, st, 1, jail) == -1 || store_bind_key(s, st, 2, key) == -1 ||
	    store_bind_int(s, st, 3, prefix) == -1 || store_bind_int(s, st, 4, ts_us) == -1) {
		store_done(st);
		return -1;
	}
	if ((sqlite3_bind_double(st, 5, weight)) != SQLITE_OK) {
		store_db_error(s, sqlite3_errcode(s->db));
		store_done(st);
		return -1;
	}
	return store_run(s, st);
}

int
store_fail_load(struct store *s, const char *jail, int64_t since_us,
                int (*fn)(void *arg, const struct addr *net, uint8_t prefix, int64_t ts_us,
                          double weight),
                void *arg)
{
	sqlite3_stmt *st = s->st[ST_FAIL_LOAD];
	struct addr a;
	uint8_t prefix;
	int r, rc = -1;

	if (store_jail_ok(s, jail) == -1)
		return -1;
	if (store_bind_text(s, st, 1, jail) == -1 || store_bind_int(s, st, 2, since_us) == -1)
		goto out;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_col_key(s, st, 0, 1, &a, &prefix) == -1)
			goto out;
		rc = fn(arg, &a, prefix, sqlite3_column_int64(st, 2), sqlite3_column_double(st, 3));
		if (rc != 0)
			goto out;
		rc = -1;
	}
	if (r != SQLITE_DONE) {
		store_db_error(s, r);
		goto out;
	}
	rc = 0;
out:
	store_done(st);
	return rc;
}

int
store_fail_prune(struct store *s, const char *jail, int64_t before_us)
{
	sqlite3_stmt *st = s->st[ST_FAIL_PRUNE];

	if (store_jail_ok(s, jail) == -1 || store_wcheck(s) == -1)
		return -1;
	if (store_bind_text(s, st, 1, jail) == -1 || store_bind_int(s, st, 2, before_us) == -1) {
		store_done(st);
		return -1;
	}
	return store_run_count(s, st);
}

int
store_fail_clear(struct store *s, const char *jail, const struct addr *net, uint8_t prefix)
{
	sqlite3_stmt *st = s->st[ST_FAIL_CLEAR];
	uint8_t key[KEY_LEN];

	if (store_key_make(s, net, prefix, key) == -1 || store_jail_ok(s, jail) == -1 ||
	    store_wcheck(s) == -1)
		return -1;
	if (store_bind_text(s, st, 1, jail) == -1 || store_bind_key(s, st, 2, key) == -1 ||
	    store_bind_int(s, st, 3, prefix) == -1) {
		store_done(st);
		return -1;
	}
	return store_run_count(s, st);
}

int
store_offset_get(struct store *s, const char *source, struct store_offset *o)
{
	sqlite3_stmt *st = s->st[ST_OFF_GET];
	int r, rc = -1;

	memset(o, 0, sizeof(*o));
	if (store_bind_text(s, st, 1, source) == -1)
		goto out;
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != SQLITE_ROW) {
		store_db_error(s, r);
		goto out;
	}
	o->dev = col_u64(st, 0);
	o->ino = col_u64(st, 1);
	o->pos = sqlite3_column_int64(st, 2);
	o->head_hash = col_u64(st, 3);
	o->head_len = (uint32_t)sqlite3_column_int64(st, 4);
	rc = 0;
out:
	store_done(st);
	return rc;
}

int
store_offset_put(struct store *s, const char *source, const struct store_offset *o)
{
	sqlite3_stmt *st = s->st[ST_OFF_PUT];

	if (store_wcheck(s) == -1)
		return -1;
	if (store_bind_text(s, st, 1, source) == -1 || bind_u64(s, st, 2, o->dev) == -1 ||
	    bind_u64(s, st, 3, o->ino) == -1 || store_bind_int(s, st, 4, o->pos) == -1 ||
	    bind_u64(s, st, 5, o->head_hash) == -1 || store_bind_int(s, st, 6, o->head_len) == -1) {
		store_done(st);
		return -1;
	}
	return store_run(s, st);
}

int
store_cursor_get(struct store *s, const char *source, char *buf, size_t len)
{
	sqlite3_stmt *st = s->st[ST_CUR_GET];
	const unsigned char *t;
	size_t n;
	int r, rc = -1;

	if (len > 0)
		buf[0] = '\0';
	if (store_bind_text(s, st, 1, source) == -1)
		goto out;
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != SQLITE_ROW) {
		store_db_error(s, r);
		goto out;
	}
	t = sqlite3_column_text(st, 0);
	n = (size_t)sqlite3_column_bytes(st, 0);
	if (t == NULL || n >= len) {
		store_error(s, t == NULL ? EIO : ERANGE,
		            "journal cursor of %zu bytes does not fit in %zu", n, len);
		goto out;
	}
	memcpy(buf, t, n + 1);
	rc = 0;
out:
	store_done(st);
	return rc;
}

int
store_cursor_put(struct store *s, const char *source, const char *cursor)
{
	sqlite3_stmt *st = s->st[ST_CUR_PUT];

	if (store_wcheck(s) == -1)
		return -1;
	if (store_bind_text(s, st, 1, source) == -1 || store_bind_text(s, st, 2, cursor) == -1) {
		store_done(st);
		return -1;
	}
	return store_run(s, st);
}
