/*
 * mmap.c - creating and removing mappings: mmap(2), munmap(2), brk(2), the
 * placement of new mappings (get_unmapped_area), and the life of an address
 * space (create, fork's dup_mmap, teardown).  Mirrors mm/mmap.c, mm/vma.c
 * and arch/x86/kernel/sys_x86_64.c.
 *
 * Placement, as Linux with ASLR off; the numbers are x86-64's (riscv64's
 * differ: arch.c, where every layout number comes from):
 *
 *   TASK_SIZE 0x7ffffffff000 -------------------------------------------
 *             stack (RLIMIT_STACK) + stack_guard_gap, at least 128 MiB
 *   mmap_base 0x7ffff7fff000 --------------------------------------------
 *             top-down: the highest gap below mmap_base that fits
 *   ...
 *   TASK_UNMAPPED_BASE 0x2aaaaaaab000: bottom-up fallback starts here
 *   MAP_32BIT: bottom-up in [1 GiB, 2 GiB)
 *   mmap_min_addr (4096): nothing is placed below it
 *
 * A gap in front of a VM_GROWSDOWN VMA loses stack_guard_gap bytes.
 * Invariant: every VMA lies in [mmap_min_addr, TASK_SIZE) unless placed there
 * with MAP_FIXED by a process with cap_sys_rawio; the tree's gap data is
 * what the searches use, so placement is O(log n).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "commit.h"
#include "internal.h"
#include "vma.h"

#define PMD_SIZE	  (2ULL << 20)
#define DEFAULT_START_BRK 0x555555559000ULL

#define MAP_ABOVE4G  0x80
#define MAP_HUGE_2MB (21 << 26)
#define MAP_HUGE_1GB (30 << 26)
/* Flags known to the legacy MAP_SHARED (LEGACY_MAP_MASK, x86-64). */
#define LEGACY_MAP_MASK                                                                            \
	(MMK_MAP_SHARED | MMK_MAP_PRIVATE | MMK_MAP_FIXED | MMK_MAP_ANONYMOUS |                    \
	 MMK_MAP_DENYWRITE | MMK_MAP_EXECUTABLE | MMK_MAP_UNINITIALIZED | MMK_MAP_GROWSDOWN |      \
	 MMK_MAP_LOCKED | MMK_MAP_NORESERVE | MMK_MAP_POPULATE | MMK_MAP_NONBLOCK |                \
	 MMK_MAP_STACK | MMK_MAP_HUGETLB | MMK_MAP_32BIT | MAP_ABOVE4G | MAP_HUGE_2MB |            \
	 MAP_HUGE_1GB)

void mm_debug_check(struct mm *mm, const char *what)
{
#ifdef MMK_DEBUG
	char err[512];
	if (mm_check(mm, err, sizeof(err)))
		MMK_BUG("invariant broken after %s: %s", what, err);
#else
	(void)mm;
	(void)what;
#endif
}

static int reserve_pgtables(struct mm *mm, uint64_t start, uint64_t end);

/* ---- Address-space lifetime -------------------------------------------------------- */

/* mmap_base(): PAGE_ALIGN(STACK_TOP - gap), gap = stack limit + guard,
 * clamped to [128 MiB, STACK_TOP / 6 * 5]. */
static uint64_t compute_mmap_base(const struct mmk_system *sys)
{
	const struct mmk_config *c = &sys->cfg;
	uint64_t top = sys->arch->stack_top;
	uint64_t gap = c->stack_rlimit, pad = c->stack_guard_gap;
	if (gap + pad > gap)
		gap += pad;
	uint64_t gap_max = top / 6 * 5;
	if (gap < SIZE_128M)
		gap = SIZE_128M;
	else if (gap > gap_max)
		gap = gap_max;
	return PAGE_ALIGN(top - gap);
}

