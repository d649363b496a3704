/*
 * test_pagecache_view.c - the snapshot calls that tools draw memory with
 * (`mmkit run --html`): mmk_pagecache_files and mmk_pagecache_pages (which
 * files have inodes, and each cached page's state) and mmk_proc_pagemap's
 * swapped bit.
 */
#include "page_test.h"

static int64_t files(struct fixture *fx, struct mmk_cache_info *fi, uint64_t n)
{
	return mmk_pagecache_files(fx->sys, fi, n);
}

TEST(files_sorted_with_their_counts)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	char buf[3 * 4096];
	memset(buf, 'b', sizeof(buf));
	CHECK_EQ(mmk_sys_file_create(fx.sys, "b", buf, sizeof(buf)), 0);
	CHECK_EQ(mmk_sys_file_create(fx.sys, "a", buf, 100), 0);
	int fd = mmk_open(fx.p, "b", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "D", 1, PS), 1);
	struct mmk_cache_info fi[4];
	CHECK_EQ(files(&fx, NULL, 0), 2);
	CHECK_EQ(files(&fx, fi, 1), 2); /* room for one: fills one, says two */
	CHECK_EQ(files(&fx, fi, 4), 2);
	CHECK(strstr(fi[0].path, "/a") && !strstr(fi[1].path, "/a"));
	CHECK_EQ(fi[0].size, 100);
	CHECK_EQ(fi[0].nrpages, 1);
	CHECK_EQ(fi[1].size, sizeof(buf));
	CHECK_EQ(fi[1].nrpages, 3);
	CHECK_EQ(fi[1].nrdirty, 1);
	struct mmk_cache_page cp[4];
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &fi[1], 0, 4, cp), 3);
	CHECK_EQ(cp[0].flags, MMK_CACHE_PRESENT | (cp[0].flags & MMK_CACHE_ACTIVE));
	CHECK(cp[1].flags & MMK_CACHE_DIRTY);
	CHECK(cp[0].pfn && cp[1].pfn && cp[0].pfn != cp[1].pfn);
	CHECK_EQ(cp[3].flags, 0); /* past EOF */
	/* Mapped: the mapcount shows. */
	int64_t a = mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, (uint64_t)a), 'b');
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &fi[1], 0, 1, cp), 3);
	CHECK_EQ(cp[0].mapcount, 1);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(readahead_mark_shows)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	static char buf[64 * 4096];
	memset(buf, 'r', sizeof(buf));
	CHECK_EQ(mmk_sys_file_create(fx.sys, "r", buf, sizeof(buf)), 0);
	int fd = mmk_open(fx.p, "r", MMK_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	int64_t a = mmk_mmap(fx.p, 0, 64 * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	/* A fault at page 0 reads around it: pages 0-31, the mark on page 24
	 * (a quarter of the window before its end: do_sync_mmap_readahead). */
	CHECK_EQ(peek(fx.p, (uint64_t)a), 'r');
	struct mmk_cache_info fi;
	CHECK_EQ(files(&fx, &fi, 1), 1);
	struct mmk_cache_page cp[64];
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &fi, 0, 64, cp), 64);
	int marked = -1, cached = 0;
	for (int i = 0; i < 64; i++) {
		if (cp[i].flags & MMK_CACHE_READAHEAD)
			marked = i;
		cached += (cp[i].flags & MMK_CACHE_PRESENT) != 0;
	}
	CHECK_EQ(cached, 32);
	CHECK_EQ(marked, 24);
	CHECK(!fx_done(&fx));
}

TEST(bad_arguments)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct mmk_cache_info fi;
	struct mmk_cache_page cp;
	memset(&fi, 0, sizeof(fi));
	fi.ino = 123456789;
	CHECK_EQ(mmk_pagecache_files(NULL, &fi, 1), -EINVAL);
	CHECK_EQ(mmk_pagecache_files(fx.sys, NULL, 1), -EFAULT);
	CHECK_EQ(mmk_pagecache_pages(NULL, &fi, 0, 1, &cp), -EINVAL);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, NULL, 0, 1, &cp), -EINVAL);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &fi, 0, 1, NULL), -EFAULT);
	CHECK_EQ(mmk_pagecache_pages(fx.sys, &fi, 0, 1, &cp), -ENOENT);
	CHECK(!fx_done(&fx));
}

TEST(pagemap_says_swapped)
{
	struct fixture fx;
	struct mmk_config c = {.ram_bytes = 1 << 20, .swap_bytes = 8 << 20};
	CHECK(!fx_init_cfg(&fx, &c));
	const uint64_t n = 1024;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)a, 'x', n * PS, NULL), 0);
	struct mmk_pageinfo *pi = calloc(n, sizeof(*pi));
	CHECK_EQ(mmk_proc_pagemap(fx.p, (uint64_t)a, n, pi), 0);
	uint64_t present = 0, swapped = 0;
	for (uint64_t i = 0; i < n; i++) {
		present += pi[i].present;
		swapped += pi[i].swapped;
		CHECK(!(pi[i].present && pi[i].swapped));
	}
	free(pi);
	CHECK(swapped >= n / 2);
	CHECK_EQ(present + swapped, n);
	CHECK(!fx_done(&fx));
}

T_MAIN
