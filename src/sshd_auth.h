/* sshd_auth.h: the classifier's rules for sshd's authentication messages, PAM's among them. */
#ifndef SSHD_AUTH_H
#define SSHD_AUTH_H

#include "event.h"

/*
 * Rules of sshd_parse.c's tables (its struct rule says what a rule is): each
 * gets the message after its prefix, [s, e), and fills ev; returns 0 when the
 * line is of its family, -1 to let later rules try.
 */

/* "<method> for [invalid user ]U from A port P ssh2[: T FP | cert]" (Accepted, Failed, ...) */
int sshd_auth_method(struct event *ev, const char *s, const char *e);
/* "U" after "input_userauth_request: invalid user " */
int sshd_auth_userauth_invalid(struct event *ev, const char *s, const char *e);
/* "User U from A not allowed because R" / "User U not allowed because R" */
int sshd_auth_not_allowed(struct event *ev, const char *s, const char *e);
/* "A[ port P]" after "ROOT LOGIN REFUSED FROM " */
int sshd_auth_root_refused(struct event *ev, const char *s, const char *e);
/* "[invalid user ]U from A port P ssh2" after "maximum authentication attempts exceeded for " */
int sshd_auth_max_auth(struct event *ev, const char *s, const char *e);
/* "WHY for [illegal user ]U from A" after "PAM: " (A may be a host name) */
int sshd_auth_pam_for(struct event *ev, const char *s, const char *e);
/* "N more authentication failure[s]; logname= ... rhost=A[ user=U]" */
int sshd_auth_pam_more(struct event *ev, const char *s, const char *e);
/* "S) REASON" after "PAM service(" (S: the PAM service) */
int sshd_auth_pam_service(struct event *ev, const char *s, const char *e);
/* "T FP revoked by file F" */
int sshd_auth_key_revoked(struct event *ev, const char *s, const char *e);
/* "ID \"name\" (serial N) signed by T CA FP via F" */
int sshd_auth_cert_accepted(struct event *ev, const char *s, const char *e);
/* "\"name\" serial=N signed by T CA FP: why" (the why is sshd's) */
int sshd_auth_cert_refused(struct event *ev, const char *s, const char *e);

#endif
