/* spawn_system.c - posix_spawn of the program itself and waitpid for it. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("spawned child says %s\n", argv[1]);
		return 5;
	}
	fflush(stdout);
	pid_t pid;
	char *args[] = {argv[0], "hi", NULL};
	int err = posix_spawn(&pid, argv[0], NULL, NULL, args, environ);
	int st = 0;
	if (!err)
		waitpid(pid, &st, 0);
	printf("posix_spawn %d, child exit %d\n", err, WEXITSTATUS(st));
	return 0;
}
