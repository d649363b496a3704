/*
 * test_pagecache.c - one page cache per file, shared by every mapping and
 * by read/write: coherence in every direction, dirty pages reaching the
 * host file (msync, fsync, sync, the flusher, destroy) and never being
 * lost (a failing host write keeps the page dirty), bytes past EOF,
 * truncation (SIGBUS, COW copies zapped, tails zeroed), msync's and
 * mincore's errors, madvise's page advice, shared anonymous memory,
 * allocation failure and reclaim under a small RAM, and the lookups the
 * fault path batches (a range in one walk, a cached page without I/O)
 * against truncation and hole punching.
 */
#include "page_test.h"

#include "pages.h"

#include <sys/statfs.h>

TEST(map_a_file_and_read_it_after_closing_the_fd)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "data", 3 * PS + 10, -1);
	int fd = fx_open(&fx, fx.p, "data", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	unsigned char buf[3 * PS + 10];
	CHECK_EQ(mmk_load(fx.p, a, buf, sizeof(buf), NULL), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], i & 0xff);
	CHECK_EQ(peek(fx.p, a + 3 * PS + 10), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(two_processes_communicate_through_a_shared_file)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	mmk_proc *q;
	CHECK(mmk_spawn(fx.sys, &q) > 0);
	fx_file(&fx, "chan", 2 * PS, 0);
	int fa = fx_open(&fx, fx.p, "chan", 0), fb = fx_open(&fx, q, "chan", 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fa, 0);
	int64_t b = mmk_mmap(q, 0x10000000, 2 * PS, RW, MMK_MAP_SHARED | MMK_MAP_FIXED, fb, 0);
	CHECK(a > 0 && b > 0);
	CHECK_EQ(mmk_store(fx.p, a + PS + 5, "ping", 5, NULL), 0);
	char got[5];
	CHECK_EQ(mmk_load(q, b + PS + 5, got, 5, NULL), 0);
	CHECK_STR(got, "ping");
	CHECK_EQ(mmk_store(q, b + 100, "pong", 5, NULL), 0);
	CHECK_EQ(mmk_load(fx.p, a + 100, got, 5, NULL), 0);
	CHECK_STR(got, "pong");
	/* One frame, mapped twice. */
	CHECK_EQ(pinfo(fx.p, a).pfn, pinfo(q, b).pfn);
	CHECK_EQ(pinfo(q, b).mapcount, 2);
	CHECK_EQ(smaps_kb(q, b, "Shared_Dirty:"), 8);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(q), 0);
	CHECK(!fx_done(&fx));
}

TEST(write_is_seen_through_shared_and_untouched_private_pages_not_cowed_ones)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'a');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t s = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t pv = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(s > 0 && pv > 0);
	CHECK_EQ(peek(fx.p, s), 'a');
	CHECK_EQ(peek(fx.p, pv), 'a');
	CHECK_EQ(poke(fx.p, pv + PS, 'c'), 0); /* page 1 of the private map is COW'd */
	CHECK_EQ(mmk_pwrite(fx.p, fd, "WW", 2, 0), 2);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "XX", 2, PS + 1), 2);
	CHECK_EQ(peek(fx.p, s), 'W');
	CHECK_EQ(peek(fx.p, pv), 'W'); /* untouched private page: the file */
	CHECK_EQ(peek(fx.p, s + PS + 1), 'X');
	CHECK_EQ(peek(fx.p, pv + PS + 1), 'a'); /* COW'd: its own copy */
	CHECK_EQ(peek(fx.p, pv + PS), 'c');
	/* A store through the shared mapping is read() at once. */
	CHECK_EQ(poke(fx.p, s + 7, 'Q'), 0);
	char c;
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 7), 1);
	CHECK_EQ(c, 'Q');
	/* MAP_PRIVATE writes reach neither the file nor other mappings. */
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, PS), 1);
	CHECK_EQ(c, 'a');
	CHECK_EQ(peek(fx.p, s + PS), 'a');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(dirty_pages_reach_the_host_file_by_msync_fsync_sync_and_destroy)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", i);
		fx_file(&fx, name, 2 * PS, '.');
	}
	int fds[4];
	int64_t m[4];
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", i);
		fds[i] = fx_open(&fx, fx.p, name, 0);
		m[i] = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fds[i], 0);
		CHECK(m[i] > 0);
		CHECK_EQ(mmk_fill(fx.p, m[i] + PS - 2, '0' + i, 4, NULL), 0);
	}
	CHECK(host_all(&fx, "f0", PS - 2, 4, '.')); /* not written back yet */
	CHECK_EQ(mmk_msync(fx.p, m[0], 2 * PS, MMK_MS_SYNC), 0);
	CHECK(host_all(&fx, "f0", PS - 2, 4, '0'));
	CHECK(host_all(&fx, "f1", PS - 2, 4, '.'));
	CHECK_EQ(mmk_fsync(fx.p, fds[1]), 0);
	CHECK(host_all(&fx, "f1", PS - 2, 4, '1'));
	CHECK_EQ(mmk_msync(fx.p, m[2], PS, MMK_MS_ASYNC), 0); /* does nothing */
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK(host_all(&fx, "f2", PS - 2, 4, '2'));
	/* Dirty pages stay cached after munmap and close... */
	CHECK_EQ(mmk_fill(fx.p, m[3], 'z', 10, NULL), 0);
	CHECK_EQ(mmk_munmap(fx.p, m[3], 2 * PS), 0);
	CHECK_EQ(mmk_close(fx.p, fds[3]), 0);
	CHECK(host_all(&fx, "f3", 0, 10, '.'));
	char path[256];
	snprintf(path, sizeof(path), "%s/f3", fx.dir);
	char dir[64];
	strcpy(dir, fx.dir);
	CHECK_INV(&fx);
	/* ...and reach the file when the system goes. */
	mmk_exit(fx.p);
	CHECK_EQ(mmk_system_destroy(fx.sys), 0);
	int fd = open(path, O_RDONLY);
	char buf[12];
	CHECK_EQ(read(fd, buf, 12), 12);
	close(fd);
	CHECK(!memcmp(buf, "zzzzzzzzzz..", 12));
	rm_rf(dir);
}

