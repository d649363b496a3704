/* fork_tree.c - a tree of processes three levels deep; each waits for its
 * children and exits with the sum of their statuses plus one. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int node(int level)
{
	if (level == 3)
		return 1;
	int total = 1;
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(node(level + 1));
		int st;
		waitpid(pid, &st, 0);
		total += WEXITSTATUS(st);
	}
	return total;
}

int main(void)
{
	printf("nodes in the tree: %d\n", node(0));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		return 42;
	int st;
	wait(&st);
	printf("child status %d, exited %d\n", WEXITSTATUS(st), WIFEXITED(st));
	return 0;
}
