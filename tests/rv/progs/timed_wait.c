/* timed_wait: waits with timeouts end with ETIMEDOUT once the time has
 * passed (sem_timedwait on CLOCK_REALTIME, pthread_cond_timedwait on
 * CLOCK_MONOTONIC, futex FUTEX_WAIT's relative timeout), and not before;
 * a wake before the timeout wins; bad timeouts are EINVAL, EAGAIN comes
 * before an expired timeout, FUTEX_CLOCK_REALTIME is only for
 * FUTEX_WAIT_BITSET; a signal ends a timed futex wait with EINTR even
 * with SA_RESTART.  Only lower bounds on time are checked. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
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

static struct timespec at(clockid_t c, long long delta)
{
	long long t = ns(c) + delta;
	return (struct timespec){t / 1000000000, t % 1000000000};
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, FUTEX_BITSET_MATCH_ANY);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int ready;

static void *signaller(void *arg)
{
	struct timespec req = {0, 20000000};
	nanosleep(&req, NULL);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void on_alarm(int sig)
{
}

int main(void)
{
	sem_t sem;
	sem_init(&sem, 0, 0);
	long long t0 = ns(CLOCK_REALTIME);
	struct timespec abs = at(CLOCK_REALTIME, 50000000);
	int r = sem_timedwait(&sem, &abs);
	printf("sem_timedwait 50 ms: %d %s, waited at least 50 ms: %s\n", r, strerror(errno),
	       yes(ns(CLOCK_REALTIME) - t0 >= 50000000));
	sem_post(&sem);
	abs = at(CLOCK_REALTIME, 1000000000);
	printf("sem_timedwait on a posted semaphore: %d\n", sem_timedwait(&sem, &abs));
	abs.tv_nsec = -1;
	r = sem_timedwait(&sem, &abs);
	printf("sem_timedwait tv_nsec -1: %d %s\n", r, strerror(errno));

	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_mutex_lock(&mu);
	t0 = ns(CLOCK_MONOTONIC);
	abs = at(CLOCK_MONOTONIC, 30000000);
	r = pthread_cond_timedwait(&cv, &mu, &abs);
	printf("pthread_cond_timedwait 30 ms: %s, waited at least 30 ms: %s\n", strerror(r),
	       yes(ns(CLOCK_MONOTONIC) - t0 >= 30000000));
	pthread_t th;
	pthread_create(&th, NULL, signaller, NULL);
	abs = at(CLOCK_MONOTONIC, 10000000000LL);
	r = 0;
	while (!ready && r == 0)
		r = pthread_cond_timedwait(&cv, &mu, &abs);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
	printf("pthread_cond_timedwait 10 s, signalled after 20 ms: %s, ready %d\n", strerror(r),
	       ready);

	uint32_t word = 7;
	struct timespec rel = {0, 20000000};
	t0 = ns(CLOCK_MONOTONIC);
	long l = futex(&word, FUTEX_WAIT_PRIVATE, 7, &rel);
	printf("FUTEX_WAIT 20 ms: %ld %s, waited at least 20 ms: %s\n", l, strerror(errno),
	       yes(ns(CLOCK_MONOTONIC) - t0 >= 20000000));
	abs = at(CLOCK_REALTIME, 20000000);
	l = futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &abs);
	printf("FUTEX_WAIT_BITSET CLOCK_REALTIME +20 ms: %ld %s\n", l, strerror(errno));
	rel = (struct timespec){0, 0};
	l = futex(&word, FUTEX_WAIT_PRIVATE, 8, &rel);
	printf("FUTEX_WAIT, word differs, timeout 0: %ld %s\n", l, strerror(errno));
	l = futex(&word, FUTEX_WAIT_PRIVATE, 7, &rel);
	printf("FUTEX_WAIT, timeout 0: %ld %s\n", l, strerror(errno));
	rel = (struct timespec){0, 1000000000};
	l = futex(&word, FUTEX_WAIT_PRIVATE, 8, &rel);
	printf("FUTEX_WAIT tv_nsec 1e9 (word differs): %ld %s\n", l, strerror(errno));
	rel = (struct timespec){-1, 0};
	l = futex(&word, FUTEX_WAIT_PRIVATE, 7, &rel);
	printf("FUTEX_WAIT tv_sec -1: %ld %s\n", l, strerror(errno));
	rel = (struct timespec){0, 1000};
	l = futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &rel);
	printf("FUTEX_WAIT with FUTEX_CLOCK_REALTIME: %ld %s\n", l, strerror(errno));
	l = futex(&word, FUTEX_WAIT_PRIVATE, 7, (const struct timespec *)8);
	printf("FUTEX_WAIT, timeout at a bad address: %ld %s\n", l, strerror(errno));

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	rel = (struct timespec){5, 0};
	l = futex(&word, FUTEX_WAIT_PRIVATE, 7, &rel);
	printf("FUTEX_WAIT 5 s, SIGALRM (SA_RESTART) after 20 ms: %ld %s\n", l, strerror(errno));
	return 0;
}
