/* conf.c: the daemon's configuration file: libinih splits the lines, this checks every key. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "addr.h"
#include "conf.h"
#include "conf_impl.h"
#include "timespec.h"
#include "xmalloc.h"

#define MAX_BYTES (16 << 20) /* a configuration file is small: refuse anything larger */
#define JAIL_NAME_MAX 32
#define MAXRETRY_MAX 10000
#define PERMANENT_MAX 1000000
#define FACTOR_MAX 1000
#define WEIGHT_MAX_Q 255 /* the detector counts weights in quarters, at most 255 of them */
#define DEC_PLACES 6     /* decimals accepted in a number (and written back) */
#define WEEK ((int64_t)7 * 86400)

/* Every key; ignoreip is the Fail2Ban name of allow (same id). */
enum kid {
	K_SOCKET,
	K_DATABASE,
	K_GEOIP,
	K_FIREWALL,
	K_ALLOW,
	K_BAN,
	K_UNBAN,
	K_ENABLED,
	K_SOURCE,
	K_REPLAY,
	K_MAXRETRY,
	K_FINDTIME,
	K_BANTIME,
	K_INCREMENT,
	K_FACTOR,
	K_BANMAX,
	K_PERMANENT,
	K_V4,
	K_V6,
	K_WFAIL,
	K_WPROBE,
	K_WNEG,
	K__COUNT
};

enum ktype {
	T_PATH,     /* one non-empty string */
	T_FIREWALL, /* nftables | ipset | command | dryrun:PATH */
	T_CIDRS,    /* addresses and networks; may continue on indented lines */
	T_ARGV,     /* a command template; may continue on indented lines */
	T_SOURCES,  /* paths, globs, journal, journal:UNIT; may continue on indented lines */
	T_BOOL,
	T_UINT,   /* lo..hi */
	T_PREFIX, /* lo..hi, an optional leading '/' */
	T_DUR,    /* duration_parse, > 0 */
	T_DEC,    /* lo..hi, at most DEC_PLACES decimals */
	T_WEIGHT  /* 0..63.75 in steps of 0.25 */
};

#define IN_DAEMON 1u
#define IN_JAIL 2u

struct key {
	const char *name;
	enum kid id;
	enum ktype type;
	unsigned where; /* IN_DAEMON, IN_JAIL or both */
	unsigned lo, hi;
};

