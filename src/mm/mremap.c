/*
 * mremap.c - mremap(2), mirroring mm/mremap.c (Linux 6.x: check_mremap_params,
 * check_prep_vma, mremap_at, mremap_to, expand_vma, move_vma, copy_vma).
 *
 * What happens, by case (old = [addr, addr + old_len)):
 *
 *   new_len == old_len, no FIXED/DONTUNMAP   nothing; returns addr
 *   new_len <  old_len, no FIXED/DONTUNMAP   unmap the tail; returns addr
 *   new_len >  old_len, no FIXED/DONTUNMAP   grow in place if old ends at its
 *                                            VMA's end and the space after is
 *                                            free (merging with the next VMA
 *                                            where Linux would); else MAYMOVE
 *                                            moves, else -ENOMEM
 *   FIXED (needs MAYMOVE)                    unmap [new_addr, +new_len), shrink
 *                                            first if smaller, move there
 *   FIXED, old_len == new_len (6.17+)        every VMA piece of the range moves,
 *                                            gaps kept (remap_move)
 *   DONTUNMAP (needs MAYMOVE, same length)   move; the old range stays mapped
 *                                            but empty, VM_LOCKED off (still
 *                                            charged, as is the new range)
 *   old_len == 0 (shared mappings only)      a second mapping of the same pages
 *
 * Moving = copy_vma (a new VMA, or a merge with neighbours at the target),
 * move the PTEs (mm_move_ptes), unmap the source.  A private anonymous VMA
 * that never had a page takes pgoff = new_addr >> 12 so it can merge there;
 * one with pages keeps its pgoff (the anon rmap index), which usually stops
 * merges at the new place, as on Linux.
 */
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "commit.h"
#include "internal.h"
#include "vma.h"

struct remap {
	struct mm *mm;
	uint64_t addr, old_len, new_len, new_addr;
	uint64_t flags; /* all 64 bits: sys_mremap takes an unsigned long */
	struct vma *vma;
};

static bool implies_new_addr(const struct remap *r)
{
	return r->flags & (MMK_MREMAP_FIXED | MMK_MREMAP_DONTUNMAP);
}

/* check_mremap_params(): checks that need no VMA. */
static int check_params(struct remap *r)
{
	if (r->flags & ~(MMK_MREMAP_FIXED | MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP))
		return -EINVAL;
	if (!PAGE_ALIGNED(r->addr))
		return -EINVAL;
	if (!r->new_len)
		return -EINVAL;
	if (r->new_len > r->mm->task_size)
		return -EINVAL;
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > r->mm->task_size - r->new_len)
		return -EINVAL;
	if (!PAGE_ALIGNED(r->new_addr))
		return -EINVAL;
	if (!(r->flags & MMK_MREMAP_MAYMOVE))
		return -EINVAL;
	if ((r->flags & MMK_MREMAP_DONTUNMAP) && r->old_len != r->new_len)
		return -EINVAL;
	/* The two ranges must not overlap. */
	if (r->addr < r->new_addr + r->new_len && r->new_addr < r->addr + r->old_len)
		return -EINVAL;
	return 0;
}

/* check_mremap_params()'s last check, room for two more VMAs, made under
 * mmap_lock (Linux reads map_count without it; here another thread's
 * mapping call may be changing it), before anything else looked at there:
 * the order of the errors stays Linux's. */
static int check_map_count_locked(struct remap *r)
{
	mmap_assert_locked(r->mm);
	if (implies_new_addr(r) && r->mm->vmas.count + 2 >= r->mm->sys->cfg.max_map_count - 3)
		return -ENOMEM;
	return 0;
}

