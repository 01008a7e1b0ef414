/* event.c: the event catalogue's names and defaults. */
#include <string.h>

#include "event.h"

#define NAME_(id, name, out) name,
static const char *const type_names[] = {EVENT_TYPES(NAME_)};
#undef NAME_
#define OUT_(id, name, out) out,
static const unsigned char type_outcomes[] = {EVENT_TYPES(OUT_)};
#undef OUT_
#define MNAME_(id, name) name,
static const char *const method_names[] = {METHODS(MNAME_)};
#undef MNAME_
static const char *const outcome_names[] = {"info", "success", "failure", "probe"};

#define CERT_FIELDS                                                                                \
	{                                                                                          \
		"ca_type", "cert_id", "ca_fp", "serial", NULL                                      \
	}
#define SFTP_PATH                                                                                  \
	{                                                                                          \
		NULL, "path", NULL, NULL, NULL                                                     \
	}
#define SUDO_FIELDS                                                                                \
	{                                                                                          \
		"target_user", "command", "tty", NULL, NULL                                        \
	}
#define SERVICE                                                                                    \
	{                                                                                          \
		NULL, "service", NULL, NULL, NULL                                                  \
	}
#define F2B                                                                                        \
	{                                                                                          \
		"jail", NULL, NULL, NULL, NULL                                                     \
	}
static const struct event_fieldnames fieldnames[EV__COUNT] = {
    [EV_UNKNOWN] = {NULL, "msg", NULL, NULL, NULL},
    [EV_AUTH_ACCEPTED] = CERT_FIELDS,
    [EV_AUTH_FAILED] = CERT_FIELDS,
    [EV_AUTH_POSTPONED] = CERT_FIELDS,
    [EV_AUTH_PARTIAL] = CERT_FIELDS,
    [EV_KEY_REVOKED] = {NULL, "revocation_file", NULL, NULL, NULL},
    [EV_CERT_ACCEPTED] = CERT_FIELDS,
    [EV_CERT_REJECTED] = CERT_FIELDS,
    [EV_PAM_AUTH_FAILURE] = SERVICE,
    [EV_PAM_MORE_FAILURES] = SERVICE,
    [EV_PAM_USER_UNKNOWN] = SERVICE,
    [EV_PAM_IGNORING_RETRIES] = SERVICE,
    [EV_SESSION_OPENED] = {"by_user", "service", NULL, NULL, NULL},
    [EV_SESSION_CLOSED] = SERVICE,
    [EV_RECEIVED_DISCONNECT] = {NULL, NULL, NULL, "code", NULL},
    [EV_NEGOTIATION_FAILED] = {NULL, "no_match", "offer", NULL, NULL},
    [EV_SESSION_START] = {NULL, "kind", "tty", "session_id", NULL},
    [EV_SUBSYSTEM_REQUEST] = {NULL, "subsystem", NULL, NULL, NULL},
    [EV_SESSION_CLOSE] = {NULL, NULL, NULL, "session_id", NULL},
    [EV_TRANSFERRED] = {NULL, NULL, NULL, "bytes_sent", "bytes_received"},
    [EV_SFTP_OPEN] = {NULL, "path", "flags", NULL, NULL},
    [EV_SFTP_CLOSE] = {NULL, "path", NULL, "bytes_read", "bytes_written"},
    [EV_SFTP_REMOVE] = SFTP_PATH,
    [EV_SFTP_RENAME] = {NULL, "path", "new_path", NULL, NULL},
    [EV_SFTP_MKDIR] = SFTP_PATH,
    [EV_SFTP_RMDIR] = SFTP_PATH,
    [EV_SERVER_TERMINATING] = {NULL, NULL, NULL, "signal", NULL},
    [EV_SUDO_COMMAND] = SUDO_FIELDS,
    [EV_SUDO_FAILURE] = SUDO_FIELDS,
    [EV_SU] = {"target_user", NULL, "tty", NULL, NULL},
    [EV_SU_FAILURE] = {"target_user", NULL, "tty", NULL, NULL},
    [EV_LOGIND_NEW_SESSION] = {NULL, "session", NULL, NULL, NULL},
    [EV_LOGIND_REMOVED_SESSION] = {NULL, "session", NULL, NULL, NULL},
    [EV_LOGIND_LOGGED_OUT] = {NULL, "session", NULL, NULL, NULL},
    [EV_USER_ADDED] = {NULL, "home", "shell", "uid", "gid"},
    [EV_GROUP_ADDED] = {"group", NULL, NULL, NULL, "gid"},
    [EV_USER_MODIFIED] = {"group", NULL, NULL, NULL, NULL},
    [EV_PASSWORD_CHANGED] = {"by_user", NULL, NULL, NULL, NULL},
    [EV_CRON_SESSION] = {NULL, "action", NULL, NULL, NULL},
    [EV_F2B_FOUND] = F2B,
    [EV_F2B_BAN] = F2B,
    [EV_F2B_UNBAN] = F2B,
    [EV_F2B_RESTORE_BAN] = F2B,
    [EV_F2B_ALREADY_BANNED] = F2B,
};

const struct event_fieldnames *
event_fieldnames(unsigned type)
{
	return &fieldnames[type < EV__COUNT ? type : EV_UNKNOWN];
}

const char *
event_type_name(unsigned type)
{
	return type < EV__COUNT ? type_names[type] : type_names[EV_UNKNOWN];
}

int
event_type_from_name(const char *s, size_t n)
{
	unsigned i;

	for (i = 0; i < EV__COUNT; i++)
		if (strlen(type_names[i]) == n && memcmp(type_names[i], s, n) == 0)
			return (int)i;
	return -1;
}

const char *
event_outcome_name(unsigned outcome)
{
	return outcome < 4 ? outcome_names[outcome] : outcome_names[0];
}

const char *
event_method_name(unsigned method)
{
	return method < M__COUNT ? method_names[method] : "";
}

unsigned
event_type_outcome(unsigned type)
{
	return type < EV__COUNT ? type_outcomes[type] : OUT_INFO;
}
