/*
 * pagecache.c - the page cache: one per inode (inode->pages), shared by
 * every mapping of the file in every process and by read()/write().
 * Mirrors mm/filemap.c (filemap_read, filemap_fault, generic_perform_write),
 * mm/truncate.c (truncate_pagecache, truncate_inode_partial_folio,
 * unmap_mapping_range).  Readahead is readahead.c; dirty accounting,
 * writeback and the flusher are writeback.c; reclaim (which takes pages
 * out of the cache under memory pressure) is reclaim.c, and every cached
 * page is on its LRU (lru.c) from insertion to deletion.
 *
 * What it owns: every frame in a page cache (one reference each) and the
 * host file's bytes, touched only through inode->hostfd (hostfd.c) with
 * pread (here), pwrite and fsync (writeback.c), ftruncate (here), and
 * pwrite here for a write the descriptor cannot read for
 * (write_through_locked).
 *
 * Invariants, under inode->lock:
 *  - a cached page has mapping == inode, index == its key; nrpages counts
 *    the cache;
 *  - a cached page is PG_uptodate, but for the order-0 page an ext4 file's
 *    EOF zeroing creates (zero_eof_block_locked), which holds the right
 *    bytes and is made uptodate, without I/O, before it is read or mapped;
 *  - no page lies wholly past EOF (pgoff >= DIV_ROUND_UP(i_size, 4096));
 *    bytes past EOF in the last page are zero, except stores made through
 *    a shared mapping since the page was last written back (Linux's rule:
 *    writeback and size extension zero them);
 *  - a mapped page is in the cache: truncation and hole punching zap the
 *    mappings (unmap_mapping_range) before removing pages, and a fault keeps
 *    the inode lock until its PTE is set.
 *
 * The fault path reads the cache in two ways that never allocate or do
 * I/O, so that it can do them inside its mm->ptl section:
 * pagecache_lookup_range_locked (a fault-around window in one walk of the
 * index) and pagecache_fault_cached_locked (filemap_fault's "the page is
 * there" case); anything else goes through pagecache_fault_page_locked.
 *
 * Locking: inode->lock covers the index, i_size, nrpages/nrdirty, f->ra,
 * i_mmap (with the bounds and pgoff of the VMAs on it, which the
 * address-space layer must change only under it) and host I/O on the file.
 * mm->ptl of the mapping processes is taken inside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "hostio.h"
#include "lru.h"
#include "pages.h"
#include "swap.h"
#include "vmstat.h"

/* ---- The index ---------------------------------------------------------------------- */

int pagecache_lookup_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *pfn)
{
	lock_assert_held(&in->lock);
	uint32_t v;
	if (pcache_index_lookup(&in->pages, pgoff, &v))
		return -ENOENT;
	*pfn = v;
	return 0;
}

uint64_t pagecache_lookup_range_locked(struct mmk_inode *in, uint64_t first, unsigned n,
				       pfn_t *pfns)
{
	lock_assert_held(&in->lock);
	_Static_assert(sizeof(pfn_t) == sizeof(uint32_t), "the index stores pfns as uint32_t");
	return pcache_index_lookup_range(&in->pages, first, n, pfns);
}

int pagecache_insert_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	int err = pcache_index_insert(&in->pages, pgoff, pfn);
	MMK_BUG_ON(err == -EEXIST);
	if (err)
		return err;
	struct page *pg = inode_page(in, pfn);
	pg->mapping = in;
	pg->index = pgoff;
	in->nrpages++;
	lru_add_cache(in->sys, pfn);
	return 0;
}

uint64_t pagecache_folio_first(struct page *pg, uint64_t pgoff, uint64_t *nr)
{
	*nr = 1ull << page_folio_order(pg);
	return pgoff & ~(*nr - 1);
}

