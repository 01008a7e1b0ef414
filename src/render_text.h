/* render_text.h: the text report's layout kit (cells, tables, headings) for its section modules. */
#ifndef RENDER_TEXT_H
#define RENDER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "obuf.h"

/*
 * The text report (render_text, declared in render.h) is written by two
 * modules: render_text.c (this kit, the overview, actions, logins, sessions
 * and SFTP sections, and the entry point) and render_threats.c (attackers,
 * usernames, timeline, alerts, Fail2Ban). Everything text from a log goes
 * through render_text_cell_esc (directly or by render_text_cell_id), so a
 * crafted string can neither break the layout nor reach the terminal raw.
 * status_view.c uses the same kit for the daemon's status and bans, so they
 * look like the report (its obuf writes to the control socket's answer).
 */

#define RENDER_TEXT_CELL_MAX                                                                       \
	512 /* bytes of one cell: at most 64 columns of 4-byte units, plus some */
#define RENDER_TEXT_NAME_COLS 32 /* display columns of a name, a host, a reason */
#define RENDER_TEXT_FP_COLS 50   /* a key fingerprint: "SHA256:" and 43 characters */
#define RENDER_TEXT_TAB_COLS 10  /* columns of a table at most */
#define RENDER_TEXT_ORG_COLS 24  /* display columns of an AS organisation */

/* The colour of a cell (shown only when the output has colour on). */
enum render_text_color {
	RENDER_TEXT_PLAIN,
	RENDER_TEXT_RED,
	RENDER_TEXT_GREEN,
	RENDER_TEXT_YELLOW,
	RENDER_TEXT_BOLD
};

/* One cell: bytes safe for a terminal and their width in display columns. */
struct render_text_cell {
	char b[RENDER_TEXT_CELL_MAX];
	size_t len;
	unsigned cols;
};

/* A cell kept in a table: its bytes are text[off..off+len). */
struct render_text_tref {
	uint32_t off, len;
	uint16_t cols;
	uint8_t color;
};

/*
 * A table filled row by row (ncols cells each), printed with every column as
 * wide as its widest cell. Invariant: ncells is a whole number of rows once
 * a row is complete; width[i] >= cols of every cell of column i.
 */
struct render_text_table {
	unsigned ncols;
	const char *const *head; /* NULL: no header row */
	const char *align;       /* 'l' or 'r' per column */
	unsigned width[RENDER_TEXT_TAB_COLS];
	char *text;
	size_t tlen, tcap;
	struct render_text_tref *cells;
	size_t ncells, ccap;
};

/* Where a section writes: the buffered output, the view, the options of the layout. */
struct render_text_out {
	struct obuf *o;
	const struct agg_view *v; /* NULL outside the report (no string ids then) */
	int color;
	int multihost; /* more than one host: tables get a host column */
};

/* Whether fd is a terminal that takes escape sequences (TERM is not "dumb"). */
int render_text_term(int fd);

/*
 * Whether text written to fd gets colour when the user did not say: fd is
 * such a terminal and NO_COLOR is unset or empty (no-color.org). The rule of
 * report, tail, and the daemon's status and bans (whose client decides it
 * for them).
 */
int render_text_color_auto(int fd);

/* Cells. A cell that is full (RENDER_TEXT_CELL_MAX) takes no more text. */

/* Empties c. */
void render_text_cell_clear(struct render_text_cell *c);
/* Appends s[0..n), which is safe for a terminal and cols columns wide. */
void render_text_cell_put(struct render_text_cell *c, const char *s, size_t n, unsigned cols);
/* Appends trusted ASCII text (numbers, the program's own names). */
void render_text_cell_lit(struct render_text_cell *c, const char *s);
/* Appends text from a log, made safe (see render_tunit) and cut to max columns with an ellipsis. */
void render_text_cell_esc(struct render_text_cell *c, const char *str, size_t n, unsigned max);
/* Appends string id of the view's table (as render_text_cell_esc), or "-" for none. */
void render_text_cell_id(struct render_text_cell *c, const struct agg_view *v, uint32_t id,
                         unsigned max);
/* Appends a count with thousands separators, a duration, a UTC time (minutes), an address. */
void render_text_cell_count(struct render_text_cell *c, uint64_t x);
void render_text_cell_dur(struct render_text_cell *c, int64_t us);
void render_text_cell_time(struct render_text_cell *c, int64_t us);
void render_text_cell_addr(struct render_text_cell *c, const struct addr *a);

/* Tables. */

/*
 * Starts table t of ncols columns (at most RENDER_TEXT_TAB_COLS), with the
 * header row head (NULL: none; borrowed) and align, a string of 'l' or 'r'
 * per column (borrowed). Free it by render_text_tab_print.
 */
void render_text_tab_init(struct render_text_table *t, unsigned ncols, const char *const *head,
                          const char *align);
/* Adds cell c (copied) in the colour color as the next cell, row by row. Aborts on OOM. */
void render_text_tab_add(struct render_text_table *t, const struct render_text_cell *c,
                         enum render_text_color color);
/* Adds one cell of trusted text, of a count, of a time, of an address, of a string id. */
void render_text_tab_lit(struct render_text_table *t, const char *s, enum render_text_color color);
void render_text_tab_count(struct render_text_table *t, uint64_t x, enum render_text_color color);
void render_text_tab_time(struct render_text_table *t, int64_t us);
void render_text_tab_addr(struct render_text_table *t, const struct addr *a);
void render_text_tab_id(struct render_text_table *t, const struct agg_view *v, uint32_t id,
                        enum render_text_color color);
/*
 * GeoIP columns (geoip.h): render_text_geo_heads writes the header names of
 * the columns g has ("country", "asn"; at most 2) to head and returns their
 * number; render_text_tab_geo adds the cells of address a for them: the
 * country, then "AS64500 Example Hosting" (the organisation comes from a file:
 * escaped like log text), "-" when unknown. Nothing for g NULL.
 */
struct geoip;
unsigned render_text_geo_heads(const struct geoip *g, const char **head);
void render_text_tab_geo(struct render_text_table *t, const struct geoip *g, const struct addr *a);
/* Writes the table's rows, each indented by indent columns, then frees its memory. */
void render_text_tab_print(struct render_text_out *w, struct render_text_table *t, unsigned indent);

/* Lines. */

/* Writes trusted text s as it is. */
void render_text_put(struct render_text_out *w, const char *s);
/* Writes cell c as one line, in the colour color (with colour on). */
void render_text_line(struct render_text_out *w, const struct render_text_cell *c,
                      enum render_text_color color);
/* Writes a blank line, then title underlined (bold with colour on). */
void render_text_heading(struct render_text_out *w, const char *title);
/*
 * Writes "  15 attacking addresses, showing 10 NOTE": total, the word one or
 * many after it, the shown count when it is less, note (NULL: none).
 */
void render_text_total_line(struct render_text_out *w, uint64_t total, size_t shown,
                            const char *one, const char *many, const char *note);
/* Writes the line of a section with nothing to show. */
void render_text_none(struct render_text_out *w);

#endif
