/* test_sshd_parse.c: the classifier, above all that crafted text never becomes an address. */
#include <stdlib.h>

#include "addr.h"
#include "event.h"
#include "sshd_parse.h"
#include "syslog_hdr.h"
#include "t.h"

static struct hdr_ctx ctx;
static char *cur; /* exact-size copy of the line under test: ASan catches over-reads */

static struct event
parse(const char *line)
{
	struct event ev;
	size_t n = strlen(line);

	free(cur);
	cur = malloc(n ? n : 1);
	memcpy(cur, line, n);
	hdr_ctx_init(&ctx, 1780000000); /* 2026-05-28 */
	sshd_parse_line(&ctx, cur, n, &ev);
	return ev;
}

static const char *
ip(const struct event *ev)
{
	static char buf[ADDR_STRLEN];

	addr_format(&ev->src, buf);
	return buf;
}

static char *
str(struct span sp)
{
	static char buf[4][512];
	static int i;
	char *b = buf[i++ & 3];

	if (sp.p == NULL)
		return strcpy(b, "(none)");
	snprintf(b, 512, "%.*s", (int)sp.n, sp.p);
	return b;
}

T(failed_password_basic)
{
	struct event ev =
	    parse("May 31 07:07:22 web sshd[1]: Failed password for invalid user admin "
	          "from 203.0.113.9 port 4242 ssh2");

	CHECK_INT(ev.type, EV_AUTH_FAILED);
	CHECK_INT(ev.outcome, OUT_FAILURE);
	CHECK_INT(ev.method, M_PASSWORD);
	CHECK_STR(str(ev.user), "admin");
	CHECK_INT(ev.user_valid, UV_INVALID);
	CHECK_STR(ip(&ev), "203.0.113.9");
	CHECK_INT(ev.src_port, 4242);
}

/* Each family that puts a user name before sshd's address field, with a crafted name. */
T(injection_never_moves_the_address)
{
	static const char *const lines[] = {
	    "sshd[1]: Failed password for invalid user x from 1.2.3.4 port 22 from 198.51.100.7 "
	    "port 5555 ssh2",
	    "sshd[1]: Failed password for x from 1.2.3.4 port 22 ssh2 from 198.51.100.7 port 5555 "
	    "ssh2",
	    "sshd[1]: Failed publickey for x from 1.2.3.4 port 22 ssh2: RSA SHA256:a from "
	    "198.51.100.7 port 5555 ssh2: RSA SHA256:real",
	    "sshd[1]: Invalid user x from 1.2.3.4 port 22 from 198.51.100.7 port 5555",
	    "sshd[1]: Invalid user x from 1.2.3.4 from 198.51.100.7",
	    "sshd[1]: Disconnected from invalid user x 1.2.3.4 port 22 198.51.100.7 port 5555 "
	    "[preauth]",
	    "sshd[1]: Connection closed by invalid user x 1.2.3.4 port 22 198.51.100.7 port 5555 "
	    "[preauth]",
	    "sshd[1]: Connection reset by authenticating user x 1.2.3.4 port 22 198.51.100.7 port "
	    "5555 [preauth]",
	    "sshd[1]: error: maximum authentication attempts exceeded for invalid user x from "
	    "1.2.3.4 port 22 ssh2 from 198.51.100.7 port 5555 ssh2 [preauth]",
	    "sshd[1]: Disconnecting invalid user x 1.2.3.4 port 22: Too many authentication "
	    "failures 198.51.100.7 port 5555: Too many authentication failures [preauth]",
	    "sshd[1]: User x from 1.2.3.4 not allowed because y from 198.51.100.7 not allowed "
	    "because not listed in AllowUsers",
	    "sshd[1]: error: PAM: Authentication failure for illegal user x from 1.2.3.4 from "
	    "198.51.100.7",
	    "sshd[1]: Postponed keyboard-interactive/pam for invalid user x from 1.2.3.4 port 22 "
	    "ssh2 from 198.51.100.7 port 5555 ssh2 [preauth]",
	    "sshd[1]: ssh_dispatch_run_fatal: Connection from invalid user x 1.2.3.4 port 22: y "
	    "198.51.100.7 port 5555: message authentication code incorrect [preauth]",
	    "sshd[1]: Bad protocol version identification 'SSH-2.0 from 1.2.3.4 port 22' from "
	    "198.51.100.7 port 5555",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char line[600];
		struct event ev;

		snprintf(line, sizeof(line), "May 31 07:07:22 web %s", lines[i]);
		ev = parse(line);
		if (ev.type == EV_UNKNOWN)
			T_FAIL("not recognised: %s", lines[i]);
		if (strcmp(ip(&ev), "198.51.100.7") != 0)
			T_FAIL("address %s from: %s", ip(&ev), lines[i]);
	}
}

