/* input.c: turns the FILE arguments into the list of inputs in reading order. */
#include <sys/stat.h>

#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "log.h"
#include "xmalloc.h"

/* Within a rotation group: B.N by N descending, then B-DATE by date, then B. */
enum { K_NUM, K_DATE, K_BASE };

/*
 * One input. idkey names the file (device and inode when it is a regular
 * file) to drop duplicates; group names the rotation base (directory identity
 * plus base name); digits[0..ndigits) point into path (the N or the DATE).
 */
struct ent {
	char *path;
	char *idkey;
	char *group;
	const char *digits;
	size_t ndigits;
	int kind;
	size_t idx, gidx;
};

static const char *const comp_suffixes[] = {".gz", ".xz", ".zst", ".bz2"};

static void
push(struct ent **v, size_t *n, size_t *cap, char *path)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].path = path;
	(*n)++;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Expands one argument into v. Returns 0, or -1 on a glob error (printed). */
static int
expand_one(const char *arg, struct ent **v, size_t *n, size_t *cap)
{
	struct stat st;
	glob_t g;
	size_t i;
	int ret;

	/* "-", plain names and names that exist as they are (even with "[") are taken literally */
	if (strcmp(arg, "-") == 0 || strpbrk(arg, "*?[") == NULL || lstat(arg, &st) == 0) {
		push(v, n, cap, xstrdup(arg));
		return 0;
	}
	memset(&g, 0, sizeof(g));
	ret = glob(arg, GLOB_NOCHECK, NULL, &g);
	switch (ret) {
	case 0:
		for (i = 0; i < g.gl_pathc; i++)
			push(v, n, cap, xstrdup(g.gl_pathv[i]));
		break;
	case GLOB_NOMATCH:
		push(v, n, cap, xstrdup(arg));
		break;
	case GLOB_NOSPACE:
		log_warnx("%s: glob: out of memory", arg);
		break;
	default:
		log_warnx("%s: glob: read error", arg);
		break;
	}
	globfree(&g);
	return ret == 0 || ret == GLOB_NOMATCH ? 0 : -1;
}

/* Sets idkey: the file's identity, so that two names of one file count once. */
static void
set_idkey(struct ent *e)
{
	struct stat st;

	if (strcmp(e->path, "-") == 0)
		e->idkey = xstrdup("-");
	else if (stat(e->path, &st) == 0 && S_ISREG(st.st_mode))
		e->idkey = xasprintf("i%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	else
		e->idkey = xasprintf("p%s", e->path);
}

/*
 * Sets kind, digits and group from the name: "B.N[.gz]" is K_NUM of base B,
 * "B-DATE[.gz]" (8 to 14 digits: %Y%m%d, with hours, or %s) is K_DATE, anything
 * else is K_BASE of itself. The base part must not be empty.
 */
static void
set_group(struct ent *e)
{
	const char *path = e->path, *name, *slash;
	size_t len = strlen(path), nameoff, end, d, blen, i, slen;
	struct stat st;
	char *dir;

	if (strcmp(path, "-") == 0) {
		e->kind = K_BASE;
		e->group = xstrdup("-");
		return;
	}
	slash = strrchr(path, '/');
	name = slash ? slash + 1 : path;
	nameoff = (size_t)(name - path);

	end = len;
	for (i = 0; i < sizeof(comp_suffixes) / sizeof(comp_suffixes[0]); i++) {
		slen = strlen(comp_suffixes[i]);
		if (end - nameoff > slen &&
		    memcmp(path + end - slen, comp_suffixes[i], slen) == 0) {
			end -= slen;
			break;
		}
	}
	for (d = end; d > nameoff && is_digit(path[d - 1]); d--)
		;
	e->kind = K_BASE;
	blen = len;
	if (d < end && d > nameoff + 1) {
		if (path[d - 1] == '.')
			e->kind = K_NUM;
		else if (path[d - 1] == '-' && end - d >= 8 && end - d <= 14)
			e->kind = K_DATE;
	}
	if (e->kind != K_BASE) {
		e->digits = path + d;
		e->ndigits = end - d;
		blen = d - 1;
	}

	/* the directory by identity, so that "dir/x" and "dir//x" or "./dir/x" group together */
	dir = nameoff > 0 ? xstrndup(path, nameoff) : xstrdup(".");
	if (stat(dir, &st) == 0)
		e->group = xasprintf("d%ju:%ju/%.*s", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
		                     (int)(blen - nameoff), name);
	else
		e->group = xasprintf("p%.*s", (int)blen, path);
	free(dir);
}

/* Compares two digit strings by value (any length). */
static int
numcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c;

	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an);
	return c < 0 ? -1 : c > 0;
}

