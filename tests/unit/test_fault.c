/*
 * test_fault.c - the page-fault handler: the zero page (and a system
 * without one), anonymous pages,
 * file pages through the page cache (major/minor), fault-around's window,
 * readahead (read-around, async ramp-up, MADV_RANDOM, MADV_SEQUENTIAL),
 * SIGBUS past EOF, copy-on-write of private file pages, dirty tracking of
 * shared ones, MAP_POPULATE/MAP_LOCKED, PROT_NONE keeping pages, and the
 * batched fault-around (one index walk and one PTE-table section per
 * fault): partially cached windows, EOF, VMA and PTE-table edges, PTEs
 * already taken, readahead marks, dirty pages, references and mapcounts.
 * Expected numbers follow Linux 6.x's rules (do_fault_around,
 * filemap_map_pages, do_sync_mmap_readahead, page_cache_async_ra), worked
 * out by hand.
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

/* mm_forbids_zeropage() (or a PVM guest booted with pvm_no_zero_page=1):
 * a read fault allocates a zeroed page of its own, mapped writable and
 * dirty when the VMA allows writes, so the store after it takes no fault;
 * in a read-only VMA it stays read-only until mprotect, which makes the
 * exclusive page writable at once (can_change_pte_writable), no copy. */
TEST(without_the_zero_page_an_anonymous_read_allocates)
{
	struct fixture fx;
	struct mmk_config cfg = {.no_zero_page = 1};
	CHECK(!fx_init_cfg(&fx, &cfg));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	uint64_t used = frames_used(&fx);
	CHECK_EQ(peek(fx.p, a), 0);
	struct mmk_pageinfo pi = pinfo(fx.p, a);
	CHECK(pi.present && pi.anon && !pi.zero && pi.writable && pi.dirty && pi.exclusive);
	CHECK_EQ(frames_used(&fx), used + 1);
	CHECK_STR(status_line(fx.p, "RssAnon"), "RssAnon:\t       4 kB");
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(poke(fx.p, a, 5), 0);
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(peek(fx.p, a), 5);

	int64_t r = mmk_mmap(fx.p, 0, 2 * PS, MMK_PROT_READ, PA, -1, 0);
	CHECK(r > 0);
	CHECK_EQ(peek(fx.p, r), 0);
	pi = pinfo(fx.p, r);
	CHECK(pi.present && pi.anon && !pi.zero && !pi.writable && !pi.dirty);
	CHECK_EQ(frames_used(&fx), used + 2);
	CHECK_EQ(mmk_mprotect(fx.p, r, 2 * PS, RW), 0);
	uint64_t pfn = pi.pfn;
	CHECK_EQ(poke(fx.p, r, 7), 0); /* no fault: the same page, now written */
	pi = pinfo(fx.p, r);
	CHECK(pi.writable && pi.dirty && pi.pfn == pfn);
	CHECK_EQ(peek(fx.p, r), 7);
	CHECK_EQ(frames_used(&fx), used + 2);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(file_read_fault_is_major_and_its_retry_maps_the_neighbours)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 16 * PS, -1);
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	CHECK(fd >= 3);
	int64_t a = mmk_mmap(fx.p, 0, 16 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	/* Nothing cached, so fault-around maps nothing; the page is read
	 * (major) with read-around bringing the whole file in.  The read
	 * drops mmap_lock, filemap_fault returns VM_FAULT_RETRY and the fault
	 * runs again: fault-around now maps all 16 cached pages at once. */
	CHECK_EQ(peek(fx.p, a + 1), 1);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(faults_minor(fx.p), 0);
	CHECK_EQ(resident_pages(fx.p, a, 16), 16);
	CHECK_EQ(present_pages(fx.p, a, 16), 16);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS + 7), 7);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 1);
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
			  3 * PS),
		 (int64_t)base);
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
	int64_t a =
	    mmk_mmap(fx.p, 0x40000000, 4 * PS, RW, PA | MMK_MAP_FIXED | MMK_MAP_GROWSDOWN, -1, 0);
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
	int n[MMK_EV_SHARED_DIRTY + 1]; /* every kind: readahead's too */
	int major_faults;
};

