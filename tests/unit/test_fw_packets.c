/* test_fw_packets.c: real packets through the nftables and ipset backends, over a veth pair. */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "fw_fixture.h"
#include "fw.h"

/* ---- real packets: a veth pair to a second namespace ---- */

/* The second namespace: a child process that holds it until its pipe closes. */
struct peer {
	pid_t pid;
	int nsfd, hold;
};

static int
peer_start(struct peer *pe)
{
	int up[2], hold[2];
	char c, path[64];

	memset(pe, 0, sizeof(*pe));
	if (pipe(up) == -1 || pipe(hold) == -1)
		return -1;
	fflush(NULL);
	if ((pe->pid = fork()) == 0) {
		close(up[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(up[1], &c, 1) != 1)
			_exit(1);
		(void)read(hold[0], &c, 1);
		_exit(0);
	}
	close(up[1]);
	close(hold[0]);
	pe->hold = hold[1];
	if (read(up[0], &c, 1) != 1 || c != 'y') {
		close(up[0]);
		return -1;
	}
	close(up[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pe->pid);
	return (pe->nsfd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ? -1 : 0;
}

static void
peer_stop(struct peer *pe)
{
	close(pe->hold);
	close(pe->nsfd);
	waitpid(pe->pid, NULL, 0);
}

/* Runs argv inside the peer's namespace; returns its exit status (-1: not run). */
static int
peer_run(struct peer *pe, const char *a0, ...)
{
	char *argv[32];
	va_list ap;
	int n = 0, st;
	pid_t pid;

	argv[n++] = tf_dq(a0);
	va_start(ap, a0);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (setns(pe->nsfd, CLONE_NEWNET) == -1)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Connects from the peer to addr:port within ms; 1 connected, 0 not, -1 test error. */
static int
peer_connect(struct peer *pe, const char *addr, int port, int ms)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct sockaddr_storage ss;
		socklen_t sl;
		struct pollfd pf;
		int fd, e = 0;
		socklen_t el_ = sizeof(e);

		memset(&ss, 0, sizeof(ss));
		if (strchr(addr, ':') != NULL) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			inet_pton(AF_INET6, addr, &s6->sin6_addr);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			inet_pton(AF_INET, addr, &s4->sin_addr);
			sl = sizeof(*s4);
		}
		if (setns(pe->nsfd, CLONE_NEWNET) == -1 ||
		    (fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
			_exit(2);
		if (connect(fd, (struct sockaddr *)&ss, sl) == 0)
			_exit(0);
		if (errno != EINPROGRESS)
			_exit(1);
		pf.fd = fd;
		pf.events = POLLOUT;
		if (poll(&pf, 1, ms) != 1)
			_exit(1);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el_);
		_exit(e == 0 ? 0 : 1);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return -1;
	return WEXITSTATUS(st) == 0;
}

/* A listening TCP socket on [::]:port (IPv4 too); -1 on error. */
static int
listen_any(int port)
{
	struct sockaddr_in6 s6;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), no = 0, yes = 1;

	if (fd == -1)
		return -1;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((uint16_t)port);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof(no));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
	if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == -1 || listen(fd, 64) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Accepts and closes whatever connected (keeps the backlog empty). */
static void
drain_accept(int lfd)
{
	int c;

	while ((c = accept(lfd, NULL, NULL)) != -1)
		close(c);
}

/* Sets up the veth pair: us 10.77.0.1 / fd00:77::1, the peer 10.77.0.2 / fd00:77::2. */
static int
veth_up(struct peer *pe)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)pe->pid);
	run_fails("ip", "link", "del", "aw0", NULL); /* left by an earlier test */
	if (run_ok("ip", "link", "add", "aw0", "type", "veth", "peer", "name", "aw1", "netns", pid,
	           NULL) != 0 ||
	    run_ok("ip", "addr", "add", "10.77.0.1/24", "dev", "aw0", NULL) != 0 ||
	    run_ok("ip", "-6", "addr", "add", "fd00:77::1/64", "dev", "aw0", "nodad", NULL) != 0 ||
	    run_ok("ip", "link", "set", "aw0", "up", NULL) != 0)
		return -1;
	if (peer_run(pe, "ip", "addr", "add", "10.77.0.2/24", "dev", "aw1", NULL) != 0 ||
	    peer_run(pe, "ip", "-6", "addr", "add", "fd00:77::2/64", "dev", "aw1", "nodad", NULL) !=
	        0 ||
	    peer_run(pe, "ip", "link", "set", "aw1", "up", NULL) != 0 ||
	    peer_run(pe, "ip", "link", "set", "lo", "up", NULL) != 0)
		return -1;
	return 0;
}

