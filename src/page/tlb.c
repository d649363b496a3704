/*
 * tlb.c - the software TLB (tlb.h): an entry filled from its PTE on a miss
 * (setting the PTE's accessed bit, and for a store its dirty bit, as x86's
 * page walker does; an entry is writable only if the PTE was writable and
 * is now dirty, so the first store to a clean page always reaches the
 * PTE), the neighbours filled with it, and invalidation, which publishes
 * itself through mm->tlb_gen for the lock-free loads (access.c).
 *
 * Locking: every function here runs under mm->ptl (mm_tlb_flush and
 * mm_tlb_exec take it).
 */
#include "pages.h"

static void tlb_gen_bump(struct mm *mm);

/*
 * Caches pte as the entry of page vpn.  Returns whether it replaced an
 * entry translating another page (or another frame): that is an
 * invalidation like any other, since a lock-free reader may have read the
 * old entry and still be copying, and once it is gone from the TLB that
 * page's PTE can be zapped with nothing left to flush, its frame freed and
 * reused.  The walk then bumps the generation (tlb_lookup_locked), before
 * it releases mm->ptl, which any such zap needs.  Caller holds mm->ptl.
 */
static bool tlb_fill_locked(struct mm *mm, uint64_t vpn, pte_t pte)
{
	lock_assert_held(&mm->ptl);
	bool writable = (pte & (PTE_WRITE | PTE_DIRTY)) == (PTE_WRITE | PTE_DIRTY);
	_Atomic uint64_t *slot = &mm->tlb[vpn % TLB_ENTRIES].word;
	uint64_t old = atomic_load_explicit(slot, memory_order_relaxed);
	uint64_t w = tlb_word(vpn, pfn_to_virt(mm_pool(mm), pte_pfn(pte)), writable);
	atomic_store_explicit(slot, w, memory_order_relaxed);
	return old && (old | TLB_WRITABLE) != (w | TLB_WRITABLE);
}

/*
 * A walk also fills the entries of the other pages of its aligned group of
 * TLB_FILL_AROUND whose PTEs need no bit set by the walker (present, user,
 * already accessed; writable only if already dirty), as CPUs coalesce
 * neighbouring PTEs into their TLBs.  Nothing observable changes: no PTE is
 * written, and an entry is exactly what a walk of that page would fill.  A
 * sequential pass then walks once per group instead of once per page.
 */
#define TLB_FILL_AROUND 8
_Static_assert(PT_ENTRIES % TLB_FILL_AROUND == 0, "a group stays in one PTE table");

static bool tlb_fill_around_locked(struct mm *mm, uint64_t vpn, pte_t *ptep)
{
	lock_assert_held(&mm->ptl);
	uint64_t first = vpn & ~(uint64_t)(TLB_FILL_AROUND - 1);
	pte_t *group = ptep - (vpn - first);
	bool replaced = false;
	for (uint64_t i = 0; i < TLB_FILL_AROUND; i++) {
		pte_t pte = group[i];
		if (first + i != vpn && pte_present(pte) &&
		    (pte & (PTE_USER | PTE_ACCESSED)) == (PTE_USER | PTE_ACCESSED))
			replaced |= tlb_fill_locked(mm, first + i, pte);
	}
	return replaced;
}

/*
 * The TLB entry for va allowing the access, filled from the PTE on a miss
 * (the page walk), or NULL when the PTE does not allow it (a fault).
 * Caller holds mm->ptl; va < TASK_SIZE (mm->task_size).
 */
uint8_t *tlb_lookup_locked(struct mm *mm, uint64_t va, bool write)
{
	lock_assert_held(&mm->ptl);
	uint64_t vpn = va >> PAGE_SHIFT;
	struct tlb_entry *te = &mm->tlb[vpn % TLB_ENTRIES];
	uint64_t w = atomic_load_explicit(&te->word, memory_order_relaxed);
	if (tlb_word_hits(w, vpn, write))
		return tlb_word_host(w);
	pte_t *ptep = pgtable_walk(&mm->pt, va, 0);
	if (!ptep)
		return NULL;
	pte_t pte = *ptep;
	if (!pte_present(pte) || !(pte & PTE_USER) || (write && !(pte & PTE_WRITE)))
		return NULL;
	pte_t npte = pte | PTE_ACCESSED | (write ? PTE_DIRTY : 0);
	if (npte != pte)
		*ptep = npte;
	bool replaced = tlb_fill_locked(mm, vpn, npte);
	if (tlb_fill_around_locked(mm, vpn, ptep) || replaced)
		tlb_gen_bump(mm); /* once for the walk: entries others may hold went */
	return pfn_to_virt(mm_pool(mm), pte_pfn(npte));
}

