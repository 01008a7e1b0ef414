/* test_conf.c: the daemon's configuration: every key, defaults, refusals, commands, files. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_argv.h"
#include "conf_write.h"
#include "conf_fixture.h"
#include "t.h"
#include "tfile.h"

/* Refused with exactly the error msg, *c left empty, errno EINVAL. */
#define ERR(text, msg)                                                                             \
	do {                                                                                       \
		struct conf c_;                                                                    \
		char e_[1024] = "x";                                                               \
		errno = 0;                                                                         \
		if (conf_load_string((text), "t.conf", &c_, e_, sizeof(e_)) != -1) {               \
			T_FAIL("accepted: %s", (text));                                            \
			conf_free(&c_);                                                            \
		} else if (strcmp(e_, (msg)) != 0) {                                               \
			T_FAIL("error \"%s\", expected \"%s\"", e_, (msg));                        \
		} else if (c_.path != NULL || c_.jails != NULL || c_.allow != NULL ||              \
		           errno != EINVAL) {                                                      \
			T_FAIL("not emptied after \"%s\" (errno %d)", e_, errno);                  \
		}                                                                                  \
	} while (0)

static int
cidr_is(const struct cidr *c, const char *text)
{
	struct cidr w;

	return cidr_parse(text, &w) == 0 && w.bits == c->bits && addr_eq(&w.net, &c->net);
}

/* Checks that argv (NULL-terminated) is exactly the n strings of want. */
static void
check_argv(char *const *argv, const char *const *want, size_t n, int line)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (argv == NULL || argv[i] == NULL) {
			T_FAIL("line %d: argv has %zu arguments, expected %zu", line, i, n);
			return;
		}
		if (strcmp(argv[i], want[i]) != 0)
			T_FAIL("line %d: argv[%zu] == \"%s\", expected \"%s\"", line, i, argv[i],
			       want[i]);
	}
	if (argv[n] != NULL)
		T_FAIL("line %d: argv has more than %zu arguments (\"%s\")", line, n, argv[n]);
}
#define ARGV(argv, ...)                                                                            \
	do {                                                                                       \
		static const char *const w_[] = {__VA_ARGS__};                                     \
		check_argv((argv), w_, sizeof(w_) / sizeof(w_[0]), __LINE__);                      \
	} while (0)

static void
check_defaults(const struct conf_jail *j)
{
	CHECK_INT(j->enabled, 1);
	CHECK_INT(j->replay, 0);
	CHECK_INT(j->maxretry, 5);
	CHECK_INT(j->findtime, 600);
	CHECK_INT(j->bantime, 600);
	CHECK_INT(j->bantime_max, 604800);
	CHECK_INT(j->increment, 1);
	CHECK(j->factor == 2);
	CHECK_INT(j->permanent_after, 0);
	CHECK_INT(j->ipv4_prefix, 32);
	CHECK_INT(j->ipv6_prefix, 64);
	CHECK(j->w_failure == 1);
	CHECK(j->w_probe == 0.5);
	CHECK(j->w_negotiation == 0.25);
}

/* The shipped sample loads, and says what the defaults are. */
T(sample)
{
	struct conf c;
	char err[1024] = "";

	if (conf_load("etc/authwatch.conf", &c, err, sizeof(err)) != 0) {
		T_FAIL("etc/authwatch.conf: %s", err);
		return;
	}
	CHECK_STR(c.path, "etc/authwatch.conf");
	CHECK_STR(c.socket, "/run/authwatch/control.sock");
	CHECK_STR(c.database, "/var/lib/authwatch/state.db");
	CHECK_INT(c.firewall, CONF_FW_NFTABLES);
	CHECK(c.dryrun_path == NULL);
	CHECK(c.ban_argv == NULL);
	CHECK(c.unban_argv == NULL);
	CHECK_INT(c.nallow, 2);
	CHECK(c.nallow == 2 && cidr_is(&c.allow[0], "127.0.0.0/8") && cidr_is(&c.allow[1], "::1"));
	CHECK_INT(c.njails, 1);
	if (c.njails == 1) {
		CHECK_STR(c.jails[0].name, "sshd");
		CHECK_INT(c.jails[0].nsources, 1);
		CHECK_STR(c.jails[0].sources[0], "/var/log/auth.log");
		check_defaults(&c.jails[0]);
		CHECK_INT(c.jails[0].nallow, 2);
	}
	conf_free(&c);
	CHECK(c.path == NULL && c.jails == NULL && c.njails == 0);
	conf_free(&c); /* a zeroed conf is fine */
	conf_free(NULL);
}

T(defaults)
{
	struct conf c;

	if (load(JAIL, &c) != 0)
		return;
	CHECK_STR(c.path, "t.conf");
	CHECK_STR(c.socket, "/run/authwatch/control.sock");
	CHECK_STR(c.database, "/var/lib/authwatch/state.db");
	CHECK_INT(c.history, 30 * 86400);
	CHECK_INT(c.firewall, CONF_FW_NFTABLES);
	CHECK_INT(c.njails, 1);
	check_defaults(&c.jails[0]);
	conf_free(&c);

	/* bantime.max follows a bantime longer than its default week */
	if (load(JAIL "bantime = 2w\n", &c) != 0)
		return;
	CHECK_INT(c.jails[0].bantime, 1209600);
	CHECK_INT(c.jails[0].bantime_max, 1209600);
	conf_free(&c);
}

