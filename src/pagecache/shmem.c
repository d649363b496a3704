/*
 * shmem.c - shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS and
 * MAP_SHARED of /dev/zero), mirroring mm/shmem.c's shmem_zero_setup and
 * shmem_get_folio: an INODE_SHMEM inode whose page cache is the memory
 * itself.  Every process mapping it (the parent and its fork children)
 * faults in the same pages, so a store in one is a load in the others.
 *
 * Invariants: the inode has no host file (hostfd -1) and is never written
 * back; its pages are PG_swapbacked (RssShmem), created zeroed on the
 * first fault and freed only when the inode goes (pagecache_release), a
 * hole is punched (MADV_REMOVE), or reclaim moves them to swap
 * (inode->swapped, swap.c: the next fault reads them back); a fault past
 * i_size (the mapping's original length) is SIGBUS, as on Linux after
 * mremap grows such a mapping.  Unless created with VM_NORESERVE, the
 * object holds a charge of its size in Committed_AS for its whole life
 * (commit.c).
 */
#include <errno.h>

#include "commit.h"
#include "pages.h"
#include "swap.h"

int shmem_file_create(struct mm *mm, uint64_t len, uint64_t vm_flags, struct mmk_file **out)
{
	/* shmem_acct_size(): the whole object is charged up front unless
	 * VM_NORESERVE (Linux then charges each page as it is allocated,
	 * which mmkit does not model: docs/DIFFERENCES.md). */
	uint64_t pages = (vm_flags & VM_NORESERVE) ? 0 : size_to_pages(len);
	if (pages && vm_enough_memory(mm, pages))
		return -ENOMEM;
	struct mmk_inode *in = inode_new_internal(mm->sys, INODE_SHMEM, len);
	if (!in)
		return -ENOMEM;
	in->commit_pages = pages;
	vm_acct_memory(mm->sys, (int64_t)pages); /* inode_free uncharges */
	struct mmk_file *f = file_new(in, MMK_O_RDWR);
	if (!f) {
		inode_put(in);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

int shmem_get_page_locked(struct mmk_inode *in, uint64_t pgoff, pfn_t *pfn, bool *major)
{
	lock_assert_held(&in->lock);
	if (pgoff >= size_to_pages(in->size))
		return -ERANGE;
	if (!pagecache_lookup_locked(in, pgoff, pfn))
		return 0;
	int err = shmem_swapin_locked(in, pgoff, pfn, major);
	if (err != -ENOENT)
		return err;
	pfn_t new;
	err = page_alloc(in->sys, in, 1, &new);
	if (err)
		return err;
	page_set(pfn_to_page(&in->sys->pool, new), PG_swapbacked | PG_uptodate);
	err = pagecache_insert_locked(in, pgoff, new);
	if (err) {
		frame_put(&in->sys->pool, new);
		return err;
	}
	*pfn = new;
	return 0;
}
