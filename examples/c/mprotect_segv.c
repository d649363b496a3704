/* mprotect_segv.c - a page made read-only with mprotect; a write to it
 * raises SIGSEGV (SEGV_ACCERR at the written address), which a handler
 * catches and leaves with siglongjmp. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void *fault_addr;
static int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 'a';
	p[4096] = 'b';
	mprotect(p + 4096, 4096, PROT_READ);
	printf("first page still writable: %c\n", p[0] = 'A');
	if (sigsetjmp(env, 1) == 0) {
		p[4096 + 100] = 'x';
		printf("write succeeded (wrong)\n");
	} else {
		printf("SIGSEGV at page+%ld, code %s\n", (long)((char *)fault_addr - p),
		       fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other");
	}
	printf("second page reads %c\n", p[4096]);
	return 0;
}
