/*
 * memory.c - a process's page tables as the address-space layer changes
 * them: creation and teardown, zap (unmap), protection changes (mprotect),
 * moves (mremap), fork's copy, the software TLB's flushes and the RSS
 * counters.  Mirrors mm/memory.c (zap_pte_range, copy_pte_range,
 * copy_present_pte, free_pgtables), mm/mprotect.c (change_pte_range) and
 * mm/mremap.c (move_ptes).  The PTE bits and the reference counting rules
 * are in pages.h.
 *
 * Fork's copy and the zap go a PTE table at a time, as Linux's do: one walk
 * of the upper levels per 512 entries (pgtable_for_each_table), one pass
 * over the entries with plain stores and one used-count update per table,
 * RSS changes gathered and applied once per range (add_mm_rss_vec), and a
 * PTE's reference and mapping taken or dropped in one atomic operation
 * (page_dup_pte; page_unmap_put for a file page, whose last mapping needs
 * nothing done, page_drop_pte for an anonymous one).  A fault mapping a
 * large folio does the same: one pass over its PTEs with plain stores, one
 * used-count and one RSS update (pte_map_cache_run_locked).
 *
 * Invariants (checked by invariants_pages.c):
 *  - every present PTE lies inside a VMA of its mm and maps an allocated
 *    frame, or the zero page with PTE_SPECIAL; every other non-zero PTE is
 *    a swap entry in a private VMA, counted in swap_ents and in its slot's
 *    count (zap frees it, fork duplicates it, mremap moves it, mprotect
 *    leaves it: the protection is applied when it is swapped in), or a
 *    guard marker (pgtable.h; fork copies it, mremap moves it, mprotect
 *    and every zap but munmap's leave it);
 *  - PTE_WRITE only where the VMA has VM_WRITE; PTE_USER exactly where the
 *    VMA is accessible; a host file's page mapped writable or dirty is
 *    PG_dirty (so writeback, which write-protects before cleaning, sees
 *    every store);
 *  - rss_anon / rss_file / rss_shmem equal a recount of the PTEs;
 *  - a TLB entry caches a present PTE (same frame); it is writable only
 *    when the PTE is writable and dirty.
 *
 * Locking: every PTE, RSS counter and TLB entry of an mm is changed under
 * mm->ptl.  The callers of the memory.h functions hold mmap_lock (for
 * writing unless memory.h says otherwise), which keeps the page tables
 * themselves from being freed under a fault that dropped mm->ptl.
 */
#include <errno.h>
#include <string.h>

#include "lru.h"
#include "pages.h"
#include "reclaim.h"
#include "swap.h"

#define PMD_SIZE    (1ULL << 21) /* bytes one PTE table maps */
#define USER_VA_END (1ULL << 47)

/* ---- Address-space lifetime --------------------------------------------------- */

int mm_pages_init(struct mm *mm)
{
	if (pgtable_init(&mm->pt, &mm->sys->pt_pool))
		return -ENOMEM;
	mmk_mutex_init(&mm->ptl, LOCK_PTL);
	mm->rss_anon = mm->rss_file = mm->rss_shmem = 0;
	mm->hiwater_rss = mm->swap_ents = 0;
	mm->min_flt = mm->maj_flt = 0;
	for (int i = 0; i < TLB_ENTRIES; i++)
		atomic_init(&mm->tlb[i].word, 0);
	atomic_init(&mm->tlb_gen, 0);
	atomic_init(&mm->map_gen, 0);
	/* A TLB word holds the frame's host page number above TLB_HOST_SHIFT. */
	struct frame_pool *fp = &mm->sys->pool;
	MMK_BUG_ON((uintptr_t)(fp->mem + (size_t)fp->nframes * FRAME_SIZE) >
		   1ULL << (64 - TLB_HOST_SHIFT + 12));
	/* fixed when the system is created: whatever sees every access needs ptl */
	mm->tlb_lockless = mm->sys->refs == NULL && !mm->sys->sees_every_access;
	return 0;
}

static int pte_left_behind(void *arg, uint64_t va, pte_t *ptep)
{
	MMK_BUG("mm of pid %d destroyed with a PTE left at %#llx: %#llx", *(int *)arg,
		(unsigned long long)va, (unsigned long long)*ptep);
}

