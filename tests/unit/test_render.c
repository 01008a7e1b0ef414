/* test_render.c: the text, JSON and CSV reports of a hand-built view. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "conn.h"
#include "event.h"
#include "render.h"
#include "strtab.h"
#include "t.h"
#include "tfile.h"
#include "render_fixture.h"

#define NAT 12 /* attackers: more than top */
#define NUN 8
#define NAL 6

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
	struct agg_jail jails[2];
	struct agg_offender off[2];
	const struct agg_offender *off_p[2];
	struct agg_view v;
	char longname[201];
};

/* The hostile user names (the long one is built in fx_init). */
static const char *const hostile[] = {"<script>", "\x1b[31mred", "a\"b\\c", "\xff\xfe"};

static uint32_t
S(struct fx *f, const char *s)
{
	return strtab_intern(f->st, s, strlen(s));
}

static void
fx_init(struct fx *f)
{
	struct agg_view *v = &f->v;
	uint32_t u[5], fp, host;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->st = strtab_new(42);
	memset(f->longname, 'L', 200);
	f->longname[200] = '\0';
	for (i = 0; i < 4; i++)
		u[i] = S(f, hostile[i]);
	u[4] = S(f, f->longname);
	fp = S(f, "SHA256:Q2hlY2sgdGhlIGZpbmdlcnByaW50IGJlZm9yZSB0cnVzdA");
	host = S(f, "nimbus");

	f->opts.since = INT64_MIN;
	f->opts.until = INT64_MAX;
	f->opts.top = 10;
	v->opts = &f->opts;
	v->strings = f->st;

	f->files[0].path = (char *)(uintptr_t) "/var/log/auth.log.1";
	f->files[0].lines = 12345;
	f->files[0].events = 12000;
	f->files[0].unknown = 345;
	f->files[0].first = T0;
	f->files[0].last = T0 + 10 * HOUR;
	f->files[1].path = (char *)(uintptr_t) "/var/log/auth.log.2.gz";
	f->files[1].lines = 812;
	f->files[1].events = 800;
	f->files[1].first = f->files[1].last = INT64_MIN;
	f->files[1].error = (char *)(uintptr_t) "truncated gzip data after line 812";
	v->files = f->files;
	v->nfiles = 2;
	v->lines = 13157;
	v->events = 12800;
	v->unknown = 345;
	v->first = T0;
	v->last = T0 + 10 * HOUR + 5 * MIN;
	v->hosts[0] = host;
	v->nhosts = 1;
	v->sources = 1234;
	v->connections = 5678;
	v->attempts = 45678;
	v->probes = 3456;
	v->negotiations = 12;
	v->logins = 4;
	v->failed_conns = 1234;
	v->open_conns = 1;
	v->actions[EV_INVALID_USER] = 1000;
	v->actions[EV_AUTH_ACCEPTED] = 4;
	v->actions[EV_CONNECTION] = 5678;

	for (i = 0; i < 4; i++) {
		struct agg_login *l = &f->logins[i];

		l->ts = T0 + (int64_t)(9 - i) * HOUR;
		l->duration = (int64_t)(i + 1) * 3723000000LL; /* 1h02m03s, ... */
		l->host = host;
		l->user = i == 0 ? S(f, "ubuntu") : u[i];
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
		s->sftp_ops = (uint32_t)i;
		f->su_p[i] = s;
	}
	f->su[0].open = 1;
	v->session_users = f->su_p;
	v->nsession_users = 3;
	f->sftp_p[0] = &f->su[2];
	f->sftp_p[1] = &f->su[1];
	v->sftp_users = f->sftp_p;
	v->nsftp_users = 2;

	for (i = 0; i < NAT; i++) {
		struct agg_attacker *a = &f->at[i];

		if (i == 1) {
			memset(&a->src, 0, sizeof(a->src));
			a->src.af = 6;
			a->src.a[0] = 0x20;
			a->src.a[1] = 0x01;
			a->src.a[2] = 0x0d;
			a->src.a[3] = 0xb8;
			a->src.a[15] = 7;
		} else
			addr4(&a->src, 104, 248, (unsigned)i, (unsigned)(i * 20));
		a->attempts = 20000 - i * 1500;
		a->connections = (uint32_t)(900 - i * 70);
		a->users[0] = u[i % 5];
		a->users[1] = i % 2 ? u[(i + 1) % 5] : 0;
		a->users[2] = i % 2 ? u[(i + 2) % 5] : 0;
		a->users_more = i % 2 ? (uint32_t)i * 11 : 0;
		a->first = T0 + (int64_t)i * MIN;
		a->last = T0 + 10 * HOUR;
		a->f2b_bans = (uint32_t)(i % 3);
		f->at_p[i] = a;
	}
	f->at[2].logins = 1;
	v->attackers = f->at_p;
	v->nattackers = NAT;
	v->attackers_total = NAT;
	v->attackers_exact = 1;

	for (i = 0; i < NUN; i++) {
		struct agg_username *n = &f->un[i];

		/* the last one two columns a character on a terminal (its width counts, not its
		 * code points: the table stays aligned) */
		n->user = i < 5 ? u[i] : S(f, i == 5 ? "root" : i == 6 ? "admin" : "管理员");
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

		a->kind = (uint8_t)(i < 4 ? i : AL_REVERSE_MAPPING);
		a->ts = T0 + (int64_t)i * HOUR;
		a->host = host;
		a->user = a->kind == AL_REVERSE_MAPPING ? 0 : u[i % 5];
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
	f->jails[0].unbans = 50;
	f->jails[1].jail = S(f, "recidive");
	f->jails[1].bans = 2;
	v->jails = f->jails;
	v->njails = 2;
	for (i = 0; i < 2; i++) {
		struct agg_offender *o = &f->off[i];
		uint32_t k;

		addr4(&o->src, 209, 141, 36, (unsigned)(197 + i));
		o->bans = (uint32_t)(10 - i * 7);
		o->jail = f->jails[0].jail;
		for (k = 0; k < 8; k++)
			o->dates[k] = T0 + (int64_t)k * 4 * HOUR;
		o->last = T0 + 40 * HOUR;
		f->off_p[i] = o;
	}
	v->offenders = f->off_p;
	v->noffenders = 2;
	v->f2b_banned_addrs = 6;
}

static void
fx_free(struct fx *f)
{
	strtab_free(f->st);
}

/* Display columns of s[0..n): code points (UTF-8 continuation bytes do not count), two for
 * the CJK ideographs (U+4E00..U+9FFF: lead bytes E4..E9). */
static size_t
cols(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if ((b & 0xc0) != 0x80)
			c += b >= 0xe4 && b <= 0xe9 ? 2 : 1;
	}
	return c;
}

