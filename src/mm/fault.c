/*
 * fault.c - the page-fault handler: what happens when an access finds no
 * usable PTE.  Mirrors mm/memory.c (handle_pte_fault, do_anonymous_page,
 * do_read_fault + do_fault_around, do_cow_fault, do_shared_fault,
 * do_wp_page / wp_page_reuse / wp_page_copy / wp_page_shared), mm/filemap.c
 * (filemap_map_pages), the access checks of arch/x86/mm/fault.c
 * (access_error) and mm/gup.c's populate.
 *
 *   PTE none, anonymous VMA    read: the shared zero page, read-only
 *                              write: a new zeroed exclusive anon page
 *   PTE none, file/shmem VMA   read: fault-around, else the page cache page
 *                              (read from the host file: major), read-only
 *                              except shared shmem
 *                              write, private: copy into a new anon page
 *                              write, shared: the cache page, dirty
 *   PTE present, no write      zero page / file page in a private mapping /
 *   permission, write access   shared anon page: copy (COW); exclusive anon
 *                              page or refcount 1: reuse in place; shared
 *                              mapping: make writable and dirty the page
 *   swap entry                 do_swap_page (swap.c): from the swap cache,
 *                              or read from swap (major)
 *
 * The common file faults -- a read of a cached file (fault-around), a
 * write to a cached page of a shared mapping, the first write to a page
 * mapped read-only there -- are done in one mm->ptl section, under the
 * inode lock (do_file_fault): one page-table walk, the page-cache index
 * walked once for the whole fault-around window, the PTEs set, the fault
 * counted.  Everything that may read, allocate or start readahead happens
 * after that section, as before it.
 *
 * Out of memory: page_alloc reclaims before it fails; a fault that still
 * finds no frame ends in the OOM killer (oom.c), called by
 * handle_user_fault once it has dropped mmap_lock: the access retries, or
 * gets SIGKILL if its own process was chosen.
 *
 * Locking: a fault holds mmap_lock (read, or the caller's write), which
 * keeps the VMA and the page tables alive; a VMA's first anon_vma is made
 * under the write lock (prepare_anon_vma_exclusive), as is a stack's
 * growth.  It takes the inode lock for file pages and keeps it until the
 * PTE is set, so truncation (which holds it while zapping) never misses a
 * page being mapped; PTEs change under mm->ptl, taken last.  Allocation
 * happens with only mmap_lock and perhaps the inode lock held; a page used
 * across an allocation is pinned (frame_get) so reclaim cannot take it.
 *
 * Invariant: a fault returns FAULT_DONE having made the PTE allow the
 * access (unless another thread changed it meanwhile: the access simply
 * retries), or FAULT_SIGBUS/FAULT_OOM having changed no PTE of addr
 * (fault-around may have mapped cached pages next to it, as in Linux).
 * A FAULT_DONE fault is counted once (min_flt or maj_flt).
 */
#include <errno.h>
#include <string.h>

#include "lru.h"
#include "oom.h"
#include "pages.h"
#include "rmap.h"
#include "swap.h"
#include "vmstat.h"

struct vm_fault {
	struct mm *mm;
	struct vma *vma;
	uint64_t addr;	/* page aligned */
	uint64_t pgoff; /* linear page index of addr in the VMA's object */
	bool write;
	bool major;
	bool populate;	/* from mm_populate (GUP): a major fault counts as minor */
	pte_t *ptep;	/* addr's PTE; valid while mmap_lock is held */
	bool new_table; /* addr's PTE table did not exist before this fault (pmd_none) */
	bool counted;	/* fault_account_locked() done: the fault succeeded */
	bool anon_page; /* for the trace: the PTE mapped (or swapped) an anonymous
			   page or the zero page, so the page cache had no part */
};

static uint64_t fault_access_bits(const struct vm_fault *vmf)
{
	return vm_flags_pte_access(vmf->vma->flags);
}

/* The bits of a new PTE after a write fault (maybe_mkwrite(pte_mkdirty)). */
static uint64_t write_fault_bits(const struct vm_fault *vmf)
{
	return fault_access_bits(vmf) | PTE_WRITE | PTE_DIRTY | PTE_ACCESSED;
}

/* The bits of a new PTE of a file page after a read fault. */
static uint64_t read_fault_bits(const struct vm_fault *vmf)
{
	uint64_t bits = fault_access_bits(vmf) | PTE_ACCESSED;
	if (vma_maps_writable(vmf->vma, vmf->vma->flags))
		bits |= PTE_WRITE;
	return bits;
}

static enum fault_result page_error(int err)
{
	return err == -ENOMEM ? FAULT_OOM : FAULT_SIGBUS;
}

/*
 * Finds addr's PTE, making its page table when there is none (the
 * pte_alloc of handle_pte_fault) and noting that in new_table: one walk
 * when the table exists.  NULL when no table could be had.  Caller holds
 * mm->ptl.
 */
static pte_t *fault_pte_locked(struct vm_fault *vmf)
{
	lock_assert_held(&vmf->mm->ptl);
	struct pgtable *pt = &vmf->mm->pt;
	vmf->ptep = pgtable_walk(pt, vmf->addr, 0);
	vmf->new_table = !vmf->ptep;
	if (!vmf->ptep)
		vmf->ptep = pgtable_walk(pt, vmf->addr, 1);
	return vmf->ptep;
}

/*
 * mm_account_fault()'s per-process half, in the section that fixed the
 * PTE: the fault succeeded.  A fault of mm_populate() that had to read its
 * page counts as minor: on Linux it returned VM_FAULT_RETRY (filemap_fault
 * drops mmap_lock for the read; swap-in when the page is still locked for
 * its I/O, as on a swap file), which is not counted, and __mm_populate()
 * starts over at that page without FOLL_TRIED, so the fault that completes
 * finds the page cached.  (MADV_POPULATE_READ retries with FOLL_TRIED and
 * counts it major; a user fault too.)  Caller holds mm->ptl.
 */
