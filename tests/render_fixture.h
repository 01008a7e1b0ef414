/* render_fixture.h: the report tests' times, addr4, and rendering to a file and reading it back. */
#ifndef RENDER_FIXTURE_H
#define RENDER_FIXTURE_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "render.h"
#include "t.h"
#include "tfile.h"

#define T0 1622444400000000LL /* 2021-05-31 07:00:00 UTC, a Monday */
#define MIN 60000000LL
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static inline void
addr4(struct addr *a, unsigned x, unsigned y, unsigned z, unsigned w)
{
	memset(a, 0, sizeof(*a));
	a->af = 4;
	a->a[0] = (uint8_t)x;
	a->a[1] = (uint8_t)y;
	a->a[2] = (uint8_t)z;
	a->a[3] = (uint8_t)w;
}

/* Reads a whole file (NUL-terminated; *n its length). */
static inline char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long len;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len)
		len = 0;
	buf[len] = '\0';
	fclose(fp);
	if (n)
		*n = (size_t)len;
	return buf;
}

enum fmt { TEXT, TEXT_COLOR, JSON, HTML };

/* Renders v to the file name in the test directory and returns its contents (caller frees). */
static inline char *
render_to(const struct agg_view *v, enum fmt fmt, const char *name, size_t *n)
{
	const char *p = tf_path(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc;

	if (fd < 0) {
		T_FAIL("open %s", p);
		return NULL;
	}
	rc = fmt == JSON   ? render_json(v, fd)
	     : fmt == HTML ? render_html(v, fd)
	                   : render_text(v, fd, fmt == TEXT_COLOR);
	close(fd);
	CHECK_INT(rc, 0);
	return slurp(p, n);
}

#endif
