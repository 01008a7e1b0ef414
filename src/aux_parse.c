/* aux_parse.c: classifier rules for the lines around sshd: PAM, sudo, su, logind, shadow, cron,
 * sftp, Fail2Ban. */
#include <string.h>

#include "aux_parse.h"
#include "scan.h"

/* The value of "key=" in a PAM list: up to the next space, or the end when last is set. */
static struct span
kv(const char *s, const char *e, const char *key, size_t klen, int last)
{
	const char *p = sc_find(s, e, key, klen), *v, *end;

	if (p == NULL || (p > s && p[-1] != ' '))
		return sc_span(NULL, NULL);
	v = p + klen;
	end = last ? e : sc_chr(v, e, ' ');
	return sc_span(v, end ? end : e);
}

void
aux_pam_kv(struct event *ev, const char *s, const char *e)
{
	struct span rhost = kv(s, e, "rhost=", 6, 0);
	struct span user;
	const char *after = rhost.p ? rhost.p + rhost.n : s;

	/* user= comes after rhost= and runs to the end: the name may hold spaces */
	user = kv(after, e, "user=", 5, 1);
	if (rhost.n)
		sc_set_src_h(ev, rhost.p, rhost.p + rhost.n, 1);
	if (user.p)
		ev->user = user;
}

/* "opened for user U[(uid=N)] by [B][(uid=M)]" -> user U, by B */
static void
pam_session_user(struct event *ev, const char *s, const char *e)
{
	const char *by = SC_RFIND(s, e, " by "), *u_end, *p;

	u_end = by ? by : e;
	if (u_end > s && u_end[-1] == ')' && (p = SC_RFIND(s, u_end, "(uid=")) != NULL)
		u_end = p;
	ev->user = sc_span(s, u_end);
	if (by != NULL) {
		const char *b = by + 4, *be = e;

		if ((p = SC_RFIND(b, be, "(uid=")) != NULL)
			be = p;
		if (be > b)
			ev->target = sc_span(b, be);
	}
}

int
aux_pam(struct event *ev, const char *s, const char *e)
{
	const char *svc, *colon, *close, *r;
	struct span service;
	int su, sudo, cron;

	if (!SC_EAT(s, e, "pam_unix("))
		return -1;
	svc = s;
	if ((close = SC_FIND(s, e, "): ")) == NULL || (colon = sc_chr(svc, close, ':')) == NULL)
		return -1;
	service = sc_span(svc, colon);
	r = close + 3;
	su = (service.n == 2 && memcmp(svc, "su", 2) == 0) ||
	     (service.n == 4 && memcmp(svc, "su-l", 4) == 0);
	sudo = (service.n == 4 && memcmp(svc, "sudo", 4) == 0) ||
	       (service.n == 6 && memcmp(svc, "sudo-i", 6) == 0);
	cron = (service.n == 4 && memcmp(svc, "cron", 4) == 0) ||
	       (service.n == 5 && memcmp(svc, "crond", 5) == 0);

	if (SC_EAT(r, e, "authentication failure;")) {
		aux_pam_kv(ev, r, e);
		if (su || sudo) {
			struct span ruser = kv(r, e, "ruser=", 6, 0), tty = kv(r, e, "tty=", 4, 0);

			ev->type = su ? EV_SU_FAILURE : EV_SUDO_FAILURE;
			ev->target = ev->user;
			ev->user = ruser.n ? ruser : kv(r, e, "logname=", 8, 0);
			ev->detail2 = tty;
			if (sudo) {
				static const char af[] = "authentication failure";

				ev->reason = sc_span(af, af + sizeof(af) - 1);
			}
			return 0;
		}
		ev->type = EV_PAM_AUTH_FAILURE;
		ev->detail = service;
		return 0;
	}
	if (SC_HAS(r, e, "check pass; user unknown")) {
		ev->type = EV_PAM_USER_UNKNOWN;
		ev->detail = service;
		return 0;
	}
	if (SC_EAT(r, e, "session opened for user ")) {
		pam_session_user(ev, r, e);
		if (cron) {
			static const char op[] = "opened";

			ev->type = EV_CRON_SESSION;
			ev->target = sc_span(NULL, NULL);
			ev->detail = sc_span(op, op + 6);
			return 0;
		}
		ev->type = EV_SESSION_OPENED;
		ev->detail = service;
		return 0;
	}
	if (SC_EAT(r, e, "session closed for user ")) {
		pam_session_user(ev, r, e);
		ev->target = sc_span(NULL, NULL);
		if (cron) {
			static const char cl[] = "closed";

			ev->type = EV_CRON_SESSION;
			ev->detail = sc_span(cl, cl + 6);
			return 0;
		}
		ev->type = EV_SESSION_CLOSED;
		ev->detail = service;
		return 0;
	}
	if (SC_EAT(r, e, "password changed for ")) {
		ev->type = EV_PASSWORD_CHANGED;
		ev->user = sc_span(r, e);
		return 0;
	}
	return -1;
}

