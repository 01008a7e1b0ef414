/* fw.c: firewall dispatch, shared helpers (buffers, child processes) and the conntrack purge. */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fw.h"
#include "log.h"
#include "xmalloc.h"

extern char **environ;

/* An open backend. Invariant: exactly the member named by kind is non-NULL. */
struct fw {
	enum fw_kind kind;
	struct fw_nft *nft;
	struct fw_ipset *ipset;
	struct fw_cmd *cmd;
	struct fw_dryrun *dry;
};

/* ---- buffers ---- */

static void
buf_reserve(struct fw_buf *b, size_t n)
{
	if (b->cap - b->len > n)
		return;
	while (b->cap - b->len <= n)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xreallocarray(b->p, b->cap, 1);
}

void
fw_buf_add(struct fw_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
fw_buf_adds(struct fw_buf *b, const char *s)
{
	fw_buf_add(b, s, strlen(s));
}

void
fw_buf_addf(struct fw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
fw_buf_addu(struct fw_buf *b, uint64_t v)
{
	char d[24], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	fw_buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

void
fw_buf_addnet(struct fw_buf *b, const struct fw_elem *e, int with_full_prefix)
{
	char a[ADDR_STRLEN];
	size_t n = addr_format(&e->net, a);

	fw_buf_add(b, a, n);
	if (with_full_prefix || e->prefix != fw_maxprefix(e->net.af)) {
		fw_buf_add(b, "/", 1);
		fw_buf_addu(b, e->prefix);
	}
}

void
fw_buf_free(struct fw_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

size_t
fw_jail(const char *jail, char *out)
{
	size_t n = 0;

	for (; jail != NULL && *jail != '\0' && n < FW_JAIL_MAX; jail++) {
		char c = *jail;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			c = '_';
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

uint8_t
fw_maxprefix(uint8_t af)
{
	return af == 4 ? 32 : 128;
}

/* ---- fw_list results ---- */

void
fw_elist_add(struct fw_elist *l, const struct addr *net, uint8_t prefix, uint32_t timeout,
             const char *jail, size_t jlen)
{
	struct fw_elem *e;

	if (l->n == l->cap)
		l->v = xreallocarray(l->v, l->cap = l->cap ? l->cap * 2 : 64, sizeof(*l->v));
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->net = *net;
	e->prefix = prefix;
	e->timeout = timeout;
	e->jail = (const char *)(uintptr_t)l->s.len;
	fw_buf_add(&l->s, jail, jlen);
	fw_buf_add(&l->s, "", 1); /* keeps the NUL inside the content */
}

void
fw_elist_pack(struct fw_elist *l, struct fw_elem **out, size_t *n)
{
	size_t i, arr = l->n * sizeof(struct fw_elem);
	char *blk, *s;

	*out = NULL;
	*n = l->n;
	if (l->n > 0) {
		blk = xmalloc(arr + l->s.len);
		memcpy(blk + arr, l->s.p, l->s.len);
		s = blk + arr;
		*out = (struct fw_elem *)(void *)blk;
		for (i = 0; i < l->n; i++) {
			(*out)[i] = l->v[i];
			(*out)[i].jail = s + (uintptr_t)l->v[i].jail;
		}
	}
	fw_elist_free(l);
}

void
fw_elist_free(struct fw_elist *l)
{
	free(l->v);
	fw_buf_free(&l->s);
	memset(l, 0, sizeof(*l));
}

/* ---- child processes ---- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps the last bytes of a stream: buf[0..len), at most cap - 1 of them. */
static void
tail_add(char *buf, size_t *len, size_t cap, const char *s, size_t n)
{
	if (n >= cap - 1) {
		s += n - (cap - 1);
		n = cap - 1;
	}
	if (*len + n > cap - 1) {
		size_t drop = *len + n - (cap - 1);

		memmove(buf, buf + drop, *len - drop);
		*len -= drop;
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/* Makes an stderr tail fit for a one-line message: control bytes become spaces, trimmed. */
static const char *
tail_clean(char *s)
{
	char *p, *e;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	for (e = p; e > s && e[-1] == ' '; e--)
		;
	*e = '\0';
	for (p = s; *p == ' '; p++)
		;
	return p;
}

/* Reads what is available from fd; returns 0 at the end of the stream, 1 otherwise. */
static int
drain(int fd, struct fw_buf *out, char *tail, size_t *tlen, size_t tcap)
{
	char chunk[4096];
	ssize_t r;

	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r > 0) {
			if (out != NULL)
				fw_buf_add(out, chunk, (size_t)r);
			else
				tail_add(tail, tlen, tcap, chunk, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 1;
		return 0; /* end, or an error: treated as the end */
	}
}

int
fw_run(char *const argv[], const char *in, size_t inlen, char **out, unsigned timeout_ms, char *err,
       size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int sv[2] = {-1, -1}, po[2] = {-1, -1}, pe[2] = {-1, -1}, devnull = -1, pidfd = -1;
	int rc = -1, st = 0, exited = 0, killed = 0, e, fa_ok = 0, at_ok = 0;
	pid_t pid = -1;
	struct fw_buf ob = {0};
	char tail[512];
	size_t tlen = 0, off = 0;
	int64_t deadline = now_ms() + timeout_ms;

	tail[0] = '\0';
	if (out != NULL)
		*out = NULL;
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		goto out;
	}
	if (in != NULL && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errlen, "%s: socketpair: %s", argv[0], strerror(errno));
		goto out;
	}
	if ((out != NULL && pipe2(po, O_CLOEXEC) == -1) || pipe2(pe, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "%s: pipe: %s", argv[0], strerror(errno));
		goto out;
	}
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		goto spawnerr;
	fa_ok = 1;
	if ((e = posix_spawn_file_actions_adddup2(&fa, in != NULL ? sv[1] : devnull, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, out != NULL ? po[1] : devnull, 1)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, pe[1], 2)) != 0)
		goto spawnerr;
	if ((e = posix_spawnattr_init(&at)) != 0)
		goto spawnerr;
	at_ok = 1;
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	if ((e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                           POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (e = posix_spawnattr_setpgroup(&at, 0)) != 0 ||
	    (e = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&at, &all)) != 0)
		goto spawnerr;
	e = strchr(argv[0], '/') != NULL ? posix_spawn(&pid, argv[0], &fa, &at, argv, environ)
	                                 : posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	if (e != 0) {
		pid = -1;
		goto spawnerr;
	}
	/* the child's ends belong to the child now */
	if (in != NULL) {
		close(sv[1]);
		sv[1] = -1;
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		if (inlen == 0) {
			close(sv[0]);
			sv[0] = -1;
		}
	}
	if (out != NULL) {
		close(po[1]);
		po[1] = -1;
		fcntl(po[0], F_SETFL, O_NONBLOCK);
	}
	close(pe[1]);
	pe[1] = -1;
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* -1 on old kernels: polled instead */

	while (!exited || po[0] != -1 || pe[0] != -1) {
		struct pollfd pf[4];
		int np = 0, left = (int)(deadline - now_ms()), ip = -1, io = -1, ie = -1, id = -1;

		if (left <= 0) {
			if (exited)
				break; /* a grandchild holds the pipes open: stop reading */
			kill(-pid, SIGKILL);
			killed = 1;
			break;
		}
		if (sv[0] != -1)
			pf[ip = np++] = (struct pollfd){.fd = sv[0], .events = POLLOUT};
		if (po[0] != -1)
			pf[io = np++] = (struct pollfd){.fd = po[0], .events = POLLIN};
		if (pe[0] != -1)
			pf[ie = np++] = (struct pollfd){.fd = pe[0], .events = POLLIN};
		if (!exited && pidfd != -1)
			pf[id = np++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		if (!exited && pidfd == -1 && left > 50)
			left = 50;
		if (poll(pf, (nfds_t)np, left) == -1 && errno != EINTR) {
			snprintf(err, errlen, "%s: poll: %s", argv[0], strerror(errno));
			kill(-pid, SIGKILL);
			killed = 2;
			break;
		}
		if (ip != -1 && pf[ip].revents != 0) {
			ssize_t w = send(sv[0], in + off, inlen - off, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == inlen) {
				close(sv[0]); /* done, or the reader is gone */
				sv[0] = -1;
			}
		}
		if (io != -1 && pf[io].revents != 0 && drain(po[0], &ob, NULL, NULL, 0) == 0) {
			close(po[0]);
			po[0] = -1;
		}
		if (ie != -1 && pf[ie].revents != 0 &&
		    drain(pe[0], NULL, tail, &tlen, sizeof(tail)) == 0) {
			close(pe[0]);
			pe[0] = -1;
		}
		if (!exited && (id == -1 || pf[id].revents != 0)) {
			pid_t w = waitpid(pid, &st, WNOHANG);

			if (w == pid) {
				exited = 1;
				/* what it left in the pipes is there now; a background child it
				 * started may hold them open: do not wait for that one */
				if (deadline > now_ms() + 200)
					deadline = now_ms() + 200;
			}
		}
	}
	if (!exited) {
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		exited = 1;
	}
	if (killed == 2)
		goto out;
	if (killed) {
		snprintf(err, errlen, "%s: killed after %u ms", argv[0], timeout_ms);
		goto out;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		rc = 0;
		if (out != NULL) {
			fw_buf_add(&ob, "", 0);
			*out = ob.p;
			ob.p = NULL;
		}
		goto out;
	}
	if (WIFEXITED(st))
		snprintf(err, errlen, "%s: exit status %d%s%s", argv[0], WEXITSTATUS(st),
		         tlen ? ": " : "", tail_clean(tail));
	else
		snprintf(err, errlen, "%s: killed by signal %d%s%s", argv[0],
		         WIFSIGNALED(st) ? WTERMSIG(st) : 0, tlen ? ": " : "", tail_clean(tail));
	goto out;
spawnerr:
	snprintf(err, errlen, "%s: spawn: %s", argv[0], strerror(e));
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (at_ok)
		posix_spawnattr_destroy(&at);
	for (e = 0; e < 2; e++) {
		if (sv[e] != -1)
			close(sv[e]);
		if (po[e] != -1)
			close(po[e]);
		if (pe[e] != -1)
			close(pe[e]);
	}
	if (pidfd != -1)
		close(pidfd);
	if (devnull != -1)
		close(devnull);
	fw_buf_free(&ob);
	return rc;
}

/* ---- conntrack purge (ctnetlink, raw netlink: no library needed) ---- */

/* One banned net, for matching conntrack sources. */
struct ctnet {
	uint8_t af, prefix, a[16];
};

/* The banned nets sorted, with the distinct (af, prefix) pairs to try. Invariant: v sorted by
 * ctnet_cmp; lens[0..nlens) distinct. */
struct ctmatch {
	struct ctnet *v;
	size_t n;
	struct ctnet lens[129 * 2];
	size_t nlens;
};

static int
ctnet_cmp(const void *x, const void *y)
{
	const struct ctnet *a = x, *b = y;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return memcmp(a->a, b->a, 16);
}

static void
mask(uint8_t *a, uint8_t prefix, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;

		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static int
ct_matches(const struct ctmatch *m, uint8_t af, const uint8_t *src)
{
	size_t i;

	for (i = 0; i < m->nlens; i++) {
		struct ctnet k = {0};

		if (m->lens[i].af != af)
			continue;
		k.af = af;
		k.prefix = m->lens[i].prefix;
		memcpy(k.a, src, af == 4 ? 4 : 16);
		mask(k.a, k.prefix, 16);
		if (bsearch(&k, m->v, m->n, sizeof(k), ctnet_cmp) != NULL)
			return 1;
	}
	return 0;
}

/* The attribute of type t among attrs[0..len), or NULL. */
static const struct nlattr *
nla_find(const void *attrs, size_t len, unsigned t)
{
	const char *p = attrs;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t al = a->nla_len;

		if (al < NLA_HDRLEN || al > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == t)
			return a;
		al = NLA_ALIGN(al);
		if (al >= len)
			break;
		p += al;
		len -= al;
	}
	return NULL;
}

static void
nl_put(struct fw_buf *b, const void *p, size_t n)
{
	static const char zero[4];

	fw_buf_add(b, p, n);
	fw_buf_add(b, zero, NLA_ALIGN(n) - n);
}

/* Adds a delete request for the entry of message h to b when its original source matches. */
static int
ct_consider(const struct ctmatch *m, const struct nlmsghdr *h, struct fw_buf *b, uint32_t seq)
{
	const struct nfgenmsg *g = (const void *)((const char *)h + NLMSG_HDRLEN);
	const char *attrs = (const char *)g + NLMSG_ALIGN(sizeof(*g));
	size_t alen, tl, il;
	const struct nlattr *orig, *ip, *src, *zone, *id;
	struct nlmsghdr nh;
	struct nfgenmsg ng;
	size_t start = b->len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return 0;
	alen = h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));
	if ((orig = nla_find(attrs, alen, CTA_TUPLE_ORIG)) == NULL)
		return 0;
	tl = orig->nla_len - NLA_HDRLEN;
	if ((ip = nla_find((const char *)orig + NLA_HDRLEN, tl, CTA_TUPLE_IP)) == NULL)
		return 0;
	il = ip->nla_len - NLA_HDRLEN;
	if (g->nfgen_family == AF_INET &&
	    (src = nla_find((const char *)ip + NLA_HDRLEN, il, CTA_IP_V4_SRC)) != NULL &&
	    src->nla_len == NLA_HDRLEN + 4) {
		if (!ct_matches(m, 4, (const uint8_t *)src + NLA_HDRLEN))
			return 0;
	} else if (g->nfgen_family == AF_INET6 &&
	           (src = nla_find((const char *)ip + NLA_HDRLEN, il, CTA_IP_V6_SRC)) != NULL &&
	           src->nla_len == NLA_HDRLEN + 16) {
		if (!ct_matches(m, 6, (const uint8_t *)src + NLA_HDRLEN))
			return 0;
	} else
		return 0;
	zone = nla_find(attrs, alen, CTA_ZONE);
	id = nla_find(attrs, alen, CTA_ID);
	memset(&nh, 0, sizeof(nh));
	nh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
	nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nh.nlmsg_seq = seq;
	memset(&ng, 0, sizeof(ng));
	ng.nfgen_family = g->nfgen_family;
	ng.version = NFNETLINK_V0;
	nl_put(b, &nh, sizeof(nh));
	nl_put(b, &ng, sizeof(ng));
	nl_put(b, orig, orig->nla_len);
	if (zone != NULL)
		nl_put(b, zone, zone->nla_len);
	if (id != NULL)
		nl_put(b, id, id->nla_len);
	((struct nlmsghdr *)(void *)(b->p + start))->nlmsg_len = (uint32_t)(b->len - start);
	return 1;
}

/* Sends requests b[0..len) and reads one answer per request; returns the number deleted. */
static long
ct_send(int fd, const char *p, size_t len, size_t nreq, char *rbuf, size_t rcap)
{
	size_t acks = 0;
	long ok = 0;

	if (send(fd, p, len, 0) != (ssize_t)len)
		return -1;
	while (acks < nreq) {
		ssize_t r = recv(fd, rbuf, rcap, 0);
		struct nlmsghdr *h;
		size_t rl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		rl = (size_t)r;
		for (h = (void *)rbuf; NLMSG_OK(h, rl); h = NLMSG_NEXT(h, rl)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			acks++;
			if (((struct nlmsgerr *)NLMSG_DATA(h))->error == 0)
				ok++; /* ENOENT: the entry died meanwhile, fine */
		}
	}
	return ok;
}

/* Deletes the conntrack entries whose original source is banned. Best effort: never fails. */
static void
ct_purge(const struct fw_elem *ban, size_t nban)
{
	struct ctmatch m = {0};
	struct fw_buf req = {0};
	char *rbuf = NULL, cnt[32];
	size_t i, nreq = 0, sent = 0, batch_start = 0, batch_n = 0;
	int fd = -1, done = 0, dfd;
	ssize_t r;
	long deleted = 0, d;
	struct {
		struct nlmsghdr nh;
		struct nfgenmsg ng;
	} q;
	const size_t rcap = 1 << 16;

	/* conntrack not loaded or the table empty: nothing to do, and no dump */
	if ((dfd = open("/proc/sys/net/netfilter/nf_conntrack_count", O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		log_debug("conntrack: not available (%s), entries not purged", strerror(errno));
		return;
	}
	r = read(dfd, cnt, sizeof(cnt) - 1);
	close(dfd);
	if (r > 0 && cnt[0] == '0' && (cnt[1] == '\n' || r == 1))
		return;
	m.v = xreallocarray(NULL, nban, sizeof(*m.v));
	for (i = 0; i < nban; i++) {
		struct ctnet *c = &m.v[m.n++];
		size_t k;

		memset(c, 0, sizeof(*c));
		c->af = ban[i].net.af;
		c->prefix = ban[i].prefix;
		memcpy(c->a, ban[i].net.a, 16);
		for (k = 0; k < m.nlens; k++)
			if (m.lens[k].af == c->af && m.lens[k].prefix == c->prefix)
				break;
		if (k == m.nlens)
			m.lens[m.nlens++] = *c;
	}
	qsort(m.v, m.n, sizeof(*m.v), ctnet_cmp);

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER)) == -1) {
		log_debug("conntrack: netlink socket: %s", strerror(errno));
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.nh.nlmsg_len = sizeof(q);
	q.nh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	q.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.nh.nlmsg_seq = 1;
	q.ng.nfgen_family = AF_UNSPEC;
	q.ng.version = NFNETLINK_V0;
	if (send(fd, &q, sizeof(q), 0) != (ssize_t)sizeof(q)) {
		log_debug("conntrack: dump request: %s", strerror(errno));
		goto out;
	}
	rbuf = xmalloc(rcap);
	while (!done) {
		struct nlmsghdr *h;
		size_t rl;

		r = recv(fd, rbuf, rcap, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			log_debug("conntrack: dump: %s", r == 0 ? "closed" : strerror(errno));
			goto out;
		}
		rl = (size_t)r;
		for (h = (void *)rbuf; NLMSG_OK(h, rl); h = NLMSG_NEXT(h, rl)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *ne = NLMSG_DATA(h);

				log_debug("conntrack: dump: %s", strerror(-ne->error));
				goto out;
			}
			nreq += (size_t)ct_consider(&m, h, &req, (uint32_t)(2 + nreq));
		}
	}
	/* send the deletes in chunks, reading the answers of each */
	for (i = 0; i < nreq; i++) {
		const struct nlmsghdr *h = (const void *)(req.p + sent);
		size_t next = sent + NLMSG_ALIGN(h->nlmsg_len);

		batch_n++;
		if (next - batch_start >= 16384 || i + 1 == nreq) {
			d = ct_send(fd, req.p + batch_start, next - batch_start, batch_n, rbuf,
			            rcap);
			if (d < 0) {
				log_debug("conntrack: delete: %s", strerror(errno));
				goto out;
			}
			deleted += d;
			batch_start = next;
			batch_n = 0;
		}
		sent = next;
	}
	if (nreq > 0)
		log_debug("conntrack: deleted %ld of %zu entries from banned sources", deleted,
		          nreq);
out:
	if (fd != -1)
		close(fd);
	free(rbuf);
	free(m.v);
	fw_buf_free(&req);
}

/* ---- dispatch ---- */

/* 0 when every element is well formed, else -1 with err. */
static int
check_elems(const struct fw_elem *v, size_t n, const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct fw_elem *e = &v[i];
		struct addr m;
		char a[ADDR_STRLEN];

		if (e->net.af != 4 && e->net.af != 6) {
			snprintf(err, errlen, "%s: element %zu: no address", what, i);
			return -1;
		}
		addr_format(&e->net, a);
		if (e->prefix == 0 || e->prefix > fw_maxprefix(e->net.af)) {
			snprintf(err, errlen, "%s %s: bad prefix length %u", what, a,
			         (unsigned)e->prefix);
			return -1;
		}
		m = e->net;
		mask(m.a, e->prefix, 16);
		if (!addr_eq(&m, &e->net)) {
			snprintf(err, errlen, "%s %s/%u: host bits set", what, a,
			         (unsigned)e->prefix);
			return -1;
		}
	}
	return 0;
}

struct fw *
fw_open(const struct fw_opts *o, char *err, size_t errlen)
{
	struct fw *f = xcalloc(1, sizeof(*f));
	unsigned tmo = o->cmd_timeout_ms ? o->cmd_timeout_ms : FW_CMD_TIMEOUT_MS;

	f->kind = o->kind;
	switch (o->kind) {
	case FW_NFTABLES:
		f->nft = fw_nft_open(o->table != NULL ? o->table : "authwatch", err, errlen);
		if (f->nft != NULL)
			return f;
		break;
	case FW_IPSET:
		if ((f->ipset = fw_ipset_open(tmo, err, errlen)) != NULL)
			return f;
		break;
	case FW_COMMAND:
		if ((f->cmd = fw_cmd_open(o->ban_argv, o->unban_argv, tmo, err, errlen)) != NULL)
			return f;
		break;
	case FW_DRYRUN:
		if (o->dryrun_path == NULL || *o->dryrun_path == '\0') {
			snprintf(err, errlen, "dry run: no output file");
			break;
		}
		if ((f->dry = fw_dryrun_open(o->dryrun_path, err, errlen)) != NULL)
			return f;
		break;
	default:
		snprintf(err, errlen, "unknown firewall backend %d", (int)o->kind);
		break;
	}
	free(f);
	return NULL;
}

int
fw_apply(struct fw *f, const struct fw_elem *ban, size_t nban, const struct fw_elem *unban,
         size_t nunban, char *err, size_t errlen)
{
	int rc = -1;

	if (nban == 0 && nunban == 0)
		return 0;
	if (check_elems(ban, nban, "ban", err, errlen) == -1 ||
	    check_elems(unban, nunban, "unban", err, errlen) == -1)
		return -1;
	switch (f->kind) {
	case FW_NFTABLES:
		rc = fw_nft_apply(f->nft, ban, nban, unban, nunban, err, errlen);
		break;
	case FW_IPSET:
		rc = fw_ipset_apply(f->ipset, ban, nban, unban, nunban, err, errlen);
		break;
	case FW_COMMAND:
		return fw_cmd_apply(f->cmd, ban, nban, unban, nunban, err, errlen);
	case FW_DRYRUN:
		return fw_dryrun_apply(f->dry, ban, nban, unban, nunban, err, errlen);
	}
	if (rc == 0 && nban > 0)
		ct_purge(ban, nban);
	return rc;
}

int
fw_ensure(struct fw *f, char *err, size_t errlen)
{
	switch (f->kind) {
	case FW_NFTABLES:
		return fw_nft_ensure(f->nft, err, errlen);
	case FW_IPSET:
		return fw_ipset_ensure(f->ipset, err, errlen);
	default:
		return 0;
	}
}

int
fw_list(struct fw *f, struct fw_elem **out, size_t *n, char *err, size_t errlen)
{
	struct fw_elist l = {0};
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (f->kind == FW_NFTABLES)
		rc = fw_nft_list(f->nft, &l, err, errlen);
	else if (f->kind == FW_IPSET)
		rc = fw_ipset_list(f->ipset, &l, err, errlen);
	if (rc == -1) {
		fw_elist_free(&l);
		return -1;
	}
	fw_elist_pack(&l, out, n);
	return 0;
}

int
fw_expires(const struct fw *f)
{
	return f->kind == FW_NFTABLES || f->kind == FW_IPSET;
}

int
fw_destroy(struct fw *f, char *err, size_t errlen)
{
	switch (f->kind) {
	case FW_NFTABLES:
		return fw_nft_destroy(f->nft, err, errlen);
	case FW_IPSET:
		return fw_ipset_destroy(f->ipset, err, errlen);
	default:
		return 0;
	}
}

void
fw_close(struct fw *f)
{
	if (f == NULL)
		return;
	switch (f->kind) {
	case FW_NFTABLES:
		fw_nft_close(f->nft);
		break;
	case FW_IPSET:
		fw_ipset_close(f->ipset);
		break;
	case FW_COMMAND:
		fw_cmd_close(f->cmd);
		break;
	case FW_DRYRUN:
		fw_dryrun_close(f->dry);
		break;
	}
	free(f);
}
