/* parent_child_anon.c - parent and child talk through shared anonymous
 * memory: the child fills a counter array, the parent reads it after
 * wait(). */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 10; i++)
			shared[i] = (long)i * i;
		shared[10] = 42;
		_exit(7);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child exited with %d\n", WEXITSTATUS(status));
	long sum = 0;
	for (int i = 0; i < 10; i++)
		sum += shared[i];
	printf("sum of squares written by the child: %ld, marker %ld\n", sum, shared[10]);
	return 0;
}
