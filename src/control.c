/* control.c: the control socket: a unix stream socket, peer credentials checked, one request per
 * connection. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "obuf.h"
#include "xmalloc.h"

#define MAX_WORDS 16
#define MAX_CLIENTS 64
#define CLIENT_TIMEOUT_MS 5000

/* One client. Invariant: while out is NULL the request is being read; then out is being written. */
struct client {
	struct control *c;
	int fd;
	char req[CONTROL_REQ_MAX + 1];
	size_t rlen;
	struct control_out out;
	size_t sent;
	int answering;
};

/* Invariant: lfd listens on path; clients[0..nclients) are open and watched by the loop. */
struct control {
	char *path;
	dev_t dev; /* the socket file bound at path: only that one is unlinked at close */
	ino_t ino;
	int lfd;
	struct loop *l;
	control_fn fn;
	void *arg;
	struct client *clients[MAX_CLIENTS];
	size_t nclients;
};

static void vappend(struct control_out *out, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vappend(struct control_out *out, const char *fmt, va_list ap)
{
	for (;;) {
		va_list cp;
		int n;

		va_copy(cp, ap);
		n = vsnprintf(out->buf ? out->buf + out->len : NULL, out->cap - out->len, fmt, cp);
		va_end(cp);
		if (n < 0)
			return;
		if ((size_t)n < out->cap - out->len) {
			out->len += (size_t)n;
			return;
		}
		out->cap = (out->cap + (size_t)n + 1) * 2;
		out->buf = xreallocarray(out->buf, out->cap, 1);
	}
}

void
control_printf(struct control_out *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(out, fmt, ap);
	va_end(ap);
}

void
control_write(struct control_out *out, const char *s, size_t n)
{
	if (n >= out->cap - out->len) {
		out->cap = (out->cap + n + 1) * 2;
		out->buf = xreallocarray(out->buf, out->cap, 1);
	}
	memcpy(out->buf + out->len, s, n);
	out->len += n;
	out->buf[out->len] = '\0';
}

void
control_fail(struct control_out *out, const char *fmt, ...)
{
	va_list ap;

	out->failed = 1;
	control_printf(out, "error: ");
	va_start(ap, fmt);
	vappend(out, fmt, ap);
	va_end(ap);
	control_printf(out, "\n");
}

void
control_json_str(struct control_out *out, const char *s)
{
	const unsigned char *p;

	control_printf(out, "\"");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			control_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			control_printf(out, "\\u%04x", *p);
		else if (*p >= 0x80) /* bytes above ASCII: as Latin-1, valid JSON */
			control_printf(out, "\\u%04x", *p);
		else
			control_printf(out, "%c", *p);
	}
	control_printf(out, "\"");
}

static void
client_close(struct client *cl)
{
	struct control *c = cl->c;
	size_t i;

	loop_del(c->l, cl->fd);
	close(cl->fd);
	for (i = 0; i < c->nclients; i++)
		if (c->clients[i] == cl) {
			c->clients[i] = c->clients[--c->nclients];
			break;
		}
	free(cl->out.buf);
	free(cl);
}

/* Splits the request into words and asks the handler; the answer starts with "0\n" or "1\n". */
static void
answer(struct client *cl)
{
	char *argv[MAX_WORDS + 1], *p = cl->req, *save = NULL;
	int argc = 0;
	struct control_out body;

	memset(&body, 0, sizeof(body));
	while (argc < MAX_WORDS && (p = strtok_r(p, " \t\r", &save)) != NULL) {
		argv[argc++] = p;
		p = NULL;
	}
	argv[argc] = NULL;
	if (argc == 0)
		control_fail(&body, "empty request");
	else
		cl->c->fn(cl->c->arg, argc, argv, &body);
	control_printf(&cl->out, "%d\n", body.failed ? 1 : 0);
	if (body.len > 0)
		control_printf(&cl->out, "%s", body.buf);
	free(body.buf);
	cl->answering = 1;
	loop_mod(cl->c->l, cl->fd, EPOLLOUT);
}

