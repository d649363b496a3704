/*
 * files.c - file mappings whose names come and go, for the shadow corpus:
 * a memfd (never had a name), a POSIX shared memory object on tmpfs
 * unlinked while mapped, and a file unlinked between two mappings of it.
 * maps must say "(deleted)" exactly where Linux does.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *tmp = argc > 1 ? argv[1] : "files.tmp";
	char shm[64];
	snprintf(shm, sizeof(shm), "/mmkit-shadow-%d", (int)getpid());
	int fd = memfd_create("shadow", 0);
	if (ftruncate(fd, 16384) != 0)
		return 1;
	char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	p[0] = 1;
	int s = shm_open(shm, O_RDWR | O_CREAT, 0600);
	if (ftruncate(s, 8192) != 0)
		return 1;
	char *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	q[0] = 2;
	shm_unlink(shm);
	char *r = mmap(NULL, 8192, PROT_READ, MAP_SHARED, s, 0);
	int t = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (write(t, "hello", 5) != 5)
		return 1;
	char *u = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, t, 0);
	unlink(tmp);
	char *v = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, t, 0);
	printf("files: %d %d %c %c\n", p[0], r[0], u[0], v[1]);
	return 0;
}
