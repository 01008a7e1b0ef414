/* sshd_parse.h: the table-driven classifier from a parsed line to an event. */
#ifndef SSHD_PARSE_H
#define SSHD_PARSE_H

#include <stddef.h>

#include "event.h"
#include "syslog_hdr.h"

/*
 * Classifies the message of a parsed header into *ev (which it clears first,
 * then fills with the header's time, host, prog and pid). Programs it knows:
 * sshd, sshd-session, sshd-auth, sftp-server, internal-sftp lines, sudo, su,
 * systemd-logind, useradd, groupadd, usermod, userdel, passwd, chpasswd, CRON,
 * fail2ban.*; a header-less line (sshd -E) is tried as sshd. A message it does
 * not recognise gives type EV_UNKNOWN. Spans in *ev point into the header's
 * line. Allocates nothing; never reads outside the message.
 */
void sshd_classify(const struct hdr *h, struct event *ev);

/* hdr_parse + sshd_classify in one step. */
void sshd_parse_line(struct hdr_ctx *ctx, const char *line, size_t len, struct event *ev);

#endif
