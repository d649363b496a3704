/*
 * pages.h - the page layer's private interfaces: what memory.c, fault.c,
 * access.c, pagecache.c, readahead.c, writeback.c, shmem.c,
 * madvise_pages.c, procfs_pages.c, invariants_pages.c, msync.c and mincore.c
 * call across each other.  Nothing else in the library includes it (the
 * contract with the address-space and file layers is memory.h); tests may.
 *
 * The PTE, as the page layer uses pgtable.h's bits (x86's meaning):
 *
 *   PTE_PRESENT  set on a mapping; clear on a swap entry swp_pte(slot)
 *                (PTE_SWAP, only in private VMAs: an anonymous page that
 *                reclaim wrote to swap slot `slot`, swap.c) and on a guard
 *                marker pte_mkguard() (PTE_MARKER, MADV_GUARD_INSTALL);
 *                pte_kind() (pgtable.h) tells them apart
 *   PTE_USER     the VMA is accessible (any of VM_READ/WRITE/EXEC); clear
 *                only under PROT_NONE, where the page stays mapped (Rss
 *                counts it) but every access faults -- x86's
 *                _PAGE_PROTNONE, spelled as a supervisor-only page
 *   PTE_WRITE    a store may go through without a fault
 *   PTE_ACCESSED the "young" bit: set by any access through the TLB
 *   PTE_DIRTY    set by a store through the TLB or by a write fault
 *   PTE_SPECIAL  the shared zero page (pfn 0): no refcount, no mapcount,
 *                never writable, not counted in RSS
 *
 * Reference counting (checked by sys_check_frames()):
 *   refcount(frame) = PTEs mapping it (all processes)
 *                   + 1 if it is in a page cache
 *                   + 1 if it is in the swap cache (PG_swapcache)
 *                   + transient pins (a fault copying it, reclaim working
 *                     on it; never across a return to the caller)
 *   mapcount(frame) = PTEs mapping it.
 *   count(swap slot) = swap PTEs naming it + shmem swapped-index entries.
 *
 * Every page-cache page, every mapped anonymous page and every swap-cache
 * page is on an LRU list (PG_lru, lru.c) except while reclaim holds it
 * (PG_locked).
 *
 * Page kinds and their struct page fields:
 *   anonymous  PG_anon|PG_swapbacked|PG_uptodate (+PG_anon_exclusive;
 *              MADV_FREE clears PG_swapbacked: lazily freeable),
 *              mapping = the anon_vma of the VMA it was created in,
 *              index = vma->pgoff + (addr - vma start) / 4096 (Linux's
 *              linear_page_index: it does not change when mremap moves the
 *              page, because the moved VMA keeps its pgoff)
 *   file page  PG_uptodate (+PG_dirty, PG_referenced, PG_readahead),
 *              mapping = the mmk_inode, index = page offset in the file
 *   shmem page PG_swapbacked|PG_uptodate, same mapping/index as a file page
 */
#ifndef MMK_PAGES_H
#define MMK_PAGES_H

#include "internal.h"

/* Page flags the page layer adds to frame.h's (bits frame.h leaves free;
 * frame_alloc() clears every flag). */
#define PG_anon_exclusive (1u << 16) /* Linux's PageAnonExclusive */
#define PG_readahead	  (1u << 17) /* Linux's PG_readahead: the async readahead mark */
#define PG_swapcache	  (1u << 18) /* in the swap cache; page->private is its slot (swap.c) */
#define PG_lru_file	  (1u << 19) /* on a file LRU list, not an anon one (lru.c) */
_Static_assert(PG_anon_exclusive > PG_reserved && PG_readahead > PG_reserved &&
		   PG_swapcache > PG_reserved && PG_lru_file > PG_reserved,
	       "page-layer flags must not collide with frame.h's");

/*
 * Large folios (host files on ext4/xfs: inode->max_folio_order > 0).  A
 * page-cache folio of order k is the 2^k pages of a naturally aligned run of
 * file offsets, created together by write() (generic_perform_write's
 * fgf_set_order) and mapped together by a fault (finish_fault,
 * filemap_map_pages).  Each page keeps its own refcount, mapcount, dirty
 * and LRU state (Linux keeps those per folio); what makes them one folio is
 * the order every page of it carries in its flags.  Their frames need not
 * be contiguous: nothing mmkit shows depends on physical addresses.
 * Invariant (checked by sys_check_frames): a cached page of order k > 0
 * has all 2^k pages of its run cached, each with order k.  Taking any page
 * out of the cache splits the folio (its other pages drop to order 0), as
 * truncation splits a large folio it cuts through.
 */
