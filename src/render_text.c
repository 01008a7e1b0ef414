/* render_text.c: the report for a terminal: aligned tables, a bar chart, terminal-safe text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obuf.h"
#include "render.h"
#include "render_util.h"
#include "xmalloc.h"

#define CELL_MAX 512 /* bytes of one cell: at most 64 columns of 4-byte units, plus some */
#define NAME_COLS 32 /* display columns of a name, a host, a reason */
#define FP_COLS 50   /* a key fingerprint: "SHA256:" and 43 characters */
#define PATH_COLS 60
#define TAB_COLS 10 /* columns of a table at most */
#define BAR_COLS 40 /* width of the widest timeline bar */
#define DENSE_MAX 100

enum color { C_NONE, C_RED, C_GREEN, C_YELLOW, C_BOLD };

static const char *const color_on[] = {"", "\033[31m", "\033[32m", "\033[33m", "\033[1m"};

/* One cell: bytes safe for a terminal and their width in display columns. */
struct cell {
	char b[CELL_MAX];
	size_t len;
	unsigned cols;
};

/* A cell kept in a table: its bytes are text[off..off+len). */
struct tref {
	uint32_t off, len;
	uint16_t cols;
	uint8_t color;
};

/*
 * A table filled row by row (ncols cells each), printed with every column as
 * wide as its widest cell. Invariant: ncells is a whole number of rows once
 * a row is complete; width[i] >= cols of every cell of column i.
 */
struct table {
	unsigned ncols;
	const char *const *head; /* NULL: no header row */
	const char *align;       /* 'l' or 'r' per column */
	unsigned width[TAB_COLS];
	char *text;
	size_t tlen, tcap;
	struct tref *cells;
	size_t ncells, ccap;
};

struct txt {
	struct obuf *o;
	const struct agg_view *v;
	int color;
	int multihost; /* more than one host: tables get a host column */
};

/* Cells. */

static void
cell_clear(struct cell *c)
{
	c->len = 0;
	c->cols = 0;
}

static void
cell_put(struct cell *c, const char *s, size_t n, unsigned cols)
{
	if (n > CELL_MAX - c->len)
		return;
	memcpy(c->b + c->len, s, n);
	c->len += n;
	c->cols += cols;
}

/* Trusted ASCII text (numbers, names of the program's own). */
static void
cell_lit(struct cell *c, const char *s)
{
	size_t n = strlen(s);

	cell_put(c, s, n, (unsigned)n);
}

/* Text from a log, made safe (see render_tunit) and cut to max columns with an ellipsis. */
static void
cell_esc(struct cell *c, const char *str, size_t n, unsigned max)
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
		cell_put(c, u, olen, w);
		total += w;
		i += k;
	}
	if (i < n)
		cell_put(c, "\xe2\x80\xa6", 3, 1); /* U+2026 */
}

/* A string of the table, or "-" for none. */
static void
cell_id(struct cell *c, const struct agg_view *v, uint32_t id, unsigned max)
{
	size_t n;
	const char *s = render_str(v, id, &n);

	if (s == NULL)
		cell_lit(c, "-");
	else
		cell_esc(c, s, n, max);
}

static void
cell_count(struct cell *c, uint64_t x)
{
	char buf[40];

	render_count(buf, x);
	cell_lit(c, buf);
}

static void
cell_dur(struct cell *c, int64_t us)
{
	char buf[40];

	render_dur(buf, sizeof(buf), us);
	cell_lit(c, buf);
}

static void
cell_time(struct cell *c, int64_t us)
{
	char buf[64];

	render_time(buf, sizeof(buf), us, RT_MIN);
	cell_lit(c, buf);
}

static void
cell_addr(struct cell *c, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	if (addr_format(a, buf) == 0)
		cell_lit(c, "-");
	else
		cell_lit(c, buf);
}

/* Tables. */

static void
tab_init(struct table *t, unsigned ncols, const char *const *head, const char *align)
{
	unsigned i;

	memset(t, 0, sizeof(*t));
	t->ncols = ncols < TAB_COLS ? ncols : TAB_COLS;
	t->head = head;
	t->align = align;
	for (i = 0; head != NULL && i < t->ncols; i++)
		t->width[i] = (unsigned)strlen(head[i]);
}

