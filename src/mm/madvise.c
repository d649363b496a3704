/*
 * madvise.c - madvise(2), mlock(2)/mlock2/munlock/mlockall/munlockall, and
 * the anonymous-memory naming prctl, mirroring mm/madvise.c and mm/mlock.c.
 *
 * These change VMA flags (VM_DONTCOPY, VM_WIPEONFORK, VM_SEQ_READ,
 * VM_LOCKED, ...) through vma_modify(), so the VMAs split and merge exactly
 * as Linux's do.  Advice that acts on pages (DONTNEED, FREE, WILLNEED,
 * REMOVE, COLD, PAGEOUT) is handed to the page layer per VMA piece.
 *
 * Which advice exists, which lock it takes and which VMAs refuse it is the
 * advice table's (madvise_advice.h); this file acts on it.
 *
 * madvise walks holes differently from mlock: it skips them and returns
 * -ENOMEM at the end; mlock fails at the first hole with -ENOMEM after
 * earlier VMAs were already changed.  So a split or merge that fails for
 * memory is -EAGAIN from madvise and the naming prctl (as Linux's
 * madvise_vma_behavior() answers), and -ENOMEM from mlock.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "madvise_advice.h"
#include "vma.h"

/* vma_ksm_compatible(): what MADV_MERGEABLE may mark. */
static bool ksm_compatible(const struct vma *v)
{
	return !(v->flags & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
			     VM_HUGETLB | VM_MIXEDMAP | VM_DROPPABLE)) &&
	       !vma_is_shmem(v);
}

