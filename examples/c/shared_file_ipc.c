/* shared_file_ipc.c - two processes communicate through a MAP_SHARED file
 * mapping: the writer stores a message, msyncs it; the reader (a separate
 * mapping of the same file after fork) sees it, and so does read(2). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	const char *path = "ipc.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ftruncate(fd, 4096);
	pid_t pid = fork();
	if (pid == 0) {
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		strcpy(m, "hello from the child through the page cache");
		msync(m, 4096, MS_SYNC);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("parent's mapping: %s\n", r);
	char buf[64] = {0};
	pread(fd, buf, 44, 0);
	printf("read(2):          %s\n", buf);
	unlink(path);
	return 0;
}
