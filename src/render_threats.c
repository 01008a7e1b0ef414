/* render_threats.c: the text report on hostile activity: attackers, usernames, alerts, Fail2Ban. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geoip.h"
#include "obuf.h"
#include "render_text.h"
#include "render_threats.h"
#include "render_util.h"
#include "xmalloc.h"

#define BAR_COLS 40 /* width of the widest timeline bar */
#define DENSE_MAX 100

static const char approx[] = "(approximate: more addresses than the table holds)";

void
render_threats_attackers(struct render_text_out *w)
{
	static const char *const head[] = {"address", "attempts",   "conns",     "logins",
	                                   "bans",    "first seen", "last seen", "users tried"};
	const struct agg_view *v = w->v;
	const struct geoip *g = v->geo;
	size_t i, n = render_rows(v, v->nattackers);
	struct render_text_table t;
	struct render_text_cell c;
	const char *ghead[10];
	char buf[40], galign[11];
	unsigned k, ncols = 1;

	render_text_heading(w, "Attackers");
	if (n == 0) {
		render_text_none(w);
		return;
	}
	if (g == NULL) {
		render_text_tab_init(&t, 8, head, "lrrrrlll");
	} else {
		/* with --geoip: the address, then country and AS, then the rest */
		ghead[0] = head[0];
		ncols += render_text_geo_heads(g, ghead + 1);
		memset(galign, 'l', ncols);
		for (k = 1; k < 8; k++)
			ghead[ncols++] = head[k];
		memcpy(galign + ncols - 7, "rrrrlll", 8);
		render_text_tab_init(&t, ncols, ghead, galign);
	}
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];

		render_text_tab_addr(&t, &a->src);
		if (g != NULL)
			render_text_tab_geo(&t, g, &a->src);
		render_text_tab_count(&t, a->attempts, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, a->connections, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, a->logins,
		                      a->logins ? RENDER_TEXT_RED : RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, a->f2b_bans, RENDER_TEXT_PLAIN);
		render_text_tab_time(&t, a->first);
		render_text_tab_time(&t, a->last);
		/* a few names, each cut short, then how many more */
		render_text_cell_clear(&c);
		for (k = 0; k < 3; k++) {
			if (a->users[k] == 0)
				continue;
			if (c.len)
				render_text_cell_lit(&c, ", ");
			render_text_cell_id(&c, v, a->users[k], 16);
		}
		if (a->users_more) {
			render_count(buf, a->users_more);
			render_text_cell_lit(&c, c.len ? " +" : "+");
			render_text_cell_lit(&c, buf);
		}
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	render_text_total_line(w, v->attackers_total, n, "attacking address", "attacking addresses",
	                       v->attackers_exact ? NULL : approx);
}

void
render_threats_usernames(struct render_text_out *w)
{
	static const char *const head[] = {"user", "attempts", "conns", "sources", "exists"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nusernames);
	struct render_text_table t;

	render_text_heading(w, "Targeted usernames");
	if (n == 0) {
		render_text_none(w);
		return;
	}
	render_text_tab_init(&t, 5, head, "lrrrl");
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid);

		render_text_tab_id(&t, v, u->user, e == 1 ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, u->attempts, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, u->connections, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, agg_username_sources(u), RENDER_TEXT_PLAIN);
		render_text_tab_lit(&t,
		                    e == 1   ? "yes"
		                    : e == 0 ? "no"
		                             : "?",
		                    e == 1 ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	render_text_total_line(
	    w, v->usernames_total, n, "user name tried", "user names tried",
	    v->usernames_exact ? NULL : "(approximate: more names than the table holds)");
}