static const struct key keys[] = {
    {"socket", K_SOCKET, T_PATH, IN_DAEMON, 0, 0},
    {"database", K_DATABASE, T_PATH, IN_DAEMON, 0, 0},
    {"geoip", K_GEOIP, T_PATH, IN_DAEMON, 0, 0},
    {"firewall", K_FIREWALL, T_FIREWALL, IN_DAEMON, 0, 0},
    {"allow", K_ALLOW, T_CIDRS, IN_DAEMON | IN_JAIL, 0, 0},
    {"ignoreip", K_ALLOW, T_CIDRS, IN_DAEMON | IN_JAIL, 0, 0},
    {"ban_command", K_BAN, T_ARGV, IN_DAEMON, 0, 0},
    {"unban_command", K_UNBAN, T_ARGV, IN_DAEMON, 0, 0},
    {"enabled", K_ENABLED, T_BOOL, IN_JAIL, 0, 0},
    {"source", K_SOURCE, T_SOURCES, IN_JAIL, 0, 0},
    {"replay", K_REPLAY, T_BOOL, IN_JAIL, 0, 0},
    {"maxretry", K_MAXRETRY, T_UINT, IN_JAIL, 1, MAXRETRY_MAX},
    {"findtime", K_FINDTIME, T_DUR, IN_JAIL, 0, 0},
    {"bantime", K_BANTIME, T_DUR, IN_JAIL, 0, 0},
    {"bantime.increment", K_INCREMENT, T_BOOL, IN_JAIL, 0, 0},
    {"bantime.factor", K_FACTOR, T_DEC, IN_JAIL, 1, FACTOR_MAX},
    {"bantime.max", K_BANMAX, T_DUR, IN_JAIL, 0, 0},
    {"bantime.permanent_after", K_PERMANENT, T_UINT, IN_JAIL, 0, PERMANENT_MAX},
    {"ipv4.prefix", K_V4, T_PREFIX, IN_JAIL, 1, 32},
    {"ipv6.prefix", K_V6, T_PREFIX, IN_JAIL, 1, 128},
    {"weight.failure", K_WFAIL, T_WEIGHT, IN_JAIL, 0, 0},
    {"weight.probe", K_WPROBE, T_WEIGHT, IN_JAIL, 0, 0},
    {"weight.negotiation", K_WNEG, T_WEIGHT, IN_JAIL, 0, 0},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Fail2Ban keys an admin may bring along, with what to write instead. */
static const struct {
	const char *name, *hint;
} foreign[] = {
    {"logpath", "Fail2Ban's logpath is source here: files, globs, journal or journal:UNIT"},
    {"backend", "to read the systemd journal write source = journal (or journal:ssh.service)"},
    {"journalmatch", "write source = journal:UNIT, such as journal:ssh.service"},
    {"banaction", "the firewall is chosen once, in [daemon]: firewall = nftables, ipset, "
                  "command or dryrun:PATH"},
    {"action", "the firewall is chosen once, in [daemon]: firewall = nftables, ipset, command "
               "or dryrun:PATH"},
    {"filter", "the sshd rules are built in; weight.failure, weight.probe and "
               "weight.negotiation tune them"},
    {"port", "a ban blocks every port of the address"},
    {"usedns", "authwatch never resolves host names: the address is sshd's own field"},
    {"bantime.maxtime", "Fail2Ban's bantime.maxtime is bantime.max here"},
    {"dbfile", "Fail2Ban's dbfile is database here, in [daemon]"},
};

/*
 * What was written in one section, for duplicates and errors. Invariant: at[id] is the
 * line of the key line that set id (0: not set) and as[id] the name it was set under.
 */
struct sect {
	int line; /* of the [name] header, 0 when the section is absent */
	int at[K__COUNT];
	const struct key *as[K__COUNT];
};

/* What the line libinih is parsing is, by the same rules libinih applies. */
enum lkind { L_SKIP, L_KEY, L_CONT };

#define S_NONE (-2)
#define S_DAEMON (-1)

/*
 * One load. The reader hands libinih one line at a time and classifies it first, so the
 * handler knows its line number, its section (by our reading, not libinih's truncated
 * one) and whether it continues the previous key. Invariant: jm has c->njails entries;
 * sect is S_NONE, S_DAEMON or a jail index; once failed is set, err holds the first error
 * and the reader returns NULL (libinih stops).
 */
struct ctx {
	const char *name; /* for errors */
	const char *text;
	size_t len, pos;
	int lineno;
	enum lkind kind;
	int prev_key;      /* a key line since the last [section] (libinih's prev_name) */
	const char *kname; /* the key name of an L_KEY line, in text */
	size_t knamelen;
	int sect;
	const struct key *cur; /* the last key set in this section (continuations add to it) */
	struct conf *c;
	struct sect dm; /* [daemon] */
	struct sect *jm;
	int failed;
	char *err;
	size_t errlen;
};

/* Records the first error as "NAME:LINE: msg" ("NAME: msg" for line 0); returns 0. */
static int fail(struct ctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *x, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (x->failed)
		return 0;
	x->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->err == NULL || x->errlen == 0)
		return 0;
	if (line > 0)
		snprintf(x->err, x->errlen, "%s:%d: %s", x->name, line, msg);
	else
		snprintf(x->err, x->errlen, "%s: %s", x->name, msg);
	return 0;
}

static void
trim(const char **p, const char **e)
{
	while (*p < *e && conf_is_sp(**p))
		(*p)++;
	while (*e > *p && conf_is_sp((*e)[-1]))
		(*e)--;
}

/*
 * libinih's find_chars_or_comment: the first of chars in [p, e), or a ';' that follows
 * whitespace (an inline comment), or e.
 */
static const char *
find_sep(const char *p, const char *e, const char *chars)
{
	int was_space = 0;

	for (; p < e; p++) {
		if (strchr(chars, *p) != NULL)
			return p;
		if (was_space && *p == ';')
			return p;
		was_space = conf_is_sp(*p);
	}
	return e;
}

/* ---- values ---- */

static int
cidr_eq(const struct cidr *a, const struct cidr *b)
{
	return a->bits == b->bits && addr_eq(&a->net, &b->net);
}

