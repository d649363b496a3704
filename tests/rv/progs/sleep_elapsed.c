/* sleep_elapsed: nanosleep and clock_nanosleep sleep at least as long as
 * asked (relative, TIMER_ABSTIME, CLOCK_REALTIME and CLOCK_MONOTONIC),
 * reject bad timespecs and clocks, and an interrupted sleep returns EINTR
 * with the time left.  Only lower bounds are checked: a loaded host may
 * oversleep. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_alarm(int sig)
{
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

int main(void)
{
	long long t0 = ns(CLOCK_MONOTONIC);
	struct timespec req = {0, 50000000}, rem = {7, 7};
	int r = nanosleep(&req, &rem);
	long long dt = ns(CLOCK_MONOTONIC) - t0;
	printf("nanosleep 50 ms: %d, slept at least 50 ms: %s\n", r, yes(dt >= 50000000));

	long long target = ns(CLOCK_MONOTONIC) + 30000000;
	struct timespec abs = {target / 1000000000, target % 1000000000};
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	printf("clock_nanosleep MONOTONIC ABSTIME +30 ms: %d, woke after it: %s\n", r,
	       yes(ns(CLOCK_MONOTONIC) >= target));

	target = ns(CLOCK_REALTIME) + 20000000;
	abs = (struct timespec){target / 1000000000, target % 1000000000};
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL);
	printf("clock_nanosleep REALTIME ABSTIME +20 ms: %d, woke after it: %s\n", r,
	       yes(ns(CLOCK_REALTIME) >= target));

	t0 = ns(CLOCK_MONOTONIC);
	req = (struct timespec){0, 20000000};
	r = clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL);
	printf("clock_nanosleep REALTIME relative 20 ms: %d, slept at least 20 ms: %s\n", r,
	       yes(ns(CLOCK_MONOTONIC) - t0 >= 20000000));

	abs = (struct timespec){1, 0}; /* long past */
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
	printf("clock_nanosleep to a time long past: %d\n", r);
	req = (struct timespec){0, 0};
	printf("nanosleep 0: %d\n", nanosleep(&req, NULL));

	req = (struct timespec){0, 1000000000};
	r = nanosleep(&req, NULL);
	printf("nanosleep tv_nsec 1e9: %d %s\n", r, strerror(errno));
	req = (struct timespec){-1, 0};
	r = nanosleep(&req, NULL);
	printf("nanosleep tv_sec -1: %d %s\n", r, strerror(errno));
	req = (struct timespec){0, -1};
	printf("clock_nanosleep tv_nsec -1: %s\n",
	       strerror(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL)));
	req = (struct timespec){0, 1000};
	printf("clock_nanosleep CLOCK_THREAD_CPUTIME_ID: %s\n",
	       strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
	printf("clock_nanosleep CLOCK_MONOTONIC_RAW: %s\n",
	       strerror(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &req, NULL)));
	printf("clock_nanosleep clock 99: %s\n", strerror(clock_nanosleep(99, 0, &req, NULL)));
	/* clockid_t is an int: the register's upper half is not part of it */
	long big_id = (long)(((unsigned long)1 << 32) | CLOCK_MONOTONIC);
	r = (int)syscall(SYS_clock_nanosleep, big_id, 0, &req, NULL);
	printf("clock_nanosleep clock 2^32 + CLOCK_MONOTONIC: %d\n", r);
	r = nanosleep(NULL, NULL);
	printf("nanosleep NULL: %d %s\n", r, strerror(errno));

	/* a SIGALRM handler interrupts a 2 s sleep: EINTR, the time left */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART; /* a sleep is never restarted after a handler */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 30000}};
	setitimer(ITIMER_REAL, &it, NULL);
	req = (struct timespec){2, 0};
	rem = (struct timespec){-1, -1};
	r = nanosleep(&req, &rem);
	printf(
	    "nanosleep 2 s, SIGALRM after 30 ms: %d %s, time left under 2 s: %s\n", r,
	    strerror(errno),
	    yes(rem.tv_sec >= 0 && rem.tv_sec < 2 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000));
	setitimer(ITIMER_REAL, &it, NULL);
	rem = (struct timespec){-1, -1};
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
	printf("clock_nanosleep 2 s, SIGALRM after 30 ms: %s, time left under 2 s: %s\n",
	       strerror(r), yes(rem.tv_sec >= 0 && rem.tv_sec < 2));
	long long end = ns(CLOCK_MONOTONIC) + 2000000000LL;
	abs = (struct timespec){end / 1000000000, end % 1000000000};
	setitimer(ITIMER_REAL, &it, NULL);
	rem = (struct timespec){-1, -1};
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, &rem);
	printf("clock_nanosleep ABSTIME, SIGALRM after 30 ms: %s, rem untouched: %s\n", strerror(r),
	       yes(rem.tv_sec == -1 && rem.tv_nsec == -1));

	/* the longest sleep there is, cut short by SIGALRM */
	setitimer(ITIMER_REAL, &it, NULL);
	req = (struct timespec){INT64_MAX, 999999999};
	r = nanosleep(&req, NULL);
	printf("nanosleep INT64_MAX s, SIGALRM after 30 ms: %d %s\n", r, strerror(errno));
	setitimer(ITIMER_REAL, &it, NULL);
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req, NULL);
	printf("clock_nanosleep REALTIME ABSTIME to INT64_MAX s: %s\n", strerror(r));
	setitimer(ITIMER_REAL, &it, NULL);
	req = (struct timespec){8000000000, 0}; /* 8e18 ns: near int64_t's end */
	r = clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL);
	printf("clock_nanosleep REALTIME 8e9 s: %s\n", strerror(r));
	return 0;
}
