/* test_store_tables.c: unit tests of store's tables: bans, history, failures, offsets, cursors. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tfile.h"
#include "tstore.h"
#include "addr.h"
#include "store.h"

/* Active bans: IPv4 and IPv6 prefixes (host bits cleared), expiry, permanent bans, unban. */
T(bans)
{
	const char *path = tf_path("bans.db");
	struct store *s;
	struct store_ban b[] = {
	    ban("198.51.100.23", 32, "sshd", NOW, NOW + 600, 1, "5 failures in 10m"),
	    ban("198.51.100.23", 24, "sshd", NOW, NOW + 60, 1, "subnet"),
	    ban("2001:db8:aa:bb:1:2:3:4", 64, "sshd", NOW + 1, NOW + 1200, 2, "v6"),
	    ban("2001:db8::1", 128, "sshd", NOW, 0, 9, "forever"),
	    ban("198.51.100.23", 32, "recidive", NOW, NOW + 86400, 1, "other jail"),
	};
	struct store_ban bad;
	struct addr none = {0, {0}};
	char buf[4096];
	size_t i;

	if ((s = open_ok(path)) == NULL)
		return;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		CHECK_INT(store_ban_add(s, &b[i]), 0);
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 5);
	/* ordered by (net, prefix, jail); the /64 and /24 keys lost their host bits */
	CHECK_STR(buf, "198.51.100.0/24 sshd 1780000000 1780000060 1 subnet\n"
	               "198.51.100.23/32 recidive 1780000000 1780086400 1 other jail\n"
	               "198.51.100.23/32 sshd 1780000000 1780000600 1 5 failures in 10m\n"
	               "2001:db8::1/128 sshd 1780000000 0 9 forever\n"
	               "2001:db8:aa:bb::/64 sshd 1780000001 1780001200 2 v6\n");
	/* in force means expires > now */
	CHECK_INT(active_text(s, NOW + 60, buf, sizeof(buf)), 4);
	CHECK_INT(active_text(s, NOW + 600, buf, sizeof(buf)), 3);
	CHECK_INT(active_text(s, NOW + 10000000, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "2001:db8::1/128 sshd 1780000000 0 9 forever\n");
	/* expire deletes rows at or before now, never permanent ones */
	CHECK_INT(store_expire(s, NOW + 59), 0);
	CHECK_INT(store_expire(s, NOW + 60), 1);
	CHECK_INT(store_expire(s, NOW + 600), 1);
	CHECK_INT(active_text(s, 0, buf, sizeof(buf)), 3);
	/* unban: another address in the same /64 names the same network */
	{
		struct addr in64 = A("2001:db8:aa:bb:ffff::9");

		CHECK_INT(store_ban_del(s, &in64, 64, "sshd", NOW + 5), 0);
		CHECK_INT(store_ban_del(s, &in64, 64, "sshd", NOW + 5), 1);
	}
	CHECK_INT(store_ban_del(s, &b[4].net, 32, "sshd", NOW), 1); /* expired above */
	CHECK_INT(active_text(s, 0, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "198.51.100.23/32 recidive 1780000000 1780086400 1 other jail\n"
	               "2001:db8::1/128 sshd 1780000000 0 9 forever\n");
	/* replacing a ban keeps one active row */
	b[3].expires = NOW + 5;
	b[3].nth = 10;
	CHECK_INT(store_ban_add(s, &b[3]), 0);
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 2);
	CHECK(strstr(buf, "2001:db8::1/128 sshd 1780000000 1780000005 10 forever\n") != NULL);

	/* bad arguments: nothing written, EINVAL, a message */
	bad = ban("192.0.2.1", 33, "sshd", NOW, NOW + 1, 1, "");
	CHECK_INT(store_ban_add(s, &bad), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_STR(store_errmsg(s), pmsg(path, "prefix /33 is too long for IPv4"));
	bad = ban("2001:db8::", 129, "sshd", NOW, NOW + 1, 1, "");
	CHECK_INT(store_ban_add(s, &bad), -1);
	bad = ban("192.0.2.1", 32, "sshd", NOW, NOW + 1, 1, "");
	memset(bad.jail, 'j', sizeof(bad.jail)); /* not terminated */
	CHECK_INT(store_ban_add(s, &bad), -1);
	CHECK_INT(errno, EINVAL);
	bad = ban("192.0.2.1", 32, "sshd", NOW, NOW + 1, 1, "");
	memset(bad.reason, 'r', sizeof(bad.reason));
	CHECK_INT(store_ban_add(s, &bad), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(store_ban_del(s, &none, 0, "sshd", NOW), -1);
	CHECK_STR(store_errmsg(s), pmsg(path, "address family must be 4 or 6"));
	{
		char long_jail[100];

		memset(long_jail, 'x', sizeof(long_jail) - 1);
		long_jail[sizeof(long_jail) - 1] = '\0';
		CHECK_INT(store_fail_add(s, long_jail, &b[0].net, 32, 1, 1.0), -1);
		CHECK_INT(errno, EINVAL);
		long_jail[63] = '\0'; /* 63 bytes is the longest */
		CHECK_INT(store_fail_add(s, long_jail, &b[0].net, 32, 1, 1.0), 0);
	}
	CHECK_INT(active_text(s, NOW, buf, sizeof(buf)), 2);
	store_close(s);
	/* an empty result is NULL, 0 */
	if ((s = open_ok(tf_path("empty.db"))) == NULL)
		return;
	{
		struct store_ban *v = (struct store_ban *)1;
		size_t n = 5;

		CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
		CHECK(v == NULL);
		CHECK_INT(n, 0);
	}
	store_close(s);
}

/* nth counting, history order (newest first), containment lookup, ended, pruning. */
T(history)
{
	const char *path = tf_path("hist.db");
	struct store *s;
	struct hist h;
	struct addr a = A("203.0.113.9"), a6 = A("2001:db8:5:6:7:8:9:a");
	uint32_t count, nth;
	int64_t last, t = NOW;
	struct store_ban b;

	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
	CHECK_INT(count, 0);
	CHECK_INT(last, 0);
	/* escalation as the daemon does it: nth = count + 1, ban time doubled each time */
	for (nth = 1; nth <= 4; nth++) {
		CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
		CHECK_INT(count, nth - 1);
		b = ban("203.0.113.9", 32, "sshd", t, t + (600 << (count)), count + 1, "repeat");
		CHECK_INT(store_ban_add(s, &b), 0);
		CHECK_INT(store_expire(s, b.expires), 1);
		t = b.expires + 100;
	}
	CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
	CHECK_INT(count, 4);
	CHECK_INT(last, NOW + 600 + 100 + 1200 + 100 + 2400 + 100);
	/* other jails, prefixes and the /24 do not count for the /32 in sshd */
	b = ban("203.0.113.9", 32, "recidive", t, t + 86400, 1, "recidive");
	CHECK_INT(store_ban_add(s, &b), 0);
	b = ban("203.0.113.0", 24, "sshd", t + 1, t + 600, 1, "subnet");
	CHECK_INT(store_ban_add(s, &b), 0);
	CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
	CHECK_INT(count, 4);
	CHECK_INT(store_ban_count(s, &a, 24, "sshd", &count, &last), 0); /* .9/24 = .0/24 */
	CHECK_INT(count, 1);
	/* unbanning early notes the end; a re-ban while in force ends the earlier one */
	CHECK_INT(store_ban_del(s, &a, 32, "recidive", t + 50), 0);
	b = ban("203.0.113.0", 24, "sshd", t + 70, t + 1000, 2, "subnet again");
	CHECK_INT(store_ban_add(s, &b), 0);

	/* the history of an address: every network containing it, every jail, newest first */
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_history(s, &a, hist_cb, &h), 0);
	CHECK_STR(h.buf, "203.0.113.0/24 sshd 1780009470 2 0 subnet again\n"
	                 "203.0.113.0/24 sshd 1780009401 1 1780009470 subnet\n"
	                 "203.0.113.9/32 recidive 1780009400 1 1780009450 recidive\n"
	                 "203.0.113.9/32 sshd 1780004500 4 0 repeat\n"
	                 "203.0.113.9/32 sshd 1780002000 3 0 repeat\n"
	                 "203.0.113.9/32 sshd 1780000700 2 0 repeat\n"
	                 "203.0.113.9/32 sshd 1780000000 1 0 repeat\n");
	/* a neighbour sees only the /24 */
	memset(&h, 0, sizeof(h));
	a = A("203.0.113.10");
	CHECK_INT(store_history(s, &a, hist_cb, &h), 0);
	CHECK_INT(h.n, 2);
	/* the callback's non-zero value stops the walk and is returned */
	memset(&h, 0, sizeof(h));
	h.stop_after = 1;
	CHECK_INT(store_history(s, &a, hist_cb, &h), 7);
	CHECK_INT(h.n, 1);
	/* the statement was reset: the next walk starts over */
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_history(s, &a, hist_cb, &h), 0);
	CHECK_INT(h.n, 2);

	/* IPv6: the /64 and /48 rows contain the address, the /128 of another one does not */
	b = ban("2001:db8:5:6::", 64, "sshd", NOW, NOW + 600, 1, "v6 /64");
	CHECK_INT(store_ban_add(s, &b), 0);
	b = ban("2001:db8:5::", 48, "sshd", NOW + 1, NOW + 600, 1, "v6 /48");
	CHECK_INT(store_ban_add(s, &b), 0);
	b = ban("2001:db8:5:6::1", 128, "sshd", NOW + 2, NOW + 600, 1, "v6 other host");
	CHECK_INT(store_ban_add(s, &b), 0);
	b = ban("2001:db8:5:6:7:8:9:a", 128, "sshd", NOW + 3, NOW + 600, 1, "v6 host");
	CHECK_INT(store_ban_add(s, &b), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_history(s, &a6, hist_cb, &h), 0);
	CHECK_STR(h.buf, "2001:db8:5:6:7:8:9:a/128 sshd 1780000003 1 0 v6 host\n"
	                 "2001:db8:5::/48 sshd 1780000001 1 0 v6 /48\n"
	                 "2001:db8:5:6::/64 sshd 1780000000 1 0 v6 /64\n");
	/* an IPv4 address never matches IPv6 rows and the reverse */
	memset(&h, 0, sizeof(h));
	a = A("0.0.0.0");
	CHECK_INT(store_history(s, &a, hist_cb, &h), 0);
	CHECK_INT(h.n, 0);

	/* pruning drops old rows, but never the row of an active ban */
	CHECK_INT(store_history_prune(s, NOW + 2000), 2); /* 203.0.113.9/32 sshd nth 1 and 2 */
	CHECK_INT(store_history_prune(s, INT64_MAX), 4);  /* all but the 5 active bans' rows */
	CHECK_INT(atoi(raw_text(path, "SELECT count(*) FROM ban_history")), 5);
	CHECK_INT(atoi(raw_text(path, "SELECT count(*) FROM bans")), 5);
	a = A("203.0.113.9");
	CHECK_INT(store_ban_count(s, &a, 32, "sshd", &count, &last), 0);
	CHECK_INT(count, 0);
	store_close(s);
}