TEST(bytes_past_eof_are_zero_and_never_written)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 100, 'x');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t a = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, a + 100), 0);
	CHECK_EQ(poke(fx.p, a + 50, 'y'), 0);
	CHECK_EQ(poke(fx.p, a + 200, 'J'), 0); /* past EOF, inside the page: allowed */
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC), 0);
	CHECK_EQ(host_size(&fx, "f"), 100);
	CHECK(host_all(&fx, "f", 50, 1, 'y'));
	char c;
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 200), 0);
	/* Growing the file exposes zeros, not the stray store. */
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 300), 0);
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 200), 1);
	CHECK_EQ(c, 0);
	CHECK_EQ(peek(fx.p, a + 200), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(truncate_zaps_mappings_and_cow_copies_sigbus_after)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4 * PS, 't');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t s = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t pv = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(s > 0 && pv > 0);
	CHECK_EQ(mmk_fill(fx.p, s, 'S', 4 * PS, NULL), 0);
	CHECK_EQ(poke(fx.p, pv + 3 * PS, 'C'), 0); /* a COW copy of page 3 */
	CHECK_EQ(poke(fx.p, pv + PS, 'C'), 0);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, PS + 10), 0);
	CHECK_INV(&fx);
	CHECK_EQ(host_size(&fx, "f"), PS + 10);
	CHECK_EQ(peek(fx.p, s + 2 * PS), BUS);
	CHECK_EQ(peek(fx.p, pv + 3 * PS), BUS); /* the COW copy is gone too */
	/* The partial last page stays, its tail zeroed; a COW copy there stays. */
	CHECK_EQ(peek(fx.p, s + PS + 9), 'S');
	CHECK_EQ(peek(fx.p, s + PS + 10), 0);
	CHECK_EQ(peek(fx.p, pv + PS), 'C');
	CHECK_EQ(smaps_kb(fx.p, s, "Rss:"), 8);
	/* Growing again: the new range reads zeros. */
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 4 * PS), 0);
	CHECK_EQ(peek(fx.p, s + 3 * PS), 0);
	CHECK_EQ(peek(fx.p, pv + 3 * PS), 0);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK_EQ(host_size(&fx, "f"), 4 * PS);
	CHECK(host_all(&fx, "f", 0, PS + 10, 'S'));
	CHECK(host_all(&fx, "f", PS + 10, 3 * PS - 10, 0));
	CHECK(!fx_done(&fx));
}

TEST(msync_errors_in_linux_order)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x40000000, 2 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	int64_t b = mmk_mmap(fx.p, 0x40003000, PS, RW, PA | MMK_MAP_FIXED | MMK_MAP_LOCKED, -1, 0);
	CHECK(a > 0 && b > 0);
	CHECK_EQ(mmk_msync(fx.p, a + 1, PS, 8), -EINVAL);
	CHECK_EQ(mmk_msync(fx.p, a + 1, PS, MMK_MS_SYNC), -EINVAL);
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC | MMK_MS_ASYNC), -EINVAL);
	CHECK_EQ(mmk_msync(fx.p, a, 0, MMK_MS_SYNC), 0);
	CHECK_EQ(mmk_msync(fx.p, 0xfffffffffffff000ULL, 2 * PS, MMK_MS_SYNC), -ENOMEM);
	CHECK_EQ(mmk_msync(fx.p, a, 2 * PS, MMK_MS_SYNC), 0);
	CHECK_EQ(mmk_msync(fx.p, a, 1, 0), 0);
	/* The hole at 0x40002000 is reported at the end... */
	CHECK_EQ(mmk_msync(fx.p, a, 4 * PS, MMK_MS_SYNC), -ENOMEM);
	/* ...except for a plain MS_ASYNC, which stops there. */
	CHECK_EQ(mmk_msync(fx.p, a, 4 * PS, MMK_MS_ASYNC), -ENOMEM);
	CHECK_EQ(mmk_msync(fx.p, 0x30000000, PS, MMK_MS_SYNC), -ENOMEM);
	CHECK_EQ(mmk_msync(fx.p, a, 4 * PS, MMK_MS_INVALIDATE), -EBUSY);
	CHECK_EQ(mmk_msync(fx.p, a, 2 * PS, MMK_MS_INVALIDATE), 0);
	CHECK(!fx_done(&fx));
}