static void fault_account_locked(struct vm_fault *vmf)
{
	lock_assert_held(&vmf->mm->ptl);
	if (vmf->major && !vmf->populate)
		vmf->mm->maj_flt++;
	else
		vmf->mm->min_flt++;
	vmf->counted = true;
}

/* Maps a page at ptep (none) for addr with a new reference for the PTE
 * (set_pte_range).  Caller holds mm->ptl and keeps the page alive. */
static void map_page_locked(struct vm_fault *vmf, pte_t *ptep, uint64_t addr, pfn_t pfn,
			    uint64_t bits)
{
	lock_assert_held(&vmf->mm->ptl);
	pte_map_cache_locked(vmf->mm, ptep, addr, pfn, bits);
}

/*
 * Whether the folio [first, first + nr) of a file may be mapped whole by a
 * fault through vmf->vma: folio_within_vma() and the PMD test of
 * filemap_map_folio_range() / finish_fault() (its pages' PTEs all lie in
 * one PTE table, the one holding vmf->addr).  Sets *ptep0 to the PTE of
 * its first page.
 */
static bool folio_mappable(const struct vm_fault *vmf, uint64_t first, uint64_t nr, pte_t **ptep0)
{
	const struct vma *v = vmf->vma;
	const uint64_t pmd_mask = ~((uint64_t)PT_ENTRIES * PAGE_SIZE - 1);
	if (nr < 2 || first < v->pgoff || first + nr > v->pgoff + vma_pages(v))
		return false;
	uint64_t a0 = vma_start(v) + ((first - v->pgoff) << PAGE_SHIFT);
	if ((a0 & pmd_mask) != ((a0 + nr * PAGE_SIZE - 1) & pmd_mask))
		return false;
	*ptep0 = vmf->ptep - (vmf->pgoff - first);
	return true;
}

/* The cached pages of the folio [first, first + nr) (all there: a large
 * folio is whole while cached) into pfns.  Caller holds the inode lock. */
static void folio_pfns_locked(struct mmk_inode *in, uint64_t first, uint64_t nr, pfn_t *pfns)
{
	lock_assert_held(&in->lock);
	for (uint64_t i = 0; i < nr; i += 64) {
		unsigned n = nr - i < 64 ? (unsigned)(nr - i) : 64;
		uint64_t got = pagecache_lookup_range_locked(in, first + i, n, pfns + i);
		MMK_BUG_ON(got != (n == 64 ? ~0ull : (1ull << n) - 1));
	}
}

/* Gives a new frame its anonymous identity (folio_add_new_anon_rmap);
 * mapping is set under mm->ptl, where vma->anon_vma is published.  A
 * droppable VMA's page is not swap-backed: reclaim drops it, dirty or not. */
static void anon_page_init(struct page *pg, const struct vm_fault *vmf)
{
	bool droppable = vmf->vma->flags & VM_DROPPABLE;
	page_set(pg, PG_anon | (droppable ? 0 : PG_swapbacked) | PG_uptodate | PG_anon_exclusive);
	pg->index = vmf->pgoff;
}

/* ---- Anonymous memory --------------------------------------------------------- */

/*
 * do_anonymous_page(): a read fault maps the shared zero page read-only
 * (unless the system has none: mm_forbids_zeropage); otherwise a zeroed
 * page of its own is allocated and mapped, writable and dirty when the VMA
 * allows writes, so a store after a read takes no second fault.
 */
static enum fault_result do_anonymous_page(struct vm_fault *vmf)
{
	struct mm *mm = vmf->mm;
	if (!vmf->write && !mm->sys->cfg.no_zero_page) {
		mmk_mutex_lock(&mm->ptl);
		if (pte_none(*vmf->ptep))
			pte_map_locked(mm, vmf->ptep, vmf->addr, ZERO_PFN,
				       fault_access_bits(vmf) | PTE_ACCESSED);
		fault_account_locked(vmf);
		mmk_mutex_unlock(&mm->ptl);
		TRACE(mm->sys, .kind = MMK_EV_ZERO_PAGE, .pid = mm->pid, .addr = vmf->addr);
		return FAULT_DONE;
	}
	if (anon_vma_prepare(vmf->vma))
		return FAULT_OOM;
	pfn_t pfn;
	if (page_alloc(mm->sys, NULL, 1, &pfn))
		return FAULT_OOM;
	struct page *pg = pfn_to_page(mm_pool(mm), pfn);
	anon_page_init(pg, vmf);
	mmk_mutex_lock(&mm->ptl);
	fault_account_locked(vmf);
	if (!pte_none(*vmf->ptep)) {
		mmk_mutex_unlock(&mm->ptl);
		frame_put(mm_pool(mm), pfn);
		return FAULT_DONE;
	}
	pg->mapping = vmf->vma->anon_vma;
	uint64_t bits = fault_access_bits(vmf) | PTE_ACCESSED;
	if (vmf->write || (vmf->vma->flags & VM_WRITE))
		bits |= PTE_WRITE | PTE_DIRTY;
	pte_map_locked(mm, vmf->ptep, vmf->addr, pfn, bits);
	mmk_mutex_unlock(&mm->ptl);
	TRACE(mm->sys, .kind = MMK_EV_ANON_PAGE, .pid = mm->pid, .addr = vmf->addr, .pfn = pfn);
	return FAULT_DONE;
}

/* ---- File pages ------------------------------------------------------------------ */

/*
 * do_fault_around()'s window: at most FAULT_AROUND_PAGES, aligned as Linux
 * aligns them, inside the VMA and the PTE table of addr, and below EOF.
 * Sets *first (its first page offset) and returns its length in pages, 0
 * when it is empty.
 *
 *   PTE index   0      16k            addr        16k+16          511
 *   table       |.......[..............^...........)...............|
 *   window              from = max(16k, VMA start)  to = min(16k+16,
 *                                                   VMA end, 512), then
 *                                                   cut at EOF
 */
