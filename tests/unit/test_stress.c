/*
 * test_stress.c - many host threads per process, under swap pressure, for a
 * bounded time; then the invariant checker and a leak-free destroy.
 *
 *   content workers  each owns every NWORK-th page of its process's arena
 *                    (private anonymous, larger than RAM: it lives in swap)
 *                    and stores and loads stamps there; a load must give
 *                    back the worker's last stamp, whatever else runs
 *   forker           forks the process, lets the child (which shares the
 *                    arena copy-on-write, swap slots too) store and load
 *                    for a while, then exits it
 *   mapper           mmap/mprotect/mremap/madvise/munmap on a scratch
 *                    range beside the arena, and the process's views
 *                    (maps, smaps, status, pagemap, mincore)
 *   exec target      a third process that one thread execs again and again
 *                    while others load, store, map, fork and render it:
 *                    every call must succeed or fail cleanly (the accesses
 *                    of a call cut by an exec stop with SIGKILL)
 *
 * Process A and a second process B run content workers, a forker and a
 * mapper each; the exec target C runs beside them.  RAM is 4 MiB, swap
 * 64 MiB, so reclaim, swap-out and swap-in race every access.
 *
 * Duration: each test runs STRESS_SECONDS (1; the debug and TSan builds of
 * `make check` run it too); MMK_STRESS_SECONDS=N in the environment runs
 * each for N seconds instead (the long mode).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "page_test.h"

#define STRESS_SECONDS 1.0
#define NWORK	       3
#define ARENA_A	       0x100000000ULL
#define ARENA_B	       0x200000000ULL
#define SCRATCH_OFF    (64 * MB) /* the mapper's range, past the arena */
#define SCRATCH_PAGES  64
#define EXEC_BASE      0x300000000ULL
#define EXEC_PAGES     16

static double stress_seconds(void)
{
	const char *s = getenv("MMK_STRESS_SECONDS");
	double v = s ? atof(s) : 0;
	return v > 0 ? v : STRESS_SECONDS;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64: each thread's own random numbers. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct run {
	atomic_int stop;
	atomic_int errors;
	atomic_long ops;
};

static void note(struct run *r, const char *what, long long v)
{
	if (atomic_fetch_add(&r->errors, 1) < 8)
		printf("# stress error: %s (%lld)\n", what, v);
}

/* A wrong page content: the page, the two words loaded (its first and
 * last) and what was expected (0: any stamp of the page's owner), so that
 * a failure shows whose bytes they were (a stamp's top byte is its
 * worker's id; a forked child stores random words). */
static void note_page(struct run *r, const char *what, uint64_t pg, const uint64_t got[2],
		      uint64_t expect)
{
	if (atomic_fetch_add(&r->errors, 1) < 8)
		printf("# stress error: %s %llu: %#llx %#llx, expected %#llx\n", what,
		       (unsigned long long)pg, (unsigned long long)got[0],
		       (unsigned long long)got[1], (unsigned long long)expect);
}

/* A process whose arena the content workers check. */
struct cproc {
	struct run *run;
	mmk_proc *p;
	uint64_t base, npages;
	uint64_t *expect; /* per page: the last stamp stored; owner worker only */
};

struct thr {
	struct cproc *cp;
	int id;
	pthread_t t;
};

/* ---- Content workers ----------------------------------------------------- */

static void *content_worker(void *arg)
{
	struct thr *w = arg;
	struct cproc *cp = w->cp;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(w->id + 1) + cp->base;
	uint64_t mine = (cp->npages - w->id + NWORK - 1) / NWORK, n = 0;
	while (!atomic_load(&cp->run->stop)) {
		uint64_t r = rnd(&seed);
		uint64_t pg = (r >> 8) % mine * NWORK + (uint64_t)w->id;
		uint64_t va = cp->base + pg * PS, got[2] = {0, 0};
		struct mmk_siginfo si;
		if (r & 2) {
			/* Any page: another worker's stamp (or 0), whole. */
			uint64_t any = (r >> 8) % cp->npages;
			int e = mmk_load(cp->p, cp->base + any * PS, &got[0], 8, &si);
			if (!e)
				e = mmk_load(cp->p, cp->base + any * PS + PS - 8, &got[1], 8, &si);
			if (e)
				note(cp->run, "load failed", e);
			else if ((got[0] && got[0] >> 56 != any % NWORK) ||
				 (got[1] && got[1] >> 56 != any % NWORK))
				note_page(cp->run, "another page's stamp at page", any, got, 0);
		} else if (r & 1) {
			uint64_t stamp = (uint64_t)w->id << 56 | ++n;
			uint64_t two[2] = {stamp, stamp};
			int e = mmk_store(cp->p, va, &two[0], 8, &si);
			if (!e)
				e = mmk_store(cp->p, va + PS - 8, &two[1], 8, &si);
			if (e) {
				note(cp->run, "store failed", e);
				continue;
			}
			cp->expect[pg] = stamp;
		} else {
			int e = mmk_load(cp->p, va, &got[0], 8, &si);
			if (!e)
				e = mmk_load(cp->p, va + PS - 8, &got[1], 8, &si);
			if (e) {
				note(cp->run, "load failed", e);
				continue;
			}
			if (got[0] != cp->expect[pg] || got[1] != cp->expect[pg])
				note_page(cp->run, "stamp lost at page", pg, got, cp->expect[pg]);
		}
		atomic_fetch_add_explicit(&cp->run->ops, 1, memory_order_relaxed);
	}
	return NULL;
}

