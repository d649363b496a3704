/*
 * vma.h - VMA operations shared by mmap.c, mprotect.c, mremap.c, madvise.c
 * and task.c (defined in vma.c).  Caller holds mm->mmap_lock for writing.
 */
#ifndef MMK_VMA_H
#define MMK_VMA_H

#include "mm_types.h"

/* The facts a merge decision needs (Linux's struct vma_merge_struct).  On the
 * hot paths (vma_modify, mmap_region) every field is initialised by name: a
 * partial initializer makes GCC clear the whole struct with `rep stos`, which
 * costs more than the rest of a failed merge attempt. */
struct vmg {
	struct vma *prev, *middle, *next; /* middle: the VMA being changed, if any */
	struct vma *src;		  /* whose anon_vma the range carries */
	uint64_t start, end, pgoff, flags;
	struct mmk_file *file;
	struct anon_vma *anon_vma;
	const char *anon_name;
	bool just_expand; /* only try prev (brk, mremap expand) */
	bool nomem;	  /* set when a merge failed for lack of memory */
};

void vm_stat_account(struct mm *mm, uint64_t flags, int64_t npages);
void vma_account(struct vma *v, int sign);
void vma_link(struct mm *mm, struct vma *v);
void vma_link_after(struct mm *mm, struct vma *v, struct vma *prev);
void vma_unlink(struct mm *mm, struct vma *v);
void vma_set_range(struct vma *v, uint64_t start, uint64_t end, uint64_t pgoff);
void vma_set_flags(struct vma *v, uint64_t flags);
void vma_remove(struct mm *mm, struct vma *v);
struct vma *__vma_split(struct mm *mm, struct vma *v, uint64_t addr, bool new_below);
int vma_split(struct mm *mm, struct vma *v, uint64_t addr, bool new_below);
struct vma *vma_merge_new_range(struct mm *mm, struct vmg *g);
struct vma *vma_merge_existing_range(struct mm *mm, struct vmg *g);
struct vma *vma_modify(struct mm *mm, struct vma *v, uint64_t start, uint64_t end, uint64_t flags,
		       const char *name, bool set_name, int *err);

/* mmap.c */
/* Unmaps [start, end) (page aligned, start < end) as munmap does: splits
 * the VMAs at the edges, removes everything inside.  -ENOMEM when a split
 * would exceed max_map_count. */
int do_munmap_range(struct mm *mm, uint64_t start, uint64_t end);
/* The same, also giving the VMAs around the range afterwards (NULL: none). */
int do_munmap_range_nb(struct mm *mm, uint64_t start, uint64_t end, struct vma **prevp,
		       struct vma **nextp);
/* get_unmapped_area for a new mapping; returns an address or -errno. */
int64_t get_unmapped_area(struct mm *mm, struct mmk_file *file, uint64_t addr, uint64_t len,
			  uint64_t pgoff, int flags);
/* may_expand_vm(): the address-space and data limits. */
bool may_expand_vm(struct mm *mm, uint64_t flags, uint64_t npages);
/* vm_start_gap(): a VMA's start including its stack guard gap. */
uint64_t vm_start_gap(struct mm *mm, const struct vma *v);
/* mlock_future_ok(): RLIMIT_MEMLOCK for VM_LOCKED growth. */
bool mlock_future_ok(struct mm *mm, uint64_t flags, uint64_t bytes);
/* Linux's mmap_min_addr variable: max(vm.mmap_min_addr, LSM floor). */
uint64_t effective_min_addr(const struct mmk_config *c);

/* Locking helpers (macros, so lockdep names the caller's line). */
#define mmap_write_lock(mm) mmk_rwlock_wrlock(&(mm)->mmap_lock)
/* A second mm's lock under the first's: only fork's new, unseen child. */
#define mmap_write_lock_nested(mm) mmk_rwlock_wrlock_nested(&(mm)->mmap_lock)
/* Every write release bumps mm->map_gen: the VMAs may have changed, and a
 * decode cache keyed by mmk_map_gen() must be dropped. */
#define mmap_write_unlock(mm)                                                                      \
	do {                                                                                       \
		atomic_fetch_add_explicit(&(mm)->map_gen, 1, memory_order_release);                \
		mmk_rwlock_wrunlock(&(mm)->mmap_lock);                                             \
	} while (0)
#define mmap_read_lock(mm)   mmk_rwlock_rdlock(&(mm)->mmap_lock)
#define mmap_read_unlock(mm) mmk_rwlock_rdunlock(&(mm)->mmap_lock)

/* Runs the invariant checker after a mutating call in debug builds. */
void mm_debug_check(struct mm *mm, const char *what);

#endif
