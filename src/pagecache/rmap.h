/*
 * rmap.h - the reverse-map walks reclaim needs (the walking half of
 * Linux's mm/rmap.c; anon.c keeps the anon_vma bookkeeping): from a page
 * to every PTE that maps it, through the file's i_mmap list for a page-cache
 * page or through the anon_vma's chain list for an anonymous page.
 *
 * Preconditions of every walk: the caller holds a reference to the page,
 * has it isolated (PG_locked, off the LRU), and holds the owner's lock --
 * the inode's lock for a page-cache page, the root anon_vma's lock for an
 * anonymous page -- which keeps the VMAs on the list, their bounds, pgoff
 * and flags (vma.c changes those under it) and their mm alive.  Each PTE
 * is read and changed under its mm->ptl.
 *
 * A walk may miss a mapping that is moving (mremap between VMAs, a merge
 * in progress): the callers always judge by the page's mapcount afterwards,
 * never by what the walk saw.
 */
#ifndef MMK_RMAP_H
#define MMK_RMAP_H

#include "pages.h"

/* folio_referenced(): clears the accessed bit of every young PTE mapping
 * the page (and drops its TLB entry so the next access sets it again).
 * Returns how many were young; *vm_locked tells whether a VM_LOCKED VMA
 * maps it (mlock: the page must stay). */
int rmap_referenced(struct mmk_system *sys, pfn_t pfn, bool *vm_locked);

/* try_to_unmap() of a page-cache page: zaps every PTE mapping it outside
 * VM_LOCKED VMAs (dirty PTEs leave the page PG_dirty).  The page is
 * unmapped when its mapcount is 0 afterwards. */
void rmap_unmap_file(struct mmk_system *sys, pfn_t pfn);

/* try_to_unmap() of an anonymous page in the swap cache: every PTE mapping
 * it outside VM_LOCKED VMAs becomes a swap entry for its slot (a dirty PTE
 * makes the page PG_dirty, and each such PTE clears PG_anon_exclusive).
 * Stops if the page leaves the swap cache. */
void rmap_unmap_to_swap(struct mmk_system *sys, pfn_t pfn);

/* try_to_unmap() of a lazily-freed (MADV_FREE) anonymous page: its PTEs
 * are cleared, unless one is dirty or the page is -- a store since
 * MADV_FREE -- then nothing more is cleared and false is returned. */
bool rmap_unmap_discard(struct mmk_system *sys, pfn_t pfn);

/* Who maps the page, for the trace (only called while one is installed):
 * the pid of the first process found with a PTE mapping it, other than
 * skip's (NULL: any), and in *va (if not NULL) where; 0 if none. */
int rmap_mapper(struct mmk_system *sys, pfn_t pfn, const struct mm *skip, uint64_t *va);

/* rmap_mapper() of an anonymous page copied by a write fault of self,
 * which takes the root anon_vma's lock itself: the process the copy
 * leaves the page shared with, or 0.  Caller pins the page and holds
 * self's mmap_lock (its VMA keeps the page's anon_vma alive) and no lock
 * after it. */
int rmap_anon_sharer(struct mmk_system *sys, pfn_t pfn, const struct mm *self);

#endif