static unsigned fault_around_window(const struct vm_fault *vmf, uint64_t eof, uint64_t *first)
{
	const uint64_t nr = FAULT_AROUND_PAGES;
	uint64_t pte_off = (vmf->addr >> PAGE_SHIFT) & (PT_ENTRIES - 1);
	uint64_t vma_off = vmf->pgoff - vmf->vma->pgoff;
	uint64_t back = pte_off < vma_off ? pte_off : vma_off;
	uint64_t from = pte_off & ~(nr - 1);
	if (from < pte_off - back)
		from = pte_off - back;
	uint64_t to = from + nr;
	if (to > PT_ENTRIES)
		to = PT_ENTRIES;
	if (to > pte_off + vma_pages(vmf->vma) - vma_off)
		to = pte_off + vma_pages(vmf->vma) - vma_off;
	uint64_t last = vmf->pgoff + (to - pte_off);
	*first = vmf->pgoff - (pte_off - from);
	if (last > eof)
		last = eof;
	return last > *first ? (unsigned)(last - *first) : 0;
}

/*
 * Whether fault-around maps the cached page pfn at ptep: not unless it is
 * uptodate, carries no readahead mark (touching it must reach the fault,
 * which starts the next window) and its PTE is free.  Caller holds the
 * inode lock (which keeps the page in the cache) and mm->ptl.
 */
static bool fault_around_ok_locked(struct vm_fault *vmf, pte_t *ptep, pfn_t pfn)
{
	lock_assert_class_held(LOCK_INODE);
	lock_assert_held(&vmf->mm->ptl);
	uint32_t f = page_flags(pfn_to_page(mm_pool(vmf->mm), pfn));
	return (f & PG_uptodate) && !(f & PG_readahead) && pte_none(*ptep);
}

/* filemap_map_order0_folio(): maps one cached page of the fault-around
 * window at ptep if fault_around_ok_locked() lets it; whether it did. */
static bool fault_around_one_locked(struct vm_fault *vmf, pte_t *ptep, uint64_t addr, pfn_t pfn,
				    uint64_t bits)
{
	lock_assert_held(&vmf->mm->ptl);
	if (!fault_around_ok_locked(vmf, ptep, pfn))
		return false;
	map_page_locked(vmf, ptep, addr, pfn, bits);
	return true;
}

/*
 * do_fault_around() + filemap_map_pages(): maps the pages of the window
 * that are cached and uptodate, not readahead marks, not past EOF, whose
 * PTEs are none.  The page-cache index is walked once for the whole window
 * (Linux's xas_next() in next_uptodate_folio) and the PTEs are set through
 * the one PTE table that holds them all.  Returns whether addr itself got
 * mapped (then the fault needs nothing more).  Caller holds the inode lock
 * and mm->ptl.
 */
static bool fault_around_locked(struct vm_fault *vmf, struct mmk_inode *in)
{
	lock_assert_held(&in->lock);
	lock_assert_held(&vmf->mm->ptl);
	uint64_t eof = size_to_pages(in->size), first;
	unsigned n = fault_around_window(vmf, eof, &first);
	if (!n)
		return false;
	pfn_t pfns[FAULT_AROUND_PAGES];
	uint64_t cached = pagecache_lookup_range_locked(in, first, n, pfns);
	/*
	 * filemap_map_pages() installs a missing PTE table only through
	 * filemap_map_pmd(), which it skips when the first cached page of the
	 * window is the file's last page (can_map_large: a folio must not be
	 * mapped across i_size).  With no table there yet, pte_offset_map_lock
	 * finds none and nothing is mapped around; the fault itself goes on
	 * (tests/scenarios/fault_around_eof_*.mm).
	 */
	if (vmf->new_table && (!cached || first + (uint64_t)__builtin_ctzll(cached) + 1 >= eof))
		return false;
	uint64_t back = vmf->pgoff - first; /* pages of the window before addr */
	pte_t *ptep = vmf->ptep - back;
	uint64_t addr = vmf->addr - back * PAGE_SIZE, bits = read_fault_bits(vmf);
	unsigned mapped = 0;
	bool hit = false;
	for (uint64_t b = cached; b;) {
		unsigned i = (unsigned)__builtin_ctzll(b);
		b &= b - 1;
		uint64_t nr, ffirst = pagecache_folio_first(pfn_to_page(mm_pool(vmf->mm), pfns[i]),
							    first + i, &nr);
		pte_t *fptep;
		/* filemap_map_folio_range(): a large folio inside the VMA, one
		 * PTE table and EOF (file_end >= folio_next_index(), which
		 * keeps out the folio holding the last page) is mapped whole,
		 * the pages outside the window too. */
		if (ffirst + nr < eof && folio_mappable(vmf, ffirst, nr, &fptep)) {
			pfn_t fpfns[1u << MAX_PAGECACHE_ORDER];
			folio_pfns_locked(in, ffirst, nr, fpfns);
			uint64_t a0 =
			    vma_start(vmf->vma) + ((ffirst - vmf->vma->pgoff) << PAGE_SHIFT);
			for (uint64_t j = 0; j < nr; j++) {
				if (!fault_around_ok_locked(vmf, fptep + j, fpfns[j]))
					fpfns[j] = ZERO_PFN; /* left alone */
				else
					hit |= ffirst + j == vmf->pgoff;
			}
			mapped +=
			    pte_map_cache_run_locked(vmf->mm, fptep, a0, fpfns, (unsigned)nr, bits);
			uint64_t end = ffirst + nr - first; /* window pages the folio covered */
			b &= end < 64 ? ~((1ull << end) - 1) : 0;
			continue;
		}
		if (!fault_around_one_locked(vmf, ptep + i, addr + i * PAGE_SIZE, pfns[i], bits))
			continue;
		mapped++;
		hit |= i == back;
	}
	if (mapped)
		TRACE(vmf->mm->sys, .kind = MMK_EV_FAULT_AROUND, .pid = vmf->mm->pid,
		      .addr = vmf->addr, .count = mapped);
	return hit;
}

