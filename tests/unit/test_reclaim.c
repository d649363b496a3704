/*
 * test_reclaim.c - page reclaim under a RAM limit (issue 5): files much
 * larger than RAM read and written through mappings with every byte right,
 * dirty shared pages written back before they are dropped, the LRU lists
 * and their ageing, mlock, MADV_FREE, the policies, the watermarks and the
 * vmstat counters.  Every test ends with the full invariant check (which
 * also checks the LRU lists) and the frame-leak check of fx_done.
 */
#include "internal.h"
#include "lru.h"
#include "page_test.h"
#include "reclaim.h"

/* Byte i of page p of the test files. */
static unsigned char pat(uint64_t p, uint64_t i, int salt)
{
	return (unsigned char)((p * 131 + i * 7 + (uint64_t)salt) & 0xff);
}

/* Writes a host file of npages pages of pat(salt). */
static void fx_pat_file(struct fixture *fx, const char *name, uint64_t npages, int salt)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	FILE *f = fopen(path, "w");
	unsigned char page[PS];
	for (uint64_t p = 0; p < npages; p++) {
		for (uint64_t i = 0; i < PS; i++)
			page[i] = pat(p, i, salt);
		fwrite(page, 1, PS, f);
	}
	fclose(f);
}

static int page_ok(mmk_proc *p, uint64_t addr, uint64_t pg, int salt)
{
	unsigned char buf[PS];
	if (mmk_load(p, addr + pg * PS, buf, PS, NULL))
		return 0;
	for (uint64_t i = 0; i < PS; i++)
		if (buf[i] != pat(pg, i, salt))
			return 0;
	return 1;
}

static struct mmk_vmstat vmstat(struct fixture *fx)
{
	struct mmk_vmstat v;
	memset(&v, 0, sizeof(v));
	mmk_vmstat(fx->sys, &v);
	return v;
}

static int fx_init_pressure(struct fixture *fx, uint64_t ram, uint64_t swap, int policy)
{
	struct mmk_config c = {.ram_bytes = ram, .swap_bytes = swap, .reclaim_policy = policy};
	return fx_init_cfg(fx, &c);
}

/* A private read-only mapping of a file 8x RAM, scanned twice in order. */
TEST(file_scan_eight_times_ram_reads_every_byte)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t n = 2048; /* 8 MiB */
	fx_pat_file(&fx, "big", n, 1);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t p = 0; p < n; p++)
			if (!page_ok(fx.p, (uint64_t)a, p, 1))
				T_FAIL("pass %d page %llu wrong", pass, (unsigned long long)p);
	CHECK_INV(&fx);
	struct mmk_vmstat v = vmstat(&fx);
	CHECK(v.pgsteal_kswapd + v.pgsteal_direct >= n);
	CHECK(v.pgscan_kswapd + v.pgscan_direct >= v.pgsteal_kswapd + v.pgsteal_direct);
	CHECK(v.pgmajfault > 0 && v.pgfault >= v.pgmajfault);
	CHECK(v.pgpgin >= n * 4);
	CHECK(faults_major(fx.p) > 0);
	/* Evicted pages are neither mapped nor resident. */
	CHECK(resident_pages(fx.p, (uint64_t)a, 64) < 64);
	CHECK(!fx_done(&fx));
}

/* Stores through a shared mapping 4x RAM: reclaim writes the dirty pages
 * back before dropping them, and the host file ends up with every byte. */
TEST(dirty_shared_pages_reach_the_file_under_pressure)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t n = 1024;
	fx_pat_file(&fx, "f", n, 0);
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	unsigned char page[PS];
	for (uint64_t p = 0; p < n; p++) {
		for (uint64_t i = 0; i < PS; i++)
			page[i] = pat(p, i, 9);
		CHECK_EQ(mmk_store(fx.p, (uint64_t)a + p * PS, page, PS, NULL), 0);
	}
	struct mmk_vmstat v = vmstat(&fx);
	CHECK(v.pgpgout >= (n / 2) * 4); /* most went out before any sync */
	CHECK_INV(&fx);
	/* Read back through the mapping (pages come back from the file)... */
	for (uint64_t p = 0; p < n; p += 7)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 9));
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, n * PS), 0);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	/* ...and the host file, with plain read(), against the pattern. */
	for (uint64_t p = 0; p < n; p++) {
		CHECK_EQ(host_read(&fx, "f", page, PS, (off_t)(p * PS)), (ssize_t)PS);
		for (uint64_t i = 0; i < PS; i++)
			if (page[i] != pat(p, i, 9))
				T_FAIL("host file page %llu byte %llu", (unsigned long long)p,
				       (unsigned long long)i);
	}
	CHECK(!fx_done(&fx));
}

