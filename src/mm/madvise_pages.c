/*
 * madvise_pages.c - the advice that acts on pages, one VMA piece at a time
 * (the VMA-flag advice and madvise's own argument checks are madvise.c's).
 * Mirrors mm/madvise.c (madvise_dontneed_single_vma, madvise_free_pte_range,
 * madvise_willneed, madvise_remove, madvise_cold_or_pageout_pte_range).
 *
 *   DONTNEED  unmaps the range: private anonymous memory reads zeros next
 *             time, a private file mapping the file again, a shared mapping
 *             the same (still cached) contents
 *   FREE      private anonymous only: clean, young-less, and lazily freeable
 *             (PG_swapbacked cleared, LazyFree in smaps, moved to the file
 *             LRU: reclaimable without swap); the contents stay until
 *             reclaimed, and a store cancels it (the page is dirty again);
 *             swapped-out pages of the range are simply dropped
 *   WILLNEED  reads the file range into the page cache (no swap: nothing for
 *             anonymous or shared anonymous memory)
 *   REMOVE    shared writable mappings: punches the range out of the file
 *             (later loads read zeros), private COW copies kept
 *   COLD      pages mapped only here lose their young/referenced state
 *   PAGEOUT   pages mapped only here are reclaimed as far as mmkit can: clean
 *             file pages leave the mapping and the cache, dirty file pages
 *             only the mapping, lazily-freed clean anonymous pages are
 *             discarded; other anonymous pages stay (there is no swap)
 *
 * Locking: mmap_lock is held by the caller (read for all but REMOVE's
 * caller may hold either); the inode lock, then mm->ptl, are taken here.
 */
#include <errno.h>
#include <stdlib.h>

#include "lru.h"
#include "pages.h"
#include "swap.h"

/* ---- MADV_FREE ----------------------------------------------------------------------- */

static int free_one(void *arg, uint64_t va, pte_t *ptep)
{
	struct mm *mm = arg;
	pte_t pte = *ptep;
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP:
		pte_zap_locked(mm, va, ptep); /* madvise_free_pte_range: free_swap_and_cache */
		return 0;
	case PTE_KIND_PRESENT:
		break;
	case PTE_KIND_NONE:
	case PTE_KIND_ZERO:
	case PTE_KIND_GUARD: /* kept, as madvise_free_pte_range keeps markers */
	case PTE_KIND_BAD:
		return 0;
	}
	struct page *pg = pfn_to_page(mm_pool(mm), pte_pfn(pte));
	if ((page_flags(pg) & (PG_anon | PG_swapcache)) != PG_anon)
		return 0; /* a swap-cache page keeps its slot's copy: left alone */
	if (page_test(pg, PG_dirty)) {
		if (page_mapcount(pg) != 1)
			return 0;
		page_clear(pg, PG_dirty);
	}
	if (pte & (PTE_ACCESSED | PTE_DIRTY)) {
		*ptep = pte & ~(PTE_ACCESSED | PTE_DIRTY);
		tlb_flush_locked(mm, va, va + PAGE_SIZE);
	}
	if (page_clear(pg, PG_swapbacked) & PG_swapbacked) /* folio_mark_lazyfree() */
		lru_lazyfree(mm->sys, pte_pfn(pte));
	return 0;
}

static int madvise_free(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	if (!vma_is_anonymous(vma))
		return -EINVAL;
	mmk_mutex_lock(&mm->ptl);
	pgtable_for_each(&mm->pt, start, end, free_one, mm);
	mmk_mutex_unlock(&mm->ptl);
	return 0;
}

/* ---- MADV_COLD / MADV_PAGEOUT ---------------------------------------------------------- */

struct cold_walk {
	struct mm *mm;
	struct mmk_inode *in; /* the file's, locked; NULL for anonymous VMAs */
	bool pageout;
};

static int cold_one(void *arg, uint64_t va, pte_t *ptep)
{
	struct cold_walk *w = arg;
	struct mm *mm = w->mm;
	pte_t pte = *ptep;
	if (!pte_maps_page(pte))
		return 0;
	pfn_t pfn = pte_pfn(pte);
	struct page *pg = pfn_to_page(mm_pool(mm), pfn);
	if (page_mapcount(pg) != 1) /* do not interfere with other mappings */
		return 0;
	if (!w->pageout && (pte & PTE_ACCESSED)) {
		*ptep = pte & ~PTE_ACCESSED;
		tlb_flush_locked(mm, va, va + PAGE_SIZE);
	}
	page_clear(pg, PG_referenced);
	if (!w->pageout)
		return 0;
	uint32_t f = page_flags(pg);
	bool clean = !(pte & PTE_DIRTY) && !(f & PG_dirty);
	if (f & PG_anon) {
		/* No swap: only a lazily-freed clean page can go. */
		if (!(f & PG_swapbacked) && clean)
			pte_zap_locked(mm, va, ptep);
		return 0;
	}
	/* shrink_folio_list(): unmapped, then freed if clean and unused. */
	uint64_t index = pg->index;
	pte_zap_locked(mm, va, ptep);
	if (w->in && w->in->kind == INODE_FILE && page_refcount(pg) == 1 &&
	    !page_test(pg, PG_dirty))
		pagecache_delete_locked(w->in, index, pfn);
	return 0;
}

