/*
 * test_fault.c - the page-fault handler: the zero page, anonymous pages,
 * file pages through the page cache (major/minor), fault-around's window,
 * readahead (read-around, async ramp-up, MADV_RANDOM, MADV_SEQUENTIAL),
 * SIGBUS past EOF, copy-on-write of private file pages, dirty tracking of
 * shared ones, MAP_POPULATE/MAP_LOCKED, PROT_NONE keeping pages.  Expected
 * numbers follow Linux 6.x's rules (do_fault_around, do_sync_mmap_readahead,
 * page_cache_async_ra), worked out by hand.
 */
#include "page_test.h"

TEST(anonymous_read_maps_zero_page_write_allocates)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	uint64_t used = frames_used(&fx);
	CHECK_EQ(peek(fx.p, a), 0);
	struct mmk_pageinfo pi = pinfo(fx.p, a);
	CHECK(pi.present && pi.zero && !pi.writable && pi.pfn == 0);
	CHECK_EQ(frames_used(&fx), used);
	CHECK_STR(status_line(fx.p, "VmRSS"), "VmRSS:\t       0 kB");
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(poke(fx.p, a, 5), 0); /* write on the zero page: a new page */
	pi = pinfo(fx.p, a);
	CHECK(pi.present && pi.anon && !pi.zero && pi.writable && pi.dirty && pi.exclusive);
	CHECK_EQ(pi.mapcount, 1);
	CHECK_EQ(pi.refcount, 1);
	CHECK_EQ(frames_used(&fx), used + 1);
	CHECK_STR(status_line(fx.p, "RssAnon"), "RssAnon:\t       4 kB");
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_EQ(faults_major(fx.p), 0);
	/* A second store hits the TLB: no fault. */
	CHECK_EQ(poke(fx.p, a + 1, 6), 0);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(file_read_fault_is_major_then_fault_around_maps_neighbours)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 16 * PS, -1);
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	CHECK(fd >= 3);
	int64_t a = mmk_mmap(fx.p, 0, 16 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	/* First fault: nothing cached, so fault-around maps nothing; the page
	 * is read (major) with read-around bringing the whole file in. */
	CHECK_EQ(peek(fx.p, a + 1), 1);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(present_pages(fx.p, a, 16), 1);
	CHECK_EQ(resident_pages(fx.p, a, 16), 16);
	/* Second fault: fault-around maps the 16 cached pages at once. */
	CHECK_EQ(peek(fx.p, a + 5 * PS + 3), (5 * PS + 3) & 0xff);
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(present_pages(fx.p, a, 16), 16);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS + 7), 7);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 2);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 64);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Clean:"), 64);
	CHECK_EQ(smaps_kb(fx.p, a, "Anonymous:"), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* do_fault_around(): a 16-page window aligned to 16 PTEs, clipped to the
 * VMA, its PTE table and EOF. */
TEST(fault_around_window_alignment_and_clipping)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 64 * PS, 'z');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	char buf[64 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 0), (int64_t)sizeof(buf)); /* all cached */
	/* VMA at a 2 MiB boundary + 8 pages, mapping file pages 3..42. */
	uint64_t base = 0x40000000 + 8 * PS;
	CHECK_EQ(mmk_mmap(fx.p, base, 40 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_FIXED, fd,
			  3 * PS), (int64_t)base);
	/* Page 20 of the VMA is PTE index 28: window 16..31 of the table,
	 * which is VMA pages 8..23. */
	CHECK_EQ(peek(fx.p, base + 20 * PS), 'z');
	struct mmk_pageinfo pi[40];
	mmk_proc_pagemap(fx.p, base, 40, pi);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(pi[i].present, i >= 8 && i < 24);
	/* Page 1 (PTE index 9): window 0..15 clipped to the VMA start (8). */
	CHECK_EQ(peek(fx.p, base + PS), 'z');
	mmk_proc_pagemap(fx.p, base, 40, pi);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(pi[i].present, i < 24);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_EQ(faults_major(fx.p), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(readahead_read_around_then_async_window)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "big", 256 * PS, 'r');
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, 256 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	/* Read-around at page 40: [24, 56), the mark at 48. */
	CHECK_EQ(peek(fx.p, a + 40 * PS), 'r');
	CHECK_EQ(resident_pages(fx.p, a, 256), 32);
	CHECK_EQ(resident_pages(fx.p, a + 24 * PS, 32), 32);
	/* Touching the mark (fault-around skips it) pushes the window on:
	 * [56, 88). */
	CHECK_EQ(peek(fx.p, a + 48 * PS), 'r');
	CHECK_EQ(resident_pages(fx.p, a, 256), 64);
	CHECK_EQ(resident_pages(fx.p, a + 24 * PS, 64), 64);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(madv_random_and_sequential_change_readahead)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "big", 256 * PS, 's');
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, 128 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	int64_t b = mmk_mmap(fx.p, 0, 128 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 128 * PS);
	CHECK(a > 0 && b > 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 128 * PS, MMK_MADV_RANDOM), 0);
	CHECK_EQ(peek(fx.p, a + 10 * PS), 's');
	CHECK_EQ(resident_pages(fx.p, a, 128), 1);
	CHECK_EQ(mmk_madvise(fx.p, b, 128 * PS, MMK_MADV_SEQUENTIAL), 0);
	/* A forward window of 32 pages from the fault. */
	CHECK_EQ(peek(fx.p, b + 20 * PS), 's');
	CHECK_EQ(resident_pages(fx.p, b, 128), 32);
	CHECK_EQ(resident_pages(fx.p, b + 20 * PS, 32), 32);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(sigbus_past_eof_and_zeros_in_the_last_page)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS + 100, 'e');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, a + PS + 99), 'e');
	CHECK_EQ(peek(fx.p, a + PS + 100), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS - 1), 0);
	struct mmk_siginfo si;
	char c;
	CHECK_EQ(mmk_load(fx.p, a + 2 * PS + 17, &c, 1, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGBUS);
	CHECK_EQ(si.code, MMK_BUS_ADRERR);
	CHECK_EQ(si.addr, a + 2 * PS + 17);
	/* A store running off the end: the pages before are done. */
	char buf[PS];
	memset(buf, 'w', sizeof(buf));
	CHECK_EQ(mmk_store(fx.p, a + 2 * PS - 10, buf, 20, &si), -EFAULT);
	CHECK_EQ(si.addr, a + 2 * PS);
	CHECK_EQ(peek(fx.p, a + 2 * PS - 1), 'w');
	/* Extending the file makes the page accessible. */
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 3 * PS), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS + 17), 0);
	CHECK_EQ(peek(fx.p, a + 3 * PS), BUS);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(private_file_write_copies_on_write)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'o');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	/* Write fault with nothing mapped: do_cow_fault. */
	CHECK_EQ(poke(fx.p, a, 'n'), 0);
	struct mmk_pageinfo pi = pinfo(fx.p, a);
	CHECK(pi.anon && pi.writable && pi.exclusive);
	/* Read then write: the file page is mapped, then replaced. */
	CHECK_EQ(peek(fx.p, a + PS), 'o');
	struct mmk_pageinfo before = pinfo(fx.p, a + PS);
	CHECK(before.file && !before.writable);
	CHECK_EQ(poke(fx.p, a + PS, 'm'), 0);
	pi = pinfo(fx.p, a + PS);
	CHECK(pi.anon && pi.pfn != before.pfn);
	CHECK_EQ(peek(fx.p, a + PS + 1), 'o');
	/* The file is untouched, in the cache and on the host. */
	char c;
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, PS), 1);
	CHECK_EQ(c, 'o');
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK(host_all(&fx, "f", 0, 2 * PS, 'o'));
	CHECK_EQ(smaps_kb(fx.p, a, "Anonymous:"), 8);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Dirty:"), 8);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(shared_file_pages_start_write_protected_for_dirty_tracking)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 's');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, a), 's');
	struct mmk_pageinfo pi = pinfo(fx.p, a);
	CHECK(pi.file && !pi.writable && !pi.dirty);
	uint64_t f0 = faults_minor(fx.p);
	CHECK_EQ(poke(fx.p, a, 'S'), 0); /* the first write faults (wp_page_shared) */
	CHECK_EQ(faults_minor(fx.p), f0 + 1);
	pi = pinfo(fx.p, a);
	CHECK(pi.file && pi.writable && pi.dirty);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Dirty:"), 4);
	/* Writeback write-protects it again; the next write faults again. */
	CHECK_EQ(mmk_msync(fx.p, a, 2 * PS, MMK_MS_SYNC), 0);
	pi = pinfo(fx.p, a);
	CHECK(!pi.writable && !pi.dirty);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Dirty:"), 0);
	CHECK(host_all(&fx, "f", 0, 1, 'S'));
	CHECK_EQ(poke(fx.p, a + 1, 'T'), 0);
	CHECK_EQ(faults_minor(fx.p), f0 + 2);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(map_populate_and_map_locked_prefault)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 8 * PS, RW, PA | MMK_MAP_POPULATE, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 32);
	CHECK_EQ(faults_minor(fx.p), 8);
	/* A read-only private mapping is populated with read faults. */
	int64_t r = mmk_mmap(fx.p, 0, 4 * PS, MMK_PROT_READ, PA | MMK_MAP_POPULATE, -1, 0);
	CHECK(r > 0);
	CHECK_EQ(present_pages(fx.p, r, 4), 4);
	CHECK_EQ(smaps_kb(fx.p, r, "Rss:"), 0);
	fx_file(&fx, "f", 4 * PS, 'l');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t l = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_SHARED | MMK_MAP_LOCKED, fd, 0);
	CHECK(l > 0);
	CHECK_EQ(smaps_kb(fx.p, l, "Rss:"), 16);
	CHECK_EQ(smaps_kb(fx.p, l, "Locked:"), 16);
	/* Shared mappings are populated by read faults: clean. */
	CHECK_EQ(smaps_kb(fx.p, l, "Shared_Dirty:") + smaps_kb(fx.p, l, "Private_Dirty:"), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(prot_none_keeps_pages_and_mprotect_restores_write_without_fault)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 3, 2 * PS, NULL), 0);
	CHECK_EQ(mmk_mprotect(fx.p, a, 2 * PS, MMK_PROT_NONE), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 8);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_mprotect(fx.p, a, 2 * PS, RW), 0);
	/* Exclusive anonymous pages get write permission back directly. */
	CHECK(pinfo(fx.p, a).writable);
	uint64_t f0 = faults_minor(fx.p);
	CHECK_EQ(poke(fx.p, a, 4), 0);
	CHECK_EQ(faults_minor(fx.p), f0);
	CHECK_EQ(peek(fx.p, a + PS), 3);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(mremap_moves_pages_with_their_contents)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(poke(fx.p, a + (uint64_t)i * PS, 10 + i), 0);
	int64_t b = mmk_mremap(fx.p, a, 4 * PS, 64 * PS, MMK_MREMAP_MAYMOVE, 0);
	CHECK(b > 0);
	CHECK_INV(&fx);
	if (b != a)
		CHECK_EQ(peek(fx.p, a), SEGV);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(peek(fx.p, b + (uint64_t)i * PS), 10 + i);
	CHECK_EQ(peek(fx.p, b + 40 * PS), 0);
	CHECK_EQ(smaps_kb(fx.p, b, "Rss:"), 16);
	/* Moved somewhere fixed, overlapping nothing. */
	int64_t c = mmk_mremap(fx.p, b, 64 * PS, 64 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			       0x30000000);
	CHECK_EQ(c, 0x30000000);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, c + 3 * PS), 13);
	CHECK_EQ(poke(fx.p, c + 3 * PS, 99), 0);
	CHECK_EQ(peek(fx.p, c + 3 * PS), 99);
	CHECK(!fx_done(&fx));
}