/* ---- Flush ------------------------------------------------------------------------------ */

/*
 * Invalidation publishes itself through mm->tlb_gen: the entry is cleared,
 * then the generation bumped with release order, and only after that can
 * the caller drop the frame's reference.  A lock-free load (access.c) that
 * read the old entry therefore sees a new generation when it checks again
 * after its copy, whenever the frame could have been freed and reused in
 * between, and retries under mm->ptl.  An entry is invalidated by a clear
 * here or by a fill that replaces it with another page's translation (a
 * page walk, tlb_lookup_locked), and both bump.  So clearing an empty or
 * foreign entry bumps nothing: a reader that read this page's entry before
 * it was replaced sees the bump of the walk that replaced it.
 */
static void tlb_gen_bump(struct mm *mm)
{
	atomic_fetch_add_explicit(&mm->tlb_gen, 1, memory_order_release);
}

static bool tlb_clear_one_locked(struct mm *mm, uint64_t va)
{
	lock_assert_held(&mm->ptl);
	uint64_t vpn = va >> PAGE_SHIFT;
	struct tlb_entry *te = &mm->tlb[vpn % TLB_ENTRIES];
	uint64_t w = atomic_load_explicit(&te->word, memory_order_relaxed);
	if (!tlb_word_hits(w, vpn, false))
		return false;
	atomic_store_explicit(&te->word, 0, memory_order_relaxed);
	return true;
}

/* Empties the whole TLB; whether it held anything. */
static bool tlb_clear_all_locked(struct mm *mm)
{
	lock_assert_held(&mm->ptl);
	bool cleared = false;
	for (int i = 0; i < TLB_ENTRIES; i++) {
		if (atomic_load_explicit(&mm->tlb[i].word, memory_order_relaxed)) {
			atomic_store_explicit(&mm->tlb[i].word, 0, memory_order_relaxed);
			cleared = true;
		}
	}
	return cleared;
}

void tlb_flush_page_locked(struct mm *mm, uint64_t va)
{
	lock_assert_held(&mm->ptl);
	if (tlb_clear_one_locked(mm, va))
		tlb_gen_bump(mm);
}

void tlb_flush_all_locked(struct mm *mm)
{
	lock_assert_held(&mm->ptl);
	if (tlb_clear_all_locked(mm))
		tlb_gen_bump(mm);
}

void tlb_flush_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	lock_assert_held(&mm->ptl);
	if (end <= start)
		return;
	bool cleared = false;
	if (((end - start) >> PAGE_SHIFT) >= TLB_ENTRIES) {
		cleared = tlb_clear_all_locked(mm);
	} else {
		for (uint64_t va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
			cleared |= tlb_clear_one_locked(mm, va);
	}
	if (cleared)
		tlb_gen_bump(mm);
	TRACE(mm->sys, .kind = MMK_EV_TLB_FLUSH, .pid = mm->pid, .start = start, .end = end);
}

void mm_tlb_exec(struct mm *mm)
{
	mmap_assert_write_locked(mm);
	mmk_mutex_lock(&mm->ptl);
	tlb_clear_all_locked(mm);
	atomic_fetch_add_explicit(&mm->exec_gen, 1, memory_order_relaxed);
	tlb_gen_bump(mm); /* even with nothing cleared: publishes exec_gen */
	mmk_mutex_unlock(&mm->ptl);
}

void mm_tlb_flush(struct mm *mm, uint64_t start, uint64_t end)
{
	mmk_mutex_lock(&mm->ptl);
	tlb_flush_locked(mm, start, end);
	mmk_mutex_unlock(&mm->ptl);
}
