/* conf_impl.h: the configuration's inside, shared by conf.c and conf_{key,argv,write}.c. */
#ifndef CONF_IMPL_H
#define CONF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "xmalloc.h"

#define WEEK ((int64_t)7 * 86400)

/* Every key; ignoreip is the Fail2Ban name of allow (same id). */
enum kid {
	K_SOCKET,
	K_DATABASE,
	K_GEOIP,
	K_HISTORY,
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

struct key; /* one entry of conf_key.c's table of keys */

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

/* isspace() of the C locale, which libinih uses (the other control characters are refused). */
static inline int
conf_is_sp(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static inline int
conf_is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Appends s (taken) to a NULL-terminated vector of n strings. */
static inline void
conf_strv_push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* The number of strings in a NULL-terminated vector (0 for NULL). */
static inline size_t
conf_strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

/* conf.c: errors, and libinih's reading of a line */

/* Records the first error as "NAME:LINE: msg" ("NAME: msg" for line 0); returns 0. */
int conf_fail(struct ctx *x, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Moves *p forward and *e back past whitespace (conf_is_sp). */
void conf_trim(const char **p, const char **e);

/*
 * libinih's find_chars_or_comment: the first of chars in [p, e), or a ';' that follows
 * whitespace (an inline comment), or e.
 */
const char *conf_find_sep(const char *p, const char *e, const char *chars);

/* conf_key.c: the keys and their values */

/* libinih's handler (user is the struct ctx): stores the key or continuation line. */
int conf_on_pair(void *user, const char *section, const char *name, const char *value);

/* The key called name (case-sensitive; ignoreip included), or NULL. */
const struct key *conf_find_key(const char *name);

/* Appends *v to the list unless an equal entry is there already. */
void conf_cidr_add(struct cidr **list, size_t *n, const struct cidr *v);

/* Writes a number that conf_load accepted back (at most 6 decimals, no trailing zeros). */
const char *conf_fmt_dec(double v, char *buf, size_t len);

/* conf_argv.c: command templates */

/*
 * Splits one line of a command template into arguments appended to *v (n of them):
 * whitespace separates, "..." and '...' group, a backslash escapes the next character
 * (outside single quotes). Checks each argument's placeholders and the program (the first
 * argument of the template). Returns 0, or -1 with the reason in why.
 */
int conf_argv_split(const char *s, char ***v, size_t *n, char *why, size_t whylen);

#endif