static void count_event(void *arg, const struct mmk_event *ev)
{
	struct ev_count *c = arg;
	if ((unsigned)ev->kind < sizeof(c->n) / sizeof(c->n[0]))
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
	CHECK_EQ(peek(fx.p, s), 't');	       /* PAGE_READ, major FAULT */
	CHECK_EQ(peek(fx.p, s + 3 * PS), 't'); /* FAULT_AROUND */
	CHECK_EQ(poke(fx.p, s, 'u'), 0);
	CHECK_EQ(mmk_msync(fx.p, s, PS, MMK_MS_SYNC), 0); /* WRITEBACK, TLB_FLUSH */
	CHECK_EQ(peek(fx.p, a), 0);			  /* ZERO_PAGE */
	CHECK_EQ(poke(fx.p, a, 1), 0);			  /* COW of the zero page */
	CHECK_EQ(poke(fx.p, a + PS, 1), 0);		  /* ANON_PAGE */
	mmk_proc *ch;
	CHECK(mmk_fork(fx.p, &ch) > 0);
	CHECK_EQ(poke(ch, a, 2), 0);		  /* COW */
	CHECK_EQ(poke(fx.p, a, 3), 0);		  /* REUSE */
	CHECK_EQ(peek(fx.p, 0x1000), SEGV);	  /* SIGNAL */
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

/* The events of interest, with what they say about why (the fields
 * appended to struct mmk_event). */
struct why_log {
	struct mmk_event ev[256];
	char file[256][64]; /* the last path component of ev[i].file */
	int n;
};

static void log_event(void *arg, const struct mmk_event *ev)
{
	struct why_log *l = arg;
	if (l->n == 256)
		return;
	l->ev[l->n] = *ev;
	const char *f = ev->file ? strrchr(ev->file, '/') : NULL;
	snprintf(l->file[l->n], sizeof(l->file[0]), "%s", f ? f + 1 : ev->file ? ev->file : "");
	l->ev[l->n].file = NULL;
	l->ev[l->n].detail = NULL; /* a path may not outlive the call */
	l->n++;
}

/* The last event of kind k at addr (any addr if 0), or NULL. */
static const struct mmk_event *why_find(const struct why_log *l, enum mmk_event_kind k,
					uint64_t addr, int *idx)
{
	for (int i = l->n - 1; i >= 0; i--)
		if (l->ev[i].kind == k && (!addr || l->ev[i].addr == addr)) {
			if (idx)
				*idx = i;
			return &l->ev[i];
		}
	return NULL;
}

/* Each event says why: a fault its VMA, file page and whether the cache
 * had it (and its frame); readahead its window (read-around: 32 pages
 * centred on page 0 of a 16-page file is pages 0-15); a COW what it
 * copied; a write to a clean shared page that it dirtied it. */
TEST(events_say_why)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	static struct why_log l;
	fx_file(&fx, "why", 16 * PS, 'w');
	int fd = fx_open(&fx, fx.p, "why", 0);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	int64_t s = mmk_mmap(fx.p, 0, 16 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t s2 = mmk_mmap(fx.p, 0, 16 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t pr = mmk_mmap(fx.p, 0, 16 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(s > 0 && s2 > 0 && pr > 0 && a > 0);
	mmk_system_set_trace(fx.sys, log_event, &l);

	CHECK_EQ(peek(fx.p, s + 2 * PS), 'w'); /* cold: major, read from disk */
	int i;
	const struct mmk_event *e = why_find(&l, MMK_EV_FAULT, s + 2 * PS, &i);
	CHECK(e && e->major && !e->cached && e->pgoff == 2);
	CHECK(e && e->vm_start == (uint64_t)s && e->vm_end == (uint64_t)s + 16 * PS);
	CHECK_STR(l.file[i], "why");
	CHECK(e && e->pfn == pinfo(fx.p, s + 2 * PS).pfn);
	e = why_find(&l, MMK_EV_READAHEAD, 0, NULL);
	CHECK(e && e->start == 0 && e->end == 16);

	CHECK_EQ(peek(fx.p, s2 + 5 * PS), 'w'); /* cached: minor, its frame */
	e = why_find(&l, MMK_EV_FAULT, s2 + 5 * PS, &i);
	CHECK(e && !e->major && e->cached && e->pgoff == 5);
	CHECK(e && e->pfn && e->pfn == pinfo(fx.p, s + 5 * PS).pfn);

	CHECK_EQ(poke(fx.p, s + 2 * PS, 'x'), 0); /* mapped read-only: dirtied */
	e = why_find(&l, MMK_EV_SHARED_DIRTY, s + 2 * PS, NULL);
	CHECK(e && e->pgoff == 2 && e->pfn == pinfo(fx.p, s + 2 * PS).pfn);
	CHECK_EQ(poke(fx.p, s2 + 9 * PS, 'x'), 0); /* mapped or not: made writable, dirty */
	e = why_find(&l, MMK_EV_SHARED_DIRTY, s2 + 9 * PS, NULL);
	CHECK(e && e->pgoff == 9 && e->pfn == pinfo(fx.p, s2 + 9 * PS).pfn);

	CHECK_EQ(poke(fx.p, pr + 3 * PS, 'p'), 0); /* private file page: copied */
	e = why_find(&l, MMK_EV_COW, pr + 3 * PS, &i);
	CHECK(e && e->source && strcmp(e->source, "file page") == 0 && e->pgoff == 3);
	CHECK_STR(l.file[i], "why");

	CHECK_EQ(peek(fx.p, a), 0);
	CHECK_EQ(poke(fx.p, a, 1), 0); /* the zero page: copied */
	e = why_find(&l, MMK_EV_COW, a, NULL);
	CHECK(e && e->source && strcmp(e->source, "zero page") == 0);
	CHECK(e && e->vm_start == (uint64_t)a && e->vm_end == (uint64_t)a + 2 * PS);

	mmk_proc *ch;
	CHECK(mmk_fork(fx.p, &ch) > 0);
	CHECK_EQ(poke(ch, a, 2), 0); /* an anonymous page shared since fork */
	e = why_find(&l, MMK_EV_COW, a, NULL);
	CHECK(e && e->source && strcmp(e->source, "anonymous page") == 0);
	mmk_system_set_trace(fx.sys, NULL, NULL);
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
			    0x700000000000ULL),
		 -ENOMEM);
	pgtable_inject_fail(&fx.p->mm->pt, -1);
	CHECK_INV(&fx);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS), 'm');
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 16);
	CHECK_EQ(mmk_mremap(fx.p, a, 4 * PS, 4 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			    0x700000000000ULL),
		 (int64_t)0x700000000000ULL);
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

