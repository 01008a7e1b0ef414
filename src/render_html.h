/* render_html.h: the HTML report's kit (escaping, numbers, cells) shared with its figures. */
#ifndef RENDER_HTML_H
#define RENDER_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "obuf.h"
#include "render_util.h"

/*
 * The HTML report (render_html, declared in render.h) is written by two
 * modules: render_html.c (this kit, the page, its sections and tables) and
 * render_svg.c (the figures, inline SVG). Everything that came from a log or
 * the command line goes through render_html_esc (directly or by
 * render_html_id / render_html_name), so a crafted string can neither open
 * an element nor reach the page raw: the output never refers to anything
 * outside the file (no URL at all).
 */

#define RENDER_HTML_NAME_COLS 40 /* characters of a name, host or reason shown in a cell */
#define RENDER_HTML_FIG_ROWS 20  /* rows of a bar chart at most */

/* Where the page is written: the buffered output, the view, the layout's options. */
struct render_html_out {
	struct obuf *o;
	const struct agg_view *v;
	int multihost; /* more than one host: tables get a host column */
};

/*
 * Writes s[0..n) as HTML text (also safe inside a double-quoted attribute):
 * each unit made safe as on a terminal (render_tunit: control bytes as \xNN,
 * a backslash doubled, invalid UTF-8 as U+FFFD, bidi and zero-width code
 * points as \uXXXX), then & < > " ' as character references. With max > 0,
 * cuts the text to max characters, the last one an ellipsis. Returns 1 when
 * it cut the text, else 0.
 */
int render_html_esc(struct obuf *o, const char *s, size_t n, unsigned max);

/*
 * As render_html_esc, cut to max characters; a cut name is wrapped in a
 * span whose title holds it in full (up to 4 * max characters), so a pointer
 * shows it.
 */
void render_html_name(struct obuf *o, const char *s, size_t n, unsigned max);

/* String id of the view's table as render_html_name; "-" for none. */
void render_html_id(struct render_html_out *w, uint32_t id, unsigned max);

/* A count with thousands separators: "12,345". */
void render_html_count(struct obuf *o, uint64_t x);

/* A UTC time as render_time writes it ("-" for INT64_MIN). */
void render_html_time(struct obuf *o, int64_t us, enum render_tfmt f);

/* An address in its canonical text, "-" for none. */
void render_html_addr(struct obuf *o, const struct addr *a);

#endif
