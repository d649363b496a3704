/*
 * test_harness.c - the unit-test harness (t.h, mmk_test.h) frees what a
 * failed test made.  A test that fails with its system alive (a process
 * with mappings, an open file, dirty pages) is run in a child process:
 * the child must report the failure and end with "0 passed, 1 failed",
 * leave no temporary directory behind, and (in the ASan build) draw no
 * LeakSanitizer report -- without the harness's cleanup the system and its
 * directory leak.
 */
#include <errno.h>
#include <sys/wait.h>

#include "mmk_test.h"

/* The child's test: it fails halfway, as a failed CHECK does. */
TEST(fails_with_a_live_system)
{
	const char *out = getenv("T_HARNESS_CHILD");
	if (!out)
		return; /* in the parent's run: nothing to do */
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	FILE *f = fopen(out, "w");
	CHECK(f);
	fprintf(f, "%s\n", fx.dir);
	fclose(f);
	int fd = mmk_open(fx.p, "data", MMK_O_RDWR | MMK_O_CREAT, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 4 * 4096), 0);
	int64_t a =
	    mmk_mmap(fx.p, 0, 4 * 4096, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	int64_t b = mmk_mmap(fx.p, 0, 8 * 4096, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(b > 0);
	CHECK_EQ(mmk_store(fx.p, (uint64_t)a, "x", 1, NULL), 0);
	CHECK_EQ(mmk_store(fx.p, (uint64_t)b, "y", 1, NULL), 0);
	CHECK(!"fails on purpose");
}

TEST(failed_test_leaks_nothing)
{
	char out[] = "/tmp/mmkit-harness-XXXXXX";
	int ofd = mkstemp(out);
	CHECK(ofd >= 0);
	close(ofd);
	char log[] = "/tmp/mmkit-harness-log-XXXXXX";
	int lfd = mkstemp(log);
	CHECK(lfd >= 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(lfd, 1);
		dup2(lfd, 2);
		setenv("T_HARNESS_CHILD", out, 1);
		/* detect_leaks is ASan's default on Linux; say it anyway */
		setenv("ASAN_OPTIONS", "detect_leaks=1", 1);
		execl("/proc/self/exe", "test_harness", "fails_with_a_live_system", (char *)NULL);
		_exit(127);
	}
	close(lfd);
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	char text[65536];
	FILE *f = fopen(log, "r");
	CHECK(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	unlink(log);
	char dir[128] = "";
	f = fopen(out, "r");
	CHECK(f);
	CHECK(fgets(dir, sizeof(dir), f));
	fclose(f);
	unlink(out);
	dir[strcspn(dir, "\n")] = 0;
	if (!strstr(text, "0 passed, 1 failed") || strstr(text, "LeakSanitizer"))
		printf("--- the child's output\n%s---\n", text);
	CHECK(strstr(text, "FAIL fails_with_a_live_system"));
	CHECK(strstr(text, "0 passed, 1 failed"));
	CHECK(!strstr(text, "LeakSanitizer"));
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 1); /* the failure, not LeakSanitizer's 23 */
	struct stat st;
	CHECK(dir[0] == '/');
	CHECK(stat(dir, &st) != 0 && errno == ENOENT);
}

T_MAIN
