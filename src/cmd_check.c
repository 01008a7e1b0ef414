/* cmd_check.c: `authwatch check`: which lines each jail counts, and whom it would ban (replay in
 * log time). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "ban.h"
#include "cmd.h"
#include "conf.h"
#include "input.h"
#include "jail.h"
#include "linebuf.h"
#include "log.h"
#include "reader.h"
#include "timespec.h"
#include "render_util.h"
#include "xmalloc.h"

#define SHOW_MAX 160 /* bytes of a line shown */

/* The configuration `check` uses without -c: one sshd jail with the defaults. */
static const char default_conf[] = "[sshd]\nsource = /var/log/auth.log\n";

/* An address's bans so far in one jail (for repeat-offender durations). */
struct offender {
	struct addr net;
	uint8_t prefix;
	uint32_t bans;
	int64_t until; /* UTC µs, 0 = permanent */
};

struct check {
	const struct conf_jail *cj;
	struct ban_policy pol;
	int quiet; /* bans only */
	const char *line;
	size_t len;
	struct offender *off;
	size_t noff;
	uint64_t counted, allowed, bans;
};

static void
show_line(const char *line, size_t len)
{
	size_t i = 0, shown = 0;

	while (i < len && shown < SHOW_MAX) {
		char u[8];
		size_t ol;
		unsigned w;

		i += render_tunit((const unsigned char *)line + i, len - i, u, &ol, &w);
		fwrite(u, 1, ol, stdout);
		shown += ol;
	}
	if (i < len)
		fputs("...", stdout);
	putchar('\n');
}

static void
on_count(void *arg, struct jail *j, const struct jail_count *c)
{
	struct check *ck = arg;
	static const char *const kinds[] = {"failure", "probe", "negotiation"};
	char a[ADDR_STRLEN], t[32];

	(void)j;
	if (c->allowed)
		ck->allowed++;
	else
		ck->counted++;
	if (ck->quiet)
		return;
	addr_format(c->src, a);
	render_time(t, sizeof(t), c->ts, RT_SEC);
	printf("%s  %-8s %-39s %+5.2f %-11s%s  ", t, ck->cj->name, a, c->weight, kinds[c->kind],
	       c->allowed ? " allowed" : "");
	show_line(ck->line, ck->len);
}

static void
on_ban(void *arg, struct jail *j, const struct detect_hit *h, int64_t now)
{
	struct check *ck = arg;
	struct offender *o = NULL;
	char a[ADDR_STRLEN], t[32], why[64], dur[32];
	int64_t secs;
	size_t i;

	(void)j;
	for (i = 0; i < ck->noff; i++)
		if (ck->off[i].prefix == h->prefix && addr_eq(&ck->off[i].net, &h->net))
			o = &ck->off[i];
	if (o == NULL) {
		ck->off = xreallocarray(ck->off, ck->noff + 1, sizeof(*ck->off));
		o = &ck->off[ck->noff++];
		memset(o, 0, sizeof(*o));
		o->net = h->net;
		o->prefix = h->prefix;
	}
	addr_format(&h->net, a);
	render_time(t, sizeof(t), now, RT_SEC);
	if (o->bans > 0 && (o->until == 0 || o->until > now)) {
		printf("%s  %-8s BAN %s/%u: already banned (its lines would not reach sshd)\n", t,
		       ck->cj->name, a, h->prefix);
		return;
	}
	o->bans++;
	ck->bans++;
	secs = ban_duration(&ck->pol, o->bans);
	o->until = secs == 0 ? 0 : now + secs * 1000000;
	jail_reason(h, ck->cj->findtime, why, sizeof(why));
	if (secs == 0)
		printf("%s  %-8s BAN %s/%u for good (%s, ban #%u)\n", t, ck->cj->name, a, h->prefix,
		       why, o->bans);
	else
		printf("%s  %-8s BAN %s/%u for %s (%s, ban #%u)\n", t, ck->cj->name, a, h->prefix,
		       duration_format(secs, dur, sizeof(dur)), why, o->bans);
}