void mm_pages_destroy(struct mm *mm)
{
	/* exit_mmap() zapped every VMA first: a PTE left would leak its frame. */
	pgtable_for_each(&mm->pt, 0, PGTABLE_VA_END, pte_left_behind, &mm->pid);
	pgtable_destroy(&mm->pt);
	mmk_mutex_destroy(&mm->ptl);
}

/* ---- Protection rules ----------------------------------------------------------- */

uint64_t vm_flags_pte_access(uint64_t vm_flags)
{
	return (vm_flags & VM_ACCESS_FLAGS) ? PTE_USER : 0;
}

bool vma_maps_writable(const struct vma *vma, uint64_t vm_flags)
{
	return (vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED) && vma_is_shmem(vma);
}

bool pte_may_upgrade_write(struct mm *mm, const struct vma *vma, uint64_t vm_flags, pte_t pte)
{
	lock_assert_held(&mm->ptl);
	if (!(vm_flags & VM_WRITE) || (pte & PTE_SPECIAL) || !pte_present(pte))
		return false;
	if (vm_flags & VM_SHARED)
		return vma_maps_writable(vma, vm_flags) || (pte & PTE_DIRTY);
	struct page *pg = pfn_to_page(mm_pool(mm), pte_pfn(pte));
	uint32_t f = page_flags(pg);
	return (f & PG_anon) && (f & PG_anon_exclusive);
}

/* ---- RSS and PTE installation ------------------------------------------------------- */

/* The RSS counter of mm that a page with flags f counts in (MM_ANONPAGES,
 * MM_SHMEMPAGES or MM_FILEPAGES). */
static uint64_t *rss_counter(struct mm *mm, uint32_t f)
{
	return (f & PG_anon) ? &mm->rss_anon : (f & PG_swapbacked) ? &mm->rss_shmem : &mm->rss_file;
}

void rss_account_locked(struct mm *mm, struct page *pg, int delta)
{
	lock_assert_held(&mm->ptl);
	*rss_counter(mm, page_flags(pg)) += (uint64_t)(int64_t)delta;
}

/*
 * RSS changes gathered over a loop of PTEs and applied once, as Linux's
 * copy_pte_range / zap_pte_range gather them in int rss[NR_MM_COUNTERS]
 * and call add_mm_rss_vec().
 */
struct rss_vec {
	int64_t anon, file, shmem;
};

static void rss_vec_add(struct rss_vec *rss, uint32_t f, int delta)
{
	int64_t *ctr = (f & PG_anon) ? &rss->anon : (f & PG_swapbacked) ? &rss->shmem : &rss->file;
	*ctr += delta;
}

/* add_mm_rss_vec().  Caller holds mm->ptl. */
static void add_mm_rss_vec_locked(struct mm *mm, const struct rss_vec *rss)
{
	lock_assert_held(&mm->ptl);
	mm->rss_anon += (uint64_t)rss->anon;
	mm->rss_file += (uint64_t)rss->file;
	mm->rss_shmem += (uint64_t)rss->shmem;
}

void update_hiwater_rss_locked(struct mm *mm)
{
	lock_assert_held(&mm->ptl);
	uint64_t rss = mm->rss_anon + mm->rss_file + mm->rss_shmem;
	if (rss > mm->hiwater_rss)
		mm->hiwater_rss = rss;
}

void pte_map_locked(struct mm *mm, pte_t *ptep, uint64_t addr, pfn_t pfn, uint64_t bits)
{
	lock_assert_held(&mm->ptl);
	MMK_BUG_ON(!pte_none(*ptep));
	if (pfn == ZERO_PFN) {
		bits = (bits | PTE_SPECIAL) & ~(PTE_WRITE | PTE_DIRTY);
	} else {
		struct page *pg = pfn_to_page(mm_pool(mm), pfn);
		page_mapcount_inc(pg);
		rss_account_locked(mm, pg, +1);
		bits &= ~PTE_SPECIAL;
	}
	pgtable_set_pte(&mm->pt, ptep, pfn_pte(pfn, bits | PTE_PRESENT));
	if (pfn != ZERO_PFN && page_test(pfn_to_page(mm_pool(mm), pfn), PG_anon) &&
	    !page_test(pfn_to_page(mm_pool(mm), pfn), PG_lru))
		lru_add(mm->sys, pfn); /* a new anonymous page (or one back from swap) */
	TRACE(mm->sys, .kind = MMK_EV_PTE_SET, .pid = mm->pid, .addr = addr, .pfn = pfn);
}

