/* conf_argv.c: command templates: split from the configuration, expanded for each decision. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_argv.h"
#include "conf_impl.h"
#include "xmalloc.h"

static const char *const placeholders[] = {"ip", "prefix", "seconds", "jail"};

/*
 * Finds the first placeholder in s: '{', letters, digits or '_', '}'. Returns its start
 * and length in *n, or NULL. Other braces are plain text.
 */
static const char *
next_placeholder(const char *s, size_t *n)
{
	const char *p, *q;

	for (p = strchr(s, '{'); p != NULL; p = strchr(p + 1, '{')) {
		for (q = p + 1; conf_is_alnum(*q) || *q == '_'; q++)
			;
		if (*q == '}' && q > p + 1) {
			*n = (size_t)(q - p) + 1;
			return p;
		}
	}
	return NULL;
}

/* Index in placeholders of the placeholder p[0..n) ("{ip}"), or -1. */
static int
placeholder_id(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		if (strlen(placeholders[i]) == n - 2 && memcmp(p + 1, placeholders[i], n - 2) == 0)
			return (int)i;
	return -1;
}

/*
 * Splits one line of a command template into arguments appended to *v (n of them):
 * whitespace separates, "..." and '...' group, a backslash escapes the next character
 * (outside single quotes). Checks each argument's placeholders and the program (the first
 * argument of the template). Returns 0, or -1 with the reason in why.
 */
int
conf_argv_split(const char *s, char ***v, size_t *n, char *why, size_t whylen)
{
	char *buf = xmalloc(strlen(s) + 1), *o;
	const char *p = s, *ph;
	size_t phn;
	int rc = -1;
	char q;

	while (*p) {
		while (conf_is_sp(*p))
			p++;
		if (*p == '\0')
			break;
		o = buf;
		q = 0;
		while (*p && (q || !conf_is_sp(*p))) {
			if (q == '\'' && *p == '\'') {
				q = 0;
				p++;
			} else if (q == '\'') {
				*o++ = *p++;
			} else if (*p == '\\') {
				if (p[1] == '\0') {
					snprintf(why, whylen, "it ends with a backslash");
					goto out;
				}
				*o++ = p[1];
				p += 2;
			} else if (q == '"' && *p == '"') {
				q = 0;
				p++;
			} else if (q == 0 && (*p == '"' || *p == '\'')) {
				q = *p++;
			} else {
				*o++ = *p++;
			}
		}
		if (q) {
			snprintf(why, whylen, "a %s quote is not closed (quotes do not span lines)",
			         q == '"' ? "double" : "single");
			goto out;
		}
		*o = '\0';
		for (ph = buf; (ph = next_placeholder(ph, &phn)) != NULL; ph += phn) {
			if (placeholder_id(ph, phn) < 0) {
				snprintf(why, whylen,
				         "unknown placeholder %.*s (known: {ip} {prefix} {seconds} "
				         "{jail})",
				         (int)phn, ph);
				goto out;
			}
		}
		if (*n == 0 && buf[0] != '/') {
			snprintf(
			    why, whylen,
			    "the program '%s' must be an absolute path such as /usr/sbin/ipset "
			    "(no PATH search, no shell)",
			    buf);
			goto out;
		}
		if (*n == 0 && next_placeholder(buf, &phn) != NULL) {
			snprintf(why, whylen, "the program '%s' cannot contain a placeholder", buf);
			goto out;
		}
		conf_strv_push(v, n, xstrdup(buf));
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

char **
conf_argv_expand(char *const *tmpl, const char *ip, unsigned prefix, int64_t seconds,
                 const char *jail)
{
	size_t n = conf_strv_len(tmpl), i, cap, len, phn, add;
	char **out = xcalloc(n + 1, sizeof(*out)), num[2][24];
	const char *s, *ph, *val;
	char *buf;
	int id;

	snprintf(num[0], sizeof(num[0]), "%u", prefix);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)seconds);
	for (i = 0; i < n; i++) {
		s = tmpl[i];
		cap = strlen(s) + 1;
		buf = xmalloc(cap);
		len = 0;
		while (*s) {
			ph = next_placeholder(s, &phn);
			if (ph == NULL) {
				ph = s + strlen(s);
				phn = 0;
			}
			id = phn ? placeholder_id(ph, phn) : -1;
			val = id == 0   ? ip
			      : id == 1 ? num[0]
			      : id == 2 ? num[1]
			      : id == 3 ? jail
			                : NULL;
			if (val == NULL) /* text up to and with an unknown placeholder, as is */
				ph += phn;
			add = (size_t)(ph - s) + (val ? strlen(val) : 0);
			if (len + add + 1 > cap) {
				cap = (len + add + 1) * 2;
				buf = xreallocarray(buf, cap, 1);
			}
			memcpy(buf + len, s, (size_t)(ph - s));
			len += (size_t)(ph - s);
			if (val != NULL) {
				memcpy(buf + len, val, strlen(val));
				len += strlen(val);
				ph += phn;
			}
			s = ph;
		}
		buf[len] = '\0';
		out[i] = buf;
	}
	out[n] = NULL;
	return out;
}

void
conf_argv_free(char **argv)
{
	xfree_strv(argv);
}
