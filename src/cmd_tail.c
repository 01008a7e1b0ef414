/* cmd_tail.c: `authwatch tail`: follows the logs live, one compact line per event, a summary. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sysexits.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "follow.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "obuf.h"
#include "render_text.h"
#include "sshd_parse.h"
#include "strtab.h"
#include "syslog_hdr.h"
#include "tail_view.h"
#include "xmalloc.h"

#define TICK_MS 250     /* on a terminal: the summary is refreshed at most this often */
#define RETRY_MS 1000   /* piped: how often a source whose reading failed is tried again */
#define OUT_SIZE 65536  /* output buffer: one write per turn on a terminal */
#define MAX_CONNS 65536 /* connections followed at once for the summary (as a jail does) */

struct tail;

/* One input: a file (fl) or the journal (jn). */
struct tsrc {
	struct tail *t;
	const char *name; /* as given (borrowed from argv, or a constant) */
	struct follow *fl;
	struct journal *jn;
	struct hdr_ctx ctx;
	int failing; /* the last read failed: warned once, tried again on the timer */
};

/*
 * The command's state. Invariant: on a terminal (term) the summary line
 * sumtxt is drawn below the event lines with the cursor at its end when
 * sum_shown; sum_cleared says its row was cleared ("\r\033[K") for the lines
 * of the current turn and must be drawn again at its end (turn_end). now is
 * the time of the current turn, read by tail_clock only. Piped: no summary,
 * no escape sequence (unless --color always), a write per line.
 */
struct tail {
	struct loop *loop;
	struct tsrc *srcs;
	size_t nsrcs;
	struct tv_filter filt;
	struct tv_ring ring;
	struct tv_summary *sum;    /* on a terminal only */
	struct strtab *strings;    /* the tracker's (host names only: lean mode) */
	struct conn_tracker *conn; /* counts attempts once per attempt, for the summary */
	int term, color, keys, stop, backlog;
	int in_keys; /* stdin is in the loop and in key mode */
	int64_t now; /* UTC µs */
	int sigfd, timerfd;
	unsigned cols;
	char sumtxt[TV_SUM_MAX];
	size_t sumlen;
	int sum_shown, sum_cleared;
	struct termios tio; /* stdin's modes before key mode */
	int werr;           /* errno of the first failed write (output is then dropped) */
	size_t outlen;
	char out[OUT_SIZE];
};

/* The one place the clock is read: UTC epoch µs. */
static int64_t
tail_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL) * 1000000;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- output ------------------------------------------------------------------------------- */

static void
out_flush(struct tail *t)
{
	if (t->outlen > 0 && t->werr == 0 &&
	    obuf_write_all(STDOUT_FILENO, t->out, t->outlen) != 0) {
		t->werr = errno;
		t->stop = 1;
	}
	t->outlen = 0;
}

static void
out_put(struct tail *t, const char *s, size_t n)
{
	if (n > OUT_SIZE - t->outlen)
		out_flush(t);
	if (n > OUT_SIZE)
		n = OUT_SIZE; /* never: lines are < TV_LINE_MAX */
	memcpy(t->out + t->outlen, s, n);
	t->outlen += n;
}

/* Clears the summary's row (once per turn) so that lines can take it. */
static void
sum_clear(struct tail *t)
{
	if (t->sum_shown && !t->sum_cleared) {
		out_put(t, "\r\033[K", 4);
		t->sum_cleared = 1;
	}
}

/* One event line (piped: written at once). */
static void
emit(struct tail *t, const char *line, size_t len)
{
	sum_clear(t);
	out_put(t, line, len);
	out_put(t, "\n", 1);
	if (!t->term)
		out_flush(t);
}

/* The end of a turn: the summary drawn again below the lines, everything written. */
static void
turn_end(struct tail *t)
{
	if (t->term && !t->stop && (t->sum_cleared || !t->sum_shown)) {
		if (!t->sum_cleared)
			out_put(t, "\r\033[K", 4);
		out_put(t, t->sumtxt, t->sumlen);
		t->sum_shown = 1;
		t->sum_cleared = 0;
	}
	out_flush(t);
}

/* A warning on stderr, with the summary out of its way (it is drawn again at turn_end). */
static void __attribute__((format(printf, 2, 3))) tail_warn(struct tail *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	sum_clear(t);
	out_flush(t);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
}

