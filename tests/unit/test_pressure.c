/*
 * test_pressure.c - the acceptance workloads of issue 5, at full size in
 * the release build (tests/run.sh runs each case under /usr/bin/time -v
 * and holds the host process's peak RSS to the RAM limit plus a fixed
 * overhead: tests/pressure.sh); the debug build runs them scaled down by
 * 64 so that the sanitizers and the invariant checker see the same paths.
 *
 *   file_scan      a 4 GiB sparse file mapped and read page by page with
 *                  64 MiB of RAM, every page's checksum checked
 *   anon_swap      1 GiB of anonymous memory written, then read back, with
 *                  64 MiB of RAM and 2 GiB of swap: every byte returns
 *   anon_no_swap   the same without swap: the writer is OOM-killed, and
 *                  only it -- a bystander process keeps its memory
 *   dirty_shared   a shared file mapping 4x RAM written under pressure: the
 *                  host file then holds every byte, compared with an
 *                  independent computation
 *
 * Figures are printed as "# ..." lines (docs/RECLAIM.md quotes them).
 */
#include <time.h>

#include "mmk_test.h"

#ifdef MMK_DEBUG
#define SCALE 64
#else
#define SCALE 1
#endif
#define PS	     4096ULL
#define RAM	     (64 * MB / SCALE)
#define SWAP	     (2048 * MB / SCALE)
#define FILE_BYTES   (4096 * MB / SCALE)
#define ANON_BYTES   (1024 * MB / SCALE)
#define SHARED_BYTES (4 * RAM)
#define MARK_EVERY   (16 * MB / SCALE) /* a marked page every 16 MiB; the rest is a hole */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: the independent source of every expected byte. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* FNV-1a over a page, 8 bytes at a time. */
static uint64_t page_sum(const uint64_t *w)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < PS / 8; i++)
		h = (h ^ w[i]) * 0x100000001b3ULL;
	return h;
}

static int init_sys(struct fixture *fx, uint64_t ram, uint64_t swap)
{
	/* vm.overcommit_memory=1: the workloads map more than RAM + swap on
	 * purpose, to meet the shortage at fault time */
	struct mmk_config c = {
	    .ram_bytes = ram, .swap_bytes = swap, .overcommit_memory = MMK_OVERCOMMIT_ALWAYS};
	return fx_init_cfg(fx, &c);
}

static void print_vmstat(mmk_system *sys, const char *what, double secs)
{
	struct mmk_vmstat v;
	mmk_vmstat(sys, &v);
	printf("# %s: %.1f s; pgfault %llu pgmajfault %llu pgscan %llu pgsteal %llu pswpin %llu "
	       "pswpout %llu pgpgin %llu kB pgpgout %llu kB oom_kill %llu\n",
	       what, secs, (unsigned long long)v.pgfault, (unsigned long long)v.pgmajfault,
	       (unsigned long long)(v.pgscan_kswapd + v.pgscan_direct),
	       (unsigned long long)(v.pgsteal_kswapd + v.pgsteal_direct),
	       (unsigned long long)v.pswpin, (unsigned long long)v.pswpout,
	       (unsigned long long)v.pgpgin, (unsigned long long)v.pgpgout,
	       (unsigned long long)v.oom_kill);
}

/* ---- 4 GiB file, 64 MiB RAM ------------------------------------------------ */