#define PG_ORDER_SHIFT 20
#define PG_ORDER_MASK  (0xfu << PG_ORDER_SHIFT)
_Static_assert((PG_ORDER_MASK & (PG_anon_exclusive | PG_readahead | PG_swapcache | PG_lru_file)) ==
		       0 &&
		   PG_ORDER_MASK > PG_reserved,
	       "the folio order field must not overlap a flag");

static inline unsigned page_folio_order(struct page *pg)
{
	return (page_flags(pg) & PG_ORDER_MASK) >> PG_ORDER_SHIFT;
}

#define PTE_PROT_BITS	   (PTE_USER | PTE_WRITE)
#define FAULT_AROUND_PAGES 16 /* fault_around_bytes = 64 KiB */
#define RA_PAGES	   32 /* VM_READAHEAD_PAGES: 128 KiB of readahead */

static inline struct frame_pool *mm_pool(struct mm *mm)
{
	return &mm->sys->pool;
}

static inline struct frame_pool *inode_pool(struct mmk_inode *in)
{
	return &in->sys->pool;
}

static inline struct page *inode_page(struct mmk_inode *in, pfn_t pfn)
{
	return pfn_to_page(inode_pool(in), pfn);
}

/* DIV_ROUND_UP(size, PAGE_SIZE): pages [0, n) hold file data. */
static inline uint64_t size_to_pages(uint64_t size)
{
	return (size >> PAGE_SHIFT) + ((size & (PAGE_SIZE - 1)) != 0);
}

/* Linux's linear_page_index(): the page offset of addr in vma's object. */
static inline uint64_t vma_pgoff_of(const struct vma *vma, uint64_t addr)
{
	return vma->pgoff + ((addr - vma_start(vma)) >> PAGE_SHIFT);
}

/* ---- memory.c: PTEs, RSS (the TLB: tlb.h) ------------------------------------ */

/* PTE_USER when vm_flags allow any access (vma_is_accessible). */
uint64_t vm_flags_pte_access(uint64_t vm_flags);
/* Whether a new PTE of vma may be writable before any write fault: a shared
 * writable mapping whose file needs no dirty tracking (shmem: Linux's
 * vm_page_prot without vma_wants_writenotify()). */
bool vma_maps_writable(const struct vma *vma, uint64_t vm_flags);
/* Whether a present PTE may be made writable by mprotect without a fault
 * (can_change_pte_writable): exclusive anonymous pages of private mappings,
 * dirty pages of shared ones.  Caller holds mm->ptl. */
bool pte_may_upgrade_write(struct mm *mm, const struct vma *vma, uint64_t vm_flags, pte_t pte);

/* Counts a mapping of the page in mm's RSS (+1) or drops it (-1) by the
 * page's kind (MM_ANONPAGES / MM_SHMEMPAGES / MM_FILEPAGES).  Caller holds
 * mm->ptl. */
void rss_account_locked(struct mm *mm, struct page *pg, int delta);
/* Maps pfn at addr through the empty PTE *ptep: the PTE takes over one
 * reference the caller holds, and a mapcount (neither for the zero page);
 * counts RSS, traces.  Caller holds mm->ptl. */
void pte_map_locked(struct mm *mm, pte_t *ptep, uint64_t addr, pfn_t pfn, uint64_t bits);
/* pte_map_locked() for a page-cache page, with the PTE's new reference:
 * both counts in one atomic (set_pte_range + folio_ref_add +
 * folio_add_file_rmap_ptes).  Caller holds mm->ptl and the inode lock. */
void pte_map_cache_locked(struct mm *mm, pte_t *ptep, uint64_t addr, pfn_t pfn, uint64_t bits);
/* pte_map_cache_locked() for a run of one file's cache pages whose PTEs
 * follow each other in one PTE table from ptep0 (for addr0): pfns[j] goes
 * into ptep0[j], which is none, except where pfns[j] is ZERO_PFN (skipped).
 * One used-count and one RSS update for the run (set_pte_range over a
 * folio's pages).  Returns the number mapped.  Caller holds mm->ptl and the
 * inode lock. */
unsigned pte_map_cache_run_locked(struct mm *mm, pte_t *ptep0, uint64_t addr0, const pfn_t *pfns,
				  unsigned nr, uint64_t bits);
/* update_hiwater_rss(): records the RSS peak before RSS goes down.
 * Caller holds mm->ptl. */
void update_hiwater_rss_locked(struct mm *mm);
/* Clears the present PTE *ptep of va and drops its mapcount, RSS and
 * reference (the frame is freed when unreferenced); flushes its TLB entry.
 * Caller holds mm->ptl. */
void pte_zap_locked(struct mm *mm, uint64_t va, pte_t *ptep);
/* Unmaps every present page of [start, end) in mm (zap_pte_range), taking
 * mm->ptl, as @details says (memory.h; NULL: ZAP_ALL).  Needs no VMA: the
 * caller holds mm's mmap_lock or the inode lock of a VMA covering the
 * range (which keeps the VMA alive and its page tables walkable). */