/* ---- Fault-around, batched ----------------------------------------------------- */

#define TABLE (512 * PS) /* what one PTE table maps: 2 MiB */

/* Caches pages [first, first + n) of the file mapped at a (pgoff 0) with
 * MADV_WILLNEED, which reads exactly those pages and maps nothing. */
static int cache_pages(mmk_proc *p, uint64_t a, uint64_t first, uint64_t n)
{
	return mmk_madvise(p, a + first * PS, n * PS, MMK_MADV_WILLNEED);
}

/* Bit i set when page i of [a, a + n pages) is present (n <= 64). */
static uint64_t present_mask(mmk_proc *p, uint64_t a, int n)
{
	struct mmk_pageinfo pi[64];
	uint64_t m = 0;
	mmk_proc_pagemap(p, a, (uint64_t)n, pi);
	for (int i = 0; i < n; i++)
		m |= (uint64_t)pi[i].present << i;
	return m;
}

/* Fails unless every present page of [a, a + n pages) is a file page mapped
 * once, referenced by its PTE and the cache (refcount 2), read-only. */
#define CHECK_FILE_PAGES_MAPPED_ONCE(p, a, n)                                                      \
	do {                                                                                       \
		struct mmk_pageinfo pi_[64];                                                       \
		mmk_proc_pagemap((p), (a), (n), pi_);                                              \
		for (int i_ = 0; i_ < (n); i_++) {                                                 \
			if (!pi_[i_].present)                                                      \
				continue;                                                          \
			CHECK(pi_[i_].file && !pi_[i_].writable);                                  \
			CHECK_EQ(pi_[i_].mapcount, 1);                                             \
			CHECK_EQ(pi_[i_].refcount, 2);                                             \
		}                                                                                  \
	} while (0)

/* A window with holes: only cached pages are mapped, one fault for all of
 * them; an uncached page is read (major), and the fault's retry maps the
 * window around it. */