/* Under the LRU policy a small hot set touched between the pages of a big
 * scan stays resident; under FIFO it is evicted like everything else. */
static uint64_t hot_set_major_faults(int policy)
{
	struct fixture fx;
	if (fx_init_pressure(&fx, 1 * MB, 0, policy))
		return UINT64_MAX;
	const uint64_t n = 2048, hot = 16;
	fx_pat_file(&fx, "big", n, 2);
	fx_pat_file(&fx, "hot", hot, 3);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int hfd = fx_open(&fx, fx.p, "hot", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	int64_t h = mmk_mmap(fx.p, 0, hot * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, hfd, 0);
	/* No readahead: one major fault per page read. */
	uint64_t bad = mmk_madvise(fx.p, (uint64_t)a, n * PS, MMK_MADV_RANDOM) != 0;
	bad += mmk_madvise(fx.p, (uint64_t)h, hot * PS, MMK_MADV_RANDOM) != 0;
	for (uint64_t p = 0; p < hot; p++)
		bad += !page_ok(fx.p, (uint64_t)h, p, 3);
	uint64_t before = faults_major(fx.p);
	uint64_t hot_majors = 0;
	for (uint64_t p = 0; p < n; p++) {
		bad += !page_ok(fx.p, (uint64_t)a, p, 2);
		if (p % 4 == 0) {
			uint64_t m = faults_major(fx.p);
			bad += !page_ok(fx.p, (uint64_t)h, p / 4 % hot, 3);
			hot_majors += faults_major(fx.p) - m;
		}
	}
	(void)before;
	bad += fx_check(&fx) != 0;
	bad += fx_done(&fx) != 0;
	return bad ? UINT64_MAX : hot_majors;
}

TEST(lru_keeps_a_hot_set_that_fifo_loses)
{
	uint64_t lru = hot_set_major_faults(MMK_RECLAIM_LRU);
	uint64_t fifo = hot_set_major_faults(MMK_RECLAIM_FIFO);
	uint64_t clock = hot_set_major_faults(MMK_RECLAIM_CLOCK);
	printf("# hot-set major faults: lru %llu clock %llu fifo %llu\n", (unsigned long long)lru,
	       (unsigned long long)clock, (unsigned long long)fifo);
	CHECK(lru != UINT64_MAX && fifo != UINT64_MAX && clock != UINT64_MAX);
	CHECK(lru * 4 < fifo);
	CHECK(clock < fifo);
}

/* A page mapped by two processes is unmapped from both before it goes. */
TEST(a_page_mapped_twice_is_unmapped_from_both)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_FIFO));
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	const uint64_t n = 1024;
	fx_pat_file(&fx, "f", n, 4);
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int qfd = fx_open(&fx, q, "f", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	int64_t b = mmk_mmap(q, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, qfd, 0);
	CHECK(a > 0 && b > 0);
	CHECK(page_ok(fx.p, (uint64_t)a, 0, 4) && page_ok(q, (uint64_t)b, 0, 4));
	CHECK_EQ(pinfo(q, (uint64_t)b).mapcount, 2);
	for (uint64_t p = 1; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 4));
	/* FIFO: page 0 was among the first in, so it went, from both. */
	CHECK(!pinfo(fx.p, (uint64_t)a).present);
	CHECK(!pinfo(q, (uint64_t)b).present);
	CHECK_INV(&fx);
	CHECK(page_ok(q, (uint64_t)b, 0, 4));
	mmk_exit(q);
	CHECK(!fx_done(&fx));
}

/* mlock()ed pages stay, however hard reclaim looks. */
TEST(mlocked_pages_are_never_reclaimed)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t n = 2048, locked = 32;
	fx_pat_file(&fx, "big", n, 5);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_mlock(fx.p, (uint64_t)a, locked * PS), 0);
	CHECK_EQ(resident_pages(fx.p, (uint64_t)a, (int)locked), (int)locked);
	for (uint64_t p = locked; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 5));
	CHECK_EQ(present_pages(fx.p, (uint64_t)a, (int)locked), (int)locked);
	uint64_t majors = faults_major(fx.p);
	for (uint64_t p = 0; p < locked; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 5));
	CHECK_EQ(faults_major(fx.p), majors);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* MADV_FREE pages go without swap; one stored to since stays. */