TEST(file_scan)
{
	struct fixture fx;
	CHECK(!init_sys(&fx, RAM, 0));
	char path[256];
	snprintf(path, sizeof(path), "%s/big", fx.dir);
	int hfd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(hfd >= 0);
	CHECK(ftruncate(hfd, (off_t)FILE_BYTES) == 0); /* sparse: costs no disk */
	for (uint64_t off = 0; off < FILE_BYTES; off += MARK_EVERY) {
		uint64_t mark = mix(off);
		CHECK(pwrite(hfd, &mark, 8, (off_t)off) == 8);
	}
	close(hfd);
	uint64_t zero_sum;
	{
		uint64_t z[PS / 8] = {0};
		zero_sum = page_sum(z);
	}
	int fd = mmk_open(fx.p, "big", MMK_O_RDONLY, 0);
	int64_t a = mmk_mmap(fx.p, 0, FILE_BYTES, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	double t0 = now_s();
	uint64_t page[PS / 8], bad = 0, total = 0;
	for (uint64_t off = 0; off < FILE_BYTES; off += PS) {
		if (mmk_load(fx.p, (uint64_t)a + off, page, PS, NULL)) {
			bad++;
			continue;
		}
		uint64_t want = zero_sum;
		if (off % MARK_EVERY == 0) {
			uint64_t m[PS / 8] = {mix(off)};
			want = page_sum(m);
		}
		uint64_t got = page_sum(page);
		bad += got != want;
		total ^= got;
	}
	double secs = now_s() - t0;
	printf("# file_scan: %llu MiB mapped file, %llu MiB RAM, combined checksum %016llx\n",
	       (unsigned long long)(FILE_BYTES >> 20), (unsigned long long)(RAM >> 20),
	       (unsigned long long)total);
	print_vmstat(fx.sys, "file_scan", secs);
	CHECK_EQ(bad, 0);
	struct mmk_vmstat v;
	mmk_vmstat(fx.sys, &v);
	CHECK(v.pgsteal_kswapd + v.pgsteal_direct >= (FILE_BYTES - RAM) / PS);
	CHECK(v.pgmajfault > 0);
	CHECK(!fx_done(&fx));
}

/* ---- 1 GiB anonymous, 64 MiB RAM, 2 GiB swap -------------------------------- */

static uint64_t anon_word(uint64_t page, uint64_t i)
{
	return mix(page * 512 + i);
}

/* Writes every page of [a, a + bytes); stops at the first failing store.
 * Returns the bytes written. */
static uint64_t write_anon(mmk_proc *p, uint64_t a, uint64_t bytes, struct mmk_siginfo *si)
{
	uint64_t w[PS / 8];
	for (uint64_t off = 0; off < bytes; off += PS) {
		for (uint64_t i = 0; i < PS / 8; i++)
			w[i] = anon_word(off / PS, i);
		if (mmk_store(p, a + off, w, PS, si))
			return off;
	}
	return bytes;
}

TEST(anon_swap)
{
	struct fixture fx;
	CHECK(!init_sys(&fx, RAM, SWAP));
	int64_t a = mmk_mmap(fx.p, 0, ANON_BYTES, RW, PA, -1, 0);
	CHECK(a > 0);
	double t0 = now_s();
	struct mmk_siginfo si;
	CHECK_EQ(write_anon(fx.p, (uint64_t)a, ANON_BYTES, &si), ANON_BYTES);
	uint64_t w[PS / 8], bad = 0;
	for (uint64_t off = 0; off < ANON_BYTES; off += PS) {
		if (mmk_load(fx.p, (uint64_t)a + off, w, PS, NULL)) {
			bad++;
			continue;
		}
		for (uint64_t i = 0; i < PS / 8; i++) {
			if (w[i] != anon_word(off / PS, i)) {
				bad++;
				break;
			}
		}
	}
	double secs = now_s() - t0;
	printf("# anon_swap: %llu MiB written and read back, %llu MiB RAM, %llu MiB swap\n",
	       (unsigned long long)(ANON_BYTES >> 20), (unsigned long long)(RAM >> 20),
	       (unsigned long long)(SWAP >> 20));
	print_vmstat(fx.sys, "anon_swap", secs);
	CHECK_EQ(bad, 0);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	struct mmk_vmstat v;
	mmk_vmstat(fx.sys, &v);
	CHECK(v.pswpout >= (ANON_BYTES - RAM) / PS);
	CHECK(v.pswpin >= (ANON_BYTES - RAM) / PS);
	CHECK_EQ(v.oom_kill, 0);
	CHECK(!fx_done(&fx));
}

TEST(anon_no_swap)
{
	struct fixture fx;
	CHECK(!init_sys(&fx, RAM, 0));
	/* A bystander with anonymous memory and a file of its own. */
	int64_t b = mmk_mmap(fx.p, 0, RAM / 8, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)b, 'b', RAM / 8, NULL), 0);
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	int64_t a = mmk_mmap(hog, 0, ANON_BYTES, RW, PA, -1, 0);
	CHECK(a > 0);
	double t0 = now_s();
	struct mmk_siginfo si;
	memset(&si, 0, sizeof(si));
	uint64_t done = write_anon(hog, (uint64_t)a, ANON_BYTES, &si);
	double secs = now_s() - t0;
	printf("# anon_no_swap: the writer was killed after %llu MiB (signal %d)\n",
	       (unsigned long long)(done >> 20), si.signo);
	print_vmstat(fx.sys, "anon_no_swap", secs);
	CHECK(done < ANON_BYTES);
	CHECK_EQ(si.signo, MMK_SIGKILL);
	CHECK_EQ(mmk_proc_killed(hog), MMK_SIGKILL);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	struct mmk_vmstat v;
	mmk_vmstat(fx.sys, &v);
	CHECK_EQ(v.oom_kill, 1);
	/* The bystander's memory is all there and it goes on allocating. */
	unsigned char c[PS];
	for (uint64_t off = 0; off < RAM / 8; off += PS) {
		CHECK_EQ(mmk_load(fx.p, (uint64_t)b + off, c, PS, NULL), 0);
		CHECK(c[0] == 'b' && c[PS - 1] == 'b');
	}
	int64_t m = mmk_mmap(fx.p, 0, RAM / 2, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)m, 'm', RAM / 2, NULL), 0);
	mmk_exit(hog);
	CHECK(!fx_done(&fx));
}