T(every_key)
{
	struct conf c;
	const struct conf_jail *j;

	if (load("[daemon]\n"
	         "socket = /tmp/aw/ctl.sock\n"
	         "database = /tmp/aw/state.db\n"
	         "history = 1w1d\n"
	         "firewall = dryrun:/tmp/aw/decisions.log\n"
	         "allow = 192.0.2.10 198.51.100.0/24, 2001:db8::/32\n"
	         "ban_command = /usr/sbin/ipset add blk {ip}/{prefix} timeout {seconds}\n"
	         "unban_command = /usr/sbin/ipset del blk {ip}/{prefix}\n"
	         "[ssh-main]\n"
	         "enabled = no\n"
	         "source = /var/log/auth.log* /var/log/secure journal journal:ssh.service\n"
	         "replay = yes\n"
	         "maxretry = 4\n"
	         "findtime = 1h30m\n"
	         "bantime = 2h\n"
	         "bantime.increment = off\n"
	         "bantime.factor = 1.5\n"
	         "bantime.max = 30d\n"
	         "bantime.permanent_after = 3\n"
	         "ipv4.prefix = 24\n"
	         "ipv6.prefix = /56\n"
	         "weight.failure = 2\n"
	         "weight.probe = 0.75\n"
	         "weight.negotiation = 0\n"
	         "ignoreip = 203.0.113.7\n",
	         &c) != 0)
		return;
	CHECK_STR(c.socket, "/tmp/aw/ctl.sock");
	CHECK_STR(c.database, "/tmp/aw/state.db");
	CHECK_INT(c.history, 8 * 86400);
	CHECK_INT(c.firewall, CONF_FW_DRYRUN);
	CHECK_STR(c.dryrun_path, "/tmp/aw/decisions.log");
	ARGV(c.ban_argv, "/usr/sbin/ipset", "add", "blk", "{ip}/{prefix}", "timeout", "{seconds}");
	ARGV(c.unban_argv, "/usr/sbin/ipset", "del", "blk", "{ip}/{prefix}");
	CHECK_INT(c.nallow, 5);
	if (c.nallow == 5) {
		CHECK(cidr_is(&c.allow[0], "127.0.0.0/8"));
		CHECK(cidr_is(&c.allow[1], "::1"));
		CHECK(cidr_is(&c.allow[2], "192.0.2.10"));
		CHECK(cidr_is(&c.allow[3], "198.51.100.0/24"));
		CHECK(cidr_is(&c.allow[4], "2001:db8::/32"));
	}
	CHECK_INT(c.njails, 1);
	j = &c.jails[0];
	CHECK_STR(j->name, "ssh-main");
	CHECK_INT(j->enabled, 0);
	CHECK_INT(j->nsources, 4);
	if (j->nsources == 4) {
		CHECK_STR(j->sources[0], "/var/log/auth.log*");
		CHECK_STR(j->sources[1], "/var/log/secure");
		CHECK_STR(j->sources[2], "journal");
		CHECK_STR(j->sources[3], "journal:ssh.service");
	}
	CHECK_INT(j->replay, 1);
	CHECK_INT(j->maxretry, 4);
	CHECK_INT(j->findtime, 5400);
	CHECK_INT(j->bantime, 7200);
	CHECK_INT(j->increment, 0);
	CHECK(j->factor == 1.5);
	CHECK_INT(j->bantime_max, 30 * 86400);
	CHECK_INT(j->permanent_after, 3);
	CHECK_INT(j->ipv4_prefix, 24);
	CHECK_INT(j->ipv6_prefix, 56);
	CHECK(j->w_failure == 2);
	CHECK(j->w_probe == 0.75);
	CHECK(j->w_negotiation == 0);
	CHECK_INT(j->nallow, 6);
	if (j->nallow == 6) {
		CHECK(cidr_is(&j->allow[0], "127.0.0.0/8"));
		CHECK(cidr_is(&j->allow[4], "2001:db8::/32"));
		CHECK(cidr_is(&j->allow[5], "203.0.113.7"));
	}
	conf_free(&c);

	/* history = 0 keeps every ban; it is not "unset" (the default is 30 days) */
	if (load("[daemon]\nhistory = 0\n" JAIL, &c) == 0)
		CHECK_INT(c.history, 0);
	conf_free(&c);
	ERR("[daemon]\nhistory = -1\n" JAIL, "t.conf:2: bad history '-1': expected a duration "
	                                     "such as 30s, 10m, 1h, 2d, 1w or 1h30m");
	ERR(JAIL "history = 1d\n", "t.conf:3: 'history' belongs in [daemon], not in jail [sshd]");

	/* the other backends */
	if (load("[daemon]\nfirewall = ipset\n" JAIL, &c) == 0)
		CHECK_INT(c.firewall, CONF_FW_IPSET);
	conf_free(&c);
	if (load("[daemon]\nfirewall = command\nban_command = /bin/true {ip}\n" JAIL, &c) == 0) {
		CHECK_INT(c.firewall, CONF_FW_COMMAND);
		ARGV(c.ban_argv, "/bin/true", "{ip}");
		CHECK(c.unban_argv == NULL);
	}
	conf_free(&c);
	if (load("[daemon]\nfirewall = nftables\n" JAIL, &c) == 0)
		CHECK_INT(c.firewall, CONF_FW_NFTABLES);
	conf_free(&c);
}

