/* render_html.h: the HTML report's kit (escaping, cells, tables) for its sections and figures. */
#ifndef RENDER_HTML_H
#define RENDER_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "obuf.h"
#include "render_util.h"

/*
 * The HTML report (render_html, declared in render.h) is written by three
 * modules: render_html.c (this kit, the page, the overview, actions, logins,
 * sessions and SFTP sections, and the entry point), render_html_threats.c
 * (attackers, usernames, timeline, alerts, Fail2Ban) and render_svg.c (the
 * figures, inline SVG). Everything that came from a log or the command line
 * goes through render_html_esc (directly or by render_html_id /
 * render_html_name / render_html_td_id), so a crafted string can neither
 * open an element nor reach the page raw: the output never refers to
 * anything outside the file (no URL at all).
 */

#define RENDER_HTML_NAME_COLS 40 /* characters of a name, host or reason shown in a cell */
#define RENDER_HTML_FIG_ROWS 20  /* rows of a bar chart at most */
#define RENDER_HTML_FP_COLS 50   /* a key fingerprint: "SHA256:" and 43 characters */

/* The page's sections, in its order (each a <section> with an id and a link in the nav). */
enum render_html_sec {
	RENDER_HTML_SEC_OVERVIEW,
	RENDER_HTML_SEC_ACTIONS,
	RENDER_HTML_SEC_LOGINS,
	RENDER_HTML_SEC_SESSIONS,
	RENDER_HTML_SEC_ATTACKERS,
	RENDER_HTML_SEC_USERNAMES,
	RENDER_HTML_SEC_TIMELINE,
	RENDER_HTML_SEC_ALERTS,
	RENDER_HTML_SEC_SFTP,
	RENDER_HTML_SEC_FAIL2BAN
};

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

/* Writes trusted text s (a name of the program's own, chosen at run time) as it is. */
void render_html_str(struct obuf *o, const char *s);

/*
 * Tables. A table is opened, filled with rows ("<tr>", cells, then
 * render_html_row_end), then closed. Cell classes (cls, NULL for none) are
 * trusted names of the page's CSS ("bad", "good", "warn", ...).
 */

/*
 * Opens a sortable table (in its scrolling box) with the header row
 * head[0..ncols) (trusted names); align holds 'l' or 'r' per column, 'r'
 * making a column numeric (right-aligned).
 */
void render_html_tab_open(struct render_html_out *w, const char *const *head, unsigned ncols,
                          const char *align);
/* Closes the table opened by render_html_tab_open. */
void render_html_tab_close(struct render_html_out *w);
/* Ends a row ("</tr>") and lets the output flush if its buffer is getting full. */
void render_html_row_end(struct render_html_out *w);
/* A cell of trusted text s. */
void render_html_td_lit(struct render_html_out *w, const char *s, const char *cls);
/* A numeric cell: the count x with thousands separators. */
void render_html_td_count(struct render_html_out *w, uint64_t x, const char *cls);
/* A cell of a UTC time to the minute ("-" for INT64_MIN). */
void render_html_td_time(struct render_html_out *w, int64_t us);
/* A monospace cell of an address ("-" for none). */
void render_html_td_addr(struct render_html_out *w, const struct addr *a);
/* A wrapping cell of string id of the view's table, as render_html_id (RENDER_HTML_NAME_COLS). */
void render_html_td_id(struct render_html_out *w, uint32_t id, const char *cls);

/* Sections. */

/*
 * Opens section sec: its anchor and its heading, title (trusted) or, when
 * title is NULL, the section's name in the nav. Close it by
 * render_html_sec_close, which also lets the output flush.
 */
void render_html_sec_open(struct render_html_out *w, enum render_html_sec sec, const char *title);
void render_html_sec_close(struct render_html_out *w);
/* Writes the line of a section (or part of one) with nothing to show. */
void render_html_none(struct render_html_out *w);
/*
 * Writes the note "15 attacking addresses, showing 10 NOTE": total, then one
 * (total 1) or many after it, the shown count when it is less than total,
 * then note (NULL: none). one, many and note are trusted text.
 */
void render_html_total_line(struct render_html_out *w, uint64_t total, size_t shown,
                            const char *one, const char *many, const char *note);

#endif
