/*
 * bench.c - `mmkit bench`: the performance benchmark of issue 6.  Each
 * workload runs natively (real system calls, real loads and stores) and on
 * mmkit, and the report compares the two per operation (docs/PERFORMANCE.md).
 *
 *   mmkit bench [--short] [--reps N] [--only NAME,...] [--side both|linux|mmkit]
 *               [--cpu N|any] [--dir DIR] [--json FILE] [--svg FILE]
 *
 * How the comparison is kept fair:
 *   - Each workload is written once, against struct side: the handful of
 *     operations it needs (mmap, munmap, mprotect, brk, a pass of one access
 *     per page, fork+exit, random loads, a bulk copy).  The Linux side does
 *     them with system calls and plain memory accesses, the mmkit side with
 *     the library through include/mmkit.h only.  So both run the same sizes,
 *     the same address pattern, the same precomputed random offsets.
 *   - Each side runs in a forked child of its own.  The Linux child disables
 *     THP (prctl PR_SET_THP_DISABLE), so its anonymous memory comes in 4 KiB
 *     pages as mmkit's does; the mmkit child makes a fresh system (1.5 GiB of
 *     simulated RAM; frames cost host memory only when touched).  The file
 *     rows also report page faults per operation, because the host's page
 *     cache may hold a file in large folios and map many pages per fault
 *     (the *_4k rows use a file cached in 4 KiB folios instead).
 *   - The two children run in lockstep: a warm-up repetition (caches, the
 *     page cache, mmkit's free-frame list reach their steady state), then
 *     `reps` timed ones, one side's repetition then the other's, alternating
 *     which goes first, so load from elsewhere on the machine falls on both
 *     alike.  The median time per operation of each side is reported.
 *   - Both children run on one CPU (by default the lowest-numbered one this
 *     process may use; --cpu): they never run at the same time anyway, and
 *     the CPUs of a VM need not be alike (on this project's machines one
 *     vCPU ran every row 1.3-2x slower than the other, on both sides), so an
 *     unpinned run would compare whichever CPU each child landed on.
 *   - Memory that is read is first filled with a nonzero byte on both sides,
 *     so neither reads the host's shared zero page.
 *
 * Also measured: the "physical limit" of a row where one exists (memset or
 * memcpy of a cache-cold 4 KiB page: what a fault that zeroes or copies a
 * page cannot beat), and mmkit's metadata per VMA and per resident page as
 * host RSS deltas (/proc/self/statm) in this process, minus the frames.
 * Peak host memory: about 2.5 GiB (a resident GiB on each side).
 *
 * Owns: the workloads, the two sides, the lockstep runner, the report
 * (table, JSON, SVG).  It asserts nothing about time: the exit status is 1
 * only when an operation failed (2 for a usage error).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "mmkit.h"
#include "opts.h"

/* The workloads pass mmkit's constants to both sides: they are Linux's
 * x86-64 values (mmkit.h), which this checks for the ones used here. */
_Static_assert(MMK_PROT_READ == PROT_READ && MMK_PROT_WRITE == PROT_WRITE &&
		       MMK_PROT_NONE == PROT_NONE,
	       "prot values");
_Static_assert(MMK_MAP_SHARED == MAP_SHARED && MMK_MAP_PRIVATE == MAP_PRIVATE &&
		       MMK_MAP_FIXED == MAP_FIXED && MMK_MAP_ANONYMOUS == MAP_ANONYMOUS &&
		       MMK_MAP_NORESERVE == MAP_NORESERVE,
	       "mmap flag values");

#define PAGE ((uint64_t)4096)
#define MIB ((uint64_t)1 << 20)
#define RW (MMK_PROT_READ | MMK_PROT_WRITE)
#define PRIV_ANON (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS)
#define MAX_REPS 64
#define RAM_BYTES (3ULL << 29)  /* 1.5 GiB of simulated RAM */
#define LAYOUT_PAGES 4          /* pages per VMA in the many-VMA layout */
#define HIT_WINDOW (16 * PAGE)  /* load_tlb_hit: 16 pages, each in its own TLB slot */
#define COPY_CHUNK MIB          /* bulk_copy: bytes per copy call */
#define FILL_BYTE 0x5a

/* Sizes and counts of one run: full (issue 6's sizes) or --short. */
struct bench {
	int reps;
	uint64_t region;     /* the will-it-scale region: 128 MiB */
	uint64_t big;        /* the resident mapping of fork and the access path: 1 GiB */
	uint64_t nvma;       /* VMAs of the mprotect / munmap_mmap layout: 2,000 */
	uint64_t nvma_huge;  /* the same at 1,000,000 (on Linux only if vm.max_map_count allows) */
	uint64_t meta_vmas;  /* VMAs built to measure bytes per VMA: 100,000 */
	uint64_t sys_ops;    /* mmap/mprotect/munmap pairs per repetition */
	uint64_t brk_ops;
	uint64_t fork_ops;
	size_t noffs;        /* random loads per repetition */
	uint64_t *offs;      /* random 8-byte-aligned offsets below big */
	uint64_t *hit_offs;  /* the same folded into HIT_WINDOW */
	bool linux_huge;     /* the Linux side may build nvma_huge VMAs (map_count_raise) */
	char dir[PATH_MAX];  /* scratch directory: the files, and mmkit's root */
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the compiler from dropping stores into p that nothing reads. */
static inline void clobber(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* ---- The two sides ----------------------------------------------------------- */

struct side;

/* What a workload may do.  Every call returns >= 0 or -errno; addresses are
 * host addresses on the Linux side and simulated ones on mmkit's. */
struct side_ops {
	const char *name;
	int64_t (*mmap)(struct side *s, uint64_t addr, uint64_t len, int prot, int flags, int fd);
	int (*munmap)(struct side *s, uint64_t addr, uint64_t len);
	int (*mprotect)(struct side *s, uint64_t addr, uint64_t len, int prot);
	uint64_t (*brk)(struct side *s, uint64_t brk); /* the raw syscall's contract */
	int (*open)(struct side *s, bool small_folios); /* this side's data file, O_RDWR */
	int (*close)(struct side *s, int fd);
	int (*write_pages)(struct side *s, uint64_t addr, uint64_t len); /* a 0 byte per page */
	int (*read_pages)(struct side *s, uint64_t addr, uint64_t len);  /* a byte per page */
	int (*fill)(struct side *s, uint64_t addr, int c, uint64_t len);
	int (*fork_exit)(struct side *s); /* fork a child that exits at once; reap it */
	int (*loads)(struct side *s, uint64_t base, const uint64_t *offs, size_t n);
	int (*copy_out)(struct side *s, uint64_t addr, void *buf, uint64_t len);
	uint64_t (*faults)(struct side *s); /* page faults of the process so far */
};

struct side {
	const struct side_ops *ops;
	const struct bench *b;
	mmk_proc *p;         /* mmkit side */
	uint64_t sink;       /* what loads read, so they cannot be dropped */
	uint64_t faults0;    /* faults() when the timed repetitions began */
	double faults_per_op;/* page faults per op over the timed repetitions */
	int go_fd, out_fd;   /* the pipes to the parent: rep_gate(), rep_report() */
};

/*
 * The data files: region bytes of FILL_BYTE each, written and fsync'd by
 * bench_file() before any run, so they are cached and clean.  Linux's page
 * cache keeps what write() built: LINUX_FILE is written 1 MiB at a time (so
 * ext4 caches it in large folios, and a fault may map a whole folio),
 * LINUX_4K_FILE 4 KiB at a time (order-0 folios).  mmkit's side writes
 * MMKIT_FILE through mmkit the same two ways (mk_open).
 */
#define LINUX_FILE "linux.dat"
#define LINUX_4K_FILE "linux4k.dat"
#define MMKIT_FILE "mmkit.dat"

/* -- Linux: system calls in this (child) process -- */

static int64_t lx_mmap(struct side *s, uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
	void *r = mmap((void *)(uintptr_t)addr, len, prot, flags, fd, 0);
	return r == MAP_FAILED ? -errno : (int64_t)(uintptr_t)r;
}

static int lx_munmap(struct side *s, uint64_t addr, uint64_t len)
{
	return munmap((void *)(uintptr_t)addr, len) ? -errno : 0;
}

static int lx_mprotect(struct side *s, uint64_t addr, uint64_t len, int prot)
{
	return mprotect((void *)(uintptr_t)addr, len, prot) ? -errno : 0;
}

static uint64_t lx_brk(struct side *s, uint64_t brk)
{
	return (uint64_t)syscall(SYS_brk, brk);
}

static int lx_open(struct side *s, bool small_folios)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/%s", s->b->dir, small_folios ? LINUX_4K_FILE : LINUX_FILE);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int lx_close(struct side *s, int fd)
{
	return close(fd) ? -errno : 0;
}

static int lx_write_pages(struct side *s, uint64_t addr, uint64_t len)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE)
		*(volatile uint8_t *)(uintptr_t)a = 0;
	return 0;
}

