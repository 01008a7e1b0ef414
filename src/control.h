/* control.h: the daemon's control socket: one request line in, one answer out, then close. */
#ifndef CONTROL_H
#define CONTROL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "loop.h"

#define CONTROL_REQ_MAX 4096 /* longest request line */

/* An answer being built. Invariant: buf[0..len) is the text, buf[len] == '\0'. */
struct control_out {
	char *buf;
	size_t len, cap;
	int failed; /* the request failed: the client exits non-zero */
};

/* Appends to out. */
void control_printf(struct control_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends the bytes s[0..n) as they are. */
void control_write(struct control_out *out, const char *s, size_t n);
/* Marks the request failed and appends "error: MESSAGE\n". */
void control_fail(struct control_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string (quotes, escapes; bytes >= 0x80 as \u00XX, always valid JSON). */
void control_json_str(struct control_out *out, const char *s);

/*
 * Answers one request: argv[0..argc) are its words (split on blanks; at most
 * 16, each NUL-terminated). Called on the loop's thread.
 */
typedef void (*control_fn)(void *arg, int argc, char **argv, struct control_out *out);

struct control;

/*
 * Listens on the unix socket path (its directory is created 0755 if missing; a
 * stale socket is replaced; the socket is mode 0600) and serves requests from
 * the loop. Only root and the daemon's own uid are answered (SO_PEERCRED).
 * Returns NULL with a message in err.
 */
struct control *control_open(const char *path, struct loop *l, control_fn fn, void *arg, char *err,
                             size_t errlen);
/* Stops listening, drops clients, removes the socket file. */
void control_close(struct control *c);

/*
 * The client: sends the words argv[0..argc) to the daemon at path, writes the
 * answer to fd. Returns 0 when the daemon answered success, 1 when it answered
 * a failure, -1 when it could not be reached (message in err).
 */
int control_call(const char *path, int argc, char *const *argv, int fd, char *err, size_t errlen);

#endif