TEST(fault_around_maps_exactly_the_cached_pages_of_a_partial_window)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 64 * PS, -1);
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	uint64_t a = 0x40000000; /* PTE index 0 */
	CHECK_EQ(mmk_mmap(fx.p, a, 64 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)a);
	CHECK_EQ(cache_pages(fx.p, a, 2, 2), 0);
	CHECK_EQ(cache_pages(fx.p, a, 5, 1), 0);
	CHECK_EQ(cache_pages(fx.p, a, 9, 3), 0);
	CHECK_EQ(cache_pages(fx.p, a, 14, 2), 0);
	CHECK_EQ(cache_pages(fx.p, a, 17, 1), 0);
	CHECK_EQ(cache_pages(fx.p, a, 40, 1), 0);
	CHECK_EQ(resident_pages(fx.p, a, 64), 10);
	CHECK_EQ(present_mask(fx.p, a, 64), 0);
	/* Page 40 makes the PTE table; its window (32..47) holds only itself. */
	CHECK_EQ(peek(fx.p, a + 40 * PS + 1), 1);
	CHECK_EQ(present_mask(fx.p, a, 64), 1ull << 40);
	/* Page 3: window 0..15, one walk of the index, every cached page. */
	CHECK_EQ(peek(fx.p, a + 3 * PS + 2), 2);
	uint64_t want = 0xcull | 0x20 | 0xe00 | 0xc000 | 1ull << 40;
	CHECK_EQ(present_mask(fx.p, a, 64), want);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_EQ(faults_major(fx.p), 0);
	CHECK_FILE_PAGES_MAPPED_ONCE(fx.p, a, 64);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 9 * 4);
	CHECK_STR(status_line(fx.p, "RssFile"), "RssFile:\t      36 kB");
	CHECK_INV(&fx);
	/* Page 7 is not cached: fault-around maps nothing more, the page is
	 * read (major) with read-around [0, 32), and the fault's retry maps
	 * the rest of 0..15 around it. */
	CHECK_EQ(peek(fx.p, a + 7 * PS + 3), 3);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(resident_pages(fx.p, a, 64), 33);
	CHECK_EQ(present_mask(fx.p, a, 64), 0xffffull | 1ull << 40);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_FILE_PAGES_MAPPED_ONCE(fx.p, a, 64);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS + 9), 9);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 3);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* EOF cuts the window; a fault past it maps the cached pages before EOF
 * in its window (as Linux's do_read_fault does before __do_fault) and then
 * gets SIGBUS, uncounted. */
TEST(fault_around_stops_at_eof_and_sigbus_beyond_it)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 20 * PS + 100, 'e'); /* pages 0..20 hold data */
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	char buf[21 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 0), 20 * PS + 100);
	uint64_t a = 0x40000000, b = 0x40000000 + TABLE;
	CHECK_EQ(mmk_mmap(fx.p, a, 32 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)a);
	CHECK_EQ(peek(fx.p, a + 18 * PS), 'e');
	CHECK_EQ(present_mask(fx.p, a, 32), 0x1full << 16);
	CHECK_EQ(peek(fx.p, a + 20 * PS + 99), 'e');
	CHECK_EQ(peek(fx.p, a + 20 * PS + 100), 0);
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(peek(fx.p, a + 21 * PS), BUS);
	CHECK_EQ(peek(fx.p, a + 31 * PS), BUS);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 1);
	CHECK_EQ(present_mask(fx.p, a, 32), 0x1full << 16);
	/* A second mapping, in a table of its own: the first access is past
	 * EOF.  Pages 16..20 are cached and not the file's last one first, so
	 * they are mapped around; the access itself is SIGBUS. */
	CHECK_EQ(mmk_mmap(fx.p, b, 32 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)b);
	CHECK_EQ(peek(fx.p, b + 24 * PS), BUS);
	CHECK_EQ(present_mask(fx.p, b, 32), 0x1full << 16);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 1);
	struct mmk_pageinfo pi[32];
	mmk_proc_pagemap(fx.p, b, 32, pi);
	for (int i = 16; i < 21; i++) { /* mapped by a and by b */
		CHECK_EQ(pi[i].mapcount, 2);
		CHECK_EQ(pi[i].refcount, 3);
	}
	CHECK_EQ(smaps_kb(fx.p, b, "Rss:"), 20);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* The window never leaves the VMA or the PTE table of the fault. */
