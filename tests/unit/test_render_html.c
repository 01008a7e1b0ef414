/* test_render_html.c: the HTML report of hand-built views: escaping, sections, figures, form. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "conn.h"
#include "event.h"
#include "obuf.h"
#include "render.h"
#include "render_html.h"
#include "strtab.h"
#include "t.h"
#include "tfile.h"
#include "render_fixture.h"

#define NAT 60 /* attacker rows: more than a figure shows */
#define NUN 8
#define NAL 4

/* A view with a few rows in every section, built by hand (no agg.c). */
struct fx {
	struct strtab *st;
	struct agg_opts opts;
	struct agg_file files[2];
	struct agg_login logins[4];
	const struct agg_login *logins_p[4], *longest_p[3];
	struct agg_session_user su[3];
	const struct agg_session_user *su_p[3], *sftp_p[2];
	struct agg_attacker at[NAT];
	const struct agg_attacker *at_p[NAT];
	struct agg_username un[NUN];
	const struct agg_username *un_p[NUN];
	struct agg_hour hours[5];
	struct agg_alert alerts[NAL];
	struct agg_jail jails[1];
	struct agg_offender off[1];
	const struct agg_offender *off_p[1];
	struct agg_view v;
	char longname[201];
};

/* The hostile user names: markup, quotes, invalid UTF-8, an escape, a bidi override. */
static const char *const hostile[] = {
    "<script>alert(1)</script>", "\"'&", "x\xff\xfey\xe2\x82", "\x1b[31mred",
    "ab\xe2\x80\xae\x63", /* c after U+202E */
};
#define NHOSTILE 5

static uint32_t
S(struct fx *f, const char *s)
{
	return strtab_intern(f->st, s, strlen(s));
}

