/*
 * rmap.c - reverse-map walks for reclaim (see rmap.h for the locking the
 * caller provides).  Mirrors mm/rmap.c: rmap_walk_file / rmap_walk_anon
 * visiting each VMA that may map the page at its linear index, and the
 * per-PTE work of folio_referenced_one and try_to_unmap_one.
 *
 *   page-cache page   inode->i_mmap: every VMA of the file (private ones
 *                     too: they map the cache page until a write copies it)
 *   anonymous page    page->mapping (an anon_vma) -> its list of chains ->
 *                     every VMA chained to it, in any process of the family
 *
 * In each VMA the page can only sit at vma_start + (index - vm_pgoff) pages
 * (the index does not change when mremap moves a page: the moved VMA keeps
 * its pgoff); the PTE there is used only if it maps this very frame.
 */
#include "rmap.h"
#include "lru.h"
#include "swap.h"

struct rmap_walk {
	struct mmk_system *sys;
	pfn_t pfn;
	struct page *pg;
	/* Called under mm->ptl for a present PTE mapping pfn; nonzero stops. */
	int (*one)(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va, pte_t *ptep);
	int young;
	bool vm_locked, dirty;
	const struct mm *skip; /* rmap_mapper: the process not to report */
	int pid;	       /* rmap_mapper: what it found */
	uint64_t va;
};

/* The one PTE of vma that may map the page, handed to w->one. */
static int rmap_one_vma(struct rmap_walk *w, struct vma *vma)
{
	uint64_t index = w->pg->index;
	if (vma->reserved || index < vma->pgoff || index - vma->pgoff >= vma_pages(vma))
		return 0;
	uint64_t va = vma_start(vma) + ((index - vma->pgoff) << PAGE_SHIFT);
	struct mm *mm = vma->mm;
	int r = 0;
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, va, 0);
	if (ptep && pte_present(*ptep) && !(*ptep & PTE_SPECIAL) && pte_pfn(*ptep) == w->pfn)
		r = w->one(w, mm, vma, va, ptep);
	mmk_mutex_unlock(&mm->ptl);
	return r;
}

/* rmap_walk(): stops at a nonzero result or once nothing maps the page. */
static void rmap_walk(struct rmap_walk *w)
{
	if (page_mapcount(w->pg) == 0)
		return; /* nothing to find (and an anon page's anon_vma may be gone) */
	if (page_test(w->pg, PG_anon)) {
		struct anon_vma *av = w->pg->mapping;
		for (struct avc *c = av->vmas; c && page_mapcount(w->pg) > 0; c = c->same_av_next)
			if (rmap_one_vma(w, c->vma))
				return;
	} else {
		struct mmk_inode *in = w->pg->mapping;
		for (struct vma *v = in->i_mmap; v && page_mapcount(w->pg) > 0; v = v->i_mmap_next)
			if (rmap_one_vma(w, v))
				return;
	}
}

/* ---- folio_referenced ------------------------------------------------------------- */

static int referenced_one(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va,
			  pte_t *ptep)
{
	if (vma->flags & VM_LOCKED)
		w->vm_locked = true;
	if (*ptep & PTE_ACCESSED) {
		*ptep &= ~PTE_ACCESSED; /* stays non-zero: a plain store (pgtable.h) */
		tlb_flush_page_locked(mm, va);
		w->young++;
	}
	return 0;
}

int rmap_referenced(struct mmk_system *sys, pfn_t pfn, bool *vm_locked)
{
	struct rmap_walk w = {
	    .sys = sys,
	    .pfn = pfn,
	    .pg = pfn_to_page(&sys->pool, pfn),
	    .one = referenced_one,
	};
	rmap_walk(&w);
	*vm_locked = w.vm_locked;
	return w.young;
}

/* ---- try_to_unmap ------------------------------------------------------------------ */

static int unmap_file_one(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va,
			  pte_t *ptep)
{
	if (vma->flags & VM_LOCKED)
		return 0;
	update_hiwater_rss_locked(mm);
	pte_zap_locked(mm, va, ptep);
	return 0;
}

void rmap_unmap_file(struct mmk_system *sys, pfn_t pfn)
{
	struct rmap_walk w = {
	    .sys = sys,
	    .pfn = pfn,
	    .pg = pfn_to_page(&sys->pool, pfn),
	    .one = unmap_file_one,
	};
	rmap_walk(&w);
}