/* ---- Forker ------------------------------------------------------------- */

/* A child sharing the arena copy-on-write: loads (what it sees is the
 * parent's at some moment: not checked) and stores (COW breaks), then exit. */
static void *forker(void *arg)
{
	struct thr *w = arg;
	struct cproc *cp = w->cp;
	uint64_t seed = 0x1234567ULL + cp->base;
	while (!atomic_load(&cp->run->stop)) {
		mmk_proc *c;
		int pid = mmk_fork(cp->p, &c);
		if (pid <= 0) {
			if (pid != -ENOMEM)
				note(cp->run, "fork failed", pid);
			continue;
		}
		for (int i = 0; i < 200 && !atomic_load(&cp->run->stop); i++) {
			uint64_t r = rnd(&seed), v = r;
			uint64_t va = cp->base + (r >> 8) % cp->npages * PS;
			int e =
			    (r & 3) ? mmk_load(c, va, &v, 8, NULL) : mmk_store(c, va, &v, 8, NULL);
			if (e && !mmk_proc_killed(c))
				note(cp->run, "child access failed", e);
		}
		mmk_exit(c);
		atomic_fetch_add_explicit(&cp->run->ops, 1, memory_order_relaxed);
	}
	return NULL;
}

/* ---- Mapper ------------------------------------------------------------- */

static char view[1 << 20];

/* The views of p (maps, smaps, status, pagemap, mincore): each either
 * renders or fails with -ESRCH (the process was killed); buf is the
 * caller's. */
static void render_views(struct run *run, mmk_proc *p, uint64_t at, char *buf, size_t len)
{
	int64_t r[3] = {mmk_proc_maps(p, buf, len), mmk_proc_smaps(p, buf, len),
			mmk_proc_status(p, buf, len)};
	for (int i = 0; i < 3; i++)
		if (r[i] < 0 && r[i] != -ESRCH)
			note(run, "view failed", r[i]);
	struct mmk_pageinfo pi[8];
	int e = mmk_proc_pagemap(p, at, 8, pi);
	if (e < 0 && e != -ESRCH)
		note(run, "pagemap failed", e);
	unsigned char vec[8];
	e = mmk_mincore(p, at, 8 * PS, vec);
	if (e < 0 && e != -ENOMEM && e != -ESRCH)
		note(run, "mincore failed", e);
}

/* One change of the scratch range: every result is checked against what
 * the call may return there (the range may be mapped or not, moved...). */
static void scratch_op(struct run *run, mmk_proc *p, uint64_t s, uint64_t r)
{
	const int prw = MMK_PROT_READ | MMK_PROT_WRITE;
	const int pa = MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS;
	uint64_t half = SCRATCH_PAGES / 2 * PS;
	uint64_t off = (r >> 8) % (SCRATCH_PAGES / 2) * PS;
	int64_t e = 0;
	switch (r % 9) {
	case 0:
		e = mmk_mmap(p, s, half, prw, pa | MMK_MAP_FIXED, -1, 0);
		e = e == (int64_t)s ? 0 : e;
		break;
	case 1:
		e = mmk_fill(p, s + off, (int)r, PS, NULL);
		e = e == -EFAULT ? 0 : e; /* not mapped, or read-only now */
		break;
	case 2:
		e = mmk_mprotect(p, s, half, (r & 256) ? MMK_PROT_READ : prw);
		e = e == -ENOMEM ? 0 : e;
		break;
	case 3:
		e = mmk_mremap(p, s, half, 2 * half, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			       s + 2 * half);
		e = (e == (int64_t)(s + 2 * half) || e == -EFAULT) ? 0 : e;
		break;
	case 4:
		e = mmk_mremap(p, s + 2 * half, half, half, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			       s);
		e = (e == (int64_t)s || e == -EFAULT) ? 0 : e;
		break;
	case 5: {
		static const int adv[] = {MMK_MADV_DONTNEED, MMK_MADV_FREE, MMK_MADV_COLD,
					  MMK_MADV_PAGEOUT, MMK_MADV_WILLNEED};
		e = mmk_madvise(p, s, half, adv[(r >> 20) % 5]);
		e = e == -ENOMEM ? 0 : e;
		break;
	}
	case 6:
		e = mmk_munmap(p, s + off, PS);
		break;
	case 7:
		e = mmk_madvise(p, s, half, MMK_MADV_POPULATE_WRITE);
		e = (e == -ENOMEM || e == -EFAULT || e == -EINVAL) ? 0 : e; /* -EINVAL: read-only */
		break;
	default:
		e = mmk_munmap(p, s, 4 * half);
		break;
	}
	if (e < 0 && e != -ESRCH)
		note(run, "scratch op failed", e * 100 - (int64_t)(r % 9)); /* -errno*100 - op */
}

