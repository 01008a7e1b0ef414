/* log.c: diagnostics to stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_name = "authwatch";
static int log_verbose;

void
log_init(const char *progname, int verbose)
{
	log_name = progname;
	log_verbose = verbose;
}

static void vlog(const char *fmt, va_list ap, const char *err)
    __attribute__((format(printf, 1, 0)));

static void
vlog(const char *fmt, va_list ap, const char *err)
{
	fprintf(stderr, "%s: ", log_name);
	vfprintf(stderr, fmt, ap);
	if (err != NULL)
		fprintf(stderr, ": %s", err);
	fputc('\n', stderr);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose <= 0)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_fatalx(int ex, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
	exit(ex);
}

void
log_errbuf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
