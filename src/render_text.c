/* render_text.c: the report for a terminal: layout kit, overview to sessions, SFTP, entry point. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obuf.h"
#include "render.h"
#include "geoip.h"
#include "render_text.h"
#include "render_threats.h"
#include "render_util.h"
#include "xmalloc.h"

#define PATH_COLS 60

static const char *const color_on[] = {"", "\033[31m", "\033[32m", "\033[33m", "\033[1m"};

int
render_text_term(int fd)
{
	const char *term = getenv("TERM");

	return isatty(fd) && (term == NULL || strcmp(term, "dumb") != 0);
}

int
render_text_color_auto(int fd)
{
	const char *no = getenv("NO_COLOR");

	return render_text_term(fd) && (no == NULL || no[0] == '\0');
}

/* Cells. */

void
render_text_cell_clear(struct render_text_cell *c)
{
	c->len = 0;
	c->cols = 0;
}

void
render_text_cell_put(struct render_text_cell *c, const char *s, size_t n, unsigned cols)
{
	if (n > RENDER_TEXT_CELL_MAX - c->len)
		return;
	memcpy(c->b + c->len, s, n);
	c->len += n;
	c->cols += cols;
}

/* Trusted ASCII text (numbers, names of the program's own). */
void
render_text_cell_lit(struct render_text_cell *c, const char *s)
{
	size_t n = strlen(s);

	render_text_cell_put(c, s, n, (unsigned)n);
}

/* Text from a log, made safe (see render_tunit) and cut to max columns with an ellipsis. */
void
render_text_cell_esc(struct render_text_cell *c, const char *str, size_t n, unsigned max)
{
	const unsigned char *s = (const unsigned char *)str;
	char u[8];
	size_t i, olen;
	unsigned w, total = 0, room;

	for (i = 0; i < n && total <= max;)
		i += render_tunit(s + i, n - i, u, &olen, &w), total += w;
	room = total <= max ? max : max - 1;
	for (i = 0, total = 0; i < n;) {
		size_t k = render_tunit(s + i, n - i, u, &olen, &w);

		if (total + w > room)
			break;
		render_text_cell_put(c, u, olen, w);
		total += w;
		i += k;
	}
	if (i < n)
		render_text_cell_put(c, "\xe2\x80\xa6", 3, 1); /* U+2026 */
}

/* A string of the table, or "-" for none. */
void
render_text_cell_id(struct render_text_cell *c, const struct agg_view *v, uint32_t id, unsigned max)
{
	size_t n;
	const char *s = render_str(v, id, &n);

	if (s == NULL)
		render_text_cell_lit(c, "-");
	else
		render_text_cell_esc(c, s, n, max);
}

void
render_text_cell_count(struct render_text_cell *c, uint64_t x)
{
	char buf[40];

	render_count(buf, x);
	render_text_cell_lit(c, buf);
}

void
render_text_cell_dur(struct render_text_cell *c, int64_t us)
{
	char buf[40];

	render_dur(buf, sizeof(buf), us);
	render_text_cell_lit(c, buf);
}

void
render_text_cell_time(struct render_text_cell *c, int64_t us)
{
	char buf[64];

	render_time(buf, sizeof(buf), us, RT_MIN);
	render_text_cell_lit(c, buf);
}

void
render_text_cell_addr(struct render_text_cell *c, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	if (addr_format(a, buf) == 0)
		render_text_cell_lit(c, "-");
	else
		render_text_cell_lit(c, buf);
}

/* Tables. */

void
render_text_tab_init(struct render_text_table *t, unsigned ncols, const char *const *head,
                     const char *align)
{
	unsigned i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols < RENDER_TEXT_TAB_COLS ? ncols : RENDER_TEXT_TAB_COLS;
	t->head = head;
	t->align = align;
	for (i = 0; head != NULL && i < t->ncols; i++)
		t->width[i] = (unsigned)strlen(head[i]);
}

void
render_text_tab_add(struct render_text_table *t, const struct render_text_cell *c,
                    enum render_text_color color)
{
	struct render_text_tref *r;
	unsigned col;

