/*
 * test_oom.c - the OOM killer (issue 5): when nothing can be reclaimed, the
 * process with the largest badness is killed with SIGKILL, its memory is
 * freed at once and reported, and every other process carries on; a store
 * never fails silently.  Failure injection still gives -ENOMEM without a
 * kill.  Every test ends with the invariant and leak checks of fx_done.
 */
#include "page_test.h"

/* A machine of ram and swap that lets its processes map more than both
 * (vm.overcommit_memory=1), so that the shortage shows at fault time. */
static int fx_init_mem(struct fixture *fx, uint64_t ram, uint64_t swap)
{
	struct mmk_config c = {
	    .ram_bytes = ram, .swap_bytes = swap, .overcommit_memory = MMK_OVERCOMMIT_ALWAYS};
	return fx_init_cfg(fx, &c);
}

static struct mmk_vmstat vmstat(struct fixture *fx)
{
	struct mmk_vmstat v;
	memset(&v, 0, sizeof(v));
	mmk_vmstat(fx->sys, &v);
	return v;
}

/* Fills [a, a + n pages) page by page; returns the page whose store failed
 * (with *si), or n. */
static uint64_t fill_until_fault(mmk_proc *p, uint64_t a, uint64_t n, int c, struct mmk_siginfo *si,
				 int *err)
{
	*err = 0;
	for (uint64_t i = 0; i < n; i++) {
		*err = mmk_fill(p, a + i * PS, c, PS, si);
		if (*err)
			return i;
	}
	return n;
}

struct oom_seen {
	int kills, pid;
	char report[256];
};

static void on_event(void *arg, const struct mmk_event *ev)
{
	struct oom_seen *s = arg;
	if (ev->kind != MMK_EV_OOM_KILL)
		return;
	s->kills++;
	s->pid = ev->pid;
	snprintf(s->report, sizeof(s->report), "%s", ev->detail ? ev->detail : "");
}

/* Without swap, a process writing more anonymous memory than RAM is
 * killed; a small process next to it keeps its memory and carries on. */
TEST(anonymous_overcommit_without_swap_kills_only_the_hog)
{
	struct fixture fx;
	CHECK(!fx_init_mem(&fx, 1 * MB, 0));
	struct oom_seen seen = {0};
	mmk_system_set_trace(fx.sys, on_event, &seen);
	int64_t small = mmk_mmap(fx.p, 0, 16 * PS, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)small, 's', 16 * PS, NULL), 0);
	mmk_proc *hog;
	int hog_pid = mmk_spawn(fx.sys, &hog);
	CHECK(hog_pid > 0);
	const uint64_t n = 1024;
	int64_t a = mmk_mmap(hog, 0, n * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	struct mmk_siginfo si;
	int err;
	uint64_t at = fill_until_fault(hog, (uint64_t)a, n, 'h', &si, &err);
	CHECK(at < n);
	CHECK_EQ(err, -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGKILL);
	CHECK_EQ(mmk_proc_killed(hog), MMK_SIGKILL);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK_EQ(seen.kills, 1);
	CHECK_EQ(seen.pid, hog_pid);
	CHECK(strstr(seen.report, "Out of memory: Killed process") != NULL);
	CHECK_EQ(vmstat(&fx).oom_kill, 1);
	/* Its memory is back, its calls fail, the other process is intact. */
	CHECK(mmk_frames_free(fx.sys) > mmk_frames_total(fx.sys) / 2);
	CHECK_EQ(mmk_fill(hog, (uint64_t)a, 1, PS, &si), -ESRCH);
	CHECK_EQ(mmk_mmap(hog, 0, PS, RW, PA, -1, 0), -ESRCH);
	CHECK_EQ((int64_t)mmk_brk(hog, 0), -ESRCH);
	CHECK_EQ((int64_t)mmk_brk(hog, 0x10000000), -ESRCH);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(peek(fx.p, (uint64_t)small + (uint64_t)i * PS), 's');
	int64_t more = mmk_mmap(fx.p, 0, 64 * PS, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)more, 'm', 64 * PS, NULL), 0);
	CHECK_INV(&fx);
	mmk_exit(hog);
	CHECK(!fx_done(&fx));
}

