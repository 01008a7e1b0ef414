/* journal_json.c: a `journalctl -o json` line turned into the text line journal_next writes. */
#include <stdint.h>
#include <string.h>

#include "journal.h"
#include "journal_json.h"

/* The fields that make the line, by their index in names[]. */
enum { F_TIME, F_HOST, F_IDENT, F_COMM, F_SPID, F_PID, F_MSG, F__COUNT };

#define FIELD(name)                                                                                \
	{                                                                                          \
		name, sizeof(name) - 1                                                             \
	}
static const struct {
	const char *name;
	size_t len;
} names[F__COUNT] = {
    FIELD("__REALTIME_TIMESTAMP"), FIELD("_HOSTNAME"), FIELD("SYSLOG_IDENTIFIER"), FIELD("_COMM"),
    FIELD("SYSLOG_PID"),           FIELD("_PID"),      FIELD("MESSAGE"),
};
#undef FIELD

/* A JSON reader over [p, e): p moves on; ok is cleared at the first thing that is not JSON. */
struct js {
	const char *p, *e;
	int ok;
};

static void
ws(struct js *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
eat(struct js *j, char c)
{
	ws(j);
	if (j->p < j->e && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = (unsigned)(p[i] - '0');
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			d = (unsigned)((p[i] | 0x20) - 'a' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Appends code point u as UTF-8 at *o. */
static void
utf8(char **o, unsigned u)
{
	char *q = *o;

	if (u < 0x80)
		*q++ = (char)u;
	else if (u < 0x800) {
		*q++ = (char)(0xc0 | u >> 6);
		*q++ = (char)(0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		*q++ = (char)(0xe0 | u >> 12);
		*q++ = (char)(0x80 | (u >> 6 & 0x3f));
		*q++ = (char)(0x80 | (u & 0x3f));
	} else {
		*q++ = (char)(0xf0 | u >> 18);
		*q++ = (char)(0x80 | (u >> 12 & 0x3f));
		*q++ = (char)(0x80 | (u >> 6 & 0x3f));
		*q++ = (char)(0x80 | (u & 0x3f));
	}
	*o = q;
}

/*
 * A string after its opening quote, decoded to *o when o is not NULL (never
 * longer than its JSON text). Moves past the closing quote.
 */
static void
string(struct js *j, char **o)
{
	unsigned u, lo;

	while (j->ok) {
		if (j->p >= j->e) {
			j->ok = 0;
			return;
		}
		if (*j->p == '"') {
			j->p++;
			return;
		}
		if ((unsigned char)*j->p < 0x20) {
			j->ok = 0; /* raw control bytes are not JSON */
			return;
		}
		if (*j->p != '\\') {
			if (o != NULL)
				*(*o)++ = *j->p;
			j->p++;
			continue;
		}
		if (j->e - j->p < 2) {
			j->ok = 0;
			return;
		}
		j->p++;
		switch (*j->p++) {
		case '"':
			u = '"';
			break;
		case '\\':
			u = '\\';
			break;
		case '/':
			u = '/';
			break;
		case 'b':
			u = '\b';
			break;
		case 'f':
			u = '\f';
			break;
		case 'n':
			u = '\n';
			break;
		case 'r':
			u = '\r';
			break;
		case 't':
			u = '\t';
			break;
		case 'u':
			if (j->e - j->p < 4 || hex4(j->p, &u) != 0) {
				j->ok = 0;
				return;
			}
			j->p += 4;
			/* a high surrogate and its low one: one code point */
			if (u >= 0xd800 && u < 0xdc00 && j->e - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u' && hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			} else if (u >= 0xd800 && u < 0xe000)
				u = 0xfffd; /* a lone surrogate */
			break;
		default:
			j->ok = 0;
			return;
		}
		if (o != NULL)
			utf8(o, u);
	}
}

/* A number, true, false or null: skipped (journalctl writes null for a field too large). */
static void
scalar(struct js *j)
{
	const char *s = j->p;

	while (j->p < j->e &&
	       ((*j->p >= '0' && *j->p <= '9') || *j->p == '-' || *j->p == '+' || *j->p == '.' ||
	        (*j->p | 0x20) == 'e' || (*j->p >= 'a' && *j->p <= 'z')))
		j->p++;
	if (j->p == s)
		j->ok = 0;
}

/* An array of byte values (0..255) after its '[': the bytes go to *o when o is not NULL. */
static void
bytes(struct js *j, char **o)
{
	unsigned v;
	int digits;

	if (eat(j, ']'))
		return;
	do {
		ws(j);
		for (v = 0, digits = 0; j->p < j->e && *j->p >= '0' && *j->p <= '9'; j->p++) {
			v = v * 10 + (unsigned)(*j->p - '0');
			if (++digits > 3 || v > 255) {
				j->ok = 0;
				return;
			}
		}
		if (digits == 0) {
			j->ok = 0;
			return;
		}
		if (o != NULL)
			*(*o)++ = (char)v;
	} while (eat(j, ','));
	if (!eat(j, ']'))
		j->ok = 0;
}

/*
 * A value, decoded to *o when o is not NULL: a string, an array of byte values,
 * an array of values (the field written more than once: the first is kept).
 * Sets *got when something was written (a string or bytes, not null).
 */
static void
value(struct js *j, char **o, int *got)
{
	int first = 1, g;

	ws(j);
	if (j->p >= j->e) {
		j->ok = 0;
		return;
	}
	if (*j->p == '"') {
		j->p++;
		string(j, o);
		*got = 1;
		return;
	}
	if (*j->p != '[') {
		scalar(j);
		return;
	}
	j->p++;
	ws(j);
	if (j->p < j->e && *j->p >= '0' && *j->p <= '9') {
		bytes(j, o);
		*got = 1;
		return;
	}
	if (eat(j, ']'))
		return;
	do {
		ws(j);
		if (j->p < j->e && *j->p == '[') {
			j->p++;
			bytes(j, first ? o : NULL);
			g = 1;
		} else if (j->p < j->e && *j->p == '"') {
			j->p++;
			string(j, first ? o : NULL);
			g = 1;
		} else {
			scalar(j);
			g = 0;
		}
		if (first && g)
			*got = 1;
		first = 0;
	} while (j->ok && eat(j, ','));
	if (!eat(j, ']'))
		j->ok = 0;
}

int
journal_json_line(char *line, size_t len, char *scratch, size_t scap, size_t *newlen,
                  unsigned *flags)
{
	struct js j = {line, line + len, 1};
	const char *val[F__COUNT];
	size_t vlen[F__COUNT], klen, i, n;
	struct journal_fields f;
	char *o = scratch, *out;
	const char *key;
	uint64_t usec = 0;
	int k, got;

	if (j.p < j.e && *j.p == JOURNAL_JSON_RS)
		j.p++; /* -o json-seq: RFC 7464's record separator before each entry */
	if (scap < JOURNAL_JSON_SCRATCH(len) || !eat(&j, '{'))
		return 0;
	memset(val, 0, sizeof(val));
	memset(vlen, 0, sizeof(vlen));
	if (!eat(&j, '}'))
		do {
			if (!eat(&j, '"'))
				return 0;
			key = j.p;
			string(&j, NULL);
			if (!j.ok)
				return 0;
			klen =
			    (size_t)(j.p - 1 - key); /* as written: field names need no escapes */
			if (!eat(&j, ':'))
				return 0;
			for (k = 0; k < F__COUNT; k++)
				if (names[k].len == klen && memcmp(names[k].name, key, klen) == 0)
					break;
			got = 0;
			if (k < F__COUNT && val[k] == NULL) {
				char *start = o;

				value(&j, &o, &got);
				if (got) {
					val[k] = start;
					vlen[k] = (size_t)(o - start);
				} else
					o = start;
			} else
				value(&j, NULL, &got);
			if (!j.ok)
				return 0;
		} while (eat(&j, ','));
	if (!eat(&j, '}'))
		return 0;
	ws(&j);
	if (j.p != j.e || val[F_TIME] == NULL || vlen[F_TIME] == 0 || vlen[F_TIME] > 19)
		return 0;
	for (i = 0; i < vlen[F_TIME]; i++) {
		if (val[F_TIME][i] < '0' || val[F_TIME][i] > '9')
			return 0;
		usec = usec * 10 + (uint64_t)(val[F_TIME][i] - '0');
	}
	memset(&f, 0, sizeof(f));
	f.host = val[F_HOST];
	f.host_n = vlen[F_HOST];
	f.ident = val[F_IDENT];
	f.ident_n = vlen[F_IDENT];
	f.comm = val[F_COMM];
	f.comm_n = vlen[F_COMM];
	if ((f.pid = journal_pid(val[F_SPID], vlen[F_SPID])) == 0)
		f.pid = journal_pid(val[F_PID], vlen[F_PID]);
	f.msg = val[F_MSG];
	f.msg_n = vlen[F_MSG];
	out = o; /* after the decoded values: at most len bytes so far */
	if ((n = journal_format(out, usec, &f, flags)) == 0 || n > len)
		return 0;
	memcpy(line, out, n);
	*newlen = n;
	return 1;
}
