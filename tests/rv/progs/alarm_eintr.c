/* alarm_eintr: a timer's signal ends a blocked call as Linux decides:
 * alarm() interrupts a read of an empty pipe with EINTR (no SA_RESTART);
 * with SA_RESTART the read is made again and gets what the handler wrote;
 * pause() and a wait4 for a child that never exits end with EINTR, but
 * not for a SIGCHLD nobody handles; sem_wait (a futex wait) is made again
 * only with SA_RESTART; alarm returns the seconds left on the previous
 * alarm. */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;
static int fds[2];

static void on_alarm(int sig)
{
	ticks++;
}

static sem_t sem;

static void on_alarm_post(int sig)
{
	if (++ticks % 2 == 0)
		sem_post(&sem); /* every other tick: the first one interrupts */
}

static void on_alarm_write(int sig)
{
	ticks++;
	write(fds[1], "x", 1);
}

static void handle(void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

static void in_30ms(void)
{
	struct itimerval it = {{0, 0}, {0, 30000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	char c;
	pipe(fds);

	handle(on_alarm, 0);
	unsigned a5 = alarm(5), a0 = alarm(0);
	printf("alarm(5) then alarm(0): %u, %u\n", a5, a0);
	alarm(1);
	errno = 0;
	ssize_t n = read(fds[0], &c, 1);
	printf("read of an empty pipe, alarm(1): %zd %s, handler ran: %d\n", n, strerror(errno),
	       (int)ticks);

	handle(on_alarm_write, SA_RESTART);
	in_30ms();
	n = read(fds[0], &c, 1);
	printf("the same with SA_RESTART: %zd '%c', handler ran: %d\n", n, n == 1 ? c : '?',
	       (int)ticks);

	handle(on_alarm, 0);
	in_30ms();
	errno = 0;
	int r = pause();
	printf("pause: %d %s, handler ran: %d\n", r, strerror(errno), (int)ticks);

	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	in_30ms();
	int st;
	errno = 0;
	r = waitpid(pid, &st, 0);
	printf("waitpid for a child that waits: %d %s, handler ran: %d\n", r, strerror(errno),
	       (int)ticks);
	kill(pid, SIGKILL);
	r = waitpid(pid, &st, 0);
	printf("after SIGKILL: %s, signal %d\n", r == pid ? "reaped" : "not reaped",
	       WIFSIGNALED(st) ? WTERMSIG(st) : 0);

	/* SIGCHLD, ignored by default, does not end pause: SIGALRM does */
	pid = fork();
	if (pid == 0)
		_exit(0);
	in_30ms();
	errno = 0;
	r = pause();
	printf("pause while a child exits: %d %s, handler ran: %d\n", r, strerror(errno),
	       (int)ticks);
	waitpid(pid, &st, 0);

	handle(on_alarm, SA_RESTART);
	pid = fork();
	if (pid == 0) {
		struct timespec req = {0, 100000000};
		nanosleep(&req, NULL);
		_exit(7);
	}
	in_30ms(); /* well before the child's exit, however loaded the host */
	r = waitpid(pid, &st, 0);
	printf("waitpid with SA_RESTART: restarted, reaped: %s, status %d\n",
	       r == pid ? "yes" : "no", WEXITSTATUS(st));
	sigset_t alrm, old; /* the tick, if the child was faster after all */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	while (ticks < 6)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* a futex wait (sem_wait) is restarted with SA_RESTART, else EINTR */
	sem_init(&sem, 0, 0);
	ticks = 0;
	handle(on_alarm_post, 0);
	in_30ms();
	errno = 0;
	r = sem_wait(&sem);
	printf("sem_wait: %d %s, handler ran: %d\n", r, strerror(errno), (int)ticks);
	handle(on_alarm_post, SA_RESTART);
	in_30ms();
	r = sem_wait(&sem);
	printf("sem_wait with SA_RESTART: %d, handler ran: %d\n", r, (int)ticks);
	return 0;
}
