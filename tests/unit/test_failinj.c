/*
 * test_failinj.c - allocation failure at every point (SQLite's malloc tests):
 * each scenario runs with the system's countdown (mmk_system_fail_after) at
 * 0, 1, 2, ... until it completes without reaching it.  After each run:
 * every call returned success or -ENOMEM (an injected frame failure is
 * never answered by the OOM killer, so no process dies), the invariants
 * hold, the data written before the failing call is intact, and destroy
 * finds no leak (frames and VMAs abort in mmk_system_destroy, host memory
 * is LeakSanitizer's).  Both modes: the Nth allocation alone fails, and
 * every allocation from the Nth on fails.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>

#include "mmk_test.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* Whether host memory leaked so far: LeakSanitizer now, so that a leak is
 * reported against the scenario that made it. */
static bool host_leaked(void)
{
	return __lsan_do_recoverable_leak_check() != 0;
}
#else
static bool host_leaked(void)
{
	return false;
}
#endif

#define PG 4096ULL

/* One run of a scenario: the first unexpected result, if any. */
struct run {
	struct fixture fx;
	int enomem;    /* a call returned -ENOMEM: the scenario stopped there */
	char bad[256]; /* an unexpected result, or "" */
	uint64_t a;    /* the scenario's main mapping */
};

/* Evaluates a call; -ENOMEM (or madvise's -EAGAIN for it) stops the
 * scenario, any other error is a bug. */