/* Bans the peer through f and checks that its connections fail, then work after the unban. */
static void
check_drops(struct fw *f, struct peer *pe, int lfd)
{
	struct fw_elem b4 = el("10.77.0.2", 600, "t"), b6 = el("fd00:77::/64", 600, "t");
	struct fw_elem p4[] = {el("10.77.0.0/24", 600, "t"), el("fd00::/16", 600, "t")};

	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	drain_accept(lfd);
	APPLY(f, &b4, 1, NULL, 0);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 1000), 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	APPLY(f, &b6, 1, NULL, 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 1000), 0);
	APPLY(f, NULL, 0, &b4, 1);
	APPLY(f, NULL, 0, &b6, 1);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	/* other prefix lengths (nftables: the interval sets) */
	APPLY(f, p4, 2, NULL, 0);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 1000), 0);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 1000), 0);
	APPLY(f, NULL, 0, p4, 2);
	CHECK_INT(peer_connect(pe, "10.77.0.1", 2222, 3000), 1);
	CHECK_INT(peer_connect(pe, "fd00:77::1", 2222, 3000), 1);
	drain_accept(lfd);
}

/*
 * An established connection from the peer: after the ban its conntrack entry is gone and its
 * data no longer arrives.
 */
static void
check_established(struct fw *f, struct peer *pe, int lfd)
{
	struct fw_elem b4 = el("10.77.0.2", 600, "t");
	int go[2], ready[2], c = -1;
	struct pollfd pf;
	char ch, *ct;
	pid_t pid;

	if (access("/usr/sbin/conntrack", X_OK) != 0) {
		printf("skip: no conntrack tool: established connection not checked\n");
		return;
	}
	/* conntrack only tracks a namespace where some rule uses it */
	if (run_ok("nft",
	           "add table inet awtest; add chain inet awtest c { type filter hook input "
	           "priority 0; ct state established counter accept; }",
	           NULL) != 0) {
		T_FAIL("conntrack rule");
		return;
	}
	if (pipe(go) == -1 || pipe(ready) == -1)
		return;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct sockaddr_in s4;
		int fd;

		close(go[1]);
		close(ready[0]);
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(2222);
		inet_pton(AF_INET, "10.77.0.1", &s4.sin_addr);
		if (setns(pe->nsfd, CLONE_NEWNET) == -1 ||
		    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&s4, sizeof(s4)) == -1)
			_exit(1);
		ch = 'c';
		if (write(ready[1], &ch, 1) != 1 || read(go[0], &ch, 1) != 1 ||
		    write(fd, "x", 1) != 1)
			_exit(1);
		(void)read(go[0], &ch, 1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &ch, 1) != 1) {
		T_FAIL("peer could not connect");
		goto out;
	}
	pf.fd = lfd;
	pf.events = POLLIN;
	poll(&pf, 1, 2000);
	c = accept(lfd, NULL, NULL);
	CHECK(c != -1);
	ct = cap("conntrack", "-L", "-s", "10.77.0.2", NULL);
	CHECK(count(ct, "src=10.77.0.2") >= 1);
	free(ct);
	APPLY(f, &b4, 1, NULL, 0);
	ct = cap("conntrack", "-L", "-s", "10.77.0.2", NULL);
	CHECK_INT(count(ct, "src=10.77.0.2"), 0);
	free(ct);
	ch = 'g';
	CHECK_INT(write(go[1], &ch, 1), 1);
	pf.fd = c;
	pf.events = POLLIN;
	CHECK_INT(poll(&pf, 1, 1000), 0); /* the byte never arrives */
	APPLY(f, NULL, 0, &b4, 1);
out:
	close(go[1]); /* the peer exits */
	close(ready[0]);
	if (c != -1)
		close(c);
	waitpid(pid, NULL, 0);
	run_ok("nft", "delete", "table", "inet", "awtest", NULL);
}

T(nft_drops_packets)
{
	struct fw *f = nft_fresh();
	struct peer pe;
	int lfd = -1;

	if (f == NULL)
		return;
	if (peer_start(&pe) == -1) {
		T_FAIL("second namespace");
		fw_close(f);
		return;
	}
	if (veth_up(&pe) == -1 || (lfd = listen_any(2222)) == -1) {
		T_FAIL("veth pair");
		goto out;
	}
	check_drops(f, &pe, lfd);
	check_established(f, &pe, lfd);
out:
	if (lfd != -1)
		close(lfd);
	peer_stop(&pe);
	fw_close(f);
}

T(ipset_drops_packets)
{
	int skip;
	struct fw *f = ipset_fresh(&skip);
	struct peer pe;
	int lfd = -1;
	char err[512];

	if (f == NULL)
		return;
	if (peer_start(&pe) == -1) {
		T_FAIL("second namespace");
		fw_close(f);
		return;
	}
	if (veth_up(&pe) == -1 || (lfd = listen_any(2222)) == -1) {
		T_FAIL("veth pair");
		goto out;
	}
	check_drops(f, &pe, lfd);
out:
	if (lfd != -1)
		close(lfd);
	peer_stop(&pe);
	fw_destroy(f, err, sizeof(err));
	fw_close(f);
}

int
main(void)
{
	int rc;

	if ((rc = netns_enter("test_fw_packets")) != 0)
		return rc;
	T_RUN(nft_drops_packets);
	T_RUN(ipset_drops_packets);
	return T_END();
}
