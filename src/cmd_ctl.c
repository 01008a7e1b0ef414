/* cmd_ctl.c: `authwatch status|bans|ban|unban|reload`: the daemon's control socket from the command
 * line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "control.h"
#include "log.h"
#include "render_text.h"
#include "timespec.h"

static void
usage(FILE *f, const char *cmd)
{
	fprintf(f,
	        "usage: authwatch %s [-s SOCKET | -c CONF]%s\n"
	        "  -s, --socket SOCKET  the daemon's control socket (default: the config's "
	        "socket,\n"
	        "                       else " CONF_SOCKET ")\n"
	        "  -c, --config CONF    read the socket path from this configuration\n",
	        cmd,
	        strcmp(cmd, "ban") == 0      ? " [--for DURATION] [--jail NAME] ADDR[/PREFIX]"
	        : strcmp(cmd, "unban") == 0  ? " [--jail NAME] ADDR[/PREFIX]"
	        : strcmp(cmd, "bans") == 0   ? " [--format text|json] [--history ADDR]"
	        : strcmp(cmd, "status") == 0 ? " [--format text|json]"
	                                     : "");
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "bans") == 0)
		fprintf(f, "  --format text|json   aligned tables (default) or JSON\n");
	if (strcmp(cmd, "bans") == 0)
		fprintf(f, "  --history ADDR       every ban of ADDR (and of the networks holding "
		           "it)\n"
		           "                       that the database keeps, not only the active "
		           "ones\n");
	if (strcmp(cmd, "ban") == 0)
		fprintf(f,
		        "  --for DURATION       exactly this long (10m, 1h, 7d), no escalation;\n"
		        "                       default: the jail's bantime, longer for a repeat "
		        "offender\n"
		        "  --jail NAME          the jail whose policy and allowlist apply "
		        "(default: the first)\n");
	if (strcmp(cmd, "unban") == 0)
		fprintf(f, "  --jail NAME          only the bans of that jail\n");
}

/*
 * Whether command cmd takes the option whose getopt value is opt: --format
 * status and bans, --history bans, --for ban, --jail ban and unban.
 */
static int
takes(const char *cmd, int opt)
{
	switch (opt) {
	case 'f':
		return strcmp(cmd, "status") == 0 || strcmp(cmd, "bans") == 0;
	case 'H':
		return strcmp(cmd, "bans") == 0;
	case 'F':
		return strcmp(cmd, "ban") == 0;
	case 'j':
		return strcmp(cmd, "ban") == 0 || strcmp(cmd, "unban") == 0;
	default:
		return 1;
	}
}

/* The socket: -s, else the one in -c CONF (or the default config when it exists), else the default.
 */
static char *
socket_path(const char *sock, const char *conf)
{
	struct conf c;
	char err[512];
	char *p;

	if (sock != NULL)
		return strdup(sock);
	if (conf == NULL && access(CONF_PATH, R_OK) == 0)
		conf = CONF_PATH;
	if (conf == NULL)
		return strdup(CONF_SOCKET);
	if (conf_load(conf, &c, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return NULL;
	}
	p = strdup(c.socket);
	conf_free(&c);
	return p;
}

int
cmd_ctl(int argc, char **argv, const struct cmd_env *env)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'}, {"config", required_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'}, {"for", required_argument, NULL, 'F'},
	    {"jail", required_argument, NULL, 'j'},   {"history", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *cmd = argv[0], *sock = NULL, *conf = NULL, *dur = NULL, *jail = NULL;
	const char *hist = NULL;
	char *req[6], *path, err[1024], secs[32];
	int c, json = 0, n = 0, rc, li;
	int64_t s;

	(void)env;
	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "s:c:h", opts, &li)) != -1) {
		if (!takes(cmd, c)) {
			log_warnx("%s: --%s is not an option of %s", cmd, opts[li].name, cmd);
			usage(stderr, cmd);
			return EX_USAGE;
		}
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0) {
				log_warnx("%s: --format takes text or json", cmd);
				return EX_USAGE;
			}
			break;
		case 'F':
			dur = optarg;
			break;
		case 'j':
			jail = optarg;
			break;
		case 'H':
			hist = optarg;
			break;
		case 'h':
			usage(stdout, cmd);
			return 0;
		default:
			cmd_bad_option(cmd, argv);
			usage(stderr, cmd);
			return EX_USAGE;
		}
	}
	if (hist != NULL) {
		struct addr a;

		if (addr_parse(hist, strlen(hist), &a) != 0) {
			log_warnx("bans: --history takes an address, such as 203.0.113.9 "
			          "(its networks' bans are shown too)");
			return EX_USAGE;
		}
		req[n++] = (char *)(uintptr_t) "history";
		req[n++] = (char *)(uintptr_t)hist;
	} else
		req[n++] = argv[0];
	if (strcmp(cmd, "ban") == 0 || strcmp(cmd, "unban") == 0) {
		if (optind + 1 != argc) {
			usage(stderr, cmd);
			return EX_USAGE;
		}
		{
			struct cidr cd;

			if (cidr_parse(argv[optind], &cd) != 0) {
				log_warnx("%s: '%s' is not an address or network", cmd,
				          argv[optind]);
				return EX_USAGE;
			}
		}
		req[n++] = argv[optind];
		if (strcmp(cmd, "ban") == 0) {
			if (dur != NULL) {
				if (duration_parse(dur, &s) != 0 || s <= 0) {
					log_warnx(
					    "ban: --for takes a duration such as 10m, 1h, 7d");
					return EX_USAGE;
				}
				snprintf(secs, sizeof(secs), "%lld", (long long)s);
			} else
				snprintf(secs, sizeof(secs), "0");
			req[n++] = secs;
		}
		if (jail != NULL)
			req[n++] = (char *)(uintptr_t)jail;
		else if (strcmp(cmd, "ban") == 0 && dur == NULL)
			n--; /* neither: the jail's own ban time */
	} else if (optind != argc) {
		usage(stderr, cmd);
		return EX_USAGE;
	}
	if (json)
		req[n++] = (char *)(uintptr_t) "json";
	/* the daemon renders the text but cannot see our terminal: colour is ours to ask for */
	else if ((strcmp(cmd, "status") == 0 || strcmp(cmd, "bans") == 0) &&
	         render_text_color_auto(STDOUT_FILENO))
		req[n++] = (char *)(uintptr_t) "color";
	if ((path = socket_path(sock, conf)) == NULL)
		return EX_CONFIG;
	rc = control_call(path, n, req, STDOUT_FILENO, err, sizeof(err));
	free(path);
	if (rc < 0) {
		log_warnx("%s", err);
		return EX_UNAVAILABLE;
	}
	return rc == 0 ? 0 : 1;
}