/* Runs python3 on the script (written to the test directory) with arg; returns its exit status,
 * or 0 with a note when python3 is missing (77 from the wrapper below). */
static int
python(const char *script, const char *arg)
{
	char *argv[5];
	const char *sp = tf_path("check.py");
	int rc;

	tf_write(sp, script, strlen(script));
	argv[0] = tf_dq("python3");
	argv[1] = tf_dq(sp);
	argv[2] = tf_dq(arg);
	argv[3] = NULL;
	rc = tf_run(argv, "/dev/null", tf_path("python.out"));
	if (rc == -1) {
		printf("  (python3 not found: check skipped)\n");
		return 0;
	}
	if (rc != 0) {
		char *out = slurp(tf_path("python.out"), NULL);

		printf("  python: %s\n", out ? out : "");
		free(out);
	}
	return rc;
}

/* The section of text starting at its heading line, up to the next blank line. */
static const char *
section(const char *text, const char *title, size_t *n)
{
	char key[80];
	const char *p, *e;

	snprintf(key, sizeof(key), "\n%s\n", title);
	if ((p = strstr(text, key)) == NULL)
		return NULL;
	p += 1;
	e = strstr(p, "\n\n");
	*n = e ? (size_t)(e - p) + 1 : strlen(p);
	return p;
}