/*
 * finish_fault() for the cached page pfn at vmf->pgoff, whose PTE is none:
 * maps the whole folio holding it when that is large, lies inside the VMA,
 * one PTE table and EOF (file_end >= folio_next_index()) and none of its
 * PTEs is set (pte_range_none), else the page alone.  All get the same
 * bits; after a write fault (PTE_DIRTY in bits) every page mapped is
 * dirtied, as set_pte_range makes every PTE dirty and page_mkwrite dirties
 * the folio.  Caller holds the inode lock and mm->ptl.
 */
static void map_folio_locked(struct vm_fault *vmf, struct mmk_inode *in, pfn_t pfn, uint64_t bits)
{
	lock_assert_held(&in->lock);
	lock_assert_held(&vmf->mm->ptl);
	struct frame_pool *fp = mm_pool(vmf->mm);
	uint64_t nr, first = pagecache_folio_first(pfn_to_page(fp, pfn), vmf->pgoff, &nr);
	pte_t *ptep0;
	bool whole =
	    first + nr <= size_to_pages(in->size) && folio_mappable(vmf, first, nr, &ptep0);
	for (uint64_t j = 0; whole && j < nr; j++)
		whole = pte_none(ptep0[j]);
	if (!whole) {
		first = vmf->pgoff;
		nr = 1;
		ptep0 = vmf->ptep;
	}
	pfn_t pfns[1u << MAX_PAGECACHE_ORDER];
	if (whole)
		folio_pfns_locked(in, first, nr, pfns);
	else
		pfns[0] = pfn;
	uint64_t addr0 = vmf->addr - (vmf->pgoff - first) * PAGE_SIZE;
	pte_map_cache_run_locked(vmf->mm, ptep0, addr0, pfns, (unsigned)nr, bits);
	for (uint64_t j = 0; j < nr && (bits & PTE_DIRTY); j++)
		pagecache_mark_dirty_locked(in, pfn_to_page(fp, pfns[j]));
}

/* Reports that a write fault on a shared file mapping made addr's PTE
 * writable and dirty and its cache page (frame pfn) dirty. */
static void trace_shared_dirty(const struct vm_fault *vmf, const struct mmk_inode *in, pfn_t pfn)
{
	TRACE(vmf->mm->sys, .kind = MMK_EV_SHARED_DIRTY, .pid = vmf->mm->pid, .addr = vmf->addr,
	      .pfn = pfn, .pgoff = vmf->pgoff, .detail = in->path);
}

/*
 * wp_page_shared() + fault_dirty_shared_page(): the first store to a clean
 * page of a shared mapping makes the PTE writable and dirty and the page
 * PG_dirty (page_mkwrite has nothing to allocate here).  Caller holds the
 * inode lock and mm->ptl, and has read orig from the PTE in this section.
 */
static void wp_page_shared_locked(struct vm_fault *vmf, struct mmk_inode *in, pte_t orig)
{
	lock_assert_held(&in->lock);
	lock_assert_held(&vmf->mm->ptl);
	*vmf->ptep = orig | PTE_WRITE | PTE_DIRTY | PTE_ACCESSED; /* stays non-zero */
	pagecache_mark_dirty_locked(in, pfn_to_page(mm_pool(vmf->mm), pte_pfn(orig)));
	trace_shared_dirty(vmf, in, pte_pfn(orig));
}

/*
 * The part of do_file_fault done in its ptl section, which found orig in
 * addr's PTE: a read fault that fault-around satisfies, a shared write
 * fault on a cached page (do_shared_fault's finish_fault +
 * fault_dirty_shared_page), or a shared write on a read-only PTE
 * (wp_page_shared).  Returns whether the fault is done.  Caller holds the
 * inode lock and mm->ptl.
 */
static bool file_fault_cached_locked(struct vm_fault *vmf, struct mmk_inode *in, pte_t orig)
{
	lock_assert_held(&in->lock);
	lock_assert_held(&vmf->mm->ptl);
	if (pte_none(orig)) {
		if (!vmf->write)
			return fault_around_locked(vmf, in);
		pfn_t pfn;
		if (pagecache_fault_cached_locked(in, vmf->pgoff, &pfn))
			return false;
		map_folio_locked(vmf, in, pfn, write_fault_bits(vmf));
		trace_shared_dirty(vmf, in, pfn);
		return true;
	}
	if (vmf->write && pte_present(orig) && !(orig & (PTE_WRITE | PTE_SPECIAL))) {
		wp_page_shared_locked(vmf, in, orig);
		return true;
	}
	return false;
}

/* finish_fault(): maps the cache page pfn at addr (with its folio) unless
 * someone did, and counts the fault.  Caller holds the inode lock. */
static void map_cache_page(struct vm_fault *vmf, struct mmk_inode *in, pfn_t pfn, uint64_t bits)
{
	lock_assert_held(&in->lock);
	struct mm *mm = vmf->mm;
	mmk_mutex_lock(&mm->ptl);
	if (pte_none(*vmf->ptep))
		map_folio_locked(vmf, in, pfn, bits);
	fault_account_locked(vmf);
	mmk_mutex_unlock(&mm->ptl);
}

/*
 * do_read_fault() once fault-around has not mapped addr: the page from the
 * cache, read (major) with readahead if absent.  Where Linux drops
 * mmap_lock for that I/O, filemap_fault returns VM_FAULT_RETRY and the
 * whole fault runs again (x86's do_user_addr_fault; __mm_populate for
 * GUP), fault-around first: so a read fault that read its page maps the
 * window of pages now cached around it, not the page alone.  (The PTE table
 * this fault made stays "new": Linux's failed first try installed none.)
 * Caller holds the inode lock.
 */
static enum fault_result do_read_fault_locked(struct vm_fault *vmf, struct mmk_inode *in)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	bool redo = false;
	int err = pagecache_fault_page_locked(in, vmf->vma, vmf->pgoff, &pfn, &vmf->major, &redo);
	if (err)
		return page_error(err);
	if (redo) {
		struct mm *mm = vmf->mm;
		mmk_mutex_lock(&mm->ptl);
		bool done = pte_none(*vmf->ptep) && fault_around_locked(vmf, in);
		if (done)
			fault_account_locked(vmf);
		mmk_mutex_unlock(&mm->ptl);
		if (done)
			return FAULT_DONE;
	}
	map_cache_page(vmf, in, pfn, read_fault_bits(vmf));
	return FAULT_DONE;
}

