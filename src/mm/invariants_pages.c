/*
 * invariants_pages.c - the page layer's invariants, checked from scratch (the
 * debug builds run them after every mutating call; mmk_system_check runs
 * them on demand).  What must always be true:
 *
 * Per address space (mm_check_pages):
 *  - every PTE lies in a non-reserved VMA and is present, mapping an
 *    allocated frame, or the zero page with PTE_SPECIAL, read-only and
 *    clean, in an anonymous VMA; or it is a swap entry, in a private VMA
 *    with an anon_vma, naming a slot in use; swap_ents counts them; or a
 *    guard marker, in a VM_MAYBE_GUARD VMA that is neither VM_SPECIAL nor
 *    VM_HUGETLB;
 *  - PTE_WRITE only where the VMA has VM_WRITE; PTE_USER exactly where the
 *    VMA is accessible;
 *  - an anonymous page sits in a private VMA whose anon_vma chain holds
 *    the page's anon_vma, at index vma->pgoff + offset; a writable PTE maps
 *    an exclusive anonymous page (the COW invariant);
 *  - a file page sits in a VMA of its own inode at its own offset; private
 *    mappings map it read-only and clean; a host file's page mapped
 *    writable or dirty is PG_dirty (so writeback loses no store);
 *  - the RSS counters equal a recount; every TLB entry caches a present
 *    PTE of the same frame, writable only if the PTE is writable and dirty;
 *  - the page tables' own invariants (pgtable_check).
 * System-wide (sys_check_frames):
 *  - for every frame, mapcount == PTEs mapping it in all processes and
 *    refcount == those PTEs + 1 if it is in a page cache + 1 if it is in
 *    the swap cache (no other holder outlives a call); a referenced frame
 *    is never free;
 *  - every swap slot's count equals the swap PTEs and shmem swapped-index
 *    entries naming it; the swap cache and free slots agree (swap_check);
 *  - the LRU lists are well formed (lru_check_locked) and hold exactly the
 *    page-cache pages, the mapped anonymous pages and the swap-cache pages;
 *    no page is left isolated (PG_locked);
 *  - every cached page is uptodate, not anonymous, with mapping == its
 *    inode and index == its offset, none wholly past EOF, and a large
 *    folio's pages are all cached with its order; nrpages and (host
 *    files) nrdirty match; the index's own invariants hold.
 *
 * sys_check_frames looks at every process and inode in turn, so, like
 * frame_pool_for_each_used(), it is meaningful only while no other thread
 * changes the system (mmk_system_check keeps kswapd paused meanwhile).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lru.h"
#include "pages.h"
#include "swap.h"

struct checker {
	char *err;
	size_t errlen;
};

static int check_fail(struct checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int check_fail(struct checker *c, const char *fmt, ...)
{
	if (c->err && c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -EUCLEAN;
}

/* ---- One address space ------------------------------------------------------------------- */

struct pte_check {
	struct checker c;
	struct mm *mm;
	uint64_t anon, file, shmem, swap;
};

static bool anon_vma_on_chain(const struct vma *vma, const void *av)
{
	for (const struct avc *a = vma->anon_vma_chain; a; a = a->same_vma_next)
		if (a->anon_vma == av)
			return true;
	return false;
}

static int check_anon_pte(struct pte_check *k, struct vma *vma, uint64_t va, pte_t pte,
			  struct page *pg)
{
	unsigned long long a = va;
	uint32_t f = page_flags(pg);
	k->anon++;
	if (vma->flags & VM_SHARED)
		return check_fail(&k->c, "pid %d: anonymous page at %#llx in a shared VMA",
				  k->mm->pid, a);
	if (!vma->anon_vma || !anon_vma_on_chain(vma, pg->mapping))
		return check_fail(&k->c,
				  "pid %d: anonymous page at %#llx: its anon_vma is not "
				  "on the VMA's chain",
				  k->mm->pid, a);
	if (pg->index != vma_pgoff_of(vma, va))
		return check_fail(&k->c,
				  "pid %d: anonymous page at %#llx has index %#llx, "
				  "expected %#llx",
				  k->mm->pid, a, (unsigned long long)pg->index,
				  (unsigned long long)vma_pgoff_of(vma, va));
	if ((pte & PTE_WRITE) && !(f & PG_anon_exclusive))
		return check_fail(&k->c,
				  "pid %d: writable PTE at %#llx maps a shared "
				  "anonymous page",
				  k->mm->pid, a);
	return 0;
}