/* Clears a present PTE of the page without dropping its reference (the
 * caller of the walk pins the page): mapcount, RSS and TLB follow. */
static pte_t unmap_pte_locked(struct rmap_walk *w, struct mm *mm, uint64_t va, pte_t *ptep)
{
	lock_assert_held(&mm->ptl);
	update_hiwater_rss_locked(mm);
	pte_t pte = pgtable_clear_pte(&mm->pt, ptep);
	tlb_flush_page_locked(mm, va);
	page_mapcount_dec(w->pg);
	rss_account_locked(mm, w->pg, -1);
	return pte;
}

static int unmap_swap_one(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va,
			  pte_t *ptep)
{
	if (vma->flags & VM_LOCKED)
		return 0;
	uint64_t slot = w->pg->private;
	if (!swap_dup_cached(w->sys, slot, w->pfn))
		return 1; /* the page left the swap cache: stop */
	pte_t pte = unmap_pte_locked(w, mm, va, ptep);
	if (pte & PTE_DIRTY)
		page_set(w->pg, PG_dirty);
	/* folio_try_share_anon_rmap_pte(): a swap-cache page is exclusive to
	 * no one.  It may outlive this unmap in the cache (someone pins it),
	 * and a fork can then copy the swap entry: whoever maps the page from
	 * the cache must not take it for its own and write into it. */
	page_clear(w->pg, PG_anon_exclusive);
	pgtable_set_pte(&mm->pt, ptep, swp_pte(slot));
	mm->swap_ents++;
	frame_put(&w->sys->pool, w->pfn); /* the PTE's reference; the caller's pin remains */
	return 0;
}

void rmap_unmap_to_swap(struct mmk_system *sys, pfn_t pfn)
{
	struct rmap_walk w = {
	    .sys = sys,
	    .pfn = pfn,
	    .pg = pfn_to_page(&sys->pool, pfn),
	    .one = unmap_swap_one,
	};
	MMK_BUG_ON(!page_test(w.pg, PG_swapcache));
	rmap_walk(&w);
}

static int unmap_discard_one(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va,
			     pte_t *ptep)
{
	if (vma->flags & VM_LOCKED)
		return 0;
	/* try_to_unmap_one(): a droppable page goes even when written since */
	bool dirty = (*ptep & PTE_DIRTY) || page_test(w->pg, PG_dirty);
	if (dirty && !(vma->flags & VM_DROPPABLE)) {
		w->dirty = true;
		return 1;
	}
	unmap_pte_locked(w, mm, va, ptep);
	frame_put(&w->sys->pool, w->pfn);
	return 0;
}

bool rmap_unmap_discard(struct mmk_system *sys, pfn_t pfn)
{
	struct rmap_walk w = {
	    .sys = sys,
	    .pfn = pfn,
	    .pg = pfn_to_page(&sys->pool, pfn),
	    .one = unmap_discard_one,
	};
	rmap_walk(&w);
	return !w.dirty;
}

/* ---- Who maps a page (for the trace) ------------------------------------------------ */

static int mapper_one(struct rmap_walk *w, struct mm *mm, struct vma *vma, uint64_t va, pte_t *ptep)
{
	if (mm == w->skip)
		return 0;
	w->pid = mm->pid;
	w->va = va;
	return 1;
}

int rmap_mapper(struct mmk_system *sys, pfn_t pfn, const struct mm *skip, uint64_t *va)
{
	struct rmap_walk w = {
	    .sys = sys,
	    .pfn = pfn,
	    .pg = pfn_to_page(&sys->pool, pfn),
	    .one = mapper_one,
	    .skip = skip,
	};
	rmap_walk(&w);
	if (va)
		*va = w.va;
	return w.pid;
}

int rmap_anon_sharer(struct mmk_system *sys, pfn_t pfn, const struct mm *self)
{
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	struct anon_vma *av = pg->mapping;
	if (!page_test(pg, PG_anon) || !av)
		return 0;
	struct anon_vma *root = av->root;
	mmk_mutex_lock(&root->lock);
	int pid = rmap_mapper(sys, pfn, self, NULL);
	mmk_mutex_unlock(&root->lock);
	return pid;
}
