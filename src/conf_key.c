/* conf_key.c: every key of the configuration: its table, and each value parsed, checked, stored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf.h"
#include "conf_impl.h"
#include "timespec.h"
#include "xmalloc.h"

#define MAXRETRY_MAX 10000
#define PERMANENT_MAX 1000000
#define FACTOR_MAX 1000
#define WEIGHT_MAX_Q 255 /* the detector counts weights in quarters, at most 255 of them */
#define DEC_PLACES 6     /* decimals accepted in a number (and written back) */

enum ktype {
	T_PATH,     /* one non-empty string */
	T_FIREWALL, /* nftables | ipset | command | dryrun:PATH */
	T_CIDRS,    /* addresses and networks; may continue on indented lines */
	T_ARGV,     /* a command template; may continue on indented lines */
	T_SOURCES,  /* paths, globs, journal, journal:UNIT; may continue on indented lines */
	T_BOOL,
	T_UINT,   /* lo..hi */
	T_PREFIX, /* lo..hi, an optional leading '/' */
	T_DUR,    /* duration_parse, >= lo seconds (lo 0 or 1) */
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
    {"history", K_HISTORY, T_DUR, IN_DAEMON, 0, 0}, /* 0 allowed: keep every ban */
    {"firewall", K_FIREWALL, T_FIREWALL, IN_DAEMON, 0, 0},
    {"allow", K_ALLOW, T_CIDRS, IN_DAEMON | IN_JAIL, 0, 0},
    {"ignoreip", K_ALLOW, T_CIDRS, IN_DAEMON | IN_JAIL, 0, 0},
    {"ban_command", K_BAN, T_ARGV, IN_DAEMON, 0, 0},
    {"unban_command", K_UNBAN, T_ARGV, IN_DAEMON, 0, 0},
    {"enabled", K_ENABLED, T_BOOL, IN_JAIL, 0, 0},
    {"source", K_SOURCE, T_SOURCES, IN_JAIL, 0, 0},
    {"replay", K_REPLAY, T_BOOL, IN_JAIL, 0, 0},
    {"maxretry", K_MAXRETRY, T_UINT, IN_JAIL, 1, MAXRETRY_MAX},
    {"findtime", K_FINDTIME, T_DUR, IN_JAIL, 1, 0},
    {"bantime", K_BANTIME, T_DUR, IN_JAIL, 1, 0},
    {"bantime.increment", K_INCREMENT, T_BOOL, IN_JAIL, 0, 0},
    {"bantime.factor", K_FACTOR, T_DEC, IN_JAIL, 1, FACTOR_MAX},
    {"bantime.max", K_BANMAX, T_DUR, IN_JAIL, 1, 0},
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
    {"dbpurgeage", "Fail2Ban's dbpurgeage is history here, in [daemon]"},
};

/* ---- values ---- */

static int
cidr_eq(const struct cidr *a, const struct cidr *b)
{
	return a->bits == b->bits && addr_eq(&a->net, &b->net);
}

/* Appends *v to the list unless an equal entry is there already. */
void
conf_cidr_add(struct cidr **list, size_t *n, const struct cidr *v)
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
			return conf_fail(x, x->lineno, "unknown key '%s' (%s)", name,
			                 foreign[i].hint);
	k = nearest_key(name, where);
	if (k != NULL)
		return conf_fail(x, x->lineno, "unknown key '%s' (did you mean '%s'?)", name,
		                 k->name);
	return conf_fail(x, x->lineno, "unknown key '%s'", name);
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
			return conf_fail(x, x->lineno,
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
				return conf_fail(
				    x, x->lineno,
				    "bad %s entry '%s': expected an address or network such as "
				    "192.0.2.7, 192.0.2.0/24 or 2001:db8::/48 (host names are "
				    "not resolved)",
				    k->name, tok);
			if (cidr.bits == 0)
				return conf_fail(
				    x, x->lineno,
				    "%s entry '%s' covers every address: nothing would ever be "
				    "banned",
				    k->name, tok);
			if (j != NULL)
				conf_cidr_add(&j->allow, &j->nallow, &cidr);
			else
				conf_cidr_add(&c->allow, &c->nallow, &cidr);
		}
		return 1;
	case T_ARGV: {
		char ***av = k->id == K_BAN ? &c->ban_argv : &c->unban_argv;

		n = conf_strv_len(*av);
		if (conf_argv_split(v, av, &n, why, sizeof(why)) != 0)
			return conf_fail(x, x->lineno, "bad %s: %s", k->name, why);
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
				return conf_fail(
				    x, x->lineno,
				    "bad source '%s': journal:UNIT takes a systemd unit such as "
				    "journal:ssh.service (or journal:/DIR, a directory of journal "
				    "files)",
				    tok);
			for (i = 0; i < j->nsources; i++)
				if (strcmp(j->sources[i], tok) == 0)
					return conf_fail(x, x->lineno,
					                 "source '%s' is listed twice", tok);
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
			return conf_fail(x, x->lineno,
			                 "bad bantime '-1': for permanent bans write "
			                 "bantime.permanent_after = N (the Nth ban is permanent)");
		if (duration_parse(v, &d) != 0) {
			form = "a duration such as 30s, 10m, 1h, 2d, 1w or 1h30m";
			goto bad;
		}
		if (d < (int64_t)k->lo)
			return conf_fail(x, x->lineno, "bad %s '%s': must be longer than 0",
			                 k->name, v);
		if (k->id == K_HISTORY)
			c->history = d; /* 0: every ban is kept */
		else if (k->id == K_FINDTIME)
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
	return conf_fail(x, x->lineno, "internal error: key '%s' has no type", k->name);
bad:
	return conf_fail(x, x->lineno, "bad %s '%s': expected %s", k->name, v, form);
}

