/* event.h: one structured event from one log line (the classifier's output). */
#ifndef EVENT_H
#define EVENT_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "addr.h"

/* A borrowed piece of text: points into the line it came from; p is NULL when absent. */
struct span {
	const char *p;
	uint32_t n;
};

/* Whether sp holds exactly the bytes of the C string s. */
static inline int
span_is(struct span sp, const char *s)
{
	size_t n = strlen(s);

	return sp.p != NULL && sp.n == n && memcmp(sp.p, s, n) == 0;
}

enum outcome { OUT_INFO, OUT_SUCCESS, OUT_FAILURE, OUT_PROBE };

/*
 * The event catalogue (DESIGN section 4). X(ID, "name", default outcome).
 * The name is the "event" field of the output and never changes once released.
 * A type of sshd's connections must also be listed in conn.c's kinds[].
 */
#define EVENT_TYPES(X)                                                                             \
	X(EV_UNKNOWN, "unknown", OUT_INFO)                                                         \
	/* authentication */                                                                       \
	X(EV_AUTH_ACCEPTED, "auth_accepted", OUT_SUCCESS)                                          \
	X(EV_AUTH_FAILED, "auth_failed", OUT_FAILURE)                                              \
	X(EV_AUTH_POSTPONED, "auth_postponed", OUT_INFO)                                           \
	X(EV_AUTH_PARTIAL, "auth_partial", OUT_INFO)                                               \
	X(EV_INVALID_USER, "invalid_user", OUT_FAILURE)                                            \
	X(EV_USER_NOT_ALLOWED, "user_not_allowed", OUT_FAILURE)                                    \
	X(EV_ROOT_LOGIN_REFUSED, "root_login_refused", OUT_FAILURE)                                \
	X(EV_MAX_AUTH_EXCEEDED, "max_auth_exceeded", OUT_FAILURE)                                  \
	X(EV_TOO_MANY_AUTH_FAILURES, "too_many_auth_failures", OUT_FAILURE)                        \
	X(EV_KEY_REVOKED, "key_revoked", OUT_FAILURE)                                              \
	X(EV_CERT_ACCEPTED, "cert_accepted", OUT_INFO)                                             \
	X(EV_CERT_REJECTED, "cert_rejected", OUT_FAILURE)                                          \
	X(EV_USERAUTH_INVALID, "userauth_invalid_user", OUT_INFO)                                  \
	/* PAM */                                                                                  \
	X(EV_PAM_AUTH_FAILURE, "pam_auth_failure", OUT_FAILURE)                                    \
	X(EV_PAM_MORE_FAILURES, "pam_more_failures", OUT_INFO)                                     \
	X(EV_PAM_USER_UNKNOWN, "pam_user_unknown", OUT_INFO)                                       \
	X(EV_PAM_IGNORING_RETRIES, "pam_ignoring_retries", OUT_INFO)                               \
	X(EV_SESSION_OPENED, "session_opened", OUT_INFO)                                           \
	X(EV_SESSION_CLOSED, "session_closed", OUT_INFO)                                           \
	/* connection lifecycle */                                                                 \
	X(EV_CONNECTION, "connection", OUT_INFO)                                                   \
	X(EV_CONN_CLOSED, "connection_closed", OUT_INFO)                                           \
	X(EV_CONN_RESET, "connection_reset", OUT_INFO)                                             \
	X(EV_RECEIVED_DISCONNECT, "received_disconnect", OUT_INFO)                                 \
	X(EV_DISCONNECTED, "disconnected", OUT_INFO)                                               \
	X(EV_PREAUTH_TIMEOUT, "preauth_timeout", OUT_PROBE)                                        \
	X(EV_LOGIN_GRACE_TIMEOUT, "login_grace_timeout", OUT_PROBE)                                \
	X(EV_NO_IDENT, "no_identification", OUT_PROBE)                                             \
	X(EV_KEX_IDENT, "kex_identification_error", OUT_PROBE)                                     \
	X(EV_BANNER_INVALID, "banner_invalid", OUT_PROBE)                                          \
	X(EV_BAD_PROTOCOL, "bad_protocol_version", OUT_PROBE)                                      \
	X(EV_NEGOTIATION_FAILED, "negotiation_failed", OUT_PROBE)                                  \
	X(EV_DISPATCH_FATAL, "dispatch_fatal", OUT_PROBE)                                          \
	X(EV_KEX_ERROR, "kex_error", OUT_PROBE)                                                    \
	X(EV_WRITE_FAILED, "write_failed", OUT_PROBE)                                              \
	X(EV_PENALTY_DROP, "penalty_drop", OUT_PROBE)                                              \
	X(EV_MAXSTARTUPS_DROP, "maxstartups_drop", OUT_PROBE)                                      \
	X(EV_MAXSTARTUPS_THROTTLE, "maxstartups_throttling", OUT_INFO)                             \
	/* DNS */                                                                                  \
	X(EV_REVERSE_MAPPING_FAILED, "reverse_mapping_failed", OUT_PROBE)                          \
	X(EV_ADDRESS_MISMATCH, "address_mismatch", OUT_PROBE)                                      \
	X(EV_NASTY_PTR, "nasty_ptr", OUT_PROBE)                                                    \
	/* sessions and transfers */                                                               \
	X(EV_SESSION_START, "session_start", OUT_INFO)                                             \
	X(EV_SUBSYSTEM_REQUEST, "subsystem_request", OUT_INFO)                                     \
	X(EV_SESSION_CLOSE, "session_close", OUT_INFO)                                             \
	X(EV_TRANSFERRED, "transferred", OUT_INFO)                                                 \
	X(EV_SFTP_SESSION_OPEN, "sftp_session_opened", OUT_INFO)                                   \
	X(EV_SFTP_SESSION_CLOSE, "sftp_session_closed", OUT_INFO)                                  \
	X(EV_SFTP_OPEN, "sftp_open", OUT_INFO)                                                     \
	X(EV_SFTP_CLOSE, "sftp_close", OUT_INFO)                                                   \
	X(EV_SFTP_REMOVE, "sftp_remove", OUT_INFO)                                                 \
	X(EV_SFTP_RENAME, "sftp_rename", OUT_INFO)                                                 \
	X(EV_SFTP_MKDIR, "sftp_mkdir", OUT_INFO)                                                   \
	X(EV_SFTP_RMDIR, "sftp_rmdir", OUT_INFO)                                                   \
	/* daemon lifecycle */                                                                     \
	X(EV_SERVER_LISTENING, "server_listening", OUT_INFO)                                       \
	X(EV_SERVER_TERMINATING, "server_terminating", OUT_INFO)                                   \
	/* around sshd */                                                                          \
	X(EV_SUDO_COMMAND, "sudo_command", OUT_INFO)                                               \
	X(EV_SUDO_FAILURE, "sudo_failure", OUT_FAILURE)                                            \
	X(EV_SU, "su", OUT_SUCCESS)                                                                \
	X(EV_SU_FAILURE, "su_failure", OUT_FAILURE)                                                \
	X(EV_LOGIND_NEW_SESSION, "logind_new_session", OUT_INFO)                                   \
	X(EV_LOGIND_REMOVED_SESSION, "logind_removed_session", OUT_INFO)                           \
	X(EV_LOGIND_LOGGED_OUT, "logind_session_logout", OUT_INFO)                                 \
	X(EV_USER_ADDED, "user_added", OUT_INFO)                                                   \
	X(EV_GROUP_ADDED, "group_added", OUT_INFO)                                                 \
	X(EV_USER_DELETED, "user_deleted", OUT_INFO)                                               \
	X(EV_USER_MODIFIED, "user_modified", OUT_INFO)                                             \
	X(EV_PASSWORD_CHANGED, "password_changed", OUT_INFO)                                       \
	X(EV_CRON_SESSION, "cron_session", OUT_INFO)                                               \
	/* Fail2Ban's own log */                                                                   \
	X(EV_F2B_FOUND, "f2b_found", OUT_INFO)                                                     \
	X(EV_F2B_BAN, "f2b_ban", OUT_INFO)                                                         \
	X(EV_F2B_UNBAN, "f2b_unban", OUT_INFO)                                                     \
	X(EV_F2B_RESTORE_BAN, "f2b_restore_ban", OUT_INFO)                                         \
	X(EV_F2B_ALREADY_BANNED, "f2b_already_banned", OUT_INFO)