/* Replays the files through one jail. Returns 0, or EX_NOINPUT/EX_DATAERR for a bad file. */
static int
replay(struct check *ck, char *const *files, size_t nfiles, int64_t now)
{
	struct jail_opts o;
	struct jail_cb cb = {on_ban, on_count};
	struct jail *j;
	size_t i;
	int ret = 0;

	jail_opts_of(ck->cj, (uint64_t)now * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid(), &o);
	j = jail_new(&o, &cb, ck);
	for (i = 0; i < nfiles; i++) {
		char err[512];
		struct reader *r = reader_open(files[i], err, sizeof(err));
		struct linebuf lb;
		struct hdr_ctx ctx;
		unsigned flags;
		int rc;

		if (r == NULL) {
			log_warnx("%s", err);
			ret = EX_NOINPUT;
			continue;
		}
		hdr_ctx_init(&ctx, reader_mtime(r) >= 0 ? reader_mtime(r) : now);
		linebuf_init(&lb, r);
		while ((rc = linebuf_next(&lb, &ck->line, &ck->len, &flags)) == 1)
			if (!(flags & LB_PARTIAL))
				jail_line(j, &ctx, ck->line, ck->len, INT64_MIN);
		if (rc < 0) {
			log_warnx("%s: %s after line %llu (the lines up to it were read%s)",
			          files[i], reader_errmsg(r),
			          (unsigned long long)linebuf_whole(&lb),
			          lb.cut ? "; the cut line after it was left out" : "");
			ret = EX_DATAERR;
		}
		linebuf_free(&lb);
		reader_close(r);
	}
	jail_free(j);
	return ret;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: authwatch check [-c CONF] [--jail NAME] [--bans] [FILE...]\n"
	           "  Replays log files in log time through each jail: every line it counts\n"
	           "  (time, jail, address, weight, kind, the line) and every ban it would "
	           "decide.\n"
	           "  No FILE: each jail's own file sources.\n"
	           "  -c, --config CONF  the jails of this configuration (default: one sshd "
	           "jail\n"
	           "                     with the defaults: 5 failures in 10m, 10m bans)\n"
	           "  -j, --jail NAME    only this jail\n"
	           "  -b, --bans         only the bans, not every line counted\n");
}

int
cmd_check(int argc, char **argv, const struct cmd_env *env)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"jail", required_argument, NULL, 'j'},
	    {"bans", no_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *conf_path = NULL, *only = NULL;
	int c, quiet = 0, ret = 0, rc;
	char err[1024], dur[32];
	struct conf conf;
	struct input_list in;
	size_t i, k, ran = 0;

	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "c:j:bh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf_path = optarg;
			break;
		case 'j':
			only = optarg;
			break;
		case 'b':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			cmd_bad_option("check", argv);
			usage(stderr);
			return EX_USAGE;
		}
	}
	rc = conf_path ? conf_load(conf_path, &conf, err, sizeof(err))
	               : conf_load_string(default_conf, "(defaults)", &conf, err, sizeof(err));
	if (rc != 0) {
		log_warnx("%s", err);
		return EX_CONFIG;
	}
	memset(&in, 0, sizeof(in));
	if (optind < argc && input_expand(argv + optind, (size_t)(argc - optind), &in) != 0) {
		conf_free(&conf);
		return EX_USAGE;
	}
	for (i = 0; i < conf.njails; i++) {
		const struct conf_jail *cj = &conf.jails[i];
		struct check ck;
		struct input_list own;

		if (!cj->enabled || (only != NULL && strcmp(only, cj->name) != 0))
			continue;
		memset(&ck, 0, sizeof(ck));
		memset(&own, 0, sizeof(own));
		ck.cj = cj;
		ck.quiet = quiet;
		ban_policy_of(cj, &ck.pol);
		if (in.n == 0) {
			/* the jail's own file sources (the journal is not replayed here) */
			char **srcs = xreallocarray(NULL, cj->nsources + 1, sizeof(*srcs));
			size_t n = 0;

			for (k = 0; k < cj->nsources; k++)
				if (strncmp(cj->sources[k], "journal", 7) != 0)
					srcs[n++] = cj->sources[k];
			if (n > 0 && input_expand(srcs, n, &own) != 0)
				ret = EX_NOINPUT;
			free(srcs);
		}
		rc = replay(&ck, in.n ? in.paths : own.paths, in.n ? in.n : own.n, env->now);
		if (rc != 0 && ret == 0)
			ret = rc;
		printf("jail %s: %llu occurrences counted, %llu from allowed addresses, %llu ban%s "
		       "(maxretry %u in %s, weights failure %.4g probe %.4g negotiation %.4g)\n",
		       cj->name, (unsigned long long)ck.counted, (unsigned long long)ck.allowed,
		       (unsigned long long)ck.bans, ck.bans == 1 ? "" : "s", cj->maxretry,
		       duration_format(cj->findtime, dur, sizeof(dur)), cj->w_failure, cj->w_probe,
		       cj->w_negotiation);
		free(ck.off);
		input_list_free(&own);
		ran++;
	}
	if (ran == 0) {
		log_warnx("check: no enabled jail%s%s", only ? " named " : "", only ? only : "");
		ret = EX_USAGE;
	}
	if (in.n > 0)
		input_list_free(&in);
	conf_free(&conf);
	if (fflush(stdout) != 0)
		return EX_IOERR;
	return ret;
}
