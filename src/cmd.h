/* cmd.h: the subcommands main() dispatches to. */
#ifndef CMD_H
#define CMD_H

#include <stdint.h>

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
int cmd_report(int argc, char **argv, const struct cmd_env *env);
int cmd_daemon(int argc, char **argv, const struct cmd_env *env);
int cmd_check(int argc, char **argv, const struct cmd_env *env);
/* tail: follows the logs live, one line per event (doc/tail.md) */
int cmd_tail(int argc, char **argv, const struct cmd_env *env);
/* status, bans, ban, unban, reload: requests to the running daemon (argv[0] names which) */
int cmd_ctl(int argc, char **argv, const struct cmd_env *env);

#endif
