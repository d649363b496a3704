/* exec_noexec.c - a jump into a page mapped without PROT_EXEC raises
 * SIGSEGV (SEGV_ACCERR) at that address; after mprotect(PROT_EXEC) the
 * same call works (the page holds a function copied as bytes). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
static sigjmp_buf env;
static void *addr;
static int code;
static void on_segv(int s, siginfo_t *si, void *u)
{
	addr = si->si_addr;
	code = si->si_code;
	siglongjmp(env, 1);
}
int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	unsigned char *p =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#if defined(__riscv)
	static const unsigned char ret42[] = {0x13, 0x05, 0xa0, 0x02,
					      0x67, 0x80, 0x00, 0x00}; /* li a0,42; ret */
#else
	static const unsigned char ret42[] = {0xb8, 0x2a, 0, 0, 0, 0xc3}; /* mov eax,42; ret */
#endif
	memcpy(p, ret42, sizeof(ret42));
	int (*fn)(void) = (int (*)(void))p;
	if (sigsetjmp(env, 1) == 0) {
		fn();
		printf("ran without PROT_EXEC (wrong)\n");
	} else {
		printf("SIGSEGV at the function: %d, SEGV_ACCERR: %d\n", addr == p,
		       code == SEGV_ACCERR);
	}
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
#if defined(__riscv)
	__asm__ volatile("fence.i" ::: "memory");
#endif
	printf("after mprotect: %d\n", fn());
	return 0;
}