/* Gives the cached pages of [first, first + nr) the folio order. */
static void folio_set_order_locked(struct mmk_inode *in, uint64_t first, uint64_t nr,
				   unsigned order)
{
	lock_assert_held(&in->lock);
	for (uint64_t i = 0; i < nr; i++) {
		uint32_t v;
		MMK_BUG_ON(pcache_index_lookup(&in->pages, first + i, &v));
		struct page *pg = inode_page(in, v);
		page_clear(pg, PG_ORDER_MASK);
		page_set(pg, order << PG_ORDER_SHIFT);
	}
}

/* split_folio(): the pages of the folio holding the page at pgoff become
 * order-0 folios, so that one of them can leave the cache alone. */
static void folio_split_locked(struct mmk_inode *in, struct page *pg, uint64_t pgoff)
{
	lock_assert_held(&in->lock);
	uint64_t nr, first = pagecache_folio_first(pg, pgoff, &nr);
	if (nr > 1)
		folio_set_order_locked(in, first, nr, 0);
}

void pagecache_delete_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	struct page *pg = inode_page(in, pfn);
	MMK_BUG_ON(page_mapcount(pg) != 0);
	folio_split_locked(in, pg, pgoff);
	pcache_index_erase(&in->pages, pgoff, NULL);
	in->nrpages--;
	if (page_clear(pg, PG_dirty) & PG_dirty)
		dirty_account_locked(in, -1);
	lru_del_cache(in->sys, pfn); /* clears pg->mapping */
	frame_put(inode_pool(in), pfn);
}

/*
 * Before pages [first, last) leave the cache: the large folios the range
 * cuts through are split, and split_folio() unmaps a mapped file folio
 * whole (unmap_folio(): file pages are simply faulted back), so their
 * pages outside the range lose their mappings too (private COW copies
 * stay).  Caller holds inode->lock and unmaps the range itself.
 */
static void unmap_cut_folios_locked(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	uint64_t nr, f;
	if (!pagecache_lookup_locked(in, first, &pfn) &&
	    (f = pagecache_folio_first(inode_page(in, pfn), first, &nr)) < first)
		unmap_mapping_range_locked(in, f, first, false);
	if (last != UINT64_MAX && !pagecache_lookup_locked(in, last, &pfn) &&
	    (f = pagecache_folio_first(inode_page(in, pfn), last, &nr)) < last)
		unmap_mapping_range_locked(in, last, f + nr, false);
}

/* Calls pagecache_delete_locked on every page of [first, last). */
static void delete_range_locked(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	lock_assert_held(&in->lock);
	uint64_t key;
	uint32_t val;
	for (uint64_t p = first;
	     p < last && !pcache_index_next(&in->pages, p, &key, &val) && key < last; p = key + 1) {
		pagecache_delete_locked(in, key, val);
		if (key == UINT64_MAX)
			break;
	}
}

/* ---- Host I/O ------------------------------------------------------------------------- */

/*
 * Fills frame pfn with page pgoff of the host file: what pread returns up
 * to byte end (a short read is retried; EOF ends it), zeros after, and
 * counts the read.  0 or -errno of a failed read.  Caller holds inode->lock.
 */
static int read_host_until_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn, uint64_t end)
{
	lock_assert_held(&in->lock);
	uint8_t *p = pfn_to_virt(inode_pool(in), pfn);
	uint64_t pos = pgoff << PAGE_SHIFT;
	uint64_t want = end > pos ? end - pos : 0, got = 0;
	if (want > PAGE_SIZE)
		want = PAGE_SIZE;
	int64_t r = host_pread_all(hostfd_read_locked(in), p, want, pos);
	if (r < 0)
		return (int)r;
	got = (uint64_t)r;
	memset(p + got, 0, PAGE_SIZE - got);
	count_vm_events(in->sys, PGPGIN, PAGE_SIZE >> 10);
	TRACE(in->sys, .kind = MMK_EV_PAGE_READ, .pgoff = pgoff, .pfn = pfn, .detail = in->path);
	return 0;
}

/*
 * Fills frame pfn with page pgoff of the host file, up to i_size, and
 * marks it uptodate.  0 or -errno of a failed read.  Caller holds
 * inode->lock.
 */
