/* conf_write.c: the effective configuration written back in the INI form conf_load reads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf.h"
#include "conf_impl.h"
#include "conf_write.h"
#include "xmalloc.h"

#define WRAP 100     /* conf_write continues a list on a new line past this column */
#define INI_LINE 197 /* the longest line libinih reads whole (its 200-byte buffer) */

/*
 * A "key = item item ..." line, continued on tab-indented lines past WRAP
 * columns. The items are kept until wl_end, which lays them out: where a line
 * breaks depends on the items after it (see wl_end).
 */
struct wline {
	FILE *f;
	size_t keylen; /* of "key =" */
	char **items;
	size_t n;
};

static void
wl_start(struct wline *w, FILE *f, const char *key)
{
	w->f = f;
	w->items = NULL;
	w->n = 0;
	w->keylen = (size_t)fprintf(f, "%s =", key);
}

/* Adds a copy of s. */
static void
wl_item(struct wline *w, const char *s)
{
	conf_strv_push(&w->items, &w->n, xstrdup(s));
}

/*
 * Whether item s may begin an indented line: not when libinih would read the
 * line as a comment, or conf_load as a section header or as a key of its own
 * (on_cont refuses a line whose text before '=' or ':' is a key's name: an
 * item that is a key's name is kept off the start of a line too, as an item
 * "=..." after it would make it one).
 */
static int
wl_may_begin(const char *s)
{
	size_t n = strcspn(s, "=:");
	char *k;
	int ok;

	if (*s == ';' || *s == '#' || *s == '[')
		return 0;
	k = xstrndup(s, n);
	ok = conf_find_key(k) == NULL;
	free(k);
	return ok;
}

/*
 * Writes the items, a new indented line before one that would end past WRAP.
 * Loading the output must give the same configuration, so a line may only
 * begin with an item that wl_may_begin: when the one that does not fit may
 * not, the line breaks before the last one on it that may (items stay on the
 * lines they would have been read from). The first item goes on an indented
 * line when that is shorter than after the key, or when a later one needs it
 * there, so that lines stay within libinih's 197 characters whenever the
 * items came from lines that did.
 */
static void
wl_end(struct wline *w)
{
	uint8_t *brk = xcalloc(w->n + 1, 1); /* brk[i]: an indented line begins with item i */
	size_t first = 0, col = w->keylen, i, k, m;
	int on_key = 1; /* the current line is the key's */

	for (i = 0; i < w->n; i++) {
		size_t l = strlen(w->items[i]);

		if ((on_key || i > first) && col + 1 + l > WRAP) {
			/* a break may go before items lo..i of this line (before the key line's
			 * first: when that is shorter, to make room for a later one, or when it
			 * would not fit libinih's line after the key) */
			size_t lo =
			    on_key
			        ? (w->keylen > 8 || i > 0 || w->keylen + 1 + l > INI_LINE ? 0 : 1)
			        : first + 1;

			/* the last of them that may begin a line: items[k - 1] */
			for (k = i + 1; k > lo && !wl_may_begin(w->items[k - 1]); k--)
				;
			if (k > lo) {
				first = k - 1;
				brk[first] = 1;
				on_key = 0;
				col = 8 + strlen(w->items[first]);
				for (m = first + 1; m <= i; m++)
					col += 1 + strlen(w->items[m]);
				continue;
			}
		}
		col += (!on_key && i == first ? 0 : 1) + l;
	}
	for (i = 0; i < w->n; i++) {
		fputs(brk[i] ? "\n\t" : " ", w->f);
		fputs(w->items[i], w->f);
	}
	fputc('\n', w->f);
	free(brk);
	xfree_strv(w->items);
	w->items = NULL;
	w->n = 0;
}

static void
write_cidrs(FILE *f, const char *key, const struct cidr *v, size_t n)
{
	struct wline w;
	char a[ADDR_STRLEN + 8];
	size_t i, l;

	wl_start(&w, f, key);
	for (i = 0; i < n; i++) {
		l = addr_format(&v[i].net, a);
		if (v[i].bits != (v[i].net.af == 4 ? 32 : 128))
			snprintf(a + l, sizeof(a) - l, "/%u", (unsigned)v[i].bits);
		wl_item(&w, a);
	}
	wl_end(&w);
}

