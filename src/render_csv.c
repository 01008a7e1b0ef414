/* render_csv.c: the report as CSV, one file (or one stream) per section. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geoip.h"
#include "log.h"
#include "obuf.h"
#include "render.h"
#include "render_util.h"
#include "xmalloc.h"

/* One CSV row being written: sep is set once it has a field. */
struct row {
	struct obuf *o;
	const struct agg_view *v;
	int sep;
};

static void
c_sep(struct row *r)
{
	if (r->sep)
		obuf_putc(r->o, ',');
	r->sep = 1;
}

static void
c_end(struct row *r)
{
	obuf_putc(r->o, '\n');
	r->sep = 0;
	obuf_maybe_flush(r->o);
}

static void
c_u64(struct row *r, uint64_t x)
{
	c_sep(r);
	obuf_u64(r->o, x);
}

static void
c_empty(struct row *r)
{
	c_sep(r);
}

static void
c_bool(struct row *r, int b)
{
	c_sep(r);
	if (b)
		OBUF_LIT(r->o, "true");
	else
		OBUF_LIT(r->o, "false");
}

/* A text field; NULL gives an empty one. */
static void
c_str(struct row *r, const char *s, size_t n)
{
	c_sep(r);
	if (s != NULL)
		obuf_csv_str(r->o, s, n);
}

static void
c_cstr(struct row *r, const char *s)
{
	c_str(r, s, s ? strlen(s) : 0);
}

static void
c_id(struct row *r, uint32_t id)
{
	size_t n;
	const char *s = render_str(r->v, id, &n);

	c_str(r, s, n);
}

static void
c_time(struct row *r, int64_t ts)
{
	c_sep(r);
	if (ts != INT64_MIN)
		obuf_time(r->o, ts);
}

static void
c_addr(struct row *r, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	c_sep(r);
	obuf_put(r->o, buf, addr_format(a, buf));
}

/* Several names in one field, joined with '|' (the field is quoted as a whole). */
static void
c_ids(struct row *r, const uint32_t *ids, size_t n)
{
	char buf[1024];
	size_t i, len = 0, l;
	const char *s;

	for (i = 0; i < n; i++) {
		if ((s = render_str(r->v, ids[i], &l)) == NULL)
			continue;
		if (len > 0 && len < sizeof(buf))
			buf[len++] = '|';
		if (l > sizeof(buf) - len)
			l = sizeof(buf) - len;
		memcpy(buf + len, s, l);
		len += l;
	}
	c_str(r, buf, len);
}

static void
head(struct row *r, const char *h)
{
	obuf_put(r->o, h, strlen(h));
	obuf_putc(r->o, '\n');
}

static void
s_overview(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i;
	uint32_t nh = v->nhosts < 16 ? v->nhosts : 16;
	int k;

	head(r, "scope,path,lines,events,unknown,truncated,filtered,undated,first,last,error,"
	        "hosts,hosts_total,sources,connections,attempts,probes,negotiations,logins,"
	        "failed_connections,open_connections,sessions_opened,sessions_closed,"
	        "sessions_open,attackers_total,attackers_exact,usernames_total,usernames_exact,"
	        "alerts_total,alerts_dropped,f2b_banned_addresses,hosts_exact,"
	        "logins_after_failures");
	for (i = 0; i < v->nfiles; i++) {
		const struct agg_file *f = &v->files[i];

		c_cstr(r, "file");
		c_cstr(r, f->path);
		c_u64(r, f->lines);
		c_u64(r, f->events);
		c_u64(r, f->unknown);
		c_u64(r, f->truncated);
		c_u64(r, f->filtered);
		c_empty(r);
		c_time(r, f->first);
		c_time(r, f->last);
		c_cstr(r, f->error);
		for (k = 0; k < 22; k++) /* hosts .. logins_after_failures: totals only */
			c_empty(r);
		c_end(r);
	}
	c_cstr(r, "total");
	c_empty(r);
	c_u64(r, v->lines);
	c_u64(r, v->events);
	c_u64(r, v->unknown);
	c_u64(r, v->truncated);
	c_u64(r, v->filtered);
	c_u64(r, v->undated);
	c_time(r, v->first);
	c_time(r, v->last);
	c_empty(r);
	c_ids(r, v->hosts, nh);
	c_u64(r, v->nhosts);
	c_u64(r, v->sources);
	c_u64(r, v->connections);
	c_u64(r, v->attempts);
	c_u64(r, v->probes);
	c_u64(r, v->negotiations);
	c_u64(r, v->logins);
	c_u64(r, v->failed_conns);
	c_u64(r, v->open_conns);
	c_u64(r, v->sessions_opened);
	c_u64(r, v->sessions_closed);
	c_u64(r, v->sessions_open);
	c_u64(r, v->attackers_total);
	c_bool(r, v->attackers_exact);
	c_u64(r, v->usernames_total);
	c_bool(r, v->usernames_exact);
	c_u64(r, v->nalerts + v->alerts_dropped);
	c_u64(r, v->alerts_dropped);
	c_u64(r, v->f2b_banned_addrs);
	c_bool(r, !v->hosts_approx);
	c_u64(r, v->attempt_logins);
	c_end(r);
}

