/* log.h: diagnostics to stderr (the only global state: program name and verbosity). */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Sets the name printed before each message ("authwatch") and the verbosity (0 = warnings). */
void log_init(const char *progname, int verbose);
/* Prints "progname: msg" to stderr. */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "progname: msg: strerror(errno)" to stderr. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints only when verbose > 0. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "progname: msg" and exits with code ex. */
void log_fatalx(int ex, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Formats a message into err[0..errlen) for a caller to report (nothing when errlen is 0). */
void log_errbuf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
