/*
 * test_folio.c - large folios in the page cache of a host file on ext4/xfs
 * (the fixture's directory is under /tmp: these tests need it on one of
 * them, as on the machines the project runs on, and fail loudly if not):
 * the folio sizes write() makes (fgf_set_order), faults mapping a whole
 * folio (finish_fault, filemap_map_pages) with the limits Linux puts on
 * that (the VMA, one page table, EOF, PTEs already set), truncation
 * splitting a folio and unmapping it whole, the invariant checker seeing a
 * broken folio, and the no_large_folios setting.
 */
#include "page_test.h"

#include "pages.h"

static struct mmk_inode *fd_inode(mmk_proc *p, int fd)
{
	return p->fdt.fds[fd].file->inode;
}

/* The folio order of the cached page at pgoff, or -1 when it is absent. */
static int order_at(mmk_proc *p, int fd, uint64_t pgoff)
{
	struct mmk_inode *in = fd_inode(p, fd);
	pfn_t pfn;
	mmk_mutex_lock(&in->lock);
	int r = pagecache_lookup_locked(in, pgoff, &pfn)
		    ? -1
		    : (int)page_folio_order(pfn_to_page(&in->sys->pool, pfn));
	mmk_mutex_unlock(&in->lock);
	return r;
}

/* Writes n bytes of c at off with one pwrite. */
static int64_t pwrite_fill(mmk_proc *p, int fd, int c, uint64_t n, uint64_t off)
{
	char *b = malloc(n);
	memset(b, c, n);
	int64_t r = mmk_pwrite(p, fd, b, n, (int64_t)off);
	free(b);
	return r;
}

/* mmap of len bytes of fd at offset 0, shared, at a 2 MiB boundary (so a
 * folio of up to 2 MiB never crosses a page table). */
static int64_t map_at_pmd(mmk_proc *p, int fd, uint64_t len, int prot)
{
	const uint64_t pmd = 2 << 20;
	int64_t res =
	    mmk_mmap(p, 0, len + pmd, MMK_PROT_NONE, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	if (res < 0)
		return res;
	uint64_t a = ((uint64_t)res + pmd - 1) & ~(pmd - 1);
	return mmk_mmap(p, a, len, prot, MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 0);
}

/* A new empty file "f" open read-write in fx.p, on a file system with
 * large folios; -1 if not. */
static int new_file(struct fixture *fx)
{
	int fd = mmk_open(fx->p, "f", MMK_O_RDWR | MMK_O_CREAT | MMK_O_TRUNC, 0644);
	if (fd >= 0 && fd_inode(fx->p, fd)->max_folio_order != MAX_PAGECACHE_ORDER) {
		fprintf(stderr, "  %s is not on ext4 or xfs: no large folios\n", fx->dir);
		return -1;
	}
	return fd;
}

/* One write gets the largest folio its length covers, cut to its offset's
 * alignment; pages already cached keep their folios and make new ones
 * smaller. */
TEST(a_write_caches_the_folios_linux_would)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = new_file(&fx);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 1 << 20, 0), 1 << 20); /* pages 0..255 */
	for (int i = 0; i < 256; i += 17)
		CHECK_EQ(order_at(fx.p, fd, (uint64_t)i), 8);
	/* 64K from page 259: 259 is odd (order 0), then 260 (aligned to 4:
	 * order 2), 264 (44K left: order 3), 272 (12K: order 1), 274 (order 0) */
	CHECK_EQ(pwrite_fill(fx.p, fd, 'b', 64 << 10, 259 * PS), 64 << 10);
	int want[] = {0, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 0};
	for (int i = 0; i < 16; i++)
		CHECK_EQ(order_at(fx.p, fd, 259 + (uint64_t)i), want[i]);
	/* 32K at page 288 with page 291 cached already: order 1, 1, then 0s */
	CHECK_EQ(pwrite_fill(fx.p, fd, 'c', 100, 291 * PS), 100);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'd', 32 << 10, 288 * PS), 32 << 10);
	int want2[] = {1, 1, 0, 0, 2, 2, 2, 2};
	for (int i = 0; i < 8; i++)
		CHECK_EQ(order_at(fx.p, fd, 288 + (uint64_t)i), want2[i]);
	/* a write inside a large folio leaves it whole */
	CHECK_EQ(pwrite_fill(fx.p, fd, 'e', 3 * PS, 10 * PS + 7), (int64_t)(3 * PS));
	CHECK_EQ(order_at(fx.p, fd, 11), 8);
	/* the bytes are all where they were written */
	char buf[16];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, 2, 10 * PS + 6), 2);
	CHECK(buf[0] == 'a' && buf[1] == 'e');
	CHECK_EQ(mmk_pread(fx.p, fd, buf, 2, 291 * PS + 99), 2);
	CHECK(buf[0] == 'd' && buf[1] == 'd');
	CHECK_INV(&fx);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK(host_all(&fx, "f", 0, 10 * PS + 7, 'a'));
	CHECK(!fx_done(&fx));
}

