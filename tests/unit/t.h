/*
 * t.h - the unit-test harness: a test program is a list of TEST() functions.
 * Each prints "ok NAME" or "FAIL NAME: file:line: what"; main() prints a
 * closing "N passed, N failed" line and exits 1 on any failure.
 * CHECK() records a failure and returns from the test; nothing is loosened.
 * What a test made and would have freed at its end (a system, a temporary
 * directory: mmk_test.h registers them with t_defer) is freed by the
 * harness when the test fails, newest first, so a failed CHECK leaks
 * nothing and the next test starts clean.
 */
#ifndef MMK_T_H
#define MMK_T_H
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
};
#define T_MAX 512
static struct t_case t_cases[T_MAX];
static int t_ncases;
static int t_failed_now;

#define TEST(name)                                                                                 \
	static void test_##name(void);                                                             \
	__attribute__((constructor)) static void t_reg_##name(void)                                \
	{                                                                                          \
		if (t_ncases < T_MAX)                                                              \
			t_cases[t_ncases++] = (struct t_case){#name, test_##name};                 \
	}                                                                                          \
	static void test_##name(void)

#define T_FAIL(...)                                                                                \
	do {                                                                                       \
		printf("FAIL %s: %s:%d: ", t_current, __FILE__, __LINE__);                         \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		t_failed_now = 1;                                                                  \
		return;                                                                            \
	} while (0)

static const char *t_current = "";

/* Cleanups of what the running test made; run (newest first) only if it
 * fails, since a passing test frees its own (and a leak there is a bug the
 * sanitizers must see).  t_undefer(arg) drops arg's entry: freed already. */
#define T_DEFER_MAX 64
static struct {
	void (*fn)(void *);
	void *arg;
} t_deferred[T_DEFER_MAX];
static int t_ndeferred;

static __attribute__((unused)) void t_defer(void (*fn)(void *), void *arg)
{
	if (t_ndeferred < T_DEFER_MAX) {
		t_deferred[t_ndeferred].fn = fn;
		t_deferred[t_ndeferred].arg = arg;
		t_ndeferred++;
	}
}

static __attribute__((unused)) void t_undefer(void *arg)
{
	for (int i = t_ndeferred - 1; i >= 0; i--) {
		if (t_deferred[i].arg == arg) {
			memmove(&t_deferred[i], &t_deferred[i + 1],
				(size_t)(t_ndeferred - i - 1) * sizeof(t_deferred[0]));
			t_ndeferred--;
			return;
		}
	}
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			T_FAIL("CHECK(%s)", #cond);                                                \
	} while (0)

/* CHECK_EQ on integers: prints both sides on failure. */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                            \
		if (t_a_ != t_b_)                                                                  \
			T_FAIL("%s == %s: %lld (0x%llx) != %lld (0x%llx)", #a, #b, t_a_,           \
			       (unsigned long long)t_a_, t_b_, (unsigned long long)t_b_);          \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *t_a_ = (a), *t_b_ = (b);                                               \
		if (strcmp(t_a_, t_b_) != 0)                                                       \
			T_FAIL("%s == %s:\n--- got\n%s\n--- want\n%s", #a, #b, t_a_, t_b_);        \
	} while (0)

static int t_main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (int i = 0; i < t_ncases; i++) {
		if (argc > 1 && !strstr(t_cases[i].name, argv[1]))
			continue;
		t_current = t_cases[i].name;
		t_failed_now = 0;
		t_cases[i].fn();
		while (t_failed_now && t_ndeferred > 0) {
			t_ndeferred--;
			t_deferred[t_ndeferred].fn(t_deferred[t_ndeferred].arg);
		}
		t_ndeferred = 0;
		if (t_failed_now) {
			failed++;
		} else {
			passed++;
			printf("ok %s\n", t_cases[i].name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
#define T_MAIN                                                                                     \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		return t_main(argc, argv);                                                         \
	}
#endif