T(booleans_numbers_durations)
{
	static const char *const yes[] = {"yes", "YES", "true", "True", "on", "1"};
	static const char *const no[] = {"no", "No", "false", "FALSE", "off", "0"};
	struct conf c;
	char text[256];
	size_t i;

	for (i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), JAIL "replay = %s\nenabled = %s\n", yes[i], no[i]);
		if (load(text, &c) == 0) {
			CHECK_INT(c.jails[0].replay, 1);
			CHECK_INT(c.jails[0].enabled, 0);
		}
		conf_free(&c);
	}
	if (load(JAIL "findtime = 90\nbantime = 1w2d3h4m5s\nmaxretry = 10000\n"
	              "bantime.factor = 1000\nweight.probe = 63.75\nweight.failure = 0.250000\n"
	              "ipv4.prefix = 1\nipv6.prefix = 128\n",
	         &c) == 0) {
		CHECK_INT(c.jails[0].findtime, 90);
		CHECK_INT(c.jails[0].bantime, 788645);
		CHECK_INT(c.jails[0].bantime_max, 788645);
		CHECK_INT(c.jails[0].maxretry, 10000);
		CHECK(c.jails[0].factor == 1000);
		CHECK(c.jails[0].w_probe == 63.75);
		CHECK(c.jails[0].w_failure == 0.25);
		CHECK_INT(c.jails[0].ipv4_prefix, 1);
		CHECK_INT(c.jails[0].ipv6_prefix, 128);
	}
	conf_free(&c);
	if (load(JAIL "bantime.factor = 1.000001\nbantime = 1h\nbantime.max = 1h\n", &c) == 0) {
		CHECK(c.jails[0].factor == 1.000001);
		CHECK_INT(c.jails[0].bantime_max, 3600);
	}
	conf_free(&c);
}

