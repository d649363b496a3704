/* dup_fcntl.c - dup, dup2 onto stdout, the shared offset of duplicates,
 * FD_CLOEXEC through fcntl. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	int fd = open("dup.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int d = dup(fd);
	write(fd, "abc", 3);
	write(d, "def", 3);
	char b[8] = {0};
	pread(fd, b, 6, 0);
	printf("shared offset: %s, lowest fd: %d\n", b, d == fd + 1);
	printf("cloexec: %d", fcntl(d, F_GETFD));
	fcntl(d, F_SETFD, FD_CLOEXEC);
	printf(" %d\n", fcntl(d, F_GETFD));
	fflush(stdout);
	int saved = dup(1);
	dup2(fd, 1);
	printf("into the file");
	fflush(stdout);
	dup2(saved, 1);
	memset(b, 0, sizeof(b));
	pread(fd, b, 4, 6);
	printf("stdout went to the file: %s\n", b);
	unlink("dup.dat");
	return 0;
}
