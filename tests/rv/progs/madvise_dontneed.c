/* madvise_dontneed.c - MADV_DONTNEED zeroes private anonymous pages and
 * brings a private file page back from the file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 'x', 4 * 4096);
	printf("dontneed: %d\n", madvise(a + 4096, 2 * 4096, MADV_DONTNEED));
	printf("anon after: %c %d %d %c\n", a[0], a[4096], a[3 * 4096 - 1], a[3 * 4096]);
	int fd = open("dn.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "file bytes", 10);
	char *f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	f[0] = 'F';
	printf("private copy: %.10s\n", f);
	madvise(f, 4096, MADV_DONTNEED);
	printf("after dontneed: %.10s\n", f);
	printf("bad advice: %d\n", madvise(a, 4096, 12345));
	unlink("dn.dat");
	return 0;
}