/* Failure windows: add, load from a time, prune per jail, clear one network. */
T(failures)
{
	const char *path = tf_path("fail.db");
	struct store *s;
	struct hist h;
	struct addr a = A("192.0.2.1"), b = A("192.0.2.2"), c = A("2001:db8:9:9:1::");
	int64_t t0 = NOW * 1000000;

	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(store_fail_add(s, "sshd", &a, 32, t0 + 30, 1.0), 0);
	CHECK_INT(store_fail_add(s, "sshd", &b, 32, t0 + 10, 2.0), 0);
	CHECK_INT(store_fail_add(s, "sshd", &a, 32, t0 + 10, 0.25),
	          0); /* same time: by insertion */
	CHECK_INT(store_fail_add(s, "sshd", &c, 64, t0 + 20, 1.0), 0);
	CHECK_INT(store_fail_add(s, "recidive", &a, 32, t0 + 5, 1.0), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 0);
	CHECK_STR(h.buf, "192.0.2.2/32 1780000000000010 2\n"
	                 "192.0.2.1/32 1780000000000010 0.25\n"
	                 "2001:db8:9:9::/64 1780000000000020 1\n"
	                 "192.0.2.1/32 1780000000000030 1\n");
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", t0 + 20, fail_cb, &h), 0); /* since is inclusive */
	CHECK_INT(h.n, 2);
	memset(&h, 0, sizeof(h));
	h.stop_after = 1;
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 9);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "nosuchjail", 0, fail_cb, &h), 0);
	CHECK_INT(h.n, 0);
	/* prune is per jail and strict (< before) */
	CHECK_INT(store_fail_prune(s, "sshd", t0 + 20), 2);
	CHECK_INT(store_fail_prune(s, "sshd", t0 + 20), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 0);
	CHECK_STR(h.buf, "2001:db8:9:9::/64 1780000000000020 1\n192.0.2.1/32 1780000000000030 1\n");
	/* clear one network of one jail; the /64 is named by any address in it */
	CHECK_INT(store_fail_clear(s, "sshd", &a, 32), 1);
	CHECK_INT(store_fail_clear(s, "sshd", &c, 64), 1);
	CHECK_INT(store_fail_clear(s, "sshd", &c, 64), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "sshd", 0, fail_cb, &h), 0);
	CHECK_INT(h.n, 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(store_fail_load(s, "recidive", 0, fail_cb, &h), 0);
	CHECK_STR(h.buf, "192.0.2.1/32 1780000000000005 1\n");
	store_close(s);
}

