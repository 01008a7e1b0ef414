/* render_svg.c: the HTML report's figures as inline SVG: timeline, heat map, bars, sessions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obuf.h"
#include "render_svg.h"

#define LIT(w, s) OBUF_LIT((w)->o, "" s) /* literals only: sizeof is their length */
#define STR(w, s) put_str((w)->o, (s))
#define HOUR_US 3600000000LL
#define DAY_US (24 * HOUR_US)

#define TL_TOP 16        /* timeline: room above the plot for the top grid label */
#define TL_H 170         /* timeline: plot height */
#define TL_AX 36         /* timeline: below the plot, ticks and two lines of labels */
#define TL_MIN_HOURS 12  /* timeline: hour buckets on the axis at least */
#define TL_MIN_DAYS 7    /* timeline: day or week buckets on the axis at least */
#define TL_MAX_SLOTS 200 /* timeline: buckets on the axis when widened to the report's range */
#define HB_ROW 32        /* bar charts: one row, a label line and its bar */
#define HM_TOP 18        /* heat map: the hour labels */
#define HM_ROW 22        /* heat map: one weekday */
#define HM_LAB 9.0       /* heat map: percent of the width for the weekday names */
#define SS_MAX 50        /* sessions: at most this many from each of the two lists */

/* Numbers. */

/* Trusted text (a name of the program's own, chosen at run time). */
static void
put_str(struct obuf *o, const char *s)
{
	obuf_put(o, s, strlen(s));
}

/* A non-negative number with up to two decimals: "12", "12.5", "0.25". */
static void
num(struct obuf *o, double x)
{
	unsigned long long c;

	if (!(x > 0))
		x = 0;
	if (x > 1e15)
		x = 1e15;
	c = (unsigned long long)(x * 100 + 0.5);
	obuf_u64(o, c / 100);
	if (c % 100) {
		obuf_putc(o, '.');
		obuf_putc(o, (char)('0' + c % 100 / 10));
		if (c % 10)
			obuf_putc(o, (char)('0' + c % 10));
	}
}

/* Floor division (epoch hours before 1970 are negative). */
static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The start of the bucket of size size that holds t (weeks start on Monday). */
static int64_t
bucket_floor(int64_t t, unsigned size)
{
	int64_t d;

	switch (size) {
	case RB_HOUR:
		return floordiv(t, HOUR_US) * HOUR_US;
	case RB_DAY:
		return floordiv(t, DAY_US) * DAY_US;
	default:
		d = floordiv(t, DAY_US);
		return (floordiv(d + 3, 7) * 7 - 3) * DAY_US; /* 1970-01-01 was a Thursday */
	}
}

/* An attribute: ` name="x"` or, percent set, ` name="x%"`. */
static void
attr(struct obuf *o, const char *name, double x, int percent)
{
	obuf_putc(o, ' ');
	obuf_put(o, name, strlen(name));
	OBUF_LIT(o, "=\"");
	num(o, x);
	if (percent)
		obuf_putc(o, '%');
	obuf_putc(o, '"');
}

/* <rect class=cls> at x% (width wd%), y px (height h px), of fill-opacity op (< 0: none). */
static void
rect_op(struct obuf *o, const char *cls, double x, double y, double wd, double h, double op)
{
	OBUF_LIT(o, "<rect class=\"");
	obuf_put(o, cls, strlen(cls));
	obuf_putc(o, '"');
	attr(o, "x", x, 1);
	attr(o, "y", y, 0);
	attr(o, "width", wd, 1);
	attr(o, "height", h, 0);
	if (op >= 0)
		attr(o, "fill-opacity", op, 0);
	OBUF_LIT(o, "/>");
}

static void
rect(struct obuf *o, const char *cls, double x, double y, double wd, double h)
{
	rect_op(o, cls, x, y, wd, h, -1);
}