/* do_shared_fault() when the page was not simply cached: a write to a
 * shared mapping maps the page (read if absent) writable and dirties it
 * (page_mkwrite + fault_dirty_shared_page).  Caller holds the inode lock. */
static enum fault_result do_shared_fault_locked(struct vm_fault *vmf, struct mmk_inode *in)
{
	lock_assert_held(&in->lock);
	pfn_t pfn;
	int err = pagecache_fault_page_locked(in, vmf->vma, vmf->pgoff, &pfn, &vmf->major, NULL);
	if (err)
		return page_error(err);
	map_cache_page(vmf, in, pfn, write_fault_bits(vmf));
	trace_shared_dirty(vmf, in, pfn);
	return FAULT_DONE;
}

/* do_cow_fault(): a write to a private file mapping where nothing is mapped
 * yet copies the file page into a new anonymous page. */
static enum fault_result do_cow_fault(struct vm_fault *vmf)
{
	struct mm *mm = vmf->mm;
	struct frame_pool *fp = mm_pool(mm);
	struct mmk_inode *in = vmf->vma->file->inode;
	if (anon_vma_prepare(vmf->vma))
		return FAULT_OOM;
	mmk_mutex_lock(&in->lock);
	pfn_t src, pfn;
	int err = pagecache_fault_page_locked(in, vmf->vma, vmf->pgoff, &src, &vmf->major, NULL);
	if (err) {
		mmk_mutex_unlock(&in->lock);
		return page_error(err);
	}
	frame_get(fp, src);
	err = page_alloc(mm->sys, in, 0, &pfn);
	if (err) {
		frame_put(fp, src);
		mmk_mutex_unlock(&in->lock);
		return FAULT_OOM;
	}
	memcpy(pfn_to_virt(fp, pfn), pfn_to_virt(fp, src), PAGE_SIZE);
	frame_put(fp, src);
	struct page *pg = pfn_to_page(fp, pfn);
	anon_page_init(pg, vmf);
	mmk_mutex_lock(&mm->ptl);
	bool mapped = pte_none(*vmf->ptep);
	if (mapped) {
		pg->mapping = vmf->vma->anon_vma;
		pte_map_locked(mm, vmf->ptep, vmf->addr, pfn, write_fault_bits(vmf));
	}
	fault_account_locked(vmf);
	mmk_mutex_unlock(&mm->ptl);
	mmk_mutex_unlock(&in->lock);
	if (!mapped)
		frame_put(fp, pfn);
	else
		TRACE(mm->sys, .kind = MMK_EV_COW, .pid = mm->pid, .addr = vmf->addr, .pfn = pfn,
		      .source = "file page", .file = in->path, .pgoff = vmf->pgoff,
		      .vm_start = vma_start(vmf->vma), .vm_end = vma_end(vmf->vma));
	return FAULT_DONE;
}

/* ---- Write-protect faults ---------------------------------------------------------- */

/* What a write-protect copy copied, for the trace: a file page still
 * mapped privately, or an anonymous page (shared since fork). */
static const char *cow_source(struct frame_pool *fp, pfn_t old)
{
	return page_test(pfn_to_page(fp, old), PG_anon) ? "anonymous page" : "file page";
}

/*
 * wp_page_copy(): replaces the read-only mapping of orig's page (or of the
 * zero page) by a private copy.  The old page is pinned while it is copied
 * without locks; the PTE is replaced only if it is still orig.
 */
static enum fault_result wp_page_copy(struct vm_fault *vmf, pte_t orig)
{
	struct mm *mm = vmf->mm;
	struct frame_pool *fp = mm_pool(mm);
	bool zero = orig & PTE_SPECIAL;
	pfn_t old = pte_pfn(orig), pfn;
	if (anon_vma_prepare(vmf->vma))
		return FAULT_OOM;
	if (!zero) {
		mmk_mutex_lock(&mm->ptl);
		bool same = *vmf->ptep == orig;
		if (same)
			frame_get(fp, old);
		mmk_mutex_unlock(&mm->ptl);
		if (!same)
			return FAULT_DONE;
	}
	if (page_alloc(mm->sys, NULL, zero, &pfn)) {
		if (!zero)
			frame_put(fp, old);
		return FAULT_OOM;
	}
	if (!zero)
		memcpy(pfn_to_virt(fp, pfn), pfn_to_virt(fp, old), PAGE_SIZE);
	struct page *pg = pfn_to_page(fp, pfn);
	anon_page_init(pg, vmf);

	mmk_mutex_lock(&mm->ptl);
	bool same = *vmf->ptep == orig;
	if (same) {
		if (!zero) {
			struct page *opg = pfn_to_page(fp, old);
			if (page_mapcount_dec(opg) == 0 && page_test(opg, PG_anon))
				lru_anon_unmapped(mm->sys, old);
			rss_account_locked(mm, opg, -1);
		}
		pgtable_clear_pte(&mm->pt, vmf->ptep);
		tlb_flush_locked(mm, vmf->addr, vmf->addr + PAGE_SIZE);
		pg->mapping = vmf->vma->anon_vma;
		pte_map_locked(mm, vmf->ptep, vmf->addr, pfn, write_fault_bits(vmf));
	}
	fault_account_locked(vmf);
	mmk_mutex_unlock(&mm->ptl);
	if (!same) {
		frame_put(fp, pfn);
	} else {
		/* the trace names who still shares an anonymous page copied */
		int peer = mm->sys->trace && !zero ? rmap_anon_sharer(mm->sys, old, mm) : 0;
		const char *src = zero ? "zero page" : cow_source(fp, old);
		struct mmk_file *f = vmf->vma->file; /* a file page copied is the VMA's */
		bool fp_src = !zero && f && !strcmp(src, "file page");
		TRACE(mm->sys, .kind = MMK_EV_COW, .pid = mm->pid, .addr = vmf->addr, .pfn = pfn,
		      .source = src, .peer = peer, .file = fp_src ? f->inode->path : NULL,
		      .pgoff = fp_src ? vmf->pgoff : 0, .vm_start = vma_start(vmf->vma),
		      .vm_end = vma_end(vmf->vma));
		if (!zero)
			frame_put(fp, old); /* the old PTE's reference */
	}
	if (!zero)
		frame_put(fp, old); /* our pin */
	return FAULT_DONE;
}