/* "PATH\"" ending at q (the closing quote); s is after the opening quote */
static int
quoted(const char *s, const char *q, struct span *out)
{
	if (q == NULL || q < s)
		return -1;
	*out = sc_span(s, q);
	return 0;
}

int
aux_sftp(struct event *ev, const char *s, const char *e)
{
	const char *q;

	if (SC_EAT(s, e, "session opened for local user ") ||
	    (SC_EAT(s, e, "session closed for local user ") &&
	     (ev->type = EV_SFTP_SESSION_CLOSE))) {
		const char *f = SC_RFIND(s, e, " from [");

		if (ev->type != EV_SFTP_SESSION_CLOSE)
			ev->type = EV_SFTP_SESSION_OPEN;
		if (f == NULL || !SC_ENDS(f, e, "]"))
			return -1;
		/* "[UNKNOWN]": sftp-server without SSH_CONNECTION; no address */
		if (!SC_HAS(f + 7, e, "UNKNOWN]") && sc_set_src(ev, f + 7, e - 1) != 0)
			return -1;
		ev->user = sc_span(s, f);
		ev->user_valid = UV_VALID;
		return 0;
	}
	if (SC_EAT(s, e, "open \"")) {
		q = SC_RFIND(s, e, "\" flags ");
		if (quoted(s, q, &ev->detail) != 0)
			return -1;
		q += 8;
		{
			const char *m = SC_RFIND(q, e, " mode ");

			ev->detail2 = sc_span(q, m ? m : e);
		}
		ev->type = EV_SFTP_OPEN;
		return 0;
	}
	if (SC_EAT(s, e, "close \"")) {
		q = SC_RFIND(s, e, "\" bytes read ");
		if (quoted(s, q, &ev->detail) != 0)
			return -1;
		q += 13;
		if (sc_eat_u64(&q, e, &ev->n1) != 0 || !SC_EAT(q, e, " written ") ||
		    sc_eat_u64(&q, e, &ev->n2) != 0)
			return -1;
		ev->type = EV_SFTP_CLOSE;
		return 0;
	}
	if (SC_EAT(s, e, "remove name \"")) {
		ev->type = EV_SFTP_REMOVE;
		return quoted(s, sc_rchr(s, e, '"'), &ev->detail);
	}
	if (SC_EAT(s, e, "rmdir name \"")) {
		ev->type = EV_SFTP_RMDIR;
		return quoted(s, sc_rchr(s, e, '"'), &ev->detail);
	}
	if (SC_EAT(s, e, "mkdir name \"")) {
		const char *m = SC_RFIND(s, e, "\" mode ");

		ev->type = EV_SFTP_MKDIR;
		return quoted(s, m ? m : sc_rchr(s, e, '"'), &ev->detail);
	}
	if (SC_EAT(s, e, "rename old \"")) {
		q = SC_FIND(s, e, "\" new \"");
		if (quoted(s, q, &ev->detail) != 0 || !SC_ENDS(q + 7, e, "\""))
			return -1;
		ev->detail2 = sc_span(q + 7, e - 1);
		ev->type = EV_SFTP_RENAME;
		return 0;
	}
	return -1;
}