TEST(mincore_residency_and_errors)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8 * PS, 'm');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	char buf[2 * PS];
	/* A lone random read reads just its page (page_cache_sync_ra). */
	CHECK_EQ(mmk_pread(fx.p, fd, buf, PS, 5 * PS), PS);
	int64_t f = mmk_mmap(fx.p, 0x40000000, 8 * PS, MMK_PROT_READ,
			     MMK_MAP_PRIVATE | MMK_MAP_FIXED, fd, 0);
	int64_t a = mmk_mmap(fx.p, 0x40008000, 4 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK(f > 0 && a > 0);
	unsigned char v[16];
	memset(v, 0xee, sizeof(v));
	/* The page cache decides for file pages never touched here. */
	CHECK_EQ(mmk_mincore(fx.p, f, 8 * PS, v), 0);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(v[i], i == 5);
	CHECK_EQ(poke(fx.p, a + PS, 1), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS), 0);
	memset(v, 0xee, sizeof(v));
	CHECK_EQ(mmk_mincore(fx.p, a, 4 * PS - 1, v), 0);
	CHECK(v[0] == 0 && v[1] == 1 && v[2] == 1 && v[3] == 0 && v[4] == 0xee);
	CHECK_EQ(mmk_mincore(fx.p, a + 1, PS, v), -EINVAL);
	/* A hole: the bytes before it are written, then -ENOMEM. */
	memset(v, 0xee, sizeof(v));
	CHECK_EQ(mmk_mincore(fx.p, a, 6 * PS, v), -ENOMEM);
	CHECK(v[1] == 1 && v[3] == 0 && v[4] == 0xee);
	CHECK_EQ(mmk_mincore(fx.p, 0x7ffffffff000ULL - PS, 2 * PS, v), -ENOMEM);
	CHECK_EQ(mmk_mincore(fx.p, a, 0, v), 0);
	CHECK(!fx_done(&fx));
}

TEST(madv_dontneed_per_mapping_kind)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, 'F');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t an = mmk_mmap(fx.p, 0, PS, RW, PA, -1, 0);
	int64_t pf = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_PRIVATE, fd, 0);
	int64_t sf = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(an > 0 && pf > 0 && sf > 0);
	CHECK_EQ(poke(fx.p, an, 'a'), 0);
	CHECK_EQ(poke(fx.p, pf, 'p'), 0);
	CHECK_EQ(poke(fx.p, sf + 1, 's'), 0);
	for (int64_t m = an; m; m = m == an ? pf : m == pf ? sf : 0)
		CHECK_EQ(mmk_madvise(fx.p, m, PS, MMK_MADV_DONTNEED), 0);
	CHECK_INV(&fx);
	CHECK_EQ(smaps_kb(fx.p, an, "Rss:") + smaps_kb(fx.p, pf, "Rss:") +
		     smaps_kb(fx.p, sf, "Rss:"),
		 0);
	CHECK_EQ(peek(fx.p, an), 0);	   /* anonymous: zeros */
	CHECK_EQ(peek(fx.p, pf), 'F');	   /* private file: the file again */
	CHECK_EQ(peek(fx.p, sf + 1), 's'); /* shared: the same contents */
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK(host_all(&fx, "f", 1, 1, 's'));
	CHECK(!fx_done(&fx));
}

