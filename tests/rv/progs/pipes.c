/* pipes.c - a pipe between parent and child: the child writes 200 KiB in
 * pieces (more than the pipe holds, so the writer blocks and the reader
 * drains), the parent counts it; EOF once the write end closes; EPIPE and
 * SIGPIPE for a write with no reader. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fd[2];
	if (pipe(fd)) {
		perror("pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		char buf[1000];
		for (int i = 0; i < 200; i++) {
			memset(buf, 'a' + i % 26, sizeof(buf));
			if (write(fd[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		}
		_exit(0);
	}
	close(fd[1]);
	char buf[4096];
	long total = 0, sum = 0;
	ssize_t n;
	while ((n = read(fd[0], buf, sizeof(buf))) > 0) {
		total += n;
		for (ssize_t i = 0; i < n; i++)
			sum += buf[i];
	}
	int st;
	waitpid(pid, &st, 0);
	printf("read %ld bytes, checksum %ld, eof %zd, child %d\n", total, sum, n, WEXITSTATUS(st));
	signal(SIGPIPE, SIG_IGN);
	int p2[2];
	pipe(p2);
	close(p2[0]);
	errno = 0;
	ssize_t r = write(p2[1], "x", 1);
	printf("write with no reader: %zd %s\n", r, errno == EPIPE ? "EPIPE" : "?");
	return 0;
}
