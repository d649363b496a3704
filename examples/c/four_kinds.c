/* four_kinds.c - the four kinds of mapping (private/shared x file/anonymous)
 * and who sees a write to each: the process itself, a forked child, the
 * file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int file_byte(const char *path)
{
	char c = '?';
	int fd = open(path, O_RDONLY);
	pread(fd, &c, 1, 0);
	close(fd);
	return c;
}

int main(void)
{
	const char *path = "four_kinds.dat";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char page[4096];
	memset(page, 'f', sizeof(page));
	write(fd, page, sizeof(page));
	char *pf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *sf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *pa = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *sa = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid = fork();
	if (pid == 0) {
		pf[0] = 'P';
		sf[0] = 'S';
		pa[0] = 'p';
		sa[0] = 's';
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("private file:   parent sees '%c'\n", pf[0]);
	printf("shared file:    parent sees '%c', file holds '%c'\n", sf[0], file_byte(path));
	printf("private anon:   parent sees %d\n", pa[0]);
	printf("shared anon:    parent sees '%c'\n", sa[0]);
	unlink(path);
	return 0;
}
