/* test_ban.c: ban durations, repeat offenders, the active set and batching (dry-run firewall, real
 * SQLite). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ban.h"
#include "t.h"
#include "tfile.h"

static struct addr
ip(const char *s)
{
	struct addr a;

	if (addr_parse(s, strlen(s), &a) != 0)
		abort();
	return a;
}

/* The dry-run file's text. */
static char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

T(durations)
{
	struct ban_policy p = {600, 1, 2.0, 7 * 86400, 0};

	CHECK_INT(ban_duration(&p, 1), 600);
	CHECK_INT(ban_duration(&p, 2), 1200);
	CHECK_INT(ban_duration(&p, 3), 2400);
	CHECK_INT(ban_duration(&p, 20), 7 * 86400); /* capped */
	p.increment = 0;
	CHECK_INT(ban_duration(&p, 5), 600);
	p.permanent_after = 3;
	CHECK_INT(ban_duration(&p, 2), 600);
	CHECK_INT(ban_duration(&p, 3), 0); /* permanent */
	p.permanent_after = 0;
	p.increment = 1;
	p.factor = 1.5;
	CHECK_INT(ban_duration(&p, 3), 1350);
}

T(escalation_and_batches)
{
	char err[512], path[512], db[512];
	struct fw_opts fo;
	struct fw *fw;
	struct store *st;
	struct banmgr *m;
	struct ban_policy p = {600, 1, 2.0, 3600, 0};
	struct store_ban b;
	struct addr a = ip("203.0.113.5"), n6 = ip("2001:db8:1:2::");
	const struct store_ban *act;
	size_t n;
	int64_t now = 1780000000;

	snprintf(path, sizeof(path), "%s/decisions.log", tf_dir);
	snprintf(db, sizeof(db), "%s/state.db", tf_dir);
	memset(&fo, 0, sizeof(fo));
	fo.kind = FW_DRYRUN;
	fo.dryrun_path = path;
	fw = fw_open(&fo, err, sizeof(err));
	st = store_open(db, err, sizeof(err));
	CHECK(fw != NULL && st != NULL);
	if (fw == NULL || st == NULL)
		return;
	m = banmgr_new(fw, st);
	/* nothing reaches the firewall before the flush; then one batch */
	banmgr_ban(m, &a, 32, "sshd", &p, now, "5 failures", &b);
	banmgr_ban(m, &n6, 64, "sshd", &p, now, "5 failures", NULL);
	CHECK_INT(b.nth, 1);
	CHECK_INT(b.expires, now + 600);
	CHECK_STR(slurp(path), "");
	CHECK_INT(banmgr_flush(m, now, err, sizeof(err)), 0);
	CHECK_INT(count(slurp(path), " ban "), 2);
	CHECK(strstr(slurp(path), "ban 203.0.113.5/32 600 sshd") != NULL);
	CHECK(strstr(slurp(path), "ban 2001:db8:1:2::/64 600 sshd") != NULL);
	/* still banned: extended, not counted twice */
	banmgr_ban(m, &a, 32, "sshd", &p, now + 60, "again", &b);
	CHECK_INT(b.nth, 1);
	CHECK_INT(b.expires, now + 660);
	banmgr_active(m, &n);
	CHECK_INT(n, 2);
	CHECK_INT(banmgr_flush(m, now + 60, err, sizeof(err)), 0);
	/* expired, back again: the second ban lasts twice as long */
	CHECK_INT(banmgr_expire(m, now + 700), 2);
	banmgr_active(m, &n);
	CHECK_INT(n, 0);
	banmgr_ban(m, &a, 32, "sshd", &p, now + 800, "5 failures", &b);
	CHECK_INT(b.nth, 2);
	CHECK_INT(b.expires, now + 800 + 1200);
	CHECK_INT(banmgr_flush(m, now + 800, err, sizeof(err)), 0);
	/* a restart: a new manager over the same store restores and remembers the history */
	banmgr_free(m);
	m = banmgr_new(fw, st);
	CHECK_INT(banmgr_restore(m, now + 900, err, sizeof(err)), 1);
	act = banmgr_active(m, &n);
	CHECK_INT(n, 1);
	CHECK_INT(act[0].nth, 2);
	CHECK_INT(banmgr_flush(m, now + 900, err, sizeof(err)), 0);
	CHECK(strstr(slurp(path), "ban 203.0.113.5/32 1100 sshd") != NULL); /* the time left */
	banmgr_expire(m, now + 2001);
	banmgr_ban(m, &a, 32, "sshd", &p, now + 3000, "5 failures", &b);
	CHECK_INT(b.nth, 3);
	CHECK_INT(b.expires, now + 3000 + 2400);
	/* unban: by address inside a banned network too */
	banmgr_ban(m, &n6, 64, "sshd", &p, now + 3000, "x", NULL);
	{
		struct addr inside = ip("2001:db8:1:2::77");

		CHECK_INT(banmgr_unban(m, &inside, 0, NULL, now + 3001), 1);
	}
	CHECK_INT(banmgr_unban(m, &a, 32, "other-jail", now + 3001), 0);
	CHECK_INT(banmgr_unban(m, &a, 32, "sshd", now + 3001), 1);
	CHECK_INT(banmgr_flush(m, now + 3001, err, sizeof(err)), 0);
	CHECK(strstr(slurp(path), "unban 203.0.113.5/32") != NULL);
	banmgr_active(m, &n);
	CHECK_INT(n, 0);
	/* status: bans in the last hour/day, repeat offenders first */
	{
		struct banmgr_offender top[3];
		struct addr b2 = ip("198.51.100.9");

		banmgr_ban(m, &b2, 32, "sshd", &p, now + 3002, "x", NULL);
		CHECK_INT(banmgr_top(m, "sshd", top, 3), 3);
		CHECK(addr_eq(&top[0].net, &a) && top[0].bans == 3);
		CHECK_INT(top[1].bans, 2); /* the /64: its second ban, history from the store */
		CHECK_INT(banmgr_top(m, "other", top, 3), 0);
		CHECK_INT(banmgr_top(m, "sshd", top, 1), 1);
		CHECK(addr_eq(&top[0].net, &a));
		CHECK_INT(banmgr_recent(m, "sshd", now + 3000), 3); /* a (3rd), n6, b2 */
		CHECK_INT(banmgr_recent(m, "sshd", 0), 3);          /* this manager's run only */
		CHECK_INT(banmgr_recent(m, "nope", 0), 0);
	}
	/* without a store (a broken database): bans go on in memory, history of this run kept */
	banmgr_drop_store(m);
	banmgr_ban(m, &a, 32, "sshd", &p, now + 9000, "5 failures", &b);
	CHECK_INT(b.nth, 4);
	CHECK_INT(banmgr_flush(m, now + 9000, err, sizeof(err)), 0);
	banmgr_free(m);
	store_close(st);
	fw_close(fw);
}

int
main(void)
{
	tf_setup("ban");
	T_RUN(durations);
	T_RUN(escalation_and_batches);
	tf_teardown();
	return T_END();
}
