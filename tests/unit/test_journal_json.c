/* test_journal_json.c: `journalctl -o json` lines to text: fields, escapes, bytes, refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "journal_json.h"
#include "linebuf.h"
#include "t.h"
#include "tfile.h"

#define SCRATCH JOURNAL_JSON_SCRATCH(LINEBUF_MAX_LINE)

/* The line json turns into ("" when it is refused: then it must be left as it was). */
static const char *
conv(const char *json, unsigned *flags)
{
	static char line[8192], scratch[SCRATCH], out[8192];
	size_t n = strlen(json), m;
	unsigned f = 0;

	memcpy(line, json, n);
	if (journal_json_line(line, n, scratch, sizeof(scratch), &m, &f) != 1) {
		if (memcmp(line, json, n) != 0)
			T_FAIL("refused but changed: %s", json);
		return "";
	}
	if (m > n)
		T_FAIL("longer than its JSON: %s", json);
	memcpy(out, line, m);
	out[m] = '\0';
	if (flags != NULL)
		*flags = f;
	return out;
}

#define TS "\"__REALTIME_TIMESTAMP\":\"1622444842123456\""

T(fields)
{
	unsigned f = 1;

	CHECK_STR(conv("{\"__CURSOR\":\"s=1\"," TS ",\"_HOSTNAME\":\"nimbus\","
	               "\"SYSLOG_IDENTIFIER\":\"sshd\",\"SYSLOG_PID\":\"52959\",\"_PID\":\"1\","
	               "\"MESSAGE\":\"Failed password for root from 192.0.2.7 port 22 ssh2\"}",
	               &f),
	          "2021-05-31T07:07:22.123456Z nimbus sshd[52959]: Failed password for root from "
	          "192.0.2.7 port 22 ssh2");
	CHECK_INT(f, 0);
	/* any order, blanks between tokens; _COMM and _PID when the syslog fields are missing */
	CHECK_STR(conv(" { \"MESSAGE\" : \"m\" , \"_PID\":\"7\" ,\"_COMM\":\"sshd-session\", " TS
	               " } ",
	               NULL),
	          "2021-05-31T07:07:22.123456Z - sshd-session[7]: m");
	/* -o json-seq: a record separator first */
	CHECK_STR(conv("\x1e{" TS ",\"MESSAGE\":\"m\"}", NULL),
	          "2021-05-31T07:07:22.123456Z - -: m");
	/* nothing but the time: "-" for host and ident, no pid, an empty message */
	CHECK_STR(conv("{" TS "}", NULL), "2021-05-31T07:07:22.123456Z - -: ");
	/* a pid that is not a number is left out; null and numbers are skipped */
	CHECK_STR(conv("{" TS ",\"SYSLOG_PID\":\"12x\",\"_PID\":null,\"PRIORITY\":6,"
	               "\"X\":true,\"MESSAGE\":\"m\"}",
	               NULL),
	          "2021-05-31T07:07:22.123456Z - -: m");
	/* host and ident are sanitised as journal_next does */
	CHECK_STR(conv("{" TS ",\"_HOSTNAME\":\"a b:\",\"SYSLOG_IDENTIFIER\":\"x[1]:y\","
	               "\"MESSAGE\":\"m\"}",
	               NULL),
	          "2021-05-31T07:07:22.123456Z a_b_ x_1__y: m");
}

T(escapes_and_bytes)
{
	/* \" \\ \/ \t, a newline (a space, as journal_next writes it), \u00e9, a surrogate pair */
	CHECK_STR(conv("{" TS ",\"MESSAGE\":\"Invalid user a\\\"b\\\\c\\/d\\te\\nf "
	               "jos\\u00e9 \\ud83d\\ude00 from 192.0.2.1 port 1\"}",
	               NULL),
	          "2021-05-31T07:07:22.123456Z - -: Invalid user a\"b\\c/d\te f jos\xc3\xa9 "
	          "\xf0\x9f\x98\x80 from 192.0.2.1 port 1");
	/* a lone surrogate: U+FFFD */
	CHECK_STR(conv("{" TS ",\"MESSAGE\":\"x\\ud800y\"}", NULL),
	          "2021-05-31T07:07:22.123456Z - -: x\xef\xbf\xbdy");
	/* binary: an array of byte values */
	CHECK_STR(conv("{" TS ",\"MESSAGE\":[113,255,113,0,33]}", NULL),
	          "2021-05-31T07:07:22.123456Z - -: q\xffq");
	CHECK(memcmp(conv("{" TS ",\"MESSAGE\":[113,255,113,0,33]}", NULL) + 33, "q\xffq\0!", 5) ==
	      0);
	/* a field written twice: an array of values, the first counts */
	CHECK_STR(
	    conv("{" TS ",\"MESSAGE\":[\"one\",\"two\"],\"_HOSTNAME\":[[104,49],\"h2\"]}", NULL),
	    "2021-05-31T07:07:22.123456Z h1 -: one");
	/* the first occurrence of a key counts, as the journal's own reader takes it */
	CHECK_STR(conv("{" TS ",\"MESSAGE\":\"a\",\"MESSAGE\":\"b\"}", NULL),
	          "2021-05-31T07:07:22.123456Z - -: a");
	/* an empty array is no value: the next one counts */
	CHECK_STR(conv("{" TS ",\"MESSAGE\":[],\"MESSAGE\":\"b\"}", NULL),
	          "2021-05-31T07:07:22.123456Z - -: b");
}