TEST(lazyfree_pages_are_dropped_without_swap)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t na = 64;
	int64_t m = mmk_mmap(fx.p, 0, na * PS, RW, PA, -1, 0);
	CHECK(m > 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)m, 'z', na * PS, NULL), 0);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)m, na * PS, MMK_MADV_FREE), 0);
	CHECK_EQ(poke(fx.p, (uint64_t)m, 'k'), 0); /* page 0: written again */
	CHECK_INV(&fx);
	const uint64_t n = 1024;
	fx_pat_file(&fx, "big", n, 6);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	for (uint64_t p = 0; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 6));
	CHECK(present_pages(fx.p, (uint64_t)m, (int)na) < (int)na / 2);
	CHECK_EQ(peek(fx.p, (uint64_t)m), 'k');
	for (uint64_t p = 1; p < na; p++) {
		int c = peek(fx.p, (uint64_t)m + p * PS);
		CHECK(c == 0 || c == 'z'); /* dropped: zeros; or still there */
	}
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* MAP_DROPPABLE pages go without swap even though they were written. */
TEST(droppable_pages_are_dropped_dirty)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t na = 64;
	int64_t m = mmk_mmap(fx.p, 0, na * PS, RW, MMK_MAP_DROPPABLE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(m > 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)m, 'd', na * PS, NULL), 0);
	CHECK_INV(&fx);
	const uint64_t n = 1024;
	fx_pat_file(&fx, "big", n, 8);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	for (uint64_t p = 0; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 8));
	CHECK(present_pages(fx.p, (uint64_t)m, (int)na) < (int)na / 2);
	for (uint64_t p = 0; p < na; p++) {
		int c = peek(fx.p, (uint64_t)m + p * PS);
		CHECK(c == 0 || c == 'd'); /* dropped: zeros; or still there */
	}
	CHECK_EQ(vmstat(&fx).pswpout, 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Without swap, anonymous memory stays resident while file pages cycle. */
TEST(anonymous_memory_is_not_reclaimable_without_swap)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_LRU));
	const uint64_t na = 96;
	int64_t m = mmk_mmap(fx.p, 0, na * PS, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)m, 'q', na * PS, NULL), 0);
	const uint64_t n = 1024;
	fx_pat_file(&fx, "big", n, 7);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	for (uint64_t p = 0; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 7));
	CHECK_EQ(present_pages(fx.p, (uint64_t)m, (int)na), (int)na);
	CHECK_EQ(vmstat(&fx).pswpout, 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* read()/pwrite() under pressure: the page cache cycles, nothing is lost. */
TEST(read_and_write_syscalls_under_pressure)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 0, MMK_RECLAIM_CLOCK));
	const uint64_t n = 1024;
	int fd = fx_open(&fx, fx.p, "w", 0);
	unsigned char page[PS];
	for (uint64_t p = 0; p < n; p++) {
		for (uint64_t i = 0; i < PS; i++)
			page[i] = pat(p, i, 11);
		CHECK_EQ(mmk_pwrite(fx.p, fd, page, PS, (int64_t)(p * PS)), (int64_t)PS);
	}
	for (uint64_t p = 0; p < n; p++) {
		CHECK_EQ(mmk_pread(fx.p, fd, page, PS, (int64_t)(p * PS)), (int64_t)PS);
		for (uint64_t i = 0; i < PS; i += 97)
			CHECK_EQ(page[i], pat(p, i, 11));
	}
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Waits up to 10 s for at least `frames` free frames (kswapd runs
 * meanwhile); whether they came. */
static bool wait_free_frames(struct fixture *fx, uint64_t frames)
{
	double t0 = now_sec();
	while (mmk_frames_free(fx->sys) < frames && now_sec() - t0 < 10)
		usleep(1000);
	return mmk_frames_free(fx->sys) >= frames;
}

/* kswapd: allocations below the low watermark wake it, and it brings the
 * free frames back up to the high watermark in the background (so, once
 * it is done, at least the low one is free: allocations since it last ran
 * took at most low..high). */