TEST(madv_remove_punches_a_hole)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4 * PS, 'r');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t s = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t pv = mmk_mmap(fx.p, 0, 4 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(s > 0 && pv > 0);
	CHECK_EQ(poke(fx.p, pv + PS, 'c'), 0);
	CHECK_EQ(mmk_fill(fx.p, s, 'R', 4 * PS, NULL), 0);
	CHECK_EQ(mmk_madvise(fx.p, pv, PS, MMK_MADV_REMOVE), -EACCES);
	CHECK_EQ(mmk_madvise(fx.p, s + PS, 2 * PS, MMK_MADV_REMOVE), 0);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, s), 'R');
	CHECK_EQ(peek(fx.p, s + PS), 0);
	CHECK_EQ(peek(fx.p, s + 2 * PS + 7), 0);
	CHECK_EQ(peek(fx.p, s + 3 * PS), 'R');
	CHECK_EQ(peek(fx.p, pv + PS), 'c'); /* COW copies survive a hole punch */
	CHECK_EQ(peek(fx.p, pv + 2 * PS), 0);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK(host_all(&fx, "f", PS, 2 * PS, 0));
	CHECK(host_all(&fx, "f", 3 * PS, PS, 'R'));
	CHECK_EQ(host_size(&fx, "f"), 4 * PS);
	/* Shared anonymous memory too. */
	int64_t sh = mmk_mmap(fx.p, 0, 2 * PS, RW, SA, -1, 0);
	CHECK(sh > 0);
	CHECK_EQ(mmk_fill(fx.p, sh, 9, 2 * PS, NULL), 0);
	CHECK_EQ(mmk_madvise(fx.p, sh, PS, MMK_MADV_REMOVE), 0);
	CHECK_EQ(peek(fx.p, sh), 0);
	CHECK_EQ(peek(fx.p, sh + PS), 9);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* The inode behind fd of p (the test reaches into the library's internals). */
static struct mmk_inode *fd_inode(mmk_proc *p, int fd)
{
	return p->fdt.fds[fd].file->inode;
}

/* pagecache_lookup_range_locked agrees with one lookup per page; the
 * fault's no-I/O lookup refuses what would need a read, readahead or
 * SIGBUS. */
TEST(range_lookup_and_cached_fault_lookup_follow_the_cache)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8 * PS + 100, 'q'); /* pages 0..8 */
	int fd = fx_open(&fx, fx.p, "f", 0);
	char buf[3 * PS];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, sizeof(buf), 2 * PS), (int64_t)sizeof(buf)); /* 2..4 */
	CHECK_EQ(mmk_pwrite(fx.p, fd, "w", 1, 6 * PS), 1);			       /* 6 */
	struct mmk_inode *in = fd_inode(fx.p, fd);
	mmk_mutex_lock(&in->lock);
	pfn_t pfns[16], one;
	for (int i = 0; i < 16; i++)
		pfns[i] = 0;
	uint64_t got = pagecache_lookup_range_locked(in, 0, 16, pfns);
	int ok = got == (0x1cull | 0x40);
	for (uint64_t i = 0; ok && i < 16; i++) {
		int cached = !pagecache_lookup_locked(in, i, &one);
		ok = cached == (int)((got >> i) & 1) && (!cached || pfns[i] == one) &&
		     (cached || pfns[i] == 0);
	}
	/* the same from an unaligned start, across the 64-page leaf boundary */
	uint64_t far = pagecache_lookup_range_locked(in, 60, 16, pfns);
	ok = ok && far == 0;
	pfn_t p3;
	int cached3 = pagecache_fault_cached_locked(in, 3, &p3);
	int absent0 = pagecache_fault_cached_locked(in, 0, &one);
	int beyond9 = pagecache_fault_cached_locked(in, 9, &one);
	page_set(pfn_to_page(&fx.sys->pool, p3), PG_readahead);
	int marked3 = pagecache_fault_cached_locked(in, 3, &one);
	page_clear(pfn_to_page(&fx.sys->pool, p3), PG_readahead);
	mmk_mutex_unlock(&in->lock);
	CHECK(ok);
	CHECK_EQ(cached3, 0);
	CHECK_EQ(p3, pfns[3]);
	CHECK_EQ(absent0, -EAGAIN);
	CHECK_EQ(beyond9, -EAGAIN);
	CHECK_EQ(marked3, -EAGAIN);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Pages mapped by fault-around are zapped by truncation and hole
 * punching like any others; refaults see what the cache holds then. */
TEST(truncate_and_hole_punch_zap_pages_mapped_around)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 32 * PS, 'a');
	int fd = fx_open(&fx, fx.p, "f", 0);
	uint64_t s = 0x40000000;
	CHECK_EQ(mmk_mmap(fx.p, s, 32 * PS, RW, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0), (int64_t)s);
	CHECK_EQ(peek(fx.p, s), 'a');	   /* major, read-around caches 0..31 */
	CHECK_EQ(peek(fx.p, s + PS), 'a'); /* fault-around maps 0..15 */
	CHECK_EQ(present_pages(fx.p, s, 32), 16);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 10 * PS + 10), 0); /* pages 0..10 stay */
	CHECK_INV(&fx);
	CHECK_EQ(present_pages(fx.p, s, 32), 11);
	CHECK_EQ(peek(fx.p, s + 10 * PS + 9), 'a');
	CHECK_EQ(peek(fx.p, s + 10 * PS + 10), 0);
	CHECK_EQ(peek(fx.p, s + 11 * PS), BUS);
	CHECK_EQ(mmk_madvise(fx.p, s + 3 * PS, 2 * PS, MMK_MADV_REMOVE), 0);
	CHECK_INV(&fx);
	CHECK_EQ(present_pages(fx.p, s, 32), 9);
	uint64_t major = faults_major(fx.p);
	CHECK_EQ(peek(fx.p, s + 3 * PS), 0); /* read again (major): the hole reads zeros */
	CHECK_EQ(faults_major(fx.p), major + 1);
	CHECK_EQ(peek(fx.p, s + 4 * PS), 0); /* cached by read-around: minor */
	CHECK_EQ(faults_major(fx.p), major + 1);
	CHECK_EQ(present_pages(fx.p, s, 32), 11);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "W", 1, 6 * PS), 1);
	CHECK_EQ(peek(fx.p, s + 6 * PS), 'W');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* folio_mark_accessed() through read(): the first read sets referenced,
 * the second activates (LRU policy), later ones change nothing; the other
 * policies never activate. */
