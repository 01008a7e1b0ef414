/* daemon_ctl.c: the daemon's answers on its control socket: status, bans, history, ban, unban,
 * reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "daemon_ctl.h"
#include "log.h"
#include "obuf.h"
#include "status_view.h"
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

#define TOP_OFFENDERS 5 /* networks per jail in status */

/* An obuf_sink_fn: appends to the control_out arg. */
static int
to_control(void *arg, const char *s, size_t n)
{
	control_write(arg, s, n);
	return 0;
}

/*
 * The geoip fields of a network, as the report writes them for an attacker:
 * "country" with a country database, "asn" and "as_org" with an ASN one,
 * null when unknown; nothing without databases.
 */
static void
json_geo(struct control_out *out, const struct geoip *g, const struct addr *a)
{
	struct geoip_info gi;

	if (g == NULL)
		return;
	if (geoip_lookup(g, a, &gi) < 0)
		memset(&gi, 0, sizeof(gi));
	if (geoip_has_country(g)) {
		control_printf(out, ",\"country\":");
		if (gi.country[0])
			control_json_str(out, gi.country);
		else
			control_printf(out, "null");
	}
	if (!geoip_has_asn(g))
		return;
	if (gi.asn)
		control_printf(out, ",\"asn\":%u,\"as_org\":", (unsigned)gi.asn);
	else
		control_printf(out, ",\"asn\":null,\"as_org\":");
	if (gi.org[0])
		control_json_str(out, gi.org);
	else
		control_printf(out, "null");
}

/* The status as JSON. Its field names are fixed (scripts rely on them); new ones may be added. */
static void
status_json(const struct status_view *sv, struct control_out *out)
{
	size_t i, k;

	control_printf(out,
	               "{\"uptime_s\":%lld,\"database\":%s,\"active_bans\":%zu,\"bans\":%llu,"
	               "\"unbans\":%llu,\"jails\":[",
	               (long long)sv->uptime_s,
	               sv->database == NULL ? "\"memory only\""
	               : sv->database_full  ? "\"disk full\""
	                                    : "\"ok\"",
	               sv->active_bans, (unsigned long long)sv->bans,
	               (unsigned long long)sv->unbans);
	for (i = 0; i < sv->njails; i++) {
		const struct status_view_jail *j = &sv->jails[i];

		control_printf(out, "%s{\"jail\":", i ? "," : "");
		control_json_str(out, j->name);
		control_printf(out,
		               ",\"tracked\":%zu,\"active_bans\":%zu,"
		               "\"bans_last_hour\":%zu,\"bans_last_day\":%zu,"
		               "\"lines\":%llu,\"events\":%llu,\"counted\":%llu,\"bans\":%llu,"
		               "\"top_offenders\":[",
		               j->tracked, j->active_bans, j->bans_last_hour, j->bans_last_day,
		               (unsigned long long)j->lines, (unsigned long long)j->events,
		               (unsigned long long)j->counted, (unsigned long long)j->bans);
		for (k = 0; k < j->ntop; k++) {
			char a[ADDR_STRLEN];

			addr_format(&j->top[k].net, a);
			control_printf(out, "%s{\"address\":\"%s\",\"prefix\":%u,\"bans\":%u",
			               k ? "," : "", a, j->top[k].prefix, j->top[k].bans);
			json_geo(out, sv->geo, &j->top[k].net);
			control_printf(out, "}");
		}
		control_printf(out, "],\"sources\":[");
		for (k = 0; k < j->nsources; k++) {
			control_printf(out, "%s{\"source\":", k ? "," : "");
			control_json_str(out, j->sources[k].name);
			control_printf(out, ",\"lines\":%llu}",
			               (unsigned long long)j->sources[k].lines);
		}
		control_printf(out, "]}");
	}
	control_printf(out, "]}\n");
}