static int check_file_pte(struct pte_check *k, struct vma *vma, uint64_t va, pte_t pte,
			  struct page *pg)
{
	unsigned long long a = va;
	uint32_t f = page_flags(pg);
	if (!vma->file)
		return check_fail(&k->c, "pid %d: file page at %#llx in an anonymous VMA",
				  k->mm->pid, a);
	struct mmk_inode *in = vma->file->inode;
	if (pg->mapping != in || pg->index != vma_pgoff_of(vma, va))
		return check_fail(&k->c, "pid %d: page at %#llx is not its file's page %#llx",
				  k->mm->pid, a, (unsigned long long)vma_pgoff_of(vma, va));
	if (!(vma->flags & VM_SHARED) && (pte & (PTE_WRITE | PTE_DIRTY)))
		return check_fail(&k->c,
				  "pid %d: private mapping at %#llx maps its file's "
				  "page writable or dirty",
				  k->mm->pid, a);
	if (in->kind == INODE_FILE && (pte & (PTE_WRITE | PTE_DIRTY)) && !(f & PG_dirty))
		return check_fail(&k->c,
				  "pid %d: file page at %#llx mapped writable/dirty "
				  "but not PG_dirty",
				  k->mm->pid, a);
	if (f & PG_swapbacked)
		k->shmem++;
	else
		k->file++;
	return 0;
}

static int check_swap_pte(struct pte_check *k, struct vma *vma, uint64_t va, pte_t pte)
{
	struct swap_area *sa = k->mm->sys->swap;
	uint64_t slot = pte_swp_offset(pte);
	k->swap++;
	if (!sa || slot == 0 || slot >= sa->nslots || !swap_count(k->mm->sys, slot))
		return check_fail(&k->c, "pid %d: swap entry at %#llx names slot %llu, not in use",
				  k->mm->pid, (unsigned long long)va, (unsigned long long)slot);
	if ((vma->flags & VM_SHARED) || !vma->anon_vma)
		return check_fail(&k->c,
				  "pid %d: swap entry at %#llx in a VMA that cannot hold "
				  "anonymous pages",
				  k->mm->pid, (unsigned long long)va);
	return 0;
}

/* A guard marker at va: only where MADV_GUARD_INSTALL may put one, which
 * marked the VMA VM_MAYBE_GUARD (so fork copies the marker). */
static int check_guard_pte(struct pte_check *k, struct vma *vma, uint64_t va)
{
	if (!(vma->flags & VM_MAYBE_GUARD) || (vma->flags & (VM_SPECIAL | VM_HUGETLB)))
		return check_fail(&k->c,
				  "pid %d: guard marker at %#llx in a VMA that cannot hold one",
				  k->mm->pid, (unsigned long long)va);
	return 0;
}

