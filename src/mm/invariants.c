/*
 * invariants.c - the address-space invariant checker (Linux: validate_mm()).
 * Run after every mutating call in debug builds and by mmk_system_check().
 *
 * Checks: the VMA tree's own invariants (order, balance, gap data); every
 * VMA non-empty, page aligned, inside [0, TASK_SIZE), with consistent flags
 * (VM_SHARED implies VM_MAYSHARE; VM_WRITE implies VM_MAYWRITE...); a file
 * VMA is on its inode's i_mmap list; anon_vma is on the VMA's chain;
 * map_count equals the number of VMAs; the counters equal a recount; no two
 * neighbours that Linux would have merged are left unmerged is NOT checked
 * (Linux itself leaves such pairs, e.g. after munmap).
 */
#include <errno.h>
#include <stdio.h>

#include "internal.h"
#include "vma.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EUCLEAN;                                                                   \
	} while (0)

static bool on_i_mmap(struct vma *v)
{
	bool found = false;
	mmk_mutex_lock(&v->file->inode->lock);
	for (struct vma *x = v->file->inode->i_mmap; x; x = x->i_mmap_next)
		if (x == v)
			found = true;
	mmk_mutex_unlock(&v->file->inode->lock);
	return found;
}

int mm_check(struct mm *mm, char *err, size_t errlen)
{
	mmap_assert_locked(mm);
	if (vma_tree_check(&mm->vmas, err, errlen))
		return -EUCLEAN;
	uint64_t count = 0, total = 0, data = 0, exec = 0, stack = 0, locked = 0, committed = 0;
	for (struct vma *v = node_vma(vma_tree_first(&mm->vmas)); v; v = vma_next(v)) {
		count++;
		uint64_t s = vma_start(v), e = vma_end(v);
		if (!PAGE_ALIGNED(s) || !PAGE_ALIGNED(e) || s >= e || e > mm->task_size)
			FAIL("vma %#lx-%#lx: bad bounds", (unsigned long)s, (unsigned long)e);
		if (v->mm != mm)
			FAIL("vma %#lx-%#lx: wrong mm", (unsigned long)s, (unsigned long)e);
		if ((v->flags & VM_SHARED) && !(v->flags & VM_MAYSHARE))
			FAIL("vma %#lx: VM_SHARED without VM_MAYSHARE", (unsigned long)s);
		if (!v->reserved && ((v->flags & VM_ACCESS_FLAGS) & ~(v->flags >> 4)))
			FAIL("vma %#lx: access beyond VM_MAY* (%#lx)", (unsigned long)s,
			     (unsigned long)v->flags);
		if ((v->flags & VM_SHARED) && !v->file)
			FAIL("vma %#lx: shared without a file", (unsigned long)s);
		if (v->file && !on_i_mmap(v))
			FAIL("vma %#lx: not on its file's i_mmap", (unsigned long)s);
		if (v->anon_vma) {
			bool found = false;
			for (struct avc *a = v->anon_vma_chain; a; a = a->same_vma_next)
				if (a->anon_vma == v->anon_vma && a->vma == v)
					found = true;
			if (!found)
				FAIL("vma %#lx: anon_vma not on its chain", (unsigned long)s);
		} else if (v->anon_vma_chain) {
			FAIL("vma %#lx: anon_vma chain without anon_vma", (unsigned long)s);
		}
		if (v->reserved)
			continue;
		uint64_t n = (e - s) >> PAGE_SHIFT;
		total += n;
		if ((v->flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
			exec += n;
		else if (v->flags & VM_GROWSDOWN)
			stack += n;
		else if ((v->flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE)
			data += n;
		if (v->flags & VM_LOCKED)
			locked += n;
		if (v->flags & VM_ACCOUNT)
			committed += n;
	}
	if (count != mm->vmas.count)
		FAIL("map_count %lu but %lu VMAs", (unsigned long)mm->vmas.count,
		     (unsigned long)count);
	if (total != mm->total_vm || data != mm->data_vm || exec != mm->exec_vm ||
	    stack != mm->stack_vm || locked != mm->locked_vm)
		FAIL("vm counters: total %lu/%lu data %lu/%lu exec %lu/%lu stack %lu/%lu "
		     "locked %lu/%lu",
		     (unsigned long)mm->total_vm, (unsigned long)total, (unsigned long)mm->data_vm,
		     (unsigned long)data, (unsigned long)mm->exec_vm, (unsigned long)exec,
		     (unsigned long)mm->stack_vm, (unsigned long)stack,
		     (unsigned long)mm->locked_vm, (unsigned long)locked);
	if (committed != mm->commit_vm)
		FAIL("commit_vm %lu but %lu VM_ACCOUNT pages", (unsigned long)mm->commit_vm,
		     (unsigned long)committed);
	return 0;
}