/* sudo: "U : TTY=T ; PWD=D ; USER=R ; COMMAND=C", or "U : REASON ; TTY=..." */
static int
sudo_line(struct event *ev, const char *s, const char *e)
{
	const char *c, *seg, *end;
	int first = 1;

	while (s < e && *s == ' ')
		s++;
	if ((c = SC_FIND(s, e, " : ")) == NULL)
		return -1;
	ev->user = sc_span(s, c);
	ev->type = EV_SUDO_COMMAND;
	for (seg = c + 3; seg < e; seg = end + 3, first = 0) {
		end = SC_FIND(seg, e, " ; ");
		if (SC_HAS(seg, e, "COMMAND=")) {
			ev->detail = sc_span(seg + 8, e);
			break;
		}
		if (end == NULL)
			end = e;
		if (SC_HAS(seg, end, "TTY="))
			ev->detail2 = sc_span(seg + 4, end);
		else if (SC_HAS(seg, end, "USER="))
			ev->target = sc_span(seg + 5, end);
		else if (first && sc_chr(seg, end, '=') == NULL) {
			const char *p = seg;
			uint64_t n;

			ev->type = EV_SUDO_FAILURE;
			ev->reason = sc_span(seg, end);
			if (sc_eat_u64(&p, end, &n) == 0 && SC_EAT(p, end, " ")) {
				ev->count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
				ev->reason = sc_span(p, end);
			}
		}
		if (end == e)
			break;
	}
	return 0;
}

/* su: "(to R) U on T", "FAILED SU (to R) U on T" */
static int
su_line(struct event *ev, const char *s, const char *e)
{
	const char *c, *on;

	ev->type = EV_SU;
	if (SC_EAT(s, e, "FAILED SU "))
		ev->type = EV_SU_FAILURE;
	if (!SC_EAT(s, e, "(to ") || (c = SC_FIND(s, e, ") ")) == NULL)
		return -1;
	ev->target = sc_span(s, c);
	s = c + 2;
	if ((on = SC_RFIND(s, e, " on ")) != NULL) {
		ev->detail2 = sc_span(on + 4, e);
		e = on;
	}
	ev->user = sc_span(s, e);
	return 0;
}

static int
logind_line(struct event *ev, const char *s, const char *e)
{
	const char *of;

	if (SC_EAT(s, e, "New session ")) {
		if ((of = SC_FIND(s, e, " of user ")) == NULL)
			return -1;
		ev->type = EV_LOGIND_NEW_SESSION;
		ev->detail = sc_span(s, of);
		s = of + 9;
		SC_CHOP(s, e, ".");
		ev->user = sc_span(s, e);
		return 0;
	}
	if (SC_EAT(s, e, "Session ") && (of = SC_FIND(s, e, " logged out.")) != NULL) {
		ev->type = EV_LOGIND_LOGGED_OUT;
		ev->detail = sc_span(s, of);
		return 0;
	}
	if (SC_EAT(s, e, "Removed session ")) {
		SC_CHOP(s, e, ".");
		ev->type = EV_LOGIND_REMOVED_SESSION;
		ev->detail = sc_span(s, e);
		return 0;
	}
	return -1;
}

/* "key=value, key=value" (shadow-utils): the value of key, up to ", " or the end */
static struct span
comma_kv(const char *s, const char *e, const char *key, size_t klen)
{
	const char *p = sc_find(s, e, key, klen), *end;

	if (p == NULL || (p > s && p[-1] != ' ' && p[-1] != ':'))
		return sc_span(NULL, NULL);
	p += klen;
	end = sc_find(p, e, ", ", 2);
	return sc_span(p, end ? end : e);
}

static void
num(struct span v, uint64_t *out)
{
	if (v.p != NULL)
		sc_u64(v.p, v.p + v.n, out);
}

/* "'X'" at s: returns the span inside the quotes and moves *sp past them. */
static int
squoted(const char **sp, const char *e, struct span *out)
{
	const char *s = *sp, *q;

	if (!SC_EAT(s, e, "'") || (q = sc_chr(s, e, '\'')) == NULL)
		return -1;
	*out = sc_span(s, q);
	*sp = q + 1;
	return 0;
}