/* quote_short's ways of writing a character: bare, in '...', in "..." */
enum { QM_BARE, QM_SINGLE, QM_DOUBLE, QM__N };
#define QM_NO ((size_t)-1 / 4) /* a character that cannot be written so */

/* Bytes to write c in mode m; ws: the byte written before it is a space (see quote_short). */
static size_t
quote_cost(char c, unsigned m, int ws)
{
	switch (m) {
	case QM_BARE: /* spaces only in quotes: libinih strips them at the end of a line */
		return conf_is_sp(c)                                              ? QM_NO
		       : (c == '\\' || c == '"' || c == '\'' || (c == ';' && ws)) ? 2
		                                                                  : 1;
	case QM_SINGLE: /* no escapes in '...': a quote or a comment's ';' must be outside */
		return c == '\'' || (c == ';' && ws) ? QM_NO : 1;
	default:
		return c == '\\' || c == '"' || (c == ';' && ws) ? 2 : 1;
	}
}

/*
 * The shortest way to write s for argv_split, mixing bare text, '...' and
 * "..." (so that an argument read from a line that fitted libinih's buffer
 * fits again, however it was quoted). A ';' after a space is escaped or moved
 * out of '...': libinih would take it for a comment. Dynamic programming over
 * (position, mode); malloc'ed result.
 */
static char *
quote_short(const char *s)
{
	size_t n = strlen(s), i, best, c, t;
	size_t *cost = xreallocarray(NULL, (n + 1) * QM__N, sizeof(*cost));
	uint8_t *from = xmalloc((n + 1) * QM__N);
	unsigned m, pm, last = QM_BARE;
	char *o, *q;

	for (m = 0; m < QM__N; m++)
		cost[m] = m == QM_BARE ? 0 : 1; /* the opening quote */
	for (i = 0; i < n; i++)
		for (m = 0; m < QM__N; m++) {
			cost[(i + 1) * QM__N + m] = QM_NO;
			for (pm = 0; pm < QM__N; pm++) {
				/* leaving pm and entering m write quotes, which are not spaces */
				int moved = pm != m && i > 0;
				int ws = !moved && (i == 0 ? m == QM_BARE : conf_is_sp(s[i - 1]));

				t = cost[i * QM__N + pm] +
				    (moved ? (pm != QM_BARE) + (m != QM_BARE) : 0);
				if (i == 0 && pm != m)
					continue; /* the start: cost[m] already opened m */
				c = quote_cost(s[i], m, ws);
				if (c >= QM_NO || t + c >= cost[(i + 1) * QM__N + m])
					continue;
				cost[(i + 1) * QM__N + m] = t + c;
				from[(i + 1) * QM__N + m] = (uint8_t)pm;
			}
		}
	best = QM_NO;
	for (m = 0; m < QM__N; m++) {
		/* the closing quote; an empty argument needs its quotes */
		t = cost[n * QM__N + m] + (m != QM_BARE) + (n == 0 && m == QM_BARE ? QM_NO : 0);
		if (t < best) {
			best = t;
			last = m;
		}
	}
	o = xmalloc(best + 1);
	q = o + best;
	*q = '\0';
	/* written back to front */
	m = last;
	if (m != QM_BARE)
		*--q = m == QM_SINGLE ? '\'' : '"';
	for (i = n; i-- > 0;) {
		pm = from[(i + 1) * QM__N + m];
		*--q = s[i];
		if (quote_cost(s[i], m,
		               pm == m && (i == 0 ? m == QM_BARE : conf_is_sp(s[i - 1]))) == 2)
			*--q = '\\';
		if (pm != m && i > 0) {
			if (m != QM_BARE)
				*--q = m == QM_SINGLE ? '\'' : '"';
			if (pm != QM_BARE)
				*--q = pm == QM_SINGLE ? '\'' : '"';
		}
		m = pm;
	}
	if (m != QM_BARE)
		*--q = m == QM_SINGLE ? '\'' : '"';
	if (q != o)
		abort(); /* the costs and the text disagree */
	free(cost);
	free(from);
	return o;
}

/*
 * One argument quoted so that argv_split gives it back: in "..." when it has
 * spaces, with '\\' before '\\', '"', '\'' and a ';' after a space or at the
 * start (libinih would take that for a comment); or quote_short's way when
 * that is shorter.
 */
