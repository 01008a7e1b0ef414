/* fw_nft.c: the nftables backend (libnftables): one table, five timeout sets, one drop chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "fw.h"
#include "log.h"
#include "xmalloc.h"

/* The longest timeout the kernel and nft accept here (larger: "value too large"). */
#define NFT_MAX_TIMEOUT (365u * 86400u)

/*
 * An open nftables backend. Invariant: ctx buffers its output and errors; table is a valid
 * nft identifier; cmd is only a reused buffer (its content means nothing between calls).
 */
struct fw_nft {
	struct nft_ctx *ctx;
	char table[33];
	struct fw_buf cmd;
};

/* One element as read back from the kernel (jail points into the listing text). */
struct kel {
	struct addr net;
	uint8_t prefix;
	int del;
	uint32_t left;
	const char *jail;
	size_t jlen;
};

/* A growable array of kel. */
struct kvec {
	struct kel *v;
	size_t n, cap;
};

/*
 * Our sets. Hash sets hold one prefix length each (the address with host bits cleared is the
 * key; the rule masks the source the same way); interval sets hold any other length. Hash
 * sets are the fast path: nft reads every interval set of the ruleset into its cache before
 * any "add element", so their size costs time in every batch (see doc/firewall.md).
 */
struct nset {
	const char *name, *decl, *rule;
	uint8_t af, prefix; /* prefix 0: interval set, every length the hash sets do not take */
};

static const struct nset sets[] = {
    {"host4", "type ipv4_addr; flags timeout;", "ip saddr @host4 drop", 4, 32},
    {"host6", "type ipv6_addr; flags timeout;", "ip6 saddr @host6 drop", 6, 128},
    {"net6", "type ipv6_addr; flags timeout;", "ip6 saddr & ffff:ffff:ffff:ffff:: @net6 drop", 6,
     64},
    {"ban4", "type ipv4_addr; flags interval, timeout;", "ip saddr @ban4 drop", 4, 0},
    {"ban6", "type ipv6_addr; flags interval, timeout;", "ip6 saddr @ban6 drop", 6, 0},
};
#define NSETS (sizeof(sets) / sizeof(sets[0]))

/* The set that takes e. */
static const struct nset *
set_for(const struct fw_elem *e)
{
	size_t i;

	for (i = 0; i < NSETS; i++)
		if (sets[i].af == e->net.af && (sets[i].prefix == e->prefix || sets[i].prefix == 0))
			return &sets[i];
	return NULL; /* not reached: every af has an interval set */
}

static int
valid_table(const char *t)
{
	size_t i;

	for (i = 0; t[i] != '\0'; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_' ||
		      (i > 0 && t[i] >= '0' && t[i] <= '9')))
			return 0;
	return i > 0 && i <= 32;
}

/* Turns nft's error text (message, command line, markers) into "nft: MESSAGE: MARKED-TEXT". */
static void
nft_errmsg(const char *e, char *err, size_t errlen)
{
	const char *msg, *msge, *cmd, *cmde, *mk, *mke, *c0, *c1;

	if (e == NULL || *e == '\0') {
		snprintf(err, errlen, "nft: failed (no message)");
		return;
	}
	msg = strstr(e, "Error: ");
	msg = msg != NULL ? msg + 7 : e;
	msge = msg + strcspn(msg, "\n");
	cmd = *msge == '\n' ? msge + 1 : msge;
	cmde = cmd + strcspn(cmd, "\n");
	mk = *cmde == '\n' ? cmde + 1 : cmde;
	mke = mk + strcspn(mk, "\n");
	c0 = memchr(mk, '^', (size_t)(mke - mk));
	if (c0 != NULL && c0 - mk < cmde - cmd) {
		c1 = c0;
		while (c1 < mke && *c1 == '^')
			c1++;
		if (c1 - mk > cmde - cmd)
			c1 = mk + (cmde - cmd);
		snprintf(err, errlen, "nft: %.*s: %.*s", (int)(msge - msg), msg, (int)(c1 - c0),
		         cmd + (c0 - mk));
	} else
		snprintf(err, errlen, "nft: %.*s", (int)(msge - msg), msg);
}