void pte_map_cache_locked(struct mm *mm, pte_t *ptep, uint64_t addr, pfn_t pfn, uint64_t bits)
{
	lock_assert_class_held(LOCK_INODE);
	lock_assert_held(&mm->ptl);
	MMK_BUG_ON(!pte_none(*ptep) || pfn == ZERO_PFN);
	struct page *pg = pfn_to_page(mm_pool(mm), pfn);
	page_dup_pte(pg);
	rss_account_locked(mm, pg, +1);
	pgtable_set_pte(&mm->pt, ptep, pfn_pte(pfn, (bits & ~PTE_SPECIAL) | PTE_PRESENT));
	TRACE(mm->sys, .kind = MMK_EV_PTE_SET, .pid = mm->pid, .addr = addr, .pfn = pfn);
}

unsigned pte_map_cache_run_locked(struct mm *mm, pte_t *ptep0, uint64_t addr0, const pfn_t *pfns,
				  unsigned nr, uint64_t bits)
{
	lock_assert_class_held(LOCK_INODE);
	lock_assert_held(&mm->ptl);
	struct frame_pool *fp = mm_pool(mm);
	unsigned mapped = 0;
	uint32_t f = 0;
	bits = (bits & ~PTE_SPECIAL) | PTE_PRESENT;
	for (unsigned j = 0; j < nr; j++) {
		if (pfns[j] == ZERO_PFN)
			continue;
		MMK_BUG_ON(!pte_none(ptep0[j]));
		struct page *pg = pfn_to_page(fp, pfns[j]);
		f = page_flags(pg);
		page_dup_pte(pg);
		ptep0[j] = pfn_pte(pfns[j], bits);
		mapped++;
		TRACE(mm->sys, .kind = MMK_EV_PTE_SET, .pid = mm->pid,
		      .addr = addr0 + ((uint64_t)j << PAGE_SHIFT), .pfn = pfns[j]);
	}
	if (mapped) {
		pgtable_add_used(&mm->pt, ptep0, (int)mapped);
		*rss_counter(mm, f) += mapped; /* one file: all count in the same counter */
	}
	return mapped;
}

/* ---- Zap ------------------------------------------------------------------------------ */

/*
 * The part of zap_present_ptes() that follows the clearing of a present,
 * non-special PTE (already cleared and its TLB entry flushed): a file page
 * keeps the news the PTE carried, dirty (shmem; a host file's page is
 * already PG_dirty, see the header) and referenced; the mapcount, the RSS
 * change (into rss) and the PTE's reference go.
 */
static void zap_present_page_locked(struct mm *mm, uint64_t va, pte_t pte, struct rss_vec *rss)
{
	lock_assert_held(&mm->ptl);
	pfn_t pfn = pte_pfn(pte);
	struct page *pg = pfn_to_page(mm_pool(mm), pfn);
	uint32_t f = page_flags(pg);
	if (!(f & PG_anon)) {
		if ((pte & PTE_DIRTY) && !(f & PG_dirty)) {
			if (!(f & PG_swapbacked))
				MMK_BUG("pid %d: dirty PTE at %#llx of a clean file page %u",
					mm->pid, (unsigned long long)va, pfn);
			page_set(pg, PG_dirty);
		}
		if ((pte & PTE_ACCESSED) && !(f & PG_referenced))
			page_set(pg, PG_referenced); /* tested first: an atomic costs */
	}
	rss_vec_add(rss, f, -1);
	if (!(f & PG_anon)) {
		page_unmap_put(mm_pool(mm), pfn); /* a last file mapping needs nothing */
		return;
	}
	if (page_drop_pte(pg))
		return; /* mapped and referenced elsewhere too: one atomic operation */
	if (page_mapcount_dec(pg) == 0)
		lru_anon_unmapped(mm->sys, pfn);
	frame_put(mm_pool(mm), pfn);
}

