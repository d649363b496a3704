/* itimer_exec.c - an armed ITIMER_REAL survives execve (Linux keeps a
 * process's interval timers), while the SIGALRM handler does not: the
 * exec'd program finds the timer's interval, unblocks SIGALRM, and is
 * killed by its default action (wait status: signal 14).  The parent's own
 * timer stays disarmed. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_alarm(int sig)
{
}

int main(int argc, char **argv)
{
	struct itimerval cur;
	if (argc > 1 && !strcmp(argv[1], "exec'd")) {
		getitimer(ITIMER_REAL, &cur);
		struct sigaction sa;
		sigaction(SIGALRM, NULL, &sa);
		printf("after execve: interval kept: %ld us, handler: %s\n",
		       (long)cur.it_interval.tv_usec,
		       sa.sa_handler == SIG_DFL ? "default" : "still set");
		fflush(stdout);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL); /* a pending SIGALRM kills now */
		for (;;)
			pause();
	}
	signal(SIGALRM, on_alarm);
	pid_t pid = fork();
	if (pid == 0) {
		/* blocked (the mask survives execve too) until the exec'd
		 * program has looked, however slow its start */
		sigset_t alrm;
		sigemptyset(&alrm);
		sigaddset(&alrm, SIGALRM);
		sigprocmask(SIG_BLOCK, &alrm, NULL);
		struct itimerval it = {{0, 40000}, {0, 40000}};
		setitimer(ITIMER_REAL, &it, NULL);
		char *args[] = {argv[0], "exec'd", NULL};
		execv("/proc/self/exe", args);
		perror("execv");
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("exec'd child: killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	getitimer(ITIMER_REAL, &cur);
	printf("the parent's timer is its own, never armed: %s\n",
	       cur.it_value.tv_sec || cur.it_value.tv_usec ? "no" : "yes");
	return 0;
}
