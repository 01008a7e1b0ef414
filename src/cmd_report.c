/* cmd_report.c: `authwatch report`: who tried to get in, who got in, over any span of logs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "agg.h"
#include "agg_count.h"
#include "cmd.h"
#include "conf.h"
#include "conn.h"
#include "feed.h"
#include "geoip.h"
#include "input.h"
#include "linebuf.h"
#include "log.h"
#include "reader.h"
#include "render.h"
#include "render_text.h"
#include "render_util.h"
#include "sshd_parse.h"
#include "strtab.h"
#include "syslog_hdr.h"
#include "timespec.h"
#include "xmalloc.h"

enum rfmt { R_TEXT, R_JSON, R_CSV, R_HTML };

static void
usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: authwatch report [options] [FILE|-]...\n"
	    "  The analysis of sshd activity: overview, actions, logins, sessions,\n"
	    "  attackers, targeted usernames, timeline, alerts, sftp, Fail2Ban.\n"
	    "  No FILE: /var/log/auth.log* (else /var/log/secure*), oldest first; without\n"
	    "  them the systemd journal. FILE journal: (or journal:DIR) is the journal.\n"
	    "options:\n"
	    "  -f, --format text|json|csv|html  output (default text)\n"
	    "  -o, --output PATH       write to PATH (csv: a directory, one file per section;\n"
	    "                          html: one self-contained file; default stdout)\n"
	    "  --section NAME          csv: only that section, to stdout or -o FILE\n"
	    "  -n, --top N             rows per table (default 10)\n"
	    "  --since T, --until T    \"May 31 07:00\", 2021-05-31T07, 2h, 7d, today, @EPOCH\n"
	    "  --host NAME             only lines of that host\n"
	    "  --user NAME             only connections that tried or used that user\n"
	    "  --ip ADDR|CIDR          only that address or network\n"
	    "  --color auto|always|never  colour in text output (auto: a terminal, no NO_COLOR);\n"
	    "                          or --colour\n"
	    "  -j, --threads N         reading threads (default: the CPUs); any N gives the\n"
	    "                          same report\n"
	    "  --geoip DIR             attackers' country and AS from the GeoLite2/DB-IP\n"
	    "                          .mmdb files in DIR (offline); default: geoip = in\n"
	    "                          the daemon's configuration (--config CONF, else\n"
	    "                          " CONF_PATH " when readable)\n"
	    "  --config CONF           read geoip = from CONF\n");
}

/* The system's own auth logs, when no FILE is given. */
static int
default_inputs(struct input_list *in)
{
	static const char *const pats[] = {"/var/log/auth.log*", "/var/log/secure*"};
	size_t i;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;
		char *arg[1];
		char pat[64];

		memset(&g, 0, sizeof(g));
		if (glob(pats[i], 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			globfree(&g);
			continue;
		}
		globfree(&g);
		snprintf(pat, sizeof(pat), "%s", pats[i]);
		arg[0] = pat;
		return input_expand(arg, 1, in);
	}
	/* no syslog files: the systemd journal */
	in->paths = xreallocarray(NULL, 1, sizeof(*in->paths));
	in->paths[0] = xstrdup(FEED_JOURNAL);
	in->n = 1;
	return 0;
}

/* What the feed's callbacks work on. */
struct run {
	char *const *paths;
	const struct agg_opts *opts; /* read by the reading threads too: unchanged while they run */
	struct agg *a;
	struct conn_tracker *t;
	int ret;      /* the first non-zero input status */
	int progress; /* a progress line on stderr */
	size_t input; /* the input being read */
	uint64_t lines, next_tick;
	uint64_t lines_before; /* lines when the current input began */
};

static void
on_begin(void *arg, size_t input)
{
	struct run *r = arg;

	r->input = input;
	r->lines_before = r->lines;
	agg_file_begin(r->a, r->paths[input]);
}

/* What a reading thread worked out for a batch (on_prep): its counts, and per event what is left.
 */
struct prep {
	struct agg_count c;
	uint8_t what[FEED_BATCH_EVENTS]; /* AGG_SKIP, AGG_CONN, AGG_ALL, AGG_JOIN */
};