struct mm *mm_create(struct mmk_system *sys, int pid)
{
	struct mm *mm = mmk_zalloc(sys, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->sys = sys;
	mm->pid = pid;
	mmk_rwlock_init(&mm->mmap_lock, LOCK_MMAP);
	vma_tree_init(&mm->vmas);
	mm->task_size = sys->arch->task_size;
	mm->mmap_base = compute_mmap_base(sys);
	mm->start_brk = mm->brk = DEFAULT_START_BRK;
	if (mm_pages_init(mm)) {
		mmk_rwlock_destroy(&mm->mmap_lock);
		free(mm);
		return NULL;
	}
	return mm;
}

/* exit_mmap(): removes every VMA and frees the page tables. */
void mm_destroy(struct mm *mm)
{
	mmap_write_lock(mm);
	struct vma *v;
	while ((v = node_vma(vma_tree_first(&mm->vmas))))
		vma_remove(mm, v);
	mm_free_pgtables(mm, 0, mm->task_size);
	slab_magazine_drain(&mm->vma_magazine, &mm->sys->vma_slab);
	mmap_write_unlock(mm);
	mm_pages_destroy(mm);
	mmk_rwlock_destroy(&mm->mmap_lock);
	free(mm);
}

void mm_exec_reset(struct mm *mm)
{
	mmap_write_lock(mm);
	struct vma *v;
	while ((v = node_vma(vma_tree_first(&mm->vmas))))
		vma_remove(mm, v);
	mm_free_pgtables(mm, 0, mm->task_size);
	mm->mmap_base = compute_mmap_base(mm->sys);
	mm->start_brk = mm->brk = DEFAULT_START_BRK;
	mm->brk_set = false;
	mm->def_flags = 0;
	mm->start_code = mm->end_code = mm->start_data = mm->end_data = 0;
	mm->start_stack = mm->arg_start = mm->arg_end = mm->env_start = mm->env_end = 0;
	mm->gate = false;
	mm->total_vm = mm->locked_vm = mm->data_vm = mm->exec_vm = mm->stack_vm = 0;
	mm->locked_vm_extra = mm->hiwater_vm = 0;
	mmk_mutex_lock(&mm->ptl);
	MMK_BUG_ON(mm->rss_anon || mm->rss_file || mm->rss_shmem || mm->swap_ents);
	mm->hiwater_rss = 0;
	mmk_mutex_unlock(&mm->ptl);
	mm_tlb_exec(mm); /* last: the exec is done when an access sees it */
	mm_debug_check(mm, "exec");
	mmap_write_unlock(mm);
}

/*
 * dup_mmap(): copies src's VMAs into the empty dst.  VM_DONTCOPY VMAs are
 * skipped; VM_WIPEONFORK VMAs come without pages or anon_vma; VM_LOCKED is
 * not inherited; everything else shares its pages copy-on-write.
 */
int mm_dup(struct mm *dst, struct mm *src)
{
	mmap_assert_write_locked(src);
	dst->mmap_base = src->mmap_base;
	dst->start_code = src->start_code;
	dst->end_code = src->end_code;
	dst->start_data = src->start_data;
	dst->end_data = src->end_data;
	dst->start_stack = src->start_stack;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	dst->gate = src->gate;
	dst->start_brk = src->start_brk;
	dst->brk = src->brk;
	dst->brk_set = src->brk_set;
	/* mm_init(): only VM_INIT_DEF_MASK (VM_NOHUGEPAGE) is inherited;
	 * mlockall(MCL_FUTURE) is not. */
	dst->def_flags = src->def_flags & VM_NOHUGEPAGE;
	for (struct vma *v = node_vma(vma_tree_first(&src->vmas)); v; v = vma_next(v)) {
		if (v->flags & VM_DONTCOPY)
			continue;
		/* dup_mmap(): the child's copy is charged again, tested
		 * against the parent (its total_vm in the user reserve). */
		if ((v->flags & VM_ACCOUNT) && vm_enough_memory(src, vma_pages(v)))
			return -ENOMEM;
		struct vma *n = vma_alloc(dst);
		if (!n)
			return -ENOMEM;
		n->node.start = vma_start(v);
		n->node.end = vma_end(v);
		n->flags = v->flags & ~(VM_LOCKED | VM_LOCKONFAULT);
		n->pgoff = v->pgoff;
		n->reserved = v->reserved;
		n->is_heap = v->is_heap;
		n->special = v->special;
		n->file = v->file;
		if (n->file)
			file_get(n->file);
		if (v->anon_name && !(n->anon_name = mmk_strdup(v->mm->sys, v->anon_name))) {
			vma_free(n);
			return -ENOMEM;
		}
		int err = 0;
		if (!(v->flags & VM_WIPEONFORK))
			err = anon_vma_fork(n, v);
		if (err) {
			vma_free(n);
			return err;
		}
		vma_link(dst, n);
		if (n->reserved) {
			err = reserve_pgtables(dst, vma_start(n), vma_end(n));
			if (err)
				return err;
			continue;
		}
		if (!(v->flags & VM_WIPEONFORK)) {
			err = mm_copy_ptes(dst, n, src, v);
			if (err)
				return err;
		}
	}
	/* dup_mm(): the child's peaks start at what it has now. */
	dst->hiwater_vm = dst->total_vm;
	mmk_mutex_lock(&dst->ptl);
	dst->hiwater_rss = dst->rss_anon + dst->rss_file + dst->rss_shmem;
	mmk_mutex_unlock(&dst->ptl);
	return 0;
}

/* ---- Placement ------------------------------------------------------------------------ */

uint64_t vm_start_gap(struct mm *mm, const struct vma *v)
{
	uint64_t s = vma_start(v);
	if (v->flags & VM_GROWSDOWN) {
		uint64_t g = s - mm->sys->cfg.stack_guard_gap;
		s = g > s ? 0 : g;
	}
	return s;
}

/* unmapped_area_topdown(): highest fit in [low, high), stack gaps respected. */
static int64_t unmapped_area_topdown(struct mm *mm, uint64_t len, uint64_t low, uint64_t high)
{
	if (low < effective_min_addr(&mm->sys->cfg))
		low = effective_min_addr(&mm->sys->cfg);
	for (;;) {
		uint64_t gap;
		if (high < low || vma_tree_gap_highest(&mm->vmas, low, high, len, &gap))
			return -ENOMEM;
		uint64_t gap_end = gap + len;
		struct vma *next = find_vma(mm, gap_end);
		if (next && (next->flags & VM_GROWSDOWN) && vm_start_gap(mm, next) < gap_end) {
			high = vm_start_gap(mm, next);
			continue;
		}
		return (int64_t)gap;
	}
}

/* unmapped_area(): lowest fit in [low, high), stack gaps respected. */
static int64_t unmapped_area(struct mm *mm, uint64_t len, uint64_t low, uint64_t high)
{
	if (low < effective_min_addr(&mm->sys->cfg))
		low = effective_min_addr(&mm->sys->cfg);
	for (;;) {
		uint64_t gap;
		if (high < low || vma_tree_gap_lowest(&mm->vmas, low, high, len, &gap))
			return -ENOMEM;
		struct vma *next = find_vma(mm, gap + len);
		if (next && (next->flags & VM_GROWSDOWN) && vm_start_gap(mm, next) < gap + len) {
			low = vma_end(next);
			continue;
		}
		return (int64_t)gap;
	}
}

/* arch_get_unmapped_area(): the bottom-up allocator. */
static int64_t get_area_bottomup(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	if (flags & MMK_MAP_FIXED)
		return (int64_t)addr;
	const struct arch_profile *arch = mm->sys->arch;
	uint64_t begin = arch->unmapped_base, end = arch_mmap_end(arch, addr, len);
	if (flags & MMK_MAP_32BIT) {
		begin = 0x40000000ULL;
		end = 0x80000000ULL;
	}
	if (len > end)
		return -ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		struct vma *v = find_vma(mm, addr);
		if (end - len >= addr && (!v || addr + len <= vm_start_gap(mm, v)))
			return (int64_t)addr;
	}
	return unmapped_area(mm, len, begin, end);
}

