/*
 * readahead.c - on-demand readahead, mirroring mm/readahead.c
 * (page_cache_sync_ra, page_cache_async_ra, page_cache_ra_unbounded,
 * force_page_cache_ra) and mm/filemap.c's do_sync_mmap_readahead.
 *
 * A read that misses the cache reads a window of pages ahead of what was
 * asked; the page a little before the window's end carries PG_readahead,
 * and touching it reads the next window asynchronously (synchronously
 * here), growing it up to the maximum.  The state lives per open file
 * (f->ra: start, size, async_size, prev_pos), under the inode lock.
 *
 *   read()/pread()      initial window from the request size (x4 or x2,
 *                       up to RA_PAGES), doubling on each mark; a lone
 *                       random read reads just what it asked for
 *   mmap fault          read-around: RA_PAGES centred on the fault, the
 *                       mark a quarter from the end; MADV_SEQUENTIAL a
 *                       forward window; MADV_RANDOM no readahead
 *   MADV_WILLNEED       the whole range, to EOF or until memory runs out
 *
 * Readahead never reclaims and gives up quietly: its pages are a bet.
 * Invariant: it only adds uptodate pages below EOF to the cache.
 */
#include <errno.h>

#include "pages.h"

#define RA_IO_PAGES 256 /* bdi->io_pages: the largest single request */

/*
 * page_cache_ra_unbounded(): reads the absent pages of [start, start + nr)
 * below EOF into the cache, marking the page at start + nr - lookahead
 * PG_readahead.  Readahead never reclaims itself: no frame, no more
 * readahead; one that leaves fewer than the low watermark free wakes
 * kswapd (page_alloc_noreclaim), as every Linux allocation does.
 */
void ra_read_locked(struct mmk_inode *in, uint64_t start, uint64_t nr, uint64_t lookahead)
{
	lock_assert_held(&in->lock);
	uint64_t eof = size_to_pages(in->size);
	uint64_t mark = lookahead && lookahead <= nr ? start + nr - lookahead : UINT64_MAX;
	uint64_t end = start + nr < eof ? start + nr : eof;
	bool told = end < start + 2; /* a window of pages is traced before its first read */
	for (uint64_t i = start; i < start + nr && i < eof; i++) {
		pfn_t pfn;
		if (!pagecache_lookup_locked(in, i, &pfn))
			continue;
		if (!told)
			TRACE(in->sys, .kind = MMK_EV_READAHEAD, .start = start, .end = end,
			      .detail = in->path);
		told = true;
		if (page_alloc_noreclaim(in->sys, in, &pfn))
			return;
		if (pagecache_read_host_locked(in, i, pfn) || pagecache_insert_locked(in, i, pfn)) {
			frame_put(inode_pool(in), pfn);
			return;
		}
		if (i == mark)
			page_set(inode_page(in, pfn), PG_readahead);
	}
}

static uint64_t roundup_pow_of_two(uint64_t x)
{
	uint64_t r = 1;
	while (r < x)
		r <<= 1;
	return r;
}