static int lx_read_pages(struct side *s, uint64_t addr, uint64_t len)
{
	uint64_t sum = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE)
		sum += *(volatile const uint8_t *)(uintptr_t)a;
	s->sink += sum;
	return 0;
}

static int lx_fill(struct side *s, uint64_t addr, int c, uint64_t len)
{
	memset((void *)(uintptr_t)addr, c, len);
	clobber((void *)(uintptr_t)addr);
	return 0;
}

static int lx_fork_exit(struct side *s)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static int lx_loads(struct side *s, uint64_t base, const uint64_t *offs, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += *(volatile const uint64_t *)(uintptr_t)(base + offs[i]);
	s->sink += sum;
	return 0;
}

static int lx_copy_out(struct side *s, uint64_t addr, void *buf, uint64_t len)
{
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	clobber(buf);
	return 0;
}

static uint64_t lx_faults(struct side *s)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

static const struct side_ops linux_ops = {
	"Linux",     lx_mmap,        lx_munmap,     lx_mprotect, lx_brk,
	lx_open,     lx_close,       lx_write_pages, lx_read_pages, lx_fill,
	lx_fork_exit, lx_loads,      lx_copy_out,   lx_faults,
};

/* -- mmkit: the library, on the process s->p -- */

static int64_t mk_mmap(struct side *s, uint64_t addr, uint64_t len, int prot, int flags, int fd)
{
	return mmk_mmap(s->p, addr, len, prot, flags, fd, 0);
}

static int mk_munmap(struct side *s, uint64_t addr, uint64_t len)
{
	return mmk_munmap(s->p, addr, len);
}

static int mk_mprotect(struct side *s, uint64_t addr, uint64_t len, int prot)
{
	return mmk_mprotect(s->p, addr, len, prot);
}

static uint64_t mk_brk(struct side *s, uint64_t brk)
{
	return mmk_brk(s->p, brk);
}

/* Opens MMKIT_FILE and builds its page cache as bench_file() built the
 * Linux file's: writes of 1 MiB (mmkit caches them in large folios, as
 * ext4 does) or of 4 KiB (order-0 folios), then fsync, so the cache is
 * whole and clean. */
static int mk_open(struct side *s, bool small_folios)
{
	static uint8_t chunk[MIB];
	const uint64_t piece = small_folios ? PAGE : MIB;
	int fd = mmk_open(s->p, MMKIT_FILE, MMK_O_RDWR, 0);
	if (fd < 0)
		return fd;
	memset(chunk, FILL_BYTE, sizeof(chunk));
	int64_t err = 0;
	for (uint64_t off = 0; off < s->b->region && err >= 0; off += piece)
		err = mmk_pwrite(s->p, fd, chunk, piece, (int64_t)off);
	if (err >= 0)
		err = mmk_fsync(s->p, fd);
	if (err < 0) {
		mmk_close(s->p, fd);
		return (int)err;
	}
	return fd;
}

static int mk_close(struct side *s, int fd)
{
	return mmk_close(s->p, fd);
}

