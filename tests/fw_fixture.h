/* fw_fixture.h: what test_fw.c and test_fw_packets.c share: commands, decisions, backends. */
#ifndef FW_FIXTURE_H
#define FW_FIXTURE_H

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tfile.h"
#include "fw.h"
#include "log.h"

/* Runs a command (argv as arguments, NULL-terminated) and returns its stdout, or NULL with the
 * reason printed. */
static inline char *
cap(const char *a0, ...)
{
	char *argv[32], err[512], *out = NULL;
	va_list ap;
	int n = 0;

	argv[n++] = tf_dq(a0);
	va_start(ap, a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (fw_run(argv, NULL, 0, &out, 20000, err, sizeof(err)) == -1) {
		printf("  (%s)\n", err);
		return NULL;
	}
	return out;
}

/* Runs a command; 0 when it exited 0, else -1 (with the reason printed unless quiet). */
static inline int
vrun(int quiet, const char *a0, va_list ap)
{
	char *argv[32], err[512];
	int n = 0;

	argv[n++] = tf_dq(a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	argv[n] = NULL;
	if (fw_run(argv, NULL, 0, NULL, 20000, err, sizeof(err)) == -1) {
		if (!quiet)
			printf("  (%s)\n", err);
		return -1;
	}
	return 0;
}

/* Like cap, but only the outcome: 0 when the command exited 0. */
static inline int
run_ok(const char *a0, ...)
{
	va_list ap;
	int rc;

	va_start(ap, a0);
	rc = vrun(0, a0, ap);
	va_end(ap);
	return rc;
}

/* For a command expected to fail: 1 when it did, 0 when it exited 0. Prints nothing. */
static inline int
run_fails(const char *a0, ...)
{
	va_list ap;
	int rc;

	va_start(ap, a0);
	rc = vrun(1, a0, ap);
	va_end(ap);
	return rc == -1;
}

static inline size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A decision from text "ADDR" or "ADDR/LEN". */
static inline struct fw_elem
el(const char *net, uint32_t timeout, const char *jail)
{
	struct fw_elem e;
	const char *sl = strchr(net, '/');

	memset(&e, 0, sizeof(e));
	if (addr_parse(net, sl ? (size_t)(sl - net) : strlen(net), &e.net) == -1) {
		printf("bad test address %s\n", net);
		exit(1);
	}
	e.prefix = sl ? (uint8_t)atoi(sl + 1) : (e.net.af == 4 ? 32 : 128);
	e.timeout = timeout;
	e.jail = jail;
	return e;
}

/* An nftables backend on a table that did not exist before. */
static inline struct fw *
nft_fresh(void)
{
	struct fw_opts o = {.kind = FW_NFTABLES};
	char err[512];
	struct fw *f;

	if ((f = fw_open(&o, err, sizeof(err))) == NULL || fw_destroy(f, err, sizeof(err)) == -1) {
		T_FAIL("fw_open/fw_destroy: %s", err);
		fw_close(f);
		return NULL;
	}
	fw_close(f);
	if ((f = fw_open(&o, err, sizeof(err))) == NULL)
		T_FAIL("fw_open: %s", err);
	return f;
}

/* An ipset backend on fresh sets, or NULL (the kernel has no ip_set: *skip set). */
static inline struct fw *
ipset_fresh(int *skip)
{
	struct fw_opts o = {.kind = FW_IPSET};
	char err[512];
	struct fw *f;

	*skip = 0;
	if ((f = fw_open(&o, err, sizeof(err))) == NULL) {
		if (strstr(err, "not supported") != NULL || strstr(err, "Kernel error") != NULL ||
		    strstr(err, "spawn") != NULL) {
			printf("skip: ipset backend: %s\n", err);
			*skip = 1;
		} else
			T_FAIL("fw_open ipset: %s", err);
		return NULL;
	}
	if (fw_destroy(f, err, sizeof(err)) == -1)
		T_FAIL("fw_destroy: %s", err);
	fw_close(f);
	if ((f = fw_open(&o, err, sizeof(err))) == NULL)
		T_FAIL("fw_open ipset: %s", err);
	return f;
}

#define APPLY(f, b, nb, u, nu)                                                                     \
	do {                                                                                       \
		char e_[512];                                                                      \
		if (fw_apply((f), (b), (nb), (u), (nu), e_, sizeof(e_)) != 0)                      \
			T_FAIL("fw_apply: %s", e_);                                                \
	} while (0)

/*
 * The start of main: a private network namespace with lo up, a fixed PATH, the log named name
 * (FW_DEBUG: debug). Returns 0, else what main returns: 77 when the namespace cannot be made
 * (the reason printed after "skip:"), 1 on another error.
 */
static inline int
netns_enter(const char *name)
{
	if (unshare(CLONE_NEWNET) == -1) {
		if (errno == EPERM || errno == ENOSYS || errno == EINVAL) {
			printf("skip: cannot make a private network namespace: unshare: %s\n",
			       strerror(errno));
			return 77;
		}
		printf("unshare: %s\n", strerror(errno));
		return 1;
	}
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	log_init(name, getenv("FW_DEBUG") != NULL);
	run_ok("ip", "link", "set", "lo", "up", NULL);
	return 0;
}

#endif