/* A write that starts inside a page of the file reads that page first;
 * the folio's other pages are new. */
TEST(a_folio_over_a_partly_written_page_keeps_the_host_bytes)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8 * PS, 'h');
	int fd = fx_open(&fx, fx.p, "f", 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'w', 8 * PS - 100, 100), (int64_t)(8 * PS - 100));
	CHECK_EQ(order_at(fx.p, fd, 0), 2); /* 32K - 100 bytes: order 2 (16K) */
	CHECK_EQ(order_at(fx.p, fd, 4), 2); /* the 16K left from 16K: order 2 */
	char buf[2];
	CHECK_EQ(mmk_pread(fx.p, fd, buf, 2, 99), 2);
	CHECK(buf[0] == 'h' && buf[1] == 'w');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A write fault maps the whole folio writable and dirty in one fault; a
 * read fault maps it whole from fault-around, except the folio holding
 * the file's last page (file_end >= folio_next_index()), which only gets
 * the fault-around window. */
TEST(a_fault_maps_the_whole_folio)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = new_file(&fx);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 1 << 20, 0), 1 << 20);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'b', 1 << 20, 1 << 20), 1 << 20);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	int64_t w =
	    mmk_mmap(fx.p, 0, 2 << 20, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_SHARED, fd, 0);
	CHECK(w > 0 && w % (2 << 20) == 0);
	uint64_t f0 = faults_minor(fx.p);
	CHECK_EQ(poke(fx.p, (uint64_t)w + 5 * PS, 'x'), 0);
	CHECK_EQ(faults_minor(fx.p), f0 + 1);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 1024);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Private_Dirty:"), 1024);
	CHECK_EQ(present_pages(fx.p, (uint64_t)w, 256), 256);
	/* every page of the folio is stored to without another fault */
	for (int i = 0; i < 256; i++)
		CHECK_EQ(poke(fx.p, (uint64_t)w + (uint64_t)i * PS, 'y'), 0);
	CHECK_EQ(faults_minor(fx.p), f0 + 1);
	int64_t r = mmk_mmap(fx.p, 0, 2 << 20, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(r > 0);
	CHECK_EQ(peek(fx.p, (uint64_t)r + 100 * PS), 'y');
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)r, "Rss:"), 1024);
	CHECK_EQ(peek(fx.p, (uint64_t)r + 300 * PS), 'b');
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)r, "Rss:"), 1024 + 64);
	CHECK_EQ(faults_minor(fx.p), f0 + 3);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* finish_fault maps one page when the folio sticks out of the VMA or has
 * a PTE set already. */
