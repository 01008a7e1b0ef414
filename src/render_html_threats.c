/* render_html_threats.c: the HTML report on hostile activity: attackers to Fail2Ban. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geoip.h"
#include "obuf.h"
#include "render_html.h"
#include "render_html_threats.h"
#include "render_svg.h"
#include "render_util.h"
#include "xmalloc.h"

#define LIT(w, s) OBUF_LIT((w)->o, "" s) /* literals only: sizeof is their length */
#define STR(w, s) render_html_str((w)->o, (s))

/* By attempts descending, then code (unknown last). */
static int
country_cmp(const void *x, const void *y)
{
	const struct render_svg_country *a = x, *b = y;

	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	if ((a->cc[0] == '\0') != (b->cc[0] == '\0'))
		return a->cc[0] == '\0' ? 1 : -1;
	return strcmp(a->cc, b->cc);
}

/* fig-countries from the rows' lookups gi[0..n). */
static void
countries_figure(struct render_html_out *w, const struct geoip_info *gi, size_t n)
{
	struct render_svg_country *c = xcalloc(n, sizeof(*c));
	size_t i, j, m = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++)
			if (strcmp(c[j].cc, gi[i].country) == 0)
				break;
		if (j == m) {
			memcpy(c[m].cc, gi[i].country, sizeof(c[m].cc));
			m++;
		}
		c[j].attempts += w->v->attackers[i]->attempts;
		c[j].addrs++;
	}
	qsort(c, m, sizeof(*c), country_cmp);
	render_svg_countries(w, c, m);
	free(c);
}

/* The --geoip cells of a row: country, then AS number and organisation (per database). */
static void
geo_cells(struct render_html_out *w, const struct geoip *g, const struct geoip_info *gi)
{
	char buf[16];

	if (geoip_has_country(g))
		render_html_td_lit(w, gi->country[0] ? gi->country : "-", NULL);
	if (!geoip_has_asn(g))
		return;
	if (gi->asn) {
		snprintf(buf, sizeof(buf), "AS%u", (unsigned)gi->asn);
		render_html_td_lit(w, buf, NULL);
	} else
		render_html_td_lit(w, "-", NULL);
	/* the organisation comes from a file: escaped like log text */
	LIT(w, "<td class=\"u\">");
	if (gi->org[0])
		render_html_name(w->o, gi->org, strlen(gi->org), RENDER_HTML_NAME_COLS);
	else
		LIT(w, "-");
	LIT(w, "</td>");
}

void
render_html_threats_attackers(struct render_html_out *w)
{
	static const char *const head[] = {"address", "attempts",   "conns",     "logins",
	                                   "bans",    "first seen", "last seen", "users tried"};
	const struct agg_view *v = w->v;
	const struct geoip *g = v->geo;
	struct geoip_info *gi = NULL;
	const char *ghead[11];
	char galign[12];
	size_t i, n = render_rows(v, v->nattackers);
	unsigned k, ncols = 1;

	render_html_sec_open(w, RENDER_HTML_SEC_ATTACKERS, NULL);
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	if (g != NULL) {
		gi = xcalloc(n, sizeof(*gi));
		for (i = 0; i < n; i++)
			if (geoip_lookup(g, &v->attackers[i]->src, &gi[i]) < 0)
				memset(&gi[i], 0, sizeof(gi[i]));
	}
	render_svg_attackers(w);
	if (g == NULL) {
		render_html_tab_open(w, head, 8, "lrrrrlll");
	} else {
		if (geoip_has_country(g))
			countries_figure(w, gi, n);
		/* the address, then country, AS and organisation, then the rest */
		ghead[0] = head[0];
		if (geoip_has_country(g))
			ghead[ncols++] = "country";
		if (geoip_has_asn(g)) {
			ghead[ncols++] = "asn";
			ghead[ncols++] = "organisation";
		}
		memset(galign, 'l', ncols);
		for (k = 1; k < 8; k++)
			ghead[ncols++] = head[k];
		memcpy(galign + ncols - 7, "rrrrlll", 8);
		render_html_tab_open(w, ghead, ncols, galign);
	}
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];
		int sep = 0;

		STR(w, a->logins ? "<tr class=\"bad\">" : "<tr>");
		render_html_td_addr(w, &a->src);
		if (g != NULL)
			geo_cells(w, g, &gi[i]);
		render_html_td_count(w, a->attempts, NULL);
		render_html_td_count(w, a->connections, NULL);
		render_html_td_count(w, a->logins, a->logins ? "bad" : NULL);
		render_html_td_count(w, a->f2b_bans, NULL);
		render_html_td_time(w, a->first);
		render_html_td_time(w, a->last);
		LIT(w, "<td class=\"u\">");
		for (k = 0; k < 3; k++) {
			if (a->users[k] == 0)
				continue;
			if (sep)
				LIT(w, ", ");
			render_html_id(w, a->users[k], 24);
			sep = 1;
		}
		if (a->users_more) {
			STR(w, sep ? " +" : "+");
			render_html_count(w->o, a->users_more);
		}
		LIT(w, "</td>");
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	render_html_total_line(
	    w, v->attackers_total, n, "attacking address", "attacking addresses",
	    v->attackers_exact ? NULL : "(approximate: more addresses than the table holds)");
	render_html_sec_close(w);
	free(gi);
}

