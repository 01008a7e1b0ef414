/* sshd_conn.h: the classifier's rules for a connection's life in sshd's log, sessions and DNS. */
#ifndef SSHD_CONN_H
#define SSHD_CONN_H

#include "event.h"

/*
 * Rules of sshd_parse.c's tables (its struct rule says what a rule is): each
 * gets the message after its prefix, [s, e), and fills ev; returns 0 when the
 * line is of its family, -1 to let later rules try.
 */

/* "[invalid |authenticating ]user U A port P: REASON" and "Disconnecting: ..." */
int sshd_conn_disconnecting(struct event *ev, const char *s, const char *e);
/* "A port P on B port Q[ rdomain "R"]" */
int sshd_conn_connection(struct event *ev, const char *s, const char *e);
/* "A port P:N: text" or old "A: N: text" */
int sshd_conn_received_disconnect(struct event *ev, const char *s, const char *e);
/* "A[ port P]" and nothing else */
int sshd_conn_addr_only(struct event *ev, const char *s, const char *e);
/* "A port P" / OpenSSH 9.8+: "connection from A to B, pid = N" */
int sshd_conn_timeout(struct event *ev, const char *s, const char *e);
/* "A port P: reason" left-anchored (the reason is the client's doing) */
int sshd_conn_addr_port_reason(struct event *ev, const char *s, const char *e);
/* "TEXT' from A[ port P]": TEXT is the client's banner; right-anchored */
int sshd_conn_bad_protocol(struct event *ev, const char *s, const char *e);
/* "A port P: no matching WHAT found. Their offer: OFFER" */
int sshd_conn_negotiate(struct event *ev, const char *s, const char *e);
/* "[authenticating user U |invalid user U ]A port P: reason" (sshd's own reason) */
int sshd_conn_dispatch_fatal(struct event *ev, const char *s, const char *e);
/* "N from [A]:P on [B]:Q penalty: why" / "... past MaxStartups" */
int sshd_conn_drop(struct event *ev, const char *s, const char *e);
/* "H [A] failed[ - POSSIBLE BREAK-IN ATTEMPT!]" */
int sshd_conn_reverse_mapping(struct event *ev, const char *s, const char *e);
/* "A maps to H, but this does not map back to the address..." */
int sshd_conn_address_maps(struct event *ev, const char *s, const char *e);
/* "H\" is set up for A, ignoring" */
int sshd_conn_nasty_ptr(struct event *ev, const char *s, const char *e);
/* "KIND[ on TTY] for U from A port P id N" */
int sshd_conn_session_start(struct event *ev, const char *s, const char *e);
/* "user U from A port P id N" */
int sshd_conn_close_session(struct event *ev, const char *s, const char *e);
/* "NAME by user U" */
int sshd_conn_subsystem(struct event *ev, const char *s, const char *e);
/* "sent N, received M bytes" */
int sshd_conn_transferred(struct event *ev, const char *s, const char *e);
/* "B port Q." */
int sshd_conn_listening(struct event *ev, const char *s, const char *e);
/* "N; terminating." */
int sshd_conn_signal(struct event *ev, const char *s, const char *e);

#endif