/*
 * What a PTE that was just cleared (by whatever means) held goes: a swap
 * entry gives its slot reference back (zap_nonpresent_ptes); a present one
 * loses its TLB entry, then its page (zap_present_ptes).  The TLB entry is
 * flushed before the page's reference is dropped, so no TLB entry ever
 * points at a freed frame.  Caller holds mm->ptl.
 */
static void zap_cleared_pte_locked(struct mm *mm, uint64_t va, pte_t pte, struct rss_vec *rss)
{
	lock_assert_held(&mm->ptl);
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP:
		mm->swap_ents--;
		swap_entry_free(mm->sys, pte_swp_offset(pte));
		return;
	case PTE_KIND_PRESENT:
		tlb_flush_page_locked(mm, va);
		zap_present_page_locked(mm, va, pte, rss);
		return;
	case PTE_KIND_ZERO:
		tlb_flush_page_locked(mm, va);
		return;
	case PTE_KIND_GUARD: /* no page, never in the TLB */
		return;
	case PTE_KIND_NONE:
	case PTE_KIND_BAD:
		break;
	}
	MMK_BUG("zap of PTE %#llx at %#llx", (unsigned long long)pte, (unsigned long long)va);
}

void pte_zap_locked(struct mm *mm, uint64_t va, pte_t *ptep)
{
	lock_assert_held(&mm->ptl);
	struct rss_vec rss = {0};
	zap_cleared_pte_locked(mm, va, pgtable_clear_pte(&mm->pt, ptep), &rss);
	add_mm_rss_vec_locked(mm, &rss);
}

struct zap_walk {
	struct mm *mm;
	struct zap_details details;
	bool big;	/* at least TLB_ENTRIES pages: empty the whole TLB at once */
	bool tlb_empty; /* it was, under ptl: no entry to flush per PTE */
	struct rss_vec rss;
};

/*
 * Whether the zap leaves pte alone (zap_present_ptes/zap_nonpresent_ptes's
 * should_zap_cows and zap_drop_markers): without even_cows, anonymous
 * (COW) pages and their swap entries stay; without ZAP_FLAG_DROP_MARKER,
 * guard markers stay (only munmap and exit remove them).
 */
static bool zap_keeps(struct mm *mm, const struct zap_details *d, pte_t pte)
{
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP:
		return !d->even_cows;
	case PTE_KIND_GUARD:
		return !(d->zap_flags & ZAP_FLAG_DROP_MARKER);
	case PTE_KIND_PRESENT:
		return !d->even_cows && page_test(pfn_to_page(mm_pool(mm), pte_pfn(pte)), PG_anon);
	case PTE_KIND_NONE:
	case PTE_KIND_ZERO:
	case PTE_KIND_BAD:
		break;
	}
	return false;
}

/*
 * zap_pte_range() proper: one pass over the run's entries of one PTE table,
 * clearing each with a plain store and counting the table's used entries
 * once at the end (pgtable.h's contract for a loop over one table).  A
 * range of at least TLB_ENTRIES pages empties the whole TLB at its first
 * table with entries (as Linux flushes the whole mm past a ceiling; a
 * range with no table, an untouched mapping, costs no scan), and then no
 * PTE has an entry to flush: none is filled but under ptl, which the zap
 * holds throughout.
 */
static int zap_pte_table(void *arg, const struct pte_run *run)
{
	struct zap_walk *z = arg;
	struct mm *mm = z->mm;
	struct frame_pool *fp = mm_pool(mm);
	pte_t *t = run->table;
	int cleared = 0;
	int64_t anon = 0;

	if (z->big && !z->tlb_empty) {
		tlb_flush_all_locked(mm);
		z->tlb_empty = true;
	}
	for (unsigned i = run->first; i < run->last; i++) {
		pte_t pte = t[i];
		if (!pte || zap_keeps(mm, &z->details, pte))
			continue;
		t[i] = 0;
		cleared++;
		uint64_t va = run->base + ((uint64_t)i << PAGE_SHIFT);
		if (!z->tlb_empty || !pte_maps_page(pte)) {
			zap_cleared_pte_locked(mm, va, pte, &z->rss);
			continue;
		}
		/* An anonymous page mapped elsewhere too (a forked child's
		 * exit): one atomic operation, as zap_present_page_locked()
		 * would make it, without a call per page. */
		struct page *pg = pfn_to_page(fp, pte_pfn(pte));
		if ((page_flags(pg) & PG_anon) && page_drop_pte(pg))
			anon++;
		else
			zap_present_page_locked(mm, va, pte, &z->rss);
	}
	z->rss.anon -= anon;
	if (cleared)
		pgtable_add_used(&mm->pt, t, -cleared);
	return 0;
}