/* The victim is the largest process, not the one whose fault found no
 * memory: that one's store goes through. */
TEST(the_largest_process_dies_not_the_faulting_one)
{
	struct fixture fx;
	CHECK(!fx_init_mem(&fx, 1 * MB, 0));
	mmk_proc *big;
	CHECK(mmk_spawn(fx.sys, &big) > 0);
	int64_t b = mmk_mmap(big, 0, 200 * PS, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(big, (uint64_t)b, 'b', 200 * PS, NULL), 0);
	int64_t a = mmk_mmap(fx.p, 0, 100 * PS, RW, PA, -1, 0);
	struct mmk_siginfo si;
	int err;
	CHECK_EQ(fill_until_fault(fx.p, (uint64_t)a, 100, 'a', &si, &err), 100);
	CHECK_EQ(mmk_proc_killed(big), MMK_SIGKILL);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	for (int i = 0; i < 100; i += 9)
		CHECK_EQ(peek(fx.p, (uint64_t)a + (uint64_t)i * PS), 'a');
	CHECK_INV(&fx);
	mmk_exit(big);
	CHECK(!fx_done(&fx));
}

/* With swap that runs out, the same ends in a kill; file pages and swap
 * are used up first. */
TEST(full_swap_ends_in_a_kill)
{
	struct fixture fx;
	CHECK(!fx_init_mem(&fx, 1 * MB, 1 * MB));
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	const uint64_t n = 1024;
	int64_t a = mmk_mmap(hog, 0, n * PS, RW, PA, -1, 0);
	struct mmk_siginfo si;
	int err;
	uint64_t at = fill_until_fault(hog, (uint64_t)a, n, 'h', &si, &err);
	CHECK(at > 256 && at < n); /* more than RAM went: the rest filled swap */
	CHECK_EQ(si.signo, MMK_SIGKILL);
	struct mmk_vmstat v = vmstat(&fx);
	CHECK(v.pswpout > 0);
	CHECK_EQ(v.swap_free, v.swap_total); /* the reaper freed its slots */
	CHECK_INV(&fx);
	mmk_exit(hog);
	CHECK(!fx_done(&fx));
}

/* Shared file pages and a dirty shared mapping of a killed process: what
 * it stored reaches the file all the same. */
TEST(a_killed_process_s_shared_stores_are_not_lost)
{
	struct fixture fx;
	CHECK(!fx_init_mem(&fx, 1 * MB, 0));
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	int fd = fx_open(&fx, hog, "f", 0);
	CHECK_EQ(mmk_ftruncate(hog, fd, 32 * PS), 0);
	int64_t f = mmk_mmap(hog, 0, 32 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK_EQ(mmk_fill(hog, (uint64_t)f, 'F', 32 * PS, NULL), 0);
	int64_t a = mmk_mmap(hog, 0, 1024 * PS, RW, PA, -1, 0);
	struct mmk_siginfo si;
	int err;
	CHECK(fill_until_fault(hog, (uint64_t)a, 1024, 'x', &si, &err) < 1024);
	CHECK_EQ(si.signo, MMK_SIGKILL);
	CHECK_INV(&fx);
	mmk_exit(hog);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK(host_all(&fx, "f", 0, 32 * PS, 'F'));
	CHECK(!fx_done(&fx));
}

/* Failure injection is not a shortage: -ENOMEM, no signal, no kill. */
TEST(injected_failure_kills_nobody)
{
	struct fixture fx;
	CHECK(!fx_init_mem(&fx, 1 * MB, 0));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	frame_pool_inject_fail(&fx.sys->pool, 0, true);
	struct mmk_siginfo si;
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)a, 1, PS, &si), -ENOMEM);
	CHECK_EQ(si.signo, 0);
	frame_pool_inject_fail(&fx.sys->pool, -1, false);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK_EQ(vmstat(&fx).oom_kill, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)a, 1, PS, &si), 0);
	CHECK(!fx_done(&fx));
}

T_MAIN
