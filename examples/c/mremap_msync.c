/* mremap_msync.c - grows an anonymous mapping with mremap (its contents
 * move with it) and writes a file through a shared mapping, msync'ed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(a, "kept across mremap");
	char *b = mremap(a, 4096, 64 * 4096, MREMAP_MAYMOVE);
	if (b == MAP_FAILED) {
		perror("mremap");
		return 1;
	}
	b[63 * 4096] = 'z';
	printf("%s; last page %c\n", b, b[63 * 4096]);
	const char *path = "msync.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ftruncate(fd, 8192);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy(m + 4096, "synced", 6);
	printf("msync: %d\n", msync(m, 8192, MS_SYNC));
	char buf[7] = {0};
	pread(fd, buf, 6, 4096);
	printf("file holds: %s\n", buf);
	unlink(path);
	return 0;
}