static void
s_actions(struct row *r)
{
	unsigned t;

	head(r, "event,count,class");
	for (t = 0; t < EV__COUNT; t++) {
		if (r->v->actions[t] == 0)
			continue;
		c_cstr(r, event_type_name(t));
		c_u64(r, r->v->actions[t]);
		c_cstr(r, agg_action_class(t));
		c_end(r);
	}
}

static void
s_logins(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i, n = render_rows(v, v->nlogins_recent);

	head(r, "ts,host,user,src_ip,src_port,method,key_type,key_fp,duration_s,open,"
	        "sudo_commands,cert,root");
	for (i = 0; i < n; i++) {
		const struct agg_login *l = v->logins_recent[i];

		c_time(r, l->ts);
		c_id(r, l->host);
		c_id(r, l->user);
		c_addr(r, &l->src);
		if (l->src_port)
			c_u64(r, l->src_port);
		else
			c_empty(r);
		c_cstr(r, event_method_name(l->method));
		c_id(r, l->key_type);
		c_id(r, l->key_fp);
		if (l->open || l->duration < 0)
			c_empty(r);
		else
			c_u64(r, render_secs(l->duration));
		c_bool(r, l->open);
		c_u64(r, l->sudo_cmds);
		c_bool(r, (l->flags & CF_CERT) != 0);
		c_bool(r, (l->flags & CF_ROOT) != 0);
		c_end(r);
	}
}

static void
s_sessions(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i, n = render_rows(v, v->nsession_users);

	head(r, "user,logins,open,total_s,longest_s,password,publickey,other");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->session_users[i];

		c_id(r, su->user);
		c_u64(r, su->logins);
		c_u64(r, su->open);
		c_u64(r, render_secs(su->total));
		c_u64(r, render_secs(su->longest));
		c_u64(r, su->password);
		c_u64(r, su->publickey);
		c_u64(r, su->other);
		c_end(r);
	}
}

static void
s_attackers(struct row *r)
{
	const struct agg_view *v = r->v;
	const struct geoip *g = v->geo;
	size_t i, n = render_rows(v, v->nattackers);
	struct geoip_info gi;

	if (g == NULL)
		head(r, "src_ip,attempts,connections,logins,users,users_more,first,last,f2b_bans");
	else
		/* with --geoip: country, asn and as_org after src_ip (empty when unknown) */
		head(r, "src_ip,country,asn,as_org,attempts,connections,logins,users,users_more,"
		        "first,last,f2b_bans");
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];

		c_addr(r, &a->src);
		if (g != NULL) {
			if (geoip_lookup(g, &a->src, &gi) < 0)
				memset(&gi, 0, sizeof(gi));
			c_cstr(r, gi.country[0] ? gi.country : NULL);
			if (gi.asn)
				c_u64(r, gi.asn);
			else
				c_empty(r);
			c_cstr(r, gi.org[0] ? gi.org : NULL);
		}
		c_u64(r, a->attempts);
		c_u64(r, a->connections);
		c_u64(r, a->logins);
		c_ids(r, a->users, 3);
		c_u64(r, a->users_more);
		c_time(r, a->first);
		c_time(r, a->last);
		c_u64(r, a->f2b_bans);
		c_end(r);
	}
}

static void
s_usernames(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i, n = render_rows(v, v->nusernames);

	head(r, "user,attempts,connections,sources,exists");
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid);

		c_id(r, u->user);
		c_u64(r, u->attempts);
		c_u64(r, u->connections);
		c_u64(r, agg_username_sources(u));
		if (e < 0)
			c_empty(r);
		else
			c_bool(r, e);
		c_end(r);
	}
}

static void
s_timeline(struct row *r)
{
	struct render_bucket *b;
	unsigned size;
	size_t i, n = render_timeline(r->v, 0, &b, &size);

	head(r, "bucket,t,failures,probes,logins");
	for (i = 0; i < n; i++) {
		c_cstr(r, render_bucket_name(size));
		c_time(r, b[i].t);
		c_u64(r, b[i].failures);
		c_u64(r, b[i].probes);
		c_u64(r, b[i].logins);
		c_end(r);
	}
	free(b);
}

