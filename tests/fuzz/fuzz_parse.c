/* fuzz_parse.c: libFuzzer target over the header parser, the classifier, the JSON escaper and
 * the reader of journalctl -o json lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "journal_json.h"
#include "obuf.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of a span so that ASan catches a span outside its text. */
static unsigned
touch(struct span sp)
{
	unsigned sum = 0;
	uint32_t i;

	for (i = 0; i < sp.n; i++)
		sum += (unsigned char)sp.p[i];
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_ctx ctx;
	struct event ev;
	static struct obuf o; /* one buffer for the whole run: allocating 2 MiB per input is slow */
	size_t start = 0, i, n;
	volatile unsigned sink = 0;
	char *copy;

	/* an exact-size copy per line: reading past a line's end is caught */
	hdr_ctx_init(&ctx, 1780000000);
	if (o.buf == NULL)
		obuf_init(&o, -1);
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		copy = malloc(i - start ? i - start : 1);
		memcpy(copy, data + start, i - start);
		n = i - start;
		if (n > 0 && copy[0] == '{' && n <= 65536) {
			static char scratch[JOURNAL_JSON_SCRATCH(65536)];
			size_t m;
			unsigned f;

			/* a journal entry in JSON becomes its text line, in place and no longer */
			if (journal_json_line(copy, n, scratch, sizeof(scratch), &m, &f) == 1) {
				if (m > n)
					abort();
				n = m;
			}
		}
		sshd_parse_line(&ctx, copy, n, &ev);
		if (ev.type >= EV__COUNT || ev.outcome > OUT_PROBE)
			abort();
		if (ev.src.af != 0 && ev.src.af != 4 && ev.src.af != 6)
			abort();
		sink += touch(ev.host) + touch(ev.prog) + touch(ev.user) + touch(ev.src_host) +
		        touch(ev.key_type) + touch(ev.key_fp) + touch(ev.target) +
		        touch(ev.detail) + touch(ev.detail2) + touch(ev.reason);
		obuf_json_str(&o, ev.user.p ? ev.user.p : "", ev.user.n);
		obuf_csv_str(&o, ev.detail.p ? ev.detail.p : "", ev.detail.n);
		o.len = 0;
		free(copy);
		start = i + 1;
	}
	(void)sink;
	return 0;
}