TEST(fault_below_a_growsdown_vma_grows_it_outside_the_guard_gap)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x40000000, 4 * PS, RW,
			     PA | MMK_MAP_FIXED | MMK_MAP_GROWSDOWN, -1, 0);
	CHECK_EQ(a, 0x40000000);
	CHECK_EQ(poke(fx.p, a - PS + 8, 1), 0);
	CHECK(strstr(fx_maps(fx.p), "3ffff000-40004000 rw-p"));
	CHECK_EQ(peek(fx.p, a - 10 * PS), 0);
	CHECK(strstr(fx_maps(fx.p), "3fff6000-40004000 rw-p"));
	CHECK_EQ(peek(fx.p, a - PS + 8), 1);
	CHECK_INV(&fx);
	/* An accessible VMA within stack_guard_gap (1 MiB) below stops it. */
	CHECK_EQ(mmk_mmap(fx.p, 0x3ff00000, PS, RW, PA | MMK_MAP_FIXED, -1, 0), 0x3ff00000);
	struct mmk_siginfo si;
	char c;
	CHECK_EQ(mmk_load(fx.p, 0x3fff5000 + 3, &c, 1, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(si.code, MMK_SEGV_MAPERR);
	CHECK_EQ(si.addr, 0x3fff5003);
	CHECK(strstr(fx_maps(fx.p), "3fff6000-40004000 rw-p"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

struct ev_count {
	int n[MMK_EV_SIGNAL + 1];
	int major_faults;
};

static void count_event(void *arg, const struct mmk_event *ev)
{
	struct ev_count *c = arg;
	c->n[ev->kind]++;
	if (ev->kind == MMK_EV_FAULT && ev->major)
		c->major_faults++;
}

TEST(every_page_event_is_traced)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct ev_count c;
	memset(&c, 0, sizeof(c));
	mmk_system_set_trace(fx.sys, count_event, &c);
	fx_file(&fx, "f", 32 * PS, 't');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t s = mmk_mmap(fx.p, 0, 32 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(s > 0 && a > 0);
	CHECK_EQ(peek(fx.p, s), 't');          /* PAGE_READ, major FAULT */
	CHECK_EQ(peek(fx.p, s + 3 * PS), 't'); /* FAULT_AROUND */
	CHECK_EQ(poke(fx.p, s, 'u'), 0);
	CHECK_EQ(mmk_msync(fx.p, s, PS, MMK_MS_SYNC), 0); /* WRITEBACK, TLB_FLUSH */
	CHECK_EQ(peek(fx.p, a), 0);                        /* ZERO_PAGE */
	CHECK_EQ(poke(fx.p, a, 1), 0);                     /* COW of the zero page */
	CHECK_EQ(poke(fx.p, a + PS, 1), 0);                /* ANON_PAGE */
	mmk_proc *ch;
	CHECK(mmk_fork(fx.p, &ch) > 0);
	CHECK_EQ(poke(ch, a, 2), 0);     /* COW */
	CHECK_EQ(poke(fx.p, a, 3), 0);   /* REUSE */
	CHECK_EQ(peek(fx.p, 0x1000), SEGV); /* SIGNAL */
	CHECK_EQ(mmk_munmap(fx.p, a, 2 * PS), 0); /* ZAP */
	mmk_system_set_trace(fx.sys, NULL, NULL);
	for (int k = MMK_EV_FAULT; k <= MMK_EV_SIGNAL; k++)
		if (!c.n[k])
			T_FAIL("no event of kind %d", k);
	CHECK_EQ(c.major_faults, 1);
	CHECK_EQ(c.n[MMK_EV_REUSE], 1);
	CHECK_EQ(c.n[MMK_EV_COW], 2);
	CHECK_EQ(c.n[MMK_EV_WRITEBACK], 1);
	CHECK_EQ(mmk_exit(ch), 0);
	CHECK(!fx_done(&fx));
}

TEST(mremap_with_no_page_table_for_the_target_fails_cleanly)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x10000000, 4 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, a, 'm', 4 * PS, NULL), 0);
	pgtable_inject_fail(&fx.p->mm->pt, 0);
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PS, 4 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			    0x700000000000ULL), -ENOMEM);
	pgtable_inject_fail(&fx.p->mm->pt, -1);
	CHECK_INV(&fx);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS), 'm');
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 16);
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PS, 4 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			    0x700000000000ULL), (int64_t)0x700000000000ULL);
	CHECK_EQ(peek(fx.p, 0x700000000000ULL + 3 * PS), 'm');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(short_read_from_host_file_zero_fills)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 3 * PS, 'h');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	CHECK(fd >= 0);
	/* The host file shrinks behind mmkit's back: i_size still says 3
	 * pages, so reads of the missing tail come back short. */
	char path[256];
	snprintf(path, sizeof(path), "%s/f", fx.dir);
	CHECK(!truncate(path, PS + 500));
	int64_t a = mmk_mmap(fx.p, 0, 3 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, a + PS + 499), 'h');
	CHECK_EQ(peek(fx.p, a + PS + 500), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS + 5), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