static uint64_t get_init_ra_size(uint64_t size, uint64_t max)
{
	uint64_t n = roundup_pow_of_two(size);
	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

static uint64_t get_next_ra_size(const struct ra_state *ra, uint64_t max)
{
	uint64_t cur = ra->size;
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/* ractl_max_pages(): a large request may go up to the device's io size. */
static uint64_t ra_max_pages(uint64_t req)
{
	if (req > RA_PAGES)
		return req < RA_IO_PAGES ? req : RA_IO_PAGES;
	return RA_PAGES;
}

static bool cached(struct mmk_inode *in, uint64_t pgoff)
{
	pfn_t pfn;
	return !pagecache_lookup_locked(in, pgoff, &pfn);
}

/* page_cache_prev_miss(): the first absent page going down from index,
 * scanning at most max; UINT64_MAX when everything down to 0 is cached. */
static uint64_t prev_miss(struct mmk_inode *in, uint64_t index, uint64_t max)
{
	for (uint64_t n = 0; n < max; n++) {
		if (!cached(in, index))
			return index;
		if (index == 0)
			return UINT64_MAX;
		index--;
	}
	return index;
}

/* page_cache_next_miss(): the first absent page from index, scanning at most max. */
static uint64_t next_miss(struct mmk_inode *in, uint64_t index, uint64_t max)
{
	for (uint64_t n = 0; n < max && cached(in, index); n++)
		index++;
	return index;
}

/* page_cache_sync_ra(): a read of req pages at index missed the cache. */
void ra_sync_locked(struct mmk_inode *in, struct ra_state *ra, uint64_t index, uint64_t req)
{
	lock_assert_held(&in->lock);
	uint64_t max = ra_max_pages(req);
	uint64_t prev = ra->prev_pos >> PAGE_SHIFT;
	if (!index || req > max || index - prev <= 1) {
		/* start of file, oversized read, or sequential miss */
		ra->start = index;
		ra->size = (uint32_t)get_init_ra_size(req, max);
		ra->async_size = ra->size > req ? (uint32_t)(ra->size - req) : ra->size >> 1;
	} else {
		uint64_t miss = prev_miss(in, index - 1, max);
		uint64_t contig = index - miss - 1;
		if (contig <= req) {
			/* standalone small random read: read as is */
			ra_read_locked(in, index, req, 0);
			return;
		}
		if (miss == UINT64_MAX)
			contig *= 2; /* cached from the beginning: a long stream */
		ra->start = index;
		ra->size = (uint32_t)(contig + req < max ? contig + req : max);
		ra->async_size = 1;
	}
	ra_read_locked(in, ra->start, ra->size, ra->async_size);
}

/* page_cache_async_ra(): index (cached, pg) carries the readahead mark. */
void ra_async_locked(struct mmk_inode *in, struct ra_state *ra, uint64_t index, uint64_t req,
		     struct page *pg)
{
	lock_assert_held(&in->lock);
	page_clear(pg, PG_readahead);
	uint64_t max = ra_max_pages(req);
	if (index == ra->start + ra->size - ra->async_size) {
		/* the expected mark: sequential, ramp up and push forward */
		ra->start += ra->size;
		uint64_t next = get_next_ra_size(ra, max);
		ra->size = (uint32_t)(next > ra->size ? next : ra->size);
		ra->async_size = ra->size;
	} else {
		/* a mark without matching state (interleaved streams) */
		uint64_t start = next_miss(in, index + 1, max);
		if (!start || start - index > max)
			return;
		ra->start = start;
		ra->size = (uint32_t)(start - index + req);
		ra->size = (uint32_t)get_next_ra_size(ra, max);
		ra->async_size = ra->size;
	}
	ra_read_locked(in, ra->start, ra->size, ra->async_size);
}

/*
 * do_sync_mmap_readahead(): a fault missed the cache.  MADV_RANDOM: no
 * readahead; MADV_SEQUENTIAL: a forward window of RA_PAGES; otherwise
 * read-around, RA_PAGES centred on the fault with the mark a quarter from
 * the end.  (Linux's mmap_miss heuristic, which turns read-around off for
 * files that miss much more than they hit, is not modelled.)
 */
void ra_mmap_sync_locked(struct mmk_inode *in, struct mmk_file *f, uint64_t vm_flags,
			 uint64_t pgoff)
{
	lock_assert_held(&in->lock);
	if (vm_flags & VM_RAND_READ)
		return;
	struct ra_state *ra = &f->ra;
	if (vm_flags & VM_SEQ_READ) {
		ra_sync_locked(in, ra, pgoff, RA_PAGES);
		return;
	}
	ra->start = pgoff > RA_PAGES / 2 ? pgoff - RA_PAGES / 2 : 0;
	ra->size = RA_PAGES;
	ra->async_size = RA_PAGES / 4;
	ra_read_locked(in, ra->start, ra->size, ra->async_size);
}

void pagecache_willneed(struct mmk_inode *in, uint64_t first, uint64_t last)
{
	if (in->kind != INODE_FILE)
		return;
	mmk_mutex_lock(&in->lock);
	uint64_t eof = size_to_pages(in->size);
	if (last > eof)
		last = eof;
	if (first < last)
		ra_read_locked(in, first, last - first, 0);
	mmk_mutex_unlock(&in->lock);
}
