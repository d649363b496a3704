/*
 * test_fadvise.c - making file pages cold: mmk_fadvise (posix_fadvise,
 * mm/fadvise.c) and mmk_drop_caches (fs/drop_caches.c).  What the host
 * kernel does deterministically is checked against it by the scenarios
 * tests/scenarios/fadvise_*.mm and drop_caches.mm; these tests cover what
 * a scenario cannot show deterministically (a dirty page, WILLNEED's
 * asynchronous read, a large folio cut by the range) and the errors a
 * script cannot reach (a FIFO, NULL handles).
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include "page_test.h"

#include "pages.h"

/* The page-cache residency of a file's first npages pages (one char per
 * page, '0'/'1'), seen through a fresh shared mapping and mincore. */
static const char *cached(mmk_proc *p, int fd, int npages)
{
	static char s[65];
	unsigned char vec[64];
	int64_t a = mmk_mmap(p, 0, (uint64_t)npages * PS, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	if (a < 0 || mmk_mincore(p, (uint64_t)a, (uint64_t)npages * PS, vec))
		return "mincore failed";
	for (int i = 0; i < npages; i++)
		s[i] = (char)('0' + (vec[i] & 1));
	s[npages] = 0;
	mmk_munmap(p, (uint64_t)a, (uint64_t)npages * PS);
	return s;
}

static int open_file(struct fixture *fx, const char *name, int npages, int flags)
{
	char *b = malloc((size_t)npages * PS);
	memset(b, 'x', (size_t)npages * PS);
	int r = mmk_sys_file_create(fx->sys, name, b, (uint64_t)npages * PS);
	free(b);
	return r ? r : mmk_open(fx->p, name, flags, 0);
}

TEST(dontneed_evicts_clean_pages_only_whole_ones)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = open_file(&fx, "f", 4, MMK_O_RDONLY);
	CHECK(fd >= 0);
	CHECK(!strcmp(cached(fx.p, fd, 4), "1111"));
	/* [100, 8192 + 100): only page 1 lies wholly inside. */
	CHECK_EQ(mmk_fadvise(fx.p, fd, 100, 8192, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 4), "1011"));
	/* len 0: to the end of the file. */
	CHECK_EQ(mmk_fadvise(fx.p, fd, 3 * PS, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 4), "1010"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(dontneed_writes_dirty_pages_back_and_keeps_them_once)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = open_file(&fx, "f", 2, MMK_O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "D", 1, 0), 1);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	/* Page 0 was dirty: written back (the host file has it), still cached. */
	char c = 0;
	CHECK_EQ(host_read(&fx, "f", &c, 1, 0), 1);
	CHECK_EQ(c, 'D');
	CHECK(!strcmp(cached(fx.p, fd, 2), "10"));
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 2), "00"));
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'D');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(dontneed_keeps_mapped_pages_and_the_next_fault_is_major)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = open_file(&fx, "f", 2, MMK_O_RDONLY);
	CHECK(fd >= 0);
	int64_t a = mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, PS);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, (uint64_t)a), 'x');
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 2), "01"));
	struct mmk_fault_counts before, after;
	CHECK_EQ(mmk_proc_faults(fx.p, &before), 0);
	int64_t b = mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0);
	CHECK(b > 0);
	CHECK_EQ(peek(fx.p, (uint64_t)b), 'x');
	CHECK_EQ(mmk_proc_faults(fx.p, &after), 0);
	CHECK_EQ(after.major, before.major + 1);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(willneed_reads_the_range_in)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = open_file(&fx, "f", 4, MMK_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 4), "0000"));
	CHECK_EQ(mmk_fadvise(fx.p, fd, PS + 1, PS, MMK_POSIX_FADV_WILLNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 4), "0110"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A large folio leaves only when the range holds all of it. */
TEST(dontneed_keeps_a_large_folio_the_range_cuts)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct statfs sf;
	CHECK_EQ(statfs(fx.dir, &sf), 0);
	if (sf.f_type != 0xEF53 && sf.f_type != 0x58465342) {
		printf("skip: %s is not on ext4 or xfs (no large folios)\n", fx.dir);
		CHECK(!fx_done(&fx));
		return;
	}
	int fd = mmk_open(fx.p, "big", MMK_O_RDWR | MMK_O_CREAT, 0644);
	CHECK(fd >= 0);
	static char buf[64 * 4096];
	memset(buf, 'b', sizeof(buf));
	CHECK_EQ(mmk_write(fx.p, fd, buf, sizeof(buf)), (int64_t)sizeof(buf));
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	struct mmk_inode *in = fx.p->fdt.fds[fd].file->inode;
	pfn_t pfn;
	mmk_mutex_lock(&in->lock);
	CHECK_EQ(pagecache_lookup_locked(in, 0, &pfn), 0);
	unsigned order = page_folio_order(inode_page(in, pfn));
	mmk_mutex_unlock(&in->lock);
	CHECK(order > 0);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, PS, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK_EQ(cached(fx.p, fd, 1)[0], '1');
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK(!strcmp(cached(fx.p, fd, 64),
		      "0000000000000000000000000000000000000000000000000000000000000000"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(errors)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = open_file(&fx, "f", 1, MMK_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_fadvise(NULL, fd, 0, 0, MMK_POSIX_FADV_NORMAL), -EINVAL);
	CHECK_EQ(mmk_fadvise(fx.p, 77, 0, 0, MMK_POSIX_FADV_NORMAL), -EBADF);
	CHECK_EQ(mmk_fadvise(fx.p, -1, 0, 0, MMK_POSIX_FADV_NORMAL), -EBADF);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, -1, MMK_POSIX_FADV_NORMAL), -EINVAL);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, 6), -EINVAL);
	CHECK_EQ(mmk_fadvise(fx.p, fd, 0, 0, -1), -EINVAL);
	/* A FIFO: -ESPIPE before anything else is looked at. */
	char path[128];
	snprintf(path, sizeof(path), "%s/fifo", fx.dir);
	CHECK_EQ(mkfifo(path, 0600), 0);
	int ff = mmk_open(fx.p, "fifo", MMK_O_RDONLY, 0);
	CHECK(ff >= 0);
	CHECK_EQ(mmk_fadvise(fx.p, ff, 0, -1, 99), -ESPIPE);
	/* The null device behind fd 0 has no backing device: advice checked only. */
	CHECK_EQ(mmk_fadvise(fx.p, 0, 0, 0, MMK_POSIX_FADV_DONTNEED), 0);
	CHECK_EQ(mmk_fadvise(fx.p, 0, 0, 0, 6), -EINVAL);
	CHECK_EQ(mmk_drop_caches(NULL, 1), -EINVAL);
	CHECK_EQ(mmk_drop_caches(fx.sys, 0), -EINVAL);
	CHECK_EQ(mmk_drop_caches(fx.sys, 5), -EINVAL);
	CHECK_EQ(mmk_drop_caches(fx.sys, 2), 0);
	CHECK(!fx_done(&fx));
}

TEST(drop_caches_evicts_every_clean_unmapped_page)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int f = open_file(&fx, "f", 3, MMK_O_RDONLY);
	int g = open_file(&fx, "g", 2, MMK_O_RDWR);
	CHECK(f >= 0 && g >= 0);
	int64_t a = mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_SHARED, f, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_touch(fx.p, (uint64_t)a, PS, 0, NULL), 0);
	CHECK_EQ(mmk_pwrite(fx.p, g, "D", 1, PS), 1);
	/* f: pages 1 and 2; g: page 0 (page 1 is dirty). */
	CHECK_EQ(mmk_drop_caches(fx.sys, 1), 3);
	CHECK(!strcmp(cached(fx.p, f, 3), "100"));
	CHECK(!strcmp(cached(fx.p, g, 2), "01"));
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK_EQ(mmk_drop_caches(fx.sys, 3), 1);
	CHECK(!strcmp(cached(fx.p, g, 2), "00"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
