/* test_obuf.c: buffered output to a sink: every byte in order across flushes, a sink's error;
 * obuf_write_all on a full non-blocking pipe and a closed one. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obuf.h"
#include "t.h"
#include "xmalloc.h"

/* A sink that keeps what it gets; fail_after: the call that fails with EIO (0: none). */
struct keep {
	char *b;
	size_t len;
	unsigned calls, fail_after;
};

static int
keep(void *arg, const char *s, size_t n)
{
	struct keep *k = arg;

	if (++k->calls == k->fail_after)
		return EIO;
	k->b = xreallocarray(k->b, k->len + n, 1);
	memcpy(k->b + k->len, s, n);
	k->len += n;
	return 0;
}

T(sink_gets_everything_in_order)
{
	struct keep k = {NULL, 0, 0, 0};
	struct obuf o;
	size_t i, n = OBUF_SIZE / 7 * 3; /* lines of 7 bytes: more than one buffer */
	int ok = 1;

	obuf_init_sink(&o, keep, &k);
	for (i = 0; i < n; i++) {
		obuf_u64(&o, 100000 + i % 900000);
		obuf_putc(&o, '\n');
		CHECK_INT(obuf_maybe_flush(&o), 0);
	}
	CHECK_INT(obuf_close(&o), 0);
	CHECK(k.calls > 1);
	CHECK_INT(k.len, n * 7);
	for (i = 0; i < n && ok; i++) {
		char want[8];

		snprintf(want, sizeof(want), "%zu\n", 100000 + i % 900000);
		ok = memcmp(k.b + i * 7, want, 7) == 0;
	}
	CHECK(ok);
	free(k.b);
}

T(sink_error_fails_the_obuf)
{
	struct keep k = {NULL, 0, 0, 1};
	struct obuf o;

	obuf_init_sink(&o, keep, &k);
	OBUF_LIT(&o, "lost");
	CHECK_INT(obuf_flush(&o), -1);
	CHECK_INT(o.err, EIO);
	OBUF_LIT(&o, "dropped after the error");
	CHECK_INT(obuf_close(&o), -1);
	CHECK_INT(k.calls, 1); /* not asked again */
	CHECK_INT(k.len, 0);
	free(k.b);
}

T(empty_sink_not_called)
{
	struct keep k = {NULL, 0, 0, 0};
	struct obuf o;

	obuf_init_sink(&o, keep, &k);
	CHECK_INT(obuf_close(&o), 0);
	CHECK_INT(k.calls, 0);
}

/* What a reading thread got from a pipe. */
struct drained {
	int fd;
	char *b;
	size_t len;
};

/* Reads d->fd to its end into d->b, d->len. */
static void *
drain(void *arg)
{
	struct drained *d = arg;
	size_t cap = 1 << 16;
	ssize_t n;

	d->b = xmalloc(cap);
	for (;;) {
		if (d->len == cap)
			d->b = xreallocarray(d->b, cap *= 2, 1);
		n = read(d->fd, d->b + d->len, cap - d->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		d->len += (size_t)n;
	}
}

T(write_all_waits_on_a_full_pipe)
{
	enum { N = 3 << 20 }; /* far more than a pipe holds */
	char *data = xmalloc(N);
	struct drained d = {-1, NULL, 0};
	int p[2];
	pthread_t th;
	size_t i;

	for (i = 0; i < N; i++)
		data[i] = (char)(i * 131 + i / 4096);
	if (pipe(p) != 0)
		abort();
	CHECK_INT(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	d.fd = p[0];
	pthread_create(&th, NULL, drain, &d);
	CHECK_INT(obuf_write_all(p[1], data, N), 0);
	close(p[1]);
	pthread_join(th, NULL);
	CHECK_INT(d.len, N);
	CHECK(d.len == N && memcmp(d.b, data, N) == 0);
	free(d.b);
	close(p[0]);
	/* nobody reading: an error with errno, not a hang or a signal */
	signal(SIGPIPE, SIG_IGN);
	if (pipe(p) != 0)
		abort();
	close(p[0]);
	errno = 0;
	CHECK_INT(obuf_write_all(p[1], data, 10), -1);
	CHECK_INT(errno, EPIPE);
	close(p[1]);
	free(data);
}

int
main(void)
{
	T_RUN(sink_gets_everything_in_order);
	T_RUN(sink_error_fails_the_obuf);
	T_RUN(empty_sink_not_called);
	T_RUN(write_all_waits_on_a_full_pipe);
	return T_END();
}