static enum fault_result do_wp_page(struct vm_fault *vmf, pte_t orig)
{
	struct mm *mm = vmf->mm;
	if (orig & PTE_SPECIAL)
		return wp_page_copy(vmf, orig);
	/* A shared mapping's write-protect fault never comes here: only file
	 * VMAs are shared, and do_file_fault does it (wp_page_shared_locked). */
	MMK_BUG_ON(vmf->vma->flags & VM_SHARED);
	struct page *pg = pfn_to_page(mm_pool(mm), pte_pfn(orig));
	if (page_test(pg, PG_anon)) {
		mmk_mutex_lock(&mm->ptl);
		bool same = *vmf->ptep == orig;
		bool reuse = same && (page_test(pg, PG_anon_exclusive) || page_refcount(pg) == 1);
		if (reuse) {
			page_set(pg, PG_anon_exclusive);
			*vmf->ptep = orig | PTE_WRITE | PTE_DIRTY | PTE_ACCESSED;
		}
		if (!same || reuse)
			fault_account_locked(vmf);
		mmk_mutex_unlock(&mm->ptl);
		if (reuse)
			TRACE(mm->sys, .kind = MMK_EV_REUSE, .pid = mm->pid, .addr = vmf->addr,
			      .pfn = pte_pfn(orig));
		if (!same || reuse)
			return FAULT_DONE;
	}
	return wp_page_copy(vmf, orig);
}

/* A fault on a PTE that already allows the access (another thread fixed
 * it): only the accessed/dirty bits, as the hardware would set them. */
static enum fault_result fault_touch(struct vm_fault *vmf, pte_t orig)
{
	mmk_mutex_lock(&vmf->mm->ptl);
	if (*vmf->ptep == orig)
		*vmf->ptep = orig | PTE_ACCESSED | (vmf->write ? PTE_DIRTY : 0);
	fault_account_locked(vmf);
	mmk_mutex_unlock(&vmf->mm->ptl);
	return FAULT_DONE;
}

/* ---- Dispatch ---------------------------------------------------------------------- */

/* handle_pte_fault() for a PTE that is not none (orig, read under ptl). */
static enum fault_result do_present_pte_fault(struct vm_fault *vmf, pte_t orig)
{
	if (vmf->mm->sys->trace) /* racy for a present page, but only the trace reads it */
		vmf->anon_page = pte_kind(orig) != PTE_KIND_PRESENT ||
				 page_test(pfn_to_page(mm_pool(vmf->mm), pte_pfn(orig)), PG_anon);
	switch (pte_kind(orig)) {
	case PTE_KIND_SWAP:
		return do_swap_page(vmf->mm, vmf->vma, vmf->addr, vmf->pgoff, vmf->ptep, orig,
				    vmf->write, &vmf->major);
	case PTE_KIND_PRESENT:
	case PTE_KIND_ZERO:
		if (vmf->write && !(orig & PTE_WRITE))
			return do_wp_page(vmf, orig);
		return fault_touch(vmf, orig);
	case PTE_KIND_GUARD:
		return FAULT_SIGSEGV; /* handle_pte_marker(): a guard region */
	case PTE_KIND_NONE:
	case PTE_KIND_BAD:
		break;
	}
	MMK_BUG("fault on PTE %#llx at %#llx", (unsigned long long)orig,
		(unsigned long long)vmf->addr);
}

/*
 * A read fault, or a write fault of a shared mapping, on a file VMA
 * (do_read_fault, do_shared_fault, wp_page_shared).  Takes the inode lock
 * first (it comes before mm->ptl), so that one ptl section can find the
 * PTE and, when the page is cached, map it (with the pages around it for
 * a read), dirty it and count the fault.  A page to read (or to start
 * readahead from) is fetched after the section; a PTE that is neither none
 * nor a shared write-protected page goes to do_present_pte_fault without
 * the inode lock.
 */
static enum fault_result do_file_fault(struct vm_fault *vmf)
{
	struct mm *mm = vmf->mm;
	struct mmk_inode *in = vmf->vma->file->inode;
	mmk_mutex_lock(&in->lock);
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = fault_pte_locked(vmf);
	pte_t orig = ptep ? *ptep : 0;
	bool done = ptep && file_fault_cached_locked(vmf, in, orig);
	if (done)
		fault_account_locked(vmf);
	mmk_mutex_unlock(&mm->ptl);
	if (done || !ptep || !pte_none(orig)) {
		mmk_mutex_unlock(&in->lock);
		if (done)
			return FAULT_DONE;
		return ptep ? do_present_pte_fault(vmf, orig) : FAULT_OOM;
	}
	enum fault_result r =
	    vmf->write ? do_shared_fault_locked(vmf, in) : do_read_fault_locked(vmf, in);
	mmk_mutex_unlock(&in->lock);
	return r;
}

/* Every other fault: the PTE found in one ptl section, then handled. */
static enum fault_result do_pte_fault(struct vm_fault *vmf)
{
	mmk_mutex_lock(&vmf->mm->ptl);
	pte_t orig = fault_pte_locked(vmf) ? *vmf->ptep : 0;
	mmk_mutex_unlock(&vmf->mm->ptl);
	if (!vmf->ptep)
		return FAULT_OOM;
	if (!pte_none(orig))
		return do_present_pte_fault(vmf, orig);
	if (vma_is_anonymous(vmf->vma))
		return do_anonymous_page(vmf);
	return do_cow_fault(vmf); /* do_file_fault takes the other file faults */
}

/* ---- Entry points ------------------------------------------------------------------- */

