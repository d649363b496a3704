/*
 * bench_workloads.c - the workloads of `mmkit bench`, each written once
 * against struct side, and the table of rows with their targets
 * (docs/PERFORMANCE.md).
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

static int wl_mmap1(struct side *s)
{
	return mmap_munmap(s, ANON);
}
static int wl_mmap2(struct side *s)
{
	return mmap_munmap(s, FILE_LARGE);
}

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
int64_t layout_build(struct side *s, uint64_t n)
{
	const uint64_t vbytes = LAYOUT_PAGES * PAGE;
	int64_t base =
	    s->ops->mmap(s, 0, n * vbytes, MMK_PROT_NONE, PRIV_ANON | MMK_MAP_NORESERVE, -1);
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

static int wl_mprotect(struct side *s)
{
	return mprotect_pair(s, s->b->nvma);
}
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

const struct workload workloads[] = {
    {"mmap1", wl_mmap1, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
    {"mmap2", wl_mmap2, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
    {"page_fault1", wl_page_fault1, false, false, LIM_MEMSET, TGT_RATIO, 0.4, "ratio <= 0.4"},
    {"page_fault2", wl_page_fault2, false, false, LIM_MEMCPY, TGT_RATIO, 0.4, "ratio <= 0.4"},
    {"page_fault3", wl_page_fault3, false, false, LIM_NONE, TGT_RATIO, 0.5, "ratio <= 0.5"},
    {"read_pass", wl_read_pass, false, false, LIM_NONE, TGT_RATIO, 0.5, "ratio <= 0.5"},
    {"page_fault3_4k", wl_page_fault3_4k, false, false, LIM_NONE, TGT_NONE, 0, "(Linux 4K folios)"},
    {"read_pass_4k", wl_read_pass_4k, false, false, LIM_NONE, TGT_NONE, 0, "(Linux 4K folios)"},
    {"mprotect", wl_mprotect, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
    {"munmap_mmap", wl_munmap_mmap, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
    {"mprotect_1m", wl_mprotect_1m, true, true, LIM_NONE, TGT_NONE, 0, "(information)"},
    {"munmap_mmap_1m", wl_munmap_mmap_1m, true, true, LIM_NONE, TGT_NONE, 0, "(information)"},
    {"brk", wl_brk, false, false, LIM_NONE, TGT_RATIO, 0.1, "ratio <= 0.1"},
    {"fork", wl_fork, false, false, LIM_NONE, TGT_RATIO, 0.3, "ratio <= 0.3"},
    {"load_random", wl_load_random, false, false, LIM_NONE, TGT_NONE, 0, "(see tlb_hit)"},
    {"load_tlb_hit", wl_load_tlb_hit, false, false, LIM_NONE, TGT_NS, 3.0, "mmkit <= 3 ns"},
    {"bulk_copy", wl_bulk_copy, false, false, LIM_MEMCPY, TGT_RATIO, 1 / 0.7, ">= 0.7x memcpy"},
    {"bulk_copy_dst16", wl_bulk_copy_dst16, false, false, LIM_MEMCPY, TGT_NONE, 0,
     "(buffer at +16)"},
};
const size_t nworkloads = sizeof(workloads) / sizeof(workloads[0]);

const struct workload limit_memset = {.name = "memset_4k", .run = wl_memset_4k};
const struct workload limit_memcpy = {.name = "memcpy_4k", .run = wl_memcpy_4k};