	if (t->ncells == t->ccap) {
		t->ccap = t->ccap ? t->ccap * 2 : 64;
		t->cells = xreallocarray(t->cells, t->ccap, sizeof(*t->cells));
	}
	if (c->len > t->tcap - t->tlen) {
		while (c->len > t->tcap - t->tlen)
			t->tcap = t->tcap ? t->tcap * 2 : 4096;
		t->text = xreallocarray(t->text, t->tcap, 1);
	}
	memcpy(t->text + t->tlen, c->b, c->len);
	r = &t->cells[t->ncells];
	r->off = (uint32_t)t->tlen;
	r->len = (uint32_t)c->len;
	r->cols = (uint16_t)c->cols;
	r->color = (uint8_t)color;
	t->tlen += c->len;
	col = (unsigned)(t->ncells % t->ncols);
	if (c->cols > t->width[col])
		t->width[col] = c->cols;
	t->ncells++;
}

/* Adds a cell of trusted text. */
void
render_text_tab_lit(struct render_text_table *t, const char *s, enum render_text_color color)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_lit(&c, s);
	render_text_tab_add(t, &c, color);
}

void
render_text_tab_count(struct render_text_table *t, uint64_t x, enum render_text_color color)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_count(&c, x);
	render_text_tab_add(t, &c, color);
}

/* Adds one cell of a time, an address, a string of the table. */
void
render_text_tab_time(struct render_text_table *t, int64_t us)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_time(&c, us);
	render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
}

void
render_text_tab_addr(struct render_text_table *t, const struct addr *a)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_addr(&c, a);
	render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
}

void
render_text_tab_id(struct render_text_table *t, const struct agg_view *v, uint32_t id,
                   enum render_text_color color)
{
	struct render_text_cell c;

	render_text_cell_clear(&c);
	render_text_cell_id(&c, v, id, RENDER_TEXT_NAME_COLS);
	render_text_tab_add(t, &c, color);
}

static void
spaces(struct obuf *o, unsigned n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		unsigned k = n < sizeof(sp) - 1 ? n : (unsigned)sizeof(sp) - 1;

		obuf_put(o, sp, k);
		n -= k;
	}
}

/* One row: cells text[...] of refs; padding is written only before text (no trailing blanks). */
static void
tab_row(struct render_text_out *w, const struct render_text_table *t,
        const struct render_text_tref *refs, const char *const *lit, unsigned indent)
{
	unsigned i, pend = indent;

	for (i = 0; i < t->ncols; i++) {
		const char *s = lit ? lit[i] : t->text + refs[i].off;
		unsigned len = lit ? (unsigned)strlen(s) : refs[i].len;
		unsigned cols = lit ? len : refs[i].cols;
		unsigned color =
		    lit ? (w->color ? RENDER_TEXT_BOLD : RENDER_TEXT_PLAIN) : refs[i].color;
		unsigned pad = t->width[i] - cols;

		if (t->align[i] == 'r')
			pend += pad;
		if (len > 0) {
			spaces(w->o, pend);
			pend = 0;
			if (w->color && color != RENDER_TEXT_PLAIN)
				obuf_put(w->o, color_on[color], strlen(color_on[color]));
			obuf_put(w->o, s, len);
			if (w->color && color != RENDER_TEXT_PLAIN)
				OBUF_LIT(w->o, "\033[0m");
		}
		if (t->align[i] != 'r')
			pend += pad;
		pend += 2;
	}
	obuf_putc(w->o, '\n');
	obuf_maybe_flush(w->o);
}

void
render_text_tab_print(struct render_text_out *w, struct render_text_table *t, unsigned indent)
{
	size_t r;

	if (t->head != NULL)
		tab_row(w, t, NULL, t->head, indent);
	for (r = 0; r + t->ncols <= t->ncells; r += t->ncols)
		tab_row(w, t, t->cells + r, NULL, indent);
	free(t->text);
	free(t->cells);
	t->text = NULL;
	t->cells = NULL;
}

/* Lines. */

void
render_text_put(struct render_text_out *w, const char *s)
{
	obuf_put(w->o, s, strlen(s));
}

void
render_text_line(struct render_text_out *w, const struct render_text_cell *c,
                 enum render_text_color color)
{
	if (w->color && color != RENDER_TEXT_PLAIN)
		render_text_put(w, color_on[color]);
	obuf_put(w->o, c->b, c->len);
	if (w->color && color != RENDER_TEXT_PLAIN)
		OBUF_LIT(w->o, "\033[0m");
	obuf_putc(w->o, '\n');
}