int pagecache_read_host_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	int err = read_host_until_locked(in, pgoff, pfn, in->size);
	if (!err)
		page_set(inode_page(in, pfn), PG_uptodate);
	return err;
}

/*
 * A cached page that is not uptodate (only zero_eof_block_locked makes
 * one) read before use: its bytes are already right — the block's, or a
 * hole's zeros — so, as block_read_full_folio() finds every buffer
 * uptodate or a hole, nothing is read.  Caller holds inode->lock.
 */
static void page_make_uptodate_locked(struct mmk_inode *in, pfn_t pfn)
{
	lock_assert_held(&in->lock);
	struct page *pg = inode_page(in, pfn);
	if (!page_test(pg, PG_uptodate))
		page_set(pg, PG_uptodate);
}

/* A new page for pgoff read from the host file and added to the cache
 * (the reclaiming allocation: the caller needs this page). */
static int read_new_page_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *out)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	int err = page_alloc(in->sys, in, 0, &pfn);
	if (err)
		return err;
	err = pagecache_read_host_locked(in, pgoff, pfn);
	if (!err)
		err = pagecache_insert_locked(in, pgoff, pfn);
	if (err) {
		frame_put(inode_pool(in), pfn);
		return err;
	}
	*out = pfn;
	return 0;
}

/* ---- Faults ----------------------------------------------------------------------------- */

/*
 * filemap_fault()'s fast path (the folio found in the cache, nothing to
 * read and no readahead to start): what pagecache_fault_page_locked would
 * return without doing anything else.  A page with the readahead mark, a
 * miss, or a page beyond EOF is left to pagecache_fault_page_locked.
 */
int pagecache_fault_cached_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *pfn)
{
	lock_assert_held(&in->lock);
	if (pgoff >= size_to_pages(in->size) || pagecache_lookup_locked(in, pgoff, pfn))
		return -EAGAIN;
	uint32_t f = page_flags(inode_page(in, *pfn));
	if ((f & PG_readahead) || !(f & PG_uptodate))
		return -EAGAIN;
	return 0;
}

int pagecache_fault_page_locked(struct mmk_inode *in, struct vma *vma, uint64_t pgoff, pfn_t *pfn,
				bool *major, bool *redo)
{
	lock_assert_held(&in->lock);
	bool ignored;
	if (!redo)
		redo = &ignored;
	if (pgoff >= size_to_pages(in->size))
		return -ERANGE;
	if (in->kind == INODE_SHMEM)
		return shmem_get_page_locked(in, pgoff, pfn, major);
	if (!pagecache_lookup_locked(in, pgoff, pfn)) {
		struct page *pg = inode_page(in, *pfn);
		if (!page_test(pg, PG_uptodate)) {
			/* page_not_uptodate: read without readahead, then
			 * VM_FAULT_RETRY; the retried fault finds it (minor) */
			page_make_uptodate_locked(in, *pfn);
			*redo = true;
			return 0;
		}
		/* do_async_mmap_readahead() */
		if (page_test(pg, PG_readahead) && !(vma->flags & VM_RAND_READ)) {
			ra_async_locked(in, &vma->file->ra, pgoff, RA_PAGES, pg);
			*redo = true;
		}
		return 0;
	}
	*major = true;
	*redo = true; /* do_sync_mmap_readahead() or page_not_uptodate: the read drops the lock */
	ra_mmap_sync_locked(in, vma->file, vma->flags, pgoff);
	if (!pagecache_lookup_locked(in, pgoff, pfn))
		return 0;
	return read_new_page_locked(in, pgoff, pfn);
}

/* ---- read() and write() ------------------------------------------------------------------- */

/* Reading a hole of shared memory gives zeros without allocating; a
 * swapped-out page is read from swap without bringing it back. */