T(text_is_terminal_safe)
{
	struct fx f;
	size_t n, i;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, TEXT, "report.txt", &n);
	CHECK(out != NULL && n > 0);
	if (out == NULL)
		goto done;
	CHECK(memchr(out, 0x1b, n) == NULL);
	CHECK(memchr(out, 0x07, n) == NULL);
	CHECK(memchr(out, 0x7f, n) == NULL);
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n')
			T_FAIL("control byte 0x%02x at %zu", (unsigned)(unsigned char)out[i], i);
	CHECK(strstr(out, "\\x1b[31mred") != NULL);
	CHECK(strstr(out, "<script>") != NULL);
	CHECK(strstr(out, "a\"b\\\\c") != NULL);                /* backslash doubled */
	CHECK(strstr(out, "\xef\xbf\xbd\xef\xbf\xbd") != NULL); /* U+FFFD twice */
	CHECK(strstr(out, "evil\\x1b]0;pwned\\x07.example") != NULL);
	/* the 200-byte name is cut to 32 columns: 31 L and an ellipsis */
	CHECK(strstr(out, "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL") == NULL);
	CHECK(strstr(out, "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\xe2\x80\xa6") != NULL);
	/* no line ends in a blank */
	CHECK(strstr(out, " \n") == NULL);
	CHECK(strstr(out, "authwatch report: 2021-05-31 07:00 UTC to 2021-05-31 17:05 UTC") == out);
	CHECK(strstr(out, "12,345") != NULL);
	CHECK(strstr(out, "45,678") != NULL);
	CHECK(strstr(out, "2h04m") != NULL);
	CHECK(strstr(out, "4d00h") != NULL);
	CHECK(strstr(out, "45s") != NULL);
	CHECK(strstr(out, "open") != NULL);
	CHECK(strstr(out, "truncated gzip data after line 812") != NULL);
	CHECK(strstr(out, "12 attacking addresses, showing 10") != NULL);
	CHECK(strstr(out, "8 user names tried, showing 8") == NULL);
	CHECK(strstr(out, "8 user names tried") != NULL);
	CHECK(strstr(out, "Timeline (per hour)") != NULL);
	CHECK(strstr(out, "Fail2Ban") != NULL);
	CHECK(strstr(out, "SFTP") != NULL);
	CHECK(strstr(out, "117.7 MiB") != NULL);
	CHECK(strstr(out, "approximate") == NULL);
	CHECK(strstr(out, "root, certificate, 3 sudo commands") != NULL);
done:
	free(out);
	fx_free(&f);
}

/* Display column where the n-th (0-based) "2021-" of line[0..len) starts, or -1. */
static long
date_col(const char *line, size_t len, int nth)
{
	size_t i;

	for (i = 0; i + 5 <= len; i++)
		if (strncmp(line + i, "2021-", 5) == 0 && nth-- == 0)
			return (long)cols(line, i);
	return -1;
}

/* Every row of the attackers table has its columns where the header has them. */
T(text_attackers_aligned)
{
	struct fx f;
	size_t n, len, rows = 0;
	long first_col = -1, last_col = -1, att_end = -1, users_col = -1, bans_end = -1;
	const char *sec, *line, *p;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, TEXT, "aligned.txt", &n);
	if (out == NULL || (sec = section(out, "Attackers", &len)) == NULL) {
		T_FAIL("no attackers section");
		goto done;
	}
	for (line = sec; line < sec + len; line = p + 1) {
		const char *a;
		size_t ll;

		if ((p = memchr(line, '\n', (size_t)(sec + len - line))) == NULL)
			break;
		ll = (size_t)(p - line);
		if (strncmp(line, "  address", 9) == 0) {
			first_col = (long)cols(line, (size_t)(strstr(line, "first seen") - line));
			last_col = (long)cols(line, (size_t)(strstr(line, "last seen") - line));
			att_end = (long)cols(line, (size_t)(strstr(line, "attempts") - line)) + 8;
			bans_end = (long)cols(line, (size_t)(strstr(line, "bans") - line)) + 4;
			users_col = (long)cols(line, (size_t)(strstr(line, "users tried") - line));
			continue;
		}
		if (strncmp(line, "  104.", 6) != 0 && strncmp(line, "  2001:", 7) != 0)
			continue;
		rows++;
		CHECK_INT(date_col(line, ll, 0), first_col);
		CHECK_INT(date_col(line, ll, 1), last_col);
		/* right-aligned numbers end where their headers end */
		for (a = line + 2; *a != ' '; a++)
			;
		while (*a == ' ')
			a++;
		while (*a != ' ')
			a++;
		CHECK_INT(cols(line, (size_t)(a - line)), att_end);
		a = line + ll;
		while (a > line && strncmp(a - 5, "2021-", 5) != 0)
			a--;
		a = a - 5 + 16; /* past the last date */
		CHECK_INT(cols(line, (size_t)(a - line)) + 2, users_col);
		CHECK(a[0] == ' ' && a[1] == ' ' && a[2] != ' ');
		/* bans: the number just before the first date */
		for (a = line; strncmp(a, "2021-", 5) != 0; a++)
			;
		while (a[-1] == ' ')
			a--;
		CHECK_INT(cols(line, (size_t)(a - line)), bans_end);
	}
	CHECK_INT(rows, 10);
	CHECK(first_col > 0 && users_col > last_col && last_col > first_col);