void
render_text_heading(struct render_text_out *w, const char *title)
{
	size_t n = strlen(title);

	obuf_putc(w->o, '\n');
	if (w->color)
		render_text_put(w, color_on[RENDER_TEXT_BOLD]);
	render_text_put(w, title);
	if (w->color)
		OBUF_LIT(w->o, "\033[0m");
	obuf_putc(w->o, '\n');
	while (n-- > 0)
		obuf_putc(w->o, '-');
	obuf_putc(w->o, '\n');
}

/* "  15 attacking addresses, showing 10" (what: singular and plural). */
void
render_text_total_line(struct render_text_out *w, uint64_t total, size_t shown, const char *one,
                       const char *many, const char *note)
{
	char buf[40];

	render_count(buf, total);
	OBUF_LIT(w->o, "  ");
	render_text_put(w, buf);
	obuf_putc(w->o, ' ');
	render_text_put(w, total == 1 ? one : many);
	if (shown < total) {
		render_count(buf, shown);
		OBUF_LIT(w->o, ", showing ");
		render_text_put(w, buf);
	}
	if (note != NULL) {
		obuf_putc(w->o, ' ');
		render_text_put(w, note);
	}
	obuf_putc(w->o, '\n');
}

void
render_text_none(struct render_text_out *w)
{
	OBUF_LIT(w->o, "  none\n");
}

/* Sections. */

static void
title(struct render_text_out *w)
{
	const struct agg_view *v = w->v;
	const struct agg_opts *op = v->opts;
	char a[64], b[64], d[40];
	struct render_text_cell c;

	if (w->color)
		render_text_put(w, color_on[RENDER_TEXT_BOLD]);
	OBUF_LIT(w->o, "authwatch report: ");
	if (v->first == INT64_MIN) {
		OBUF_LIT(w->o, "no dated events");
	} else {
		render_time(a, sizeof(a), v->first, RT_MIN);
		render_time(b, sizeof(b), v->last, RT_MIN);
		render_dur(d, sizeof(d), v->last - v->first);
		render_text_put(w, a);
		OBUF_LIT(w->o, " UTC to ");
		render_text_put(w, b);
		OBUF_LIT(w->o, " UTC (");
		render_text_put(w, d);
		obuf_putc(w->o, ')');
	}
	render_count(d, v->nfiles);
	OBUF_LIT(w->o, ", ");
	render_text_put(w, d);
	render_text_put(w, v->nfiles == 1 ? " file" : " files");
	if (w->color)
		OBUF_LIT(w->o, "\033[0m");
	obuf_putc(w->o, '\n');
	if (op == NULL || (op->since == INT64_MIN && op->until == INT64_MAX && op->host == NULL &&
	                   op->user == NULL && !op->have_ip))
		return;
	render_text_cell_clear(&c);
	render_text_cell_lit(&c, "filters:");
	if (op->since != INT64_MIN) {
		render_time(a, sizeof(a), op->since, RT_SEC);
		render_text_cell_lit(&c, " since ");
		render_text_cell_lit(&c, a);
		render_text_cell_lit(&c, " UTC");
	}
	if (op->until != INT64_MAX) {
		render_time(a, sizeof(a), op->until, RT_SEC);
		render_text_cell_lit(&c, " until ");
		render_text_cell_lit(&c, a);
		render_text_cell_lit(&c, " UTC");
	}
	if (op->host != NULL) {
		render_text_cell_lit(&c, " host ");
		render_text_cell_esc(&c, op->host, strlen(op->host), RENDER_TEXT_NAME_COLS);
	}
	if (op->user != NULL) {
		render_text_cell_lit(&c, " user ");
		render_text_cell_esc(&c, op->user, strlen(op->user), RENDER_TEXT_NAME_COLS);
	}
	if (op->have_ip) {
		char cb[RENDER_CIDRLEN];

		render_cidr(&op->ip, cb);
		render_text_cell_lit(&c, " ip ");
		render_text_cell_lit(&c, cb);
	}
	obuf_put(w->o, c.b, c.len);
	obuf_putc(w->o, '\n');
}

static void
kv(struct render_text_table *t, const char *key, uint64_t x, const char *note)
{
	render_text_tab_lit(t, key, RENDER_TEXT_PLAIN);
	render_text_tab_count(t, x, RENDER_TEXT_PLAIN);
	render_text_tab_lit(t, note ? note : "", RENDER_TEXT_PLAIN);
}