static void shmem_read_page_locked(struct mmk_inode *in, uint64_t pgoff, uint8_t *dst, uint64_t off,
				   uint64_t n)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	uint8_t page[PAGE_SIZE];
	if (!pagecache_lookup_locked(in, pgoff, &pfn))
		memcpy(dst, (uint8_t *)pfn_to_virt(inode_pool(in), pfn) + off, n);
	else if (!shmem_swap_read_locked(in, pgoff, page))
		memcpy(dst, page + off, n);
	else
		memset(dst, 0, n);
}

/*
 * filemap_read(): copies from the cache, reading missing pages (with
 * on-demand readahead keyed by f->ra) and marking pages accessed.
 * Returns the bytes read (short at EOF), or -errno if none could be.
 */
int64_t pagecache_read(struct mmk_file *f, void *buf, uint64_t len, uint64_t off)
{
	struct mmk_inode *in = f->inode;
	uint8_t *dst = buf;
	if (!len)
		return 0;
	mmk_mutex_lock(&in->lock);
	if (off >= in->size) {
		mmk_mutex_unlock(&in->lock);
		return 0;
	}
	uint64_t n = in->size - off < len ? in->size - off : len;
	uint64_t first = off >> PAGE_SHIFT, last = (off + n - 1) >> PAGE_SHIFT, done = 0;
	int err = 0;
	for (uint64_t idx = first; idx <= last; idx++) {
		uint64_t poff = idx == first ? off & (PAGE_SIZE - 1) : 0;
		uint64_t chunk = PAGE_SIZE - poff < n - done ? PAGE_SIZE - poff : n - done;
		if (in->kind == INODE_SHMEM) {
			shmem_read_page_locked(in, idx, dst + done, poff, chunk);
			done += chunk;
			continue;
		}
		pfn_t pfn;
		if (!pagecache_lookup_locked(in, idx, &pfn)) {
			page_make_uptodate_locked(in, pfn); /* filemap_update_page() */
		} else {
			ra_sync_locked(in, &f->ra, idx, last - idx + 1);
			if (pagecache_lookup_locked(in, idx, &pfn)) {
				err = read_new_page_locked(in, idx, &pfn);
				if (err)
					break;
			}
		}
		struct page *pg = inode_page(in, pfn);
		if (page_test(pg, PG_readahead))
			ra_async_locked(in, &f->ra, idx, last - idx + 1, pg);
		memcpy(dst + done, (uint8_t *)pfn_to_virt(inode_pool(in), pfn) + poff, chunk);
		lru_mark_accessed(in->sys, pfn); /* folio_mark_accessed() */
		done += chunk;
	}
	f->ra.prev_pos = off + done;
	mmk_mutex_unlock(&in->lock);
	return done ? (int64_t)done : err;
}

/*
 * Zeroes the bytes past old_size in the page holding it, when i_size grows
 * past them (pagecache_isize_extended(): stores made through a mapping
 * beyond EOF must not become file data).  Caller holds inode->lock.
 */
static void zero_post_eof_locked(struct mmk_inode *in, uint64_t old_size)
{
	lock_assert_held(&in->lock);
	uint64_t tail = old_size & (PAGE_SIZE - 1);
	pfn_t pfn;
	if (!tail || pagecache_lookup_locked(in, old_size >> PAGE_SHIFT, &pfn))
		return;
	memset((uint8_t *)pfn_to_virt(inode_pool(in), pfn) + tail, 0, PAGE_SIZE - tail);
}

/*
 * ext4 since Linux 6.12 (ext4_block_truncate_page() from ext4_setattr()
 * and ext4_truncate(), ext4_zero_partial_blocks() from an extending
 * write): when the size changes, the block holding byte b, an unaligned
 * EOF (old or new), is zeroed from b to its end through the page cache.
 * The page is created if it is not cached — with the block's bytes read,
 * or a hole's zeros, but not uptodate: mincore does not count it, and the
 * first read or fault of it does no readahead and counts minor — and
 * dirtied if the block is written or reserved; a hole leaves it clean.
 * Caller holds inode->lock.
 */