void zap_pte_range(struct mm *mm, uint64_t start, uint64_t end, const struct zap_details *details);

/* ---- fault.c ----------------------------------------------------------------- */

/* Outcome of a page fault (Linux's VM_FAULT_* reduced to what mmkit needs). */
enum fault_result {
	FAULT_DONE = 0, /* the PTE is fixed (or someone raced us): retry the access */
	FAULT_SIGBUS,	/* VM_FAULT_SIGBUS: a file page beyond EOF, or a read error */
	FAULT_OOM,	/* VM_FAULT_OOM: no frame (or page table) to be had */
	FAULT_SIGSEGV,	/* VM_FAULT_SIGSEGV: a guard marker (SEGV_MAPERR, as x86's
			   bad_area_nosemaphore gives it) */
};

/* handle_mm_fault() for addr inside vma, access already checked.  Caller
 * holds mm->mmap_lock (read or write) and no other lock.  Counts the fault
 * (min_flt/maj_flt) when it succeeds. */
enum fault_result handle_mm_fault(struct mm *mm, struct vma *vma, uint64_t addr, bool write);
/* A user access fault (do_user_addr_fault): takes mmap_lock for reading,
 * finds the VMA, checks the access, handles the fault.  Returns 0 when the
 * access should be retried, -EFAULT with *si filled for a signal (SIGKILL
 * when the OOM killer chose this process), or -ENOMEM when no memory could
 * be found and nothing could be killed (or failure injection is on). */
int handle_user_fault(struct mm *mm, uint64_t addr, bool write, struct mmk_siginfo *si);

/* ---- page_alloc.c ------------------------------------------------------------------ */

/* Allocates a frame (page_alloc.c): through the pool's slow-path hook
 * (reclaim.c's), wakes kswapd below the low watermark; when no frame is
 * free, reclaims directly (pages of other inodes and
 * anon_vmas are only trylocked; pages of held, whose lock the caller holds,
 * are fair game) and retries.  -ENOMEM when nothing could be reclaimed (a
 * fault then calls the OOM killer) or failure injection is on.  held: the
 * inode whose lock the caller holds, or NULL.  Caller holds no mm->ptl and
 * no anon_vma lock. */
int page_alloc(struct mmk_system *sys, struct mmk_inode *held, int zeroed, pfn_t *out);
/* How many times page_alloc has failed for want of frames (not of host
 * memory, not by injection): a fault that failed tells the two apart. */
uint64_t page_alloc_failures(struct mmk_system *sys);
/* An allocation that never reclaims (readahead's): a free frame or
 * -ENOMEM, but one that leaves fewer than the low watermark free wakes
 * kswapd through the slow-path hook, as every Linux allocation below it
 * does (a system without kswapd does nothing more).  Caller holds at most
 * `held`. */
int page_alloc_noreclaim(struct mmk_system *sys, struct mmk_inode *held, pfn_t *out);

/* ---- pagecache.c --------------------------------------------------------------- */
/* The cached page at pgoff, or -ENOENT.  Caller holds inode->lock. */
int pagecache_lookup_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t *pfn);
/* The cached pages of [first, first + n), 1 <= n <= 64, in one walk of the
 * index: bit i of the result is set when page first + i is cached, and
 * pfns[i] is then its frame (pfns[] of absent pages is left alone).  No
 * references are taken.  Caller holds inode->lock. */
uint64_t pagecache_lookup_range_locked(struct mmk_inode *inode, uint64_t first, unsigned n,
				       pfn_t *pfns);
/* Adds a new page (reference passed to the cache) at pgoff; sets its
 * mapping and index.  0 or -ENOMEM (the page is then the caller's again).
 * Caller holds inode->lock. */
int pagecache_insert_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t pfn);
/* The first page offset and the page count of the folio holding the cached
 * page pg at pgoff (itself and 1 for an order-0 page). */
uint64_t pagecache_folio_first(struct page *pg, uint64_t pgoff, uint64_t *nr);
/* Removes the page at pgoff from the cache and drops the cache's
 * reference.  The page must no longer be mapped.  Caller holds inode->lock. */
void pagecache_delete_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t pfn);
/* Fills frame pfn with page pgoff of the host file (pread, short reads
 * retried, zeros past what the file holds and past i_size) and marks it
 * uptodate.  0 or -errno.  Caller holds inode->lock. */