void zap_pte_range(struct mm *mm, uint64_t start, uint64_t end, const struct zap_details *details)
{
	struct zap_walk z = {.mm = mm, .details = ZAP_ALL};
	if (details)
		z.details = *details;
	mmk_mutex_lock(&mm->ptl);
	update_hiwater_rss_locked(mm);
	z.big = ((end - start) >> PAGE_SHIFT) >= TLB_ENTRIES;
	pgtable_for_each_table(&mm->pt, start, end, zap_pte_table, &z);
	add_mm_rss_vec_locked(mm, &z.rss);
	mmk_mutex_unlock(&mm->ptl);
	TRACE(mm->sys, .kind = MMK_EV_ZAP, .pid = mm->pid, .start = start, .end = end);
	TRACE(mm->sys, .kind = MMK_EV_TLB_FLUSH, .pid = mm->pid, .start = start, .end = end);
}

void mm_zap_range(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		  const struct zap_details *details)
{
	mmap_assert_locked(mm);
	MMK_BUG_ON(start < vma_start(vma) || end > vma_end(vma));
	zap_pte_range(mm, start, end, details);
}

/*
 * free_pgtables(): [start, end) is the hole between the neighbouring VMAs
 * (floor = the previous VMA's end, ceiling = the next one's start).  Only
 * tables wholly inside it may go, so a PTE table shared with a neighbour
 * stays even when empty, as Linux's floor/ceiling rounding keeps it.
 * (Upper-level tables are freed whenever empty: Linux would keep an empty
 * PMD table straddling a neighbour; VmPTE may differ by that.)
 */
void mm_free_pgtables(struct mm *mm, uint64_t start, uint64_t end)
{
	mmap_assert_write_locked(mm);
	if (end >= mm->task_size)
		end = USER_VA_END;
	uint64_t s = (start + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	uint64_t e = end & ~(PMD_SIZE - 1);
	if (s >= e)
		return;
	mmk_mutex_lock(&mm->ptl);
	pgtable_free_range(&mm->pt, s, e);
	mmk_mutex_unlock(&mm->ptl);
}

/* ---- mprotect -------------------------------------------------------------------------- */

struct prot_walk {
	struct mm *mm;
	struct vma *vma;
	uint64_t newflags;
	bool flush;
};

/* change_pte_range() for one PTE: pte_modify() then the write upgrade. */
static int prot_one(void *arg, uint64_t va, pte_t *ptep)
{
	struct prot_walk *w = arg;
	pte_t pte = *ptep;
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP:
		return 0; /* swap-in applies the VMA's protection */
	case PTE_KIND_GUARD:
		return 0; /* change_pte_range leaves markers */
	case PTE_KIND_PRESENT:
	case PTE_KIND_ZERO:
		break;
	case PTE_KIND_NONE:
	case PTE_KIND_BAD:
		MMK_BUG("mprotect of PTE %#llx at %#llx", (unsigned long long)pte,
			(unsigned long long)va);
	}
	pte_t npte = (pte & ~PTE_PROT_BITS) | vm_flags_pte_access(w->newflags);
	if ((npte & PTE_USER) && pte_may_upgrade_write(w->mm, w->vma, w->newflags, pte))
		npte |= PTE_WRITE;
	if (npte == pte)
		return 0;
	*ptep = npte; /* stays non-zero: a plain store (pgtable.h) */
	if ((pte & ~npte) & PTE_PROT_BITS) {
		tlb_flush_page_locked(w->mm, va);
		w->flush = true;
	}
	return 0;
}

void mm_change_protection(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
			  uint64_t newflags)
{
	mmap_assert_write_locked(mm);
	struct prot_walk w = {.mm = mm, .vma = vma, .newflags = newflags};
	mmk_mutex_lock(&mm->ptl);
	pgtable_for_each(&mm->pt, start, end, prot_one, &w);
	mmk_mutex_unlock(&mm->ptl);
	if (w.flush)
		TRACE(mm->sys, .kind = MMK_EV_TLB_FLUSH, .pid = mm->pid, .start = start,
		      .end = end);
}