/* On a reading thread: the per-line counting, which needs nothing the consumer changes. */
static void
on_prep(void *arg, const struct feed_batch *b, size_t lo, void *aux)
{
	const struct run *r = arg;
	struct prep *x = aux;
	size_t i;

	if (lo == 0)
		agg_count_init(&x->c);
	for (i = lo; i < b->n; i++)
		x->what[i] = (uint8_t)agg_count_event(&x->c, r->opts, &b->ev[i], b->truncated[i]);
}

static void
prefetch_event(const struct event *ev)
{
	const char *q = (const char *)ev;

	__builtin_prefetch(q);
	__builtin_prefetch(q + 64);
	__builtin_prefetch(q + 128);
	__builtin_prefetch(q + 192);
	__builtin_prefetch(ev->host.p);
}

static void
on_batch(void *arg, const struct feed_batch *b)
{
	struct run *r = arg;
	const struct prep *x = b->aux;
	size_t i;

	if (x == NULL) {
		/* parsed on this thread a moment ago, still in the cache: counted here */
		for (i = 0; i < b->n; i++) {
			int k = agg_event(r->a, &b->ev[i], b->truncated[i]);

			if (k == AGG_SKIP)
				continue;
			conn_feed(r->t, &b->ev[i]);
			if (k == AGG_JOIN)
				agg_event_joined(r->a, &b->ev[i], conn_current(r->t));
		}
	} else {
		/* a worker counted them (on_prep) on another core */
		agg_add_counts(r->a, &x->c);
		for (i = 0; i < b->n; i++) {
			/* ... and wrote them there: ask for them ahead of use */
			if (i + 4 < b->n)
				prefetch_event(&b->ev[i + 4]);
			if (x->what[i] == AGG_ALL)
				agg_event_counted(r->a, &b->ev[i]);
			if (x->what[i] != AGG_SKIP)
				conn_feed(r->t, &b->ev[i]);
			if (x->what[i] == AGG_JOIN)
				agg_event_joined(r->a, &b->ev[i], conn_current(r->t));
		}
	}
	r->lines += b->n;
	if (r->progress && r->lines >= r->next_tick) {
		fprintf(stderr, "\r\033[Kreading %s: %llu lines", r->paths[b->input],
		        (unsigned long long)r->lines);
		r->next_tick = r->lines + 250000;
	}
}

static void
on_end(void *arg, size_t input, int status, const char *error)
{
	struct run *r = arg;

	if (r->progress)
		fprintf(stderr, "\r\033[K");
	if (status == EX_NOINPUT)
		log_warnx("%s", error);
	else if (status != 0)
		log_warnx("%s: %s (the other lines were read)", r->paths[input], error);
	if (status == 0 && r->lines == r->lines_before &&
	    strncmp(r->paths[input], FEED_JOURNAL, strlen(FEED_JOURNAL)) == 0 && geteuid() != 0)
		log_warnx("%s: no sshd entries; only root and the groups adm and systemd-journal "
		          "see the whole journal",
		          r->paths[input]);
	agg_file_end(r->a, error);
	if (status != 0 && r->ret == 0)
		r->ret = status;
}

/*
 * Says that --since/--until left out every dated event, with the input's own
 * span: a "May 31" given for an archived log is read in the current year.
 */
static void
filters_emptied(const struct agg_view *v)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < v->nfiles; i++) {
		if (v->files[i].first != INT64_MIN && v->files[i].first < lo)
			lo = v->files[i].first;
		if (v->files[i].last > hi)
			hi = v->files[i].last;
	}
	if (hi == INT64_MIN)
		return;
	render_time(a, sizeof(a), lo, RT_MIN);
	render_time(b, sizeof(b), hi, RT_MIN);
	log_warnx("report: --since/--until left out every event: the input runs from %s to %s "
	          "UTC (a date without a year, such as \"May 31\", is in the current year)",
	          a, b);
}