/* <text class=cls x=x% y=y text-anchor=anchor>, left open for its content (cls, anchor: NULL). */
static void
text_open(struct obuf *o, const char *cls, double x, double y, const char *anchor)
{
	OBUF_LIT(o, "<text");
	if (cls != NULL) {
		OBUF_LIT(o, " class=\"");
		obuf_put(o, cls, strlen(cls));
		obuf_putc(o, '"');
	}
	attr(o, "x", x, 1);
	attr(o, "y", y, 0);
	if (anchor != NULL) {
		OBUF_LIT(o, " text-anchor=\"");
		obuf_put(o, anchor, strlen(anchor));
		obuf_putc(o, '"');
	}
	obuf_putc(o, '>');
}

/* An axis label: 950, 1.5k, 20k, 3M. */
static void
compact(char *buf, size_t sz, uint64_t x)
{
	static const char suf[] = "kMGTPE";
	double d = (double)x;
	int u = -1;

	if (x < 1000) {
		snprintf(buf, sz, "%llu", (unsigned long long)x);
		return;
	}
	while (d >= 1000 && u < 5) {
		d /= 1000;
		u++;
	}
	if (d < 10 && d != floor(d))
		snprintf(buf, sz, "%.1f%c", d, suf[u]);
	else
		snprintf(buf, sz, "%.0f%c", d, suf[u]);
}

/* The step of about ticks grid lines from 0 past max: 1, 2 or 5 times a power of ten. */
static uint64_t
nice_step(uint64_t max, unsigned ticks)
{
	uint64_t raw = (max + ticks - 1) / ticks, p = 1;

	if (raw <= 1)
		return 1;
	while (p <= raw / 10)
		p *= 10;
	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	if (raw <= 5 * p)
		return 5 * p;
	return 10 * p;
}

static void
figure_open(struct render_html_out *w, const char *id, double height, const char *label)
{
	LIT(w, "<figure id=\"");
	obuf_put(w->o, id, strlen(id));
	LIT(w, "\"><svg");
	attr(w->o, "height", height, 0);
	LIT(w, " role=\"img\" aria-label=\"");
	obuf_put(w->o, label, strlen(label));
	LIT(w, "\">");
}

/* A legend key (trusted text), as in the captions. */
static void
key(struct render_html_out *w, const char *cls, const char *label)
{
	LIT(w, "<span class=\"key ");
	obuf_put(w->o, cls, strlen(cls));
	LIT(w, "\"></span>");
	obuf_put(w->o, label, strlen(label));
}

/* Actions. */

void
render_svg_actions(struct render_html_out *w)
{
	static const char *const names[] = {"bad", "good", "neutral"};
	static const char *const cls[] = {"f", "l", "x"};
	uint64_t sum[3] = {0, 0, 0}, total = 0;
	double x = 0;
	unsigned t, k;
	char buf[32];

	for (t = 0; t < EV__COUNT; t++) {
		const char *c = agg_action_class(t);

		k = strcmp(c, "bad") == 0 ? 0 : strcmp(c, "good") == 0 ? 1 : 2;
		sum[k] += w->v->actions[t];
	}
	total = sum[0] + sum[1] + sum[2];
	if (total == 0)
		return;
	figure_open(w, "fig-actions", 22, "Events by class: bad, good, neutral");
	for (k = 0; k < 3; k++) {
		double wd = 100.0 * (double)sum[k] / (double)total;

		if (sum[k] == 0)
			continue;
		LIT(w, "<g><title>");
		obuf_put(w->o, names[k], strlen(names[k]));
		LIT(w, ": ");
		render_html_count(w->o, sum[k]);
		LIT(w, " events</title>");
		rect(w->o, cls[k], x, 0, wd, 22);
		LIT(w, "</g>");
		x += wd;
	}
	LIT(w, "</svg><figcaption>");
	for (k = 0; k < 3; k++) {
		key(w, cls[k], names[k]);
		obuf_putc(w->o, ' ');
		render_html_count(w->o, sum[k]);
		snprintf(buf, sizeof(buf), " (%.1f%%)", 100.0 * (double)sum[k] / (double)total);
		obuf_put(w->o, buf, strlen(buf));
	}
	LIT(w, " events (lines) by class</figcaption></figure>\n");
}