done:
	free(out);
	fx_free(&f);
}

/* The user name column holds hostile names: the columns after it still line up. */
T(text_usernames_aligned)
{
	struct fx f;
	size_t n, len, rows = 0;
	long att_end = -1, exists_col = -1;
	const char *sec, *line, *p, *a;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, TEXT, "users.txt", &n);
	if (out == NULL || (sec = section(out, "Targeted usernames", &len)) == NULL) {
		T_FAIL("no usernames section");
		goto done;
	}
	line = strchr(strchr(sec, '\n') + 1, '\n') + 1; /* past the title and its rule */
	CHECK(strncmp(line, "  user ", 7) == 0);
	att_end = (long)cols(line, (size_t)(strstr(line, "attempts") - line)) + 8;
	exists_col = (long)cols(line, (size_t)(strstr(line, "exists") - line));
	for (line = strchr(line, '\n') + 1; line < sec + len; line = p + 1) {
		if ((p = memchr(line, '\n', (size_t)(sec + len - line))) == NULL)
			break;
		if (strstr(line, "user names tried") != NULL &&
		    strstr(line, "user names tried") < p)
			break;
		rows++;
		for (a = p; a[-1] != ' '; a--) /* the last word: yes, no, ? */
			;
		CHECK_INT(cols(line, (size_t)(a - line)), exists_col);
		/* attempts: the first number after the name ends at att_end */
		a = line + 2;
		while (a < p && !(a[0] == ' ' && a[1] == ' '))
			a++;
		while (*a == ' ')
			a++;
		while (*a != ' ')
			a++;
		CHECK_INT(cols(line, (size_t)(a - line)), att_end);
	}
	CHECK_INT(rows, NUN);
done:
	free(out);
	fx_free(&f);
}

T(text_color_and_approximate)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.v.attackers_exact = 0;
	f.v.attackers_total = 15000;
	f.v.nhosts = 2;
	f.v.hosts[1] = S(&f, "web\x9b"); /* invalid UTF-8 host */
	out = render_to(&f.v, TEXT_COLOR, "color.txt", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "\033[31mbad\033[0m") != NULL);
	CHECK(strstr(out, "\033[32mgood\033[0m") != NULL);
	CHECK(strstr(out, "\033[31mred") == NULL); /* the user name's ESC is escaped */
	CHECK(strstr(out, "\\x1b[31mred") != NULL);
	CHECK(strstr(out, "15,000 attacking addresses, showing 10 (approximate: more addresses "
	                  "than the table holds)") != NULL);
	CHECK(strstr(out, "web\xef\xbf\xbd") != NULL);
	CHECK(strstr(out, "\033[1mhost\033[0m") != NULL); /* a host column */
done:
	free(out);
	fx_free(&f);
}

/* C1 controls, bidi overrides and DEL never reach the terminal raw. */
T(text_unsafe_code_points)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.un[0].user = S(&f, "x\xc2\x9b"
	                     "31my\xe2\x80\xaez\x7f");
	out = render_to(&f.v, TEXT, "cp.txt", &n);
	if (out == NULL)
		goto done;
	CHECK(strstr(out, "x\\u009b31my\\u202ez\\x7f") != NULL);
	CHECK(strstr(out, "\xc2\x9b") == NULL);
	CHECK(strstr(out, "\xe2\x80\xae") == NULL);
done:
	free(out);
	fx_free(&f);
}