/* Runs the commands in buf as one transaction; output stays in the context until taken. */
static int
run(struct fw_nft *n, const char *buf, char *err, size_t errlen)
{
	int rc = nft_run_cmd_from_buffer(n->ctx, buf);
	const char *e = nft_ctx_get_error_buffer(n->ctx); /* also empties it */

	if (rc != 0) {
		nft_errmsg(e, err, errlen);
		nft_ctx_get_output_buffer(n->ctx);
		return -1;
	}
	return 0;
}

/* Creates what is missing and rewrites our chain's rules, in one transaction. */
static int
setup(struct fw_nft *n, char *err, size_t errlen)
{
	struct fw_buf *b = &n->cmd;
	const char *t = n->table;
	size_t i;

	b->len = 0;
	fw_buf_addf(b, "add table inet %s\n", t);
	for (i = 0; i < NSETS; i++)
		fw_buf_addf(b, "add set inet %s %s { %s }\n", t, sets[i].name, sets[i].decl);
	fw_buf_addf(b,
	            "add chain inet %s input { type filter hook input priority filter - 10; "
	            "policy accept; }\n",
	            t);
	fw_buf_addf(b, "flush chain inet %s input\n", t);
	for (i = 0; i < NSETS; i++)
		fw_buf_addf(b, "add rule inet %s input %s\n", t, sets[i].rule);
	if (run(n, b->p, err, errlen) == -1)
		return -1;
	nft_ctx_get_output_buffer(n->ctx);
	return 0;
}

struct fw_nft *
fw_nft_open(const char *table, char *err, size_t errlen)
{
	struct fw_nft *n;

	if (!valid_table(table)) {
		snprintf(err, errlen, "nftables: bad table name \"%s\" (letters, digits, _)",
		         table);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	snprintf(n->table, sizeof(n->table), "%s", table);
	if ((n->ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		snprintf(err, errlen, "nftables: cannot create a context");
		goto fail;
	}
	if (nft_ctx_buffer_output(n->ctx) != 0 || nft_ctx_buffer_error(n->ctx) != 0) {
		snprintf(err, errlen, "nftables: cannot buffer output");
		goto fail;
	}
	nft_ctx_output_set_flags(n->ctx, NFT_CTX_OUTPUT_NUMERIC_TIME);
	if (setup(n, err, errlen) == -1)
		goto fail;
	return n;
fail:
	fw_nft_close(n);
	return NULL;
}

void
fw_nft_close(struct fw_nft *n)
{
	if (n == NULL)
		return;
	if (n->ctx != NULL)
		nft_ctx_free(n->ctx);
	fw_buf_free(&n->cmd);
	free(n);
}

/* ---- reading sets back ---- */

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The end of the word at p: a quoted string, or up to a space, ',' or '}'. */
static const char *
word_end(const char *p)
{
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');

		return q != NULL ? q + 1 : p + strlen(p);
	}
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ',' &&
	       *p != '}')
		p++;
	return p;
}

/* "1d2h3m4s5ms" or "600s" -> seconds (milliseconds dropped); 0 when not a duration. */
static uint32_t
duration(const char *p, const char *e)
{
	uint64_t total = 0;

	while (p < e) {
		uint64_t v = 0;

		if (*p < '0' || *p > '9')
			return 0;
		while (p < e && *p >= '0' && *p <= '9')
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (e - p >= 2 && p[0] == 'm' && p[1] == 's') {
			p += 2;
			continue;
		}
		if (p >= e)
			return 0;
		switch (*p++) {
		case 'd':
			total += v * 86400;
			break;
		case 'h':
			total += v * 3600;
			break;
		case 'm':
			total += v * 60;
			break;
		case 's':
			total += v;
			break;
		default:
			return 0;
		}
	}
	return total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
}

