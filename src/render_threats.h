/* render_threats.h: the text report's sections on hostile activity (attackers to Fail2Ban). */
#ifndef RENDER_THREATS_H
#define RENDER_THREATS_H

#include "render_text.h"

/*
 * Each writes one section of the text report of w->v to w (render_text calls
 * them in the report's order). Text from the logs is escaped for a terminal.
 */

/* Attacking addresses, by attempts: counts, first and last seen, a few user names tried. */
void render_threats_attackers(struct render_text_out *w);
/* User names tried, by attempts: connections, distinct sources, whether the account exists. */
void render_threats_usernames(struct render_text_out *w);
/* Failures, probes and logins per hour, day or week, with a bar chart. */
void render_threats_timeline(struct render_text_out *w);
/* The alerts that fit in --top rows (see render_alerts), in time order. */
void render_threats_alerts(struct render_text_out *w);
/* Fail2Ban's jails and repeat offenders; nothing when the input had none. */
void render_threats_fail2ban(struct render_text_out *w);

#endif
