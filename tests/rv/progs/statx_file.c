/* statx_file.c - statx and stat agree on a file's size and type; a
 * missing path is ENOENT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
	int fd = open("sx.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789", 10);
	struct statx sx;
	struct stat st;
	int r = statx(AT_FDCWD, "sx.dat", 0, STATX_BASIC_STATS, &sx);
	stat("sx.dat", &st);
	printf("statx %d: size %llu regular %d, stat size %ld\n", r,
	       (unsigned long long)sx.stx_size, S_ISREG(sx.stx_mode), (long)st.st_size);
	r = statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx);
	printf("by fd %d: size %llu\n", r, (unsigned long long)sx.stx_size);
	errno = 0;
	r = statx(AT_FDCWD, "no-such-file", 0, STATX_BASIC_STATS, &sx);
	printf("missing: %d %s\n", r, errno == ENOENT ? "ENOENT" : "?");
	unlink("sx.dat");
	return 0;
}
