/*
 * refused.c - calls `mmkit shadow` cannot follow, one per argument:
 *   shm        System V shared memory (shmat)
 *   devzero    a MAP_PRIVATE mapping of /dev/zero (a device mapping)
 *   uffd       userfaultfd
 *   setrlimit  RLIMIT_DATA changed (mmkit's limit is per system)
 * Each must stop the run with a message naming the call, never end in
 * "0 differences".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "shm")) {
		int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
		void *p = shmat(id, NULL, 0);
		shmctl(id, IPC_RMID, NULL);
		return p == (void *)-1;
	}
	if (!strcmp(what, "devzero")) {
		int fd = open("/dev/zero", O_RDWR);
		return mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED;
	}
	if (!strcmp(what, "uffd"))
		return syscall(SYS_userfaultfd, 0) < 0;
	if (!strcmp(what, "setrlimit")) {
		struct rlimit r = {1 << 30, RLIM_INFINITY};
		return setrlimit(RLIMIT_DATA, &r) != 0;
	}
	return 2;
}
