/* obuf.c: buffered output to a file descriptor or a sink, fast number, time, string formatting. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "civil.h"
#include "obuf.h"
#include "xmalloc.h"

void
obuf_init(struct obuf *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->buf = xmalloc(OBUF_SIZE);
	o->fd = fd;
	o->t_min = INT64_MIN;
}

void
obuf_init_sink(struct obuf *o, obuf_sink_fn sink, void *arg)
{
	obuf_init(o, -1);
	o->sink = sink;
	o->sink_arg = arg;
}

int
obuf_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* a non-blocking descriptor (a terminal or pipe shared with another
			 * process) */
			struct pollfd pfd = {fd, POLLOUT, 0};

			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
obuf_flush(struct obuf *o)
{
	if (o->err) {
		o->len = 0;
		return -1;
	}
	if (o->sink != NULL && o->len > 0) {
		int e = o->sink(o->sink_arg, o->buf, o->len);

		o->len = 0;
		if (e != 0) {
			o->err = e;
			return -1;
		}
		return 0;
	}
	if (obuf_write_all(o->fd, o->buf, o->len) != 0) {
		o->err = errno;
		o->len = 0;
		return -1;
	}
	o->len = 0;
	return 0;
}

int
obuf_maybe_flush(struct obuf *o)
{
	if (o->len > OBUF_SIZE - OBUF_SLACK)
		return obuf_flush(o);
	return o->err ? -1 : 0;
}

int
obuf_close(struct obuf *o)
{
	int rc = obuf_flush(o);

	free(o->buf);
	o->buf = NULL;
	return rc;
}

void
obuf_put_slow(struct obuf *o, const char *s, size_t n)
{
	if (obuf_flush(o) != 0)
		return;
	if (n > OBUF_SIZE)
		n = OBUF_SIZE;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void
obuf_time(struct obuf *o, int64_t us)
{
	int64_t sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t frac = us - sec * 1000000, min = sec >= 0 ? sec / 60 : -((-sec + 59) / 60);
	char tail[12];
	size_t n = 0;

	if (min != o->t_min) {
		int64_t days = min >= 0 ? min / 1440 : -((-min + 1439) / 1440);
		unsigned mod = (unsigned)(min - days * 1440);
		int y, mo, d;

		civil_date(days, &y, &mo, &d);
		if (y < 0 || y > 9999)
			y = y < 0 ? 0 : 9999;
		o->t_txt[0] = (char)('0' + y / 1000);
		o->t_txt[1] = (char)('0' + y / 100 % 10);
		two(o->t_txt + 2, (unsigned)y % 100);
		o->t_txt[4] = '-';
		two(o->t_txt + 5, (unsigned)mo);
		o->t_txt[7] = '-';
		two(o->t_txt + 8, (unsigned)d);
		o->t_txt[10] = 'T';
		two(o->t_txt + 11, mod / 60);
		o->t_txt[13] = ':';
		two(o->t_txt + 14, mod % 60);
		o->t_txt[16] = ':';
		o->t_min = min;
	}
	obuf_put(o, o->t_txt, 17);
	two(tail, (unsigned)(sec - min * 60));
	n = 2;
	if (frac) {
		int i;

		tail[n++] = '.';
		for (i = 5; i >= 0; i--) {
			tail[n + (size_t)i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += 6;
	}
	tail[n++] = 'Z';
	obuf_put(o, tail, n);
}

/*
 * Length of the valid UTF-8 sequence at s[0..n) (n > 0, s[0] >= 0x80), or 0.
 * Rejects overlongs, surrogates and code points past U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static const char hexd[] = "0123456789abcdef";

void
obuf_json_str(struct obuf *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out;
	size_t i = 0;

	if (n > 65536)
		n = 65536;
	if (6 * n > OBUF_SIZE - o->len && obuf_flush(o) != 0)
		return;
	out = o->buf + o->len;
	while (i < n) {
		unsigned c = s[i];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*out++ = (char)c;
			i++;
		} else if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = (char)c;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			*out++ = '\\';
			if (c == '\n')
				*out++ = 'n';
			else if (c == '\t')
				*out++ = 't';
			else if (c == '\r')
				*out++ = 'r';
			else {
				memcpy(out, "u00", 3);
				out += 3;
				*out++ = hexd[c >> 4];
				*out++ = hexd[c & 15];
			}
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);

			if (l == 0) {
				memcpy(out, "\xef\xbf\xbd", 3); /* U+FFFD */
				out += 3;
				i++;
			} else {
				memcpy(out, s + i, l);
				out += l;
				i += l;
			}
		}
	}
	o->len = (size_t)(out - o->buf);
}

void
obuf_csv_str(struct obuf *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i;
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	char *out;

	if (n > 65536)
		n = 65536;
	for (i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (3 * n + 2 > OBUF_SIZE - o->len && obuf_flush(o) != 0)
		return;
	out = o->buf + o->len;
	if (quote)
		*out++ = '"';
	for (i = 0; i < n;) {
		unsigned c = s[i];

		if (c == '"') {
			*out++ = '"';
			*out++ = '"';
			i++;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			i++;
		} else if (c < 0x80) {
			*out++ = (char)c;
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);

			if (l == 0) {
				memcpy(out, "\xef\xbf\xbd", 3);
				out += 3;
				i++;
			} else {
				memcpy(out, s + i, l);
				out += l;
				i += l;
			}
		}
	}
	if (quote)
		*out++ = '"';
	o->len = (size_t)(out - o->buf);
}
