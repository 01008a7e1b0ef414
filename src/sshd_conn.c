/* sshd_conn.c: the classifier's rules for a connection's life in sshd's log, sessions and DNS. */
#include <string.h>

#include "scan.h"
#include "sshd_conn.h"
#include "sshd_fields.h"

int
sshd_conn_disconnecting(struct event *ev, const char *s, const char *e)
{
	static const char tmf[] = ": Too many authentication failures";
	const char *c, *found = NULL;
	int n = 0;

	if (SC_EAT(s, e, ": ")) {
		/* old: "Disconnecting: Too many authentication failures for U" */
		if (SC_EAT(s, e, "Too many authentication failures for ")) {
			ev->type = EV_TOO_MANY_AUTH_FAILURES;
			ev->user = sc_span(s, e);
			return 0;
		}
		if (e - s == 32 && SC_HAS(s, e, "Too many authentication failures")) {
			ev->type = EV_TOO_MANY_AUTH_FAILURES; /* 7.3-7.5: no user */
			return 0;
		}
		ev->type = EV_DISCONNECTED;
		ev->reason = sc_span(s, e);
		return 0;
	}
	if (!SC_EAT(s, e, " "))
		return -1;
	if (SC_ENDS(s, e, tmf)) {
		c = e - (sizeof(tmf) - 1);
		ev->type = EV_TOO_MANY_AUTH_FAILURES;
		return sshd_fields_kind_user_addr(ev, s, c);
	}
	/* free reason text: use the one place where "A port P: " parses */
	for (c = s; (c = SC_FIND(c, e, ": ")) != NULL; c++) {
		struct event tmp = *ev;

		if (sshd_fields_kind_user_addr(&tmp, s, c) == 0 && tmp.src_port != 0) {
			if (n++ == 0)
				found = c;
		}
	}
	ev->type = EV_DISCONNECTED;
	if (n != 1) {
		ev->reason = sc_span(s, e);
		return 0;
	}
	ev->reason = sc_span(found + 2, e);
	return sshd_fields_kind_user_addr(ev, s, found);
}

int
sshd_conn_connection(struct event *ev, const char *s, const char *e)
{
	const char *p = SC_FIND(s, e, " port "), *on, *q;

	if (p == NULL || sc_set_src(ev, s, p) != 0)
		return -1;
	if ((on = SC_FIND(p + 6, e, " on ")) == NULL)
		return sc_port(p + 6, e, &ev->src_port); /* before 6.x: no local end */
	if (sc_port(p + 6, on, &ev->src_port) != 0)
		return -1;
	if ((q = SC_FIND(on + 4, e, " port ")) == NULL)
		return -1;
	if (addr_parse(on + 4, (size_t)(q - on - 4), &ev->dst) != 0)
		return -1;
	q += 6;
	{
		const char *end = sc_chr(q, e, ' ');

		if (sc_port(q, end ? end : e, &ev->dst_port) != 0)
			return -1;
	}
	return 0;
}

int
sshd_conn_received_disconnect(struct event *ev, const char *s, const char *e)
{
	const char *sp = sc_chr(s, e, ' '), *c, *t;
	uint64_t code;

	if (sp != NULL && SC_HAS(sp, e, " port ")) {
		if (sc_set_src(ev, s, sp) != 0)
			return -1;
		c = sp + 6;
		t = c;
		if (sc_eat_u64(&t, e, &code) != 0 || code > 65535 || t >= e || *t != ':')
			return -1;
		ev->src_port = (uint16_t)code;
		t++;
	} else {
		c = SC_FIND(s, e, ": ");
		if (c == NULL || sc_set_src(ev, s, c) != 0)
			return -1;
		t = c + 2;
	}
	if (sc_eat_u64(&t, e, &code) != 0 || t >= e || *t != ':')
		return -1;
	ev->n1 = code;
	t++;
	if (t < e && *t == ' ')
		t++;
	ev->reason = sc_span(t, e);
	return 0;
}

int
sshd_conn_addr_only(struct event *ev, const char *s, const char *e)
{
	return sshd_fields_tail_addr_port(ev, s, e) == s ? 0 : -1;
}

