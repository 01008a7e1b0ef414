/* conf.c: the daemon's configuration file: libinih splits the lines, conf_key.c checks each key. */
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
#include "xmalloc.h"

#define MAX_BYTES (16 << 20) /* a configuration file is small: refuse anything larger */
#define JAIL_NAME_MAX 32

/* Records the first error as "NAME:LINE: msg" ("NAME: msg" for line 0); returns 0. */
int
conf_fail(struct ctx *x, int line, const char *fmt, ...)
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

void
conf_trim(const char **p, const char **e)
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
const char *
conf_find_sep(const char *p, const char *e, const char *chars)
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

/* ---- lines ---- */

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
	const char *q = conf_find_sep(p + 1, e, "]"), *n0 = p + 1, *n1 = q, *r = q + 1, *re = e;
	size_t n, i;

	if (q == e || *q != ']')
		return conf_fail(x, x->lineno, "missing ']' at the end of the section header");
	conf_trim(&n0, &n1);
	conf_trim(&r, &re);
	if (r < re && *r != ';' && *r != '#')
		return conf_fail(x, x->lineno, "unexpected text after ']': '%.*s'", (int)(re - r),
		                 r);
	n = (size_t)(n1 - n0);
	x->prev_key = 0;
	x->cur = NULL;
	if (n == 6 && memcmp(n0, "daemon", 6) == 0) {
		if (x->dm.line)
			return conf_fail(x, x->lineno,
			                 "duplicate section [daemon] (first on line %d)",
			                 x->dm.line);
		x->dm.line = x->lineno;
		x->sect = S_DAEMON;
		return 1;
	}
	if (n == 6 && strncasecmp(n0, "daemon", 6) == 0)
		return conf_fail(x, x->lineno, "section names are case-sensitive: write [daemon]");
	if (n == 7 && memcmp(n0, "DEFAULT", 7) == 0)
		return conf_fail(
		    x, x->lineno,
		    "[DEFAULT] is Fail2Ban's: authwatch has no defaults section, set the keys "
		    "in each jail");
	if (!jail_name_ok(n0, n))
		return conf_fail(
		    x, x->lineno,
		    "bad jail name '%.*s': 1 to %d letters, digits, '_', '-' or '.', starting "
		    "with a letter or digit",
		    (int)n, n0, JAIL_NAME_MAX);
	for (i = 0; i < c->njails; i++)
		if (strlen(c->jails[i].name) == n && memcmp(c->jails[i].name, n0, n) == 0)
			return conf_fail(x, x->lineno, "duplicate jail [%.*s] (first on line %d)",
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
 * (indented, after a key), section, key line. Returns 1, or 0 after conf_fail().
 */
static int
classify(struct ctx *x, const char *s, size_t n)
{
	const char *p = s, *e = s + n, *q, *k0, *k1;
	char word[64];

	x->kind = L_SKIP;
	if (x->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		p += 3; /* libinih skips a UTF-8 BOM */
	conf_trim(&p, &e);
	if (p == e || *p == ';' || *p == '#')
		return 1;
	if (x->prev_key && p > s) {
		x->kind = L_CONT;
		return 1;
	}
	if (*p == '[')
		return open_section(x, p, e);
	q = conf_find_sep(p, e, "=:");
	if (q == e || (*q != '=' && *q != ':')) {
		k0 = p;
		k1 = q;
		conf_trim(&k0, &k1);
		if ((size_t)(k1 - k0) < sizeof(word)) {
			memcpy(word, k0, (size_t)(k1 - k0));
			word[k1 - k0] = '\0';
			if (conf_find_key(word) != NULL)
				return conf_fail(x, x->lineno,
				                 "'%s' has no value: write %s = VALUE", word, word);
		}
		return conf_fail(x, x->lineno,
		                 "expected 'key = value', '[section]' or a comment, not '%.*s'",
		                 (int)(k1 - k0), k0);
	}
	k0 = p;
	k1 = q;
	conf_trim(&k0, &k1);
	if (k0 == k1)
		return conf_fail(x, x->lineno, "missing key name before '%c'", *q);
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
			return conf_fail(
			    x, x->lineno,
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
		conf_fail(
		    x, x->lineno,
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
	if (x->dm.at[K_HISTORY] == 0)
		c->history = CONF_HISTORY;
	if (c->firewall == CONF_FW_COMMAND && c->ban_argv == NULL)
		return conf_fail(x, x->dm.at[K_FIREWALL],
		                 "firewall = command needs ban_command, such as ban_command = "
		                 "/usr/sbin/ipset add blk {ip}/{prefix} timeout {seconds}");
	if (c->njails == 0)
		return conf_fail(
		    x, 0, "no jail: add a section such as [sshd] with source = /var/log/auth.log");
	for (i = 0; i < c->njails; i++) {
		j = &c->jails[i];
		m = &x->jm[i];
		if (j->nsources == 0 && m->at[K_SOURCE])
			return conf_fail(x, m->at[K_SOURCE],
			                 "source is empty: name log files or globs, journal or "
			                 "journal:UNIT");
		if (j->nsources == 0)
			return conf_fail(
			    x, m->line,
			    "jail [%s] has no source (such as source = /var/log/auth.log, "
			    "or journal)",
			    j->name);
		if (j->w_failure == 0 && j->w_probe == 0 && j->w_negotiation == 0)
			return conf_fail(x, m->at[K_WFAIL] ? m->at[K_WFAIL] : m->line,
			                 "jail [%s] weighs nothing (every weight.* is 0): it could "
			                 "never ban; set enabled = no to turn it off",
			                 j->name);
		if (m->at[K_BANMAX] && j->bantime_max < j->bantime)
			return conf_fail(x, m->at[K_BANMAX],
			                 "bantime.max (%s) is shorter than bantime (%s)",
			                 duration_format(j->bantime_max, b1, sizeof(b1)),
			                 duration_format(j->bantime, b2, sizeof(b2)));
		if (!m->at[K_BANMAX])
			j->bantime_max = j->bantime > WEEK ? j->bantime : WEEK;
		own = j->allow;
		nown = j->nallow;
		j->allow = xreallocarray(NULL, c->nallow + nown + 1, sizeof(*j->allow));
		memcpy(j->allow, c->allow, c->nallow * sizeof(*j->allow));
		j->nallow = c->nallow;
		for (k = 0; k < nown; k++)
			conf_cidr_add(&j->allow, &j->nallow, &own[k]);
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
		conf_cidr_add(&c->allow, &c->nallow, &lo);
	if (cidr_parse("::1", &lo) == 0)
		conf_cidr_add(&c->allow, &c->nallow, &lo);
	r = ini_parse_stream(reader, &x, conf_on_pair, &x);
	if (!x.failed && r != 0)
		conf_fail(&x, r > 0 ? r : 0, r == -2 ? "out of memory" : "cannot parse this line");
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