static int madvise_cold_or_pageout(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
				   bool pageout)
{
	struct cold_walk w = {.mm = mm, .pageout = pageout};
	if (pageout && vma->file) {
		w.in = vma->file->inode;
		mmk_mutex_lock(&w.in->lock);
	}
	mmk_mutex_lock(&mm->ptl);
	if (pageout)
		update_hiwater_rss_locked(mm);
	pgtable_for_each(&mm->pt, start, end, cold_one, &w);
	mmk_mutex_unlock(&mm->ptl);
	if (w.in)
		mmk_mutex_unlock(&w.in->lock);
	return 0;
}

/* ---- MADV_GUARD_INSTALL / MADV_GUARD_REMOVE ---------------------------------------------- */

/*
 * madvise_guard_install()'s page part (madvise.c has marked the VMA
 * VM_MAYBE_GUARD and given an anonymous one its anon_vma): zaps what
 * [start, end) maps (pages and swap entries; markers already there stay:
 * zap_page_range_single's NULL details), then puts a guard marker in every
 * PTE of the range.  Caller holds mmap_lock for writing (the advice table
 * says so), so no fault can fill a PTE between the zap and the install,
 * which Linux instead retries.  -ENOMEM for a page table; the markers put
 * in before it stay, as Linux's walk leaves them.
 */
static int madvise_guard_install(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	mmap_assert_write_locked(mm);
	int err = 0;
	zap_pte_range(mm, start, end, NULL);
	mmk_mutex_lock(&mm->ptl);
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		pte_t *ptep = pgtable_walk(&mm->pt, a, 1);
		if (!ptep) {
			err = -ENOMEM;
			break;
		}
		if (pte_none(*ptep))
			pgtable_set_pte(&mm->pt, ptep, pte_mkguard());
		MMK_BUG_ON(pte_kind(*ptep) != PTE_KIND_GUARD);
	}
	mmk_mutex_unlock(&mm->ptl);
	return err;
}

static int guard_remove_one(void *arg, uint64_t va, pte_t *ptep)
{
	struct mm *mm = arg;
	if (pte_kind(*ptep) == PTE_KIND_GUARD)
		pgtable_clear_pte(&mm->pt, ptep);
	return 0;
}

/* madvise_guard_remove(): clears the guard markers of [start, end), and
 * nothing else.  Caller holds mmap_lock. */
static int madvise_guard_remove(struct mm *mm, uint64_t start, uint64_t end)
{
	mmk_mutex_lock(&mm->ptl);
	pgtable_for_each(&mm->pt, start, end, guard_remove_one, mm);
	mmk_mutex_unlock(&mm->ptl);
	return 0;
}

/* ---- The others ------------------------------------------------------------------------ */

/* madvise_remove(): Linux's own checks, then fallocate(PUNCH_HOLE). */
static int madvise_remove(struct vma *vma, uint64_t start, uint64_t end)
{
	if (vma->flags & VM_LOCKED)
		return -EINVAL;
	if (!vma->file)
		return -EINVAL;
	if ((vma->flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	if (!file_writable(vma->file))
		return -EBADF;
	return pagecache_punch_hole(vma->file->inode, vma_pgoff_of(vma, start),
				    vma_pgoff_of(vma, end - 1) + 1);
}

int mm_madvise_pages(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, int advice)
{
	mmap_assert_locked(mm);
	if (start >= end)
		return 0;
	switch (advice) {
	case MMK_MADV_DONTNEED:
		mm_zap_range(mm, vma, start, end, NULL); /* zap_page_range_single */
		return 0;
	case MMK_MADV_FREE:
		return madvise_free(mm, vma, start, end);
	case MMK_MADV_WILLNEED:
		if (vma->file)
			pagecache_willneed(vma->file->inode, vma_pgoff_of(vma, start),
					   vma_pgoff_of(vma, end - 1) + 1);
		return 0;
	case MMK_MADV_REMOVE:
		return madvise_remove(vma, start, end);
	case MMK_MADV_COLD:
		return madvise_cold_or_pageout(mm, vma, start, end, false);
	case MMK_MADV_PAGEOUT:
		return madvise_cold_or_pageout(mm, vma, start, end, true);
	case MMK_MADV_GUARD_INSTALL:
		return madvise_guard_install(mm, vma, start, end);
	case MMK_MADV_GUARD_REMOVE:
		return madvise_guard_remove(mm, start, end);
	default:
		return 0;
	}
}
