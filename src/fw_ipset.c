/* fw_ipset.c: the ipset + iptables backend for hosts without nftables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw.h"
#include "log.h"
#include "xmalloc.h"

#define IPSET_MAX_TIMEOUT 2147483u /* ipset refuses longer timeouts (24.8 days) */

/*
 * An open ipset backend. Invariant: ipset, ipt[0] (iptables) and ipt[1] (ip6tables) are the
 * programs to run (absolute paths when found in the usual directories, else names for PATH);
 * in is only a reused buffer.
 */
struct fw_ipset {
	char *ipset, *ipt[2];
	unsigned timeout_ms;
	struct fw_buf in;
};

static const char *const set_names[2] = {"authwatch4", "authwatch6"};

static char *
find_prog(const char *name)
{
	static const char *const dirs[] = {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return xstrdup(path);
	}
	return xstrdup(name);
}

/* Runs "IPTABLES -w OP INPUT [1] -m set --match-set SET src -j DROP" for family index f. */
static int
ipt_rule(struct fw_ipset *s, int f, const char *op, char *err, size_t errlen)
{
	char w[] = "-w", o[4], chain[] = "INPUT", one[] = "1", m[] = "-m", set[] = "set";
	char ms[] = "--match-set", name[16], src[] = "src", j[] = "-j", drop[] = "DROP";
	char *argv[] = {s->ipt[f], w, o, chain, one, m, set, ms, name, src, j, drop, NULL};

	snprintf(o, sizeof(o), "%s", op);
	snprintf(name, sizeof(name), "%s", set_names[f]);
	if (strcmp(op, "-I") != 0) /* only -I takes a position */
		memmove(&argv[4], &argv[5], 8 * sizeof(argv[0]));
	return fw_run(argv, NULL, 0, NULL, s->timeout_ms, err, errlen);
}

/* Which of our sets exist: bit f set for set_names[f]. -1 on error. */
static int
sets_present(struct fw_ipset *s, char *err, size_t errlen)
{
	char n[] = "-n", list[] = "list";
	char *argv[] = {s->ipset, n, list, NULL};
	char *out = NULL, *line, *save = NULL;
	int f, have = 0;

	if (fw_run(argv, NULL, 0, &out, s->timeout_ms, err, errlen) == -1)
		return -1;
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		for (f = 0; f < 2; f++)
			if (strcmp(line, set_names[f]) == 0)
				have |= 1 << f;
	free(out);
	return have;
}

/* Creates what is missing; *created tells whether anything was. */
static int
setup(struct fw_ipset *s, int *created, char *err, size_t errlen)
{
	char restore[] = "restore", exist[] = "-exist";
	char *argv[] = {s->ipset, restore, exist, NULL};
	char msg[256];
	int f, have;

	*created = 0;
	if ((have = sets_present(s, err, errlen)) == -1)
		return -1;
	if (have != 3) {
		static const char create[] =
		    "create authwatch4 hash:net family inet timeout 0 comment maxelem 1048576\n"
		    "create authwatch6 hash:net family inet6 timeout 0 comment maxelem 1048576\n";

		if (fw_run(argv, create, sizeof(create) - 1, NULL, s->timeout_ms, err, errlen) ==
		    -1)
			return -1;
		*created = 1;
	}
	for (f = 0; f < 2; f++) {
		if (ipt_rule(s, f, "-C", msg, sizeof(msg)) == 0)
			continue;
		log_debug("ipset: %s", msg);
		if (ipt_rule(s, f, "-I", err, errlen) == -1)
			return -1;
		*created = 1;
	}
	return 0;
}

struct fw_ipset *
fw_ipset_open(unsigned timeout_ms, char *err, size_t errlen)
{
	struct fw_ipset *s = xcalloc(1, sizeof(*s));
	int created;

	s->ipset = find_prog("ipset");
	s->ipt[0] = find_prog("iptables");
	s->ipt[1] = find_prog("ip6tables");
	s->timeout_ms = timeout_ms;
	if (setup(s, &created, err, errlen) == -1) {
		fw_ipset_close(s);
		return NULL;
	}
	return s;
}

void
fw_ipset_close(struct fw_ipset *s)
{
	if (s == NULL)
		return;
	free(s->ipset);
	free(s->ipt[0]);
	free(s->ipt[1]);
	fw_buf_free(&s->in);
	free(s);
}