#define EVENT_ENUM_(id, name, out) id,
enum event_type { EVENT_TYPES(EVENT_ENUM_) EV__COUNT };
#undef EVENT_ENUM_

/* Authentication methods as sshd names them. */
#define METHODS(X)                                                                                 \
	X(M_NONE_SET, "")                                                                          \
	X(M_PASSWORD, "password")                                                                  \
	X(M_PUBLICKEY, "publickey")                                                                \
	X(M_KBDINT, "keyboard-interactive")                                                        \
	X(M_KBDINT_PAM, "keyboard-interactive/pam")                                                \
	X(M_KBDINT_BSDAUTH, "keyboard-interactive/bsdauth")                                        \
	X(M_HOSTBASED, "hostbased")                                                                \
	X(M_GSSAPI, "gssapi-with-mic")                                                             \
	X(M_GSSAPI_KEYEX, "gssapi-keyex")                                                          \
	X(M_NONE, "none")

#define METHOD_ENUM_(id, name) id,
enum auth_method { METHODS(METHOD_ENUM_) M__COUNT };
#undef METHOD_ENUM_

/* Event flags. */
#define EVF_PREAUTH 0x01   /* sshd marked the line [preauth] */
#define EVF_TRUNCATED 0x02 /* the input line was longer than the line limit and was cut */
#define EVF_CERT 0x04      /* authentication with a certificate */
#define EVF_REPEATED 0x08  /* came from syslog's "message repeated N times: [ ... ]" */

/* user_valid: whether sshd said the account exists. */
#define UV_UNKNOWN -1
#define UV_INVALID 0
#define UV_VALID 1

#define TS_NONE INT64_MIN /* no timestamp on the line */

