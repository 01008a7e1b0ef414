/* journal.h: sshd-related entries of the systemd journal as syslog-style lines (sd-journal). */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_TRUNCATED 0x01      /* journal_next flag: MESSAGE was cut to JOURNAL_MSG_MAX */
#define JOURNAL_MSG_MAX (64 * 1024) /* bytes of one MESSAGE that are kept */
#define JOURNAL_HOST_MAX 255        /* bytes of _HOSTNAME that are kept */
#define JOURNAL_IDENT_MAX 64        /* bytes of SYSLOG_IDENTIFIER / _COMM that are kept */

/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ HOST IDENT[PID]: " at its longest */
#define JOURNAL_HDR_MAX (27 + 1 + JOURNAL_HOST_MAX + 1 + JOURNAL_IDENT_MAX + 12 + 2)
/* The longest line journal_next or journal_format writes */
#define JOURNAL_LINE_MAX (JOURNAL_HDR_MAX + JOURNAL_MSG_MAX)

/*
 * The fields of one entry that its text line is made of: values as the journal
 * stores them (not NUL-terminated, not sanitised); NULL when absent. comm is
 * used when ident is absent or empty.
 */
struct journal_fields {
	const char *host, *ident, *comm, *msg;
	size_t host_n, ident_n, comm_n, msg_n;
	uint32_t pid; /* SYSLOG_PID, else _PID (journal_pid); 0: none */
};

/*
 * Writes the line journal_next describes (below) for an entry of time usec
 * (UTC epoch microseconds) and fields f into out, which has room for
 * JOURNAL_LINE_MAX bytes. Returns its length, with *flags (JOURNAL_TRUNCATED
 * or 0), or 0 when usec is past year 9999 (nothing written).
 */
size_t journal_format(char *out, uint64_t usec, const struct journal_fields *f, unsigned *flags);

/* A PID field's value v[0..n) when it is a decimal number in 1..UINT32_MAX, else 0. */
uint32_t journal_pid(const char *v, size_t n);

struct journal;

/*
 * Opens the local journal (dir == NULL: the system and runtime journals this
 * process may read, sd_journal_open with SD_JOURNAL_LOCAL_ONLY) or the journal
 * files in directory dir (sd_journal_open_directory). Only entries whose
 * SYSLOG_IDENTIFIER is one of the programs authwatch understands are read:
 * sshd, sshd-session, sshd-auth, sudo, su, systemd-logind, useradd, usermod,
 * userdel, groupadd, passwd, chpasswd, CRON, crond, sftp-server, internal-sftp.
 * since/until are UTC epoch microseconds; entries outside [since, until] (both
 * inclusive) are skipped; INT64_MIN / INT64_MAX mean no bound. The reading
 * position starts at since (sd_journal_seek_realtime_usec); it goes on past
 * until, as the journal is ordered by sequence number, and a clock set back
 * gives a later entry an earlier time.
 * Returns the handle, owned by the caller (free with journal_close), or NULL
 * with errno set (ENOENT for a missing directory, ...) and a message
 * "journal: <reason>" in err[0..errlen).
 */
struct journal *journal_open(const char *dir, int64_t since, int64_t until, char *err,
                             size_t errlen);

/*
 * Reads the next matching entry and formats it as one line without a newline:
 * "YYYY-MM-DDTHH:MM:SS.uuuuuuZ HOST IDENT[PID]: MESSAGE", which hdr_parse reads
 * as HDR_RFC3339 with host, prog and pid.
 *   time   __REALTIME_TIMESTAMP in UTC (entries past year 9999 are skipped);
 *   HOST   _HOSTNAME, "-" when missing or empty; at most JOURNAL_HOST_MAX bytes,
 *          spaces and control bytes become '_', as does a final ':';
 *   IDENT  SYSLOG_IDENTIFIER, else _COMM, else "-"; at most JOURNAL_IDENT_MAX
 *          bytes, spaces, control bytes, '[', ']' and ':' become '_';
 *   PID    SYSLOG_PID, else _PID, when it is a decimal number in 1..UINT32_MAX;
 *          "[PID]" is left out when neither is;
 *   MESSAGE  the bytes as they are (binary fields, NUL bytes included) except
 *          that '\n' and '\r' become spaces; empty when the entry has none.
 *          One longer than JOURNAL_MSG_MAX bytes is cut to that many and
 *          *flags gets JOURNAL_TRUNCATED (otherwise *flags is 0).
 * An entry whose time or MESSAGE field cannot be read (a damaged file) is
 * skipped. Returns 1 with *line, *len and *flags set (*line is owned by j and
 * valid until the next journal_next or journal_close), 0 at the end (it does
 * not wait for new entries; later calls return 0 again), or -1 on an error
 * with errno set and journal_errmsg saying what (later calls return -1 again).
 * Allocates nothing itself (the line buffer is made by journal_open).
 * A journal opened to follow never latches the end (journal_open_follow).
 */