int
sshd_conn_timeout(struct event *ev, const char *s, const char *e)
{
	const char *to;

	if (SC_EAT(s, e, "connection from ")) {
		ev->type = EV_LOGIN_GRACE_TIMEOUT;
		if ((to = SC_FIND(s, e, " to ")) == NULL || sc_set_src(ev, s, to) != 0)
			return -1;
		s = to + 4;
		to = sc_chr(s, e, ',');
		if (to != NULL)
			addr_parse(s, (size_t)(to - s), &ev->dst);
		return 0;
	}
	return sshd_conn_addr_only(ev, s, e);
}

int
sshd_conn_addr_port_reason(struct event *ev, const char *s, const char *e)
{
	const char *p = SC_FIND(s, e, " port "), *c;

	if (p == NULL || sc_set_src(ev, s, p) != 0)
		return -1;
	c = SC_FIND(p + 6, e, ": ");
	if (c == NULL || sc_port(p + 6, c, &ev->src_port) != 0)
		return -1;
	ev->reason = sc_span(c + 2, e);
	return 0;
}

int
sshd_conn_bad_protocol(struct event *ev, const char *s, const char *e)
{
	const char *f = SC_RFIND(s, e, "' from ");

	if (f == NULL || sshd_fields_tail_addr_port(ev, f + 7, e) != f + 7)
		return -1;
	ev->reason = sc_span(s, f);
	return 0;
}

int
sshd_conn_negotiate(struct event *ev, const char *s, const char *e)
{
	const char *w, *f, *o, *c;

	if (sshd_conn_addr_port_reason(ev, s, e) != 0) {
		/* 7.0-7.1: "Unable to negotiate with A: ..." */
		if ((c = SC_FIND(s, e, ": ")) == NULL || sc_set_src(ev, s, c) != 0)
			return -1;
		ev->src_port = 0;
		ev->reason = sc_span(c + 2, e);
	}
	w = ev->reason.p;
	ev->reason = sc_span(NULL, NULL);
	if (!SC_EAT(w, e, "no matching ") || (f = SC_FIND(w, e, " found.")) == NULL) {
		ev->reason = sc_span(w, e);
		return 0;
	}
	ev->detail = sc_span(w, f);
	if ((o = SC_FIND(f, e, "Their offer: ")) != NULL)
		ev->detail2 = sc_span(o + 13, e);
	return 0;
}

int
sshd_conn_dispatch_fatal(struct event *ev, const char *s, const char *e)
{
	const char *c;

	for (c = e; (c = sc_rfind(s, c, ": ", 2)) != NULL;) {
		struct event tmp = *ev;

		if (sshd_fields_kind_user_addr(&tmp, s, c) == 0) {
			*ev = tmp;
			ev->reason = sc_span(c + 2, e);
			return 0;
		}
	}
	return -1;
}

int
sshd_conn_drop(struct event *ev, const char *s, const char *e)
{
	const char *b, *c;
	uint64_t n;

	if (sc_eat_u64(&s, e, &n) != 0 || !SC_EAT(s, e, " from ["))
		return -1;
	if ((b = sc_chr(s, e, ']')) == NULL || addr_parse(s, (size_t)(b - s), &ev->src) != 0)
		return -1;
	s = b + 1;
	if (!SC_EAT(s, e, ":") || (c = SC_FIND(s, e, " on [")) == NULL ||
	    sc_port(s, c, &ev->src_port) != 0)
		return -1;
	s = c + 5;
	if ((b = sc_chr(s, e, ']')) == NULL || addr_parse(s, (size_t)(b - s), &ev->dst) != 0)
		return -1;
	s = b + 1;
	if (!SC_EAT(s, e, ":") || (c = sc_chr(s, e, ' ')) == NULL || sc_port(s, c, &ev->dst_port))
		return -1;
	s = c + 1;
	if (SC_EAT(s, e, "penalty: ")) {
		ev->type = EV_PENALTY_DROP;
		ev->reason = sc_span(s, e);
	} else if (SC_HAS(s, e, "past MaxStartups") || SC_HAS(s, e, "past Maxstartups")) {
		ev->type = EV_MAXSTARTUPS_DROP;
	} else {
		ev->type = EV_MAXSTARTUPS_DROP;
		ev->reason = sc_span(s, e);
	}
	return 0;
}