/* arch_get_unmapped_area_topdown() (x86-64) and
 * generic_get_unmapped_area_topdown() (riscv): hint, then top-down below
 * the mmap base, then bottom-up; the profile's arch_mmap_end/base say how
 * far a hinted search may go (arch.c). */
static int64_t get_area_topdown(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	const struct arch_profile *arch = mm->sys->arch;
	uint64_t mmap_end = arch_mmap_end(arch, addr, len);
	if (len > mmap_end)
		return -ENOMEM;
	if (flags & MMK_MAP_FIXED)
		return (int64_t)addr;
	if (!(flags & MMK_MAP_32BIT)) {
		if (addr) {
			addr &= PAGE_MASK;
			if (mmap_end - len >= addr) {
				struct vma *v = find_vma(mm, addr);
				if (!v || addr + len <= vm_start_gap(mm, v))
					return (int64_t)addr;
			}
		}
		uint64_t base = arch_mmap_base(arch, addr, len, mm->mmap_base);
		int64_t a = unmapped_area_topdown(mm, len, PAGE_SIZE, base);
		if (a >= 0)
			return a;
	}
	return get_area_bottomup(mm, addr, len, flags);
}

/*
 * __thp_get_unmapped_area(): places a mapping so that file offset and
 * virtual address agree modulo 2 MiB, by searching for len + 2 MiB and
 * aligning inside it (top-down: the upper end).  Used for hint-less
 * private anonymous mappings of 2 MiB multiples (Linux 6.x, whatever THP's
 * setting) and for every mapping of a file whose file system places with
 * thp_get_unmapped_area, MAP_32BIT ones too: their bottom-up search in
 * [1 GiB, 2 GiB) finds an aligned start, and an aligned start is moved up
 * 2 MiB all the same (Linux tests MMF_TOPDOWN, the mm's layout, not the
 * search's direction).  Returns 0 when it does not apply or the padded
 * search fails (the caller then places plainly), else the address.
 */
static int64_t thp_get_unmapped_area(struct mm *mm, uint64_t addr, uint64_t len, uint64_t pgoff,
				     int flags)
{
	uint64_t off = pgoff << PAGE_SHIFT, off_end = off + len;
	uint64_t off_align = (off + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	/* Linux's off_end and off_align are loff_t: an offset in the last 2 MiB
	 * below 2^63 rounds up to a negative off_align, which the first test
	 * (signed) lets through and the second (unsigned, against size) too. */
	if ((int64_t)off_end <= (int64_t)off_align || off_end - off_align < PMD_SIZE)
		return 0;
	uint64_t pad = len + PMD_SIZE;
	if (pad < len || off + pad < off)
		return 0;
	int64_t ret = get_area_topdown(mm, addr, pad, flags);
	if (ret < 0)
		return 0;
	if ((uint64_t)ret == addr)
		return ret; /* the hint (or MAP_FIXED address) was taken as it is */
	uint64_t off_sub = (off - (uint64_t)ret) & (PMD_SIZE - 1);
	if (!off_sub)
		return ret + (int64_t)PMD_SIZE;
	return ret + (int64_t)off_sub;
}

int64_t get_unmapped_area(struct mm *mm, struct mmk_file *file, uint64_t addr, uint64_t len,
			  uint64_t pgoff, int flags)
{
	mmap_assert_write_locked(mm);
	if (len > mm->task_size)
		return -ENOMEM;
	/* "Always treat pgoff as zero for anonymous memory." */
	if (!file)
		pgoff = 0;
	int64_t a = 0;
	bool thp = file ? file->inode->thp_get_area
			: !(flags & MMK_MAP_SHARED) && !addr && !(len & (PMD_SIZE - 1));
	if (thp)
		a = thp_get_unmapped_area(mm, addr, len, pgoff, flags);
	if (!a)
		a = get_area_topdown(mm, addr, len, flags);
	/* IS_ERR_VALUE(): only the last 4095 values are errors -- a MAP_FIXED
	 * address in that range comes back as "its" errno, as on Linux; any
	 * other address too high is -ENOMEM. */
	if ((uint64_t)a >= (uint64_t)-4095)
		return a;
	if ((uint64_t)a > mm->task_size - len)
		return -ENOMEM;
	if (!PAGE_ALIGNED((uint64_t)a))
		return -EINVAL;
	if ((uint64_t)a < mm->sys->cfg.mmap_min_addr && !mm->sys->cfg.cap_sys_rawio)
		return -EPERM;
	return a;
}

/* ---- munmap ------------------------------------------------------------------------------ */

/* Unmaps [start, end) given v = find_vma(mm, start). */
static int munmap_vmas(struct mm *mm, struct vma *v, uint64_t start, uint64_t end,
		       struct vma **prevp, struct vma **nextp)
{
	if (!v || vma_start(v) >= end) {
		/* Nothing to unmap; report the neighbours of the range. */
		if (prevp)
			*prevp = v ? vma_prev(v) : node_vma(vma_tree_last(&mm->vmas));
		if (nextp)
			*nextp = v;
		return 0;
	}
	/* vms_gather_munmap_vmas(): split the first VMA (the map count may
	 * only exceed its limit transiently, for the last split), then the
	 * last one; the VMAs in between go whole. */
	struct vma *prev, *next, *last = v, *n;
	if (start > vma_start(v)) {
		if (end < vma_end(v) && mm->vmas.count >= mm->sys->cfg.max_map_count)
			return -ENOMEM;
		if (v->special)
			return -EINVAL; /* special_mapping_split(): [vdso] and the like */
		if (!(prev = __vma_split(mm, v, start, true)))
			return -ENOMEM;
	} else {
		prev = vma_prev(v);
	}
	while ((n = vma_next(last)) && vma_start(n) < end)
		last = n;
	next = n;
	if (vma_end(last) > end && last->special)
		return -EINVAL;
	if (vma_end(last) > end && !(next = __vma_split(mm, last, end, false)))
		return -ENOMEM;
	/* vms_complete_munmap_vmas(): update_hiwater_vm() before total_vm
	 * goes down -- the only place Linux raises the VmPeak watermark. */
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
	for (struct vma *x = v, *nx; x != next; x = nx) {
		nx = vma_next(x);
		vma_remove(mm, x);
	}
	/* free_pgtables(): the tables between the neighbours may go. */
	mm_free_pgtables(mm, prev ? vma_end(prev) : 0, next ? vma_start(next) : mm->task_size);
	if (prevp)
		*prevp = prev;
	if (nextp)
		*nextp = next;
	return 0;
}

int do_munmap_range_nb(struct mm *mm, uint64_t start, uint64_t end, struct vma **prevp,
		       struct vma **nextp)
{
	mmap_assert_write_locked(mm);
	return munmap_vmas(mm, find_vma(mm, start), start, end, prevp, nextp);
}

int do_munmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	mmap_assert_write_locked(mm);
	return do_munmap_range_nb(mm, start, end, NULL, NULL);
}