/* Timeline. */

/* Ticks every k buckets, k the first of the list that leaves at most 7 labels. */
static unsigned
tick_every(size_t slots, unsigned size)
{
	static const unsigned hours[] = {1, 2, 3, 4, 6, 12, 24, 48};
	static const unsigned days[] = {1, 2, 7, 14, 28, 56, 91};
	static const unsigned weeks[] = {1, 2, 4, 13, 26, 52, 104, 260, 520};
	const unsigned *l = size == RB_HOUR ? hours : size == RB_DAY ? days : weeks;
	size_t n = size == RB_HOUR  ? sizeof(hours) / sizeof(hours[0])
	           : size == RB_DAY ? sizeof(days) / sizeof(days[0])
	                            : sizeof(weeks) / sizeof(weeks[0]);
	size_t i;

	for (i = 0; i < n; i++)
		if ((slots + l[i] - 1) / l[i] <= 7)
			return l[i];
	return (unsigned)((slots + 6) / 7);
}

/* Label of the bucket at t under the plot: time (or date) and, when new, the date (or year). */
static void
tick_label(struct render_html_out *w, int64_t t, unsigned size, double x, int first,
           const char *prev)
{
	char buf[64];
	double y = TL_TOP + TL_H + 16;

	render_time(buf, sizeof(buf), t, RT_MIN); /* "2021-05-31 07:00" */
	text_open(w->o, "ax", x, y, NULL);
	if (size == RB_HOUR)
		obuf_put(w->o, buf + 11, 5);
	else
		obuf_put(w->o, buf + 5, 5);
	LIT(w, "</text>");
	if (size == RB_HOUR && (first || strncmp(prev, buf, 10) != 0)) {
		text_open(w->o, "ax", x, y + 14, NULL);
		obuf_put(w->o, buf + 5, 5);
		LIT(w, "</text>");
	} else if (size != RB_HOUR && (first || strncmp(prev, buf, 4) != 0)) {
		text_open(w->o, "ax", x, y + 14, NULL);
		obuf_put(w->o, buf, 4);
		LIT(w, "</text>");
	}
}