static void *mapper(void *arg)
{
	struct thr *w = arg;
	struct cproc *cp = w->cp;
	uint64_t seed = 0xabcdefULL + cp->base, s = cp->base + SCRATCH_OFF;
	char *buf = malloc(sizeof(view));
	while (!atomic_load(&cp->run->stop)) {
		uint64_t r = rnd(&seed);
		scratch_op(cp->run, cp->p, s, r);
		if (!(r & 0xf0000))
			render_views(cp->run, cp->p, cp->base, buf, sizeof(view));
		atomic_fetch_add_explicit(&cp->run->ops, 1, memory_order_relaxed);
	}
	free(buf);
	return NULL;
}

/* ---- The exec target -------------------------------------------------------- */

/* Maps the exec target's region (all 0x5a) after an exec. */
static void exec_map(struct run *run, mmk_proc *p)
{
	int64_t e = mmk_mmap(p, EXEC_BASE, EXEC_PAGES * PS, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0);
	if (e != (int64_t)EXEC_BASE)
		note(run, "exec target mmap", e);
	else if ((e = mmk_fill(p, EXEC_BASE, 0x5a, EXEC_PAGES * PS, NULL)) &&
		 e != -EFAULT) /* cut by another exec */
		note(run, "exec target fill", e);
}

static void *execer(void *arg)
{
	struct thr *w = arg;
	struct cproc *cp = w->cp;
	while (!atomic_load(&cp->run->stop)) {
		int e = mmk_exec(cp->p);
		if (e)
			note(cp->run, "exec failed", e);
		exec_map(cp->run, cp->p);
		atomic_fetch_add_explicit(&cp->run->ops, 1, memory_order_relaxed);
	}
	return NULL;
}

/* An access to the exec target: it succeeds, or stops with SIGSEGV (the
 * region is gone: exec) or SIGKILL (an exec cut the call); what it loads
 * is 0x5a or 0 (fresh memory of a new image), never anything else. */
static void exec_access(struct run *run, mmk_proc *p, uint64_t r)
{
	static _Thread_local unsigned char buf[3 * PS];
	uint64_t va = EXEC_BASE + (r >> 8) % (EXEC_PAGES - 3) * PS + (r >> 4) % PS;
	uint64_t len = 1 + (r >> 24) % (2 * PS);
	struct mmk_siginfo si;
	int e;
	if (r & 1) {
		memset(buf, 0x5a, len);
		e = mmk_store(p, va, buf, len, &si);
	} else {
		e = mmk_load(p, va, buf, len, &si);
		for (uint64_t i = 0; !e && i < len; i++)
			if (buf[i] != 0x5a && buf[i] != 0) {
				note(run, "exec target loaded a stranger byte", buf[i]);
				break;
			}
	}
	if (e && !(e == -EFAULT && (si.signo == MMK_SIGSEGV || si.signo == MMK_SIGKILL)))
		note(run, "exec target access", e);
}

static void *exec_caller(void *arg)
{
	struct thr *w = arg;
	struct cproc *cp = w->cp;
	uint64_t seed = 0x5151ULL * (uint64_t)(w->id + 7);
	char *buf = malloc(sizeof(view));
	while (!atomic_load(&cp->run->stop)) {
		uint64_t r = rnd(&seed);
		switch ((r >> 40) % 8) {
		case 0:
			render_views(cp->run, cp->p, EXEC_BASE, buf, sizeof(view));
			break;
		case 1: {
			mmk_proc *c;
			int pid = mmk_fork(cp->p, &c);
			if (pid > 0) {
				exec_access(cp->run, c, r);
				mmk_exit(c);
			} else if (pid != -ENOMEM) {
				note(cp->run, "exec target fork", pid);
			}
			break;
		}
		case 2:
			scratch_op(cp->run, cp->p, EXEC_BASE + EXEC_PAGES * PS, r);
			break;
		default:
			exec_access(cp->run, cp->p, r);
			break;
		}
		atomic_fetch_add_explicit(&cp->run->ops, 1, memory_order_relaxed);
	}
	free(buf);
	return NULL;
}