/* ---- mremap ------------------------------------------------------------------------------ */

/* Bytes from a to the next PTE-table boundary, at most n. */
static uint64_t table_extent(uint64_t a, uint64_t n)
{
	uint64_t left = PMD_SIZE - (a & (PMD_SIZE - 1));
	return left < n ? left : n;
}

/* Moves the PTE of old_va (if any) to new_va, whose table exists. */
static void move_one_locked(struct mm *mm, uint64_t old_va, uint64_t new_va)
{
	lock_assert_held(&mm->ptl);
	pte_t *src = pgtable_walk(&mm->pt, old_va, 0);
	if (!src || pte_none(*src))
		return;
	pte_t *dst = pgtable_walk(&mm->pt, new_va, 0);
	MMK_BUG_ON(!dst || !pte_none(*dst));
	pte_t pte = pgtable_clear_pte(&mm->pt, src);
	pgtable_set_pte(&mm->pt, dst, pte);
	tlb_flush_page_locked(mm, old_va);
}

struct move_walk {
	struct mm *mm;
	int64_t delta;
};

static int move_walk_one(void *arg, uint64_t va, pte_t *ptep)
{
	struct move_walk *w = arg;
	move_one_locked(w->mm, va, (uint64_t)((int64_t)va + w->delta));
	return 0;
}

/*
 * move_page_tables(): first makes every destination table the move needs
 * (one for each source extent that has a table, as move_ptes allocates the
 * new PMD only where the old one exists), so that the move itself cannot
 * fail half way: on -ENOMEM nothing has moved.  Then moves the entries,
 * descending when the ranges overlap upwards.  Anonymous pages keep their
 * index (the moved VMA keeps its pgoff, see pages.h).
 */
int mm_move_ptes(struct mm *mm, uint64_t old_addr, uint64_t new_addr, uint64_t len)
{
	mmap_assert_write_locked(mm);
	mmk_mutex_lock(&mm->ptl);
	for (uint64_t off = 0; off < len;) {
		uint64_t n = table_extent(old_addr + off, len - off);
		n = table_extent(new_addr + off, n);
		if (pgtable_walk(&mm->pt, old_addr + off, 0) &&
		    !pgtable_walk(&mm->pt, new_addr + off, 1)) {
			pgtable_free_range(&mm->pt, new_addr, new_addr + len);
			mmk_mutex_unlock(&mm->ptl);
			return -ENOMEM;
		}
		off += n;
	}
	if (new_addr > old_addr && new_addr < old_addr + len) {
		for (uint64_t off = len; off > 0; off -= PAGE_SIZE)
			move_one_locked(mm, old_addr + off - PAGE_SIZE, new_addr + off - PAGE_SIZE);
	} else {
		struct move_walk w = {.mm = mm, .delta = (int64_t)(new_addr - old_addr)};
		pgtable_for_each(&mm->pt, old_addr, old_addr + len, move_walk_one, &w);
	}
	mmk_mutex_unlock(&mm->ptl);
	TRACE(mm->sys, .kind = MMK_EV_TLB_FLUSH, .pid = mm->pid, .start = old_addr,
	      .end = old_addr + len);
	return 0;
}

/* ---- fork ---------------------------------------------------------------------------------- */

struct copy_walk {
	struct mm *dst, *src;
	bool cow;
	struct rss_vec rss; /* the child's */
};

/*
 * copy_present_pte(): the child maps the same frame.  An anonymous page
 * stops being exclusive; in a COW mapping both PTEs lose write permission
 * so the first store on either side copies.  Returns the child's PTE, which
 * starts old (not accessed).  Caller holds both ptls.
 */