static void
fx_init(struct fx *f)
{
	struct agg_view *v = &f->v;
	uint32_t u[NHOSTILE + 1], fp, host;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->st = strtab_new(42);
	memset(f->longname, 'L', 200);
	f->longname[200] = '\0';
	for (i = 0; i < NHOSTILE; i++)
		u[i] = S(f, hostile[i]);
	u[NHOSTILE] = S(f, f->longname);
	fp = S(f, "SHA256:Q2hlY2sgdGhlIGZpbmdlcnByaW50IGJlZm9yZSB0cnVzdA");
	host = S(f, "nimbus");

	f->opts.since = INT64_MIN;
	f->opts.until = INT64_MAX;
	f->opts.top = 10;
	v->opts = &f->opts;
	v->strings = f->st;

	f->files[0].path = (char *)(uintptr_t) "/var/log/<b>auth.log";
	f->files[0].lines = 12345;
	f->files[0].events = 12000;
	f->files[0].first = T0;
	f->files[0].last = T0 + 10 * HOUR;
	f->files[1].path = (char *)(uintptr_t) "/var/log/auth.log.2.gz";
	f->files[1].first = f->files[1].last = INT64_MIN;
	f->files[1].error = (char *)(uintptr_t) "truncated gzip data after line 812";
	v->files = f->files;
	v->nfiles = 2;
	v->lines = 13157;
	v->events = 12800;
	v->first = T0;
	v->last = T0 + 10 * HOUR + 5 * MIN;
	v->hosts[0] = host;
	v->nhosts = 1;
	v->sources = 1234;
	v->connections = 5678;
	v->attempts = 45678;
	v->probes = 3456;
	v->logins = 4;
	v->actions[EV_INVALID_USER] = 1000;
	v->actions[EV_AUTH_ACCEPTED] = 4;
	v->actions[EV_CONNECTION] = 5678;

	for (i = 0; i < 4; i++) {
		struct agg_login *l = &f->logins[i];

		l->ts = T0 + (int64_t)(9 - i) * HOUR;
		l->duration = (int64_t)(i + 1) * 3723000000LL; /* 1h02m03s, ... */
		l->host = host;
		l->user = i == 0 ? S(f, "ubuntu") : u[i - 1];
		l->key_type = S(f, "ED25519");
		l->key_fp = fp;
		addr4(&l->src, 203, 0, 113, (unsigned)(5 + i));
		l->src_port = 50000;
		l->method = i == 3 ? M_PASSWORD : M_PUBLICKEY;
		f->logins_p[i] = l;
	}
	f->logins[0].open = 1;
	f->logins[0].duration = -1;
	f->logins[1].flags = CF_ROOT | CF_CERT;
	f->logins[1].sudo_cmds = 3;
	v->logins_recent = f->logins_p;
	v->nlogins_recent = 4;
	v->sessions_opened = 4;
	v->sessions_closed = 3;
	v->sessions_open = 1;
	for (i = 0; i < 3; i++)
		f->longest_p[i] = &f->logins[3 - i];
	v->longest = f->longest_p;
	v->nlongest = 3;
	for (i = 0; i < 3; i++) {
		struct agg_session_user *s = &f->su[i];

		s->user = i == 0 ? S(f, "ubuntu") : u[i];
		s->logins = (uint32_t)(3 - i);
		s->total = (int64_t)(i + 1) * 4 * DAY;
		s->longest = (int64_t)(i + 1) * 45000000;
		s->publickey = (uint32_t)(3 - i);
		s->password = (uint32_t)i;
		s->sftp_files = (uint32_t)(i * 7);
		s->sftp_read = (uint64_t)i * 123456789;
		s->sftp_written = 512;
		f->su_p[i] = s;
	}
	v->session_users = f->su_p;
	v->nsession_users = 3;
	f->sftp_p[0] = &f->su[2];
	f->sftp_p[1] = &f->su[1];
	v->sftp_users = f->sftp_p;
	v->nsftp_users = 2;

	for (i = 0; i < NAT; i++) {
		struct agg_attacker *a = &f->at[i];

		addr4(&a->src, 104, 248, (unsigned)i, (unsigned)(i * 3));
		a->attempts = 20000 - i * 300;
		a->connections = (uint32_t)(900 - i * 10);
		a->users[0] = u[i % (NHOSTILE + 1)];
		a->users[1] = u[(i + 1) % (NHOSTILE + 1)];
		a->users_more = (uint32_t)i;
		a->first = T0 + (int64_t)i * MIN;
		a->last = T0 + 10 * HOUR;
		f->at_p[i] = a;
	}
	f->at[2].logins = 1;
	v->attackers = f->at_p;
	v->nattackers = NAT;
	v->attackers_total = NAT;
	v->attackers_exact = 1;

	for (i = 0; i < NUN; i++) {
		struct agg_username *n = &f->un[i];

		n->user = i <= NHOSTILE ? u[i] : S(f, i == 6 ? "root" : "admin");
		n->attempts = 1000 - i * 100;
		n->connections = (uint32_t)(500 - i * 50);
		n->srcbits[0] = 0xffULL << i;
		n->valid = (uint8_t)(i % 3); /* ?, yes, no */
		f->un_p[i] = n;
	}
	v->usernames = f->un_p;
	v->nusernames = NUN;
	v->usernames_total = NUN;
	v->usernames_exact = 1;

	/* Monday 07:00, 08:00, 09:00, 16:00, 19:00 UTC */
	for (i = 0; i < 5; i++) {
		f->hours[i].hour = T0 / HOUR + (int64_t)i * (i < 3 ? 1 : 3);
		f->hours[i].failures = 1000 * (i + 1);
		f->hours[i].probes = 50 * i;
		f->hours[i].logins = i == 2;
	}
	v->hours = f->hours;
	v->nhours = 5;

	for (i = 0; i < NAL; i++) {
		struct agg_alert *a = &f->alerts[i];

		a->kind = (uint8_t)(i < 3 ? i : AL_REVERSE_MAPPING);
		a->ts = T0 + (int64_t)i * HOUR;
		a->host = host;
		a->user = a->kind == AL_REVERSE_MAPPING ? 0 : u[i];
		a->detail =
		    a->kind == AL_REVERSE_MAPPING ? S(f, "evil\x1b]0;pwned\x07.example") : fp;
		addr4(&a->src, 198, 51, 100, (unsigned)i);
		a->count = i == 0 ? 23 : a->kind == AL_REVERSE_MAPPING ? 3 : 0;
	}
	v->alerts = f->alerts;
	v->nalerts = NAL;

	f->jails[0].jail = S(f, "sshd");
	f->jails[0].found = 1234;
	f->jails[0].bans = 56;
	v->jails = f->jails;
	v->njails = 1;
	addr4(&f->off[0].src, 209, 141, 36, 197);
	f->off[0].bans = 3;
	f->off[0].jail = f->jails[0].jail;
	f->off[0].dates[0] = T0;
	f->off[0].last = T0 + 40 * HOUR;
	f->off_p[0] = &f->off[0];
	v->offenders = f->off_p;
	v->noffenders = 1;
	v->f2b_banned_addrs = 6;
}

