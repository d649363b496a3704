/*
 * access.c - the script's loads and stores, done by the CPU, with the
 * signal they raise caught and reported.
 *
 * Every access works one page at a time in address order, and within a page
 * touches the first byte first: so a fault always happens on the first byte
 * the access reaches in the faulting page, which is the address mmkit
 * reports too, and everything on the earlier pages is done.  A write touch
 * is a locked read-modify-write of 0 (one write fault, contents kept); a
 * read touch is one volatile load.
 *
 * The SIGSEGV/SIGBUS handler jumps back out of the access (siglongjmp)
 * only while an access is in progress; any other fault is the server's own
 * bug, and the handler lets it kill the process.  State shared with the
 * handler is the one unavoidable global of the server.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "server.h"

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed;
static struct access_fault fault_seen;
/* Bytes done so far by the access in progress (read after a fault). */
static volatile uint64_t progress;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;

	(void)uc;
	if (!fault_armed) {
		/* Not ours to catch: die of it on return. */
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		return;
	}
	fault_armed = 0;
	fault_seen.signo = sig;
	fault_seen.code = si->si_code;
	fault_seen.addr = (uint64_t)(uintptr_t)si->si_addr;
	siglongjmp(fault_env, 1);
}

int access_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		return -errno;
	return 0;
}

/* Bytes from a to the end of its page, at most left. */
static uint64_t chunk(uint64_t a, uint64_t left)
{
	uint64_t n = SRV_PAGE - (a & (SRV_PAGE - 1));

	return n < left ? n : left;
}

/* Keeps the compiler from moving plain memory accesses out of the region
 * where faults are caught. */
#define barrier() __asm__ volatile("" ::: "memory")

static inline volatile unsigned char *at(uint64_t a)
{
	return (volatile unsigned char *)(uintptr_t)a;
}

/* The fault report after the jump back. */
static int faulted(struct access_fault *f)
{
	*f = fault_seen;
	return -EFAULT;
}

int access_load(uint64_t addr, unsigned char *buf, uint64_t len, uint64_t *done,
		struct access_fault *f)
{
	progress = 0;
	if (sigsetjmp(fault_env, 1)) {
		*done = progress;
		return faulted(f);
	}
	fault_armed = 1;
	barrier();
	while (progress < len) {
		uint64_t pos = progress, a = addr + pos, n = chunk(a, len - pos);

		buf[pos] = *at(a);
		memcpy(buf + pos + 1, (const void *)(uintptr_t)(a + 1), n - 1);
		barrier();
		progress = pos + n;
	}
	barrier();
	fault_armed = 0;
	*done = len;
	return 0;
}

int access_store(uint64_t addr, const unsigned char *buf, uint64_t len, struct access_fault *f)
{
	progress = 0;
	if (sigsetjmp(fault_env, 1))
		return faulted(f);
	fault_armed = 1;
	barrier();
	while (progress < len) {
		uint64_t pos = progress, a = addr + pos, n = chunk(a, len - pos);

		*at(a) = buf[pos];
		memcpy((void *)(uintptr_t)(a + 1), buf + pos + 1, n - 1);
		barrier();
		progress = pos + n;
	}
	barrier();
	fault_armed = 0;
	return 0;
}

int access_fill(uint64_t addr, int c, uint64_t len, struct access_fault *f)
{
	progress = 0;
	if (sigsetjmp(fault_env, 1))
		return faulted(f);
	fault_armed = 1;
	barrier();
	while (progress < len) {
		uint64_t pos = progress, a = addr + pos, n = chunk(a, len - pos);

		*at(a) = (unsigned char)c;
		memset((void *)(uintptr_t)(a + 1), c, n - 1);
		barrier();
		progress = pos + n;
	}
	barrier();
	fault_armed = 0;
	return 0;
}

int access_touch(uint64_t addr, uint64_t len, int write, struct access_fault *f)
{
	progress = 0;
	if (sigsetjmp(fault_env, 1))
		return faulted(f);
	fault_armed = 1;
	barrier();
	while (progress < len) {
		uint64_t pos = progress, a = addr + pos;

		if (write)
			__atomic_fetch_or(at(a), 0, __ATOMIC_RELAXED);
		else
			(void)*at(a);
		progress = pos + chunk(a, len - pos);
	}
	barrier();
	fault_armed = 0;
	return 0;
}
