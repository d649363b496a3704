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
 * Owns: the sizes of a run, the scratch files, pinning, the command line.
 * The parts, each in its own file (bench.h): the two sides (bench_sides.c),
 * the workloads and the table of rows (bench_workloads.c), the lockstep
 * runner and the metadata measurements (bench_runner.c), the report:
 * table, JSON, SVG (bench_report.c).  It asserts nothing about time: the
 * exit status is 1 only when an operation failed (2 for a usage error).
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
#include "commands.h"
#include "mmkit.h"
#include "opts.h"

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
		*b = (struct bench){.reps = 2,
				    .region = 2 * MIB,
				    .big = 16 * MIB,
				    .nvma = 200,
				    .nvma_huge = 4000,
				    .meta_vmas = 2000,
				    .sys_ops = 200,
				    .brk_ops = 500,
				    .fork_ops = 2,
				    .noffs = 4096};
	} else {
		*b = (struct bench){.reps = 7,
				    .region = 128 * MIB,
				    .big = 1024 * MIB,
				    .nvma = 2000,
				    .nvma_huge = 1000000,
				    .meta_vmas = 100000,
				    .sys_ops = 20000,
				    .brk_ops = 100000,
				    .fork_ops = 8,
				    .noffs = 1 << 20};
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
	int reps;	  /* 0: the default */
	const char *only; /* comma-separated workload names, or NULL for all */
	bool run_linux, run_mmkit;
	int cpu; /* the CPU both sides run on; CPU_DEFAULT, CPU_ANY */
	const char *dir, *json, *svg;
};

#define CPU_DEFAULT (-1) /* the lowest-numbered CPU the process may use */
#define CPU_ANY	    (-2) /* not pinned */

static void bench_usage(FILE *f)
{
	fputs(
	    "usage: mmkit bench [--short] [--reps N] [--only NAME,...] [--side both|linux|mmkit]\n"
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
    [B_SIDE] = {"--side", true},    [B_CPU] = {"--cpu", true},	 [B_DIR] = {"--dir", true},
    [B_JSON] = {"--json", true},    [B_SVG] = {"--svg", true},	 {NULL, false},
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
				fprintf(stderr,
					"mmkit bench: --cpu takes a CPU number below %d or 'any'\n",
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
			opts_complain("mmkit bench", v, bench_opts);
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
	for (size_t i = 0; i < nworkloads; i++)
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
	for (size_t i = 0; i < nworkloads; i++)
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
	for (size_t i = 0; i < nworkloads; i++) {
		const struct workload *w = &workloads[i];
		if (!selected(a->only, w->name))
			continue;
		struct row *r = &rows[(*nrows)++];
		*r = (struct row){.w = w,
				  .linux_ns = -1,
				  .mmkit_ns = -1,
				  .limit_ns = -1,
				  .linux_fpo = -1,
				  .mmkit_fpo = -1,
				  .judged = !a->is_short};
		r->limit_ns = w->limit == LIM_MEMSET   ? lim_set
			      : w->limit == LIM_MEMCPY ? lim_cpy
						       : -1;
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
	struct row rows[nworkloads];
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