int mmk_munmap(mmk_proc *p, uint64_t start, uint64_t len)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!PAGE_ALIGNED(start) || start > p->mm->task_size || len > p->mm->task_size - start)
		return -EINVAL;
	uint64_t end = start + PAGE_ALIGN(len);
	if (end == start)
		return -EINVAL;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	err = do_munmap_range(mm, start, end);
	mm_debug_check(mm, "munmap");
	mmap_write_unlock(mm);
	return err;
}

/* ---- mmap ---------------------------------------------------------------------------------- */

/* The flags of a new mapping's VMA from prot and flags (calc_vm_*_bits). */
static uint64_t calc_vm_bits(struct mm *mm, int prot, int flags)
{
	uint64_t f = 0;
	if (prot & MMK_PROT_READ)
		f |= VM_READ;
	if (prot & MMK_PROT_WRITE)
		f |= VM_WRITE;
	if (prot & MMK_PROT_EXEC)
		f |= VM_EXEC;
	if (flags & MMK_MAP_GROWSDOWN)
		f |= VM_GROWSDOWN;
	if (flags & MMK_MAP_LOCKED)
		f |= VM_LOCKED;
	if (flags & MMK_MAP_STACK)
		f |= VM_NOHUGEPAGE;
	if (flags & MMK_MAP_SYNC)
		f |= VM_SYNC;
	return f | mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
}

