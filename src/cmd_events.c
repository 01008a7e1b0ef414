/* cmd_events.c: `authwatch events`: every recognised line as a structured event (NDJSON, CSV). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "event.h"
#include "input.h"
#include "linebuf.h"
#include "log.h"
#include "obuf.h"
#include "reader.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"

enum fmt { F_NDJSON, F_CSV, F_NONE };

/* Totals over all inputs. */
struct totals {
	uint64_t lines, events, unknown, truncated;
};

/* ,"key": -- key is the bare name; KEY() gives literal names with their length. */
static inline void
json_key(struct obuf *o, const char *key, size_t n)
{
	char *p;

	if (n + 4 > OBUF_SIZE - o->len) {
		obuf_putc(o, ',');
		obuf_putc(o, '"');
		obuf_put(o, key, n);
		obuf_putc(o, '"');
		obuf_putc(o, ':');
		return;
	}
	p = o->buf + o->len;
	p[0] = ',';
	p[1] = '"';
	memcpy(p + 2, key, n);
	p[n + 2] = '"';
	p[n + 3] = ':';
	o->len += n + 4;
}
#define KEY(L) L, sizeof(L) - 1
static inline void
json_span(struct obuf *o, const char *key, size_t kn, struct span sp)
{
	if (sp.p == NULL)
		return;
	json_key(o, key, kn);
	obuf_putc(o, '"');
	obuf_json_str(o, sp.p, sp.n);
	obuf_putc(o, '"');
}

static inline void
json_u64(struct obuf *o, const char *key, size_t kn, uint64_t v)
{
	json_key(o, key, kn);
	obuf_u64(o, v);
}

static inline void
json_addr(struct obuf *o, const char *key, size_t kn, const struct addr *a)
{
	char buf[ADDR_STRLEN];
	size_t n;

	if (a->af == 0)
		return;
	n = addr_format(a, buf);
	json_key(o, key, kn);
	obuf_putc(o, '"');
	obuf_put(o, buf, n);
	obuf_putc(o, '"');
}

/* Whether n1 carries a value for this event (a certificate's serial only with a certificate). */
static int
n1_used(const struct event *ev)
{
	switch (ev->type) {
	case EV_AUTH_ACCEPTED:
	case EV_AUTH_FAILED:
	case EV_AUTH_POSTPONED:
	case EV_AUTH_PARTIAL:
	case EV_CERT_REJECTED:
		return (ev->flags & EVF_CERT) != 0;
	default:
		return 1;
	}
}

static void
emit_json(struct obuf *o, const struct event *ev, uint64_t n, const char *file)
{
	const struct event_fieldnames *fn = event_fieldnames(ev->type);
	const char *name = event_type_name(ev->type);

	obuf_putc(o, '{');
	if (ev->ts != TS_NONE) {
		OBUF_LIT(o, "\"ts\":\"");
		obuf_time(o, ev->ts);
		OBUF_LIT(o, "\",");
	}
	OBUF_LIT(o, "\"event\":\"");
	obuf_put(o, name, strlen(name));
	obuf_putc(o, '"');
	json_span(o, KEY("host"), ev->host);
	json_span(o, KEY("prog"), ev->prog);
	if (ev->pid)
		json_u64(o, KEY("pid"), ev->pid);
	json_key(o, KEY("outcome"));
	obuf_putc(o, '"');
	name = event_outcome_name(ev->outcome);
	obuf_put(o, name, strlen(name));
	obuf_putc(o, '"');
	json_span(o, KEY("user"), ev->user);
	if (ev->user_valid != UV_UNKNOWN) {
		json_key(o, KEY("user_valid"));
		if (ev->user_valid)
			OBUF_LIT(o, "true");
		else
			OBUF_LIT(o, "false");
	}
	json_addr(o, KEY("src_ip"), &ev->src);
	json_span(o, KEY("src_host"), ev->src_host);
	if (ev->src_port)
		json_u64(o, KEY("src_port"), ev->src_port);
	json_addr(o, KEY("dst_ip"), &ev->dst);
	if (ev->dst_port)
		json_u64(o, KEY("dst_port"), ev->dst_port);
	if (ev->method != M_NONE_SET) {
		json_key(o, KEY("method"));
		obuf_putc(o, '"');
		name = event_method_name(ev->method);
		obuf_put(o, name, strlen(name));
		obuf_putc(o, '"');
	}
	json_span(o, KEY("key_type"), ev->key_type);
	json_span(o, KEY("key_fp"), ev->key_fp);
	json_span(o, KEY("reason"), ev->reason);
	if (fn->target)
		json_span(o, fn->target, strlen(fn->target), ev->target);
	if (fn->detail)
		json_span(o, fn->detail, strlen(fn->detail), ev->detail);
	if (fn->detail2)
		json_span(o, fn->detail2, strlen(fn->detail2), ev->detail2);
	if (fn->n1 && n1_used(ev))
		json_u64(o, fn->n1, strlen(fn->n1), ev->n1);
	if (fn->n2)
		json_u64(o, fn->n2, strlen(fn->n2), ev->n2);
	if (ev->count != 1)
		json_u64(o, KEY("count"), ev->count);
	if (ev->flags & EVF_PREAUTH)
		OBUF_LIT(o, ",\"preauth\":true");
	if (ev->flags & EVF_CERT)
		OBUF_LIT(o, ",\"cert\":true");
	if (ev->flags & EVF_REPEATED)
		OBUF_LIT(o, ",\"repeated\":true");
	if (ev->flags & EVF_TRUNCATED)
		OBUF_LIT(o, ",\"truncated\":true");
	json_u64(o, KEY("n"), n);
	json_key(o, KEY("file"));
	obuf_putc(o, '"');
	obuf_json_str(o, file, strlen(file));
	OBUF_LIT(o, "\"}\n");
}