void
render_svg_timeline(struct render_html_out *w, const struct render_bucket *b, size_t n,
                    unsigned size)
{
	static const int64_t len[] = {HOUR_US, DAY_US, 7 * DAY_US};
	static const char *const per[] = {"per hour", "per day", "per week (from Monday)"};
	int64_t t0, t1, blen = len[size < 3 ? size : 2];
	size_t i, slots, minslots = size == RB_HOUR ? TL_MIN_HOURS : TL_MIN_DAYS;
	uint64_t max = 0, step, top, y;
	double sw, bw, off;
	char buf[64], prev[64];
	unsigned k;

	if (n == 0)
		return;
	/* the axis: the buckets, widened to the report's range when that stays readable, and
	   to a few buckets at least (centred) so that one bucket is not one wide slab */
	t0 = b[0].t;
	t1 = b[n - 1].t;
	if (w->v->first != INT64_MIN) {
		int64_t f = bucket_floor(w->v->first, size), l = bucket_floor(w->v->last, size);

		if ((l > t1 ? l : t1) - (f < t0 ? f : t0) < TL_MAX_SLOTS * blen) {
			t0 = f < t0 ? f : t0;
			t1 = l > t1 ? l : t1;
		}
	}
	slots = (size_t)((t1 - t0) / blen) + 1;
	if (slots < minslots) {
		t0 -= (int64_t)((minslots - slots) / 2) * blen;
		slots = minslots;
	}
	sw = 100.0 / (double)slots;
	bw = slots > 150 ? sw : sw * 0.8;
	off = (sw - bw) / 2;
	for (i = 0; i < n; i++)
		if (b[i].failures + b[i].probes + b[i].logins > max)
			max = b[i].failures + b[i].probes + b[i].logins;
	step = nice_step(max, 4);
	top = (max + step - 1) / step * step;
	if (top == 0)
		top = step;
	figure_open(w, "fig-timeline", TL_TOP + TL_H + TL_AX,
	            "Failed attempts, probes and logins over time");
	for (y = 0; y <= top; y += step) {
		double yy = TL_TOP + TL_H - (double)y * TL_H / (double)top;

		LIT(w, "<line class=\"gl\" x1=\"0\" x2=\"100%\"");
		attr(w->o, "y1", yy, 0);
		attr(w->o, "y2", yy, 0);
		LIT(w, "/>");
	}
	for (i = 0; i < n; i++) {
		double x = (double)((b[i].t - t0) / blen) * sw + off, base = TL_TOP + TL_H;
		const uint64_t vals[3] = {b[i].failures, b[i].probes, b[i].logins};
		static const char *const cls[] = {"f", "p", "l"};
		unsigned s;

		render_time(buf, sizeof(buf), b[i].t, size == RB_HOUR ? RT_HOUR : RT_DAY);
		LIT(w, "<g><title>");
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, ": ");
		render_html_count(w->o, b[i].failures);
		STR(w, b[i].failures == 1 ? " failed attempt, " : " failed attempts, ");
		render_html_count(w->o, b[i].probes);
		STR(w, b[i].probes == 1 ? " probe, " : " probes, ");
		render_html_count(w->o, b[i].logins);
		STR(w, b[i].logins == 1 ? " login</title>" : " logins</title>");
		for (s = 0; s < 3; s++) {
			double h = (double)vals[s] * TL_H / (double)top;

			if (vals[s] == 0)
				continue;
			if (h < (s == 2 ? 3 : 1)) /* a login always shows */
				h = s == 2 ? 3 : 1;
			base -= h;
			rect(w->o, cls[s], x, base, bw, h);
		}
		LIT(w, "</g>");
		obuf_maybe_flush(w->o);
	}
	for (y = step; y <= top; y += step) {
		double yy = TL_TOP + TL_H - (double)y * TL_H / (double)top;

		compact(buf, sizeof(buf), y);
		text_open(w->o, "ax hl", 0, yy - 3, NULL);
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, "</text>");
	}
	k = tick_every(slots, size);
	prev[0] = '\0';
	for (i = 0; i < slots; i++) {
		int64_t t = t0 + (int64_t)i * blen;
		double x = (double)i * sw;

		if ((size == RB_HOUR ? floordiv(t, HOUR_US) - floordiv(t, HOUR_US * k) * k
		                     : (int64_t)(i % k)) != 0)
			continue;
		LIT(w, "<line class=\"tk\"");
		attr(w->o, "x1", x, 1);
		attr(w->o, "x2", x, 1);
		attr(w->o, "y1", TL_TOP + TL_H, 0);
		attr(w->o, "y2", TL_TOP + TL_H + 4, 0);
		LIT(w, "/>");
		tick_label(w, t, size, x, prev[0] == '\0', prev);
		render_time(prev, sizeof(prev), t, RT_MIN);
	}
	LIT(w, "</svg><figcaption>");
	key(w, "f", "failed attempts");
	key(w, "p", "probes");
	key(w, "l", "logins");
	LIT(w, " &middot; ");
	obuf_put(w->o, per[size < 3 ? size : 2], strlen(per[size < 3 ? size : 2]));
	LIT(w, ", UTC; the highest bar is ");
	render_html_count(w->o, max);
	LIT(w, ". A bar's counts show on hover.</figcaption></figure>\n");
}

/* Heat map. */

