/* tfile.h: unit-test helpers for a temporary directory, its files and compressors run into it. */
#ifndef TFILE_H
#define TFILE_H

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The test's own directory, made by tf_setup and removed by tf_teardown. */
static char tf_dir[256];

/* nftw callback for tf_teardown: removes one entry (files first, FTW_DEPTH). */
static inline int
tf_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

/* Makes tf_dir, "$TMPDIR/authwatch-TAG.XXXXXX" (TMPDIR unset or empty: /tmp); exits on failure. */
static inline void
tf_setup(const char *tag)
{
	const char *t = getenv("TMPDIR");

	snprintf(tf_dir, sizeof(tf_dir), "%s/authwatch-%s.XXXXXX", t && *t ? t : "/tmp", tag);
	if (mkdtemp(tf_dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

/* Removes tf_dir and everything below it (symlinks themselves, not what they point to). */
static inline void
tf_teardown(void)
{
	nftw(tf_dir, tf_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "$tf_dir/name" in one of 16 rotating static buffers (valid until 16 more calls). */
static inline const char *
tf_path(const char *name)
{
	static char buf[16][512];
	static int i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tf_dir, name);
	return buf[i];
}

/* Creates or truncates path and writes len bytes of data to it; exits on any error. */
static inline void
tf_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Drops const for an argv (posix_spawn does not write to it). */
static inline char *
tf_dq(const char *s)
{
	return (char *)(uintptr_t)s;
}

/* Runs argv[0] (found in PATH) with stdin from in and stdout to out; returns its exit status,
 * -1 if it could not be started or did not exit normally. */
static inline int
tf_run(char *const argv[], const char *in, const char *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	fflush(NULL); /* a child must not write our buffered output again */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Compresses file src into dst with "TOOL -c" (tool "gzip", "xz", "zstd" (quiet), "bzip2");
 * exits with "TOOL failed" unless it exits 0. */
static inline void
tf_compress(const char *tool, const char *src, const char *dst)
{
	char *argv[5];
	int i = 0;

	argv[i++] = tf_dq(tool);
	argv[i++] = tf_dq("-c");
	if (strcmp(tool, "zstd") == 0)
		argv[i++] = tf_dq("-q");
	argv[i] = NULL;
	if (tf_run(argv, src, dst) != 0) {
		fprintf(stderr, "%s failed\n", tool);
		exit(1);
	}
}

#endif