T(refused)
{
	static const char *const bad[] = {
	    "",
	    "{",
	    "}",
	    "[1,2]",
	    "May 31 07:07:22 host sshd[1]: {\"x\":1}",
	    "{\"MESSAGE\":\"no time\"}",
	    "{\"__REALTIME_TIMESTAMP\":\"12a\",\"MESSAGE\":\"m\"}",
	    "{\"__REALTIME_TIMESTAMP\":\"\",\"MESSAGE\":\"m\"}",
	    "{\"__REALTIME_TIMESTAMP\":1622444842123456,\"MESSAGE\":\"m\"}",
	    "{\"__REALTIME_TIMESTAMP\":\"99999999999999999999\"}",
	    "{\"__REALTIME_TIMESTAMP\":\"253402300800000000\"}", /* year 10000 */
	    "{" TS ",\"MESSAGE\":\"m\"} trailing",
	    "{" TS ",\"MESSAGE\":\"m\"",
	    "{" TS ",\"MESSAGE\":\"m}",
	    "{" TS ",\"MESSAGE\":\"bad \\x escape\"}",
	    "{" TS ",\"MESSAGE\":\"short \\u12\"}",
	    "{" TS ",\"MESSAGE\":\"raw\ttab\"}",
	    "{" TS ",\"MESSAGE\":[1,256]}",
	    "{" TS ",\"MESSAGE\":[1,,2]}",
	    "{" TS ",\"MESSAGE\":[1 2]}",
	    "{" TS ",\"MESSAGE\":{\"nested\":1}}",
	    "{" TS ",\"MESSAGE\"}",
	    "{" TS ",,\"MESSAGE\":\"m\"}",
	    "{" TS " \"MESSAGE\":\"m\"}",
	    "{" TS ",\"MESSAGE\":}",
	    "{" TS ",}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (conv(bad[i], NULL)[0] != '\0')
			T_FAIL("accepted: %s -> %s", bad[i], conv(bad[i], NULL));
	/* too little scratch */
	{
		char line[] = "{" TS "}", scratch[16];
		size_t m;
		unsigned f;

		CHECK_INT(journal_json_line(line, strlen(line), scratch, sizeof(scratch), &m, &f),
		          0);
	}
}

/* Random damage to good lines: refused or converted, never read or written out of bounds. */
T(damage)
{
	static const char good[] =
	    "{\"__CURSOR\":\"s=1;i=2\"," TS ",\"_HOSTNAME\":\"h\","
	    "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"9\","
	    "\"MESSAGE\":\"Invalid user \\u00e9\\\"x from 192.0.2.1 port 2\","
	    "\"BIN\":[1,2,3],\"N\":null}";
	static const char alphabet[] = "{}[],:\"\\u0123456789abcdefnulltrue \t\xff";
	static char scratch[SCRATCH];
	char line[sizeof(good)];
	unsigned x = 12345, k, f, ok = 0;
	size_t m, n;
	int i;

	for (i = 0; i < 200000; i++) {
		memcpy(line, good, sizeof(good) - 1);
		n = sizeof(good) - 1;
		for (k = 0; k < 1 + (unsigned)i % 4; k++) {
			x = x * 1103515245 + 12345;
			line[(x >> 8) % n] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		x = x * 1103515245 + 12345;
		if (i % 3 == 0)
			n = (x >> 8) % n; /* cut short too */
		{
			/* exactly n bytes, on the heap: ASan sees a read past them */
			char *p = malloc(n ? n : 1);

			memcpy(p, line, n);
			if (journal_json_line(p, n, scratch, sizeof(scratch), &m, &f) == 1) {
				ok++;
				if (m > n)
					T_FAIL("longer than its JSON");
			}
			free(p);
		}
	}
	CHECK(ok > 1000);
}

/* Through linebuf: a whole `journalctl -o json` file comes out as text lines. */
T(through_linebuf)
{
	char err[256];
	struct reader *r;
	struct linebuf lb;
	const char *line;
	size_t len;
	unsigned flags;
	int n = 0;

	tf_setup("journal_json");
	{
		static const char j[] = "{" TS ",\"MESSAGE\":\"one\"}\n"
		                        "not json\n"
		                        "{" TS ",\"MESSAGE\":\"two\"}\r\n";
		static const char t[] =
		    "May 31 07:07:22 h sshd[1]: x\n{" TS ",\"MESSAGE\":\"m\"}\n";

		tf_write(tf_path("j.json"), j, sizeof(j) - 1);
		tf_write(tf_path("t.log"), t, sizeof(t) - 1);
	}
	if ((r = reader_open(tf_path("j.json"), err, sizeof(err))) == NULL) {
		T_FAIL("%s", err);
		return;
	}
	linebuf_init(&lb, r);
	while (linebuf_next(&lb, &line, &len, &flags) == 1) {
		static const char *const want[] = {"2021-05-31T07:07:22.123456Z - -: one",
		                                   "not json",
		                                   "2021-05-31T07:07:22.123456Z - -: two"};

		if (n < 3 && (len != strlen(want[n]) || memcmp(line, want[n], len) != 0))
			T_FAIL("line %d: %.*s", n + 1, (int)len, line);
		n++;
	}
	CHECK_INT(n, 3);
	linebuf_free(&lb);
	reader_close(r);
	/* a text log stays text, even with a JSON line in it */
	if ((r = reader_open(tf_path("t.log"), err, sizeof(err))) == NULL) {
		T_FAIL("%s", err);
		return;
	}
	linebuf_init(&lb, r);
	CHECK_INT(linebuf_next(&lb, &line, &len, &flags), 1);
	CHECK_INT(linebuf_next(&lb, &line, &len, &flags), 1);
	CHECK(len > 0 && line[0] == '{');
	linebuf_free(&lb);
	reader_close(r);
	tf_teardown();
}

int
main(void)
{
	T_RUN(fields);
	T_RUN(escapes_and_bytes);
	T_RUN(refused);
	T_RUN(damage);
	T_RUN(through_linebuf);
	return T_END();
}