void
render_html_threats_usernames(struct render_html_out *w)
{
	static const char *const head[] = {"user", "attempts", "conns", "sources", "exists"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nusernames);

	render_html_sec_open(w, RENDER_HTML_SEC_USERNAMES, "Targeted usernames");
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	render_svg_usernames(w);
	render_html_tab_open(w, head, 5, "lrrrl");
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid);

		LIT(w, "<tr>");
		render_html_td_id(w, u->user, e == 1 ? "warn" : NULL);
		render_html_td_count(w, u->attempts, NULL);
		render_html_td_count(w, u->connections, NULL);
		render_html_td_count(w, agg_username_sources(u), NULL);
		render_html_td_lit(w, e == 1 ? "yes" : e == 0 ? "no" : "?", e == 1 ? "warn" : NULL);
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	render_html_total_line(
	    w, v->usernames_total, n, "user name tried", "user names tried",
	    v->usernames_exact ? NULL : "(approximate: more names than the table holds)");
	render_html_sec_close(w);
}

void
render_html_threats_timeline(struct render_html_out *w)
{
	static const char *const titles[] = {"Timeline (per hour)", "Timeline (per day)",
	                                     "Timeline (per week)"};
	static const char *const heads[][4] = {
	    {"hour", "failures", "probes", "logins"},
	    {"day", "failures", "probes", "logins"},
	    {"week of", "failures", "probes", "logins"},
	};
	static const enum render_tfmt fmts[] = {RT_HOUR, RT_DAY, RT_DAY};
	struct render_bucket *b;
	unsigned size;
	size_t i, n = render_timeline(w->v, 0, &b, &size);

	render_html_sec_open(w, RENDER_HTML_SEC_TIMELINE, titles[size]);
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		free(b);
		return;
	}
	render_svg_timeline(w, b, n, size);
	render_svg_heatmap(w);
	LIT(w, "<details><summary>Table: ");
	render_html_count(w->o, n);
	STR(w, n == 1 ? " bucket with activity</summary>\n" : " buckets with activity</summary>\n");
	render_html_tab_open(w, heads[size], 4, "lrrr");
	for (i = 0; i < n; i++) {
		LIT(w, "<tr><td>");
		render_html_time(w->o, b[i].t, fmts[size]);
		LIT(w, "</td>");
		render_html_td_count(w, b[i].failures, NULL);
		render_html_td_count(w, b[i].probes, NULL);
		render_html_td_count(w, b[i].logins, b[i].logins ? "good" : NULL);
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	LIT(w, "</details>\n");
	render_html_sec_close(w);
	free(b);
}

static void
alert_detail(struct render_html_out *w, const struct agg_alert *a)
{
	switch (a->kind) {
	case AL_LOGIN_AFTER_FAILURES:
		LIT(w, "after ");
		render_html_count(w->o, a->count);
		STR(w, a->count == 1 ? " failure" : " failures");
		break;
	case AL_SUDO_GRANTED:
		LIT(w, "group ");
		break;
	case AL_REVERSE_MAPPING:
		render_html_count(w->o, a->count);
		STR(w, a->count == 1 ? " warning" : " warnings");
		if (a->detail != 0)
			LIT(w, ", ");
		break;
	default:
		break;
	}
	if (a->detail != 0) {
		if (a->kind == AL_LOGIN_AFTER_FAILURES)
			LIT(w, ", key ");
		render_html_id(w, a->detail, RENDER_HTML_FP_COLS);
	}
}

