/* journal.h: sshd-related entries of the systemd journal as syslog-style lines (sd-journal). */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_TRUNCATED 0x01      /* journal_next flag: MESSAGE was cut to JOURNAL_MSG_MAX */
#define JOURNAL_MSG_MAX (64 * 1024) /* bytes of one MESSAGE that are kept */
#define JOURNAL_HOST_MAX 255        /* bytes of _HOSTNAME that are kept */
#define JOURNAL_IDENT_MAX 64        /* bytes of SYSLOG_IDENTIFIER / _COMM that are kept */

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
 */
int journal_next(struct journal *j, const char **line, size_t *len, unsigned *flags);

/* The last error's text, "journal: <reason>" ("" when none); valid until the next call. */
const char *journal_errmsg(const struct journal *j);

/* The number of entries journal_next has returned so far. */
uint64_t journal_count(const struct journal *j);

/* Closes the journal and frees j (NULL is fine). */
void journal_close(struct journal *j);

#endif