/* check_prep_vma(): checks on the VMA at addr. */
static int check_vma(struct remap *r)
{
	struct vma *v = r->vma;
	if (!v || v->reserved)
		return -EFAULT;
	bool expand = r->new_len > r->old_len;
	if (!expand && !implies_new_addr(r))
		return 0;
	if (!r->old_len && !(v->flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((r->flags & MMK_MREMAP_DONTUNMAP) && (v->flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	/* The moved range must lie in one VMA; a shrink with a new address
	 * unmaps its tail first (mremap_to), so only new_len moves. */
	uint64_t moved = r->new_len < r->old_len ? r->new_len : r->old_len;
	if ((implies_new_addr(r) ? moved : r->old_len) > vma_end(v) - r->addr)
		return -EFAULT;
	/* What follows guards a growing mapping only. */
	if (r->new_len <= r->old_len)
		return 0;
	uint64_t pgoff = v->pgoff + ((r->addr - vma_start(v)) >> PAGE_SHIFT);
	if (pgoff + (r->new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (v->flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	uint64_t delta = r->new_len - r->old_len;
	if (!mlock_future_ok(r->mm, v->flags, delta))
		return -EAGAIN;
	if (!may_expand_vm(r->mm, v->flags, delta >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/* shrink_vma(): unmaps the tail beyond new_len; do_vmi_munmap() refuses a
 * tail past TASK_SIZE (an old_len near 2^64) with -EINVAL. */
static int shrink(struct remap *r)
{
	uint64_t start = r->addr + r->new_len, len = r->old_len - r->new_len;
	if (start > r->mm->task_size || len > r->mm->task_size - start)
		return -EINVAL;
	int err = do_munmap_range(r->mm, start, start + len);
	if (!err)
		r->old_len = r->new_len;
	return err;
}

/* vma_expandable(): the space after v is free and inside the address space. */
static bool vma_expandable(struct mm *mm, struct vma *v, uint64_t delta)
{
	uint64_t end = vma_end(v) + delta;
	if (end < vma_end(v) || end > mm->task_size)
		return false;
	struct vma *n = find_vma(mm, vma_end(v));
	return !n || vma_start(n) >= end;
}

/* vrm_calc_charge(): an accounted VMA's growth (delta pages) must be
 * backed.  0 or -ENOMEM. */
static int charge_growth(struct remap *r, uint64_t delta)
{
	if (!(r->vma->flags & VM_ACCOUNT) || !delta)
		return 0;
	return vm_enough_memory(r->mm, delta >> PAGE_SHIFT);
}

/* expand_vma_in_place() through vma_merge_extend(). */
static int expand_in_place(struct remap *r, uint64_t delta)
{
	struct vma *v = r->vma;
	if (charge_growth(r, delta))
		return -ENOMEM;
	struct vmg g = {
	    .prev = v,
	    .next = find_vma(r->mm, vma_end(v)),
	    .start = vma_end(v),
	    .end = vma_end(v) + delta,
	    .pgoff = v->pgoff + vma_pages(v),
	    .flags = v->flags,
	    .file = v->file,
	    .anon_vma = v->anon_vma,
	    .anon_name = v->anon_name,
	};
	if (g.next && vma_start(g.next) != g.end)
		g.next = NULL;
	struct vma *m = vma_merge_new_range(r->mm, &g);
	if (!m)
		return -ENOMEM;
	r->vma = m;
	return 0;
}

/* copy_vma(): the VMA that will hold [new_addr, +new_len) with v's attributes. */
static struct vma *copy_vma(struct remap *r, struct vma **vp, uint64_t pgoff)
{
	struct mm *mm = r->mm;
	struct vma *v = *vp;
	uint64_t addr = r->new_addr, end = addr + r->new_len;
	if (vma_is_anonymous(v) && !v->anon_vma)
		pgoff = addr >> PAGE_SHIFT;
	struct vmg g = {
	    .prev = node_vma(vma_tree_find_prev(&mm->vmas, addr)),
	    .next = find_vma(mm, addr),
	    .src = v,
	    .start = addr,
	    .end = end,
	    .pgoff = pgoff,
	    .flags = v->flags,
	    .file = v->file,
	    .anon_vma = v->anon_vma,
	    .anon_name = v->anon_name,
	};
	if (g.next && vma_start(g.next) != end)
		g.next = NULL;
	struct vma *n = vma_merge_new_range(mm, &g);
	if (n) {
		/* The source may have been merged into the new VMA (only
		 * possible for a never-faulted anonymous VMA). */
		if (vma_start(n) <= r->addr && r->addr < vma_end(n))
			*vp = n;
		return n;
	}
	if (g.nomem)
		return NULL;
	n = vma_alloc(mm);
	if (!n)
		return NULL;
	n->node.start = addr;
	n->node.end = end;
	n->flags = v->flags;
	n->pgoff = pgoff;
	n->special = v->special;
	n->file = v->file;
	if (n->file)
		file_get(n->file);
	if (v->anon_name && !(n->anon_name = mmk_strdup(v->mm->sys, v->anon_name))) {
		vma_free(n);
		return NULL;
	}
	n->anon_vma = v->anon_vma;
	if (anon_vma_clone(n, v)) {
		n->anon_vma = NULL;
		vma_free(n);
		return NULL;
	}
	vma_link(mm, n);
	TRACE(mm->sys, .kind = MMK_EV_VMA_CREATE, .pid = mm->pid, .start = addr, .end = end,
	      .detail = "mremap");
	return n;
}

/* move_vma(): copy, move the PTEs, then unmap (or, DONTUNMAP, empty) the source. */
static int64_t move_vma(struct remap *r)
{
	struct mm *mm = r->mm;
	struct vma *v = r->vma;
	if (mm->vmas.count >= mm->sys->cfg.max_map_count - 3)
		return -ENOMEM;
	/* The growth is charged; without unmapping the source, the whole
	 * new range is. */
	uint64_t more = r->new_len > r->old_len ? r->new_len - r->old_len : 0;
	if (charge_growth(r, (r->flags & MMK_MREMAP_DONTUNMAP) ? r->new_len : more))
		return -ENOMEM;
	uint64_t pgoff = v->pgoff + ((r->addr - vma_start(v)) >> PAGE_SHIFT);
	uint64_t hiwater = mm->hiwater_vm;
	struct vma *n = copy_vma(r, &v, pgoff);
	if (!n)
		return -ENOMEM;
	uint64_t moved = r->old_len < r->new_len ? r->old_len : r->new_len;
	if (moved) {
		int err = mm_move_ptes(mm, r->addr, r->new_addr, moved);
		if (err) {
			/* Undo: move back what moved and drop the new range. */
			mm_move_ptes(mm, r->new_addr, r->addr, moved);
			do_munmap_range(mm, r->new_addr, r->new_addr + r->new_len);
			return err;
		}
	}
	if (r->flags & MMK_MREMAP_DONTUNMAP) {
		/* dontunmap_complete(): the old VMA loses VM_LOCKED*, but
		 * "because we won't unmap we don't need to touch locked_vm":
		 * its locked pages stay counted in VmLck for good. */
		v = vma_lookup(mm, r->addr);
		if (v) {
			if ((v->flags & VM_LOCKED) && !v->reserved)
				mm->locked_vm_extra += vma_pages(v);
			vma_set_flags(v, v->flags & ~VM_LOCKED_MASK);
			if (v != n && vma_start(v) == r->addr && vma_end(v) == r->addr + r->old_len)
				unlink_anon_vmas(v);
		}
	} else if (r->old_len) {
		/* The source's pages have moved; unmapping it frees no page
		 * of the new range.  Linux clears VM_ACCOUNT around this only
		 * to avoid uncharging twice: the flags come out unchanged. */
		do_munmap_range(mm, r->addr, r->addr + r->old_len);
	}
	/* move_vma(): the transient old + new size is not a peak. */
	mm->hiwater_vm = hiwater;
	if (n->flags & VM_LOCKED && r->new_len > r->old_len)
		mm_populate(mm, r->new_addr + r->old_len, r->new_addr + r->new_len);
	return (int64_t)r->new_addr;
}

/* vrm_set_new_addr(): where a moved mapping goes. */
static int set_new_addr(struct remap *r)
{
	struct vma *v = r->vma;
	uint64_t pgoff = v->pgoff + ((r->addr - vma_start(v)) >> PAGE_SHIFT);
	int map_flags = 0;
	if (r->flags & MMK_MREMAP_FIXED)
		map_flags |= MMK_MAP_FIXED;
	if (v->flags & VM_MAYSHARE)
		map_flags |= MMK_MAP_SHARED;
	uint64_t hint = implies_new_addr(r) ? r->new_addr : 0;
	int64_t a = get_unmapped_area(r->mm, v->file, hint, r->new_len, pgoff, map_flags);
	if (a < 0)
		return (int)a;
	r->new_addr = (uint64_t)a;
	return 0;
}

/* mremap_to(): FIXED and/or DONTUNMAP. */
static int64_t mremap_to(struct remap *r)
{
	struct mm *mm = r->mm;
	if (r->flags & MMK_MREMAP_FIXED) {
		int err = do_munmap_range(mm, r->new_addr, r->new_addr + r->new_len);
		if (err)
			return err;
		r->vma = vma_lookup(mm, r->addr);
		if (!r->vma)
			return -EFAULT;
	}
	if (r->new_len < r->old_len) {
		int err = shrink(r);
		if (err)
			return err;
		r->vma = vma_lookup(mm, r->addr);
	}
	if ((r->flags & MMK_MREMAP_DONTUNMAP) &&
	    !may_expand_vm(mm, r->vma->flags, r->old_len >> PAGE_SHIFT))
		return -ENOMEM;
	int err = set_new_addr(r);
	if (err)
		return err;
	return move_vma(r);
}

/* mremap_at(): no new address given. */
static int64_t mremap_at(struct remap *r)
{
	if (r->new_len == r->old_len)
		return (int64_t)r->addr;
	if (r->new_len < r->old_len) {
		int err = shrink(r);
		return err ? err : (int64_t)r->addr;
	}
	uint64_t delta = r->new_len - r->old_len;
	if (vma_end(r->vma) - r->addr == r->old_len && vma_expandable(r->mm, r->vma, delta)) {
		int err = expand_in_place(r, delta);
		if (err)
			return err;
		if (r->vma->flags & VM_LOCKED)
			mm_populate(r->mm, r->addr + r->old_len, r->addr + r->new_len);
		return (int64_t)r->addr;
	}
	if (!(r->flags & MMK_MREMAP_MAYMOVE))
		return -ENOMEM;
	int err = set_new_addr(r);
	if (err)
		return err;
	return move_vma(r);
}

/*
 * remap_move() (Linux 6.17+): MREMAP_FIXED with equal lengths moves every
 * VMA piece of [addr, addr + len), not just one, keeping the gaps between
 * them: piece k lands at (where piece k-1 landed) + (its length) + (the gap
 * that followed it).  A gap at the very start is -EFAULT; an error part way
 * leaves the earlier pieces moved, as on Linux.  Returns where the first
 * piece went.
 */
static int64_t remap_move(struct remap *r)
{
	uint64_t start = r->addr, end = r->addr + r->old_len;
	uint64_t target = r->new_addr, cur = start, last_end = 0;
	int64_t res = -EFAULT;
	bool seen = false;
	for (;;) {
		struct vma *v = find_vma(r->mm, cur);
		if (!v || vma_start(v) >= end)
			break;
		uint64_t addr = vma_start(v) > start ? vma_start(v) : start;
		uint64_t vend = vma_end(v);
		uint64_t len = (end < vend ? end : vend) - addr;
		if (!seen && start < vma_start(v))
			return -EFAULT;
		uint64_t offset = seen ? vma_start(v) - last_end : 0;
		last_end = vend;
		struct remap piece = *r;
		piece.vma = v;
		piece.addr = addr;
		piece.new_addr = target + offset;
		piece.old_len = piece.new_len = len;
		int64_t got = check_vma(&piece);
		if (!got)
			got = mremap_to(&piece);
		if (got < 0)
			return got;
		if (!seen)
			res = got;
		seen = true;
		target = (uint64_t)got + len;
		cur = vend;
	}
	return res;
}

int64_t mmk_mremap(mmk_proc *p, uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
		   uint64_t new_addr)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct remap r = {
	    .mm = p->mm,
	    .addr = addr,
	    .old_len = PAGE_ALIGN(old_len),
	    .new_len = PAGE_ALIGN(new_len),
	    .new_addr = new_addr,
	    .flags = flags,
	};
	/* PAGE_ALIGN wraps to 0 for lengths near 2^64, as in Linux. */
	int64_t ret = check_params(&r);
	if (ret)
		return ret;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	ret = check_map_count_locked(&r);
	if (!ret && (r.flags & MMK_MREMAP_FIXED) && r.old_len == r.new_len) {
		ret = remap_move(&r);
	} else if (!ret) {
		r.vma = vma_lookup(mm, addr);
		ret = check_vma(&r);
		if (!ret)
			ret = implies_new_addr(&r) ? mremap_to(&r) : mremap_at(&r);
	}
	mm_debug_check(mm, "mremap");
	mmap_write_unlock(mm);
	return ret;
}