/* madvise_vma_behavior(): the new flags for the flag-changing advice. */
static int madvise_new_flags(const struct vma *v, int b, uint64_t *flags)
{
	uint64_t f = v->flags;
	switch (b) {
	case MMK_MADV_NORMAL:
		f &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MMK_MADV_SEQUENTIAL:
		f = (f & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MMK_MADV_RANDOM:
		f = (f & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MMK_MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MMK_MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MMK_MADV_WIPEONFORK:
		if (v->file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MMK_MADV_KEEPONFORK:
		if (f & VM_DROPPABLE)
			return -EINVAL; /* droppable memory is always wiped */
		f &= ~VM_WIPEONFORK;
		break;
	case MMK_MADV_DONTDUMP:
		f |= VM_DONTDUMP;
		break;
	case MMK_MADV_DODUMP:
		if (f & (VM_SPECIAL | VM_DROPPABLE))
			return -EINVAL; /* droppable memory is never dumped */
		f &= ~VM_DONTDUMP;
		break;
	case MMK_MADV_MERGEABLE:
		if (!(f & VM_MERGEABLE) && ksm_compatible(v))
			f |= VM_MERGEABLE;
		break;
	case MMK_MADV_UNMERGEABLE:
		f &= ~VM_MERGEABLE;
		break;
	case MMK_MADV_HUGEPAGE:
		f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case MMK_MADV_NOHUGEPAGE:
		f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	}
	*flags = f;
	return 0;
}

/*
 * is_valid_madvise(): start page aligned, the length rounded up without
 * wrapping.  0 and *end set, or -EINVAL.  *end == start means nothing to do.
 */
static int madvise_range(uint64_t start, uint64_t len, uint64_t *end)
{
	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	uint64_t alen = PAGE_ALIGN(len);
	if (len && !alen)
		return -EINVAL;
	*end = start + alen;
	return *end < start ? -EINVAL : 0;
}

/*
 * Page advice on one VMA piece: the table's per-VMA refusals (Linux's
 * madvise_dontneed_free_valid_vma, can_madv_lru_vma, madvise_remove's and
 * madvise_collapse's checks, in their order), then the pages.
 */
static int madvise_pages(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
			 const struct madv_desc *d)
{
	if ((v->flags & d->refuse) || (d->needs & MADV_NEVER))
		return -EINVAL;
	if ((d->needs & MADV_NEEDS_ANON) && !vma_is_anonymous(v))
		return -EINVAL;
	if ((d->needs & MADV_NEEDS_FILE) && !v->file)
		return -EINVAL;
	if (d->sets && (v->flags & d->sets) != d->sets)
		vma_set_flags(v, v->flags | d->sets); /* vma_set_atomic_flag(): no split */
	if ((d->needs & MADV_NEEDS_ANON_VMA) && vma_is_anonymous(v)) {
		int err = anon_vma_prepare(v);
		if (err)
			return err;
	}
	int b = d->advice;
	if (b == MMK_MADV_REMOVE &&
	    (v->flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	if (b == MMK_MADV_DONTNEED_LOCKED)
		b = MMK_MADV_DONTNEED;
	return mm_madvise_pages(mm, v, start, end, b);
}

/* madvise_walk_vmas(): visit every VMA piece in [start, end), holes skipped
 * and reported at the end with -ENOMEM.  d == NULL: the anon-name prctl. */
static int madvise_walk(struct mm *mm, uint64_t start, uint64_t end, const struct madv_desc *d,
			const char *name)
{
	int unmapped_error = 0;
	struct vma *v = find_vma(mm, start);
	for (;;) {
		if (!v)
			return -ENOMEM;
		if (start < vma_start(v)) {
			unmapped_error = -ENOMEM;
			start = vma_start(v);
			if (start >= end)
				break;
		}
		uint64_t tmp = vma_end(v) < end ? vma_end(v) : end;
		struct vma *done = v;
		int err = 0;
		if (v->reserved) {
			/* the host's own memory: leave it alone */
		} else if (!d) {
			/* madvise_vma_anon_name(): files other than shmem refuse */
			if (v->file && !vma_is_shmem(v))
				return -EBADF;
			done = vma_modify(mm, v, start, tmp, v->flags, name, true, &err);
		} else if (d->action == MADV_ACT_FLAGS) {
			uint64_t nf;
			err = madvise_new_flags(v, d->advice, &nf);
			if (!err && nf != v->flags)
				done = vma_modify(mm, v, start, tmp, nf, NULL, false, &err);
		} else {
			err = madvise_pages(mm, v, start, tmp, d);
		}
		/* madvise_vma_behavior(): vma_modify's split or merge failed
		 * for memory (an allocation, max_map_count): -EAGAIN, since
		 * -ENOMEM means a hole */
		if (!done && err == -ENOMEM)
			err = -EAGAIN;
		if (err || !done)
			return err;
		start = tmp;
		if (start < vma_end(done))
			start = vma_end(done);
		if (start >= end)
			break;
		v = find_vma(mm, vma_end(done));
	}
	return unmapped_error;
}

int mmk_madvise(mmk_proc *p, uint64_t start, uint64_t len, int advice)
{
	int err = proc_enter(p);
	if (err)
		return err;
	/* madvise_behavior_valid(): unknown advice first */
	const struct madv_desc *d = madvise_desc(advice);
	if (!d || ((d->needs & MADV_NEEDS_MEMORY_FAILURE) && p->sys->cfg.no_memory_failure))
		return -EINVAL;
	uint64_t end;
	err = madvise_range(start, len, &end);
	if (err || end == start)
		return err;
	/* madvise_inject_error(): only with CAP_SYS_ADMIN */
	if (d->needs & MADV_NEEDS_CAP_SYS_ADMIN)
		return -EPERM;
	struct mm *mm = p->mm;
	bool write = d->action == MADV_ACT_FLAGS || (d->needs & MADV_NEEDS_WRITE_LOCK);
	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	if (d->action == MADV_ACT_POPULATE)
		err = mm_madvise_populate(mm, start, end, advice == MMK_MADV_POPULATE_WRITE);
	else
		err = madvise_walk(mm, start, end, d, NULL);
	mm_debug_check(mm, "madvise");
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return err;
}

/* ---- mlock --------------------------------------------------------------------------- */

static bool can_do_mlock(struct mm *mm)
{
	return mm->sys->cfg.memlock_rlimit != 0 || mm->sys->cfg.cap_ipc_lock;
}

/* mlock_fixup(): sets the VM_LOCKED bits of [start, end) of v; a droppable
 * VMA, as a special one, is left as it is. */
static int mlock_fixup(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		       uint64_t newflags, struct vma **out)
{
	*out = v;
	if (newflags == v->flags || (v->flags & (VM_SPECIAL | VM_DROPPABLE)) || v->reserved)
		return 0;
	int err = 0;
	struct vma *m = vma_modify(mm, v, start, end, newflags, NULL, false, &err);
	if (!m)
		return err;
	*out = m;
	return 0;
}

/* apply_vma_lock_flags(): from the VMA containing start, no holes allowed. */
static int apply_lock_flags(struct mm *mm, uint64_t start, uint64_t len, uint64_t flags)
{
	uint64_t end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct vma *v = vma_lookup(mm, start);
	if (!v)
		return -ENOMEM;
	uint64_t nstart = start, tmp = vma_start(v);
	while (v && vma_start(v) < end) {
		if (vma_start(v) != tmp)
			return -ENOMEM;
		uint64_t nf = (v->flags & ~VM_LOCKED_MASK) | flags;
		tmp = vma_end(v) < end ? vma_end(v) : end;
		struct vma *m;
		int err = mlock_fixup(mm, v, nstart, tmp, nf, &m);
		if (err)
			return err;
		tmp = nstart = vma_end(m);
		v = vma_next(m);
	}
	return tmp < end ? -ENOMEM : 0;
}

/* Pages already locked inside [start, start + len) (count_mm_mlocked_page_nr). */
static uint64_t count_locked_pages(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len, n = 0;
	for (struct vma *v = find_vma(mm, start); v && vma_start(v) < end; v = vma_next(v)) {
		if (!(v->flags & VM_LOCKED) || v->reserved)
			continue;
		uint64_t s = vma_start(v) > start ? vma_start(v) : start;
		uint64_t e = vma_end(v) < end ? vma_end(v) : end;
		n += (e - s) >> PAGE_SHIFT;
	}
	return n;
}

/* __mm_populate() for mlock: a PROT_NONE VMA cannot be faulted in (-EFAULT,
 * which mlock reports as -ENOMEM); lock-on-fault VMAs are left alone.  A
 * droppable VMA, which mlock_fixup() leaves unlocked, is faulted in too. */
static int mlock_populate(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = find_vma(mm, start); v && vma_start(v) < end; v = vma_next(v)) {
		if (v->reserved || (v->flags & (VM_IO | VM_PFNMAP)))
			continue;
		if (!(v->flags & (VM_LOCKED | VM_DROPPABLE)) || (v->flags & VM_LOCKONFAULT))
			continue;
		uint64_t s = vma_start(v) > start ? vma_start(v) : start;
		uint64_t e = vma_end(v) < end ? vma_end(v) : end;
		if (!(v->flags & VM_ACCESS_FLAGS))
			return -ENOMEM;
		/* __mlock_posix_error_return(): -EFAULT (a page past EOF) is
		 * -ENOMEM, -ENOMEM is -EAGAIN. */
		int err = mm_populate(mm, s, e);
		if (err == -EFAULT)
			return -ENOMEM;
		if (err == -ENOMEM)
			return -EAGAIN;
	}
	return 0;
}

static int do_mlock(struct mmk_proc *p, uint64_t start, uint64_t len, uint64_t flags)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mm *mm = p->mm;
	if (!can_do_mlock(mm))
		return -EPERM;
	/* A length that page-aligns past 2^64 wraps to 0: nothing to do. */
	uint64_t alen = PAGE_ALIGN(len + (start & (PAGE_SIZE - 1)));
	start &= PAGE_MASK;
	mmap_write_lock(mm);
	const struct mmk_config *c = &mm->sys->cfg;
	uint64_t limit =
	    c->memlock_rlimit == UINT64_MAX ? UINT64_MAX : c->memlock_rlimit >> PAGE_SHIFT;
	uint64_t locked = (alen >> PAGE_SHIFT) + mm->locked_vm + mm->locked_vm_extra;
	if (locked > limit && !c->cap_ipc_lock)
		locked -= count_locked_pages(mm, start, alen);
	err = -ENOMEM;
	if (locked <= limit || c->cap_ipc_lock)
		err = apply_lock_flags(mm, start, alen, flags);
	if (!err)
		err = mlock_populate(mm, start, start + alen);
	mm_debug_check(mm, "mlock");
	mmap_write_unlock(mm);
	return err;
}

int mmk_mlock(mmk_proc *p, uint64_t addr, uint64_t len)
{
	return do_mlock(p, addr, len, VM_LOCKED);
}

int mmk_mlock2(mmk_proc *p, uint64_t addr, uint64_t len, int flags)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (flags & ~MMK_MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(p, addr, len,
			VM_LOCKED | ((flags & MMK_MLOCK_ONFAULT) ? VM_LOCKONFAULT : 0));
}

int mmk_munlock(mmk_proc *p, uint64_t addr, uint64_t len)
{
	int err = proc_enter(p);
	if (err)
		return err;
	uint64_t alen = PAGE_ALIGN(len + (addr & (PAGE_SIZE - 1))); /* may wrap to 0 */
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	err = apply_lock_flags(mm, addr & PAGE_MASK, alen, 0);
	mm_debug_check(mm, "munlock");
	mmap_write_unlock(mm);
	return err;
}

/* apply_mlockall_flags(): def_flags for the future, every VMA for now. */
static void apply_mlockall(struct mm *mm, int flags)
{
	mm->def_flags &= ~VM_LOCKED_MASK;
	uint64_t to_add = 0;
	if (flags & MMK_MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MMK_MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MMK_MCL_CURRENT))
			return;
	}
	if (flags & MMK_MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MMK_MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	struct vma *v = node_vma(vma_tree_first(&mm->vmas));
	while (v) {
		struct vma *m;
		uint64_t nf = (v->flags & ~VM_LOCKED_MASK) | to_add;
		if (mlock_fixup(mm, v, vma_start(v), vma_end(v), nf, &m))
			m = v; /* errors are ignored, as Linux does */
		v = vma_next(m);
	}
}

int mmk_mlockall(mmk_proc *p, int flags)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!flags || (flags & ~(MMK_MCL_CURRENT | MMK_MCL_FUTURE | MMK_MCL_ONFAULT)) ||
	    flags == MMK_MCL_ONFAULT)
		return -EINVAL;
	struct mm *mm = p->mm;
	if (!can_do_mlock(mm))
		return -EPERM;
	mmap_write_lock(mm);
	const struct mmk_config *c = &mm->sys->cfg;
	err = -ENOMEM;
	if (!(flags & MMK_MCL_CURRENT) || c->cap_ipc_lock || c->memlock_rlimit == UINT64_MAX ||
	    mm->total_vm <= c->memlock_rlimit >> PAGE_SHIFT) {
		apply_mlockall(mm, flags);
		err = 0;
	}
	if (!err && (flags & MMK_MCL_CURRENT))
		mlock_populate(mm, 0, mm->task_size);
	mm_debug_check(mm, "mlockall");
	mmap_write_unlock(mm);
	return err;
}

int mmk_munlockall(mmk_proc *p)
{
	int err = proc_enter(p);
	if (err)
		return err;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	apply_mlockall(mm, 0);
	mm_debug_check(mm, "munlockall");
	mmap_write_unlock(mm);
	return 0;
}

/* ---- prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) --------------------------------------- */

static bool anon_name_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		/* Linux refuses non-printable characters and \ ` $ [ ] */
		if (c <= ' ' - 1 || c >= 0x7f || strchr("\\`$[]", c))
			return false;
	}
	return n < 80;
}

int mmk_set_anon_name(mmk_proc *p, uint64_t addr, uint64_t len, const char *name)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (p->sys->cfg.no_anon_vma_name)
		return -EINVAL;
	if (name && !anon_name_valid(name))
		return -EINVAL;
	if (name && !*name)
		name = NULL;
	uint64_t end;
	err = madvise_range(addr, len, &end);
	if (err || end == addr)
		return err;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	err = madvise_walk(mm, addr, end, NULL, name);
	mm_debug_check(mm, "set_anon_name");
	mmap_write_unlock(mm);
	return err;
}
