/*
 * procfs_pages.c - the /proc views that count pages: /proc/PID/smaps, the
 * memory lines of /proc/PID/status, a pagemap-like per-page view, and the
 * fault counters.  Mirrors fs/proc/task_mmu.c of Linux 6.x (show_smap,
 * __show_smap, smaps_account, smaps_page_accumulate, show_smap_vma_flags,
 * task_mem) as the host kernel (6.18, x86-64) prints them: no
 * ProtectionKey line (pkeys off), no "sd" flag (CONFIG_MEM_SOFT_DIRTY off),
 * THP in "madvise" mode with only the PMD size enabled.
 *
 * Accounting per mapped page (smaps_account): Rss counts it; Pss adds
 * 4096 << PSS_SHIFT divided by its mapcount (exactly, in Linux's fixed
 * point, truncating each division), or undivided when its refcount is 1;
 * Shared_* when mapcount >= 2, else Private_*; dirty when the PTE or the
 * page is; Referenced when the PTE is young or the page PG_referenced;
 * Anonymous for anonymous pages (COW copies in file mappings included);
 * LazyFree for clean anonymous pages that MADV_FREE made lazily freeable;
 * Locked is the Pss of VM_LOCKED VMAs.  The zero page is not counted.
 * A swap entry counts in Swap, and in SwapPss divided by its slot's
 * reference count (smaps_pte_entry's swapcount); a shared or read-only
 * shmem mapping counts its object's swapped pages in range in Swap
 * (shmem_swap_usage), as Linux does, without SwapPss.
 *
 * Locking: the views hold mmap_lock for reading and take mm->ptl while
 * walking the page tables.
 */
#include <errno.h>
#include <string.h>

#include "pages.h"
#include "swap.h"

#define PSS_SHIFT      12
#define HPAGE_PMD_SIZE (2ULL << 20)

struct mem_size_stats {
	uint64_t resident, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, lazyfree, swap;
	uint64_t pss, pss_dirty, pss_locked, swap_pss; /* << PSS_SHIFT */
};