/* Recomputes the summary at t->now; marks it for drawing when its text changed. */
static void
sum_refresh(struct tail *t)
{
	struct tv_stats st;
	char buf[TV_SUM_MAX];
	size_t n;

	tv_summary_get(t->sum, t->now, &st);
	n = tv_summary_format(buf, &st, t->cols, t->color);
	if (n == t->sumlen && memcmp(buf, t->sumtxt, n) == 0)
		return;
	memcpy(t->sumtxt, buf, n + 1);
	t->sumlen = n;
	sum_clear(t);
}

/* --- events ------------------------------------------------------------------------------- */

/* The tracker says a connection made attempts: the summary counts them. */
static void
on_progress(const struct conn_rec *rec, unsigned what, uint32_t delta, int64_t ts, void *arg)
{
	struct tail *t = arg;
	int64_t when = t->now;

	if (what == CP_NEGOTIATION)
		return; /* old clients as often as attackers */
	if (t->backlog) {
		/* old lines count at their own time (never later than now): the windows
		 * then start with what the file says about the last minutes */
		if (ts == TS_NONE)
			return;
		when = ts < t->now ? ts : t->now;
	}
	tv_summary_add(t->sum, &rec->src, delta, when);
}

static void
on_record(const struct conn_rec *rec, void *arg)
{
	(void)rec;
	(void)arg; /* finished connections: the summary only needs the progress */
}

static void
on_line(void *arg, const char *line, size_t len, unsigned flags)
{
	struct tsrc *s = arg;
	struct tail *t = s->t;
	struct event ev;
	char buf[TV_LINE_MAX];
	size_t n;

	sshd_parse_line(&s->ctx, line, len, &ev);
	if (ev.type == EV_UNKNOWN)
		return;
	if (flags & FOLLOW_TRUNCATED)
		ev.flags |= EVF_TRUNCATED;
	if (t->conn != NULL)
		conn_feed(t->conn, &ev);
	if (!tv_filter_match(&t->filt, &ev))
		return;
	n = tv_format(buf, &ev, t->now, t->color);
	if (t->backlog)
		tv_ring_push(&t->ring, buf, n);
	else
		emit(t, buf, n);
}

/* Reads what is new in s; a failure is reported once (and tried again on the timer). */
static int
read_source(struct tsrc *s)
{
	struct tail *t = s->t;
	const char *line;
	size_t len;
	unsigned fl;
	int rc;

	if (s->fl != NULL) {
		if ((rc = follow_read(s->fl, on_line, s)) < 0) {
			if (!s->failing)
				tail_warn(t, "%s (trying again)", follow_errmsg(s->fl));
			s->failing = 1;
			return -1;
		}
		if (s->failing)
			tail_warn(t, "%s: following again", s->name);
		s->failing = 0;
		return 0;
	}
	if (journal_process(s->jn) < 0) {
		if (!s->failing)
			tail_warn(t, "%s", journal_errmsg(s->jn));
		s->failing = 1;
		return -1;
	}
	while ((rc = journal_next(s->jn, &line, &len, &fl)) == 1)
		on_line(s, line, len, (fl & JOURNAL_TRUNCATED) ? FOLLOW_TRUNCATED : 0);
	if (rc < 0) {
		if (!s->failing)
			tail_warn(t, "%s", journal_errmsg(s->jn));
		s->failing = 1;
		return -1;
	}
	s->failing = 0;
	return 0;
}

static void
on_source(void *arg, int fd, uint32_t events)
{
	struct tsrc *s = arg;

	(void)fd;
	(void)events;
	s->t->now = tail_clock();
	read_source(s);
	turn_end(s->t);
}

static void
on_tick(void *arg, int fd, uint32_t events)
{
	struct tail *t = arg;
	uint64_t x;
	size_t i;

	(void)events;
	while (read(fd, &x, sizeof(x)) == (ssize_t)sizeof(x))
		;
	t->now = tail_clock();
	/* a missing directory sends no event: the follower is asked again */
	for (i = 0; i < t->nsrcs; i++)
		if (t->srcs[i].failing && t->srcs[i].fl != NULL)
			read_source(&t->srcs[i]);
	if (t->sum != NULL)
		sum_refresh(t);
	turn_end(t);
}

/* --- terminal ----------------------------------------------------------------------------- */

static unsigned
term_cols(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void
on_key(void *arg, int fd, uint32_t events)
{
	struct tail *t = arg;
	char buf[64];
	ssize_t n, i;

	(void)events;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		loop_del(t->loop, fd); /* end of input: no more keys */
		t->in_keys = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == 'q' || buf[i] == 'Q')
			t->stop = 1;
		else if (buf[i] == '\n' || buf[i] == '\r')
			emit(t, "", 0); /* a blank line to mark a spot, as with tail -f */
	}
	turn_end(t);
}