T(injection_user_keeps_whole_text)
{
	struct event ev = parse("May 31 07:07:22 web sshd[1]: Invalid user x from 1.2.3.4 port 22 "
	                        "from 198.51.100.7 port 5555");

	CHECK_STR(str(ev.user), "x from 1.2.3.4 port 22");
	CHECK_INT(ev.src_port, 5555);
}

/* Left-anchored families: the client's free text comes after sshd's fields. */
T(client_text_after_address)
{
	struct event ev;

	ev = parse(
	    "May 31 07:07:22 web sshd[1]: Received disconnect from 198.51.100.7 port 5555:11: "
	    "from 1.2.3.4 port 22:11: x [preauth]");
	CHECK_INT(ev.type, EV_RECEIVED_DISCONNECT);
	CHECK_STR(ip(&ev), "198.51.100.7");
	CHECK_INT(ev.src_port, 5555);
	CHECK_INT(ev.n1, 11);
	CHECK_STR(str(ev.reason), "from 1.2.3.4 port 22:11: x");
	CHECK_INT(ev.outcome, OUT_PROBE);

	ev = parse("May 31 07:07:22 web sshd[1]: Unable to negotiate with 198.51.100.7 port 5555: "
	           "no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]");
	CHECK_INT(ev.type, EV_NEGOTIATION_FAILED);
	CHECK_STR(ip(&ev), "198.51.100.7");
	CHECK_STR(str(ev.detail), "host key type");
	CHECK_STR(str(ev.detail2), "ssh-rsa,ssh-dss");
}

/* A certificate ID and a user name are both free text: an ambiguous line gets no address. */
T(certificate_ambiguity)
{
	struct event ev;

	ev = parse("May 31 07:07:22 web sshd[1]: Accepted publickey for bob from 198.51.100.5 port "
	           "1022 ssh2: ED25519-CERT SHA256:abc ID bob@corp (serial 42) CA ED25519 "
	           "SHA256:def");
	CHECK_INT(ev.type, EV_AUTH_ACCEPTED);
	CHECK_STR(ip(&ev), "198.51.100.5");
	CHECK_STR(str(ev.user), "bob");
	CHECK_STR(str(ev.key_type), "ED25519-CERT");
	CHECK_STR(str(ev.key_fp), "SHA256:abc");
	CHECK_STR(str(ev.detail), "bob@corp");
	CHECK_STR(str(ev.target), "ED25519");
	CHECK_STR(str(ev.detail2), "SHA256:def");
	CHECK_INT(ev.n1, 42);
	CHECK(ev.flags & EVF_CERT);

	/* the ID imitates sshd's fields: still one real place, since the fake is not followed by
	 * "T-CERT FP ID" */
	ev =
	    parse("May 31 07:07:22 web sshd[1]: Failed publickey for x from 198.51.100.5 port 1022 "
	          "ssh2: ED25519-CERT SHA256:abc ID y from 1.2.3.4 port 22 ssh2 (serial 1) CA "
	          "ED25519 SHA256:def");
	CHECK_STR(ip(&ev), "198.51.100.5");

	/* both sides imitate: two places parse, so no address at all */
	ev = parse("May 31 07:07:22 web sshd[1]: Failed publickey for x from 1.2.3.4 port 22 ssh2: "
	           "ED25519-CERT SHA256:q ID z from 198.51.100.5 port 1022 ssh2: ED25519-CERT "
	           "SHA256:abc ID y (serial 1) CA ED25519 SHA256:def");
	CHECK_INT(ev.type, EV_AUTH_FAILED);
	CHECK_INT(ev.src.af, 0);
	CHECK(ev.user.p == NULL);
}