/* smaps_page_accumulate() */
static void smaps_page_accumulate(struct mem_size_stats *mss, uint64_t size, uint64_t pss,
				  bool dirty, bool locked, bool private)
{
	mss->pss += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/* smaps_account() for one present small page. */
static void smaps_account(struct mem_size_stats *mss, struct page *pg, bool young, bool dirty,
			  bool locked)
{
	uint32_t f = page_flags(pg);
	dirty = dirty || (f & PG_dirty);
	if (f & PG_anon) {
		mss->anonymous += PAGE_SIZE;
		if (!(f & PG_swapbacked) && !dirty)
			mss->lazyfree += PAGE_SIZE;
	}
	mss->resident += PAGE_SIZE;
	if (young || (f & PG_referenced))
		mss->referenced += PAGE_SIZE;
	if (page_refcount(pg) == 1) {
		smaps_page_accumulate(mss, PAGE_SIZE, PAGE_SIZE << PSS_SHIFT, dirty, locked, true);
		return;
	}
	int32_t mapcount = page_mapcount(pg);
	uint64_t pss = PAGE_SIZE << PSS_SHIFT;
	if (mapcount >= 2)
		pss /= (uint64_t)mapcount;
	smaps_page_accumulate(mss, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
}

struct smaps_walk {
	struct mm *mm;
	struct mem_size_stats *mss;
	bool locked;
};

static int smaps_pte_entry(void *arg, uint64_t va, pte_t *ptep)
{
	struct smaps_walk *w = arg;
	pte_t pte = *ptep;
	switch (pte_kind(pte)) {
	case PTE_KIND_SWAP: {
		uint32_t count = swap_count(w->mm->sys, pte_swp_offset(pte));
		w->mss->swap += PAGE_SIZE;
		w->mss->swap_pss +=
		    count >= 2 ? (PAGE_SIZE << PSS_SHIFT) / count : PAGE_SIZE << PSS_SHIFT;
		return 0;
	}
	case PTE_KIND_PRESENT:
		break;
	case PTE_KIND_NONE:
	case PTE_KIND_ZERO:
	case PTE_KIND_GUARD: /* smaps counts no marker */
	case PTE_KIND_BAD:
		return 0;
	}
	struct page *pg = pfn_to_page(mm_pool(w->mm), pte_pfn(pte));
	smaps_account(w->mss, pg, pte & PTE_ACCESSED, pte & PTE_DIRTY, w->locked);
	return 0;
}

/* smap_gather_stats() */
static void smap_gather_stats(struct mm *mm, struct vma *vma, struct mem_size_stats *mss)
{
	struct smaps_walk w = {.mm = mm, .mss = mss, .locked = vma->flags & VM_LOCKED};
	if (vma_is_shmem(vma) && (vma->flags & (VM_SHARED | VM_WRITE)) != VM_WRITE) {
		struct mmk_inode *in = vma->file->inode;
		mmk_mutex_lock(&in->lock);
		mss->swap += shmem_swapped_locked(in, vma->pgoff, vma->pgoff + vma_pages(vma))
			     << PAGE_SHIFT;
		mmk_mutex_unlock(&in->lock);
	}
	mmk_mutex_lock(&mm->ptl);
	pgtable_for_each(&mm->pt, vma_start(vma), vma_end(vma), smaps_pte_entry, &w);
	mmk_mutex_unlock(&mm->ptl);
}

/* thp_vma_allowable_orders(TVA_SMAPS) with enabled=madvise, PMD order only:
 * private anonymous memory advised MADV_HUGEPAGE that can hold an aligned
 * 2 MiB page.  (Shared memory: shmem_enabled=never; file THP needs
 * CONFIG_READ_ONLY_THP_FOR_FS and is not modelled.) */
static bool thp_eligible(const struct vma *vma)
{
	if (vma->file || !(vma->flags & VM_HUGEPAGE) || (vma->flags & VM_NOHUGEPAGE))
		return false;
	if (vma_end(vma) < HPAGE_PMD_SIZE)
		return false;
	uint64_t haddr = (vma_end(vma) - HPAGE_PMD_SIZE) & ~(HPAGE_PMD_SIZE - 1);
	return haddr >= vma_start(vma);
}

/* show_smap_vma_flags(): Linux's mnemonics in bit order. */
static void show_smap_vma_flags(struct textbuf *tb, uint64_t flags)
{
	static const char *const mnemonics[64] = {
	    [0] = "rd",	 [1] = "wr",  [2] = "ex",  [3] = "sh",	[4] = "mr",  [5] = "mw",
	    [6] = "me",	 [7] = "ms",  [8] = "gd",  [10] = "pf", [11] = "gu", [13] = "lo",
	    [14] = "io", [15] = "sr", [16] = "rr", [17] = "dc", [18] = "de", [19] = "lf",
	    [20] = "ac", [21] = "nr", [22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf",
	    [26] = "dd", [28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg", [40] = "dp",
	};
	tb_printf(tb, "VmFlags: ");
	for (int i = 0; i < 64; i++)
		if (mnemonics[i] && (flags & (1ULL << i)))
			tb_printf(tb, "%s ", mnemonics[i]);
	tb_printf(tb, "\n");
}

/* SEQ_PUT_DEC: a 16-column label, the value in kB right-aligned in 8. */
static void put_kb(struct textbuf *tb, const char *label, uint64_t bytes)
{
	tb_printf(tb, "%-16s%8llu kB\n", label, (unsigned long long)(bytes >> 10));
}

/* The lines after an smaps entry's maps line (show_smap's). */
static void smaps_render_stats(struct textbuf *tb, uint64_t size, const struct mem_size_stats *m,
			       bool thp, uint64_t vm_flags)
{
	const struct mem_size_stats mss = *m;
	put_kb(tb, "Size:", size);
	put_kb(tb, "KernelPageSize:", PAGE_SIZE);
	put_kb(tb, "MMUPageSize:", PAGE_SIZE);
	put_kb(tb, "Rss:", mss.resident);
	put_kb(tb, "Pss:", mss.pss >> PSS_SHIFT);
	put_kb(tb, "Pss_Dirty:", mss.pss_dirty >> PSS_SHIFT);
	put_kb(tb, "Shared_Clean:", mss.shared_clean);
	put_kb(tb, "Shared_Dirty:", mss.shared_dirty);
	put_kb(tb, "Private_Clean:", mss.private_clean);
	put_kb(tb, "Private_Dirty:", mss.private_dirty);
	put_kb(tb, "Referenced:", mss.referenced);
	put_kb(tb, "Anonymous:", mss.anonymous);
	put_kb(tb, "KSM:", 0);
	put_kb(tb, "LazyFree:", mss.lazyfree);
	put_kb(tb, "AnonHugePages:", 0);
	put_kb(tb, "ShmemPmdMapped:", 0);
	put_kb(tb, "FilePmdMapped:", 0);
	put_kb(tb, "Shared_Hugetlb:", 0);
	tb_printf(tb, "Private_Hugetlb: %7llu kB\n", 0ULL);
	put_kb(tb, "Swap:", mss.swap);
	put_kb(tb, "SwapPss:", mss.swap_pss >> PSS_SHIFT);
	put_kb(tb, "Locked:", mss.pss_locked >> PSS_SHIFT);
	tb_printf(tb, "THPeligible:    %8u\n", thp ? 1u : 0u);
	show_smap_vma_flags(tb, vm_flags);
}

void vma_render_smaps(struct textbuf *tb, struct mm *mm, struct vma *vma)
{
	struct mem_size_stats mss = {0};
	smap_gather_stats(mm, vma, &mss);
	vma_render_maps_line(tb, mm, vma);
	smaps_render_stats(tb, vma_end(vma) - vma_start(vma), &mss, thp_eligible(vma), vma->flags);
}

int64_t mmk_proc_smaps(mmk_proc *p, char *buf, uint64_t len)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct textbuf tb = {0};
	struct mm *mm = p->mm;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	for (struct vma *v = node_vma(vma_tree_first(&mm->vmas)); v; v = vma_next(v))
		if (!v->reserved)
			vma_render_smaps(&tb, mm, v);
	if (mm->gate) {
		/* the gate page (x86-64's [vsyscall]): nothing resident, "ex" */
		const struct mem_size_stats none = {0};
		gate_render_maps_line(&tb);
		smaps_render_stats(&tb, PAGE_SIZE, &none, false, VM_EXEC);
	}
	mmk_rwlock_unlock(&mm->mmap_lock);
	return tb_finish(&tb, buf, len);
}

/* ---- status ---------------------------------------------------------------------------- */

static void put_status(struct textbuf *tb, const char *label, uint64_t kb)
{
	tb_printf(tb, "%s:\t%8llu kB\n", label, (unsigned long long)kb);
}

/*
 * task_mem() + hugetlb_report_usage(): the VM sizes come from the address-space layer's counters
 * (which leave reserved VMAs out); VmExe is the program's text exec
 * loaded (end_code - start_code, page-rounded, at most exec_vm; 0 without
 * an exec'd program), every other executable mapping is VmLib.  Caller holds no lock.
 */
void mm_render_status(struct textbuf *tb, struct mmk_proc *p)
{
	struct mm *mm = p->mm;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	uint64_t total_vm = mm->total_vm, hiwater_vm = mm->hiwater_vm;
	uint64_t locked_vm = mm->locked_vm + mm->locked_vm_extra, data_vm = mm->data_vm,
		 stack_vm = mm->stack_vm;
	uint64_t exec_vm = mm->exec_vm;
	uint64_t text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	mmk_mutex_lock(&mm->ptl);
	uint64_t anon = mm->rss_anon, file = mm->rss_file, shmem = mm->rss_shmem;
	uint64_t hiwater_rss = mm->hiwater_rss, swap = mm->swap_ents;
	uint64_t pte_bytes = pgtable_bytes(&mm->pt);
	mmk_mutex_unlock(&mm->ptl);
	mmk_rwlock_unlock(&mm->mmap_lock);

	const unsigned k = PAGE_SHIFT - 10;
	uint64_t total_rss = anon + file + shmem;
	if (hiwater_vm < total_vm)
		hiwater_vm = total_vm;
	if (hiwater_rss < total_rss)
		hiwater_rss = total_rss;
	if (text > exec_vm << PAGE_SHIFT)
		text = exec_vm << PAGE_SHIFT;
	uint64_t lib = (exec_vm << PAGE_SHIFT) - text;
	put_status(tb, "VmPeak", hiwater_vm << k);
	put_status(tb, "VmSize", total_vm << k);
	put_status(tb, "VmLck", locked_vm << k);
	put_status(tb, "VmPin", 0);
	put_status(tb, "VmHWM", hiwater_rss << k);
	put_status(tb, "VmRSS", total_rss << k);
	put_status(tb, "RssAnon", anon << k);
	put_status(tb, "RssFile", file << k);
	put_status(tb, "RssShmem", shmem << k);
	put_status(tb, "VmData", data_vm << k);
	put_status(tb, "VmStk", stack_vm << k);
	put_status(tb, "VmExe", text >> 10);
	put_status(tb, "VmLib", lib >> 10);
	put_status(tb, "VmPTE", pte_bytes >> 10);
	put_status(tb, "VmSwap", swap << k);
	put_status(tb, "HugetlbPages", 0); /* hugetlb_report_usage(): no hugetlbfs */
}

int64_t mmk_proc_status(mmk_proc *p, char *buf, uint64_t len)
{
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct textbuf tb = {0};
	mm_render_status(&tb, p);
	return tb_finish(&tb, buf, len);
}

/* ---- faults and pagemap ---------------------------------------------------------------- */

int mmk_proc_faults(mmk_proc *p, struct mmk_fault_counts *out)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!out)
		return -EINVAL;
	struct mm *mm = p->mm;
	mmk_mutex_lock(&mm->ptl);
	out->minor = mm->min_flt;
	out->major = mm->maj_flt;
	mmk_mutex_unlock(&mm->ptl);
	return 0;
}

/* pagemap_pte_range(): exclusive means mapped once (PM_MMAP_EXCLUSIVE). */
static void pageinfo_fill(struct mm *mm, pte_t pte, struct mmk_pageinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->guard = pte_kind(pte) == PTE_KIND_GUARD;
	pi->swapped = pte_kind(pte) == PTE_KIND_SWAP;
	if (!pte_present(pte))
		return;
	pi->present = 1;
	pi->pfn = pte_pfn(pte);
	pi->writable = (pte & PTE_WRITE) != 0;
	pi->dirty = (pte & PTE_DIRTY) != 0;
	if (pte & PTE_SPECIAL) {
		pi->zero = 1;
		pi->refcount = page_refcount(pfn_to_page(mm_pool(mm), ZERO_PFN));
		return;
	}
	struct page *pg = pfn_to_page(mm_pool(mm), pte_pfn(pte));
	uint32_t f = page_flags(pg);
	pi->anon = (f & PG_anon) != 0;
	pi->file = !pi->anon;
	pi->dirty |= (f & PG_dirty) != 0;
	pi->mapcount = (uint32_t)page_mapcount(pg);
	pi->refcount = page_refcount(pg);
	pi->exclusive = pi->mapcount == 1;
}

int mmk_proc_pagemap(mmk_proc *p, uint64_t addr, uint64_t npages, struct mmk_pageinfo *out)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (npages && !out)
		return -EFAULT;
	struct mm *mm = p->mm;
	uint64_t va = addr & PAGE_MASK;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	mmk_mutex_lock(&mm->ptl);
	for (uint64_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		pte_t *ptep = va < mm->task_size ? pgtable_walk(&mm->pt, va, 0) : NULL;
		pageinfo_fill(mm, ptep ? *ptep : 0, &out[i]);
	}
	mmk_mutex_unlock(&mm->ptl);
	mmk_rwlock_unlock(&mm->mmap_lock);
	return 0;
}
