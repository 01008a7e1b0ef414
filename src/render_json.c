/* render_json.c: the report as one JSON document (schema in doc/report.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "geoip.h"
#include "obuf.h"
#include "render.h"
#include "render_util.h"
#include "xmalloc.h"

#define JW_DEPTH 16

/*
 * A JSON writer over an obuf. Invariant: comma[d] is set once the container
 * open at depth d has a member, so the next one needs a ','. Objects that are
 * elements of an array start on a new line: one row per line.
 */
struct jw {
	struct obuf *o;
	const struct agg_view *v;
	int depth;
	unsigned char comma[JW_DEPTH];
};

/* Separator and key (key NULL: an array element); nl: a new line after the separator. */
static void
jw_sep(struct jw *w, const char *key, int nl)
{
	if (w->comma[w->depth])
		obuf_putc(w->o, ',');
	w->comma[w->depth] = 1;
	if (nl || (key != NULL && w->depth == 1))
		obuf_putc(w->o, '\n');
	if (key != NULL) {
		obuf_putc(w->o, '"');
		obuf_put(w->o, key, strlen(key));
		OBUF_LIT(w->o, "\":");
	}
}

static void
jw_key(struct jw *w, const char *key)
{
	jw_sep(w, key, 0);
}

static void
jw_open(struct jw *w, const char *key, char c)
{
	jw_sep(w, key, key == NULL && c == '{' && w->depth > 0);
	obuf_putc(w->o, c);
	if (w->depth < JW_DEPTH - 1)
		w->depth++;
	w->comma[w->depth] = 0;
}

static void
jw_close(struct jw *w, char c)
{
	obuf_putc(w->o, c);
	if (w->depth > 0)
		w->depth--;
	obuf_maybe_flush(w->o);
}

static void
jw_u64(struct jw *w, const char *key, uint64_t x)
{
	jw_key(w, key);
	obuf_u64(w->o, x);
}

static void
jw_bool(struct jw *w, const char *key, int b)
{
	jw_key(w, key);
	if (b)
		OBUF_LIT(w->o, "true");
	else
		OBUF_LIT(w->o, "false");
}

static void
jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	OBUF_LIT(w->o, "null");
}

/* A string, or null for NULL. */
static void
jw_str(struct jw *w, const char *key, const char *s, size_t n)
{
	if (s == NULL) {
		jw_null(w, key);
		return;
	}
	jw_key(w, key);
	obuf_putc(w->o, '"');
	obuf_json_str(w->o, s, n);
	obuf_putc(w->o, '"');
}

static void
jw_cstr(struct jw *w, const char *key, const char *s)
{
	jw_str(w, key, s, s ? strlen(s) : 0);
}

/* A string of the table, null for none. */
static void
jw_id(struct jw *w, const char *key, uint32_t id)
{
	size_t n;
	const char *s = render_str(w->v, id, &n);

	jw_str(w, key, s, n);
}

/* RFC 3339 UTC, null for INT64_MIN (no time). */
static void
jw_time(struct jw *w, const char *key, int64_t ts)
{
	if (ts == INT64_MIN) {
		jw_null(w, key);
		return;
	}
	jw_key(w, key);
	obuf_putc(w->o, '"');
	obuf_time(w->o, ts);
	obuf_putc(w->o, '"');
}

static void
jw_addr(struct jw *w, const char *key, const struct addr *a)
{
	char buf[ADDR_STRLEN];
	size_t n = addr_format(a, buf);

	jw_str(w, key, n ? buf : NULL, n);
}

static void
range_filters(struct jw *w)
{
	const struct agg_view *v = w->v;
	const struct agg_opts *op = v->opts;
	char buf[RENDER_CIDRLEN];

	jw_open(w, "range", '{');
	jw_time(w, "from", v->first);
	jw_time(w, "to", v->last);
	jw_close(w, '}');
	jw_open(w, "filters", '{');
	jw_time(w, "since", op && op->since != INT64_MIN ? op->since : INT64_MIN);
	jw_time(w, "until", op && op->until != INT64_MAX ? op->until : INT64_MIN);
	jw_cstr(w, "host", op ? op->host : NULL);
	jw_cstr(w, "user", op ? op->user : NULL);
	if (op && op->have_ip)
		jw_cstr(w, "ip", (render_cidr(&op->ip, buf), buf));
	else
		jw_null(w, "ip");
	jw_u64(w, "top", op ? op->top : 10);
	jw_close(w, '}');
}