TEST(a_folio_is_mapped_page_by_page_when_it_does_not_fit)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = new_file(&fx);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 64 << 10, 0), 64 << 10);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 64 << 10, 64 << 10), 64 << 10);
	/* a VMA over half of the first folio */
	int64_t h =
	    mmk_mmap(fx.p, 0, 8 * PS, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_SHARED, fd, 0);
	CHECK_EQ(poke(fx.p, (uint64_t)h + PS, 'x'), 0);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)h, "Rss:"), 4);
	/* the second folio with one PTE set (a write fault through a 1-page VMA
	 * put back into a whole mapping) */
	int64_t m = map_at_pmd(fx.p, fd, 32 * PS, MMK_PROT_READ | MMK_PROT_WRITE);
	CHECK(m > 0);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)m + 16 * PS, PS), 0);
	CHECK_EQ(poke(fx.p, (uint64_t)m + 17 * PS, 'y'), 0); /* folio [16, 32) sticks out */
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)m + 17 * PS, "Rss:"), 4);
	CHECK_EQ(mmk_mmap(fx.p, (uint64_t)m + 16 * PS, PS, MMK_PROT_READ | MMK_PROT_WRITE,
			  MMK_MAP_SHARED | MMK_MAP_FIXED, fd, 16 * PS),
		 m + (int64_t)(16 * PS));
	CHECK_EQ(poke(fx.p, (uint64_t)m + 20 * PS, 'z'), 0); /* page 17's PTE is set */
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)m, "Rss:"), 8 + 0);
	CHECK_EQ(poke(fx.p, (uint64_t)m, 'q'), 0); /* the first folio fits: whole */
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)m, "Rss:"), 8 + 64);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Truncation through a folio splits it and unmaps all of it; the pages
 * left are order-0 folios that fault back. */
TEST(truncation_splits_a_folio_and_unmaps_it_whole)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = new_file(&fx);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 64 << 10, 0), 64 << 10);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 64 << 10, 64 << 10), 64 << 10);
	int64_t w = map_at_pmd(fx.p, fd, 32 * PS, MMK_PROT_READ | MMK_PROT_WRITE);
	CHECK_EQ(poke(fx.p, (uint64_t)w, 'x'), 0);
	CHECK_EQ(poke(fx.p, (uint64_t)w + 16 * PS, 'x'), 0);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 128);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 10 * PS), 0);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 0);
	for (uint64_t i = 0; i < 10; i++)
		CHECK_EQ(order_at(fx.p, fd, i), 0);
	CHECK_EQ(order_at(fx.p, fd, 10), -1);
	CHECK_INV(&fx);
	/* a hole punched through the middle of a folio splits it too */
	CHECK_EQ(pwrite_fill(fx.p, fd, 'b', 64 << 10, 64 << 10), 64 << 10);
	CHECK_EQ(peek(fx.p, (uint64_t)w + 20 * PS), 'b');
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 64);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)w + 18 * PS, 2 * PS, MMK_MADV_REMOVE), 0);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 0);
	CHECK_EQ(order_at(fx.p, fd, 16), 0);
	CHECK_EQ(order_at(fx.p, fd, 18), -1);
	CHECK_EQ(order_at(fx.p, fd, 31), 0);
	CHECK_EQ(peek(fx.p, (uint64_t)w + 18 * PS), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* The checker reports a folio missing a page's order. */
TEST(the_checker_sees_a_broken_folio)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int fd = new_file(&fx);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 16 * PS, 0), (int64_t)(16 * PS));
	CHECK_INV(&fx);
	struct mmk_inode *in = fd_inode(fx.p, fd);
	pfn_t pfn;
	mmk_mutex_lock(&in->lock);
	CHECK_EQ(pagecache_lookup_locked(in, 9, &pfn), 0);
	mmk_mutex_unlock(&in->lock);
	struct page *pg = pfn_to_page(&fx.sys->pool, pfn);
	page_clear(pg, PG_ORDER_MASK);
	char err[256];
	CHECK(mmk_system_check(fx.sys, err, sizeof(err)) != 0);
	CHECK(strstr(err, "order-4 folio") != NULL);
	page_set(pg, 4u << PG_ORDER_SHIFT);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* With no_large_folios every write caches order-0 folios and a write
 * fault maps one page. */
TEST(no_large_folios_keeps_4k_folios)
{
	struct fixture fx;
	struct mmk_config c = {.no_large_folios = 1};
	CHECK(!fx_init_cfg(&fx, &c));
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR | MMK_O_CREAT, 0644);
	CHECK_EQ(fd_inode(fx.p, fd)->max_folio_order, 0);
	CHECK_EQ(pwrite_fill(fx.p, fd, 'a', 64 << 10, 0), 64 << 10);
	CHECK_EQ(order_at(fx.p, fd, 0), 0);
	int64_t w =
	    mmk_mmap(fx.p, 0, 16 * PS, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_SHARED, fd, 0);
	CHECK_EQ(poke(fx.p, (uint64_t)w, 'x'), 0);
	CHECK_EQ(smaps_kb(fx.p, (uint64_t)w, "Rss:"), 4);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
