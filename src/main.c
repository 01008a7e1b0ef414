/* main.c: the authwatch command line: global options, then dispatch to a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "cmd.h"
#include "log.h"

#define AUTHWATCH_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*fn)(int, char **, const struct cmd_env *);
	const char *help;
} commands[] = {
    {"report", cmd_report, "who tried to get in and who got in (text, JSON, CSV, HTML)"},
    {"events", cmd_events, "every sshd/auth log line as a structured event (NDJSON, CSV)"},
    {"tail", cmd_tail, "follow the logs live: one line per event, a running summary"},
    {"daemon", cmd_daemon, "follow the logs, ban attackers in the firewall (-c CONF, -t)"},
    {"check", cmd_check, "which lines each jail counts, and whom it would ban"},
    {"status", cmd_ctl, "the running daemon: jails, sources, addresses tracked, bans"},
    {"bans", cmd_ctl, "the active bans (--history ADDR: every ban of an address)"},
    {"ban", cmd_ctl, "ban ADDR[/PREFIX] by hand (--for DURATION, --jail NAME)"},
    {"unban", cmd_ctl, "lift the bans of ADDR[/PREFIX]"},
    {"reload", cmd_ctl, "make the daemon re-read its configuration"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: authwatch [--tz ZONE] [-v] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\noptions:\n"
	           "  --tz ZONE   time zone of log stamps that carry none (BSD syslog,\n"
	           "              Fail2Ban); default: the machine's (TZ, /etc/localtime)\n"
	           "  -v          more messages on stderr\n"
	           "  --version   print the version\n"
	           "\n'authwatch COMMAND --help' describes a command.\n");
}

/* Accepts "UTC", "UTC+2"-style POSIX TZ strings, and zone names that exist in the zoneinfo
 * database. */
static int
set_tz(const char *zone)
{
	char path[512];
	struct stat st;

	if (zone[0] == '\0' || strstr(zone, "..") != NULL) {
		log_warnx("--tz: invalid time zone '%s'", zone);
		return -1;
	}
	if (strchr(zone, '/') != NULL || (zone[0] >= 'A' && zone[0] <= 'Z' && strlen(zone) > 4 &&
	                                  strpbrk(zone, "0123456789+-,") == NULL)) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
		if (zone[0] != '/' && stat(path, &st) != 0) {
			log_warnx("--tz: unknown time zone '%s' (no %s)", zone, path);
			return -1;
		}
	}
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

int
main(int argc, char **argv)
{
	struct cmd_env env;
	int i = 1, verbose = 0;
	size_t c;

	log_init("authwatch", 0);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--tz") == 0 && i + 1 < argc) {
			if (set_tz(argv[++i]) != 0)
				return EX_USAGE;
		} else if (strncmp(argv[i], "--tz=", 5) == 0) {
			if (set_tz(argv[i] + 5) != 0)
				return EX_USAGE;
		} else if (strcmp(argv[i], "-v") == 0) {
			verbose++;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("authwatch %s\n", AUTHWATCH_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			log_warnx("unknown option '%s'", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	log_init("authwatch", verbose);
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	tzset();
	env.now = (int64_t)time(NULL);
	env.verbose = verbose;
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(argc - i, argv + i, &env);
	log_warnx("unknown command '%s'", argv[i]);
	usage(stderr);
	return EX_USAGE;
}