TEST(kswapd_restores_the_high_watermark)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 2 * MB, 0, MMK_RECLAIM_LRU));
	struct reclaim *r = fx.sys->reclaim;
	CHECK(r->wmark_min < r->wmark_low && r->wmark_low < r->wmark_high);
	const uint64_t n = 1024;
	fx_pat_file(&fx, "big", n, 8);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	for (uint64_t p = 0; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 8));
	CHECK(wait_free_frames(&fx, r->wmark_low));
	CHECK(vmstat(&fx).pgscan_kswapd > 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Readahead's allocations never reclaim, but one that leaves fewer than
 * the low watermark free wakes kswapd, as every Linux allocation does
 * (readahead_gfp_mask keeps __GFP_KSWAPD_RECLAIM): with nothing else
 * allocating afterwards, kswapd still brings the low watermark back. */
TEST(readahead_below_the_low_watermark_wakes_kswapd)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 2 * MB, 0, MMK_RECLAIM_LRU));
	struct reclaim *r = fx.sys->reclaim;
	fx_pat_file(&fx, "ra", 256, 5);
	/* anonymous pages (no swap: kswapd cannot take them) until just above
	 * the low watermark, which wakes nobody */
	int64_t a = mmk_mmap(fx.p, 0, 512 * PS, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(a > 0);
	uint64_t used = 0;
	while (mmk_frames_free(fx.sys) > r->wmark_low + 4 && used < 512)
		CHECK(!mmk_fill(fx.p, (uint64_t)a + used++ * PS, 1, PS, NULL));
	CHECK(mmk_frames_free(fx.sys) > r->wmark_low);
	uint64_t scanned = vmstat(&fx).pgscan_kswapd;
	/* a 64 KiB read of a new file: the first page through page_alloc,
	 * the rest of the 128 KiB window by readahead, past the watermark */
	int fd = fx_open(&fx, fx.p, "ra", MMK_O_RDONLY);
	unsigned char buf[16 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 0), (int64_t)sizeof(buf));
	CHECK(wait_free_frames(&fx, r->wmark_low));
	CHECK(vmstat(&fx).pgscan_kswapd > scanned);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/*
 * No background threads (cfg.no_background_threads): the allocation that
 * leaves fewer than the low watermark free reclaims in its own thread up
 * to the high one, so at every return at least low - 1 frames are free
 * with nothing running behind the caller's back, and kswapd counted
 * nothing: every scan is direct.
 */
