/*
 * bench.h - what the parts of `mmkit bench` share (bench.c's header comment
 * says how the comparison is kept fair): the sizes of a run, the two sides
 * a workload runs against (bench_sides.c), the repetition protocol between
 * a side's child and the parent (bench_runner.c), the table of workloads
 * (bench_workloads.c) and the rows of the report (bench_report.c).
 */
#ifndef MMKIT_BENCH_H
#define MMKIT_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include "mmkit.h"

/* The workloads pass mmkit's constants to both sides: they are Linux's
 * x86-64 values (mmkit.h), which this checks for the ones used here. */
_Static_assert(MMK_PROT_READ == PROT_READ && MMK_PROT_WRITE == PROT_WRITE &&
		   MMK_PROT_NONE == PROT_NONE,
	       "prot values");
_Static_assert(MMK_MAP_SHARED == MAP_SHARED && MMK_MAP_PRIVATE == MAP_PRIVATE &&
		   MMK_MAP_FIXED == MAP_FIXED && MMK_MAP_ANONYMOUS == MAP_ANONYMOUS &&
		   MMK_MAP_NORESERVE == MAP_NORESERVE,
	       "mmap flag values");

#define PAGE	     ((uint64_t)4096)
#define MIB	     ((uint64_t)1 << 20)
#define RW	     (MMK_PROT_READ | MMK_PROT_WRITE)
#define PRIV_ANON    (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS)
#define MAX_REPS     64
#define RAM_BYTES    (3ULL << 29) /* 1.5 GiB of simulated RAM */
#define LAYOUT_PAGES 4		  /* pages per VMA in the many-VMA layout */
#define HIT_WINDOW   (16 * PAGE)  /* load_tlb_hit: 16 pages, each in its own TLB slot */
#define COPY_CHUNK   MIB	  /* bulk_copy: bytes per copy call */
#define FILL_BYTE    0x5a

/* Sizes and counts of one run: full (issue 6's sizes) or --short. */
struct bench {
	int reps;
	uint64_t region;    /* the will-it-scale region: 128 MiB */
	uint64_t big;	    /* the resident mapping of fork and the access path: 1 GiB */
	uint64_t nvma;	    /* VMAs of the mprotect / munmap_mmap layout: 2,000 */
	uint64_t nvma_huge; /* the same at 1,000,000 (on Linux only if vm.max_map_count allows) */
	uint64_t meta_vmas; /* VMAs built to measure bytes per VMA: 100,000 */
	uint64_t sys_ops;   /* mmap/mprotect/munmap pairs per repetition */
	uint64_t brk_ops;
	uint64_t fork_ops;
	size_t noffs;	    /* random loads per repetition */
	uint64_t *offs;	    /* random 8-byte-aligned offsets below big */
	uint64_t *hit_offs; /* the same folded into HIT_WINDOW */
	bool linux_huge;    /* the Linux side may build nvma_huge VMAs (map_count_raise) */
	char dir[PATH_MAX]; /* scratch directory: the files, and mmkit's root */
};

static inline double now_ns(void)
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
	uint64_t (*brk)(struct side *s, uint64_t brk);	/* the raw syscall's contract */
	int (*open)(struct side *s, bool small_folios); /* this side's data file, O_RDWR */
	int (*close)(struct side *s, int fd);
	int (*write_pages)(struct side *s, uint64_t addr, uint64_t len); /* a 0 byte per page */
	int (*read_pages)(struct side *s, uint64_t addr, uint64_t len);	 /* a byte per page */
	int (*fill)(struct side *s, uint64_t addr, int c, uint64_t len);
	int (*fork_exit)(struct side *s); /* fork a child that exits at once; reap it */
	int (*loads)(struct side *s, uint64_t base, const uint64_t *offs, size_t n);
	int (*copy_out)(struct side *s, uint64_t addr, void *buf, uint64_t len);
	uint64_t (*faults)(struct side *s); /* page faults of the process so far */
};

struct side {
	const struct side_ops *ops;
	const struct bench *b;
	mmk_proc *p;	      /* mmkit side */
	uint64_t sink;	      /* what loads read, so they cannot be dropped */
	uint64_t faults0;     /* faults() when the timed repetitions began */
	double faults_per_op; /* page faults per op over the timed repetitions */
	int go_fd, out_fd;    /* the pipes to the parent: rep_gate(), rep_report() */
};

