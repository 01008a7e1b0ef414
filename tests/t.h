/* t.h: the tiny unit-test harness (one header, no library). */
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

/*
 * Each test file defines tests with T(name) { ... } and a main that calls
 * T_RUN(name) for each, then returns T_END(). A failed check prints the file,
 * line and values and marks the current test failed; the test goes on.
 * The harness prints one "ok NAME" / "FAIL NAME" line per test and a last
 * line "tests: N passed, N failed" that tests/run.sh adds up.
 */
static int t_failed_now, t_passed, t_failed;

#define T(name) static void t_##name(void)
#define T_RUN(name)                                                                                \
	do {                                                                                       \
		t_failed_now = 0;                                                                  \
		t_##name();                                                                        \
		if (t_failed_now) {                                                                \
			t_failed++;                                                                \
			printf("FAIL %s\n", #name);                                                \
		} else {                                                                           \
			t_passed++;                                                                \
			printf("ok %s\n", #name);                                                  \
		}                                                                                  \
	} while (0)
#define T_END() (printf("tests: %d passed, %d failed\n", t_passed, t_failed), t_failed != 0)

#define T_FAIL(...)                                                                                \
	do {                                                                                       \
		printf("  %s:%d: ", __FILE__, __LINE__);                                           \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		t_failed_now = 1;                                                                  \
	} while (0)
#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			T_FAIL("check failed: %s", #c);                                            \
	} while (0)
#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                            \
		if (t_a_ != t_b_)                                                                  \
			T_FAIL("%s == %lld, expected %lld", #a, t_a_, t_b_);                       \
	} while (0)
#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *t_a_ = (a), *t_b_ = (b);                                               \
		if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0)                       \
			T_FAIL("%s == \"%s\", expected \"%s\"", #a, t_a_ ? t_a_ : "(null)",        \
			       t_b_ ? t_b_ : "(null)");                                            \
	} while (0)
/* Compares a (pointer, length) span with a C string. */
#define CHECK_SPAN(p, n, b)                                                                        \
	do {                                                                                       \
		const char *t_b_ = (b);                                                            \
		size_t t_n_ = (size_t)(n);                                                         \
		if (t_n_ != strlen(t_b_) || ((p) == NULL && t_n_) ||                               \
		    (t_n_ && memcmp((p), t_b_, t_n_) != 0))                                        \
			T_FAIL("%s == \"%.*s\", expected \"%s\"", #p, (int)t_n_,                   \
			       (p) ? (const char *)(p) : "", t_b_);                                \
	} while (0)

#endif