/* A present PTE (a page or the zero page) of vma, at va. */
static int check_present_pte(struct pte_check *k, struct vma *vma, uint64_t va, pte_t pte)
{
	struct mm *mm = k->mm;
	unsigned long long a = va;
	if ((pte & PTE_WRITE) && !(vma->flags & VM_WRITE))
		return check_fail(&k->c,
				  "pid %d: writable PTE at %#llx in a VMA without "
				  "VM_WRITE",
				  mm->pid, a);
	if (!(pte & PTE_USER) != !(vma->flags & VM_ACCESS_FLAGS))
		return check_fail(&k->c,
				  "pid %d: PTE at %#llx: user bit disagrees with the "
				  "VMA's protection",
				  mm->pid, a);
	pfn_t pfn = pte_pfn(pte);
	if (pte_kind(pte) == PTE_KIND_ZERO) {
		if (pfn != ZERO_PFN || (pte & (PTE_WRITE | PTE_DIRTY)) || vma->file)
			return check_fail(&k->c, "pid %d: bad zero-page PTE %#llx at %#llx",
					  mm->pid, (unsigned long long)pte, a);
		return 0;
	}
	if (pfn == ZERO_PFN || pfn >= mm_pool(mm)->nframes)
		return check_fail(&k->c, "pid %d: PTE at %#llx maps bad pfn %u", mm->pid, a, pfn);
	struct page *pg = pfn_to_page(mm_pool(mm), pfn);
	if (page_refcount(pg) == 0 || page_mapcount(pg) < 1)
		return check_fail(&k->c,
				  "pid %d: PTE at %#llx maps frame %u with refcount %u "
				  "mapcount %d",
				  mm->pid, a, pfn, page_refcount(pg), page_mapcount(pg));
	if (page_test(pg, PG_anon))
		return check_anon_pte(k, vma, va, pte, pg);
	return check_file_pte(k, vma, va, pte, pg);
}

static int check_pte(void *arg, uint64_t va, pte_t *ptep)
{
	struct pte_check *k = arg;
	struct mm *mm = k->mm;
	unsigned long long a = va;
	pte_t pte = *ptep;
	enum pte_kind kind = pte_kind(pte);
	if (kind == PTE_KIND_BAD)
		return check_fail(&k->c, "pid %d: non-present PTE %#llx at %#llx", mm->pid,
				  (unsigned long long)pte, a);
	struct vma *vma = vma_lookup(mm, va);
	if (!vma || vma->reserved)
		return check_fail(&k->c, "pid %d: PTE at %#llx outside any VMA", mm->pid, a);
	switch (kind) {
	case PTE_KIND_SWAP:
		return check_swap_pte(k, vma, va, pte);
	case PTE_KIND_GUARD:
		return check_guard_pte(k, vma, va);
	case PTE_KIND_PRESENT:
	case PTE_KIND_ZERO:
		return check_present_pte(k, vma, va, pte);
	case PTE_KIND_NONE: /* for_each skips it */
	case PTE_KIND_BAD:
		break;
	}
	return 0;
}

static int check_tlb_locked(struct pte_check *k)
{
	lock_assert_held(&k->mm->ptl);
	struct mm *mm = k->mm;
	for (int i = 0; i < TLB_ENTRIES; i++) {
		uint64_t w = atomic_load_explicit(&mm->tlb[i].word, memory_order_relaxed);
		if (!w)
			continue;
		uint64_t va = tlb_word_vpn(w, (unsigned)i) << PAGE_SHIFT;
		pte_t *ptep = va < mm->task_size ? pgtable_walk(&mm->pt, va, 0) : NULL;
		pte_t pte = ptep ? *ptep : 0;
		bool ok = pte_present(pte) && (pte & PTE_USER) &&
			  tlb_word_host(w) == pfn_to_virt(mm_pool(mm), pte_pfn(pte)) &&
			  (!(w & TLB_WRITABLE) ||
			   (pte & (PTE_WRITE | PTE_DIRTY)) == (PTE_WRITE | PTE_DIRTY));
		if (!ok)
			return check_fail(&k->c, "pid %d: stale TLB entry for %#llx (PTE %#llx)",
					  mm->pid, (unsigned long long)va, (unsigned long long)pte);
	}
	return 0;
}

int mm_check_pages(struct mm *mm, char *err, size_t errlen)
{
	mmap_assert_locked(mm);
	struct pte_check k = {.c = {err, errlen}, .mm = mm};
	mmk_mutex_lock(&mm->ptl);
	int r = pgtable_check(&mm->pt, err, errlen);
	if (!r)
		r = pgtable_for_each(&mm->pt, 0, PGTABLE_VA_END, check_pte, &k);
	if (!r && (k.anon != mm->rss_anon || k.file != mm->rss_file || k.shmem != mm->rss_shmem))
		r = check_fail(&k.c,
			       "pid %d: RSS counters anon %llu file %llu shmem %llu, "
			       "recount %llu %llu %llu",
			       mm->pid, (unsigned long long)mm->rss_anon,
			       (unsigned long long)mm->rss_file, (unsigned long long)mm->rss_shmem,
			       (unsigned long long)k.anon, (unsigned long long)k.file,
			       (unsigned long long)k.shmem);
	if (!r && k.swap != mm->swap_ents)
		r = check_fail(&k.c, "pid %d: swap_ents %llu, recount %llu", mm->pid,
			       (unsigned long long)mm->swap_ents, (unsigned long long)k.swap);
	if (!r)
		r = check_tlb_locked(&k);
	mmk_mutex_unlock(&mm->ptl);
	return r ? -EUCLEAN : 0;
}

