/* test_conf_write.c: the configuration written back (conf_write) loads to the same one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_fixture.h"
#include "conf_write.h"
#include "t.h"

/* Writes s n times at p; returns the end (a NUL is there). */
static char *
repeat(char *p, const char *s, int n)
{
	while (n-- > 0)
		p = stpcpy(p, s);
	return p;
}

/* The written configuration loads back to the same one, and writes the same text again. */
static void
round_trip(const char *text)
{
	struct conf a, b;
	char *out1 = NULL, *out2 = NULL, err[1024] = "", *line, *save;
	size_t n1 = 0, n2 = 0;
	FILE *f;

	if (load(text, &a) != 0)
		return;
	f = open_memstream(&out1, &n1);
	CHECK_INT(conf_write(&a, f), 0);
	fclose(f);
	if (conf_load_string(out1, "written.conf", &b, err, sizeof(err)) != 0) {
		T_FAIL("the written configuration is refused: %s\n%s", err, out1);
		goto out;
	}
	f = open_memstream(&out2, &n2);
	CHECK_INT(conf_write(&b, f), 0);
	fclose(f);
	CHECK_STR(out2, out1);
	/* field by field, too */
	CHECK_STR(b.socket, a.socket);
	CHECK_STR(b.database, a.database);
	CHECK_INT(b.history, a.history);
	CHECK_INT(b.firewall, a.firewall);
	CHECK(b.nallow == a.nallow && memcmp(b.allow, a.allow, a.nallow * sizeof(*a.allow)) == 0);
	CHECK_INT(b.njails, a.njails);
	for (size_t i = 0; i < a.njails && i < b.njails; i++) {
		const struct conf_jail *x = &a.jails[i], *y = &b.jails[i];

		CHECK_STR(y->name, x->name);
		CHECK_INT(y->nsources, x->nsources);
		CHECK(y->enabled == x->enabled && y->replay == x->replay &&
		      y->maxretry == x->maxretry && y->findtime == x->findtime &&
		      y->bantime == x->bantime && y->bantime_max == x->bantime_max &&
		      y->increment == x->increment && y->factor == x->factor &&
		      y->permanent_after == x->permanent_after &&
		      y->ipv4_prefix == x->ipv4_prefix && y->ipv6_prefix == x->ipv6_prefix &&
		      y->w_failure == x->w_failure && y->w_probe == x->w_probe &&
		      y->w_negotiation == x->w_negotiation);
		CHECK(y->nallow == x->nallow &&
		      memcmp(y->allow, x->allow, x->nallow * sizeof(*x->allow)) == 0);
	}
	for (size_t i = 0; a.ban_argv != NULL && a.ban_argv[i] != NULL; i++)
		CHECK(b.ban_argv != NULL && strcmp(a.ban_argv[i], b.ban_argv[i]) == 0);
	/* every line fits libinih's buffer */
	for (line = strtok_r(out1, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 197)
			T_FAIL("a written line is %zu long", strlen(line));
	conf_free(&b);
out:
	conf_free(&a);
	free(out1);
	free(out2);
}

T(write_round_trip)
{
	char big[8192], *p = big;
	int i;

	round_trip(JAIL);
	round_trip("[daemon]\nhistory = 400d\n" JAIL);
	round_trip("[daemon]\n"
	           "socket = /tmp/a b/ctl.sock\n"
	           "history = 0\n"
	           "firewall = dryrun:/tmp/dec.log\n"
	           "allow = 192.0.2.10 198.51.100.7/24 2001:db8::/32\n"
	           "ban_command = /bin/cmd \"two words\" 'it''s' a\\;b \"x \\;y\" \"\" q\\\"uote "
	           "back\\\\slash {ip}/{prefix}\n"
	           "unban_command = /bin/un {jail}\n"
	           "[z-last]\n"
	           "source = /var/log/auth.log* journal journal:ssh.service\n"
	           "enabled = off\nreplay = on\nmaxretry = 4\nfindtime = 1h30m\nbantime = 3661\n"
	           "bantime.increment = no\nbantime.factor = 1.123456\nbantime.max = 9w\n"
	           "bantime.permanent_after = 5\nipv4.prefix = 24\nipv6.prefix = 48\n"
	           "weight.failure = 0.25\nweight.probe = 12.75\nweight.negotiation = 0\n"
	           "allow = 203.0.113.0/24 10.0.0.1\n"
	           "[a.first]\nsource = /x\nbantime = 2w\n");
	/* a long allow list is written on continuation lines */
	p += sprintf(p, "[daemon]\nallow =");
	for (i = 0; i < 60; i++)
		p += sprintf(p, "\n  2001:db8:%x::/48 192.0.2.%d", i, i);
	sprintf(p, "\n" JAIL);
	round_trip(big);
	/*
	 * Items that may not begin an indented line (libinih would read a comment,
	 * the loader a section or another key) stay on the line before, however
	 * long; "source" then "=" would read as the key: "=" goes on a line of its
	 * own. Found by fuzz_conf.
	 */
	{
		static const char *const risky[] = {"source",     "=",         "#y", "[z",
		                                    "maxretry=2", "bantime:1", "x"};
		size_t k;

		p = big;
		p += sprintf(p, "[sshd]\nsource =");
		for (k = 0; k < sizeof(risky) / sizeof(risky[0]); k++)
			p += sprintf(p, "\n  /var/log/%090zu %s", k, risky[k]);
		sprintf(p, "\n");
		round_trip(big);
	}
	/* items that may not begin a line, one after the other: the line breaks before the
	 * last one that may, here the key line's first */
	p = big;
	p += sprintf(p, "[sshd]\nsource =\n\t/a");
	for (i = 0; i < 4; i++)
		p += sprintf(p, " #%046d", i);
	sprintf(p, "\n");
	round_trip(big);
	/* an argument that fits an indented line but not after the key; a ';' within a word is
	 * written as it is (escaped, it would no longer fit) */
	p = repeat(stpcpy(big, "[daemon]\nban_command =\n\t/bin/"), "a;", 90);
	strcpy(p, "\n" JAIL);
	round_trip(big);
	/* an argument of backslashes fits in '...', not escaped one by one; quotes and a
	 * semicolon after a space in others */
	p = repeat(stpcpy(big, "[daemon]\nban_command = /bin/x '"), "\\", 150);
	strcpy(p, "' \"''''''''''\" \"a \\;b\"\n" JAIL);
	round_trip(big);
	/* one item that fits an indented line, not the key's */
	strcpy(repeat(stpcpy(big, "[sshd]\nsource =\n\t/"), "x", 190), "\n");
	round_trip(big);
	/* the write reports a write error */
	{
		struct conf c;
		FILE *f = fopen("/dev/full", "w");

		if (f != NULL && load(JAIL, &c) == 0) {
			setvbuf(f, NULL, _IONBF, 0);
			CHECK_INT(conf_write(&c, f), -1);
			conf_free(&c);
		}
		if (f != NULL)
			fclose(f);
	}
}

/* Arguments of every awkward byte come back from a write and a load as they were. */
T(argv_quoting)
{
	static const char abc[] = "ab \t\\\"';#=:[";
	uint64_t r = 0x2545f4914f6cdd1dULL;
	struct conf c, d;
	char err[1024], *out, **v;
	size_t n, i, k, len, m;
	FILE *f;
	int it;

	for (it = 0; it < 3000; it++) {
		if (load("[daemon]\nfirewall = command\nban_command = /bin/x\n"
		         "unban_command = /bin/y\n" JAIL,
		         &c) != 0)
			return;
		m = 1 + (size_t)(it % 6);
		v = calloc(m + 2, sizeof(*v));
		v[0] = strdup("/bin/x");
		for (k = 1; k <= m; k++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			len = (size_t)(r % 14);
			v[k] = calloc(len + 1, 1);
			for (i = 0; i < len; i++) {
				r ^= r << 13, r ^= r >> 7, r ^= r << 17;
				v[k][i] = abc[r % (sizeof(abc) - 1)];
			}
		}
		for (k = 0; c.ban_argv[k] != NULL; k++)
			free(c.ban_argv[k]);
		free(c.ban_argv);
		c.ban_argv = v;
		out = NULL;
		f = open_memstream(&out, &n);
		CHECK_INT(conf_write(&c, f), 0);
		fclose(f);
		if (conf_load_string(out, "w.conf", &d, err, sizeof(err)) != 0) {
			T_FAIL("refused: %s\n%s", err, out);
		} else {
			for (k = 0; v[k] != NULL; k++)
				if (d.ban_argv[k] == NULL || strcmp(d.ban_argv[k], v[k]) != 0) {
					T_FAIL("argument %zu [%s] came back as [%s]\n%s", k, v[k],
					       d.ban_argv[k] ? d.ban_argv[k] : "(none)", out);
					break;
				}
			CHECK(d.ban_argv[k] == NULL);
			conf_free(&d);
		}
		free(out);
		conf_free(&c);
		if (t_failed_now)
			return;
	}
}

/* Random damage to a full configuration: refused cleanly or loaded (and then re-loadable). */
T(mutations)
{
	static const char base[] = "[daemon]\nsocket = /s\nfirewall = command\n"
	                           "allow = 192.0.2.0/24 2001:db8::1\n"
	                           "ban_command = /bin/x \"{ip}\" 'a b' c\\ d {seconds}\n"
	                           "[sshd]\nsource = /var/log/auth.log journal:ssh.service\n"
	                           "maxretry = 4\nfindtime = 10m\nbantime = 1h\nbantime.max = 2w\n"
	                           "weight.probe = 0.5\nipv6.prefix = 56\n  ; comment\n";
	static const char alphabet[] = " \t\n[]=:;#\"'\\{}/.,0123456789abcxyz\x01\xff";
	char text[sizeof(base) + 16], err[1024];
	unsigned x = 7, loaded = 0, i, k, pos;
	struct conf c;

	for (i = 0; i < 20000; i++) {
		memcpy(text, base, sizeof(base));
		for (k = 0; k < 1 + i % 3; k++) {
			x = x * 1103515245 + 12345;
			pos = (x >> 8) % (sizeof(base) - 1);
			x = x * 1103515245 + 12345;
			text[pos] = alphabet[(x >> 8) % (sizeof(alphabet) - 1)];
		}
		err[0] = '\0';
		if (conf_load_string(text, "m", &c, err, sizeof(err)) == 0) {
			loaded++;
			round_trip(text);
			conf_free(&c);
		} else if (strncmp(err, "m:", 2) != 0) {
			T_FAIL("error without the name: \"%s\"", err);
		}
	}
	CHECK(loaded > 100);
}

int
main(void)
{
	T_RUN(write_round_trip);
	T_RUN(argv_quoting);
	T_RUN(mutations);
	return T_END();
}