static int mk_write_pages(struct side *s, uint64_t addr, uint64_t len)
{
	const uint8_t zero = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE) {
		int err = mmk_store(s->p, a, &zero, 1, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int mk_read_pages(struct side *s, uint64_t addr, uint64_t len)
{
	uint64_t sum = 0;
	for (uint64_t a = addr; a < addr + len; a += PAGE) {
		uint8_t v;
		int err = mmk_load(s->p, a, &v, 1, NULL);
		if (err)
			return err;
		sum += v;
	}
	s->sink += sum;
	return 0;
}

static int mk_fill(struct side *s, uint64_t addr, int c, uint64_t len)
{
	return mmk_fill(s->p, addr, c, len, NULL);
}

static int mk_fork_exit(struct side *s)
{
	mmk_proc *child;
	int pid = mmk_fork(s->p, &child);
	if (pid < 0)
		return pid;
	return mmk_exit(child);
}

static int mk_loads(struct side *s, uint64_t base, const uint64_t *offs, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		int err = mmk_load(s->p, base + offs[i], &v, sizeof(v), NULL);
		if (err)
			return err;
		sum += v;
	}
	s->sink += sum;
	return 0;
}

static int mk_copy_out(struct side *s, uint64_t addr, void *buf, uint64_t len)
{
	int err = mmk_load(s->p, addr, buf, len, NULL);
	clobber(buf);
	return err;
}

static uint64_t mk_faults(struct side *s)
{
	struct mmk_fault_counts fc = {0, 0};
	mmk_proc_faults(s->p, &fc);
	return fc.minor + fc.major;
}

static const struct side_ops mmkit_ops = {
	"mmkit",     mk_mmap,        mk_munmap,     mk_mprotect, mk_brk,
	mk_open,     mk_close,       mk_write_pages, mk_read_pages, mk_fill,
	mk_fork_exit, mk_loads,      mk_copy_out,   mk_faults,
};

/* ---- Repetitions, in step with the other side ---------------------------------- */

/*
 * What a side's child tells the parent: one REPORT_REP per repetition
 * (v = ns per op; the warm-up's too), then one REPORT_DONE (err = the
 * workload's result, v = page faults per op of the timed repetitions).
 */
struct report {
	enum { REPORT_REP, REPORT_DONE } kind;
	int err;
	double v;
};

/* Waits for the parent's go-ahead to run the next repetition; a parent
 * that went away ends the child. */
static void rep_gate(struct side *s)
{
	char c;
	if (read(s->go_fd, &c, 1) != 1)
		_exit(1);
}

static void rep_report(struct side *s, double ns_per_op)
{
	struct report r = {.kind = REPORT_REP, .v = ns_per_op};
	if (write(s->out_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
}

/*
 * Each workload does its setup, then repetitions r = -1 (the warm-up) ..
 * reps-1, each started by rep_gate() and reported by rep_report(), and the
 * page faults per operation of the timed ones go to s->faults_per_op.
 * Returns 0 or the first -errno.  REP_LOOP / REP_END bracket the timed part
 * of a repetition doing `nops` operations.
 */
#define REP_LOOP(sd)                                                                  \
	for (int r_ = -1; r_ < (sd)->b->reps; r_++) {                                  \
		rep_gate(sd);                                                          \
		if (r_ == 0)                                                           \
			(sd)->faults0 = (sd)->ops->faults(sd);                         \
		double t0_ = now_ns();
#define REP_END(sd, nops)                                                             \
	rep_report((sd), (now_ns() - t0_) / (double)(nops));                           \
	if (r_ == (sd)->b->reps - 1)                                                   \
		(sd)->faults_per_op = (double)((sd)->ops->faults(sd) - (sd)->faults0) / \
				      ((double)(nops) * (sd)->b->reps);                \
	}

#define TRY(expr)                                                                     \
	do {                                                                           \
		int64_t e_ = (expr);                                                   \
		if (e_ < 0)                                                            \
			return (int)e_;                                                \
	} while (0)

/* ---- Workloads ------------------------------------------------------------------ */

/* What a mapping maps: anonymous memory, or the side's data file in
 * large or in order-0 folios (on Linux; mmkit's cache has only pages). */
enum backing { ANON, FILE_LARGE, FILE_SMALL };

/* Opens the file behind `bk` (-1 for ANON); returns the fd or -errno. */
static int backing_open(struct side *s, enum backing bk)
{
	return bk == ANON ? -1 : s->ops->open(s, bk == FILE_SMALL);
}

static int backing_close(struct side *s, int fd)
{
	return fd < 0 ? 0 : s->ops->close(s, fd);
}

/* mmap1 / mmap2: mmap + munmap of region bytes, never touched; one op = the pair. */
static int mmap_munmap(struct side *s, enum backing bk)
{
	const struct bench *b = s->b;
	int fd = backing_open(s, bk);
	if (bk != ANON)
		TRY(fd);
	int flags = bk == ANON ? PRIV_ANON : MMK_MAP_PRIVATE;
	REP_LOOP(s)
	for (uint64_t i = 0; i < b->sys_ops; i++) {
		int64_t a = s->ops->mmap(s, 0, b->region, RW, flags, fd);
		TRY(a);
		TRY(s->ops->munmap(s, (uint64_t)a, b->region));
	}
	REP_END(s, b->sys_ops)
	return backing_close(s, fd);
}

static int wl_mmap1(struct side *s) { return mmap_munmap(s, ANON); }
static int wl_mmap2(struct side *s) { return mmap_munmap(s, FILE_LARGE); }

/*
 * page_fault1/2/3 and read_pass (will-it-scale's shape): mmap region bytes,
 * one access per page (a store of 0, or a load), munmap.  One op = one page,
 * the mmap and munmap amortised over the pages as will-it-scale counts them.
 */
static int fault_pass(struct side *s, enum backing bk, int flags, int prot, bool write)
{
	const struct bench *b = s->b;
	int fd = backing_open(s, bk);
	if (bk != ANON)
		TRY(fd);
	REP_LOOP(s)
	int64_t a = s->ops->mmap(s, 0, b->region, prot, flags, fd);
	TRY(a);
	if (write)
		TRY(s->ops->write_pages(s, (uint64_t)a, b->region));
	else
		TRY(s->ops->read_pages(s, (uint64_t)a, b->region));
	TRY(s->ops->munmap(s, (uint64_t)a, b->region));
	REP_END(s, b->region / PAGE)
	return backing_close(s, fd);
}

static int wl_page_fault1(struct side *s)
{
	return fault_pass(s, ANON, PRIV_ANON, RW, true);
}

static int wl_page_fault2(struct side *s)
{
	return fault_pass(s, FILE_LARGE, MMK_MAP_PRIVATE, RW, true);
}

static int wl_page_fault3(struct side *s)
{
	return fault_pass(s, FILE_LARGE, MMK_MAP_SHARED, RW, true);
}

static int wl_read_pass(struct side *s)
{
	return fault_pass(s, FILE_LARGE, MMK_MAP_SHARED, MMK_PROT_READ, false);
}

/* The same two on a Linux file cached in order-0 folios. */
static int wl_page_fault3_4k(struct side *s)
{
	return fault_pass(s, FILE_SMALL, MMK_MAP_SHARED, RW, true);
}

static int wl_read_pass_4k(struct side *s)
{
	return fault_pass(s, FILE_SMALL, MMK_MAP_SHARED, MMK_PROT_READ, false);
}

/*
 * The many-VMA layout: n anonymous VMAs of LAYOUT_PAGES pages each, read-only
 * and read-write in turn (so no two merge), placed MAP_FIXED inside one
 * PROT_NONE reservation.  Returns the base, or -errno.
 */
static int64_t layout_build(struct side *s, uint64_t n)
{
	const uint64_t vbytes = LAYOUT_PAGES * PAGE;
	int64_t base = s->ops->mmap(s, 0, n * vbytes, MMK_PROT_NONE,
				    PRIV_ANON | MMK_MAP_NORESERVE, -1);
	if (base < 0)
		return base;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = (uint64_t)base + i * vbytes;
		int prot = (i & 1) ? MMK_PROT_READ : RW;
		int64_t r = s->ops->mmap(s, a, vbytes, prot, PRIV_ANON | MMK_MAP_FIXED, -1);
		if (r < 0)
			return r;
	}
	return base;
}

/* The page the layout workloads change: the second page of the middle
 * read-write VMA, so a change to it splits that VMA in three. */
static uint64_t layout_target(uint64_t base, uint64_t n)
{
	return base + ((n / 2) & ~1ULL) * LAYOUT_PAGES * PAGE + PAGE;
}

/* mprotect: the target page to read-only (split in three), then back to
 * read-write (merged back into one VMA); one op = the pair. */
static int mprotect_pair(struct side *s, uint64_t n)
{
	const struct bench *b = s->b;
	int64_t base = layout_build(s, n);
	TRY(base);
	uint64_t t = layout_target((uint64_t)base, n);
	REP_LOOP(s)
	for (uint64_t i = 0; i < b->sys_ops; i++) {
		TRY(s->ops->mprotect(s, t, PAGE, MMK_PROT_READ));
		TRY(s->ops->mprotect(s, t, PAGE, RW));
	}
	REP_END(s, b->sys_ops)
	return s->ops->munmap(s, (uint64_t)base, n * LAYOUT_PAGES * PAGE);
}

/* munmap_mmap: munmap the target page (split in two around a hole), then
 * mmap it back MAP_FIXED with the same protection (merged back into one
 * VMA); one op = the pair. */
static int munmap_mmap_pair(struct side *s, uint64_t n)
{
	const struct bench *b = s->b;
	int64_t base = layout_build(s, n);
	TRY(base);
	uint64_t t = layout_target((uint64_t)base, n);
	REP_LOOP(s)
	for (uint64_t i = 0; i < b->sys_ops; i++) {
		TRY(s->ops->munmap(s, t, PAGE));
		int64_t a = s->ops->mmap(s, t, PAGE, RW, PRIV_ANON | MMK_MAP_FIXED, -1);
		TRY(a);
		if ((uint64_t)a != t)
			return -EADDRNOTAVAIL;
	}
	REP_END(s, b->sys_ops)
	return s->ops->munmap(s, (uint64_t)base, n * LAYOUT_PAGES * PAGE);
}

static int wl_mprotect(struct side *s) { return mprotect_pair(s, s->b->nvma); }
static int wl_mprotect_1m(struct side *s)
{
	return mprotect_pair(s, s->b->nvma_huge);
}
static int wl_munmap_mmap(struct side *s)
{
	return munmap_mmap_pair(s, s->b->nvma);
}
static int wl_munmap_mmap_1m(struct side *s)
{
	return munmap_mmap_pair(s, s->b->nvma_huge);
}

/* brk: +1 page, -1 page, on a heap that already has a page (so both sides
 * grow and shrink an existing heap VMA); one op = the pair. */
static int wl_brk(struct side *s)
{
	const struct bench *b = s->b;
	uint64_t cur = s->ops->brk(s, 0);
	if (s->ops->brk(s, cur + PAGE) != cur + PAGE)
		return -ENOMEM;
	cur += PAGE;
	REP_LOOP(s)
	for (uint64_t i = 0; i < b->brk_ops; i++) {
		if (s->ops->brk(s, cur + PAGE) != cur + PAGE || s->ops->brk(s, cur) != cur)
			return -ENOMEM;
	}
	REP_END(s, b->brk_ops)
	s->ops->brk(s, cur - PAGE);
	return 0;
}

/* A private anonymous mapping of len bytes, every byte written (FILL_BYTE). */
static int64_t resident_map(struct side *s, uint64_t len)
{
	int64_t a = s->ops->mmap(s, 0, len, RW, PRIV_ANON, -1);
	if (a < 0)
		return a;
	int err = s->ops->fill(s, (uint64_t)a, FILL_BYTE, len);
	return err ? err : a;
}

/* fork: fork + exit (+ reap, on Linux) of a process with big bytes of
 * touched anonymous memory; one op = one fork and its exit. */
static int wl_fork(struct side *s)
{
	const struct bench *b = s->b;
	int64_t a = resident_map(s, b->big);
	TRY(a);
	REP_LOOP(s)
	for (uint64_t i = 0; i < b->fork_ops; i++)
		TRY(s->ops->fork_exit(s));
	REP_END(s, b->fork_ops)
	return s->ops->munmap(s, (uint64_t)a, b->big);
}

/* Random 8-byte loads at the given offsets of a resident big-byte mapping;
 * one op = one load. */
static int random_loads(struct side *s, const uint64_t *offs)
{
	const struct bench *b = s->b;
	int64_t a = resident_map(s, b->big);
	TRY(a);
	REP_LOOP(s)
	TRY(s->ops->loads(s, (uint64_t)a, offs, b->noffs));
	REP_END(s, b->noffs)
	return s->ops->munmap(s, (uint64_t)a, b->big);
}

/* load_random: offsets spread over the whole mapping (mostly TLB misses on
 * both sides). */
static int wl_load_random(struct side *s)
{
	return random_loads(s, s->b->offs);
}

/* load_tlb_hit: the same offsets folded into 16 consecutive pages, so after
 * the warm-up every load hits the (software or hardware) TLB. */
static int wl_load_tlb_hit(struct side *s)
{
	return random_loads(s, s->b->hit_offs);
}

/*
 * The whole resident mapping copied out in COPY_CHUNK pieces into a buffer
 * at dst_off bytes past a page boundary; one op = one 4 KiB page copied.
 */
static int bulk_copy(struct side *s, uint64_t dst_off)
{
	const struct bench *b = s->b;
	uint8_t *buf = aligned_alloc(PAGE, COPY_CHUNK + PAGE);
	if (!buf)
		return -ENOMEM;
	int64_t a = resident_map(s, b->big);
	if (a < 0) {
		free(buf);
		return (int)a;
	}
	int err = 0;
	REP_LOOP(s)
	for (uint64_t off = 0; off < b->big && !err; off += COPY_CHUNK)
		err = s->ops->copy_out(s, (uint64_t)a + off, buf + dst_off, COPY_CHUNK);
	REP_END(s, b->big / PAGE)
	free(buf);
	return err ? err : s->ops->munmap(s, (uint64_t)a, b->big);
}

/* bulk_copy: into a page-aligned buffer. */
static int wl_bulk_copy(struct side *s)
{
	return bulk_copy(s, 0);
}

/* bulk_copy_dst16: into a buffer 16 bytes past a page boundary, where
 * malloc() puts a large block; mmkit copies page by page, and glibc's 4 KiB
 * memcpy to a destination that is not 64-byte aligned is slow on some CPUs
 * (docs/PERFORMANCE.md). */
static int wl_bulk_copy_dst16(struct side *s)
{
	return bulk_copy(s, 16);
}

/* -- Physical limits: plain memory work, run on the Linux side only -- */

/* memset of each 4 KiB page of a page-aligned region-byte buffer,
 * cache-cold as the page a fault zeroes is; one op = one page. */
static int wl_memset_4k(struct side *s)
{
	const struct bench *b = s->b;
	uint8_t *buf = aligned_alloc(PAGE, b->region);
	if (!buf)
		return -ENOMEM;
	memset(buf, 1, b->region);
	REP_LOOP(s)
	for (uint64_t off = 0; off < b->region; off += PAGE)
		memset(buf + off, 0, PAGE);
	clobber(buf);
	REP_END(s, b->region / PAGE)
	free(buf);
	return 0;
}

/* memcpy of each 4 KiB page between two page-aligned region-byte buffers,
 * as COW does; one op = one page. */
static int wl_memcpy_4k(struct side *s)
{
	const struct bench *b = s->b;
	uint8_t *src = aligned_alloc(PAGE, b->region), *dst = aligned_alloc(PAGE, b->region);
	if (!src || !dst) {
		free(src);
		free(dst);
		return -ENOMEM;
	}
	memset(src, 1, b->region);
	memset(dst, 2, b->region);
	REP_LOOP(s)
	for (uint64_t off = 0; off < b->region; off += PAGE)
		memcpy(dst + off, src + off, PAGE);
	clobber(dst);
	REP_END(s, b->region / PAGE)
	free(src);
	free(dst);
	return 0;
}

/* ---- The table of rows ------------------------------------------------------------ */

enum target_kind {
	TGT_NONE,  /* informative row */
	TGT_RATIO, /* mmkit/Linux <= target */
	TGT_NS,    /* mmkit ns per op <= target */
};

enum limit_kind { LIM_NONE, LIM_MEMSET, LIM_MEMCPY };

struct workload {
	const char *name;
	int (*run)(struct side *s);
	bool mmkit_only;      /* Linux runs it only if vm.max_map_count allows (b->linux_huge) */
	bool many_vmas;       /* mmkit's max_map_count raised for it */
	enum limit_kind limit;
	enum target_kind tkind;
	double target;
	const char *target_text;
};

static const struct workload workloads[] = {
	{"mmap1", wl_mmap1, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
	{"mmap2", wl_mmap2, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
	{"page_fault1", wl_page_fault1, false, false, LIM_MEMSET, TGT_RATIO, 0.4, "ratio <= 0.4"},
	{"page_fault2", wl_page_fault2, false, false, LIM_MEMCPY, TGT_RATIO, 0.4, "ratio <= 0.4"},
	{"page_fault3", wl_page_fault3, false, false, LIM_NONE, TGT_RATIO, 0.5, "ratio <= 0.5"},
	{"read_pass", wl_read_pass, false, false, LIM_NONE, TGT_RATIO, 0.5, "ratio <= 0.5"},
	{"page_fault3_4k", wl_page_fault3_4k, false, false, LIM_NONE, TGT_NONE, 0,
	 "(Linux 4K folios)"},
	{"read_pass_4k", wl_read_pass_4k, false, false, LIM_NONE, TGT_NONE, 0, "(Linux 4K folios)"},
	{"mprotect", wl_mprotect, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
	{"munmap_mmap", wl_munmap_mmap, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
	{"mprotect_1m", wl_mprotect_1m, true, true, LIM_NONE, TGT_NONE, 0, "(information)"},
	{"munmap_mmap_1m", wl_munmap_mmap_1m, true, true, LIM_NONE, TGT_NONE, 0, "(information)"},
	{"brk", wl_brk, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
	{"fork", wl_fork, false, false, LIM_NONE, TGT_RATIO, 0.3, "ratio <= 0.3"},
	{"load_random", wl_load_random, false, false, LIM_NONE, TGT_NONE, 0, "(see tlb_hit)"},
	{"load_tlb_hit", wl_load_tlb_hit, false, false, LIM_NONE, TGT_NS, 3.0, "mmkit <= 3 ns"},
	{"bulk_copy", wl_bulk_copy, false, false, LIM_MEMCPY, TGT_RATIO, 1 / 0.7,
	 ">= 0.7x memcpy"},
	{"bulk_copy_dst16", wl_bulk_copy_dst16, false, false, LIM_MEMCPY, TGT_NONE, 0,
	 "(buffer at +16)"},
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static const struct workload limit_memset = {.name = "memset_4k", .run = wl_memset_4k};
static const struct workload limit_memcpy = {.name = "memcpy_4k", .run = wl_memcpy_4k};

/* One row of the report; a negative figure means "not measured". */
struct row {
	const struct workload *w;
	double linux_ns, mmkit_ns, limit_ns;
	double linux_fpo, mmkit_fpo; /* page faults per op */
	bool failed;
	bool judged;          /* full sizes: the target applies (not under --short) */
};

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort: n is small */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double row_ratio(const struct row *r)
{
	return r->linux_ns > 0 && r->mmkit_ns > 0 ? r->mmkit_ns / r->linux_ns : -1;
}

/* Whether the row meets its target: 1, 0, or -1 when it has none, was not
 * measured, or ran at --short sizes. */
static int row_met(const struct row *r)
{
	if (!r->judged)
		return -1;
	switch (r->w->tkind) {
	case TGT_RATIO:
		return row_ratio(r) < 0 ? -1 : row_ratio(r) <= r->w->target;
	case TGT_NS:
		return r->mmkit_ns < 0 ? -1 : r->mmkit_ns <= r->w->target;
	default:
		return -1;
	}
}

/* The row's target as a ratio for the chart (TGT_NS converted with this
 * run's Linux figure), or -1. */
static double row_target_ratio(const struct row *r)
{
	if (r->w->tkind == TGT_RATIO)
		return r->w->target;
	if (r->w->tkind == TGT_NS && r->linux_ns > 0)
		return r->w->target / r->linux_ns;
	return -1;
}

/* ---- Running a workload on both sides, repetition by repetition -------------------- */

/*
 * Each side of a workload runs in a child of its own, both alive at once and
 * in lockstep: the parent lets one child run one repetition, then the other,
 * alternating which goes first, so that load from elsewhere on the machine
 * falls on both sides alike.  The Linux child disables THP for itself; the
 * mmkit child makes a fresh system (this process holds none, so forking is
 * safe).  A child's failure ends that side of the row only.
 */
struct runner {
	pid_t pid;
	int go, in;      /* parent's ends: go-ahead bytes out, reports in */
	bool alive;      /* started and not failed */
	double ns[MAX_REPS];
	double fpo;      /* faults per op */
};

static int write_all(int fd, const void *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t k = write(fd, (const char *)p + done, n - done);
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

/* Reads up to n bytes, stopping early only at EOF or an error; returns the count. */
static size_t read_all(int fd, void *p, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = read(fd, (char *)p + done, n - done);
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return done;
}

/* A fresh mmkit system rooted at b->dir with one process; 0 or -errno. */
static int mmkit_open(const struct bench *b, bool many_vmas, mmk_system **sys, mmk_proc **p)
{
	struct mmk_config c = {.root = b->dir, .ram_bytes = RAM_BYTES};
	if (many_vmas)
		c.max_map_count = 2 * b->nvma_huge + 4096;
	int err = mmk_system_create(&c, sys);
	if (err)
		return err;
	err = mmk_spawn(*sys, p);
	if (err < 0) {
		mmk_system_destroy(*sys);
		return err;
	}
	return 0;
}

/* The child's life: run w on one side, report, exit. */
_Noreturn static void runner_child(const struct workload *w, const struct bench *b,
				   bool on_linux, int go, int out)
{
	struct side s = {.ops = on_linux ? &linux_ops : &mmkit_ops, .b = b, .go_fd = go,
			 .out_fd = out};
	mmk_system *sys = NULL;
	int err = 0;
	/* Only the parent cleans up after a signal (bench_on_signal). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (on_linux)
		err = prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) ? -errno : 0;
	else
		err = mmkit_open(b, w->many_vmas, &sys, &s.p);
	if (!err)
		err = w->run(&s);
	if (s.p) {
		mmk_exit(s.p);
		int derr = mmk_system_destroy(sys);
		err = err ? err : derr;
	}
	if (err)
		fprintf(stderr, "mmkit bench: %s on %s: %s\n", w->name, s.ops->name,
			strerror(-err));
	struct report r = {.kind = REPORT_DONE, .err = err, .v = s.faults_per_op};
	_exit(write_all(out, &r, sizeof(r)) ? 1 : 0);
}

/* Closes fd if open. */
static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * Forks the child of one side; 0, or -1 with r->alive false.  The child
 * closes the parent's ends of `other` (the side started before it, or
 * NULL), so that each child's pipes are held only by it and the parent.
 */
static int runner_start(struct runner *r, const struct runner *other, const struct workload *w,
			const struct bench *b, bool on_linux)
{
	int go[2], rep[2];
	*r = (struct runner){.pid = -1, .go = -1, .in = -1, .fpo = -1};
	if (pipe(go))
		return -1;
	if (pipe(rep)) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(rep[0]);
		if (other) {
			close_fd(other->go);
			close_fd(other->in);
		}
		runner_child(w, b, on_linux, go[0], rep[1]);
	}
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		close(go[1]);
		close(rep[0]);
		return -1;
	}
	*r = (struct runner){.pid = pid, .go = go[1], .in = rep[0], .alive = true, .fpo = -1};
	return 0;
}

/* Lets the child run repetition i (-1: the warm-up) and stores its time.
 * A child that reports the end early, or dies, is marked failed. */
static void runner_step(struct runner *r, int i)
{
	struct report rep = {.kind = REPORT_DONE};
	if (!r->alive)
		return;
	if (write(r->go, "g", 1) != 1 || read_all(r->in, &rep, sizeof(rep)) != sizeof(rep) ||
	    rep.kind != REPORT_REP) {
		r->alive = false; /* the child said why on stderr, or died */
		return;
	}
	if (i >= 0)
		r->ns[i] = rep.v;
}

/* Collects the final report and the child.  Returns the median ns per op,
 * or -1 if the side failed. */
static double runner_finish(struct runner *r, int reps)
{
	struct report rep = {.kind = REPORT_DONE, .err = -ECHILD};
	if (r->pid < 0)
		return -1;
	if (r->alive && (read_all(r->in, &rep, sizeof(rep)) != sizeof(rep) ||
			 rep.kind != REPORT_DONE || rep.err))
		r->alive = false;
	else if (r->alive)
		r->fpo = rep.v;
	close_fd(r->go);
	close_fd(r->in);
	int st;
	if (waitpid(r->pid, &st, 0) != r->pid || !WIFEXITED(st) || WEXITSTATUS(st))
		r->alive = false;
	return r->alive ? median(r->ns, reps) : -1;
}

/* Runs w on the chosen sides in lockstep; fills the row's figures. */
static void run_workload(const struct workload *w, const struct bench *b, bool on_linux,
			 bool on_mmkit, struct row *row)
{
	struct runner run[2]; /* [0] Linux, [1] mmkit */
	bool want[2] = {on_linux && (!w->mmkit_only || b->linux_huge), on_mmkit};
	for (int k = 0; k < 2; k++) {
		run[k] = (struct runner){.pid = -1, .go = -1, .in = -1, .fpo = -1};
		if (want[k] && runner_start(&run[k], k ? &run[0] : NULL, w, b, k == 0))
			row->failed = true;
	}
	for (int i = -1; i < b->reps; i++) {
		int first = (i + 2) % 2; /* alternate who goes first */
		runner_step(&run[first], i);
		runner_step(&run[1 - first], i);
	}
	row->linux_ns = runner_finish(&run[0], b->reps);
	row->mmkit_ns = runner_finish(&run[1], b->reps);
	row->linux_fpo = run[0].fpo;
	row->mmkit_fpo = run[1].fpo;
	row->failed |= (want[0] && row->linux_ns < 0) || (want[1] && row->mmkit_ns < 0);
}

/* ---- Metadata: bytes per VMA and per resident page ---------------------------------- */

/* This process's resident set in bytes (/proc/self/statm), or 0. */
static uint64_t host_rss(void)
{
	unsigned long long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	int n = fscanf(f, "%llu %llu", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

/* Bytes of host memory per VMA: RSS growth while building meta_vmas VMAs
 * (the many-VMA layout), divided by their number.  VMAs come from 2 MiB
 * slab chunks, so the figure is exact to one chunk (about 21 bytes at
 * 100,000 VMAs).  Returns it, or -1. */
static double meta_per_vma(const struct bench *b)
{
	mmk_system *sys;
	mmk_proc *p;
	if (mmkit_open(b, true, &sys, &p))
		return -1;
	struct side s = {.ops = &mmkit_ops, .b = b, .p = p};
	/* Warm the allocators (the first slab chunk, the tree root) first. */
	int64_t first = mmk_mmap(p, 0, PAGE, RW, PRIV_ANON, -1, 0);
	uint64_t before = host_rss();
	int64_t base = first < 0 ? first : layout_build(&s, b->meta_vmas);
	uint64_t after = host_rss();
	mmk_exit(p);
	mmk_system_destroy(sys);
	return base < 0 || !before ? -1 : (double)(after - before) / (double)b->meta_vmas;
}

/*
 * Bytes of host memory per resident page beyond the page's own 4 KiB: RSS
 * growth while region bytes become resident, minus the frames, divided by
 * the pages.  file: a read pass over a shared mapping of the data file
 * (page cache + PTEs); else a write pass over anonymous memory (PTEs).
 * Both include the struct page.  Returns it, or -1.
 */
static double meta_per_page(const struct bench *b, bool file)
{
	mmk_system *sys;
	mmk_proc *p;
	if (mmkit_open(b, false, &sys, &p))
		return -1;
	struct side s = {.ops = &mmkit_ops, .b = b, .p = p};
	int fd = file ? mmk_open(p, MMKIT_FILE, MMK_O_RDONLY, 0) : -1;
	int64_t a = file && fd < 0 ? fd
				   : mmk_mmap(p, 0, b->region, file ? MMK_PROT_READ : RW,
					      file ? MMK_MAP_SHARED : PRIV_ANON, fd, 0);
	uint64_t before = host_rss(); /* after the VMA, so its slab chunk is not counted */
	int err = a < 0 ? (int)a
			: file ? mk_read_pages(&s, (uint64_t)a, b->region)
			       : mk_fill(&s, (uint64_t)a, FILL_BYTE, b->region);
	uint64_t after = host_rss();
	mmk_exit(p);
	mmk_system_destroy(sys);
	if (err || !before)
		return -1;
	return ((double)after - (double)before - (double)b->region) / (double)(b->region / PAGE);
}

struct meta_row {
	const char *name;
	double bytes;   /* -1: not measured */
	double target;
	bool judged;    /* full sizes (at --short sizes one slab chunk dominates) */
};

/* 1 if the row meets its target, 0 if not, -1 if not measured or judged. */
static int meta_met(const struct meta_row *m)
{
	return m->bytes < 0 || !m->judged ? -1 : m->bytes <= m->target;
}

/* ---- Report: table, JSON, SVG ---------------------------------------------------------- */

static void fmt_ns(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "n/a");
	else if (v < 100)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static const char *met_word(int met)
{
	return met < 0 ? "-" : met ? "met" : "MISSED";
}

static void print_header(void)
{
	printf("%-15s %12s %12s %11s %9s %15s  %-17s %s\n", "workload", "Linux ns/op",
	       "mmkit ns/op", "mmkit/Linux", "limit ns", "faults/op L|m", "target", "result");
}

/* Faults per op as "0.0039" or "1" or "-". */
static void fmt_fpo(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2g", v);
}

static void print_row(const struct row *r)
{
	char lx[32], mk[32], ratio[32], lim[32], lf[16], mf[16], faults[40];
	fmt_fpo(lf, sizeof(lf), r->linux_fpo);
	fmt_fpo(mf, sizeof(mf), r->mmkit_fpo);
	snprintf(faults, sizeof(faults), "%s|%s", lf, mf);
	fmt_ns(lx, sizeof(lx), r->linux_ns);
	fmt_ns(mk, sizeof(mk), r->mmkit_ns);
	fmt_ns(lim, sizeof(lim), r->limit_ns);
	double q = row_ratio(r);
	if (q < 0)
		snprintf(ratio, sizeof(ratio), "n/a");
	else
		snprintf(ratio, sizeof(ratio), "%.3f", q);
	printf("%-15s %12s %12s %11s %9s %15s  %-17s %s\n", r->w->name, lx, mk, ratio,
	       r->limit_ns < 0 ? "-" : lim, faults, r->w->target_text,
	       r->failed ? "FAILED" : met_word(row_met(r)));
	fflush(stdout);
}

static void json_num(FILE *f, double v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%.4g", v);
}

/* Writes the rows as a JSON list; returns 0 or -errno. */
static int write_json(const char *path, const struct row *rows, size_t n,
		      const struct meta_row *meta, size_t nmeta)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		int met = row_met(r);
		fprintf(f, "  {\"name\": \"%s\", \"linux_ns\": ", r->w->name);
		json_num(f, r->linux_ns);
		fputs(", \"mmkit_ns\": ", f);
		json_num(f, r->mmkit_ns);
		fputs(", \"ratio\": ", f);
		json_num(f, row_ratio(r));
		fputs(", \"limit_ns\": ", f);
		json_num(f, r->limit_ns);
		fputs(", \"linux_faults_per_op\": ", f);
		json_num(f, r->linux_fpo);
		fputs(", \"mmkit_faults_per_op\": ", f);
		json_num(f, r->mmkit_fpo);
		fprintf(f, ", \"target\": \"%s\", \"met\": %s}%s\n", r->w->target_text,
			met < 0 ? "null" : met ? "true" : "false", i + 1 < n || nmeta ? "," : "");
	}
	for (size_t i = 0; i < nmeta; i++) {
		fprintf(f, "  {\"name\": \"%s\", \"linux_ns\": null, \"mmkit_ns\": null, "
			   "\"ratio\": null, \"bytes\": ", meta[i].name);
		json_num(f, meta[i].bytes);
		int met = meta_met(&meta[i]);
		fprintf(f, ", \"target\": \"<= %.0f bytes\", \"met\": %s}%s\n", meta[i].target,
			met < 0 ? "null" : met ? "true" : "false", i + 1 < nmeta ? "," : "");
	}
	fputs("]\n", f);
	return fclose(f) ? -errno : 0;
}

/* log10 without libm (the command links without -lm): the decade by
 * scaling, the rest by ln(m) = 2 atanh((m-1)/(m+1)) on m in [1, 10). */
static double log10_of(double x)
{
	int dec = 0;
	while (x >= 10) {
		x /= 10;
		dec++;
	}
	while (x < 1) {
		x *= 10;
		dec--;
	}
	double y = (x - 1) / (x + 1), y2 = y * y, term = y, sum = 0;
	for (int k = 1; k < 80; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return dec + 2 * sum / 2.302585092994046;
}

/* The chart's geometry: a log-scale x axis of decades [lo, hi]. */
struct chart {
	int lo, hi;
	double left, width; /* plot area, px */
};

static double chart_x(const struct chart *c, double ratio)
{
	double d = log10_of(ratio);
	if (d < c->lo)
		d = c->lo;
	if (d > c->hi)
		d = c->hi;
	return c->left + (d - c->lo) / (c->hi - c->lo) * c->width;
}

/* Picks decades covering every ratio and target of the rows. */
static void chart_range(struct chart *c, const struct row *rows, size_t n)
{
	double mn = 0.05, mx = 2;
	for (size_t i = 0; i < n; i++) {
		double v[2] = {row_ratio(&rows[i]), row_target_ratio(&rows[i])};
		for (int k = 0; k < 2; k++) {
			if (v[k] > 0 && v[k] < mn)
				mn = v[k];
			if (v[k] > mx)
				mx = v[k];
		}
	}
	double l = log10_of(mn), h = log10_of(mx);
	c->lo = (int)l - (l < (int)l);
	c->hi = (int)h + (h > (int)h);
}

static void svg_axis(FILE *f, const struct chart *c, double top, double bottom)
{
	for (int d = c->lo; d <= c->hi; d++) {
		double x = c->left + (double)(d - c->lo) / (c->hi - c->lo) * c->width;
		double v = 1;
		for (int k = 0; k < d; k++)
			v *= 10;
		for (int k = 0; k > d; k--)
			v /= 10;
		char label[32];
		snprintf(label, sizeof(label), "%.*f", d < 0 ? -d : 0, v);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
			top, x, bottom, d == 0 ? "#555" : "#ddd");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
			bottom + 16, label);
	}
}

/* One bar: the ratio from the left edge, green when the target is met, red
 * when missed, grey without a target; a dashed black mark at the target. */
static void svg_bar(FILE *f, const struct chart *c, const struct row *r, double y, double h)
{
	double q = row_ratio(r), t = row_target_ratio(r);
	int met = row_met(r);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", c->left - 8,
		y + h * 0.7, r->w->name);
	if (q < 0) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#777\">n/a (mmkit %.0f ns/op; Linux "
			   "limited to 65530 VMAs)</text>\n", c->left + 6, y + h * 0.7, r->mmkit_ns);
		return;
	}
	const char *color = met < 0 ? "#999" : met ? "#4a9a4a" : "#c84a3a";
	double x = chart_x(c, q), tx = t > 0 ? chart_x(c, t) : 0;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
		c->left, y, x - c->left, h, color);
	if (t > 0)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
			   "stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n", tx, y - 3, tx, y + h + 3);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%.3g</text>\n", (x > tx ? x : tx) + 5,
		y + h * 0.7, q);
}