/* Parses "ADDR[/LEN]" of family af; returns 0 or -1 (ranges and the like). */
static int
parse_net(const char *p, const char *e, const struct nset *set, struct addr *net, uint8_t *prefix)
{
	const char *sl = memchr(p, '/', (size_t)(e - p));
	uint8_t af = set->af;
	unsigned len = set->prefix ? set->prefix : fw_maxprefix(af);

	if (sl != NULL) {
		const char *q;

		if (sl + 1 == e || sl + 4 < e)
			return -1;
		for (len = 0, q = sl + 1; q < e; q++) {
			if (*q < '0' || *q > '9')
				return -1;
			len = len * 10 + (unsigned)(*q - '0');
		}
		if (len == 0 || len > fw_maxprefix(af))
			return -1;
		e = sl;
	}
	if (addr_parse(p, (size_t)(e - p), net) == -1 || net->af != af)
		return -1;
	*prefix = (uint8_t)len;
	return 0;
}

/*
 * Adds the elements of the listing text of set to v: the part inside
 * "elements = { ... }", elements separated by ',', each an address or prefix followed by
 * attributes ("timeout 600s expires 599s comment \"sshd\""). Unknown words are skipped, and so
 * are elements that are not an address or a prefix.
 */
static void
parse_elems(const char *text, const struct nset *set, struct kvec *v)
{
	const char *p = strstr(text, "elements = {");

	if (p == NULL)
		return;
	p += strlen("elements = {");
	for (;;) {
		const char *w, *we;
		struct kel k;
		int ok;

		while (*(p = skip_space(p)) == ',')
			p++;
		if (*p == '}' || *p == '\0')
			return;
		memset(&k, 0, sizeof(k));
		k.jail = "";
		w = p;
		we = word_end(w);
		ok = parse_net(w, we, set, &k.net, &k.prefix) == 0;
		p = we;
		for (;;) {
			p = skip_space(p);
			if (*p == ',' || *p == '}' || *p == '\0')
				break;
			w = p;
			we = word_end(w);
			p = skip_space(we);
			if (*p == ',' || *p == '}' || *p == '\0')
				break;
			if ((size_t)(we - w) == 7 && memcmp(w, "expires", 7) == 0) {
				const char *ve = word_end(p);

				k.left = duration(p, ve);
				p = ve;
			} else if ((size_t)(we - w) == 7 && memcmp(w, "comment", 7) == 0 &&
			           *p == '"') {
				const char *ve = word_end(p);

				k.jail = p + 1;
				k.jlen = ve > p + 1 && ve[-1] == '"' ? (size_t)(ve - p - 2) : 0;
				p = ve;
			}
		}
		if (!ok)
			continue;
		if (v->n == v->cap)
			v->v =
			    xreallocarray(v->v, v->cap = v->cap ? v->cap * 2 : 64, sizeof(*v->v));
		v->v[v->n++] = k;
	}
}

/* Lists one set into v; the text stays valid (v's jails point into it) until *text is freed. */
static int
list_set(struct fw_nft *n, const struct nset *set, struct kvec *v, char **text, char *err,
         size_t errlen)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "list set inet %s %s\n", n->table, set->name);
	if (run(n, cmd, err, errlen) == -1)
		return -1;
	*text = xstrdup(nft_ctx_get_output_buffer(n->ctx));
	parse_elems(*text, set, v);
	return 0;
}

int
fw_nft_list(struct fw_nft *n, struct fw_elist *l, char *err, size_t errlen)
{
	size_t s, i;
	int rc = 0;

	for (s = 0; s < NSETS && rc == 0; s++) {
		struct kvec v = {0};
		char *text = NULL;

		rc = list_set(n, &sets[s], &v, &text, err, errlen);
		for (i = 0; i < v.n; i++)
			fw_elist_add(l, &v.v[i].net, v.v[i].prefix, v.v[i].left, v.v[i].jail,
			             v.v[i].jlen);
		free(v.v);
		free(text);
	}
	return rc;
}