static void
fx_free(struct fx *f)
{
	strtab_free(f->st);
}

/* render_html_esc of s[0..n) cut to max, as a string (caller frees); *cut its return. */
static char *
esc(const char *s, size_t n, unsigned max, int *cut)
{
	const char *p = tf_path("esc.out");
	struct obuf o;
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return NULL;
	obuf_init(&o, fd);
	*cut = render_html_esc(&o, s, n, max);
	if (obuf_close(&o) != 0)
		T_FAIL("obuf_close");
	close(fd);
	return slurp(p, NULL);
}

/* Occurrences of needle in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t k = 0;
	const char *p;

	for (p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		k++;
	return k;
}

/* Whether s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		unsigned c = s[i];
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
		if (len == 0 || i + len > n)
			return 0;
		cp = c & (0xff >> (len + 1));
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * A strict check of the subset of HTML render_html writes: a doctype, then
 * elements of a known list only, properly nested (void elements unclosed,
 * "/>" only inside svg), attributes double-quoted without '<', text and
 * attribute values with '&' only as character references and no raw '>',
 * exactly one script, its text and the style's free of "</". Returns NULL,
 * or what is wrong (in msg).
 */
static const char *
check_html(const char *s, size_t n, char *msg, size_t msz)
{
	static const char *const known[] = {
	    "html",    "head",       "meta",   "title",  "style", "body", "header",  "h1",
	    "h2",      "h3",         "p",      "nav",    "a",     "main", "section", "div",
	    "table",   "thead",      "tbody",  "tr",     "th",    "td",   "span",    "b",
	    "figure",  "figcaption", "svg",    "g",      "rect",  "text", "tspan",   "line",
	    "details", "summary",    "footer", "script", NULL};
	char stack[64][16];
	int depth = 0, scripts = 0, k;
	size_t i = 16;

	if (n < 16 || strncmp(s, "<!DOCTYPE html>\n", 16) != 0)
		return "no <!DOCTYPE html> first";
	while (i < n) {
		if (s[i] == '&') {
			size_t j = i + 1;

			if (s[j] == '#')
				for (j++; j < n && isdigit((unsigned char)s[j]); j++)
					;
			else
				for (; j < n && islower((unsigned char)s[j]); j++)
					;
			if (j == i + 1 || j >= n || s[j] != ';') {
				snprintf(msg, msz, "bare & at %zu: %.30s", i, s + i);
				return msg;
			}
			i = j + 1;
		} else if (s[i] == '>') {
			snprintf(msg, msz, "raw > at %zu: %.30s", i - (i > 20 ? 20 : i),
			         s + i - (i > 20 ? 20 : i));
			return msg;
		} else if (s[i] != '<') {
			i++;
		} else {
			int close = s[i + 1] == '/', self = 0, in_svg = 0;
			size_t j = i + 1 + (size_t)close, l = 0;
			char name[16];

			while (j < n && l < sizeof(name) - 1 &&
			       (islower((unsigned char)s[j]) || isdigit((unsigned char)s[j])))
				name[l++] = s[j++];
			name[l] = '\0';
			for (k = 0; known[k] != NULL && strcmp(known[k], name) != 0; k++)
				;
			if (l == 0 || known[k] == NULL) {
				snprintf(msg, msz, "unknown element at %zu: %.30s", i, s + i);
				return msg;
			}
			if (close) {
				if (depth == 0 || strcmp(stack[depth - 1], name) != 0 ||
				    s[j] != '>') {
					snprintf(msg, msz, "</%s> at %zu closes <%s>", name, i,
					         depth ? stack[depth - 1] : "nothing");
					return msg;
				}
				depth--;
				i = j + 1;
				continue;
			}
			while (j < n && s[j] == ' ') { /* attributes */
				size_t a = ++j;

				while (j < n && (islower((unsigned char)s[j]) ||
				                 isdigit((unsigned char)s[j]) || s[j] == '-'))
					j++;
				if (j == a) {
					snprintf(msg, msz, "bad attribute at %zu: %.40s", a, s + a);
					return msg;
				}
				if (s[j] != '=')
					continue;
				if (s[j + 1] != '"') {
					snprintf(msg, msz, "unquoted attribute at %zu: %.40s", a,
					         s + a);
					return msg;
				}
				for (j += 2; j < n && s[j] != '"'; j++)
					if (s[j] == '<' || s[j] == '>') {
						snprintf(msg, msz, "< or > in an attribute at %zu",
						         j);
						return msg;
					}
				j++;
			}
			if (s[j] == '/' && s[j + 1] == '>') {
				self = 1;
				j++;
			}
			if (s[j] != '>') {
				snprintf(msg, msz, "unterminated tag at %zu: %.40s", i, s + i);
				return msg;
			}
			for (k = 0; k < depth; k++)
				in_svg |= strcmp(stack[k], "svg") == 0;
			if (self && !in_svg) {
				snprintf(msg, msz, "<%s/> outside svg at %zu", name, i);
				return msg;
			}
			i = j + 1;
			if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
				char end[24];
				const char *e;

				scripts += name[1] == 'c';
				snprintf(end, sizeof(end), "</%s>", name);
				e = strstr(s + i, end);
				if (e == NULL ||
				    memmem(s + i, (size_t)(e - s) - i, "</", 2) != NULL ||
				    memmem(s + i, (size_t)(e - s) - i, "<!--", 4) != NULL) {
					snprintf(msg, msz, "bad <%s> text at %zu", name, i);
					return msg;
				}
				i = (size_t)(e - s) + strlen(end);
				continue;
			}
			if (self || strcmp(name, "meta") == 0)
				continue;
			if (depth == 64)
				return "too deep";
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
		}
	}
	if (depth != 0) {
		snprintf(msg, msz, "<%s> not closed", stack[depth - 1]);
		return msg;
	}
	if (scripts != 1) {
		snprintf(msg, msz, "%d scripts", scripts);
		return msg;
	}
	return NULL;
}

