/* follow_glob.c: part of the follow module (follow.h): the files a glob matches, as they appear. */
#include <sys/inotify.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "log.h"
#include "xmalloc.h"

#define GLOB_DIR_MASK                                                                              \
	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |     \
	 IN_ONLYDIR)

/*
 * Invariant: ifd is a non-blocking inotify descriptor; dir is the directory
 * of the pattern's last component, NULL when it holds a wildcard (not
 * watched); wd watches dir or is -1; taken[0..ntaken) are the paths matched
 * at the last scan that the caller took, sorted by strcmp, each owned.
 */
struct follow_glob {
	char *pattern, *dir;
	int ifd, wd;
	char **taken;
	size_t ntaken;
	char errmsg[512];
	char evbuf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
};

struct follow_glob *
follow_glob_open(const char *pattern, char *err, size_t errlen)
{
	struct follow_glob *g;
	const char *slash;
	int e;

	log_errbuf(err, errlen, "%s", "");
	if (pattern == NULL || pattern[0] == '\0') {
		log_errbuf(err, errlen, "follow: %s: invalid arguments",
		           pattern != NULL ? pattern : "(null)");
		errno = EINVAL;
		return NULL;
	}
	g = xcalloc(1, sizeof(*g));
	g->wd = -1;
	g->pattern = xstrdup(pattern);
	slash = strrchr(pattern, '/');
	if (slash == NULL)
		g->dir = xstrdup(".");
	else
		g->dir =
		    slash == pattern ? xstrdup("/") : xstrndup(pattern, (size_t)(slash - pattern));
	if (strpbrk(g->dir, "*?[\\") != NULL) {
		free(g->dir);
		g->dir = NULL;
	}
	if ((g->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		e = errno;
		log_errbuf(err, errlen, "follow: %s: inotify_init1: %s", pattern, strerror(e));
		follow_glob_close(g);
		errno = e;
		return NULL;
	}
	return g;
}

int
follow_glob_fd(const struct follow_glob *g)
{
	return g->ifd;
}

/* Reads the pending events: only that something changed counts (the scan looks again). */
static void
drain_events(struct follow_glob *g)
{
	const struct inotify_event *ev;
	ssize_t n;
	size_t i;

	for (;;) {
		n = read(g->ifd, g->evbuf, sizeof(g->evbuf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EAGAIN: drained */
		for (i = 0; i + sizeof(*ev) <= (size_t)n;) {
			ev = (const struct inotify_event *)(const void *)(g->evbuf + i);
			i += sizeof(*ev) + ev->len;
			if (ev->wd != g->wd || g->wd < 0)
				continue;
			if (ev->mask & IN_IGNORED)
				g->wd = -1; /* the directory went away */
			else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				/* moved: the watch went with it; put it on the path again */
				inotify_rm_watch(g->ifd, g->wd);
				g->wd = -1;
			}
		}
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether path is in the sorted v[0..n). */
static int
has(char **v, size_t n, const char *path)
{
	return n > 0 && bsearch(&path, v, n, sizeof(*v), cmp_str) != NULL;
}

int
follow_glob_scan(struct follow_glob *g, follow_glob_fn fn, void *arg)
{
	char **taken;
	size_t i, n = 0;
	glob_t gl;
	int r;

	g->errmsg[0] = '\0';
	drain_events(g);
	/* the watch first, so that a file appearing during the glob wakes the caller again */
	if (g->dir != NULL && g->wd < 0)
		g->wd = inotify_add_watch(g->ifd, g->dir, GLOB_DIR_MASK); /* -1: not there yet */
	memset(&gl, 0, sizeof(gl));
	r = glob(g->pattern, 0, NULL, &gl);
	if (r != 0 && r != GLOB_NOMATCH) {
		globfree(&gl);
		snprintf(g->errmsg, sizeof(g->errmsg), "follow: %s: glob: %s", g->pattern,
		         r == GLOB_NOSPACE ? strerror(ENOMEM) : "read error");
		errno = r == GLOB_NOSPACE ? ENOMEM : EIO;
		return -1;
	}
	taken = xreallocarray(NULL, gl.gl_pathc + 1, sizeof(*taken));
	for (i = 0; i < gl.gl_pathc; i++) {
		const char *p = gl.gl_pathv[i];

		if (has(g->taken, g->ntaken, p) || fn(arg, p) == 0)
			taken[n++] = xstrdup(p);
	}
	for (i = 0; i < g->ntaken; i++)
		free(g->taken[i]);
	free(g->taken);
	qsort(taken, n, sizeof(*taken), cmp_str); /* glob's order is the locale's */
	g->taken = taken;
	g->ntaken = n;
	r = gl.gl_pathc > INT_MAX ? INT_MAX : (int)gl.gl_pathc;
	globfree(&gl);
	return r;
}

int
follow_glob_has(const struct follow_glob *g, const char *path)
{
	return has(g->taken, g->ntaken, path);
}

const char *
follow_glob_pattern(const struct follow_glob *g)
{
	return g->pattern;
}

const char *
follow_glob_errmsg(const struct follow_glob *g)
{
	return g->errmsg;
}

void
follow_glob_close(struct follow_glob *g)
{
	size_t i;

	if (g == NULL)
		return;
	if (g->ifd >= 0)
		close(g->ifd);
	for (i = 0; i < g->ntaken; i++)
		free(g->taken[i]);
	free(g->taken);
	free(g->pattern);
	free(g->dir);
	free(g);
}
