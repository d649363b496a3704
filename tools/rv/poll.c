/*
 * poll.c - ppoll and pselect6: which of a guest's fds are ready, as Linux's
 * fs/select.c answers it, and the wait until one is.
 *
 * Readiness of each kind of fd (rv.h), as its file's poll method says:
 *   a pipe's read end    POLLIN|POLLRDNORM while it holds bytes, POLLHUP
 *                        once no writer is left (Linux's pipe_poll);
 *   a pipe's write end   POLLOUT|POLLWRNORM while it has room, POLLERR once
 *                        no reader is left;
 *   an mmkit file, a /proc view: POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM
 *                        always (DEFAULT_POLLMASK: no poll method);
 *   a host stream        what a zero-timeout host poll of it says.
 * ppoll, as do_pollfd: a negative fd is skipped (revents 0), one not open
 * is POLLNVAL, POLLERR and POLLHUP come unasked, and the result counts the
 * entries with revents.  pselect6, as do_select: a set bit for an fd not
 * open is EBADF; an fd is readable on POLLIN_SET, writable on
 * POLLOUT_SET, exceptional on POLLPRI, and the result counts set bits.
 *
 * Waiting is the scheduler's (rv.h): with nothing ready the call returns
 * RV_BLOCK and is made again every round, so a change another task makes
 * to a pipe is seen at the next try.  While a call waits, its state is in
 * the task: polling; its timeout in sleeping/sleep_deadline on
 * CLOCK_MONOTONIC, as timer.c keeps a sleep (so an idle world sleeps the
 * host until it, never spinning); the call's sigmask in sigmask with the
 * old one in saved_mask, as sigsuspend keeps it; the host streams it
 * waits on in poll_host (the idle host sleep polls them too).  Each try
 * looks, in do_poll's order, at the fds (any ready: done), then at a
 * signal pending and not blocked (the call blocks, and the scheduler ends
 * it with EINTR: -ERESTARTNOHAND, signal.c), then at the deadline (0).
 * When it returns, as poll_select_finish: the old mask is back (unless a
 * handler runs, whose frame keeps it for its sigreturn) and a non-zero
 * timeout's time left is written back to the timespec.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "rv.h"

#define A(i) (t->cpu.x[10 + (i)])

#define NSEC 1000000000LL

/* poll bits: asm-generic's, the host's too */
#define P_IN	  0x001
#define P_PRI	  0x002
#define P_OUT	  0x004
#define P_ERR	  0x008
#define P_HUP	  0x010
#define P_NVAL	  0x020
#define P_RDNORM  0x040
#define P_RDBAND  0x080
#define P_WRNORM  0x100
#define P_WRBAND  0x200
#define P_DEFAULT (P_IN | P_OUT | P_RDNORM | P_WRNORM)
#define IN_SET	  (P_RDNORM | P_RDBAND | P_IN | P_HUP | P_ERR)
#define OUT_SET	  (P_WRBAND | P_WRNORM | P_OUT | P_ERR)
#define EX_SET	  P_PRI

/* t->polling */
#define POLLING	     1
#define POLL_TIMEOUT 2 /* a non-zero timeout: its time left goes back */

struct rv_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* What end (0 read, 1 write) of pi reports, as pipe_poll. */
static unsigned pipe_mask(const struct rv_pipe *pi, int end)
{
	if (end)
		return (pi->len < RV_PIPE_SIZE ? P_OUT | P_WRNORM : 0) | (pi->readers ? 0 : P_ERR);
	return (pi->len ? P_IN | P_RDNORM : 0) | (pi->writers ? 0 : P_HUP);
}

/* The events f reports (vfs_poll); a host stream is asked for events,
 * and is POLLNVAL if the host's fd is not open (mmkit exec ran with it
 * closed), as a guest fd with no file. */
static unsigned fd_events(struct rv_task *t, const struct rv_fd *f, unsigned events)
{
	if (f->kind == RV_FD_PIPE)
		return pipe_mask(f->pipe, f->num);
	if (f->kind != RV_FD_HOST)
		return P_DEFAULT;
	struct pollfd p = {.fd = f->num, .events = (short)events};
	if (poll(&p, 1, 0) < 0)
		return 0;
	unsigned got = (uint16_t)p.revents;
	if (!(got & events) && f->num >= 0 && f->num < RV_HOST_FDS)
		t->poll_host[f->num] |= (uint16_t)events; /* the idle sleep waits on it */
	return got;
}

