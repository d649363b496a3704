/*
 * calls.c - every kind of call `mmkit shadow` mirrors, in one program (the
 * corpus's real programs make only some of them): brk, mmap of files and
 * shared /dev/zero, MAP_FIXED over mappings, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN,
 * mremap (grow, move, MREMAP_FIXED, MREMAP_DONTUNMAP), mprotect splits and
 * merges, mlock/mlock2/munlock/mlockall/munlockall, msync, madvise
 * (DONTFORK, WIPEONFORK, DONTNEED, NOHUGEPAGE, GUARD_INSTALL/REMOVE), anonymous names, fork,
 * vfork+exec (posix_spawn), an execve that fails, and calls that fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA	     0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

extern char **environ;

#define PG 4096UL

int main(int argc, char **argv)
{
	/* brk: grow, shrink, an absurd request */
	char *b0 = sbrk(0);
	sbrk(5 * PG);
	sbrk(-2 * (long)PG);
	brk((void *)0x10);

	/* files */
	int fd = open(argc > 1 ? argv[1] : "/etc/services", O_RDONLY);
	char *f = mmap(NULL, 6 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	mmap(f + 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0);
	mprotect(f + 4 * PG, PG, PROT_NONE);
	munmap(f + PG, PG);
	mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); /* EACCES */
	mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0);		   /* EBADF */
	int z = open("/dev/zero", O_RDWR);
	char *zs = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
	close(z);

	/* anonymous */
	char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmap(a, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	mprotect(a + 4 * PG, 4 * PG, PROT_READ);
	mprotect(a + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE);
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)(a + 8 * PG), 2 * PG,
	      (unsigned long)"calls");
	madvise(a, 2 * PG, MADV_DONTFORK);
	madvise(a + 2 * PG, 2 * PG, MADV_WIPEONFORK);
	madvise(a + 12 * PG, 4 * PG, MADV_NOHUGEPAGE);
	madvise(a, 16 * PG, MADV_DONTNEED);
	madvise(a, 16 * PG, 12345); /* EINVAL */
	madvise(a + 14 * PG, 2 * PG, 102 /* MADV_GUARD_INSTALL */);
	madvise(a + 15 * PG, PG, 103 /* MADV_GUARD_REMOVE */);
	mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1,
	     0);

	/* mremap */
	char *r = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r[0] = 1;
	r = mremap(r, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
	r = mremap(r, 8 * PG, 2 * PG, 0);
	char *dst = mmap(NULL, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = mremap(r, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 8 * PG);
	mremap(r, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	mremap(r, PG, PG, 0x80); /* EINVAL */

	/* locks and sync */
	mlock(a, 2 * PG);
	mlock2(a + 4 * PG, 2 * PG, MLOCK_ONFAULT);
	munlock(a, 16 * PG);
	mlockall(MCL_FUTURE | MCL_ONFAULT);
	char *l = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munlockall();
	msync(zs, 3 * PG, MS_SYNC);
	msync(zs + 1, PG, MS_SYNC); /* EINVAL */

	/* fork: the child sees DONTFORK and WIPEONFORK */
	pid_t pid = fork();
	if (pid == 0) {
		munmap(l, 2 * PG);
		mmap(NULL, 5 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(0);
	}
	waitpid(pid, NULL, 0);

	/* vfork + exec, and an exec that fails */
	char *args[] = {"/bin/true", NULL};
	posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ);
	waitpid(pid, NULL, 0);
	pid = fork();
	if (pid == 0) {
		execve("/nonexistent/program", args, environ);
		execve("/etc/passwd", args, environ);
		_exit(errno == EACCES ? 0 : 1);
	}
	waitpid(pid, NULL, 0);
	munmap(zs, 3 * PG);
	printf("calls: done (%p)\n", (void *)b0);
	return 0;
}
