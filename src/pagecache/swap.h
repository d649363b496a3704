/*
 * swap.h - the swap area: a host file of slots of one page each, the count
 * of references to each slot, and the swap cache (slot -> page still in
 * memory).  Mirrors mm/swapfile.c (swap_map, get_swap_page, swap_duplicate,
 * free_swap_and_cache), mm/swap_state.c (the swap cache) and mm/memory.c's
 * do_swap_page; shmem's swapped pages (mm/shmem.c shmem_swapin_folio,
 * shmem_writeout) live here too.  docs/RECLAIM.md tells the whole story.
 *
 * A slot is
 *   free       count 0, no cache page;
 *   in use     count = swap PTEs naming it (anonymous pages) + shmem
 *              swapped-index entries naming it + swap-in faults holding
 *              it (do_swap_page), and/or a cache page.
 * A swap-cache page (PG_swapcache, page->private = its slot) holds a copy
 * of the slot's data that is current unless PG_dirty; the cache holds one
 * reference on it.  It is never mapped writable (only exclusive pages are,
 * a page leaves the cache as it becomes exclusive, and a page's PTEs
 * becoming swap entries make it non-exclusive: rmap_unmap_to_swap), so a
 * store never makes it differ from its slot behind reclaim's back.
 *
 * Locking: swap->lock (after lru->lock, before the frame pool's lock)
 * protects count[], cache[], the free slots and the PG_swapcache/private
 * of cached pages; it is taken under mm->ptl and inode locks.  A cached
 * page that reclaim is writing out is PG_locked: the slot is neither freed
 * nor reused until reclaim says so (swap_cache_done), and a fault waits.
 */
#ifndef MMK_SWAP_H
#define MMK_SWAP_H

#include "pages.h"

struct swap_area {
	int fd;		       /* immutable: the host file (pread/pwrite/ftruncate only) */
	uint32_t nslots;       /* immutable: slots [1, nslots) hold pages; 0 is never used */
	struct mmk_mutex lock; /* protects everything below */
	uint32_t *count;       /* per slot: references (swap PTEs, shmem entries, faults) */
	pfn_t *cache;	       /* per slot: its swap-cache page, or 0 */
	uint32_t *free_slots;  /* freed slots, a stack */
	uint32_t nfree_slots;
	uint32_t fresh;	    /* slots [fresh, nslots) were never used */
	uint64_t inuse;	    /* slots in use */
	uint64_t nr_cached; /* swap-cache pages */
};

/* Creates sys->swap from cfg.swap_bytes/swap_path (NULL when swap_bytes
 * is under two pages).  0 or -errno. */
int swap_init(struct mmk_system *sys);
/* Closes the swap file; every slot must be free by then. */
void swap_destroy(struct mmk_system *sys);
/* Whether a new page could go to swap now (a free slot exists). */
bool swap_has_space(struct mmk_system *sys);
/* Slots in use and total usable, in pages (both 0 without swap). */
void swap_usage(struct mmk_system *sys, uint64_t *used, uint64_t *total, uint64_t *cached);

/* ---- Swap entries in page tables -------------------------------------------- */

/* swap_duplicate(): one more PTE names slot (fork copying a swap PTE). */
void swap_dup(struct mmk_system *sys, uint64_t slot);
/* free_swap_and_cache(): a swap PTE naming slot went (zap, MADV_FREE).  At
 * count 0 the cache page, unless reclaim holds it, leaves the cache and
 * the slot is free.  Any lock but swap->lock may be held. */
void swap_entry_free(struct mmk_system *sys, uint64_t slot);
/* References to slot (SwapPss divides by it). */
uint32_t swap_count(struct mmk_system *sys, uint64_t slot);
/* Whether slot's page is in the swap cache (mincore: resident). */
bool swap_cached(struct mmk_system *sys, uint64_t slot);