static void
tab_add(struct table *t, const struct cell *c, enum color color)
{
	struct tref *r;
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
static void
tab_lit(struct table *t, const char *s, enum color color)
{
	struct cell c;

	cell_clear(&c);
	cell_lit(&c, s);
	tab_add(t, &c, color);
}

static void
tab_count(struct table *t, uint64_t x, enum color color)
{
	struct cell c;

	cell_clear(&c);
	cell_count(&c, x);
	tab_add(t, &c, color);
}

/* Adds one cell of a time, an address, a string of the table. */
static void
tab_time(struct table *t, int64_t us)
{
	struct cell c;

	cell_clear(&c);
	cell_time(&c, us);
	tab_add(t, &c, C_NONE);
}

static void
tab_addr(struct table *t, const struct addr *a)
{
	struct cell c;

	cell_clear(&c);
	cell_addr(&c, a);
	tab_add(t, &c, C_NONE);
}

static void
tab_id(struct table *t, const struct agg_view *v, uint32_t id, enum color color)
{
	struct cell c;

	cell_clear(&c);
	cell_id(&c, v, id, NAME_COLS);
	tab_add(t, &c, color);
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
tab_row(struct txt *w, const struct table *t, const struct tref *refs, const char *const *lit,
        unsigned indent)
{
	unsigned i, pend = indent;

	for (i = 0; i < t->ncols; i++) {
		const char *s = lit ? lit[i] : t->text + refs[i].off;
		unsigned len = lit ? (unsigned)strlen(s) : refs[i].len;
		unsigned cols = lit ? len : refs[i].cols;
		unsigned color = lit ? (w->color ? C_BOLD : C_NONE) : refs[i].color;
		unsigned pad = t->width[i] - cols;

		if (t->align[i] == 'r')
			pend += pad;
		if (len > 0) {
			spaces(w->o, pend);
			pend = 0;
			if (w->color && color != C_NONE)
				obuf_put(w->o, color_on[color], strlen(color_on[color]));
			obuf_put(w->o, s, len);
			if (w->color && color != C_NONE)
				OBUF_LIT(w->o, "\033[0m");
		}
		if (t->align[i] != 'r')
			pend += pad;
		pend += 2;
	}
	obuf_putc(w->o, '\n');
	obuf_maybe_flush(w->o);
}

static void
tab_print(struct txt *w, struct table *t, unsigned indent)
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

static void
put(struct txt *w, const char *s)
{
	obuf_put(w->o, s, strlen(s));
}

static void
heading(struct txt *w, const char *title)
{
	size_t n = strlen(title);

	obuf_putc(w->o, '\n');
	if (w->color)
		put(w, color_on[C_BOLD]);
	put(w, title);
	if (w->color)
		OBUF_LIT(w->o, "\033[0m");
	obuf_putc(w->o, '\n');
	while (n-- > 0)
		obuf_putc(w->o, '-');
	obuf_putc(w->o, '\n');
}

/* "  15 attacking addresses, showing 10" (what: singular and plural). */
static void
total_line(struct txt *w, uint64_t total, size_t shown, const char *one, const char *many,
           const char *note)
{
	char buf[40];

	render_count(buf, total);
	OBUF_LIT(w->o, "  ");
	put(w, buf);
	obuf_putc(w->o, ' ');
	put(w, total == 1 ? one : many);
	if (shown < total) {
		render_count(buf, shown);
		OBUF_LIT(w->o, ", showing ");
		put(w, buf);
	}
	if (note != NULL) {
		obuf_putc(w->o, ' ');
		put(w, note);
	}
	obuf_putc(w->o, '\n');
}

static void
none(struct txt *w)
{
	OBUF_LIT(w->o, "  none\n");
}

/* Sections. */

static void
title(struct txt *w)
{
	const struct agg_view *v = w->v;
	const struct agg_opts *op = v->opts;
	char a[64], b[64], d[40];
	struct cell c;

	if (w->color)
		put(w, color_on[C_BOLD]);
	OBUF_LIT(w->o, "authwatch report: ");
	if (v->first == INT64_MIN) {
		OBUF_LIT(w->o, "no dated events");
	} else {
		render_time(a, sizeof(a), v->first, RT_MIN);
		render_time(b, sizeof(b), v->last, RT_MIN);
		render_dur(d, sizeof(d), v->last - v->first);
		put(w, a);
		OBUF_LIT(w->o, " UTC to ");
		put(w, b);
		OBUF_LIT(w->o, " UTC (");
		put(w, d);
		obuf_putc(w->o, ')');
	}
	render_count(d, v->nfiles);
	OBUF_LIT(w->o, ", ");
	put(w, d);
	put(w, v->nfiles == 1 ? " file" : " files");
	if (w->color)
		OBUF_LIT(w->o, "\033[0m");
	obuf_putc(w->o, '\n');
	if (op == NULL || (op->since == INT64_MIN && op->until == INT64_MAX && op->host == NULL &&
	                   op->user == NULL && !op->have_ip))
		return;
	cell_clear(&c);
	cell_lit(&c, "filters:");
	if (op->since != INT64_MIN) {
		render_time(a, sizeof(a), op->since, RT_SEC);
		cell_lit(&c, " since ");
		cell_lit(&c, a);
		cell_lit(&c, " UTC");
	}
	if (op->until != INT64_MAX) {
		render_time(a, sizeof(a), op->until, RT_SEC);
		cell_lit(&c, " until ");
		cell_lit(&c, a);
		cell_lit(&c, " UTC");
	}
	if (op->host != NULL) {
		cell_lit(&c, " host ");
		cell_esc(&c, op->host, strlen(op->host), NAME_COLS);
	}
	if (op->user != NULL) {
		cell_lit(&c, " user ");
		cell_esc(&c, op->user, strlen(op->user), NAME_COLS);
	}
	if (op->have_ip) {
		char cb[RENDER_CIDRLEN];

		render_cidr(&op->ip, cb);
		cell_lit(&c, " ip ");
		cell_lit(&c, cb);
	}
	obuf_put(w->o, c.b, c.len);
	obuf_putc(w->o, '\n');
}

static void
kv(struct table *t, const char *key, uint64_t x, const char *note)
{
	tab_lit(t, key, C_NONE);
	tab_count(t, x, C_NONE);
	tab_lit(t, note ? note : "", C_NONE);
}

static void
overview(struct txt *w)
{
	static const char *const fhead[] = {"file",  "lines", "events", "unknown",
	                                    "first", "last",  "error"};
	const struct agg_view *v = w->v;
	struct table t;
	struct cell c;
	char note[256], n1[40], n2[40], n3[40], n4[40];
	size_t i;

	heading(w, "Overview");
	if (v->nfiles > 0) {
		tab_init(&t, 7, fhead, "lrrrlll");
		for (i = 0; i < v->nfiles; i++) {
			const struct agg_file *f = &v->files[i];

			cell_clear(&c);
			cell_esc(&c, f->path ? f->path : "-", f->path ? strlen(f->path) : 1,
			         PATH_COLS);
			tab_add(&t, &c, C_NONE);
			tab_count(&t, f->lines, C_NONE);
			tab_count(&t, f->events, C_NONE);
			tab_count(&t, f->unknown, C_NONE);
			tab_time(&t, f->first);
			tab_time(&t, f->last);
			cell_clear(&c);
			if (f->error != NULL)
				cell_esc(&c, f->error, strlen(f->error), PATH_COLS);
			tab_add(&t, &c, C_RED);
		}
		tab_print(w, &t, 2);
		obuf_putc(w->o, '\n');
	}
	tab_init(&t, 3, NULL, "lrl");
	cell_clear(&c);
	for (i = 0; i < v->nhosts && i < 16; i++) {
		if (i > 0)
			cell_lit(&c, ", ");
		cell_id(&c, v, v->hosts[i], NAME_COLS);
	}
	if (v->nhosts > 16) {
		render_count(n1, v->nhosts - 16);
		cell_lit(&c, ", +");
		cell_lit(&c, n1);
	}
	tab_lit(&t, "hosts", C_NONE);
	tab_count(&t, v->nhosts, C_NONE);
	tab_add(&t, &c, C_NONE);
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
	snprintf(note, sizeof(note), "failed authentications, in %s connections",
	         (render_count(n1, v->failed_conns), n1));
	kv(&t, "failed attempts", v->attempts, note);
	kv(&t, "probes", v->probes, "connections that never tried to authenticate");
	kv(&t, "negotiation errors", v->negotiations, "no common key exchange, cipher or key");
	kv(&t, "accepted logins", v->logins, NULL);
	tab_print(w, &t, 2);
}

static void
actions(struct txt *w)
{
	static const char *const head[] = {"event", "count", "class"};
	const struct agg_view *v = w->v;
	unsigned order[EV__COUNT], n = 0, i, j;
	uint64_t sum = 0;
	struct table t;
	char buf[40], line[120];

	heading(w, "Actions");
	for (i = 0; i < EV__COUNT; i++)
		if (v->actions[i] != 0) {
			/* by count, descending; catalogue order among equals */
			for (j = n; j > 0 && v->actions[order[j - 1]] < v->actions[i]; j--)
				order[j] = order[j - 1];
			order[j] = i;
			n++;
			sum += v->actions[i];
		}
	if (n == 0) {
		none(w);
		return;
	}
	tab_init(&t, 3, head, "lrl");
	for (i = 0; i < n; i++) {
		const char *cls = agg_action_class(order[i]);
		enum color col = strcmp(cls, "bad") == 0    ? C_RED
		                 : strcmp(cls, "good") == 0 ? C_GREEN
		                                            : C_NONE;

		tab_lit(&t, event_type_name(order[i]), C_NONE);
		tab_count(&t, v->actions[order[i]], C_NONE);
		tab_lit(&t, cls, col);
	}
	tab_print(w, &t, 2);
	render_count(buf, sum);
	snprintf(line, sizeof(line), "  %u event %s, %s %s\n", n, n == 1 ? "type" : "types", buf,
	         sum == 1 ? "event" : "events");
	put(w, line);
}

/* One login as a table row: when, [host], user, from, then what cols asks for. */
static void
login_row(struct txt *w, struct table *t, const struct agg_login *l, int full)
{
	const struct agg_view *v = w->v;
	struct cell c;
	char buf[64];

	tab_time(t, l->ts);
	if (w->multihost)
		tab_id(t, v, l->host, C_NONE);
	tab_id(t, v, l->user, (l->flags & CF_ROOT) ? C_YELLOW : C_NONE);
	tab_addr(t, &l->src);
	if (full) {
		const char *m = event_method_name(l->method);

		tab_lit(t, *m ? m : "-", l->method == M_PASSWORD ? C_YELLOW : C_NONE);
		cell_clear(&c);
		if (l->key_type != 0) {
			cell_id(&c, v, l->key_type, 16);
			cell_lit(&c, " ");
		}
		if (l->key_fp != 0)
			cell_id(&c, v, l->key_fp, FP_COLS);
		tab_add(t, &c, C_NONE);
	}
	cell_clear(&c);
	if (l->open || l->duration < 0)
		cell_lit(&c, "open");
	else
		cell_dur(&c, l->duration);
	tab_add(t, &c, C_NONE);
	if (full) {
		cell_clear(&c);
		if (l->flags & CF_ROOT)
			cell_lit(&c, "root");
		if (l->flags & CF_CERT)
			cell_lit(&c, c.len ? ", certificate" : "certificate");
		if (l->sudo_cmds) {
			render_count(buf, l->sudo_cmds);
			if (c.len)
				cell_lit(&c, ", ");
			cell_lit(&c, buf);
			cell_lit(&c, l->sudo_cmds == 1 ? " sudo command" : " sudo commands");
		}
		tab_add(t, &c, C_NONE);
	}
}

static void
logins(struct txt *w)
{
	static const char *const head[] = {"when", "user",    "from", "method",
	                                   "key",  "session", "notes"};
	static const char *const headh[] = {"when",   "host", "user",    "from",
	                                    "method", "key",  "session", "notes"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nlogins_recent);
	struct table t;

	heading(w, "Successful logins");
	if (n == 0) {
		none(w);
		return;
	}
	if (w->multihost)
		tab_init(&t, 8, headh, "llllllrl");
	else
		tab_init(&t, 7, head, "lllllrl");
	for (i = 0; i < n; i++)
		login_row(w, &t, v->logins_recent[i], 1);
	tab_print(w, &t, 2);
	total_line(w, v->logins, n, "accepted login", "accepted logins",
	           n < v->logins ? "(the most recent)" : NULL);
}

static void
sessions(struct txt *w)
{
	static const char *const lhead[] = {"when", "user", "from", "duration"};
	static const char *const lheadh[] = {"when", "host", "user", "from", "duration"};
	static const char *const uhead[] = {"user",       "logins",  "open",
	                                    "total time", "longest", "methods"};
	const struct agg_view *v = w->v;
	char a[40], b[40], d[40], line[200];
	struct table t;
	struct cell c;
	size_t i, n;

	heading(w, "Sessions");
	if (v->sessions_opened == 0) {
		none(w);
		return;
	}
	render_count(a, v->sessions_opened);
	render_count(b, v->sessions_closed);
	render_count(d, v->sessions_open);
	snprintf(line, sizeof(line),
	         "  %s opened, %s closed, %s still open at the end of the input\n", a, b, d);
	put(w, line);
	if ((n = render_rows(v, v->nlongest)) > 0) {
		OBUF_LIT(w->o, "\n  Longest sessions\n");
		if (w->multihost)
			tab_init(&t, 5, lheadh, "llllr");
		else
			tab_init(&t, 4, lhead, "lllr");
		for (i = 0; i < n; i++)
			login_row(w, &t, v->longest[i], 0);
		tab_print(w, &t, 4);
	}
	if ((n = render_rows(v, v->nsession_users)) == 0)
		return;
	OBUF_LIT(w->o, "\n  Per user\n");
	tab_init(&t, 6, uhead, "lrrrrl");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->session_users[i];

		tab_id(&t, v, su->user, C_NONE);
		tab_count(&t, su->logins, C_NONE);
		tab_count(&t, su->open, C_NONE);
		cell_clear(&c);
		if (su->logins > su->open)
			cell_dur(&c, su->total);
		else
			cell_lit(&c, "-"); /* no closed session yet */
		tab_add(&t, &c, C_NONE);
		cell_clear(&c);
		if (su->logins > su->open)
			cell_dur(&c, su->longest);
		else
			cell_lit(&c, "-");
		tab_add(&t, &c, C_NONE);
		cell_clear(&c);
		if (su->publickey) {
			render_count(a, su->publickey);
			cell_lit(&c, "publickey ");
			cell_lit(&c, a);
		}
		if (su->password) {
			render_count(a, su->password);
			cell_lit(&c, c.len ? ", password " : "password ");
			cell_lit(&c, a);
		}
		if (su->other) {
			render_count(a, su->other);
			cell_lit(&c, c.len ? ", other " : "other ");
			cell_lit(&c, a);
		}
		tab_add(&t, &c, su->password ? C_YELLOW : C_NONE);
	}
	tab_print(w, &t, 4);
	total_line(w, v->nsession_users, n, "user logged in", "users logged in", NULL);
}

static const char approx[] = "(approximate: more addresses than the table holds)";

static void
attackers(struct txt *w)
{
	static const char *const head[] = {"address", "attempts",   "conns",     "logins",
	                                   "bans",    "first seen", "last seen", "users tried"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nattackers);
	struct table t;
	struct cell c;
	char buf[40];
	unsigned k;

	heading(w, "Attackers");
	if (n == 0) {
		none(w);
		return;
	}
	tab_init(&t, 8, head, "lrrrrlll");
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];

		tab_addr(&t, &a->src);
		tab_count(&t, a->attempts, C_NONE);
		tab_count(&t, a->connections, C_NONE);
		tab_count(&t, a->logins, a->logins ? C_RED : C_NONE);
		tab_count(&t, a->f2b_bans, C_NONE);
		tab_time(&t, a->first);
		tab_time(&t, a->last);
		/* a few names, each cut short, then how many more */
		cell_clear(&c);
		for (k = 0; k < 3; k++) {
			if (a->users[k] == 0)
				continue;
			if (c.len)
				cell_lit(&c, ", ");
			cell_id(&c, v, a->users[k], 16);
		}
		if (a->users_more) {
			render_count(buf, a->users_more);
			cell_lit(&c, c.len ? " +" : "+");
			cell_lit(&c, buf);
		}
		tab_add(&t, &c, C_NONE);
	}
	tab_print(w, &t, 2);
	total_line(w, v->attackers_total, n, "attacking address", "attacking addresses",
	           v->attackers_exact ? NULL : approx);
}