/*
 * One event. Invariant: every span points into the line the event was parsed
 * from, or to constant text ("root", "opened"), or is {NULL, 0}; the event is
 * only valid while that line is. type is an
 * enum event_type; outcome an enum outcome; src.af != 0 only when the address
 * came from sshd's own field of the message (never from free text such as a
 * username); src_host is set instead when that field held a host name.
 *
 * Per-event meaning of the generic fields:
 *   target     sudo/su: the target user; useradd/usermod: group; f2b_*: the jail
 *   detail     sudo: the command; sftp: the path; negotiation: what had no match;
 *              key_revoked: the revocation file; cert: the certificate ID;
 *              session_start: "shell"/"command"/"subsystem 'sftp'"; rename: "from"
 *   detail2    sftp rename: the new path; negotiation: the client's offer;
 *              session_start/logind: the tty or session id
 *   reason     free text sshd or PAM gave as the reason (disconnect text, kex error,
 *              not-allowed reason, penalty reason)
 *   n1, n2     transferred: sent, received; sftp_close: bytes read, written;
 *              received_disconnect: the reason code in n1; useradd: UID, GID
 *   count      how many attempts the line stands for (PAM "N more", "message
 *              repeated N times"); 1 otherwise
 * The output names of target/detail/detail2/n1/n2 per type are in
 * event_fieldnames(); unknown lines carry the whole message in detail ("msg").
 */
struct event {
	int64_t ts;        /* UTC epoch microseconds, or TS_NONE */
	struct span host;  /* syslog host name */
	struct span prog;  /* program: sshd, sshd-session, sudo, ... */
	uint32_t pid;      /* 0 when the line has none */
	uint16_t type;     /* enum event_type */
	uint8_t outcome;   /* enum outcome */
	uint8_t method;    /* enum auth_method */
	int8_t user_valid; /* UV_* */
	uint8_t flags;     /* EVF_* */
	uint16_t src_port; /* 0 when none was logged */
	uint16_t dst_port; /* the local port ("on B port Q"), 0 when none */
	uint32_t count;
	struct addr src;      /* the peer, from sshd's own field */
	struct addr dst;      /* the local address ("on B port Q") */
	struct span src_host; /* the peer as a host name (UseDNS, PAM rhost) */
	struct span user;
	struct span key_type;
	struct span key_fp;
	struct span target;
	struct span detail;
	struct span detail2;
	struct span reason;
	uint64_t n1, n2;
};

/* Output names of the generic fields for one event type; NULL = not used by that type. */
struct event_fieldnames {
	const char *target, *detail, *detail2, *n1, *n2;
};

/* The names for type (all NULL for out-of-range types). */
const struct event_fieldnames *event_fieldnames(unsigned type);

/* The catalogue name of an event type ("unknown" for out-of-range values). */
const char *event_type_name(unsigned type);
/* Looks a name up; returns the type or -1. */
int event_type_from_name(const char *s, size_t n);
/* "success", "failure", "probe", "info". */
const char *event_outcome_name(unsigned outcome);
/* The method's sshd name, "" for none set. */
const char *event_method_name(unsigned method);
/* The default outcome of a type. */
unsigned event_type_outcome(unsigned type);
/*
 * Clears *ev to the empty event of a line: unknown, no fields, count 1,
 * user_valid unknown. Inline, once per line: with SSE2 a row of 16-byte
 * stores of a zero that the compiler cannot see (it would turn a visible
 * zero back into memset, or "rep stos", whose start-up cost was 10% of the
 * classifier's time); else libc's memset.
 */
static inline void
event_clear(struct event *ev)
{
#if defined(__SSE2__)
	__m128i z = _mm_setzero_si128();
	char *p = (char *)ev;

	_Static_assert(sizeof(struct event) >= 16 && sizeof(struct event) <= 256,
	               "event_clear's stores cover the event");
	__asm__("" : "+x"(z));
#define EVENT_Z16_(k)                                                                              \
	if ((k)*16 + 16 <= sizeof(*ev))                                                            \
	_mm_storeu_si128((__m128i *)(void *)(p + (k)*16), z)
	EVENT_Z16_(0);
	EVENT_Z16_(1);
	EVENT_Z16_(2);
	EVENT_Z16_(3);
	EVENT_Z16_(4);
	EVENT_Z16_(5);
	EVENT_Z16_(6);
	EVENT_Z16_(7);
	EVENT_Z16_(8);
	EVENT_Z16_(9);
	EVENT_Z16_(10);
	EVENT_Z16_(11);
	EVENT_Z16_(12);
	EVENT_Z16_(13);
	EVENT_Z16_(14);
	EVENT_Z16_(15);
#undef EVENT_Z16_
	if (sizeof(*ev) % 16 != 0)
		_mm_storeu_si128((__m128i *)(void *)(p + sizeof(*ev) - 16), z);
#else
	size_t n = sizeof(*ev);

	/* hide the size: with a constant the compiler inlines "rep stos" (see above) */
	__asm__("" : "+r"(n));
	memset(ev, 0, n);
#endif
	ev->ts = TS_NONE;
	ev->user_valid = UV_UNKNOWN;
	ev->count = 1;
}

#endif
