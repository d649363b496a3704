/*
 * timer.c - time in the runner: nanosleep and clock_nanosleep, the
 * interval timers (setitimer, getitimer; alarm is glibc's setitimer, as
 * riscv64 has no alarm call), clock_getres, and what the scheduler does
 * when every task waits for a deadline.
 *
 * Guest time is the host's: a deadline is a time on a host clock
 * (CLOCK_MONOTONIC for relative sleeps and ITIMER_REAL, the caller's clock
 * for clock_nanosleep), checked when the scheduler looks (rv.h): a
 * sleeping task's call runs again each round and returns once its
 * deadline has passed; ITIMER_REAL is checked before every quantum
 * (rv_timers_expire) and raises SIGALRM on its process; a periodic one
 * starts its next period only when that SIGALRM is taken from the pending
 * set (rv_itimer_dequeued), as Linux restarts it in dequeue_signal, so
 * while the signal is blocked the timer stands still and getitimer reads
 * 0, and an ignored SIGALRM (never queued) stops it.  When every task
 * is blocked, the scheduler sleeps the host thread until the earliest
 * deadline (rv_timers_wait_idle), never spinning, or until one of the
 * host's streams a poll waits on (poll.c) is ready; with neither, it is a
 * deadlock.  A program that uses no timer sees no difference in its
 * schedule, so its output stays the same on every run.
 *
 * State: a sleep in progress lives in its task (sleeping, sleep_clock,
 * sleep_deadline), set by the first execution of the call and cleared when
 * it returns; a futex wait's timeout is kept the same way (linux.c); the interval timers are the
 * process's, kept in its leader task (Linux's signal_struct), not inherited by fork, kept across
 * execve.
 *
 * Mirrors Linux's kernel/time/hrtimer.c (hrtimer_nanosleep, do_nanosleep),
 * kernel/time/posix-timers.c (clock_nanosleep) and kernel/time/itimer.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>

#include "rv.h"

#define NSEC		1000000000LL
#define TIMER_ABSTIME_G 1
#define SIGALRM_G	14
#define ITIMER_REAL_G	0

static int64_t now_ns(int clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* The farthest a time reaches: 2^62 ns, 146 years (relative, or since
 * the epoch).  A deadline is a clock's now plus at most this, and a
 * timer's reload adds at most this to a time already past, so no sum
 * overflows int64_t. */
#define NS_FOREVER (1LL << 62)

/* sec and sub-second units (unit ns each) as ns, at most NS_FOREVER. */
static int64_t to_ns(int64_t sec, int64_t sub, int64_t unit)
{
	if (sec >= NS_FOREVER / NSEC)
		return NS_FOREVER;
	return sec * NSEC + sub * unit;
}

static void to_pair(int64_t ns, int64_t unit, int64_t out[2])
{
	out[0] = ns / NSEC;
	out[1] = ns % NSEC / unit;
}

/* ---- Sleeps ------------------------------------------------------------------------- */

/* The host clock a guest clock_nanosleep clock stands for, or -errno:
 * REALTIME, MONOTONIC, BOOTTIME and TAI sleep; the raw and coarse clocks
 * cannot (Linux: no nsleep, EOPNOTSUPP); the CPU-time and alarm clocks,
 * which Linux sleeps on, are not kept here (EOPNOTSUPP, with the runner's
 * warning: glibc names CLOCK_PROCESS_CPUTIME_ID by the process's CPU clock
 * id, MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED) = -6); an unknown id is
 * EINVAL. */
static int sleep_clock(struct rv_world *w, int64_t id)
{
	switch (id) {
	case 0: /* CLOCK_REALTIME */
		return CLOCK_REALTIME;
	case 1: /* CLOCK_MONOTONIC */
		return CLOCK_MONOTONIC;
	case 7: /* CLOCK_BOOTTIME */
		return CLOCK_BOOTTIME;
	case 11: /* CLOCK_TAI */
		return CLOCK_TAI;
	case 4: /* CLOCK_MONOTONIC_RAW, the coarse clocks */
	case 5:
	case 6:
		return -EOPNOTSUPP;
	case 2: /* CLOCK_PROCESS_CPUTIME_ID */
	case 8: /* the alarm clocks */
	case 9:
		return (int)rv_unsupported(w, -EOPNOTSUPP, "clock_nanosleep: clock %d", (int)id);
	}
	if (id < 0 && !(id & 4) && (id & 3) != 3) /* a process's CPU-time clock */
		return (int)rv_unsupported(w, -EOPNOTSUPP, "clock_nanosleep: CPU-time clock %d",
					   (int)id);
	return -EINVAL; /* a thread's CPU-time clock (3 too), as Linux */
}

int rv_timeout_start(struct rv_task *t, int clock, bool abs, uint64_t addr)
{
	int64_t ts[2];
	if (mmk_load(t->proc, addr, ts, sizeof(ts), NULL))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NSEC)
		return -EINVAL;
	int64_t ns = to_ns(ts[0], ts[1], 1);
	t->sleep_clock = clock;
	t->sleep_deadline = abs ? ns : now_ns(clock) + ns;
	t->sleeping = 1;
	return 0;
}