TEST(reads_mark_pages_accessed_and_activate_them_once)
{
	int policies[] = {MMK_RECLAIM_LRU, MMK_RECLAIM_CLOCK};
	for (int k = 0; k < 2; k++) {
		struct fixture fx;
		struct mmk_config c = {.reclaim_policy = policies[k]};
		CHECK(!fx_init_cfg(&fx, &c));
		fx_file(&fx, "f", 4 * PS, 'r');
		int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
		struct mmk_vmstat before, vs;
		CHECK_EQ(mmk_vmstat(fx.sys, &before), 0);
		char b;
		for (int n = 1; n <= 4; n++) {
			CHECK_EQ(mmk_pread(fx.p, fd, &b, 1, PS), 1);
			CHECK_EQ(mmk_vmstat(fx.sys, &vs), 0);
			uint64_t want = policies[k] == MMK_RECLAIM_LRU && n >= 2;
			CHECK_EQ(vs.nr_active_file - before.nr_active_file, want);
			CHECK_EQ(vs.pgactivate - before.pgactivate, want);
		}
		CHECK_INV(&fx);
		CHECK(!fx_done(&fx));
	}
}

TEST(madv_free_is_lazy_and_a_store_cancels_it)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 'L', 4 * PS, NULL), 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_FREE), 0);
	CHECK_INV(&fx);
	CHECK_EQ(smaps_kb(fx.p, a, "LazyFree:"), 16);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Clean:"), 16);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 0);
	CHECK_EQ(peek(fx.p, a + 5), 'L'); /* contents kept until reclaimed */
	CHECK_EQ(poke(fx.p, a + PS, 'M'), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "LazyFree:"), 12);
	/* PAGEOUT reclaims the clean lazy pages; the stored-to one stays. */
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_PAGEOUT), 0);
	CHECK_INV(&fx);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 4);
	CHECK_EQ(peek(fx.p, a + PS), 'M');
	CHECK_EQ(peek(fx.p, a), 0);
	/* MADV_FREE on a file mapping is refused. */
	fx_file(&fx, "f", PS, 0);
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t m = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK_EQ(mmk_madvise(fx.p, m, PS, MMK_MADV_FREE), -EINVAL);
	CHECK(!fx_done(&fx));
}

TEST(madv_willneed_cold_and_pageout_of_file_pages)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 64 * PS, 'w');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, 64 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(resident_pages(fx.p, a, 64), 0);
	CHECK_EQ(mmk_madvise(fx.p, a + 8 * PS, 40 * PS, MMK_MADV_WILLNEED), 0);
	CHECK_EQ(resident_pages(fx.p, a, 64), 40);
	CHECK_EQ(present_pages(fx.p, a, 64), 0);
	CHECK_EQ(mmk_touch(fx.p, a + 8 * PS, 16 * PS, 0, NULL), 0);
	/* Fault-around maps more than was touched: every mapped page is young. */
	long long rss = smaps_kb(fx.p, a, "Rss:");
	CHECK(rss >= 64);
	CHECK_EQ(present_pages(fx.p, a, 64) * 4, rss);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), rss);
	CHECK_EQ(mmk_madvise(fx.p, a, 64 * PS, MMK_MADV_COLD), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), rss);
	CHECK_EQ(mmk_madvise(fx.p, a, 64 * PS, MMK_MADV_PAGEOUT), 0);
	CHECK_INV(&fx);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 0);
	/* The mapped pages left the cache, the others stayed. */
	CHECK_EQ(resident_pages(fx.p, a, 64), 40 - rss / 4);
	CHECK_EQ(peek(fx.p, a + 9 * PS), 'w');
	CHECK(!fx_done(&fx));
}