static char *
quote_arg(const char *s)
{
	char *o = xmalloc(2 * strlen(s) + 3), *p = o, *alt;
	int q = *s == '\0';
	const char *t;

	for (t = s; *t; t++)
		if (conf_is_sp(*t))
			q = 1;
	if (q)
		*p++ = '"';
	for (t = s; *t; t++) {
		if (*t == '\\' || *t == '"' || *t == '\'' ||
		    (*t == ';' && (t == s || conf_is_sp(t[-1]))))
			*p++ = '\\';
		*p++ = *t;
	}
	if (q)
		*p++ = '"';
	*p = '\0';
	alt = quote_short(s);
	if (strlen(alt) < strlen(o)) {
		free(o);
		return alt;
	}
	free(alt);
	return o;
}

static void
write_argv(FILE *f, const char *key, char *const *v)
{
	struct wline w;
	char *s;

	wl_start(&w, f, key);
	for (; v != NULL && *v != NULL; v++) {
		s = quote_arg(*v);
		wl_item(&w, s);
		free(s);
	}
	wl_end(&w);
}

int
conf_write(const struct conf *c, FILE *f)
{
	static const char *const fw[] = {"nftables", "ipset", "command", "dryrun"};
	const struct conf_jail *j;
	struct wline w;
	char b[64];
	size_t i, k;

	fprintf(f, "; authwatch: the effective configuration (every key, defaults filled in)\n");
	fprintf(f, "[daemon]\n");
	fprintf(f, "socket = %s\n", c->socket);
	fprintf(f, "database = %s\n", c->database);
	if (c->geoip != NULL)
		fprintf(f, "geoip = %s\n", c->geoip);
	fprintf(f, "history = %s\n", duration_format(c->history, b, sizeof(b)));
	if (c->firewall == CONF_FW_DRYRUN)
		fprintf(f, "firewall = dryrun:%s\n", c->dryrun_path);
	else
		fprintf(f, "firewall = %s\n", fw[c->firewall]);
	write_cidrs(f, "allow", c->allow, c->nallow);
	write_argv(f, "ban_command", c->ban_argv);
	write_argv(f, "unban_command", c->unban_argv);
	for (i = 0; i < c->njails; i++) {
		j = &c->jails[i];
		fprintf(f, "\n[%s]\n", j->name);
		fprintf(f, "enabled = %s\n", j->enabled ? "yes" : "no");
		wl_start(&w, f, "source");
		for (k = 0; k < j->nsources; k++)
			wl_item(&w, j->sources[k]);
		wl_end(&w);
		fprintf(f, "replay = %s\n", j->replay ? "yes" : "no");
		fprintf(f, "maxretry = %u\n", j->maxretry);
		fprintf(f, "findtime = %s\n", duration_format(j->findtime, b, sizeof(b)));
		fprintf(f, "bantime = %s\n", duration_format(j->bantime, b, sizeof(b)));
		fprintf(f, "bantime.increment = %s\n", j->increment ? "yes" : "no");
		fprintf(f, "bantime.factor = %s\n", conf_fmt_dec(j->factor, b, sizeof(b)));
		fprintf(f, "bantime.max = %s\n", duration_format(j->bantime_max, b, sizeof(b)));
		fprintf(f, "bantime.permanent_after = %u\n", j->permanent_after);
		fprintf(f, "ipv4.prefix = %u\n", j->ipv4_prefix);
		fprintf(f, "ipv6.prefix = %u\n", j->ipv6_prefix);
		fprintf(f, "weight.failure = %s\n", conf_fmt_dec(j->w_failure, b, sizeof(b)));
		fprintf(f, "weight.probe = %s\n", conf_fmt_dec(j->w_probe, b, sizeof(b)));
		fprintf(f, "weight.negotiation = %s\n",
		        conf_fmt_dec(j->w_negotiation, b, sizeof(b)));
		/* the jail's own entries: the daemon's list comes first (struct conf_jail) */
		write_cidrs(f, "allow", j->allow + c->nallow,
		            j->nallow > c->nallow ? j->nallow - c->nallow : 0);
	}
	if (fflush(f) != 0 || ferror(f))
		return -1;
	return 0;
}
