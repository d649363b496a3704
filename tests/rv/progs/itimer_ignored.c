/* itimer_ignored.c - Linux restarts a periodic ITIMER_REAL only when its
 * SIGALRM is taken (dequeue_signal): while the signal is blocked and
 * pending the timer does not run (getitimer reads 0, the interval stays),
 * and a SIGALRM that is ignored is never queued, so the timer stops after
 * one period and a handler installed later never runs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	ticks++;
}

static void nap(long ms)
{
	struct timespec req = {0, ms * 1000000};
	nanosleep(&req, NULL);
}

static void show(const char *when)
{
	struct itimerval cur;
	getitimer(ITIMER_REAL, &cur);
	printf("%s: value %s, interval %ld us, ticks %d\n", when,
	       cur.it_value.tv_sec || cur.it_value.tv_usec ? "running" : "0",
	       (long)cur.it_interval.tv_usec, (int)ticks);
}

int main(void)
{
	/* first after 10 ms; then every 200 ms, far from the next look */
	struct itimerval slow = {{0, 200000}, {0, 10000}};
	struct itimerval it = {{0, 10000}, {0, 10000}}, zero = {{0, 0}, {0, 0}};
	signal(SIGALRM, on_alarm);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);

	sigprocmask(SIG_BLOCK, &alrm, NULL);
	setitimer(ITIMER_REAL, &slow, NULL);
	nap(60);
	show("blocked, SIGALRM pending");
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	show("unblocked: the handler ran, the timer restarted");
	setitimer(ITIMER_REAL, &zero, NULL);

	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &it, NULL);
	nap(60);
	show("ignored");
	signal(SIGALRM, on_alarm);
	nap(60);
	show("handled again, 60 ms later");
	return 0;
}
