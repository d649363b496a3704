/*
 * test_smaps.c - /proc/PID/smaps, status, pagemap and fault counters.
 * The exact text is checked against strings worked out from Linux 6.x's
 * show_smap/__show_smap/task_mem, and, where a scenario can be replayed on
 * the host with real mmap (anonymous memory at a fixed address), against
 * the host kernel's own /proc/self/smaps block, line by line after the
 * header (whose device and inode differ), with mmkit configured to have the
 * zero page exactly when the host kernel has.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "page_test.h"

#define ADDR 0x200000000000ULL

/* Copies the smaps block of the VMA starting at addr (without its first
 * line) from text into out.  0 or -1. */
static int smaps_block(const char *text, uint64_t addr, char *out, size_t len)
{
	char head[32];
	snprintf(head, sizeof(head), "%llx-", (unsigned long long)addr);
	const char *s = text;
	while (s && strncmp(s, head, strlen(head)) != 0) {
		s = strchr(s, '\n');
		s = s ? s + 1 : NULL;
	}
	if (!s || !(s = strchr(s, '\n')))
		return -1;
	s++;
	const char *e = strstr(s, "VmFlags:");
	if (!e || !(e = strchr(e, '\n')))
		return -1;
	size_t n = (size_t)(e + 1 - s);
	if (n >= len)
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

static char host_text[8 << 20];

/* The host's smaps block for addr. */
static int host_block(uint64_t addr, char *out, size_t len)
{
	int fd = open("/proc/self/smaps", O_RDONLY);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(host_text) - 1 &&
	       (r = read(fd, host_text + n, sizeof(host_text) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	host_text[n] = 0;
	return smaps_block(host_text, addr, out, len);
}

static int mmkit_block(mmk_proc *p, uint64_t addr, char *out, size_t len)
{
	static char text[1 << 18];
	if (mmk_proc_smaps(p, text, sizeof(text)) < 0)
		return -1;
	return smaps_block(text, addr, out, len);
}

/* Maps len bytes of private anonymous memory at ADDR on the host. */
static volatile char *host_map(size_t len, int prot, int flags)
{
	void *m = mmap((void *)ADDR, len, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | flags, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

/*
 * Whether the host kernel maps the shared zero page on a read fault of
 * anonymous memory (then a store after it faults again) or allocates a page
 * at once (a PVM guest booted with pvm_no_zero_page=1): two faults per page
 * or one, counted by getrusage over 16 pages.
 */
static int host_has_zero_page(void)
{
	enum { N = 16 };
	volatile char *p =
	    mmap(NULL, N * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < N; i++)
		(void)p[i * PS];
	for (int i = 0; i < N; i++)
		p[i * PS] = 1;
	getrusage(RUSAGE_SELF, &after);
	munmap((void *)p, N * PS);
	return after.ru_minflt - before.ru_minflt >= 2 * N;
}

/* A fixture whose system has the zero page exactly when the host has. */
static int fx_init_like_host(struct fixture *fx)
{
	struct mmk_config cfg = {.no_zero_page = !host_has_zero_page()};
	return fx_init_cfg(fx, &cfg);
}

TEST(smaps_text_of_an_anonymous_mapping)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x10000000, 3 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK_EQ(a, 0x10000000);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	CHECK_EQ(poke(fx.p, a + PS, 1), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS), 0);
	char buf[4096];
	CHECK(mmk_proc_smaps(fx.p, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "10000000-10003000 rw-p 00000000 00:00 0 \n"
		       "Size:                 12 kB\n"
		       "KernelPageSize:        4 kB\n"
		       "MMUPageSize:           4 kB\n"
		       "Rss:                   8 kB\n"
		       "Pss:                   8 kB\n"
		       "Pss_Dirty:             8 kB\n"
		       "Shared_Clean:          0 kB\n"
		       "Shared_Dirty:          0 kB\n"
		       "Private_Clean:         0 kB\n"
		       "Private_Dirty:         8 kB\n"
		       "Referenced:            8 kB\n"
		       "Anonymous:             8 kB\n"
		       "KSM:                   0 kB\n"
		       "LazyFree:              0 kB\n"
		       "AnonHugePages:         0 kB\n"
		       "ShmemPmdMapped:        0 kB\n"
		       "FilePmdMapped:         0 kB\n"
		       "Shared_Hugetlb:        0 kB\n"
		       "Private_Hugetlb:       0 kB\n"
		       "Swap:                  0 kB\n"
		       "SwapPss:               0 kB\n"
		       "Locked:                0 kB\n"
		       "THPeligible:           0\n"
		       "VmFlags: rd wr mr mw me ac \n");
	/* The view is truncated to the buffer but returns the full length. */
	char small[16];
	CHECK_EQ(mmk_proc_smaps(fx.p, small, sizeof(small)), (int64_t)strlen(buf));
	CHECK_STR(small, "10000000-100030");
	CHECK(!fx_done(&fx));
}

TEST(smaps_matches_the_host_for_anonymous_memory)
{
	volatile char *h = host_map(6 * PS, PROT_READ | PROT_WRITE, 0);
	if (!h) {
		printf("# host mapping at %#llx unavailable: skipped\n", ADDR);
		return;
	}
	struct fixture fx;
	CHECK(!fx_init_like_host(&fx));
	CHECK_EQ(mmk_mmap(fx.p, ADDR, 6 * PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)ADDR);
	/* write pages 0, 1, 4; read 2; DONTNEED page 4; page 5 untouched.
	 * (Not MADV_FREE: the host only queues the folios on a per-CPU LRU
	 * batch, so LazyFree there depends on when the batch drains.) */
	h[0] = 1, h[PS] = 1, h[4 * PS] = 1;
	(void)h[2 * PS];
	CHECK(!madvise((void *)(ADDR + 4 * PS), PS, MADV_DONTNEED));
	CHECK_EQ(poke(fx.p, ADDR, 1), 0);
	CHECK_EQ(poke(fx.p, ADDR + PS, 1), 0);
	CHECK_EQ(poke(fx.p, ADDR + 4 * PS, 1), 0);
	CHECK_EQ(peek(fx.p, ADDR + 2 * PS), 0);
	CHECK_EQ(mmk_madvise(fx.p, ADDR + 4 * PS, PS, MMK_MADV_DONTNEED), 0);
	char hb[2048], mb[2048];
	CHECK(!host_block(ADDR, hb, sizeof(hb)));
	CHECK(!mmkit_block(fx.p, ADDR, mb, sizeof(mb)));
	CHECK_STR(mb, hb);
	/* mprotect(PROT_NONE) keeps the pages; only the flags change. */
	CHECK(!mprotect((void *)ADDR, 6 * PS, PROT_NONE));
	CHECK_EQ(mmk_mprotect(fx.p, ADDR, 6 * PS, MMK_PROT_NONE), 0);
	CHECK(!host_block(ADDR, hb, sizeof(hb)));
	CHECK(!mmkit_block(fx.p, ADDR, mb, sizeof(mb)));
	CHECK_STR(mb, hb);
	munmap((void *)ADDR, 6 * PS);
	CHECK(!fx_done(&fx));
}

TEST(smaps_matches_the_host_for_populate_and_lock)
{
	volatile char *h = host_map(4 * PS, PROT_READ, MAP_POPULATE);
	if (!h) {
		printf("# host mapping unavailable: skipped\n");
		return;
	}
	struct fixture fx;
	CHECK(!fx_init_like_host(&fx));
	CHECK_EQ(mmk_mmap(fx.p, ADDR, 4 * PS, MMK_PROT_READ, PA | MMK_MAP_FIXED | MMK_MAP_POPULATE,
			  -1, 0),
		 (int64_t)ADDR);
	char hb[2048], mb[2048];
	CHECK(!host_block(ADDR, hb, sizeof(hb)));
	CHECK(!mmkit_block(fx.p, ADDR, mb, sizeof(mb)));
	CHECK_STR(mb, hb);
	munmap((void *)ADDR, 4 * PS);
	/* The raw system call: the sanitizers turn mlock() into a no-op. */
	volatile char *l = host_map(3 * PS, PROT_READ | PROT_WRITE, 0);
	if (l && syscall(SYS_mlock, (const void *)l, 3 * PS) == 0) {
		CHECK_EQ(mmk_mmap(fx.p, ADDR, 3 * PS, RW, PA | MMK_MAP_FIXED, -1, 0),
			 (int64_t)ADDR);
		CHECK_EQ(mmk_mlock(fx.p, ADDR, 3 * PS), 0);
		CHECK(!host_block(ADDR, hb, sizeof(hb)));
		CHECK(!mmkit_block(fx.p, ADDR, mb, sizeof(mb)));
		CHECK_STR(mb, hb);
	}
	munmap((void *)ADDR, 3 * PS);
	CHECK(!fx_done(&fx));
}

TEST(pss_divides_by_mapcount_with_linux_rounding)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 3 * PS, 's');
	mmk_proc *q[2];
	CHECK(mmk_spawn(fx.sys, &q[0]) > 0);
	CHECK(mmk_spawn(fx.sys, &q[1]) > 0);
	mmk_proc *all[3] = {fx.p, q[0], q[1]};
	for (int i = 0; i < 3; i++) {
		int fd = fx_open(&fx, all[i], "f", MMK_O_RDONLY);
		CHECK_EQ(mmk_mmap(all[i], 0x10000000, 3 * PS, MMK_PROT_READ,
				  MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
			 0x10000000);
		CHECK_EQ(mmk_touch(all[i], 0x10000000, 3 * PS, 0, NULL), 0);
	}
	/* (4096 << 12) / 3 = 5592405 per page; three pages 16777215 >> 12 =
	 * 4095 bytes: 3 kB, not 4. */
	CHECK_EQ(smaps_kb(fx.p, 0x10000000, "Pss:"), 3);
	CHECK_EQ(smaps_kb(fx.p, 0x10000000, "Shared_Clean:"), 12);
	CHECK_EQ(smaps_kb(fx.p, 0x10000000, "Rss:"), 12);
	CHECK_EQ(mmk_munmap(q[1], 0x10000000 + 2 * PS, PS), 0);
	/* now 5592405 * 2 + 8388608 = 19573418 >> 12 = 4778 bytes: 4 kB */
	CHECK_EQ(smaps_kb(fx.p, 0x10000000, "Pss:"), 4);
	CHECK_INV(&fx);
	mmk_exit(q[0]);
	mmk_exit(q[1]);
	CHECK(!fx_done(&fx));
}

TEST(locked_and_thp_eligible)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t l = mmk_mmap(fx.p, 0, 2 * PS, RW, PA | MMK_MAP_LOCKED, -1, 0);
	CHECK(l > 0);
	CHECK_EQ(smaps_kb(fx.p, l, "Locked:"), 8);
	CHECK_STR(status_line(fx.p, "VmLck"), "VmLck:\t       8 kB");
	int64_t h = mmk_mmap(fx.p, 0x40000000, 4 * MB, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK(h > 0);
	CHECK_EQ(smaps_kb(fx.p, h, "THPeligible:"), 0);
	CHECK_EQ(mmk_madvise(fx.p, h, 4 * MB, MMK_MADV_HUGEPAGE), 0);
	CHECK_EQ(smaps_kb(fx.p, h, "THPeligible:"), 1);
	/* Too small to hold an aligned 2 MiB page. */
	int64_t s = mmk_mmap(fx.p, 0x50001000, 2 * MB, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK_EQ(mmk_madvise(fx.p, s, 2 * MB, MMK_MADV_HUGEPAGE), 0);
	CHECK_EQ(smaps_kb(fx.p, s, "THPeligible:"), 0);
	CHECK(!fx_done(&fx));
}

TEST(status_memory_lines)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4 * PS, 'x');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	CHECK_EQ(mmk_mmap(fx.p, 0x10000000, 8 * PS, RW, PA | MMK_MAP_FIXED, -1, 0), 0x10000000);
	CHECK_EQ(mmk_fill(fx.p, 0x10000000, 1, 8 * PS, NULL), 0);
	CHECK_EQ(mmk_mmap(fx.p, 0x20000000, 4 * PS, MMK_PROT_READ | MMK_PROT_EXEC,
			  MMK_MAP_PRIVATE | MMK_MAP_FIXED, fd, 0),
		 0x20000000);
	CHECK_EQ(mmk_touch(fx.p, 0x20000000, 4 * PS, 0, NULL), 0);
	CHECK_EQ(mmk_mmap(fx.p, 0x30000000, 2 * PS, RW, SA | MMK_MAP_FIXED, -1, 0), 0x30000000);
	CHECK_EQ(poke(fx.p, 0x30000000, 1), 0);
	char buf[1024];
	CHECK(mmk_proc_status(fx.p, buf, sizeof(buf)) > 0);
	/* Tables: one PUD and one PMD table, three PTE tables (0x10000000,
	 * 0x20000000 and 0x30000000 are in different 2 MiB blocks). */
	CHECK_STR(buf, "VmPeak:\t      56 kB\n"
		       "VmSize:\t      56 kB\n"
		       "VmLck:\t       0 kB\n"
		       "VmPin:\t       0 kB\n"
		       "VmHWM:\t      52 kB\n"
		       "VmRSS:\t      52 kB\n"
		       "RssAnon:\t      32 kB\n"
		       "RssFile:\t      16 kB\n"
		       "RssShmem:\t       4 kB\n"
		       "VmData:\t      32 kB\n"
		       "VmStk:\t       0 kB\n"
		       "VmExe:\t       0 kB\n"
		       "VmLib:\t      16 kB\n"
		       "VmPTE:\t      20 kB\n"
		       "VmSwap:\t       0 kB\n"
		       "HugetlbPages:\t       0 kB\n");
	CHECK_EQ(mmk_munmap(fx.p, 0x10000000, 8 * PS), 0);
	CHECK_STR(status_line(fx.p, "VmHWM"), "VmHWM:\t      52 kB");
	CHECK_STR(status_line(fx.p, "VmRSS"), "VmRSS:\t      20 kB");
	CHECK_STR(status_line(fx.p, "VmPeak"), "VmPeak:\t      56 kB");
	CHECK_STR(status_line(fx.p, "VmPTE"), "VmPTE:\t      16 kB");
	CHECK_EQ(mmk_munmap(fx.p, 0x20000000, 0x20000000), 0);
	CHECK_STR(status_line(fx.p, "VmPTE"), "VmPTE:\t       0 kB");
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(pagemap_and_fault_counters)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, 'p');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t f = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(f > 0 && a > 0);
	CHECK_EQ(poke(fx.p, f, 'P'), 0);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	struct mmk_pageinfo pi[3];
	CHECK_EQ(mmk_proc_pagemap(fx.p, a, 3, pi), 0);
	CHECK(pi[0].present && pi[0].anon && !pi[0].file && pi[0].dirty && pi[0].writable);
	CHECK(pi[0].exclusive && pi[0].mapcount == 1 && pi[0].refcount == 1);
	CHECK(!pi[1].present);
	struct mmk_pageinfo fp = pinfo(fx.p, f);
	CHECK(fp.present && fp.file && fp.dirty && fp.writable && fp.mapcount == 1);
	CHECK_EQ(fp.refcount, 2); /* the PTE and the page cache */
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(mmk_proc_pagemap(fx.p, a, 1, NULL), -EFAULT);
	CHECK(!fx_done(&fx));
}

T_MAIN
