/* conn.h: the connection tracker: folds the lines of one sshd connection into one record. */
#ifndef CONN_H
#define CONN_H

#include <stdint.h>

#include "addr.h"
#include "event.h"
#include "strtab.h"

enum conn_outcome {
	CO_OTHER,       /* nothing hostile and no login (e.g. only "Connection from") */
	CO_LOGIN,       /* an authentication was accepted */
	CO_FAILED,      /* at least one failed or refused authentication, no login */
	CO_PROBE,       /* hostile but never authenticated: scans, bad banners, preauth closes */
	CO_NEGOTIATION, /* the key exchange failed (old or odd client) */
};

#define CONN_USERS 4 /* distinct user names kept per connection; more are only counted */

/* Record flags. */
#define CF_INVALID_USER 0x0001 /* a user name sshd called invalid */
#define CF_KEY_REVOKED 0x0002  /* a revoked key was offered */
#define CF_DNS 0x0004          /* a reverse-mapping / PTR warning */
#define CF_SFTP 0x0008         /* an sftp subsystem session */
#define CF_CERT 0x0010         /* accepted with a certificate */
#define CF_STANDALONE 0x0020   /* from the listener (penalty, MaxStartups): one line, no pid */
#define CF_NO_CLOSE 0x0040     /* ended without a closing line (idle, pid reused, end of input) */
#define CF_ROOT 0x0080         /* root was accepted */

/*
 * One TCP connection to sshd, as its lines tell it. Invariant: start <= end;
 * string fields are strtab ids (0 = none); users[0..nusers) are distinct;
 * attempts counts failed or refused authentications once each, however many
 * lines sshd and PAM wrote for them (the largest of: Failed lines other than
 * method none, refusal lines, PAM failure lines).
 */
struct conn_rec {
	uint32_t host;
	uint32_t pid;
	struct addr src; /* af 0 when no line of it carried the address */
	uint16_t src_port;
	uint8_t outcome; /* enum conn_outcome */
	uint8_t method;  /* enum auth_method of the accepted login */
	uint8_t open;    /* still open at the end of the input */
	uint8_t nusers;
	uint16_t flags; /* CF_* */
	int64_t start;  /* UTC µs of its first line */
	int64_t end;    /* of its closing line (or its last line) */
	int64_t login;  /* of the accepted authentication; 0 when none */
	uint32_t attempts;
	uint32_t user; /* the accepted user, else the last one tried */
	uint32_t users[CONN_USERS];
	uint8_t
	    users_valid[CONN_USERS]; /* per users[i]: bit 0 sshd said it exists, bit 1 invalid */
	uint32_t users_more;         /* distinct names tried beyond users[] */
	uint32_t key_type, key_fp;
	uint32_t revoked_fp; /* the last revoked key offered (CF_KEY_REVOKED), its fingerprint */
	int64_t revoked_at;  /* and when */
	uint64_t bytes_sent, bytes_recv; /* "Transferred:" */
	uint32_t sftp_files;             /* files opened through sftp */
	uint64_t sftp_read, sftp_written;
	uint32_t sftp_ops; /* sftp remove/rename/mkdir/rmdir */
	uint32_t sudo_cmds;
	uint32_t lines;
};

typedef void (*conn_emit_fn)(const struct conn_rec *rec, void *arg);

struct conn_tracker;

/*
 * A tracker that hands each finished record to emit(rec, arg); rec is valid
 * only during the call. strings is borrowed (ids in records refer to it).
 * Aborts on OOM.
 */
struct conn_tracker *conn_new(struct strtab *strings, conn_emit_fn emit, void *arg);

/*
 * Feeds one event, in log order (all inputs one after the other, oldest
 * first: a connection split across rotated files is one record). Events of
 * no connection (cron, useradd, Fail2Ban, ...) are ignored here; sudo
 * commands are counted on the user's open login session on that host.
 * A record is emitted when its connection closes (after a short linger for
 * the lines sshd writes after the close), when its pid is reused, or when
 * it sat idle too long before authentication.
 */
void conn_feed(struct conn_tracker *t, const struct event *ev);

/*
 * The record (still open) that the event last fed joined, as it stands now;
 * NULL when that event joined none (not a connection's line). Valid until the
 * next call into the tracker.
 */
const struct conn_rec *conn_current(const struct conn_tracker *t);

/* What a connection just did that the detector counts (conn_set_progress). */
enum conn_progress {
	CP_FAILURE,     /* delta more failed or refused authentications */
	CP_PROBE,       /* it turned out hostile without trying to authenticate */
	CP_NEGOTIATION, /* its key exchange failed without trying to authenticate */
};
typedef void (*conn_progress_fn)(const struct conn_rec *rec, unsigned what, uint32_t delta,
                                 int64_t ts, void *arg);
/*
 * Also reports progress as it happens, for the daemon: fn(rec, CP_FAILURE,
 * delta, ts, arg) each time the record's attempt count grows (so one failed
 * password counts once, at its first line, however many lines follow), and
 * once CP_PROBE or CP_NEGOTIATION when a connection closes hostile before any
 * attempt. Listener records (penalty drops, MaxStartups) report CP_PROBE.
 * rec (rec->src may be af 0: no address yet) is valid only during the call.
 */
void conn_set_progress(struct conn_tracker *t, conn_progress_fn fn, void *arg);
/*
 * Lean mode, for a long-running daemon: user names and keys are not kept
 * (records carry no user, key or sudo/sftp links), so the string table only
 * grows with host names, never with what attackers type.
 */
void conn_set_lean(struct conn_tracker *t);
/*
 * Holds at most max records at once (0: no limit): past it, the least recently
 * active of a few picked at random is ended (emitted without a close) to make
 * room. For the daemon: sshd itself refuses unauthenticated connections past
 * MaxStartups (100 by default), so a generous cap only bounds what a flood of
 * odd lines could make it hold.
 */
void conn_set_limit(struct conn_tracker *t, uint32_t max);
/* Emits every record still held; those not closed get open = 1. Call at the end of input. */
void conn_flush(struct conn_tracker *t);

/* Number of records held now (open or lingering): bounded by concurrent connections. */
uint32_t conn_active(const struct conn_tracker *t);

/* Frees the tracker (records still held are dropped: call conn_flush first). */
void conn_free(struct conn_tracker *t);

#endif
