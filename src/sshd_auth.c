/* sshd_auth.c: the classifier's rules for sshd's authentication messages, PAM's among them. */
#include <string.h>

#include "aux_parse.h"
#include "scan.h"
#include "sshd_auth.h"
#include "sshd_fields.h"

static uint8_t
method_lookup(const char *s, const char *e)
{
	unsigned m;

	/* "password" and "publickey" are most lines: no strlen and memcmp calls for them */
	if (e - s == 8 && memcmp(s, "password", 8) == 0)
		return M_PASSWORD;
	if (e - s == 9 && memcmp(s, "publickey", 9) == 0)
		return M_PUBLICKEY;
	for (m = 1; m < M__COUNT; m++) {
		const char *n = event_method_name(m);
		size_t len = strlen(n);

		if ((size_t)(e - s) == len && memcmp(s, n, len) == 0)
			return (uint8_t)m;
	}
	return M_NONE_SET;
}

/* Splits "T FP" at [s, e) into key_type and key_fp; both must be single tokens. */
static int
key_pair(struct event *ev, const char *s, const char *e)
{
	const char *sp = sc_chr(s, e, ' ');

	if (sp == NULL || sp == s || sp + 1 >= e || sc_chr(sp + 1, e, ' ') != NULL)
		return -1;
	ev->key_type = sc_span(s, sp);
	ev->key_fp = sc_span(sp + 1, e);
	return 0;
}

/* "T FP" at the end of [s, e) split into *t and *fp (single tokens); returns 0 or -1. */
static int
tail_key(const char *s, const char *e, struct span *t, struct span *fp)
{
	const char *sp2 = sc_rchr(s, e, ' '), *sp1;

	if (sp2 == NULL || sp2 + 1 >= e)
		return -1;
	sp1 = sc_rchr(s, sp2, ' ');
	sp1 = sp1 ? sp1 + 1 : s;
	if (sp1 == sp2)
		return -1;
	*t = sc_span(sp1, sp2);
	*fp = sc_span(sp2 + 1, e);
	return 0;
}

/*
 * The key part after "ssh2: " at k when the client can write on both sides
 * of sshd's fields: a certificate ("T-CERT FP ID <id> (serial N) CA T FP",
 * before OpenSSH 7.x without the first FP; ser is where " (serial " starts)
 * whose ID is chosen by whoever signed it, or hostbased ("T FP, client user
 * \"U\", client host \"H\""). Fills the key fields of *ev; returns 0 or -1.
 */
static int
free_suffix(struct event *ev, const char *k, const char *e, const char *ser)
{
	const char *sp1 = sc_chr(k, e, ' '), *id;

	if (sp1 == NULL || sp1 == k)
		return -1;
	if (ser != NULL) {
		if (sp1 >= ser || sp1 - k <= 5 || memcmp(sp1 - 5, "-CERT", 5) != 0)
			return -1;
		if (SC_HAS(sp1, ser, " ID ")) {
			id = sp1 + 4;
		} else {
			const char *sp2 = sc_chr(sp1 + 1, ser, ' ');

			if (sp2 == NULL || !SC_HAS(sp2, ser, " ID "))
				return -1;
			ev->key_fp = sc_span(sp1 + 1, sp2);
			id = sp2 + 4;
		}
		ev->key_type = sc_span(k, sp1);
		ev->detail = sc_span(id, ser);
		return 0;
	}
	{
		const char *c = SC_FIND(sp1, e, ", client user \"");

		if (c == NULL || c == sp1 + 1 || sc_chr(sp1 + 1, c, ' ') != NULL)
			return -1;
		ev->key_type = sc_span(k, sp1);
		ev->key_fp = sc_span(sp1 + 1, c);
		return 0;
	}
}

/*
 * [r, e) has free text on both sides of "from A port P ssh2: ": take the one
 * place where both the left (user, address) and the right (key part) parse.
 * With more than one such place the line is ambiguous: no user, no address.
 */
static int
auth_both_free(struct event *ev, const char *r, const char *e)
{
	const char *c, *ser = NULL;
	int nfound = 0;
	struct event tmp, found;
	struct span cat, cafp;
	uint64_t serial = 0;

	/* a certificate ends "(serial N) CA T FP", written by sshd */
	if (tail_key(r, e, &cat, &cafp) == 0 && cat.p - r >= 5 &&
	    memcmp(cat.p - 5, ") CA ", 5) == 0 &&
	    (ser = SC_RFIND(r, cat.p - 4, " (serial ")) != NULL &&
	    sc_u64(ser + 9, cat.p - 5, &serial) != 0)
		ser = NULL;
	if (ser == NULL)
		cat = cafp = sc_span(NULL, NULL);
	found = *ev;
	for (c = r; (c = SC_FIND(c, e, " ssh2: ")) != NULL; c++) {
		tmp = *ev;
		if (free_suffix(&tmp, c + 7, e, ser) != 0 ||
		    sshd_fields_user_from_addr(&tmp, r, c, UV_VALID) != 0)
			continue;
		if (nfound++ == 0)
			found = tmp;
	}
	if (nfound == 0)
		return -1;
	if (nfound > 1) {
		/* both sides imitate sshd's fields: no user, no address */
		found = *ev;
		found.reason = sc_span(r, e);
	}
	*ev = found;
	if (ser != NULL) {
		ev->flags |= EVF_CERT;
		ev->n1 = serial;
		ev->target = cat;
		ev->detail2 = cafp;
	}
	return 0;
}