bool rv_timeout_passed(const struct rv_task *t)
{
	return now_ns(t->sleep_clock) >= t->sleep_deadline;
}

int64_t rv_timeout_left(const struct rv_task *t)
{
	int64_t left = t->sleep_deadline - now_ns(t->sleep_clock);
	return left > 0 ? left : 0;
}

/* Starts (first execution) or checks t's sleep on clock until the
 * timespec at req (absolute when abs): 0 once it has passed, RV_BLOCK
 * before; -EFAULT, or -EINVAL for a timespec out of range, as
 * hrtimer_nanosleep's timespec64_valid. */
static int64_t sleep_on(struct rv_task *t, int clock, bool abs, uint64_t req)
{
	if (!t->sleeping) {
		int err = rv_timeout_start(t, clock, abs, req);
		if (err)
			return err;
	}
	if (!rv_timeout_passed(t))
		return RV_BLOCK;
	t->sleeping = 0;
	return 0;
}

/* nanosleep(req, rem): CLOCK_MONOTONIC, relative. */
int64_t rv_sys_nanosleep(struct rv_world *w, struct rv_task *t)
{
	return sleep_on(t, CLOCK_MONOTONIC, false, t->cpu.x[10]);
}

/* clock_nanosleep(clock, flags, req, rem): flags other than TIMER_ABSTIME
 * are ignored, as Linux does. */
int64_t rv_sys_clock_nanosleep(struct rv_world *w, struct rv_task *t)
{
	int clock = t->sleeping ? t->sleep_clock : sleep_clock(w, (int32_t)t->cpu.x[10]);
	if (clock < 0)
		return clock;
	return sleep_on(t, clock, t->cpu.x[11] & TIMER_ABSTIME_G, t->cpu.x[12]);
}

int64_t rv_sleep_interrupted(struct rv_task *t)
{
	uint64_t nr = t->cpu.x[17], rem;
	bool relative = nr == 101 || !(t->cpu.x[11] & TIMER_ABSTIME_G);
	rem = nr == 101 ? t->cpu.x[11] : t->cpu.x[13];
	int64_t left = t->sleep_deadline - now_ns(t->sleep_clock);
	t->sleeping = 0;
	if (relative && rem) {
		int64_t ts[2];
		to_pair(left > 0 ? left : 0, 1, ts);
		if (mmk_store(t->proc, rem, ts, sizeof(ts), NULL))
			return -EFAULT;
	}
	return -EINTR;
}

/* ---- Interval timers ---------------------------------------------------------------- */

/* The leader of t's process: where its interval timers live. */
static struct rv_task *timer_owner(struct rv_world *w, struct rv_task *t)
{
	struct rv_task *l = rv_task_find(w, t->tgid);
	return l ? l : t;
}

/* Timer which of o as the guest's struct itimerval: interval, then value
 * (each tv_sec, tv_usec).  A real timer about to fire reads 1 µs, one
 * waiting for its SIGALRM to be taken 0, as Linux's itimer_get_remtime. */
static void itimer_get(const struct rv_task *o, int which, int64_t out[4])
{
	const struct rv_itimer *it = &o->itimer[which];
	int64_t left = it->value;
	if (which == ITIMER_REAL_G) {
		left = it->active ? it->value - now_ns(CLOCK_MONOTONIC) : 0;
		if (it->active && left <= 0)
			left = 1000;
	}
	to_pair(it->interval, 1000, out);
	to_pair(left, 1000, out + 2);
}

/* getitimer(which, curr) */
int64_t rv_sys_getitimer(struct rv_world *w, struct rv_task *t)
{
	uint32_t which = (uint32_t)t->cpu.x[10]; /* an int: negative is EINVAL too */
	if (which > 2)
		return -EINVAL;
	int64_t v[4];
	itimer_get(timer_owner(w, t), (int)which, v);
	return mmk_store(t->proc, t->cpu.x[11], v, sizeof(v), NULL) ? -EFAULT : 0;
}

/* setitimer(which, new, old): a NULL new disarms, as Linux still allows.
 * ITIMER_REAL counts on CLOCK_MONOTONIC and raises SIGALRM; ITIMER_VIRTUAL
 * and ITIMER_PROF are kept (getitimer reads them back) but never count
 * down: the runner keeps no guest CPU time. */
int64_t rv_sys_setitimer(struct rv_world *w, struct rv_task *t)
{
	uint32_t which = (uint32_t)t->cpu.x[10]; /* an int: negative is EINVAL too */
	int64_t nv[4] = {0}, old[4];
	if (t->cpu.x[11] && mmk_load(t->proc, t->cpu.x[11], nv, sizeof(nv), NULL))
		return -EFAULT; /* Linux copies the new value in first */
	for (int i = 0; i < 4; i += 2)
		if (nv[i] < 0 || nv[i + 1] < 0 || nv[i + 1] >= 1000000)
			return -EINVAL;
	if (which > 2)
		return -EINVAL;
	struct rv_task *o = timer_owner(w, t);
	itimer_get(o, (int)which, old);
	struct rv_itimer *it = &o->itimer[which];
	int64_t value = to_ns(nv[2], nv[3], 1000);
	it->interval = value ? to_ns(nv[0], nv[1], 1000) : 0;
	it->value = value && which == ITIMER_REAL_G ? now_ns(CLOCK_MONOTONIC) + value : value;
	it->active = which == ITIMER_REAL_G && value;
	if (t->cpu.x[12] && mmk_store(t->proc, t->cpu.x[12], old, sizeof(old), NULL))
		return -EFAULT;
	return 0;
}