#define STEP(r, expr)                                                                              \
	do {                                                                                       \
		int64_t v_ = (int64_t)(expr);                                                      \
		if (v_ == -ENOMEM || v_ == -EAGAIN) {                                              \
			(r)->enomem = 1;                                                           \
			return;                                                                    \
		}                                                                                  \
		if (v_ < 0) {                                                                      \
			snprintf((r)->bad, sizeof((r)->bad), "%s:%d: %s = %lld", __FILE__,         \
				 __LINE__, #expr, (long long)v_);                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* fx_done() without a shell: the scenarios leave only plain files in the
 * root, and a run is thousands of systems. */
static int dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	return rmdir(dir);
}

static int fx_finish(struct fixture *fx)
{
	int ret = fx_check(fx);
	if (fx->p)
		mmk_exit(fx->p);
	fx->p = NULL;
	if (mmk_system_destroy(fx->sys))
		ret = -1;
	if (dir_remove(fx->dir))
		ret = -1;
	return ret;
}

/* Writes page i of [a, a + n pages) full of byte (seed + i). */
static int fill_pages(mmk_proc *p, uint64_t a, unsigned n, int seed)
{
	for (unsigned i = 0; i < n; i++) {
		int err = mmk_fill(p, a + i * PG, (seed + (int)i) & 0xff, PG, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* Whether page i of [a, a + n pages) still holds byte (seed + i). */
static bool pages_hold(mmk_proc *p, uint64_t a, unsigned n, int seed)
{
	static unsigned char buf[PG];
	for (unsigned i = 0; i < n; i++) {
		if (mmk_load(p, a + i * PG, buf, PG, NULL))
			return false;
		for (size_t j = 0; j < PG; j++)
			if (buf[j] != (unsigned char)((seed + (int)i) & 0xff))
				return false;
	}
	return true;
}

/* ---- the scenarios: setup (no injection), act (injected), verify ------- */

struct scenario {
	const char *name;
	struct mmk_config cfg;
	void (*setup)(struct run *r);
	void (*act)(struct run *r);
	void (*verify)(struct run *r); /* after the countdown is disarmed */
};

/* A private anonymous mapping of 8 pages, filled. */
static void setup_anon8(struct run *r)
{
	mmk_proc *p = r->fx.p;
	r->a = (uint64_t)mmk_mmap(p, 0, 8 * PG, RW, PA, -1, 0);
	if ((int64_t)r->a < 0 || fill_pages(p, r->a, 8, 1))
		snprintf(r->bad, sizeof(r->bad), "setup failed");
}

/* The 8 filled pages are intact (a failed call changed nothing visible). */
static void verify_anon8(struct run *r)
{
	if (!pages_hold(r->fx.p, r->a, 8, 1))
		snprintf(r->bad, sizeof(r->bad), "data of the mapping lost");
}

static void act_mmap_touch(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int64_t b = mmk_mmap(p, 0, 16 * PG, RW, PA, -1, 0);
	STEP(r, b);
	STEP(r, fill_pages(p, (uint64_t)b, 16, 7));
	if (!pages_hold(p, (uint64_t)b, 16, 7))
		snprintf(r->bad, sizeof(r->bad), "new mapping reads wrong");
}

static void act_mprotect_split(struct run *r)
{
	STEP(r, mmk_mprotect(r->fx.p, r->a + 2 * PG, 2 * PG, MMK_PROT_READ));
	STEP(r, mmk_mprotect(r->fx.p, r->a + 2 * PG, 2 * PG, RW)); /* merges back */
	STEP(r, mmk_mprotect(r->fx.p, r->a + 6 * PG, 2 * PG, MMK_PROT_READ));
}

static void act_munmap_middle(struct run *r)
{
	STEP(r, mmk_munmap(r->fx.p, r->a + 3 * PG, 2 * PG));
	/* put it back, so verify reads all 8 pages */
	STEP(r, mmk_mmap(r->fx.p, r->a + 3 * PG, 2 * PG, RW, PA | MMK_MAP_FIXED, -1, 0));
	STEP(r, fill_pages(r->fx.p, r->a + 3 * PG, 2, 4));
}

static void act_mremap(struct run *r)
{
	mmk_proc *p = r->fx.p;
	/* a neighbour after the mapping forces the grow to move */
	STEP(r, mmk_mmap(p, r->a + 8 * PG, PG, RW, PA | MMK_MAP_FIXED, -1, 0));
	int64_t n = mmk_mremap(p, r->a, 8 * PG, 32 * PG, MMK_MREMAP_MAYMOVE, 0);
	STEP(r, n);
	r->a = (uint64_t)n;
	STEP(r, mmk_mremap(p, r->a, 32 * PG, 8 * PG, 0, 0)); /* shrink in place */
}

static void act_fork(struct run *r)
{
	mmk_proc *p = r->fx.p, *c = NULL;
	/* two VMAs with anon_vmas, so dup_mmap clones two chains */
	STEP(r, mmk_mprotect(p, r->a + 4 * PG, 4 * PG, MMK_PROT_READ));
	STEP(r, mmk_fork(p, &c));
	unsigned char b = 0x5a;
	int64_t err = mmk_store(c, r->a, &b, 1, NULL); /* COW in the child */
	if (err == 0)
		err = mmk_store(p, r->a + PG, &b, 1, NULL); /* COW in the parent */
	if (err == 0)
		err = fill_pages(p, r->a + PG, 1, 2); /* restore for verify */
	if (err == 0) /* split a VMA whose anon_vma chain has two links */
		err = mmk_mprotect(c, r->a + PG, PG, MMK_PROT_READ);
	if (err == 0) /* and move part of it: copy_vma clones the chain */
		err = mmk_mremap(c, r->a + 2 * PG, PG, PG, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
				 r->a + 16 * PG);
	if (err > 0)
		err = 0;
	if (err == 0) {
		mmk_proc *g = NULL; /* a grandchild: anon_vma_clone of a chain */
		err = mmk_fork(c, &g);
		if (err > 0) {
			err = mmk_store(g, r->a + 3 * PG, &b, 1, NULL);
			mmk_exit(g);
		}
	}
	mmk_exit(c);
	STEP(r, err);
	STEP(r, mmk_mprotect(p, r->a + 4 * PG, 4 * PG, RW));
}

/* Pages 2-4 were dropped: each holds its byte again, or zeroes (the
 * refill stopped before it); the others are intact. */
static void verify_dontneed(struct run *r)
{
	static unsigned char zero[PG], buf[PG];
	for (unsigned i = 0; i < 8; i++) {
		if (i >= 2 && i <= 4 && mmk_load(r->fx.p, r->a + i * PG, buf, PG, NULL) == 0 &&
		    memcmp(buf, zero, PG) == 0)
			continue;
		if (!pages_hold(r->fx.p, r->a + i * PG, 1, 1 + (int)i))
			snprintf(r->bad, sizeof(r->bad), "page %u lost its data", i);
	}
}

static void act_dontneed(struct run *r)
{
	STEP(r, mmk_madvise(r->fx.p, r->a + 2 * PG, 3 * PG, MMK_MADV_DONTNEED));
	STEP(r, fill_pages(r->fx.p, r->a, 8, 1)); /* refault them */
}

static void act_exec(struct run *r)
{
	mmk_proc *p = r->fx.p;
	STEP(r, mmk_set_anon_name(p, r->a + PG, PG, "named"));
	STEP(r, mmk_exec(p));
	r->a = (uint64_t)mmk_mmap(p, 0, 8 * PG, RW, PA, -1, 0);
	STEP(r, r->a);
	STEP(r, fill_pages(p, r->a, 8, 1));
}

/* Guard markers over present pages 2-3 of the mapping and into a range no
 * page table covers yet (install makes one), copied by fork into a child
 * that moves them with mremap, then removed: pages 2-3 hold their data,
 * or zeroes once the markers replaced them; the others are intact. */
static void act_guard(struct run *r)
{
	mmk_proc *p = r->fx.p, *c = NULL;
	STEP(r, mmk_madvise(p, r->a + 2 * PG, 2 * PG, MMK_MADV_GUARD_INSTALL));
	int64_t b = mmk_mmap(p, 0, 4 << 20, RW, PA, -1, 0);
	STEP(r, b);
	STEP(r, mmk_madvise(p, (uint64_t)b + (2 << 20), 2 * PG, MMK_MADV_GUARD_INSTALL));
	STEP(r, mmk_fork(p, &c));
	int64_t err = mmk_mremap(c, (uint64_t)b + (2 << 20), 4 * PG, 4 * PG,
				 MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, (uint64_t)b);
	if (err > 0)
		err = mmk_madvise(c, (uint64_t)b, 4 * PG, MMK_MADV_GUARD_REMOVE);
	mmk_exit(c);
	STEP(r, err);
	STEP(r, mmk_madvise(p, r->a, 8 * PG, MMK_MADV_GUARD_REMOVE));
}

static void verify_guard(struct run *r)
{
	static unsigned char zero[PG], buf[PG];
	for (unsigned i = 0; i < 8; i++) {
		if (i == 2 || i == 3) {
			int err = mmk_load(r->fx.p, r->a + i * PG, buf, PG, NULL);
			if (err == -EFAULT || (err == 0 && !memcmp(buf, zero, PG)))
				continue; /* a marker, or the zeroes one left */
		}
		if (!pages_hold(r->fx.p, r->a + i * PG, 1, 1 + (int)i))
			snprintf(r->bad, sizeof(r->bad), "page %u lost its data", i);
	}
}

static void setup_file(struct run *r)
{
	fx_file(&r->fx, "f", 8 * PG, -1);
}

/* The file f: byte i is (i & 0xff), except page 1 which the act may have
 * rewritten to all 0x33. */
static void verify_file(struct run *r)
{
	static unsigned char buf[8 * PG];
	int64_t n = mmk_sys_file_read(r->fx.sys, "f", 0, buf, sizeof(buf));
	if (n != (int64_t)sizeof(buf)) {
		snprintf(r->bad, sizeof(r->bad), "file read %lld", (long long)n);
		return;
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		bool pg1 = i / PG == 1;
		if (buf[i] != (unsigned char)(i & 0xff) && !(pg1 && buf[i] == 0x33)) {
			snprintf(r->bad, sizeof(r->bad), "file byte %zu is %u", i, buf[i]);
			return;
		}
	}
}

static void act_file(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int fd = mmk_open(p, "f", MMK_O_RDWR, 0);
	STEP(r, fd);
	int64_t a = mmk_mmap(p, 0, 8 * PG, RW, MMK_MAP_SHARED, fd, 0);
	int64_t q = a >= 0 ? mmk_mmap(p, 0, 4 * PG, RW, MMK_MAP_PRIVATE, fd, 4 * PG) : a;
	mmk_close(p, fd);
	STEP(r, a);
	STEP(r, q);
	unsigned char b[16];
	STEP(r, mmk_load(p, (uint64_t)a + 5 * PG, b, sizeof(b), NULL));
	STEP(r, mmk_fill(p, (uint64_t)a + PG, 0x33, PG, NULL));
	STEP(r, mmk_fill(p, (uint64_t)q, 0x44, PG, NULL)); /* private COW of page 4 */
	STEP(r, mmk_msync(p, (uint64_t)a, 8 * PG, MMK_MS_SYNC));
	STEP(r, mmk_munmap(p, (uint64_t)a + 2 * PG, PG));
}

static void act_file_io(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int fd = mmk_open(p, "f", MMK_O_RDWR, 0);
	STEP(r, fd);
	static unsigned char b[3 * PG];
	int64_t n = mmk_pread(p, fd, b, sizeof(b), 0);
	if (n >= 0) {
		memset(b, 0x33, PG);
		n = mmk_pwrite(p, fd, b, PG, (int64_t)PG);
	}
	if (n >= 0)
		n = mmk_fsync(p, fd);
	mmk_close(p, fd);
	STEP(r, n);
}

/* RAM of 512 KiB with 1 MiB of swap: touching 768 KiB swaps out. */
static void act_swap(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int64_t a = mmk_mmap(p, 0, 192 * PG, RW, PA, -1, 0);
	STEP(r, a);
	for (unsigned i = 0; i < 192; i += 1)
		STEP(r, mmk_fill(p, (uint64_t)a + i * PG, (int)(i & 0xff), 64, NULL));
	unsigned char b;
	STEP(r, mmk_load(p, (uint64_t)a, &b, 1, NULL)); /* swap back in */
	if (b != 0)
		snprintf(r->bad, sizeof(r->bad), "swapped page reads %u", b);
}

/* Anonymous names and mlock split and merge VMAs; munmap over three. */
static void act_names_locks(struct run *r)
{
	mmk_proc *p = r->fx.p;
	STEP(r, mmk_set_anon_name(p, r->a + PG, 2 * PG, "one"));
	STEP(r, mmk_set_anon_name(p, r->a + 5 * PG, PG, "two"));
	STEP(r, mmk_mlock(p, r->a + 2 * PG, 4 * PG));
	STEP(r, mmk_munlock(p, r->a, 8 * PG));
	STEP(r, mmk_set_anon_name(p, r->a, 8 * PG, NULL));
	STEP(r, mmk_mprotect(p, r->a + 3 * PG, 2 * PG, MMK_PROT_READ));
	STEP(r, mmk_madvise(p, r->a + PG, PG, MMK_MADV_DONTFORK));
	mmk_proc *c = NULL;
	STEP(r, mmk_fork(p, &c));
	mmk_exit(c);
}

/* MAP_SHARED|MAP_ANONYMOUS (shmem) shared with a child, partly unmapped. */
static void act_shared_anon(struct run *r)
{
	mmk_proc *p = r->fx.p, *c = NULL;
	int64_t a = mmk_mmap(p, 0, 8 * PG, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	STEP(r, a);
	STEP(r, fill_pages(p, (uint64_t)a, 8, 3));
	STEP(r, mmk_fork(p, &c));
	int err = mmk_fill(c, (uint64_t)a + PG, 0x77, PG, NULL);
	if (!err)
		err = mmk_munmap(c, (uint64_t)a + 2 * PG, 2 * PG);
	mmk_exit(c);
	STEP(r, err);
	unsigned char b;
	STEP(r, mmk_load(p, (uint64_t)a + PG, &b, 1, NULL));
	if (b != 0x77)
		snprintf(r->bad, sizeof(r->bad), "shared page reads %u", b);
	STEP(r, mmk_mremap(p, (uint64_t)a, 8 * PG, 16 * PG, MMK_MREMAP_MAYMOVE, 0));
}

static void act_brk(struct run *r)
{
	mmk_proc *p = r->fx.p;
	STEP(r, mmk_set_brk_base(p, 0x10000000));
	uint64_t b = mmk_brk(p, 0x10000000 + 16 * PG);
	if (b != 0x10000000 + 16 * PG) {
		r->enomem = 1; /* brk reports failure by the old break */
		return;
	}
	STEP(r, fill_pages(p, 0x10000000, 16, 9));
	/* Shrinking splits the heap VMA (__split_vma allocates): a failure
	 * leaves the old break, as Linux's brk() returns origbrk. */
	b = mmk_brk(p, 0x10000000 + 4 * PG);
	if (b == 0x10000000 + 16 * PG && mmk_brk(p, 0) == b)
		r->enomem = 1;
	else if (b != 0x10000000 + 4 * PG)
		snprintf(r->bad, sizeof(r->bad), "brk shrink gave %#llx", (unsigned long long)b);
}

/* A private file mapping moved by mremap, COWed, and a shared one grown. */
static void act_file_mremap(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int fd = mmk_open(p, "f", MMK_O_RDWR, 0);
	STEP(r, fd);
	int64_t a = mmk_mmap(p, 0, 4 * PG, RW, MMK_MAP_PRIVATE, fd, 0);
	int64_t s = a >= 0 ? mmk_mmap(p, 0, 2 * PG, RW, MMK_MAP_SHARED, fd, 0) : a;
	mmk_close(p, fd);
	STEP(r, a);
	STEP(r, s);
	STEP(r, mmk_fill(p, (uint64_t)a + PG, 0x55, 16, NULL));
	int64_t b = mmk_mremap(p, (uint64_t)a, 4 * PG, 8 * PG, MMK_MREMAP_MAYMOVE, 0);
	STEP(r, b);
	unsigned char c;
	STEP(r, mmk_load(p, (uint64_t)b + PG, &c, 1, NULL));
	if (c != 0x55)
		snprintf(r->bad, sizeof(r->bad), "moved private page reads %u", c);
	STEP(r, mmk_mremap(p, (uint64_t)s, 2 * PG, 6 * PG, MMK_MREMAP_MAYMOVE, 0));
	STEP(r, mmk_madvise(p, (uint64_t)b, 8 * PG, MMK_MADV_DONTNEED));
}

/* Population and locking: MAP_POPULATE, mlockall, MADV_POPULATE_WRITE,
 * mremap with MREMAP_DONTUNMAP, munmap across three VMAs. */
static void act_populate_lock(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int64_t b = mmk_mmap(p, 0, 8 * PG, RW, PA | MMK_MAP_POPULATE, -1, 0);
	STEP(r, b);
	STEP(r, mmk_mlockall(p, MMK_MCL_CURRENT));
	STEP(r, mmk_munlockall(p));
	STEP(r, mmk_mprotect(p, (uint64_t)b + 2 * PG, 2 * PG, MMK_PROT_READ));
	STEP(r, mmk_madvise(p, (uint64_t)b, 2 * PG, MMK_MADV_POPULATE_WRITE));
	STEP(r, mmk_munmap(p, (uint64_t)b + PG, 5 * PG));
	STEP(r, mmk_mremap(p, r->a, 8 * PG, 8 * PG, MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP, 0));
}

/* A new file: create, extend, map, truncate under the mapping, unlink. */
static void act_file_lifecycle(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int fd = mmk_open(p, "g", MMK_O_RDWR | MMK_O_CREAT | MMK_O_TRUNC, 0644);
	STEP(r, fd);
	int fd2 = mmk_dup(p, fd);
	mmk_close(p, fd);
	STEP(r, fd2);
	int64_t a = mmk_ftruncate(p, fd2, 6 * PG), err = a;
	if (!err)
		err = a = mmk_mmap(p, 0, 6 * PG, RW, MMK_MAP_SHARED, fd2, 0);
	if (err >= 0)
		err = mmk_fill(p, (uint64_t)a, 0x21, 6 * PG, NULL);
	if (!err)
		err = mmk_ftruncate(p, fd2, 2 * PG + 100); /* zaps pages 3-5 */
	if (!err)
		err = mmk_msync(p, (uint64_t)a, 3 * PG, MMK_MS_SYNC);
	mmk_close(p, fd2);
	STEP(r, err);
	STEP(r, mmk_unlink(p, "g"));
}

/* shmem: MADV_REMOVE punches pages out, a read refaults them. */
static void act_shmem_remove(struct run *r)
{
	mmk_proc *p = r->fx.p;
	int64_t a = mmk_mmap(p, 0, 8 * PG, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	STEP(r, a);
	STEP(r, fill_pages(p, (uint64_t)a, 8, 5));
	STEP(r, mmk_madvise(p, (uint64_t)a + 2 * PG, 2 * PG, MMK_MADV_REMOVE));
	unsigned char b;
	STEP(r, mmk_load(p, (uint64_t)a + 3 * PG, &b, 1, NULL));
	if (b != 0)
		snprintf(r->bad, sizeof(r->bad), "removed shmem page reads %u", b);
}

/* A second process: spawned, opens and maps the file, forks with the file
 * and a shared anonymous mapping, exits. */
static void act_spawn_open(struct run *r)
{
	mmk_proc *q = NULL, *c = NULL;
	STEP(r, mmk_spawn(r->fx.sys, &q));
	int fd = mmk_open(q, "f", MMK_O_RDWR, 0);
	int64_t err = fd;
	int64_t a = fd >= 0 ? mmk_mmap(q, 0, 8 * PG, RW, MMK_MAP_SHARED, fd, 0) : fd;
	int64_t s =
	    a >= 0 ? mmk_mmap(q, 0, 2 * PG, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0) : a;
	err = s < 0 ? s : 0;
	if (!err)
		err = mmk_fill(q, (uint64_t)s, 1, PG, NULL);
	if (!err)
		err = mmk_fork(q, &c);
	if (err > 0) {
		unsigned char b[8];
		err = mmk_load(c, (uint64_t)a + PG, b, sizeof(b), NULL);
		mmk_exit(c);
	}
	mmk_exit(q);
	STEP(r, err);
}

/* shmem and anonymous pages swapped out in a small RAM, a child forked
 * over the swap entries, everything read back. */
static void act_shmem_swap(struct run *r)
{
	mmk_proc *p = r->fx.p, *c = NULL;
	int64_t s = mmk_mmap(p, 0, 96 * PG, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS, -1, 0);
	STEP(r, s);
	int64_t a = mmk_mmap(p, 0, 96 * PG, RW, PA, -1, 0);
	STEP(r, a);
	for (unsigned i = 0; i < 96; i++) {
		STEP(r, mmk_fill(p, (uint64_t)s + i * PG, (int)(i + 1), 8, NULL));
		STEP(r, mmk_fill(p, (uint64_t)a + i * PG, (int)(i + 2), 8, NULL));
	}
	STEP(r, mmk_fork(p, &c));
	int64_t err = 0;
	for (unsigned i = 0; i < 96 && !err; i += 7) {
		unsigned char b[2];
		err = mmk_load(c, (uint64_t)s + i * PG, &b[0], 1, NULL);
		if (!err)
			err = mmk_load(c, (uint64_t)a + i * PG, &b[1], 1, NULL);
		if (!err && (b[0] != (unsigned char)(i + 1) || b[1] != (unsigned char)(i + 2)))
			snprintf(r->bad, sizeof(r->bad), "page %u reads %u %u", i, b[0], b[1]);
	}
	mmk_exit(c);
	STEP(r, err);
}

/* The system's own file access, readahead and mincore on a mapping,
 * MS_INVALIDATE. */
static void act_readahead(struct run *r)
{
	mmk_proc *p = r->fx.p;
	static unsigned char data[24 * PG];
	memset(data, 0x61, sizeof(data));
	STEP(r, mmk_sys_file_create(r->fx.sys, "h", data, sizeof(data)));
	STEP(r, mmk_sys_file_write(r->fx.sys, "h", PG, data, PG));
	int fd = mmk_open(p, "h", MMK_O_RDWR, 0);
	STEP(r, fd);
	int64_t a = mmk_mmap(p, 0, 24 * PG, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	mmk_close(p, fd);
	STEP(r, a);
	STEP(r, mmk_madvise(p, (uint64_t)a, 24 * PG, MMK_MADV_WILLNEED));
	unsigned char vec[24];
	STEP(r, mmk_mincore(p, (uint64_t)a, 24 * PG, vec));
	unsigned char b;
	STEP(r, mmk_load(p, (uint64_t)a + 20 * PG, &b, 1, NULL));
	if (b != 0x61)
		snprintf(r->bad, sizeof(r->bad), "file page reads %u", b);
	STEP(r, mmk_msync(p, (uint64_t)a, 24 * PG, MMK_MS_INVALIDATE));
	STEP(r, mmk_sys_file_read(r->fx.sys, "h", 3 * PG, data, PG));
}

static const struct scenario scenarios[] = {
    {"mmap_touch", {0}, setup_anon8, act_mmap_touch, verify_anon8},
    {"mprotect_split", {0}, setup_anon8, act_mprotect_split, verify_anon8},
    {"munmap_middle", {0}, setup_anon8, act_munmap_middle, NULL},
    {"mremap_grow_move", {0}, setup_anon8, act_mremap, verify_anon8},
    {"fork_cow", {0}, setup_anon8, act_fork, verify_anon8},
    {"madvise_dontneed", {0}, setup_anon8, act_dontneed, verify_dontneed},
    {"exec", {0}, setup_anon8, act_exec, NULL},
    {"file_mmap_msync", {0}, setup_file, act_file, verify_file},
    {"file_read_write", {0}, setup_file, act_file_io, verify_file},
    {"swap_out", {.ram_bytes = 512 << 10, .swap_bytes = 1 << 20}, NULL, act_swap, NULL},
    {"names_locks", {0}, setup_anon8, act_names_locks, verify_anon8},
    {"shared_anon_fork", {0}, NULL, act_shared_anon, NULL},
    {"brk_grow_shrink", {0}, NULL, act_brk, NULL},
    {"mremap_file_dontfork", {0}, setup_file, act_file_mremap, verify_file},
    {"populate_lock", {0}, setup_anon8, act_populate_lock, NULL},
    {"file_lifecycle", {0}, NULL, act_file_lifecycle, NULL},
    {"shmem_remove", {0}, NULL, act_shmem_remove, NULL},
    {"spawn_open_fork", {0}, setup_file, act_spawn_open, verify_file},
    {"shmem_swap_fork",
     {.ram_bytes = 512 << 10, .swap_bytes = 1 << 20},
     NULL,
     act_shmem_swap,
     NULL},
    {"readahead_mincore", {0}, NULL, act_readahead, NULL},
    {"guard_regions", {0}, setup_anon8, act_guard, verify_guard},
};

/* After a failure the system goes on: a new mapping, written, forked,
 * COWed, unmapped. */
static void still_works(struct run *r)
{
	mmk_proc *p = r->fx.p, *c = NULL;
	int64_t a = mmk_mmap(p, 0, 4 * PG, RW, PA, -1, 0);
	if (a < 0 || fill_pages(p, (uint64_t)a, 4, 8) || mmk_fork(p, &c) <= 0) {
		snprintf(r->bad, sizeof(r->bad), "system unusable after the failure");
		return;
	}
	int err = fill_pages(c, (uint64_t)a, 4, 9);
	mmk_exit(c);
	if (err || !pages_hold(p, (uint64_t)a, 4, 8) || mmk_munmap(p, (uint64_t)a, 4 * PG))
		snprintf(r->bad, sizeof(r->bad), "system misbehaves after the failure");
}

/* Runs scenario s with the countdown at n; returns the failures injected,
 * or -1 (after reporting) when something broke. */
static int64_t run_once(const struct scenario *s, int64_t n, bool persist)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	struct mmk_config cfg = s->cfg;
	if (!cfg.ram_bytes)
		cfg.ram_bytes = 4 << 20;
	if (fx_init_cfg(&r.fx, &cfg)) {
		printf("  %s: fixture failed\n", s->name);
		return -1;
	}
	if (s->setup)
		s->setup(&r);
	if (!r.bad[0]) {
		mmk_system_fail_after(r.fx.sys, n, persist);
		s->act(&r);
		uint64_t hits = mmk_system_failures(r.fx.sys);
		mmk_system_fail_after(r.fx.sys, -1, 0);
		if (!r.bad[0] && r.enomem && !hits)
			snprintf(r.bad, sizeof(r.bad), "-ENOMEM with nothing injected");
		if (!r.bad[0] && mmk_proc_killed(r.fx.p))
			snprintf(r.bad, sizeof(r.bad), "the process was killed");
		if (!r.bad[0] && s->verify)
			s->verify(&r);
		if (!r.bad[0])
			still_works(&r);
		if (!r.bad[0] && fx_check(&r.fx))
			snprintf(r.bad, sizeof(r.bad), "invariants broken");
		if (fx_finish(&r.fx) && !r.bad[0])
			snprintf(r.bad, sizeof(r.bad), "destroy failed");
		if (!r.bad[0])
			return (int64_t)hits;
	} else {
		fx_finish(&r.fx);
	}
	printf("  %s, failing allocation %lld%s: %s\n", s->name, (long long)n + 1,
	       persist ? " on" : "", r.bad);
	return -1;
}

/* Runs s failing allocation 1, 2, ... until it completes untouched. */
static int run_all(const struct scenario *s, bool persist)
{
	for (int64_t n = 0; n < 100000; n++) {
		int64_t hits = run_once(s, n, persist);
		if (hits < 0)
			return -1;
		if (hits == 0) {
			printf("  %s%s: %lld allocations failed in turn\n", s->name,
			       persist ? " (persist)" : "", (long long)n);
			return 0;
		}
	}
	printf("  %s never completed\n", s->name);
	return -1;
}

#define SCENARIO_TEST(i, nm)                                                                       \
	TEST(nm)                                                                                   \
	{                                                                                          \
		CHECK(strcmp(scenarios[i].name, #nm) == 0);                                        \
		CHECK(run_all(&scenarios[i], false) == 0);                                         \
		CHECK(run_all(&scenarios[i], true) == 0);                                          \
		CHECK(!host_leaked());                                                             \
	}

SCENARIO_TEST(0, mmap_touch)
SCENARIO_TEST(1, mprotect_split)
SCENARIO_TEST(2, munmap_middle)
SCENARIO_TEST(3, mremap_grow_move)
SCENARIO_TEST(4, fork_cow)
SCENARIO_TEST(5, madvise_dontneed)
SCENARIO_TEST(6, exec)
SCENARIO_TEST(7, file_mmap_msync)
SCENARIO_TEST(8, file_read_write)
SCENARIO_TEST(9, swap_out)
SCENARIO_TEST(10, names_locks)
SCENARIO_TEST(11, shared_anon_fork)
SCENARIO_TEST(12, brk_grow_shrink)
SCENARIO_TEST(13, mremap_file_dontfork)
SCENARIO_TEST(14, populate_lock)
SCENARIO_TEST(15, file_lifecycle)
SCENARIO_TEST(16, shmem_remove)
SCENARIO_TEST(17, spawn_open_fork)
SCENARIO_TEST(18, shmem_swap_fork)
SCENARIO_TEST(19, readahead_mincore)
SCENARIO_TEST(20, guard_regions)

/* Teardown needs no memory: with every allocation failing, whole VMAs
 * unmap, processes exit and destroy writes every dirty page back (Linux's
 * munmap of whole VMAs, exit_mmap and writeback cannot fail for memory). */
TEST(teardown_with_every_allocation_failing)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	fx_file(&fx, "f", 8 * PG, -1);
	mmk_proc *c = NULL;
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	int64_t a = mmk_mmap(fx.p, 0, 8 * PG, RW, MMK_MAP_SHARED, fd, 0);
	int64_t b = mmk_mmap(fx.p, 0, 8 * PG, RW, PA, -1, 0);
	CHECK(a > 0 && b > 0);
	CHECK(mmk_fill(fx.p, (uint64_t)a + 2 * PG, 0x5e, 2 * PG, NULL) == 0);
	CHECK(fill_pages(fx.p, (uint64_t)b, 8, 1) == 0);
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK(mmk_fill(c, (uint64_t)a + 6 * PG, 0x6f, PG, NULL) == 0);
	mmk_system_fail_after(fx.sys, 0, 1);
	CHECK_EQ(mmk_munmap(c, (uint64_t)b, 8 * PG), 0);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, 8 * PG), 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK_EQ(mmk_exit(fx.p), 0);
	fx.p = NULL;
	CHECK_EQ(mmk_system_destroy(fx.sys), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/f", fx.dir);
	static unsigned char buf[8 * PG];
	int hfd = open(path, O_RDONLY);
	CHECK(hfd >= 0);
	CHECK_EQ(read(hfd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(hfd);
	for (size_t i = 0; i < sizeof(buf); i++) {
		unsigned char want = (unsigned char)(i & 0xff);
		if (i / PG == 2 || i / PG == 3)
			want = 0x5e;
		if (i / PG == 6)
			want = 0x6f;
		CHECK_EQ(buf[i], want);
	}
	CHECK(dir_remove(fx.dir) == 0);
}

/* madvise (and the anon-name prctl, which Linux runs through it) answer a
 * split or merge that failed for memory -- an allocation or the
 * max_map_count limit -- with -EAGAIN, not -ENOMEM (which for madvise means
 * a hole): madvise_vma_behavior()'s "madvise() returns EAGAIN if kernel
 * resources, such as slab, are temporarily unavailable", as the host
 * kernel answers madvise(MADV_DONTFORK) at the map count limit.  mprotect
 * and mlock keep -ENOMEM. */
TEST(madvise_split_failure_is_eagain)
{
	struct fixture fx;
	struct mmk_config c = {.max_map_count = 1};
	CHECK(fx_init_cfg(&fx, &c) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 8 * PG, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + PG, PG, MMK_MADV_DONTFORK), -EAGAIN);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + PG, PG, MMK_MADV_DONTDUMP), -EAGAIN);
	CHECK_EQ(mmk_set_anon_name(fx.p, (uint64_t)a + PG, PG, "x"), -EAGAIN);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)a + PG, PG, MMK_PROT_READ), -ENOMEM);
	CHECK_EQ(mmk_mlock(fx.p, (uint64_t)a + PG, PG), -ENOMEM);
	/* a hole is still -ENOMEM, after the advice was applied around it */
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + 8 * PG, PG, MMK_MADV_DONTFORK), -ENOMEM);
	CHECK(fx_finish(&fx) == 0);

	/* the same with the allocation failing instead of the limit */
	CHECK(fx_init(&fx) == 0);
	a = mmk_mmap(fx.p, 0, 8 * PG, RW, PA, -1, 0);
	CHECK(a > 0);
	mmk_system_fail_after(fx.sys, 0, 1);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + PG, PG, MMK_MADV_DONTFORK), -EAGAIN);
	CHECK_EQ(mmk_set_anon_name(fx.p, (uint64_t)a + PG, PG, "x"), -EAGAIN);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)a + PG, PG, MMK_PROT_READ), -ENOMEM);
	mmk_system_fail_after(fx.sys, -1, 0);
	CHECK(fx_finish(&fx) == 0);
}

/* The countdown itself: the Nth allocation fails once, or from then on. */
TEST(countdown_counts)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	mmk_system_fail_after(fx.sys, 0, 0);
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, RW, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_system_failures(fx.sys), 1);
	CHECK(mmk_mmap(fx.p, 0, PG, RW, PA, -1, 0) > 0); /* one-shot: disarmed */
	mmk_system_fail_after(fx.sys, 0, 1);		 /* PROT_READ: no merge, a new VMA */
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, MMK_PROT_READ, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_mmap(fx.p, 0, PG, MMK_PROT_READ, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_system_failures(fx.sys), 2);
	mmk_system_fail_after(fx.sys, -1, 0);
	CHECK_EQ(mmk_system_failures(fx.sys), 0);
	mmk_system_fail_after(NULL, 0, 0);
	CHECK_EQ(mmk_system_failures(NULL), 0);
	CHECK(fx_done(&fx) == 0);
}

T_MAIN
