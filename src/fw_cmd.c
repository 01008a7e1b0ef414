/* fw_cmd.c: the command backend: one program per decision from argv templates, no shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_argv.h"
#include "fw.h"
#include "log.h"
#include "xmalloc.h"

/*
 * An open command backend. Invariant: ban is a NULL-terminated copy of the ban template with
 * at least argv[0] non-empty; unban is such a copy or NULL (unbans ignored).
 */
struct fw_cmd {
	char **ban, **unban;
	unsigned timeout_ms;
};

static char **
copy_argv(char *const *v)
{
	size_t n, i;
	char **c;

	if (v == NULL)
		return NULL;
	for (n = 0; v[n] != NULL; n++)
		;
	c = xreallocarray(NULL, n + 1, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	c[n] = NULL;
	return c;
}

struct fw_cmd *
fw_cmd_open(char *const *ban_argv, char *const *unban_argv, unsigned timeout_ms, char *err,
            size_t errlen)
{
	struct fw_cmd *c;

	if (ban_argv == NULL || ban_argv[0] == NULL || ban_argv[0][0] == '\0') {
		snprintf(err, errlen, "command backend: no ban command");
		return NULL;
	}
	if (unban_argv != NULL && (unban_argv[0] == NULL || unban_argv[0][0] == '\0')) {
		snprintf(err, errlen, "command backend: empty unban command");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->ban = copy_argv(ban_argv);
	c->unban = copy_argv(unban_argv);
	c->timeout_ms = timeout_ms;
	return c;
}

void
fw_cmd_close(struct fw_cmd *c)
{
	if (c == NULL)
		return;
	xfree_strv(c->ban);
	xfree_strv(c->unban);
	free(c);
}

/* Runs template tmpl for e; 0 or -1 with err. */
static int
run_one(struct fw_cmd *c, char **tmpl, const struct fw_elem *e, char *err, size_t errlen)
{
	char a[ADDR_STRLEN], j[FW_JAIL_MAX + 1];
	char **argv;
	int rc;

	addr_format(&e->net, a);
	fw_jail(e->jail, j);
	argv = conf_argv_expand(tmpl, a, e->prefix, e->timeout, j);
	rc = fw_run(argv, NULL, 0, NULL, c->timeout_ms, err, errlen);
	conf_argv_free(argv);
	return rc;
}

int
fw_cmd_apply(struct fw_cmd *c, const struct fw_elem *ban, size_t nban, const struct fw_elem *unban,
             size_t nunban, char *err, size_t errlen)
{
	char first[512], msg[512];
	size_t i, failed = 0;

	first[0] = '\0';
	for (i = 0; c->unban != NULL && i < nunban; i++)
		if (run_one(c, c->unban, &unban[i], msg, sizeof(msg)) == -1) {
			if (failed++ == 0)
				snprintf(first, sizeof(first), "unban: %.400s", msg);
			log_debug("command backend: unban: %s", msg);
		}
	for (i = 0; i < nban; i++)
		if (run_one(c, c->ban, &ban[i], msg, sizeof(msg)) == -1) {
			if (failed++ == 0)
				snprintf(first, sizeof(first), "ban: %.400s", msg);
			log_debug("command backend: ban: %s", msg);
		}
	if (failed == 0)
		return 0;
	snprintf(err, errlen, "%zu of %zu commands failed; first: %s", failed,
	         nban + (c->unban != NULL ? nunban : 0), first);
	return -1;
}
