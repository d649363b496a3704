/*
 * memory.h - the page layer, as the address-space layer and the file layer
 * call it.  The address-space layer (vma.c, mmap.c, mprotect.c, mremap.c,
 * madvise.c, task.c) owns VMAs and never touches a PTE itself; it calls
 * these.  Implemented in memory.c (PTE range operations: zap, protect, move,
 * copy), fault.c (the fault handler and populate), access.c (loads/stores),
 * tlb.c (the software TLB), pagecache.c (the page cache, file I/O,
 * truncation), writeback.c, shmem.c, msync.c, mincore.c, madvise_pages.c.
 *
 * Unless said otherwise, the caller holds mm->mmap_lock for writing.
 */
#ifndef MMK_MEMORY_H
#define MMK_MEMORY_H

#include "mm_types.h"

/* ---- Address-space lifetime (memory.c) ---------------------------------- */
/* Sets up mm->pt, mm->ptl, RSS counters and the TLB.  -ENOMEM. */
int mm_pages_init(struct mm *mm);
/* Frees the page tables; every VMA has already been zapped. */
void mm_pages_destroy(struct mm *mm);

/* ---- PTE range operations (memory.c) ------------------------------------ */
/*
 * What a zap removes (Linux's struct zap_details).  even_cows: anonymous
 * pages (private COW copies) and swap entries go too; without it only
 * pages of the file stay mapped-out (unmap_mapping_range(even_cows = 0)).
 * zap_flags: ZAP_FLAG_* below.  A NULL details means ZAP_ALL, as Linux's
 * zap_page_range_single(..., NULL) does.
 */
struct zap_details {
	bool even_cows;
	unsigned zap_flags;
};
#define ZAP_FLAG_DROP_MARKER (1u << 0) /* PTE markers go too (munmap, exit) */
#define ZAP_ALL		     ((struct zap_details){.even_cows = true})

/* Unmaps every page of [start, end) inside vma as @details (NULL: ZAP_ALL)
 * says: drops mapcounts and references (frames freed when unreferenced),
 * RSS counters, flushes the TLB.  Dirty PTEs of file pages mark their page
 * dirty first.  Linux: unmap_vmas / zap_page_range_single.  Also called
 * with mmap_lock held for reading (madvise DONTNEED). */
void mm_zap_range(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		  const struct zap_details *details);
/* Frees page-table pages left empty in [start, end), keeping tables shared
 * with neighbouring VMAs (free_pgtables). */
void mm_free_pgtables(struct mm *mm, uint64_t start, uint64_t end);
/* Applies vma's new protection (newflags) to present PTEs in [start, end):
 * removes write permission when newflags lacks VM_WRITE, and when it has
 * VM_WRITE leaves PTEs write-protected where a write must still fault (COW,
 * clean shared file pages).  Linux: change_protection. */
void mm_change_protection(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
			  uint64_t newflags);
/* Moves the PTEs of [old_addr, old_addr + len) to new_addr (mremap's
 * move_page_tables); rmap information (anon page index) follows.  -ENOMEM. */
int mm_move_ptes(struct mm *mm, uint64_t old_addr, uint64_t new_addr, uint64_t len);
/* fork: copies src_vma's PTEs into dst_vma of dst (copy_page_range):
 * private anonymous pages become shared copy-on-write (both PTEs
 * write-protected), file and shared pages are mapped again.  -ENOMEM. */
int mm_copy_ptes(struct mm *dst, struct vma *dst_vma, struct mm *src, struct vma *src_vma);

/* ---- Faults (fault.c) ------------------------------------------------------ */
/* Faults in every page of [start, end) (populate_vma_page_range /
 * __mm_populate): write faults for writable private mappings, read faults
 * otherwise.  Caller holds mmap_lock (read or write).  Returns 0, or the
 * first error: -EFAULT (a page that would get SIGBUS) or -ENOMEM; callers
 * that Linux lets ignore errors (mmap, brk, mremap) do so. */