/* Checks the file-specific rules of do_mmap and adjusts the flags. */
static int mmap_check_file(struct mmk_file *file, uint64_t pgoff, uint64_t len, int prot,
			   uint64_t *flags, uint64_t *vm_flags)
{
	/* file_mmap_ok(): offset + length within file_mmap_size_max():
	 * MAX_LFS_FILESIZE for a regular file, ULONG_MAX for the others
	 * mmkit has (a directory, the null device), which then fail with
	 * -ENODEV below. */
	const uint64_t maxsize = file->inode->nommap ? UINT64_MAX : INT64_MAX;
	if (len > maxsize || pgoff > (maxsize - len) >> PAGE_SHIFT)
		return -EOVERFLOW;
	switch (*flags & MMK_MAP_TYPE) {
	case MMK_MAP_SHARED:
		*flags &= LEGACY_MAP_MASK;
		/* fall through */
	case MMK_MAP_SHARED_VALIDATE:
		/* ext4 and xfs set FOP_MMAP_SYNC: MAP_SYNC is a flag they know
		 * (and refuse later, for a file that is not DAX). */
		if (*flags & ~(LEGACY_MAP_MASK | (file->inode->thp_get_area ? MMK_MAP_SYNC : 0)))
			return -EOPNOTSUPP;
		if ((prot & MMK_PROT_WRITE) && !file_writable(file))
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!file_writable(file))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MMK_MAP_PRIVATE:
		if (!file_readable(file))
			return -EACCES;
		if (file->inode->nommap)
			return -ENODEV;
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A new VMA for [addr, addr + len), right after prev (NULL: the first)
 * (__mmap_new_vma). */
static int mmap_new_vma(struct mm *mm, struct mmk_file *file, uint64_t addr, uint64_t len,
			uint64_t vm_flags, uint64_t pgoff, struct vma *prev, struct vma **out)
{
	struct vma *v = vma_alloc(mm);
	if (!v)
		return -ENOMEM;
	v->node.start = addr;
	v->node.end = addr + len;
	v->flags = vm_flags;
	v->pgoff = pgoff;
	if (file) {
		file_get(file);
		v->file = file;
	} else if (vm_flags & VM_SHARED) {
		int err = shmem_file_create(mm, len, vm_flags, &v->file);
		if (err) {
			vma_free(v);
			return err;
		}
	}
	vma_link_after(mm, v, prev);
	TRACE(mm->sys, .kind = MMK_EV_VMA_CREATE, .pid = mm->pid, .start = addr, .end = addr + len,
	      .detail = file			 ? "file"
			: (vm_flags & VM_SHARED) ? "shmem"
						 : "anon");
	*out = v;
	return 0;
}

/* Pages of [addr, end) that VMAs (other than reservations) already map:
 * the vms->nr_pages a MAP_FIXED mapping replaces. */
static uint64_t mapped_pages_in(struct mm *mm, uint64_t addr, uint64_t end)
{
	uint64_t n = 0;
	for (struct vma *v = find_vma(mm, addr); v && vma_start(v) < end; v = vma_next(v)) {
		uint64_t s = vma_start(v) > addr ? vma_start(v) : addr;
		uint64_t e = vma_end(v) < end ? vma_end(v) : end;
		if (!v->reserved)
			n += (e - s) >> PAGE_SHIFT;
	}
	return n;
}

/* Pages of [addr, end) in VM_ACCOUNT VMAs: the vms->nr_accounted whose
 * charge a MAP_FIXED mapping takes over. */
static uint64_t accounted_pages_in(struct mm *mm, uint64_t addr, uint64_t end)
{
	uint64_t n = 0;
	for (struct vma *v = find_vma(mm, addr); v && vma_start(v) < end; v = vma_next(v)) {
		uint64_t s = vma_start(v) > addr ? vma_start(v) : addr;
		uint64_t e = vma_end(v) < end ? vma_end(v) : end;
		if (v->flags & VM_ACCOUNT)
			n += (e - s) >> PAGE_SHIFT;
	}
	return n;
}

/*
 * mmap_region(): places the mapping at [addr, addr + len), unmapping what
 * was there, merging with neighbours where Linux would.  Refused before
 * anything is unmapped: the address-space limit, then the memory to back a
 * private writable mapping (__mmap_prepare).
 */
static int64_t mmap_region(struct mm *mm, struct mmk_file *file, uint64_t addr, uint64_t len,
			   uint64_t vm_flags, uint64_t pgoff)
{
	uint64_t end = addr + len;
	struct vma *first = find_vma(mm, addr);
	if (!may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) - mapped_pages_in(mm, addr, end)))
		return -ENOMEM;
	/* accountable_mapping(): private writable memory is charged, less
	 * what the VMAs it replaces were charged for. */
	if ((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
		uint64_t charged = (len >> PAGE_SHIFT) - accounted_pages_in(mm, addr, end);
		if (charged && vm_enough_memory(mm, charged))
			return -ENOMEM;
		vm_flags |= VM_ACCOUNT;
	}
	struct vma *prev, *next;
	int err = munmap_vmas(mm, first, addr, end, &prev, &next);
	if (err)
		return err;
	/* The file system's mmap method, called after what was there is
	 * gone (a failing MAP_FIXED leaves a hole): ext4 and xfs refuse
	 * VM_SYNC on anything but DAX files (daxdev_mapping_supported), and
	 * mmkit's files are never DAX.  A private mapping keeps the bit too
	 * (MAP_SHARED only drops flags it does not know).  Other file systems
	 * (tmpfs) do not look: the mapping keeps VM_SYNC. */
	if (file && (vm_flags & VM_SYNC) && file->inode->thp_get_area)
		return -EOPNOTSUPP;
	vm_flags |= VM_SOFTDIRTY;
	struct vma *v = NULL;
	if ((prev || next) && (file || !(vm_flags & VM_SHARED))) {
		struct vmg g = {
		    .prev = prev,
		    .middle = NULL,
		    .next = next,
		    .src = NULL,
		    .start = addr,
		    .end = end,
		    .pgoff = pgoff,
		    .flags = vm_flags,
		    .file = file,
		    .anon_vma = NULL,
		    .anon_name = NULL,
		    .just_expand = false,
		    .nomem = false,
		};
		v = vma_merge_new_range(mm, &g);
		if (!v && g.nomem)
			return -ENOMEM;
	}
	if (!v) {
		err = mmap_new_vma(mm, file, addr, len, vm_flags, pgoff, prev, &v);
		if (err)
			return err;
	}
	return (int64_t)addr;
}

static int64_t do_mmap(struct mmk_proc *p, uint64_t addr, uint64_t len, int prot, uint64_t flags,
		       struct mmk_file *file, uint64_t pgoff)
{
	struct mm *mm = p->mm;
	if (!len)
		return -EINVAL;
	if (flags & MMK_MAP_FIXED_NOREPLACE)
		flags |= MMK_MAP_FIXED;
	if (!(flags & MMK_MAP_FIXED)) {
		addr &= PAGE_MASK;
		if (addr && addr < effective_min_addr(&mm->sys->cfg))
			addr = PAGE_ALIGN(effective_min_addr(&mm->sys->cfg));
	}
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->vmas.count > mm->sys->cfg.max_map_count)
		return -ENOMEM;
	uint64_t vm_flags = calc_vm_bits(mm, prot, (int)flags);
	int64_t a = get_unmapped_area(mm, file, addr, len, pgoff, (int)flags);
	if (a < 0)
		return a;
	addr = (uint64_t)a;
	if (flags & MMK_MAP_FIXED_NOREPLACE) {
		struct vma *v = find_vma(mm, addr);
		if (v && vma_start(v) < addr + len)
			return -EEXIST;
	}
	if ((flags & MMK_MAP_LOCKED) && mm->sys->cfg.memlock_rlimit == 0 &&
	    !mm->sys->cfg.cap_ipc_lock)
		return -EPERM;
	if (!mlock_future_ok(mm, vm_flags, len))
		return -EAGAIN;
	if (file) {
		int err = mmap_check_file(file, pgoff, len, prot, &flags, &vm_flags);
		if (err)
			return err;
	} else {
		switch (flags & MMK_MAP_TYPE) {
		case MMK_MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MMK_MAP_DROPPABLE:
			/* Neither locked nor a stack; hugetlb never gets here
			 * (anonymous MAP_HUGETLB maps a hugetlbfs file). */
			if ((flags & MMK_MAP_LOCKED) || (vm_flags & VM_GROWSDOWN))
				return -EINVAL;
			/* Pages that may vanish are not reserved, copied on
			 * fork or dumped. */
			vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
			/* fall through */
		case MMK_MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			return -EINVAL;
		}
	}
	if ((flags & MMK_MAP_NORESERVE) && mm->sys->cfg.overcommit_memory != MMK_OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE; /* honoured only where overcommit is allowed */
	/* __mmap_complete(): a droppable VMA is never locked (mlockall's
	 * MCL_FUTURE), but still populated below as if it were. */
	uint64_t vma_flags = vm_flags;
	if (vma_flags & VM_DROPPABLE)
		vma_flags &= ~VM_LOCKED_MASK;
	a = mmap_region(mm, file, addr, len, vma_flags, pgoff);
	if (a >= 0 && ((vm_flags & VM_LOCKED) ||
		       (flags & (MMK_MAP_POPULATE | MMK_MAP_NONBLOCK)) == MMK_MAP_POPULATE)) {
		/* Linux's mm_populate() after mmap ignores every error. */
		mm_populate(mm, addr, addr + len);
	}
	return a;
}

