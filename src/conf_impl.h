/* conf_impl.h: the configuration's inside, shared by conf.c, conf_argv.c and conf_write.c. */
#ifndef CONF_IMPL_H
#define CONF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "xmalloc.h"

struct key; /* one entry of conf.c's table of keys */

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

/* conf.c */

/* The key called name (case-sensitive; ignoreip included), or NULL. */
const struct key *conf_find_key(const char *name);

/* Writes a duration in the largest units: 600 -> "10m", 5400 -> "1h30m", 0 -> "0s". */
const char *conf_fmt_dur(int64_t s, char *buf, size_t len);

/* Writes a number that conf_load accepted back (at most 6 decimals, no trailing zeros). */
const char *conf_fmt_dec(double v, char *buf, size_t len);

/* conf_argv.c */

/*
 * Splits one line of a command template into arguments appended to *v (n of them):
 * whitespace separates, "..." and '...' group, a backslash escapes the next character
 * (outside single quotes). Checks each argument's placeholders and the program (the first
 * argument of the template). Returns 0, or -1 with the reason in why.
 */
int conf_argv_split(const char *s, char ***v, size_t *n, char *why, size_t whylen);

#endif