/* Writes the bar chart of the ratios (log scale, target marks); 0 or -errno. */
static int write_svg(const char *path, const struct row *rows, size_t n, const char *subtitle)
{
	const double rowh = 24, top = 74, width = 900;
	struct chart c = {.left = 150, .width = width - 150 - 60};
	chart_range(&c, rows, n);
	double bottom = top + rowh * (double)n;
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "font-family=\"sans-serif\" font-size=\"12\">\n", width, bottom + 60);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f, "<text x=\"%.1f\" y=\"20\" font-size=\"15\" font-weight=\"bold\">mmkit / Linux "
		   "time per operation (median; log scale; lower is better)</text>\n", c.left);
	fprintf(f, "<text x=\"%.1f\" y=\"38\" fill=\"#555\">%s</text>\n", c.left, subtitle);
	fprintf(f, "<text x=\"%.1f\" y=\"54\" fill=\"#555\">Dashed mark: the target; green: "
		   "met, red: missed, grey: no target.</text>\n", c.left);
	svg_axis(f, &c, top - 6, bottom);
	for (size_t i = 0; i < n; i++)
		svg_bar(f, &c, &rows[i], top + rowh * (double)i + 3, rowh - 8);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">mmkit ns / Linux ns "
		   "(1 = parity)</text>\n", c.left + c.width / 2, bottom + 36);
	fputs("</svg>\n", f);
	return fclose(f) ? -errno : 0;
}

