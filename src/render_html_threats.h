/* render_html_threats.h: the HTML report's sections on hostile activity (attackers to Fail2Ban). */
#ifndef RENDER_HTML_THREATS_H
#define RENDER_HTML_THREATS_H

#include "render_html.h"

/*
 * Each writes one <section> of the HTML report of w->v to w (render_html
 * calls them in the page's order), with its figures (render_svg.c) where it
 * has any, then its table and a note of the totals; a section with nothing to
 * show says so. Text from the logs is escaped for HTML (render_html_esc).
 */

/* Attacking addresses, by attempts: counts, first and last seen, a few user names tried. */
void render_html_threats_attackers(struct render_html_out *w);
/* User names tried, by attempts: connections, distinct sources, whether the account exists. */
void render_html_threats_usernames(struct render_html_out *w);
/*
 * Failures, probes and logins per hour, day or week: the timeline and the
 * weekday-by-hour heat map, then the buckets with activity as a table folded
 * in a <details>.
 */
void render_html_threats_timeline(struct render_html_out *w);
/* The alerts that fit in --top rows (see render_alerts), in time order. */
void render_html_threats_alerts(struct render_html_out *w);
/* Fail2Ban's jails, then its repeat offenders; "none" when the input had no jail and no offender.
 */
void render_html_threats_fail2ban(struct render_html_out *w);

#endif