/* ---- applying decisions ---- */

/* One decision being planned. */
struct dec {
	struct addr net;
	uint8_t prefix;
	uint32_t timeout;
	const char *jail;
	size_t idx; /* position in the caller's list: the later decision wins ties */
};

static int
net_cmp(const struct addr *a, uint8_t pa, const struct addr *b, uint8_t pb)
{
	int c = memcmp(a->a, b->a, sizeof(a->a));

	if (c != 0)
		return c;
	return pa < pb ? -1 : pa > pb;
}

static int
dec_cmp(const void *x, const void *y)
{
	const struct dec *a = x, *b = y;
	int c = net_cmp(&a->net, a->prefix, &b->net, b->prefix);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* 1 when outer (a prefix of length po) contains inner (length pi). */
static int
contains(const struct addr *outer, uint8_t po, const struct addr *inner, uint8_t pi)
{
	unsigned full = po / 8, rest = po % 8;

	if (po > pi)
		return 0;
	if (memcmp(outer->a, inner->a, full) != 0)
		return 0;
	return rest == 0 || ((outer->a[full] ^ inner->a[full]) & (0xff00u >> rest) & 0xff) == 0;
}

static uint64_t
tkey(uint32_t t)
{
	return t == 0 ? UINT64_MAX : t;
}

/* Sorts d[0..n) and merges duplicates (the longest timeout wins); returns the new count. */
static size_t
dedup(struct dec *d, size_t n)
{
	size_t i, o = 0;

	qsort(d, n, sizeof(*d), dec_cmp);
	for (i = 0; i < n; i++) {
		if (o > 0 && net_cmp(&d[o - 1].net, d[o - 1].prefix, &d[i].net, d[i].prefix) == 0) {
			if (tkey(d[i].timeout) >= tkey(d[o - 1].timeout))
				d[o - 1] = d[i];
			continue;
		}
		d[o++] = d[i];
	}
	return o;
}

/*
 * Appends "CMD element inet T SET { e1, e2 }\n" for n nets (with_attrs: timeout, comment).
 * Hash sets take the bare address (their prefix length is implied), interval sets ADDR/LEN.
 */
static void
emit(struct fw_nft *nf, const char *cmd, const struct nset *set, const struct dec *d, size_t n,
     int with_attrs)
{
	struct fw_buf *b = &nf->cmd;
	size_t i;

	if (n == 0)
		return;
	fw_buf_addf(b, "%s element inet %s %s { ", cmd, nf->table, set->name);
	for (i = 0; i < n; i++) {
		struct fw_elem e = {.net = d[i].net, .prefix = d[i].prefix};

		if (set->prefix != 0)
			e.prefix = fw_maxprefix(e.net.af);
		if (i > 0)
			fw_buf_add(b, ", ", 2);
		fw_buf_addnet(b, &e, 0);
		if (with_attrs) {
			char j[FW_JAIL_MAX + 1];
			uint32_t t = d[i].timeout;

			if (t > NFT_MAX_TIMEOUT)
				t = NFT_MAX_TIMEOUT;
			if (t != 0) {
				fw_buf_add(b, " timeout ", 9);
				fw_buf_addu(b, t);
				fw_buf_add(b, "s", 1);
			}
			if (fw_jail(d[i].jail, j) > 0)
				fw_buf_addf(b, " comment \"%s\"", j);
		}
	}
	fw_buf_add(b, " }\n", 3);
}

/* The index of the last k with k.net <= net (by address), or -1. */
static long
pred(const struct kvec *k, const struct addr *net)
{
	long lo = 0, hi = (long)k->n - 1, r = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (memcmp(k->v[mid].net.a, net->a, sizeof(net->a)) <= 0) {
			r = mid;
			lo = mid + 1;
		} else
			hi = mid - 1;
	}
	return r;
}

