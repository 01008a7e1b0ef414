/* syslog_hdr.h: splits a log line into timestamp, host, program, pid and message. */
#ifndef SYSLOG_HDR_H
#define SYSLOG_HDR_H

#include <stddef.h>
#include <stdint.h>

enum hdr_fmt {
	HDR_NONE,    /* no header recognised: the whole line is the message (sshd -E) */
	HDR_BSD,     /* "May 31 07:07:22 host prog[pid]: msg" (also journalctl -o short,
	                short-precise with ".123456", an optional "<PRI>" prefix) */
	HDR_RFC3339, /* "2024-05-31T07:07:22.123+00:00 host prog[pid]: msg" (rsyslog, and
	                journalctl -o short-iso "+0000" / short-iso-precise); a stamp
	                without an offset, or "2024-05-31 07:07:22 host prog: msg", is
	                local time */
	HDR_RFC5424, /* "<38>1 2024-05-31T07:07:22Z host prog 52959 - - msg" ("-" fields
	                are NULL / 0, ts INT64_MIN for a "-" stamp; SD and a BOM skipped) */
	HDR_F2B,     /* Fail2Ban: "2021-05-30 00:51:39,363 fail2ban.actions [448]: msg",
	                also 0.8's "fail2ban.server : msg"; no host, local time */
};

/*
 * The parsed header of one line. Invariant: all pointers point into the line
 * passed to hdr_parse (or are NULL with length 0); msg..msg+msg_len is the
 * rest of the line after the header.
 */
struct hdr {
	int64_t ts; /* UTC epoch microseconds; INT64_MIN when the line has no time */
	const char *host;
	uint32_t host_len;
	const char *prog; /* the tag before "[pid]:" or ":": sshd, sshd-session, sudo, CRON */
	uint32_t prog_len;
	uint32_t pid; /* 0 when absent */
	const char *msg;
	uint32_t msg_len;
	uint8_t fmt; /* enum hdr_fmt */
};

/*
 * Per-input state for year inference and local-time conversion. Invariant:
 * year is the year assumed for the current line of a year-less (BSD) stamp;
 * last_mon is the month (1-12) of the last year-less stamp seen, 0 before any.
 * The cache fields are private to syslog_hdr.c; they assume TZ does not change
 * during an input (call hdr_ctx_init again after tzset). A zeroed ctx behaves
 * as hdr_ctx_init(ctx, 0).
 */
struct hdr_ctx {
	int64_t anchor;      /* UTC epoch seconds the input is known not to go past (file mtime) */
	int year;            /* inferred year for year-less stamps, 0 until the first one */
	int last_mon;        /* 1-12, 0 before the first year-less stamp */
	int64_t c_key;       /* cache: local (year, month, day, hour) key ... */
	int64_t c_epoch;     /* ... and the UTC epoch seconds of that local hour's start */
	uint64_t b_stamp[2]; /* cache: the 16 bytes "Mmm DD HH:MM:SS " of the last BSD stamp ... */
	int64_t b_ts;        /* ... its time ... */
	int b_ok;            /* ... valid when set (cleared by a BSD stamp of another shape) */
	uint64_t t_key[2];   /* cache: "host prog[" of a recent line, zero-padded ... */
	uint64_t t_mask[2];  /* ... 0xff for each of its bytes ... */
	uint8_t t_len;       /* ... its length, 0 when none ... */
	uint8_t t_host;      /* ... and the lengths of host ... */
	uint8_t t_prog;      /* ... and prog */
};

/*
 * Starts a new input. anchor is the UTC epoch second that no line of this input
 * is later than: the file's mtime, or the current time for stdin. Year-less
 * stamps get the year that puts the first one at or before the anchor; after
 * that the year moves on when months go backwards by more than six (Dec -> Jan),
 * and a line whose month jumps forward by more than six (Jan -> Dec, a late
 * line) is put in the previous year without changing the current one.
 * Feb 29 is accepted in any year (in a common year it becomes Mar 1).
 */
void hdr_ctx_init(struct hdr_ctx *ctx, int64_t anchor);

/*
 * Parses line[0..len) (no newline). Zone-less stamps (BSD, Fail2Ban) are local
 * time in the process's time zone (TZ; main sets it from --tz), converted with
 * a per-hour cache so the hot path does no mktime per line. Returns 0 when a
 * header was recognised (out->fmt != HDR_NONE), or -1 when not: out then holds
 * fmt HDR_NONE, ts INT64_MIN, no host/prog/pid, and msg = the whole line.
 * An invalid date or time ("Feb 30", "13:61:61") is no header. With a valid
 * stamp but an odd tag, prog is the first word and msg follows the first ": "
 * (no prog, msg = the rest, when there is no ": "). A first word ending in
 * "]:" (or in ':' with no other ':') is taken as the tag of a host-less line.
 * Never reads outside line[0..len); allocates nothing; ctx must not be NULL.
 */
int hdr_parse(struct hdr_ctx *ctx, const char *line, size_t len, struct hdr *out);

#endif