static const char csv_header[] =
    "ts,host,prog,pid,event,outcome,user,user_valid,src_ip,src_host,src_port,dst_ip,"
    "dst_port,method,key_type,key_fp,reason,target,detail,detail2,num1,num2,count,flags,n,"
    "file\n";

static void
csv_span(struct obuf *o, struct span sp)
{
	if (sp.p != NULL)
		obuf_csv_str(o, sp.p, sp.n);
	obuf_putc(o, ',');
}

static void
csv_addr(struct obuf *o, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	obuf_put(o, buf, addr_format(a, buf));
	obuf_putc(o, ',');
}

static void
emit_csv(struct obuf *o, const struct event *ev, uint64_t n, const char *file)
{
	const struct event_fieldnames *fn = event_fieldnames(ev->type);
	const char *s;
	int sep = 0;

	if (ev->ts != TS_NONE)
		obuf_time(o, ev->ts);
	obuf_putc(o, ',');
	csv_span(o, ev->host);
	csv_span(o, ev->prog);
	if (ev->pid)
		obuf_u64(o, ev->pid);
	obuf_putc(o, ',');
	s = event_type_name(ev->type);
	obuf_put(o, s, strlen(s));
	obuf_putc(o, ',');
	s = event_outcome_name(ev->outcome);
	obuf_put(o, s, strlen(s));
	obuf_putc(o, ',');
	csv_span(o, ev->user);
	if (ev->user_valid != UV_UNKNOWN)
		obuf_put(o, ev->user_valid ? "true" : "false", ev->user_valid ? 4 : 5);
	obuf_putc(o, ',');
	csv_addr(o, &ev->src);
	csv_span(o, ev->src_host);
	if (ev->src_port)
		obuf_u64(o, ev->src_port);
	obuf_putc(o, ',');
	csv_addr(o, &ev->dst);
	if (ev->dst_port)
		obuf_u64(o, ev->dst_port);
	obuf_putc(o, ',');
	s = event_method_name(ev->method);
	obuf_put(o, s, strlen(s));
	obuf_putc(o, ',');
	csv_span(o, ev->key_type);
	csv_span(o, ev->key_fp);
	csv_span(o, ev->reason);
	csv_span(o, fn->target ? ev->target : (struct span){NULL, 0});
	csv_span(o, fn->detail ? ev->detail : (struct span){NULL, 0});
	csv_span(o, fn->detail2 ? ev->detail2 : (struct span){NULL, 0});
	if (fn->n1 && n1_used(ev))
		obuf_u64(o, ev->n1);
	obuf_putc(o, ',');
	if (fn->n2)
		obuf_u64(o, ev->n2);
	obuf_putc(o, ',');
	obuf_u64(o, ev->count);
	obuf_putc(o, ',');
#define FLAG(bit, txt)                                                                             \
	if (ev->flags & (bit)) {                                                                   \
		if (sep++)                                                                         \
			obuf_putc(o, '|');                                                         \
		OBUF_LIT(o, txt);                                                                  \
	}
	FLAG(EVF_PREAUTH, "preauth")
	FLAG(EVF_CERT, "cert")
	FLAG(EVF_REPEATED, "repeated")
	FLAG(EVF_TRUNCATED, "truncated")
#undef FLAG
	obuf_putc(o, ',');
	obuf_u64(o, n);
	obuf_putc(o, ',');
	obuf_csv_str(o, file, strlen(file));
	obuf_putc(o, '\n');
}