static int
cmp_idx(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

static int
by_idkey(const void *pa, const void *pb)
{
	const struct ent *a = *(struct ent *const *)pa, *b = *(struct ent *const *)pb;
	int c = strcmp(a->idkey, b->idkey);

	return c ? c : cmp_idx(a->idx, b->idx);
}

static int
by_group(const void *pa, const void *pb)
{
	const struct ent *a = *(struct ent *const *)pa, *b = *(struct ent *const *)pb;
	int c = strcmp(a->group, b->group);

	return c ? c : cmp_idx(a->idx, b->idx);
}

static int
by_order(const void *pa, const void *pb)
{
	const struct ent *a = *(struct ent *const *)pa, *b = *(struct ent *const *)pb;
	int c;

	if (a->gidx != b->gidx)
		return cmp_idx(a->gidx, b->gidx);
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == K_NUM && (c = numcmp(b->digits, b->ndigits, a->digits, a->ndigits)) != 0)
		return c; /* higher N is older */
	if (a->kind == K_DATE && (c = numcmp(a->digits, a->ndigits, b->digits, b->ndigits)) != 0)
		return c;
	return cmp_idx(a->idx, b->idx);
}

static void
free_ents(struct ent *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].idkey);
		free(v[i].group);
	}
	free(v);
}

int
input_expand(char *const *args, size_t nargs, struct input_list *out)
{
	struct ent *v = NULL, **pv = NULL;
	size_t n = 0, cap = 0, i, k;
	int rv = -1;

	out->paths = NULL;
	out->n = 0;
	for (i = 0; i < nargs; i++)
		if (expand_one(args[i], &v, &n, &cap) == -1)
			goto out;
	if (n == 0) {
		rv = 0;
		goto out;
	}
	pv = xreallocarray(NULL, n, sizeof(*pv));

	/* drop duplicates, keeping the first */
	for (i = 0; i < n; i++) {
		v[i].idx = i;
		set_idkey(&v[i]);
		pv[i] = &v[i];
	}
	qsort(pv, n, sizeof(*pv), by_idkey);
	for (i = 1; i < n; i++) {
		if (strcmp(pv[i]->idkey, pv[i - 1]->idkey) == 0) {
			free(pv[i]->path);
			pv[i]->path = NULL;
		}
	}
	for (i = k = 0; i < n; i++) {
		if (v[i].path == NULL) {
			free(v[i].idkey);
			continue;
		}
		v[k] = v[i];
		v[k].idx = k;
		k++;
	}
	n = k;

	/* each group at the place of its first member */
	for (i = 0; i < n; i++) {
		set_group(&v[i]);
		pv[i] = &v[i];
	}
	qsort(pv, n, sizeof(*pv), by_group);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(pv[i]->group, pv[i - 1]->group) == 0)
			pv[i]->gidx = pv[i - 1]->gidx;
		else
			pv[i]->gidx = pv[i]->idx;
	}
	qsort(pv, n, sizeof(*pv), by_order);

	out->paths = xreallocarray(NULL, n, sizeof(*out->paths));
	for (i = 0; i < n; i++) {
		out->paths[i] = pv[i]->path;
		pv[i]->path = NULL;
	}
	out->n = n;
	rv = 0;
out:
	free(pv);
	free_ents(v, n);
	return rv;
}

void
input_list_free(struct input_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->n = 0;
}
