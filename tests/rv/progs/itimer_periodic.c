/* itimer_periodic: ITIMER_REAL every 20 ms raises SIGALRM until three
 * handler calls are counted; getitimer reads the timer back; setitimer
 * returns the old value and disarms with zero; periods that pass while
 * SIGALRM is blocked make one pending signal; a forked child has no
 * timer; bad arguments are EINVAL. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	ticks++;
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);

	struct itimerval it = {{0, 20000}, {0, 20000}}, cur, old;
	printf("setitimer 20 ms periodic: %d\n", setitimer(ITIMER_REAL, &it, NULL));
	getitimer(ITIMER_REAL, &cur);
	printf("getitimer: interval %ld.%06ld, value within it: %s\n", (long)cur.it_interval.tv_sec,
	       (long)cur.it_interval.tv_usec,
	       yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
		   cur.it_value.tv_usec <= 20000));
	while (ticks < 3)
		pause();
	printf("three ticks counted: %s\n", yes(ticks >= 3));

	/* periods missed while blocked: one signal */
	sigset_t set, none;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int before = ticks;
	struct timespec req = {0, 100000000};
	nanosleep(&req, NULL);
	struct itimerval zero = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &zero, &old);
	printf("old value's interval: %ld.%06ld\n", (long)old.it_interval.tv_sec,
	       (long)old.it_interval.tv_usec);
	sigset_t pend;
	sigpending(&pend);
	printf("SIGALRM pending while blocked: %s, handler ran meanwhile: %s\n",
	       yes(sigismember(&pend, SIGALRM)), yes(ticks != before));
	sigprocmask(SIG_SETMASK, &none, NULL);
	printf("unblocked: the handler ran once: %s\n", yes(ticks == before + 1));
	getitimer(ITIMER_REAL, &cur);
	printf("disarmed: %ld %ld %ld %ld\n", (long)cur.it_interval.tv_sec,
	       (long)cur.it_interval.tv_usec, (long)cur.it_value.tv_sec,
	       (long)cur.it_value.tv_usec);

	/* one-shot: no reload */
	struct itimerval once = {{0, 0}, {0, 10000}};
	ticks = 0;
	setitimer(ITIMER_REAL, &once, NULL);
	while (ticks < 1)
		pause();
	req.tv_nsec = 50000000;
	nanosleep(&req, NULL);
	printf("one-shot: one tick: %s\n", yes(ticks == 1));

	/* fork: the child does not inherit the timer */
	setitimer(ITIMER_REAL, &it, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		getitimer(ITIMER_REAL, &cur);
		_exit(cur.it_value.tv_sec || cur.it_value.tv_usec ? 1 : 0);
	}
	int st, r;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	printf("child's timer disarmed: %s\n", yes(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	setitimer(ITIMER_REAL, &zero, NULL);

	struct itimerval far = {{INT64_MAX, 999999}, {INT64_MAX, 999999}};
	r = setitimer(ITIMER_REAL, &far, NULL);
	getitimer(ITIMER_REAL, &cur);
	printf("INT64_MAX seconds: %d, armed for over a year: %s\n", r,
	       yes(cur.it_value.tv_sec > 366 * 86400 && cur.it_interval.tv_sec > 366 * 86400));
	setitimer(ITIMER_REAL, &zero, NULL);

	/* which is an int: the register's upper half is not part of it */
	long big_which = (long)(((unsigned long)1 << 32) | ITIMER_REAL);
	r = (int)syscall(SYS_getitimer, big_which, &cur);
	printf("getitimer which 2^32 + ITIMER_REAL: %d\n", r);
	r = (int)syscall(SYS_setitimer, big_which, &zero, NULL);
	printf("setitimer which 2^32 + ITIMER_REAL: %d\n", r);

	struct itimerval bad = {{0, 0}, {0, 1000000}};
	r = setitimer(ITIMER_REAL, &bad, NULL);
	printf("tv_usec 1000000: %d %s\n", r, strerror(errno));
	bad.it_value.tv_usec = -1;
	r = setitimer(ITIMER_REAL, &bad, NULL);
	printf("tv_usec -1: %d %s\n", r, strerror(errno));
	r = setitimer(5, &it, NULL);
	printf("which 5: %d %s\n", r, strerror(errno));
	r = getitimer(5, &cur);
	printf("getitimer which 5: %d %s\n", r, strerror(errno));
	return 0;
}