/* ---- Setup ------------------------------------------------------------------------------- */

/* splitmix64: the same offsets on every host. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Sizes for a full run or a --short one (the same code, tiny sizes). */
static void bench_sizes(struct bench *b, bool is_short)
{
	if (is_short) {
		*b = (struct bench){.reps = 2, .region = 2 * MIB, .big = 16 * MIB, .nvma = 200,
				    .nvma_huge = 4000, .meta_vmas = 2000, .sys_ops = 200,
				    .brk_ops = 500, .fork_ops = 2, .noffs = 4096};
	} else {
		*b = (struct bench){.reps = 7, .region = 128 * MIB, .big = 1024 * MIB, .nvma = 2000,
				    .nvma_huge = 1000000, .meta_vmas = 100000, .sys_ops = 20000,
				    .brk_ops = 100000, .fork_ops = 8, .noffs = 1 << 20};
	}
}

/* The random offsets, shared by both sides; 0 or -ENOMEM. */
static int bench_offsets(struct bench *b)
{
	b->offs = malloc(b->noffs * sizeof(uint64_t));
	b->hit_offs = malloc(b->noffs * sizeof(uint64_t));
	if (!b->offs || !b->hit_offs)
		return -ENOMEM;
	uint64_t seed = 6;
	for (size_t i = 0; i < b->noffs; i++) {
		b->offs[i] = rnd(&seed) % (b->big / 8) * 8;
		b->hit_offs[i] = b->offs[i] % HIT_WINDOW;
	}
	return 0;
}