static void
check_form(const char *out, size_t n)
{
	char msg[200];
	const char *err = check_html(out, n, msg, sizeof(msg));

	if (err != NULL)
		T_FAIL("not well formed: %s", err);
}

/* The checker itself: it takes a good page and refuses each kind of damage. */
T(checker_refuses_bad_pages)
{
	static const char *const bad[] = {
	    "<!DOCTYPE html>\n<html><body><p>x</body></html>",                    /* p not closed */
	    "<!DOCTYPE html>\n<html><body><p>a & b</p></body></html>",            /* bare & */
	    "<!DOCTYPE html>\n<html><body><p>a > b</p></body></html>",            /* raw > */
	    "<!DOCTYPE html>\n<p><script>alert(1)</script></p><script></script>", /* two scripts */
	    "<!DOCTYPE html>\n<html><body><img src=\"x\"><script></script></body></html>",
	    "<!DOCTYPE html>\n<html><body><p title=x>a</p><script></script></body></html>",
	    "<!DOCTYPE html>\n<html><body><p title=\"<b>\">a</p><script></script></body></html>",
	    "<!DOCTYPE html>\n<html><body><rect/><script></script></body></html>",
	    "<html><body><script></script></body></html>",
	};
	static const char good[] =
	    "<!DOCTYPE html>\n<html lang=\"en\"><body><p a-b=\"1\">&amp;&#39;"
	    "</p><svg><rect x1=\"0\"/></svg><script>a<b</script></body></html>";
	char msg[200];
	size_t i;

	CHECK(check_html(good, strlen(good), msg, sizeof(msg)) == NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (check_html(bad[i], strlen(bad[i]), msg, sizeof(msg)) == NULL)
			T_FAIL("accepted: %s", bad[i]);
}

T(esc_units)
{
	static const struct {
		const char *in;
		size_t n;
		unsigned max;
		const char *out;
		int cut;
	} c[] = {
	    {"a<b>", 4, 0, "a&lt;b&gt;", 0},
	    {"\"'&", 3, 0, "&quot;&#39;&amp;", 0},
	    {"x\xffy", 3, 0, "x\xef\xbf\xbdy", 0},
	    {"\xe2\x82", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd", 0},
	    {"a\x1b[1m\x07", 6, 0, "a\\x1b[1m\\x07", 0},
	    {"a\\b", 3, 0, "a\\\\b", 0},
	    {"ab\xe2\x80\xae", 5, 0, "ab\\u202e", 0},
	    {"caf\xc3\xa9", 5, 0, "caf\xc3\xa9", 0},
	    {"abcdef", 6, 4, "abc\xe2\x80\xa6", 1},
	    {"abcd", 4, 4, "abcd", 0},
	    {"a&b&c", 5, 3, "a&amp;\xe2\x80\xa6", 1}, /* never half a reference */
	    {"a\0b", 3, 0, "a\\x00b", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int cut = -1;
		char *out = esc(c[i].in, c[i].n, c[i].max, &cut);

		CHECK_STR(out, c[i].out);
		CHECK_INT(cut, c[i].cut);
		free(out);
	}
}

T(hostile_text_is_escaped)
{
	struct fx f;
	size_t n, i;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, HTML, "hostile.html", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "<script>alert") == NULL);
	CHECK(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(out, "&quot;&#39;&amp;") != NULL);
	CHECK(strstr(out, "x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd") != NULL);
	CHECK(strstr(out, "\\x1b[31mred") != NULL);
	CHECK(strstr(out, "ab\\u202ec") != NULL);
	CHECK(strstr(out, "\xe2\x80\xae") == NULL); /* the override itself never */
	CHECK(strstr(out, "evil\\x1b]0;pwned\\x07.example") != NULL);
	CHECK(strstr(out, "/var/log/&lt;b&gt;auth.log") != NULL);
	CHECK(utf8_valid((const unsigned char *)out, n));
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n') {
			T_FAIL("control byte 0x%02x at %zu", (unsigned)(unsigned char)out[i], i);
			break;
		}
	CHECK(memchr(out, 0x7f, n) == NULL);
	/* the 200-byte name: 39 L and an ellipsis in the cell, the full name in its title */
	CHECK(strstr(out, ">LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\xe2\x80\xa6</span>") != NULL);
	CHECK(strstr(out, "<span title=\"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL") != NULL);
	check_form(out, n);
done:
	free(out);
	fx_free(&f);
}