static void zero_eof_block_locked(struct mmk_inode *in, uint64_t b)
{
	lock_assert_held(&in->lock);
	uint64_t tail = b & (PAGE_SIZE - 1), idx = b >> PAGE_SHIFT;
	pfn_t pfn;
	if (!in->zero_eof_block || !tail)
		return;
	bool mapped = blockmap_test(&in->blocks, idx);
	if (pagecache_lookup_locked(in, idx, &pfn)) {
		/* __filemap_get_folio(FGP_CREAT); a page the pool cannot give
		 * is left out: the host file's bytes past b are zeros anyway */
		if (page_alloc(in->sys, in, !mapped, &pfn))
			return;
		int err = mapped ? read_host_until_locked(in, idx, pfn, b) : 0;
		if (err || pagecache_insert_locked(in, idx, pfn)) {
			frame_put(inode_pool(in), pfn);
			return;
		}
	} else {
		memset((uint8_t *)pfn_to_virt(inode_pool(in), pfn) + tail, 0, PAGE_SIZE - tail);
	}
	if (mapped)
		pagecache_mark_dirty_locked(in, inode_page(in, pfn));
}

/* A new uptodate page for idx, not yet cached, for a write of [poff,
 * poff + n) in it: zeroed when the write covers it or it lies past EOF (or
 * the file has no host bytes), else read from the host file first. */
static int write_new_page_locked(struct mmk_inode *in, uint64_t idx, uint64_t poff, uint64_t n,
				 pfn_t *out)
{
	lock_assert_held(&in->lock);
	bool whole = poff == 0 && n >= PAGE_SIZE;
	bool beyond = (idx << PAGE_SHIFT) >= in->size;
	bool zeroed = in->kind != INODE_FILE || whole || beyond;
	int err = page_alloc(in->sys, in, zeroed, out);
	if (err)
		return err;
	if (zeroed)
		page_set(inode_page(in, *out),
			 PG_uptodate | (in->kind == INODE_SHMEM ? PG_swapbacked : 0));
	else
		err = pagecache_read_host_locked(in, idx, *out);
	if (err)
		frame_put(inode_pool(in), *out);
	return err;
}

/* The page at idx for a write of [poff, poff + n) in it (write_begin):
 * a partially overwritten page inside the file is read first. */
static int write_begin_locked(struct mmk_inode *in, uint64_t idx, uint64_t poff, uint64_t n,
			      pfn_t *out)
{
	lock_assert_held(&in->lock);
	if (!pagecache_lookup_locked(in, idx, out)) {
		page_make_uptodate_locked(in, *out); /* block_write_end() */
		return 0;
	}
	int err = write_new_page_locked(in, idx, poff, n, out);
	if (err)
		return err;
	err = pagecache_insert_locked(in, idx, *out);
	if (err)
		frame_put(inode_pool(in), *out);
	return err;
}

/*
 * The order of the folio a write of `bytes` bytes at page idx asks for
 * (fgf_set_order(len) in __filemap_get_folio): ilog2(bytes) - PAGE_SHIFT,
 * at most the file's maximum, cut to idx's alignment (__ffs(index)), and
 * smaller again while a page of the run is already cached
 * (filemap_add_folio's -EEXIST).
 */
static unsigned write_folio_order(struct mmk_inode *in, uint64_t idx, uint64_t bytes)
{
	unsigned shift = 63u - (unsigned)__builtin_clzll(bytes);
	unsigned order = shift > PAGE_SHIFT ? shift - PAGE_SHIFT : 0;
	if (order > in->max_folio_order)
		order = in->max_folio_order;
	if (idx & ((1ull << order) - 1))
		order = (unsigned)__builtin_ctzll(idx);
	for (; order; order--) {
		uint64_t key;
		uint32_t v;
		if (pcache_index_next(&in->pages, idx, &key, &v) || key >= idx + (1ull << order))
			break;
	}
	return order;
}