/*
 * Anonymous MAP_HUGETLB.  mmkit has no huge pages; Linux with none reserved
 * (nr_hugepages 0, the default) still runs do_mmap on a hugetlbfs file, so
 * its answers come in this order: the length rounded up to 2 MiB (a length
 * that wraps is 0: -EINVAL), offset overflow (-EOVERFLOW), the map count,
 * hugetlb_get_unmapped_area (-ENOMEM beyond TASK_SIZE, -EINVAL for an
 * unaligned fixed address, -EPERM for one below mmap_min_addr),
 * MAP_FIXED_NOREPLACE over a mapping (-EEXIST), the mlock limits (-EPERM,
 * -EAGAIN), file_mmap_ok (-EOVERFLOW past MAX_LFS_FILESIZE), the mapping
 * type as for a file (MAP_SHARED_VALIDATE's unknown flags -EOPNOTSUPP, a
 * type other than shared, shared-validate or private or MAP_GROWSDOWN
 * -EINVAL), may_expand_vm (-ENOMEM),
 * and then, in mmap_region after what MAP_FIXED replaces is gone (its PTEs
 * cleared, so the abort leaves a hole: vms_abort_munmap_vmas),
 * hugetlbfs_file_mmap: -EINVAL for an offset not on a huge page, else
 * reserving the pages fails: -ENOMEM.  With MAP_NORESERVE Linux would
 * create a VMA whose faults get SIGBUS; mmkit says -ENOMEM there too
 * (docs/DIFFERENCES.md).
 */
static int64_t mmap_hugetlb_anon(struct mm *mm, uint64_t addr, uint64_t len, int prot,
				 uint64_t flags, uint64_t pgoff)
{
	const uint64_t hpage = 2ULL << 20;
	unsigned shift = ((unsigned)flags >> 26) & 0x3f;
	if (shift && shift != 21 && (shift != 30 || mm->sys->cfg.no_gigantic_pages))
		return -EINVAL; /* no hstate of that size */
	len = (len + hpage - 1) & ~(hpage - 1);
	if (!len)
		return -EINVAL;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->vmas.count > mm->sys->cfg.max_map_count)
		return -ENOMEM;
	if (len > mm->task_size)
		return -ENOMEM;
	bool fixed = flags & (MMK_MAP_FIXED | MMK_MAP_FIXED_NOREPLACE);
	if (fixed) {
		if (addr & (hpage - 1))
			return -EINVAL;
		if (addr > mm->task_size - len)
			return -ENOMEM;
		/* security_mmap_addr() in __get_unmapped_area */
		if (addr < mm->sys->cfg.mmap_min_addr && !mm->sys->cfg.cap_sys_rawio)
			return -EPERM;
	}
	struct vma *v = fixed ? find_vma(mm, addr) : NULL;
	bool overlaps = v && vma_start(v) < addr + len;
	if ((flags & MMK_MAP_FIXED_NOREPLACE) && overlaps)
		return -EEXIST;
	uint64_t vm_flags = calc_vm_bits(mm, prot, (int)flags);
	if ((flags & MMK_MAP_LOCKED) && mm->sys->cfg.memlock_rlimit == 0 &&
	    !mm->sys->cfg.cap_ipc_lock)
		return -EPERM;
	if (!mlock_future_ok(mm, vm_flags, len))
		return -EAGAIN;
	/* file_mmap_ok() on the hugetlbfs file */
	if (len > INT64_MAX || pgoff > (INT64_MAX - len) >> PAGE_SHIFT)
		return -EOVERFLOW;
	/* do_mmap()'s file types: hugetlbfs has no FOP_MMAP_SYNC */
	switch (flags & MMK_MAP_TYPE) {
	case MMK_MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		/* fall through */
	case MMK_MAP_SHARED_VALIDATE:
		if (flags & ~LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		/* fall through */
	case MMK_MAP_PRIVATE:
		if (vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	uint64_t mapped = overlaps ? mapped_pages_in(mm, addr, addr + len) : 0;
	if (!may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) - mapped))
		return -ENOMEM;
	if (overlaps) {
		int err = do_munmap_range(mm, addr, addr + len);
		if (err)
			return err;
	}
	if (pgoff & ((hpage >> PAGE_SHIFT) - 1))
		return -EINVAL;
	return -ENOMEM;
}