static void
overview(struct jw *w)
{
	const struct agg_view *v = w->v;
	size_t i;

	jw_open(w, "overview", '{');
	jw_open(w, "files", '[');
	for (i = 0; i < v->nfiles; i++) {
		const struct agg_file *f = &v->files[i];

		jw_open(w, NULL, '{');
		jw_cstr(w, "path", f->path);
		jw_u64(w, "lines", f->lines);
		jw_u64(w, "events", f->events);
		jw_u64(w, "unknown", f->unknown);
		jw_u64(w, "truncated", f->truncated);
		jw_u64(w, "filtered", f->filtered);
		jw_time(w, "first", f->first);
		jw_time(w, "last", f->last);
		jw_cstr(w, "error", f->error);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_u64(w, "lines", v->lines);
	jw_u64(w, "events", v->events);
	jw_u64(w, "unknown", v->unknown);
	jw_u64(w, "truncated", v->truncated);
	jw_u64(w, "filtered", v->filtered);
	jw_u64(w, "undated", v->undated);
	jw_open(w, "hosts", '[');
	for (i = 0; i < v->nhosts && i < 16; i++)
		jw_id(w, NULL, v->hosts[i]);
	jw_close(w, ']');
	jw_u64(w, "hosts_total", v->nhosts);
	jw_bool(w, "hosts_exact", !v->hosts_approx);
	jw_u64(w, "sources", v->sources);
	jw_u64(w, "connections", v->connections);
	jw_u64(w, "attempts", v->attempts);
	jw_u64(w, "probes", v->probes);
	jw_u64(w, "negotiations", v->negotiations);
	jw_u64(w, "logins", v->logins);
	jw_u64(w, "failed_connections", v->failed_conns);
	jw_u64(w, "logins_after_failures", v->attempt_logins);
	jw_u64(w, "open_connections", v->open_conns);
	jw_close(w, '}');
}

static void
actions(struct jw *w)
{
	unsigned t;

	jw_open(w, "actions", '[');
	for (t = 0; t < EV__COUNT; t++) {
		if (w->v->actions[t] == 0)
			continue;
		jw_open(w, NULL, '{');
		jw_cstr(w, "event", event_type_name(t));
		jw_u64(w, "count", w->v->actions[t]);
		jw_cstr(w, "class", agg_action_class(t));
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void
login(struct jw *w, const struct agg_login *l)
{
	const char *m = event_method_name(l->method);

	jw_open(w, NULL, '{');
	jw_time(w, "ts", l->ts);
	jw_id(w, "host", l->host);
	jw_id(w, "user", l->user);
	jw_addr(w, "src_ip", &l->src);
	if (l->src_port)
		jw_u64(w, "src_port", l->src_port);
	else
		jw_null(w, "src_port");
	jw_str(w, "method", *m ? m : NULL, strlen(m));
	jw_id(w, "key_type", l->key_type);
	jw_id(w, "key_fp", l->key_fp);
	if (l->open || l->duration < 0)
		jw_null(w, "duration_s");
	else
		jw_u64(w, "duration_s", render_secs(l->duration));
	jw_bool(w, "open", l->open);
	jw_u64(w, "sudo_commands", l->sudo_cmds);
	jw_bool(w, "cert", (l->flags & CF_CERT) != 0);
	jw_bool(w, "root", (l->flags & CF_ROOT) != 0);
	jw_close(w, '}');
}

static void
logins_sessions(struct jw *w)
{
	const struct agg_view *v = w->v;
	size_t i, n;

	jw_open(w, "logins", '{');
	jw_u64(w, "total", v->logins);
	jw_open(w, "items", '[');
	n = render_rows(v, v->nlogins_recent);
	for (i = 0; i < n; i++)
		login(w, v->logins_recent[i]);
	jw_close(w, ']');
	jw_close(w, '}');

	jw_open(w, "sessions", '{');
	jw_u64(w, "opened", v->sessions_opened);
	jw_u64(w, "closed", v->sessions_closed);
	jw_u64(w, "open", v->sessions_open);
	jw_open(w, "longest", '[');
	n = render_rows(v, v->nlongest);
	for (i = 0; i < n; i++)
		login(w, v->longest[i]);
	jw_close(w, ']');
	jw_u64(w, "users_total", v->nsession_users);
	jw_open(w, "per_user", '[');
	n = render_rows(v, v->nsession_users);
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->session_users[i];

		jw_open(w, NULL, '{');
		jw_id(w, "user", su->user);
		jw_u64(w, "logins", su->logins);
		jw_u64(w, "open", su->open);
		jw_u64(w, "total_s", render_secs(su->total));
		jw_u64(w, "longest_s", render_secs(su->longest));
		jw_u64(w, "password", su->password);
		jw_u64(w, "publickey", su->publickey);
		jw_u64(w, "other", su->other);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

/*
 * The --geoip fields of an attacker: "country" with a country database,
 * "asn" and "as_org" with an ASN database, null when unknown; none without
 * --geoip.
 */
static void
jw_geo(struct jw *w, const struct geoip *g, const struct addr *src)
{
	struct geoip_info gi;

	if (g == NULL)
		return;
	if (geoip_lookup(g, src, &gi) < 0)
		memset(&gi, 0, sizeof(gi));
	if (geoip_has_country(g))
		jw_cstr(w, "country", gi.country[0] ? gi.country : NULL);
	if (!geoip_has_asn(g))
		return;
	if (gi.asn)
		jw_u64(w, "asn", gi.asn);
	else
		jw_null(w, "asn");
	jw_cstr(w, "as_org", gi.org[0] ? gi.org : NULL);
}

static void
attackers(struct jw *w)
{
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nattackers);
	unsigned k;

	jw_open(w, "attackers", '{');
	jw_u64(w, "total", v->attackers_total);
	jw_bool(w, "exact", v->attackers_exact);
	jw_open(w, "items", '[');
	for (i = 0; i < n; i++) {
		const struct agg_attacker *a = v->attackers[i];

		jw_open(w, NULL, '{');
		jw_addr(w, "src_ip", &a->src);
		jw_geo(w, v->geo, &a->src);
		jw_u64(w, "attempts", a->attempts);
		jw_u64(w, "connections", a->connections);
		jw_u64(w, "logins", a->logins);
		jw_open(w, "users", '[');
		for (k = 0; k < 3; k++)
			if (a->users[k] != 0)
				jw_id(w, NULL, a->users[k]);
		jw_close(w, ']');
		jw_u64(w, "users_more", a->users_more);
		jw_time(w, "first", a->first);
		jw_time(w, "last", a->last);
		jw_u64(w, "f2b_bans", a->f2b_bans);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');

	jw_open(w, "usernames", '{');
	jw_u64(w, "total", v->usernames_total);
	jw_bool(w, "exact", v->usernames_exact);
	jw_open(w, "items", '[');
	n = render_rows(v, v->nusernames);
	for (i = 0; i < n; i++) {
		const struct agg_username *u = v->usernames[i];
		int e = render_exists(u->valid);

		jw_open(w, NULL, '{');
		jw_id(w, "user", u->user);
		jw_u64(w, "attempts", u->attempts);
		jw_u64(w, "connections", u->connections);
		jw_u64(w, "sources", agg_username_sources(u));
		if (e < 0)
			jw_null(w, "exists");
		else
			jw_bool(w, "exists", e);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void
timeline(struct jw *w)
{
	struct render_bucket *b;
	unsigned size;
	size_t i, n = render_timeline(w->v, 0, &b, &size);

	jw_open(w, "timeline", '{');
	jw_cstr(w, "bucket", render_bucket_name(size));
	jw_open(w, "items", '[');
	for (i = 0; i < n; i++) {
		jw_open(w, NULL, '{');
		jw_time(w, "t", b[i].t);
		jw_u64(w, "failures", b[i].failures);
		jw_u64(w, "probes", b[i].probes);
		jw_u64(w, "logins", b[i].logins);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
	free(b);
}

static void
alerts(struct jw *w)
{
	const struct agg_view *v = w->v;
	size_t *idx = xcalloc(v->nalerts ? v->nalerts : 1, sizeof(*idx));
	size_t i, n = render_alerts(v, render_rows(v, v->nalerts), idx);

	jw_open(w, "alerts", '{');
	jw_u64(w, "total", v->nalerts + v->alerts_dropped);
	jw_u64(w, "dropped", v->alerts_dropped);
	jw_open(w, "items", '[');
	for (i = 0; i < n; i++) {
		const struct agg_alert *a = &v->alerts[idx[i]];

		jw_open(w, NULL, '{');
		jw_cstr(w, "kind", agg_alert_name(a->kind));
		jw_time(w, "ts", a->ts);
		jw_id(w, "host", a->host);
		jw_id(w, "user", a->user);
		jw_addr(w, "src_ip", &a->src);
		jw_id(w, "detail", a->detail);
		jw_u64(w, "count", a->count);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
	free(idx);
}

static void
sftp_f2b(struct jw *w)
{
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nsftp_users);
	uint32_t k;

	jw_open(w, "sftp", '[');
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->sftp_users[i];

		jw_open(w, NULL, '{');
		jw_id(w, "user", su->user);
		jw_u64(w, "files", su->sftp_files);
		jw_u64(w, "bytes_read", su->sftp_read);
		jw_u64(w, "bytes_written", su->sftp_written);
		jw_u64(w, "ops", su->sftp_ops);
		jw_close(w, '}');
	}
	jw_close(w, ']');

	jw_open(w, "fail2ban", '{');
	jw_open(w, "jails", '[');
	for (i = 0; i < v->njails; i++) {
		const struct agg_jail *j = &v->jails[i];

		jw_open(w, NULL, '{');
		jw_id(w, "jail", j->jail);
		jw_u64(w, "found", j->found);
		jw_u64(w, "bans", j->bans);
		jw_u64(w, "unbans", j->unbans);
		jw_u64(w, "restores", j->restores);
		jw_u64(w, "already_banned", j->already);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_u64(w, "repeat_offenders_total", v->noffenders);
	jw_open(w, "repeat_offenders", '[');
	n = render_rows(v, v->noffenders);
	for (i = 0; i < n; i++) {
		const struct agg_offender *o = v->offenders[i];

		jw_open(w, NULL, '{');
		jw_addr(w, "src_ip", &o->src);
		jw_u64(w, "bans", o->bans);
		jw_id(w, "jail", o->jail);
		jw_open(w, "dates", '[');
		for (k = 0; k < o->bans && k < 8; k++)
			jw_time(w, NULL, o->dates[k]);
		jw_close(w, ']');
		jw_time(w, "last", o->last);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_u64(w, "banned_addresses", v->f2b_banned_addrs);
	jw_close(w, '}');
}

int
render_json(const struct agg_view *v, int fd)
{
	struct obuf o;
	struct jw w;

	obuf_init(&o, fd);
	memset(&w, 0, sizeof(w));
	w.o = &o;
	w.v = v;
	jw_open(&w, NULL, '{');
	jw_u64(&w, "authwatch_report", 1);
	range_filters(&w);
	overview(&w);
	actions(&w);
	logins_sessions(&w);
	attackers(&w);
	timeline(&w);
	alerts(&w);
	sftp_f2b(&w);
	OBUF_LIT(&o, "\n}\n");
	if (obuf_close(&o) != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}
