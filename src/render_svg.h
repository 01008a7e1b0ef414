/* render_svg.h: the HTML report's figures, drawn as inline SVG (no script, no external file). */
#ifndef RENDER_SVG_H
#define RENDER_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "render_html.h"
#include "render_util.h"

/*
 * Each writes one <figure> (with an id, a caption and, where it helps, a
 * legend) of w->v into the page. The SVG has no viewBox: positions across
 * are percentages of the figure's width and heights are pixels, so text
 * keeps its size on a phone and the bars stretch. Every mark carries a
 * <title> with its exact values (shown on hover). Figures are bounded
 * (RENDER_HTML_FIG_ROWS rows, one bar per timeline bucket, 7 x 24 heat map
 * cells) whatever the size of the input. Text from the logs is escaped by
 * render_html_esc.
 */

/* fig-actions: the events split into bad, good and neutral, as one stacked bar. */
void render_svg_actions(struct render_html_out *w);

/*
 * fig-timeline: failed attempts, probes and logins per bucket as stacked
 * bars, placed by time (gaps show as gaps). b[0..n) are the buckets with
 * activity of render_timeline, of the size size (RB_HOUR, RB_DAY, RB_WEEK).
 */
void render_svg_timeline(struct render_html_out *w, const struct render_bucket *b, size_t n,
                         unsigned size);

/*
 * fig-heatmap: failed attempts and probes by weekday (7 rows, Monday first)
 * and hour of day (24 columns), UTC, summed from the view's hours (which are
 * always hourly, whatever bucket the timeline chose).
 */
void render_svg_heatmap(struct render_html_out *w);

/* fig-attackers: the top attacking addresses by attempts, as horizontal bars. */
void render_svg_attackers(struct render_html_out *w);

/* One country of fig-countries: its code ("" unknown), attempts and addresses. */
struct render_svg_country {
	char cc[3];
	uint64_t attempts;
	uint64_t addrs;
};

/*
 * fig-countries (with --geoip and a country database): the failed attempts of
 * the attackers table's rows summed per country, c[0..n) already in the
 * order to draw (the first RENDER_HTML_FIG_ROWS are drawn); nothing for n 0.
 */
void render_svg_countries(struct render_html_out *w, const struct render_svg_country *c, size_t n);

/* fig-usernames: the top user names by attempts, coloured by whether the account exists. */
void render_svg_usernames(struct render_html_out *w);

/*
 * fig-sessions: the sessions of the logins and longest tables (--top rows
 * each, without repeats) as start..end bars, one lane per user (at most
 * RENDER_HTML_FIG_ROWS lanes); open sessions run to the end of the input.
 */
void render_svg_sessions(struct render_html_out *w);

#endif