static int
kel_cmp(const void *x, const void *y)
{
	const struct kel *a = x, *b = y;

	return net_cmp(&a->net, a->prefix, &b->net, b->prefix);
}

/*
 * Plans the prefix decisions of one family against the set's current content k (sorted):
 * marks in k what must go (unbanned, refreshed, or covered by a new wider ban) and returns in
 * ban[0..*nban) the bans to add (nested ones dropped). See fw_apply for the rules.
 */
static void
plan_prefixes(struct kvec *k, struct dec *ban, size_t *nban, const struct dec *unban, size_t nunban)
{
	size_t i, o = 0;
	char a[ADDR_STRLEN];

	for (i = 0; i < nunban; i++) {
		long p = pred(k, &unban[i].net);

		if (p >= 0 &&
		    net_cmp(&k->v[p].net, k->v[p].prefix, &unban[i].net, unban[i].prefix) == 0)
			k->v[p].del = 1;
		else {
			addr_format(&unban[i].net, a);
			log_debug("nftables: unban %s/%u: not in the set", a, unban[i].prefix);
		}
	}
	for (i = 0; i < *nban; i++) {
		struct dec *d = &ban[i];
		long p;
		size_t j;

		if (o > 0 && contains(&ban[o - 1].net, ban[o - 1].prefix, &d->net, d->prefix)) {
			addr_format(&d->net, a);
			log_debug("nftables: ban %s/%u dropped: inside a wider ban of this batch",
			          a, d->prefix);
			continue;
		}
		p = pred(k, &d->net);
		if (p >= 0 && !k->v[p].del && k->v[p].prefix < d->prefix &&
		    contains(&k->v[p].net, k->v[p].prefix, &d->net, d->prefix)) {
			addr_format(&d->net, a);
			log_debug("nftables: ban %s/%u dropped: inside a wider ban in the set", a,
			          d->prefix);
			continue;
		}
		/* everything the new ban covers goes (the same element too: a refresh) */
		j = p >= 0 && contains(&d->net, d->prefix, &k->v[p].net, k->v[p].prefix)
		        ? (size_t)p
		        : (size_t)(p + 1);
		for (; j < k->n && contains(&d->net, d->prefix, &k->v[j].net, k->v[j].prefix); j++)
			k->v[j].del = 1;
		ban[o++] = *d;
	}
	*nban = o;
}

/*
 * Writes the whole batch into nf->cmd. Single addresses: "add" first, so that the "delete"
 * cannot fail on an absent (or just expired) element, then "add" with the timeout. Prefixes:
 * planned against what the interval set holds now; there the "add" trick does not work (nft
 * 1.0.6 then reports an overlap when a wider prefix follows), so *ndel counts the prefixes
 * deleted on the strength of the listing. Returns 0, or -1 with err.
 */