/* do_swap_page(): the fault on swap PTE orig at addr of vma: the page from
 * the swap cache (minor) or read from its slot (major, *major set), mapped;
 * exclusive, and writable on a write fault, when no other reference to it
 * is left.  orig was read before any hold on its slot: the fault holds the
 * slot, then checks that the PTE is still orig, before it uses anything
 * the slot holds (FAULT_DONE with nothing done when it changed).  Caller
 * holds mmap_lock (read) and no other lock. */
enum fault_result do_swap_page(struct mm *mm, struct vma *vma, uint64_t addr, uint64_t pgoff,
			       pte_t *ptep, pte_t orig, bool write, bool *major);

/* ---- For reclaim (reclaim.c, rmap.c) ------------------------------------------ */

/* add_to_swap(): gives the page (pinned and PG_locked by the caller, not
 * yet cached) a free slot and puts it in the swap cache, PG_dirty (its
 * slot is not written yet).  0 or -ENOSPC. */
int swap_cache_add(struct mmk_system *sys, pfn_t pfn);
/* A PTE mapping the cached page pfn becomes a swap entry for its slot:
 * count++.  false (and nothing done) when pfn left the cache meanwhile.
 * Caller holds the PTE's mm->ptl. */
bool swap_dup_cached(struct mmk_system *sys, uint64_t slot, pfn_t pfn);
/* swap_writepage(): writes the cached page to its slot.  0 or -errno. */
int swap_writepage(struct mmk_system *sys, pfn_t pfn);
/* Reclaim is done with the cached page pfn (pinned, PG_locked): clears
 * PG_locked and, in the same critical section, takes the page out of the
 * cache when it is clean, unmapped and held by nobody else (then returns
 * true: only the caller's pin is left), or when no swap entry needs the
 * slot any more.  Returns whether the page may now be freed. */
bool swap_cache_done(struct mmk_system *sys, pfn_t pfn);
/* Reclaim puts the cached page pfn (pinned, PG_locked) back unevicted:
 * clears PG_locked, and if no swap entry names its slot any more (the last
 * one was mapped or zapped meanwhile, which leaves a locked page in the
 * cache), takes it out of the cache. */
void swap_cache_unlock(struct mmk_system *sys, pfn_t pfn);

/* ---- shmem (swapped pages indexed in inode->swapped) -------------------------- */

/* shmem_writeout(): moves the unmapped, clean-of-PTEs page at pgoff
 * (pinned by the caller, refcount cache + pin) to a new slot: written,
 * then the cache entry gives way to a swapped entry.  0, -ENOSPC, -EIO,
 * -ENOMEM.  Caller holds inode->lock. */
int shmem_swapout_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t pfn);
/* shmem_swapin_folio(): the swapped page at pgoff read back into the cache
 * (*major set).  -ENOENT when pgoff is not swapped.  Caller holds inode->lock. */
int shmem_swapin_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *pfn, bool *major);
/* Copies the swapped page at pgoff into buf without bringing it in.
 * -ENOENT when not swapped.  Caller holds inode->lock. */
int shmem_swap_read_locked(struct mmk_inode *in, uint64_t pgoff, void *buf);
/* Frees the swapped pages of [first, last) (hole punch, truncation, the
 * inode's end).  Caller holds inode->lock. */
void shmem_swap_free_range_locked(struct mmk_inode *in, uint64_t first, uint64_t last);
/* Swapped pages of [first, last).  Caller holds inode->lock. */
uint64_t shmem_swapped_locked(struct mmk_inode *in, uint64_t first, uint64_t last);

/* ---- Invariants ----------------------------------------------------------------- */

/* Compares each slot's count with refs[slot] (the references a census of
 * page tables and shmem inodes found) and checks the cache and the free
 * slots; adds each cache page's reference to frame_refs[pfn].  Call with
 * the system quiescent.  0 or -EUCLEAN with a message. */
int swap_check(struct mmk_system *sys, const uint32_t *refs, uint32_t *frame_refs, char *err,
	       size_t errlen);

#endif
