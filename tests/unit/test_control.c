/* test_control.c: the control socket: request words in, answer and status out, permissions. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "loop.h"
#include "t.h"
#include "tfile.h"

static void
handler(void *arg, int argc, char **argv, struct control_out *out)
{
	int *calls = arg, i;

	(*calls)++;
	if (strcmp(argv[0], "fail") == 0) {
		control_fail(out, "no such thing '%s'", argc > 1 ? argv[1] : "");
		return;
	}
	if (strcmp(argv[0], "big") == 0) {
		for (i = 0; i < 100000; i++)
			control_printf(out, "line %d\n", i);
		return;
	}
	control_printf(out, "argc=%d", argc);
	for (i = 0; i < argc; i++)
		control_printf(out, " [%s]", argv[i]);
	control_printf(out, "\n");
}

/* Runs control_call in a child while this process serves; returns the child's status and its
 * output. */
static int
call(struct loop *l, const char *path, int argc, char *const *argv, char *out, size_t outlen)
{
	int pfd[2], st = 0, rc;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	if (pipe(pfd) != 0)
		abort();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char err[256] = "";

		close(pfd[0]);
		rc = control_call(path, argc, argv, pfd[1], err, sizeof(err));
		if (rc < 0)
			dprintf(pfd[1], "ERR %s", err);
		_exit(rc < 0 ? 2 : rc);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		loop_once(l, 10);
		while ((n = read(pfd[0], out + got, outlen - 1 - got)) > 0)
			got += (size_t)n;
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	}
	while ((n = read(pfd[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

T(requests_and_answers)
{
	struct loop *l = loop_new();
	int calls = 0;
	char err[256], path[300], *out = malloc(2 << 20);
	struct control *c;
	struct stat sb;
	char *a1[] = {tf_dq("status")},
	     *a2[] = {tf_dq("ban"), tf_dq("192.0.2.1"), tf_dq("--for"), tf_dq("1h")},
	     *a3[] = {tf_dq("fail"), tf_dq("x")}, *a4[] = {tf_dq("big")},
	     *a5[] = {tf_dq("two words")};

	snprintf(path, sizeof(path), "%s/run/ctl.sock", tf_dir);
	c = control_open(path, l, handler, &calls, err, sizeof(err));
	CHECK(c != NULL);
	if (c == NULL) {
		printf("  %s\n", err);
		return;
	}
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_INT(call(l, path, 1, a1, out, 2 << 20), 0);
	CHECK_STR(out, "argc=1 [status]\n");
	CHECK_INT(call(l, path, 4, a2, out, 2 << 20), 0);
	CHECK_STR(out, "argc=4 [ban] [192.0.2.1] [--for] [1h]\n");
	CHECK_INT(call(l, path, 2, a3, out, 2 << 20), 1);
	CHECK_STR(out, "error: no such thing 'x'\n");
	/* a long answer comes through whole (written as the socket drains) */
	CHECK_INT(call(l, path, 1, a4, out, 2 << 20), 0);
	CHECK(strstr(out, "line 0\nline 1\n") == out && strstr(out, "line 99999\n") != NULL);
	/* a word with a blank is refused by the client itself */
	CHECK_INT(call(l, path, 1, a5, out, 2 << 20), 2);
	CHECK_INT(calls, 4);
	/* a second daemon on the same socket is refused */
	CHECK(control_open(path, l, handler, &calls, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "another authwatch daemon is running") != NULL);
	control_close(c);
	CHECK(stat(path, &sb) != 0);
	/* nobody listening: a clear error */
	CHECK_INT(call(l, path, 1, a1, out, 2 << 20), 2);
	CHECK(strstr(out, "is the daemon running?") != NULL);
	/* a stale socket file left by a crash is replaced */
	{
		struct sockaddr_un sa;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		CHECK(strlen(path) < sizeof(sa.sun_path));
		memcpy(sa.sun_path, path, strlen(path) < sizeof(sa.sun_path) ? strlen(path) : 0);
		CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
		close(fd); /* not listening, not unlinked: stale */
	}
	c = control_open(path, l, handler, &calls, err, sizeof(err));
	CHECK(c != NULL);
	/* a file put where the socket was while it ran is not deleted at close */
	CHECK(unlink(path) == 0);
	tf_write(path, "precious", 8);
	control_close(c);
	CHECK(stat(path, &sb) == 0 && S_ISREG(sb.st_mode));
	/* a file at the socket's path is refused, and left as it was */
	CHECK(control_open(path, l, handler, &calls, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "exists and is not a socket") != NULL);
	CHECK(stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 8);
	loop_free(l);
	free(out);
}

int
main(void)
{
	tf_setup("control");
	T_RUN(requests_and_answers);
	tf_teardown();
	return T_END();
}