int
sshd_auth_method(struct event *ev, const char *s, const char *e)
{
	const char *sp = sc_chr(s, e, ' '), *r, *end;

	if (sp == NULL || !SC_HAS(sp, e, " for "))
		return -1;
	ev->method = method_lookup(s, sp);
	if (ev->method == M_NONE_SET)
		return -1;
	r = sp + 5;
	end = e;
	if (SC_CHOP(r, end, " ssh2") || SC_CHOP(r, end, " ssh1"))
		goto fields;
	{
		/* ": T FP" after the last " ssh2": nothing after sshd's fields is free */
		const char *colon = SC_RFIND(r, e, " ssh2: ");

		if (colon != NULL && key_pair(ev, colon + 7, e) == 0) {
			end = colon;
			goto fields;
		}
	}
	return auth_both_free(ev, r, e);
fields:
	if (sshd_fields_user_from_addr(ev, r, end, UV_VALID) != 0) {
		ev->key_type = ev->key_fp = sc_span(NULL, NULL);
		return -1;
	}
	return 0;
}

int
sshd_auth_userauth_invalid(struct event *ev, const char *s, const char *e)
{
	ev->user = sc_span(s, e);
	ev->user_valid = UV_INVALID;
	return 0;
}

int
sshd_auth_not_allowed(struct event *ev, const char *s, const char *e)
{
	const char *na = SC_RFIND(s, e, " not allowed because "), *f, *a;

	if (na == NULL)
		return -1;
	ev->reason = sc_span(na + 21, e);
	ev->user_valid = UV_VALID;
	a = sc_rchr(s, na, ' ');
	f = a ? a - 5 : NULL;
	if (f != NULL && f >= s && memcmp(f, " from", 5) == 0 &&
	    sc_set_src_h(ev, a + 1, na, 1) == 0) {
		ev->user = sc_span(s, f);
		return 0;
	}
	ev->user = sc_span(s, na);
	return 0;
}

int
sshd_auth_root_refused(struct event *ev, const char *s, const char *e)
{
	static const char root[] = "root";

	if (sshd_fields_tail_addr_port(ev, s, e) != s)
		return -1;
	ev->user = sc_span(root, root + 4);
	ev->user_valid = UV_VALID;
	return 0;
}

int
sshd_auth_max_auth(struct event *ev, const char *s, const char *e)
{
	SC_CHOP(s, e, " ssh2");
	return sshd_fields_user_from_addr(ev, s, e, UV_VALID);
}

int
sshd_auth_pam_for(struct event *ev, const char *s, const char *e)
{
	const char *f = SC_FIND(s, e, " for ");

	if (f == NULL)
		return -1;
	ev->reason = sc_span(s, f);
	/* auth-pam.c: "PAM: %s for %s%.100s from %.100s", "illegal user " when not valid */
	return sshd_fields_user_from_addr_h(ev, f + 5, e, UV_VALID, 1);
}

int
sshd_auth_pam_more(struct event *ev, const char *s, const char *e)
{
	uint64_t n;
	const char *sc;

	if (sc_eat_u64(&s, e, &n) != 0 || !SC_EAT(s, e, " more authentication failure"))
		return -1;
	ev->count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	if ((sc = sc_chr(s, e, ';')) == NULL)
		return 0;
	aux_pam_kv(ev, sc + 1, e);
	return 0;
}

int
sshd_auth_pam_service(struct event *ev, const char *s, const char *e)
{
	const char *c = sc_chr(s, e, ')');

	if (c == NULL)
		return -1;
	ev->detail = sc_span(s, c);
	ev->reason = sc_span(c + 1 < e && c[1] == ' ' ? c + 2 : c + 1, e);
	return 0;
}

int
sshd_auth_key_revoked(struct event *ev, const char *s, const char *e)
{
	const char *r = SC_FIND(s, e, " revoked by file ");

	if (r == NULL || key_pair(ev, s, r) != 0)
		return -1;
	ev->detail = sc_span(r + 17, e);
	return 0;
}

int
sshd_auth_cert_accepted(struct event *ev, const char *s, const char *e)
{
	const char *q = SC_RFIND(s, e, "\" (serial "), *p, *ca, *via;

	if (q == NULL)
		return -1;
	ev->detail = sc_span(s, q);
	p = q + 10;
	if (sc_eat_u64(&p, e, &ev->n1) != 0 || !SC_EAT(p, e, ") signed by "))
		return -1;
	via = SC_RFIND(p, e, " via ");
	if ((ca = SC_FIND(p, via ? via : e, " CA ")) == NULL)
		return -1;
	ev->target = sc_span(p, ca);
	ev->detail2 = sc_span(ca + 4, via ? via : e);
	ev->flags |= EVF_CERT;
	return 0;
}

int
sshd_auth_cert_refused(struct event *ev, const char *s, const char *e)
{
	const char *q = SC_RFIND(s, e, "\" serial="), *p, *ca, *c;

	if (q == NULL || !SC_EAT(s, q, "\""))
		return -1;
	ev->detail = sc_span(s, q);
	p = q + 9;
	if (sc_eat_u64(&p, e, &ev->n1) != 0 || !SC_EAT(p, e, " signed by "))
		return -1;
	if ((ca = SC_FIND(p, e, " CA ")) == NULL || (c = SC_FIND(ca + 4, e, ": ")) == NULL)
		return -1;
	ev->target = sc_span(p, ca);
	ev->detail2 = sc_span(ca + 4, c);
	ev->reason = sc_span(c + 2, e);
	ev->flags |= EVF_CERT;
	return 0;
}
