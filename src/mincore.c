/*
 * mincore.c - mincore(2), mirroring mm/mincore.c (the syscall and
 * do_mincore): one byte per page of [addr, addr + len), bit 0 set when the
 * page is resident -- mapped by a PTE, or, in a file mapping, in the page
 * cache even if this process never touched it (mm_mincore).
 *
 * Errors, in Linux's order: -EINVAL for an unaligned addr; -ENOMEM when
 * the range leaves the user address space (access_ok) or, on reaching an
 * unmapped page, after the bytes of the pages before it were written;
 * -EFAULT for a NULL vec.
 */
#include <errno.h>

#include "pages.h"

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