static int
on_key(struct ctx *x, const char *name, const char *value)
{
	struct sect *s;
	const struct key *k;
	unsigned where;
	char b[64];

	if (x->sect == S_NONE)
		return conf_fail(
		    x, x->lineno,
		    "'%s' is outside any section: put it under [daemon] or a jail such as "
		    "[sshd]",
		    name);
	where = x->sect == S_DAEMON ? IN_DAEMON : IN_JAIL;
	k = conf_find_key(name);
	if (k == NULL)
		return unknown_key(x, name, where);
	if (!(k->where & where))
		return conf_fail(x, x->lineno, "'%s' belongs in %s, not in %s", name,
		                 k->where & IN_DAEMON ? "[daemon]"
		                                      : "a jail section such as [sshd]",
		                 sect_desc(x, b, sizeof(b)));
	s = x->sect == S_DAEMON ? &x->dm : &x->jm[x->sect];
	if (s->at[k->id] != 0) {
		if (s->as[k->id] != k)
			return conf_fail(
			    x, x->lineno,
			    "duplicate key '%s' (already set on line %d as '%s'; continue a "
			    "list on indented lines)",
			    name, s->at[k->id], s->as[k->id]->name);
		return conf_fail(x, x->lineno, "duplicate key '%s' (already set on line %d)", name,
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
		return conf_fail(x, x->lineno,
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
		return conf_fail(x, x->lineno, "cannot read this indented line");
	if (value[0] == '[')
		return conf_fail(x, x->lineno,
		                 "an indented line after a key continues its value: remove the "
		                 "indentation of this [section] header");
	/* "  maxretry = 2" under "source = /x" would silently become three more sources */
	p = value;
	e = conf_find_sep(p, p + strlen(p), "=:");
	if (*e == '=' || *e == ':') {
		conf_trim(&p, &e);
		v = xstrndup(p, (size_t)(e - p));
		rc = conf_find_key(v) != NULL;
		if (rc)
			conf_fail(
			    x, x->lineno,
			    "this indented line would continue '%s' (libinih reads indented lines "
			    "so): remove the indentation of '%s'",
			    x->cur->name, v);
		free(v);
		if (rc)
			return 0;
	}
	if (x->cur->type != T_CIDRS && x->cur->type != T_SOURCES && x->cur->type != T_ARGV)
		return conf_fail(
		    x, x->lineno,
		    "this indented line continues '%s', which takes one value (remove the "
		    "indentation if it is a new key)",
		    x->cur->name);
	/* libinih leaves inline comments in continuation lines: cut them as on key lines */
	p = value;
	e = conf_find_sep(p, p + strlen(p), "");
	conf_trim(&p, &e);
	if (p == e)
		return 1;
	v = xstrndup(p, (size_t)(e - p));
	rc = set_value(x, x->cur, v);
	free(v);
	return rc;
}

/* libinih's handler: section is ignored (ctx knows it, untruncated). */
int
conf_on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct ctx *x = user;

	(void)section;
	if (x->failed)
		return 0;
	if (x->kind == L_CONT)
		return on_cont(x, name, value);
	if (x->kind != L_KEY || strlen(name) != x->knamelen ||
	    memcmp(name, x->kname, x->knamelen) != 0)
		return conf_fail(x, x->lineno,
		                 "cannot read this line (libinih split it differently)");
	return on_key(x, name, value);
}