TEST(parent_and_child_share_anonymous_shared_memory)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, SA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	CHECK_EQ(peek(c, a), 1);
	CHECK_EQ(poke(c, a + 3 * PS, 'c'), 0);
	CHECK_EQ(peek(fx.p, a + 3 * PS), 'c');
	CHECK_EQ(poke(fx.p, a + 2 * PS, 'p'), 0);
	CHECK_EQ(peek(c, a + 2 * PS), 'p');
	CHECK_EQ(smaps_kb(c, a, "Rss:"), 12);
	CHECK_STR(status_line(c, "RssShmem"), "RssShmem:\t      12 kB");
	CHECK_EQ(smaps_kb(c, a, "Anonymous:"), 0);
	CHECK(strstr(fx_maps(c), "/dev/zero (deleted)"));
	CHECK_INV(&fx);
	/* The memory outlives the parent's mapping. */
	CHECK_EQ(mmk_munmap(fx.p, a, 4 * PS), 0);
	CHECK_EQ(peek(c, a + 2 * PS), 'p');
	CHECK_EQ(mmk_exit(c), 0);
	CHECK(!fx_done(&fx));
}

/* A host write that fails leaves the page dirty: retried later, never lost. */
TEST(failed_writeback_keeps_the_page_dirty)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, '-');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t a = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, a, '+'), 0);
	struct mmk_file *f = fd_file(fx.p, fd);
	int hostfd = f->inode->hostfd;
	file_put(f);
	char path[256];
	snprintf(path, sizeof(path), "%s/f", fx.dir);
	int saved = dup(hostfd), ro = open(path, O_RDONLY);
	CHECK(saved >= 0 && ro >= 0);
	CHECK(dup2(ro, hostfd) == hostfd); /* the host refuses writes now */
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC), -EBADF);
	CHECK(pinfo(fx.p, a).dirty);
	CHECK_INV(&fx);
	CHECK(dup2(saved, hostfd) == hostfd);
	close(saved);
	close(ro);
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC), 0);
	CHECK(host_all(&fx, "f", 0, 1, '+'));
	CHECK(!fx_done(&fx));
}

TEST(flusher_writes_back_old_dirty_pages)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, '-');
	int fd = fx_open(&fx, fx.p, "f", 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "aged", 4, 0), 4);
	CHECK(host_all(&fx, "f", 0, 1, '-'));
	CHECK_EQ(flusher_nr_dirty(fx.sys), 1);
	atomic_fetch_add(&fx.sys->tick, 1000); /* much older than dirty_expire */
	flusher_kick(fx.sys);
	double t0 = now_sec();
	while (!host_all(&fx, "f", 0, 1, 'a') && now_sec() - t0 < 10)
		usleep(1000);
	CHECK(host_all(&fx, "f", 0, 1, 'a'));
	CHECK_EQ(flusher_nr_dirty(fx.sys), 0);
	CHECK(!fx_done(&fx));
}

TEST(flusher_starts_over_the_dirty_threshold)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 1 * MB)); /* 256 frames: background threshold 25 */
	int fd = fx_open(&fx, fx.p, "f", 0);
	char page[PS];
	memset(page, 'd', sizeof(page));
	for (int i = 0; i < 40; i++)
		CHECK_EQ(mmk_pwrite(fx.p, fd, page, PS, (int64_t)i * PS), (int64_t)PS);
	/* Crossing 25 dirty pages kicks the flusher, whose pass writes every
	 * page dirty at that moment: at least 26, within seconds -- the age
	 * rule alone (30 s) could not.  Pages dirtied after the pass stay
	 * dirty, as under Linux's background writeback, until sync. */
	double t0 = now_sec();
	while (host_size(&fx, "f") < 26 * (off_t)PS && now_sec() - t0 < 10)
		usleep(1000);
	CHECK(host_size(&fx, "f") >= 26 * (off_t)PS);
	CHECK(host_all(&fx, "f", 0, 26 * PS, 'd'));
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK_EQ(host_size(&fx, "f"), 40 * PS);
	CHECK(host_all(&fx, "f", 0, 40 * PS, 'd'));
	CHECK(!fx_done(&fx));
}

/* Reading a file larger than RAM works: clean cached pages are reclaimed. */
TEST(reclaim_clean_cache_pages_under_a_small_ram)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 256 * KB)); /* 64 frames */
	fx_file(&fx, "big", 200 * PS, -1);
	int fd = fx_open(&fx, fx.p, "big", MMK_O_RDONLY);
	unsigned char buf[PS];
	for (int i = 0; i < 200; i++) {
		CHECK_EQ(mmk_pread(fx.p, fd, buf, PS, (int64_t)i * PS), (int64_t)PS);
		CHECK_EQ(buf[17], 17);
	}
	int64_t a = mmk_mmap(fx.p, 0, 200 * PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	for (int i = 0; i < 200; i += 7)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS + 3), 3);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(write_with_no_frames_left_returns_what_was_written)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = fx_open(&fx, fx.p, "f", 0);
	char buf[3 * PS];
	memset(buf, 'k', sizeof(buf));
	frame_pool_inject_fail(&fx.sys->pool, 2, true);
	CHECK_EQ(mmk_pwrite(fx.p, fd, buf, sizeof(buf), 0), 2 * PS);
	CHECK_EQ(mmk_pwrite(fx.p, fd, buf, sizeof(buf), 2 * PS), -ENOMEM);
	frame_pool_inject_fail(&fx.sys->pool, -1, false);
	CHECK_EQ(mmk_fsize(fx.p, fd), 2 * PS);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK(host_all(&fx, "f", 0, 2 * PS, 'k'));
	CHECK(!fx_done(&fx));
}