/* ---- Running them --------------------------------------------------------------- */

struct plan {
	bool fork_and_map; /* forker and mapper beside the content workers */
	bool second;	   /* process B as well */
	bool exec;	   /* the exec target C */
};

/* Starts a content-checked process's threads on p's arena at base. */
static int cproc_start(struct cproc *cp, struct run *run, mmk_proc *p, uint64_t base,
		       uint64_t npages, bool more, struct thr *t, int *nt)
{
	*cp = (struct cproc){.run = run, .p = p, .base = base, .npages = npages};
	cp->expect = calloc(npages, sizeof(uint64_t));
	if (!cp->expect ||
	    mmk_mmap(p, base, npages * PS, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0) != (int64_t)base)
		return -1;
	for (int i = 0; i < NWORK + (more ? 2 : 0); i++) {
		struct thr *w = &t[(*nt)++];
		*w = (struct thr){.cp = cp, .id = i};
		void *(*fn)(void *) = i < NWORK ? content_worker : i == NWORK ? forker : mapper;
		if (pthread_create(&w->t, NULL, fn, w))
			return -1;
	}
	return 0;
}

/* Runs the plan for stress_seconds(), then checks every invariant, exits
 * every process and destroys the system (which fails loudly on a leaked
 * frame, swap slot, VMA or page table). */
static int stress(const struct plan *pl)
{
	struct fixture fx;
	struct mmk_config cfg = {.ram_bytes = 4 * MB, .swap_bytes = 64 * MB};
	if (fx_init_cfg(&fx, &cfg))
		return -1;
	static struct run run;
	memset(&run, 0, sizeof(run));
	struct cproc a, b, c;
	struct thr t[16];
	int nt = 0, err = 0;
	mmk_proc *pb = NULL, *pc = NULL;
	err |= cproc_start(&a, &run, fx.p, ARENA_A, 2048, pl->fork_and_map, t, &nt);
	if (pl->second) {
		err |= mmk_spawn(fx.sys, &pb) <= 0;
		err |= cproc_start(&b, &run, pb, ARENA_B, 512, pl->fork_and_map, t, &nt);
	}
	if (pl->exec) {
		err |= mmk_spawn(fx.sys, &pc) <= 0;
		c = (struct cproc){.run = &run, .p = pc};
		exec_map(&run, pc);
		for (int i = 0; i < 3; i++) {
			t[nt] = (struct thr){.cp = &c, .id = i};
			err |= pthread_create(&t[nt].t, NULL, i ? exec_caller : execer, &t[nt]);
			nt++;
		}
	}
	double end = now() + stress_seconds();
	while (!err && now() < end)
		usleep(20000);
	atomic_store(&run.stop, 1);
	for (int i = 0; i < nt; i++)
		pthread_join(t[i].t, NULL);
	printf("# %ld operations, %d errors\n", atomic_load(&run.ops), atomic_load(&run.errors));
	struct mmk_vmstat v;
	mmk_vmstat(fx.sys, &v);
	printf("# pswpout %llu pswpin %llu\n", (unsigned long long)v.pswpout,
	       (unsigned long long)v.pswpin);
	err |= atomic_load(&run.errors) != 0;
	err |= fx_check(&fx);
	if (pb)
		mmk_exit(pb);
	if (pc)
		mmk_exit(pc);
	err |= fx_done(&fx);
	free(a.expect);
	if (pl->second)
		free(b.expect);
	return err ? -1 : 0;
}

/* Threads of one process faulting the same swapped pages: a swap-in must
 * never take a slot another page reused (do_swap_page's hold). */
TEST(threads_of_one_process_swap_in_and_out)
{
	struct plan pl = {0};
	CHECK_EQ(stress(&pl), 0);
}

/* exec while other threads load, store, map, fork and render the process:
 * no call ever uses a freed mm. */
TEST(exec_races_every_call_on_its_process)
{
	struct plan pl = {.exec = true};
	CHECK_EQ(stress(&pl), 0);
}

/* Two content-checked processes with forkers and mappers, and the exec
 * target, all at once. */
TEST(everything_at_once_under_swap_pressure)
{
	struct plan pl = {.fork_and_map = true, .second = true, .exec = true};
	CHECK_EQ(stress(&pl), 0);
}

T_MAIN