void
render_threats_timeline(struct render_text_out *w)
{
	static const char *const heads[][5] = {
	    {"hour", "failures", "probes", "logins", ""},
	    {"day", "failures", "probes", "logins", ""},
	    {"week of", "failures", "probes", "logins", ""},
	};
	static const char *const titles[] = {"Timeline (per hour)", "Timeline (per day)",
	                                     "Timeline (per week)"};
	static const enum render_tfmt fmts[] = {RT_HOUR, RT_DAY, RT_DAY};
	struct render_bucket *b;
	unsigned size;
	size_t i, n = render_timeline(w->v, DENSE_MAX, &b, &size);
	uint64_t max = 0;
	struct render_text_table t;
	struct render_text_cell c;
	char buf[64];

	render_text_heading(w, titles[size]);
	if (n == 0) {
		render_text_none(w);
		free(b);
		return;
	}
	for (i = 0; i < n; i++)
		if (b[i].failures + b[i].probes > max)
			max = b[i].failures + b[i].probes;
	render_text_tab_init(&t, 5, heads[size], "lrrrl");
	for (i = 0; i < n; i++) {
		uint64_t tot = b[i].failures + b[i].probes, nb, nf;

		render_time(buf, sizeof(buf), b[i].t, fmts[size]);
		render_text_tab_lit(&t, buf, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, b[i].failures, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, b[i].probes, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, b[i].logins,
		                      b[i].logins ? RENDER_TEXT_GREEN : RENDER_TEXT_PLAIN);
		/* bar: total marks scaled to the widest, '#' failures then '+' probes */
		nb = max ? (tot * BAR_COLS + max / 2) / max : 0;
		if (tot > 0 && nb == 0)
			nb = 1;
		nf = tot ? (b[i].failures * nb + tot / 2) / tot : 0;
		if (b[i].failures > 0 && nf == 0)
			nf = 1;
		if (b[i].probes > 0 && nf == nb && nb > 1)
			nf--;
		render_text_cell_clear(&c);
		while (c.cols < nf)
			render_text_cell_put(&c, "#", 1, 1);
		while (c.cols < nb)
			render_text_cell_put(&c, "+", 1, 1);
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	render_count(buf, max);
	OBUF_LIT(w->o, "  # failed authentications, + probes; the longest bar is ");
	render_text_put(w, buf);
	obuf_putc(w->o, '\n');
	free(b);
}

static void
alert_detail(struct render_text_cell *c, const struct agg_view *v, const struct agg_alert *a)
{
	char buf[40];

	render_count(buf, a->count);
	switch (a->kind) {
	case AL_LOGIN_AFTER_FAILURES:
		render_text_cell_lit(c, "after ");
		render_text_cell_lit(c, buf);
		render_text_cell_lit(c, a->count == 1 ? " failure" : " failures");
		break;
	case AL_SUDO_GRANTED:
		render_text_cell_lit(c, "group ");
		break;
	case AL_REVERSE_MAPPING:
		render_text_cell_lit(c, buf);
		render_text_cell_lit(c, a->count == 1 ? " warning" : " warnings");
		if (a->detail != 0)
			render_text_cell_lit(c, ", ");
		break;
	default:
		break;
	}
	if (a->detail != 0) {
		if (a->kind == AL_LOGIN_AFTER_FAILURES)
			render_text_cell_lit(c, ", key ");
		render_text_cell_id(c, v, a->detail, RENDER_TEXT_FP_COLS);
	}
}

void
render_threats_alerts(struct render_text_out *w)
{
	static const char *const head[] = {"when", "kind", "user", "from", "detail"};
	static const char *const headh[] = {"when", "kind", "host", "user", "from", "detail"};
	const struct agg_view *v = w->v;
	size_t *idx = xcalloc(v->nalerts ? v->nalerts : 1, sizeof(*idx));
	size_t i, n = render_alerts(v, render_rows(v, v->nalerts), idx);
	struct render_text_table t;
	struct render_text_cell c;
	char note[80], buf[40];

	render_text_heading(w, "Alerts");
	if (n == 0) {
		render_text_none(w);
		free(idx);
		return;
	}
	if (w->multihost)
		render_text_tab_init(&t, 6, headh, "llllll");
	else
		render_text_tab_init(&t, 5, head, "lllll");
	for (i = 0; i < n; i++) {
		const struct agg_alert *a = &v->alerts[idx[i]];

		render_text_tab_time(&t, a->ts);
		render_text_tab_lit(&t, agg_alert_name(a->kind),
		                    a->kind == AL_REVERSE_MAPPING ? RENDER_TEXT_YELLOW
		                                                  : RENDER_TEXT_RED);
		if (w->multihost) {
			render_text_tab_id(&t, v, a->host, RENDER_TEXT_PLAIN);
		}
		render_text_tab_id(&t, v, a->user, RENDER_TEXT_PLAIN);
		render_text_tab_addr(&t, &a->src);
		render_text_cell_clear(&c);
		alert_detail(&c, v, a);
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	note[0] = '\0';
	if (v->alerts_dropped) {
		render_count(buf, v->alerts_dropped);
		snprintf(note, sizeof(note), "(%s not kept)", buf);
	}
	render_text_total_line(w, v->nalerts + v->alerts_dropped, n, "alert", "alerts",
	                       *note ? note : NULL);
	free(idx);
}

void
render_threats_fail2ban(struct render_text_out *w)
{
	static const char *const jhead[] = {"jail",   "found",    "bans",
	                                    "unbans", "restored", "already banned"};
	static const char *const ohead[] = {"address", "bans", "jail", "first ban", "last ban"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->noffenders);
	struct render_text_table t;

	if (v->njails == 0 && v->noffenders == 0)
		return;
	render_text_heading(w, "Fail2Ban");
	render_text_tab_init(&t, 6, jhead, "lrrrrr");
	for (i = 0; i < v->njails; i++) {
		const struct agg_jail *j = &v->jails[i];

		render_text_tab_id(&t, v, j->jail, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->found, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->bans, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->unbans, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->restores, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->already, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	render_text_total_line(w, v->f2b_banned_addrs, v->f2b_banned_addrs, "address banned",
	                       "addresses banned", NULL);
	OBUF_LIT(w->o, "\n  Repeat offenders\n");
	if (n == 0) {
		OBUF_LIT(w->o, "    none\n");
		return;
	}
	render_text_tab_init(&t, 5, ohead, "lrlll");
	for (i = 0; i < n; i++) {
		const struct agg_offender *o = v->offenders[i];

		render_text_tab_addr(&t, &o->src);
		render_text_tab_count(&t, o->bans, RENDER_TEXT_PLAIN);
		render_text_tab_id(&t, v, o->jail, RENDER_TEXT_PLAIN);
		render_text_tab_time(&t, o->dates[0]);
		render_text_tab_time(&t, o->last);
	}
	render_text_tab_print(w, &t, 4);
	render_text_total_line(w, v->noffenders, n, "address banned more than once",
	                       "addresses banned more than once", NULL);
}