/* status: the daemon's counters gathered into a status_view, answered as JSON or text. */
static void
req_status(struct daemon *d, int json, int color, struct control_out *out)
{
	int64_t now = daemon_now() / 1000000;
	size_t i, k, nb, nsrc = 0, nj = d->njails;
	const struct store_ban *bans = banmgr_active(d->bm, &nb);
	struct banmgr_stats bs;
	struct status_view sv;
	struct status_view_jail *jv = xreallocarray(NULL, nj ? nj : 1, sizeof(*jv));
	struct status_view_source *src = xreallocarray(NULL, d->nsrcs ? d->nsrcs : 1, sizeof(*src));
	struct banmgr_offender *top =
	    xreallocarray(NULL, nj ? nj : 1, TOP_OFFENDERS * sizeof(*top));
	struct obuf o;

	memset(jv, 0, (nj ? nj : 1) * sizeof(*jv));
	/* the active set first: it is valid only until the next call on the ban manager */
	for (i = 0; i < nj; i++)
		for (k = 0; k < nb; k++)
			jv[i].active_bans += strcmp(bans[k].jail, d->jails[i].cj->name) == 0;
	banmgr_stats(d->bm, &bs);
	memset(&sv, 0, sizeof(sv));
	sv.uptime_s = now - d->started / 1000000;
	sv.database = d->st != NULL ? d->conf.database : NULL;
	sv.database_full = d->st != NULL && d->st_full;
	sv.active_bans = nb;
	sv.bans = bs.bans;
	sv.unbans = bs.unbans;
	sv.jails = jv;
	sv.njails = nj;
	sv.geo = d->geo;
	for (i = 0; i < nj; i++) {
		struct status_view_jail *j = &jv[i];
		struct jail_stats js;

		j->name = d->jails[i].cj->name;
		jail_stats(d->jails[i].j, &js);
		j->tracked = detect_count(jail_detect(d->jails[i].j));
		j->bans_last_hour = banmgr_recent(d->bm, j->name, now - 3600);
		j->bans_last_day = banmgr_recent(d->bm, j->name, now - 86400);
		j->lines = js.lines;
		j->events = js.events;
		j->counted = js.counted;
		j->bans = js.bans;
		j->top = top + i * TOP_OFFENDERS;
		j->ntop = banmgr_top(d->bm, j->name, top + i * TOP_OFFENDERS, TOP_OFFENDERS);
		j->sources = src + nsrc;
		for (k = 0; k < d->nsrcs; k++)
			if (d->srcs[k]->dj == &d->jails[i]) {
				src[nsrc].name = d->srcs[k]->name;
				src[nsrc++].lines = d->srcs[k]->lines;
			}
		j->nsources = (size_t)(src + nsrc - j->sources);
	}
	if (json) {
		status_json(&sv, out);
		goto out;
	}
	obuf_init_sink(&o, to_control, out);
	status_view_status(&o, &sv, color);
	obuf_close(&o);
out:
	free(top);
	free(src);
	free(jv);
}

static int
cmp_ban(const void *a, const void *b)
{
	const struct store_ban *x = a, *y = b;

	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

/* A UTC time as a JSON string, or null for 0 (never). */
static void
json_when(struct control_out *out, const char *key, int64_t t)
{
	char when[32];

	if (t == 0) {
		control_printf(out, ",\"%s\":null", key);
		return;
	}
	fmt_when(t, when, sizeof(when));
	control_printf(out, ",\"%s\":\"%s\"", key, when);
}

/* The fields every JSON ban starts with: address, prefix, jail, since, until (null: never). */
static void
json_ban_head(struct control_out *out, const struct store_ban *b)
{
	char a[ADDR_STRLEN];

	addr_format(&b->net, a);
	control_printf(out, "{\"address\":\"%s\",\"prefix\":%u,\"jail\":", a, b->prefix);
	control_json_str(out, b->jail);
	json_when(out, "since", b->start);
	json_when(out, "until", b->expires);
}

/* ... and ends with: nth, reason, the geoip fields. */
static void
json_ban_tail(struct control_out *out, const struct store_ban *b, const struct geoip *geo)
{
	control_printf(out, ",\"nth\":%u,\"reason\":", b->nth);
	control_json_str(out, b->reason);
	json_geo(out, geo, &b->net);
	control_printf(out, "}");
}

/* bans: the active bans, the most recent first, as JSON or text. */
static void
req_bans(struct daemon *d, int json, int color, struct control_out *out)
{
	int64_t now = daemon_now() / 1000000;
	size_t i, n;
	const struct store_ban *v = banmgr_active(d->bm, &n);
	struct store_ban *sorted = xreallocarray(NULL, n ? n : 1, sizeof(*sorted));
	struct obuf o;

	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_ban);
	if (!json) {
		obuf_init_sink(&o, to_control, out);
		status_view_bans(&o, sorted, n, now, d->geo, color);
		obuf_close(&o);
		goto out;
	}
	control_printf(out, "[");
	for (i = 0; i < n; i++) {
		const struct store_ban *b = &sorted[i];

		control_printf(out, "%s", i ? "," : "");
		json_ban_head(out, b);
		control_printf(out, ",\"seconds_left\":%lld",
		               (long long)(b->expires ? b->expires - now : -1));
		json_ban_tail(out, b, d->geo);
	}
	control_printf(out, "]\n");
out:
	free(sorted);
}

/* Collects history rows into a growing array (store_history's fn). */
struct rows {
	struct store_ban *v;
	size_t n, cap;
};

static int
add_row(void *arg, const struct store_ban *b)
{
	struct rows *r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
	}
	r->v[r->n++] = *b;
	return 0;
}