TEST(fault_around_is_clipped_to_the_vma_and_to_the_pte_table)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 64 * PS, 'c');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	char buf[64 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 0), (int64_t)sizeof(buf));
	/* 8 pages across a table boundary: PTE indexes 509..511, then 0..4. */
	uint64_t a = 0x40000000 + TABLE - 3 * PS;
	CHECK_EQ(mmk_mmap(fx.p, a, 8 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)a);
	CHECK_EQ(peek(fx.p, a + PS), 'c'); /* index 510: window 509..511 */
	CHECK_EQ(present_mask(fx.p, a, 8), 0x7);
	CHECK_EQ(peek(fx.p, a + 5 * PS), 'c'); /* next table, index 2: window 0..4 */
	CHECK_EQ(present_mask(fx.p, a, 8), 0xff);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_FILE_PAGES_MAPPED_ONCE(fx.p, a, 8);
	/* Two VMAs of 4 pages in one 16-page block (file pages 20..23 and
	 * 30..33, so they cannot merge): a fault in one leaves the other. */
	uint64_t v = 0x50000000 + 4 * PS, w = v + 4 * PS;
	CHECK_EQ(
	    mmk_mmap(fx.p, v, 4 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 20 * PS),
	    (int64_t)v);
	CHECK_EQ(
	    mmk_mmap(fx.p, w, 4 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 30 * PS),
	    (int64_t)w);
	CHECK_EQ(peek(fx.p, v + PS), 'c');
	CHECK_EQ(present_mask(fx.p, v, 8), 0xf);
	CHECK_EQ(peek(fx.p, w + 3 * PS), 'c');
	CHECK_EQ(present_mask(fx.p, v, 8), 0xff);
	CHECK_EQ(faults_minor(fx.p), 4);
	CHECK_EQ(smaps_kb(fx.p, v, "Rss:"), 16);
	CHECK_EQ(smaps_kb(fx.p, w, "Rss:"), 16);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* filemap_map_pmd()'s rule: with no PTE table yet, nothing is mapped
 * around when the first cached page of the window is the file's last one;
 * once the table exists, the same window is mapped. */
TEST(fault_around_into_a_new_table_skips_a_window_that_starts_at_the_last_page)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 5 * PS, 'l');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	uint64_t a = 0x40000000, b = a + TABLE;
	CHECK_EQ(mmk_mmap(fx.p, a, 8 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)a);
	CHECK_EQ(cache_pages(fx.p, a, 4, 1), 0);
	/* New table, first cached page 4 = last: nothing around, and the page
	 * is cached, so finish_fault maps it alone (no read, no retry). */
	CHECK_EQ(peek(fx.p, a + 4 * PS), 'l');
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(present_mask(fx.p, a, 8), 0x10);
	/* The table exists now.  Page 0 is read (major) with read-around
	 * 0..3, and the fault's retry maps them around it. */
	CHECK_EQ(peek(fx.p, a), 'l');
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(resident_pages(fx.p, a, 8), 5);
	CHECK_EQ(present_mask(fx.p, a, 8), 0x1f);
	/* The same file in a table of its own, everything cached: page 0 is
	 * the first cached page and not the last, so all five are mapped. */
	CHECK_EQ(mmk_mmap(fx.p, b, 8 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0),
		 (int64_t)b);
	CHECK_EQ(peek(fx.p, b + 2 * PS), 'l');
	CHECK_EQ(present_mask(fx.p, b, 8), 0x1f);
	CHECK_EQ(faults_minor(fx.p), 2);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A PTE already taken (here by a private COW copy) is left as it is; the
 * other pages take one reference and one mapcount per mapping process. */