/*
 * write_begin for a page idx that is not cached, in a file with large
 * folios: caches the folio that a write of [pos, pos + bytes) (the bytes
 * generic_perform_write hands one write_begin: to the end of the write or
 * of the largest folio's alignment) would get on Linux, when it is larger
 * than one page.  Its pages are made as write_begin_locked makes one.  0
 * (also when a page is enough, or frames ran out: the write then goes on a
 * page at a time, as Linux falls back to smaller orders) or -errno of a
 * failed host read.
 */
static int write_begin_folio_locked(struct mmk_inode *in, uint64_t pos, uint64_t bytes)
{
	lock_assert_held(&in->lock);
	uint64_t idx = pos >> PAGE_SHIFT;
	unsigned order = write_folio_order(in, idx, bytes);
	if (!order)
		return 0;
	uint64_t nr = 1ull << order;
	pfn_t pfns[1u << MAX_PAGECACHE_ORDER];
	uint64_t made = 0;
	int err = 0;
	for (; made < nr && !err; made++) {
		uint64_t start = (idx + made) << PAGE_SHIFT;
		uint64_t poff = start < pos ? pos - start : 0;
		uint64_t n = pos + bytes > start + poff ? pos + bytes - start - poff : 0;
		err = write_new_page_locked(in, idx + made, poff, n, &pfns[made]);
	}
	if (err) {
		for (uint64_t i = 0; i + 1 < made; i++)
			frame_put(inode_pool(in), pfns[i]);
		return err == -ENOMEM ? 0 : err;
	}
	for (uint64_t i = 0; i < nr; i++) {
		err = pagecache_insert_locked(in, idx + i, pfns[i]);
		if (err) {
			/* the pages inserted stay, as order-0 folios (their
			 * order is only set below) */
			for (uint64_t j = i; j < nr; j++)
				frame_put(inode_pool(in), pfns[j]);
			return err == -ENOMEM ? 0 : err;
		}
	}
	folio_set_order_locked(in, idx, nr, order);
	return 0;
}

/*
 * Whether a write of [poff, poff + n) into page idx goes straight to the
 * host file: the page is not cached and would have to be read first (a
 * partial overwrite inside the file), and the inode's descriptor cannot
 * read (a file the host lets mmkit write but not read, as a 0200 file
 * opened by its owner: Linux reads the page whatever the permissions,
 * mmkit cannot).  Nobody can map or read the file through a descriptor
 * like that, so the cache stays coherent.  Caller holds inode->lock.
 */
static bool write_through_locked(struct mmk_inode *in, uint64_t idx, uint64_t poff, uint64_t n)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	return in->kind == INODE_FILE && hostfd_read_locked(in) < 0 &&
	       !(poff == 0 && n >= PAGE_SIZE) && (idx << PAGE_SHIFT) < in->size &&
	       pagecache_lookup_locked(in, idx, &pfn);
}

/*
 * generic_perform_write(): copies into cache pages (created or read as
 * needed), dirties them, and moves i_size past what was written.  Returns
 * the bytes written, or -errno if none could be (-EFBIG at or past the
 * file system's largest file size, inode->max_bytes; a write crossing it
 * is cut short there).  Caller holds inode->lock.
 */
