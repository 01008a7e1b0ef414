/* store_bans.c: part of the store module (store.h): the active bans and the ban history. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"
#include "xmalloc.h"

int
store_ban_add(struct store *s, const struct store_ban *b)
{
	uint8_t key[KEY_LEN];
	sqlite3_stmt *st;
	int64_t hist;
	int own, rc = -1;

	if (store_key_make(s, &b->net, b->prefix, key) == -1 || store_jail_ok(s, b->jail) == -1)
		return -1;
	if (strnlen(b->reason, STORE_REASON_MAX) == STORE_REASON_MAX)
		return store_error(s, EINVAL, "reason must be shorter than %d bytes",
		                   STORE_REASON_MAX);
	if (store_wbegin(s, &own) == -1)
		return -1;
	st = s->st[ST_BAN_END];
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, b->prefix) == -1 ||
	    store_bind_text(s, st, 3, b->jail) == -1 || store_bind_int(s, st, 4, b->start) == -1 ||
	    store_run(s, st) == -1)
		goto out;
	st = s->st[ST_HIST_ADD];
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, b->prefix) == -1 ||
	    store_bind_text(s, st, 3, b->jail) == -1 || store_bind_int(s, st, 4, b->start) == -1 ||
	    store_bind_int(s, st, 5, b->expires) == -1 || store_bind_int(s, st, 6, b->nth) == -1 ||
	    store_bind_text(s, st, 7, b->reason) == -1 || store_run(s, st) == -1)
		goto out;
	hist = sqlite3_last_insert_rowid(s->db);
	st = s->st[ST_BAN_PUT];
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, b->prefix) == -1 ||
	    store_bind_text(s, st, 3, b->jail) == -1 || store_bind_int(s, st, 4, b->start) == -1 ||
	    store_bind_int(s, st, 5, b->expires) == -1 || store_bind_int(s, st, 6, b->nth) == -1 ||
	    store_bind_text(s, st, 7, b->reason) == -1 || store_bind_int(s, st, 8, hist) == -1 ||
	    store_run(s, st) == -1)
		goto out;
	rc = 0;
out:
	store_done(st);
	return store_wend(s, own, rc);
}

int
store_ban_del(struct store *s, const struct addr *net, uint8_t prefix, const char *jail,
              int64_t now)
{
	uint8_t key[KEY_LEN];
	sqlite3_stmt *st;
	int own, rc = -1, lifted = 0;

	if (store_key_make(s, net, prefix, key) == -1 || store_jail_ok(s, jail) == -1)
		return -1;
	if (store_wbegin(s, &own) == -1)
		return -1;
	st = s->st[ST_BAN_END];
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, prefix) == -1 ||
	    store_bind_text(s, st, 3, jail) == -1 || store_bind_int(s, st, 4, now) == -1 ||
	    store_run(s, st) == -1)
		goto out;
	lifted = sqlite3_changes(s->db) > 0;
	st = s->st[ST_BAN_DEL];
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, prefix) == -1 ||
	    store_bind_text(s, st, 3, jail) == -1 || store_run(s, st) == -1)
		goto out;
	rc = 0;
out:
	store_done(st);
	if (store_wend(s, own, rc) == -1)
		return -1;
	return lifted ? 0 : 1;
}

/* Fills b from a row of (net, prefix, jail, start, expires, nth, reason, ended). Returns 0 or
 * -1. */
static int
col_ban(struct store *s, sqlite3_stmt *st, struct store_ban *b)
{
	memset(b, 0, sizeof(*b));
	if (store_col_key(s, st, 0, 1, &b->net, &b->prefix) == -1)
		return -1;
	store_col_text(st, 2, b->jail, sizeof(b->jail));
	b->start = sqlite3_column_int64(st, 3);
	b->expires = sqlite3_column_int64(st, 4);
	b->nth = (uint32_t)sqlite3_column_int64(st, 5);
	store_col_text(st, 6, b->reason, sizeof(b->reason));
	b->ended = sqlite3_column_int64(st, 7);
	return 0;
}

int
store_bans_active(struct store *s, int64_t now, struct store_ban **out, size_t *n)
{
	sqlite3_stmt *st = s->st[ST_BANS_ACTIVE];
	struct store_ban *v = NULL;
	size_t k = 0, cap = 0;
	int rc = -1, r;

	*out = NULL;
	*n = 0;
	if (store_bind_int(s, st, 1, now) == -1)
		goto out;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 64, sizeof(*v));
		if (col_ban(s, st, &v[k]) == -1)
			goto out;
		k++;
	}
	if (r != SQLITE_DONE) {
		store_db_error(s, r);
		goto out;
	}
	*out = k > 0 ? v : NULL;
	*n = k;
	if (k == 0)
		free(v);
	v = NULL;
	rc = 0;
out:
	free(v);
	store_done(st);
	return rc;
}

int
store_expire(struct store *s, int64_t now)
{
	return store_delete_before(s, ST_EXPIRE, now);
}

int
store_ban_count(struct store *s, const struct addr *net, uint8_t prefix, const char *jail,
                uint32_t *count, int64_t *last)
{
	sqlite3_stmt *st = s->st[ST_BAN_COUNT];
	uint8_t key[KEY_LEN];
	int r, rc = -1;

	*count = 0;
	*last = 0;
	if (store_key_make(s, net, prefix, key) == -1 || store_jail_ok(s, jail) == -1)
		return -1;
	if (store_bind_key(s, st, 1, key) == -1 || store_bind_int(s, st, 2, prefix) == -1 ||
	    store_bind_text(s, st, 3, jail) == -1)
		goto out;
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		store_db_error(s, r == SQLITE_DONE ? SQLITE_CORRUPT : r);
		goto out;
	}
	*count = (uint32_t)sqlite3_column_int64(st, 0);
	*last = sqlite3_column_int64(st, 1);
	rc = 0;
out:
	store_done(st);
	return rc;
}

int
store_history(struct store *s, const struct addr *net,
              int (*fn)(void *arg, const struct store_ban *b), void *arg)
{
	sqlite3_stmt *st = s->st[ST_HISTORY];
	struct store_ban b;
	uint8_t key[KEY_LEN];
	int r, rc = -1;

	if (store_key_make(s, net, 0, key) == -1)
		return -1;
	store_key_mask(net->a, net->af, store_af_bits(net->af), key); /* the whole address */
	if (store_bind_key(s, st, 1, key) == -1 ||
	    store_bind_int(s, st, 2, store_af_bits(net->af)) == -1)
		goto out;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (col_ban(s, st, &b) == -1)
			goto out;
		if ((rc = fn(arg, &b)) != 0)
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
store_history_prune(struct store *s, int64_t before)
{
	return store_delete_before(s, ST_HIST_PRUNE, before);
}