/* Reports a resolved fault with why it went as it did: its VMA, the file
 * page and whether the page cache had it, and the cache's frame now mapped
 * (0 when the PTE maps a private copy or the zero page). */
static void trace_fault(const struct vm_fault *vmf)
{
	struct mm *mm = vmf->mm;
	const struct vma *v = vmf->vma;
	bool file = !vma_is_anonymous(v) && !vmf->anon_page;
	pfn_t pfn = 0;
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, vmf->addr, 0);
	if (ptep && pte_present(*ptep) && !(*ptep & PTE_SPECIAL))
		pfn = pte_pfn(*ptep);
	if (pfn && file && page_test(pfn_to_page(mm_pool(mm), pfn), PG_anon))
		pfn = 0; /* a private copy (COW, traced): not the cache's frame */
	mmk_mutex_unlock(&mm->ptl);
	TRACE(mm->sys, .kind = MMK_EV_FAULT, .pid = mm->pid, .addr = vmf->addr,
	      .detail = vmf->write ? "write" : "read", .major = vmf->major,
	      .vm_start = vma_start(v), .vm_end = vma_end(v), .pfn = pfn,
	      .file = file ? v->file->inode->path : NULL, .pgoff = file ? vmf->pgoff : 0,
	      .cached = file && !vmf->major);
}

/* handle_mm_fault(); populate: the fault is mm_populate()'s. */
static enum fault_result fault_handle(struct mm *mm, struct vma *vma, uint64_t addr, bool write,
				      bool populate)
{
	struct vm_fault vmf = {
	    .mm = mm,
	    .vma = vma,
	    .addr = addr & PAGE_MASK,
	    .pgoff = vma_pgoff_of(vma, addr & PAGE_MASK),
	    .write = write,
	    .populate = populate,
	};
	enum fault_result r;
	if (!vma_is_anonymous(vma) && (!write || (vma->flags & VM_SHARED)))
		r = do_file_fault(&vmf);
	else
		r = do_pte_fault(&vmf);

	if (r == FAULT_DONE) {
		/* mm_account_fault(): successful faults only. */
		if (!vmf.counted) {
			mmk_mutex_lock(&mm->ptl);
			fault_account_locked(&vmf);
			mmk_mutex_unlock(&mm->ptl);
		}
		count_vm_event(mm->sys, PGFAULT);
		if (vmf.major)
			count_vm_event(mm->sys, PGMAJFAULT);
		if (mm->sys->trace)
			trace_fault(&vmf);
	}
	return r;
}

enum fault_result handle_mm_fault(struct mm *mm, struct vma *vma, uint64_t addr, bool write)
{
	return fault_handle(mm, vma, addr, write, false);
}

/*
 * Gives vma its anon_vma with mmap_lock held for writing, then lets the
 * access retry.  Linux prepares it under the read lock and publishes
 * vma->anon_vma under the page-table lock; here the first private write
 * fault of a VMA takes the write lock instead, so that concurrent first
 * faults can never link two anon_vmas and every later read of
 * vma->anon_vma under the read lock is race-free.  Caller holds mmap_lock
 * for reading; returns with it released.  0 or -ENOMEM.
 */
static int prepare_anon_vma_exclusive(struct mm *mm, uint64_t addr)
{
	mmap_assert_locked(mm);
	mmk_rwlock_unlock(&mm->mmap_lock);
	mmk_rwlock_wrlock(&mm->mmap_lock);
	struct vma *vma = vma_lookup(mm, addr);
	int err = 0;
	if (vma && !vma->reserved && !vma->anon_vma)
		err = anon_vma_prepare(vma);
	mmk_rwlock_unlock(&mm->mmap_lock);
	return err;
}

/*
 * lock_mm_and_find_vma()'s slow half: addr lies below a VM_GROWSDOWN VMA,
 * which may grow down to it (expand_stack_locked) with mmap_lock held for
 * writing; the access then retries.  Caller holds mmap_lock for reading;
 * returns with it released: 0 (retry) or -EFAULT (SEGV_MAPERR).
 */
static int expand_stack_for_fault(struct mm *mm, uint64_t addr)
{
	mmap_assert_locked(mm);
	mmk_rwlock_unlock(&mm->mmap_lock);
	mmk_rwlock_wrlock(&mm->mmap_lock);
	struct vma *vma = find_vma(mm, addr);
	int err = -EFAULT;
	if (vma && vma_start(vma) <= addr)
		err = 0;
	else if (vma && (vma->flags & VM_GROWSDOWN) && !vma->reserved)
		err = vma_expand_stack(mm, vma, addr) ? -EFAULT : 0;
	mmk_rwlock_unlock(&mm->mmap_lock);
	return err;
}

/* access_error(): x86 lets any accessible mapping be read. */
static bool access_error(const struct vma *vma, bool write)
{
	if (write)
		return !(vma->flags & VM_WRITE);
	return !(vma->flags & VM_ACCESS_FLAGS);
}

/* Reports a signal for an access at addr. */
static int fault_signal(struct mm *mm, struct mmk_siginfo *si, uint64_t addr, int signo, int code)
{
	si->signo = signo;
	si->code = code;
	si->addr = addr;
	TRACE(mm->sys, .kind = MMK_EV_SIGNAL, .pid = mm->pid, .addr = addr,
	      .detail = signo == MMK_SIGBUS ? "SIGBUS" : "SIGSEGV");
	return -EFAULT;
}