static int
shadow_line(struct event *ev, const char *s, const char *e)
{
	const char *p;

	if (SC_EAT(s, e, "new user: ")) {
		ev->type = EV_USER_ADDED;
		ev->user = comma_kv(s, e, "name=", 5);
		num(comma_kv(s, e, "UID=", 4), &ev->n1);
		num(comma_kv(s, e, "GID=", 4), &ev->n2);
		ev->detail = comma_kv(s, e, "home=", 5);
		ev->detail2 = comma_kv(s, e, "shell=", 6);
		return ev->user.p ? 0 : -1;
	}
	if (SC_EAT(s, e, "new group: ") ||
	    (SC_EAT(s, e, "group added to ") && (p = SC_FIND(s, e, ": ")) != NULL && (s = p + 2))) {
		ev->type = EV_GROUP_ADDED;
		ev->target = comma_kv(s, e, "name=", 5);
		num(comma_kv(s, e, "GID=", 4), &ev->n2);
		return ev->target.p ? 0 : -1;
	}
	if (SC_EAT(s, e, "add ")) {
		/* usermod: "add 'U' to group 'G'", "add 'U' to shadow group 'G'" */
		if (squoted(&s, e, &ev->user) != 0)
			return -1;
		if (!SC_EAT(s, e, " to group ") && !SC_EAT(s, e, " to shadow group "))
			return -1;
		if (squoted(&s, e, &ev->target) != 0)
			return -1;
		ev->type = EV_USER_MODIFIED;
		return 0;
	}
	if (SC_EAT(s, e, "user ") && (p = SC_FIND(s, e, " added by ")) != NULL) {
		/* gpasswd: "user U added by B to group G" */
		const char *g = SC_FIND(p, e, " to group ");

		if (g == NULL)
			return -1;
		ev->type = EV_USER_MODIFIED;
		ev->user = sc_span(s, p);
		ev->target = sc_span(g + 10, e);
		return 0;
	}
	if (SC_EAT(s, e, "delete user ")) {
		ev->type = EV_USER_DELETED;
		return squoted(&s, e, &ev->user);
	}
	if (SC_EAT(s, e, "password for ")) {
		/* "password for 'U' changed by 'B'" */
		if (squoted(&s, e, &ev->user) != 0 || !SC_EAT(s, e, " changed by "))
			return -1;
		ev->type = EV_PASSWORD_CHANGED;
		return squoted(&s, e, &ev->target);
	}
	return -1;
}

/* Fail2Ban: "LEVEL  [JAIL] Ban A", "Unban A", "Restore Ban A", "Found A - DATE", "A already banned"
 */
static int
f2b_line(struct event *ev, const char *s, const char *e)
{
	const char *b, *a, *ae;

	if ((b = sc_chr(s, e, '[')) == NULL)
		return -1;
	s = b + 1;
	if ((b = sc_chr(s, e, ']')) == NULL || b == s)
		return -1;
	ev->target = sc_span(s, b);
	s = b + 1;
	while (s < e && *s == ' ')
		s++;
	if (SC_EAT(s, e, "Ban "))
		ev->type = EV_F2B_BAN;
	else if (SC_EAT(s, e, "Unban "))
		ev->type = EV_F2B_UNBAN;
	else if (SC_EAT(s, e, "Restore Ban "))
		ev->type = EV_F2B_RESTORE_BAN;
	else if (SC_EAT(s, e, "Found "))
		ev->type = EV_F2B_FOUND;
	else if ((a = SC_FIND(s, e, " already banned")) != NULL) {
		ev->type = EV_F2B_ALREADY_BANNED;
		return addr_parse(s, (size_t)(a - s), &ev->src);
	} else
		return -1;
	a = s;
	ae = sc_chr(a, e, ' ');
	return addr_parse(a, (size_t)((ae ? ae : e) - a), &ev->src);
}

static int
prog_is(const struct hdr *h, const char *name, size_t n)
{
	return h->prog_len == n && memcmp(h->prog, name, n) == 0;
}
#define PROG_IS(h, L) prog_is((h), (L), sizeof(L) - 1)

int
aux_classify(const struct hdr *h, struct event *ev, const char *s, const char *e)
{
	if (SC_HAS(s, e, "pam_unix("))
		return aux_pam(ev, s, e);
	if (h->prog_len > 9 && memcmp(h->prog, "fail2ban.", 9) == 0)
		return f2b_line(ev, s, e);
	if (PROG_IS(h, "sudo"))
		return sudo_line(ev, s, e);
	if (PROG_IS(h, "su"))
		return su_line(ev, s, e);
	if (PROG_IS(h, "systemd-logind"))
		return logind_line(ev, s, e);
	if (PROG_IS(h, "useradd") || PROG_IS(h, "groupadd") || PROG_IS(h, "usermod") ||
	    PROG_IS(h, "userdel") || PROG_IS(h, "gpasswd") || PROG_IS(h, "passwd") ||
	    PROG_IS(h, "chpasswd") || PROG_IS(h, "groupmod") || PROG_IS(h, "adduser"))
		return shadow_line(ev, s, e);
	return -1;
}