/* Writes one data file: region bytes of FILL_BYTE in writes of `piece`
 * bytes, then fsync (cached, clean, every block allocated). */
static int bench_file(const struct bench *b, const char *name, size_t piece)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	static uint8_t chunk[MIB];
	memset(chunk, FILL_BYTE, sizeof(chunk));
	int err = 0;
	for (uint64_t off = 0; off < b->region && !err; off += piece)
		if (write(fd, chunk, piece) != (ssize_t)piece)
			err = -EIO;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Makes the three data files; 0 or -errno. */
static int bench_files(const struct bench *b)
{
	int err = bench_file(b, LINUX_FILE, MIB);
	if (!err)
		err = bench_file(b, LINUX_4K_FILE, PAGE);
	if (!err)
		err = bench_file(b, MMKIT_FILE, MIB);
	return err;
}

static void bench_cleanup(const struct bench *b)
{
	char path[PATH_MAX + 16];
	const char *names[] = {LINUX_FILE, LINUX_4K_FILE, MMKIT_FILE};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", b->dir, names[i]);
		unlink(path);
	}
	rmdir(b->dir);
}

/* "AMD EPYC" from /proc/cpuinfo, or "unknown CPU". */
static void cpu_model(char *buf, size_t len)
{
	char line[512];
	snprintf(buf, len, "unknown CPU");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(buf, len, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

/* ---- Command line --------------------------------------------------------------------------- */

struct bench_args {
	bool is_short;
	int reps;             /* 0: the default */
	const char *only;     /* comma-separated workload names, or NULL for all */
	bool run_linux, run_mmkit;
	int cpu;              /* the CPU both sides run on; CPU_DEFAULT, CPU_ANY */
	const char *dir, *json, *svg;
};

#define CPU_DEFAULT (-1) /* the lowest-numbered CPU the process may use */
#define CPU_ANY (-2)     /* not pinned */

static void bench_usage(FILE *f)
{
	fputs("usage: mmkit bench [--short] [--reps N] [--only NAME,...] [--side both|linux|mmkit]\n"
	      "                   [--cpu N|any] [--dir DIR] [--json FILE] [--svg FILE]\n"
	      "\n"
	      "Runs each workload natively (real system calls, THP disabled) and on mmkit and\n"
	      "prints the median time per operation of each, their ratio, the physical limit\n"
	      "where one exists, and the target of issue 6 (docs/PERFORMANCE.md).\n"
	      "  --short        tiny sizes, 2 repetitions: exercises every workload in seconds\n"
	      "  --reps N       timed repetitions per workload (default 7)\n"
	      "  --only LIST    run only these workloads (metadata rows: 'meta')\n"
	      "  --side SIDE    run one side only (for profiling)\n"
	      "  --cpu N|any    the CPU both sides run on (default: the lowest allowed one)\n"
	      "  --dir DIR      where the scratch directory goes (default /tmp)\n"
	      "  --json FILE    write the rows as a JSON list\n"
	      "  --svg FILE     write a bar chart of the ratios\n",
	      f);
}

enum { B_SHORT, B_REPS, B_ONLY, B_SIDE, B_CPU, B_DIR, B_JSON, B_SVG };
static const struct opt bench_opts[] = {
	[B_SHORT] = {"--short", false}, [B_REPS] = {"--reps", true}, [B_ONLY] = {"--only", true},
	[B_SIDE] = {"--side", true},	[B_CPU] = {"--cpu", true},   [B_DIR] = {"--dir", true},
	[B_JSON] = {"--json", true},	[B_SVG] = {"--svg", true},   {NULL, false},
};

/* Parses the arguments; 0, or 2 after printing what is wrong. */
static int bench_parse(int argc, char **argv, struct bench_args *a)
{
	*a = (struct bench_args){
	    .run_linux = true, .run_mmkit = true, .cpu = CPU_DEFAULT, .dir = "/tmp"};
	struct opts o = OPTS_INIT(argc, argv);
	const char *v;
	int k;
	while ((k = opts_next(&o, bench_opts, &v)) != OPT_END) {
		if (k == B_SHORT) {
			a->is_short = true;
		} else if (k == B_REPS) {
			a->reps = atoi(v);
			if (a->reps < 1 || a->reps > MAX_REPS) {
				fprintf(stderr, "mmkit bench: --reps takes 1..%d\n", MAX_REPS);
				return 2;
			}
		} else if (k == B_ONLY) {
			a->only = v;
		} else if (k == B_SIDE) {
			if (strcmp(v, "both") && strcmp(v, "linux") && strcmp(v, "mmkit")) {
				fprintf(stderr, "mmkit bench: --side takes both, linux or mmkit\n");
				return 2;
			}
			a->run_linux = strcmp(v, "mmkit") != 0;
			a->run_mmkit = strcmp(v, "linux") != 0;
		} else if (k == B_CPU) {
			char *end;
			long c = strtol(v, &end, 10);
			if (strcmp(v, "any") == 0) {
				a->cpu = CPU_ANY;
			} else if (*v < '0' || *v > '9' || *end || c >= CPU_SETSIZE) {
				fprintf(stderr, "mmkit bench: --cpu takes a CPU number below %d or 'any'\n",
					CPU_SETSIZE);
				return 2;
			} else {
				a->cpu = (int)c;
			}
		} else if (k == B_DIR) {
			a->dir = v;
		} else if (k == B_JSON) {
			a->json = v;
		} else if (k == B_SVG) {
			a->svg = v;
		} else if (k == OPT_HELP) {
			bench_usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "mmkit bench: unknown or incomplete option '%s'\n", v);
			bench_usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* Whether name is in the comma-separated list (NULL: every name is). */
static bool selected(const char *list, const char *name)
{
	if (!list)
		return true;
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Whether every name in the --only list names a row (or is "meta"). */
static bool only_valid(const char *list)
{
	size_t names = 1, known = selected(list, "meta");
	for (const char *p = list; *p; p++)
		names += *p == ',';
	for (size_t i = 0; i < NWORKLOADS; i++)
		known += selected(list, workloads[i].name);
	return known == names;
}

/* Runs the limits and every selected workload, printing rows as they come.
 * Returns the number of failed rows. */
static int bench_rows(const struct bench_args *a, const struct bench *b, struct row *rows,
		      size_t *nrows)
{
	double lim_set = -1, lim_cpy = -1;
	int failed = 0;
	bool limits = false;
	for (size_t i = 0; i < NWORKLOADS; i++)
		limits |= workloads[i].limit != LIM_NONE && selected(a->only, workloads[i].name);
	if (a->run_linux && limits) {
		struct row lr = {.w = &limit_memset};
		run_workload(&limit_memset, b, true, false, &lr);
		lim_set = lr.linux_ns;
		lr.w = &limit_memcpy;
		run_workload(&limit_memcpy, b, true, false, &lr);
		lim_cpy = lr.linux_ns;
		failed += (lim_set < 0) + (lim_cpy < 0);
	}
	print_header();
	*nrows = 0;
	for (size_t i = 0; i < NWORKLOADS; i++) {
		const struct workload *w = &workloads[i];
		if (!selected(a->only, w->name))
			continue;
		struct row *r = &rows[(*nrows)++];
		*r = (struct row){.w = w, .linux_ns = -1, .mmkit_ns = -1, .limit_ns = -1,
				  .linux_fpo = -1, .mmkit_fpo = -1, .judged = !a->is_short};
		r->limit_ns = w->limit == LIM_MEMSET ? lim_set : w->limit == LIM_MEMCPY ? lim_cpy : -1;
		run_workload(w, b, a->run_linux, a->run_mmkit, r);
		failed += r->failed;
		print_row(r);
	}
	return failed;
}

/* Measures and prints the metadata rows; returns how many failed. */
static int bench_meta(const struct bench *b, bool judged, struct meta_row *meta)
{
	meta[0] = (struct meta_row){"bytes_per_vma", meta_per_vma(b), 256, judged};
	meta[1] = (struct meta_row){"bytes_per_page_anon", meta_per_page(b, false), 64, judged};
	meta[2] = (struct meta_row){"bytes_per_page_file", meta_per_page(b, true), 64, judged};
	printf("\n%-20s %10s  %-16s %s\n", "mmkit metadata", "bytes", "target", "result");
	int failed = 0;
	for (int i = 0; i < 3; i++) {
		char tgt[32];
		snprintf(tgt, sizeof(tgt), "<= %.0f", meta[i].target);
		failed += meta[i].bytes < 0;
		printf("%-20s %10.1f  %-16s %s\n", meta[i].name, meta[i].bytes, tgt,
		       meta[i].bytes < 0 ? "FAILED" : met_word(meta_met(&meta[i])));
	}
	printf("(host RSS growth from /proc/self/statm: per VMA over %" PRIu64 " VMAs; per page "
	       "over %" PRIu64 " pages, minus the 4096-byte frames)\n",
	       b->meta_vmas, b->region / PAGE);
	return failed;
}

/* "2 cores, AMD EPYC, Linux 6.1.0" */
static void machine_desc(char *buf, size_t len)
{
	char cpu[128];
	struct utsname u;
	cpu_model(cpu, sizeof(cpu));
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	snprintf(buf, len, "%ld cores, %s, Linux %s", sysconf(_SC_NPROCESSORS_ONLN), cpu,
		 u.release);
}

/*
 * Pins this process, hence both sides' children, to one CPU (see the
 * header): a->cpu, or the lowest-numbered CPU it may run on.  Returns the
 * CPU, -1 when left unpinned (CPU_ANY), or -2 after printing why not.
 */
static int bench_pin(const struct bench_args *a)
{
	if (a->cpu == CPU_ANY)
		return -1;
	cpu_set_t set;
	int cpu = a->cpu;
	if (cpu == CPU_DEFAULT) {
		if (sched_getaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "mmkit bench: sched_getaffinity: %s\n", strerror(errno));
			return -2;
		}
		for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
			;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "mmkit bench: cannot run on CPU %d: %s\n", cpu, strerror(errno));
		return -2;
	}
	return cpu;
}

/*
 * vm.max_map_count for the 1,000,000-VMA rows on Linux ("with max_map_count
 * raised if the machine allows, else mmkit alone").  map_count_raise()
 * reads it, raises it to what the rows need when it is lower and this
 * process may write it (root), and says how it went in *note;
 * map_count_restore() puts the old value back (also from bench_on_signal:
 * the write is async-signal-safe).
 */
#define MAP_COUNT_PATH "/proc/sys/vm/max_map_count"

static long map_count_saved = -1; /* the value to restore, or -1 */

static long map_count_read(void)
{
	char buf[32] = {0};
	int fd = open(MAP_COUNT_PATH, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static bool map_count_write(long v)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", v);
	int fd = open(MAP_COUNT_PATH, O_WRONLY);
	if (fd < 0)
		return false;
	bool ok = write(fd, buf, (size_t)len) == len;
	close(fd);
	return ok;
}

static void map_count_restore(void)
{
	if (map_count_saved >= 0 && map_count_write(map_count_saved))
		map_count_saved = -1;
}

/* What a SIGINT or SIGTERM must not leave behind: the scratch files
 * (hundreds of MiB) and a raised vm.max_map_count.  Paths are made before
 * the handler is installed; the handler only unlinks, writes and raises. */
static char scratch_paths[4][PATH_MAX + 16]; /* three files, then the directory */

static void bench_on_signal(int sig)
{
	map_count_restore();
	for (int i = 0; i < 3; i++)
		unlink(scratch_paths[i]);
	rmdir(scratch_paths[3]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Arms bench_on_signal for the scratch directory dir. */
static void bench_arm_signals(const char *dir)
{
	const char *names[] = {LINUX_FILE, LINUX_4K_FILE, MMKIT_FILE};
	for (int i = 0; i < 3; i++)
		snprintf(scratch_paths[i], sizeof(scratch_paths[i]), "%s/%s", dir, names[i]);
	snprintf(scratch_paths[3], sizeof(scratch_paths[3]), "%s", dir);
	signal(SIGINT, bench_on_signal);
	signal(SIGTERM, bench_on_signal);
}

/* Whether the Linux side can build n VMAs; may raise the sysctl. */
static bool map_count_raise(uint64_t n, char *note, size_t len)
{
	long need = (long)(2 * n + 4096), have = map_count_read();
	if (have >= need) {
		snprintf(note, len, "vm.max_map_count %ld is enough", have);
		return true;
	}
	if (have < 0 || !map_count_write(need)) {
		snprintf(note, len, "vm.max_map_count %ld < %ld and not writable here: mmkit alone",
			 have, need);
		return false;
	}
	map_count_saved = have;
	snprintf(note, len, "vm.max_map_count raised from %ld to %ld for them, restored after",
		 have, need);
	return true;
}

/* Prints the machine and the sizes the run uses. */
static void bench_banner(const struct bench *b, int cpu, const char *map_note)
{
	char machine[256];
	machine_desc(machine, sizeof(machine));
	printf("mmkit bench: %s\n", machine);
	printf("region %" PRIu64 " MiB, resident mapping %" PRIu64 " MiB, %" PRIu64 " and %" PRIu64
	       " VMAs, median of %d repetitions after a warm-up; Linux side THP disabled\n",
	       b->region / MIB, b->big / MIB, b->nvma, b->nvma_huge, b->reps);
	if (cpu >= 0)
		printf("both sides pinned to CPU %d (--cpu)\n", cpu);
	if (*map_note)
		printf("%" PRIu64 "-VMA rows: %s\n", b->nvma_huge, map_note);
	if (b->region < 128 * MIB)
		printf("(--short: sizes too small for the targets; nothing is judged)\n");
	printf("\n");
}

int cmd_bench(int argc, char **argv)
{
	struct bench_args a;
	struct bench b;
	int rc = bench_parse(argc, argv, &a);
	if (rc)
		return rc;
	signal(SIGPIPE, SIG_IGN); /* a child that died shows as a failed write */
	if (a.only && !only_valid(a.only)) {
		fprintf(stderr, "mmkit bench: --only: unknown name in '%s'\n", a.only);
		return 2;
	}
	int cpu = bench_pin(&a);
	if (cpu == -2)
		return 2;
	bench_sizes(&b, a.is_short);
	if (a.reps)
		b.reps = a.reps;
	snprintf(b.dir, sizeof(b.dir), "%s/mmkit-bench-XXXXXX", a.dir);
	bool made = mkdtemp(b.dir) != NULL;
	if (made)
		bench_arm_signals(b.dir);
	if (!made || bench_offsets(&b) || bench_files(&b)) {
		fprintf(stderr, "mmkit bench: cannot set up %s: %s\n", b.dir, strerror(errno));
		if (made)
			bench_cleanup(&b);
		return 1;
	}
	char map_note[160] = "";
	if (a.run_linux && (selected(a.only, "mprotect_1m") || selected(a.only, "munmap_mmap_1m")))
		b.linux_huge = map_count_raise(b.nvma_huge, map_note, sizeof(map_note));
	bench_banner(&b, cpu, map_note);
	struct row rows[NWORKLOADS];
	struct meta_row meta[3];
	size_t nrows, nmeta = 0;
	int failed = bench_rows(&a, &b, rows, &nrows);
	map_count_restore();
	if (a.run_mmkit && selected(a.only, "meta")) {
		failed += bench_meta(&b, !a.is_short, meta);
		nmeta = 3;
	}
	char subtitle[400], machine[256];
	machine_desc(machine, sizeof(machine));
	snprintf(subtitle, sizeof(subtitle), "%s run, median of %d; %s",
		 a.is_short ? "--short" : "full", b.reps, machine);
	int err = a.json ? write_json(a.json, rows, nrows, meta, nmeta) : 0;
	if (!err && a.svg)
		err = write_svg(a.svg, rows, nrows, subtitle);
	if (err) {
		fprintf(stderr, "mmkit bench: cannot write the report: %s\n", strerror(-err));
		failed++;
	}
	bench_cleanup(&b);
	free(b.offs);
	free(b.hit_offs);
	return failed ? 1 : 0;
}
