/* daemon_ctl.c: the daemon's answers on its control socket: status, bans, ban, unban, reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "daemon_ctl.h"
#include "timespec.h"
#include "xmalloc.h"

/* --- control requests --------------------------------------------------------------------- */

static void
fmt_when(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
req_status(struct daemon *d, int json, struct control_out *out)
{
	int64_t now = daemon_now() / 1000000;
	size_t i, k, nb;
	const struct store_ban *bans = banmgr_active(d->bm, &nb);
	struct banmgr_stats bs;

	banmgr_stats(d->bm, &bs);
	if (json)
		control_printf(
		    out,
		    "{\"uptime_s\":%lld,\"database\":%s,\"active_bans\":%zu,\"bans\":%llu,"
		    "\"unbans\":%llu,\"jails\":[",
		    (long long)(now - d->started / 1000000),
		    d->st != NULL ? "\"ok\"" : "\"memory only\"", nb, (unsigned long long)bs.bans,
		    (unsigned long long)bs.unbans);
	else
		control_printf(out,
		               "authwatch daemon: up %llds, %zu active bans, %llu bans and %llu "
		               "unbans since start, state %s\n",
		               (long long)(now - d->started / 1000000), nb,
		               (unsigned long long)bs.bans, (unsigned long long)bs.unbans,
		               d->st != NULL ? d->conf.database : "in memory only");
	for (i = 0; i < d->njails; i++) {
		struct jail_stats js;
		size_t active = 0;
		int first;

		const char *name = d->jails[i].cj->name;
		struct banmgr_offender top[5];
		size_t ntop = banmgr_top(d->bm, name, top, 5), h1, h24;

		jail_stats(d->jails[i].j, &js);
		for (k = 0; k < nb; k++)
			active += strcmp(bans[k].jail, name) == 0;
		h1 = banmgr_recent(d->bm, name, now - 3600);
		h24 = banmgr_recent(d->bm, name, now - 86400);
		if (json) {
			control_printf(
			    out,
			    "%s{\"jail\":\"%s\",\"tracked\":%zu,\"active_bans\":%zu,"
			    "\"bans_last_hour\":%zu,\"bans_last_day\":%zu,"
			    "\"lines\":%llu,\"events\":%llu,\"counted\":%llu,\"bans\":%llu,"
			    "\"top_offenders\":[",
			    i ? "," : "", name, detect_count(jail_detect(d->jails[i].j)), active,
			    h1, h24, (unsigned long long)js.lines, (unsigned long long)js.events,
			    (unsigned long long)js.counted, (unsigned long long)js.bans);
			for (k = 0; k < ntop; k++) {
				char a[ADDR_STRLEN];

				addr_format(&top[k].net, a);
				control_printf(out,
				               "%s{\"address\":\"%s\",\"prefix\":%u,\"bans\":%u}",
				               k ? "," : "", a, top[k].prefix, top[k].bans);
			}
			control_printf(out, "],\"sources\":[");
		} else {
			control_printf(
			    out,
			    "jail %s: %zu addresses tracked, %zu active bans, %zu bans in the last "
			    "hour, %zu in the last day; %llu lines, %llu counted, %llu bans since "
			    "start\n",
			    name, detect_count(jail_detect(d->jails[i].j)), active, h1, h24,
			    (unsigned long long)js.lines, (unsigned long long)js.counted,
			    (unsigned long long)js.bans);
			if (ntop > 0) {
				control_printf(out, "  top offenders:");
				for (k = 0; k < ntop; k++) {
					char a[ADDR_STRLEN];

					addr_format(&top[k].net, a);
					control_printf(out, " %s/%u (%u bans)", a, top[k].prefix,
					               top[k].bans);
				}
				control_printf(out, "\n");
			}
		}
		first = 1;
		for (k = 0; k < d->nsrcs; k++) {
			struct source *s = d->srcs[k];

			if (s->dj != &d->jails[i])
				continue;
			if (json) {
				control_printf(out, "%s{\"source\":", first ? "" : ",");
				control_json_str(out, s->name);
				control_printf(out, ",\"lines\":%llu}",
				               (unsigned long long)s->lines);
				first = 0;
			} else
				control_printf(out, "  %-40s %llu lines\n", s->name,
				               (unsigned long long)s->lines);
		}
		if (json)
			control_printf(out, "]}");
	}
	if (json)
		control_printf(out, "]}\n");
}

static int
cmp_ban(const void *a, const void *b)
{
	const struct store_ban *x = a, *y = b;

	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

static void
req_bans(struct daemon *d, int json, struct control_out *out)
{
	int64_t now = daemon_now() / 1000000;
	size_t i, n;
	const struct store_ban *v = banmgr_active(d->bm, &n);
	struct store_ban *sorted = xreallocarray(NULL, n ? n : 1, sizeof(*sorted));

	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_ban);
	if (json)
		control_printf(out, "[");
	else if (n > 0)
		control_printf(out, "%-43s %-8s %-20s %-20s %9s %4s  %s\n", "address", "jail",
		               "since", "until", "left", "ban", "reason");
	for (i = 0; i < n; i++) {
		const struct store_ban *b = &sorted[i];
		char a[ADDR_STRLEN], net[ADDR_STRLEN + 8], since[32], until[32];

		addr_format(&b->net, a);
		snprintf(net, sizeof(net), "%s/%u", a, b->prefix);
		fmt_when(b->start, since, sizeof(since));
		if (b->expires == 0)
			snprintf(until, sizeof(until), "never");
		else
			fmt_when(b->expires, until, sizeof(until));
		if (json) {
			control_printf(
			    out,
			    "%s{\"address\":\"%s\",\"prefix\":%u,\"jail\":\"%s\",\"since\":"
			    "\"%s\",\"until\":%s%s%s,\"seconds_left\":%lld,\"nth\":%u,"
			    "\"reason\":",
			    i ? "," : "", a, b->prefix, b->jail, since, b->expires ? "\"" : "",
			    b->expires ? until : "null", b->expires ? "\"" : "",
			    (long long)(b->expires ? b->expires - now : -1), b->nth);
			control_json_str(out, b->reason);
			control_printf(out, "}");
		} else
			control_printf(out, "%-43s %-8s %-20s %-20s %8llds %4u  %s\n", net, b->jail,
			               since, until, (long long)(b->expires ? b->expires - now : 0),
			               b->nth, b->reason);
	}
	if (json)
		control_printf(out, "]\n");
	else
		control_printf(out, "%zu active ban%s\n", n, n == 1 ? "" : "s");
	free(sorted);
}

/* "ADDR" or "ADDR/PREFIX" -> network (host bits cleared) and prefix (0 when none was given). */
static int
parse_target(const char *s, struct addr *net, uint8_t *prefix, int *explicit_prefix)
{
	struct cidr c;

	if (cidr_parse(s, &c) != 0)
		return -1;
	*net = c.net;
	*prefix = c.bits;
	*explicit_prefix = strchr(s, '/') != NULL;
	return 0;
}

static struct djail *
jail_by_name(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->njails; i++)
		if (name == NULL || strcmp(d->jails[i].cj->name, name) == 0)
			return &d->jails[i];
	return NULL;
}