T(repeated_and_preauth)
{
	struct event ev = parse("May 31 07:07:22 web sshd[1]: message repeated 3 times: [ Failed "
	                        "password for root from 192.0.2.8 port 22 ssh2]");

	CHECK_INT(ev.type, EV_AUTH_FAILED);
	CHECK_INT(ev.count, 3);
	CHECK(ev.flags & EVF_REPEATED);
	CHECK_STR(ip(&ev), "192.0.2.8");
	CHECK_INT(ev.user_valid, UV_VALID);

	ev = parse("May 31 07:07:22 web sshd[1]: Connection closed by 192.0.2.8 port 22");
	CHECK_INT(ev.outcome, OUT_INFO);
	ev = parse("May 31 07:07:22 web sshd[1]: Connection closed by 192.0.2.8 port 22 [preauth]");
	CHECK_INT(ev.outcome, OUT_PROBE);
	CHECK(ev.flags & EVF_PREAUTH);
}

T(addresses)
{
	struct event ev;

	ev = parse("Invalid user a from ::ffff:192.0.2.1 port 1");
	CHECK_INT(ev.src.af, 4);
	CHECK_STR(ip(&ev), "192.0.2.1");
	ev = parse("Invalid user a from fe80::1%eth0 port 1");
	CHECK_STR(ip(&ev), "fe80::1");
	ev = parse("Invalid user a from 2001:db8::1 port 1");
	CHECK_STR(ip(&ev), "2001:db8::1");
	/* auth_log prints only numeric addresses: a name there is not sshd's line */
	ev = parse("Failed password for root from host-7.example.net port 22 ssh2");
	CHECK_INT(ev.type, EV_UNKNOWN);
	/* where sshd does print a DNS name (UseDNS), it is src_host */
	ev =
	    parse("User root from host-7.example.net not allowed because not listed in AllowUsers");
	CHECK_INT(ev.type, EV_USER_NOT_ALLOWED);
	CHECK_INT(ev.src.af, 0);
	CHECK_STR(str(ev.src_host), "host-7.example.net");
	ev = parse("User root from 203.0.113.300 not allowed because not listed in AllowUsers");
	CHECK(ev.src_host.p == NULL);
	/* a leading-zero octet is not an address (inet_aton would read it as octal) */
	ev = parse("Invalid user a from 010.1.1.1 port 1");
	CHECK_INT(ev.src.af, 0);
}

T(empty_and_spaced_users)
{
	struct event ev;

	ev = parse("May 31 07:07:22 web sshd[2]: Invalid user  from 192.0.2.1 port 1");
	CHECK_INT(ev.type, EV_INVALID_USER);
	CHECK_STR(str(ev.user), "");
	ev = parse("May 31 07:07:22 web sshd[2]: Failed password for invalid user  from 192.0.2.1 "
	           "port 1 ssh2");
	CHECK_STR(str(ev.user), "");
	CHECK_INT(ev.user_valid, UV_INVALID);
	ev = parse("May 31 07:07:22 web sshd[2]: Invalid user john smith from 192.0.2.1 port 1");
	CHECK_STR(str(ev.user), "john smith");
}

/*
 * The address and port at the end of a message are read 8 bytes at a time
 * where there are 8: ports of 0 to 7 digits, too large, with junk in the
 * last 8 bytes, and messages shorter than 8 bytes after the prefix.
 */