/* Each value a key refuses, with the form it expects. */
T(bad_values)
{
	/* "key =;x" is ";x" to libinih, but written back as "key = ;x" it would be a comment */
	ERR("[sshd]\nsource =;/var/log/auth.log\n", "t.conf:2: the value of 'source' starts with "
	                                            "';', which after a space starts a comment: "
	                                            "remove it, or put the comment after a space");
	ERR(JAIL "maxretry = 0\n",
	    "t.conf:3: bad maxretry '0': expected a whole number from 1 to 10000");
	ERR(JAIL "maxretry = -1\n",
	    "t.conf:3: bad maxretry '-1': expected a whole number from 1 to 10000");
	ERR(JAIL "maxretry = 10001\n",
	    "t.conf:3: bad maxretry '10001': expected a whole number from 1 to 10000");
	ERR(JAIL "maxretry = 99999999999999999999\n",
	    "t.conf:3: bad maxretry '99999999999999999999': expected a whole number from 1 to "
	    "10000");
	ERR(JAIL "maxretry = 5 in 10m\n",
	    "t.conf:3: bad maxretry '5 in 10m': expected a whole number from 1 to 10000");
	ERR(JAIL "maxretry =\n",
	    "t.conf:3: bad maxretry '': expected a whole number from 1 to 10000");
	ERR(JAIL "findtime = 0\n", "t.conf:3: bad findtime '0': must be longer than 0");
	ERR(JAIL "bantime = 0s\n", "t.conf:3: bad bantime '0s': must be longer than 0");
	ERR(JAIL "bantime = -1\n", "t.conf:3: bad bantime '-1': for permanent bans write "
	                           "bantime.permanent_after = N (the Nth ban is permanent)");
	ERR(JAIL "findtime = 10 minutes\n",
	    "t.conf:3: bad findtime '10 minutes': expected a duration such as 30s, 10m, 1h, 2d, 1w "
	    "or 1h30m");
	ERR(JAIL "bantime.max = 1y\n",
	    "t.conf:3: bad bantime.max '1y': expected a duration such as 30s, 10m, 1h, 2d, 1w or "
	    "1h30m");
	ERR(JAIL "bantime.factor = 0.5\n",
	    "t.conf:3: bad bantime.factor '0.5': expected a number from 1 to 1000 such as 1.5 (at "
	    "most 6 decimals)");
	ERR(JAIL "bantime.factor = 1.0000001\n", "t.conf:3: bad bantime.factor '1.0000001': "
	                                         "expected a number from 1 to 1000 such as 1.5 "
	                                         "(at most 6 decimals)");
	ERR(JAIL "bantime.factor = 1e3\n",
	    "t.conf:3: bad bantime.factor '1e3': expected a number from 1 to 1000 such as 1.5 (at "
	    "most 6 decimals)");
	ERR(JAIL "bantime.factor = 2,5\n",
	    "t.conf:3: bad bantime.factor '2,5': expected a number from 1 to 1000 such as 1.5 (at "
	    "most 6 decimals)");
	ERR(JAIL "bantime.permanent_after = never\n",
	    "t.conf:3: bad bantime.permanent_after 'never': expected a whole number from 0 (never) "
	    "to 1000000");
	ERR(JAIL "weight.probe = 0.3\n",
	    "t.conf:3: bad weight.probe '0.3': expected a multiple of 0.25 from 0 (not counted) to "
	    "63.75, such as 0.5");
	ERR(JAIL "weight.failure = 64\n", "t.conf:3: bad weight.failure '64': expected a multiple "
	                                  "of 0.25 from 0 (not counted) to "
	                                  "63.75, such as 0.5");
	ERR(JAIL "weight.negotiation = -0.25\n",
	    "t.conf:3: bad weight.negotiation '-0.25': expected a multiple of 0.25 from 0 (not "
	    "counted) to 63.75, such as 0.5");
	ERR(JAIL "ipv6.prefix = 129\n",
	    "t.conf:3: bad ipv6.prefix '129': expected a prefix length from 1 to 128");
	ERR(JAIL "ipv6.prefix = 0\n",
	    "t.conf:3: bad ipv6.prefix '0': expected a prefix length from 1 to 128");
	ERR(JAIL "ipv4.prefix = 33\n",
	    "t.conf:3: bad ipv4.prefix '33': expected a prefix length from 1 to 32");
	ERR(JAIL "enabled = maybe\n",
	    "t.conf:3: bad enabled 'maybe': expected yes or no (also true/false, on/off, 1/0)");
	ERR(JAIL "bantime.increment = y\n", "t.conf:3: bad bantime.increment 'y': expected yes or "
	                                    "no (also true/false, on/off, 1/0)");
	ERR("[daemon]\nfirewall = iptables\n" JAIL,
	    "t.conf:2: bad firewall 'iptables': expected nftables, ipset, command or dryrun:PATH");
	ERR("[daemon]\nfirewall = dryrun\n" JAIL,
	    "t.conf:2: bad firewall 'dryrun': dryrun needs a file, such as "
	    "dryrun:/var/log/authwatch/decisions.log");
	ERR("[daemon]\nfirewall = dryrun:\n" JAIL,
	    "t.conf:2: bad firewall 'dryrun:': dryrun needs a file, such as "
	    "dryrun:/var/log/authwatch/decisions.log");
	ERR("[daemon]\nsocket =\n" JAIL, "t.conf:2: bad socket '': expected a path");
	ERR("[daemon]\ndatabase =\n" JAIL, "t.conf:2: bad database '': expected a path");
	ERR("[daemon]\nallow = example.com\n" JAIL,
	    "t.conf:2: bad allow entry 'example.com': expected an address or network such as "
	    "192.0.2.7, 192.0.2.0/24 or 2001:db8::/48 (host names are not resolved)");
	ERR(JAIL "ignoreip = 10.0.0.0/33\n",
	    "t.conf:3: bad ignoreip entry '10.0.0.0/33': expected an address or network such as "
	    "192.0.2.7, 192.0.2.0/24 or 2001:db8::/48 (host names are not resolved)");
	ERR(JAIL "allow = ::/0\n",
	    "t.conf:3: allow entry '::/0' covers every address: nothing would ever be banned");
	ERR("[sshd]\nsource = journal:var/log/journal\n",
	    "t.conf:2: bad source 'journal:var/log/journal': journal:UNIT takes a systemd unit "
	    "such as journal:ssh.service (or journal:/DIR, a directory of journal files)");
	ERR("[sshd]\nsource = journal:\n",
	    "t.conf:2: bad source 'journal:': journal:UNIT takes a systemd unit such as "
	    "journal:ssh.service (or journal:/DIR, a directory of journal files)");
	ERR("[sshd]\nsource = /var/log/auth.log\n  /var/log/auth.log\n",
	    "t.conf:3: source '/var/log/auth.log' is listed twice");
}