TEST(read_follows_the_file_through_the_cache)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 5 * PS + 3, -1);
	int fd = fx_open(&fx, fx.p, "f", 0);
	unsigned char buf[8 * PS];
	CHECK_EQ(mmk_read(fx.p, fd, buf, 8 * PS), 5 * PS + 3);
	for (int i = 0; i < (int)(5 * PS + 3); i++)
		CHECK_EQ(buf[i], i & 0xff);
	CHECK_EQ(mmk_read(fx.p, fd, buf, 8 * PS), 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "end", 3, 10 * PS), 3);
	CHECK_EQ(mmk_fsize(fx.p, fd), 10 * PS + 3);
	CHECK_EQ(mmk_pread(fx.p, fd, buf, 3, 7 * PS), 3);
	CHECK(buf[0] == 0 && buf[1] == 0 && buf[2] == 0);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK_EQ(host_size(&fx, "f"), 10 * PS + 3);
	CHECK(host_all(&fx, "f", 6 * PS, 4 * PS, 0));
	CHECK(!fx_done(&fx));
}

/* Whether dir is on ext4 (where mmkit models ext4's EOF block zeroing). */
static bool dir_on_ext4(const char *dir)
{
	struct statfs sf;
	return statfs(dir, &sf) == 0 && sf.f_type == 0xEF53;
}

/*
 * ext4 (Linux 6.12+) zeroes the block at an unaligned old EOF when a file
 * grows, through the page cache: the cached page turns dirty, and an
 * uncached one is created dirty but not uptodate, so that mincore does not
 * count it and a fault reads nothing, counts minor and maps it.
 * mmk_config.no_eof_block_zeroing (an older kernel) leaves both alone.
 */
TEST(growing_a_file_dirties_its_old_eof_page_on_ext4_unless_configured_off)
{
	for (int off = 0; off < 2; off++) {
		struct fixture fx;
		struct mmk_config c = {.no_eof_block_zeroing = off};
		CHECK(!fx_init_cfg(&fx, &c));
		bool model = !off && dir_on_ext4(fx.dir);
		fx_file(&fx, "cached", 100, 'a');
		fx_file(&fx, "cold", 100, 'b');
		int fd = fx_open(&fx, fx.p, "cached", 0), fd2 = fx_open(&fx, fx.p, "cold", 0);
		char ch;
		CHECK_EQ(mmk_pread(fx.p, fd, &ch, 1, 0), 1);
		CHECK_EQ(mmk_ftruncate(fx.p, fd, 2 * PS), 0);
		CHECK_EQ(mmk_ftruncate(fx.p, fd2, 2 * PS), 0);
		int64_t a = mmk_mmap(fx.p, 0, 2 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
		int64_t b = mmk_mmap(fx.p, 0, 2 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd2, 0);
		CHECK(a > 0 && b > 0);
		unsigned char vec[2];
		CHECK_EQ(mmk_mincore(fx.p, (uint64_t)b, PS, vec), 0);
		CHECK_EQ(vec[0], 0); /* cached or not, not uptodate */
		CHECK_INV(&fx);
		struct mmk_fault_counts f0, f1;
		CHECK_EQ(mmk_proc_faults(fx.p, &f0), 0);
		CHECK_EQ(peek(fx.p, a), 'a');
		CHECK_EQ(peek(fx.p, b), 'b');
		CHECK_EQ(peek(fx.p, b + 100), 0);
		CHECK_EQ(mmk_proc_faults(fx.p, &f1), 0);
		CHECK_EQ(f1.major - f0.major, model ? 0 : 1);
		CHECK_EQ(pinfo(fx.p, a).dirty, model);
		CHECK_EQ(pinfo(fx.p, b).dirty, model);
		CHECK_INV(&fx);
		CHECK(!fx_done(&fx));
	}
}

/*
 * Issue 6: the file system's largest file size (ext4 with 4 KiB blocks:
 * 16 TiB - 4 KiB; MAX_LFS_FILESIZE elsewhere).  A write at or past it is
 * -EFBIG and changes nothing, one crossing it is cut short, ftruncate past
 * it is -EFBIG, and nothing poisons later writeback.
 */
TEST(writes_and_truncates_stop_at_the_file_systems_max_size)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct statfs sf;
	CHECK(!statfs(fx.dir, &sf));
	const uint64_t max =
	    dir_on_ext4(fx.dir) && sf.f_bsize == 4096 ? (1ULL << 44) - PS : (uint64_t)INT64_MAX;
	fx_file(&fx, "f", 10, 'a');
	int fd = fx_open(&fx, fx.p, "f", 0);
	if (max != (uint64_t)INT64_MAX)
		CHECK_EQ(mmk_pwrite(fx.p, fd, "far", 3, 1LL << 50), -EFBIG);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "x", 1, (int64_t)max), -EFBIG);
	CHECK_EQ(mmk_fsize(fx.p, fd), 10);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	if (max != (uint64_t)INT64_MAX) {
		CHECK_EQ(mmk_ftruncate(fx.p, fd, (int64_t)max + 1), -EFBIG);
		CHECK_EQ(mmk_fsize(fx.p, fd), 10);
		CHECK_EQ(mmk_pwrite(fx.p, fd, "hello world", 11, (int64_t)max - 5), 5);
		CHECK_EQ(mmk_fsize(fx.p, fd), (int64_t)max);
		CHECK_EQ(mmk_fsync(fx.p, fd), 0);
		CHECK_EQ(mmk_ftruncate(fx.p, fd, 10), 0);
	}
	CHECK_EQ(mmk_pwrite(fx.p, fd, "b", 1, 3), 1);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK(host_all(&fx, "f", 3, 1, 'b'));
	CHECK_EQ(host_size(&fx, "f"), 10);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* ---- destruction order ---------------------------------------------------- */