static pte_t copy_present_pte(struct copy_walk *w, uint64_t va, pte_t *src_ptep, pte_t pte)
{
	lock_assert_held(&w->src->ptl);
	lock_assert_held(&w->dst->ptl);
	if (!(pte & PTE_SPECIAL)) {
		pfn_t pfn = pte_pfn(pte);
		struct page *pg = pfn_to_page(mm_pool(w->src), pfn);
		uint32_t f = page_flags(pg);
		page_dup_pte(pg); /* frame_get() and page_mapcount_inc() at once */
		/* Only a page's sole mapper sets PG_anon_exclusive, and src maps
		 * it: a flag read clear stays clear, so it is written only when
		 * set (the first fork of the page, not every one). */
		if (f & PG_anon_exclusive)
			page_clear(pg, PG_anon_exclusive);
		rss_vec_add(&w->rss, f, +1);
	}
	if (w->cow && (pte & PTE_WRITE)) {
		pte &= ~PTE_WRITE;
		*src_ptep = pte;
		tlb_flush_page_locked(w->src, va);
	}
	return pte & ~PTE_ACCESSED;
}

/* copy_nonpresent_pte(): a swap entry; both name the slot now. */
static pte_t copy_swap_pte(struct copy_walk *w, pte_t pte)
{
	swap_dup(w->src->sys, pte_swp_offset(pte));
	w->dst->swap_ents++;
	return pte;
}

/*
 * copy_pte_range(): one pass over the run's entries of one of the parent's
 * PTE tables, filling the child's table for the same addresses (found or
 * made once, at the first entry to copy, not walked per PTE) with plain
 * stores, its used count raised once at the end.  A run with nothing to
 * copy makes no table in the child.  -ENOMEM when the child's table cannot
 * be made.
 */
static int copy_pte_table(void *arg, const struct pte_run *run)
{
	struct copy_walk *w = arg;
	pte_t *src = run->table;
	pte_t *dst = NULL; /* entry 0 of the child's table */
	int added = 0;

	for (unsigned i = run->first; i < run->last; i++) {
		pte_t pte = src[i];
		if (!pte)
			continue;
		if (!dst && !(dst = pgtable_walk(&w->dst->pt, run->base, 1)))
			return -ENOMEM;
		MMK_BUG_ON(dst[i] != 0);
		uint64_t va = run->base + ((uint64_t)i << PAGE_SHIFT);
		switch (pte_kind(pte)) {
		case PTE_KIND_SWAP:
			dst[i] = copy_swap_pte(w, pte);
			break;
		case PTE_KIND_GUARD:
			dst[i] = pte; /* copy_pte_marker(): guard markers are inherited */
			break;
		case PTE_KIND_PRESENT:
		case PTE_KIND_ZERO:
			dst[i] = copy_present_pte(w, va, &src[i], pte);
			break;
		case PTE_KIND_NONE:
		case PTE_KIND_BAD:
			MMK_BUG("fork of PTE %#llx at %#llx", (unsigned long long)pte,
				(unsigned long long)va);
		}
		added++;
	}
	if (added)
		pgtable_add_used(&w->dst->pt, dst, added);
	return 0;
}

/*
 * copy_page_range(): only VMAs whose page tables hold something a fault
 * could not rebuild are copied (vma_needs_copy: an anon_vma, or a
 * VM_COPY_ON_FORK flag: raw PFN maps, or VM_MAYBE_GUARD, guard markers);
 * other shared and clean private file mappings refault in the child.  A
 * shared mapping with guard markers has its pages copied too, as Linux's.
 * Walks the parent's tables once, a PTE table at a time (copy_pmd_range ->
 * copy_pte_range).  Takes src's ptl then dst's: dst is new and private to
 * the forking thread, so no one can take them in the other order.  On
 * -ENOMEM the PTEs copied so far stay (with their references and RSS): the
 * caller tears the child down.
 */
int mm_copy_ptes(struct mm *dst, struct vma *dst_vma, struct mm *src, struct vma *src_vma)
{
	uint64_t f = src_vma->flags;
	if (!src_vma->anon_vma && !(f & VM_COPY_ON_FORK))
		return 0;
	struct copy_walk w = {
	    .dst = dst,
	    .src = src,
	    .cow = (f & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE,
	};
	mmk_mutex_lock(&src->ptl);
	mmk_mutex_lock_nested(&dst->ptl); /* a new mm: nobody else nests them */
	int err = pgtable_for_each_table(&src->pt, vma_start(src_vma), vma_end(src_vma),
					 copy_pte_table, &w);
	add_mm_rss_vec_locked(dst, &w.rss);
	mmk_mutex_unlock(&dst->ptl);
	mmk_mutex_unlock(&src->ptl);
	(void)dst_vma;
	return err;
}
