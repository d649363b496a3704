/*
 * fadvise.c - posix_fadvise(2) and /proc/sys/vm/drop_caches: the two ways
 * a program (or its administrator) makes file pages cold.  Mirrors
 * mm/fadvise.c (generic_fadvise), mm/truncate.c (mapping_try_invalidate,
 * mapping_evict_folio) and fs/drop_caches.c (drop_pagecache_sb).
 *
 * Eviction takes a page out of the page cache only when nothing else
 * needs it (mapping_evict_folio): it is not mapped by any process, not
 * dirty, not under writeback, not locked, and the cache holds the only
 * reference.  A large folio leaves only whole, and only when it lies
 * wholly inside the range (find_lock_entries skips the others).  A file
 * on tmpfs or ramfs (inode->ram_backed) and mmkit's shmem, null and
 * special inodes have noop_backing_dev_info: fadvise only checks its
 * advice there, and drop_caches passes them by.
 *
 * POSIX_FADV_DONTNEED first starts writeback of the range's dirty pages
 * (WB_SYNC_NONE).  On Linux such a page is still under writeback when the
 * invalidation runs a moment later, so it stays cached; mmkit's writeback
 * completes at once, so a page that was dirty when the call began is
 * written and kept, as Linux keeps it (a second call evicts it).
 *
 * NORMAL, RANDOM, SEQUENTIAL and NOREUSE change the open file's readahead
 * mode on Linux (f_mode FMODE_RANDOM, ra_pages); mmkit checks them and
 * returns 0 without modelling the mode (docs/DIFFERENCES.md).
 *
 * Locking: each inode's lock across its invalidation (reclaim isolates a
 * file page only under the same lock, so none is isolated meanwhile);
 * writeback takes it itself (writeback_range).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pages.h"

/* force_page_cache_ra() reads at most max(bdi->io_pages, ra_pages) pages
 * per call: readahead.c's RA_IO_PAGES. */
#define FADV_WILLNEED_MAX_PAGES 256

/* Whether one page may leave the cache (mapping_evict_folio's tests). */
static bool page_evictable_locked(struct page *pg)
{
	return page_mapcount(pg) == 0 && page_refcount(pg) == 1 &&
	       !(page_flags(pg) & (PG_dirty | PG_writeback | PG_locked));
}

/*
 * Evicts the folio whose first page is at first (nr pages) if every page
 * of it may go.  Returns true if it went.  Caller holds inode->lock.
 */
static bool folio_evict_locked(struct mmk_inode *in, uint64_t first, uint64_t nr)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	for (uint64_t i = 0; i < nr; i++)
		if (pagecache_lookup_locked(in, first + i, &pfn) ||
		    !page_evictable_locked(inode_page(in, pfn)))
			return false;
	for (uint64_t i = 0; i < nr; i++) {
		MMK_BUG_ON(pagecache_lookup_locked(in, first + i, &pfn));
		pagecache_delete_locked(in, first + i, pfn);
		TRACE(in->sys, .kind = MMK_EV_PAGE_EVICT, .pgoff = first + i, .pfn = pfn,
		      .detail = in->path);
	}
	return true;
}

/*
 * mapping_try_invalidate(): evicts the evictable folios lying wholly in
 * pages [first, last] (last inclusive) of a host file.  Returns how many
 * pages left the cache.
 */
static uint64_t invalidate_range(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	uint64_t evicted = 0, key;
	uint32_t val;
	mmk_mutex_lock(&in->lock);
	for (uint64_t p = first;
	     p <= last && !pcache_index_next(&in->pages, p, &key, &val) && key <= last;) {
		uint64_t nr, f = pagecache_folio_first(inode_page(in, val), key, &nr);
		if (f >= first && nr - 1 <= last - f && folio_evict_locked(in, f, nr))
			evicted += nr;
		if (f + nr - 1 >= last)
			break; /* also stops before f + nr wraps */
		p = f + nr;
	}
	mmk_mutex_unlock(&in->lock);
	return evicted;
}

/* The advice values generic_fadvise knows. */
static bool advice_known(int advice)
{
	return advice >= MMK_POSIX_FADV_NORMAL && advice <= MMK_POSIX_FADV_NOREUSE;
}

/* Whether the inode has noop_backing_dev_info (no readahead, no
 * writeback: the cache, if any, is the file). */