int
fw_ipset_apply(struct fw_ipset *s, const struct fw_elem *ban, size_t nban,
               const struct fw_elem *unban, size_t nunban, char *err, size_t errlen)
{
	char restore[] = "restore", exist[] = "-exist";
	char *argv[] = {s->ipset, restore, exist, NULL};
	struct fw_buf *b = &s->in;
	size_t i;

	b->len = 0;
	for (i = 0; i < nunban; i++) {
		fw_buf_add(b, "del ", 4);
		fw_buf_adds(b, set_names[unban[i].net.af == 6]);
		fw_buf_add(b, " ", 1);
		fw_buf_addnet(b, &unban[i], 0);
		fw_buf_add(b, "\n", 1);
	}
	for (i = 0; i < nban; i++) {
		char j[FW_JAIL_MAX + 1];
		uint32_t t = ban[i].timeout;

		fw_buf_add(b, "add ", 4);
		fw_buf_adds(b, set_names[ban[i].net.af == 6]);
		fw_buf_add(b, " ", 1);
		fw_buf_addnet(b, &ban[i], 0);
		fw_buf_add(b, " timeout ", 9);
		fw_buf_addu(b, t > IPSET_MAX_TIMEOUT ? IPSET_MAX_TIMEOUT : t);
		if (fw_jail(ban[i].jail, j) > 0)
			fw_buf_addf(b, " comment \"%s\"", j);
		fw_buf_add(b, "\n", 1);
	}
	return fw_run(argv, b->p, b->len, NULL, s->timeout_ms, err, errlen);
}

int
fw_ipset_ensure(struct fw_ipset *s, char *err, size_t errlen)
{
	int created;

	if (setup(s, &created, err, errlen) == -1)
		return -1;
	if (created)
		log_warnx("ipset: our sets or iptables rules were missing: recreated them");
	return created;
}

/* Parses one "add SET NET [timeout N] [comment \"J\"] ..." line of `ipset save` into l. */
static void
parse_line(const char *line, struct fw_elist *l)
{
	const char *p, *e, *sp;
	struct addr net;
	unsigned long prefix;
	uint32_t left = 0;
	const char *jail = "";
	size_t jlen = 0;
	int f;

	for (f = 0; f < 2; f++) {
		size_t n = strlen(set_names[f]);

		if (strncmp(line, "add ", 4) == 0 && strncmp(line + 4, set_names[f], n) == 0 &&
		    line[4 + n] == ' ')
			break;
	}
	if (f == 2)
		return;
	p = line + 4 + strlen(set_names[f]) + 1;
	e = p + strcspn(p, " ");
	sp = memchr(p, '/', (size_t)(e - p));
	prefix = f ? 128 : 32;
	if (sp != NULL) {
		prefix = strtoul(sp + 1, NULL, 10);
		if (prefix == 0 || prefix > (f ? 128u : 32u))
			return;
	}
	if (addr_parse(p, (size_t)((sp != NULL ? sp : e) - p), &net) == -1 || net.af != (f ? 6 : 4))
		return;
	if ((p = strstr(e, " timeout ")) != NULL)
		left = (uint32_t)strtoul(p + 9, NULL, 10);
	if ((p = strstr(e, " comment \"")) != NULL) {
		jail = p + 10;
		jlen = strcspn(jail, "\"");
	}
	fw_elist_add(l, &net, (uint8_t)prefix, left, jail, jlen);
}

int
fw_ipset_list(struct fw_ipset *s, struct fw_elist *l, char *err, size_t errlen)
{
	char save_[] = "save";
	char *argv[] = {s->ipset, save_, NULL};
	char *out = NULL, *line, *save = NULL;

	if (fw_run(argv, NULL, 0, &out, s->timeout_ms, err, errlen) == -1)
		return -1;
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		parse_line(line, l);
	free(out);
	return 0;
}

int
fw_ipset_destroy(struct fw_ipset *s, char *err, size_t errlen)
{
	char msg[256];
	int f, i, have;

	for (f = 0; f < 2; f++)
		for (i = 0; i < 16 && ipt_rule(s, f, "-C", msg, sizeof(msg)) == 0; i++)
			if (ipt_rule(s, f, "-D", err, errlen) == -1)
				return -1;
	if ((have = sets_present(s, err, errlen)) == -1)
		return -1;
	for (f = 0; f < 2; f++) {
		char destroy[] = "destroy", name[16];
		char *argv[] = {s->ipset, destroy, name, NULL};

		snprintf(name, sizeof(name), "%s", set_names[f]);

		if ((have & (1 << f)) &&
		    fw_run(argv, NULL, 0, NULL, s->timeout_ms, err, errlen) == -1)
			return -1;
	}
	return 0;
}
