/*
 * mprotect.c - mprotect(2), mirroring mm/mprotect.c do_mprotect_pkey() and
 * mprotect_fixup().
 *
 * The walk changes VMA after VMA from the first one containing start; a hole
 * met after some VMAs were already changed ends the call with -ENOMEM and
 * leaves the earlier changes in place, as Linux does.  Each change goes
 * through vma_modify(), so the range is split off or merged with its
 * neighbours exactly where Linux would; then the PTEs follow
 * (change_protection).
 */
#include <errno.h>

#include "commit.h"
#include "internal.h"
#include "vma.h"

#define PROT_SEM 0x8

/* mprotect_fixup(): gives [start, end) of v the flags newflags. */
static int mprotect_fixup(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
			  uint64_t newflags, struct vma **out)
{
	uint64_t oldflags = v->flags;
	uint64_t npages = (end - start) >> PAGE_SHIFT;
	*out = v;
	if (newflags == oldflags)
		return 0;
	if (newflags & VM_WRITE) {
		if (!may_expand_vm(mm, newflags, npages) && may_expand_vm(mm, oldflags, npages))
			return -ENOMEM;
		/* Private memory becoming writable is charged (commit.c). */
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
			if (vm_enough_memory(mm, npages))
				return -ENOMEM;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(v) && !v->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	int err = 0;
	struct vma *m = vma_modify(mm, v, start, end, newflags, NULL, false, &err);
	if (!m)
		return err;
	*out = m;
	mm_change_protection(mm, m, start, end, newflags);
	/* A private locked VMA becoming writable is COW-broken at once. */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		mm_populate(mm, start, end);
	return 0;
}

static int do_mprotect(struct mm *mm, uint64_t start, uint64_t end, int prot, int grows)
{
	struct vma *v = find_vma(mm, start);
	if (!v || vma_start(v) >= end)
		return -ENOMEM;
	if (grows & MMK_PROT_GROWSDOWN) {
		start = vma_start(v);
		if (!(v->flags & VM_GROWSDOWN))
			return -EINVAL;
	} else {
		if (vma_start(v) > start)
			return -ENOMEM;
		if (grows & MMK_PROT_GROWSUP)
			return -EINVAL; /* x86 has no VM_GROWSUP */
	}
	uint64_t nstart = start, tmp = vma_start(v);
	uint64_t newprot = 0;
	if (prot & MMK_PROT_READ)
		newprot |= VM_READ;
	if (prot & MMK_PROT_WRITE)
		newprot |= VM_WRITE;
	if (prot & MMK_PROT_EXEC)
		newprot |= VM_EXEC;
	int err = 0;
	while (v && vma_start(v) < end) {
		if (vma_start(v) != tmp) {
			err = -ENOMEM;
			break;
		}
		if (v->reserved) {
			err = -EACCES; /* not ours to change */
			break;
		}
		uint64_t newflags = newprot | (v->flags & ~VM_ACCESS_FLAGS);
		/* newflags >> 4 puts VM_MAY* where VM_* are. */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			err = -EACCES;
			break;
		}
		tmp = vma_end(v) < end ? vma_end(v) : end;
		struct vma *m;
		err = mprotect_fixup(mm, v, nstart, tmp, newflags, &m);
		if (err)
			break;
		/* Go on from the end of the VMA just changed (merges may have
		 * moved it), as Linux's vma_iter_end() does. */
		tmp = nstart = vma_end(m);
		v = vma_next(m);
	}
	if (!err && tmp < end)
		err = -ENOMEM;
	return err;
}

int mmk_mprotect(mmk_proc *p, uint64_t start, uint64_t len, uint64_t prot)
{
	int err = proc_enter(p);
	if (err)
		return err;
	int grows = (int)(prot & (MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP));
	prot &= ~(MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP);
	if (grows == (MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP))
		return -EINVAL;
	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	uint64_t end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(MMK_PROT_READ | MMK_PROT_WRITE | MMK_PROT_EXEC | PROT_SEM))
		return -EINVAL;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	err = do_mprotect(mm, start, end, (int)prot, grows);
	mm_debug_check(mm, "mprotect");
	mmap_write_unlock(mm);
	return err;
}