void
render_svg_heatmap(struct render_html_out *w)
{
	static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	const struct agg_view *v = w->v;
	uint64_t g[7][24], max = 0;
	double cw = (100.0 - HM_LAB) / 24;
	int64_t d0, d1;
	unsigned r, h;
	size_t i;
	char buf[64];

	if (v->nhours == 0)
		return;
	memset(g, 0, sizeof(g));
	for (i = 0; i < v->nhours; i++) {
		int64_t day = floordiv(v->hours[i].hour, 24);
		unsigned hod = (unsigned)(v->hours[i].hour - day * 24);
		unsigned dow = (unsigned)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */

		g[dow][hod] += v->hours[i].failures + v->hours[i].probes;
	}
	for (r = 0; r < 7; r++)
		for (h = 0; h < 24; h++)
			if (g[r][h] > max)
				max = g[r][h];
	figure_open(w, "fig-heatmap", HM_TOP + 7 * HM_ROW,
	            "Failed attempts and probes by weekday and hour of day");
	for (h = 0; h < 24; h += 3) {
		snprintf(buf, sizeof(buf), "%02u", h);
		text_open(w->o, "ax", HM_LAB + (h + 0.5) * cw, 12, "middle");
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, "</text>");
	}
	for (r = 0; r < 7; r++) {
		double y = HM_TOP + r * HM_ROW;

		text_open(w->o, "ax", 0, y + 15, NULL);
		obuf_put(w->o, wd[r], 3);
		LIT(w, "</text>");
		for (h = 0; h < 24; h++) {
			LIT(w, "<g><title>");
			snprintf(buf, sizeof(buf), "%s %02u:00-%02u:00 UTC: ", wd[r], h,
			         (h + 1) % 24);
			obuf_put(w->o, buf, strlen(buf));
			render_html_count(w->o, g[r][h]);
			LIT(w, "</title>");
			/* a square-root scale: a few busy hours do not wash out the rest */
			rect_op(w->o, g[r][h] ? "hm" : "hz", HM_LAB + h * cw + 0.12, y, cw - 0.24,
			        HM_ROW - 3,
			        g[r][h] ? 0.12 + 0.88 * sqrt((double)g[r][h] / (double)max) : -1);
			LIT(w, "</g>");
		}
		obuf_maybe_flush(w->o);
	}
	d0 = floordiv(v->hours[0].hour, 24);
	d1 = floordiv(v->hours[v->nhours - 1].hour, 24);
	LIT(w, "</svg><figcaption>fewer ");
	for (r = 1; r <= 5; r++) {
		snprintf(buf, sizeof(buf), "<span class=\"key hm\" style=\"opacity:%.2f\"></span>",
		         0.12 + 0.88 * sqrt(r / 5.0));
		obuf_put(w->o, buf, strlen(buf));
	}
	LIT(w, " more (at most ");
	render_html_count(w->o, max);
	LIT(w, " in one hour of the week) &middot; failed attempts and probes by weekday and hour "
	       "of day, UTC, summed over ");
	render_html_count(w->o, (uint64_t)(d1 - d0 + 1));
	STR(w, d1 == d0 ? " day, " : " days, ");
	render_html_time(w->o, d0 * DAY_US, RT_DAY);
	if (d1 != d0) {
		LIT(w, " to ");
		render_html_time(w->o, d1 * DAY_US, RT_DAY);
	}
	if (d1 - d0 < 6)
		LIT(w, " (less than a week: some weekdays have no data)");
	LIT(w, ".</figcaption></figure>\n");
}

/* Bar charts. */

/*
 * The start of one row of a bar chart: a group with its title, which the
 * caller writes, then ends with bar_row_mid.
 */
static void
bar_row_title(struct render_html_out *w)
{
	LIT(w, "<g><title>");
}

/* Ends the title; opens the label line at row i (the caller writes the label). */
static void
bar_row_mid(struct render_html_out *w, size_t i)
{
	LIT(w, "</title>");
	text_open(w->o, NULL, 0, (double)i * HB_ROW + 13, NULL);
}

