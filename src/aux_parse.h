/* aux_parse.h: classifier rules for the lines around sshd: PAM, sudo, su, logind, shadow, cron,
 * sftp, Fail2Ban. */
#ifndef AUX_PARSE_H
#define AUX_PARSE_H

#include "event.h"
#include "syslog_hdr.h"

/*
 * Each classifies the message [s, e) into ev (already cleared and holding the
 * header fields), returning 0 when recognised or -1 (ev->type untouched then).
 * Spans point into [s, e). No allocation.
 */

/* A program other than sshd: chooses by h->prog (sudo, su, systemd-logind, useradd, ...). */
int aux_classify(const struct hdr *h, struct event *ev, const char *s, const char *e);
/* "pam_unix(SERVICE:TYPE): ..." under any program. */
int aux_pam(struct event *ev, const char *s, const char *e);
/* PAM's "logname=... ruser=R rhost=H user=U" list: sets src (or src_host) from rhost, user from
 * user=. */
void aux_pam_kv(struct event *ev, const char *s, const char *e);
/* sftp-server's and internal-sftp's "-l INFO" lines. */
int aux_sftp(struct event *ev, const char *s, const char *e);

#endif