/* ---- Dirty shared file pages under pressure ---------------------------------------- */

TEST(dirty_shared)
{
	struct fixture fx;
	CHECK(!init_sys(&fx, RAM, 0));
	int fd = mmk_open(fx.p, "shared", MMK_O_RDWR | MMK_O_CREAT, 0644);
	CHECK(fd >= 3);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, (int64_t)SHARED_BYTES), 0);
	int64_t a = mmk_mmap(fx.p, 0, SHARED_BYTES, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	double t0 = now_s();
	uint64_t w[PS / 8];
	for (uint64_t off = 0; off < SHARED_BYTES; off += PS) {
		for (uint64_t i = 0; i < PS / 8; i++)
			w[i] = mix(off + i * 8 + 1);
		CHECK_EQ(mmk_store(fx.p, (uint64_t)a + off, w, PS, NULL), 0);
	}
	struct mmk_vmstat v;
	mmk_vmstat(fx.sys, &v);
	printf("# dirty_shared: %llu MiB written through a shared mapping, %llu MiB RAM: "
	       "%llu MiB written back under pressure before any sync\n",
	       (unsigned long long)(SHARED_BYTES >> 20), (unsigned long long)(RAM >> 20),
	       (unsigned long long)(v.pgpgout >> 10));
	CHECK(v.pgpgout >= ((SHARED_BYTES - RAM) >> 10));
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, SHARED_BYTES), 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(!fx_check(&fx));
	mmk_exit(fx.p);
	fx.p = NULL;
	CHECK_EQ(mmk_system_destroy(fx.sys), 0); /* writes back what is still dirty */
	double secs = now_s() - t0;
	/* The host file, read with plain pread, against the same computation. */
	char path[256];
	snprintf(path, sizeof(path), "%s/shared", fx.dir);
	int hfd = open(path, O_RDONLY);
	CHECK(hfd >= 0);
	uint64_t bad = 0;
	for (uint64_t off = 0; off < SHARED_BYTES; off += PS) {
		if (pread(hfd, w, PS, (off_t)off) != (ssize_t)PS) {
			bad++;
			continue;
		}
		for (uint64_t i = 0; i < PS / 8; i++) {
			if (w[i] != mix(off + i * 8 + 1)) {
				bad++;
				break;
			}
		}
	}
	close(hfd);
	printf("# dirty_shared: %.1f s, %llu bad pages in the host file\n", secs,
	       (unsigned long long)bad);
	CHECK_EQ(bad, 0);
	rm_rf(fx.dir);
}

T_MAIN