T(address_port_tail)
{
	static const struct {
		const char *msg;
		int type, af;
		unsigned port;
	} cases[] = {
	    {"Connection closed by 1.2.3.4 port 22", EV_CONN_CLOSED, 4, 22},
	    {"Connection closed by 1.2.3.4 port 2", EV_CONN_CLOSED, 4, 2},
	    {"Connection closed by 1.2.3.4 port 0", EV_CONN_CLOSED, 4, 0},
	    {"Connection closed by 1.2.3.4 port 65535", EV_CONN_CLOSED, 4, 65535},
	    {"Connection closed by 1.2.3.4 port 065535", EV_CONN_CLOSED, 4, 65535},
	    {"Connection closed by 1.2.3.4 port 65536", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port 999999", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port 0000022", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port ", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4  port 22", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 Port 22", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port 2\xff", EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4 port \xfa"
	     "22",
	     EV_UNKNOWN, 0, 0},
	    {"Connection closed by 1.2.3.4", EV_CONN_CLOSED, 4, 0},
	    {"Connection closed by 1.2.3.44", EV_CONN_CLOSED, 4, 0},
	    {"Connection closed by 12345678", EV_UNKNOWN, 0, 0},
	    {"Connection closed by ::1", EV_CONN_CLOSED, 6, 0},
	    {"Connection closed by ::1 port 7", EV_CONN_CLOSED, 6, 7},
	    {"Connection closed by 1::", EV_CONN_CLOSED, 6, 0},
	    {"Connection closed by 1:2", EV_UNKNOWN, 0, 0},
	    {"Connection closed by ", EV_UNKNOWN, 0, 0},
	    {"Connection reset by 10.0.0.1 port 1", EV_CONN_RESET, 4, 1},
	    {"Did not receive identification string from 10.0.0.1", EV_NO_IDENT, 4, 0},
	    {"Invalid user port from 10.0.0.1 port 12345", EV_INVALID_USER, 4, 12345},
	    {"Invalid user a from 1.2.3.4 port 22 port 33", EV_UNKNOWN, 0, 0},
	    {"Invalid user a from port 22", EV_UNKNOWN, 0, 0},
	};
	size_t i;
	char line[160];
	struct event ev;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* bare (sshd -E) and with a header: the message is the same */
		snprintf(line, sizeof(line), "%s%s", i % 2 ? "May 31 07:07:22 web sshd[1]: " : "",
		         cases[i].msg);
		ev = parse(line);
		if (ev.type != cases[i].type || ev.src.af != cases[i].af ||
		    ev.src_port != cases[i].port)
			T_FAIL("\"%s\": type %d af %d port %u, want %d %d %u", cases[i].msg,
			       ev.type, ev.src.af, ev.src_port, cases[i].type, cases[i].af,
			       cases[i].port);
	}
}

T(unknown_keeps_message)
{
	struct event ev = parse("May 31 07:07:22 web kernel: [1.0] usb 1-1: new device");

	CHECK_INT(ev.type, EV_UNKNOWN);
	CHECK_STR(str(ev.detail), "[1.0] usb 1-1: new device");
	ev = parse("");
	CHECK_INT(ev.type, EV_UNKNOWN);
	ev = parse("sshd[1]: Failed to release session");
	CHECK_INT(ev.type, EV_UNKNOWN);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	T_RUN(failed_password_basic);
	T_RUN(injection_never_moves_the_address);
	T_RUN(injection_user_keeps_whole_text);
	T_RUN(client_text_after_address);
	T_RUN(certificate_ambiguity);
	T_RUN(repeated_and_preauth);
	T_RUN(addresses);
	T_RUN(empty_and_spaced_users);
	T_RUN(unknown_keeps_message);
	T_RUN(address_port_tail);
	free(cur);
	return T_END();
}