static int
allowed(struct daemon *d, struct djail *dj, const struct addr *a)
{
	size_t i;

	for (i = 0; i < d->nown; i++)
		if (cidr_contains(&d->own[i], a))
			return 1;
	return jail_allowed(dj->j, a);
}

/* ban ADDR[/P] [SECONDS] [JAIL] */
static void
req_ban(struct daemon *d, int argc, char **argv, struct control_out *out)
{
	struct addr net;
	uint8_t prefix;
	int expl;
	struct djail *dj;
	struct ban_policy pol;
	struct store_ban b;
	int64_t secs = 0, now = daemon_now() / 1000000;
	char a[ADDR_STRLEN], until[32];

	if (argc < 2 || parse_target(argv[1], &net, &prefix, &expl) != 0) {
		control_fail(out, "ban: '%s' is not an address or network",
		             argc > 1 ? argv[1] : "");
		return;
	}
	/* "0": the jail's own ban time (the CLI sends it when only --jail is given) */
	if (argc > 2 && strcmp(argv[2], "0") != 0 &&
	    (duration_parse(argv[2], &secs) != 0 || secs <= 0)) {
		control_fail(out, "ban: '%s' is not a duration (10m, 1h, 7d)", argv[2]);
		return;
	}
	if ((dj = jail_by_name(d, argc > 3 ? argv[3] : NULL)) == NULL) {
		control_fail(out, "ban: no jail '%s'", argv[3]);
		return;
	}
	if (allowed(d, dj, &net)) {
		control_fail(out, "ban: %s is on the allowlist of jail %s (or this host's own)",
		             argv[1], dj->cj->name);
		return;
	}
	pol = dj->pol;
	if (secs > 0) {
		pol.bantime = pol.bantime_max = secs;
		pol.increment = 0;
		pol.permanent_after = 0;
	}
	banmgr_ban(d->bm, &net, prefix, dj->cj->name, &pol, now, "by hand", &b);
	addr_format(&net, a);
	if (b.expires == 0)
		snprintf(until, sizeof(until), "forever");
	else
		fmt_when(b.expires, until, sizeof(until));
	control_printf(out, "banned %s/%u in %s until %s\n", a, prefix, dj->cj->name, until);
}

