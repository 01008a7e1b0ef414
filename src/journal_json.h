/* journal_json.h: a `journalctl -o json` line turned into the text line journal_next writes. */
#ifndef JOURNAL_JSON_H
#define JOURNAL_JSON_H

#include <stddef.h>

/* The byte before each entry of `journalctl -o json-seq` (RFC 7464). */
#define JOURNAL_JSON_RS 0x1e

/* Whether a line starting with byte c may be a journal entry in JSON (-o json or json-seq). */
#define JOURNAL_JSON_START(c) ((c) == '{' || (c) == JOURNAL_JSON_RS)

/* Scratch bytes journal_json_line needs for a line of len bytes. */
#define JOURNAL_JSON_SCRATCH(len) (2 * (size_t)(len) + 512)

/*
 * When line[0..len) is one journal entry as `journalctl -o json` writes it (a
 * JSON object of fields, __REALTIME_TIMESTAMP among them; -o json-seq's
 * record separator may come first), writes the line
 * journal_next would give for that entry (journal.h: time, _HOSTNAME,
 * SYSLOG_IDENTIFIER or _COMM, SYSLOG_PID or _PID, MESSAGE) to line itself and
 * returns 1 with its length in *newlen (<= len) and *flags (JOURNAL_TRUNCATED
 * or 0). String values are decoded (\" \\ \n \uXXXX, surrogate pairs to UTF-8),
 * a value journalctl wrote as an array of byte values (binary, invalid UTF-8)
 * becomes those bytes, and of a field written more than once (an array of
 * values) the first counts. Returns 0, leaving line as it was, for anything
 * else: not JSON, not one flat object, no or a bad __REALTIME_TIMESTAMP, a
 * time past year 9999, a cut line. scratch has scap >= JOURNAL_JSON_SCRATCH(len)
 * bytes (0 is returned when it is smaller). Allocates nothing.
 */
int journal_json_line(char *line, size_t len, char *scratch, size_t scap, size_t *newlen,
                      unsigned *flags);

#endif