static int64_t perform_write_locked(struct mmk_inode *in, const uint8_t *src, uint64_t len,
				    uint64_t off)
{
	lock_assert_held(&in->lock);
	/* generic_write_check_limits(): at or past s_maxbytes nothing is
	 * written; a write crossing it is cut short there. */
	if (off >= in->max_bytes)
		return -EFBIG;
	if (len > in->max_bytes - off)
		len = in->max_bytes - off;
	if (off + len > in->size)
		zero_post_eof_locked(in, in->size);
	if (off > in->size)
		zero_eof_block_locked(in, in->size);
	uint64_t done = 0;
	int err = 0;
	while (done < len) {
		uint64_t pos = off + done, idx = pos >> PAGE_SHIFT, poff = pos & (PAGE_SIZE - 1);
		uint64_t n = PAGE_SIZE - poff < len - done ? PAGE_SIZE - poff : len - done;
		pfn_t pfn;
		if (write_through_locked(in, idx, poff, n)) {
			in->host_unsynced = true;
			err = host_pwrite_all(in->hostfd, src + done, n, pos);
			if (err)
				break;
			if (in->zero_eof_block)
				(void)blockmap_add(&in->blocks, idx, idx + 1); /* -ENOMEM: a hole */
			done += n;
			if (off + done > in->size)
				in->size = off + done;
			continue;
		}
		if (in->max_folio_order && pagecache_lookup_locked(in, idx, &pfn)) {
			uint64_t chunk = PAGE_SIZE << in->max_folio_order;
			uint64_t bytes = chunk - (pos & (chunk - 1));
			err = write_begin_folio_locked(in, pos,
						       bytes < len - done ? bytes : len - done);
			if (err)
				break;
		}
		err = write_begin_locked(in, idx, poff, n, &pfn);
		if (err)
			break;
		memcpy((uint8_t *)pfn_to_virt(inode_pool(in), pfn) + poff, src + done, n);
		pagecache_mark_dirty_locked(in, inode_page(in, pfn));
		done += n;
		if (off + done > in->size)
			in->size = off + done;
	}
	return done ? (int64_t)done : err;
}

int64_t pagecache_write(struct mmk_file *f, const void *buf, uint64_t len, uint64_t off)
{
	struct mmk_inode *in = f->inode;
	if (!len)
		return 0;
	mmk_mutex_lock(&in->lock);
	int64_t ret = perform_write_locked(in, buf, len, off);
	mmk_mutex_unlock(&in->lock);
	return ret;
}

/*
 * An O_APPEND write: generic_write_checks() moves the position to i_size
 * under the inode lock that the write itself holds, so two appenders never
 * write at the same offset.  *end is where the write ended (the new file
 * position); it is left alone on error.
 */
int64_t pagecache_append(struct mmk_file *f, const void *buf, uint64_t len, uint64_t *end)
{
	struct mmk_inode *in = f->inode;
	mmk_mutex_lock(&in->lock);
	uint64_t off = in->size;
	int64_t ret = len ? perform_write_locked(in, buf, len, off) : 0;
	if (ret >= 0)
		*end = off + (uint64_t)ret;
	mmk_mutex_unlock(&in->lock);
	return ret;
}

/* ---- Unmapping and release ------------------------------------------------------------- */

void unmap_mapping_range_locked(struct mmk_inode *in, uint64_t first, uint64_t last, bool even_cows)
{
	lock_assert_held(&in->lock);
	for (struct vma *v = in->i_mmap; v; v = v->i_mmap_next) {
		uint64_t vfirst = v->pgoff, vlast = v->pgoff + vma_pages(v);
		uint64_t s = first > vfirst ? first : vfirst;
		uint64_t e = last < vlast ? last : vlast;
		if (s >= e)
			continue;
		struct zap_details d = {.even_cows = even_cows};
		zap_pte_range(v->mm, vma_start(v) + ((s - vfirst) << PAGE_SHIFT),
			      vma_start(v) + ((e - vfirst) << PAGE_SHIFT), &d);
	}
}

/* The inode is going: its dirty pages reach the host file, then every
 * page leaves the cache (no mapping is left). */
int pagecache_release(struct mmk_inode *in)
{
	int err = writeback_range(in, 0, UINT64_MAX, false);
	mmk_mutex_lock(&in->lock);
	MMK_BUG_ON(in->i_mmap);
	delete_range_locked(in, 0, UINT64_MAX);
	shmem_swap_free_range_locked(in, 0, UINT64_MAX);
	MMK_BUG_ON(in->nrpages || pcache_index_count(&in->pages));
	mmk_mutex_unlock(&in->lock);
	return err;
}