static void
usernames(struct txt *w)
{
	static const char *const head[] = {"user", "attempts", "conns", "sources", "exists"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nusernames);
	struct table t;

	heading(w, "Targeted usernames");
	if (n == 0) {
		none(w);
		return;
	}
	tab_init(&t, 5, head, "lrrrl");
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid);

		tab_id(&t, v, u->user, e == 1 ? C_YELLOW : C_NONE);
		tab_count(&t, u->attempts, C_NONE);
		tab_count(&t, u->connections, C_NONE);
		tab_count(&t, agg_username_sources(u), C_NONE);
		tab_lit(&t, e == 1 ? "yes" : e == 0 ? "no" : "?", e == 1 ? C_YELLOW : C_NONE);
	}
	tab_print(w, &t, 2);
	total_line(w, v->usernames_total, n, "user name tried", "user names tried",
	           v->usernames_exact ? NULL : "(approximate: more names than the table holds)");
}

static void
timeline(struct txt *w)
{
	static const char *const heads[][5] = {
	    {"hour", "failures", "probes", "logins", ""},
	    {"day", "failures", "probes", "logins", ""},
	    {"week of", "failures", "probes", "logins", ""},
	};
	static const char *const titles[] = {"Timeline (per hour)", "Timeline (per day)",
	                                     "Timeline (per week)"};
	static const enum render_tfmt fmts[] = {RT_HOUR, RT_DAY, RT_DAY};
	struct render_bucket *b;
	unsigned size;
	size_t i, n = render_timeline(w->v, DENSE_MAX, &b, &size);
	uint64_t max = 0;
	struct table t;
	struct cell c;
	char buf[64];

	heading(w, titles[size]);
	if (n == 0) {
		none(w);
		free(b);
		return;
	}
	for (i = 0; i < n; i++)
		if (b[i].failures + b[i].probes > max)
			max = b[i].failures + b[i].probes;
	tab_init(&t, 5, heads[size], "lrrrl");
	for (i = 0; i < n; i++) {
		uint64_t tot = b[i].failures + b[i].probes, nb, nf;

		render_time(buf, sizeof(buf), b[i].t, fmts[size]);
		tab_lit(&t, buf, C_NONE);
		tab_count(&t, b[i].failures, C_NONE);
		tab_count(&t, b[i].probes, C_NONE);
		tab_count(&t, b[i].logins, b[i].logins ? C_GREEN : C_NONE);
		/* bar: total marks scaled to the widest, '#' failures then '+' probes */
		nb = max ? (tot * BAR_COLS + max / 2) / max : 0;
		if (tot > 0 && nb == 0)
			nb = 1;
		nf = tot ? (b[i].failures * nb + tot / 2) / tot : 0;
		if (b[i].failures > 0 && nf == 0)
			nf = 1;
		if (b[i].probes > 0 && nf == nb && nb > 1)
			nf--;
		cell_clear(&c);
		while (c.cols < nf)
			cell_put(&c, "#", 1, 1);
		while (c.cols < nb)
			cell_put(&c, "+", 1, 1);
		tab_add(&t, &c, C_NONE);
	}
	tab_print(w, &t, 2);
	render_count(buf, max);
	OBUF_LIT(w->o, "  # failed authentications, + probes; the longest bar is ");
	put(w, buf);
	obuf_putc(w->o, '\n');
	free(b);
}