int handle_user_fault(struct mm *mm, uint64_t addr, bool write, struct mmk_siginfo *si)
{
	if (atomic_load(&mm->oom_state))
		return oom_killed(mm, si);
	mmk_rwlock_rdlock(&mm->mmap_lock);
	struct vma *vma = find_vma(mm, addr);
	if (vma && vma_start(vma) > addr && (vma->flags & VM_GROWSDOWN) && !vma->reserved) {
		if (!expand_stack_for_fault(mm, addr))
			return 0;
		return fault_signal(mm, si, addr, MMK_SIGSEGV, MMK_SEGV_MAPERR);
	}
	int signo = 0, code = 0;
	if (!vma || vma_start(vma) > addr || vma->reserved) {
		signo = MMK_SIGSEGV;
		code = MMK_SEGV_MAPERR;
	} else if (access_error(vma, write)) {
		signo = MMK_SIGSEGV;
		code = MMK_SEGV_ACCERR;
	} else if (!(vma->flags & VM_SHARED) && !vma->anon_vma &&
		   (write || (mm->sys->cfg.no_zero_page && vma_is_anonymous(vma)))) {
		/* The VMA's first anonymous page: a private write, or any
		 * access of anonymous memory on a system without the zero
		 * page (do_anonymous_page then allocates). */
		int err = prepare_anon_vma_exclusive(mm, addr);
		return err ? -ENOMEM : 0;
	} else {
		uint64_t shortages = page_alloc_failures(mm->sys);
		enum fault_result r = handle_mm_fault(mm, vma, addr, write);
		if (r == FAULT_OOM) {
			mmk_rwlock_unlock(&mm->mmap_lock);
			if (page_alloc_failures(mm->sys) == shortages)
				return -ENOMEM; /* the host's memory failed, not the frames */
			return out_of_memory(mm, si);
		}
		if (r == FAULT_SIGBUS) {
			signo = MMK_SIGBUS;
			code = MMK_BUS_ADRERR;
		} else if (r == FAULT_SIGSEGV) {
			signo = MMK_SIGSEGV;
			code = MMK_SEGV_MAPERR;
		}
	}
	mmk_rwlock_unlock(&mm->mmap_lock);
	return signo ? fault_signal(mm, si, addr, signo, code) : 0;
}

/* ---- Populate ------------------------------------------------------------------------- */

/* follow_page_pte(): whether addr is mapped well enough for GUP. */
static bool page_ready(struct mm *mm, uint64_t addr, bool write)
{
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, addr, 0);
	pte_t pte = ptep ? *ptep : 0;
	mmk_mutex_unlock(&mm->ptl);
	return pte_present(pte) && (pte & PTE_USER) && (!write || (pte & PTE_WRITE));
}

/*
 * GUP's FOLL_TOUCH on a populated page (follow_page_pte): with FOLL_WRITE,
 * a page whose PTE is writable but clean (made writable by mprotect, or
 * cleaned by MADV_FREE) is marked dirty, as folio_mark_dirty() does, so
 * smaps counts it dirty and reclaim no longer frees it lazily; then
 * folio_mark_accessed() -- the first touch sets PG_referenced, a second one
 * activates the page.  (Visible in smaps Referenced, e.g. of a forked
 * child whose own PTEs start old.)  Only a private writable VMA populates
 * with write, so the page is anonymous.
 */
static void populate_touch(struct mm *mm, uint64_t addr, bool write)
{
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, addr, 0);
	pte_t pte = ptep ? *ptep : 0;
	if (pte_present(pte) && !(pte & PTE_SPECIAL)) {
		struct page *pg = pfn_to_page(mm_pool(mm), pte_pfn(pte));
		if (write && !(pte & PTE_DIRTY) &&
		    (page_flags(pg) & (PG_anon | PG_dirty)) == PG_anon)
			page_set(pg, PG_dirty);
		lru_mark_accessed(mm->sys, pte_pfn(pte)); /* moves it to the active list */
	}
	mmk_mutex_unlock(&mm->ptl);
}

/*
 * __get_user_pages() over [start, end) of vma: faults each page until its
 * PTE allows the access, then touches it.  populate: the faults are
 * mm_populate()'s (a read counts minor).  -ENOMEM, -EFAULT (SIGBUS, or a
 * guard marker: faultin_page's VM_FAULT_SIGSEGV), or 0.
 */
static int gup_range(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, bool write,
		     bool populate)
{
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		for (int tries = 0; !page_ready(mm, a, write); tries++) {
			MMK_BUG_ON(tries > 100);
			enum fault_result r = fault_handle(mm, vma, a, write, populate);
			if (r == FAULT_OOM)
				return -ENOMEM;
			if (r == FAULT_SIGBUS || r == FAULT_SIGSEGV)
				return -EFAULT;
		}
		populate_touch(mm, a, write);
	}
	return 0;
}

/*
 * populate_vma_page_range(): write faults where a write would COW (private
 * writable), read faults elsewhere (FOLL_FORCE), nothing for lock-on-fault
 * or inaccessible VMAs (GUP refuses PROT_NONE).  -ENOMEM, -EFAULT (SIGBUS:
 * the rest of the VMA is skipped), or 0.
 */
static int populate_vma_range(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	uint64_t f = vma->flags;
	if (vma->reserved || (f & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT)) || !(f & VM_ACCESS_FLAGS))
		return 0;
	return gup_range(mm, vma, start, end, (f & (VM_WRITE | VM_SHARED)) == VM_WRITE, true);
}

int mm_madvise_populate(struct mm *mm, uint64_t start, uint64_t end, bool write)
{
	mmap_assert_locked(mm);
	for (uint64_t addr = start; addr < end;) {
		struct vma *vma = find_vma(mm, addr);
		if (!vma || vma_start(vma) > addr)
			return -ENOMEM;
		uint64_t f = vma->flags;
		if (vma->reserved || (f & (VM_IO | VM_PFNMAP)) ||
		    !(f & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;
		uint64_t vend = vma_end(vma) < end ? vma_end(vma) : end;
		int err = gup_range(mm, vma, addr, vend, write, false);
		if (err)
			return err;
		addr = vend;
	}
	return 0;
}

int mm_populate(struct mm *mm, uint64_t start, uint64_t end)
{
	mmap_assert_locked(mm);
	uint64_t addr = start;
	while (addr < end) {
		struct vma *vma = find_vma(mm, addr);
		if (!vma || vma_start(vma) >= end)
			break;
		if (addr < vma_start(vma))
			addr = vma_start(vma);
		uint64_t vend = vma_end(vma) < end ? vma_end(vma) : end;
		int err = populate_vma_range(mm, vma, addr, vend);
		if (err)
			return err;
		addr = vend;
	}
	return 0;
}
