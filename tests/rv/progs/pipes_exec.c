/* pipes_exec.c - getpid/getppid across fork, an execve of the program
 * itself with an argument, and the exit status through wait. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		printf("exec'd with %s %s\n", argv[1], argv[2]);
		return 9;
	}
	pid_t me = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		printf("child's parent is the parent: %d\n", getppid() == me);
		fflush(stdout);
		char *args[] = {argv[0], "child", "arg", NULL};
		execv("/proc/self/exe", args);
		perror("execv");
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("exec'd child exited %d\n", WEXITSTATUS(st));
	return 0;
}