/* Whether this process owns the terminal on stdin (not a background job). */
static int
foreground(void)
{
	pid_t pg = tcgetpgrp(STDIN_FILENO);

	return pg != -1 && pg == getpgrp();
}

/* Key mode (no echo, one key at a time) while in the foreground; stdin out of the loop else. */
static void
keys_update(struct tail *t)
{
	struct termios tio = t->tio;

	if (!t->keys)
		return;
	if (!foreground()) {
		if (t->in_keys)
			loop_del(t->loop, STDIN_FILENO);
		t->in_keys = 0;
		return;
	}
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) != 0)
		return;
	if (!t->in_keys && loop_add(t->loop, STDIN_FILENO, EPOLLIN, on_key, t) == 0)
		t->in_keys = 1;
}

/* Puts stdin back as it was (when key mode was ever set). */
static void
keys_restore(struct tail *t)
{
	if (t->keys && foreground())
		tcsetattr(STDIN_FILENO, TCSANOW, &t->tio);
}

/* Ctrl-Z: the summary and the terminal's modes put away, then stopped until SIGCONT. */
static void
suspend(struct tail *t)
{
	sum_clear(t);
	out_flush(t);
	t->sum_shown = t->sum_cleared = 0;
	keys_restore(t);
	raise(SIGSTOP);
}

static void
on_signal(void *arg, int fd, uint32_t events)
{
	struct tail *t = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGWINCH:
			t->cols = term_cols();
			t->now = tail_clock();
			sum_refresh(t);
			break;
		case SIGTSTP:
			suspend(t);
			break;
		case SIGCONT:
			t->sum_shown = t->sum_cleared = 0; /* drawn again (the shell wrote) */
			keys_update(t);
			break;
		default:
			t->stop = 1;
		}
	}
	turn_end(t);
}

/* --- setup -------------------------------------------------------------------------------- */

/*
 * Whether path can be followed: a regular file (or one that does not exist
 * yet in an existing directory), readable. Says why not. Returns 0 or -1.
 */
static int
check_path(const char *path)
{
	struct stat st;
	char dir[4096];
	const char *slash;
	int fd;

	if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
		log_warnx("tail: '%s': not a file name", path);
		return -1;
	}
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			log_warnx("tail: %s: not a regular file", path);
			return -1;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			log_warn("tail: %s", path);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (errno != ENOENT) {
		log_warn("tail: %s", path);
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_warnx("tail: %s: no such file or directory (nor its directory %s)", path, dir);
		return -1;
	}
	log_warnx("tail: %s does not exist yet: waiting for it", path);
	return 0;
}

/* Opens s (not read yet). Returns 0, or a sysexits code. */
static int
open_source(struct tail *t, struct tsrc *s, const char *name, int from_start)
{
	char err[512];
	int fd;

	s->t = t;
	s->name = name;
	hdr_ctx_init(&s->ctx, t->now / 1000000);
	if (strcmp(name, "journal") == 0 || strncmp(name, "journal:", 8) == 0) {
		const char *arg = name[7] == ':' ? name + 8 : NULL;

		if (arg != NULL && arg[0] == '\0') {
			log_warnx(
			    "tail: 'journal:' needs a unit (journal:ssh.service) or a directory");
			return EX_USAGE;
		}
		if (arg != NULL && strchr(arg, '/') != NULL)
			s->jn = journal_open_follow_dir(arg, NULL, NULL, err, sizeof(err));
		else
			s->jn = journal_open_follow(arg, NULL, err, sizeof(err));
		if (s->jn == NULL) {
			int bad_unit = errno == EINVAL && arg != NULL && strchr(arg, '/') == NULL;

			log_warnx("tail: %s: %s", name, err);
			return bad_unit ? EX_USAGE : EX_NOINPUT;
		}
		fd = journal_fd(s->jn);
	} else {
		struct follow_pos zero;

		if (check_path(name) != 0)
			return EX_NOINPUT;
		memset(&zero, 0, sizeof(zero));
		if ((s->fl = follow_open(name, from_start ? &zero : NULL, err, sizeof(err))) ==
		    NULL) {
			log_warnx("tail: %s", err);
			return EX_NOINPUT;
		}
		fd = follow_fd(s->fl);
	}
	if (fd < 0 || loop_add(t->loop, fd, EPOLLIN, on_source, s) != 0) {
		log_warn("tail: %s: epoll", name);
		return EX_OSERR;
	}
	return 0;
}

