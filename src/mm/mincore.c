/*
 * mincore.c - mincore(2), mirroring mm/mincore.c (the syscall, do_mincore,
 * and mm_mincore, mincore_vma's walk of one VMA): one byte per page of
 * [addr, addr + len), bit 0 set when the page is resident -- mapped by a
 * PTE, or, in a file mapping, in the page cache even if this process never
 * touched it.
 *
 * Errors, in Linux's order: -EINVAL for an unaligned addr; -ENOMEM when
 * the range leaves the user address space (access_ok) or, on reaching an
 * unmapped page, after the bytes of the pages before it were written;
 * -EFAULT for a NULL vec.
 */
#include <errno.h>

#include "pages.h"
#include "swap.h"

#define MINCORE_ASK_CACHE 2 /* pte_none in a file mapping: the page cache decides */

/* mincore_pte_range() for one PTE of a VMA that maps a file or not. */
static unsigned char mincore_pte(struct mm *mm, pte_t pte, bool file)
{
	switch (pte_kind(pte)) {
	case PTE_KIND_PRESENT:
	case PTE_KIND_ZERO:
		return 1;
	case PTE_KIND_SWAP:
		return swap_cached(mm->sys, pte_swp_offset(pte));
	case PTE_KIND_NONE:
	case PTE_KIND_GUARD: /* pte_none_mostly(): a marker counts as none */
	case PTE_KIND_BAD:
		break;
	}
	return file ? MINCORE_ASK_CACHE : 0;
}

/*
 * mincore_pte_range(): 1 for a present PTE (zero page included); a swap
 * entry is resident only while its page is still in the swap cache; for
 * no PTE, the page cache's residency in a file or shmem mapping (even of a
 * page this process never touched; a swapped-out shmem page is not in
 * it), 0 in anonymous memory.
 */
void mm_mincore(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, unsigned char *vec)
{
	mmap_assert_locked(mm);
	uint64_t n = (end - start) >> PAGE_SHIFT;
	bool file = vma->file != NULL;
	mmk_mutex_lock(&mm->ptl);
	for (uint64_t i = 0; i < n; i++) {
		pte_t *ptep = pgtable_walk(&mm->pt, start + (i << PAGE_SHIFT), 0);
		vec[i] = mincore_pte(mm, ptep ? *ptep : 0, file);
	}
	mmk_mutex_unlock(&mm->ptl);
	if (!file)
		return;
	struct mmk_inode *in = vma->file->inode;
	mmk_mutex_lock(&in->lock);
	for (uint64_t i = 0; i < n; i++) {
		if (vec[i] != MINCORE_ASK_CACHE)
			continue;
		pfn_t pfn;
		uint64_t pgoff = vma_pgoff_of(vma, start + (i << PAGE_SHIFT));
		vec[i] = !pagecache_lookup_locked(in, pgoff, &pfn) &&
			 page_test(pfn_to_page(mm_pool(mm), pfn), PG_uptodate);
	}
	mmk_mutex_unlock(&in->lock);
}

int mmk_mincore(mmk_proc *p, uint64_t addr, uint64_t len, unsigned char *vec)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr + len < addr || addr + len > p->mm->task_size)
		return -ENOMEM;
	uint64_t pages = (len >> PAGE_SHIFT) + ((len & (PAGE_SIZE - 1)) != 0);
	if (!pages)
		return 0;
	if (!vec)
		return -EFAULT;
	struct mm *mm = p->mm;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	while (pages) {
		struct vma *vma = vma_lookup(mm, addr);
		if (!vma) {
			err = -ENOMEM;
			break;
		}
		uint64_t end = addr + (pages << PAGE_SHIFT);
		if (end > vma_end(vma))
			end = vma_end(vma);
		mm_mincore(mm, vma, addr, end, vec);
		uint64_t n = (end - addr) >> PAGE_SHIFT;
		vec += n;
		pages -= n;
		addr = end;
	}
	mmk_rwlock_unlock(&mm->mmap_lock);
	return err;
}
