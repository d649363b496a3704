/* sigbus_eof.c - a mapping longer than its file: the page past EOF raises
 * SIGBUS (BUS_ADRERR at the address), caught by a handler; the part of the
 * last page past EOF reads as zeros. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static void *fault_addr;
static int fault_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

int main(void)
{
	const char *path = "sigbus.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "short file", 10);
	char *p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	printf("first bytes: %.10s, byte 100 is %d\n", p, p[100]);
	if (sigsetjmp(env, 1) == 0) {
		volatile char c = p[2 * 4096 + 5];
		printf("read past EOF gave %d (wrong)\n", c);
	} else {
		printf("SIGBUS at mapping+%ld, code %s\n", (long)((char *)fault_addr - p),
		       fault_code == BUS_ADRERR ? "BUS_ADRERR" : "other");
	}
	unlink(path);
	return 0;
}