/* Records the order page-cache frames are listed and unlisted. */
struct order_log {
	uint32_t listed[8], unlisted[8];
	int nlisted, nunlisted;
};

static void log_listed(void *arg, uint32_t frame, int anon)
{
	struct order_log *l = arg;
	if (!anon && l->nlisted < 8)
		l->listed[l->nlisted++] = frame;
}

static void log_unlisted(void *arg, uint32_t frame)
{
	struct order_log *l = arg;
	if (l->nunlisted < 8)
		l->unlisted[l->nunlisted++] = frame;
}

static uint32_t log_victim(void *arg, int anon_ok)
{
	(void)arg;
	(void)anon_ok;
	return UINT32_MAX; /* never asked: no memory pressure here */
}

/* The bucket of the inode hash (src/pagecache/inode.c's inode_hash) a
 * host file falls in; the test uses it only to pick two files the hash
 * orders the other way round from the order they are opened. */
static unsigned host_bucket(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return 0;
	uint64_t h = (uint64_t)st.st_ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)st.st_dev;
	return (unsigned)(h >> 40) % 1024;
}

/*
 * Destroying a system releases cached files in the order the system met
 * them, not in the hash's order (which follows host inode numbers and so
 * changes with the run directory): the first file opened loses its page
 * first even when its inode number hashes to a later bucket.
 */
TEST(destroy_releases_files_in_the_order_they_were_met)
{
	static const struct mmk_policy_ops ops = {"log", log_listed, log_unlisted, NULL,
						  log_victim};
	struct order_log log = {0};
	struct mmk_config c = {0};
	struct fixture fx;
	char path[300], first[16] = "", second[16] = "";
	unsigned bfirst = 0;

	c.policy_ops = &ops;
	c.policy_arg = &log;
	CHECK(!fx_init_cfg(&fx, &c));
	/* Two files whose buckets are in the other order from their names'. */
	for (int i = 0; i < 64 && !second[0]; i++) {
		char name[16];
		snprintf(name, sizeof(name), "f%d", i);
		fx_file(&fx, name, PS, 'a' + i % 26);
		snprintf(path, sizeof(path), "%s/%s", fx.dir, name);
		unsigned b = host_bucket(path);
		if (!first[0] || b > bfirst) {
			snprintf(first, sizeof(first), "%s", name);
			bfirst = b;
		} else if (b < bfirst) {
			snprintf(second, sizeof(second), "%s", name);
		}
	}
	CHECK(second[0] != 0);
	char page[PS];
	int fd = fx_open(&fx, fx.p, first, MMK_O_RDONLY);
	CHECK_EQ(mmk_pread(fx.p, fd, page, PS, 0), (int64_t)PS);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	fd = fx_open(&fx, fx.p, second, MMK_O_RDONLY);
	CHECK_EQ(mmk_pread(fx.p, fd, page, PS, 0), (int64_t)PS);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK_EQ(log.nlisted, 2);
	CHECK(!fx_done(&fx));
	CHECK_EQ(log.nunlisted, 2);
	CHECK_EQ(log.unlisted[0], log.listed[0]); /* the first file met */
	CHECK_EQ(log.unlisted[1], log.listed[1]);
}

T_MAIN
