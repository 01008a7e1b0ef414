/* conf.h: the daemon's configuration file (authwatch daemon -c FILE), read with libinih and
 * checked. */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>

#include "timespec.h"

#define CONF_PATH "/etc/authwatch/authwatch.conf"   /* -c's default */
#define CONF_SOCKET "/run/authwatch/control.sock"   /* [daemon] socket's default */
#define CONF_DATABASE "/var/lib/authwatch/state.db" /* [daemon] database's default */
#define CONF_HISTORY ((int64_t)30 * 86400)          /* [daemon] history's default, seconds */

/* The firewall backend ([daemon] firewall = nftables | ipset | command | dryrun:PATH). */
enum conf_fw { CONF_FW_NFTABLES, CONF_FW_IPSET, CONF_FW_COMMAND, CONF_FW_DRYRUN };

/*
 * One jail: a [section] other than [daemon]. Invariant (after a successful load): name is
 * 1..32 characters of [A-Za-z0-9_.-] starting with a letter or digit, unique in the conf;
 * nsources >= 1 and each source is "journal", "journal:UNIT" or a path/glob, no two equal;
 * enabled, replay and increment are 0 or 1; maxretry is 1..10000; 0 < findtime;
 * 0 < bantime <= bantime_max; 1 <= factor <= 1000; ipv4_prefix is 1..32, ipv6_prefix 1..128;
 * each weight is a multiple of 0.25 from 0 to 63.75; allow starts with a copy of the
 * daemon's list (conf.allow[0..conf.nallow)), then this jail's own entries, no two equal.
 * Every pointer is owned by the struct conf.
 */
struct conf_jail {
	char *name;
	char **sources; /* as written: paths, globs, "journal", "journal:UNIT" */
	size_t nsources;
	int enabled, replay;
	unsigned maxretry;
	int64_t findtime, bantime, bantime_max; /* seconds */
	int increment;
	double factor;
	unsigned permanent_after; /* the Nth ban of an address is permanent; 0 = never */
	unsigned ipv4_prefix, ipv6_prefix;
	double w_failure, w_probe, w_negotiation;
	struct cidr *allow; /* the daemon's list + this jail's own */
	size_t nallow;
};

/*
 * A loaded configuration. Invariant (after a successful load): path, socket and database
 * are non-empty strings; dryrun_path is non-NULL (non-empty) exactly when firewall is
 * CONF_FW_DRYRUN; ban_argv is non-NULL when firewall is CONF_FW_COMMAND; each argv is
 * NULL-terminated, non-empty, argv[0] is an absolute path without placeholders, and only
 * {ip} {prefix} {seconds} {jail} appear as placeholders; allow[0] is 127.0.0.0/8 and
 * allow[1] is ::1, no two entries equal, none with prefix 0; njails >= 1. A zeroed struct
 * is the empty conf (conf_free accepts it). Everything is owned by the struct.
 */
struct conf {
	char *path; /* the file (or the name given to conf_load_string) */
	char *socket, *database;
	char *geoip; /* directory of .mmdb files for `report`, `status`, `bans`; NULL: not set */
	int64_t history; /* seconds of ban history kept (repeat offenders); 0: all of it */
	enum conf_fw firewall;
	char *dryrun_path;
	char **ban_argv, **unban_argv; /* NULL-terminated, NULL when not set */
	struct cidr *allow;
	size_t nallow;
	struct conf_jail *jails;
	size_t njails;
};

/*
 * Loads the file path into *c (zeroed first). Returns 0, or -1 with "FILE:LINE: reason"
 * (or "FILE: reason" for what has no line, such as "no jail") in err[0..errlen) and errno
 * EINVAL; when the file cannot be read, err is "FILE: strerror(errno)" and errno says why.
 * On failure *c is freed and zeroed. err may be NULL (errlen 0). The file is read whole
 * (at most 16 MiB); lines longer than libinih's buffer (197 bytes) are refused, not split.
 */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);

/*
 * Same as conf_load from the NUL-terminated text (tests, and `check` with an inline
 * config); name is used in errors and becomes c->path.
 */
int conf_load_string(const char *text, const char *name, struct conf *c, char *err, size_t errlen);

/* Frees everything c owns and zeroes it (c may be zeroed already; NULL is ignored). */
void conf_free(struct conf *c);

#endif
