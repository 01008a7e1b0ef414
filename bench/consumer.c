/* consumer.c: times the report's tracker and aggregation alone, on lines parsed beforehand. */
/*
 * usage: consumer FILE [LINES [PASSES]]
 *
 * Reads the first LINES lines of FILE (default 2,000,000) into memory, then
 * PASSES times (default 5) times two passes over them: parsing alone, and
 * parsing with each chunk of events fed at once to a fresh tracker and
 * aggregate, as `authwatch report --threads 1` does. The difference of the
 * best of each is the consumer's cost per event; reading is outside both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "conn.h"
#include "event.h"
#include "sshd_parse.h"
#include "strtab.h"
#include "syslog_hdr.h"
#include "xmalloc.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
to_agg(const struct conn_rec *rec, void *arg)
{
	agg_conn(arg, rec);
}

/* Lines kept in one arena, as a reader's buffer holds them. */
struct lines {
	char *text;
	size_t *off, *len;
	size_t n;
};

#define CHUNK 256 /* events parsed, then consumed, at a time: they stay in cache */

/* One pass: parse every line; with consume, feed each chunk of events on. Returns seconds. */
static double
pass(const struct lines *L, int consume, uint64_t *check)
{
	static struct event ev[CHUNK];
	struct agg_opts ao;
	struct strtab *st = strtab_new(42);
	struct agg *a;
	struct conn_tracker *t;
	struct hdr_ctx ctx;
	const struct agg_view *v;
	double t0, t1;
	size_t i, k, m;

	memset(&ao, 0, sizeof(ao));
	ao.since = INT64_MIN;
	ao.until = INT64_MAX;
	ao.top = 10;
	ao.seed = 42;
	a = agg_new(st, &ao);
	t = conn_new(st, to_agg, a);
	agg_file_begin(a, "bench");
	hdr_ctx_init(&ctx, 1780000000);
	t0 = now_s();
	for (i = 0; i < L->n; i += m) {
		m = L->n - i < CHUNK ? L->n - i : CHUNK;
		for (k = 0; k < m; k++)
			sshd_parse_line(&ctx, L->text + L->off[i + k], L->len[i + k], &ev[k]);
		if (consume)
			for (k = 0; k < m; k++)
				if (agg_event(a, &ev[k], 0))
					conn_feed(t, &ev[k]);
		*check += ev[0].type;
	}
	conn_flush(t);
	t1 = now_s();
	agg_file_end(a, NULL);
	v = agg_finish(a);
	*check += v->connections + v->attempts;
	conn_free(t);
	agg_free(a);
	strtab_free(st);
	return t1 - t0;
}

int
main(int argc, char **argv)
{
	size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000000, len, used = 0, tcap;
	int passes = argc > 3 ? atoi(argv[3]) : 5, p;
	struct lines L;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t got;
	FILE *f;
	double parse = 1e9, both = 1e9, d;
	uint64_t check = 0;

	if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: consumer FILE [LINES [PASSES]]\n");
		return 2;
	}
	memset(&L, 0, sizeof(L));
	tcap = 1 << 20;
	L.text = xmalloc(tcap);
	L.off = xreallocarray(NULL, want, sizeof(*L.off));
	L.len = xreallocarray(NULL, want, sizeof(*L.len));
	while (L.n < want && (got = getline(&buf, &cap, f)) > 0) {
		len = (size_t)got;
		if (buf[len - 1] == '\n')
			len--;
		while (used + len > tcap) {
			tcap *= 2;
			L.text = xreallocarray(L.text, tcap, 1);
		}
		memcpy(L.text + used, buf, len);
		L.off[L.n] = used;
		L.len[L.n++] = len;
		used += len;
	}
	fclose(f);
	free(buf);
	for (p = 0; p < passes; p++) {
		if ((d = pass(&L, 0, &check)) < parse)
			parse = d;
		if ((d = pass(&L, 1, &check)) < both)
			both = d;
	}
	printf("%zu lines, best of %d: parse %.3f s, parse+consume %.3f s: consumer %.1f ns/event "
	       "(check %llu)\n",
	       L.n, passes, parse, both, (both - parse) * 1e9 / (double)L.n,
	       (unsigned long long)check);
	free(L.text);
	free(L.off);
	free(L.len);
	return 0;
}