/* ---- The whole system ---------------------------------------------------------------------- */

struct frame_census {
	struct checker c;
	struct frame_pool *fp;
	uint32_t *maps, *refs; /* per pfn: PTEs seen, references explained */
	uint8_t *cached;       /* per pfn: in a page cache */
	uint8_t *listed;       /* per pfn: on an LRU list */
	uint32_t *slot_refs;   /* per swap slot: swap PTEs and shmem entries naming it */
	uint32_t nslots;
	struct mmk_inode **inodes;
	size_t ninodes, cap;
};

static int census_pte(void *arg, uint64_t va, pte_t *ptep)
{
	struct frame_census *fc = arg;
	pte_t pte = *ptep;
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP:
		if (pte_swp_offset(pte) < fc->nslots)
			fc->slot_refs[pte_swp_offset(pte)]++;
		break;
	case PTE_KIND_PRESENT:
		if (pte_pfn(pte) >= fc->fp->nframes)
			break; /* mm_check_pages reports it */
		fc->maps[pte_pfn(pte)]++;
		fc->refs[pte_pfn(pte)]++;
		break;
	case PTE_KIND_NONE:
	case PTE_KIND_ZERO:  /* no refcount, no mapcount */
	case PTE_KIND_GUARD: /* no page, no slot */
	case PTE_KIND_BAD:   /* mm_check_pages reports it */
		break;
	}
	return 0;
}

