/* sshd_fields.h: the address, port and user fields of sshd's messages, shared by the rules. */
#ifndef SSHD_FIELDS_H
#define SSHD_FIELDS_H

#include "event.h"

/*
 * "A[ port P]" at the very end of [s, e): sets src/port, returns the start of
 * A, or NULL (src_port 0). host_ok allows a host name as A.
 */
const char *sshd_fields_tail_addr_port_h(struct event *ev, const char *s, const char *e,
                                         int host_ok);

/* sshd's numeric address fields (ssh_remote_ipaddr): no host names. */
static inline const char *
sshd_fields_tail_addr_port(struct event *ev, const char *s, const char *e)
{
	return sshd_fields_tail_addr_port_h(ev, s, e, 0);
}

/*
 * "[invalid user ]U from A[ port P]", right-anchored. dflt is user_valid
 * when no "invalid user" is said; host_ok allows a host name as A. Returns 0 or -1.
 */
int sshd_fields_user_from_addr_h(struct event *ev, const char *s, const char *e, int dflt,
                                 int host_ok);

/* The same with no host names (sshd's numeric fields). */
static inline int
sshd_fields_user_from_addr(struct event *ev, const char *s, const char *e, int dflt)
{
	return sshd_fields_user_from_addr_h(ev, s, e, dflt, 0);
}

/* "[invalid user U |authenticating user U |user U ]A[ port P]", right-anchored. */
int sshd_fields_kind_user_addr(struct event *ev, const char *s, const char *e);

#endif
