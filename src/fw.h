/* fw.h: the firewall backends of `authwatch daemon` (nftables, ipset+iptables, commands, dry run).
 */
#ifndef FW_H
#define FW_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum fw_kind { FW_NFTABLES, FW_IPSET, FW_COMMAND, FW_DRYRUN };

/*
 * One decision. net is an address with host bits cleared (af 4 or 6), prefix its length
 * (32/128 = one address; 1..32 / 1..128, a /0 ban is refused). timeout in seconds, 0 =
 * permanent. jail names the rule that decided it (NULL or "" = none); the backends only ever
 * write it sanitized: [A-Za-z0-9._:-] kept, anything else '_', at most FW_JAIL_MAX bytes.
 */
struct fw_elem {
	struct addr net;
	uint8_t prefix;
	uint32_t timeout;
	const char *jail;
};

#define FW_JAIL_MAX 32
#define FW_CMD_TIMEOUT_MS 10000 /* default: a command still running after 10 s is killed */

/* How to open a backend. Every string is copied by fw_open: opts may be freed after it. */
struct fw_opts {
	enum fw_kind kind;
	/* FW_NFTABLES: table name in family inet ([A-Za-z0-9_], <= 32 bytes); NULL = "authwatch" */
	const char *table;
	/* FW_DRYRUN: decisions appended here, one line each; "-" = standard output */
	const char *dryrun_path;
	/* FW_COMMAND: NULL-terminated argv templates (no shell; argv[0] an absolute path or a name
	 * searched in PATH). Placeholders {ip} {prefix} {seconds} {jail} are replaced inside
	 * arguments, never splitting one. ban_argv is required; unban_argv NULL = unbans ignored.
	 */
	char *const *ban_argv, *const *unban_argv;
	/* FW_COMMAND and the helper programs of FW_IPSET: kill after this; 0 = FW_CMD_TIMEOUT_MS */
	unsigned cmd_timeout_ms;
};

/*
 * Opens a backend and sets up its kernel objects (idempotent: running it again, or while
 * another process uses the same table, changes nothing but the rules of our own chain):
 *  - FW_NFTABLES: table "inet TABLE" with five sets, all with kernel timeouts: host4 and
 *    host6 (single addresses) and net6 (IPv6 /64 networks) are hash sets, ban4 and ban6
 *    (every other prefix length) are interval sets; and the base chain "input" (hook input,
 *    priority filter - 10, policy accept) that drops every source found in one of them;
 *  - FW_IPSET: ipsets authwatch4/authwatch6 (hash:net, timeout, comment) and one
 *    "-m set --match-set authwatchN src -j DROP" rule at the top of INPUT (iptables/ip6tables,
 *    checked with -C first);
 *  - FW_COMMAND: checks the templates; FW_DRYRUN: opens the file for appending.
 * Returns the handle (free with fw_close) or NULL with a message in err.
 */
struct fw *fw_open(const struct fw_opts *o, char *err, size_t errlen);

/*
 * Applies all bans and unbans of one daemon loop turn in one batch: one nft transaction (all
 * or nothing), one `ipset restore -exist`, one process per decision for FW_COMMAND (each run
 * even if an earlier one failed), one write for FW_DRYRUN. Unbans are applied before bans, so
 * an element in both lists ends up banned. Banning an element already present replaces its
 * timeout (a shorter one too) and jail; unbanning an absent element is not an error.
 * Duplicates are allowed: nftables keeps the longest timeout, ipset the last; the command and
 * dry-run backends see each one.
 * Overlaps (FW_NFTABLES): a single address, an IPv6 /64 and another prefix covering them live
 * in different sets and expire independently. Within ban4/ban6, a ban replaces the narrower
 * bans it covers, and a ban inside a wider one that is banned (and not unbanned in this batch)
 * is dropped: already blocked, it does not outlive the wider ban by itself; a caller that
 * wants it to bans it again once the wider one is gone (the ban manager does). Unbanning
 * removes exactly that element: it cannot cut a hole in a wider one. (FW_IPSET: hash:net
 * keeps them all.)
 * Timeouts above the kernel's limit are lowered to it (nftables 1 year, ipset 24.8 days).
 * After bans, the conntrack entries whose original source is banned are deleted (FW_NFTABLES
 * and FW_IPSET; best effort, a failure is only a debug message).
 * Returns 0, or -1 with a message in err (FW_NFTABLES: nothing was changed then; FW_IPSET:
 * the lines before the failing one were applied; FW_COMMAND: the other decisions still ran,
 * err names the first failure and the number of failures).
 * An element with af not 4/6, a prefix out of range or host bits set is an error.
 * Commands are reaped with waitpid on their own pid: the caller must not reap all children.
 */
int fw_apply(struct fw *f, const struct fw_elem *ban, size_t nban, const struct fw_elem *unban,
             size_t nunban, char *err, size_t errlen);

/*
 * Checks that our table, sets and rules still exist: 0 present, 1 missing and recreated (the
 * caller then re-applies its active bans with fw_apply), -1 error. Always 0 for FW_COMMAND
 * and FW_DRYRUN.
 */
int fw_ensure(struct fw *f, char *err, size_t errlen);

/*
 * The elements currently in the kernel (FW_NFTABLES: all five sets; FW_IPSET: both ipsets;
 * none for FW_COMMAND and FW_DRYRUN). In each element timeout is the time left in seconds
 * (rounded down, 0 = permanent) and jail the element's comment ("" if none). *out is one
 * allocation holding the array and the jail strings: free(*out) frees all (NULL when *n == 0).
 * Returns 0, or -1 with err.
 */