static const char json_check[] =
    "import json, sys\n"
    "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "assert d['authwatch_report'] == 1\n"
    "assert d['range']['from'] == '2021-05-31T07:00:00Z', d['range']\n"
    "assert d['filters']['top'] == 10 and d['filters']['user'] is None\n"
    "o = d['overview']\n"
    "assert o['files'][1]['error'] == 'truncated gzip data after line 812'\n"
    "assert o['files'][1]['first'] is None and o['files'][0]['lines'] == 12345\n"
    "assert o['hosts'] == ['nimbus'] and o['attempts'] == 45678\n"
    "assert [a['event'] for a in d['actions']] == ['auth_accepted', 'invalid_user', "
    "'connection']\n"
    "assert d['actions'][1]['class'] == 'bad'\n"
    "want = ['<script>', '\\x1b[31mred', 'a\"b\\\\c', '\\ufffd\\ufffd', 'L' * 200]\n"
    "names = [u['user'] for u in d['usernames']['items']]\n"
    "assert names[:5] == want, names\n"
    "assert [u['exists'] for u in d['usernames']['items']][:3] == [None, True, False]\n"
    "a = d['attackers']\n"
    "assert a['total'] == 12 and a['exact'] is True and len(a['items']) == 10\n"
    "assert a['items'][1]['src_ip'] == '2001:db8::7'\n"
    "assert a['items'][1]['users'] == want[1:4] and a['items'][1]['users_more'] == 11\n"
    "assert a['items'][0]['users'] == ['<script>']\n"
    "l = d['logins']\n"
    "assert l['total'] == 4 and len(l['items']) == 4\n"
    "assert l['items'][0]['open'] is True and l['items'][0]['duration_s'] is None\n"
    "assert l['items'][1]['duration_s'] == 7446 and l['items'][1]['root'] is True\n"
    "assert l['items'][1]['user'] == want[1] and l['items'][3]['method'] == 'password'\n"
    "s = d['sessions']\n"
    "assert s['opened'] == 4 and len(s['longest']) == 3 and s['per_user'][0]['user'] == "
    "'ubuntu'\n"
    "assert s['per_user'][1]['total_s'] == 8 * 86400\n"
    "t = d['timeline']\n"
    "assert t['bucket'] == 'hour' and len(t['items']) == 5\n"
    "assert t['items'][0] == {'t': '2021-05-31T07:00:00Z', 'failures': 1000, 'probes': 0, "
    "'logins': 0}\n"
    "al = d['alerts']\n"
    "assert al['dropped'] == 0 and len(al['items']) == 6\n"
    "assert al['items'][0]['kind'] == 'login_after_failures' and al['items'][0]['count'] == "
    "23\n"
    "assert al['items'][5]['detail'] == 'evil\\x1b]0;pwned\\x07.example'\n"
    "assert d['sftp'][0]['bytes_read'] == 246913578\n"
    "f = d['fail2ban']\n"
    "assert f['jails'][0] == {'jail': 'sshd', 'found': 1234, 'bans': 56, 'unbans': 50, "
    "'restores': 0, 'already_banned': 0}\n"
    "assert len(f['repeat_offenders'][0]['dates']) == 8 and "
    "len(f['repeat_offenders'][1]['dates']) == 3\n"
    "assert f['banned_addresses'] == 6\n";

T(json_parses_and_round_trips)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	out = render_to(&f.v, JSON, "report.json", &n);
	if (out == NULL)
		goto done;
	CHECK(memchr(out, 0x1b, n) == NULL);
	CHECK(strstr(out, "\"\\u001b[31mred\"") != NULL);
	CHECK_INT(python(json_check, tf_path("report.json")), 0);
done:
	free(out);
	fx_free(&f);
}

static const char top_check[] =
    "import json, sys\n"
    "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "assert len(d['attackers']['items']) == 2 and d['attackers']['total'] == 12\n"
    "assert len(d['usernames']['items']) == 2 and d['usernames']['total'] == 8\n"
    "assert len(d['logins']['items']) == 2 and d['logins']['total'] == 4\n"
    "assert len(d['sessions']['per_user']) == 2 and len(d['sftp']) == 2\n"
    "al = d['alerts']\n"
    "assert al['total'] == 6 and len(al['items']) == 2\n"
    "assert [a['kind'] for a in al['items']] == ['revoked_key', 'password_login'], al\n"
    "assert len(d['timeline']['items']) == 5\n";

T(top_cut)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.opts.top = 2;
	f.alerts[0].kind = AL_REVERSE_MAPPING; /* the latest of the others go first */
	out = render_to(&f.v, JSON, "top.json", &n);
	CHECK_INT(python(top_check, tf_path("top.json")), 0);
	free(out);
	out = render_to(&f.v, TEXT, "top.txt", &n);
	if (out != NULL) {
		CHECK(strstr(out, "12 attacking addresses, showing 2") != NULL);
		CHECK(strstr(out, "6 alerts, showing 2") != NULL);
		CHECK(strstr(out, "104.248.2.40") == NULL);
	}
	free(out);
	fx_free(&f);
}

