/* file_io.c - open, write, lseek, read, pread, pwrite, ftruncate, fstat,
 * O_APPEND and the errors of a bad fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
	int fd = open("io.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	printf("write %zd\n", write(fd, "hello world", 11));
	printf("lseek %ld\n", (long)lseek(fd, 6, SEEK_SET));
	char b[32] = {0};
	printf("read %zd %s\n", read(fd, b, sizeof(b) - 1), b);
	printf("pwrite %zd\n", pwrite(fd, "W", 1, 6));
	memset(b, 0, sizeof(b));
	printf("pread %zd %s\n", pread(fd, b, 11, 0), b);
	printf("ftruncate %d\n", ftruncate(fd, 5));
	struct stat st;
	fstat(fd, &st);
	printf("size %ld regular %d\n", (long)st.st_size, S_ISREG(st.st_mode));
	close(fd);
	fd = open("io.dat", O_WRONLY | O_APPEND);
	write(fd, "+tail", 5);
	close(fd);
	fd = open("io.dat", O_RDONLY);
	memset(b, 0, sizeof(b));
	read(fd, b, sizeof(b) - 1);
	printf("appended: %s\n", b);
	close(fd);
	errno = 0;
	ssize_t r = read(99, b, 1);
	printf("bad fd: %zd %s\n", r, errno == EBADF ? "EBADF" : "?");
	unlink("io.dat");
	errno = 0;
	r = open("io.dat", O_RDONLY);
	printf("after unlink: %zd %s\n", r, errno == ENOENT ? "ENOENT" : "?");
	return 0;
}