int journal_next(struct journal *j, const char **line, size_t *len, unsigned *flags);

/*
 * Opens the local journal (journal_open_follow: as journal_open with dir NULL)
 * or the journal files in directory dir (journal_open_follow_dir, for tests
 * and for a journal directory of one's own) to follow it live:
 *   cursor given (from journal_cursor): reading goes on after that entry (the
 *     entry itself is skipped; when it no longer exists, e.g. vacuumed, from
 *     the next entry in time);
 *   cursor NULL: from the tail, so only entries added from now on are read.
 * The same SYSLOG_IDENTIFIER matches as journal_open (OR'ed with each other);
 * unit (e.g. "ssh.service"; NULL: any) adds the match _SYSTEMD_UNIT=unit,
 * AND'ed with them: an entry is read when it comes from one of the programs
 * AND from that unit. Mind that sshd moves a connection into the user's
 * session scope (pam_systemd) once it logs in: later lines of it ("session
 * closed", "Disconnected from user") carry _SYSTEMD_UNIT=session-N.scope and
 * are not read with a unit; failures before authentication all are. sudo, su,
 * CRON are not in ssh.service either.
 * journal_next then returns 0 at the current end, without waiting, and the
 * entries added later once they are there (it never latches the end): wait
 * for journal_fd to be readable, call journal_process, then journal_next
 * until 0. No since/until bounds apply.
 * Returns the handle (free with journal_close) or NULL with errno set and a
 * message "journal: <reason>" in err[0..errlen): EINVAL for an empty or bad
 * unit or a malformed cursor, ENOENT for a missing directory, ...
 */
struct journal *journal_open_follow(const char *unit, const char *cursor, char *err, size_t errlen);
struct journal *journal_open_follow_dir(const char *dir, const char *unit, const char *cursor,
                                        char *err, size_t errlen);

/*
 * The descriptor to wait on for reading (sd_journal_get_fd; owned by j; it is
 * an inotify descriptor on local file systems), or -1 with errno EINVAL when
 * j was not opened to follow.
 */
int journal_fd(const struct journal *j);

/*
 * Takes the changes that woke journal_fd (sd_journal_process); to be called
 * after each wake-up, before journal_next. Returns 0 nothing changed, 1 new
 * entries were appended, 2 journal files were added or removed (rotation,
 * vacuuming: also read on with journal_next), or -1 with errno set and
 * journal_errmsg saying what (EINVAL when j was not opened to follow).
 */
int journal_process(struct journal *j);

/*
 * Copies the cursor of where j is into buf[0..len) (NUL-terminated): the last
 * entry journal_next returned or passed over (an entry it skips as damaged
 * or out of range), or the entry the follow started after (the last one at
 * open, or the cursor given). Opening with it later goes on after that entry.
 * Returns 0, or -1 with errno set: EADDRNOTAVAIL when there is no position yet
 * (an empty journal followed from its tail), ERANGE when len is too small
 * (cursors are about 150 bytes; 512 is plenty).
 */
int journal_cursor(const struct journal *j, char *buf, size_t len);

/* The last error's text, "journal: <reason>" ("" when none); valid until the next call. */
const char *journal_errmsg(const struct journal *j);

/* The number of entries journal_next has returned so far. */
uint64_t journal_count(const struct journal *j);

/* Closes the journal and frees j (NULL is fine). */
void journal_close(struct journal *j);

#endif
