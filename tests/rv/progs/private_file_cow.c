/* private_file_cow.c - a write to a MAP_PRIVATE file page after fork, in
 * the child, is invisible to the parent and to the file; a write through
 * MAP_SHARED in the child is visible to both. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	const char *path = "cow.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char page[4096];
	memset(page, 'o', sizeof(page));
	write(fd, page, sizeof(page));
	char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *shr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("before: %c %c\n", priv[10], shr[10]);
	if (fork() == 0) {
		priv[10] = 'C';
		shr[20] = 'S';
		printf("child sees: %c %c\n", priv[10], priv[20]);
		_exit(0);
	}
	wait(NULL);
	char b[32];
	pread(fd, b, 32, 0);
	printf("parent private: %c %c, file: %c %c\n", priv[10], priv[20], b[10], b[20]);
	unlink(path);
	return 0;
}