/* Offsets (all 64 bits of dev, ino and hash) and journal cursors round trip and are replaced. */
T(offsets_cursors)
{
	const char *path = tf_path("off.db");
	struct store_offset o = {UINT64_MAX, 1ULL << 63, INT64_MAX, UINT64_MAX - 1, UINT32_MAX};
	struct store_offset z = {0, 0, 0, 0, 0}, r;
	struct store *s;
	char buf[64], small[8];

	if ((s = open_ok(path)) == NULL)
		return;
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &r), 1);
	CHECK_INT(store_offset_put(s, "/var/log/auth.log", &o), 0);
	CHECK_INT(store_offset_put(s, "/var/log/secure", &z), 0);
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &r), 0);
	CHECK(memcmp(&r, &o, sizeof(r)) == 0);
	o.pos = 77;
	CHECK_INT(store_offset_put(s, "/var/log/auth.log", &o), 0);
	CHECK_INT(store_offset_get(s, "/var/log/auth.log", &r), 0);
	CHECK_INT(r.pos, 77);
	CHECK_INT(store_offset_get(s, "/var/log/secure", &r), 0);
	CHECK(memcmp(&r, &z, sizeof(r)) == 0);
	CHECK_INT(atoi(raw_text(path, "SELECT count(*) FROM offsets")), 2);

	CHECK_INT(store_cursor_get(s, "journal:", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "");
	CHECK_INT(store_cursor_put(s, "journal:", "s=1;i=2"), 0);
	CHECK_INT(store_cursor_put(s, "journal:", "s=1;i=3"), 0);
	CHECK_INT(store_cursor_put(s, "journal:/var/log/journal", "s=9"), 0);
	CHECK_INT(store_cursor_get(s, "journal:", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "s=1;i=3");
	CHECK_INT(store_cursor_get(s, "journal:", small, 7), -1); /* needs 8 with the NUL */
	CHECK_INT(errno, ERANGE);
	CHECK_INT(store_cursor_get(s, "journal:", small, 8), 0);
	CHECK_STR(small, "s=1;i=3");
	CHECK_INT(store_cursor_get(s, "journal:/var/log/journal", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "s=9");
	store_close(s);
}

/* Attacker-controlled text is data, never SQL: quotes, comments, statements, invalid UTF-8 and
 * control bytes come back byte for byte; a NUL ends a C string. */
T(hostile_strings)
{
	static const char *const evil[] = {
	    "'); DROP TABLE bans; --",
	    "\"; DELETE FROM ban_history; /*",
	    "x' OR '1'='1",
	    "a\\b%_\t\n\r\x01\x7f",
	    "\xff\xfe\xc3(\xed\xa0\x80 invalid utf-8",
	    "?1 :name @p $v ?999",
	};
	const char *path = tf_path("evil.db");
	struct store *s;
	struct store_ban b, *v;
	struct store_offset o = {1, 2, 3, 4, 5}, r;
	struct hist h;
	struct addr a = A("192.0.2.66");
	char buf[512];
	uint32_t count;
	int64_t last;
	size_t i, n;

	if ((s = open_ok(path)) == NULL)
		return;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		b = ban("192.0.2.66", 32, evil[i], NOW, NOW + 600, (uint32_t)i + 1, evil[i]);
		CHECK_INT(store_ban_add(s, &b), 0);
		CHECK_INT(store_fail_add(s, evil[i], &a, 32, (int64_t)i, 1.0), 0);
		CHECK_INT(store_offset_put(s, evil[i], &o), 0);
		CHECK_INT(store_cursor_put(s, evil[i], evil[(i + 1) % 6]), 0);
	}
	CHECK_INT(store_bans_active(s, NOW, &v, &n), 0);
	CHECK_INT(n, 6);
	for (i = 0; i < n; i++) {
		size_t k = v[i].nth - 1;

		CHECK(k < 6 && strcmp(v[i].jail, evil[k]) == 0 &&
		      strcmp(v[i].reason, evil[k]) == 0);
	}
	free(v);
	for (i = 0; i < 6; i++) {
		memset(&h, 0, sizeof(h));
		CHECK_INT(store_fail_load(s, evil[i], 0, fail_cb, &h), 0);
		CHECK_INT(h.n, 1);
		CHECK_INT(store_offset_get(s, evil[i], &r), 0);
		CHECK_INT(store_cursor_get(s, evil[i], buf, sizeof(buf)), 0);
		CHECK_STR(buf, evil[(i + 1) % 6]);
		CHECK_INT(store_ban_count(s, &a, 32, evil[i], &count, &last), 0);
		CHECK_INT(count, 1);
	}
	CHECK_INT(store_offset_get(s, "'); DROP TABLE bans; -", &r), 1); /* no LIKE, no prefixes */
	CHECK_INT(store_fail_load(s, "%", 0, fail_cb, &h), 0);
	CHECK_INT(store_fail_prune(s, "%", INT64_MAX), 0);
	/* every table is still there */
	CHECK_STR(raw_text(path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), "6");
	CHECK_STR(raw_text(path, "SELECT count(*) FROM ban_history"), "6");

	/* a NUL inside a jail ends it: "ssh\0d" is the jail "ssh", in the struct and as an argument
	 */
	memset(&b, 0, sizeof(b));
	b = ban("192.0.2.67", 32, "", NOW, NOW + 600, 1, "nul");
	memcpy(b.jail, "ssh\0d", 6);
	memcpy(b.reason, "why\0not", 8);
	CHECK_INT(store_ban_add(s, &b), 0);
	a = A("192.0.2.67");
	CHECK_INT(store_ban_count(s, &a, 32, "ssh", &count, &last), 0);
	CHECK_INT(count, 1);
	CHECK_INT(store_ban_count(s, &a, 32, "ssh\0x", &count, &last), 0);
	CHECK_INT(count, 1);
	CHECK_STR(raw_text(path, "SELECT hex(jail) || ' ' || hex(reason) FROM bans"
	                         " WHERE net = x'04c0000243000000000000000000000000'"),
	          "737368 776879");
	store_close(s);
}

int
main(void)
{
	tf_setup("store_tables");
	T_RUN(bans);
	T_RUN(history);
	T_RUN(failures);
	T_RUN(offsets_cursors);
	T_RUN(hostile_strings);
	tf_teardown();
	return T_END();
}