/* What spans keys, sections and the whole file. */
T(bad_structure)
{
	ERR(JAIL "bantime = 1h\nbantime.max = 30m\n",
	    "t.conf:4: bantime.max (30m) is shorter than bantime (1h)");
	ERR(JAIL "weight.failure = 0\nweight.probe = 0\nweight.negotiation = 0\n",
	    "t.conf:3: jail [sshd] weighs nothing (every weight.* is 0): it could never ban; set "
	    "enabled = no to turn it off");
	ERR("[daemon]\nsocket = /s\nfirewall = command\n" JAIL,
	    "t.conf:3: firewall = command needs ban_command, such as ban_command = /usr/sbin/ipset "
	    "add blk {ip}/{prefix} timeout {seconds}");
	ERR("[daemon]\nfirewall = command\nban_command =\n" JAIL,
	    "t.conf:2: firewall = command needs ban_command, such as ban_command = /usr/sbin/ipset "
	    "add blk {ip}/{prefix} timeout {seconds}");
	ERR("[sshd]\nmaxretry = 3\n[other]\nsource = /x\n",
	    "t.conf:1: jail [sshd] has no source (such as source = /var/log/auth.log, or journal)");
	ERR("[sshd]\n", "t.conf:1: jail [sshd] has no source (such as source = /var/log/auth.log, "
	                "or journal)");
	ERR("[sshd]\nsource =\n", "t.conf:2: source is empty: name log files or globs, journal or "
	                          "journal:UNIT");
	ERR("", "t.conf: no jail: add a section such as [sshd] with source = /var/log/auth.log");
	ERR("; only comments\n\n[daemon]\nsocket = /s\n",
	    "t.conf: no jail: add a section such as [sshd] with source = /var/log/auth.log");
	ERR(JAIL "[sshd]\nsource = /b\n", "t.conf:3: duplicate jail [sshd] (first on line 1)");
	ERR("[daemon]\n" JAIL "[daemon]\n",
	    "t.conf:4: duplicate section [daemon] (first on line 1)");
	ERR(JAIL "maxretry = 3\nfindtime = 1m\nmaxretry = 4\n",
	    "t.conf:5: duplicate key 'maxretry' (already set on line 3)");
	ERR(JAIL "source = /b\n", "t.conf:3: duplicate key 'source' (already set on line 2)");
	ERR(JAIL "allow = 192.0.2.1\nignoreip = 192.0.2.2\n",
	    "t.conf:4: duplicate key 'ignoreip' (already set on line 3 as 'allow'; continue a list "
	    "on indented lines)");
	ERR("maxretry = 3\n" JAIL, "t.conf:1: 'maxretry' is outside any section: put it under "
	                           "[daemon] or a jail such as [sshd]");
	ERR("[daemon]\nmaxretry = 3\n" JAIL,
	    "t.conf:2: 'maxretry' belongs in a jail section such as [sshd], not in [daemon]");
	ERR(JAIL "socket = /run/x.sock\n",
	    "t.conf:3: 'socket' belongs in [daemon], not in jail [sshd]");
	ERR(JAIL "ban_command = /bin/true\n",
	    "t.conf:3: 'ban_command' belongs in [daemon], not in jail [sshd]");
	ERR("[Daemon]\n" JAIL, "t.conf:1: section names are case-sensitive: write [daemon]");
	ERR("[DEFAULT]\nmaxretry = 3\n" JAIL, "t.conf:1: [DEFAULT] is Fail2Ban's: authwatch has no "
	                                      "defaults section, set the keys in each jail");
	ERR("[ssh d]\nsource = /x\n", "t.conf:1: bad jail name 'ssh d': 1 to 32 letters, digits, "
	                              "'_', '-' or '.', starting with a letter or digit");
	ERR("[-sshd]\nsource = /x\n", "t.conf:1: bad jail name '-sshd': 1 to 32 letters, digits, "
	                              "'_', '-' or '.', starting with a letter or digit");
	ERR("[]\nsource = /x\n", "t.conf:1: bad jail name '': 1 to 32 letters, digits, '_', '-' or "
	                         "'.', starting with a letter or digit");
	ERR("[a23456789012345678901234567890123]\nsource = /x\n",
	    "t.conf:1: bad jail name 'a23456789012345678901234567890123': 1 to 32 letters, digits, "
	    "'_', '-' or '.', starting with a letter or digit");
}

/* Lines libinih cannot parse (it only gives a line number): the reason is ours. */
T(bad_lines)
{
	ERR(JAIL "maxretry 3\n",
	    "t.conf:3: expected 'key = value', '[section]' or a comment, not 'maxretry 3'");
	ERR(JAIL "maxretry\n", "t.conf:3: 'maxretry' has no value: write maxretry = VALUE");
	ERR(JAIL "maxretry ; = 3\n", "t.conf:3: 'maxretry' has no value: write maxretry = VALUE");
	ERR(JAIL "a b c ; = 3\n",
	    "t.conf:3: expected 'key = value', '[section]' or a comment, not 'a b c'");
	ERR(JAIL "= 3\n", "t.conf:3: missing key name before '='");
	ERR("[sshd\nsource = /x\n", "t.conf:1: missing ']' at the end of the section header");
	ERR("[sshd ; comment]\nsource = /x\n",
	    "t.conf:1: missing ']' at the end of the section header");
	ERR("[sshd] source = /x\n", "t.conf:1: unexpected text after ']': 'source = /x'");
	ERR(JAIL "maxretry = 3\n\tbantime = 1h\n",
	    "t.conf:4: this indented line would continue 'maxretry' (libinih reads indented lines "
	    "so): remove the indentation of 'bantime'");
	ERR(JAIL "maxretry = 3\n\t4\n",
	    "t.conf:4: this indented line continues 'maxretry', which takes one value (remove the "
	    "indentation if it is a new key)");
	ERR(JAIL "allow = 192.0.2.1\n  [other]\nsource = /x\n",
	    "t.conf:4: an indented line after a key continues its value: remove the indentation of "
	    "this [section] header");
	ERR(JAIL "maxretry = 3\x01\n",
	    "t.conf:3: byte 0x01 (column 13) is not text: is this a configuration file?");
	ERR(JAIL "maxretry = 3\rbantime = 1h\n",
	    "t.conf:3: byte 0x0d (column 13) is not text: is this a configuration file?");
	ERR(JAIL "\x7f\n", "t.conf:3: byte 0x7f (column 1) is not text: is this a configuration "
	                   "file?");
}