static int
build(struct fw_nft *nf, const struct fw_elem *ban, size_t nban, const struct fw_elem *unban,
      size_t nunban, size_t *ndel, char *err, size_t errlen)
{
	struct dec *bd = xreallocarray(NULL, nban + 1, sizeof(*bd));
	struct dec *ud = xreallocarray(NULL, nunban + 1, sizeof(*ud));
	struct dec *all = xreallocarray(NULL, nban + nunban + 1, sizeof(*all));
	struct dec *kd = NULL;
	struct kvec k = {0};
	char *text = NULL;
	int rc = -1;
	size_t s, i;

	nf->cmd.len = 0;
	*ndel = 0;
	for (s = 0; s < NSETS; s++) {
		const struct nset *set = &sets[s];
		size_t nb = 0, nu = 0, na, nd = 0, j;

		for (i = 0; i < nban; i++)
			if (set_for(&ban[i]) == set)
				bd[nb++] = (struct dec){ban[i].net, ban[i].prefix, ban[i].timeout,
				                        ban[i].jail, i};
		for (i = 0; i < nunban; i++)
			if (set_for(&unban[i]) == set)
				ud[nu++] = (struct dec){unban[i].net, unban[i].prefix, 0, NULL, i};
		if (nb + nu == 0)
			continue;
		nb = dedup(bd, nb);
		if (set->prefix != 0) {
			memcpy(all, bd, nb * sizeof(*all));
			memcpy(all + nb, ud, nu * sizeof(*all));
			na = dedup(all, nb + nu);
			emit(nf, "add", set, all, na, 0);
			emit(nf, "delete", set, all, na, 0);
			emit(nf, "add", set, bd, nb, 1);
			continue;
		}
		k.n = 0;
		free(text);
		text = NULL;
		if (list_set(nf, set, &k, &text, err, errlen) == -1)
			goto out;
		if (k.n > 0)
			qsort(k.v, k.n, sizeof(*k.v), kel_cmp);
		nu = dedup(ud, nu);
		plan_prefixes(&k, bd, &nb, ud, nu);
		kd = xreallocarray(kd, k.n + 1, sizeof(*kd));
		for (j = 0; j < k.n; j++)
			if (k.v[j].del)
				kd[nd++] = (struct dec){k.v[j].net, k.v[j].prefix, 0, NULL, 0};
		emit(nf, "delete", set, kd, nd, 0);
		emit(nf, "add", set, bd, nb, 1);
		*ndel += nd;
	}
	rc = 0;
out:
	free(bd);
	free(ud);
	free(all);
	free(kd);
	free(k.v);
	free(text);
	return rc;
}

int
fw_nft_apply(struct fw_nft *nf, const struct fw_elem *ban, size_t nban, const struct fw_elem *unban,
             size_t nunban, char *err, size_t errlen)
{
	size_t ndel;
	int attempt;

	for (attempt = 0;; attempt++) {
		if (build(nf, ban, nban, unban, nunban, &ndel, err, errlen) == -1)
			return -1;
		if (nf->cmd.len == 0)
			return 0;
		if (run(nf, nf->cmd.p, err, errlen) == 0) {
			nft_ctx_get_output_buffer(nf->ctx);
			return 0;
		}
		/* a listed prefix may have expired just before the batch: plan once more */
		if (ndel == 0 || attempt > 0)
			return -1;
		log_debug("nftables: %s: planning the prefixes again", err);
	}
}

/* ---- checking, removing ---- */

int
fw_nft_ensure(struct fw_nft *n, char *err, size_t errlen)
{
	char cmd[128], msg[256], want[32];
	const char *out;
	size_t i;
	int missing = 0;

	snprintf(cmd, sizeof(cmd), "list chain inet %s input\n", n->table);
	if (run(n, cmd, msg, sizeof(msg)) == -1) {
		log_debug("nftables: %s", msg);
		missing = 1;
	} else {
		out = nft_ctx_get_output_buffer(n->ctx);
		/* nft prints the rules back in its own way ("& MASK == @net6"): the ends suffice */
		for (i = 0; i < NSETS; i++) {
			snprintf(want, sizeof(want), "@%s drop", sets[i].name);
			if (strstr(out, want) == NULL)
				missing = 1;
		}
		if (strstr(out, "hook input") == NULL)
			missing = 1;
	}
	if (!missing)
		return 0;
	log_warnx("nftables: table inet %s or its rules are missing: recreating them", n->table);
	if (setup(n, err, errlen) == -1)
		return -1;
	return 1;
}

int
fw_nft_destroy(struct fw_nft *n, char *err, size_t errlen)
{
	char cmd[128];
	const char *e;
	int rc;

	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", n->table);
	rc = nft_run_cmd_from_buffer(n->ctx, cmd);
	e = nft_ctx_get_error_buffer(n->ctx);

	nft_ctx_get_output_buffer(n->ctx);
	if (rc == 0 || (e != NULL && strstr(e, "No such file or directory") != NULL))
		return 0;
	nft_errmsg(e, err, errlen);
	return -1;
}