T(sections_and_figures)
{
	static const char *const ids[] = {
	    "id=\"overview\"",     "id=\"actions\"",       "id=\"logins\"",
	    "id=\"sessions\"",     "id=\"attackers\"",     "id=\"usernames\"",
	    "id=\"timeline\"",     "id=\"alerts\"",        "id=\"sftp\"",
	    "id=\"fail2ban\"",     "id=\"fig-actions\"",   "id=\"fig-timeline\"",
	    "id=\"fig-heatmap\"",  "id=\"fig-attackers\"", "id=\"fig-usernames\"",
	    "id=\"fig-sessions\"",
	};
	struct fx f;
	size_t n, i;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, HTML, "sections.html", &n);
	if (out == NULL)
		goto done;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (count(out, ids[i]) != 1)
			T_FAIL("%s: %zu times", ids[i], count(out, ids[i]));
	CHECK_INT(count(out, "<svg"), 6);
	CHECK_INT(count(out, "<script"), 1);
	CHECK(strstr(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	                  "'none'; style-src 'unsafe-inline'; script-src 'sha256-") != NULL);
	CHECK(strstr(out, "<meta name=\"viewport\"") != NULL);
	CHECK(strstr(out, "@media print") != NULL);
	CHECK(strstr(out, "@media (max-width:600px)") != NULL);
	/* the text report's numbers and words */
	CHECK(strstr(out, "<title>authwatch report: 2021-05-31 07:00 to 2021-05-31 17:05 UTC") !=
	      NULL);
	CHECK(strstr(out, ">45,678</") != NULL);
	CHECK(strstr(out, "60 attacking addresses, showing 10") != NULL);
	CHECK(strstr(out, "truncated gzip data after line 812") != NULL);
	CHECK(strstr(out, "root</span> certificate, 3 sudo commands") != NULL);
	CHECK(strstr(out, "117.7 MiB") != NULL);
	CHECK(strstr(out, "<span class=\"chip bad\">bad</span>") != NULL);
	CHECK(strstr(out, "<span class=\"chip good\">good</span>") != NULL);
	CHECK(strstr(out, "<tr class=\"bad\"><td class=\"m\">invalid_user") != NULL);
	CHECK(strstr(out, "<tr class=\"good\"><td class=\"m\">auth_accepted") != NULL);
	CHECK(strstr(out, "login_after_failures") != NULL);
	CHECK(strstr(out, "Timeline (per hour)") != NULL);
	check_form(out, n);