/* Unknown keys, with the nearest known one when it is close, and Fail2Ban's names. */
T(unknown_keys)
{
	ERR(JAIL "maxretries = 3\n",
	    "t.conf:3: unknown key 'maxretries' (did you mean 'maxretry'?)");
	ERR(JAIL "MaxRetry = 3\n", "t.conf:3: unknown key 'MaxRetry' (did you mean 'maxretry'?)");
	ERR(JAIL "find_time = 1h\n",
	    "t.conf:3: unknown key 'find_time' (did you mean 'findtime'?)");
	ERR(JAIL "bantime.incremnet = yes\n",
	    "t.conf:3: unknown key 'bantime.incremnet' (did you mean 'bantime.increment'?)");
	ERR(JAIL "ipv6prefix = 48\n",
	    "t.conf:3: unknown key 'ipv6prefix' (did you mean 'ipv6.prefix'?)");
	ERR(JAIL "weight.failures = 1\n",
	    "t.conf:3: unknown key 'weight.failures' (did you mean 'weight.failure'?)");
	ERR(JAIL "ignore_ip = 192.0.2.1\n",
	    "t.conf:3: unknown key 'ignore_ip' (did you mean 'ignoreip'?)");
	ERR("[daemon]\nsockte = /x\n" JAIL,
	    "t.conf:2: unknown key 'sockte' (did you mean 'socket'?)");
	ERR("[daemon]\ndatabse = /x\n" JAIL,
	    "t.conf:2: unknown key 'databse' (did you mean 'database'?)");
	ERR(JAIL "colour = blue\n", "t.conf:3: unknown key 'colour'");
	ERR(JAIL "x = 1\n", "t.conf:3: unknown key 'x'");
	ERR(JAIL "logpath = /var/log/auth.log\n",
	    "t.conf:3: unknown key 'logpath' (Fail2Ban's logpath is source here: files, globs, "
	    "journal or journal:UNIT)");
	ERR(JAIL "bantime.maxtime = 1w\n",
	    "t.conf:3: unknown key 'bantime.maxtime' (Fail2Ban's bantime.maxtime is bantime.max "
	    "here)");
	ERR(JAIL "backend = systemd\n",
	    "t.conf:3: unknown key 'backend' (to read the systemd journal write source = journal "
	    "(or journal:ssh.service))");
	ERR("[daemon]\ndbpurgeage = 1d\n" JAIL,
	    "t.conf:2: unknown key 'dbpurgeage' (Fail2Ban's dbpurgeage is history here, in "
	    "[daemon])");
	ERR(JAIL "port = ssh\n",
	    "t.conf:3: unknown key 'port' (a ban blocks every port of the address)");
}

T(allow_lists)
{
	struct conf c;
	const struct conf_jail *j;

	/* loopback is there even when allow is empty or omits it; duplicates are dropped */
	if (load("[daemon]\nallow =\n" JAIL, &c) == 0) {
		CHECK_INT(c.nallow, 2);
		CHECK_INT(c.jails[0].nallow, 2);
	}
	conf_free(&c);
	if (load("[daemon]\nallow = ::1, 10.0.0.0/8 10.1.2.3/8 127.0.0.0/8\n" JAIL, &c) == 0) {
		CHECK_INT(c.nallow, 3);
		CHECK(c.nallow == 3 && cidr_is(&c.allow[2], "10.0.0.0/8"));
	}
	conf_free(&c);
	/* the jail's list: the daemon's (written after the jail, too), then its own */
	if (load("[a]\nsource = /x\nallow = 192.0.2.0/24 10.0.0.0/8\n"
	         "[b]\nsource = /y\n"
	         "[daemon]\nignoreip = 10.0.0.0/8\n",
	         &c) == 0) {
		CHECK_INT(c.nallow, 3);
		j = &c.jails[0];
		CHECK_INT(j->nallow, 4);
		if (j->nallow == 4) {
			CHECK(cidr_is(&j->allow[0], "127.0.0.0/8"));
			CHECK(cidr_is(&j->allow[1], "::1"));
			CHECK(cidr_is(&j->allow[2], "10.0.0.0/8"));
			CHECK(cidr_is(&j->allow[3], "192.0.2.0/24"));
		}
		CHECK_INT(c.jails[1].nallow, 3);
	}
	conf_free(&c);
	/* an IPv4-mapped network is an IPv4 one */
	if (load(JAIL "allow = ::ffff:192.0.2.0/120\n", &c) == 0)
		CHECK(c.jails[0].nallow == 3 && cidr_is(&c.jails[0].allow[2], "192.0.2.0/24"));
	conf_free(&c);
}