int
sshd_conn_reverse_mapping(struct event *ev, const char *s, const char *e)
{
	const char *f = SC_RFIND(s, e, "] failed"), *b;

	if (f == NULL || (b = sc_rchr(s, f, '[')) == NULL || b == s || b[-1] != ' ')
		return -1;
	if (addr_parse(b + 1, (size_t)(f - b - 1), &ev->src) != 0)
		return -1;
	ev->src_host = sc_span(s, b - 1);
	return 0;
}

int
sshd_conn_address_maps(struct event *ev, const char *s, const char *e)
{
	const char *m = SC_FIND(s, e, " maps to "), *c;

	if (m == NULL || addr_parse(s, (size_t)(m - s), &ev->src) != 0)
		return -1;
	if ((c = SC_FIND(m, e, ", but this does not map back")) == NULL)
		return -1;
	ev->src_host = sc_span(m + 9, c);
	return 0;
}

int
sshd_conn_nasty_ptr(struct event *ev, const char *s, const char *e)
{
	const char *f = SC_RFIND(s, e, "\" is set up for "), *c;

	if (f == NULL)
		return -1;
	c = SC_RFIND(f, e, ", ignoring");
	if (addr_parse(f + 16, (size_t)((c ? c : e) - f - 16), &ev->src) != 0)
		return -1;
	ev->src_host = sc_span(s, f);
	return 0;
}

int
sshd_conn_session_start(struct event *ev, const char *s, const char *e)
{
	const char *id = SC_RFIND(s, e, " id "), *f, *on, *fr;

	if (id == NULL || sc_u64(id + 4, e, &ev->n1) != 0)
		return -1;
	if ((fr = sshd_fields_tail_addr_port(ev, s, id)) == NULL || fr - s < 6 ||
	    memcmp(fr - 6, " from ", 6))
		return -1;
	fr -= 6;
	if ((f = SC_RFIND(s, fr, " for ")) == NULL)
		return -1;
	ev->user = sc_span(f + 5, fr);
	ev->user_valid = UV_VALID;
	on = SC_RFIND(s, f, " on ");
	if (on != NULL && sc_chr(on + 4, f, ' ') == NULL) {
		ev->detail2 = sc_span(on + 4, f);
		f = on;
	}
	ev->detail = sc_span(s, f);
	return 0;
}

int
sshd_conn_close_session(struct event *ev, const char *s, const char *e)
{
	const char *id = SC_RFIND(s, e, " id ");

	if (!SC_EAT(s, e, "user ") || id == NULL || sc_u64(id + 4, e, &ev->n1) != 0)
		return -1;
	if (sshd_fields_user_from_addr(ev, s, id, UV_VALID) != 0)
		return -1;
	ev->user_valid = UV_VALID;
	return 0;
}

int
sshd_conn_subsystem(struct event *ev, const char *s, const char *e)
{
	const char *b = SC_RFIND(s, e, " by user ");

	if (b == NULL)
		return -1;
	ev->detail = sc_span(s, b);
	ev->user = sc_span(b + 9, e);
	ev->user_valid = UV_VALID;
	return 0;
}

int
sshd_conn_transferred(struct event *ev, const char *s, const char *e)
{
	if (!SC_EAT(s, e, "sent ") || sc_eat_u64(&s, e, &ev->n1) != 0)
		return -1;
	if (!SC_EAT(s, e, ", received ") || sc_eat_u64(&s, e, &ev->n2) != 0)
		return -1;
	return SC_HAS(s, e, " bytes") ? 0 : -1;
}

int
sshd_conn_listening(struct event *ev, const char *s, const char *e)
{
	const char *p = SC_FIND(s, e, " port "), *r;

	SC_CHOP(s, e, ".");
	if (p == NULL || addr_parse(s, (size_t)(p - s), &ev->dst) != 0)
		return -1;
	if ((r = SC_FIND(p + 6, e, " rdomain ")) != NULL)
		e = r;
	return sc_port(p + 6, e, &ev->dst_port);
}

int
sshd_conn_signal(struct event *ev, const char *s, const char *e)
{
	if (sc_eat_u64(&s, e, &ev->n1) != 0 || !SC_HAS(s, e, "; terminating"))
		return -1;
	return 0;
}
