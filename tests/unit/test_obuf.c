/* test_obuf.c: buffered output to a sink: every byte in order across flushes, a sink's error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int
main(void)
{
	T_RUN(sink_gets_everything_in_order);
	T_RUN(sink_error_fails_the_obuf);
	T_RUN(empty_sink_not_called);
	return T_END();
}