int64_t mmk_mmap(mmk_proc *p, uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int fd,
		 int64_t off)
{
	int err = proc_enter(p);
	if (err)
		return err;
	/* MAP_32BIT and MAP_ABOVE4G are x86's: elsewhere unknown flags,
	 * which mmap ignores. */
	if (!p->sys->arch->map_32bit)
		flags &= ~(MMK_MAP_32BIT | MAP_ABOVE4G);
	/* sys_mmap (x86): the offset must be page aligned. */
	if ((uint64_t)off & (PAGE_SIZE - 1))
		return -EINVAL;
	struct mmk_file *file = NULL;
	if (!(flags & MMK_MAP_ANONYMOUS)) {
		file = fd_file(p, fd);
		if (!file)
			return -EBADF;
		if (flags & MMK_MAP_HUGETLB) {
			file_put(file);
			return -EINVAL;
		}
	}
	struct mm *mm = p->mm;
	if (!file && (flags & MMK_MAP_HUGETLB)) {
		mmap_write_lock(mm);
		int64_t r =
		    mmap_hugetlb_anon(mm, addr, len, (int)prot, flags, (uint64_t)off >> PAGE_SHIFT);
		mm_debug_check(mm, "mmap");
		mmap_write_unlock(mm);
		return r;
	}
	mmap_write_lock(mm);
	int64_t ret = do_mmap(p, addr, len, (int)prot, flags, file, (uint64_t)off >> PAGE_SHIFT);
	mm_debug_check(mm, "mmap");
	mmap_write_unlock(mm);
	if (file)
		file_put(file);
	return ret;
}

/* ---- brk ------------------------------------------------------------------------------------ */

/* do_brk_flags(): grows the heap at addr by len, expanding brkvma if it
 * ends there; extra is VM_EXEC for exec's bss of an executable segment. */
static int do_brk_flags(struct mm *mm, struct vma *brkvma, uint64_t addr, uint64_t len,
			uint64_t extra)
{
	uint64_t flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags | extra;
	if (!may_expand_vm(mm, flags, len >> PAGE_SHIFT))
		return -ENOMEM;
	if (mm->vmas.count > mm->sys->cfg.max_map_count)
		return -ENOMEM;
	if (vm_enough_memory(mm, len >> PAGE_SHIFT))
		return -ENOMEM;
	if (brkvma && vma_end(brkvma) == addr) {
		struct vmg g = {
		    /* every field named: a partial initializer costs a rep stos */
		    .prev = brkvma,
		    .middle = NULL,
		    .next = NULL,
		    .src = NULL,
		    .start = addr,
		    .end = addr + len,
		    .pgoff = addr >> PAGE_SHIFT,
		    .flags = flags,
		    .file = NULL,
		    .anon_vma = NULL,
		    .anon_name = NULL,
		    .just_expand = true,
		    .nomem = false,
		};
		struct vma *v = vma_merge_new_range(mm, &g);
		if (v) {
			vma_set_flags(v, v->flags | VM_SOFTDIRTY);
			return 0;
		}
		if (g.nomem)
			return -ENOMEM;
	}
	struct vma *v, *prev = node_vma(vma_tree_find_prev(&mm->vmas, addr));
	int err =
	    mmap_new_vma(mm, NULL, addr, len, flags | VM_SOFTDIRTY, addr >> PAGE_SHIFT, prev, &v);
	if (!err)
		v->is_heap = true;
	return err;
}

uint64_t mmk_brk(mmk_proc *p, uint64_t brk)
{
	int err = proc_enter(p);
	if (err)
		return (uint64_t)(int64_t)err;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	uint64_t origbrk = mm->brk;
	bool populate = false;
	uint64_t oldbrk = PAGE_ALIGN(mm->brk), newbrk = PAGE_ALIGN(brk);
	if (brk < mm->start_brk || brk > mm->task_size)
		goto out;
	if (mm->sys->cfg.data_rlimit != UINT64_MAX &&
	    brk - mm->start_brk > mm->sys->cfg.data_rlimit)
		goto out;
	if (oldbrk == newbrk) {
		mm->brk = brk;
		goto success;
	}
	if (brk <= mm->brk) {
		/* Always allow shrinking, but only of the heap's own VMA. */
		struct vma *v = find_vma(mm, newbrk);
		if (!v || vma_start(v) >= oldbrk)
			goto out;
		if (do_munmap_range(mm, newbrk, oldbrk))
			goto out;
		mm->brk = brk;
		goto success;
	}
	/* check_brk_limits(): after mlockall(MCL_FUTURE) the growth would be
	 * locked, so RLIMIT_MEMLOCK bounds it. */
	if (!mlock_future_ok(mm, mm->def_flags, newbrk - oldbrk))
		goto out;
	/* Check against existing mappings, including a stack's guard gap. */
	struct vma *next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(mm, next))
		goto out;
	struct vma *brkvma = node_vma(vma_tree_find_prev(&mm->vmas, oldbrk));
	if (brkvma && vma_start(brkvma) < mm->start_brk)
		brkvma = NULL;
	if (do_brk_flags(mm, brkvma, oldbrk, newbrk - oldbrk, 0) < 0)
		goto out;
	mm->brk = brk;
	populate = mm->def_flags & VM_LOCKED;
success:
	mm->brk_set = true;
	if (populate)
		mm_populate(mm, oldbrk, newbrk);
	mm_debug_check(mm, "brk");
	mmap_write_unlock(mm);
	return brk;
out:
	mm->brk = origbrk;
	mmap_write_unlock(mm);
	return origbrk;
}

int mmk_set_brk_base(mmk_proc *p, uint64_t start_brk)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (start_brk >= p->mm->task_size)
		return -EINVAL;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	if (mm->brk != mm->start_brk) {
		err = -EINVAL;
	} else {
		mm->start_brk = mm->brk = start_brk;
		mm->brk_set = true;
	}
	mmap_write_unlock(mm);
	return err;
}

/*
 * The memory a reserved VMA stands for is resident on the host, so the
 * page tables covering it exist there; give the mirror the same tables
 * (empty), since whether a PTE table exists is observable (fault-around
 * maps nothing into a missing table when it would stop at EOF).
 */
static int reserve_pgtables(struct mm *mm, uint64_t start, uint64_t end)
{
	int err = 0;
	mmk_mutex_lock(&mm->ptl);
	for (uint64_t a = start; a < end; a = (a + PMD_SIZE) & ~(PMD_SIZE - 1))
		if (!pgtable_walk(&mm->pt, a, 1)) {
			err = -ENOMEM;
			break;
		}
	mmk_mutex_unlock(&mm->ptl);
	return err;
}