int mm_populate(struct mm *mm, uint64_t start, uint64_t end);
/* madvise_populate() (MADV_POPULATE_READ, or _WRITE with write): GUP's
 * faultin_page_range() over [start, end), VMA after VMA, with FOLL_TOUCH
 * and without FOLL_FORCE.  A hole is -ENOMEM; a VMA that does not allow
 * the access (no VM_READ, or no VM_WRITE for _WRITE; VM_IO, VM_PFNMAP) is
 * -EINVAL (check_vma_flags); a page that would get SIGBUS is -EFAULT; no
 * memory is -ENOMEM.  Pages populated before the error stay.  A fault that
 * reads counts major (the retried GUP fault has FOLL_TRIED).  Caller holds
 * mmap_lock for reading. */
int mm_madvise_populate(struct mm *mm, uint64_t start, uint64_t end, bool write);

/* ---- Files and the page cache (pagecache.c) ----------------------------------- */
/* read/pread through the page cache with readahead. Returns bytes or -errno.
 * Caller holds no mm lock. */
int64_t pagecache_read(struct mmk_file *f, void *buf, uint64_t len, uint64_t off);
/* write/pwrite through the page cache; extends i_size.  Bytes or -errno. */
int64_t pagecache_write(struct mmk_file *f, const void *buf, uint64_t len, uint64_t off);
/* An O_APPEND write: at i_size, found under the lock the write holds; *end
 * is the position after it.  Bytes or -errno. */
int64_t pagecache_append(struct mmk_file *f, const void *buf, uint64_t len, uint64_t *end);
/* ftruncate: sets i_size, zaps pages past the new EOF from every mapping
 * (private COW copies included, unmap_mapping_range even_cows) and drops
 * them from the cache; growing exposes zeros.  Calls the host ftruncate. */
int pagecache_truncate(struct mmk_inode *inode, uint64_t size);
/* Writes back dirty pages of [start, end) pages-offsets (end exclusive,
 * UINT64_MAX for all) and, when sync, ends with a host fsync (none for an
 * idle inode, which has no descriptor).  The caller holds a reference. */
int writeback_range(struct mmk_inode *inode, uint64_t start, uint64_t end, bool sync);
/* Drops every page of the inode (writing dirty ones back first) before the
 * inode is freed. Returns 0 or the first writeback error. */
int pagecache_release(struct mmk_inode *inode);
/* msync on the file range of one VMA [start, end) (caller: mmap_lock read). */
int pagecache_msync_vma(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, int flags);

/* The background flusher (Linux's writeback threads): writes dirty pages
 * back when there are more than a threshold or they are older than an age.
 * Started by mmk_system_create, stopped (after a final writeback of
 * everything) by mmk_system_destroy. */
int flusher_start(struct mmk_system *sys);
void flusher_stop(struct mmk_system *sys);

/* ---- Page-layer invariants (invariants_pages.c) --------------------------------------- */
/* Every PTE of mm is consistent with its VMA and its frame (present frames
 * allocated, mapcounts >= number of PTEs seen, RSS counters equal to a
 * recount).  Caller holds mmap_lock. */
int mm_check_pages(struct mm *mm, char *err, size_t errlen);
/* System-wide frame accounting: for every frame, refcount == PTE mappings +
 * page-cache entries + other holders; mapcount == PTEs mapping it across all
 * processes; no frame is both free and referenced.  Caller holds no lock;
 * takes every mm's mmap_lock for reading. */
int sys_check_frames(struct mmk_system *sys, char *err, size_t errlen);

/* ---- Page-layer parts of madvise (madvise_pages.c) and mincore (mincore.c) ------ */
/* DONTNEED, FREE, WILLNEED, REMOVE, COLD, PAGEOUT, GUARD_INSTALL (mmap_lock
 * held for writing), GUARD_REMOVE on [start, end) of vma. */
int mm_madvise_pages(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, int advice);
/* Fills vec for [start, end) of vma (mincore_vma; mincore.c). */
void mm_mincore(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end, unsigned char *vec);

/* ---- Shared anonymous memory (shmem.c) ------------------------------------------ */
/* Creates the file object behind a MAP_SHARED|MAP_ANONYMOUS mapping of len
 * bytes for mm (shmem_zero_setup): an INODE_SHMEM inode, size len, charged
 * to Committed_AS unless vm_flags has VM_NORESERVE. -ENOMEM, also when the
 * overcommit policy refuses the charge. */
int shmem_file_create(struct mm *mm, uint64_t len, uint64_t vm_flags, struct mmk_file **out);

#endif