/*
 * invalidate_mapping_pages() of a whole idle inode whose host file changed
 * behind mmkit's back: every page leaves the cache and i_size becomes the
 * host file's.  No page can be mapped or dirty (hostfd.c).  Caller holds
 * inode->lock.
 */
void pagecache_forget_locked(struct mmk_inode *in, uint64_t size)
{
	lock_assert_held(&in->lock);
	MMK_BUG_ON(in->i_mmap || in->nrdirty);
	delete_range_locked(in, 0, UINT64_MAX);
	in->size = size;
}

/* ---- Truncation and holes ---------------------------------------------------------------- */

/* truncate_inode_partial_folio(): zeroes [from, end of page) of the page
 * holding byte from, if cached. */
static void zero_page_tail_locked(struct mmk_inode *in, uint64_t from)
{
	lock_assert_held(&in->lock);
	zero_post_eof_locked(in, from);
}

/*
 * truncate_setsize() + truncate_pagecache(): the host file first (its
 * error leaves everything as it was); shrinking zaps every mapping of the
 * pages past the new EOF, private COW copies included, drops those pages
 * and zeroes the new last page's tail; growing zeroes the old last page's
 * tail so the new bytes read as zeros.  On ext4, the block at the
 * unaligned EOF is then zeroed through the cache (zero_eof_block_locked).
 */
int pagecache_truncate(struct mmk_inode *in, uint64_t size)
{
	if (size > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (size > in->max_bytes)
		return -EFBIG; /* inode_newsize_ok() */
	mmk_mutex_lock(&in->lock);
	in->host_unsynced |= in->kind == INODE_FILE && !in->host_nowrite;
	if (in->kind == INODE_FILE && !in->host_nowrite && ftruncate(in->hostfd, (off_t)size) < 0) {
		int err = -errno;
		mmk_mutex_unlock(&in->lock);
		return err;
	}
	uint64_t old = in->size;
	if (size < old) {
		in->size = size;
		uint64_t keep = size_to_pages(size);
		unmap_cut_folios_locked(in, keep, UINT64_MAX);
		unmap_mapping_range_locked(in, keep, UINT64_MAX, true);
		delete_range_locked(in, keep, UINT64_MAX);
		shmem_swap_free_range_locked(in, keep, UINT64_MAX);
		zero_page_tail_locked(in, size);
		blockmap_remove(&in->blocks, keep, UINT64_MAX); /* cannot fail: a tail */
	} else if (size > old) {
		zero_post_eof_locked(in, old);
		zero_eof_block_locked(in, old);
		in->size = size;
	}
	if (size <= old)
		zero_eof_block_locked(in, size); /* ext4_truncate(), even to the same size */
	mmk_mutex_unlock(&in->lock);
	return 0;
}

int pagecache_punch_hole(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	static const uint8_t zeros[PAGE_SIZE];
	int err = 0;
	mmk_mutex_lock(&in->lock);
	uint64_t eof = size_to_pages(in->size);
	if (last > eof)
		last = eof;
	if (first < last) {
		unmap_cut_folios_locked(in, first, last);
		unmap_mapping_range_locked(in, first, last, false);
		delete_range_locked(in, first, last);
		shmem_swap_free_range_locked(in, first, last);
		(void)blockmap_remove(&in->blocks, first, last); /* -ENOMEM: kept as blocks */
		uint64_t end = last << PAGE_SHIFT;
		if (end > in->size)
			end = in->size;
		in->host_unsynced |=
		    in->kind == INODE_FILE && !in->host_nowrite && first << PAGE_SHIFT < end;
		for (uint64_t pos = first << PAGE_SHIFT;
		     in->kind == INODE_FILE && !in->host_nowrite && pos < end && !err;
		     pos += PAGE_SIZE)
			err = host_pwrite_all(in->hostfd, zeros,
					      end - pos < PAGE_SIZE ? end - pos : PAGE_SIZE, pos);
	}
	mmk_mutex_unlock(&in->lock);
	return err;
}