static void
s_alerts(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t *idx = xcalloc(v->nalerts ? v->nalerts : 1, sizeof(*idx));
	size_t i, n = render_alerts(v, render_rows(v, v->nalerts), idx);

	head(r, "kind,ts,host,user,src_ip,detail,count");
	for (i = 0; i < n; i++) {
		const struct agg_alert *a = &v->alerts[idx[i]];

		c_cstr(r, agg_alert_name(a->kind));
		c_time(r, a->ts);
		c_id(r, a->host);
		c_id(r, a->user);
		c_addr(r, &a->src);
		c_id(r, a->detail);
		c_u64(r, a->count);
		c_end(r);
	}
	free(idx);
}

static void
s_sftp(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i, n = render_rows(v, v->nsftp_users);

	head(r, "user,files,bytes_read,bytes_written,ops");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->sftp_users[i];

		c_id(r, su->user);
		c_u64(r, su->sftp_files);
		c_u64(r, su->sftp_read);
		c_u64(r, su->sftp_written);
		c_u64(r, su->sftp_ops);
		c_end(r);
	}
}

static void
s_jails(struct row *r)
{
	size_t i;

	head(r, "jail,found,bans,unbans,restores,already_banned");
	for (i = 0; i < r->v->njails; i++) {
		const struct agg_jail *j = &r->v->jails[i];

		c_id(r, j->jail);
		c_u64(r, j->found);
		c_u64(r, j->bans);
		c_u64(r, j->unbans);
		c_u64(r, j->restores);
		c_u64(r, j->already);
		c_end(r);
	}
}

static void
s_offenders(struct row *r)
{
	const struct agg_view *v = r->v;
	size_t i, n = render_rows(v, v->noffenders);
	uint32_t k;

	head(r, "src_ip,bans,jail,dates,last");
	for (i = 0; i < n; i++) {
		const struct agg_offender *o = v->offenders[i];

		c_addr(r, &o->src);
		c_u64(r, o->bans);
		c_id(r, o->jail);
		c_sep(r);
		for (k = 0; k < o->bans && k < 8; k++) {
			if (k > 0)
				obuf_putc(r->o, '|');
			if (o->dates[k] != INT64_MIN)
				obuf_time(r->o, o->dates[k]);
		}
		c_time(r, o->last);
		c_end(r);
	}
}

static const struct {
	const char *name;
	void (*fn)(struct row *);
} sections[] = {
    {"overview", s_overview},
    {"actions", s_actions},
    {"logins", s_logins},
    {"sessions", s_sessions},
    {"attackers", s_attackers},
    {"usernames", s_usernames},
    {"timeline", s_timeline},
    {"alerts", s_alerts},
    {"sftp", s_sftp},
    {"fail2ban_jails", s_jails},
    {"fail2ban_offenders", s_offenders},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

const char *
render_csv_section(unsigned i)
{
	return i < NSECTIONS ? sections[i].name : NULL;
}

/* Writes section i to fd; returns 0 or -1 with errno. */
static int
write_section(const struct agg_view *v, size_t i, int fd)
{
	struct obuf o;
	struct row r;

	obuf_init(&o, fd);
	r.o = &o;
	r.v = v;
	r.sep = 0;
	sections[i].fn(&r);
	if (obuf_close(&o) != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}

/* Makes dir unless it is there; returns 0, or -1 with errno (and a message naming it). */
static int
make_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST) {
		log_warn("report: cannot create directory %s", dir);
		return -1;
	}
	if (stat(dir, &st) != 0) {
		log_warn("report: %s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("report: %s exists and is not a directory", dir);
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int
render_csv(const struct agg_view *v, const char *dir, const char *section, int fd)
{
	char path[PATH_MAX];
	size_t i;
	int out, e;

	if (section != NULL) {
		for (i = 0; i < NSECTIONS; i++)
			if (strcmp(section, sections[i].name) == 0)
				return write_section(v, i, fd);
		return RENDER_CSV_NOSECTION;
	}
	if (dir == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (make_dir(dir) != 0)
		return RENDER_CSV_CANTCREAT;
	for (i = 0; i < NSECTIONS; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.csv", dir, sections[i].name) >=
		    sizeof(path)) {
			log_warnx("report: %s: path too long", dir);
			return RENDER_CSV_CANTCREAT;
		}
		out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (out < 0) {
			log_warn("report: %s", path);
			return RENDER_CSV_CANTCREAT;
		}
		if (write_section(v, i, out) != 0) {
			e = errno;
			close(out);
			errno = e;
			log_warn("report: %s", path);
			return RENDER_CSV_WRITTEN;
		}
		if (close(out) != 0) {
			log_warn("report: %s", path);
			return RENDER_CSV_WRITTEN;
		}
	}
	return 0;
}