/* Indented lines continue a list (Fail2Ban style); inline comments are cut there too. */
T(continuation)
{
	struct conf c;

	if (load("[daemon]\n"
	         "allow = 192.0.2.1 ; the office\n"
	         "    192.0.2.2   ; home\n"
	         "\n"
	         "; a comment between\n"
	         "\t2001:db8::/48\n"
	         "ban_command = /usr/sbin/ipset add blk\n"
	         "\t{ip} \"timeout\" {seconds}\n"
	         "[sshd]\n"
	         "source =\n"
	         "  /var/log/auth.log\n"
	         "  journal:ssh.service\n"
	         "maxretry = 4\n",
	         &c) != 0)
		return;
	CHECK_INT(c.nallow, 5);
	CHECK(c.nallow == 5 && cidr_is(&c.allow[3], "192.0.2.2") &&
	      cidr_is(&c.allow[4], "2001:db8::/48"));
	ARGV(c.ban_argv, "/usr/sbin/ipset", "add", "blk", "{ip}", "timeout", "{seconds}");
	CHECK_INT(c.jails[0].nsources, 2);
	CHECK(c.jails[0].nsources == 2 &&
	      strcmp(c.jails[0].sources[1], "journal:ssh.service") == 0);
	CHECK_INT(c.jails[0].maxretry, 4);
	conf_free(&c);

	/* an indented first key is a key, not a continuation; CRLF and a BOM are fine */
	if (load("\xEF\xBB\xBF[sshd]\r\n  source = /x\r\nmaxretry = 2\r\n", &c) == 0) {
		CHECK_STR(c.jails[0].sources[0], "/x");
		CHECK_INT(c.jails[0].maxretry, 2);
	}
	conf_free(&c);
	/* but an indented key after another is more of its value for libinih: refused */
	ERR("[sshd]\n  source = /x\n  maxretry = 2\n",
	    "t.conf:3: this indented line would continue 'source' (libinih reads indented lines "
	    "so): remove the indentation of 'maxretry'");
	ERR("[daemon]\nallow = 192.0.2.1\n\tignoreip: 192.0.2.2\n" JAIL,
	    "t.conf:3: this indented line would continue 'allow' (libinih reads indented lines "
	    "so): remove the indentation of 'ignoreip'");
	/* ':' separates too (Python's configparser); '#' starts a comment line */
	if (load("# comment\n[sshd]\nsource: /x\nmaxretry : 7\n", &c) == 0)
		CHECK_INT(c.jails[0].maxretry, 7);
	conf_free(&c);
}

T(argv_split)
{
	struct conf c;

	if (load("[daemon]\n"
	         "ban_command = /bin/cmd  plain \"two words\" 'single quoted \\n' a\\ b \\\"q\\\" "
	         "\"\" "
	         "\"in \\\"quotes\\\" \\\\ x\" mixed\"a b\"'c d'e x\\;y \"semi \\; colon\" {}{ip "
	         "{ip\n"
	         "unban_command = /bin/tab\targ\t\"{jail}\"\n" JAIL,
	         &c) != 0)
		return;
	ARGV(c.ban_argv, "/bin/cmd", "plain", "two words", "single quoted \\n", "a b", "\"q\"", "",
	     "in \"quotes\" \\ x", "mixeda bc de", "x;y", "semi ; colon", "{}{ip", "{ip");
	ARGV(c.unban_argv, "/bin/tab", "arg", "{jail}");
	conf_free(&c);

	ERR("[daemon]\nban_command = /bin/x \"open\n" JAIL,
	    "t.conf:2: bad ban_command: a double quote is not closed (quotes do not span lines)");
	ERR("[daemon]\nban_command = /bin/x 'open\n" JAIL,
	    "t.conf:2: bad ban_command: a single quote is not closed (quotes do not span lines)");
	ERR("[daemon]\nunban_command = /bin/x y\\\n" JAIL,
	    "t.conf:2: bad unban_command: it ends with a backslash");
	ERR("[daemon]\nban_command = ipset add blk {ip}\n" JAIL,
	    "t.conf:2: bad ban_command: the program 'ipset' must be an absolute path such as "
	    "/usr/sbin/ipset (no PATH search, no shell)");
	ERR("[daemon]\nban_command = /usr/sbin/{jail}-ban {ip}\n" JAIL,
	    "t.conf:2: bad ban_command: the program '/usr/sbin/{jail}-ban' cannot contain a "
	    "placeholder");
	ERR("[daemon]\nban_command = /usr/sbin/ipset add blk {ip}/{mask}\n" JAIL,
	    "t.conf:2: bad ban_command: unknown placeholder {mask} (known: {ip} {prefix} {seconds} "
	    "{jail})");
	ERR("[daemon]\nban_command = /bin/x\n  --ban={IP}\n" JAIL,
	    "t.conf:3: bad ban_command: unknown placeholder {IP} (known: {ip} {prefix} {seconds} "
	    "{jail})");
	ERR("[daemon]\nban_command = /bin/x <ip>\n  {bantime}\n" JAIL,
	    "t.conf:3: bad ban_command: unknown placeholder {bantime} (known: {ip} {prefix} "
	    "{seconds} {jail})");
}