static void
overview(struct render_text_out *w)
{
	static const char *const fhead[] = {"file",  "lines", "events", "unknown",
	                                    "first", "last",  "error"};
	const struct agg_view *v = w->v;
	struct render_text_table t;
	struct render_text_cell c;
	char note[256], n1[40], n2[40], n3[40], n4[40];
	size_t i;

	render_text_heading(w, "Overview");
	if (v->nfiles > 0) {
		render_text_tab_init(&t, 7, fhead, "lrrrlll");
		for (i = 0; i < v->nfiles; i++) {
			const struct agg_file *f = &v->files[i];

			render_text_cell_clear(&c);
			render_text_cell_esc(&c, f->path ? f->path : "-",
			                     f->path ? strlen(f->path) : 1, PATH_COLS);
			render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
			render_text_tab_count(&t, f->lines, RENDER_TEXT_PLAIN);
			render_text_tab_count(&t, f->events, RENDER_TEXT_PLAIN);
			render_text_tab_count(&t, f->unknown, RENDER_TEXT_PLAIN);
			render_text_tab_time(&t, f->first);
			render_text_tab_time(&t, f->last);
			render_text_cell_clear(&c);
			if (f->error != NULL)
				render_text_cell_esc(&c, f->error, strlen(f->error), PATH_COLS);
			render_text_tab_add(&t, &c, RENDER_TEXT_RED);
		}
		render_text_tab_print(w, &t, 2);
		obuf_putc(w->o, '\n');
	}
	render_text_tab_init(&t, 3, NULL, "lrl");
	render_text_cell_clear(&c);
	for (i = 0; i < v->nhosts && i < 16; i++) {
		if (i > 0)
			render_text_cell_lit(&c, ", ");
		render_text_cell_id(&c, v, v->hosts[i], RENDER_TEXT_NAME_COLS);
	}
	if (v->nhosts > 16) {
		render_count(n1, v->nhosts - 16);
		render_text_cell_lit(&c, ", +");
		render_text_cell_lit(&c, n1);
	}
	if (v->hosts_approx)
		render_text_cell_lit(&c, " (estimate)");
	render_text_tab_lit(&t, "hosts", RENDER_TEXT_PLAIN);
	render_text_tab_count(&t, v->nhosts, RENDER_TEXT_PLAIN);
	render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
	render_count(n1, v->unknown);
	render_count(n2, v->truncated);
	render_count(n3, v->filtered);
	render_count(n4, v->undated);
	snprintf(note, sizeof(note), "%s not recognised, %s cut (too long), %s filtered out", n1,
	         n2, n3);
	kv(&t, "lines read", v->lines, note);
	snprintf(note, sizeof(note), "%s without a date", n4);
	kv(&t, "events", v->events, v->undated ? note : NULL);
	kv(&t, "remote addresses", v->sources, NULL);
	snprintf(note, sizeof(note), "%s still open at the end of the input",
	         (render_count(n1, v->open_conns), n1));
	kv(&t, "connections", v->connections, v->open_conns ? note : NULL);
	render_attempts_note(v, note, sizeof(note));
	kv(&t, "failed attempts", v->attempts, note);
	kv(&t, "probes", v->probes, "connections that never tried to authenticate");
	kv(&t, "negotiation errors", v->negotiations, "no common key exchange, cipher or key");
	kv(&t, "accepted logins", v->logins, NULL);
	render_text_tab_print(w, &t, 2);
}

static void
actions(struct render_text_out *w)
{
	static const char *const head[] = {"event", "count", "class"};
	const struct agg_view *v = w->v;
	unsigned order[EV__COUNT], n, i;
	uint64_t sum;
	struct render_text_table t;
	char buf[40], line[120];

	render_text_heading(w, "Actions");
	n = render_actions(v, order, &sum);
	if (n == 0) {
		render_text_none(w);
		return;
	}
	render_text_tab_init(&t, 3, head, "lrl");
	for (i = 0; i < n; i++) {
		const char *cls = agg_action_class(order[i]);
		enum render_text_color col = strcmp(cls, "bad") == 0    ? RENDER_TEXT_RED
		                             : strcmp(cls, "good") == 0 ? RENDER_TEXT_GREEN
		                                                        : RENDER_TEXT_PLAIN;

		render_text_tab_lit(&t, event_type_name(order[i]), RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, v->actions[order[i]], RENDER_TEXT_PLAIN);
		render_text_tab_lit(&t, cls, col);
	}
	render_text_tab_print(w, &t, 2);
	render_count(buf, sum);
	snprintf(line, sizeof(line), "  %u event %s, %s %s\n", n, n == 1 ? "type" : "types", buf,
	         sum == 1 ? "event" : "events");
	render_text_put(w, line);
}