done:
	free(out);
	fx_free(&f);
}

/* No URL anywhere: nothing to fetch, no link out. */
T(no_urls)
{
	static const char *const banned[] = {"http:",   "https:", "src=",  "url(",
	                                     "@import", "<link",  "<img",  "<iframe",
	                                     "<object", "<embed", "xmlns", "//"};
	struct fx f;
	size_t n, i;
	const char *p;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, HTML, "urls.html", &n);
	if (out == NULL)
		goto done;
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strstr(out, banned[i]) != NULL)
			T_FAIL("\"%s\" in the output: %.60s", banned[i], strstr(out, banned[i]));
	for (p = out; (p = strstr(p, "href=\"")) != NULL; p += 6)
		CHECK(p[6] == '#');
done:
	free(out);
	fx_free(&f);
}

/* A user name that is a URL stays text: never an attribute that loads or links. */
T(url_user_stays_text)
{
	struct fx f;
	size_t n;
	const char *p;
	char *out;

	fx_init(&f);
	f.un[0].user = S(&f, "http://evil.example/x.png\" onerror=\"alert(1)");
	out = render_to(&f.v, HTML, "urluser.html", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "onerror=\"") == NULL);
	CHECK(strstr(out, "http://evil.example/x.png&quot; onerror=&quot;alert(1)") != NULL);
	for (p = out; (p = strstr(p, "http://")) != NULL; p++)
		CHECK(p[-1] == '>' || p[-1] == '"'); /* a cell's text, or a title's value */
	for (p = out; (p = strstr(p, "=\"http")) != NULL; p++)
		CHECK(strncmp(p - 5, "title", 5) == 0);
	check_form(out, n);
done:
	free(out);
	fx_free(&f);
}