/* history ADDR: every ban of a network containing ADDR that the store keeps, newest first. */
static void
req_history(struct daemon *d, int argc, char **argv, int json, int color, struct control_out *out)
{
	int64_t now = daemon_now() / 1000000;
	struct rows r = {NULL, 0, 0};
	struct addr a;
	struct obuf o;
	size_t i;

	if (argc < 2 || addr_parse(argv[1], strlen(argv[1]), &a) != 0) {
		control_fail(out, "history: '%s' is not an address", argc > 1 ? argv[1] : "");
		return;
	}
	if (d->st == NULL) {
		control_fail(out, "history: the daemon has no database (its state is in memory "
		                  "only): no ban history to show");
		return;
	}
	if (store_history(d->st, &a, add_row, &r) != 0) {
		control_fail(out, "history: %s", store_errmsg(d->st));
		goto out;
	}
	if (!json) {
		obuf_init_sink(&o, to_control, out);
		status_view_history(&o, &a, r.v, r.n, now, d->conf.history, color);
		obuf_close(&o);
		goto out;
	}
	control_printf(out, "[");
	for (i = 0; i < r.n; i++) {
		const struct store_ban *b = &r.v[i];
		int in_force = b->ended == 0 && (b->expires == 0 || b->expires > now);

		control_printf(out, "%s", i ? "," : "");
		json_ban_head(out, b);
		json_when(out, "ended", b->ended);
		control_printf(out, ",\"in_force\":%s", in_force ? "true" : "false");
		json_ban_tail(out, b, d->geo);
	}
	control_printf(out, "]\n");
out:
	free(r.v);
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
	char a[ADDR_STRLEN], until[32], err[512];

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
	if (prefix == 0) {
		control_fail(out, "ban: %s would ban every %s address", argv[1],
		             net.af == 4 ? "IPv4" : "IPv6");
		return;
	}
	{
		struct cidr c;

		c.net = net;
		c.bits = prefix;
		if (daemon_ban_conflict(d, dj, &c)) {
			control_fail(out,
			             "ban: %s holds an address of this host or of the allowlist "
			             "of jail %s",
			             argv[1], dj->cj->name);
			return;
		}
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
	log_warnx("%s: ban %s/%u by hand until %s (ban #%u)", dj->cj->name, a, prefix, until,
	          b.nth);
	/* now, not at the end of the turn: the answer says whether the firewall took it */
	if (banmgr_flush(d->bm, now, err, sizeof(err)) != 0) {
		log_warnx("ban: %s", err);
		control_fail(out, "ban: %s/%u is decided, but: %s (tried again at the next check)",
		             a, prefix, err);
		return;
	}
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
	/* a jail no longer configured (renamed, removed) may still hold active bans */
	n = banmgr_unban(d->bm, &net, expl ? prefix : 0, argc > 2 ? argv[2] : NULL,
	                 daemon_now() / 1000000);
	if (n == 0 && argc > 2 && jail_by_name(d, argv[2]) == NULL) {
		control_fail(out, "unban: no jail '%s', and no ban of %s in a jail of that name",
		             argv[2], argv[1]);
		return;
	}
	for (i = 0; i < d->njails; i++) {
		struct addr g;
		uint8_t p = detect_group(jail_detect(d->jails[i].j), &net, &g);

		detect_forget(jail_detect(d->jails[i].j), &g, p);
	}
	if (n == 0)
		control_fail(out, "unban: %s is not banned", argv[1]);
	else {
		control_printf(out, "lifted %d ban%s of %s\n", n, n == 1 ? "" : "s", argv[1]);
		log_warnx("unban %s by hand%s%s: %d ban%s lifted", argv[1], argc > 2 ? " in " : "",
		          argc > 2 ? argv[2] : "", n, n == 1 ? "" : "s");
	}
}

void
daemon_ctl_request(void *arg, int argc, char **argv, struct control_out *out)
{
	struct daemon *d = arg;
	int json = 0, color = 0, i;

	/* status, bans and history take flags in any order; an unknown one is ignored (a newer
	 * client) */
	for (i = 1; i < argc; i++) {
		json |= strcmp(argv[i], "json") == 0;
		color |= strcmp(argv[i], "color") == 0;
	}
	if (strcmp(argv[0], "status") == 0)
		req_status(d, json, color, out);
	else if (strcmp(argv[0], "bans") == 0)
		req_bans(d, json, color, out);
	else if (strcmp(argv[0], "history") == 0)
		req_history(d, argc, argv, json, color, out);
	else if (strcmp(argv[0], "ban") == 0)
		req_ban(d, argc, argv, out);
	else if (strcmp(argv[0], "unban") == 0)
		req_unban(d, argc, argv, out);
	else if (strcmp(argv[0], "reload") == 0) {
		char kept[1024];

		if (daemon_reload(d, kept, sizeof(kept)) != 0)
			control_fail(out, "reload refused: %s (the running configuration stays)",
			             kept);
		else if (kept[0] != '\0')
			control_printf(out, "reloaded %s; %s changed: kept until the next start\n",
			               d->conf.path, kept);
		else
			control_printf(out, "reloaded %s\n", d->conf.path);
	} else
		control_fail(out, "unknown request '%s'", argv[0]);
}