/* One login as a table row: when, [host], user, from, then what cols asks for. */
static void
login_row(struct render_text_out *w, struct render_text_table *t, const struct agg_login *l,
          int full)
{
	const struct agg_view *v = w->v;
	struct render_text_cell c;
	char buf[64];

	render_text_tab_time(t, l->ts);
	if (w->multihost)
		render_text_tab_id(t, v, l->host, RENDER_TEXT_PLAIN);
	render_text_tab_id(t, v, l->user,
	                   (l->flags & CF_ROOT) ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
	render_text_tab_addr(t, &l->src);
	if (full) {
		const char *m = event_method_name(l->method);

		render_text_tab_lit(t, *m ? m : "-",
		                    l->method == M_PASSWORD ? RENDER_TEXT_YELLOW
		                                            : RENDER_TEXT_PLAIN);
		render_text_cell_clear(&c);
		if (l->key_type != 0) {
			render_text_cell_id(&c, v, l->key_type, 16);
			render_text_cell_lit(&c, " ");
		}
		if (l->key_fp != 0)
			render_text_cell_id(&c, v, l->key_fp, RENDER_TEXT_FP_COLS);
		render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
	}
	render_text_cell_clear(&c);
	if (l->open || l->duration < 0)
		render_text_cell_lit(&c, "open");
	else
		render_text_cell_dur(&c, l->duration);
	render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
	if (full) {
		render_text_cell_clear(&c);
		if (l->flags & CF_ROOT)
			render_text_cell_lit(&c, "root");
		if (l->flags & CF_CERT)
			render_text_cell_lit(&c, c.len ? ", certificate" : "certificate");
		if (l->sudo_cmds) {
			render_count(buf, l->sudo_cmds);
			if (c.len)
				render_text_cell_lit(&c, ", ");
			render_text_cell_lit(&c, buf);
			render_text_cell_lit(&c, l->sudo_cmds == 1 ? " sudo command"
			                                           : " sudo commands");
		}
		render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
	}
}

static void
logins(struct render_text_out *w)
{
	static const char *const head[] = {"when", "user",    "from", "method",
	                                   "key",  "session", "notes"};
	static const char *const headh[] = {"when",   "host", "user",    "from",
	                                    "method", "key",  "session", "notes"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nlogins_recent);
	struct render_text_table t;

	render_text_heading(w, "Successful logins");
	if (n == 0) {
		render_text_none(w);
		return;
	}
	if (w->multihost)
		render_text_tab_init(&t, 8, headh, "llllllrl");
	else
		render_text_tab_init(&t, 7, head, "lllllrl");
	for (i = 0; i < n; i++)
		login_row(w, &t, v->logins_recent[i], 1);
	render_text_tab_print(w, &t, 2);
	render_text_total_line(w, v->logins, n, "accepted login", "accepted logins",
	                       n < v->logins ? "(the most recent)" : NULL);
}

static void
sessions(struct render_text_out *w)
{
	static const char *const lhead[] = {"when", "user", "from", "duration"};
	static const char *const lheadh[] = {"when", "host", "user", "from", "duration"};
	static const char *const uhead[] = {"user",       "logins",  "open",
	                                    "total time", "longest", "methods"};
	const struct agg_view *v = w->v;
	char a[40], b[40], d[40], line[200];
	struct render_text_table t;
	struct render_text_cell c;
	size_t i, n;

	render_text_heading(w, "Sessions");
	if (v->sessions_opened == 0) {
		render_text_none(w);
		return;
	}
	render_count(a, v->sessions_opened);
	render_count(b, v->sessions_closed);
	render_count(d, v->sessions_open);
	snprintf(line, sizeof(line),
	         "  %s opened, %s closed, %s still open at the end of the input\n", a, b, d);
	render_text_put(w, line);
	if ((n = render_rows(v, v->nlongest)) > 0) {
		OBUF_LIT(w->o, "\n  Longest sessions\n");
		if (w->multihost)
			render_text_tab_init(&t, 5, lheadh, "llllr");
		else
			render_text_tab_init(&t, 4, lhead, "lllr");
		for (i = 0; i < n; i++)
			login_row(w, &t, v->longest[i], 0);
		render_text_tab_print(w, &t, 4);
	}
	if ((n = render_rows(v, v->nsession_users)) == 0)
		return;
	OBUF_LIT(w->o, "\n  Per user\n");
	render_text_tab_init(&t, 6, uhead, "lrrrrl");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->session_users[i];

		render_text_tab_id(&t, v, su->user, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, su->logins, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, su->open, RENDER_TEXT_PLAIN);
		render_text_cell_clear(&c);
		if (su->logins > su->open)
			render_text_cell_dur(&c, su->total);
		else
			render_text_cell_lit(&c, "-"); /* no closed session yet */
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
		render_text_cell_clear(&c);
		if (su->logins > su->open)
			render_text_cell_dur(&c, su->longest);
		else
			render_text_cell_lit(&c, "-");
		render_text_tab_add(&t, &c, RENDER_TEXT_PLAIN);
		render_text_cell_clear(&c);
		if (su->publickey) {
			render_count(a, su->publickey);
			render_text_cell_lit(&c, "publickey ");
			render_text_cell_lit(&c, a);
		}
		if (su->password) {
			render_count(a, su->password);
			render_text_cell_lit(&c, c.len ? ", password " : "password ");
			render_text_cell_lit(&c, a);
		}
		if (su->other) {
			render_count(a, su->other);
			render_text_cell_lit(&c, c.len ? ", other " : "other ");
			render_text_cell_lit(&c, a);
		}
		render_text_tab_add(&t, &c, su->password ? RENDER_TEXT_YELLOW : RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 4);
	render_text_total_line(w, v->nsession_users, n, "user logged in", "users logged in", NULL);
}

static void
sftp(struct render_text_out *w)
{
	static const char *const head[] = {"user", "files", "read", "written", "other ops"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nsftp_users);
	struct render_text_table t;
	char buf[40];

	if (n == 0)
		return;
	render_text_heading(w, "SFTP");
	render_text_tab_init(&t, 5, head, "lrrrr");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->sftp_users[i];

		render_text_tab_id(&t, v, su->user, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, su->sftp_files, RENDER_TEXT_PLAIN);
		render_bytes(buf, sizeof(buf), su->sftp_read);
		render_text_tab_lit(&t, buf, RENDER_TEXT_PLAIN);
		render_bytes(buf, sizeof(buf), su->sftp_written);
		render_text_tab_lit(&t, buf, RENDER_TEXT_PLAIN);
		render_text_tab_count(&t, su->sftp_ops, RENDER_TEXT_PLAIN);
	}
	render_text_tab_print(w, &t, 2);
	render_text_total_line(w, v->nsftp_users, n, "user", "users", NULL);
}

