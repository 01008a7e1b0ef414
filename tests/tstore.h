/* tstore.h: unit-test helpers both store tests use: bans from text, opening, rows as text. */
#ifndef TSTORE_H
#define TSTORE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "t.h"
#include "addr.h"
#include "store.h"

#define NOW 1780000000LL /* 2026-05-28, UTC seconds */
#define SHORT_MS 150     /* the busy timeout of the lock tests */

static inline struct addr
A(const char *s) {
	struct addr a;

	if (addr_parse(s, strlen(s), &a) == -1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(1);
	}
	return a;
}

static inline struct store_ban
ban(const char *net, unsigned prefix, const char *jail, int64_t start, int64_t expires,
    uint32_t nth, const char *reason)
{
	struct store_ban b;

	memset(&b, 0, sizeof(b));
	b.net = A(net);
	b.prefix = (uint8_t)prefix;
	snprintf(b.jail, sizeof(b.jail), "%s", jail);
	b.start = start;
	b.expires = expires;
	b.nth = nth;
	snprintf(b.reason, sizeof(b.reason), "%s", reason);
	return b;
}

static inline struct store *
open_ok(const char *path)
{
	char err[512];
	struct store *s = store_open_timeout(path, SHORT_MS, err, sizeof(err));

	if (s == NULL)
		T_FAIL("store_open(%s): %s", path, err);
	return s;
}

/* "PATH: msg" for comparing messages. */
static inline const char *
pmsg(const char *path, const char *msg)
{
	static char buf[4][700];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s: %s", path, msg);
	return buf[i];
}

/* The first column of the first row of a query on its own connection, as text ("" when no row,
 * "ERROR: ..." when it fails). */
static inline const char *
raw_text(const char *path, const char *sql)
{
	static char buf[4][256];
	static int i;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	i = (i + 1) % 4;
	buf[i][0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf[i], sizeof(buf[i]), "ERROR: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf[i], sizeof(buf[i]), "%s",
		         sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
		                                    : "");
	else if (rc != SQLITE_DONE)
		snprintf(buf[i], sizeof(buf[i]), "ERROR: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf[i];
}

/* Copies the active bans as text lines "net/prefix jail start expires nth reason" into buf. */
static inline size_t
active_text(struct store *s, int64_t now, char *buf, size_t len)
{
	struct store_ban *v;
	size_t n, i, off = 0;

	buf[0] = '\0';
	if (store_bans_active(s, now, &v, &n) == -1) {
		snprintf(buf, len, "ERROR %s", store_errmsg(s));
		return 0;
	}
	for (i = 0; i < n; i++) {
		char a[ADDR_STRLEN];

		addr_format(&v[i].net, a);
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
		                        "%s/%u %s %lld %lld %u %s\n", a, v[i].prefix, v[i].jail,
		                        (long long)v[i].start, (long long)v[i].expires, v[i].nth,
		                        v[i].reason);
	}
	free(v);
	return n;
}

/* store_history callback: appends "net/prefix jail start nth ended" lines to a buffer. */
struct hist {
	char buf[2048];
	size_t off;
	int stop_after; /* 0: never */
	int n;
};

static inline int
hist_cb(void *arg, const struct store_ban *b)
{
	struct hist *h = arg;
	char a[ADDR_STRLEN];

	addr_format(&b->net, a);
	h->off += (size_t)snprintf(h->buf + h->off, sizeof(h->buf) - h->off,
	                           "%s/%u %s %lld %u %lld %s\n", a, b->prefix, b->jail,
	                           (long long)b->start, b->nth, (long long)b->ended, b->reason);
	h->n++;
	return h->stop_after != 0 && h->n >= h->stop_after ? 7 : 0;
}

/* store_fail_load callback: appends "net/prefix ts weight" lines. */
static inline int
fail_cb(void *arg, const struct addr *net, uint8_t prefix, int64_t ts_us, double weight)
{
	struct hist *h = arg;
	char a[ADDR_STRLEN];

	addr_format(net, a);
	h->off += (size_t)snprintf(h->buf + h->off, sizeof(h->buf) - h->off, "%s/%u %lld %g\n", a,
	                           prefix, (long long)ts_us, weight);
	h->n++;
	return h->stop_after != 0 && h->n >= h->stop_after ? 9 : 0;
}

#endif