/*
 * The data files: region bytes of FILL_BYTE each, written and fsync'd by
 * bench_file() before any run, so they are cached and clean.  Linux's page
 * cache keeps what write() built: LINUX_FILE is written 1 MiB at a time (so
 * ext4 caches it in large folios, and a fault may map a whole folio),
 * LINUX_4K_FILE 4 KiB at a time (order-0 folios).  mmkit's side writes
 * MMKIT_FILE through mmkit the same two ways (mk_open).
 */
#define LINUX_FILE    "linux.dat"
#define LINUX_4K_FILE "linux4k.dat"
#define MMKIT_FILE    "mmkit.dat"

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

/*
 * Each workload does its setup, then repetitions r = -1 (the warm-up) ..
 * reps-1, each started by rep_gate() and reported by rep_report(), and the
 * page faults per operation of the timed ones go to s->faults_per_op.
 * Returns 0 or the first -errno.  REP_LOOP / REP_END bracket the timed part
 * of a repetition doing `nops` operations.
 */
#define REP_LOOP(sd)                                                                               \
	for (int r_ = -1; r_ < (sd)->b->reps; r_++) {                                              \
		rep_gate(sd);                                                                      \
		if (r_ == 0)                                                                       \
			(sd)->faults0 = (sd)->ops->faults(sd);                                     \
		double t0_ = now_ns();
#define REP_END(sd, nops)                                                                          \
	rep_report((sd), (now_ns() - t0_) / (double)(nops));                                       \
	if (r_ == (sd)->b->reps - 1)                                                               \
		(sd)->faults_per_op = (double)((sd)->ops->faults(sd) - (sd)->faults0) /            \
				      ((double)(nops) * (sd)->b->reps);                            \
	}

#define TRY(expr)                                                                                  \
	do {                                                                                       \
		int64_t e_ = (expr);                                                               \
		if (e_ < 0)                                                                        \
			return (int)e_;                                                            \
	} while (0)

/* ---- The table of rows ------------------------------------------------------------ */

enum target_kind {
	TGT_NONE,  /* informative row */
	TGT_RATIO, /* mmkit/Linux <= target */
	TGT_NS,	   /* mmkit ns per op <= target */
};

enum limit_kind { LIM_NONE, LIM_MEMSET, LIM_MEMCPY };

struct workload {
	const char *name;
	int (*run)(struct side *s);
	bool mmkit_only; /* Linux runs it only if vm.max_map_count allows (b->linux_huge) */
	bool many_vmas;	 /* mmkit's max_map_count raised for it */
	enum limit_kind limit;
	enum target_kind tkind;
	double target;
	const char *target_text;
};

/* One row of the report; a negative figure means "not measured". */
struct row {
	const struct workload *w;
	double linux_ns, mmkit_ns, limit_ns;
	double linux_fpo, mmkit_fpo; /* page faults per op */
	bool failed;
	bool judged; /* full sizes: the target applies (not under --short) */
};

struct meta_row {
	const char *name;
	double bytes; /* -1: not measured */
	double target;
	bool judged; /* full sizes (at --short sizes one slab chunk dominates) */
};

/* ---- Across the files ---------------------------------------------------------- */

/* bench_sides.c: the two sides' operations. */
extern const struct side_ops linux_ops, mmkit_ops;

/* bench_runner.c: the child's half of the repetition protocol (REP_LOOP). */
void rep_gate(struct side *s);
void rep_report(struct side *s, double ns_per_op);
/* Runs workload w on the sides asked for, in lockstep; fills row. */
void run_workload(const struct workload *w, const struct bench *b, bool on_linux, bool on_mmkit,
		  struct row *row);
/* mmkit's metadata: host bytes per VMA, per resident page (anonymous or
 * file); -1 when not measured. */
double meta_per_vma(const struct bench *b);
double meta_per_page(const struct bench *b, bool file);

/* bench_workloads.c: the rows, and the physical limits. */
extern const struct workload workloads[];
extern const size_t nworkloads;
extern const struct workload limit_memset, limit_memcpy;
/* Builds n VMAs of LAYOUT_PAGES pages on s, alternately read-only and
 * read-write, inside one PROT_NONE reservation: the base, or -errno. */
int64_t layout_build(struct side *s, uint64_t n);

/* bench_report.c */
double median(double *v, int n);
int meta_met(const struct meta_row *m);
void print_header(void);
void print_row(const struct row *r);
int write_json(const char *path, const struct row *rows, size_t n, const struct meta_row *meta,
	       size_t nmeta);
/* "met", "MISSED" or "-" for a met/missed/not-judged answer (1/0/-1). */
const char *met_word(int met);
int write_svg(const char *path, const struct row *rows, size_t n, const char *subtitle);

#endif