T(argv_expand)
{
	char *const tmpl[] = {tf_dq("/usr/sbin/ipset"),
	                      tf_dq("add"),
	                      tf_dq("blk"),
	                      tf_dq("{ip}/{prefix}"),
	                      tf_dq("timeout"),
	                      tf_dq("{seconds}"),
	                      tf_dq("--comment=jail {jail} {ip}"),
	                      tf_dq("{x}{ip}"),
	                      tf_dq("{ip"),
	                      tf_dq("{}"),
	                      tf_dq(""),
	                      NULL};
	char **av;

	av = conf_argv_expand(tmpl, "2001:db8::1", 64, 1200, "sshd");
	ARGV(av, "/usr/sbin/ipset", "add", "blk", "2001:db8::1/64", "timeout", "1200",
	     "--comment=jail sshd 2001:db8::1", "{x}2001:db8::1", "{ip", "{}", "");
	conf_argv_free(av);

	/* a value is never split nor interpreted, whatever it holds */
	av = conf_argv_expand(tmpl, "a b;$(rm -rf /)", 0, -1, "j {ip}");
	ARGV(av, "/usr/sbin/ipset", "add", "blk", "a b;$(rm -rf /)/0", "timeout", "-1",
	     "--comment=jail j {ip} a b;$(rm -rf /)", "{x}a b;$(rm -rf /)", "{ip", "{}", "");
	conf_argv_free(av);

	av = conf_argv_expand((char *[]){NULL}, "192.0.2.1", 32, 0, "s");
	CHECK(av != NULL && av[0] == NULL);
	conf_argv_free(av);
	conf_argv_free(NULL);
}

/* Files: missing, a directory, a 1 MB line, binary junk, a line at libinih's limit. */
T(files)
{
	struct conf c;
	char err[1024], expect[1024], *big;
	size_t n = 1 << 20;
	unsigned x = 12345;

	tf_setup("conf");
	err[0] = '\0';
	errno = 0;
	CHECK_INT(conf_load(tf_path("nope.conf"), &c, err, sizeof(err)), -1);
	CHECK_INT(errno, ENOENT);
	snprintf(expect, sizeof(expect), "%s: No such file or directory", tf_path("nope.conf"));
	CHECK_STR(err, expect);
	CHECK(c.path == NULL);

	CHECK_INT(conf_load(tf_dir, &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: Is a directory", tf_dir);
	CHECK_STR(err, expect);

	/* a 1 MB line: refused at its line, never split into lines of its own */
	big = malloc(n + 64);
	memcpy(big, JAIL "allow = ", 34 + 8);
	memset(big + 42, '1', n);
	memcpy(big + 42 + n, " bantime = 1s\n", 15);
	tf_write(tf_path("big.conf"), big, strlen(big));
	CHECK_INT(conf_load(tf_path("big.conf"), &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "%s:3: line longer than 197 characters (libinih's limit): continue a long list on "
	         "indented lines",
	         tf_path("big.conf"));
	CHECK_STR(err, expect);
	CHECK_INT(conf_load_string(big, "s", &c, err, sizeof(err)), -1);
	CHECK_STR(err, "s:3: line longer than 197 characters (libinih's limit): continue a long "
	               "list on indented lines");

	/* 197 characters fit, 198 do not */
	strcpy(big, JAIL "maxretry =");
	memset(big + strlen(big), ' ', 197 - 11);
	strcpy(big + 34 + 197 - 1, "4\n");
	CHECK_INT(strlen(big), 34 + 197 + 1);
	if (conf_load_string(big, "s", &c, err, sizeof(err)) == 0)
		CHECK_INT(c.jails[0].maxretry, 4);
	else
		T_FAIL("197 characters refused: %s", err);
	conf_free(&c);
	memmove(big + 34 + 9, big + 34 + 8, strlen(big + 34 + 8) + 1); /* "maxretry  =" */
	CHECK_INT(conf_load_string(big, "s", &c, err, sizeof(err)), -1);
	CHECK_STR(err, "s:3: line longer than 197 characters (libinih's limit): continue a long "
	               "list on indented lines");

	/* binary junk: a clean error, whatever the bytes */
	for (size_t i = 0; i < 4096; i++) {
		x = x * 1103515245 + 12345;
		big[i] = (char)(x >> 16);
	}
	big[0] = '\x00';
	tf_write(tf_path("junk.conf"), big, 4096);
	CHECK_INT(conf_load(tf_path("junk.conf"), &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "%s:1: byte 0x00 (column 1) is not text: is this a configuration file?",
	         tf_path("junk.conf"));
	CHECK_STR(err, expect);
	/* an ELF header: no NUL before its first control character */
	tf_write(tf_path("elf.conf"),
	         "\x7f"
	         "ELF\x02\x01\x01",
	         7);
	CHECK_INT(conf_load(tf_path("elf.conf"), &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "%s:1: byte 0x7f (column 1) is not text: is this a configuration file?",
	         tf_path("elf.conf"));
	CHECK_STR(err, expect);
	free(big);

	/* err may be NULL */
	CHECK_INT(conf_load(tf_path("nope.conf"), &c, NULL, 0), -1);
	CHECK_INT(conf_load_string("", "s", &c, NULL, 0), -1);
	tf_teardown();
}

int
main(void)
{
	T_RUN(sample);
	T_RUN(defaults);
	T_RUN(every_key);
	T_RUN(booleans_numbers_durations);
	T_RUN(bad_values);
	T_RUN(bad_structure);
	T_RUN(bad_lines);
	T_RUN(unknown_keys);
	T_RUN(allow_lists);
	T_RUN(continuation);
	T_RUN(argv_split);
	T_RUN(argv_expand);
	T_RUN(files);
	return T_END();
}