/* Whether a signal is pending that t does not block (dropping those it
 * ignores, which Linux never queues): Linux's signal_pending. */
static bool signal_pending(struct rv_world *w, struct rv_task *t)
{
	rv_signal_next_handled(w, t);
	return (t->pending & ~t->sigmask) != 0;
}

/* Whether t's call has reached its deadline (never without a timeout). */
static bool timed_out(const struct rv_task *t)
{
	return t->sleeping && rv_timeout_passed(t);
}

/* The first try of a call: its timeout (the timespec at tsp; 0: none)
 * and its sigmask (size bytes at umask; 0: none), taken as ppoll and
 * do_pselect take them: 0, -EFAULT, or -EINVAL for a bad timespec or
 * size.  Nothing is changed on an error. */
static int64_t poll_begin(struct rv_task *t, uint64_t tsp, uint64_t umask, uint64_t size)
{
	int64_t ts[2] = {0, 0};
	uint64_t mask;
	if (tsp && mmk_load(t->proc, tsp, ts, sizeof(ts), NULL))
		return -EFAULT;
	if (ts[0] < 0 || (uint64_t)ts[1] >= NSEC)
		return -EINVAL; /* timespec64_valid */
	if (umask && size != 8)
		return -EINVAL;
	if (umask && mmk_load(t->proc, umask, &mask, 8, NULL))
		return -EFAULT;
	if (tsp) {
		rv_timeout_start(t, CLOCK_MONOTONIC, false, tsp); /* valid: read above */
		t->polling = POLLING | (ts[0] || ts[1] ? POLL_TIMEOUT : 0);
	} else {
		t->polling = POLLING;
	}
	if (umask) { /* set_user_sigmask */
		t->saved_mask = t->sigmask;
		t->restore_mask = 1;
		t->sigmask = mask & ~(1ull << 8 | 1ull << 18);
	}
	return 0;
}

/* Ends t's call with r (poll_select_finish): the mask back, the time left
 * to the timespec at tsp (a fault there is not reported, as Linux's
 * sticky path), the waiting state cleared.  r. */
static int64_t poll_end(struct rv_task *t, uint64_t tsp, int64_t r, bool keep_mask)
{
	if (t->restore_mask && !keep_mask) {
		t->sigmask = t->saved_mask;
		t->restore_mask = 0;
	}
	if (t->polling & POLL_TIMEOUT) {
		int64_t left = rv_timeout_left(t);
		int64_t ts[2] = {left / NSEC, left % NSEC};
		mmk_store(t->proc, tsp, ts, sizeof(ts), NULL);
	}
	t->polling = 0;
	t->sleeping = 0;
	memset(t->poll_host, 0, sizeof(t->poll_host));
	return r;
}

/* ---- ppoll ---------------------------------------------------------------------- */

/* One try of ppoll(fds, nfds, tsp, sigmask, sigsetsize), after
 * poll_begin: the count of fds with revents (written back), 0 at the
 * deadline, RV_BLOCK, or -errno (do_sys_poll: -EINVAL for nfds over
 * RLIMIT_NOFILE, -EFAULT). */
static int64_t ppoll_try(struct rv_world *w, struct rv_task *t)
{
	static struct rv_pollfd p[RV_MAX_FDS];
	uint32_t nfds = (uint32_t)A(1); /* an unsigned int */
	int64_t count = 0;
	if (nfds > RV_MAX_FDS)
		return -EINVAL;
	if (nfds && mmk_load(t->proc, A(0), p, nfds * sizeof(p[0]), NULL))
		return -EFAULT;
	memset(t->poll_host, 0, sizeof(t->poll_host));
	for (uint32_t i = 0; i < nfds; i++) {
		const struct rv_fd *f = p[i].fd < 0 ? NULL : rv_fd_get(t, p[i].fd);
		unsigned filter = (uint16_t)p[i].events | P_ERR | P_HUP;
		unsigned mask = p[i].fd < 0 ? 0 : !f ? P_NVAL : fd_events(t, f, filter);
		mask = mask & P_NVAL ? P_NVAL : mask & filter;
		p[i].revents = (int16_t)mask;
		count += mask != 0;
	}
	if (!count && (signal_pending(w, t) || !timed_out(t)))
		return RV_BLOCK;
	for (uint32_t i = 0; i < nfds; i++)
		if (mmk_store(t->proc, A(0) + i * sizeof(p[0]) + 6, &p[i].revents, 2, NULL))
			return -EFAULT;
	return count;
}

