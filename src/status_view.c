/* status_view.c: the text of `authwatch status`, `bans` and `bans --history`, as tables in the
 * report's style. */
#include <stdio.h>
#include <string.h>

#include "render_text.h"
#include "render_util.h"
#include "status_view.h"
#include "timespec.h"

#define PATH_COLS 60   /* a source or the database, as the report shows a file */
#define TITLE_COLS 120 /* the database path in the title line */

/* The network "203.0.113.7/32" (trusted text: the address is formatted by addr_format). */
static void
cell_net(struct render_text_cell *c, const struct addr *net, unsigned prefix)
{
	char buf[8];

	render_text_cell_addr(c, net);
	snprintf(buf, sizeof(buf), "/%u", prefix);
	render_text_cell_lit(c, buf);
}

/* A name from the configuration or a log, s[0..n), as one cell, escaped and cut to max columns. */
static void
tab_esc(struct render_text_table *t, const char *s, size_t n, unsigned max)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_esc(&c, s, n, max);
	render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
}

/* "authwatch daemon: up 2h13m, state /var/lib/authwatch/state.db" (or "in memory only"). */
static void
title(struct render_text_out *w, const struct status_view *s)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_lit(&c, "authwatch daemon: up ");
	render_text_cell_dur(&c, s->uptime_s * 1000000);
	render_text_cell_lit(&c, ", state ");
	if (s->database != NULL) {
		render_text_cell_esc(&c, s->database, strlen(s->database), TITLE_COLS);
		if (s->database_full)
			render_text_cell_lit(&c, " (disk full: in memory until there is space)");
	} else
		render_text_cell_lit(&c, "in memory only");
	render_text_line(w, &c, RENDER_TEXT_BOLD);
}

static void
summary(struct render_text_out *w, const struct status_view *s)
{
	struct render_text_table t;

	render_text_tab_init(&t, 2, NULL, "lr");
	render_text_tab_lit(&t, "active bans", RENDER_TEXT_PLAIN);
	render_text_tab_count(&t, s->active_bans,
	                      s->active_bans ? RENDER_TEXT_RED : RENDER_TEXT_PLAIN);
	render_text_tab_lit(&t, "bans since start", RENDER_TEXT_PLAIN);
	render_text_tab_count(&t, s->bans, RENDER_TEXT_PLAIN);
	render_text_tab_lit(&t, "unbans since start", RENDER_TEXT_PLAIN);
	render_text_tab_count(&t, s->unbans, RENDER_TEXT_PLAIN);
	render_text_tab_print(w, &t, 2);
}