/*
 * Reads one input and writes its events. Returns 0, or a sysexits code for an
 * input that could not be opened (EX_NOINPUT) or read to its end (EX_DATAERR);
 * output errors are left in o->err for the caller.
 */
static int
events_file(const char *path, enum fmt fmt, int all, int64_t now, struct obuf *o, struct totals *t)
{
	char err[512];
	struct reader *r;
	struct linebuf lb;
	struct hdr_ctx ctx;
	const char *line;
	size_t len;
	unsigned flags;
	int rc, ret = 0;
	int64_t mtime;
	struct event ev;

	if ((r = reader_open(path, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return EX_NOINPUT;
	}
	mtime = reader_mtime(r);
	hdr_ctx_init(&ctx, mtime >= 0 ? mtime : now);
	linebuf_init(&lb, r);
	while ((rc = linebuf_next(&lb, &line, &len, &flags)) == 1) {
		t->lines++;
		if (flags & LB_PARTIAL)
			continue; /* cut short by a read error: its fields may be cut too */
		sshd_parse_line(&ctx, line, len, &ev);
		if (flags & LB_TRUNCATED) {
			ev.flags |= EVF_TRUNCATED;
			t->truncated++;
		}
		if (ev.type == EV_UNKNOWN) {
			t->unknown++;
			if (!all)
				continue;
		} else
			t->events++;
		if (fmt == F_NONE)
			continue;
		if (fmt == F_NDJSON)
			emit_json(o, &ev, lb.lineno, path);
		else
			emit_csv(o, &ev, lb.lineno, path);
		if (obuf_maybe_flush(o) != 0)
			break;
	}
	if (rc < 0) {
		log_warnx("%s: %s after line %llu (the lines up to it were read%s)", path,
		          reader_errmsg(r), (unsigned long long)linebuf_whole(&lb),
		          lb.cut ? "; the cut line after it was left out" : "");
		ret = EX_DATAERR;
	}
	linebuf_free(&lb);
	reader_close(r);
	return ret;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: authwatch events [--format ndjson|csv|none] [--all] [FILE|-]...\n"
	           "  Every recognised sshd/auth line as one event; with --all one per line.\n"
	           "  FILEs may be plain, gzip, xz, zstd or bzip2 (detected by content), globs;\n"
	           "  rotated siblings are read oldest first. No FILE: standard input.\n"
	           "  -f, --format ndjson|csv|none  one JSON object a line (default), CSV with a\n"
	           "                                header row, or only the totals\n"
	           "  -a, --all                     unrecognised lines too, as \"unknown\"\n");
}

int
cmd_events(int argc, char **argv, const struct cmd_env *env)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"all", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum fmt fmt = F_NDJSON;
	int all = 0, c, ret = 0;
	size_t i;
	struct input_list in;
	struct obuf o;
	struct totals t = {0, 0, 0, 0};
	char dashbuf[] = "-";
	char *dash[] = {dashbuf};

	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "f:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "ndjson") == 0 || strcmp(optarg, "json") == 0)
				fmt = F_NDJSON;
			else if (strcmp(optarg, "csv") == 0)
				fmt = F_CSV;
			else if (strcmp(optarg, "none") == 0)
				fmt = F_NONE;
			else {
				log_warnx("events: unknown format '%s' (ndjson, csv, none)",
				          optarg);
				return EX_USAGE;
			}
			break;
		case 'a':
			all = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			cmd_bad_option("events", argv);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		if (input_expand(argv + optind, (size_t)(argc - optind), &in) != 0)
			return EX_USAGE;
	} else if (input_expand(dash, 1, &in) != 0)
		return EX_USAGE;

	obuf_init(&o, STDOUT_FILENO);
	if (fmt == F_CSV)
		OBUF_LIT(&o, csv_header);
	for (i = 0; i < in.n && !o.err; i++) {
		int rc = events_file(in.paths[i], fmt, all, env->now, &o, &t);

		if (rc != 0 && ret == 0)
			ret = rc;
	}
	if (fmt == F_NONE) {
		char buf[160];
		int n = snprintf(buf, sizeof(buf),
		                 "lines %llu events %llu unknown %llu truncated %llu\n",
		                 (unsigned long long)t.lines, (unsigned long long)t.events,
		                 (unsigned long long)t.unknown, (unsigned long long)t.truncated);

		obuf_put(&o, buf, (size_t)n);
	}
	if (obuf_close(&o) != 0) {
		errno = o.err;
		log_warn("events: write error");
		ret = EX_IOERR;
	}
	input_list_free(&in);
	return ret;
}