static void
alert_detail(struct cell *c, const struct agg_view *v, const struct agg_alert *a)
{
	char buf[40];

	render_count(buf, a->count);
	switch (a->kind) {
	case AL_LOGIN_AFTER_FAILURES:
		cell_lit(c, "after ");
		cell_lit(c, buf);
		cell_lit(c, a->count == 1 ? " failure" : " failures");
		break;
	case AL_SUDO_GRANTED:
		cell_lit(c, "group ");
		break;
	case AL_REVERSE_MAPPING:
		cell_lit(c, buf);
		cell_lit(c, a->count == 1 ? " warning" : " warnings");
		if (a->detail != 0)
			cell_lit(c, ", ");
		break;
	default:
		break;
	}
	if (a->detail != 0) {
		if (a->kind == AL_LOGIN_AFTER_FAILURES)
			cell_lit(c, ", key ");
		cell_id(c, v, a->detail, FP_COLS);
	}
}

static void
alerts(struct txt *w)
{
	static const char *const head[] = {"when", "kind", "user", "from", "detail"};
	static const char *const headh[] = {"when", "kind", "host", "user", "from", "detail"};
	const struct agg_view *v = w->v;
	size_t *idx = xcalloc(v->nalerts ? v->nalerts : 1, sizeof(*idx));
	size_t i, n = render_alerts(v, render_rows(v, v->nalerts), idx);
	struct table t;
	struct cell c;
	char note[80], buf[40];

	heading(w, "Alerts");
	if (n == 0) {
		none(w);
		free(idx);
		return;
	}
	if (w->multihost)
		tab_init(&t, 6, headh, "llllll");
	else
		tab_init(&t, 5, head, "lllll");
	for (i = 0; i < n; i++) {
		const struct agg_alert *a = &v->alerts[idx[i]];

		tab_time(&t, a->ts);
		tab_lit(&t, agg_alert_name(a->kind),
		        a->kind == AL_REVERSE_MAPPING ? C_YELLOW : C_RED);
		if (w->multihost) {
			tab_id(&t, v, a->host, C_NONE);
		}
		tab_id(&t, v, a->user, C_NONE);
		tab_addr(&t, &a->src);
		cell_clear(&c);
		alert_detail(&c, v, a);
		tab_add(&t, &c, C_NONE);
	}
	tab_print(w, &t, 2);
	note[0] = '\0';
	if (v->alerts_dropped) {
		render_count(buf, v->alerts_dropped);
		snprintf(note, sizeof(note), "(%s not kept)", buf);
	}
	total_line(w, v->nalerts + v->alerts_dropped, n, "alert", "alerts", *note ? note : NULL);
	free(idx);
}