static int
parse_color(const char *s, int *out)
{
	if (strcmp(s, "auto") == 0)
		*out = -1;
	else if (strcmp(s, "always") == 0)
		*out = 1;
	else if (strcmp(s, "never") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static void
conn_to_agg(const struct conn_rec *rec, void *arg)
{
	agg_conn(arg, rec);
}

int
cmd_report(int argc, char **argv, const struct cmd_env *env)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},  {"output", required_argument, NULL, 'o'},
	    {"section", required_argument, NULL, 'S'}, {"top", required_argument, NULL, 'n'},
	    {"since", required_argument, NULL, 's'},   {"until", required_argument, NULL, 'u'},
	    {"host", required_argument, NULL, 'H'},    {"user", required_argument, NULL, 'U'},
	    {"ip", required_argument, NULL, 'i'},      {"color", required_argument, NULL, 'c'},
	    {"colour", required_argument, NULL, 'c'},  {"threads", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},          {"geoip", required_argument, NULL, 'G'},
	    {"config", required_argument, NULL, 'C'},  {NULL, 0, NULL, 0},
	};
	enum rfmt fmt = R_TEXT;
	const char *out = NULL, *section = NULL, *geodir = NULL, *confpath = NULL;
	char *confgeo = NULL;
	int c, color = -1, ret = 0, fd = STDOUT_FILENO, rc;
	char err[256];
	struct agg_opts ao;
	struct input_list in;
	struct strtab *st;
	struct agg *a;
	struct conn_tracker *t;
	const struct agg_view *v;
	struct feed_ops ops = {on_begin, on_batch, on_end, on_prep};
	struct run run;
	struct feed_opts fo;
	struct geoip *geo = NULL;
	char gwarn[1024];
	unsigned threads = feed_default_threads();
	size_t i;

	memset(&ao, 0, sizeof(ao));
	ao.since = INT64_MIN;
	ao.until = INT64_MAX;
	ao.top = 10;
	ao.seed = (uint64_t)env->now * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "f:o:n:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				fmt = R_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = R_JSON;
			else if (strcmp(optarg, "csv") == 0)
				fmt = R_CSV;
			else if (strcmp(optarg, "html") == 0)
				fmt = R_HTML;
			else {
				log_warnx("report: unknown format '%s' (text, json, csv, html)",
				          optarg);
				return EX_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'S':
			section = optarg;
			break;
		case 'n': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n < 1 || n > 100000) {
				log_warnx("report: --top takes a number from 1 to 100000");
				return EX_USAGE;
			}
			ao.top = (unsigned)n;
			break;
		}
		case 's':
		case 'u':
			if (timespec_parse(optarg, env->now, c == 's' ? &ao.since : &ao.until, err,
			                   sizeof(err)) != 0) {
				log_warnx("report: --%s: %s", c == 's' ? "since" : "until", err);
				return EX_USAGE;
			}
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n < 1 || n > 64) {
				log_warnx("report: --threads takes a number from 1 to 64");
				return EX_USAGE;
			}
			threads = (unsigned)n;
			break;
		}
		case 'H':
			ao.host = optarg;
			break;
		case 'U':
			ao.user = optarg;
			break;
		case 'i':
			if (cidr_parse(optarg, &ao.ip) != 0) {
				log_warnx("report: --ip: '%s' is not an address or network",
				          optarg);
				return EX_USAGE;
			}
			ao.have_ip = 1;
			break;
		case 'G':
			geodir = optarg;
			break;
		case 'C':
			confpath = optarg;
			break;
		case 'c':
			if (parse_color(optarg, &color) != 0) {
				log_warnx("report: --color takes auto, always or never");
				return EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			cmd_bad_option("report", argv);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (section != NULL && fmt != R_CSV) {
		log_warnx("report: --section goes with --format csv");
		return EX_USAGE;
	}
	if (fmt == R_CSV && section == NULL && out == NULL) {
		log_warnx("report: --format csv writes one file per section: name a directory "
		          "with -o DIR, or pick one with --section NAME");
		return EX_USAGE;
	}
	if (optind < argc) {
		if (input_expand(argv + optind, (size_t)(argc - optind), &in) != 0)
			return EX_USAGE;
	} else if (default_inputs(&in) != 0)
		return EX_NOINPUT;
	if (optind >= argc) {
		fprintf(stderr, "authwatch: reading");
		for (i = 0; i < in.n; i++)
			fprintf(stderr, " %s",
			        strcmp(in.paths[i], FEED_JOURNAL) == 0
			            ? "the systemd journal (no /var/log/auth.log* "
			              "or /var/log/secure*)"
			            : in.paths[i]);
		fprintf(stderr, "\n");
	}
	if (geodir == NULL) {
		/* the daemon's configuration may say where the databases are (geoip = DIR) */
		struct conf cf;
		char cerr[512];
		const char *cp = confpath != NULL               ? confpath
		                 : access(CONF_PATH, R_OK) == 0 ? CONF_PATH
		                                                : NULL;

		if (cp != NULL && conf_load(cp, &cf, cerr, sizeof(cerr)) == 0) {
			if (cf.geoip != NULL)
				geodir = confgeo = xstrdup(cf.geoip);
			conf_free(&cf);
		} else if (confpath != NULL) {
			log_warnx("report: %s", cerr);
			input_list_free(&in);
			return EX_CONFIG;
		}
	}
	if (geodir != NULL) {
		/* a missing or broken database: said, and the report goes on without it */
		geo = geoip_open(geodir, gwarn, sizeof(gwarn));
		if (gwarn[0] != '\0')
			log_warnx("report: --geoip: %s%s", gwarn,
			          geo == NULL ? " (the report has no GeoIP columns)" : "");
	}

	st = strtab_new(ao.seed);
	a = agg_new(st, &ao);
	t = conn_new(st, conn_to_agg, a);
	memset(&run, 0, sizeof(run));
	memset(&fo, 0, sizeof(fo));
	run.paths = in.paths;
	run.opts = &ao;
	run.a = a;
	run.t = t;
	run.progress = render_text_term(STDERR_FILENO); /* "\r\033[K": no colour */
	run.next_tick = 250000;
	fo.threads = threads;
	fo.now = env->now;
	fo.since = ao.since;
	fo.until = ao.until;
	fo.aux_bytes = sizeof(struct prep);
	if (feed_run(in.paths, in.n, &fo, &ops, &run) != 0) {
		log_warn("report: cannot start reading threads");
		ret = EX_OSERR;
		goto out;
	}
	ret = run.ret;
	conn_flush(t);
	v = agg_finish(a);
	if ((ao.since != INT64_MIN || ao.until != INT64_MAX) && v->first == INT64_MIN &&
	    v->filtered > 0)
		filters_emptied(v);

	if (out != NULL && !(fmt == R_CSV && section == NULL)) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			log_warn("report: %s", out);
			ret = EX_CANTCREAT;
			goto out;
		}
	}
	if (color < 0)
		color = fmt == R_TEXT && out == NULL && render_text_color_auto(STDOUT_FILENO);
	agg_set_geoip(a, geo);
	switch (fmt) {
	case R_TEXT:
		rc = render_text(v, fd, color);
		break;
	case R_JSON:
		rc = render_json(v, fd);
		break;
	case R_HTML:
		rc = render_html(v, fd);
		break;
	default:
		rc = render_csv(v, section ? NULL : out, section, fd);
		if (rc == RENDER_CSV_NOSECTION) {
			log_warnx("report: unknown section '%s'", section);
			ret = EX_USAGE;
			goto close;
		}
		if (rc == RENDER_CSV_CANTCREAT || rc == RENDER_CSV_WRITTEN) {
			ret = rc == RENDER_CSV_CANTCREAT ? EX_CANTCREAT : EX_IOERR;
			goto close;
		}
		break;
	}
	if (rc != 0) {
		log_warn("report: write error");
		ret = EX_IOERR;
	}
close:
	if (fd != STDOUT_FILENO && close(fd) != 0 && ret == 0) {
		log_warn("report: %s", out);
		ret = EX_IOERR;
	}
out:
	conn_free(t);
	agg_free(a);
	strtab_free(st);
	input_list_free(&in);
	geoip_close(geo);
	free(confgeo);
	return ret;
}
