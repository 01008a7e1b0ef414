/* cmd.h: the subcommands main() dispatches to. */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>
#include <unistd.h>

#include "log.h"

/* What main() hands every command: the time it started (time is a parameter). */
struct cmd_env {
	int64_t now; /* UTC epoch seconds */
	int verbose; /* the -v options given before the command */
};

/*
 * Each runs one subcommand with its own argv (argv[0] is the command name) and
 * returns the process exit code (0, or a <sysexits.h> code).
 */
int cmd_events(int argc, char **argv, const struct cmd_env *env);

/*
 * Says, as every other message ("authwatch: CMD: ..."), what getopt_long
 * refused (the commands set opterr to 0): the long option argv[optind - 1],
 * else the short one optopt, unknown or without its value.
 */
static inline void
cmd_bad_option(const char *cmd, char *const *argv)
{
	const char *a = optind > 1 ? argv[optind - 1] : "";

	if (a[0] == '-' && a[1] == '-') /* a long one: getopt went past it */
		log_warnx("%s: '%s' is not an option of %s, or its value is missing", cmd, a, cmd);
	else /* a short one, perhaps inside a group such as -xa */
		log_warnx("%s: '-%c' is not an option of %s, or its value is missing", cmd,
		          optopt > ' ' && optopt < 127 ? optopt : '?', cmd);
}
int cmd_report(int argc, char **argv, const struct cmd_env *env);
int cmd_daemon(int argc, char **argv, const struct cmd_env *env);
int cmd_check(int argc, char **argv, const struct cmd_env *env);
/* tail: follows the logs live, one line per event (doc/tail.md) */
int cmd_tail(int argc, char **argv, const struct cmd_env *env);
/* status, bans, ban, unban, reload: requests to the running daemon (argv[0] names which) */
int cmd_ctl(int argc, char **argv, const struct cmd_env *env);

#endif