/* Remembers a referenced inode (duplicates are removed later). */
static int census_add_inode(struct frame_census *fc, struct mmk_inode *in)
{
	if (fc->ninodes == fc->cap) {
		size_t cap = fc->cap ? fc->cap * 2 : 64;
		struct mmk_inode **v = realloc(fc->inodes, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fc->inodes = v;
		fc->cap = cap;
	}
	inode_get(in);
	fc->inodes[fc->ninodes++] = in;
	return 0;
}

/* Counts one process's PTEs and notes the inodes it maps or has open. */
static int census_proc(struct frame_census *fc, struct mmk_proc *p)
{
	struct mm *mm = p->mm;
	int err = 0;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	mmk_mutex_lock(&mm->ptl);
	pgtable_for_each(&mm->pt, 0, PGTABLE_VA_END, census_pte, fc);
	mmk_mutex_unlock(&mm->ptl);
	for (struct vma *v = node_vma(vma_tree_first(&mm->vmas)); v && !err; v = vma_next(v))
		if (v->file)
			err = census_add_inode(fc, v->file->inode);
	mmk_rwlock_unlock(&mm->mmap_lock);
	mmk_mutex_lock(&p->fd_lock);
	for (int i = 0; i < p->fdt.nfds && !err; i++)
		if (p->fdt.fds[i].file)
			err = census_add_inode(fc, p->fdt.fds[i].file->inode);
	mmk_mutex_unlock(&p->fd_lock);
	return err;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

/* A cached page of order k > 0 lies in a folio whose 2^k pages are all
 * cached with order k (pages.h); each folio is walked at its first page,
 * its other pages only look at that one. */
static int check_folio(struct frame_census *fc, struct mmk_inode *in, struct page *pg, uint64_t key)
{
	unsigned order = page_folio_order(pg);
	if (!order)
		return 0;
	uint64_t nr, first = pagecache_folio_first(pg, key, &nr);
	uint64_t upto = first == key ? nr : 1;
	if (order > in->max_folio_order)
		return check_fail(&fc->c,
				  "%s: page %#llx in a folio of order %u, over the "
				  "file's %u",
				  in->path, (unsigned long long)key, order, in->max_folio_order);
	for (uint64_t i = 0; i < upto; i++) {
		uint32_t v;
		if (pcache_index_lookup(&in->pages, first + i, &v) || v >= fc->fp->nframes ||
		    page_folio_order(pfn_to_page(fc->fp, v)) != order)
			return check_fail(&fc->c,
					  "%s: page %#llx of the order-%u folio at %#llx "
					  "is not cached with its order",
					  in->path, (unsigned long long)(first + i), order,
					  (unsigned long long)first);
	}
	return 0;
}

/* Checks one inode's page cache and counts its pages' references. */
static int census_inode(struct frame_census *fc, struct mmk_inode *in)
{
	int r = 0;
	uint64_t pages = 0, dirty = 0, eof, key;
	uint32_t val;
	mmk_mutex_lock(&in->lock);
	eof = size_to_pages(in->size);
	r = pcache_index_check(&in->pages, fc->c.err, fc->c.errlen);
	if (!r)
		r = blockmap_check(&in->blocks, fc->c.err, fc->c.errlen);
	for (uint64_t p = 0; !r && !pcache_index_next(&in->pages, p, &key, &val); p = key + 1) {
		struct page *pg = val < fc->fp->nframes ? pfn_to_page(fc->fp, val) : NULL;
		uint32_t f = pg ? page_flags(pg) : 0;
		if (!pg || val == ZERO_PFN || pg->mapping != in || pg->index != key ||
		    (f & PG_anon))
			r = check_fail(&fc->c,
				       "%s: page cache entry %#llx -> frame %u is not "
				       "its page",
				       in->path, (unsigned long long)key, val);
		else if (!(f & PG_uptodate) &&
			 (!in->zero_eof_block || page_mapcount(pg) || page_folio_order(pg)))
			r = check_fail(&fc->c,
				       "%s: page %#llx is not uptodate, and mapped, in a large "
				       "folio or not on ext4 (only an EOF block's page may be)",
				       in->path, (unsigned long long)key);
		else if (key >= eof)
			r = check_fail(&fc->c, "%s: page %#llx cached past EOF (size %llu)",
				       in->path, (unsigned long long)key,
				       (unsigned long long)in->size);
		else
			r = check_folio(fc, in, pg, key);
		if (r)
			break;
		fc->refs[val]++;
		fc->cached[val] = 1;
		pages++;
		dirty += (f & PG_dirty) != 0;
		if (key == UINT64_MAX)
			break;
	}
	if (!r && pages != in->nrpages)
		r = check_fail(&fc->c, "%s: nrpages %llu but %llu pages cached", in->path,
			       (unsigned long long)in->nrpages, (unsigned long long)pages);
	if (!r && in->kind == INODE_FILE && dirty != in->nrdirty)
		r = check_fail(&fc->c, "%s: nrdirty %llu but %llu dirty pages", in->path,
			       (unsigned long long)in->nrdirty, (unsigned long long)dirty);
	if (!r)
		r = pcache_index_check(&in->swapped, fc->c.err, fc->c.errlen);
	uint32_t slot, cpfn;
	for (uint64_t p = 0; !r && !pcache_index_next(&in->swapped, p, &key, &slot); p = key + 1) {
		if (in->kind != INODE_SHMEM || slot == 0 || slot >= fc->nslots ||
		    !pcache_index_lookup(&in->pages, key, &cpfn))
			r = check_fail(&fc->c, "%s: bad swapped entry at %#llx (slot %u)", in->path,
				       (unsigned long long)key, slot);
		else
			fc->slot_refs[slot]++;
		if (key == UINT64_MAX)
			break;
	}
	mmk_mutex_unlock(&in->lock);
	return r;
}

static int census_compare(void *arg, pfn_t pfn, struct page *pg)
{
	struct frame_census *fc = arg;
	uint32_t f = page_flags(pg);
	if (page_refcount(pg) != fc->refs[pfn] || page_mapcount(pg) != (int32_t)fc->maps[pfn])
		return check_fail(&fc->c,
				  "frame %u: refcount %u mapcount %d, but %u PTEs and "
				  "%u cache entries hold it",
				  pfn, page_refcount(pg), page_mapcount(pg), fc->maps[pfn],
				  fc->refs[pfn] - fc->maps[pfn]);
	bool belongs =
	    fc->cached[pfn] || (f & PG_swapcache) || ((f & PG_anon) && page_mapcount(pg) > 0);
	if (belongs != (fc->listed[pfn] != 0))
		return check_fail(&fc->c, "frame %u (flags %#x, mapcount %d) %s the LRU", pfn, f,
				  page_mapcount(pg),
				  fc->listed[pfn] ? "should not be on" : "is not on");
	if (f & PG_locked)
		return check_fail(&fc->c, "frame %u left isolated (PG_locked)", pfn);
	return 0;
}

int sys_check_frames(struct mmk_system *sys, char *err, size_t errlen)
{
	struct frame_census fc = {.c = {err, errlen}, .fp = &sys->pool};
	uint32_t n = sys->pool.nframes;
	fc.nslots = sys->swap ? sys->swap->nslots : 1;
	fc.maps = calloc(n, sizeof(*fc.maps));
	fc.refs = calloc(n, sizeof(*fc.refs));
	fc.cached = calloc(n, 1);
	fc.listed = calloc(n, 1);
	fc.slot_refs = calloc(fc.nslots, sizeof(*fc.slot_refs));
	struct mmk_proc **procs = NULL;
	size_t nprocs = 0;
	int r = fc.maps && fc.refs && fc.cached && fc.listed && fc.slot_refs ? 0 : -ENOMEM;

	mmk_mutex_lock(&sys->lock);
	for (struct mmk_proc *p = sys->procs; p; p = p->next)
		nprocs++;
	procs = nprocs ? malloc(nprocs * sizeof(*procs)) : NULL;
	if (nprocs && !procs)
		r = -ENOMEM;
	nprocs = 0;
	for (struct mmk_proc *p = sys->procs; p && procs; p = p->next)
		procs[nprocs++] = p;
	for (int i = 0; i < INODE_HASH_SIZE && !r; i++)
		for (struct mmk_inode *in = sys->inodes[i]; in && !r; in = in->hash_next)
			r = census_add_inode(&fc, in);
	mmk_mutex_unlock(&sys->lock);

	for (size_t i = 0; i < nprocs && !r; i++)
		r = census_proc(&fc, procs[i]);
	if (!r && fc.ninodes) {
		qsort(fc.inodes, fc.ninodes, sizeof(*fc.inodes), cmp_ptr);
		for (size_t i = 0; i < fc.ninodes && !r; i++)
			if (i == 0 || fc.inodes[i] != fc.inodes[i - 1])
				r = census_inode(&fc, fc.inodes[i]);
	}
	if (!r)
		r = swap_check(sys, fc.slot_refs, fc.refs, err, errlen);
	if (!r) {
		mmk_mutex_lock(&sys->lru->lock);
		r = lru_check_locked(sys, fc.listed, err, errlen);
		mmk_mutex_unlock(&sys->lru->lock);
	}
	if (!r)
		r = frame_pool_for_each_used(&sys->pool, census_compare, &fc);
	for (pfn_t pfn = 1; !r && pfn < n; pfn++)
		if (fc.refs[pfn] && !page_refcount(pfn_to_page(&sys->pool, pfn)))
			r = check_fail(&fc.c, "frame %u is free but %u holders refer to it", pfn,
				       fc.refs[pfn]);
	for (size_t i = 0; i < fc.ninodes; i++)
		inode_put(fc.inodes[i]);
	free(fc.inodes);
	free(procs);
	free(fc.maps);
	free(fc.refs);
	free(fc.cached);
	free(fc.listed);
	free(fc.slot_refs);
	if (r == -ENOMEM)
		return check_fail(&fc.c, "out of memory while checking frames");
	return r ? -EUCLEAN : 0;
}