int pagecache_read_host_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t pfn);
/* The page at pgoff for a fault through vma (filemap_fault/shmem_fault):
 * read from the host file if absent (*major set), with readahead.  The
 * page is returned without a reference: the cache's keeps it while the
 * caller holds inode->lock.  *redo (if redo is not NULL) is set when Linux
 * would have dropped mmap_lock for I/O here — a read, or the async
 * readahead a readahead mark starts — and so returned VM_FAULT_RETRY: the
 * fault is then done again, fault-around first.  0, -ERANGE (beyond EOF:
 * SIGBUS), -EIO, -ENOMEM.  Caller holds inode->lock. */
int pagecache_fault_page_locked(struct mmk_inode *inode, struct vma *vma, uint64_t pgoff,
				pfn_t *pfn, bool *major, bool *redo);
/* The fast half of pagecache_fault_page_locked: the page at pgoff when it
 * is cached below EOF without the readahead mark, so that the fault needs
 * no read, no readahead and no allocation; else -EAGAIN (call
 * pagecache_fault_page_locked).  Does no I/O and allocates nothing, so it
 * may be called under mm->ptl.  Caller holds inode->lock. */
int pagecache_fault_cached_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t *pfn);
/* Zaps the mappings of page offsets [first, last) in every VMA of the
 * inode (unmap_mapping_range).  Caller holds inode->lock. */
void unmap_mapping_range_locked(struct mmk_inode *inode, uint64_t first, uint64_t last,
				bool even_cows);
/* Removes pages [first, last) from the file's cache (and their mappings,
 * COW copies kept) and makes the host file read zeros there
 * (fallocate(PUNCH_HOLE|KEEP_SIZE), done with pwrite since mmkit touches
 * host files only with pread/pwrite/ftruncate/fstat/fsync).  0 or -errno. */
int pagecache_punch_hole(struct mmk_inode *inode, uint64_t first, uint64_t last);
/* Drops every page of an idle inode (none mapped or dirty) whose host file
 * changed, and takes size as i_size.  Caller holds inode->lock. */
void pagecache_forget_locked(struct mmk_inode *inode, uint64_t size);

/* ---- readahead.c ------------------------------------------------------------------ */

/* page_cache_ra_unbounded(): reads the absent pages of [start, start + nr)
 * below EOF, marking the one lookahead pages before the end PG_readahead.
 * Stops quietly when no frame is free.  Caller holds inode->lock. */
void ra_read_locked(struct mmk_inode *inode, uint64_t start, uint64_t nr, uint64_t lookahead);
/* page_cache_sync_ra(): a read of req pages at index missed the cache. */
void ra_sync_locked(struct mmk_inode *inode, struct ra_state *ra, uint64_t index, uint64_t req);
/* page_cache_async_ra(): the cached page pg at index carries the mark. */
void ra_async_locked(struct mmk_inode *inode, struct ra_state *ra, uint64_t index, uint64_t req,
		     struct page *pg);
/* do_sync_mmap_readahead(): a fault through a VMA with vm_flags missed. */
void ra_mmap_sync_locked(struct mmk_inode *inode, struct mmk_file *f, uint64_t vm_flags,
			 uint64_t pgoff);
/* Reads pages [first, last) into the cache (force_page_cache_readahead,
 * for MADV_WILLNEED); stops at EOF or when memory runs out. */
void pagecache_willneed(struct mmk_inode *inode, uint64_t first, uint64_t last);

/* ---- writeback.c ------------------------------------------------------------------ */

/* Writes one dirty page of a host file back (mappings write-protected,
 * PG_dirty cleared, pwrite; the page stays dirty on failure).  0 or
 * -errno.  Caller holds inode->lock. */
int writeback_page_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t pfn);
/* Marks a cached page dirty (folio_mark_dirty): PG_dirty, the inode's and
 * the flusher's counts, its age; kicks the flusher over the threshold.
 * Caller holds inode->lock. */
void pagecache_mark_dirty_locked(struct mmk_inode *inode, struct page *pg);
/* Counts a PG_dirty change of a host file's page.  Caller holds inode->lock. */
void dirty_account_locked(struct mmk_inode *inode, int delta);
/* Wakes the flusher for a pass now (tests; dirty threshold). */
void flusher_kick(struct mmk_system *sys);
/* Dirty page-cache pages of host files in the whole system. */
uint64_t flusher_nr_dirty(struct mmk_system *sys);

/* ---- shmem.c ------------------------------------------------------------------- */

/* shmem_get_folio(SGP_CACHE): the page at pgoff of a shmem inode: read
 * back from swap if it was swapped out (*major set), a new zeroed one if
 * absent.  0, -ERANGE (beyond i_size), -ENOMEM, -EIO.  Caller holds
 * inode->lock. */
int shmem_get_page_locked(struct mmk_inode *inode, uint64_t pgoff, pfn_t *pfn, bool *major);

#endif