/* Appends *v to the list unless an equal entry is there already. */
static void
cidr_add(struct cidr **list, size_t *n, const struct cidr *v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (cidr_eq(&(*list)[i], v))
			return;
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = *v;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
	                                                                            "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long long n = 0;
	const char *p;

	if (*v == '\0')
		return -1;
	for (p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
		if (n > hi)
			return -1;
	}
	if (n < lo)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static const int64_t pow10s[DEC_PLACES + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/*
 * Parses "D+" or "D+.D{1,6}" (no sign, no exponent, whatever the locale) into num / 10^*k,
 * with the value at most hi. The double num / 10^k is then the correctly rounded value.
 */
static int
parse_dec(const char *v, unsigned hi, int64_t *num, int *k)
{
	int64_t ip = 0, fp = 0;
	const char *p = v;
	int nd = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		ip = ip * 10 + (*p - '0');
		if (ip > hi)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++nd > DEC_PLACES)
				return -1;
			fp = fp * 10 + (*p - '0');
		}
		if (nd == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*num = ip * pow10s[nd] + fp;
	*k = nd;
	if (*num > (int64_t)hi * pow10s[nd])
		return -1;
	return 0;
}

/* Writes a duration in the largest units: 600 -> "10m", 5400 -> "1h30m", 0 -> "0s". */
const char *
conf_fmt_dur(int64_t s, char *buf, size_t len)
{
	static const struct {
		int64_t sec;
		char u;
	} units[] = {{WEEK, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	size_t i, o = 0;

	buf[0] = '\0';
	if (s <= 0) {
		snprintf(buf, len, "%llds", (long long)s);
		return buf;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && o < len; i++) {
		if (s >= units[i].sec) {
			o += (size_t)snprintf(buf + o, len - o, "%lld%c",
			                      (long long)(s / units[i].sec), units[i].u);
			s %= units[i].sec;
		}
	}
	return buf;
}

/* Writes a number parsed by parse_dec back (at most 6 decimals, no trailing zeros). */
const char *
conf_fmt_dec(double v, char *buf, size_t len)
{
	long long n = (long long)(v * (double)pow10s[DEC_PLACES] + 0.5);
	long long ip = n / pow10s[DEC_PLACES], fp = n % pow10s[DEC_PLACES];
	int d = DEC_PLACES;

	if (fp == 0) {
		snprintf(buf, len, "%lld", ip);
		return buf;
	}
	while (fp % 10 == 0) {
		fp /= 10;
		d--;
	}
	snprintf(buf, len, "%lld.%0*lld", ip, d, fp);
	return buf;
}

/* 1 when s is a systemd unit name as journal:UNIT takes it, or an absolute directory of
 * journal files (journal:/var/log/journal/remote). */
static int
unit_ok(const char *s)
{
	if (*s == '/')
		return strchr(s, ' ') == NULL && strchr(s, '\t') == NULL;
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!conf_is_alnum(*s) && strchr(":-_.\\@", *s) == NULL)
			return 0;
	return 1;
}

/* ---- keys ---- */

static void
jail_defaults(struct conf_jail *j)
{
	j->enabled = 1;
	j->replay = 0;
	j->maxretry = 5;
	j->findtime = 600;
	j->bantime = 600;
	j->bantime_max = 0; /* filled in at the end: max(1w, bantime) */
	j->increment = 1;
	j->factor = 2;
	j->permanent_after = 0;
	j->ipv4_prefix = 32;
	j->ipv6_prefix = 64;
	j->w_failure = 1;
	j->w_probe = 0.5;
	j->w_negotiation = 0.25;
}

const struct key *
conf_find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static char
lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Optimal string alignment distance (edits, transpositions), ignoring case; 99 when long. */
static unsigned
edit_distance(const char *a, const char *b)
{
	unsigned d[33][33], cost, v;
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = lower(a[i - 1]) != lower(b[j - 1]);
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The known key nearest to name among those valid in where (or any), if near enough. */
static const struct key *
nearest_key(const char *name, unsigned where)
{
	const struct key *best = NULL;
	unsigned bd = 99, d, pass;
	size_t i, l = strlen(name);

	for (pass = 0; pass < 2 && best == NULL; pass++) {
		for (i = 0; i < NKEYS; i++) {
			if (pass == 0 && !(keys[i].where & where))
				continue;
			d = edit_distance(name, keys[i].name);
			if (d < bd &&
			    (d <= 2 ||
			     d * 3 <= (l > strlen(keys[i].name) ? l : strlen(keys[i].name)))) {
				bd = d;
				best = &keys[i];
			}
		}
	}
	return best;
}

static int
unknown_key(struct ctx *x, const char *name, unsigned where)
{
	const struct key *k;
	size_t i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (strcmp(foreign[i].name, name) == 0)
			return fail(x, x->lineno, "unknown key '%s' (%s)", name, foreign[i].hint);
	k = nearest_key(name, where);
	if (k != NULL)
		return fail(x, x->lineno, "unknown key '%s' (did you mean '%s'?)", name, k->name);
	return fail(x, x->lineno, "unknown key '%s'", name);
}

static const char *
sect_desc(const struct ctx *x, char *buf, size_t len)
{
	if (x->sect == S_DAEMON)
		snprintf(buf, len, "[daemon]");
	else
		snprintf(buf, len, "jail [%s]", x->c->jails[x->sect].name);
	return buf;
}

/* Parses and stores the value of the current key line, or one continuation line. */
static int
set_value(struct ctx *x, const struct key *k, const char *v)
{
	struct conf *c = x->c;
	struct conf_jail *j = x->sect >= 0 ? &c->jails[x->sect] : NULL;
	char why[512], tok[512];
	const char *p, *q, *form = "";
	struct cidr cidr;
	unsigned u;
	int64_t d, num;
	int kd, bv;
	size_t i, n;

	switch (k->type) {
	case T_PATH:
		if (*v == '\0') {
			form = "a path";
			goto bad;
		}
		if (k->id == K_SOCKET)
			c->socket = xstrdup(v);
		else if (k->id == K_GEOIP)
			c->geoip = xstrdup(v);
		else
			c->database = xstrdup(v);
		return 1;
	case T_FIREWALL:
		if (strcmp(v, "nftables") == 0)
			c->firewall = CONF_FW_NFTABLES;
		else if (strcmp(v, "ipset") == 0)
			c->firewall = CONF_FW_IPSET;
		else if (strcmp(v, "command") == 0)
			c->firewall = CONF_FW_COMMAND;
		else if (strncmp(v, "dryrun:", 7) == 0 && v[7] != '\0') {
			c->firewall = CONF_FW_DRYRUN;
			c->dryrun_path = xstrdup(v + 7);
		} else if (strncmp(v, "dryrun", 6) == 0 && (v[6] == '\0' || v[6] == ':'))
			return fail(x, x->lineno,
			            "bad firewall '%s': dryrun needs a file, such as "
			            "dryrun:/var/log/authwatch/decisions.log",
			            v);
		else {
			form = "nftables, ipset, command or dryrun:PATH";
			goto bad;
		}
		return 1;
	case T_CIDRS:
		for (p = v; *p;) {
			while (conf_is_sp(*p) || *p == ',')
				p++;
			for (q = p; *q && !conf_is_sp(*q) && *q != ','; q++)
				;
			if (q == p)
				break;
			n = (size_t)(q - p) < sizeof(tok) - 1 ? (size_t)(q - p) : sizeof(tok) - 1;
			memcpy(tok, p, n);
			tok[n] = '\0';
			p = q;
			if (cidr_parse(tok, &cidr) != 0)
				return fail(
				    x, x->lineno,
				    "bad %s entry '%s': expected an address or network such as "
				    "192.0.2.7, 192.0.2.0/24 or 2001:db8::/48 (host names are "
				    "not resolved)",
				    k->name, tok);
			if (cidr.bits == 0)
				return fail(
				    x, x->lineno,
				    "%s entry '%s' covers every address: nothing would ever be "
				    "banned",
				    k->name, tok);
			if (j != NULL)
				cidr_add(&j->allow, &j->nallow, &cidr);
			else
				cidr_add(&c->allow, &c->nallow, &cidr);
		}
		return 1;
	case T_ARGV: {
		char ***av = k->id == K_BAN ? &c->ban_argv : &c->unban_argv;

		n = conf_strv_len(*av);
		if (conf_argv_split(v, av, &n, why, sizeof(why)) != 0)
			return fail(x, x->lineno, "bad %s: %s", k->name, why);
		return 1;
	}
	case T_SOURCES:
		for (p = v; *p;) {
			while (conf_is_sp(*p))
				p++;
			for (q = p; *q && !conf_is_sp(*q); q++)
				;
			if (q == p)
				break;
			n = (size_t)(q - p) < sizeof(tok) - 1 ? (size_t)(q - p) : sizeof(tok) - 1;
			memcpy(tok, p, n);
			tok[n] = '\0';
			p = q;
			if (strncmp(tok, "journal:", 8) == 0 && !unit_ok(tok + 8))
				return fail(
				    x, x->lineno,
				    "bad source '%s': journal:UNIT takes a systemd unit such as "
				    "journal:ssh.service (or journal:/DIR, a directory of journal "
				    "files)",
				    tok);
			for (i = 0; i < j->nsources; i++)
				if (strcmp(j->sources[i], tok) == 0)
					return fail(x, x->lineno, "source '%s' is listed twice",
					            tok);
			conf_strv_push(&j->sources, &j->nsources, xstrdup(tok));
		}
		return 1;
	case T_BOOL:
		if (parse_bool(v, &bv) != 0) {
			form = "yes or no (also true/false, on/off, 1/0)";
			goto bad;
		}
		if (k->id == K_ENABLED)
			j->enabled = bv;
		else if (k->id == K_REPLAY)
			j->replay = bv;
		else
			j->increment = bv;
		return 1;
	case T_UINT:
		if (parse_uint(v, k->lo, k->hi, &u) != 0) {
			snprintf(why, sizeof(why), "a whole number from %u%s to %u", k->lo,
			         k->lo == 0 ? " (never)" : "", k->hi);
			form = why;
			goto bad;
		}
		if (k->id == K_MAXRETRY)
			j->maxretry = u;
		else
			j->permanent_after = u;
		return 1;
	case T_PREFIX:
		if (parse_uint(v + (*v == '/'), k->lo, k->hi, &u) != 0) {
			snprintf(why, sizeof(why), "a prefix length from %u to %u", k->lo, k->hi);
			form = why;
			goto bad;
		}
		if (k->id == K_V4)
			j->ipv4_prefix = u;
		else
			j->ipv6_prefix = u;
		return 1;
	case T_DUR:
		if (k->id == K_BANTIME && strcmp(v, "-1") == 0)
			return fail(x, x->lineno,
			            "bad bantime '-1': for permanent bans write "
			            "bantime.permanent_after = N (the Nth ban is permanent)");
		if (duration_parse(v, &d) != 0) {
			form = "a duration such as 30s, 10m, 1h, 2d, 1w or 1h30m";
			goto bad;
		}
		if (d <= 0)
			return fail(x, x->lineno, "bad %s '%s': must be longer than 0", k->name, v);
		if (k->id == K_FINDTIME)
			j->findtime = d;
		else if (k->id == K_BANTIME)
			j->bantime = d;
		else
			j->bantime_max = d;
		return 1;
	case T_DEC:
		if (parse_dec(v, k->hi, &num, &kd) != 0 || num < (int64_t)k->lo * pow10s[kd]) {
			snprintf(why, sizeof(why),
			         "a number from %u to %u such as 1.5 (at most %d decimals)", k->lo,
			         k->hi, DEC_PLACES);
			form = why;
			goto bad;
		}
		j->factor = (double)num / (double)pow10s[kd];
		return 1;
	case T_WEIGHT:
		if (parse_dec(v, WEIGHT_MAX_Q / 4 + 1, &num, &kd) != 0 ||
		    num * 4 % pow10s[kd] != 0 || num * 4 / pow10s[kd] > WEIGHT_MAX_Q) {
			form = "a multiple of 0.25 from 0 (not counted) to 63.75, such as 0.5";
			goto bad;
		}
		if (k->id == K_WFAIL)
			j->w_failure = (double)num / (double)pow10s[kd];
		else if (k->id == K_WPROBE)
			j->w_probe = (double)num / (double)pow10s[kd];
		else
			j->w_negotiation = (double)num / (double)pow10s[kd];
		return 1;
	}
	return fail(x, x->lineno, "internal error: key '%s' has no type", k->name);
bad:
	return fail(x, x->lineno, "bad %s '%s': expected %s", k->name, v, form);
}

static int
on_key(struct ctx *x, const char *name, const char *value)
{
	struct sect *s;
	const struct key *k;
	unsigned where;
	char b[64];

	if (x->sect == S_NONE)
		return fail(x, x->lineno,
		            "'%s' is outside any section: put it under [daemon] or a jail such as "
		            "[sshd]",
		            name);
	where = x->sect == S_DAEMON ? IN_DAEMON : IN_JAIL;
	k = conf_find_key(name);
	if (k == NULL)
		return unknown_key(x, name, where);
	if (!(k->where & where))
		return fail(x, x->lineno, "'%s' belongs in %s, not in %s", name,
		            k->where & IN_DAEMON ? "[daemon]" : "a jail section such as [sshd]",
		            sect_desc(x, b, sizeof(b)));
	s = x->sect == S_DAEMON ? &x->dm : &x->jm[x->sect];
	if (s->at[k->id] != 0) {
		if (s->as[k->id] != k)
			return fail(
			    x, x->lineno,
			    "duplicate key '%s' (already set on line %d as '%s'; continue a "
			    "list on indented lines)",
			    name, s->at[k->id], s->as[k->id]->name);
		return fail(x, x->lineno, "duplicate key '%s' (already set on line %d)", name,
		            s->at[k->id]);
	}
	s->at[k->id] = x->lineno;
	s->as[k->id] = k;
	x->cur = k;
	/*
	 * "key =;x" gives ";x", but "key = ;x" a comment: the value could not be
	 * written back (conf_write puts a space after '=') and is a typo anyway
	 */
	if (value[0] == ';')
		return fail(x, x->lineno,
		            "the value of '%s' starts with ';', which after a space starts a "
		            "comment: remove it, or put the comment after a space",
		            name);
	return set_value(x, k, value);
}

/* An indented line after a key: libinih hands it over as more of that key's value. */
static int
on_cont(struct ctx *x, const char *name, const char *value)
{
	const char *p, *e;
	char *v;
	int rc;

	if (x->cur == NULL || strcmp(x->cur->name, name) != 0)
		return fail(x, x->lineno, "cannot read this indented line");
	if (value[0] == '[')
		return fail(x, x->lineno,
		            "an indented line after a key continues its value: remove the "
		            "indentation of this [section] header");
	/* "  maxretry = 2" under "source = /x" would silently become three more sources */
	p = value;
	e = find_sep(p, p + strlen(p), "=:");
	if (*e == '=' || *e == ':') {
		trim(&p, &e);
		v = xstrndup(p, (size_t)(e - p));
		rc = conf_find_key(v) != NULL;
		if (rc)
			fail(x, x->lineno,
			     "this indented line would continue '%s' (libinih reads indented lines "
			     "so): remove the indentation of '%s'",
			     x->cur->name, v);
		free(v);
		if (rc)
			return 0;
	}
	if (x->cur->type != T_CIDRS && x->cur->type != T_SOURCES && x->cur->type != T_ARGV)
		return fail(x, x->lineno,
		            "this indented line continues '%s', which takes one value (remove the "
		            "indentation if it is a new key)",
		            x->cur->name);
	/* libinih leaves inline comments in continuation lines: cut them as on key lines */
	p = value;
	e = find_sep(p, p + strlen(p), "");
	trim(&p, &e);
	if (p == e)
		return 1;
	v = xstrndup(p, (size_t)(e - p));
	rc = set_value(x, x->cur, v);
	free(v);
	return rc;
}

/* libinih's handler: section is ignored (ctx knows it, untruncated). */
static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *x = user;

	(void)section;
	if (x->failed)
		return 0;
	if (x->kind == L_CONT)
		return on_cont(x, name, value);
	if (x->kind != L_KEY || strlen(name) != x->knamelen ||
	    memcmp(name, x->kname, x->knamelen) != 0)
		return fail(x, x->lineno, "cannot read this line (libinih split it differently)");
	return on_key(x, name, value);
}

/* ---- lines ---- */

static int
jail_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > JAIL_NAME_MAX || !conf_is_alnum(s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!conf_is_alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* A "[name]" line: opens [daemon] or a new jail. */
static int
open_section(struct ctx *x, const char *p, const char *e)
{
	struct conf *c = x->c;
	const char *q = find_sep(p + 1, e, "]"), *n0 = p + 1, *n1 = q, *r = q + 1, *re = e;
	size_t n, i;

	if (q == e || *q != ']')
		return fail(x, x->lineno, "missing ']' at the end of the section header");
	trim(&n0, &n1);
	trim(&r, &re);
	if (r < re && *r != ';' && *r != '#')
		return fail(x, x->lineno, "unexpected text after ']': '%.*s'", (int)(re - r), r);
	n = (size_t)(n1 - n0);
	x->prev_key = 0;
	x->cur = NULL;
	if (n == 6 && memcmp(n0, "daemon", 6) == 0) {
		if (x->dm.line)
			return fail(x, x->lineno, "duplicate section [daemon] (first on line %d)",
			            x->dm.line);
		x->dm.line = x->lineno;
		x->sect = S_DAEMON;
		return 1;
	}
	if (n == 6 && strncasecmp(n0, "daemon", 6) == 0)
		return fail(x, x->lineno, "section names are case-sensitive: write [daemon]");
	if (n == 7 && memcmp(n0, "DEFAULT", 7) == 0)
		return fail(
		    x, x->lineno,
		    "[DEFAULT] is Fail2Ban's: authwatch has no defaults section, set the keys "
		    "in each jail");
	if (!jail_name_ok(n0, n))
		return fail(
		    x, x->lineno,
		    "bad jail name '%.*s': 1 to %d letters, digits, '_', '-' or '.', starting "
		    "with a letter or digit",
		    (int)n, n0, JAIL_NAME_MAX);
	for (i = 0; i < c->njails; i++)
		if (strlen(c->jails[i].name) == n && memcmp(c->jails[i].name, n0, n) == 0)
			return fail(x, x->lineno, "duplicate jail [%.*s] (first on line %d)",
			            (int)n, n0, x->jm[i].line);
	c->jails = xreallocarray(c->jails, c->njails + 1, sizeof(*c->jails));
	x->jm = xreallocarray(x->jm, c->njails + 1, sizeof(*x->jm));
	memset(&c->jails[c->njails], 0, sizeof(*c->jails));
	memset(&x->jm[c->njails], 0, sizeof(*x->jm));
	c->jails[c->njails].name = xstrndup(n0, n);
	jail_defaults(&c->jails[c->njails]);
	x->jm[c->njails].line = x->lineno;
	x->sect = (int)c->njails++;
	return 1;
}

/*
 * Classifies line s[0..n) (no end of line) as libinih will: comment or blank, continuation
 * (indented, after a key), section, key line. Returns 1, or 0 after fail().
 */
static int
classify(struct ctx *x, const char *s, size_t n)
{
	const char *p = s, *e = s + n, *q, *k0, *k1;
	char word[64];

	x->kind = L_SKIP;
	if (x->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		p += 3; /* libinih skips a UTF-8 BOM */
	trim(&p, &e);
	if (p == e || *p == ';' || *p == '#')
		return 1;
	if (x->prev_key && p > s) {
		x->kind = L_CONT;
		return 1;
	}
	if (*p == '[')
		return open_section(x, p, e);
	q = find_sep(p, e, "=:");
	if (q == e || (*q != '=' && *q != ':')) {
		k0 = p;
		k1 = q;
		trim(&k0, &k1);
		if ((size_t)(k1 - k0) < sizeof(word)) {
			memcpy(word, k0, (size_t)(k1 - k0));
			word[k1 - k0] = '\0';
			if (conf_find_key(word) != NULL)
				return fail(x, x->lineno, "'%s' has no value: write %s = VALUE",
				            word, word);
		}
		return fail(x, x->lineno,
		            "expected 'key = value', '[section]' or a comment, not '%.*s'",
		            (int)(k1 - k0), k0);
	}
	k0 = p;
	k1 = q;
	trim(&k0, &k1);
	if (k0 == k1)
		return fail(x, x->lineno, "missing key name before '%c'", *q);
	x->kind = L_KEY;
	x->prev_key = 1;
	x->kname = k0;
	x->knamelen = (size_t)(k1 - k0);
	return 1;
}

/* Refuses what a text file does not hold: NUL and control characters other than tab. */
static int
check_bytes(struct ctx *x, const char *s, size_t n)
{
	size_t i;
	unsigned char ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(x, x->lineno,
			            "byte 0x%02x (column %zu) is not text: is this a configuration "
			            "file?",
			            ch, i + 1);
	}
	return 1;
}

/*
 * libinih's reader (fgets-like): copies the next whole line into str[0..num) after checking
 * and classifying it. A line that does not fit is an error, never split (libinih would
 * parse its tail as a line of its own). Returns str, or NULL at the end or after an error.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct ctx *x = stream;
	const char *s, *nl;
	size_t full, n;

	if (x->failed || x->pos >= x->len)
		return NULL;
	s = x->text + x->pos;
	nl = memchr(s, '\n', x->len - x->pos);
	full = nl != NULL ? (size_t)(nl - s) + 1 : x->len - x->pos;
	x->pos += full;
	x->lineno++;
	n = full - (nl != NULL);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (!check_bytes(x, s, n))
		return NULL;
	if (num < 4 || n > (size_t)num - 3) {
		fail(x, x->lineno,
		     "line longer than %d characters (libinih's limit): continue a long list on "
		     "indented lines",
		     num < 4 ? 0 : num - 3);
		return NULL;
	}
	if (!classify(x, s, n))
		return NULL;
	memcpy(str, s, full);
	str[full] = '\0';
	return str;
}

/* ---- the whole file ---- */

/* Fills in the defaults that depend on other keys and checks what spans keys. */
static int
finish(struct ctx *x)
{
	struct conf *c = x->c;
	struct conf_jail *j;
	struct sect *m;
	struct cidr *own;
	size_t i, k, nown;
	char b1[32], b2[32];

	if (c->socket == NULL)
		c->socket = xstrdup(CONF_SOCKET);
	if (c->database == NULL)
		c->database = xstrdup(CONF_DATABASE);
	if (c->firewall == CONF_FW_COMMAND && c->ban_argv == NULL)
		return fail(x, x->dm.at[K_FIREWALL],
		            "firewall = command needs ban_command, such as ban_command = "
		            "/usr/sbin/ipset add blk {ip}/{prefix} timeout {seconds}");
	if (c->njails == 0)
		return fail(
		    x, 0, "no jail: add a section such as [sshd] with source = /var/log/auth.log");
	for (i = 0; i < c->njails; i++) {
		j = &c->jails[i];
		m = &x->jm[i];
		if (j->nsources == 0 && m->at[K_SOURCE])
			return fail(x, m->at[K_SOURCE],
			            "source is empty: name log files or globs, journal or "
			            "journal:UNIT");
		if (j->nsources == 0)
			return fail(x, m->line,
			            "jail [%s] has no source (such as source = /var/log/auth.log, "
			            "or journal)",
			            j->name);
		if (m->at[K_BANMAX] && j->bantime_max < j->bantime)
			return fail(x, m->at[K_BANMAX],
			            "bantime.max (%s) is shorter than bantime (%s)",
			            conf_fmt_dur(j->bantime_max, b1, sizeof(b1)),
			            conf_fmt_dur(j->bantime, b2, sizeof(b2)));
		if (!m->at[K_BANMAX])
			j->bantime_max = j->bantime > WEEK ? j->bantime : WEEK;
		own = j->allow;
		nown = j->nallow;
		j->allow = xreallocarray(NULL, c->nallow + nown + 1, sizeof(*j->allow));
		memcpy(j->allow, c->allow, c->nallow * sizeof(*j->allow));
		j->nallow = c->nallow;
		for (k = 0; k < nown; k++)
			cidr_add(&j->allow, &j->nallow, &own[k]);
		free(own);
	}
	return 1;
}

static int
parse(const char *text, size_t len, const char *name, struct conf *c, char *err, size_t errlen)
{
	struct ctx x;
	struct cidr lo;
	int r;

	memset(&x, 0, sizeof(x));
	x.name = name;
	x.text = text;
	x.len = len;
	x.sect = S_NONE;
	x.c = c;
	x.err = err;
	x.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	c->path = xstrdup(name);
	/* loopback is always allowed: first, so that the written list keeps its place */
	if (cidr_parse("127.0.0.0/8", &lo) == 0)
		cidr_add(&c->allow, &c->nallow, &lo);
	if (cidr_parse("::1", &lo) == 0)
		cidr_add(&c->allow, &c->nallow, &lo);
	r = ini_parse_stream(reader, &x, on_pair, &x);
	if (!x.failed && r != 0)
		fail(&x, r > 0 ? r : 0, r == -2 ? "out of memory" : "cannot parse this line");
	if (!x.failed)
		finish(&x);
	free(x.jm);
	if (x.failed) {
		conf_free(c);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
conf_load_string(const char *text, const char *name, struct conf *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (name == NULL)
		name = "(string)";
	if (text == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: no text", name);
		errno = EINVAL;
		return -1;
	}
	return parse(text, strlen(text), name, c, err, errlen);
}

/* Reads path whole into *text (NUL-terminated, *len bytes). Returns 0 or -1 with err, errno. */
static int
read_all(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	ssize_t r;
	int fd, rc = -1, e = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > MAX_BYTES) {
				e = EFBIG;
				goto out;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	if (rc != 0 && err != NULL && errlen > 0) {
		if (e == EFBIG)
			snprintf(err, errlen, "%s: larger than %d MiB: not a configuration file",
			         path, MAX_BYTES >> 20);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(e));
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		errno = e;
	return rc;
}

int
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	if (read_all(path, &text, &len, err, errlen) != 0)
		return -1;
	rc = parse(text, len, path, c, err, errlen);
	free(text);
	return rc;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->njails; i++) {
		free(c->jails[i].name);
		xfree_strv(c->jails[i].sources);
		free(c->jails[i].allow);
	}
	free(c->jails);
	free(c->path);
	free(c->socket);
	free(c->database);
	free(c->geoip);
	free(c->dryrun_path);
	xfree_strv(c->ban_argv);
	xfree_strv(c->unban_argv);
	free(c->allow);
	memset(c, 0, sizeof(*c));
}