int64_t rv_sys_ppoll(struct rv_world *w, struct rv_task *t)
{
	if (!t->polling) {
		int64_t err = poll_begin(t, A(2), A(3), A(4));
		if (err)
			return err;
	}
	int64_t r = ppoll_try(w, t);
	return r == RV_BLOCK ? r : poll_end(t, A(2), r, false);
}

/* ---- pselect6 ------------------------------------------------------------------- */

#define SET_WORDS (RV_MAX_FDS / 64)

/* One try of pselect6(n, in, out, ex, tsp, sig), after poll_begin: the
 * count of bits set in the result sets (written back over the guest's),
 * 0 at the deadline, RV_BLOCK, or -errno (core_sys_select: -EINVAL for a
 * negative n, -EFAULT, -EBADF for a set bit naming no fd).  n above the
 * fd table is taken as its size, as Linux takes it as max_fds. */
static int64_t select_try(struct rv_world *w, struct rv_task *t)
{
	int32_t n = (int32_t)A(0);
	uint64_t set[3][SET_WORDS], res[3][SET_WORDS];
	int64_t count = 0;
	if (n < 0)
		return -EINVAL;
	if (n > RV_MAX_FDS)
		n = RV_MAX_FDS;
	uint64_t bytes = (uint64_t)(n + 63) / 64 * 8; /* FDS_BYTES: whole longs */
	memset(set, 0, sizeof(set));
	memset(res, 0, sizeof(res));
	for (int k = 0; k < 3; k++)
		if (A(1 + k) && bytes && mmk_load(t->proc, A(1 + k), set[k], bytes, NULL))
			return -EFAULT;
	for (int fd = 0; fd < n; fd++) /* max_select_fd */
		if (((set[0][fd / 64] | set[1][fd / 64] | set[2][fd / 64]) >> (fd % 64) & 1) &&
		    !rv_fd_get(t, fd))
			return -EBADF;
	memset(t->poll_host, 0, sizeof(t->poll_host));
	for (int fd = 0; fd < n; fd++) {
		uint64_t bit = 1ull << (fd % 64);
		int wd = fd / 64;
		bool in = set[0][wd] & bit, out = set[1][wd] & bit, ex = set[2][wd] & bit;
		if (!in && !out && !ex)
			continue;
		unsigned ask = (in ? P_IN : 0) | (out ? P_OUT : 0) | (ex ? P_PRI : 0);
		unsigned mask = fd_events(t, rv_fd_get(t, fd), ask);
		if (mask & P_NVAL)
			return -EBADF;
		const unsigned sets[3] = {IN_SET, OUT_SET, EX_SET};
		for (int k = 0; k < 3; k++)
			if ((set[k][wd] & bit) && (mask & sets[k])) {
				res[k][wd] |= bit;
				count++;
			}
	}
	if (!count && (signal_pending(w, t) || !timed_out(t)))
		return RV_BLOCK;
	for (int k = 0; k < 3; k++)
		if (A(1 + k) && bytes && mmk_store(t->proc, A(1 + k), res[k], bytes, NULL))
			return -EFAULT;
	return count;
}

/* pselect6: its sixth argument points at {const sigset_t *ss; size_t
 * ss_len}, read first (get_sigset_argpack). */
int64_t rv_sys_pselect6(struct rv_world *w, struct rv_task *t)
{
	if (!t->polling) {
		uint64_t pack[2] = {0, 0};
		if (A(5) && mmk_load(t->proc, A(5), pack, sizeof(pack), NULL))
			return -EFAULT;
		int64_t err = poll_begin(t, A(4), pack[0], pack[1]);
		if (err)
			return err;
	}
	int64_t r = select_try(w, t);
	return r == RV_BLOCK ? r : poll_end(t, A(4), r, false);
}

/* ---- A signal ------------------------------------------------------------------- */

int64_t rv_poll_interrupted(struct rv_task *t)
{
	bool is_ppoll = t->cpu.x[17] == 73;
	if (is_ppoll) { /* do_sys_poll writes every revents, all 0 here */
		int16_t zero = 0;
		uint32_t nfds = (uint32_t)A(1);
		for (uint32_t i = 0; i < nfds && i < RV_MAX_FDS; i++)
			mmk_store(t->proc, A(0) + i * sizeof(struct rv_pollfd) + 6, &zero, 2, NULL);
	}
	return poll_end(t, is_ppoll ? A(2) : A(4), -EINTR, true);
}