void
render_html_threats_alerts(struct render_html_out *w)
{
	static const char *const head[] = {"when", "kind", "user", "from", "detail"};
	static const char *const headh[] = {"when", "kind", "host", "user", "from", "detail"};
	const struct agg_view *v = w->v;
	size_t *idx = xcalloc(v->nalerts ? v->nalerts : 1, sizeof(*idx));
	size_t i, n = render_alerts(v, render_rows(v, v->nalerts), idx);
	char note[80], buf[40];

	render_html_sec_open(w, RENDER_HTML_SEC_ALERTS, NULL);
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		free(idx);
		return;
	}
	if (w->multihost)
		render_html_tab_open(w, headh, 6, "llllll");
	else
		render_html_tab_open(w, head, 5, "lllll");
	for (i = 0; i < n; i++) {
		const struct agg_alert *a = &v->alerts[idx[i]];
		const char *name = agg_alert_name(a->kind);
		int rev = a->kind == AL_REVERSE_MAPPING;

		STR(w, rev ? "<tr>" : "<tr class=\"bad\">");
		render_html_td_time(w, a->ts);
		STR(w, rev ? "<td><span class=\"chip warn\">" : "<td><span class=\"chip bad\">");
		obuf_put(w->o, name, strlen(name));
		LIT(w, "</span></td>");
		if (w->multihost)
			render_html_td_id(w, a->host, NULL);
		render_html_td_id(w, a->user, NULL);
		render_html_td_addr(w, &a->src);
		LIT(w, "<td class=\"u\">");
		alert_detail(w, a);
		LIT(w, "</td>");
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	note[0] = '\0';
	if (v->alerts_dropped) {
		render_count(buf, v->alerts_dropped);
		snprintf(note, sizeof(note), "(%s not kept)", buf);
	}
	render_html_total_line(w, v->nalerts + v->alerts_dropped, n, "alert", "alerts",
	                       *note ? note : NULL);
	render_html_sec_close(w);
	free(idx);
}

void
render_html_threats_fail2ban(struct render_html_out *w)
{
	static const char *const jhead[] = {"jail",   "found",    "bans",
	                                    "unbans", "restored", "already banned"};
	static const char *const ohead[] = {"address", "bans", "jail", "first ban", "last ban"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->noffenders);

	render_html_sec_open(w, RENDER_HTML_SEC_FAIL2BAN, NULL);
	if (v->njails == 0 && v->noffenders == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	render_html_tab_open(w, jhead, 6, "lrrrrr");
	for (i = 0; i < v->njails; i++) {
		const struct agg_jail *j = &v->jails[i];

		LIT(w, "<tr>");
		render_html_td_id(w, j->jail, NULL);
		render_html_td_count(w, j->found, NULL);
		render_html_td_count(w, j->bans, NULL);
		render_html_td_count(w, j->unbans, NULL);
		render_html_td_count(w, j->restores, NULL);
		render_html_td_count(w, j->already, NULL);
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	render_html_total_line(w, v->f2b_banned_addrs, v->f2b_banned_addrs, "address banned",
	                       "addresses banned", NULL);
	LIT(w, "<h3>Repeat offenders</h3>\n");
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	render_html_tab_open(w, ohead, 5, "lrlll");
	for (i = 0; i < n; i++) {
		const struct agg_offender *o = v->offenders[i];

		LIT(w, "<tr>");
		render_html_td_addr(w, &o->src);
		render_html_td_count(w, o->bans, NULL);
		render_html_td_id(w, o->jail, NULL);
		render_html_td_time(w, o->dates[0]);
		render_html_td_time(w, o->last);
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	render_html_total_line(w, v->noffenders, n, "address banned more than once",
	                       "addresses banned more than once", NULL);
	render_html_sec_close(w);
}