T(timeline_days_and_weeks)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.hours[4].hour = f.hours[0].hour + 24 * 9 + 5; /* 10 days */
	out = render_to(&f.v, TEXT, "days.txt", &n);
	if (out != NULL) {
		CHECK(strstr(out, "Timeline (per day)") != NULL);
		CHECK(strstr(out, "  2021-05-31    10,000") != NULL); /* 07:00 to 16:00 */
		CHECK(strstr(out, "  2021-06-05         0") != NULL); /* gaps filled */
	}
	free(out);
	out = render_to(&f.v, JSON, "days.json", &n);
	if (out != NULL) {
		CHECK(strstr(out, "\"bucket\":\"day\"") != NULL);
		CHECK(strstr(out, "2021-06-05") == NULL); /* JSON leaves gaps out */
	}
	free(out);
	f.hours[4].hour = f.hours[0].hour + 24 * 200;
	out = render_to(&f.v, TEXT, "weeks.txt", &n);
	if (out != NULL) {
		CHECK(strstr(out, "Timeline (per week)") != NULL);
		CHECK(strstr(out, "  2021-05-31") != NULL); /* a Monday */
	}
	free(out);
	fx_free(&f);
}

static const char csv_check[] =
    "import csv, os, sys\n"
    "d = sys.argv[1]\n"
    "names = ['overview', 'actions', 'logins', 'sessions', 'attackers', 'usernames',\n"
    "         'timeline', 'alerts', 'sftp', 'fail2ban_jails', 'fail2ban_offenders']\n"
    "assert sorted(os.listdir(d)) == sorted(n + '.csv' for n in names), os.listdir(d)\n"
    "rows = {}\n"
    "for n in names:\n"
    "    with open(os.path.join(d, n + '.csv'), newline='', encoding='utf-8') as f:\n"
    "        r = list(csv.reader(f))\n"
    "    assert len(r) >= 1, n\n"
    "    for row in r:\n"
    "        assert len(row) == len(r[0]), (n, row)\n"
    "    rows[n] = r\n"
    "u = [r[0] for r in rows['usernames'][1:]]\n"
    "assert u[:5] == ['<script>', '\\ufffd[31mred', 'a\"b\\\\c', '\\ufffd\\ufffd', 'L' * 200], u\n"
    "a = rows['attackers']\n"
    "assert len(a) == 11 and a[0][:4] == ['src_ip', 'attempts', 'connections', 'logins']\n"
    "assert a[2][4] == '\\ufffd[31mred|a\"b\\\\c|\\ufffd\\ufffd', a[2]\n"
    "o = rows['overview']\n"
    "assert [r[0] for r in o[1:]] == ['file', 'file', 'total']\n"
    "assert o[3][o[0].index('attempts')] == '45678' and o[3][o[0].index('hosts')] == 'nimbus'\n"
    "assert o[2][o[0].index('error')] == 'truncated gzip data after line 812'\n"
    "assert rows['logins'][1][rows['logins'][0].index('duration_s')] == ''\n"
    "assert rows['fail2ban_offenders'][2][3].count('|') == 2\n"
    "assert rows['timeline'][1] == ['hour', '2021-05-31T07:00:00Z', '1000', '0', '0']\n";

T(csv_directory)
{
	struct fx f;
	const char *dir = tf_path("csv");

	fx_init(&f);
	CHECK_INT(render_csv(&f.v, dir, NULL, -1), 0);
	CHECK_INT(python(csv_check, dir), 0);
	/* again into the existing directory: files are replaced */
	CHECK_INT(render_csv(&f.v, dir, NULL, -1), 0);
	CHECK_INT(python(csv_check, dir), 0);
	fx_free(&f);
}

