/* fw_dryrun.c: the dry-run backend: decisions appended to a file as text lines, nothing banned. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fw.h"
#include "xmalloc.h"

/*
 * An open dry-run backend. Invariant: fd is open for appending (standard output when own_fd
 * is 0, never closed then); path names it for messages; out is only a reused buffer.
 */
struct fw_dryrun {
	int fd, own_fd;
	char *path;
	struct fw_buf out;
};

struct fw_dryrun *
fw_dryrun_open(const char *path, char *err, size_t errlen)
{
	struct fw_dryrun *d;
	int fd = 1, own = 0;

	if (strcmp(path, "-") != 0) {
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return NULL;
		}
		own = 1;
	}
	d = xcalloc(1, sizeof(*d));
	d->fd = fd;
	d->own_fd = own;
	d->path = xstrdup(path);
	return d;
}

void
fw_dryrun_close(struct fw_dryrun *d)
{
	if (d == NULL)
		return;
	if (d->own_fd)
		close(d->fd);
	free(d->path);
	fw_buf_free(&d->out);
	free(d);
}

/* Appends "TS VERB ADDR/PREFIX SECONDS JAIL\n" (JAIL "-" when none). */
static void
line(struct fw_buf *b, const char *ts, const char *verb, const struct fw_elem *e)
{
	char j[FW_JAIL_MAX + 1];

	fw_buf_adds(b, ts);
	fw_buf_add(b, " ", 1);
	fw_buf_adds(b, verb);
	fw_buf_add(b, " ", 1);
	fw_buf_addnet(b, e, 1);
	fw_buf_add(b, " ", 1);
	fw_buf_addu(b, e->timeout);
	fw_buf_add(b, " ", 1);
	if (fw_jail(e->jail, j) == 0)
		fw_buf_add(b, "-", 1);
	else
		fw_buf_adds(b, j);
	fw_buf_add(b, "\n", 1);
}

int
fw_dryrun_apply(struct fw_dryrun *d, const struct fw_elem *ban, size_t nban,
                const struct fw_elem *unban, size_t nunban, char *err, size_t errlen)
{
	struct fw_buf *b = &d->out;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i, off = 0;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	b->len = 0;
	for (i = 0; i < nunban; i++)
		line(b, ts, "unban", &unban[i]);
	for (i = 0; i < nban; i++)
		line(b, ts, "ban", &ban[i]);
	while (off < b->len) {
		ssize_t w = write(d->fd, b->p + off, b->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", d->path,
			         w < 0 ? strerror(errno) : "short write");
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}
