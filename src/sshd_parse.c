/* sshd_parse.c: the table-driven classifier: dispatch by program, and sshd's own messages. */
#include <stddef.h>
#include <string.h>

#include "aux_parse.h"
#include "scan.h"
#include "sshd_auth.h"
#include "sshd_conn.h"
#include "sshd_fields.h"
#include "sshd_parse.h"

/*
 * A rule handles one message family: the message starts with prefix; fn gets
 * the text after it ([s, e), "[preauth]" already removed) and fills ev. It
 * returns 0 when the line is of that family, -1 to let later rules try.
 * ev->type is set to the rule's type before fn runs (fn may change it).
 *
 * Where sshd puts attacker-chosen text (user names, the client's banner or
 * disconnect text, certificate IDs) next to its own address fields, the
 * address is taken from the side that the attacker cannot write: right-
 * anchored when the free text comes first, left-anchored when it comes last,
 * and not at all when both sides are free and the line is ambiguous.
 */
typedef int (*rule_fn)(struct event *ev, const char *s, const char *e);

struct rule {
	const char *prefix;
	uint8_t len;
	uint8_t type;
	rule_fn fn;
};

#define R(lit, type, fn)                                                                           \
	{                                                                                          \
		lit, sizeof(lit) - 1, type, fn                                                     \
	}

/* Rules that several families use: the reason is the rest, or the whole message. */
static int
r_reason(struct event *ev, const char *s, const char *e)
{
	ev->reason = sc_span(s, e);
	return 0;
}

static int
r_whole_reason(struct event *ev, const char *s, const char *e)
{
	(void)s;
	return 0; /* reason set by the caller to the whole message */
}

/*
 * Adapters from a table entry to a shared scanner or to aux_parse.c. They stay
 * next to the tables: sshd_msg calls them first for its busiest groups (C, D,
 * I, p), and inlines them there.
 */
static int
r_kind_user_addr(struct event *ev, const char *s, const char *e)
{
	return sshd_fields_kind_user_addr(ev, s, e);
}

static int
r_invalid_user(struct event *ev, const char *s, const char *e)
{
	/* "U from A[ port P]": the prefix already said "Invalid user " */
	if (sshd_fields_user_from_addr(ev, s, e, UV_INVALID) != 0)
		return -1;
	ev->user_valid = UV_INVALID;
	return 0;
}

#define PAM_UNIX "pam_unix("

/* aux_pam reads the line from the rule's PAM_UNIX, the bytes just before s. */
static int
r_pam_unix(struct event *ev, const char *s, const char *e)
{
	return aux_pam(ev, s - (sizeof(PAM_UNIX) - 1), e);
}