/* Ends the label; writes value at the right and the bar of frac (0..1) in cls. */
static void
bar_row_end(struct render_html_out *w, size_t i, double frac, const char *cls, uint64_t value)
{
	double y = (double)i * HB_ROW + 17;

	LIT(w, "</text>");
	text_open(w->o, "ax", 100, (double)i * HB_ROW + 13, "end");
	render_html_count(w->o, value);
	LIT(w, "</text>");
	rect(w->o, "hz", 0, y, 100, 10);
	if (frac > 0)
		rect(w->o, cls, 0, y, frac < 0.003 ? 0.3 : 100 * frac, 10);
	LIT(w, "</g>");
	obuf_maybe_flush(w->o);
}

void
render_svg_attackers(struct render_html_out *w)
{
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nattackers);
	uint64_t max;

	if (n > RENDER_HTML_FIG_ROWS)
		n = RENDER_HTML_FIG_ROWS;
	if (n == 0)
		return;
	max = v->attackers[0]->attempts;
	for (i = 1; i < n; i++)
		if (v->attackers[i]->attempts > max)
			max = v->attackers[i]->attempts;
	figure_open(w, "fig-attackers", (double)n * HB_ROW, "Top attacking addresses by attempts");
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];

		bar_row_title(w);
		render_html_addr(w->o, &a->src);
		LIT(w, ": ");
		render_html_count(w->o, a->attempts);
		STR(w, a->attempts == 1 ? " failed attempt in " : " failed attempts in ");
		render_html_count(w->o, a->connections);
		STR(w, a->connections == 1 ? " connection" : " connections");
		if (a->logins) {
			LIT(w, ", ");
			render_html_count(w->o, a->logins);
			STR(w, a->logins == 1 ? " accepted login" : " accepted logins");
		}
		bar_row_mid(w, i);
		render_html_addr(w->o, &a->src);
		if (a->logins)
			LIT(w, "<tspan class=\"bt\"> logged in</tspan>");
		bar_row_end(w, i, max ? (double)a->attempts / (double)max : 0, "f", a->attempts);
	}
	LIT(w, "</svg><figcaption>Failed attempts of the ");
	render_html_count(w->o, n);
	LIT(w, " busiest addresses");
	if (v->attackers_total > n) {
		LIT(w, " (of ");
		render_html_count(w->o, v->attackers_total);
		obuf_putc(w->o, ')');
	}
	LIT(w, "; an address that also logged in is marked.</figcaption></figure>\n");
}

void
render_svg_countries(struct render_html_out *w, const struct render_svg_country *c, size_t n)
{
	size_t i, shown = n;
	uint64_t max = 0;

	if (n > RENDER_HTML_FIG_ROWS)
		n = RENDER_HTML_FIG_ROWS;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (c[i].attempts > max)
			max = c[i].attempts;
	figure_open(w, "fig-countries", (double)n * HB_ROW, "Failed attempts by country");
	for (i = 0; i < n; i++) {
		/* cc is two ASCII capitals (geoip_lookup) or empty */
		const char *cc = c[i].cc[0] ? c[i].cc : "unknown";

		bar_row_title(w);
		put_str(w->o, cc);
		LIT(w, ": ");
		render_html_count(w->o, c[i].attempts);
		STR(w, c[i].attempts == 1 ? " failed attempt from " : " failed attempts from ");
		render_html_count(w->o, c[i].addrs);
		STR(w, c[i].addrs == 1 ? " address" : " addresses");
		bar_row_mid(w, i);
		put_str(w->o, cc);
		bar_row_end(w, i, max ? (double)c[i].attempts / (double)max : 0, "f",
		            c[i].attempts);
	}
	LIT(w, "</svg><figcaption>Failed attempts of the addresses in the table, by country");
	if (shown > n) {
		LIT(w, " (the ");
		render_html_count(w->o, n);
		LIT(w, " first of ");
		render_html_count(w->o, shown);
		obuf_putc(w->o, ')');
	}
	LIT(w, "; from the GeoIP database given by --geoip.</figcaption></figure>\n");
}