static void
on_client(void *arg, int fd, uint32_t events)
{
	struct client *cl = arg;
	ssize_t n;

	if (!cl->answering) {
		char *nl;

		n = read(fd, cl->req + cl->rlen, CONTROL_REQ_MAX - cl->rlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			client_close(cl);
			return;
		}
		cl->rlen += (size_t)n;
		cl->req[cl->rlen] = '\0';
		if ((nl = memchr(cl->req, '\n', cl->rlen)) != NULL) {
			*nl = '\0';
			answer(cl);
		} else if (cl->rlen == CONTROL_REQ_MAX) {
			cl->req[0] = '\0';
			control_printf(&cl->out, "1\nerror: request too long\n");
			cl->answering = 1;
			loop_mod(cl->c->l, cl->fd, EPOLLOUT);
		}
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP)) {
		client_close(cl);
		return;
	}
	n = write(fd, cl->out.buf + cl->sent, cl->out.len - cl->sent);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || (cl->sent += (size_t)n) == cl->out.len)
		client_close(cl);
}

static int
peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return 0;
	return cr.uid == 0 || cr.uid == geteuid();
}

static void
on_listen(void *arg, int lfd, uint32_t events)
{
	struct control *c = arg;
	struct client *cl;
	int fd;

	(void)events;
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (!peer_ok(fd) || c->nclients == MAX_CLIENTS) {
			static const char no[] =
			    "1\nerror: not allowed (root or the daemon's user only)\n";

			(void)!write(fd, no, sizeof(no) - 1);
			close(fd);
			continue;
		}
		cl = xcalloc(1, sizeof(*cl));
		cl->c = c;
		cl->fd = fd;
		if (loop_add(c->l, fd, EPOLLIN, on_client, cl) != 0) {
			close(fd);
			free(cl);
			continue;
		}
		c->clients[c->nclients++] = cl;
	}
}

static int
make_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

struct control *
control_open(const char *path, struct loop *l, control_fn fn, void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct control *c;
	struct stat st;
	mode_t old;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (make_dir(path) != 0) {
		snprintf(err, errlen, "%s: cannot create its directory: %s", path, strerror(errno));
		return NULL;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	/* a stale socket of an earlier run: refuse if a daemon still answers on it */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, errlen, "%s: another authwatch daemon is running", path);
		close(fd);
		return NULL;
	}
	close(fd);
	/* only a stale socket is replaced: a typo must never delete a file */
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: refusing to replace it",
		         path);
		return NULL;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	(void)unlink(path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		umask(old);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	umask(old);
	(void)chmod(path, 0600);
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	if (stat(path, &st) == 0) {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	c->lfd = fd;
	c->l = l;
	c->fn = fn;
	c->arg = arg;
	if (loop_add(l, fd, EPOLLIN, on_listen, c) != 0) {
		snprintf(err, errlen, "%s: epoll: %s", path, strerror(errno));
		close(fd);
		free(c->path);
		free(c);
		return NULL;
	}
	return c;
}

void
control_close(struct control *c)
{
	struct stat st;

	if (c == NULL)
		return;
	while (c->nclients > 0)
		client_close(c->clients[0]);
	loop_del(c->l, c->lfd);
	close(c->lfd);
	/* our socket only: not one a newer daemon made, nor a file put there since */
	if (lstat(c->path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		(void)unlink(c->path);
	free(c->path);
	free(c);
}

int
control_call(const char *path, int argc, char *const *argv, int out, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	char req[CONTROL_REQ_MAX + 1], buf[65536];
	size_t len = 0;
	int fd, i, status = -1, first = 1;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (i = 0; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (w == 0 || strpbrk(argv[i], " \t\r\n") != NULL || len + w + 2 > sizeof(req)) {
			snprintf(err, errlen, "bad request word '%s'", argv[i]);
			return -1;
		}
		memcpy(req + len, argv[i], w);
		len += w;
		req[len++] = i + 1 < argc ? ' ' : '\n';
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "%s: %s (is the daemon running? authwatch daemon -c CONF)",
		         path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (obuf_write_all(fd, req, len) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		char *p = buf;

		if (poll(&pfd, 1, CLIENT_TIMEOUT_MS * 2) == 0) {
			snprintf(err, errlen, "%s: no answer from the daemon", path);
			status = -1;
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (first) {
			/* the status line */
			if (n < 2 || (buf[0] != '0' && buf[0] != '1') || buf[1] != '\n') {
				snprintf(err, errlen, "%s: not an authwatch daemon", path);
				status = -1;
				break;
			}
			status = buf[0] - '0';
			p += 2;
			n -= 2;
			first = 0;
		}
		if (n > 0 && obuf_write_all(out, p, (size_t)n) != 0) {
			snprintf(err, errlen, "write: %s", strerror(errno));
			status = -1;
			break;
		}
	}
	if (first && status == -1 && err[0] == '\0')
		snprintf(err, errlen, "%s: the daemon closed without answering", path);
	close(fd);
	return status;
}