TEST(fault_around_leaves_taken_ptes_and_counts_references_per_mapping)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 16 * PS, 'o');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	char buf[16 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 0), (int64_t)sizeof(buf));
	uint64_t a = 0x40000000;
	CHECK_EQ(mmk_mmap(fx.p, a, 16 * PS, RW, MMK_MAP_PRIVATE | MMK_MAP_FIXED, fd, 0),
		 (int64_t)a);
	CHECK_EQ(poke(fx.p, a + 3 * PS, 'n'), 0); /* do_cow_fault: no fault-around */
	CHECK_EQ(present_mask(fx.p, a, 16), 1ull << 3);
	CHECK_EQ(peek(fx.p, a + 5 * PS), 'o');
	CHECK_EQ(present_mask(fx.p, a, 16), 0xffff);
	CHECK_EQ(peek(fx.p, a + 3 * PS), 'n');
	struct mmk_pageinfo pi[16];
	mmk_proc_pagemap(fx.p, a, 16, pi);
	for (int i = 0; i < 16; i++) {
		CHECK_EQ(pi[i].anon, i == 3);
		CHECK_EQ(pi[i].mapcount, 1);
		CHECK_EQ(pi[i].refcount, i == 3 ? 1 : 2);
	}
	CHECK_STR(status_line(fx.p, "RssFile"), "RssFile:\t      60 kB");
	CHECK_STR(status_line(fx.p, "RssAnon"), "RssAnon:\t       4 kB");
	/* A second process maps the file shared: every cache page, page 3's
	 * included, gains a mapcount and a reference. */
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	int qfd = fx_open(&fx, q, "f", MMK_O_RDONLY);
	int64_t b =
	    mmk_mmap(q, 0x40000000, 16 * PS, MMK_PROT_READ, MMK_MAP_SHARED | MMK_MAP_FIXED, qfd, 0);
	CHECK_EQ(b, 0x40000000);
	CHECK_EQ(peek(q, (uint64_t)b + 9 * PS), 'o');
	CHECK_EQ(present_mask(q, (uint64_t)b, 16), 0xffff);
	struct mmk_pageinfo qi[16];
	mmk_proc_pagemap(q, (uint64_t)b, 16, qi);
	mmk_proc_pagemap(fx.p, a, 16, pi);
	for (int i = 0; i < 16; i++) {
		CHECK(qi[i].file);
		CHECK_EQ(qi[i].mapcount, i == 3 ? 1 : 2);
		CHECK_EQ(qi[i].refcount, i == 3 ? 2 : 3);
		if (i != 3)
			CHECK_EQ(qi[i].pfn, pi[i].pfn);
	}
	CHECK_INV(&fx);
	CHECK_EQ(mmk_munmap(q, (uint64_t)b, 16 * PS), 0);
	mmk_proc_pagemap(fx.p, a, 16, pi);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(pi[i].refcount, i == 3 ? 1 : 2);
	CHECK_EQ(mmk_exit(q), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A readahead mark is never mapped around (touching it must fault, to
 * start the next window, and the fault's retry maps it); pages dirtied by
 * write() are mapped read-only, still dirty, and a store to them faults
 * once without counting them dirty twice. */
TEST(fault_around_skips_readahead_marks_and_keeps_dirty_pages_dirty)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 64 * PS, 'm');
	int fd = fx_open(&fx, fx.p, "f", 0);
	uint64_t a = 0x40000000;
	CHECK_EQ(mmk_mmap(fx.p, a, 64 * PS, RW, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0), (int64_t)a);
	/* write() dirties pages 33 and 36 (cached now, nothing else is). */
	CHECK_EQ(mmk_pwrite(fx.p, fd, "W", 1, 33 * PS), 1);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "W", 1, 36 * PS), 1);
	struct mmk_vmstat vs;
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 2);
	CHECK_EQ(resident_pages(fx.p, a, 64), 2);
	/* Page 40: fault-around maps 33 and 36, the only cached pages of
	 * 32..47; the page is read with read-around [24, 56), the mark at 48,
	 * and the retry maps the rest of 32..47. */
	CHECK_EQ(peek(fx.p, a + 40 * PS), 'm');
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(resident_pages(fx.p, a, 64), 32);
	CHECK_EQ(present_mask(fx.p, a, 64), 0xffffull << 32);
	CHECK_EQ(peek(fx.p, a + 50 * PS), 'm'); /* window 48..63: 49..55 */
	CHECK_EQ(present_mask(fx.p, a, 64), 0xffffull << 32 | 0x7full << 49);
	CHECK_EQ(peek(fx.p, a + 48 * PS), 'm'); /* the mark: async readahead of 56..63 */
	CHECK_EQ(resident_pages(fx.p, a, 64), 40);
	CHECK(present_mask(fx.p, a, 64) & 1ull << 48);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK_EQ(faults_minor(fx.p), 2);
	struct mmk_pageinfo pi[16];
	mmk_proc_pagemap(fx.p, a + 32 * PS, 16, pi);
	for (int i = 0; i < 16; i++) {
		CHECK(!pi[i].writable);
		CHECK_EQ(pi[i].dirty, i == 1 || i == 4);
	}
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Dirty:"), 8);
	CHECK_EQ(peek(fx.p, a + 33 * PS), 'W');
	uint64_t f0 = faults_minor(fx.p);
	CHECK_EQ(poke(fx.p, a + 33 * PS + 1, 'X'), 0); /* wp fault on a dirty page */
	CHECK_EQ(poke(fx.p, a + 35 * PS, 'Y'), 0);     /* wp fault on a clean page */
	CHECK_EQ(faults_minor(fx.p), f0 + 2);
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 3);
	CHECK(pinfo(fx.p, a + 33 * PS).writable && pinfo(fx.p, a + 35 * PS).writable);
	CHECK(!pinfo(fx.p, a + 36 * PS).writable);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_msync(fx.p, a, 64 * PS, MMK_MS_SYNC), 0);
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 0);
	char got[2];
	CHECK_EQ(host_read(&fx, "f", got, 2, 33 * PS), 2);
	CHECK(got[0] == 'W' && got[1] == 'X');
	CHECK(host_all(&fx, "f", 35 * PS, 1, 'Y'));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* do_shared_fault on a cached page (one ptl section), on an uncached one
 * (read first, major) and past EOF (SIGBUS, nothing mapped or counted). */