/* The heat map puts Monday 07:00 UTC in its cell; the timeline's bars carry their counts. */
T(figures_values)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, HTML, "figures.html", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "<title>Mon 07:00-08:00 UTC: 1,000</title>") != NULL);
	CHECK(strstr(out, "<title>Mon 08:00-09:00 UTC: 2,050</title>") != NULL);
	CHECK(strstr(out, "<title>Mon 19:00-20:00 UTC: 5,200</title>") != NULL);
	CHECK(strstr(out, "<title>Tue 07:00-08:00 UTC: 0</title>") != NULL);
	CHECK_INT(count(out, " UTC: 0</title>"), 7 * 24 - 5);
	CHECK(strstr(out, "<title>2021-05-31 09:00: 3,000 failed attempts, 100 probes, 1 login"
	                  "</title>") != NULL);
	CHECK(strstr(out, "the highest bar is 5,200") != NULL);
	/* the bar charts stop at RENDER_HTML_FIG_ROWS rows; the table shows --top */
	f.opts.top = 0;
	free(out);
	out = render_to(&f.v, HTML, "figures0.html", &n);
	if (out == NULL)
		goto done;
	CHECK_INT(count(out, " failed attempts in "), RENDER_HTML_FIG_ROWS + NUN);
	CHECK_INT(count(out, "<tr><td class=\"m\">104.248."), NAT - 1);
	CHECK(strstr(out, "Failed attempts of the 20 busiest addresses (of 60)") != NULL);
	check_form(out, n);
done:
	free(out);
	fx_free(&f);
}

T(empty_view)
{
	struct agg_opts opts;
	struct agg_view v;
	struct strtab *st = strtab_new(1);
	size_t n;
	char *out;

	memset(&opts, 0, sizeof(opts));
	opts.since = INT64_MIN;
	opts.until = INT64_MAX;
	opts.top = 10;
	memset(&v, 0, sizeof(v));
	v.opts = &opts;
	v.strings = st;
	v.first = v.last = INT64_MIN;
	out = render_to(&v, HTML, "empty.html", &n);
	if (out != NULL) {
		CHECK(strstr(out, "<title>authwatch report: no dated events</title>") != NULL);
		CHECK_INT(count(out, "<p class=\"none\">none</p>"), 9);
		CHECK_INT(count(out, "<section id="), 10);
		CHECK_INT(count(out, "<svg"), 0);
		check_form(out, n);
	}
	free(out);
	strtab_free(st);
}

/* Several hosts: the tables get a host column; filters show in the header, escaped. */
T(multihost_and_filters)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.v.hosts[1] = S(&f, "web<2>");
	f.v.nhosts = 2;
	f.opts.user = "<i>x</i>";
	f.opts.since = T0;
	out = render_to(&f.v, HTML, "multi.html", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "<th>when</th><th>host</th><th>user</th>") != NULL);
	CHECK(strstr(out, "nimbus, web&lt;2&gt;") != NULL);
	CHECK(strstr(out, "filters: since 2021-05-31 07:00:00 UTC user &lt;i&gt;x&lt;/i&gt;") !=
	      NULL);
	check_form(out, n);
done:
	free(out);
	fx_free(&f);
}

T(write_error)
{
	struct fx f;
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0) {
		printf("  (no /dev/full: skipped)\n");
		return;
	}
	fx_init(&f);
	errno = 0;
	CHECK_INT(render_html(&f.v, fd), -1);
	CHECK_INT(errno, ENOSPC);
	close(fd);
	fx_free(&f);
}

int
main(void)
{
	int rc;

	tf_setup("render-html");
	T_RUN(checker_refuses_bad_pages);
	T_RUN(esc_units);
	T_RUN(hostile_text_is_escaped);
	T_RUN(sections_and_figures);
	T_RUN(no_urls);
	T_RUN(url_user_stays_text);
	T_RUN(figures_values);
	T_RUN(empty_view);
	T_RUN(multihost_and_filters);
	T_RUN(write_error);
	rc = T_END();
	tf_teardown();
	return rc;
}