TEST(no_background_threads_reclaims_to_the_high_watermark_in_the_caller)
{
	struct fixture fx;
	struct mmk_config c = {
	    .ram_bytes = 2 * MB, .swap_bytes = 8 * MB, .no_background_threads = 1};
	CHECK(!fx_init_cfg(&fx, &c));
	struct reclaim *r = fx.sys->reclaim;
	CHECK(!r->started);
	const uint64_t n = 1024; /* 4 MiB of anonymous memory: half goes to swap */
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	CHECK(a > 0);
	for (uint64_t p = 0; p < n; p++) {
		uint64_t v = p + 1;
		CHECK_EQ(mmk_store(fx.p, (uint64_t)a + p * PS, &v, sizeof(v), NULL), 0);
		/* one fault, one frame: taken from at least low free frames */
		if (frame_pool_free_count(&fx.sys->pool) + 1 < r->wmark_low)
			T_FAIL("page %llu: %llu frames free, below the low watermark %llu",
			       (unsigned long long)p,
			       (unsigned long long)frame_pool_free_count(&fx.sys->pool),
			       (unsigned long long)r->wmark_low);
	}
	struct mmk_vmstat v = vmstat(&fx);
	CHECK(v.pswpout > 0);
	CHECK(v.pgscan_direct > 0);
	CHECK_EQ(v.pgscan_kswapd, 0);
	for (uint64_t p = 0; p < n; p++) {
		uint64_t got = 0;
		CHECK_EQ(mmk_load(fx.p, (uint64_t)a + p * PS, &got, sizeof(got), NULL), 0);
		CHECK_EQ(got, p + 1);
	}
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/*
 * kswapd does not go to sleep while the node is below its high watermark
 * until MAX_RECLAIM_RETRIES runs in a row have freed nothing (Linux's
 * kswapd_try_to_sleep / prepare_kswapd_sleep): pages that are only busy for
 * a while (here their file's lock is held for 60 ms, longer than one run's
 * retries) are reclaimed once they are free again, with no allocation to
 * wake kswapd.
 */
TEST(kswapd_keeps_trying_while_the_pages_are_busy)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 2 * MB, 0, MMK_RECLAIM_LRU));
	struct reclaim *r = fx.sys->reclaim;
	const uint64_t n = 1024;
	fx_pat_file(&fx, "big", n, 9);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	reclaim_pause(fx.sys); /* kswapd waits until the pages are busy */
	for (uint64_t p = 0; p < n; p++)
		CHECK(page_ok(fx.p, (uint64_t)a, p, 9));
	struct mmk_file *f = fd_file(fx.p, fd);
	CHECK(f != NULL);
	mmk_mutex_lock(&f->inode->lock);
	CHECK(mmk_frames_free(fx.sys) < r->wmark_low);
	reclaim_resume(fx.sys);
	usleep(60 * 1000);
	CHECK_EQ(vmstat(&fx).pgsteal_kswapd, 0); /* nothing could go */
	mmk_mutex_unlock(&f->inode->lock);
	file_put(f);
	CHECK(wait_free_frames(&fx, r->wmark_low));
	CHECK(vmstat(&fx).pgsteal_kswapd > 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* The vmstat view: Linux's names, one per line. */
TEST(vmstat_text_names_the_counters)
{
	struct fixture fx;
	CHECK(!fx_init_pressure(&fx, 1 * MB, 4 * MB, MMK_RECLAIM_LRU));
	char buf[4096];
	int64_t n = mmk_vmstat_text(fx.sys, buf, sizeof(buf));
	CHECK(n > 0 && n < (int64_t)sizeof(buf));
	const char *names[] = {"nr_free_pages ",   "pgfault ",	     "pgmajfault ",
			       "pgscan_kswapd ",   "pgscan_direct ", "pgsteal_kswapd ",
			       "pgsteal_direct ",  "pswpin ",	     "pswpout ",
			       "pgpgin ",	   "pgpgout ",	     "oom_kill ",
			       "swap_total 1023\n"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strstr(buf, names[i]))
			T_FAIL("no %s in\n%s", names[i], buf);
	CHECK_STR(mmk_reclaim_policy_name(MMK_RECLAIM_CLOCK), "clock");
	CHECK_EQ(mmk_reclaim_policy_parse("fifo"), MMK_RECLAIM_FIFO);
	CHECK_EQ(mmk_reclaim_policy_parse("lfu"), -EINVAL);
	CHECK(!fx_done(&fx));
	struct mmk_config bad = {.reclaim_policy = 7};
	CHECK(fx_init_cfg(&fx, &bad) != 0);
	rm_rf(fx.dir);
	struct mmk_config opt = {.reclaim_policy = MMK_RECLAIM_OPT}; /* no reference string */
	CHECK(fx_init_cfg(&fx, &opt) != 0);
	rm_rf(fx.dir);
}

/* OPT replays an earlier run's references: never more faults than LRU. */
static uint64_t loop_scan_majors(int policy, const uint64_t *refs, uint64_t nrefs, uint64_t **rec,
				 int64_t *nrec)
{
	struct fixture fx;
	struct mmk_config c = {.ram_bytes = 1 * MB,
			       .reclaim_policy = policy,
			       .opt_refs = refs,
			       .opt_nrefs = nrefs,
			       .record_refs = rec != NULL};
	if (fx_init_cfg(&fx, &c))
		return UINT64_MAX;
	const uint64_t n = 400; /* 1.6 MiB scanned three times over 1 MiB */
	fx_pat_file(&fx, "loop", n, 12);
	int fd = fx_open(&fx, fx.p, "loop", MMK_O_RDONLY);
	int64_t a =
	    mmk_mmap(fx.p, 0, n * PS, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_POPULATE, fd, 0);
	mmk_madvise(fx.p, (uint64_t)a, n * PS, MMK_MADV_RANDOM); /* no readahead */
	uint64_t bad = 0;
	for (int pass = 0; pass < 3; pass++)
		for (uint64_t p = 0; p < n; p++)
			bad += !page_ok(fx.p, (uint64_t)a, p, 12);
	uint64_t majors = faults_major(fx.p);
	if (rec) {
		*nrec = mmk_refs(fx.sys, NULL, 0);
		*rec = malloc((size_t)*nrec * sizeof(uint64_t) + 8);
		mmk_refs(fx.sys, *rec, (uint64_t)*nrec);
	}
	bad += fx_check(&fx) != 0;
	bad += fx_done(&fx) != 0;
	return bad ? UINT64_MAX : majors;
}

TEST(opt_replays_the_reference_string_and_beats_lru)
{
	uint64_t *refs = NULL;
	int64_t nrefs = 0;
	uint64_t lru = loop_scan_majors(MMK_RECLAIM_LRU, NULL, 0, &refs, &nrefs);
	CHECK(lru != UINT64_MAX && nrefs >= 1200);
	uint64_t opt = loop_scan_majors(MMK_RECLAIM_OPT, refs, (uint64_t)nrefs, NULL, NULL);
	free(refs);
	printf("# looping scan major faults: lru %llu opt %llu\n", (unsigned long long)lru,
	       (unsigned long long)opt);
	CHECK(opt != UINT64_MAX);
	CHECK(opt < lru);
}

T_MAIN
