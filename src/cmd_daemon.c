/* cmd_daemon.c: `authwatch daemon`: checks the configuration (-t) or runs the daemon. */
#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "conf_write.h"
#include "daemon.h"
#include "log.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: authwatch daemon [-c CONF] [-t] [-v]\n"
	           "  Follows the jails' sources, bans attackers in the firewall, keeps state.\n"
	           "  -c, --config CONF  configuration (default " CONF_PATH ")\n"
	           "  -t, --test         check the configuration, print it with defaults, "
	           "and exit\n"
	           "  -v, --verbose      more messages on stderr\n");
}

int
cmd_daemon(int argc, char **argv, const struct cmd_env *env)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"test", no_argument, NULL, 't'},
	                                     {"verbose", no_argument, NULL, 'v'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *path = CONF_PATH;
	int c, test = 0, verbose = env->verbose;
	char err[1024];
	struct conf conf;

	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "c:tvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'v':
			log_init("authwatch", ++verbose);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			cmd_bad_option("daemon", argv);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!test)
		return daemon_run(path);
	if (conf_load(path, &conf, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	if (conf_write(&conf, stdout) != 0 || fflush(stdout) != 0) {
		conf_free(&conf);
		return EX_IOERR;
	}
	fprintf(stderr, "authwatch: %s: configuration OK\n", path);
	conf_free(&conf);
	return 0;
}