static bool noop_bdi(const struct mmk_inode *in)
{
	return in->kind != INODE_FILE || in->ram_backed;
}

/*
 * POSIX_FADV_DONTNEED over bytes [offset, endbyte] (endbyte inclusive, as
 * generic_fadvise computes them): the clean pages go, then the dirty ones
 * are written back and stay (see the header).
 */
static int fadvise_dontneed(struct mmk_inode *in, int64_t offset, int64_t endbyte)
{
	/* Only whole pages are invalidated: the start rounded up and the end
	 * down, in generic_fadvise's loff_t arithmetic. */
	uint64_t start_index =
	    (uint64_t)((int64_t)((uint64_t)offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
	uint64_t end_index = (uint64_t)(endbyte >> PAGE_SHIFT);
	bool none = false;
	if ((endbyte & (int64_t)(PAGE_SIZE - 1)) != (int64_t)(PAGE_SIZE - 1)) {
		if (end_index == 0)
			none = true;
		else
			end_index--;
	}
	/* Linux starts the writeback first and finds the written pages still
	 * under writeback; invalidating first gives that outcome here. */
	if (!none && end_index >= start_index)
		invalidate_range(in, start_index, end_index);
	uint64_t wb_first = offset < 0 ? 0 : (uint64_t)offset >> PAGE_SHIFT;
	(void)writeback_range(in, wb_first, (uint64_t)(endbyte >> PAGE_SHIFT) + 1, false);
	return 0; /* generic_fadvise ignores the writeback's result */
}

/* generic_fadvise() for an open file; the caller checked len >= 0. */
static int fadvise_file(struct mmk_file *f, int64_t offset, int64_t len, int advice)
{
	struct mmk_inode *in = f->inode;
	if (in->kind == INODE_SPECIAL) {
		struct stat st;
		if (fstat(in->hostfd, &st) == 0 && S_ISFIFO(st.st_mode))
			return -ESPIPE;
	}
	if (len < 0)
		return -EINVAL;
	if (noop_bdi(in))
		return advice_known(advice) ? 0 : -EINVAL;
	int64_t endbyte = (int64_t)((uint64_t)offset + (uint64_t)len);
	if (!len || endbyte < len)
		endbyte = INT64_MAX;
	else
		endbyte--;
	switch (advice) {
	case MMK_POSIX_FADV_NORMAL:
	case MMK_POSIX_FADV_RANDOM:
	case MMK_POSIX_FADV_SEQUENTIAL:
	case MMK_POSIX_FADV_NOREUSE:
		return 0;
	case MMK_POSIX_FADV_WILLNEED: {
		uint64_t start = (uint64_t)(offset >> PAGE_SHIFT);
		uint64_t nr = (uint64_t)(endbyte >> PAGE_SHIFT) - start + 1;
		if (!nr || nr > FADV_WILLNEED_MAX_PAGES)
			nr = FADV_WILLNEED_MAX_PAGES;
		uint64_t last = start > UINT64_MAX - nr ? UINT64_MAX : start + nr;
		pagecache_willneed(in, start, last);
		return 0;
	}
	case MMK_POSIX_FADV_DONTNEED:
		return fadvise_dontneed(in, offset, endbyte);
	default:
		return -EINVAL;
	}
}

int mmk_fadvise(mmk_proc *p, int fd, int64_t offset, int64_t len, int advice)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mmk_file *f = fd_file(p, fd);
	if (!f)
		return -EBADF;
	err = fadvise_file(f, offset, len, advice);
	file_put(f);
	return err;
}

int64_t mmk_drop_caches(mmk_system *sys, int what)
{
	if (!sys)
		return -EINVAL;
	if (what < 1 || what > 4)
		return -EINVAL;
	if (!(what & 1))
		return 0; /* slab objects (2) and the quiet flag (4): nothing to drop */
	size_t n;
	struct mmk_inode **v = inodes_snapshot(sys, &n);
	if (!v && n)
		return -ENOMEM;
	int64_t evicted = 0;
	for (size_t i = 0; i < n; i++)
		if (!noop_bdi(v[i]))
			evicted += (int64_t)invalidate_range(v[i], 0, UINT64_MAX);
	inodes_release(v, n);
	return evicted;
}
