/* signals.c - handlers for a signal sent to itself, masks (a blocked signal
 * stays pending until unblocked), SA_RESETHAND, the alternate stack, and a
 * child killed by a signal as its parent sees it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got;
static volatile int on_alt;
static char altstack[65536];

static void handler(int sig)
{
	got = sig;
	char here;
	on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("handled %d\n", got);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	got = 0;
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	printf("while blocked: %d\n", got);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock: %d\n", got);
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("on the alternate stack: %d\n", on_alt);
	sigaction(SIGUSR2, NULL, &sa);
	printf("reset to default: %d\n", sa.sa_handler == SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child: signaled %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
	pid = fork();
	if (pid == 0) {
		*(volatile int *)8 = 1;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("child: signaled %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
	return 0;
}
