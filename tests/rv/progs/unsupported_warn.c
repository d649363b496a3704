/* unsupported_warn: calls mmkit exec does not support, each made twice:
 * an unknown system call number, a futex op other than wait and wake
 * (FUTEX_WAKE_OP), clone sharing memory without being a thread, and
 * clock_nanosleep on CLOCK_PROCESS_CPUTIME_ID.  tests/rv/run.sh runs it on
 * mmkit exec only (the host supports them all) and checks that each gives
 * its error and one warning on stderr, the first time only. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	static uint32_t word, word2;
	for (int i = 0; i < 2; i++) {
		long rc = syscall(999);
		printf("system call 999: %ld %s\n", rc, errno == ENOSYS ? "ENOSYS" : "?");
		rc = syscall(SYS_futex, &word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, NULL, &word2,
			     0);
		printf("futex FUTEX_WAKE_OP: %ld %s\n", rc, errno == ENOSYS ? "ENOSYS" : "?");
		rc = syscall(SYS_clone, CLONE_VM | SIGCHLD, 0, NULL, NULL, NULL);
		printf("clone CLONE_VM: %ld %s\n", rc, errno == ENOSYS ? "ENOSYS" : "?");
		struct timespec ts = {0, 1000};
		int r = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &ts, NULL);
		printf("clock_nanosleep CPU time: %s\n", r == EOPNOTSUPP ? "EOPNOTSUPP" : "?");
	}
	return 0;
}
