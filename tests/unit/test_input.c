/* test_input.c: unit tests of input (glob expansion, rotation order, duplicates). */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "tfile.h"
#include "input.h"
#include "log.h"

static void
touch(const char *name)
{
	FILE *f = fopen(tf_path(name), "w");

	if (f == NULL) {
		perror(name);
		exit(1);
	}
	fclose(f);
}

/*
 * Expands the n args (names relative to tf_dir unless they start with "/" or
 * are "-" or start with "!" (taken as they are, without the "!")) and checks the
 * result against the want names (same convention), NULL-terminated.
 */
static void
check_expand(int line, const char *const *args, size_t n, ...)
{
	char **a = calloc(n + 1, sizeof(*a)), *w;
	struct input_list l;
	va_list ap;
	size_t i, k = 0;
	const char *s;

	for (i = 0; i < n; i++) {
		s = args[i];
		if (s[0] == '!')
			a[i] = strdup(s + 1);
		else if (strcmp(s, "-") == 0 || s[0] == '/')
			a[i] = strdup(s);
		else
			a[i] = strdup(tf_path(s));
	}
	if (input_expand(a, n, &l) != 0) {
		T_FAIL("line %d: input_expand failed", line);
		goto out;
	}
	va_start(ap, n);
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (s[0] == '!')
			w = strdup(s + 1);
		else if (strcmp(s, "-") == 0 || s[0] == '/')
			w = strdup(s);
		else
			w = strdup(tf_path(s));
		if (k >= l.n)
			T_FAIL("line %d: missing [%zu] %s", line, k, w);
		else if (strcmp(l.paths[k], w) != 0)
			T_FAIL("line %d: [%zu] is %s, want %s", line, k, l.paths[k], w);
		free(w);
		k++;
	}
	va_end(ap);
	for (; k < l.n; k++)
		T_FAIL("line %d: extra [%zu] %s", line, k, l.paths[k]);
	input_list_free(&l);
	CHECK(l.paths == NULL && l.n == 0);
out:
	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

#define NARGS(a) (sizeof(a) / sizeof((a)[0]))

T(rotation_numbers)
{
	static const char *const args[] = {"r/auth.log.2.gz", "r/auth.log", "r/auth.log.10.gz",
	                                   "r/auth.log.1", "r/auth.log.9.gz"};

	mkdir(tf_path("r"), 0755);
	touch("r/auth.log");
	touch("r/auth.log.1");
	touch("r/auth.log.2.gz");
	touch("r/auth.log.9.gz");
	touch("r/auth.log.10.gz");
	check_expand(__LINE__, args, NARGS(args), "r/auth.log.10.gz", "r/auth.log.9.gz",
	             "r/auth.log.2.gz", "r/auth.log.1", "r/auth.log", NULL);
}

T(rotation_other_suffixes)
{
	static const char *const args[] = {"r/x.log",       "r/x.log.1.xz", "r/x.log.3.bz2",
	                                   "r/x.log.2.zst", "r/x.log.0",    "r/x.log.4"};

	check_expand(__LINE__, args, NARGS(args), "r/x.log.4", "r/x.log.3.bz2", "r/x.log.2.zst",
	             "r/x.log.1.xz", "r/x.log.0", "r/x.log", NULL);
}

T(rotation_dateext)
{
	static const char *const args[] = {"d/auth.log", "d/auth.log-20240601",
	                                   "d/auth.log-20240415", "d/auth.log-20240501.gz"};

	mkdir(tf_path("d"), 0755);
	touch("d/auth.log");
	touch("d/auth.log-20240415");
	touch("d/auth.log-20240501.gz");
	touch("d/auth.log-20240601");
	check_expand(__LINE__, args, NARGS(args), "d/auth.log-20240415", "d/auth.log-20240501.gz",
	             "d/auth.log-20240601", "d/auth.log", NULL);
}

T(glob_patterns)
{
	static const char *const args[] = {"r/auth.log*"};
	static const char *const args2[] = {"d/*", "r/auth.log.?"};
	static const char *const args3[] = {"r/auth.log.[0-9]*"};

	check_expand(__LINE__, args, NARGS(args), "r/auth.log.10.gz", "r/auth.log.9.gz",
	             "r/auth.log.2.gz", "r/auth.log.1", "r/auth.log", NULL);
	check_expand(__LINE__, args2, NARGS(args2), "d/auth.log-20240415", "d/auth.log-20240501.gz",
	             "d/auth.log-20240601", "d/auth.log", "r/auth.log.1", NULL);
	check_expand(__LINE__, args3, NARGS(args3), "r/auth.log.10.gz", "r/auth.log.9.gz",
	             "r/auth.log.2.gz", "r/auth.log.1", NULL);
}

T(missing_kept)
{
	static const char *const args[] = {"nomatch/*.log", "r/none*", "missing.log"};

	check_expand(__LINE__, args, NARGS(args), "nomatch/*.log", "r/none*", "missing.log", NULL);
}

