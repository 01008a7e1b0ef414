/* render.h: the report's output formats: text (terminal), JSON (one document), CSV (per section).
 */
#ifndef RENDER_H
#define RENDER_H

#include "agg.h"

/*
 * Each writes the report of v to the file descriptor fd (not closed) and
 * returns 0, or -1 with errno set on a write error. Text from logs (user names,
 * hosts, keys, paths) is always escaped for the format: JSON string escapes;
 * CSV quoting; on a terminal, control bytes shown as \xNN and invalid UTF-8 as
 * U+FFFD so a crafted user name can neither break the layout nor send escape
 * sequences.
 */

/* Aligned tables, a bar chart for the timeline; ANSI colour only when color is set. */
int render_text(const struct agg_view *v, int fd, int color);

/* One JSON document (schema in doc/report.md). */
int render_json(const struct agg_view *v, int fd);

/*
 * One self-contained HTML page (doc/report.md): every section, with inline
 * SVG figures, inline CSS and a small optional script to sort tables; it
 * refers to no URL (a Content-Security-Policy forbids loading anything).
 * Text from logs is escaped for HTML and invalid UTF-8 becomes U+FFFD.
 */
int render_html(const struct agg_view *v, int fd);

/*
 * CSV. With section == NULL: one file per section, NAME.csv, written into the
 * directory dir (created if missing). With a section name: that section only,
 * to fd. Returns 0; -1 with errno for a write error on fd (the caller says
 * so); RENDER_CSV_NOSECTION for an unknown section; in directory mode
 * RENDER_CSV_CANTCREAT when dir or a file in it cannot be created, and
 * RENDER_CSV_WRITTEN when a file in it cannot be written (both said here,
 * naming the path; errno says why).
 */
#define RENDER_CSV_NOSECTION (-2)
#define RENDER_CSV_CANTCREAT (-3)
#define RENDER_CSV_WRITTEN (-4)
int render_csv(const struct agg_view *v, const char *dir, const char *section, int fd);

/* The i-th CSV section name (overview, actions, logins, ...), NULL past the last. */
const char *render_csv_section(unsigned i);

#endif