void
render_svg_usernames(struct render_html_out *w)
{
	static const char *const cls[] = {"p", "x", "f"}; /* unknown, no, yes */
	static const char *const what[] = {"not known whether the account exists",
	                                   "no such account", "the account exists"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nusernames);
	uint64_t max;

	if (n > RENDER_HTML_FIG_ROWS)
		n = RENDER_HTML_FIG_ROWS;
	if (n == 0)
		return;
	max = v->usernames[0]->attempts;
	for (i = 1; i < n; i++)
		if (v->usernames[i]->attempts > max)
			max = v->usernames[i]->attempts;
	figure_open(w, "fig-usernames", (double)n * HB_ROW, "Top user names tried by attempts");
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid) + 1;
		size_t len;
		const char *s = render_str(v, u->user, &len);

		bar_row_title(w);
		if (s != NULL)
			render_html_esc(w->o, s, len, 4 * RENDER_HTML_NAME_COLS);
		else
			LIT(w, "-");
		LIT(w, ": ");
		render_html_count(w->o, u->attempts);
		STR(w, u->attempts == 1 ? " failed attempt in " : " failed attempts in ");
		render_html_count(w->o, u->connections);
		STR(w, u->connections == 1 ? " connection; " : " connections; ");
		obuf_put(w->o, what[e], strlen(what[e]));
		bar_row_mid(w, i);
		if (s != NULL)
			render_html_esc(w->o, s, len, 28);
		else
			LIT(w, "-");
		bar_row_end(w, i, max ? (double)u->attempts / (double)max : 0, cls[e], u->attempts);
	}
	LIT(w, "</svg><figcaption>");
	key(w, "f", "account exists");
	key(w, "x", "no such account");
	key(w, "p", "not known");
	LIT(w, " &middot; failed attempts per user name, the ");
	render_html_count(w->o, n);
	LIT(w, " most tried");
	if (v->usernames_total > n) {
		LIT(w, " (of ");
		render_html_count(w->o, v->usernames_total);
		obuf_putc(w->o, ')');
	}
	LIT(w, ".</figcaption></figure>\n");
}

/* Sessions. */

/* When session l ends: its close, or the end of the input while it is open. */
static int64_t
sess_end(const struct agg_view *v, const struct agg_login *l)
{
	if (l->open || l->duration < 0)
		return v->last > l->ts ? v->last : l->ts;
	return l->ts + l->duration;
}

/* Axis label of t: "07:10" within a day, "05-31 07:10" across days. */
static void
sess_label(struct render_html_out *w, int64_t t, int sameday, double x, double y,
           const char *anchor)
{
	char buf[64];

	render_time(buf, sizeof(buf), t, RT_MIN);
	text_open(w->o, "ax", x, y, anchor);
	if (sameday)
		obuf_put(w->o, buf + 11, 5);
	else
		obuf_put(w->o, buf + 5, 11);
	LIT(w, "</text>");
}