/* unban ADDR[/P] [JAIL] */
static void
req_unban(struct daemon *d, int argc, char **argv, struct control_out *out)
{
	struct addr net;
	uint8_t prefix;
	int expl, n;
	size_t i;

	if (argc < 2 || parse_target(argv[1], &net, &prefix, &expl) != 0) {
		control_fail(out, "unban: '%s' is not an address or network",
		             argc > 1 ? argv[1] : "");
		return;
	}
	if (argc > 2 && jail_by_name(d, argv[2]) == NULL) {
		control_fail(out, "unban: no jail '%s'", argv[2]);
		return;
	}
	n = banmgr_unban(d->bm, &net, expl ? prefix : 0, argc > 2 ? argv[2] : NULL,
	                 daemon_now() / 1000000);
	for (i = 0; i < d->njails; i++) {
		struct addr g;
		uint8_t p = detect_group(jail_detect(d->jails[i].j), &net, &g);

		detect_forget(jail_detect(d->jails[i].j), &g, p);
	}
	if (n == 0)
		control_fail(out, "unban: %s is not banned", argv[1]);
	else
		control_printf(out, "lifted %d ban%s of %s\n", n, n == 1 ? "" : "s", argv[1]);
}

void
daemon_ctl_request(void *arg, int argc, char **argv, struct control_out *out)
{
	struct daemon *d = arg;
	int json = argc > 1 && strcmp(argv[argc - 1], "json") == 0;

	if (strcmp(argv[0], "status") == 0)
		req_status(d, json, out);
	else if (strcmp(argv[0], "bans") == 0)
		req_bans(d, json, out);
	else if (strcmp(argv[0], "ban") == 0)
		req_ban(d, argc, argv, out);
	else if (strcmp(argv[0], "unban") == 0)
		req_unban(d, argc, argv, out);
	else if (strcmp(argv[0], "reload") == 0) {
		if (daemon_reload(d) == 0)
			control_printf(out, "reloaded %s\n", d->conf.path);
		else
			control_fail(out, "reload failed: see the daemon's log; the running "
			                  "configuration stays");
	} else
		control_fail(out, "unknown request '%s'", argv[0]);
}