static void
jails(struct render_text_out *w, const struct status_view *s)
{
	static const char *const head[] = {"jail",    "tracked",  "active bans",
	                                   "bans 1h", "bans 24h", "lines",
	                                   "events",  "counted",  "bans decided"};
	struct render_text_table t;
	size_t i;

	render_text_heading(w, "Jails");
	if (s->njails == 0) {
		render_text_none(w);
		return;
	}
	render_text_tab_init(&t, 9, head, "lrrrrrrrr");
	for (i = 0; i < s->njails; i++) {
		const struct status_view_jail *j = &s->jails[i];

		tab_esc(&t, j->name, strlen(j->name), RENDER_TEXT_NAME_COLS);
		render_text_tab_count(&t, j->tracked, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->active_bans,
		                      j->active_bans ? RENDER_TEXT_RED : RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->bans_last_hour, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->bans_last_day, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->lines, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->events, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->counted, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, j->bans, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
}

static void
offenders(struct render_text_out *w, const struct status_view *s)
{
	const char *head[5] = {"jail", "address"};
	char align[6] = "ll";
	struct render_text_table t;
	struct render_text_cell c;
	size_t i, k, n = 0;
	unsigned ncols = 2;

	render_text_heading(w, "Top offenders");
	for (i = 0; i < s->njails; i++)
		n += s->jails[i].ntop;
	if (n == 0) {
		render_text_none(w);
		return;
	}
	ncols += render_text_geo_heads(s->geo, head + ncols);
	memset(align + 2, 'l', ncols - 2);
	head[ncols] = "bans";
	align[ncols++] = 'r';
	align[ncols] = '\0';
	render_text_tab_init(&t, ncols, head, align);
	for (i = 0; i < s->njails; i++)
		for (k = 0; k < s->jails[i].ntop; k++) {
			const struct banmgr_offender *o = &s->jails[i].top[k];

			tab_esc(&t, s->jails[i].name, strlen(s->jails[i].name),
			        RENDER_TEXT_NAME_COLS);
			render_text_cell_clear(&c);
			cell_net(&c, &o->net, o->prefix);
			render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
			render_text_tab_geo(&t, s->geo, &o->net);
			render_text_tab_count(&t, o->bans, RENDER_TEXT_PLAIN);
		}
	render_text_tab_print(w, &t, 2);
}

static void
sources(struct render_text_out *w, const struct status_view *s)
{
	static const char *const head[] = {"jail", "source", "lines"};
	struct render_text_table t;
	size_t i, k, n = 0;

	render_text_heading(w, "Sources");
	for (i = 0; i < s->njails; i++)
		n += s->jails[i].nsources;
	if (n == 0) {
		render_text_none(w);
		return;
	}
	render_text_tab_init(&t, 3, head, "llr");
	for (i = 0; i < s->njails; i++)
		for (k = 0; k < s->jails[i].nsources; k++) {
			const struct status_view_source *src = &s->jails[i].sources[k];

			tab_esc(&t, s->jails[i].name, strlen(s->jails[i].name),
			        RENDER_TEXT_NAME_COLS);
			tab_esc(&t, src->name, strlen(src->name), PATH_COLS);
			render_text_tab_count(&t, src->lines, RENDER_TEXT_PLAIN);
		}
	render_text_tab_print(w, &t, 2);
}

void
status_view_status(struct obuf *o, const struct status_view *s, int color)
{
	struct render_text_out w = {o, NULL, color, 0};

	title(&w, s);
	summary(&w, s);
	jails(&w, s);
	offenders(&w, s);
	sources(&w, s);
}

void
status_view_bans(struct obuf *o, const struct store_ban *b, size_t n, int64_t now,
                 const struct geoip *geo, int color)
{
	static const char *const rest[] = {"jail",    "since",  "until", "left",
	                                   "offence", "reason", NULL};
	const char *head[10] = {"address"};
	char align[11] = "l";
	struct render_text_out w = {o, NULL, color, 0};
	struct render_text_table t;
	struct render_text_cell c;
	unsigned ncols = 1, k;
	size_t i;

	render_text_cell_clear(&c);
	render_text_cell_lit(&c, "authwatch daemon: ");
	if (n == 0)
		render_text_cell_lit(&c, "no active ban");
	else {
		render_text_cell_count(&c, n);
		render_text_cell_lit(&c, n == 1 ? " active ban" : " active bans");
		render_text_cell_lit(&c, ", times in UTC");
	}
	render_text_line(&w, &c, RENDER_TEXT_BOLD);
	if (n == 0)
		return;
	/* with geoip: the country and AS of each network after it */
	ncols += render_text_geo_heads(geo, head + ncols);
	memset(align + 1, 'l', ncols - 1);
	for (k = 0; rest[k] != NULL; k++)
		head[ncols++] = rest[k];
	memcpy(align + ncols - 6, "lllrrl", 7);
	render_text_tab_init(&t, ncols, head, align);
	for (i = 0; i < n; i++) {
		render_text_cell_clear(&c);
		cell_net(&c, &b[i].net, b[i].prefix);
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
		render_text_tab_geo(&t, geo, &b[i].net);
		tab_esc(&t, b[i].jail, strnlen(b[i].jail, sizeof(b[i].jail)),
		        RENDER_TEXT_NAME_COLS);
		render_text_tab_time(&t, b[i].start * 1000000);
		if (b[i].expires == 0) {
			render_text_tab_lit(&t, "never", RENDER_TEXT_RED);
			render_text_tab_lit(&t, "-", RENDER_TEXT_PLAIN);
		} else {
			render_text_tab_time(&t, b[i].expires * 1000000);
			render_text_cell_clear(&c);
			render_text_cell_dur(&c, (b[i].expires - now) * 1000000);
			render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
		}
		render_text_tab_count(&t, b[i].nth,
		                      b[i].nth > 1 ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
		tab_esc(&t, b[i].reason, strnlen(b[i].reason, sizeof(b[i].reason)),
		        RENDER_TEXT_NAME_COLS);
	}
	render_text_tab_print(&w, &t, 2);
}

void
status_view_history(struct obuf *o, const struct addr *a, const struct store_ban *b, size_t n,
                    int64_t now, int64_t keep, int color)
{
	static const char *const head[] = {"network", "jail",    "since", "until",
	                                   "ended",   "offence", "reason"};
	struct render_text_out w = {o, NULL, color, 0};
	struct render_text_table t;
	struct render_text_cell c;
	char dur[32];
	size_t i;

	render_text_cell_clear(&c);
	render_text_cell_lit(&c, "authwatch daemon: ");
	if (n == 0)
		render_text_cell_lit(&c, "no ban");
	else {
		render_text_cell_count(&c, n);
		render_text_cell_lit(&c, n == 1 ? " ban" : " bans");
	}
	render_text_cell_lit(&c, " of ");
	render_text_cell_addr(&c, a);
	render_text_cell_lit(&c, " in the history (");
	if (keep > 0) {
		render_text_cell_lit(&c, "bans of the last ");
		render_text_cell_lit(&c, duration_format(keep, dur, sizeof(dur)));
	} else
		render_text_cell_lit(&c, "every ban");
	render_text_cell_lit(&c, n > 0 ? "), times in UTC" : ")");
	render_text_line(&w, &c, RENDER_TEXT_BOLD);
	if (n == 0)
		return;
	render_text_tab_init(&t, 7, head, "lllllrl");
	for (i = 0; i < n; i++) {
		render_text_cell_clear(&c);
		cell_net(&c, &b[i].net, b[i].prefix);
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
		tab_esc(&t, b[i].jail, strnlen(b[i].jail, sizeof(b[i].jail)),
		        RENDER_TEXT_NAME_COLS);
		render_text_tab_time(&t, b[i].start * 1000000);
		if (b[i].expires == 0)
			render_text_tab_lit(&t, "never", RENDER_TEXT_RED);
		else
			render_text_tab_time(&t, b[i].expires * 1000000);
		if (b[i].ended != 0)
			render_text_tab_time(&t, b[i].ended * 1000000);
		else if (b[i].expires == 0 || b[i].expires > now)
			render_text_tab_lit(&t, "in force", RENDER_TEXT_RED);
		else
			render_text_tab_lit(&t, "expired", RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, b[i].nth,
		                      b[i].nth > 1 ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
		tab_esc(&t, b[i].reason, strnlen(b[i].reason, sizeof(b[i].reason)),
		        RENDER_TEXT_NAME_COLS);
	}
	render_text_tab_print(&w, &t, 2);
}
