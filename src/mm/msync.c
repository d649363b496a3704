/*
 * msync.c - msync(2), mirroring mm/msync.c: checks in Linux's order, then
 * a walk over the VMAs of [start, start + len).
 *
 *   flags outside MS_ASYNC|MS_INVALIDATE|MS_SYNC    -EINVAL
 *   start not page aligned                          -EINVAL
 *   MS_ASYNC together with MS_SYNC                  -EINVAL
 *   len rounded up to pages; end wraps              -ENOMEM
 *   len 0                                           0
 *   an unmapped gap                                 keep going, -ENOMEM at the
 *                                                   end (plain MS_ASYNC: stop
 *                                                   there with -ENOMEM)
 *   MS_INVALIDATE on a VM_LOCKED VMA                -EBUSY, at once
 *   MS_SYNC on a shared file mapping                write the range's dirty
 *                                                   pages back, then fsync
 *                                                   (vfs_fsync_range)
 *
 * MS_ASYNC does nothing, as on Linux since dirty pages are tracked and
 * written back by the flusher anyway; MS_INVALIDATE does nothing beyond its
 * check (the page cache is coherent with every mapping).
 */
#include <errno.h>

#include "pages.h"

int mmk_msync(mmk_proc *p, uint64_t start, uint64_t len, int flags)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (flags & ~(MMK_MS_ASYNC | MMK_MS_INVALIDATE | MMK_MS_SYNC))
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((flags & MMK_MS_ASYNC) && (flags & MMK_MS_SYNC))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	uint64_t end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;

	struct mm *mm = p->mm;
	int unmapped_error = 0;
	mmk_rwlock_rdlock(&mm->mmap_lock);
	struct vma *vma = find_vma(mm, start);
	for (;;) {
		err = -ENOMEM;
		if (!vma)
			break;
		if (start < vma_start(vma)) {
			if (flags == MMK_MS_ASYNC)
				break;
			start = vma_start(vma);
			if (start >= end)
				break;
			unmapped_error = -ENOMEM;
		}
		if ((flags & MMK_MS_INVALIDATE) && (vma->flags & VM_LOCKED)) {
			err = -EBUSY;
			break;
		}
		uint64_t stop = end < vma_end(vma) ? end : vma_end(vma);
		err = pagecache_msync_vma(mm, vma, start, stop, flags);
		start = vma_end(vma);
		if (err || start >= end)
			break;
		vma = vma_next(vma);
	}
	mmk_rwlock_unlock(&mm->mmap_lock);
	return err ? err : unmapped_error;
}