T(stdin_kept)
{
	static const char *const args[] = {"r/auth.log", "-", "d/auth.log", "-"};

	check_expand(__LINE__, args, NARGS(args), "r/auth.log", "-", "d/auth.log", NULL);
}

T(unrelated_keep_order)
{
	static const char *const args[] = {"u/b.log", "u/a.log", "u/c.txt"};
	static const char *const args2[] = {"r/auth.log", "u/b.log", "r/auth.log.1", "u/a.log",
	                                    "r/auth.log.2.gz"};

	mkdir(tf_path("u"), 0755);
	touch("u/a.log");
	touch("u/b.log");
	touch("u/c.txt");
	check_expand(__LINE__, args, NARGS(args), "u/b.log", "u/a.log", "u/c.txt", NULL);
	/* a group at the place of its first member */
	check_expand(__LINE__, args2, NARGS(args2), "r/auth.log.2.gz", "r/auth.log.1", "r/auth.log",
	             "u/b.log", "u/a.log", NULL);
}

T(duplicates_dropped)
{
	static const char *const args[] = {"r/auth.log",  "r/auth.log",  "r/./auth.log",
	                                   "r//auth.log", "r/auth.log*", "link.log"};
	static const char *const args2[] = {"gone.log", "gone.log", "gone.log.1"};

	if (symlink(tf_path("r/auth.log"), tf_path("link.log")) != 0)
		T_FAIL("symlink");
	check_expand(__LINE__, args, NARGS(args), "r/auth.log.10.gz", "r/auth.log.9.gz",
	             "r/auth.log.2.gz", "r/auth.log.1", "r/auth.log", NULL);
	check_expand(__LINE__, args2, NARGS(args2), "gone.log.1", "gone.log", NULL);
}

T(names_that_do_not_exist)
{
	static const char *const args[] = {"!/nonexistent-dir/x.log.3", "!/nonexistent-dir/x.log",
	                                   "!/nonexistent-dir/x.log.1.gz"};

	check_expand(__LINE__, args, NARGS(args), "!/nonexistent-dir/x.log.3",
	             "!/nonexistent-dir/x.log.1.gz", "!/nonexistent-dir/x.log", NULL);
}

T(group_by_directory_identity)
{
	static const char *const args[] = {"r//auth.log", "r/auth.log.1"};
	static const char *const args2[] = {"r/auth.log", "r/../r/auth.log.2.gz", "r/./auth.log.1"};

	/* siblings though their directories are spelt differently: the older first */
	check_expand(__LINE__, args, NARGS(args), "r/auth.log.1", "r//auth.log", NULL);
	check_expand(__LINE__, args2, NARGS(args2), "r/../r/auth.log.2.gz", "r/./auth.log.1",
	             "r/auth.log", NULL);
}

T(odd_names)
{
	static const char *const args[] = {
	    "!",         "!.1",   "!1",        "!auth.log.", "!-20240501", "!a.gz",
	    "!a.1.gz.1", "!a..1", "!name-123", "!b-2024050", "!.gz",       "!x-20240501.1"};
	static const char *const big[] = {"!f.99999999999999999999", "!f.100000000000000000000",
	                                  "!f.0000000000000000000000003", "!f"};
	static const char *const dates[] = {"!y-1714521600", "!y-1700000000", "!y"};

	/* nothing special: kept in order (".1" and "1" are not rotations of "") */
	check_expand(__LINE__, args, NARGS(args), "!", "!.1", "!1", "!auth.log.", "!-20240501",
	             "!a.gz", "!a.1.gz.1", "!a..1", "!name-123", "!b-2024050", "!.gz",
	             "!x-20240501.1", NULL);
	/* numbers of any length compare by value */
	check_expand(__LINE__, big, NARGS(big), "!f.100000000000000000000",
	             "!f.99999999999999999999", "!f.0000000000000000000000003", "!f", NULL);
	/* dateformat %s */
	check_expand(__LINE__, dates, NARGS(dates), "!y-1700000000", "!y-1714521600", "!y", NULL);
}

T(literal_bracket_name)
{
	static const char *const args[] = {"u/x[1].log"};

	touch("u/x[1].log");
	touch("u/x1.log");
	check_expand(__LINE__, args, NARGS(args), "u/x[1].log", NULL);
}

T(no_args)
{
	struct input_list l;

	CHECK_INT(input_expand(NULL, 0, &l), 0);
	CHECK_INT(l.n, 0);
	input_list_free(&l);
}

int
main(void)
{
	log_init("test_input", 0);
	tf_setup("input");
	T_RUN(rotation_numbers);
	T_RUN(rotation_other_suffixes);
	T_RUN(rotation_dateext);
	T_RUN(glob_patterns);
	T_RUN(missing_kept);
	T_RUN(stdin_kept);
	T_RUN(unrelated_keep_order);
	T_RUN(duplicates_dropped);
	T_RUN(names_that_do_not_exist);
	T_RUN(group_by_directory_identity);
	T_RUN(odd_names);
	T_RUN(literal_bracket_name);
	T_RUN(no_args);
	tf_teardown();
	return T_END();
}