/* Rules for sshd's messages, by first byte of the message (after "error: "/"fatal: "). */
static const struct rule rules_A[] = {
    R("Accepted certificate ID \"", EV_CERT_ACCEPTED, sshd_auth_cert_accepted),
    R("Accepted ", EV_AUTH_ACCEPTED, sshd_auth_method),
    R("Address ", EV_ADDRESS_MISMATCH, sshd_conn_address_maps),
    R("Authentication key ", EV_KEY_REVOKED, sshd_auth_key_revoked),
};
static const struct rule rules_B[] = {
    R("Bad protocol version identification '", EV_BAD_PROTOCOL, sshd_conn_bad_protocol),
};
static const struct rule rules_C[] = {
    R("Connection closed by ", EV_CONN_CLOSED, r_kind_user_addr),
    R("Connection reset by ", EV_CONN_RESET, r_kind_user_addr),
    R("Connection from ", EV_CONNECTION, sshd_conn_connection),
    R("Close session: ", EV_SESSION_CLOSE, sshd_conn_close_session),
    R("Certificate invalid: ", EV_CERT_REJECTED, r_reason),
};
static const struct rule rules_D[] = {
    R("Disconnected from ", EV_DISCONNECTED, r_kind_user_addr),
    R("Disconnecting", EV_DISCONNECTED, sshd_conn_disconnecting),
    R("Did not receive identification string from ", EV_NO_IDENT, sshd_conn_addr_only),
};
static const struct rule rules_F[] = {
    R("Failed ", EV_AUTH_FAILED, sshd_auth_method),
};
static const struct rule rules_H[] = {
    R("Hm, kex protocol error: ", EV_KEX_ERROR, r_reason),
};
static const struct rule rules_I[] = {
    R("Invalid user ", EV_INVALID_USER, r_invalid_user),
};
static const struct rule rules_N[] = {
    R("Nasty PTR record \"", EV_NASTY_PTR, sshd_conn_nasty_ptr),
};
static const struct rule rules_P[] = {
    R("Postponed ", EV_AUTH_POSTPONED, sshd_auth_method),
    R("Partial ", EV_AUTH_PARTIAL, sshd_auth_method),
    R("PAM: ", EV_PAM_AUTH_FAILURE, sshd_auth_pam_for),
    R("PAM service(", EV_PAM_IGNORING_RETRIES, sshd_auth_pam_service),
    R("PAM ", EV_PAM_MORE_FAILURES, sshd_auth_pam_more),
    R("Protocol major versions differ for ", EV_BAD_PROTOCOL, sshd_conn_addr_port_reason),
};
static const struct rule rules_R[] = {
    R("Received disconnect from ", EV_RECEIVED_DISCONNECT, sshd_conn_received_disconnect),
    R("ROOT LOGIN REFUSED FROM ", EV_ROOT_LOGIN_REFUSED, sshd_auth_root_refused),
    R("Read from socket failed: ", EV_WRITE_FAILED, r_reason),
    R("Received signal ", EV_SERVER_TERMINATING, sshd_conn_signal),
    R("Refusing certificate ID ", EV_CERT_REJECTED, sshd_auth_cert_refused),
};
static const struct rule rules_S[] = {
    R("Starting session: ", EV_SESSION_START, sshd_conn_session_start),
    R("Server listening on ", EV_SERVER_LISTENING, sshd_conn_listening),
};
static const struct rule rules_T[] = {
    R("Timeout before authentication for ", EV_PREAUTH_TIMEOUT, sshd_conn_timeout),
    R("Transferred: ", EV_TRANSFERRED, sshd_conn_transferred),
};
static const struct rule rules_U[] = {
    R("User ", EV_USER_NOT_ALLOWED, sshd_auth_not_allowed),
    R("Unable to negotiate with ", EV_NEGOTIATION_FAILED, sshd_conn_negotiate),
    R("Unable to negotiate a key exchange method", EV_KEX_ERROR, r_whole_reason),
};
static const struct rule rules_W[] = {
    R("Write failed: ", EV_WRITE_FAILED, r_reason),
};
static const struct rule rules_b[] = {
    R("banner exchange: Connection from ", EV_BANNER_INVALID, sshd_conn_addr_port_reason),
    R("beginning MaxStartups throttling", EV_MAXSTARTUPS_THROTTLE, r_whole_reason),
};
static const struct rule rules_d[] = {
    R("drop connection #", EV_MAXSTARTUPS_DROP, sshd_conn_drop),
};
static const struct rule rules_e[] = {
    R("exited MaxStartups throttling", EV_MAXSTARTUPS_THROTTLE, r_whole_reason),
};
static const struct rule rules_n[] = {
    R("no matching ", EV_KEX_ERROR, r_whole_reason),
};
static const struct rule rules_i[] = {
    R("in MaxStartups throttling", EV_MAXSTARTUPS_THROTTLE, r_whole_reason),
    R("input_userauth_request: invalid user ", EV_USERAUTH_INVALID, sshd_auth_userauth_invalid),
};
static const struct rule rules_k[] = {
    R("kex_exchange_identification: ", EV_KEX_IDENT, r_reason),
    R("kex_protocol_error: ", EV_KEX_ERROR, r_reason),
    R("kex protocol error: ", EV_KEX_ERROR, r_reason),
};
static const struct rule rules_m[] = {
    R("maximum authentication attempts exceeded for ", EV_MAX_AUTH_EXCEEDED, sshd_auth_max_auth),
};
static const struct rule rules_p[] = {
    R(PAM_UNIX, EV_UNKNOWN, r_pam_unix),
};
static const struct rule rules_r[] = {
    R("reverse mapping checking getaddrinfo for ", EV_REVERSE_MAPPING_FAILED,
      sshd_conn_reverse_mapping),
};
static const struct rule rules_s[] = {
    R("ssh_dispatch_run_fatal: Connection from ", EV_DISPATCH_FATAL, sshd_conn_dispatch_fatal),
    R("subsystem request for ", EV_SUBSYSTEM_REQUEST, sshd_conn_subsystem),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * s[0..n) == p[0..n) for a rule's prefix (most are 9-45 bytes): the
 * differences of whole words are collected and tested once, instead of a
 * libc memcmp call whose branches depend on the length and on where the
 * texts differ (a line's type is random, so they mispredict).
 */
static inline int
prefix_eq(const char *s, const char *p, size_t n)
{
	uint64_t a, b, d = 0;
	size_t i;

	if (n < 8) {
		uint32_t x0, x1, y0, y1;

		if (n < 4)
			return memcmp(s, p, n) == 0;
		/* "PAM ", "User ", "Failed ": two overlapping words of 4 */
		memcpy(&x0, s, 4);
		memcpy(&y0, p, 4);
		memcpy(&x1, s + n - 4, 4);
		memcpy(&y1, p + n - 4, 4);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&a, s + i, 8);
		memcpy(&b, p + i, 8);
		d |= a ^ b;
	}
	memcpy(&a, s + n - 8, 8); /* the last 8 bytes, overlapping */
	memcpy(&b, p + n - 8, 8);
	return (d | (a ^ b)) == 0;
}

/*
 * A rule's handler said the line is not of its family after all: undo what
 * it set. Out of line: it is rare, and its copy of the event would make every
 * line pay for run_rules' larger stack frame.
 */
static void __attribute__((noinline)) rule_undo(struct event *ev)
{
	struct event keep = *ev;

	memset(&ev->type, 0, sizeof(*ev) - offsetof(struct event, type));
	ev->ts = keep.ts;
	ev->host = keep.host;
	ev->prog = keep.prog;
	ev->pid = keep.pid;
	ev->flags = keep.flags;
	ev->count = keep.count;
	ev->user_valid = UV_UNKNOWN;
}

static int
run_rules(const struct rule *r, size_t n, struct event *ev, const char *s, const char *e)
{
	size_t i;

	for (i = 0; i < n; i++, r++) {
		if ((size_t)(e - s) < r->len || !prefix_eq(s, r->prefix, r->len))
			continue;
		ev->type = r->type;
		if (r->fn == r_whole_reason)
			ev->reason = sc_span(s, e);
		if (r->fn(ev, s + r->len, e) == 0)
			return 0;
		rule_undo(ev);
	}
	return -1;
}

/* Classifies one of sshd's messages [s, e). Returns 0 when recognised. */
static int
sshd_msg(struct event *ev, const char *s, const char *e)
{
	/* "error: PAM: ...", "fatal: Timeout ...": the same families */
#ifdef SC_SWAR
	if (e - s >= 8) {
		/* both at once from one word: the 7 bytes of each, little-endian */
		uint64_t w = sc_ld64(s) & 0x00ffffffffffffffULL;

		if (w == 0x00203a726f727265ULL || w == 0x00203a6c61746166ULL)
			s += 7;
	} else
#endif
	    if (!SC_EAT(s, e, "error: "))
		SC_EAT(s, e, "fatal: ");
	if (s >= e)
		return -1;
	switch (*s) {
#define CASE(c, tbl)                                                                               \
	case c:                                                                                    \
		return run_rules(tbl, N(tbl), ev, s, e)
/*
 * The groups of the most frequent lines: their first rule (fn is its handler,
 * not r_whole_reason) tried here, with a direct call, then the others as
 * before. run_rules would do the same, through a loop and a pointer.
 */
#define CASE1(c, tbl, fn)                                                                          \
	case c:                                                                                    \
		if ((size_t)(e - s) >= tbl[0].len && prefix_eq(s, tbl[0].prefix, tbl[0].len)) {    \
			ev->type = tbl[0].type;                                                    \
			if (fn(ev, s + tbl[0].len, e) == 0)                                        \
				return 0;                                                          \
			rule_undo(ev);                                                             \
		}                                                                                  \
		return run_rules(tbl + 1, N(tbl) - 1, ev, s, e)
		CASE('A', rules_A);
		CASE('B', rules_B);
		CASE1('C', rules_C, r_kind_user_addr);
		CASE1('D', rules_D, r_kind_user_addr);
		CASE1('F', rules_F, sshd_auth_method);
		CASE('H', rules_H);
		CASE1('I', rules_I, r_invalid_user);
		CASE('N', rules_N);
		CASE('P', rules_P);
		CASE1('R', rules_R, sshd_conn_received_disconnect);
		CASE('S', rules_S);
		CASE('T', rules_T);
		CASE('U', rules_U);
		CASE('W', rules_W);
		CASE('b', rules_b);
		CASE('d', rules_d);
		CASE('e', rules_e);
		CASE('i', rules_i);
		CASE('k', rules_k);
		CASE('m', rules_m);
		CASE('n', rules_n);
		CASE1('p', rules_p, r_pam_unix);
		CASE('r', rules_r);
		CASE('s', rules_s);
#undef CASE1
#undef CASE
	default:
		return -1;
	}
}

/* event_type_outcome's table, here for a lookup without a call on every line */
#define OUTCOME_(id, name, out) out,
static const uint8_t outcomes[] = {EVENT_TYPES(OUTCOME_)};
#undef OUTCOME_

/* Program families. */
enum prog_kind { P_OTHER, P_SSHD, P_SFTP, P_AUX };

static enum prog_kind
prog_kind(const struct hdr *h)
{
	const char *p = h->prog, *e;

	if (h->fmt == HDR_NONE || p == NULL)
		return P_SSHD; /* no header, or no program name (NULL + 0 is undefined) */
	if (h->prog_len == 4 && memcmp(p, "sshd", 4) == 0)
		return P_SSHD; /* most lines: one compare */
	e = p + h->prog_len;
	if (SC_EAT(p, e, "sshd")) {
		if (p == e || SC_HAS(p, e, "-session") || SC_HAS(p, e, "-auth") || *p == '@' ||
		    *p == '/')
			return P_SSHD;
		return P_OTHER;
	}
	if (h->prog_len == 0)
		return P_SSHD;
	if (SC_HAS(p, e, "internal-sftp") || SC_HAS(p, e, "sftp-server"))
		return P_SFTP;
	return P_AUX;
}

static void
classify_msg(const struct hdr *h, struct event *ev, const char *s, const char *e, int depth)
{
	int rc = -1;

	/* syslog's "message repeated N times: [ MSG]" */
	if (depth == 0 && s < e && *s == 'm' && SC_HAS(s, e, "message repeated ")) {
		const char *p = s + 17;
		uint64_t n;

		if (sc_eat_u64(&p, e, &n) == 0 && SC_EAT(p, e, " times: [") && SC_ENDS(p, e, "]")) {
			SC_EAT(p, e, " ");
			ev->count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
			ev->flags |= EVF_REPEATED;
			classify_msg(h, ev, p, e - 1, 1);
			return;
		}
	}
	if (SC_CHOP(s, e, " [preauth]"))
		ev->flags |= EVF_PREAUTH;
	switch (prog_kind(h)) {
	case P_SSHD:
		rc = sshd_msg(ev, s, e);
		if (rc != 0)
			rc = aux_sftp(ev, s, e);
		break;
	case P_SFTP:
		rc = aux_sftp(ev, s, e);
		break;
	case P_AUX:
		rc = aux_classify(h, ev, s, e);
		break;
	case P_OTHER:
		if (SC_HAS(s, e, "pam_unix("))
			rc = aux_pam(ev, s, e);
		break;
	}
	if (rc != 0) {
		ev->type = EV_UNKNOWN;
		ev->outcome = OUT_INFO;
		return;
	}
	ev->outcome = outcomes[ev->type < EV__COUNT ? ev->type : EV_UNKNOWN];
	if (ev->flags & EVF_PREAUTH) {
		switch (ev->type) {
		case EV_CONN_CLOSED:
		case EV_CONN_RESET:
		case EV_RECEIVED_DISCONNECT:
		case EV_DISCONNECTED:
			ev->outcome = OUT_PROBE;
			break;
		}
	}
}

void
sshd_classify(const struct hdr *h, struct event *ev)
{
	const char *s = h->msg, *e = h->msg + h->msg_len;

	event_clear(ev);
	ev->ts = h->ts;
	if (h->host_len)
		ev->host = sc_span(h->host, h->host + h->host_len);
	if (h->prog_len)
		ev->prog = sc_span(h->prog, h->prog + h->prog_len);
	ev->pid = h->pid;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	classify_msg(h, ev, s, e, 0);
	if (ev->type == EV_UNKNOWN)
		ev->detail = sc_span(h->msg, h->msg + h->msg_len);
}

void
sshd_parse_line(struct hdr_ctx *ctx, const char *line, size_t len, struct event *ev)
{
	struct hdr h;

	hdr_parse(ctx, line, len, &h);
	sshd_classify(&h, ev);
}
