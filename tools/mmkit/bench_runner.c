/*
 * bench_runner.c - running a workload on both sides in lockstep, one
 * repetition at a time (each side in a child of its own, reporting over a
 * pipe), and mmkit's metadata measurements (host bytes per VMA and per
 * resident page).
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

#include "bench.h"

/* Waits for the parent's go-ahead to run the next repetition; a parent
 * that went away ends the child. */
void rep_gate(struct side *s)
{
	char c;
	if (read(s->go_fd, &c, 1) != 1)
		_exit(1);
}

void rep_report(struct side *s, double ns_per_op)
{
	struct report r = {.kind = REPORT_REP, .v = ns_per_op};
	if (write(s->out_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
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
	int go, in; /* parent's ends: go-ahead bytes out, reports in */
	bool alive; /* started and not failed */
	double ns[MAX_REPS];
	double fpo; /* faults per op */
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
_Noreturn static void runner_child(const struct workload *w, const struct bench *b, bool on_linux,
				   int go, int out)
{
	struct side s = {
	    .ops = on_linux ? &linux_ops : &mmkit_ops, .b = b, .go_fd = go, .out_fd = out};
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
void run_workload(const struct workload *w, const struct bench *b, bool on_linux, bool on_mmkit,
		  struct row *row)
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
double meta_per_vma(const struct bench *b)
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
double meta_per_page(const struct bench *b, bool file)
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
	int err = a < 0	 ? (int)a
		  : file ? mmkit_ops.read_pages(&s, (uint64_t)a, b->region)
			 : mmkit_ops.fill(&s, (uint64_t)a, FILL_BYTE, b->region);
	uint64_t after = host_rss();
	mmk_exit(p);
	mmk_system_destroy(sys);
	if (err || !before)
		return -1;
	return ((double)after - (double)before - (double)b->region) / (double)(b->region / PAGE);
}