int
render_text(const struct agg_view *v, int fd, int color)
{
	struct obuf o;
	struct render_text_out w;

	obuf_init(&o, fd);
	w.o = &o;
	w.v = v;
	w.color = color;
	w.multihost = v->nhosts > 1;
	title(&w);
	overview(&w);
	actions(&w);
	logins(&w);
	sessions(&w);
	render_threats_attackers(&w);
	render_threats_usernames(&w);
	render_threats_timeline(&w);
	render_threats_alerts(&w);
	sftp(&w);
	render_threats_fail2ban(&w);
	if (obuf_close(&o) != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}

unsigned
render_text_geo_heads(const struct geoip *g, const char **head)
{
	unsigned n = 0;

	if (geoip_has_country(g))
		head[n++] = "country";
	if (geoip_has_asn(g))
		head[n++] = "asn";
	return n;
}

void
render_text_tab_geo(struct render_text_table *t, const struct geoip *g, const struct addr *a)
{
	struct geoip_info gi;
	struct render_text_cell c;
	char buf[16];

	if (g == NULL)
		return;
	if (geoip_lookup(g, a, &gi) < 0)
		memset(&gi, 0, sizeof(gi));
	if (geoip_has_country(g))
		render_text_tab_lit(t, gi.country[0] ? gi.country : "-", RENDER_TEXT_PLAIN);
	if (!geoip_has_asn(g))
		return;
	render_text_cell_clear(&c);
	if (gi.asn) {
		snprintf(buf, sizeof(buf), "AS%u", (unsigned)gi.asn);
		render_text_cell_lit(&c, buf);
	}
	if (gi.org[0]) {
		if (c.len)
			render_text_cell_lit(&c, " ");
		render_text_cell_esc(&c, gi.org, strlen(gi.org), RENDER_TEXT_ORG_COLS);
	}
	if (c.len == 0)
		render_text_cell_lit(&c, "-");
	render_text_tab_add(t, &c, RENDER_TEXT_PLAIN);
}