int mmk_reserve(mmk_proc *p, uint64_t start, uint64_t end, int growsdown)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || start >= end || end > p->mm->task_size)
		return -EINVAL;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	struct vma *v = find_vma(mm, start);
	if (v && vma_start(v) < end) {
		err = -EEXIST;
	} else if (!(v = vma_alloc(mm))) {
		err = -ENOMEM;
	} else {
		v->node.start = start;
		v->node.end = end;
		v->flags = VM_READ | VM_MAYREAD | (growsdown ? VM_GROWSDOWN : 0);
		v->pgoff = start >> PAGE_SHIFT;
		v->reserved = true;
		vma_link(mm, v);
		err = reserve_pgtables(mm, start, end);
	}
	mm_debug_check(mm, "reserve");
	mmap_write_unlock(mm);
	return err;
}

/* ---- exec's mappings (binfmt_elf.c) ------------------------------------------------------ */

int64_t vm_mmap(struct mmk_proc *p, struct mmk_file *file, uint64_t addr, uint64_t len, int prot,
		int flags, uint64_t off)
{
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	int64_t ret = do_mmap(p, addr, len, prot, flags, file, off >> PAGE_SHIFT);
	mm_debug_check(mm, "exec mmap");
	mmap_write_unlock(mm);
	return ret;
}

int vm_munmap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + PAGE_ALIGN(len);
	if (!PAGE_ALIGNED(start) || end <= start || end > mm->task_size)
		return -EINVAL;
	mmap_write_lock(mm);
	int err = do_munmap_range(mm, start, end);
	mm_debug_check(mm, "exec munmap");
	mmap_write_unlock(mm);
	return err;
}

/*
 * vm_brk_flags(): anonymous memory at [addr, addr + len) for a bss, as brk
 * makes it (check_brk_limits, then whatever was there unmapped, then
 * do_brk_flags: merged into an anonymous VMA ending at addr if one can
 * take it).  len is page-rounded; 0 does nothing.
 */
int vm_brk_flags(struct mm *mm, uint64_t addr, uint64_t len, bool exec)
{
	uint64_t request = len;
	len = PAGE_ALIGN(len);
	if (len < request)
		return -ENOMEM;
	if (!len)
		return 0;
	mmap_write_lock(mm);
	int err = 0;
	int64_t a = get_unmapped_area(mm, NULL, addr, len, 0, MMK_MAP_FIXED);
	if (a < 0)
		err = (int)a;
	else if (!mlock_future_ok(mm, mm->def_flags, len))
		err = -EAGAIN;
	if (!err)
		err = do_munmap_range(mm, addr, addr + len);
	if (!err) {
		struct vma *prev = node_vma(vma_tree_find_prev(&mm->vmas, addr));
		err = do_brk_flags(mm, prev, addr, len, exec ? VM_EXEC : 0);
	}
	bool populate = !err && (mm->def_flags & VM_LOCKED);
	if (populate)
		mm_populate(mm, addr, addr + len);
	mm_debug_check(mm, "exec brk");
	mmap_write_unlock(mm);
	return err;
}

/*
 * _install_special_mapping(): a VMA of the special kind at [addr, addr + len) with
 * vm_flags | VM_DONTEXPAND | VM_SOFTDIRTY, replacing nothing (the range
 * must be free).  Its memory is anonymous: pages read as zeros until
 * special_mapping_fill puts bytes there.  0 or -errno.
 */
int install_special_mapping(struct mm *mm, uint64_t addr, uint64_t len, uint64_t vm_flags,
			    enum vma_special kind)
{
	mmap_write_lock(mm);
	int err = 0;
	struct vma *v = find_vma(mm, addr);
	if (v && vma_start(v) < addr + len)
		err = -EEXIST;
	else if (!(v = vma_alloc(mm))) /* insert_vm_struct(): no RLIMIT_AS test */
		err = -ENOMEM;
	if (!err) {
		v->node.start = addr;
		v->node.end = addr + len;
		v->flags = vm_flags | mm->def_flags | VM_DONTEXPAND | VM_SOFTDIRTY;
		v->flags &= ~VM_LOCKED_MASK; /* VM_SPECIAL memory is never mlocked */
		v->pgoff = addr >> PAGE_SHIFT;
		v->special = (uint8_t)kind;
		vma_link(mm, v);
		TRACE(mm->sys, .kind = MMK_EV_VMA_CREATE, .pid = mm->pid, .start = addr,
		      .end = addr + len, .detail = vma_special_name(kind));
	}
	mm_debug_check(mm, "special mapping");
	mmap_write_unlock(mm);
	return err;
}

/*
 * Puts len bytes of data at the start of the special mapping at addr (the
 * vDSO image), as if the kernel's pages held them: the VMA is made
 * writable for the copy and given its flags back, with its PTEs
 * write-protected again.  0 or -errno.
 */
int special_mapping_fill(struct mmk_proc *p, uint64_t addr, const void *data, uint64_t len)
{
	struct mm *mm = p->mm;
	mmap_write_lock(mm);
	struct vma *v = vma_lookup(mm, addr);
	uint64_t flags = v ? v->flags : 0;
	if (v)
		vma_set_flags(v, flags | VM_WRITE);
	mmap_write_unlock(mm);
	if (!v)
		return -EFAULT;
	int err = mmk_store(p, addr, data, len, NULL);
	mmap_write_lock(mm);
	v = vma_lookup(mm, addr);
	if (v) {
		vma_set_flags(v, flags);
		mm_change_protection(mm, v, vma_start(v), vma_end(v), flags);
	}
	mm_debug_check(mm, "special mapping fill");
	mmap_write_unlock(mm);
	return err;
}