void
render_svg_sessions(struct render_html_out *w)
{
	const struct agg_view *v = w->v;
	const struct agg_login *s[2 * SS_MAX];
	uint32_t lane[RENDER_HTML_FIG_ROWS];
	size_t na = render_rows(v, v->nlogins_recent), nb = render_rows(v, v->nlongest);
	size_t i, j, n = 0, nl = 0, left = 0;
	int64_t t0 = INT64_MAX, t1 = INT64_MIN, span;
	double axy;
	char d0[64], d1[64];
	unsigned q;

	na = na < SS_MAX ? na : SS_MAX;
	nb = nb < SS_MAX ? nb : SS_MAX;
	for (i = 0; i < na; i++)
		s[n++] = v->logins_recent[i];
	for (i = 0; i < nb; i++) {
		for (j = 0; j < na && s[j] != v->longest[i]; j++)
			;
		if (j == na)
			s[n++] = v->longest[i];
	}
	/* lanes: the users in order of appearance; sessions of the users past the last are left */
	for (i = j = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < nl && lane[k] != s[i]->user; k++)
			;
		if (k == nl && nl == RENDER_HTML_FIG_ROWS) {
			left++;
			continue;
		}
		if (k == nl)
			lane[nl++] = s[i]->user;
		s[j++] = s[i];
		if (s[i]->ts < t0)
			t0 = s[i]->ts;
		if (sess_end(v, s[i]) > t1)
			t1 = sess_end(v, s[i]);
	}
	n = j;
	if (n == 0)
		return;
	span = t1 - t0 > 60000000 ? t1 - t0 : 60000000;
	axy = (double)nl * HB_ROW + 6;
	figure_open(w, "fig-sessions", axy + 22, "Sessions over time, one lane per user");
	for (j = 0; j < nl; j++) {
		text_open(w->o, NULL, 0, (double)j * HB_ROW + 13, NULL);
		render_html_id(w, lane[j], 28);
		LIT(w, "</text>");
		rect(w->o, "hz", 0, (double)j * HB_ROW + 17, 100, 10);
	}
	for (i = 0; i < n; i++) {
		const struct agg_login *l = s[i];
		int open = l->open || l->duration < 0;
		double x = 100.0 * (double)(l->ts - t0) / (double)span;
		double wd = 100.0 * (double)(sess_end(v, l) - l->ts) / (double)span;
		const char *m = event_method_name(l->method);
		char cls[8], buf[64];
		size_t k;

		for (k = 0; k < nl && lane[k] != l->user; k++)
			;
		snprintf(cls, sizeof(cls), "%s%s",
		         l->method == M_PASSWORD    ? "w"
		         : l->method == M_PUBLICKEY ? "l"
		                                    : "a",
		         open ? " op" : "");
		LIT(w, "<g><title>");
		render_html_id(w, l->user, 4 * RENDER_HTML_NAME_COLS);
		LIT(w, " from ");
		render_html_addr(w->o, &l->src);
		LIT(w, ", ");
		render_html_time(w->o, l->ts, RT_MIN);
		if (open) {
			LIT(w, ", still open");
		} else {
			LIT(w, " for ");
			render_dur(buf, sizeof(buf), l->duration);
			obuf_put(w->o, buf, strlen(buf));
		}
		if (*m) {
			LIT(w, ", ");
			obuf_put(w->o, m, strlen(m));
		}
		if (l->flags & CF_ROOT)
			LIT(w, ", root");
		LIT(w, "</title>");
		rect(w->o, cls, x > 99.4 ? 99.4 : x, (double)k * HB_ROW + 17, wd < 0.6 ? 0.6 : wd,
		     10);
		LIT(w, "</g>");
		obuf_maybe_flush(w->o);
	}
	LIT(w, "<line class=\"tk\" x1=\"0\" x2=\"100%\"");
	attr(w->o, "y1", axy, 0);
	attr(w->o, "y2", axy, 0);
	LIT(w, "/>");
	render_time(d0, sizeof(d0), t0, RT_DAY);
	render_time(d1, sizeof(d1), t0 + span, RT_DAY);
	for (q = 0; q <= 3; q++) {
		int64_t t = t0 + span / 3 * q;

		if (q == 3)
			t = t0 + span;
		sess_label(w, t, strcmp(d0, d1) == 0, 100.0 * q / 3, axy + 16,
		           q == 0   ? NULL
		           : q == 3 ? "end"
		                    : "middle");
	}
	LIT(w, "</svg><figcaption>");
	key(w, "l", "publickey");
	key(w, "w", "password");
	key(w, "a", "other");
	LIT(w,
	    " &middot; dashed: still open at the end of the input &middot; the sessions of the ");
	render_html_count(w->o, na);
	LIT(w, " most recent and the ");
	render_html_count(w->o, nb);
	LIT(w, " longest logins, ");
	obuf_put(w->o, d0, strlen(d0));
	if (strcmp(d0, d1) != 0) {
		LIT(w, " to ");
		obuf_put(w->o, d1, strlen(d1));
	}
	LIT(w, " UTC");
	if (left) {
		LIT(w, " (");
		render_html_count(w->o, left);
		STR(w, left == 1 ? " session" : " sessions");
		LIT(w, " of further users left out)");
	}
	LIT(w, ".</figcaption></figure>\n");
}