/*
 * Adds sig to set unless the process was started with it ignored (nohup, a
 * background job of a script): blocked, it would be queued for the signalfd
 * even so, and a job meant to survive a hangup or Ctrl-C would stop.
 */
static void
add_signal(sigset_t *set, int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		return;
	sigaddset(set, sig);
}

/* Signals through a signalfd, the summary's timer. Returns 0 or -1 (errno). */
static int
setup_fds(struct tail *t)
{
	sigset_t set;
	struct itimerspec its;
	long ms = t->term ? TICK_MS : RETRY_MS;

	sigemptyset(&set);
	add_signal(&set, SIGINT);
	add_signal(&set, SIGTERM);
	add_signal(&set, SIGHUP);
	if (t->term) {
		add_signal(&set, SIGWINCH);
		add_signal(&set, SIGTSTP);
		add_signal(&set, SIGCONT);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (t->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    loop_add(t->loop, t->sigfd, EPOLLIN, on_signal, t) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	if ((t->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = its.it_value.tv_sec = ms / 1000;
	its.it_interval.tv_nsec = its.it_value.tv_nsec = ms % 1000 * 1000000;
	if (timerfd_settime(t->timerfd, 0, &its, NULL) != 0 ||
	    loop_add(t->loop, t->timerfd, EPOLLIN, on_tick, t) != 0)
		return -1;
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: authwatch tail [-n N] [--only OUTCOME[,...]] [--user NAME] [--ip ADDR|CIDR]\n"
	    "                      [--color auto|always|never] [FILE|journal|journal:UNIT]...\n"
	    "  Follows the logs live (rotation included) and prints one line per event:\n"
	    "  time, outcome, event, user, address, port. On a terminal a summary line\n"
	    "  stays below them (attempts/min, sources in 10 min, top attacker).\n"
	    "  -n, --lines N   first the last N matching lines of each file (at most %u)\n"
	    "  --only LIST     outcomes to show: success, failure, probe, info (repeatable)\n"
	    "  --user NAME     only events of that user (repeatable)\n"
	    "  --ip ADDR|CIDR  only events from that address or network (repeatable)\n"
	    "  --color WHEN    auto (a terminal without NO_COLOR), always, never; or --colour\n"
	    "  No FILE: /var/log/auth.log, else /var/log/secure, else the journal.\n"
	    "  Keys on a terminal: q quits, Enter adds a blank line.\n",
	    TV_RING_MAX);
}

/* Parses -n: a decimal count in 0..TV_RING_MAX. Returns 0 or -1. */
static int
parse_count(const char *s, size_t *out)
{
	size_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (size_t)(*s - '0');
		if (v > TV_RING_MAX)
			return -1;
	}
	*out = v;
	return 0;
}

/* The options into t; returns 0, or a sysexits code (-1: --help was printed). */
static int
parse_args(struct tail *t, int argc, char **argv, size_t *nlines, int *color)
{
	static const struct option opts[] = {
	    {"only", required_argument, NULL, 'o'},   {"user", required_argument, NULL, 'u'},
	    {"ip", required_argument, NULL, 'i'},     {"color", required_argument, NULL, 'c'},
	    {"colour", required_argument, NULL, 'c'}, {"lines", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0; /* cmd_bad_option says it */
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(optarg, nlines) != 0) {
				log_warnx("tail: -n: '%s' is not a count from 0 to %u", optarg,
				          TV_RING_MAX);
				return EX_USAGE;
			}
			break;
		case 'o':
			if (tv_filter_only(&t->filt, optarg) != 0) {
				log_warnx("tail: --only: '%s': outcomes are success, failure, "
				          "probe, info (comma-separated)",
				          optarg);
				return EX_USAGE;
			}
			break;
		case 'u':
			tv_filter_user(&t->filt, optarg);
			break;
		case 'i':
			if (tv_filter_ip(&t->filt, optarg) != 0) {
				log_warnx("tail: --ip: '%s' is not an address or network", optarg);
				return EX_USAGE;
			}
			break;
		case 'c':
			if (strcmp(optarg, "auto") == 0)
				*color = -1;
			else if (strcmp(optarg, "always") == 0)
				*color = 1;
			else if (strcmp(optarg, "never") == 0)
				*color = 0;
			else {
				log_warnx("tail: --color: '%s' (auto, always, never)", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			cmd_bad_option("tail", argv);
			usage(stderr);
			return EX_USAGE;
		}
	}
	return 0;
}

/* What to follow with no FILE: the system's auth log, else the journal. */
static const char *
default_source(void)
{
	static const char *const paths[] = {"/var/log/auth.log", "/var/log/secure"};
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (stat(paths[i], &st) == 0)
			return paths[i];
	return "journal";
}

int
cmd_tail(int argc, char **argv, const struct cmd_env *env)
{
	struct tail *t = xcalloc(1, sizeof(*t));
	const char *dflt = NULL;
	size_t nlines = 0, i, n;
	int color = -1, ret;

	t->sigfd = t->timerfd = -1;
	if ((ret = parse_args(t, argc, argv, &nlines, &color)) != 0) {
		ret = ret < 0 ? 0 : ret;
		goto out;
	}
	t->term = render_text_term(STDOUT_FILENO);
	t->color = color >= 0 ? color : render_text_color_auto(STDOUT_FILENO);
	t->keys = t->term && isatty(STDIN_FILENO) && foreground() &&
	          tcgetattr(STDIN_FILENO, &t->tio) == 0;
	t->cols = t->term ? term_cols() : 0;
	t->now = tail_clock();
	(void)env; /* the clock is read per turn: a follower lives long */
	if (t->term) {
		uint64_t seed = (uint64_t)t->now * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();

		t->sum = tv_summary_new(seed);
		t->strings = strtab_new(seed ^ 0x5bd1e995);
		t->conn = conn_new(t->strings, on_record, t);
		conn_set_lean(t->conn);
		conn_set_limit(t->conn, MAX_CONNS);
		conn_set_progress(t->conn, on_progress, t);
	}
	if ((t->loop = loop_new()) == NULL || setup_fds(t) != 0) {
		log_warn("tail: cannot set up the event loop");
		ret = EX_OSERR;
		goto out;
	}

	n = optind < argc ? (size_t)(argc - optind) : 1;
	if (optind >= argc) {
		dflt = default_source();
		log_warnx("tail: following %s", dflt);
	}
	t->srcs = xcalloc(n, sizeof(*t->srcs));
	/* every input is checked before anything is printed */
	for (i = 0; i < n; i++) {
		t->nsrcs = i + 1; /* closed at out whatever happens */
		if ((ret = open_source(t, &t->srcs[i], dflt ? dflt : argv[optind + (int)i],
		                       nlines > 0)) != 0)
			goto out;
	}
	tv_ring_init(&t->ring, nlines);
	for (i = 0; i < t->nsrcs; i++) {
		struct tsrc *s = &t->srcs[i];
		size_t k, len;

		t->now = tail_clock();
		t->backlog = s->fl != NULL && nlines > 0;
		if (s->fl != NULL && follow_read(s->fl, on_line, s) < 0) {
			log_warnx("tail: %s", follow_errmsg(s->fl));
			ret = EX_NOINPUT; /* a file that cannot be read at all */
			goto out;
		}
		if (s->jn != NULL)
			read_source(s); /* a journal error is said; it is tried again */
		t->backlog = 0;
		for (k = 0; k < t->ring.n; k++) {
			const char *line = tv_ring_get(&t->ring, k, &len);

			emit(t, line, len);
		}
		tv_ring_clear(&t->ring);
	}
	tv_ring_free(&t->ring);
	if (t->sum != NULL)
		sum_refresh(t);
	keys_update(t);
	turn_end(t);

	while (!t->stop) {
		if (loop_once(t->loop, -1) < 0) {
			log_warn("tail: epoll");
			ret = EX_OSERR;
			break;
		}
	}
	if (t->werr != 0 && t->werr != EPIPE) {
		errno = t->werr;
		log_warn("tail: write error");
		ret = EX_IOERR;
	}
out:
	if (t->sum_shown && !t->sum_cleared && t->werr == 0)
		obuf_write_all(STDOUT_FILENO, "\r\033[K", 4); /* the terminal's line as it was */
	keys_restore(t);
	for (i = 0; i < t->nsrcs; i++) {
		follow_close(t->srcs[i].fl);
		journal_close(t->srcs[i].jn);
	}
	free(t->srcs);
	if (t->sigfd >= 0)
		close(t->sigfd);
	if (t->timerfd >= 0)
		close(t->timerfd);
	loop_free(t->loop);
	if (t->conn != NULL)
		conn_free(t->conn);
	strtab_free(t->strings);
	tv_summary_free(t->sum);
	tv_ring_free(&t->ring);
	tv_filter_free(&t->filt);
	free(t);
	return ret;
}