TEST(shared_write_fault_maps_the_cache_page_dirty_once)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8 * PS, 's');
	int fd = fx_open(&fx, fx.p, "f", 0);
	char six[6 * PS];
	/* a lone read, not at the start: pages 2..7 exactly, no readahead */
	CHECK_EQ(mmk_pread(fx.p, fd, six, sizeof(six), 2 * PS), (int64_t)sizeof(six));
	int64_t a = mmk_mmap(fx.p, 0, 16 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	uint64_t cached = (uint64_t)a + 2 * PS;
	CHECK_EQ(resident_pages(fx.p, (uint64_t)a, 8), 6);
	CHECK_EQ(poke(fx.p, cached, 'S'), 0);
	CHECK_EQ(faults_minor(fx.p), 1);
	CHECK_EQ(faults_major(fx.p), 0);
	CHECK_EQ(present_pages(fx.p, (uint64_t)a, 16), 1); /* no fault-around on writes */
	struct mmk_pageinfo pi = pinfo(fx.p, cached);
	CHECK(pi.file && pi.writable && pi.dirty);
	CHECK_EQ(pi.mapcount, 1);
	CHECK_EQ(pi.refcount, 2);
	struct mmk_vmstat vs;
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 1);
	CHECK_EQ(poke(fx.p, cached + 1, 'T'), 0); /* the TLB: no fault */
	CHECK_EQ(faults_minor(fx.p), 1);
	/* Unmapped and mapped again: still dirty, the fault counts it once. */
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, 16 * PS), 0);
	a = mmk_mmap(fx.p, 0, 16 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, (uint64_t)a + 2 * PS + 2, 'U'), 0);
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 1);
	CHECK_EQ(faults_minor(fx.p), 2);
	/* Page 0 was never cached: read (major), then dirty. */
	CHECK_EQ(poke(fx.p, (uint64_t)a, 'Z'), 0);
	CHECK_EQ(faults_major(fx.p), 1);
	CHECK(pinfo(fx.p, (uint64_t)a).writable);
	CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
	CHECK_EQ(vs.nr_dirty, 2);
	/* Past EOF: SIGBUS, no PTE, no count. */
	CHECK_EQ(poke(fx.p, (uint64_t)a + 9 * PS, 1), BUS);
	CHECK(!pinfo(fx.p, (uint64_t)a + 9 * PS).present);
	CHECK_EQ(faults_minor(fx.p) + faults_major(fx.p), 3);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)a, "Private_Dirty:"), 8);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_msync(fx.p, (uint64_t)a, 8 * PS, MMK_MS_SYNC), 0);
	char got[3];
	CHECK_EQ(host_read(&fx, "f", got, 3, 2 * PS), 3);
	CHECK(got[0] == 'S' && got[1] == 'T' && got[2] == 'U');
	CHECK(host_all(&fx, "f", 0, 1, 'Z'));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
