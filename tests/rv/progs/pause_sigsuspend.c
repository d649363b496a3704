/* pause_sigsuspend.c - sigsuspend waits with SIGCHLD unblocked, returns
 * EINTR after its handler ran, and the old mask is back afterwards;
 * pause() returns EINTR after a SIGUSR1 handler ran. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got;
static void on_sig(int s)
{
	got = s;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	sigset_t wait_mask = old;
	sigdelset(&wait_mask, SIGCHLD);
	int r = sigsuspend(&wait_mask);
	printf("sigsuspend %d %s, got %d\n", r, errno == EINTR ? "EINTR" : "?", got);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("SIGCHLD blocked again: %d\n", sigismember(&now, SIGCHLD));
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	got = 0;
	pid = fork();
	if (pid == 0) { /* until the parent, in pause(), is interrupted */
		for (int i = 0; i < 1000; i++) {
			kill(getppid(), SIGUSR1);
			usleep(20000);
		}
		_exit(0);
	}
	errno = 0;
	r = pause();
	int e = errno, g = got; /* before the child's death brings SIGCHLD */
	kill(pid, SIGKILL);
	printf("pause %d %s, got %d\n", r, e == EINTR ? "EINTR" : "?", g);
	waitpid(pid, NULL, 0);
	return 0;
}