/* clock_getres(clock, res): the host's resolution of that clock. */
int64_t rv_sys_clock_getres(struct rv_world *w, struct rv_task *t)
{
	struct timespec ts;
	if (clock_getres((clockid_t)t->cpu.x[10], &ts))
		return -errno;
	int64_t v[2] = {ts.tv_sec, ts.tv_nsec};
	if (t->cpu.x[11] && mmk_store(t->proc, t->cpu.x[11], v, sizeof(v), NULL))
		return -EFAULT;
	return 0;
}

/* SIGALRM for process leader l: dropped if l ignores it and does not
 * block it (Linux's sig_ignored: such a signal is never queued, so a
 * periodic timer does not restart); else to the first of its threads that
 * does not block it (the leader first), or left pending on the leader, as
 * Linux's complete_signal picks a thread for a process-wide signal. */
static void raise_alarm(struct rv_world *w, struct rv_task *l)
{
	uint64_t bit = 1ull << (SIGALRM_G - 1);
	if (l->act[SIGALRM_G].handler == 1 /* SIG_IGN */ && !(l->sigmask & bit))
		return;
	struct rv_task *to = NULL;
	for (struct rv_task *o = w->tasks; o; o = o->next) {
		if (o->tgid != l->tgid || o->state != RV_RUNNABLE || o->thread_done)
			continue;
		if (!to)
			to = o;
		if (!(o->sigmask & bit)) {
			to = o;
			break;
		}
	}
	(to ? to : l)->pending |= bit;
}

void rv_timers_expire(struct rv_world *w)
{
	int64_t now = 0;
	for (struct rv_task *l = w->tasks; l; l = l->next) {
		struct rv_itimer *it = &l->itimer[ITIMER_REAL_G];
		if (!it->active || l->pid != l->tgid || l->state != RV_RUNNABLE || !l->proc)
			continue;
		if (!now)
			now = now_ns(CLOCK_MONOTONIC);
		if (now < it->value)
			continue;
		it->active = 0; /* until its SIGALRM is taken (rv_itimer_dequeued) */
		raise_alarm(w, l);
	}
}

void rv_itimer_dequeued(struct rv_world *w, struct rv_task *t)
{
	struct rv_itimer *it = &timer_owner(w, t)->itimer[ITIMER_REAL_G];
	if (it->active || !it->interval)
		return;
	/* hrtimer_forward: the first expiry past now, in whole periods
	 * from the last one (periods missed meanwhile are not made up) */
	int64_t now = now_ns(CLOCK_MONOTONIC);
	if (now >= it->value)
		it->value += ((now - it->value) / it->interval + 1) * it->interval;
	it->active = 1;
}

/* The host streams the polls of w's tasks wait on, as host pollfds
 * (fd -1 where none waits): how many. */
static int host_waits(struct rv_world *w, struct pollfd fds[RV_HOST_FDS])
{
	int n = 0;
	for (int i = 0; i < RV_HOST_FDS; i++)
		fds[i] = (struct pollfd){.fd = -1};
	for (struct rv_task *t = w->tasks; t; t = t->next)
		for (int i = 0; t->polling && i < RV_HOST_FDS; i++)
			if (t->poll_host[i] && t->state == RV_RUNNABLE && !t->thread_done) {
				n += fds[i].fd < 0;
				fds[i].fd = i;
				fds[i].events |= (short)t->poll_host[i];
			}
	return n;
}

bool rv_timers_wait_idle(struct rv_world *w)
{
	int64_t now = now_ns(CLOCK_MONOTONIC), first = INT64_MAX;
	for (struct rv_task *t = w->tasks; t; t = t->next) {
		if (t->state != RV_RUNNABLE || !t->proc)
			continue;
		if (t->sleeping && !t->thread_done) {
			int64_t d = now + (t->sleep_deadline - now_ns(t->sleep_clock));
			first = d < first ? d : first;
		}
		const struct rv_itimer *it = &t->itimer[ITIMER_REAL_G];
		if (t->pid == t->tgid && it->active)
			first = it->value < first ? it->value : first;
	}
	struct pollfd fds[RV_HOST_FDS];
	if (host_waits(w, fds)) { /* until a stream is ready or the deadline */
		int64_t left = first - now;
		struct timespec ts = {left / NSEC, left % NSEC};
		if (first == INT64_MAX || left > 0)
			ppoll(fds, RV_HOST_FDS, first == INT64_MAX ? NULL : &ts, NULL);
		return true;
	}
	if (first == INT64_MAX)
		return false;
	if (first > now) {
		struct timespec ts = {first / NSEC, first % NSEC};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	return true;
}