int fw_list(struct fw *f, struct fw_elem **out, size_t *n, char *err, size_t errlen);

/*
 * 1 when the backend's elements leave the firewall by themselves once their timeout runs out
 * (FW_NFTABLES, FW_IPSET: kernel timeouts), 0 when a ban ends only with an unban (FW_COMMAND:
 * the unban command runs; FW_DRYRUN: writes the line of what would run). The caller unbans an
 * expired ban itself in the second case.
 */
int fw_expires(const struct fw *f);

/* Frees the handle. The table, sets, rules and bans stay: the bans expire in the kernel. */
void fw_close(struct fw *f);

/*
 * Removes our kernel objects entirely (nftables: the table; ipset: the rules, then the sets).
 * Absent objects are not an error. f stays open (fw_ensure would recreate them); still call
 * fw_close. Returns 0, or -1 with err.
 */
int fw_destroy(struct fw *f, char *err, size_t errlen);

/*
 * Backend interface: only fw.c and fw_*.c use what follows. fw.c validates the elements and
 * the options before calling a backend, so the backends can rely on well-formed input.
 */

/* A growable byte buffer. Invariant: p[0..len) is the content, len < cap, p[len] == '\0'. */
struct fw_buf {
	char *p;
	size_t len, cap;
};

void fw_buf_add(struct fw_buf *b, const char *s, size_t n);
void fw_buf_adds(struct fw_buf *b, const char *s);
void fw_buf_addf(struct fw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the decimal value. */
void fw_buf_addu(struct fw_buf *b, uint64_t v);
/* Appends "ADDR" or "ADDR/PREFIX" (always with /PREFIX when with_full_prefix is set). */
void fw_buf_addnet(struct fw_buf *b, const struct fw_elem *e, int with_full_prefix);
void fw_buf_free(struct fw_buf *b);

/* Writes the sanitized jail (see struct fw_elem) into out[FW_JAIL_MAX + 1]; returns its length. */
size_t fw_jail(const char *jail, char *out);

/* The longest prefix for af: 32 or 128. */
uint8_t fw_maxprefix(uint8_t af);

/* Collects fw_list results; fw_elist_pack turns them into the one-allocation form. */
struct fw_elist {
	struct fw_elem *v; /* jail holds an offset into s, cast, until packed */
	size_t n, cap;
	struct fw_buf s;
};
void fw_elist_add(struct fw_elist *l, const struct addr *net, uint8_t prefix, uint32_t timeout,
                  const char *jail, size_t jlen);
/* Moves the list into *out, *n (see fw_list) and empties l. */
void fw_elist_pack(struct fw_elist *l, struct fw_elem **out, size_t *n);
void fw_elist_free(struct fw_elist *l);

/*
 * Runs argv (posix_spawn, no shell; argv[0] with a '/' is run as is, else searched in PATH)
 * in its own process group, with in[0..inlen) on its standard input (NULL: /dev/null), its
 * standard output collected into *out (NUL-terminated, caller frees; out NULL: /dev/null)
 * and the tail of its standard error kept for the message. After timeout_ms the process group
 * is killed. Returns 0 when the program exited with status 0, else -1 with a message in err
 * ("ARGV0: exit status N: STDERR-TAIL", "ARGV0: killed after N ms", "ARGV0: spawn: ...").
 */
int fw_run(char *const argv[], const char *in, size_t inlen, char **out, unsigned timeout_ms,
           char *err, size_t errlen);

struct fw_nft;
struct fw_nft *fw_nft_open(const char *table, char *err, size_t errlen);
int fw_nft_apply(struct fw_nft *n, const struct fw_elem *ban, size_t nban,
                 const struct fw_elem *unban, size_t nunban, char *err, size_t errlen);
int fw_nft_ensure(struct fw_nft *n, char *err, size_t errlen);
int fw_nft_list(struct fw_nft *n, struct fw_elist *l, char *err, size_t errlen);
int fw_nft_destroy(struct fw_nft *n, char *err, size_t errlen);
void fw_nft_close(struct fw_nft *n);

struct fw_ipset;
struct fw_ipset *fw_ipset_open(unsigned timeout_ms, char *err, size_t errlen);
int fw_ipset_apply(struct fw_ipset *s, const struct fw_elem *ban, size_t nban,
                   const struct fw_elem *unban, size_t nunban, char *err, size_t errlen);
int fw_ipset_ensure(struct fw_ipset *s, char *err, size_t errlen);
int fw_ipset_list(struct fw_ipset *s, struct fw_elist *l, char *err, size_t errlen);
int fw_ipset_destroy(struct fw_ipset *s, char *err, size_t errlen);
void fw_ipset_close(struct fw_ipset *s);

struct fw_cmd;
struct fw_cmd *fw_cmd_open(char *const *ban_argv, char *const *unban_argv, unsigned timeout_ms,
                           char *err, size_t errlen);
int fw_cmd_apply(struct fw_cmd *c, const struct fw_elem *ban, size_t nban,
                 const struct fw_elem *unban, size_t nunban, char *err, size_t errlen);
void fw_cmd_close(struct fw_cmd *c);

struct fw_dryrun;
struct fw_dryrun *fw_dryrun_open(const char *path, char *err, size_t errlen);
int fw_dryrun_apply(struct fw_dryrun *d, const struct fw_elem *ban, size_t nban,
                    const struct fw_elem *unban, size_t nunban, char *err, size_t errlen);
void fw_dryrun_close(struct fw_dryrun *d);

#endif