T(csv_section_and_names)
{
	struct fx f;
	const char *p = tf_path("one.csv");
	unsigned i;
	int fd;
	char *out;

	fx_init(&f);
	for (i = 0; render_csv_section(i) != NULL; i++)
		;
	CHECK_INT(i, 11);
	CHECK_STR(render_csv_section(0), "overview");
	CHECK_STR(render_csv_section(10), "fail2ban_offenders");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK_INT(render_csv(&f.v, NULL, "actions", fd), 0);
	CHECK_INT(render_csv(&f.v, NULL, "nonsense", fd), RENDER_CSV_NOSECTION);
	close(fd);
	out = slurp(p, NULL);
	CHECK_STR(out, "event,count,class\nauth_accepted,4,good\ninvalid_user,1000,bad\n"
	               "connection,5678,neutral\n");
	free(out);
	/* a file where the directory should be */
	tf_write(tf_path("afile"), "x", 1);
	errno = 0;
	CHECK_INT(render_csv(&f.v, tf_path("afile"), NULL, -1), RENDER_CSV_CANTCREAT);
	CHECK_INT(errno, ENOTDIR);
	/* a directory under a missing one */
	errno = 0;
	CHECK_INT(render_csv(&f.v, tf_path("no/such"), NULL, -1), RENDER_CSV_CANTCREAT);
	CHECK_INT(errno, ENOENT);
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
	out = render_to(&v, TEXT, "empty.txt", &n);
	if (out != NULL) {
		CHECK(strstr(out, "authwatch report: no dated events, 0 files\n") == out);
		CHECK(strstr(out, "Attackers\n---------\n  none\n") != NULL);
		CHECK(strstr(out, "Alerts\n------\n  none\n") != NULL);
		CHECK(strstr(out, "SFTP") == NULL);
		CHECK(strstr(out, "Fail2Ban") == NULL);
	}
	free(out);
	out = render_to(&v, JSON, "empty.json", &n);
	CHECK_INT(python("import json, sys\n"
	                 "d = json.load(open(sys.argv[1]))\n"
	                 "assert d['range'] == {'from': None, 'to': None}\n"
	                 "assert d['attackers']['items'] == [] and d['actions'] == []\n",
	                 tf_path("empty.json")),
	          0);
	free(out);
	CHECK_INT(render_csv(&v, tf_path("emptycsv"), NULL, -1), 0);
	out = slurp(tf_path("emptycsv/attackers.csv"), NULL);
	CHECK_STR(out, "src_ip,attempts,connections,logins,users,users_more,first,last,f2b_bans\n");
	free(out);
	/* no options at all */
	v.opts = NULL;
	out = render_to(&v, JSON, "noopts.json", &n);
	CHECK_INT(
	    python("import json, sys\njson.load(open(sys.argv[1]))\n", tf_path("noopts.json")), 0);
	free(out);
	strtab_free(st);
}

T(filters_shown)
{
	struct fx f;
	size_t n;
	char *out;

	fx_init(&f);
	f.opts.since = T0;
	f.opts.user = "ro\x1bot";
	f.opts.have_ip = 1;
	addr4(&f.opts.ip.net, 192, 0, 2, 0);
	f.opts.ip.bits = 24;
	out = render_to(&f.v, TEXT, "filters.txt", &n);
	if (out != NULL)
		CHECK(strstr(out, "\nfilters: since 2021-05-31 07:00:00 UTC user ro\\x1bot ip "
		                  "192.0.2.0/24\n") != NULL);
	free(out);
	out = render_to(&f.v, JSON, "filters.json", &n);
	if (out != NULL)
		CHECK(strstr(out, "\"filters\":{\"since\":\"2021-05-31T07:00:00Z\",\"until\":null,"
		                  "\"host\":null,\"user\":\"ro\\u001bot\",\"ip\":\"192.0.2.0/24\","
		                  "\"top\":10}") != NULL);
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
	CHECK_INT(render_text(&f.v, fd, 0), -1);
	CHECK_INT(errno, ENOSPC);
	errno = 0;
	CHECK_INT(render_json(&f.v, fd), -1);
	CHECK_INT(errno, ENOSPC);
	errno = 0;
	CHECK_INT(render_csv(&f.v, NULL, "attackers", fd), -1);
	CHECK_INT(errno, ENOSPC);
	close(fd);
	fx_free(&f);
}

int
main(void)
{
	tf_setup("render");
	T_RUN(text_is_terminal_safe);
	T_RUN(text_attackers_aligned);
	T_RUN(text_usernames_aligned);
	T_RUN(text_color_and_approximate);
	T_RUN(text_unsafe_code_points);
	T_RUN(json_parses_and_round_trips);
	T_RUN(top_cut);
	T_RUN(timeline_days_and_weeks);
	T_RUN(csv_directory);
	T_RUN(csv_section_and_names);
	T_RUN(empty_view);
	T_RUN(filters_shown);
	T_RUN(write_error);
	if (getenv("KEEP") == NULL)
		tf_teardown();
	else
		printf("kept %s\n", tf_dir);
	return T_END();
}