static void
sftp(struct txt *w)
{
	static const char *const head[] = {"user", "files", "read", "written", "other ops"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nsftp_users);
	struct table t;
	char buf[40];

	if (n == 0)
		return;
	heading(w, "SFTP");
	tab_init(&t, 5, head, "lrrrr");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->sftp_users[i];

		tab_id(&t, v, su->user, C_NONE);
		tab_count(&t, su->sftp_files, C_NONE);
		render_bytes(buf, sizeof(buf), su->sftp_read);
		tab_lit(&t, buf, C_NONE);
		render_bytes(buf, sizeof(buf), su->sftp_written);
		tab_lit(&t, buf, C_NONE);
		tab_count(&t, su->sftp_ops, C_NONE);
	}
	tab_print(w, &t, 2);
	total_line(w, v->nsftp_users, n, "user", "users", NULL);
}

static void
fail2ban(struct txt *w)
{
	static const char *const jhead[] = {"jail",   "found",    "bans",
	                                    "unbans", "restored", "already banned"};
	static const char *const ohead[] = {"address", "bans", "jail", "first ban", "last ban"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->noffenders);
	struct table t;

	if (v->njails == 0 && v->noffenders == 0)
		return;
	heading(w, "Fail2Ban");
	tab_init(&t, 6, jhead, "lrrrrr");
	for (i = 0; i < v->njails; i++) {
		const struct agg_jail *j = &v->jails[i];

		tab_id(&t, v, j->jail, C_NONE);
		tab_count(&t, j->found, C_NONE);
		tab_count(&t, j->bans, C_NONE);
		tab_count(&t, j->unbans, C_NONE);
		tab_count(&t, j->restores, C_NONE);
		tab_count(&t, j->already, C_NONE);
	}
	tab_print(w, &t, 2);
	total_line(w, v->f2b_banned_addrs, v->f2b_banned_addrs, "address banned",
	           "addresses banned", NULL);
	OBUF_LIT(w->o, "\n  Repeat offenders\n");
	if (n == 0) {
		OBUF_LIT(w->o, "    none\n");
		return;
	}
	tab_init(&t, 5, ohead, "lrlll");
	for (i = 0; i < n; i++) {
		const struct agg_offender *o = v->offenders[i];

		tab_addr(&t, &o->src);
		tab_count(&t, o->bans, C_NONE);
		tab_id(&t, v, o->jail, C_NONE);
		tab_time(&t, o->dates[0]);
		tab_time(&t, o->last);
	}
	tab_print(w, &t, 4);
	total_line(w, v->noffenders, n, "address banned more than once",
	           "addresses banned more than once", NULL);
}

int
render_text(const struct agg_view *v, int fd, int color)
{
	struct obuf o;
	struct txt w;

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
	attackers(&w);
	usernames(&w);
	timeline(&w);
	alerts(&w);
	sftp(&w);
	fail2ban(&w);
	if (obuf_close(&o) != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}
